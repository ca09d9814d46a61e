/* nexus-window-host.c: the window as host: creating a room, reopening one
 * after a crash, and saying when rooms are not being saved
 *
 * The window hosts on its app's server and joins its own room over
 * loopback like any guest. The server saves its rooms as they change
 * (nexus-server-persist.c); the window keeps its own member's session
 * (nexus_application_keep_host_session()), so that after a crash it can
 * reopen the room and resume in it as the same member, not a new one.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-address.h"
#include "nexus-window-internal.h"

static NexusApplication *
get_app (NexusWindow *self)
{
  return NEXUS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static gboolean
is_in_room (NexusWindow *self)
{
  return g_strcmp0 (nexus_window_get_page_name (self), "room") == 0;
}

/* A join or a create under way: the window is not free for another room. */
static gboolean
is_joining (NexusWindow *self)
{
  return self->client != NULL
         && nexus_client_get_state (self->client) == NEXUS_CLIENT_STATE_CONNECTING;
}

static void
save_name (NexusWindow *self,
           const char  *name)
{
  GSettings *settings = nexus_application_get_settings (get_app (self));

  if (settings != NULL)
    g_settings_set_string (settings, "display-name", name);
}

/* Where the window reaches its own server: over loopback, like any guest. */
static const char *
own_server_host (NexusServer *server)
{
  const char *bind = nexus_server_get_bind_address (server);

  if (!nexus_address_is_any (bind))
    return bind;
  if (g_strcmp0 (bind, "::") == 0)
    return "::1";
  return "127.0.0.1";
}

/* The disk filled up (or came back) while the room is saved. */
static void
on_persistence_problem (NexusWindow *self,
                        GParamSpec  *pspec,
                        NexusServer *server)
{
  const char *problem = nexus_server_get_persistence_problem (server);

  if (problem != NULL)
    /* Until dismissed: the host should not miss it. */
    _nexus_window_show_toast_for (self, problem, 0);
  else
    _nexus_window_show_toast_for (self, _("Conversations are saved again."), 3);
}

/* The title the host gives its room in the Invite popover (to show it to
 * people nearby) names it in Past Rooms too; hiding the room again keeps
 * the last title, which still says which conversation it was. */
static void
on_rooms_changed (NexusWindow *self,
                  NexusServer *server)
{
  g_autoptr(GPtrArray) rooms = NULL;
  const char *code;

  if (!self->hosting || self->client == NULL || self->recorder == NULL)
    return;
  code = nexus_client_get_room (self->client);
  if (code == NULL)
    return;
  rooms = nexus_server_list_rooms (server);
  for (guint i = 0; i < rooms->len; i++)
    {
      NexusRoomSummary *room = g_ptr_array_index (rooms, i);

      if (g_strcmp0 (room->code, code) == 0 && room->title != NULL)
        nexus_archive_recorder_set_title (self->recorder, room->title);
    }
}

/* The window hosts on @server from now on: it says when rooms are not
 * being saved, and keeps the room's title. */
static void
watch_server (NexusWindow *self,
              NexusServer *server)
{
  const char *unavailable = nexus_application_get_state_unavailable (get_app (self));

  self->hosting = TRUE;
  g_signal_handlers_disconnect_by_func (server, on_persistence_problem, self);
  g_signal_connect_object (server, "notify::persistence-problem",
                           G_CALLBACK (on_persistence_problem), self, G_CONNECT_SWAPPED);
  g_signal_handlers_disconnect_by_func (server, on_rooms_changed, self);
  g_signal_connect_object (server, "rooms-changed", G_CALLBACK (on_rooms_changed), self,
                           G_CONNECT_SWAPPED);
  if (nexus_server_get_persistence_problem (server) != NULL)
    on_persistence_problem (self, NULL, server);
  else if (unavailable != NULL)
    _nexus_window_show_toast_for (self, unavailable, 10);
}

