/* nexus-window.c: the main window: home page or room page
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "nexus-address.h"
#include "nexus-archive-recorder.h"
#include "nexus-code.h"
#include "nexus-room-page-private.h"
#include "nexus-share-popover.h"
#include "nexus-window-internal.h"

G_DEFINE_FINAL_TYPE (NexusWindow, nexus_window, ADW_TYPE_APPLICATION_WINDOW)

static NexusApplication *
get_app (NexusWindow *self)
{
  return NEXUS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static GSettings *
get_settings (NexusWindow *self)
{
  NexusApplication *app = get_app (self);

  return app ? nexus_application_get_settings (app) : NULL;
}

static void
save_name (NexusWindow *self,
           const char  *name)
{
  GSettings *settings = get_settings (self);

  if (settings != NULL)
    g_settings_set_string (settings, "display-name", name);
}

static gboolean
is_in_room (NexusWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "room") == 0;
}

static guint
count_others (NexusWindow *self)
{
  guint n;

  if (self->client == NULL)
    return 0;
  switch (nexus_client_get_state (self->client))
    {
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_RECONNECTING:
      break;
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    default:
      return 0;
    }
  n = nexus_client_get_n_members (self->client);
  return n > 0 ? n - 1 : 0;
}

static void
drop_client (NexusWindow *self)
{
  if (self->client == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->recorder);
  g_clear_object (&self->client);
}

static void
stop_hosting (NexusWindow *self)
{
  NexusApplication *app = get_app (self);

  if (self->hosting && app != NULL)
    nexus_application_stop_server (app);
  self->hosting = FALSE;
}

/* Says goodbye properly rather than vanish into the grace period; the
 * host's room closes for everyone. */
static void
say_goodbye (NexusWindow *self)
{
  if (self->client != NULL)
    nexus_client_leave (self->client);
  stop_hosting (self);
}

/* Leaves for good and shows Home. */
static void
leave_room (NexusWindow *self)
{
  say_goodbye (self);
  nexus_room_page_set_client (self->room_page, NULL, NULL);
  drop_client (self);

  gtk_stack_set_visible_child_name (self->stack, "home");
  nexus_home_page_set_busy (self->home_page, FALSE);
  nexus_home_page_focus (self->home_page);
  /* What it said was about the room. */
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  g_clear_object (&self->toast);

  if (self->close_after_leaving)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  _nexus_window_offer_saved_rooms (self);
}

static void
on_confirm_response (NexusWindow *self,
                     const char  *response)
{
  if (g_strcmp0 (response, "close") == 0)
    leave_room (self);
  else
    self->close_after_leaving = FALSE;
}

#if ADW_CHECK_VERSION (1, 5, 0)
static void
on_alert_response (AdwAlertDialog *dialog,
                   const char     *response,
                   NexusWindow    *self)
{
  on_confirm_response (self, response);
}
#else
static void
on_message_dialog_response (AdwMessageDialog *dialog,
                            const char       *response,
                            NexusWindow      *self)
{
  on_confirm_response (self, response);
}
#endif

/* The host asks before closing the room on the people in it. */
static void
confirm_leave (NexusWindow *self,
               gboolean     then_close)
{
  guint others = count_others (self);
  g_autofree char *heading = NULL;
  const char *body = _("Everyone in it is disconnected, and the conversation is gone.");

  self->close_after_leaving = then_close;
  if (!self->hosting || others == 0)
    {
      leave_room (self);
      return;
    }

  heading = g_strdup_printf (ngettext ("Close the room for %u person?",
                                       "Close the room for %u people?", others), others);

#if ADW_CHECK_VERSION (1, 5, 0)
  {
    AdwDialog *dialog = adw_alert_dialog_new (heading, body);

    adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "close", _("_Close Room"),
                                    NULL);
    adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "close",
                                              ADW_RESPONSE_DESTRUCTIVE);
    adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "cancel");
    adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "cancel");
    g_signal_connect_object (dialog, "response", G_CALLBACK (on_alert_response), self, 0);
    adw_dialog_present (dialog, GTK_WIDGET (self));
  }
