/* test-state-store-server.c: a real server that keeps its rooms in a
 * NexusStateStore — reopened after a crash as they were, sessions kept
 * only as hashes, closed rooms gone, no frame ahead of the disk, and a
 * full disk that the chat survives
 *
 * A crash here is the server let go without shutting down and its
 * clients cut: what the database holds is what a killed process would
 * have left (tests/test-crash.c kills a real one).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "nexus-code.h"
#include "nexus-protocol.h"
#include "nexus-test-files.h"
#include "nexus-test-state.h"
#include "nexus-test-utils.h"

static void
limits_for_reopen (NexusServerLimits *limits)
{
  nexus_server_limits_init_default (limits);
  limits->rate = 0;
  limits->grace_seconds = 2;
}

/* The room comes back with its code, history, seq, members and their
 * sessions and say ids; every member's grace starts at the return. */
static void
test_reopen (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusStateStore) store = nexus_test_state_store_open (dir);
  NexusServerLimits limits;
  NexusServer *server;
  g_autoptr(JsonObject) ada_welcome = NULL;
  g_autoptr(JsonObject) bob_welcome = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) frame = NULL;
  g_auto(GStrv) reopened = NULL;
  g_autoptr(GPtrArray) offered = NULL;
  NexusTestClient *ada, *bob, *cyd;
  const char *code;
  JsonArray *history;
  gint64 returned;

  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  ada = nexus_test_start_room_full (nexus_server_get_port (server), &ada_welcome, NULL);
  code = nexus_test_str (ada_welcome, "room");
  bob = nexus_test_client_new (nexus_server_get_port (server), NULL);
  bob_welcome = nexus_test_client_join (bob, code, "Bob");
  cyd = nexus_test_client_new (nexus_server_get_port (server), NULL);
  json_object_unref (nexus_test_client_join (cyd, code, "Cyd"));
  nexus_test_client_clear (ada);
  frame = nexus_test_client_say (ada, "first", "a1");
  g_assert_cmpint (nexus_test_int (frame, "seq"), ==, 4);
  g_clear_pointer (&frame, json_object_unref);
  nexus_test_client_say_n (ada, 3, "more", "m");          /* seq 5, 6, 7 */

  nexus_test_client_cut (ada);
  nexus_test_client_cut (bob);
  nexus_test_client_cut (cyd);
  nexus_test_state_crash (server, store);
  nexus_test_client_free (ada);
  nexus_test_client_free (bob);
  nexus_test_client_free (cyd);
  g_clear_object (&store);

  /* The host is away longer than the grace period. */
  g_usleep (2500 * 1000);

  store = nexus_test_state_store_open (dir);
  offered = nexus_state_store_list_rooms (store);
  g_assert_cmpuint (offered->len, ==, 1);
  g_assert_cmpstr (((NexusStoredRoomInfo *) offered->pdata[0])->code, ==, code);
  g_assert_cmpuint (((NexusStoredRoomInfo *) offered->pdata[0])->n_members, ==, 3);
  server = nexus_test_state_server_new (store, &limits, 0);
  reopened = nexus_server_reopen_rooms (server, NULL);
  returned = g_get_monotonic_time ();
  g_assert_cmpuint (g_strv_length (reopened), ==, 1);
  g_assert_cmpstr (reopened[0], ==, code);
  g_assert_true (nexus_server_has_room (server, code));
  g_assert_cmpuint (nexus_server_get_n_members (server), ==, 3);
  g_assert_cmpuint (nexus_test_state_n_offered (store), ==, 0);

  /* Ada resumes with her old session: her welcome carries it again, and
   * what she missed after seq 5. */
  ada = nexus_test_client_new_resumed (nexus_server_get_port (server), ada_welcome, 5, &resumed);
  g_assert_true (json_object_get_boolean_member (resumed, "resumed"));
  g_assert_cmpstr (nexus_test_str (resumed, "session"), ==, nexus_test_str (ada_welcome, "session"));
  g_assert_cmpint (nexus_test_int (resumed, "last_seq"), ==, 7);
  history = json_object_get_array_member (resumed, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpint (nexus_test_int (json_array_get_object_element (history, 0), "seq"), ==, 6);
  g_assert_cmpstr (nexus_test_str (json_array_get_object_element (history, 1), "text"), ==, "more");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (resumed, "members")), ==, 3);

  /* A say repeated across the restart is answered with its original,
   * to its sender only; a new one continues the seq. */
  nexus_test_client_send_say (ada, "first", "a1");
  frame = nexus_test_client_expect (ada, "message");
  g_assert_cmpint (nexus_test_int (frame, "seq"), ==, 4);
  g_clear_pointer (&frame, json_object_unref);
  frame = nexus_test_client_say (ada, "after", "a9");
  g_assert_cmpint (nexus_test_int (frame, "seq"), ==, 8);
  g_clear_pointer (&frame, json_object_unref);

  g_clear_pointer (&resumed, json_object_unref);
  bob = nexus_test_client_new_resumed (nexus_server_get_port (server), bob_welcome, 8, &resumed);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (resumed, "history")), ==, 0);
  frame = nexus_test_client_say (bob, "back", "b1");
  g_assert_cmpint (nexus_test_int (frame, "seq"), ==, 9);
  g_clear_pointer (&frame, json_object_unref);
  frame = nexus_test_client_expect (ada, "message");
  g_assert_cmpstr (nexus_test_str (frame, "id"), ==, "b1");
  g_clear_pointer (&frame, json_object_unref);

  /* A session the room never had is refused. */
  {
    g_autoptr(NexusTestClient) stranger = nexus_test_client_new (nexus_server_get_port (server),
                                                                 NULL);

    nexus_test_client_send_resume (stranger, code, "00112233445566778899aabbccddeeff", 0);
    nexus_test_client_expect_fatal (stranger, "session-expired");
  }

  /* Cyd does not come back: her grace, counted from the return, ends. */
  frame = nexus_test_client_expect (ada, "left");
  g_assert_cmpint (g_get_monotonic_time () - returned, >=, 3 * G_USEC_PER_SEC / 2);
  g_assert_cmpstr (nexus_test_str (frame, "name"), ==, "Cyd");
  g_assert_cmpint (nexus_test_int (frame, "seq"), ==, 10);
  g_clear_pointer (&frame, json_object_unref);
  g_assert_cmpuint (nexus_server_get_n_members (server), ==, 2);

  nexus_test_client_free (ada);
  nexus_test_client_free (bob);
  nexus_test_state_crash (server, store);
  g_clear_object (&store);

  /* What happened after the return was saved too. */
  store = nexus_test_state_store_open (dir);
  g_ptr_array_unref (offered);
  offered = nexus_state_store_list_rooms (store);
  g_assert_cmpuint (offered->len, ==, 1);
  g_assert_cmpuint (((NexusStoredRoomInfo *) offered->pdata[0])->n_members, ==, 2);
  {
    g_autoptr(NexusStoredRoom) room = nexus_state_store_take_room (store, code);

    g_assert_cmpint (room->last_seq, ==, 10);
  }
  nexus_state_store_close (store);
  nexus_test_state_dir_remove (dir);
}

