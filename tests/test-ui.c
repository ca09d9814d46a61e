/* test-ui.c: the real window, driven the way a person would drive it
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under `xvfb-run -a dbus-run-session --`. The steps build on each
 * other, like a person's afternoon: look at Home, make mistakes, create a
 * room, let Bob (a raw WebSocket client) and Cy (a second process with its
 * own window, joining by `--join LINK`) in, lose the connection, share the
 * room, and close it. Screenshots land in --screenshots DIR.
 *
 * With --lang de the window speaks German (the catalogue from
 * $NEXUS_LOCALEDIR): the labels are checked in that language, and the
 * screenshots are named home-de.png and so on. That run takes only the
 * steps that do not check English sentences.
 */

#include "config.h"

#include <string.h>

#include "nexus-application.h"
#include "nexus-code.h"
#include "nexus-message-row.h"
#include "nexus-share-popover.h"
#include "nexus-test-utils.h"
#include "nexus-window.h"

static NexusApplication *app;
static NexusWindow *window;
static char *screenshot_dir;
static char *self_path;
static const char *lang;   /* NULL: English */

/* What the window says, in the language of this run. */
#define SAYS(english, german) (lang == NULL ? (english) : (german))

/* Shared by the steps */
static char *room;
static char *first_link;
static NexusTestClient *bob;
static char *bob_session;

/* A notification server on the test's session bus, so notifications
 * have somewhere to go and the test can read them. */

static GPtrArray *notifications;   /* "summary: body" */
static GDBusConnection *notification_bus;

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notifications_method_call (GDBusConnection       *connection,
                           const char            *sender,
                           const char            *object_path,
                           const char            *interface_name,
                           const char            *method_name,
                           GVariant              *parameters,
                           GDBusMethodInvocation *invocation,
                           gpointer               user_data)
{
  if (strcmp (method_name, "Notify") == 0)
    {
      const char *summary, *body;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (notifications, g_strdup_printf ("%s: %s", summary, body));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", notifications->len));
    }
  else if (strcmp (method_name, "GetCapabilities") == 0)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new_parsed ("(@as ['body', 'actions'],)"));
  else if (strcmp (method_name, "GetServerInformation") == 0)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "test", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
start_notification_server (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_method_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  GDBusConnection *bus;
  g_autoptr(GVariant) reply = NULL;

  /* Kept for the whole run: the name goes with the connection. */
  bus = notification_bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  notifications = g_ptr_array_new_with_free_func (g_free);
  if (bus == NULL)
    return;
  g_assert_cmpuint (g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications",
                                                       info->interfaces[0], &vtable,
                                                       NULL, NULL, NULL), >, 0);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, NULL);
  g_assert_nonnull (reply);
}

/* Helpers */

static gboolean
frame_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Lets GTK lay out and draw what changed. */
static void
settle (void)
{
  gboolean done = FALSE;

  g_timeout_add (150, frame_done, &done);
  WAIT_UNTIL (done);
}

static GdkTexture *
render_widget (GtkWidget *widget,
               int        width,
               int        height)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  /* A window in the middle of a relayout draws nothing until its next
   * frame (slow under the sanitizers): wait for a frame that draws. */
  for (guint attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        settle ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* NAME.png, or NAME-LANG.png in a translated run. */
static char *
screenshot_path (const char *name)
{
  g_autofree char *base = NULL;
  g_autofree char *file = NULL;

  g_assert_true (g_str_has_suffix (name, ".png"));
  if (lang == NULL)
    return g_build_filename (screenshot_dir, name, NULL);
  base = g_strndup (name, strlen (name) - strlen (".png"));
  file = g_strdup_printf ("%s-%s.png", base, lang);
  return g_build_filename (screenshot_dir, file, NULL);
}

/* Saves what the window shows, with @popover drawn where it sits. */
static void
screenshot (const char *name,
            GtkWidget  *popover)
{
  g_autofree char *path = screenshot_path (name);
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));

  settle ();
  g_assert_cmpint (width, >, 0);

  if (popover == NULL)
    texture = render_widget (GTK_WIDGET (window), width, height);
  else
    {
      g_autoptr(GdkPaintable) window_paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
      g_autoptr(GdkPaintable) popover_paintable = gtk_widget_paintable_new (popover);
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      int x = gdk_popup_get_position_x (GDK_POPUP (surface));
      int y = gdk_popup_get_position_y (GDK_POPUP (surface));
      int popover_width = gdk_surface_get_width (surface);
      int popover_height = gdk_surface_get_height (surface);

      /* The popover is a surface of its own, and may reach past the window. */
      width = MAX (width, x + popover_width);
      height = MAX (height, y + popover_height);
      gdk_paintable_snapshot (window_paintable, snapshot,
                              gtk_widget_get_width (GTK_WIDGET (window)),
                              gtk_widget_get_height (GTK_WIDGET (window)));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      gdk_paintable_snapshot (popover_paintable, snapshot, popover_width, popover_height);
      gtk_snapshot_restore (snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                             &GRAPHENE_RECT_INIT (0, 0, width, height));
    }

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* A label under @widget that says @text (or starts with it, when
 * @prefix), as a person would look for it. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text,
            gboolean    prefix)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      const char *label = gtk_label_get_label (GTK_LABEL (widget));

      if (prefix ? g_str_has_prefix (label, text) : strcmp (label, text) == 0)
        return GTK_LABEL (widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Narrows the window to a phone's width for a screenshot, then widens it. */
static void
screenshot_narrow (const char *name)
{
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) < 500);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);
  screenshot (name, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (window)) > 500);
}