#else
  {
    GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

    adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                      "cancel", _("_Cancel"),
                                      "close", _("_Close Room"),
                                      NULL);
    adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close",
                                                ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    g_signal_connect_object (dialog, "response", G_CALLBACK (on_message_dialog_response),
                             self, 0);
    gtk_window_present (GTK_WINDOW (dialog));
  }
#endif
}

/* The client */

static void
add_link (GStrvBuilder *builder,
          const char   *host,
          guint         port,
          const char   *room)
{
  g_autofree char *link = nexus_invite_link_build (host, port, room);

  g_strv_builder_add (builder, link);
}

/* The invite links: one for each address the host answers on (the
 * Invite popover's network doctor says when only this computer can). */
static GStrv
make_links (NexusWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *room = nexus_client_get_room (self->client);
  NexusApplication *app = get_app (self);
  NexusServer *server = app ? nexus_application_get_server (app) : NULL;

  if (self->hosting && server != NULL)
    {
      const char *bind = nexus_server_get_bind_address (server);
      guint port = nexus_server_get_port (server);
      g_auto(GStrv) addresses = nexus_address_list_reachable (bind);

      for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
        add_link (builder, addresses[i], port, room);
      if (addresses == NULL || addresses[0] == NULL)
        add_link (builder, "127.0.0.1", port, room);
    }
  else
    add_link (builder, nexus_client_get_host (self->client), nexus_client_get_port (self->client),
              room);

  return g_strv_builder_end (builder);
}

static void
start_client (NexusWindow *self,
              const char  *host,
              guint        port,
              const char  *code,
              const char  *name)
{
  _nexus_window_start_client (self, host, port, code, name, NULL);
}

static gboolean
try_next_candidate (NexusWindow *self)
{
  g_autoptr(NexusNearbyHost) host = NULL;

  if (self->candidates == NULL || self->candidates->len == 0)
    return FALSE;
  host = g_ptr_array_steal_index (self->candidates, 0);
  start_client (self, host->address, host->port, self->wanted_code, self->wanted_name);
  return TRUE;
}

static void
on_client_state (NexusWindow *self)
{
  NexusClientState state = nexus_client_get_state (self->client);

  switch (state)
    {
    case NEXUS_CLIENT_STATE_JOINED:
      if (!is_in_room (self))
        {
          g_auto(GStrv) links = make_links (self);
          NexusApplication *app = get_app (self);
          NexusServer *server = self->hosting && app ? nexus_application_get_server (app) : NULL;

          nexus_room_page_set_client (self->room_page, self->client,
                                      (const char * const *) links);
          nexus_share_popover_set_host (nexus_room_page_get_share_popover (self->room_page),
                                        server,
                                        server ? nexus_application_get_announcer (app) : NULL,
                                        nexus_client_get_name (self->client));
          gtk_stack_set_visible_child_name (self->stack, "room");
          nexus_home_page_set_busy (self->home_page, FALSE);
          nexus_home_page_set_error (self->home_page, NULL);
          nexus_room_page_focus_composer (self->room_page);
        }
      _nexus_window_keep_host_session (self);
      break;

    case NEXUS_CLIENT_STATE_FAILED:
      /* A code found on the network may match a wrong host's digest by
       * chance: that host says room-not-found, and the next one is asked. */
      if (g_strcmp0 (nexus_client_get_error_code (self->client), "room-not-found") == 0
          && try_next_candidate (self))
        break;
      /* Never got in: back to the form, which is kept, with a sentence. */
      stop_hosting (self);
      nexus_home_page_set_busy (self->home_page, FALSE);
      nexus_home_page_set_error (self->home_page, nexus_client_get_error_message (self->client));
      if (is_in_room (self))
        gtk_stack_set_visible_child_name (self->stack, "home");
      break;

    case NEXUS_CLIENT_STATE_ENDED:
      /* The room page keeps the log and says why; the server has no use
       * any more (taken over, say). */
      stop_hosting (self);
      break;

    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_RECONNECTING:
    default:
      break;
    }
}

