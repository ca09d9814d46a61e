/* test-ui-room.c: the window test's steps in a hosted room: Bob (a raw
 * WebSocket client) and Cy (a second process with its own window) join,
 * and the connection drops
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "nexus-code.h"
#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

/* Reads Bob's frames until a `message` with @text; fails on a second. */
static void
bob_expects_message (const char *text)
{
  for (;;)
    {
      JsonObject *frame = nexus_test_client_next (ui.bob);
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

void
test_create_room (void)
{
  NexusSharePopover *share;
  NexusServer *server;
  g_autofree char *expected = NULL;
  g_autofree char *grouped = NULL;
  GtkLabel *notice;

  gtk_widget_activate (nexus_home_page_get_create_button (ui_home ()));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  g_assert_null (nexus_home_page_get_error (ui_home ()));
  g_assert_true (nexus_window_is_hosting (ui.window));

  server = nexus_application_get_server (ui.app);
  g_assert_nonnull (server);
  ui.room = g_strdup (nexus_client_get_room (nexus_window_get_client (ui.window)));
  g_assert_nonnull (ui.room);

  /* The grouped code is the title; one link per address, the QR of the
   * first. */
  grouped = nexus_code_format (ui.room);
  g_assert_cmpstr (nexus_room_page_get_title (ui_room_page ()), ==, grouped);
  g_assert_cmpstr (nexus_room_page_get_subtitle (ui_room_page ()), ==,
                   SAYS ("1 member", "1 Mitglied"));
  share = nexus_room_page_get_share_popover (ui_room_page ());
  expected = g_strdup_printf ("http://127.0.0.1:%u/r/%s", nexus_server_get_port (server), ui.room);
  g_assert_cmpstr (nexus_share_popover_get_first_link (share), ==, expected);
  ui.first_link = g_strdup (expected);
  g_assert_nonnull (nexus_share_popover_get_qr_texture (share));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (nexus_room_page_get_composer (ui_room_page ())))
                 || !gtk_window_is_active (GTK_WINDOW (ui.window)));

  /* The room page in the language of the run, the log's notice and its
   * time format too. */
  g_assert_nonnull (ui_find_label (GTK_WIDGET (ui_room_page ()), SAYS ("_Invite", "_Einladen"),
                                   FALSE));
  WAIT_UNTIL ((notice = ui_find_label (GTK_WIDGET (ui_room_page ()),
                                       SAYS ("You joined · ", "Sie sind beigetreten · "),
                                       TRUE)) != NULL);
  g_assert_true (g_regex_match_simple (" · [0-9]{2}:[0-9]{2}$", gtk_label_get_label (notice), 0, 0));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (ui_room_page ()),
                                   SAYS ("Write a message…", "Nachricht schreiben …"), FALSE));
  if (ui.lang != NULL)
    {
      /* The English run takes these once there is a conversation. */
      ui_screenshot ("room.png", NULL);
      ui_screenshot_narrow ("room-narrow.png");
    }
}