static NexusHomePage *
home (void)
{
  return nexus_window_get_home_page (window);
}

static NexusRoomPage *
room_page (void)
{
  return nexus_window_get_room_page (window);
}

static void
find_rows (GtkWidget *widget,
           GPtrArray *rows)
{
  if (NEXUS_IS_MESSAGE_ROW (widget))
    {
      g_ptr_array_add (rows, widget);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_rows (child, rows);
}

/* The row the list view shows for a message with @text, if it shows one. */
static NexusMessageRow *
find_row (const char *text)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  find_rows (GTK_WIDGET (nexus_room_page_get_list_view (room_page ())), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      NexusEvent *event = nexus_message_row_get_event (rows->pdata[i]);

      if (event != NULL && gtk_widget_get_mapped (rows->pdata[i])
          && g_strcmp0 (nexus_event_get_text (event), text) == 0)
        return rows->pdata[i];
    }
  return NULL;
}

static guint
count_in_log (NexusClient *client,
              const char  *text)
{
  GListModel *events = nexus_client_get_events (client);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (g_strcmp0 (nexus_event_get_text (event), text) == 0)
        count++;
    }
  return count;
}

/* Every seq in the log once, in order, with no gap. */
static void
assert_log_clean (NexusClient *client)
{
  GListModel *events = nexus_client_get_events (client);
  gint64 previous = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (nexus_event_get_delivery (event) != NEXUS_DELIVERY_SENT)
        continue;
      g_assert_cmpint (nexus_event_get_seq (event), ==, previous + 1);
      previous = nexus_event_get_seq (event);
    }
}

static GtkTextBuffer *
composer_buffer (NexusRoomPage *page)
{
  return gtk_text_view_get_buffer (nexus_room_page_get_composer (page));
}

static void
type_into_composer (const char *text)
{
  GtkTextView *composer = nexus_room_page_get_composer (room_page ());

  gtk_widget_activate_action (GTK_WIDGET (window), "win.focus-composer", NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (composer), text, -1);
}

static void
send_from_composer (const char *text)
{
  type_into_composer (text);
  /* What Enter in the composer does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (room_page ()), "room.send", NULL));
}

/* What a key press in the composer does, through its own controller. */
static gboolean
press_enter (GdkModifierType state)
{
  GtkWidget *composer = GTK_WIDGET (nexus_room_page_get_composer (room_page ()));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (composer);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      gboolean handled = FALSE;

      if (!GTK_IS_EVENT_CONTROLLER_KEY (controller)
          || gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_CAPTURE)
        continue;
      g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Return, 36, state, &handled);
      return handled;
    }
  g_assert_not_reached ();
}

static void
type_invite (const char *invite,
             const char *host)
{
  gtk_editable_set_text (nexus_home_page_get_host_entry (home ()), host ? host : "");
  gtk_editable_set_text (nexus_home_page_get_invite_entry (home ()), invite);
}

