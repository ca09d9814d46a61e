/* nexus-application-state.c: the saved rooms of NexusApplication: opened
 * in a thread at startup so the window shows at once, closed at shutdown,
 * and the window's own member of each, to resume as after a crash
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-application-internal.h"

static void
state_is_ready (NexusApplication *self)
{
  g_clear_object (&self->opening);
  self->state_ready = TRUE;
  g_object_notify (G_OBJECT (self), "state-ready");
}

static void
sessions_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(NexusApplication) self = user_data;
  g_autoptr(GPtrArray) rooms = NULL;
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
  g_auto(GStrv) kept = NULL;
  g_autoptr(GError) error = NULL;

  nexus_host_sessions_load_finish (NEXUS_HOST_SESSIONS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->store == NULL)
    return;
  /* The tokens of rooms no longer saved have no use: they go. */
  rooms = nexus_state_store_list_rooms (self->store);
  for (guint i = 0; i < rooms->len; i++)
    g_strv_builder_add (codes, ((NexusStoredRoomInfo *) rooms->pdata[i])->code);
  kept = g_strv_builder_end (codes);
  nexus_host_sessions_keep_only (self->sessions, (const char * const *) kept);
  state_is_ready (self);
}

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(NexusApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  NexusStateStore *store = nexus_state_store_open_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (store == NULL)
    {
      /* As with --no-persistence, and the host is told when it hosts. */
      self->store_unavailable =
        g_strdup_printf (_("Rooms you host won’t survive a crash this time. %s"), error->message);
      state_is_ready (self);
      return;
    }
  self->store = store;
  self->sessions = nexus_host_sessions_new (self->state_dir);
  nexus_host_sessions_load_async (self->sessions, self->opening, sessions_loaded_cb,
                                  g_object_ref (self));
}

/* Opens the saved rooms in a thread: the window shows at once, and asks
 * about rooms to reopen once they are read. */
void
_nexus_application_open_state (NexusApplication *self)
{
  if (self->no_persistence)
    {
      self->state_ready = TRUE;
      return;
    }
  if (self->state_dir == NULL)
    self->state_dir = nexus_state_store_default_dir ();
  self->opening = g_cancellable_new ();
  nexus_state_store_open_async (self->state_dir, self->opening, store_opened_cb,
                                g_object_ref (self));
}

/* Stops opening the saved rooms, or closes them: at shutdown. */
void
_nexus_application_close_state (NexusApplication *self)
{
  g_cancellable_cancel (self->opening);
  g_clear_object (&self->opening);
  /* What the last turn recorded (a room's end) is written before the
   * process goes. */
  if (self->store != NULL)
    nexus_state_store_close (self->store);
}

/* The saved rooms: NULL while they are being opened, with
 * --no-persistence, or when they could not be opened. */
NexusStateStore *
nexus_application_get_state_store (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  return self->store;
}

/* TRUE once the saved rooms are read, or there are none to read. */
gboolean
nexus_application_is_state_ready (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), FALSE);

  return self->state_ready;
}

/* Why hosted rooms will not survive a crash this time, in a sentence
 * for the host; NULL when they will, or the host turned it off. */
const char *
nexus_application_get_state_unavailable (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  return self->store_unavailable;
}

/* Deletes the saved room @code, and the window's member of it. */
void
nexus_application_discard_saved_room (NexusApplication *self,
                                      const char       *code)
{
  g_return_if_fail (NEXUS_IS_APPLICATION (self));
  g_return_if_fail (code != NULL);

  if (self->store != NULL)
    nexus_state_store_discard_room (self->store, code);
  if (self->sessions != NULL)
    nexus_host_sessions_forget (self->sessions, code);
}

/* Keeps the session of the window's own member of the hosted room @code,
 * so that after a crash the window can resume as that member. */
void
nexus_application_keep_host_session (NexusApplication *self,
                                     const char       *code,
                                     const char       *name,
                                     const char       *session)
{
  g_return_if_fail (NEXUS_IS_APPLICATION (self));
  g_return_if_fail (code != NULL && name != NULL && session != NULL);

  if (self->sessions != NULL)
    nexus_host_sessions_remember (self->sessions, code, name, session);
}

/* The window's own member of the saved room @code, when it is kept. */
gboolean
nexus_application_lookup_host_session (NexusApplication  *self,
                                       const char        *code,
                                       char             **name,
                                       char             **session)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  return self->sessions != NULL
         && nexus_host_sessions_lookup (self->sessions, code, name, session);
}

/* For the window test: the file of the window's own members, or NULL. */
NexusHostSessions *
nexus_application_get_host_sessions (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  return self->sessions;
}

/* Where the saved rooms are kept (NULL for no persistence); before the
 * app is registered. Tests give each run a folder of its own. */
void
nexus_application_set_state_dir (NexusApplication *self,
                                 const char       *directory)
{
  g_return_if_fail (NEXUS_IS_APPLICATION (self));
  g_return_if_fail (!self->state_ready && self->opening == NULL);

  g_free (self->state_dir);
  self->state_dir = g_strdup (directory);
  self->no_persistence = directory == NULL;
}
