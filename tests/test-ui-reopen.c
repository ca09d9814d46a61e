/* test-ui-reopen.c: the window hosting through a crash
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under `xvfb-run -a dbus-run-session --`, like test-ui.c. A second
 * process of this program (--host-child DIR) is the window that crashes:
 * its app keeps its rooms in DIR, creates a room as Ada, lets Bob (a raw
 * WebSocket client of this process) in, and each says something; then it
 * is killed with SIGKILL, with no chance to clean up. A new app on DIR in
 * this process must offer the room ("Reopen room K7Q-X3M? 2 people were
 * in it …"); Reopen must bring it back on its port with its history, the
 * window in it as the same member Ada (a resume: still two members), and
 * Bob able to resume too; Discard must delete it, and closing the offer
 * must keep it for the next start.
 *
 * With --lang de the offer is checked in German; the screenshots are
 * reopen-offer.png (and -dark, -narrow, -de), reopened.png.
 */

#include "config.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "nexus-code.h"
#include "nexus-test-state.h"
#include "nexus-ui-harness.h"

typedef struct {
  char            *state_dir;
  char            *room;
  guint            port;
  NexusTestClient *bob;
  char            *bob_session;
  gint64           bob_last_seq;
} Crashed;

static Crashed crashed;
static GPtrArray *stopped_apps;

/* The child: the window that crashes */

static void
child_say (const char *line)
{
  printf ("%s\n", line);
  fflush (stdout);
}

static int
run_host_child (const char *state_dir)
{
  NexusClient *client;
  NexusHostSessions *sessions;
  g_autofree char *line = NULL;

  ui.state_dir = g_strdup (state_dir);
  ui_start_app ();
  WAIT_UNTIL (nexus_application_is_state_ready (ui.app));
  g_assert_nonnull (nexus_application_get_state_store (ui.app));

  nexus_window_set_name (ui.window, "Ada");
  gtk_widget_activate (nexus_home_page_get_create_button (ui_home ()));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  client = nexus_window_get_client (ui.window);
  line = g_strdup_printf ("room %s %u", nexus_client_get_room (client),
                          nexus_server_get_port (nexus_application_get_server (ui.app)));
  child_say (line);

  /* Bob comes in and says hello; the window answers. */
  WAIT_UNTIL (nexus_test_count_text (client, "Hello from Bob") == 1);
  ui_send_from_composer ("Hi Bob, from the window");
  /* Confirmed by the host: on disk, since frames wait for their commit. */
  WAIT_UNTIL (nexus_client_get_n_unsent (client) == 0);
  sessions = nexus_application_get_host_sessions (ui.app);
  WAIT_UNTIL (nexus_host_sessions_is_saved (sessions));
  g_assert_true (nexus_application_lookup_host_session (ui.app, nexus_client_get_room (client),
                                                        NULL, NULL));
  child_say ("ready");

  /* Until SIGKILL; the parent's end ends it too (PR_SET_PDEATHSIG). */
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  g_assert_not_reached ();
}

/* The parent */