/* Reads Bob's frames until a `message` with @text; fails on a second. */
static void
bob_expects_message (const char *text)
{
  for (;;)
    {
      JsonObject *frame = nexus_test_client_next (bob);
      const char *type = json_object_get_string_member (frame, "type");

      if (g_strcmp0 (type, "message") == 0
          && g_strcmp0 (json_object_get_string_member (frame, "text"), text) == 0)
        {
          json_object_unref (frame);
          return;
        }
      json_object_unref (frame);
    }
}

/* Steps */

static void
test_home (void)
{
  nexus_window_set_name (window, "Ada");
  g_assert_cmpstr (nexus_window_get_page_name (window), ==, "home");
  g_assert_true (gtk_widget_get_sensitive (nexus_home_page_get_create_button (home ())));
  g_assert_false (gtk_widget_get_sensitive (nexus_home_page_get_join_button (home ())));

  /* In the language of the run. */
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (nexus_home_page_get_create_button (home ()))),
                   ==, SAYS ("_Create Room", "Raum _erstellen"));
  g_assert_nonnull (find_label (GTK_WIDGET (home ()), SAYS ("Join a Room", "Einem Raum beitreten"),
                                FALSE));
  g_assert_nonnull (find_label (GTK_WIDGET (home ()), SAYS ("_Join", "_Beitreten"), FALSE));
  screenshot ("home.png", NULL);
  screenshot_narrow ("home-narrow.png");
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type)
          && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

/* The primary menu's two windows open and close. */
static void
test_menu (void)
{
  GtkWindow *shortcuts, *about;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  WAIT_UNTIL ((shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL);
  gtk_window_close (shortcuts);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  WAIT_UNTIL ((about = find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  /* The same as the metainfo's. */
  g_assert_cmpstr (adw_about_window_get_website (ADW_ABOUT_WINDOW (about)), ==,
                   "https://github.com/nexuschat/nexus-chat");
  gtk_window_close (about);
  settle ();
}

static void
test_bad_input (void)
{
  g_autoptr(NexusServer) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = NULL;
  NexusServerLimits limits;
  NexusClient *failed;

  /* A link that is not ours, said as it is typed. */
  type_invite ("http://example.com/rooms/abc", NULL);
  g_assert_cmpstr (nexus_home_page_get_error (home ()), ==,
                   "This is not a Nexus Chat invite link. A link looks like "
                   "http://192.168.1.20:47474/r/K7QX3M.");
  g_assert_false (gtk_widget_get_sensitive (nexus_home_page_get_join_button (home ())));

  /* A bare code asks for the host's address. */
  type_invite ("k7q x3m", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (nexus_home_page_get_host_entry (home ()))));
  g_assert_nonnull (strstr (nexus_home_page_get_error (home ()), "host’s address"));

  /* A name too long. */
  nexus_window_set_name (window, "A name that is far longer than thirty-two characters");
  g_assert_cmpstr (nexus_home_page_get_error (home ()), !=, NULL);
  g_assert_false (gtk_widget_get_sensitive (nexus_home_page_get_create_button (home ())));
  nexus_window_set_name (window, "Ada");

  /* A wrong code on a host that is there: the server's answer, as a
   * sentence, and the form is kept. */
  nexus_server_limits_init_default (&limits);
  other = nexus_server_new (&limits);
  g_assert_true (nexus_server_listen (other, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  wrong = g_strdup_printf ("127.0.0.1:%u", nexus_server_get_port (other));
  type_invite ("ZZZ-ZZZ", wrong);
  g_assert_null (nexus_home_page_get_error (home ()));
  g_assert_true (gtk_widget_get_sensitive (nexus_home_page_get_join_button (home ())));
  gtk_widget_activate (nexus_home_page_get_join_button (home ()));
  WAIT_UNTIL (nexus_window_get_client (window) != NULL
              && nexus_client_get_state (nexus_window_get_client (window))
                 == NEXUS_CLIENT_STATE_FAILED);
  g_assert_cmpstr (nexus_home_page_get_error (home ()), ==,
                   "There is no room ZZZ-ZZZ at 127.0.0.1. Check the code; the room may "
                   "have ended.");
  g_assert_cmpstr (gtk_editable_get_text (nexus_home_page_get_invite_entry (home ())), ==,
                   "ZZZ-ZZZ");
  g_assert_cmpstr (nexus_window_get_page_name (window), ==, "home");
  screenshot ("home-error.png", NULL);

  /* Nobody at that address any more. */
  g_clear_object (&other);
  /* Held, so the next client cannot be given the same address. */
  failed = g_object_ref (nexus_window_get_client (window));
  gtk_widget_activate (nexus_home_page_get_join_button (home ()));
  WAIT_UNTIL (nexus_window_get_client (window) != failed
              && nexus_client_get_state (nexus_window_get_client (window))
                 == NEXUS_CLIENT_STATE_FAILED);
  g_object_unref (failed);
  g_assert_nonnull (strstr (nexus_home_page_get_error (home ()), "Nobody is hosting a room at"));

  type_invite ("", NULL);
}

static void
test_create_room (void)
{
  NexusSharePopover *share;
  NexusServer *server;
  g_autofree char *expected = NULL;
  g_autofree char *grouped = NULL;
  GtkLabel *notice;

  gtk_widget_activate (nexus_home_page_get_create_button (home ()));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (window), "room") == 0);
  g_assert_null (nexus_home_page_get_error (home ()));
  g_assert_true (nexus_window_is_hosting (window));

  server = nexus_application_get_server (app);
  g_assert_nonnull (server);
  room = g_strdup (nexus_client_get_room (nexus_window_get_client (window)));
  g_assert_nonnull (room);

  /* The grouped code is the title; one link per address, the QR of the
   * first. */
  grouped = nexus_code_format (room);
  g_assert_cmpstr (nexus_room_page_get_title (room_page ()), ==, grouped);
  g_assert_cmpstr (nexus_room_page_get_subtitle (room_page ()), ==,
                   SAYS ("1 member", "1 Mitglied"));
  share = nexus_room_page_get_share_popover (room_page ());
  expected = g_strdup_printf ("http://127.0.0.1:%u/r/%s", nexus_server_get_port (server), room);
  g_assert_cmpstr (nexus_share_popover_get_first_link (share), ==, expected);
  first_link = g_strdup (expected);
  g_assert_nonnull (nexus_share_popover_get_qr_texture (share));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (nexus_room_page_get_composer (room_page ())))
                 || !gtk_window_is_active (GTK_WINDOW (window)));

  /* The room page in the language of the run, the log's notice and its
   * time format too. */
  g_assert_nonnull (find_label (GTK_WIDGET (room_page ()), SAYS ("_Invite", "_Einladen"), FALSE));
  WAIT_UNTIL ((notice = find_label (GTK_WIDGET (room_page ()),
                                    SAYS ("You joined · ", "Sie sind beigetreten · "),
                                    TRUE)) != NULL);
  g_assert_true (g_regex_match_simple (" · [0-9]{2}:[0-9]{2}$", gtk_label_get_label (notice), 0, 0));
  g_assert_nonnull (find_label (GTK_WIDGET (room_page ()),
                                SAYS ("Write a message…", "Nachricht schreiben …"), FALSE));
  if (lang != NULL)
    {
      /* The English run takes these once there is a conversation. */
      screenshot ("room.png", NULL);
      screenshot_narrow ("room-narrow.png");
    }
}