static void
on_client_message (NexusWindow *self,
                   NexusEvent  *event)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  const char *text = nexus_event_get_text (event);

  if (gtk_window_is_active (GTK_WINDOW (self)) || get_app (self) == NULL)
    return;

  title = g_strdup (nexus_event_get_name (event));
  if (g_utf8_strlen (text, -1) > 120)
    {
      g_autofree char *start = g_utf8_substring (text, 0, 120);

      body = g_strconcat (start, "…", NULL);
    }
  else
    body = g_strdup (text);
  nexus_application_notify (get_app (self), title, body);
}

/* The title Home's Rooms Nearby shows for room @code, or NULL: a room
 * joined from there is named by it in Past Rooms. */
static const char *
nearby_title (NexusWindow *self,
              const char  *code)
{
  NexusNearby *nearby = get_app (self) ? nexus_application_get_nearby (get_app (self)) : NULL;
  GListModel *rooms = nearby ? nexus_nearby_get_rooms (nearby) : NULL;

  for (guint i = 0; rooms != NULL && i < g_list_model_get_n_items (rooms); i++)
    {
      g_autoptr(NexusNearbyRoom) room = g_list_model_get_item (rooms, i);

      /* The room object stays in the model: its title outlives this ref. */
      if (g_strcmp0 (nexus_nearby_room_get_code (room), code) == 0)
        return nexus_nearby_room_get_title (room);
    }
  return NULL;
}

/* Joins room @code as @name, or resumes in it with @session, or
 * creates a room when @code is NULL. */
void
_nexus_window_start_client (NexusWindow *self,
                            const char  *host,
                            guint        port,
                            const char  *code,
                            const char  *name,
                            const char  *session)
{
  drop_client (self);
  self->client = nexus_client_new (host, port);
  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (on_client_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "message", G_CALLBACK (on_client_message), self,
                           G_CONNECT_SWAPPED);
  if (get_app (self) != NULL && nexus_application_get_archive (get_app (self)) != NULL)
    self->recorder = nexus_archive_recorder_new (nexus_application_get_archive (get_app (self)),
                                                 self->client, self->hosting);
  if (self->recorder != NULL && !self->hosting && code != NULL)
    nexus_archive_recorder_set_title (self->recorder, nearby_title (self, code));

  nexus_home_page_set_busy (self->home_page, TRUE);
  if (code != NULL && session != NULL)
    nexus_client_resume (self->client, code, name, session);
  else if (code != NULL)
    nexus_client_join (self->client, code, name);
  else
    nexus_client_create (self->client, name);
}

static void
find_code_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NexusWindow *self = user_data;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *sentence = NULL;

  hosts = nexus_nearby_find_code_finish (NEXUS_NEARBY (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->finding);
  nexus_home_page_set_progress (self->home_page, NULL);

  if (hosts != NULL)
    {
      g_clear_pointer (&self->candidates, g_ptr_array_unref);
      self->candidates = g_steal_pointer (&hosts);
      try_next_candidate (self);
      return;
    }

  grouped = nexus_code_format (self->wanted_code);
  if (g_error_matches (error, NEXUS_NEARBY_ERROR, NEXUS_NEARBY_ERROR_NOT_FOUND))
    sentence = g_strdup_printf (_("No computer on this network has a room %s. Check the code, "
                                  "or type the host’s address below. On guest Wi-Fi, devices "
                                  "often cannot see each other: ask the host for an invite "
                                  "link then."), grouped);
  else
    sentence = g_strdup_printf (_("%s Type the host’s address below, or paste an invite link."),
                                error->message);
  nexus_home_page_ask_for_host (self->home_page, sentence);
}