static void
child_setup (gpointer data)
{
  /* A failed assertion must not leave the child running. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
read_line (GDataInputStream *stream)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, NULL,
                                       nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  line = g_data_input_stream_read_line_finish (stream, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

/* Reads Bob's frames until a `message` with @text; returns its seq. */
static gint64
bob_expects_message (NexusTestClient *bob,
                     const char      *text)
{
  for (;;)
    {
      g_autoptr(JsonObject) frame = nexus_test_client_next (bob);

      if (g_strcmp0 (nexus_test_str (frame, "type"), "message") == 0
          && g_strcmp0 (nexus_test_str (frame, "text"), text) == 0)
        return nexus_test_int (frame, "seq");
    }
}

/* A window hosts a room with Bob in it, in another process, until it is
 * killed: its saved rooms are left in a new directory. */
static void
crash_a_hosting_window (void)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) words = NULL;

  g_clear_pointer (&crashed.room, g_free);
  g_clear_pointer (&crashed.bob_session, g_free);
  g_clear_pointer (&crashed.bob, nexus_test_client_free);
  crashed.state_dir = nexus_test_state_dir ();

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  child = g_subprocess_launcher_spawn (launcher, &error, ui.self_path, "--host-child",
                                       crashed.state_dir, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  line = read_line (lines);
  words = g_strsplit (line, " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, 3);
  g_assert_cmpstr (words[0], ==, "room");
  crashed.room = g_strdup (words[1]);
  crashed.port = (guint) g_ascii_strtoull (words[2], NULL, 10);
  g_assert_cmpuint (crashed.port, >, 0);

  crashed.bob = nexus_test_client_new (crashed.port, NULL);
  welcome = nexus_test_client_join (crashed.bob, crashed.room, "Bob");
  crashed.bob_session = g_strdup (nexus_test_str (welcome, "session"));
  g_clear_pointer (&welcome, json_object_unref);
  welcome = nexus_test_client_say (crashed.bob, "Hello from Bob", "b1");
  crashed.bob_last_seq = bob_expects_message (crashed.bob, "Hi Bob, from the window");
  g_free (line);
  line = read_line (lines);
  g_assert_cmpstr (line, ==, "ready");

  /* The crash: nothing of the app's own shutdown runs. */
  g_subprocess_force_exit (child);
  g_subprocess_wait_async (child, NULL, nexus_test_async_result_cb, &done);
  WAIT_UNTIL (done != NULL);
  g_assert_true (g_subprocess_wait_finish (child, done, NULL));
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
  nexus_test_client_wait_closed (crashed.bob);
}

static guint
saved_rooms (const char *state_dir)
{
  sqlite3 *db = nexus_test_state_db_open (state_dir);
  guint n = (guint) nexus_test_state_query_int (db, "SELECT count(*) FROM rooms");

  sqlite3_close (db);
  return n;
}

/* Whether the key file beside the saved rooms holds a session for @room. */
static gboolean
session_kept (const char *state_dir,
              const char *room)
{
  g_autofree char *path = g_build_filename (state_dir, NEXUS_HOST_SESSIONS_FILE_NAME, NULL);
  g_autoptr(GKeyFile) file = g_key_file_new ();

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  return g_key_file_has_group (file, room);
}

static GtkButton *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return GTK_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkButton *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clicks the dialog's button @label, as a person would. */
static void
click (GtkWindow  *dialog,
       const char *label)
{
  GtkButton *button = find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static GtkWidget *
offer_dialog (void)
{
  return nexus_reopen_offer_get_dialog (nexus_window_get_reopen_offer (ui.window));
}

static void
start_app_on (const char *state_dir)
{
  static guint n_started;

  /* An app that was never run stays registered on the session bus: the
   * next one in this process needs an id of its own. */
  g_free (ui.app_id);
  ui.app_id = n_started++ == 0 ? NULL : g_strdup_printf ("%s.Restart%u", APP_ID, n_started);
  ui.state_dir = g_strdup (state_dir);
  ui_start_app ();
  WAIT_UNTIL (nexus_application_is_state_ready (ui.app));
}

static void
stop_app (void)
{
  NexusHostSessions *sessions = nexus_application_get_host_sessions (ui.app);

  if (sessions != NULL)
    WAIT_UNTIL (nexus_host_sessions_is_saved (sessions));
  /* The end of a run, as when the app quits: the saved rooms are closed
   * (and unlocked) for the next app. An app that was never run cannot
   * leave the session bus, so it stays, out of the way, until the end. */
  g_signal_emit_by_name (ui.app, "shutdown");
  if (stopped_apps == NULL)
    stopped_apps = g_ptr_array_new ();
  g_ptr_array_add (stopped_apps, g_object_ref (ui.app));
  ui_stop_app ();
}

static GskRenderNode *
snapshot_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GskRenderNode *node = NULL;

  /* A window in the middle of a relayout draws nothing until its next
   * frame: wait for one that draws. */
  for (guint attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        ui_settle ();
      gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                              gtk_widget_get_height (widget));
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  return node;
}

/* What a person sees: the window, and the dialog over its middle, where
 * GNOME puts a modal dialog. */
static void
screenshot_offer (const char *name)
{
  GtkWidget *window = GTK_WIDGET (ui.window);
  GtkWidget *dialog = offer_dialog ();
  g_autofree char *path = ui_screenshot_path (name);
  g_autoptr(GskRenderNode) window_node = NULL;
  g_autoptr(GskRenderNode) dialog_node = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  /* The dialog takes its width from the window's: wait until it has. */
  for (int last = -1; last != gtk_widget_get_width (dialog);)
    {
      last = gtk_widget_get_width (dialog);
      ui_settle ();
    }
  window_node = snapshot_widget (window);
  dialog_node = snapshot_widget (dialog);
  gtk_snapshot_append_node (snapshot, window_node);
  /* The dim GNOME Shell lays over a window behind a modal dialog. */
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0.3 },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT ((width - gtk_widget_get_width (dialog)) / 2,
                                                (height - gtk_widget_get_height (dialog)) / 2));
  gtk_snapshot_append_node (snapshot, dialog_node);
  gtk_snapshot_restore (snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* The steps */

static void
test_offer (void)
{
  AdwMessageDialog *dialog;
  g_autofree char *grouped = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *path = NULL;
  struct stat info;

  crash_a_hosting_window ();
  /* The window's own token is on disk, for the owner alone; the rooms'
   * database has only its hash. */
  path = g_build_filename (crashed.state_dir, NEXUS_HOST_SESSIONS_FILE_NAME, NULL);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_true (session_kept (crashed.state_dir, crashed.room));
  g_assert_false (nexus_test_state_dir_contains (crashed.state_dir, crashed.bob_session));
  g_assert_cmpuint (saved_rooms (crashed.state_dir), ==, 1);

  start_app_on (crashed.state_dir);
  WAIT_UNTIL (offer_dialog () != NULL && gtk_widget_get_mapped (offer_dialog ()));
  dialog = ADW_MESSAGE_DIALOG (offer_dialog ());
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (ui.window));
  grouped = nexus_code_format (crashed.room);
  /* The code kept on one line by word joiners around its hyphen. */
  g_strdelimit (grouped, "-", '\0');
  joined = g_strconcat (grouped, "\u2060-\u2060", grouped + 4, NULL);
  heading = g_strdup_printf (SAYS ("Reopen room %s?", "Raum %s wieder öffnen?"), joined);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog),
                                   SAYS ("2 people were in it when Nexus Chat stopped "
                                         "unexpectedly.",
                                         "2 Personen waren darin, als Nexus Chat unerwartet "
                                         "beendet wurde.")));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "reopen"), ==,
                   SAYS ("_Reopen", "_Wieder öffnen"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "discard"), ==,
                   SAYS ("_Discard", "_Verwerfen"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "reopen");
  /* The home page waits behind it. */
  g_assert_cmpstr (nexus_window_get_page_name (ui.window), ==, "home");

  screenshot_offer ("reopen-offer.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot_offer ("reopen-offer-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 360, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) < 500);
  screenshot_offer ("reopen-offer-narrow.png");
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) > 500);
}

