/* nexus-host-sessions.c: the sessions of a host's own members, kept so
 * that after a crash the window resumes in its room as itself
 *
 * The window hosts a room and joins it over loopback like any guest, so
 * the host is a member with a session token. The rooms' database keeps
 * only a hash of it, which lets nobody in: to come back as the same
 * member after a crash, the window keeps the token itself, in a small
 * key file beside the database (mode 0600 in a 0700 directory), one group
 * per room:
 *
 *   [K7QX3M]
 *   name=Ada
 *   session=…
 *
 * The file is read and written by threads, never on the main loop. Each
 * change writes the whole file again (a few lines); the writes are
 * numbered, and one never replaces a newer one.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-host-sessions.h"

struct _NexusHostSessions
{
  GObject parent_instance;

  char     *path;
  GKeyFile *file;
  guint64   generation;      /* of the newest change */
  guint     n_writing;       /* writes not yet done */

  /* Shared with the writing threads */
  GMutex    write_lock;
  guint64   written;         /* the generation on disk */
};

G_DEFINE_FINAL_TYPE (NexusHostSessions, nexus_host_sessions, G_TYPE_OBJECT)

typedef struct {
  char    *contents;
  gsize    length;
  guint64  generation;
} Write;

static void
write_free (Write *write)
{
  g_free (write->contents);
  g_free (write);
}

static void
nexus_host_sessions_finalize (GObject *object)
{
  NexusHostSessions *self = NEXUS_HOST_SESSIONS (object);

  g_free (self->path);
  g_key_file_unref (self->file);
  g_mutex_clear (&self->write_lock);

  G_OBJECT_CLASS (nexus_host_sessions_parent_class)->finalize (object);
}

static void
nexus_host_sessions_class_init (NexusHostSessionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nexus_host_sessions_finalize;
}

static void
nexus_host_sessions_init (NexusHostSessions *self)
{
  self->file = g_key_file_new ();
  g_mutex_init (&self->write_lock);
}

/* The file in @directory, which the rooms' database has made (mode 0700). */
NexusHostSessions *
nexus_host_sessions_new (const char *directory)
{
  NexusHostSessions *self;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (NEXUS_TYPE_HOST_SESSIONS, NULL);
  self->path = g_build_filename (directory, NEXUS_HOST_SESSIONS_FILE_NAME, NULL);
  return self;
}

const char *
nexus_host_sessions_get_path (NexusHostSessions *self)
{
  g_return_val_if_fail (NEXUS_IS_HOST_SESSIONS (self), NULL);

  return self->path;
}

/* Loading */

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  NexusHostSessions *self = source_object;
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  /* None yet, or one that cannot be read: nothing to resume with. It is
   * written again whole at the next change. */
  if (!g_key_file_load_from_file (file, self->path, G_KEY_FILE_NONE, &error)
      && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_message ("%s cannot be read (%s); the window cannot resume as its own member after a crash",
               self->path, error->message);
  g_task_return_pointer (task, g_steal_pointer (&file), (GDestroyNotify) g_key_file_unref);
}

/* Reads what a previous process kept. */
void
nexus_host_sessions_load_async (NexusHostSessions   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NEXUS_IS_HOST_SESSIONS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_host_sessions_load_async);
  g_task_run_in_thread (task, load_in_thread);
}

gboolean
nexus_host_sessions_load_finish (NexusHostSessions  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_autoptr(GKeyFile) file = NULL;
  g_auto(GStrv) codes = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  file = g_task_propagate_pointer (G_TASK (result), error);
  if (file == NULL)
    return FALSE;
  /* What was remembered meanwhile is newer than the file. */
  codes = g_key_file_get_groups (file, NULL);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      g_autofree char *name = g_key_file_get_string (file, codes[i], "name", NULL);
      g_autofree char *session = g_key_file_get_string (file, codes[i], "session", NULL);

      if (name == NULL || session == NULL || g_key_file_has_group (self->file, codes[i]))
        continue;
      g_key_file_set_string (self->file, codes[i], "name", name);
      g_key_file_set_string (self->file, codes[i], "session", session);
    }
  return TRUE;
}

