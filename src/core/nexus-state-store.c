/* nexus-state-store.c: the host's rooms in a database, so a crash loses nothing
 *
 * One SQLite database (WAL) in a directory of its own holds the rooms a
 * server hosts: each room, the events its history keeps, its members'
 * sessions — as SHA-256 hashes, never the tokens — and the say ids its
 * dedupe remembers. The server records every change as it makes it;
 * the changes of one main-loop turn are one batch, handed at the end of
 * the turn to the writer thread (nexus-state-store-writer.c), which
 * writes it in one transaction and reports back. The main loop never
 * touches the disk after opening.
 *
 * When it opens, the store reads what a previous process left: the rooms
 * it holds wait, on offer, until the server reopens them
 * (nexus_state_store_take_room()) or they are discarded. A lock (flock)
 * beside the database keeps two processes from sharing it.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "nexus-state-store-private.h"
#include "nexus-sqlite.h"


enum {
  PROP_0,
  PROP_PATH,
  PROP_PROBLEM,
  N_PROPS
};

enum {
  SIGNAL_COMMITTED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (NexusStateStore, nexus_state_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (nexus-state-store-error-quark, nexus_state_store_error)

void
nexus_stored_room_info_free (NexusStoredRoomInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->code);
  g_free (info->title);
  g_free (info);
}

char *
nexus_state_store_default_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "nexus-chat", NULL);
}

/* Opening */

static void
store_unlock (NexusStateStore *self)
{
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  self->lock_fd = -1;
}

static gboolean
store_lock (NexusStateStore  *self,
            GError          **error)
{
  g_autofree char *lock_path = g_build_filename (self->directory, NEXUS_STATE_STORE_LOCK_NAME,
                                                 NULL);
  int saved_errno;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      saved_errno = errno;
      g_set_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_FAILED,
                   _("The folder %s for saved rooms cannot be made: %s."), self->directory,
                   g_strerror (saved_errno));
      return FALSE;
    }
  self->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_FAILED,
                   _("The saved rooms in %s cannot be opened: %s."), self->directory,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      saved_errno = errno;
      store_unlock (self);
      if (saved_errno == EWOULDBLOCK)
        g_set_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_BUSY,
                     _("Another Nexus Chat keeps its rooms in %s."), self->directory);
      else
        g_set_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_FAILED,
                     _("The saved rooms in %s cannot be locked: %s."), self->directory,
                     g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Opens the file, made with mode 0600 if it is not there: SQLite gives
 * its WAL the database's mode. */
static sqlite3 *
db_open (const char  *path,
         GError     **error)
{
  sqlite3 *db = NULL;
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  int rc;

  if (fd >= 0)
    close (fd);
  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_FAILED,
                   _("The saved rooms in %s cannot be opened: %s."), path,
                   db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

static char *
set_aside_sentence (NexusStateDbVerdict  verdict,
                    const char          *path,
                    const char          *target)
{
  switch (verdict)
    {
    case NEXUS_STATE_DB_FOREIGN:
      return g_strdup_printf (_("%s is not a Nexus Chat database, so it was set aside as %s and "
                                "a new one was started."), path, target);
    case NEXUS_STATE_DB_NEWER:
      return g_strdup_printf (_("The saved rooms in %s are from a newer version of Nexus Chat, so "
                                "the file was set aside as %s and a new one was started."),
                              path, target);
    case NEXUS_STATE_DB_UNREADABLE:
    case NEXUS_STATE_DB_OK:
    case NEXUS_STATE_DB_FAILED:
    default:
      return g_strdup_printf (_("The saved rooms in %s could not be read, so the file was set "
                                "aside as %s and a new one was started."), path, target);
    }
}

static gboolean on_reports (gpointer user_data);

/* Everything of opening that touches the disk: in the caller's thread,
 * or a worker's for nexus_state_store_open_async(). */
static gboolean
store_open (NexusStateStore  *self,
            GError          **error)
{
  NexusStateDbVerdict verdict = NEXUS_STATE_DB_FAILED;

  if (!store_lock (self, error))
    return FALSE;

  /* A second try is on a new file: one that fails again is an error. */
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *target = NULL;

      if ((self->db = db_open (self->path, error)) == NULL)
        return FALSE;
      verdict = _nexus_state_db_prepare (self->db, error);
      if (verdict == NEXUS_STATE_DB_OK)
        verdict = _nexus_state_db_load (self->db, self->offered, error);
      if (verdict == NEXUS_STATE_DB_OK
          && (self->writer = _nexus_state_writer_start (self->db, self->context, on_reports,
                                                        self)) == NULL)
        verdict = NEXUS_STATE_DB_UNREADABLE;
      if (verdict == NEXUS_STATE_DB_OK)
        {
          self->db = NULL;   /* the writer's now */
          break;
        }
      g_hash_table_remove_all (self->offered);
      g_clear_pointer (&self->db, sqlite3_close);
      if (verdict == NEXUS_STATE_DB_FAILED || attempt > 0)
        break;
      target = nexus_sqlite_set_aside (self->path);
      self->set_aside = set_aside_sentence (verdict, self->path, target);
    }
  if (verdict != NEXUS_STATE_DB_OK)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_FAILED,
                     _("The saved rooms in %s cannot be read."), self->path);
      return FALSE;
    }
  return TRUE;
}