static void
test_reopen (void)
{
  NexusClient *client;
  NexusServer *server;
  g_autoptr(GPtrArray) rooms = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(JsonObject) own = NULL;
  guint n_joined = 0;
  GListModel *events;

  click (GTK_WINDOW (offer_dialog ()), SAYS ("_Reopen", "_Wieder öffnen"));
  WAIT_UNTIL (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL);
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  g_assert_null (offer_dialog ());
  g_assert_true (nexus_window_is_hosting (ui.window));

  /* The same room on the same port (free since the crash). */
  server = nexus_application_get_server (ui.app);
  g_assert_cmpuint (nexus_server_get_port (server), ==, crashed.port);
  client = nexus_window_get_client (ui.window);
  g_assert_cmpstr (nexus_client_get_room (client), ==, crashed.room);
  g_assert_cmpstr (nexus_client_get_name (client), ==, "Ada");

  /* Its history once, in order, and the window came back as Ada: a
   * resume, not a join, so the room still has two members (Bob in his
   * grace period) and nobody joined again. */
  nexus_test_assert_log_clean (client);
  g_assert_cmpuint (nexus_test_count_text (client, "Hello from Bob"), ==, 1);
  g_assert_cmpuint (nexus_test_count_text (client, "Hi Bob, from the window"), ==, 1);
  WAIT_UNTIL (ui_find_row ("Hi Bob, from the window") != NULL);
  events = nexus_client_get_events (client);
  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (nexus_event_get_kind (event) == NEXUS_EVENT_JOINED)
        n_joined++;
    }
  g_assert_cmpuint (n_joined, ==, 2);
  rooms = nexus_server_list_rooms (server);
  g_assert_cmpuint (rooms->len, ==, 1);
  g_assert_cmpuint (((NexusRoomSummary *) rooms->pdata[0])->n_members, ==, 2);
  g_assert_cmpuint (nexus_client_get_n_members (client), ==, 2);
  g_assert_cmpstr (nexus_room_page_get_subtitle (ui_room_page ()), ==,
                   SAYS ("2 members", "2 Mitglieder"));

  /* Bob resumes too, and the conversation goes on both ways. */
  bob = nexus_test_client_new (crashed.port, NULL);
  resumed = nexus_test_client_resume (bob, crashed.room, crashed.bob_session,
                                      crashed.bob_last_seq);
  g_assert_true (json_object_get_boolean_member (resumed, "resumed"));
  own = nexus_test_client_say (bob, "Bob is back", "b2");
  WAIT_UNTIL (ui_find_row ("Bob is back") != NULL);
  ui_send_from_composer ("So is the room");
  bob_expects_message (bob, "So is the room");
  g_assert_cmpuint (nexus_test_count_text (client, "So is the room"), ==, 1);
  ui_screenshot ("reopened.png", NULL);

  /* Closed on purpose: gone from the saved rooms, the token with it. */
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.leave", NULL);
  WAIT_UNTIL (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL);
  click (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG), SAYS ("_Close Room", "Raum _schließen"));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0);
  nexus_test_client_wait_closed (bob);
  g_assert_cmpint (bob->close_code, ==, 1001);
  WAIT_UNTIL (saved_rooms (crashed.state_dir) == 0);
  stop_app ();
  g_assert_false (session_kept (crashed.state_dir, crashed.room));
  nexus_test_state_dir_remove (crashed.state_dir);
  g_clear_pointer (&crashed.state_dir, g_free);
}