static void
test_bob_joins (void)
{
  NexusServer *server = nexus_application_get_server (app);
  NexusClient *client = nexus_window_get_client (window);
  g_autoptr(JsonObject) welcome = NULL;
  GtkWidget *other;

  bob = nexus_test_client_new (nexus_server_get_port (server), NULL);
  welcome = nexus_test_client_join (bob, room, "Bob");
  bob_session = g_strdup (json_object_get_string_member (welcome, "session"));

  WAIT_UNTIL (g_strcmp0 (nexus_room_page_get_subtitle (room_page ()), "2 members") == 0);

  /* Another window in front, so the room is in the background when Bob
   * says hi: the row is in the window's list, and a notification says so. */
  other = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (other));
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (other)) && !gtk_window_is_active (GTK_WINDOW (window)));
  nexus_test_client_send (bob, "{\"type\":\"say\",\"text\":\"hi\",\"id\":\"b1\"}");
  WAIT_UNTIL (find_row ("hi") != NULL);
  bob_expects_message ("hi");
  WAIT_UNTIL (notifications->len > 0);
  g_assert_cmpstr (notifications->pdata[0], ==, "Bob: hi");
  /* Clicking it (the server's "default" action) brings the room to the front. */
  g_dbus_connection_emit_signal (notification_bus, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", 1, "default"), NULL);
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (window)));
  gtk_window_destroy (GTK_WINDOW (other));

  /* Bob types: the window says so. */
  nexus_test_client_send (bob, "{\"type\":\"typing\"}");
  WAIT_UNTIL (g_strcmp0 (nexus_room_page_get_typing (room_page ()), "Bob is typing…") == 0);

  /* The composer sends; Bob gets it once. */
  send_from_composer ("Hello Bob! The notes are at https://example.org/notes");
  g_assert_cmpint (gtk_text_buffer_get_char_count (composer_buffer (room_page ())), ==, 0);
  bob_expects_message ("Hello Bob! The notes are at https://example.org/notes");
  WAIT_UNTIL (find_row ("Hello Bob! The notes are at https://example.org/notes") != NULL);
  nexus_test_spin (300);
  while (nexus_test_client_pending (bob) > 0)
    {
      g_autoptr(JsonObject) frame = nexus_test_client_next (bob);

      g_assert_cmpstr (json_object_get_string_member (frame, "type"), !=, "message");
    }
  g_assert_cmpuint (count_in_log (client, "Hello Bob! The notes are at https://example.org/notes"),
                    ==, 1);

  /* A conversation worth a screenshot. */
  nexus_test_client_send (bob,
                          "{\"type\":\"say\",\"text\":\"Thanks! Looking now.\",\"id\":\"b2\"}");
  nexus_test_client_send (bob, "{\"type\":\"say\",\"text\":\"Can we go over the second "
                          "part together after lunch? I have a few questions about the "
                          "budget table.\",\"id\":\"b3\"}");
  bob_expects_message ("Thanks! Looking now.");
  /* Shift+Enter is a new line; Enter sends. */
  type_into_composer ("Sure, 14:00 in the small room.");
  g_assert_false (press_enter (GDK_SHIFT_MASK));
  gtk_text_buffer_insert_at_cursor (composer_buffer (room_page ()), "\nBring the printout.", -1);
  g_assert_true (press_enter (0));
  bob_expects_message ("Sure, 14:00 in the small room.\nBring the printout.");
  WAIT_UNTIL (find_row ("Sure, 14:00 in the small room.\nBring the printout.") != NULL);
  assert_log_clean (client);
}