/* Session tokens never reach the disk: only their SHA-256. */
static void
test_hashes_only (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusStateStore) store = nexus_test_state_store_open (dir);
  NexusServerLimits limits;
  NexusServer *server;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autofree char *hash = NULL;
  const char *session;

  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  ada = nexus_test_start_room_full (nexus_server_get_port (server), &welcome, &bob);
  nexus_test_client_say_n (ada, 20, "words", "w");
  session = nexus_test_str (welcome, "session");
  hash = nexus_token_hash (session);

  /* While it runs (the WAL holds the changes) and once it is closed. */
  g_assert_true (nexus_test_state_dir_contains (dir, hash));
  g_assert_false (nexus_test_state_dir_contains (dir, session));
  g_assert_false (nexus_test_state_dir_contains (dir, nexus_test_str (welcome, "files_key")));
  nexus_test_client_cut (ada);
  nexus_test_client_cut (bob);
  nexus_test_state_crash (server, store);
  g_assert_true (nexus_test_state_dir_contains (dir, hash));
  g_assert_false (nexus_test_state_dir_contains (dir, session));
  nexus_test_state_dir_remove (dir);
}

static void
on_shutdown (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_assert_true (nexus_server_shutdown_finish (NEXUS_SERVER (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

/* A room everyone left, and rooms the host closed, are gone from the
 * database: nothing to reopen. */
static void
test_closed_rooms_go (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusStateStore) store = nexus_test_state_store_open (dir);
  NexusServerLimits limits;
  NexusServer *server;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) cyd = NULL;
  g_autofree char *code = NULL;
  guint64 committed = 0;
  gboolean done = FALSE;
  sqlite3 *db;

  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  g_signal_connect_swapped (store, "committed", G_CALLBACK (nexus_test_state_store_epoch),
                            &committed);
  ada = nexus_test_start_room (nexus_server_get_port (server), &code);
  bob = nexus_test_start_room (nexus_server_get_port (server), NULL);
  cyd = nexus_test_start_room (nexus_server_get_port (server), NULL);
  db = nexus_test_state_db_open (dir);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM rooms"), ==, 3);

  /* Everyone left Ada's room: it ends, here and on disk, in the same
   * commit as her left, which she has read. */
  nexus_test_client_send (ada, "{\"type\":\"leave\"}");
  json_object_unref (nexus_test_client_expect (ada, "left"));
  g_assert_false (nexus_server_has_room (server, code));
  g_assert_cmpuint (committed, >, 0);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM rooms"), ==, 2);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM events WHERE room = '%s'", code);

    g_assert_cmpint (nexus_test_state_query_int (db, sql), ==, 0);
  }

  /* The host closes the rest. */
  nexus_server_shutdown_async (server, NULL, on_shutdown, &done);
  WAIT_UNTIL (done && bob->closed && cyd->closed);
  g_assert_cmpuint (bob->close_code, ==, 1001);
  g_assert_finalize_object (server);
  nexus_state_store_close (store);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM rooms"), ==, 0);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM events"), ==, 0);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM members"), ==, 0);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM said"), ==, 0);
  sqlite3_close (db);
  nexus_test_state_dir_remove (dir);
}