void
_nexus_window_create_room (NexusWindow   *self,
                           const char    *name,
                           NexusHomePage *page)
{
  g_autoptr(GError) error = NULL;
  NexusApplication *app = get_app (self);
  NexusServer *server;

  save_name (self, name);
  /* The saved rooms are being read, a moment at most: the room is saved
   * too once they are. */
  if (!nexus_application_is_state_ready (app))
    {
      g_free (self->create_name);
      self->create_name = g_strdup (name);
      nexus_home_page_set_busy (self->home_page, TRUE);
      return;
    }
  server = nexus_application_start_server (app, &error);
  if (server == NULL)
    {
      g_autofree char *sentence =
        g_strdup_printf (_("A room could not be opened on this computer: %s"), error->message);

      nexus_home_page_set_error (self->home_page, sentence);
      return;
    }
  watch_server (self, server);
  /* The host joins its own room like any guest, over loopback. */
  _nexus_window_start_client (self, own_server_host (server), nexus_server_get_port (server),
                              NULL, name, NULL);
}

/* Reopen was chosen: the room comes back, and the window in it as the
 * member it was. */
void
_nexus_window_reopen (NexusWindow      *self,
                      const char       *code,
                      NexusReopenOffer *offer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *session = NULL;
  NexusApplication *app = get_app (self);
  NexusServer *server;

  if (app == NULL || is_in_room (self) || is_joining (self))
    return;
  nexus_home_page_set_error (self->home_page, NULL);
  server = nexus_application_reopen_room (app, code, &error);
  if (server == NULL)
    {
      nexus_home_page_set_error (self->home_page, error->message);
      return;
    }
  watch_server (self, server);
  /* Without its token (a crash in the moment between the room's first
   * save and the token's) the window joins again under its name. */
  if (!nexus_application_lookup_host_session (app, code, &name, &session))
    name = g_strdup (nexus_home_page_get_name (self->home_page));
  g_free (self->wanted_code);
  self->wanted_code = g_strdup (code);
  g_free (self->wanted_name);
  self->wanted_name = g_strdup (name);
  _nexus_window_start_client (self, own_server_host (server), nexus_server_get_port (server),
                              code, name, session);
}

/* Asks about rooms hosted before a crash, when the window is at home
 * with nothing under way. */
void
_nexus_window_offer_saved_rooms (NexusWindow *self)
{
  NexusApplication *app = get_app (self);

  if (app == NULL || !nexus_application_is_state_ready (app) || is_in_room (self)
      || is_joining (self) || self->finding != NULL || self->create_name != NULL)
    return;
  nexus_reopen_offer_show (self->offer, GTK_WINDOW (self), app);
}

static void
on_state_ready (NexusWindow      *self,
                GParamSpec       *pspec,
                NexusApplication *app)
{
  NexusStateStore *store = nexus_application_get_state_store (app);
  g_autofree char *name = NULL;

  if (!nexus_application_is_state_ready (app))
    return;
  name = g_steal_pointer (&self->create_name);
  if (store != NULL && nexus_state_store_get_set_aside (store) != NULL)
    _nexus_window_show_toast_for (self, nexus_state_store_get_set_aside (store), 10);
  if (name != NULL)
    {
      nexus_home_page_set_busy (self->home_page, FALSE);
      _nexus_window_create_room (self, name, self->home_page);
      return;
    }
  _nexus_window_offer_saved_rooms (self);
}

/* Offers rooms to reopen once @app has read the saved rooms. */
void
_nexus_window_watch_state (NexusWindow      *self,
                           NexusApplication *app)
{
  g_signal_connect_object (app, "notify::state-ready", G_CALLBACK (on_state_ready), self,
                           G_CONNECT_SWAPPED);
  on_state_ready (self, NULL, app);
}

/* The client got in: when it is the host's own member, its session is
 * kept, to resume as after a crash, and a room reopened with its title
 * keeps that title in Past Rooms. */
void
_nexus_window_keep_host_session (NexusWindow *self)
{
  NexusApplication *app = get_app (self);
  NexusServer *server = app != NULL ? nexus_application_get_server (app) : NULL;

  if (!self->hosting || app == NULL)
    return;
  nexus_application_keep_host_session (app, nexus_client_get_room (self->client),
                                       nexus_client_get_name (self->client),
                                       nexus_client_get_session (self->client));
  if (server != NULL)
    on_rooms_changed (self, server);
}
