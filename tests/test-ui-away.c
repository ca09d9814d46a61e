/* test-ui-away.c: the window test's step of a host that crashes under a
 * guest: the room says the host is away, keeps what is written, offers to
 * leave, and carries on once the host is back
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "nexus-client-private.h"
#include "nexus-code.h"
#include "nexus-test-state.h"
#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

#define AWAY_SENTENCE                                                              \
  SAYS ("The host is away — waiting for it to come back. Messages you write now are " \
        "sent when it is back.",                                                   \
        "Der Host ist nicht da – es wird gewartet, bis er zurückkommt. Nachrichten, "   \
        "die Sie jetzt schreiben, werden gesendet, sobald er wieder da ist.")
#define RECONNECTING_SENTENCE                                                      \
  SAYS ("The connection was lost. Reconnecting… Messages you write now are sent "   \
        "when it is back.",                                                        \
        "Die Verbindung wurde unterbrochen und wird wiederhergestellt … Nachrichten, " \
        "die Sie jetzt schreiben, werden gesendet, sobald sie wieder besteht.")

/* The banner's button, found by what it says. */
static GtkWidget *
find_leave_button (void)
{
  GtkLabel *label = ui_find_label (GTK_WIDGET (ui_room_page ()),
                                   SAYS ("_Leave Room", "Raum _verlassen"), FALSE);

  return label ? gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_BUTTON) : NULL;
}

/* Waits until the window's client says the host is away, with the banner
 * that says so and its button to leave. */
static void
wait_away (NexusClient *client)
{
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_RECONNECTING);
  WAIT_UNTIL (nexus_client_get_host_away (client));
  g_assert_cmpstr (nexus_room_page_get_banner (ui_room_page ()), ==, AWAY_SENTENCE);
  g_assert_cmpstr (nexus_room_page_get_subtitle (ui_room_page ()), ==,
                   SAYS ("Reconnecting…", "Verbindung wird wiederhergestellt …"));
  ui_settle ();
  g_assert_nonnull (find_leave_button ());
}

void
test_host_away (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *state_dir = nexus_test_state_dir ();
  g_autoptr(GSubprocess) host = NULL;
  g_autoptr(NexusTestClient) dee = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *link = NULL;
  g_autofree char *room = NULL;
  g_autofree char *session = NULL;
  const char *written = SAYS ("Written while the host was away",
                              "Geschrieben, während der Host weg war");
  g_autoptr(NexusClient) held = NULL;
  NexusClient *client;
  gint64 last_seq;
  guint port = 0;
  guint seen = 0;

  /* Wherever the steps before left the window (the German run hosts a
   * room of its own there), from Home. */
  if (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.leave", NULL));
      WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0);
    }

  /* Dee's room on a host that keeps its rooms on disk, and the window in it. */
  host = nexus_test_state_host_start (state_dir, NULL, NULL, 0, &port);
  dee = nexus_test_client_new (port, NULL);
  welcome = nexus_test_client_create (dee, "Dee");
  room = g_strdup (nexus_test_str (welcome, "room"));
  session = g_strdup (nexus_test_str (welcome, "session"));
  json_object_unref (nexus_test_client_say (dee, "Is anyone else here?", "d1"));
  link = nexus_invite_link_build ("127.0.0.1", port, room);
  ui_type_invite (link, NULL);
  gtk_widget_activate (nexus_home_page_get_join_button (ui_home ()));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  client = nexus_window_get_client (ui.window);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_JOINED);
  WAIT_UNTIL (ui_find_row ("Is anyone else here?") != NULL);
  json_object_unref (nexus_test_client_expect (dee, "joined"));
  last_seq = nexus_client_get_last_seq (client);
  /* Minutes of the real waits would be seconds here. */
  _nexus_client_set_reconnect_timing (client, 50, 400, 1000);

  /* Killed: first a drop like any other, then the host is away. */
  nexus_test_state_host_kill (&host);
  nexus_test_client_wait_closed (dee);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_RECONNECTING);
  if (!nexus_client_get_host_away (client))
    g_assert_cmpstr (nexus_room_page_get_banner (ui_room_page ()), ==, RECONNECTING_SENTENCE);
  wait_away (client);
  ui_send_from_composer (written);
  WAIT_UNTIL (ui_find_row (written) != NULL);
  g_assert_cmpint (nexus_event_get_delivery (nexus_message_row_get_event (ui_find_row (written))),
                   ==, NEXUS_DELIVERY_SENDING);
  ui_screenshot ("host-away.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  ui_screenshot ("host-away-dark.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  ui_screenshot_narrow ("host-away-narrow.png");

  /* Back on the same directory: the window resumes and sends what waited;
   * Dee, resuming too, gets it once. */
  host = nexus_test_state_host_start (state_dir, NULL, room, 0, &port);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_JOINED);
  g_assert_false (nexus_client_get_host_away (client));
  g_assert_null (nexus_room_page_get_banner (ui_room_page ()));
  g_assert_null (find_leave_button ());
  WAIT_UNTIL (nexus_client_get_n_unsent (client) == 0);
  g_assert_cmpuint (nexus_test_count_text (client, written), ==, 1);
  nexus_test_assert_log_clean (client);
  nexus_test_client_free (g_steal_pointer (&dee));
  dee = nexus_test_client_new (port, NULL);
  g_clear_pointer (&welcome, json_object_unref);
  welcome = nexus_test_client_resume (dee, room, session, last_seq);
  {
    JsonArray *history = json_object_get_array_member (welcome, "history");

    for (guint i = 0; i < json_array_get_length (history); i++)
      if (g_strcmp0 (json_object_get_string_member_with_default (
                       json_array_get_object_element (history, i), "text", ""), written) == 0)
        seen++;
    g_assert_cmpuint (seen, ==, 1);
  }

  /* Away again, the banner's button leaves the room. */
  nexus_test_state_host_kill (&host);
  wait_away (client);
  held = g_object_ref (client);
  gtk_widget_activate (find_leave_button ());
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0);
  g_assert_cmpint (nexus_client_get_state (held), ==, NEXUS_CLIENT_STATE_ENDED);
  g_assert_cmpint (nexus_client_get_end_reason (held), ==, NEXUS_CLIENT_END_LEFT);

  nexus_test_state_dir_remove (state_dir);
}