/* No member reads of an event before it is on disk: a host killed at
 * any moment comes back with everything anyone has seen. */
static void
test_frames_wait_for_disk (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusStateStore) store = nexus_test_state_store_open (dir);
  NexusServerLimits limits;
  NexusServer *server;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  sqlite3 *db;

  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  ada = nexus_test_start_room_full (nexus_server_get_port (server), &welcome, &bob);
  db = nexus_test_state_db_open (dir);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);
      g_autofree char *sql = NULL;
      g_autoptr(JsonObject) seen = NULL;

      /* Sent together, to make the server's turns busy. */
      nexus_test_client_send_say (ada, "hello", id);
      if (i % 4 != 3)
        continue;
      for (guint j = 0; j < 4; j++)
        {
          g_clear_pointer (&seen, json_object_unref);
          seen = nexus_test_client_expect (bob, "message");
          g_free (sql);
          sql = g_strdup_printf ("SELECT count(*) FROM events WHERE room = '%s' AND seq = %"
                                 G_GINT64_FORMAT, nexus_test_str (welcome, "room"),
                                 nexus_test_int (seen, "seq"));
          g_assert_cmpint (nexus_test_state_query_int (db, sql), ==, 1);
        }
    }
  sqlite3_close (db);
  nexus_test_client_cut (ada);
  nexus_test_client_cut (bob);
  nexus_test_state_crash (server, store);
  nexus_test_state_dir_remove (dir);
}