/* A code alone: ask the network which host holds it, then join there. */
static void
find_and_join (NexusWindow *self,
               const char  *code,
               const char  *name)
{
  NexusApplication *app = get_app (self);
  NexusNearby *nearby = app ? nexus_application_get_nearby (app) : NULL;
  g_autofree char *grouped = nexus_code_format (code);

  drop_client (self);
  g_free (self->wanted_code);
  self->wanted_code = g_strdup (code);
  g_free (self->wanted_name);
  self->wanted_name = g_strdup (name);

  if (nearby == NULL)
    {
      nexus_home_page_ask_for_host (self->home_page,
                                    _("Looking for rooms on the network is turned off "
                                      "(--no-discovery). Type the host’s address below, or "
                                      "paste an invite link."));
      return;
    }

  g_cancellable_cancel (self->finding);
  g_clear_object (&self->finding);
  self->finding = g_cancellable_new ();
  {
    /* Translators: on the Join button while the network is asked; %s is a room code */
    g_autofree char *label = g_strdup_printf (_("Looking for %s…"), grouped);

    nexus_home_page_set_progress (self->home_page, label);
  }
  nexus_nearby_find_code_async (nearby, code, self->finding, find_code_cb, self);
}

static void
on_join_room (NexusWindow   *self,
              const char    *code,
              const char    *host,
              guint          port,
              const char    *name,
              NexusHomePage *page)
{
  save_name (self, name);
  stop_hosting (self);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  if (host == NULL)
    {
      find_and_join (self, code, name);
      return;
    }
  g_free (self->wanted_code);
  self->wanted_code = g_strdup (code);
  g_free (self->wanted_name);
  self->wanted_name = g_strdup (name);
  start_client (self, host, port, code, name);
}

/* Actions */

static void
leave_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  NexusWindow *self = NEXUS_WINDOW (widget);

  if (is_in_room (self))
    confirm_leave (self, FALSE);
}

static void
focus_composer_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  NexusWindow *self = NEXUS_WINDOW (widget);

  if (is_in_room (self))
    nexus_room_page_focus_composer (self->room_page);
}

