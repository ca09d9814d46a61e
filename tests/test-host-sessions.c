/* test-host-sessions.c: the window's own members kept across a crash,
 * and a desktop client resuming as one of them in a reopened room
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include "nexus-host-sessions.h"
#include "nexus-test-state.h"
#include "nexus-test-utils.h"

static NexusHostSessions *
load (const char *dir)
{
  NexusHostSessions *sessions = nexus_host_sessions_new (dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  nexus_host_sessions_load_async (sessions, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nexus_host_sessions_load_finish (sessions, result, &error));
  g_assert_no_error (error);
  return sessions;
}

static void
assert_session (NexusHostSessions *sessions,
                const char        *code,
                const char        *name,
                const char        *session)
{
  g_autofree char *found_name = NULL;
  g_autofree char *found_session = NULL;

  if (name == NULL)
    {
      g_assert_false (nexus_host_sessions_lookup (sessions, code, &found_name, &found_session));
      g_assert_null (found_name);
      return;
    }
  g_assert_true (nexus_host_sessions_lookup (sessions, code, &found_name, &found_session));
  g_assert_cmpstr (found_name, ==, name);
  g_assert_cmpstr (found_session, ==, session);
}

static void
wait_saved (NexusHostSessions *sessions)
{
  WAIT_UNTIL (nexus_host_sessions_is_saved (sessions));
}

/* Kept, read back by the next process, forgotten; the file is the
 * owner's alone. */
static void
test_remember_and_load (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusHostSessions) sessions = NULL;
  g_autoptr(NexusHostSessions) again = NULL;
  g_autoptr(NexusHostSessions) third = NULL;
  const char *codes[] = { "BBBBBB", NULL };
  GStatBuf info;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sessions = load (dir);
  assert_session (sessions, "AAAAAA", NULL, NULL);
  nexus_host_sessions_remember (sessions, "AAAAAA", "Ada", "token-a");
  nexus_host_sessions_remember (sessions, "BBBBBB", "Ada Lovelace", "token-b");
  assert_session (sessions, "AAAAAA", "Ada", "token-a");
  wait_saved (sessions);
  g_assert_cmpint (g_stat (nexus_host_sessions_get_path (sessions), &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  again = load (dir);
  assert_session (again, "AAAAAA", "Ada", "token-a");
  assert_session (again, "BBBBBB", "Ada Lovelace", "token-b");
  nexus_host_sessions_forget (again, "AAAAAA");
  wait_saved (again);
  g_clear_object (&again);

  again = load (dir);
  assert_session (again, "AAAAAA", NULL, NULL);
  assert_session (again, "BBBBBB", "Ada Lovelace", "token-b");
  /* Only rooms the database still has are kept. */
  nexus_host_sessions_keep_only (again, codes);
  assert_session (again, "BBBBBB", "Ada Lovelace", "token-b");
  nexus_host_sessions_keep_only (again, NULL);
  assert_session (again, "BBBBBB", NULL, NULL);
  wait_saved (again);

  third = load (dir);
  assert_session (third, "BBBBBB", NULL, NULL);
  g_assert_false (nexus_test_state_dir_contains (dir, "token-b"));
  nexus_test_state_dir_remove (dir);
}

/* Many changes at once, written by threads: the file ends as the last
 * change left it, never an older one. */
static void
test_newest_wins (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusHostSessions) sessions = NULL;
  g_autoptr(NexusHostSessions) again = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sessions = load (dir);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *session = g_strdup_printf ("token-%u", i);

      nexus_host_sessions_remember (sessions, "AAAAAA", "Ada", session);
      if (i % 3 == 0)
        nexus_host_sessions_forget (sessions, "CCCCCC");
      else
        nexus_host_sessions_remember (sessions, "CCCCCC", "Cy", session);
    }
  wait_saved (sessions);

  again = load (dir);
  assert_session (again, "AAAAAA", "Ada", "token-199");
  assert_session (again, "CCCCCC", "Cy", "token-199");
  nexus_test_state_dir_remove (dir);
}

/* A token kept while the file is still being read is newer than the
 * file's; a file that is not a key file is read as empty and replaced. */
static void
test_load_keeps_newer (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autofree char *path = NULL;
  g_autoptr(NexusHostSessions) sessions = NULL;
  g_autoptr(NexusHostSessions) again = NULL;
  g_autoptr(NexusHostSessions) garbled = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sessions = load (dir);
  nexus_host_sessions_remember (sessions, "AAAAAA", "Ada", "old");
  nexus_host_sessions_remember (sessions, "BBBBBB", "Bob", "kept");
  wait_saved (sessions);

  again = nexus_host_sessions_new (dir);
  nexus_host_sessions_load_async (again, NULL, nexus_test_async_result_cb, &result);
  nexus_host_sessions_remember (again, "AAAAAA", "Ada", "new");
  WAIT_UNTIL (result != NULL);
  g_assert_true (nexus_host_sessions_load_finish (again, result, &error));
  assert_session (again, "AAAAAA", "Ada", "new");
  assert_session (again, "BBBBBB", "Bob", "kept");
  wait_saved (again);

  path = g_build_filename (dir, NEXUS_HOST_SESSIONS_FILE_NAME, NULL);
  g_assert_true (g_file_set_contents (path, "\x01\x02 not [ a key file", -1, NULL));
  garbled = load (dir);
  assert_session (garbled, "AAAAAA", NULL, NULL);
  nexus_host_sessions_remember (garbled, "DDDDDD", "Dee", "fresh");
  wait_saved (garbled);
  g_clear_object (&garbled);
  garbled = load (dir);
  assert_session (garbled, "DDDDDD", "Dee", "fresh");
  nexus_test_state_dir_remove (dir);
}