/* Writing */

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  NexusHostSessions *self = source_object;
  Write *write = task_data;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->write_lock);
  if (write->generation > self->written)
    {
      if (g_file_set_contents_full (self->path, write->contents, (gssize) write->length,
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        self->written = write->generation;
      else
        g_message ("%s cannot be written (%s); the window cannot resume as its own member "
                   "after a crash", self->path, error->message);
    }
  g_mutex_unlock (&self->write_lock);
  g_task_return_boolean (task, TRUE);
}

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  NexusHostSessions *self = NEXUS_HOST_SESSIONS (source);

  g_task_propagate_boolean (G_TASK (result), NULL);
  self->n_writing--;
}

static void
save (NexusHostSessions *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, write_done, NULL);
  Write *write = g_new0 (Write, 1);

  write->contents = g_key_file_to_data (self->file, &write->length, NULL);
  write->generation = ++self->generation;
  self->n_writing++;
  g_task_set_source_tag (task, save);
  g_task_set_task_data (task, write, (GDestroyNotify) write_free);
  g_task_run_in_thread (task, write_in_thread);
}

/* Lookups and changes */

/* The window's member of room @code, if one is kept. */
gboolean
nexus_host_sessions_lookup (NexusHostSessions  *self,
                            const char         *code,
                            char              **name,
                            char              **session)
{
  g_autofree char *found_name = NULL;
  g_autofree char *found_session = NULL;

  g_return_val_if_fail (NEXUS_IS_HOST_SESSIONS (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  found_name = g_key_file_get_string (self->file, code, "name", NULL);
  found_session = g_key_file_get_string (self->file, code, "session", NULL);
  if (found_name == NULL || found_session == NULL)
    return FALSE;
  if (name != NULL)
    *name = g_steal_pointer (&found_name);
  if (session != NULL)
    *session = g_steal_pointer (&found_session);
  return TRUE;
}

void
nexus_host_sessions_remember (NexusHostSessions *self,
                              const char        *code,
                              const char        *name,
                              const char        *session)
{
  g_autofree char *old_name = NULL;
  g_autofree char *old_session = NULL;

  g_return_if_fail (NEXUS_IS_HOST_SESSIONS (self));
  g_return_if_fail (code != NULL && name != NULL && session != NULL);

  if (nexus_host_sessions_lookup (self, code, &old_name, &old_session)
      && g_str_equal (old_name, name) && g_str_equal (old_session, session))
    return;
  g_key_file_set_string (self->file, code, "name", name);
  g_key_file_set_string (self->file, code, "session", session);
  save (self);
}

void
nexus_host_sessions_forget (NexusHostSessions *self,
                            const char        *code)
{
  g_return_if_fail (NEXUS_IS_HOST_SESSIONS (self));
  g_return_if_fail (code != NULL);

  if (g_key_file_remove_group (self->file, code, NULL))
    save (self);
}

/* Forgets every room but @codes: those the database no longer has
 * ended, and their tokens have no use. */
void
nexus_host_sessions_keep_only (NexusHostSessions  *self,
                               const char * const *codes)
{
  g_auto(GStrv) kept = NULL;
  gboolean changed = FALSE;

  g_return_if_fail (NEXUS_IS_HOST_SESSIONS (self));

  kept = g_key_file_get_groups (self->file, NULL);
  for (guint i = 0; kept[i] != NULL; i++)
    if (codes == NULL || !g_strv_contains (codes, kept[i]))
      changed |= g_key_file_remove_group (self->file, kept[i], NULL);
  if (changed)
    save (self);
}

/* TRUE when every change is on disk (or failed to get there). */
gboolean
nexus_host_sessions_is_saved (NexusHostSessions *self)
{
  g_return_val_if_fail (NEXUS_IS_HOST_SESSIONS (self), FALSE);

  return self->n_writing == 0;
}
