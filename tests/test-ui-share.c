/* test-ui-share.c: the window test's steps that look at the room, share
 * it and end it, as host and as guest
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-code.h"
#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

/* A link is shown as the text it is, never read as markup, whatever its
 * host: an Invite popover of its own, with a host full of & and <. */
static void
check_links_are_text (void)
{
  const char *links[] = { "http://k&r<lab>.local:47474/r/K7QX3M", "http://[fd00::5]:47474/r/K7QX3M",
                          NULL };
  GtkWidget *other = gtk_window_new ();
  GtkWidget *button = gtk_menu_button_new ();
  NexusSharePopover *share = g_object_new (NEXUS_TYPE_SHARE_POPOVER, NULL);

  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), GTK_WIDGET (share));
  gtk_window_set_child (GTK_WINDOW (other), button);
  nexus_share_popover_set_room (share, "K7QX3M", links);
  gtk_window_present (GTK_WINDOW (other));
  WAIT_UNTIL (gtk_widget_get_mapped (button));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (share)));
  for (guint i = 0; links[i] != NULL; i++)
    {
      GtkLabel *label = ui_find_label (GTK_WIDGET (share), links[i], FALSE);

      g_assert_nonnull (label);
      g_assert_cmpstr (gtk_label_get_text (label), ==, links[i]);
    }
  gtk_window_destroy (GTK_WINDOW (other));
  ui_settle ();
}

void
test_share (void)
{
  NexusSharePopover *share = nexus_room_page_get_share_popover (ui_room_page ());
  GdkTexture *qr = nexus_share_popover_get_qr_texture (share);
  g_autofree char *qr_path = ui_screenshot_path ("qr.png");
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
  g_assert_cmpstr (g_strstrip (zbar_out), ==, ui.first_link);

  /* Who is in the room. */
  {
    GtkMenuButton *members = nexus_room_page_get_members_button (ui_room_page ());
    GtkPopover *popover = gtk_menu_button_get_popover (members);

    gtk_menu_button_popup (members);
    WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (popover)));
    ui_screenshot ("members.png", GTK_WIDGET (popover));
    gtk_popover_popdown (popover);
    ui_settle ();
  }

  gtk_menu_button_popup (nexus_room_page_get_share_button (ui_room_page ()));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (share)));
  ui_screenshot ("share.png", GTK_WIDGET (share));
  nexus_share_popover_copy_link (share, 0);
  gtk_popover_popdown (GTK_POPOVER (share));
  ui_settle ();

  check_links_are_text ();
}

void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  nexus_test_client_send (ui.bob, "{\"type\":\"typing\"}");
  WAIT_UNTIL (nexus_room_page_get_typing (ui_room_page ()) != NULL);
  ui_screenshot ("room-dark.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* The smallest the window goes: a phone-sized column. */
void
test_narrow (void)
{
  GtkMenuButton *invite = nexus_room_page_get_share_button (ui_room_page ());
  GtkLabel *code;

  /* Invite shows its icon alone, so the room's code is never cut short. */
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 360, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) < 500);
  WAIT_UNTIL (gtk_menu_button_get_icon_name (invite) != NULL);
  ui_settle ();
  code = ui_find_label (GTK_WIDGET (ui_room_page ()), nexus_room_page_get_title (ui_room_page ()),
                        FALSE);
  g_assert_nonnull (code);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (code)));
  ui_screenshot ("room-narrow.png", NULL);
  g_assert_nonnull (ui_find_row ("Back again"));

  /* Wide again: the label is back. */
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) > 500);
  WAIT_UNTIL (gtk_menu_button_get_icon_name (invite) == NULL);
  g_assert_nonnull (ui_find_label (GTK_WIDGET (invite), "_Invite", FALSE));
}

/* Leaving as host with Bob still in asks first, then closes the room on
 * him with 1001. */
void
test_close_room (void)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.leave", NULL));
  WAIT_UNTIL (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL);
  dialog = ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Close the room for 1 person?");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");

  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0);
  g_assert_false (nexus_window_is_hosting (ui.window));
  nexus_test_client_wait_closed (ui.bob);
  g_assert_cmpuint (ui.bob->close_code, ==, 1001);
  WAIT_UNTIL (nexus_application_get_server (ui.app) == NULL);
  ui_settle ();
}

/* As a guest, by link, in a room with the whole kept history; then the
 * host closes the room and the log stays readable. */
void
test_guest_room_ends (void)
{
  g_autoptr(NexusServer) host = NULL;
  g_autoptr(NexusTestClient) dee = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  NexusServerLimits limits;
  g_autoptr(GAsyncResult) closed = NULL;
  NexusClient *client;
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
  ui_type_invite (link, NULL);
  start = g_get_monotonic_time ();
  gtk_widget_activate (nexus_home_page_get_join_button (ui_home ()));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  client = nexus_window_get_client (ui.window);
  g_assert_false (nexus_window_is_hosting (ui.window));
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (client)), ==, 1000);
  WAIT_UNTIL (ui_find_row ("message 998") != NULL);
  g_test_message ("1000 events on screen, at the end, in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);

  /* Scrolled up, new messages do not pull the view down. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (
                              nexus_room_page_get_scrolled_window (ui_room_page ())), 0);
  ui_settle ();
  nexus_test_client_send (dee,
                          "{\"type\":\"say\",\"text\":\"Are you still there?\",\"id\":\"d1000\"}");
  WAIT_UNTIL (nexus_test_count_text (client, "Are you still there?") == 1);
  ui_settle ();
  g_assert_null (ui_find_row ("Are you still there?"));
  g_assert_nonnull (nexus_room_page_get_jump_button (ui_room_page ()));
  gtk_widget_activate (nexus_room_page_get_jump_button (ui_room_page ()));
  WAIT_UNTIL (ui_find_row ("Are you still there?") != NULL);

  /* The host closes the room. */
  nexus_server_shutdown_async (host, NULL, nexus_test_async_result_cb, &closed);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_ENDED);
  WAIT_UNTIL (closed != NULL);
  g_assert_true (nexus_server_shutdown_finish (host, closed, NULL));
  g_assert_cmpstr (nexus_room_page_get_banner (ui_room_page ()), ==, "The host closed the room.");
  g_assert_cmpstr (nexus_room_page_get_subtitle (ui_room_page ()), ==, "Room ended");
  g_assert_nonnull (ui_find_row ("Are you still there?"));
  ui_screenshot ("ended.png", NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.leave", NULL));
  g_assert_cmpstr (nexus_window_get_page_name (ui.window), ==, "home");
}