static void
test_later_then_discard (void)
{
  crash_a_hosting_window ();

  /* Closed without an answer (Escape): kept, and asked again next time. */
  start_app_on (crashed.state_dir);
  WAIT_UNTIL (offer_dialog () != NULL && gtk_widget_get_mapped (offer_dialog ()));
  gtk_window_close (GTK_WINDOW (offer_dialog ()));
  WAIT_UNTIL (offer_dialog () == NULL);
  g_assert_cmpstr (nexus_window_get_page_name (ui.window), ==, "home");
  stop_app ();
  g_assert_cmpuint (saved_rooms (crashed.state_dir), ==, 1);
  g_assert_true (session_kept (crashed.state_dir, crashed.room));

  /* Discard: the room and the window's token of it are deleted. */
  start_app_on (crashed.state_dir);
  WAIT_UNTIL (offer_dialog () != NULL && gtk_widget_get_mapped (offer_dialog ()));
  click (GTK_WINDOW (offer_dialog ()), SAYS ("_Discard", "_Verwerfen"));
  g_assert_null (offer_dialog ());
  WAIT_UNTIL (ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL);
  g_assert_cmpstr (nexus_window_get_page_name (ui.window), ==, "home");
  g_assert_null (nexus_application_get_server (ui.app));
  WAIT_UNTIL (saved_rooms (crashed.state_dir) == 0);
  stop_app ();
  g_assert_false (session_kept (crashed.state_dir, crashed.room));

  /* Nothing is offered any more. */
  start_app_on (crashed.state_dir);
  ui_settle ();
  g_assert_null (offer_dialog ());
  stop_app ();
  nexus_test_state_dir_remove (crashed.state_dir);
  g_clear_pointer (&crashed.state_dir, g_free);
}

/* Hosts a room as Ada in the app started last; returns its client. */
static NexusClient *
host_a_room (void)
{
  nexus_window_set_name (ui.window, "Ada");
  gtk_widget_activate (nexus_home_page_get_create_button (ui_home ()));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  return nexus_window_get_client (ui.window);
}

static void
leave_the_room (void)
{
  gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.leave", NULL);
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0);
}

/* Another Nexus Chat keeps its rooms in the folder: the window hosts all
 * the same, and says that this room will not survive a crash. */
