/* test-server-conversation-saved.c: a deleted file's URL, and the current
 * state of messages in a room reopened after a crash
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-protocol.h"
#include "nexus-server.h"
#include "nexus-test-files.h"
#include "nexus-test-state.h"
#include "test-server-conversation.h"

/* A deleted file's bytes go at once: its URL answers 404. */
static void
test_delete_file (NexusTestServer *fixture,
                  gconstpointer    data)
{
  NexusTestPair pair;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *path = NULL;
  gint64 seq;

  nexus_test_pair_start (&pair, fixture->port);
  message = nexus_test_share_bytes (fixture->port, pair.ada, "f1", "notes.txt", "hello", 5);
  json_object_unref (nexus_test_client_expect (pair.bob, "message"));
  seq = nexus_test_int (message, "seq");
  path = nexus_test_file_path (message, pair.bob_welcome);
  g_assert_cmpuint (nexus_test_request (fixture->port, "GET", path, NULL, NULL, NULL, NULL), ==,
                    200);
  nexus_test_assert_store_holds (fixture->server, 1);

  /* A file is quoted by its name, and has no text to edit. */
  nexus_test_conv_send_reply (pair.bob, "thanks", "b1", seq);
  reply = nexus_test_client_expect (pair.bob, "message");
  json_object_unref (nexus_test_client_expect (pair.ada, "message"));
  g_assert_cmpstr (nexus_test_str (json_object_get_object_member (reply, "reply"), "text"), ==,
                   "notes.txt");
  nexus_test_conv_send_edit (pair.ada, "e1", seq, "other");
  nexus_test_client_expect_error_id (pair.ada, "not-allowed", "e1");
  nexus_test_conv_send_delete (pair.bob, "b2", seq);
  nexus_test_client_expect_error_id (pair.bob, "not-allowed", "b2");

  nexus_test_conv_send_delete (pair.ada, "d1", seq);
  json_object_unref (nexus_test_conv_expect_change (pair.ada, "deleted", "Ada", "d1", seq));
  json_object_unref (nexus_test_conv_expect_change (pair.bob, "deleted", "Ada", "d1", seq));
  g_assert_cmpuint (nexus_test_request (fixture->port, "GET", path, NULL, NULL, NULL, NULL), ==,
                    404);
  g_assert_cmpuint (nexus_test_request (fixture->port, "HEAD", path, NULL, NULL, NULL, NULL), ==,
                    404);
  nexus_test_assert_store_holds (fixture->server, 0);

  /* The share repeated gets its message, as it is now. */
  nexus_test_conv_send_encoded (pair.ada, nexus_frame_encode_share ("f1"));
  g_clear_pointer (&message, json_object_unref);
  message = nexus_test_client_expect (pair.ada, "message");
  g_assert_cmpint (nexus_test_int (message, "seq"), ==, seq);
  g_assert_true (json_object_get_boolean_member (message, "deleted"));
  g_assert_false (json_object_has_member (message, "file"));

  welcome = nexus_test_conv_late_joiner_welcome (fixture->port,
                                                 nexus_test_str (pair.ada_welcome, "room"), "Cy",
                                                 pair.ada, pair.bob);
  g_assert_false (json_object_has_member (nexus_test_conv_history_event (welcome, seq), "file"));
  g_assert_cmpstr (nexus_test_conv_quote (welcome, seq + 1), ==, "");
  nexus_test_pair_clear (&pair);
}

/* Saved rooms */

static void
limits_for_reopen (NexusServerLimits *limits)
{
  nexus_server_limits_init_default (limits);
  limits->rate = 0;
  limits->grace_seconds = 5;
}

/* The JSON of the row of @seq, as the database holds it now. */
static char *
stored_json (sqlite3    *db,
             const char *code,
             gint64      seq)
{
  g_autofree char *sql = g_strdup_printf ("SELECT json FROM events WHERE room = '%s' AND seq = %"
                                          G_GINT64_FORMAT, code, seq);
  sqlite3_stmt *stmt = NULL;
  char *json = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return json;
}

/* A host reopened after a crash shows messages edited, deleted and
 * reacted to as they were, and each change was on disk before anyone
 * saw it: its own row and the message's new frame. */