/* The host's own member, a desktop client, comes back after the host
 * crashed as itself: a resume with its kept token, the whole history,
 * no second member. A token the room no longer knows is told. */
static void
test_client_resume (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusStateStore) store = nexus_state_store_open (dir, &error);
  g_autoptr(NexusClient) ada = NULL;
  g_autoptr(NexusClient) back = NULL;
  g_autoptr(NexusClient) stranger = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) said = NULL;
  g_autofree char *room = NULL;
  g_autofree char *session = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_auto(GStrv) reopened = NULL;
  NexusServerLimits limits;
  NexusServer *server;
  guint port;

  g_assert_no_error (error);
  nexus_server_limits_init_default (&limits);
  limits.rate = 0;
  server = nexus_test_state_server_new (store, &limits, 0);
  port = nexus_server_get_port (server);

  ada = nexus_client_new ("127.0.0.1", port);
  g_assert_null (nexus_client_get_session (ada));
  nexus_client_create (ada, "Ada");
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_JOINED);
  room = g_strdup (nexus_client_get_room (ada));
  session = g_strdup (nexus_client_get_session (ada));
  g_assert_nonnull (session);
  g_assert_cmpuint (strlen (session), >=, 32);

  bob = nexus_test_client_new (port, NULL);
  welcome = nexus_test_client_join (bob, room, "Bob");
  said = nexus_test_client_say (bob, "before the crash", "b1");
  WAIT_UNTIL (nexus_test_count_text (ada, "before the crash") == 1);
  nexus_client_say (ada, "me too");
  WAIT_UNTIL (nexus_client_get_n_unsent (ada) == 0);

  /* The host goes as a killed process would. */
  g_clear_object (&ada);
  nexus_test_client_cut (bob);
  nexus_test_spin (20);
  g_assert_finalize_object (server);
  nexus_state_store_close (store);
  g_clear_object (&store);

  store = nexus_state_store_open (dir, &error);
  g_assert_no_error (error);
  server = nexus_test_state_server_new (store, &limits, port);
  reopened = nexus_server_reopen_rooms (server, NULL);
  g_assert_cmpuint (g_strv_length (reopened), ==, 1);

  back = nexus_client_new ("127.0.0.1", port);
  nexus_client_resume (back, room, "Ada", session);
  g_assert_cmpint (nexus_client_get_state (back), ==, NEXUS_CLIENT_STATE_CONNECTING);
  WAIT_UNTIL (nexus_client_get_state (back) == NEXUS_CLIENT_STATE_JOINED);
  g_assert_cmpstr (nexus_client_get_room (back), ==, room);
  g_assert_cmpstr (nexus_client_get_name (back), ==, "Ada");
  g_assert_cmpstr (nexus_client_get_session (back), ==, session);
  nexus_test_assert_log_clean (back);
  g_assert_cmpuint (nexus_test_count_text (back, "before the crash"), ==, 1);
  g_assert_cmpuint (nexus_test_count_text (back, "me too"), ==, 1);
  g_assert_cmpuint (nexus_client_get_n_members (back), ==, 2);
  summaries = nexus_server_list_rooms (server);
  g_assert_cmpuint (((NexusRoomSummary *) summaries->pdata[0])->n_members, ==, 2);

  /* A token the room does not know: a sentence, and not in. */
  stranger = nexus_client_new ("127.0.0.1", port);
  nexus_client_resume (stranger, room, "Ada", "00000000000000000000000000000000");
  WAIT_UNTIL (nexus_client_get_state (stranger) == NEXUS_CLIENT_STATE_FAILED);
  g_assert_cmpstr (nexus_client_get_error_code (stranger), ==, "session-expired");
  g_assert_cmpstr (nexus_client_get_error_message (stranger), ==,
                   "You were away too long and left the room.");

  nexus_client_leave (back);
  g_clear_object (&back);
  g_clear_object (&stranger);
  nexus_test_spin (20);
  g_assert_finalize_object (server);
  nexus_state_store_close (store);
  nexus_test_state_dir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/host-sessions/remember-and-load", test_remember_and_load);
  g_test_add_func ("/host-sessions/newest-wins", test_newest_wins);
  g_test_add_func ("/host-sessions/load-keeps-newer", test_load_keeps_newer);
  g_test_add_func ("/host-sessions/client-resume", test_client_resume);

  return g_test_run ();
}