static void
on_child_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL));
  *done = TRUE;
}

/* Another process opens its own window with `--join LINK` and chats. */
static void
test_second_process (void)
{
  NexusClient *client = nexus_window_get_client (window);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  child = g_subprocess_launcher_spawn (launcher, &error, self_path, "--child", first_link, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (child, NULL, on_child_done, &done);

  WAIT_UNTIL (g_strcmp0 (nexus_room_page_get_subtitle (room_page ()), "3 members") == 0);
  WAIT_UNTIL (find_row ("Hello from the other window") != NULL);
  send_from_composer ("Welcome, Cy!");
  bob_expects_message ("Hello from the other window");
  bob_expects_message ("Welcome, Cy!");

  WAIT_UNTIL (done);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  WAIT_UNTIL (g_strcmp0 (nexus_room_page_get_subtitle (room_page ()), "2 members") == 0);
  g_assert_cmpuint (count_in_log (client, "Hello from the other window"), ==, 1);
  assert_log_clean (client);
  screenshot ("room.png", NULL);
}

/* The server drops every connection: the window says so, keeps what is
 * written meanwhile, and resumes with nothing lost or doubled. */
static void
test_reconnect (void)
{
  NexusServer *server = nexus_application_get_server (app);
  NexusClient *client = nexus_window_get_client (window);
  g_autoptr(NexusTestClient) bob_again = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  gint64 last_seq = nexus_client_get_last_seq (client);

  nexus_server_drop_connections (server);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_RECONNECTING);
  g_assert_cmpstr (nexus_room_page_get_subtitle (room_page ()), ==, "Reconnecting…");
  g_assert_nonnull (nexus_room_page_get_banner (room_page ()));
  send_from_composer ("Written while the line was down");
  WAIT_UNTIL (find_row ("Written while the line was down") != NULL);
  screenshot ("reconnecting.png", NULL);

  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_JOINED);
  g_assert_null (nexus_room_page_get_banner (room_page ()));
  g_assert_cmpstr (nexus_room_page_get_subtitle (room_page ()), ==, "2 members");

  /* Bob comes back on his session too. */
  nexus_test_client_wait_closed (bob);
  bob_again = nexus_test_client_new (nexus_server_get_port (server), NULL);
  nexus_test_client_sendf (bob_again,
                           "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\","
                           "\"last_seq\":%" G_GINT64_FORMAT "}", room, bob_session, last_seq);
  welcome = nexus_test_client_expect (bob_again, "welcome");
  g_assert_true (json_object_get_boolean_member (welcome, "resumed"));
  nexus_test_client_free (bob);
  bob = g_steal_pointer (&bob_again);

  /* Ada's message is delivered once, whether it came in the history or live. */
  {
    JsonArray *history = json_object_get_array_member (welcome, "history");
    guint seen = 0;

    for (guint i = 0; i < json_array_get_length (history); i++)
      {
        JsonObject *event = json_array_get_object_element (history, i);

        if (g_strcmp0 (json_object_get_string_member_with_default (event, "text", ""),
                       "Written while the line was down") == 0)
          seen++;
      }
    if (seen == 0)
      bob_expects_message ("Written while the line was down");
    else
      g_assert_cmpuint (seen, ==, 1);
  }

  nexus_test_client_send (bob, "{\"type\":\"say\",\"text\":\"Back again\",\"id\":\"b4\"}");
  WAIT_UNTIL (find_row ("Back again") != NULL);
  WAIT_UNTIL (nexus_client_get_n_unsent (client) == 0);
  g_assert_cmpuint (count_in_log (client, "Written while the line was down"), ==, 1);
  g_assert_cmpuint (count_in_log (client, "Back again"), ==, 1);
  g_assert_cmpuint (count_in_log (client, "hi"), ==, 1);
  assert_log_clean (client);
}

