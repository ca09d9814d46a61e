/* test-ui-home.c: the window test's steps on Home, the menu's windows
 * and the window's size
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

void
test_home (void)
{
  NexusHomePage *home = ui_home ();

  nexus_window_set_name (ui.window, "Ada");
  g_assert_cmpstr (nexus_window_get_page_name (ui.window), ==, "home");
  g_assert_true (gtk_widget_get_sensitive (nexus_home_page_get_create_button (home)));
  g_assert_false (gtk_widget_get_sensitive (nexus_home_page_get_join_button (home)));

  /* In the language of the run. */
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (nexus_home_page_get_create_button (home))),
                   ==, SAYS ("_Create Room", "Raum _erstellen"));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (home),
                                   SAYS ("Join a Room", "Einem Raum beitreten"), FALSE));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (home), SAYS ("_Join", "_Beitreten"), FALSE));
  ui_screenshot ("home.png", NULL);
  ui_screenshot_narrow ("home-narrow.png");

  /* The core's sentences about invites are in the language of the run too. */
  ui_type_invite ("http://example.com/rooms/abc", NULL);
  g_assert_cmpstr (nexus_home_page_get_error (home), ==,
                   SAYS ("This is not a Nexus Chat invite link. A link looks like "
                         "http://192.168.1.20:47474/r/K7QX3M.",
                         "Das ist kein Einladungslink von Nexus Chat. Ein Link sieht so aus: "
                         "http://192.168.1.20:47474/r/K7QX3M."));
  ui_type_invite ("", NULL);
  g_assert_null (nexus_home_page_get_error (home));
}

/* The primary menu's two windows open and close. */
void
test_menu (void)
{
  GtkWindow *shortcuts, *about;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.show-help-overlay",
                                             NULL));
  WAIT_UNTIL ((shortcuts = ui_find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL);
  gtk_window_close (shortcuts);

  g_action_group_activate_action (G_ACTION_GROUP (ui.app), "about", NULL);
  WAIT_UNTIL ((about = ui_find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  /* The same as the metainfo's. */
  g_assert_cmpstr (adw_about_window_get_website (ADW_ABOUT_WINDOW (about)), ==,
                   "https://github.com/nexuschat/nexus-chat");
  gtk_window_close (about);
  ui_settle ();
}

void
test_bad_input (void)
{
  g_autoptr(NexusServer) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = NULL;
  NexusServerLimits limits;
  NexusClient *failed;

  /* A link that is not ours, said as it is typed. */
  ui_type_invite ("http://example.com/rooms/abc", NULL);
  g_assert_cmpstr (nexus_home_page_get_error (ui_home ()), ==,
                   "This is not a Nexus Chat invite link. A link looks like "
                   "http://192.168.1.20:47474/r/K7QX3M.");
  g_assert_false (gtk_widget_get_sensitive (nexus_home_page_get_join_button (ui_home ())));

  /* A bare code is enough: the network is asked for its host when Join
   * is pressed (test-ui-nearby.c), so no address is asked for yet. */
  ui_type_invite ("k7q x3m", NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (nexus_home_page_get_host_entry (ui_home ()))));
  g_assert_null (nexus_home_page_get_error (ui_home ()));
  g_assert_true (gtk_widget_get_sensitive (nexus_home_page_get_join_button (ui_home ())));

  /* A name too long. */
  nexus_window_set_name (ui.window, "A name that is far longer than thirty-two characters");
  g_assert_cmpstr (nexus_home_page_get_error (ui_home ()), !=, NULL);
  g_assert_false (gtk_widget_get_sensitive (nexus_home_page_get_create_button (ui_home ())));
  nexus_window_set_name (ui.window, "Ada");

  /* A wrong code on a host that is there: the server's answer, as a
   * sentence, and the form is kept. */
  nexus_server_limits_init_default (&limits);
  other = nexus_server_new (&limits);
  g_assert_true (nexus_server_listen (other, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  wrong = g_strdup_printf ("127.0.0.1:%u", nexus_server_get_port (other));
  ui_type_invite ("ZZZ-ZZZ", wrong);
  g_assert_null (nexus_home_page_get_error (ui_home ()));
  g_assert_true (gtk_widget_get_sensitive (nexus_home_page_get_join_button (ui_home ())));
  gtk_widget_activate (nexus_home_page_get_join_button (ui_home ()));
  WAIT_UNTIL (nexus_window_get_client (ui.window) != NULL
              && nexus_client_get_state (nexus_window_get_client (ui.window))
                 == NEXUS_CLIENT_STATE_FAILED);
  g_assert_cmpstr (nexus_home_page_get_error (ui_home ()), ==,
                   "There is no room ZZZ-ZZZ at 127.0.0.1. Check the code; the room may "
                   "have ended.");
  g_assert_cmpstr (gtk_editable_get_text (nexus_home_page_get_invite_entry (ui_home ())), ==,
                   "ZZZ-ZZZ");
  g_assert_cmpstr (nexus_window_get_page_name (ui.window), ==, "home");
  ui_screenshot ("home-error.png", NULL);

  /* Nobody at that address any more. */
  g_clear_object (&other);
  /* Held, so the next client cannot be given the same address. */
  failed = g_object_ref (nexus_window_get_client (ui.window));
  gtk_widget_activate (nexus_home_page_get_join_button (ui_home ()));
  WAIT_UNTIL (nexus_window_get_client (ui.window) != failed
              && nexus_client_get_state (nexus_window_get_client (ui.window))
                 == NEXUS_CLIENT_STATE_FAILED);
  g_object_unref (failed);
  g_assert_nonnull (strstr (nexus_home_page_get_error (ui_home ()),
                            "answered, but nothing is listening on port"));

  ui_type_invite ("", NULL);
}

/* Closing the window keeps its size; the next window opens at that size. */
void
test_window_state (void)
{
  GSettings *settings = nexus_application_get_settings (ui.app);
  g_autoptr(NexusWindow) closed = g_object_ref (ui.window);
  int width = 0, height = 0;

  gtk_window_set_default_size (GTK_WINDOW (ui.window), 800, 660);
  gtk_window_close (GTK_WINDOW (ui.window));
  WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (closed)));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 800);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 660);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_application_activate (G_APPLICATION (ui.app));
  ui.window = NEXUS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (ui.app)));
  g_assert_nonnull (ui.window);
  g_assert_true (ui.window != closed);
  gtk_window_get_default_size (GTK_WINDOW (ui.window), &width, &height);
  g_assert_cmpint (width, ==, 800);
  g_assert_cmpint (height, ==, 660);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (ui.window)));
}