static void
show_toast_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  nexus_window_show_toast (NEXUS_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* GtkWindow */

static void
save_window_state (NexusWindow *self)
{
  GSettings *settings = get_settings (self);
  int width, height;

  if (settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
}

static gboolean
nexus_window_close_request (GtkWindow *window)
{
  NexusWindow *self = NEXUS_WINDOW (window);

  save_window_state (self);

  if (!self->close_confirmed && is_in_room (self) && self->hosting && count_others (self) > 0)
    {
      confirm_leave (self, TRUE);
      return TRUE;
    }

  say_goodbye (self);

  return GTK_WINDOW_CLASS (nexus_window_parent_class)->close_request (window);
}

static void
nexus_window_dispose (GObject *object)
{
  NexusWindow *self = NEXUS_WINDOW (object);

  drop_client (self);
  g_cancellable_cancel (self->finding);
  g_clear_object (&self->finding);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_clear_pointer (&self->wanted_code, g_free);
  g_clear_pointer (&self->wanted_name, g_free);
  g_clear_pointer (&self->create_name, g_free);
  g_clear_object (&self->offer);
  g_clear_object (&self->toast);
  gtk_widget_dispose_template (GTK_WIDGET (self), NEXUS_TYPE_WINDOW);

  G_OBJECT_CLASS (nexus_window_parent_class)->dispose (object);
}

static void
nexus_window_class_init (NexusWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = nexus_window_dispose;
  window_class->close_request = nexus_window_close_request;

  g_type_ensure (NEXUS_TYPE_HOME_PAGE);
  g_type_ensure (NEXUS_TYPE_ROOM_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nexuschat/NexusChat/nexus-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NexusWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, NexusWindow, home_page);
  gtk_widget_class_bind_template_child (widget_class, NexusWindow, room_page);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_create_room",
                                                G_CALLBACK (_nexus_window_create_room));
  gtk_widget_class_bind_template_callback (widget_class, on_join_room);

  gtk_widget_class_install_action (widget_class, "win.leave", NULL, leave_action);
  gtk_widget_class_install_action (widget_class, "win.focus-composer", NULL,
                                   focus_composer_action);
  gtk_widget_class_install_action (widget_class, "win.show-toast", "s", show_toast_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "win.leave", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.focus-composer", NULL);
}

static void
nexus_window_init (NexusWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->offer = nexus_reopen_offer_new ();
  g_signal_connect_object (self->offer, "reopen", G_CALLBACK (_nexus_window_reopen), self,
                           G_CONNECT_SWAPPED);
}

NexusWindow *
nexus_window_new (NexusApplication *application)
{
  NexusWindow *self;
  GSettings *settings;

  g_return_val_if_fail (NEXUS_IS_APPLICATION (application), NULL);

  self = g_object_new (NEXUS_TYPE_WINDOW, "application", application, NULL);

  settings = nexus_application_get_settings (application);
  if (settings != NULL)
    {
      g_autofree char *name = g_settings_get_string (settings, "display-name");

      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      nexus_home_page_set_name (self->home_page, name);
    }
  nexus_home_page_set_nearby (self->home_page, nexus_application_get_nearby (application));
  nexus_home_page_set_archive (self->home_page, nexus_application_get_archive (application));
  nexus_home_page_focus (self->home_page);
  _nexus_window_watch_state (self, application);

  return self;
}

/* Fills the join form from `--join` and joins when a name is known. */
void
nexus_window_open_invite (NexusWindow *self,
                          const char  *invite,
                          const char  *name)
{
  g_return_if_fail (NEXUS_IS_WINDOW (self));
  g_return_if_fail (invite != NULL);

  if (is_in_room (self))
    {
      nexus_window_show_toast (self, _("Leave this room first to join another one."));
      return;
    }

  if (name != NULL)
    nexus_home_page_set_name (self->home_page, name);
  nexus_home_page_set_invite (self->home_page, invite);
  nexus_home_page_activate_join (self->home_page);
}

void
nexus_window_set_name (NexusWindow *self,
                       const char  *name)
{
  g_return_if_fail (NEXUS_IS_WINDOW (self));

  nexus_home_page_set_name (self->home_page, name);
}

void
nexus_window_show_toast (NexusWindow *self,
                         const char  *title)
{
  g_return_if_fail (NEXUS_IS_WINDOW (self));

  _nexus_window_show_toast_for (self, title, 3);
}

/* Shows @title for @seconds, or until dismissed when 0. */
void
_nexus_window_show_toast_for (NexusWindow *self,
                              const char  *title,
                              guint        seconds)
{
  AdwToast *toast;
  GtkWidget *label;

  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  toast = adw_toast_new ("");
  /* A label of its own: plain text (a path may hold '&'), and a sentence
   * longer than a line wraps rather than lose its end. */
  label = gtk_label_new (title);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  adw_toast_set_custom_title (toast, label);
  adw_toast_set_timeout (toast, seconds);
  g_set_object (&self->toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

NexusClient *
nexus_window_get_client (NexusWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_WINDOW (self), NULL);

  return self->client;
}

NexusReopenOffer *
nexus_window_get_reopen_offer (NexusWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_WINDOW (self), NULL);

  return self->offer;
}

/* The toast shown, if any: for the window test. */
const char *
nexus_window_get_toast (NexusWindow *self)
{
  GtkWidget *label;

  g_return_val_if_fail (NEXUS_IS_WINDOW (self), NULL);

  if (self->toast == NULL)
    return NULL;
  label = adw_toast_get_custom_title (self->toast);
  return GTK_IS_LABEL (label) ? gtk_label_get_text (GTK_LABEL (label))
                              : adw_toast_get_title (self->toast);
}

gboolean
nexus_window_is_hosting (NexusWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_WINDOW (self), FALSE);

  return self->hosting;
}

NexusHomePage *
nexus_window_get_home_page (NexusWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_WINDOW (self), NULL);

  return self->home_page;
}

NexusRoomPage *
nexus_window_get_room_page (NexusWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_WINDOW (self), NULL);

  return self->room_page;
}

const char *
nexus_window_get_page_name (NexusWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}