static void
test_share (void)
{
  NexusSharePopover *share = nexus_room_page_get_share_popover (room_page ());
  GdkTexture *qr = nexus_share_popover_get_qr_texture (share);
  g_autofree char *qr_path = screenshot_path ("qr.png");
  g_autofree char *zbar_out = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;
  const char *argv[] = { "zbarimg", "--quiet", "--raw", qr_path, NULL };

  /* Crisp: whole pixels per module, square. */
  g_assert_cmpint (gdk_texture_get_width (qr), ==, gdk_texture_get_height (qr));
  g_assert_true (gdk_texture_save_to_png (qr, qr_path));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &zbar_out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (g_strstrip (zbar_out), ==, first_link);

  /* Who is in the room. */
  {
    GtkMenuButton *members = nexus_room_page_get_members_button (room_page ());
    GtkPopover *popover = gtk_menu_button_get_popover (members);

    gtk_menu_button_popup (members);
    WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (popover)));
    screenshot ("members.png", GTK_WIDGET (popover));
    gtk_popover_popdown (popover);
    settle ();
  }

  gtk_menu_button_popup (nexus_room_page_get_share_button (room_page ()));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (share)));
  screenshot ("share.png", GTK_WIDGET (share));
  nexus_share_popover_copy_link (share, 0);
  gtk_popover_popdown (GTK_POPOVER (share));
  settle ();

}

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  nexus_test_client_send (bob, "{\"type\":\"typing\"}");
  WAIT_UNTIL (nexus_room_page_get_typing (room_page ()) != NULL);
  screenshot ("room-dark.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* The smallest the window goes: a phone-sized column. */
static void
test_narrow (void)
{
  screenshot_narrow ("room-narrow.png");
  g_assert_nonnull (find_row ("Back again"));
}

static GtkWindow *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }
  return NULL;
}

/* Leaving as host with Bob still in asks first, then closes the room on
 * him with 1001. */
static void
test_close_room (void)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leave", NULL));
  WAIT_UNTIL (find_dialog () != NULL);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Close the room for 1 person?");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");

  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (window), "home") == 0);
  g_assert_false (nexus_window_is_hosting (window));
  nexus_test_client_wait_closed (bob);
  g_assert_cmpuint (bob->close_code, ==, 1001);
  WAIT_UNTIL (nexus_application_get_server (app) == NULL);
  settle ();
}

static void
on_server_closed (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  *(gboolean *) user_data = nexus_server_shutdown_finish (NEXUS_SERVER (object), result, NULL);
}

/* As a guest, by link, in a room with the whole kept history; then the
 * host closes the room and the log stays readable. */