static char *
problem_sentence (NexusStateStore *self,
                  int              sqlite_code)
{
  if ((sqlite_code & 0xff) == SQLITE_FULL)
    return g_strdup (_("Conversations can’t be saved: the disk is full. Chat goes on, but a "
                       "crash would lose it."));
  return g_strdup_printf (_("Conversations can’t be saved: writing to %s failed. Chat goes on, "
                            "but a crash would lose it."), self->directory);
}

static void
set_problem (NexusStateStore *self,
             char            *problem)
{
  if ((problem == NULL) == (self->problem == NULL))
    {
      g_free (problem);
      return;
    }
  g_free (self->problem);
  self->problem = problem;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static gboolean
on_reports (gpointer user_data)
{
  NexusStateStore *self = user_data;
  g_autoptr(GPtrArray) reports = _nexus_state_writer_take_reports (self->writer);

  g_object_ref (self);
  for (guint i = 0; i < reports->len; i++)
    {
      NexusStateReport *report = g_ptr_array_index (reports, i);

      if (report->failed)
        {
          /* Told once: the sentence stays until a write succeeds again. */
          if (report->sqlite_code != SQLITE_ABORT || self->problem == NULL)
            set_problem (self, problem_sentence (self, report->sqlite_code));
          g_signal_emit (self, signals[SIGNAL_FAILED], 0, report->epoch);
        }
      else
        {
          set_problem (self, NULL);
          g_signal_emit (self, signals[SIGNAL_COMMITTED], 0, report->epoch);
        }
    }
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* Object */

static void
nexus_state_store_dispose (GObject *object)
{
  NexusStateStore *self = NEXUS_STATE_STORE (object);

  nexus_state_store_close (self);
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }

  G_OBJECT_CLASS (nexus_state_store_parent_class)->dispose (object);
}

static void
nexus_state_store_finalize (GObject *object)
{
  NexusStateStore *self = NEXUS_STATE_STORE (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->offered, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->directory);
  g_free (self->path);
  g_free (self->set_aside);
  g_free (self->problem);

  G_OBJECT_CLASS (nexus_state_store_parent_class)->finalize (object);
}

static void
nexus_state_store_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  NexusStateStore *self = NEXUS_STATE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_state_store_class_init (NexusStateStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_state_store_dispose;
  object_class->finalize = nexus_state_store_finalize;
  object_class->get_property = nexus_state_store_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* A sentence for the host while changes cannot be written, else NULL. */
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_COMMITTED] =
    g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
nexus_state_store_init (NexusStateStore *self)
{
  self->lock_fd = -1;
  self->epoch = 1;
  self->offered = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) nexus_stored_room_free);
  self->context = g_main_context_ref_thread_default ();
  self->flush_source = _nexus_state_store_flush_source_new (self);
}

static NexusStateStore *
store_new (const char *directory)
{
  NexusStateStore *self = g_object_new (NEXUS_TYPE_STATE_STORE, NULL);

  self->directory = g_strdup (directory);
  self->path = g_build_filename (directory, NEXUS_STATE_STORE_FILE_NAME, NULL);
  return self;
}

/**
 * nexus_state_store_open:
 * @directory: where the database lives (made if need be, mode 0700)
 *
 * Opens the database and reads the rooms it holds. A file that cannot be
 * read, or is not Nexus Chat's, is set aside and a new one made
 * (nexus_state_store_get_set_aside() says so). Fails when another
 * process keeps its rooms there (NEXUS_STATE_STORE_ERROR_BUSY) or the
 * directory cannot be written; the error's message is a sentence.
 *
 * This reads the disk: the window calls nexus_state_store_open_async().
 *
 * Returns: (transfer full) (nullable): the store
 */