void
test_bob_joins (void)
{
  NexusServer *server = nexus_application_get_server (ui.app);
  NexusClient *client = nexus_window_get_client (ui.window);
  g_autoptr(JsonObject) welcome = NULL;
  GtkWidget *other;

  ui.bob = nexus_test_client_new (nexus_server_get_port (server), NULL);
  welcome = nexus_test_client_join (ui.bob, ui.room, "Bob");
  ui.bob_session = g_strdup (json_object_get_string_member (welcome, "session"));

  WAIT_UNTIL (g_strcmp0 (nexus_room_page_get_subtitle (ui_room_page ()), "2 members") == 0);

  /* Another window in front, so the room is in the background when Bob
   * says hi: the row is in the window's list, and a notification says so. */
  other = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (other));
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (other))
              && !gtk_window_is_active (GTK_WINDOW (ui.window)));
  nexus_test_client_send (ui.bob, "{\"type\":\"say\",\"text\":\"hi\",\"id\":\"b1\"}");
  WAIT_UNTIL (ui_find_row ("hi") != NULL);
  bob_expects_message ("hi");
  WAIT_UNTIL (ui.notifications->len > 0);
  g_assert_cmpstr (ui.notifications->pdata[0], ==, "Bob: hi");
  /* Clicking it (the server's "default" action) brings the room to the front. */
  g_dbus_connection_emit_signal (ui.notification_bus, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", 1, "default"), NULL);
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (ui.window)));
  gtk_window_destroy (GTK_WINDOW (other));

  /* Bob types: the window says so. */
  nexus_test_client_send (ui.bob, "{\"type\":\"typing\"}");
  WAIT_UNTIL (g_strcmp0 (nexus_room_page_get_typing (ui_room_page ()), "Bob is typing…") == 0);

  /* The composer sends; Bob gets it once. */
  ui_send_from_composer ("Hello Bob! The notes are at https://example.org/notes");
  g_assert_cmpint (gtk_text_buffer_get_char_count (ui_composer_buffer (ui_room_page ())), ==, 0);
  bob_expects_message ("Hello Bob! The notes are at https://example.org/notes");
  WAIT_UNTIL (ui_find_row ("Hello Bob! The notes are at https://example.org/notes") != NULL);
  nexus_test_spin (300);
  while (nexus_test_client_pending (ui.bob) > 0)
    {
      g_autoptr(JsonObject) frame = nexus_test_client_next (ui.bob);

      g_assert_cmpstr (json_object_get_string_member (frame, "type"), !=, "message");
    }
  g_assert_cmpuint (nexus_test_count_text (client,
                                           "Hello Bob! The notes are at https://example.org/notes"),
                    ==, 1);

  /* A conversation worth a screenshot. */
  nexus_test_client_send (ui.bob,
                          "{\"type\":\"say\",\"text\":\"Thanks! Looking now.\",\"id\":\"b2\"}");
  nexus_test_client_send (ui.bob, "{\"type\":\"say\",\"text\":\"Can we go over the second "
                          "part together after lunch? I have a few questions about the "
                          "budget table.\",\"id\":\"b3\"}");
  bob_expects_message ("Thanks! Looking now.");
  /* Shift+Enter is a new line; Enter sends. */
  ui_type_into_composer ("Sure, 14:00 in the small room.");
  g_assert_false (ui_press_enter (GDK_SHIFT_MASK));
  gtk_text_buffer_insert_at_cursor (ui_composer_buffer (ui_room_page ()), "\nBring the printout.",
                                    -1);
  g_assert_true (ui_press_enter (0));
  bob_expects_message ("Sure, 14:00 in the small room.\nBring the printout.");
  WAIT_UNTIL (ui_find_row ("Sure, 14:00 in the small room.\nBring the printout.") != NULL);
  nexus_test_assert_log_clean (client);
}

static void
on_preedit_changed (GtkTextView *composer,
                    const char  *preedit,
                    char       **out)
{
  g_free (*out);
  *out = g_strdup (preedit);
}

/* Enter while an input method composes finishes the character and sends
 * nothing; the next Enter sends. Real key presses through the X server,
 * to GTK's own input method: Ctrl+Shift+U and hex digits type a character. */
void
test_input_method (void)
{
  GtkTextView *composer = nexus_room_page_get_composer (ui_room_page ());
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (composer);
  NexusClient *client = nexus_window_get_client (ui.window);
  g_autofree char *preedit = NULL;
  gulong handler;

  if (!ui_can_press_keys ())
    {
      g_test_skip ("No X server with XTEST to press keys on");
      return;
    }

  ui_type_into_composer ("Caf");
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (ui.window))
              && gtk_widget_has_focus (GTK_WIDGET (composer)));
  handler = g_signal_connect (composer, "preedit-changed", G_CALLBACK (on_preedit_changed),
                              &preedit);
  ui_press_key (GDK_KEY_u, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  ui_press_key (GDK_KEY_e, 0);
  ui_press_key (GDK_KEY_9, 0);
  WAIT_UNTIL (preedit != NULL && g_str_has_suffix (preedit, "e9"));

  /* Enter is the input method's: it puts é in the text. */
  ui_press_key (GDK_KEY_Return, 0);
  WAIT_UNTIL (preedit != NULL && *preedit == '\0');
  {
    g_autofree char *text = NULL;
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, "Café");
  }
  nexus_test_spin (300);
  g_assert_cmpuint (nexus_test_count_text (client, "Caf"), ==, 0);
  g_assert_cmpuint (nexus_test_count_text (client, "Café"), ==, 0);

  /* Now Enter sends. */
  ui_press_key (GDK_KEY_Return, 0);
  bob_expects_message ("Café");
  WAIT_UNTIL (gtk_text_buffer_get_char_count (buffer) == 0);
  g_assert_cmpuint (nexus_test_count_text (client, "Caf"), ==, 0);
  g_signal_handler_disconnect (composer, handler);
}