static void
test_guest_room_ends (void)
{
  g_autoptr(NexusServer) host = NULL;
  g_autoptr(NexusTestClient) dee = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  NexusServerLimits limits;
  NexusClient *client;
  gboolean closed = FALSE;
  gint64 start;

  nexus_server_limits_init_default (&limits);
  limits.rate = 0;
  host = nexus_server_new (&limits);
  g_assert_true (nexus_server_listen (host, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  dee = nexus_test_client_new (nexus_server_get_port (host), NULL);
  welcome = nexus_test_client_create (dee, "Dee");
  for (guint i = 0; i < 1000; i++)
    nexus_test_client_sendf (dee, "{\"type\":\"say\",\"text\":\"%s %u\",\"id\":\"d%u\"}",
                             i % 7 == 0 ? "A longer line, so that rows differ in height:\\n"
                                          "the second line of message" : "message",
                             i, i);
  for (;;)
    {
      g_autoptr(JsonObject) frame = nexus_test_client_next (dee);

      if (g_strcmp0 (json_object_get_string_member_with_default (frame, "id", ""), "d999") == 0)
        break;
    }

  link = nexus_invite_link_build ("127.0.0.1", nexus_server_get_port (host),
                                  json_object_get_string_member (welcome, "room"));
  type_invite (link, NULL);
  start = g_get_monotonic_time ();
  gtk_widget_activate (nexus_home_page_get_join_button (home ()));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (window), "room") == 0);
  client = nexus_window_get_client (window);
  g_assert_false (nexus_window_is_hosting (window));
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (client)), ==, 1000);
  WAIT_UNTIL (find_row ("message 998") != NULL);
  g_test_message ("1000 events on screen, at the end, in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);

  /* Scrolled up, new messages do not pull the view down. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (
                              nexus_room_page_get_scrolled_window (room_page ())), 0);
  settle ();
  nexus_test_client_send (dee,
                          "{\"type\":\"say\",\"text\":\"Are you still there?\",\"id\":\"d1000\"}");
  WAIT_UNTIL (count_in_log (client, "Are you still there?") == 1);
  settle ();
  g_assert_null (find_row ("Are you still there?"));
  g_assert_nonnull (nexus_room_page_get_jump_button (room_page ()));
  gtk_widget_activate (nexus_room_page_get_jump_button (room_page ()));
  WAIT_UNTIL (find_row ("Are you still there?") != NULL);

  /* The host closes the room. */
  nexus_server_shutdown_async (host, NULL, on_server_closed, &closed);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_ENDED);
  WAIT_UNTIL (closed);
  g_assert_cmpstr (nexus_room_page_get_banner (room_page ()), ==, "The host closed the room.");
  g_assert_cmpstr (nexus_room_page_get_subtitle (room_page ()), ==, "Room ended");
  g_assert_nonnull (find_row ("Are you still there?"));
  screenshot ("ended.png", NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leave", NULL));
  g_assert_cmpstr (nexus_window_get_page_name (window), ==, "home");
}

/* The second process: a whole app of its own, joined from the command
 * line; it says hello, waits for the welcome, and leaves. */

static NexusWindow *child_window;
static guint child_step;

static gboolean
child_tick (gpointer user_data)
{
  GApplication *application = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (application));
  NexusClient *client;

  if (child_window == NULL && windows != NULL)
    child_window = windows->data;
  if (child_window == NULL)
    return G_SOURCE_CONTINUE;
  client = nexus_window_get_client (child_window);

  switch (child_step)
    {
    case 0:
      if (g_strcmp0 (nexus_window_get_page_name (child_window), "room") != 0)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (nexus_client_get_name (client), ==, "Cy");
      /* History came with the join. */
      g_assert_cmpuint (count_in_log (client, "hi"), ==, 1);
      gtk_text_buffer_set_text (composer_buffer (nexus_window_get_room_page (child_window)),
                                "Hello from the other window", -1);
      gtk_widget_activate_action (GTK_WIDGET (nexus_window_get_room_page (child_window)),
                                  "room.send", NULL);
      child_step++;
      return G_SOURCE_CONTINUE;

    case 1:
      if (count_in_log (client, "Welcome, Cy!") == 0)
        return G_SOURCE_CONTINUE;
      g_assert_cmpuint (count_in_log (client, "Hello from the other window"), ==, 1);
      gtk_widget_activate_action (GTK_WIDGET (child_window), "win.leave", NULL);
      g_assert_cmpstr (nexus_window_get_page_name (child_window), ==, "home");
      g_application_quit (application);
      child_step++;
      return G_SOURCE_REMOVE;

    default:
      return G_SOURCE_REMOVE;
    }
}