NexusStateStore *
nexus_state_store_open (const char  *directory,
                        GError     **error)
{
  g_autoptr(NexusStateStore) self = NULL;

  g_return_val_if_fail (directory != NULL, NULL);

  self = store_new (directory);
  if (!store_open (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  NexusStateStore *self = task_data;
  GError *error = NULL;

  if (store_open (self, &error))
    g_task_return_pointer (task, g_object_ref (self), g_object_unref);
  else
    g_task_return_error (task, error);
}

void
nexus_state_store_open_async (const char          *directory,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (directory != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_state_store_open_async);
  /* Made here, so its sources belong to the caller's main context. */
  g_task_set_task_data (task, store_new (directory), g_object_unref);
  g_task_run_in_thread (task, open_in_thread);
}

NexusStateStore *
nexus_state_store_open_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
nexus_state_store_get_path (NexusStateStore *self)
{
  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), NULL);

  return self->path;
}

/* A sentence when opening found a file it could not use and set it
 * aside, else NULL. */
const char *
nexus_state_store_get_set_aside (NexusStateStore *self)
{
  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), NULL);

  return self->set_aside;
}

/* A sentence while changes cannot be written ("the disk is full"), else
 * NULL; the property "problem" says when it changes. */
const char *
nexus_state_store_get_problem (NexusStateStore *self)
{
  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), NULL);

  return self->problem;
}

/* Writes what was recorded and closes the database; the lock goes with
 * it. This waits for the disk: for the end of a process. */
void
nexus_state_store_close (NexusStateStore *self)
{
  g_return_if_fail (NEXUS_IS_STATE_STORE (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  if (self->writer != NULL)
    {
      _nexus_state_store_flush (self);
      _nexus_state_writer_stop (self->writer);
      self->writer = NULL;
    }
  store_unlock (self);
}

/* The rooms on offer */

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const NexusStoredRoomInfo *info_a = *(NexusStoredRoomInfo **) a;
  const NexusStoredRoomInfo *info_b = *(NexusStoredRoomInfo **) b;

  return info_a->last_activity < info_b->last_activity ? 1
         : info_a->last_activity > info_b->last_activity ? -1
         : g_strcmp0 (info_a->code, info_b->code);
}

/**
 * nexus_state_store_list_rooms:
 *
 * The rooms the database held when it was opened that have been neither
 * reopened nor discarded, the most recently active first.
 *
 * Returns: (transfer full) (element-type NexusStoredRoomInfo): the rooms
 */
GPtrArray *
nexus_state_store_list_rooms (NexusStateStore *self)
{
  GPtrArray *list;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), NULL);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_stored_room_info_free);
  g_hash_table_iter_init (&iter, self->offered);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NexusStoredRoom *room = value;
      NexusStoredRoomInfo *info = g_memdup2 (&room->info, sizeof room->info);

      info->code = g_strdup (room->info.code);
      info->title = g_strdup (room->info.title);
      g_ptr_array_add (list, info);
    }
  g_ptr_array_sort (list, compare_newest_first);
  return list;
}

/* The port of the most recently active room on offer, or 0. */
guint
nexus_state_store_get_port (NexusStateStore *self)
{
  g_autoptr(GPtrArray) rooms = NULL;

  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), 0);

  rooms = nexus_state_store_list_rooms (self);
  return rooms->len > 0 ? ((NexusStoredRoomInfo *) rooms->pdata[0])->port : 0;
}

gboolean
nexus_state_store_has_room (NexusStateStore *self,
                            const char      *code)
{
  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), FALSE);

  return code != NULL && g_hash_table_contains (self->offered, code);
}

/**
 * nexus_state_store_take_room:
 *
 * A room on offer, for the server to reopen: no longer on offer, its rows
 * stay in the database and the server's changes continue them.
 *
 * Returns: (transfer full) (nullable): the room, or NULL
 */
NexusStoredRoom *
nexus_state_store_take_room (NexusStateStore *self,
                             const char      *code)
{
  gpointer key, value;

  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  if (!g_hash_table_steal_extended (self->offered, code, &key, &value))
    return NULL;
  return value;
}

/* The room on offer goes, from the database too. */
gboolean
nexus_state_store_discard_room (NexusStateStore *self,
                                const char      *code)
{
  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  if (!g_hash_table_remove (self->offered, code))
    return FALSE;
  if (!self->closed)
    _nexus_state_store_op (self, NEXUS_STATE_OP_ROOM_GONE, code);
  return TRUE;
}

void
nexus_state_store_discard_all (NexusStateStore *self)
{
  g_autoptr(GPtrArray) rooms = NULL;

  g_return_if_fail (NEXUS_IS_STATE_STORE (self));

  rooms = nexus_state_store_list_rooms (self);
  for (guint i = 0; i < rooms->len; i++)
    nexus_state_store_discard_room (self, ((NexusStoredRoomInfo *) rooms->pdata[i])->code);
}
