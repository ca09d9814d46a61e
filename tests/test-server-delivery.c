/* test-server-delivery.c: what reaches whom on a real server: messages,
 * typing and leaving, refused frames, history on resume, deduplication,
 * one order for everyone, nothing lost or repeated across a drop
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-code.h"
#include "nexus-protocol.h"
#include "nexus-server.h"
#include "nexus-test-utils.h"

static void
test_join_say_typing_leave (NexusTestServer *fixture,
                            gconstpointer    data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, &code);
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (fixture->port, NULL);
  g_autofree char *grouped = nexus_code_format (code);
  g_autofree char *lower = g_ascii_strdown (grouped, -1);
  g_autoptr(JsonObject) welcome = nexus_test_client_join (bob, lower, "Bob");
  g_autoptr(JsonObject) joined = nexus_test_client_expect (ada, "joined");
  g_autoptr(JsonObject) msg_ada = NULL;
  g_autoptr(JsonObject) msg_bob = NULL;
  g_autoptr(JsonObject) typing = NULL;
  g_autoptr(JsonObject) left_ada = NULL;
  g_autoptr(JsonObject) left_bob = NULL;
  JsonArray *history = json_object_get_array_member (welcome, "history");
  JsonArray *members = json_object_get_array_member (welcome, "members");

  /* Bob's welcome: the whole history ending with his own joined. */
  g_assert_cmpstr (nexus_test_str (welcome, "room"), ==, code);
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (nexus_test_str (json_array_get_object_element (history, 1), "type"), ==, "joined");
  g_assert_cmpstr (nexus_test_str (json_array_get_object_element (history, 1), "name"), ==, "Bob");
  g_assert_cmpint (nexus_test_int (welcome, "last_seq"), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (members, 0), ==, "Ada");
  g_assert_cmpstr (json_array_get_string_element (members, 1), ==, "Bob");
  g_assert_cmpint (nexus_test_int (joined, "seq"), ==, 2);
  g_assert_cmpstr (nexus_test_str (joined, "name"), ==, "Bob");
  g_assert_true (json_object_has_member (joined, "ts"));

  /* A message reaches everyone, the sender too, with its id. */
  nexus_test_client_send (bob, "{\"type\":\"say\",\"text\":\"hi Ada\\nhow are you?\",\"id\":\"b1\"}");
  msg_ada = nexus_test_client_expect (ada, "message");
  msg_bob = nexus_test_client_expect (bob, "message");
  g_assert_cmpint (nexus_test_int (msg_ada, "seq"), ==, 3);
  g_assert_cmpstr (nexus_test_str (msg_ada, "name"), ==, "Bob");
  g_assert_cmpstr (nexus_test_str (msg_ada, "text"), ==, "hi Ada\nhow are you?");
  g_assert_cmpstr (nexus_test_str (msg_ada, "id"), ==, "b1");
  g_assert_cmpstr (nexus_test_str (msg_bob, "ts"), ==, nexus_test_str (msg_ada, "ts"));
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                       nexus_test_str (msg_ada, "ts"), 0, 0));

  /* Typing goes to the others only, and at most once a second. */
  nexus_test_client_send (bob, "{\"type\":\"typing\"}");
  nexus_test_client_send (bob, "{\"type\":\"typing\"}");
  typing = nexus_test_client_expect (ada, "typing");
  g_assert_cmpstr (nexus_test_str (typing, "name"), ==, "Bob");
  g_assert_false (json_object_has_member (typing, "seq"));
  nexus_test_assert_quiet (100, ada, bob, NULL);

  /* Leave: everyone gets left, the leaver too, then close 1000. */
  nexus_test_client_send (bob, "{\"type\":\"leave\"}");
  left_bob = nexus_test_client_expect (bob, "left");
  left_ada = nexus_test_client_expect (ada, "left");
  g_assert_cmpint (nexus_test_int (left_ada, "seq"), ==, 4);
  g_assert_cmpstr (nexus_test_str (left_ada, "name"), ==, "Bob");
  nexus_test_client_wait_closed (bob);
  g_assert_cmpuint (bob->close_code, ==, 1000);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_bad_requests (NexusTestServer *fixture,
                   gconstpointer    data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, &code);
  g_autoptr(NexusTestClient) fresh = nexus_test_client_new (fixture->port, NULL);
  const char *bad[] = {
    "not json",
    "[1]",
    "{}",
    "{\"type\":42}",
    "{\"type\":\"dance\"}",
    "{\"type\":\"say\",\"text\":\"hi\"}",
    "{\"type\":\"say\",\"text\":\"hi\",\"id\":\"with space\"}",
    "{\"type\":\"say\",\"text\":[],\"id\":\"ok\"}",
    "{\"type\":\"create\",\"name\":\"Eve\"}",  /* already joined */
  };
  g_autoptr(JsonObject) still_here = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  GBytes *binary = g_bytes_new_static ("\x01\x02", 2);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("bad frame: %s", bad[i]);
      nexus_test_client_send (ada, bad[i]);
      nexus_test_client_expect_error (ada, "bad-request");
    }
  soup_websocket_connection_send_binary (ada->ws, g_bytes_get_data (binary, NULL), 2);
  nexus_test_client_expect_error (ada, "bad-request");
  g_bytes_unref (binary);

  /* A refused say with a valid id carries the id. */
  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":5,\"id\":\"z9\"}");
  nexus_test_client_expect_error_id (ada, "bad-request", "z9");

  /* None of that ended the connection. */
  still_here = nexus_test_client_say (ada, "still here", "a1");

  /* Before joining: bad frames are bad-request, say and typing not-joined. */
  nexus_test_client_send (fresh, "{\"type\":\"say\",\"text\":\"hi\",\"id\":\"x\"}");
  nexus_test_client_expect_error (fresh, "not-joined");
  nexus_test_client_send (fresh, "{\"type\":\"say\"}");
  nexus_test_client_expect_error (fresh, "not-joined");
  nexus_test_client_send (fresh, "{\"type\":\"typing\"}");
  nexus_test_client_expect_error (fresh, "not-joined");
  nexus_test_client_send (fresh, "{\"type\":\"join\",\"room\":5}");
  nexus_test_client_expect_error (fresh, "bad-request");
  /* ... and it can still join. */
  welcome = nexus_test_client_join (fresh, code, "Bob");
}