/* A room shown nearby comes back shown, with its public code and title. */
static void
test_nearby_kept (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusStateStore) store = nexus_test_state_store_open (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_auto(GStrv) reopened = NULL;
  g_autofree char *code = NULL;
  NexusServerLimits limits;
  NexusServer *server;
  NexusRoomSummary *summary;

  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  ada = nexus_test_start_room (nexus_server_get_port (server), &code);
  g_assert_true (nexus_server_set_room_nearby (server, code, "Friday lunch", &error));
  before = nexus_server_list_rooms (server);
  nexus_test_client_say_n (ada, 1, "x", "x");   /* on disk once Ada has it */
  nexus_test_client_cut (ada);
  nexus_test_state_crash (server, store);
  g_clear_object (&store);

  store = nexus_test_state_store_open (dir);
  server = nexus_test_state_server_new (store, &limits, 0);
  reopened = nexus_server_reopen_rooms (server, NULL);
  g_assert_cmpuint (g_strv_length (reopened), ==, 1);
  after = nexus_server_list_rooms (server);
  g_assert_cmpuint (after->len, ==, 1);
  summary = g_ptr_array_index (after, 0);
  g_assert_cmpstr (summary->code, ==, code);
  g_assert_cmpstr (summary->title, ==, "Friday lunch");
  g_assert_cmpstr (summary->nearby_code, ==, ((NexusRoomSummary *) before->pdata[0])->nearby_code);
  g_assert_cmpuint (summary->n_members, ==, 1);
  nexus_test_state_crash (server, store);
  nexus_test_state_dir_remove (dir);
}

/* Files do not survive a crash, their messages do: a share repeated
 * across the restart gets its message again, its link 404, and the
 * member a new files key. */
static void
test_files_after_crash (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusStateStore) store = nexus_test_state_store_open (dir);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) reopened = NULL;
  NexusServerLimits limits;
  NexusServer *server;

  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  ada = nexus_test_start_room_full (nexus_server_get_port (server), &welcome, NULL);
  message = nexus_test_share_bytes (nexus_server_get_port (server), ada, "f1", "notes.txt",
                                    "some notes", 10);
  path = nexus_test_file_path (message, welcome);
  g_assert_cmpuint (nexus_test_request (nexus_server_get_port (server), "GET", path, NULL, NULL,
                                        NULL, NULL), ==, 200);
  nexus_test_client_cut (ada);
  g_clear_pointer (&ada, nexus_test_client_free);
  nexus_test_state_crash (server, store);
  g_clear_object (&store);

  store = nexus_test_state_store_open (dir);
  server = nexus_test_state_server_new (store, &limits, 0);
  reopened = nexus_server_reopen_rooms (server, NULL);
  g_assert_cmpuint (g_strv_length (reopened), ==, 1);
  ada = nexus_test_client_new_resumed (nexus_server_get_port (server), welcome,
                                       nexus_test_int (message, "seq"), &resumed);
  g_assert_cmpstr (nexus_test_str (resumed, "files_key"), !=, nexus_test_str (welcome, "files_key"));

  {
    g_autofree char *share = nexus_frame_encode_share ("f1");

    nexus_test_client_send (ada, share);
  }
  again = nexus_test_client_expect (ada, "message");
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, nexus_test_int (message, "seq"));
  g_assert_true (json_object_has_member (again, "file"));
  g_free (path);
  path = nexus_test_file_path (message, resumed);
  g_assert_cmpuint (nexus_test_request (nexus_server_get_port (server), "GET", path, NULL, NULL,
                                        NULL, NULL), ==, 404);
  /* A say's id is still no file's. */
  nexus_test_client_say_n (ada, 1, "words", "w");
  {
    g_autofree char *share = nexus_frame_encode_share ("w0");

    nexus_test_client_send (ada, share);
    nexus_test_client_expect_error_id (ada, "bad-request", "w0");
  }

  nexus_test_client_cut (ada);
  nexus_test_state_crash (server, store);
  nexus_test_state_dir_remove (dir);
}

/* The disk fills up mid-conversation */

typedef struct {
  guint  n_notified;
  char  *first;
} ProblemWatch;

static void
on_problem (NexusServer  *server,
            GParamSpec   *pspec,
            ProblemWatch *watch)
{
  watch->n_notified++;
  if (watch->first == NULL)
    watch->first = g_strdup (nexus_server_get_persistence_problem (server));
}

