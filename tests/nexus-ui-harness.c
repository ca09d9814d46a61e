/* nexus-ui-harness.c: what the window test's steps share: the app and its
 * window, waiting, screenshots, and finding what a person looks for
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dlfcn.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nexus-test-state.h"
#include "nexus-ui-harness.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

NexusUiTest ui;

/* A notification server on the test's session bus, so notifications
 * have somewhere to go and the test can read them. */

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
      g_ptr_array_add (ui.notifications, g_strdup_printf ("%s: %s", summary, body));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", ui.notifications->len));
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
  bus = ui.notification_bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);

  ui.notifications = g_ptr_array_new_with_free_func (g_free);
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

/* Starting and stopping */

void
ui_setup_environment (int   argc,
                      char *argv[])
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  /* GTK's own input method, which the input-method step types with. */
  g_setenv ("GTK_IM_MODULE", "gtk-im-context-simple", TRUE);

  /* English unless asked, whatever the machine's locale. gettext reads
   * LANGUAGE in any locale but C; C.UTF-8 is built into glibc. */
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp (argv[i], "--lang") == 0)
      ui.lang = argv[i + 1];
  if (ui.lang != NULL)
    g_setenv ("LANGUAGE", ui.lang, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  nexus_application_init_i18n ();

  /* Past conversations of this run only: one directory per language, and
   * one for the second process (--child), emptied first. */
  {
    gboolean child = argc > 1 && strcmp (argv[1], "--child") == 0;
    const char *base = g_getenv ("G_TEST_BUILDDIR");
    g_autofree char *name = g_strdup_printf ("data-ui-%s%s", ui.lang ? ui.lang : "en",
                                             child ? "-child" : "");
    g_autofree char *data = g_build_filename (base != NULL ? base : g_get_tmp_dir (), name, NULL);
    g_autofree char *history = g_build_filename (data, "nexus-chat", NULL);
    g_autoptr(GDir) listing = g_dir_open (history, 0, NULL);
    const char *entry;

    while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (history, entry, NULL);

        g_unlink (path);
      }
    g_setenv ("XDG_DATA_HOME", data, TRUE);
  }

  ui.self_path = g_canonicalize_filename (argv[0], NULL);
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp (argv[i], "--screenshots") == 0)
      ui.screenshot_dir = g_strdup (argv[i + 1]);
  if (ui.screenshot_dir == NULL)
    ui.screenshot_dir = g_build_filename (g_get_tmp_dir (), "nexus-screenshots", NULL);
}

void
ui_start_app (void)
{
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (ui.screenshot_dir, 0755);
  if (ui.notifications == NULL)
    start_notification_server ();

  /* This process hosts on loopback only; it does not own the app's bus
   * name, so the second process can. */
  ui.app = nexus_application_new (G_APPLICATION_NON_UNIQUE);
  if (ui.app_id != NULL)
    g_application_set_application_id (G_APPLICATION (ui.app), ui.app_id);
  nexus_application_set_listen (ui.app, "127.0.0.1", NEXUS_SERVER_PORT_ANY);
  /* Saved rooms of this run's own: nothing from an earlier run offered. */
  if (ui.state_dir == NULL)
    {
      ui.state_dir = nexus_test_state_dir ();
      ui.own_state_dir = TRUE;
    }
  nexus_application_set_state_dir (ui.app, ui.state_dir);
  g_assert_true (g_application_register (G_APPLICATION (ui.app), NULL, &error));
  g_assert_no_error (error);
  /* GNOME's own title bar buttons, whatever the machine's settings. */
  g_object_set (gtk_settings_get_default (),
                "gtk-enable-animations", FALSE,
                "gtk-decoration-layout", "appmenu:close",
                NULL);
  g_application_activate (G_APPLICATION (ui.app));
  ui.window = NEXUS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (ui.app)));
  g_assert_nonnull (ui.window);
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (ui.window))
              && gtk_widget_get_width (GTK_WIDGET (ui.window)) > 0);
}

void
ui_stop_app (void)
{
  g_clear_pointer (&ui.bob, nexus_test_client_free);
  gtk_window_destroy (GTK_WINDOW (ui.window));
  g_clear_object (&ui.app);
  if (ui.own_state_dir)
    nexus_test_state_dir_remove (ui.state_dir);
  g_clear_pointer (&ui.state_dir, g_free);
  ui.own_state_dir = FALSE;
}

/* Waiting and screenshots */