static void
test_store_busy (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusStateStore) other = nexus_state_store_open (dir, &error);
  NexusClient *client;

  g_assert_no_error (error);
  start_app_on (dir);
  g_assert_null (nexus_application_get_state_store (ui.app));
  expected = g_strdup_printf (SAYS ("Rooms you host won’t survive a crash this time. Another "
                                    "Nexus Chat keeps its rooms in %s.",
                                    "Räume, die Sie bereitstellen, überstehen diesmal keinen "
                                    "Absturz. Ein anderes Nexus Chat bewahrt seine "
                                    "Räume in %s auf."), dir);
  g_assert_cmpstr (nexus_application_get_state_unavailable (ui.app), ==, expected);
  /* Nothing said until it matters: when a room is hosted. */
  g_assert_null (nexus_window_get_toast (ui.window));

  client = host_a_room ();
  g_assert_cmpstr (nexus_window_get_toast (ui.window), ==, expected);
  ui_send_from_composer ("Not saved, but said");
  WAIT_UNTIL (nexus_client_get_n_unsent (client) == 0);
  ui_screenshot ("rooms-not-saved.png", NULL);
  leave_the_room ();
  stop_app ();

  nexus_state_store_close (other);
  g_assert_cmpuint (nexus_test_state_n_offered (other), ==, 0);
  nexus_test_state_dir_remove (dir);
}

/* The disk fills while the window hosts: a toast says so until it is
 * dismissed, the chat goes on, and another says when saving works again. */
static void
test_disk_full (void)
{
  g_autofree char *mountpoint = nexus_test_small_disk_new ("512k");
  g_autofree char *dir = NULL;
  g_autofree char *filler = NULL;
  const char *problem = SAYS ("Conversations can’t be saved: the disk is full. Chat goes on, "
                              "but a crash would lose it.",
                              "Gespräche können nicht gespeichert werden: Der Datenträger "
                              "ist voll. Der Chat geht weiter, aber ein Absturz würde ihn "
                              "verlieren.");
  NexusClient *client;
  guint said = 0;

  if (mountpoint == NULL)
    return;
  dir = g_build_filename (mountpoint, "state", NULL);
  start_app_on (dir);
  g_assert_nonnull (nexus_application_get_state_store (ui.app));
  client = host_a_room ();
  g_assert_null (nexus_window_get_toast (ui.window));

  /* Nothing is left on the disk: the next write fails, however small.
   * Short messages keep the log quick to lay out under the sanitizers. */
  filler = nexus_test_fill_disk (dir);
  while (g_strcmp0 (nexus_window_get_toast (ui.window), problem) != 0)
    {
      g_autofree char *text = g_strdup_printf ("Is the disk full yet? (%u)", said + 1);

      ui_send_from_composer (text);
      WAIT_UNTIL (nexus_client_get_n_unsent (client) == 0);
      g_assert_cmpuint (++said, <, 100);
    }
  g_test_message ("the toast came after %u messages", said);
  ui_send_from_composer ("Still talking");
  WAIT_UNTIL (nexus_client_get_n_unsent (client) == 0);
  ui_screenshot ("disk-full.png", NULL);

  /* Room again: the next retry (every 5 s) writes everything. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_toast (ui.window),
                         SAYS ("Conversations are saved again.",
                               "Gespräche werden wieder gespeichert.")) == 0);
  leave_the_room ();
  stop_app ();
  g_assert_cmpuint (saved_rooms (dir), ==, 0);
  nexus_test_small_disk_remove (mountpoint);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_setup_environment (argc, argv);
  if (argc == 3 && strcmp (argv[1], "--host-child") == 0)
    return run_host_child (argv[2]);

  g_test_init (&argc, &argv, NULL);
  /* The offer in the window after a crash, then what each answer does. */
  g_test_add_func ("/ui-reopen/offer", test_offer);
  g_test_add_func ("/ui-reopen/reopen", test_reopen);
  g_test_add_func ("/ui-reopen/later-then-discard", test_later_then_discard);
  /* When rooms are not being saved, the host is told. */
  g_test_add_func ("/ui-reopen/store-busy", test_store_busy);
  g_test_add_func ("/ui-reopen/disk-full", test_disk_full);
  status = g_test_run ();

  g_clear_pointer (&crashed.bob, nexus_test_client_free);
  g_clear_pointer (&crashed.room, g_free);
  g_clear_pointer (&crashed.bob_session, g_free);
  g_clear_pointer (&ui.app_id, g_free);
  return status;
}