/* libsoup's client will not send invalid UTF-8; libsoup's server closes
 * with 1007 for it. */
static void
test_invalid_utf8 (NexusTestServer *fixture,
                   gconstpointer    data)
{
  g_autoptr(NexusTestRawClient) raw = nexus_test_raw_client_new (fixture->port, 0);

  nexus_test_raw_client_upgrade (raw);
  nexus_test_raw_client_send_frame (raw, 0x81, "\xff\xfe", 2);
  nexus_test_raw_client_wait_closed (raw);
  g_assert_cmpuint (raw->close_code, ==, 1007);
}

static void
test_text_invalid (NexusTestServer *fixture,
                   gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, NULL);
  g_autofree char *too_long = g_strnfill (NEXUS_TEXT_MAX_CHARS + 1, 'x');
  g_autofree char *longest = g_strnfill (NEXUS_TEXT_MAX_CHARS, 'x');
  const char *texts[] = { "", "   \n\t ", "bell\a", too_long };
  g_autoptr(JsonObject) ok = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", i);

      nexus_test_client_send_say (ada, texts[i], id);
      nexus_test_client_expect_error_id (ada, "text-invalid", id);
    }

  /* A refused id is not recorded: it may be used again. */
  ok = nexus_test_client_say (ada, longest, "t0");
  g_assert_cmpuint (strlen (nexus_test_str (ok, "text")), ==, NEXUS_TEXT_MAX_CHARS);
}

static void
test_dedupe (NexusTestServer *fixture,
             gconstpointer    data)
{
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &welcome, &bob);
  g_autoptr(JsonObject) first_ada = NULL;
  g_autoptr(JsonObject) first_bob = NULL;
  g_autoptr(JsonObject) replay = NULL;
  g_autoptr(JsonObject) replay2 = NULL;
  g_autoptr(NexusTestClient) ada2 = NULL;
  g_autoptr(JsonObject) resumed = NULL;

  first_ada = nexus_test_client_say (ada, "once", "m1");
  first_bob = nexus_test_client_expect (bob, "message");

  /* The same id again, whatever its text: the original, to Ada only. */
  replay = nexus_test_client_say (ada, "twice?", "m1");
  g_assert_cmpint (nexus_test_int (replay, "seq"), ==, nexus_test_int (first_ada, "seq"));
  g_assert_cmpstr (nexus_test_str (replay, "text"), ==, "once");
  g_assert_cmpstr (nexus_test_str (replay, "ts"), ==, nexus_test_str (first_ada, "ts"));

  /* Across a drop and a resume too. */
  nexus_test_client_cut (ada);
  ada2 = nexus_test_client_new_resumed (fixture->port, welcome, 3, &resumed);
  replay2 = nexus_test_client_say (ada2, "once", "m1");
  g_assert_cmpint (nexus_test_int (replay2, "seq"), ==, 3);

  nexus_test_assert_quiet (100, bob, NULL);
  g_assert_cmpint (nexus_server_get_n_members (fixture->server), ==, 2);
}