/* Lets GTK lay out and draw what changed. */
void
ui_settle (void)
{
  nexus_test_spin (150);
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
        ui_settle ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* NAME.png, or NAME-LANG.png in a translated run. */
char *
ui_screenshot_path (const char *name)
{
  g_autofree char *base = NULL;
  g_autofree char *file = NULL;

  g_assert_true (g_str_has_suffix (name, ".png"));
  if (ui.lang == NULL)
    return g_build_filename (ui.screenshot_dir, name, NULL);
  base = g_strndup (name, strlen (name) - strlen (".png"));
  file = g_strdup_printf ("%s-%s.png", base, ui.lang);
  return g_build_filename (ui.screenshot_dir, file, NULL);
}

/* Saves what the window shows, with @popover drawn where it sits. */
void
ui_screenshot (const char *name,
               GtkWidget  *popover)
{
  GtkWidget *window = GTK_WIDGET (ui.window);
  g_autofree char *path = ui_screenshot_path (name);
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  ui_settle ();
  g_assert_cmpint (width, >, 0);

  if (popover == NULL)
    texture = render_widget (window, width, height);
  else
    {
      g_autoptr(GdkPaintable) window_paintable = gtk_widget_paintable_new (window);
      g_autoptr(GdkPaintable) popover_paintable = gtk_widget_paintable_new (popover);
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GskRenderNode) window_node = NULL;
      g_autoptr(GskRenderNode) popover_node = NULL;
      int x = gdk_popup_get_position_x (GDK_POPUP (surface));
      int y = gdk_popup_get_position_y (GDK_POPUP (surface));
      int popover_width = gdk_surface_get_width (surface);
      int popover_height = gdk_surface_get_height (surface);

      /* The popover is a surface of its own, and may reach past the window. */
      width = MAX (width, x + popover_width);
      height = MAX (height, y + popover_height);
      /* Either may be in the middle of a relayout, drawing nothing until
       * its next frame (slow under the sanitizers): wait for both. */
      for (guint attempt = 0;
           (window_node == NULL || popover_node == NULL) && attempt < 50; attempt++)
        {
          GtkSnapshot *part;

          if (attempt > 0)
            ui_settle ();
          g_clear_pointer (&window_node, gsk_render_node_unref);
          g_clear_pointer (&popover_node, gsk_render_node_unref);
          part = gtk_snapshot_new ();
          gdk_paintable_snapshot (window_paintable, part,
                                  gtk_widget_get_width (window), gtk_widget_get_height (window));
          window_node = gtk_snapshot_free_to_node (part);
          part = gtk_snapshot_new ();
          gdk_paintable_snapshot (popover_paintable, part, popover_width, popover_height);
          popover_node = gtk_snapshot_free_to_node (part);
        }
      g_assert_nonnull (window_node);
      g_assert_nonnull (popover_node);
      gtk_snapshot_append_node (snapshot, window_node);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      gtk_snapshot_append_node (snapshot, popover_node);
      gtk_snapshot_restore (snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                             &GRAPHENE_RECT_INIT (0, 0, width, height));
    }

  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* Saves what another window shows: a dialog, a viewer. */
void
ui_screenshot_window (const char *name,
                      GtkWidget  *window)
{
  g_autofree char *path = ui_screenshot_path (name);
  g_autoptr(GdkTexture) texture = NULL;

  ui_settle ();
  g_assert_cmpint (gtk_widget_get_width (window), >, 0);
  texture = render_widget (window, gtk_widget_get_width (window), gtk_widget_get_height (window));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* Narrows the window to a phone's width for a screenshot, then widens it. */
void
ui_screenshot_narrow (const char *name)
{
  GtkWidget *window = GTK_WIDGET (ui.window);

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  WAIT_UNTIL (gtk_widget_get_width (window) < 500);
  g_assert_cmpint (gtk_widget_get_width (window), <=, 400);
  ui_screenshot (name, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_width (window) > 500);
}

/* Finding things */

/* A label under @widget that says @text (or starts with it, when
 * @prefix), as a person would look for it. */
GtkLabel *
ui_find_label (GtkWidget  *widget,
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
      GtkLabel *found = ui_find_label (child, text, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A visible toplevel of @type: a dialog, the About window. */
GtkWindow *
ui_find_toplevel (GType type)
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

NexusHomePage *
ui_home (void)
{
  return nexus_window_get_home_page (ui.window);
}

NexusRoomPage *
ui_room_page (void)
{
  return nexus_window_get_room_page (ui.window);
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
NexusMessageRow *
ui_find_row (const char *text)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  find_rows (GTK_WIDGET (nexus_room_page_get_list_view (ui_room_page ())), rows);
  for (guint i = 0; i < rows->len; i++)
    {
      NexusEvent *event = nexus_message_row_get_event (rows->pdata[i]);

      if (event != NULL && gtk_widget_get_mapped (rows->pdata[i])
          && g_strcmp0 (nexus_event_get_text (event), text) == 0)
        return rows->pdata[i];
    }
  return NULL;
}

/* Typing */

GtkTextBuffer *
ui_composer_buffer (NexusRoomPage *page)
{
  return gtk_text_view_get_buffer (nexus_room_page_get_composer (page));
}

void
ui_type_into_composer (const char *text)
{
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.focus-composer", NULL);
  gtk_text_buffer_set_text (ui_composer_buffer (ui_room_page ()), text, -1);
}

void
ui_send_from_composer (const char *text)
{
  ui_type_into_composer (text);
  /* What Enter in the composer does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui_room_page ()), "room.send", NULL));
}

/* What a key press in the composer does, through its own controller. */
gboolean
ui_press_enter (GdkModifierType state)
{
  GtkWidget *composer = GTK_WIDGET (nexus_room_page_get_composer (ui_room_page ()));
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

/* Key presses through the X server (XTEST), as a keyboard sends them: GDK,
 * the focused widget's controllers and its input method all see them.
 * libXtst is opened when needed, so the test builds without its headers. */

#ifdef GDK_WINDOWING_X11
typedef int (*FakeKeyEvent) (Display       *display,
                             unsigned int   keycode,
                             Bool           is_press,
                             unsigned long  delay);

static FakeKeyEvent
get_fake_key_event (void)
{
  static FakeKeyEvent fake_key_event;
  static gboolean looked_up;

  if (!looked_up)
    {
      void *xtst = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_LOCAL);

      looked_up = TRUE;
      if (xtst != NULL)
        fake_key_event = (FakeKeyEvent) dlsym (xtst, "XTestFakeKeyEvent");
    }
  return fake_key_event;
}

/* The key for @keyval on the first layout, without Shift if it can. */
static guint
keycode_for (GdkDisplay *display,
             guint       keyval)
{
  g_autofree GdkKeymapKey *keys = NULL;
  int n_keys = 0;

  g_assert_true (gdk_display_map_keyval (display, keyval, &keys, &n_keys));
  for (int i = 0; i < n_keys; i++)
    if (keys[i].group == 0 && keys[i].level == 0)
      return keys[i].keycode;
  return keys[0].keycode;
}
#endif

gboolean
ui_can_press_keys (void)
{
#ifdef GDK_WINDOWING_X11
  return GDK_IS_X11_DISPLAY (gdk_display_get_default ()) && get_fake_key_event () != NULL;
#else
  return FALSE;
#endif
}

/* Presses and releases @keyval, with Control and Shift held as @modifiers
 * say; the test waits for what it does. */
void
ui_press_key (guint           keyval,
              GdkModifierType modifiers)
{
#ifdef GDK_WINDOWING_X11
  GdkDisplay *display = gdk_display_get_default ();
  Display *xdisplay = gdk_x11_display_get_xdisplay (display);
  FakeKeyEvent fake_key_event = get_fake_key_event ();
  guint key = keycode_for (display, keyval);
  guint held[2];
  guint n_held = 0;

  g_assert_true (ui_can_press_keys ());
  if (modifiers & GDK_CONTROL_MASK)
    held[n_held++] = keycode_for (display, GDK_KEY_Control_L);
  if (modifiers & GDK_SHIFT_MASK)
    held[n_held++] = keycode_for (display, GDK_KEY_Shift_L);

  for (guint i = 0; i < n_held; i++)
    fake_key_event (xdisplay, held[i], True, 0);
  fake_key_event (xdisplay, key, True, 0);
  fake_key_event (xdisplay, key, False, 0);
  for (guint i = n_held; i > 0; i--)
    fake_key_event (xdisplay, held[i - 1], False, 0);
  gdk_display_flush (display);
#else
  g_assert_not_reached ();
#endif
}

void
ui_type_invite (const char *invite,
                const char *host)
{
  gtk_editable_set_text (nexus_home_page_get_host_entry (ui_home ()), host ? host : "");
  gtk_editable_set_text (nexus_home_page_get_invite_entry (ui_home ()), invite);
}