static void
test_saved_rooms (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusStateStore) store = nexus_test_state_store_open (dir);
  NexusServerLimits limits;
  NexusServer *server;
  g_autoptr(JsonObject) ada_welcome = NULL;
  g_autoptr(JsonObject) bob_welcome = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) frame = NULL;
  g_autofree char *code = NULL;
  g_autofree char *names = NULL;
  g_auto(GStrv) reopened = NULL;
  NexusTestClient *ada, *bob;
  gint64 kept, gone, reply;
  JsonObject *message;
  sqlite3 *db;

  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  ada = nexus_test_start_room_full (nexus_server_get_port (server), &ada_welcome, NULL);
  code = g_strdup (nexus_test_str (ada_welcome, "room"));
  bob = nexus_test_client_new (nexus_server_get_port (server), NULL);
  bob_welcome = nexus_test_client_join (bob, code, "Bob");
  json_object_unref (nexus_test_client_expect (ada, "joined"));
  db = nexus_test_state_db_open (dir);

  frame = nexus_test_client_say (ada, "kept", "a1");
  kept = nexus_test_int (frame, "seq");
  g_clear_pointer (&frame, json_object_unref);
  frame = nexus_test_client_say (ada, "gone soon", "a2");
  gone = nexus_test_int (frame, "seq");
  g_clear_pointer (&frame, json_object_unref);
  nexus_test_conv_send_reply (bob, "what goes?", "b1", gone);
  frame = nexus_test_conv_wait_for (bob, "message", "b1");
  reply = nexus_test_int (frame, "seq");
  g_clear_pointer (&frame, json_object_unref);

  /* Each change is on disk, with the message's new frame, when its event
   * arrives: the event waits for the commit. */
  nexus_test_conv_send_edit (ada, "e1", kept, "kept, edited");
  frame = nexus_test_conv_wait_for (bob, "edited", "e1");
  {
    g_autofree char *row = stored_json (db, code, nexus_test_int (frame, "seq"));
    g_autofree char *target = stored_json (db, code, kept);

    g_assert_nonnull (row);
    g_assert_nonnull (strstr (target, "\"edited\":true"));
    g_assert_nonnull (strstr (target, "kept, edited"));
  }
  g_clear_pointer (&frame, json_object_unref);
  nexus_test_conv_send_react (bob, "b2", kept, HEART, TRUE);
  frame = nexus_test_conv_wait_for (ada, "reacted", "b2");
  {
    g_autofree char *target = stored_json (db, code, kept);

    g_assert_nonnull (strstr (target, "\"reactions\":{\"" HEART "\":[\"Bob\"]}"));
  }
  g_clear_pointer (&frame, json_object_unref);
  nexus_test_conv_send_delete (ada, "d1", gone);
  frame = nexus_test_conv_wait_for (bob, "deleted", "d1");
  {
    g_autofree char *target = stored_json (db, code, gone);
    g_autofree char *quote = stored_json (db, code, reply);

    g_assert_nonnull (strstr (target, "\"deleted\":true"));
    g_assert_null (strstr (target, "gone soon"));
    g_assert_null (strstr (quote, "gone soon"));
  }
  g_clear_pointer (&frame, json_object_unref);
  sqlite3_close (db);

  nexus_test_client_cut (ada);
  nexus_test_client_cut (bob);
  nexus_test_state_crash (server, store);
  nexus_test_client_free (ada);
  nexus_test_client_free (bob);
  g_clear_object (&store);
  /* A deleted text is not left in the host's files. */
  g_assert_false (nexus_test_state_dir_contains (dir, "gone soon"));

  store = nexus_test_state_store_open (dir);
  server = nexus_test_state_server_new (store, &limits, 0);
  reopened = nexus_server_reopen_rooms (server, NULL);
  g_assert_cmpuint (g_strv_length (reopened), ==, 1);

  /* A late joiner after the return sees it all as it was. */
  welcome = nexus_test_conv_late_joiner_welcome (nexus_server_get_port (server), code, "Cy",
                                                 NULL, NULL);
  message = nexus_test_conv_history_event (welcome, kept);
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "kept, edited");
  g_assert_true (json_object_get_boolean_member (message, "edited"));
  names = nexus_test_conv_reaction_names (message, HEART);
  g_assert_cmpstr (names, ==, "Bob");
  message = nexus_test_conv_history_event (welcome, gone);
  g_assert_true (json_object_get_boolean_member (message, "deleted"));
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "");
  g_assert_cmpstr (nexus_test_conv_quote (welcome, reply), ==, "");

  /* Ada is still the sender of her message, Bob still not; ids are still
   * deduplicated; reactions go on from where they were. */
  ada = nexus_test_client_new_resumed (nexus_server_get_port (server), ada_welcome,
                                       nexus_test_int (welcome, "last_seq"), &resumed);
  g_clear_pointer (&resumed, json_object_unref);
  bob = nexus_test_client_new_resumed (nexus_server_get_port (server), bob_welcome,
                                       nexus_test_int (welcome, "last_seq"), &resumed);
  nexus_test_conv_send_edit (bob, "b3", kept, "mine now");
  nexus_test_client_expect_error_id (bob, "not-allowed", "b3");
  nexus_test_conv_send_edit (ada, "e1", kept, "kept, edited");
  frame = nexus_test_conv_wait_for (ada, "edited", "e1");
  g_clear_pointer (&frame, json_object_unref);
  nexus_test_assert_quiet (50, bob, NULL);
  nexus_test_conv_send_edit (ada, "e2", kept, "kept, edited again");
  frame = nexus_test_conv_wait_for (bob, "edited", "e2");
  g_clear_pointer (&frame, json_object_unref);
  nexus_test_conv_send_react (ada, "a3", kept, HEART, TRUE);
  frame = nexus_test_conv_wait_for (bob, "reacted", "a3");
  g_clear_pointer (&frame, json_object_unref);
  g_clear_pointer (&welcome, json_object_unref);
  welcome = nexus_test_conv_late_joiner_welcome (nexus_server_get_port (server), code, "Cy",
                                                 NULL, NULL);
  g_free (names);
  names = nexus_test_conv_reaction_names (nexus_test_conv_history_event (welcome, kept), HEART);
  g_assert_cmpstr (names, ==, "Bob,Ada");
  g_assert_cmpstr (nexus_test_str (nexus_test_conv_history_event (welcome, kept), "text"), ==,
                   "kept, edited again");

  nexus_test_client_free (ada);
  nexus_test_client_free (bob);
  nexus_test_state_crash (server, store);
  nexus_test_state_dir_remove (dir);
}

void
nexus_test_conv_add_file_and_saved_tests (void)
{
  NEXUS_TEST_ADD_SERVER ("/server/conversation/delete-file", test_delete_file,
                         nexus_test_limits_no_rate);
  g_test_add_func ("/server/conversation/saved-rooms", test_saved_rooms);
}