static void
test_three_clients_same_order (NexusTestServer *fixture,
                               gconstpointer    data)
{
  NexusTestClient *clients[3];
  const char *names[] = { "Ada", "Bob", "Cy" };
  GPtrArray *seen[3] = { NULL, };
  g_autofree char *code = NULL;
  const guint per_client = 6;

  clients[0] = nexus_test_start_room (fixture->port, &code);
  for (guint i = 1; i < 3; i++)
    {
      g_autoptr(JsonObject) welcome = NULL;

      clients[i] = nexus_test_client_new (fixture->port, NULL);
      welcome = nexus_test_client_join (clients[i], code, names[i]);
    }
  /* Everyone has seen seq 3 (Cy's joined) once Cy is in. */
  WAIT_UNTIL (nexus_test_client_pending (clients[0]) == 2 && nexus_test_client_pending (clients[1]) == 1);
  for (guint i = 0; i < 3; i++)
    nexus_test_client_clear (clients[i]);

  /* Interleaved sends from all three. */
  for (guint round = 0; round < per_client; round++)
    for (guint i = 0; i < 3; i++)
      nexus_test_client_sendf (clients[i], "{\"type\":\"say\",\"text\":\"%s %u\",\"id\":\"%u\"}",
                               names[i], round, round);

  for (guint i = 0; i < 3; i++)
    {
      seen[i] = g_ptr_array_new_with_free_func (g_free);
      while (seen[i]->len < 3 * per_client)
        {
          g_autoptr(JsonObject) message = nexus_test_client_expect (clients[i], "message");

          g_ptr_array_add (seen[i], g_strdup_printf ("%" G_GINT64_FORMAT " %s %s",
                                                     nexus_test_int (message, "seq"),
                                                     nexus_test_str (message, "name"),
                                                     nexus_test_str (message, "text")));
        }
    }
  for (guint n = 0; n < 3 * per_client; n++)
    {
      g_autofree char *prefix = g_strdup_printf ("%u ", 4 + n);

      g_assert_true (g_str_has_prefix (seen[0]->pdata[n], prefix));   /* no gap */
      g_assert_cmpstr (seen[0]->pdata[n], ==, seen[1]->pdata[n]);
      g_assert_cmpstr (seen[0]->pdata[n], ==, seen[2]->pdata[n]);
    }
  for (guint i = 0; i < 3; i++)
    {
      nexus_test_client_free (clients[i]);
      g_ptr_array_unref (seen[i]);
    }
}

static void
test_resume_within_grace (NexusTestServer *fixture,
                          gconstpointer    data)
{
  g_autoptr(JsonObject) ada_welcome = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  /* Ada has seen Bob's joined, seq 2. */
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &ada_welcome, &bob);
  const char *session = nexus_test_str (ada_welcome, "session");
  g_autoptr(NexusTestClient) ada2 = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  JsonArray *history;

  /* Ada's network goes; Bob talks meanwhile. */
  nexus_test_client_cut (ada);
  WAIT_UNTIL (nexus_server_get_n_connections (fixture->server) == 1);
  nexus_test_client_say_n (bob, 3, "missed", "b");

  ada2 = nexus_test_client_new_resumed (fixture->port, ada_welcome, 2, &resumed);
  g_assert_true (json_object_get_boolean_member (resumed, "resumed"));
  g_assert_false (json_object_has_member (resumed, "gap"));
  g_assert_cmpstr (nexus_test_str (resumed, "session"), ==, session);
  g_assert_cmpstr (nexus_test_str (resumed, "name"), ==, "Ada");
  g_assert_cmpint (nexus_test_int (resumed, "last_seq"), ==, 5);
  history = json_object_get_array_member (resumed, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (nexus_test_int (json_array_get_object_element (history, i), "seq"), ==, 3 + i);

  /* Nobody saw Ada leave or come back, beyond the 1 s grace period. */
  nexus_test_assert_quiet (1500, bob, ada2, NULL);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 2);
}

static void
test_resume_gap_and_beyond (NexusTestServer *fixture,
                            gconstpointer    data)
{
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &welcome, NULL);
  g_autoptr(NexusTestClient) again = NULL;
  g_autoptr(NexusTestClient) beyond = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) resumed_beyond = NULL;
  JsonArray *history;

  /* History keeps 5; eight messages later, seq 2.. are partly gone. */
  nexus_test_client_say_n (ada, 8, "n", "a");
  nexus_test_client_cut (ada);

  again = nexus_test_client_new_resumed (fixture->port, welcome, 1, &resumed);
  g_assert_true (json_object_get_boolean_member (resumed, "gap"));
  history = json_object_get_array_member (resumed, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 5);
  g_assert_cmpint (nexus_test_int (json_array_get_object_element (history, 0), "seq"), ==, 5);
  nexus_test_client_cut (again);

  beyond = nexus_test_client_new_resumed (fixture->port, welcome, 99, &resumed_beyond);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (resumed_beyond, "history")), ==, 0);
  g_assert_cmpint (nexus_test_int (resumed_beyond, "last_seq"), ==, 9);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  NEXUS_TEST_ADD_SERVER ("/server/delivery/join-say-typing-leave", test_join_say_typing_leave,
                         NULL);
  NEXUS_TEST_ADD_SERVER ("/server/delivery/bad-requests", test_bad_requests, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/delivery/invalid-utf8", test_invalid_utf8, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/delivery/text-invalid", test_text_invalid, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/delivery/dedupe", test_dedupe, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/delivery/three-clients-same-order", test_three_clients_same_order,
                         NULL);
  NEXUS_TEST_ADD_SERVER ("/server/delivery/resume-within-grace", test_resume_within_grace,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/delivery/resume-gap-and-beyond", test_resume_gap_and_beyond,
                         nexus_test_limits_small);

  return g_test_run ();
}