static void
test_full_disk (void)
{
  g_autofree char *mountpoint = nexus_test_small_disk_new ("512k");
  g_autofree char *dir = NULL;
  g_autofree char *filler = NULL;
  g_autoptr(NexusStateStore) store = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusStoredRoom) room = NULL;
  g_autofree char *text = g_strnfill (3000, 'z');
  ProblemWatch watch = { 0, };
  NexusServerLimits limits;
  NexusServer *server;
  guint said = 0;
  sqlite3 *db;

  if (mountpoint == NULL)
    return;
  dir = g_build_filename (mountpoint, "state", NULL);
  store = nexus_test_state_store_open (dir);
  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  _nexus_server_set_persist_retry_ms (server, 200);
  g_signal_connect (server, "notify::persistence-problem", G_CALLBACK (on_problem), &watch);
  ada = nexus_test_start_room_full (nexus_server_get_port (server), &welcome, &bob);
  nexus_test_client_say_n (ada, 3, "before", "b");
  for (guint i = 0; i < 3; i++)
    json_object_unref (nexus_test_client_expect (bob, "message"));

  /* The disk fills; the chat goes on, the host is told once. */
  filler = nexus_test_fill_disk (dir);
  while (nexus_server_get_persistence_problem (server) == NULL)
    {
      g_autofree char *id = g_strdup_printf ("f%u", said++);
      g_autoptr(JsonObject) mine = nexus_test_client_say (ada, text, id);
      g_autoptr(JsonObject) theirs = nexus_test_client_expect (bob, "message");

      g_assert_cmpint (nexus_test_int (theirs, "seq"), ==, nexus_test_int (mine, "seq"));
      g_assert_cmpuint (said, <, 200);
    }
  g_test_message ("the problem came after %u messages: %s", said,
                  nexus_server_get_persistence_problem (server));
  g_assert_cmpstr (nexus_server_get_persistence_problem (server), ==,
                   "Conversations can’t be saved: the disk is full. Chat goes on, but a crash "
                   "would lose it.");
  for (guint i = 0; i < 20; i++, said++)
    {
      g_autofree char *id = g_strdup_printf ("f%u", said);

      json_object_unref (nexus_test_client_say (ada, text, id));
      json_object_unref (nexus_test_client_expect (bob, "message"));
      if (i % 5 == 0)
        nexus_test_spin (100);   /* retries come and fail */
    }
  g_assert_cmpuint (watch.n_notified, ==, 1);
  g_assert_nonnull (watch.first);

  /* Room again: everything said meanwhile is written with the next retry. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  WAIT_UNTIL (nexus_server_get_persistence_problem (server) == NULL);
  g_assert_cmpuint (watch.n_notified, ==, 2);
  {
    g_autoptr(JsonObject) last = nexus_test_client_say (ada, "after", "after");

    g_assert_cmpint (nexus_test_int (last, "seq"), ==, 2 + 3 + said + 1);
  }

  nexus_test_client_cut (ada);
  nexus_test_client_cut (bob);
  nexus_test_state_crash (server, store);
  g_clear_object (&store);

  db = nexus_test_state_db_open (dir);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  store = nexus_test_state_store_open (dir);
  room = nexus_state_store_take_room (store, nexus_test_str (welcome, "room"));
  g_assert_nonnull (room);
  g_assert_cmpint (room->last_seq, ==, 2 + 3 + said + 1);
  g_assert_cmpuint (room->events->len, ==, room->last_seq);
  nexus_state_store_close (store);
  g_clear_object (&store);

  g_free (watch.first);
  nexus_test_small_disk_remove (mountpoint);
}

void
nexus_test_state_add_server_tests (void)
{
  g_test_add_func ("/state-store/server/reopen", test_reopen);
  g_test_add_func ("/state-store/server/hashes-only", test_hashes_only);
  g_test_add_func ("/state-store/server/closed-rooms-go", test_closed_rooms_go);
  g_test_add_func ("/state-store/server/frames-wait-for-disk", test_frames_wait_for_disk);
  g_test_add_func ("/state-store/server/nearby-kept", test_nearby_kept);
  g_test_add_func ("/state-store/server/files-after-crash", test_files_after_crash);
  g_test_add_func ("/state-store/server/full-disk", test_full_disk);
}