static gboolean
child_timeout (gpointer user_data)
{
  g_printerr ("child: timed out at step %u\n", child_step);
  exit (1);
  return G_SOURCE_REMOVE;
}

static int
run_child (const char *link)
{
  g_autoptr(NexusApplication) child_app = nexus_application_new (G_APPLICATION_DEFAULT_FLAGS);
  char *argv[] = { (char *) "nexus-chat", (char *) "--join", (char *) link,
                   (char *) "--name", (char *) "Cy", NULL };
  int status;

  g_timeout_add (50, child_tick, child_app);
  g_timeout_add_seconds (30, child_timeout, NULL);
  status = g_application_run (G_APPLICATION (child_app), G_N_ELEMENTS (argv) - 1, argv);
  if (child_step != 2)
    return 1;
  return status;
}

/* In order: each step builds on the ones before it. */
/* Closing the window keeps its size; the next window opens at that size. */
static void
test_window_state (void)
{
  GSettings *settings = nexus_application_get_settings (app);
  g_autoptr(NexusWindow) closed = g_object_ref (window);
  int width = 0, height = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 660);
  gtk_window_close (GTK_WINDOW (window));
  WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (closed)));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 800);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 660);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_application_activate (G_APPLICATION (app));
  window = NEXUS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_assert_true (window != closed);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 800);
  g_assert_cmpint (height, ==, 660);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)));
}

static const struct
{
  const char *path;
  GTestFunc func;
  gboolean translated;   /* in the translated run too: needs no English, nor Bob */
} steps[] = {
  { "/ui/home", test_home, TRUE },
  { "/ui/menu", test_menu, TRUE },
  { "/ui/bad-input", test_bad_input, FALSE },
  { "/ui/create-room", test_create_room, TRUE },
  { "/ui/bob-joins", test_bob_joins, FALSE },
  { "/ui/second-process", test_second_process, FALSE },
  { "/ui/reconnect", test_reconnect, FALSE },
  { "/ui/dark", test_dark, FALSE },
  { "/ui/narrow", test_narrow, FALSE },
  { "/ui/share", test_share, TRUE },
  { "/ui/close-room", test_close_room, FALSE },
  { "/ui/guest-room-ends", test_guest_room_ends, FALSE },
  { "/ui/window-state", test_window_state, FALSE },
};

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;


  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);

  /* English unless asked, whatever the machine's locale. gettext reads
   * LANGUAGE in any locale but C; C.UTF-8 is built into glibc. */
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp (argv[i], "--lang") == 0)
      lang = argv[i + 1];
  if (lang != NULL)
    g_setenv ("LANGUAGE", lang, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  nexus_application_init_i18n ();

  if (argc == 3 && strcmp (argv[1], "--child") == 0)
    return run_child (argv[2]);

  self_path = g_canonicalize_filename (argv[0], NULL);
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp (argv[i], "--screenshots") == 0)
      screenshot_dir = g_strdup (argv[i + 1]);
  if (screenshot_dir == NULL)
    screenshot_dir = g_build_filename (g_get_tmp_dir (), "nexus-screenshots", NULL);
  g_mkdir_with_parents (screenshot_dir, 0755);

  g_test_init (&argc, &argv, NULL);
  start_notification_server ();

  /* This process hosts on loopback only; it does not own the app's bus
   * name, so the second process can. */
  app = nexus_application_new (G_APPLICATION_NON_UNIQUE);
  nexus_application_set_listen (app, "127.0.0.1", NEXUS_SERVER_PORT_ANY);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* GNOME's own title bar buttons, whatever the machine's settings. */
  g_object_set (gtk_settings_get_default (),
                "gtk-enable-animations", FALSE,
                "gtk-decoration-layout", "appmenu:close",
                NULL);
  g_application_activate (G_APPLICATION (app));
  window = NEXUS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window))
              && gtk_widget_get_width (GTK_WIDGET (window)) > 0);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (lang == NULL || steps[i].translated)
      g_test_add_func (steps[i].path, steps[i].func);

  status = g_test_run ();

  g_clear_pointer (&bob, nexus_test_client_free);
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return status;
}