/* Another process opens its own window with `--join LINK` and chats. */
void
test_second_process (void)
{
  NexusClient *client = nexus_window_get_client (ui.window);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;

  child = g_subprocess_launcher_spawn (launcher, &error, ui.self_path, "--child", ui.first_link,
                                       NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (child, NULL, nexus_test_async_result_cb, &done);

  WAIT_UNTIL (g_strcmp0 (nexus_room_page_get_subtitle (ui_room_page ()), "3 members") == 0);
  WAIT_UNTIL (ui_find_row ("Hello from the other window") != NULL);
  ui_send_from_composer ("Welcome, Cy!");
  bob_expects_message ("Hello from the other window");
  bob_expects_message ("Welcome, Cy!");

  WAIT_UNTIL (done != NULL);
  g_assert_true (g_subprocess_wait_finish (child, done, NULL));
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  WAIT_UNTIL (g_strcmp0 (nexus_room_page_get_subtitle (ui_room_page ()), "2 members") == 0);
  g_assert_cmpuint (nexus_test_count_text (client, "Hello from the other window"), ==, 1);
  nexus_test_assert_log_clean (client);
  ui_screenshot ("room.png", NULL);
}

/* The server drops every connection: the window says so, keeps what is
 * written meanwhile, and resumes with nothing lost or doubled. */
void
test_reconnect (void)
{
  NexusServer *server = nexus_application_get_server (ui.app);
  NexusClient *client = nexus_window_get_client (ui.window);
  g_autoptr(NexusTestClient) bob_again = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  gint64 last_seq = nexus_client_get_last_seq (client);

  nexus_server_drop_connections (server);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_RECONNECTING);
  g_assert_cmpstr (nexus_room_page_get_subtitle (ui_room_page ()), ==, "Reconnecting…");
  g_assert_nonnull (nexus_room_page_get_banner (ui_room_page ()));
  ui_send_from_composer ("Written while the line was down");
  WAIT_UNTIL (ui_find_row ("Written while the line was down") != NULL);
  ui_screenshot ("reconnecting.png", NULL);

  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_JOINED);
  g_assert_null (nexus_room_page_get_banner (ui_room_page ()));
  g_assert_cmpstr (nexus_room_page_get_subtitle (ui_room_page ()), ==, "2 members");

  /* Bob comes back on his session too. */
  nexus_test_client_wait_closed (ui.bob);
  bob_again = nexus_test_client_new (nexus_server_get_port (server), NULL);
  nexus_test_client_sendf (bob_again,
                           "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\","
                           "\"last_seq\":%" G_GINT64_FORMAT "}", ui.room, ui.bob_session, last_seq);
  welcome = nexus_test_client_expect (bob_again, "welcome");
  g_assert_true (json_object_get_boolean_member (welcome, "resumed"));
  nexus_test_client_free (ui.bob);
  ui.bob = g_steal_pointer (&bob_again);

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

  nexus_test_client_send (ui.bob, "{\"type\":\"say\",\"text\":\"Back again\",\"id\":\"b4\"}");
  WAIT_UNTIL (ui_find_row ("Back again") != NULL);
  WAIT_UNTIL (nexus_client_get_n_unsent (client) == 0);
  g_assert_cmpuint (nexus_test_count_text (client, "Written while the line was down"), ==, 1);
  g_assert_cmpuint (nexus_test_count_text (client, "Back again"), ==, 1);
  g_assert_cmpuint (nexus_test_count_text (client, "hi"), ==, 1);
  nexus_test_assert_log_clean (client);
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
      g_assert_cmpuint (nexus_test_count_text (client, "hi"), ==, 1);
      gtk_text_buffer_set_text (ui_composer_buffer (nexus_window_get_room_page (child_window)),
                                "Hello from the other window", -1);
      gtk_widget_activate_action (GTK_WIDGET (nexus_window_get_room_page (child_window)),
                                  "room.send", NULL);
      child_step++;
      return G_SOURCE_CONTINUE;

    case 1:
      if (nexus_test_count_text (client, "Welcome, Cy!") == 0)
        return G_SOURCE_CONTINUE;
      g_assert_cmpuint (nexus_test_count_text (client, "Hello from the other window"), ==, 1);
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

int
test_run_child (const char *link)
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
