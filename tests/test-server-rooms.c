/* test-server-rooms.c: rooms on a real server: create and join, refused
 * joins, full rooms and servers, sessions and their grace, empty rooms,
 * dropped connections and shutdown
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
test_create (NexusTestServer *fixture,
             gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "  Ada  ");
  const char *room = nexus_test_str (welcome, "room");
  g_autofree char *normal = nexus_code_normalize (room);
  JsonArray *members = json_object_get_array_member (welcome, "members");
  JsonArray *history = json_object_get_array_member (welcome, "history");
  JsonObject *joined;

  g_assert_cmpstr (normal, ==, room);
  g_assert_cmpstr (nexus_test_str (welcome, "name"), ==, "Ada");
  g_assert_cmpuint (strlen (nexus_test_str (welcome, "session")), >=, 32);
  g_assert_cmpuint (json_array_get_length (members), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (members, 0), ==, "Ada");
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  joined = json_array_get_object_element (history, 0);
  g_assert_cmpstr (nexus_test_str (joined, "type"), ==, "joined");
  g_assert_cmpint (nexus_test_int (joined, "seq"), ==, 1);
  g_assert_cmpstr (nexus_test_str (joined, "name"), ==, "Ada");
  g_assert_cmpint (nexus_test_int (welcome, "last_seq"), ==, 1);
  g_assert_false (json_object_get_boolean_member (welcome, "resumed"));
  g_assert_false (json_object_has_member (welcome, "gap"));
  g_assert_true (nexus_server_has_room (fixture->server, room));
  g_assert_cmpuint (nexus_test_client_pending (ada), ==, 0);
}

static void
test_fatal_join_errors (NexusTestServer *fixture,
                        gconstpointer    data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, &code);
  const struct { const char *name; const char *room; const char *error; } cases[] = {
    { "Bob", "ZZZZZZ", "room-not-found" },
    { "Bob", "garbage!", "room-not-found" },
    { "", NULL, "name-invalid" },
    { "   ", NULL, "name-invalid" },
    { "123456789012345678901234567890123", NULL, "name-invalid" },
    { "Bad\nName", NULL, "name-invalid" },
    { "ADA", NULL, "name-taken" },
    { " ada ", NULL, "name-taken" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NexusTestClient) client = nexus_test_client_new (fixture->port, NULL);

      g_test_message ("join %u expects %s", i, cases[i].error);
      nexus_test_client_send_join (client, cases[i].room ? cases[i].room : code, cases[i].name);
      nexus_test_client_expect_fatal (client, cases[i].error);
    }

  /* Nobody in the room heard of any of it. */
  nexus_test_assert_quiet (50, ada, NULL);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_create_name_invalid (NexusTestServer *fixture,
                          gconstpointer    data)
{
  g_autoptr(NexusTestClient) client = nexus_test_client_new (fixture->port, NULL);

  nexus_test_client_send (client, "{\"type\":\"create\",\"name\":\"\\u0007bell\"}");
  nexus_test_client_expect_fatal (client, "name-invalid");
  g_assert_cmpuint (nexus_server_get_n_rooms (fixture->server), ==, 0);
}

static void
test_room_full (NexusTestServer *fixture,
                gconstpointer    data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_with_bob (fixture->port, &code, &bob);
  g_assert_nonnull (ada);
  g_autoptr(NexusTestClient) cy = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) taken = nexus_test_client_new (fixture->port, NULL);

  /* The name is checked before the size (PROTOCOL.md's order). */
  nexus_test_client_send_join (taken, code, "bob");
  nexus_test_client_expect_error (taken, "name-taken");
  nexus_test_client_send_join (cy, code, "Cy");
  nexus_test_client_expect_fatal (cy, "room-full");
}

static void
test_server_full (NexusTestServer *fixture,
                  gconstpointer    data)
{
  g_autofree char *code1 = NULL;
  g_autofree char *code2 = NULL;
  g_autoptr(NexusTestClient) a = nexus_test_start_room (fixture->port, &code1);
  g_assert_nonnull (a);
  g_autoptr(NexusTestClient) b = nexus_test_start_room (fixture->port, &code2);
  g_assert_nonnull (b);
  g_autoptr(NexusTestClient) c = nexus_test_client_new (fixture->port, NULL);

  g_assert_cmpstr (code1, !=, code2);
  nexus_test_client_send (c, "{\"type\":\"create\",\"name\":\"Cy\"}");
  nexus_test_client_expect_fatal (c, "server-full");
  g_assert_cmpuint (nexus_server_get_n_rooms (fixture->server), ==, 2);
}

static void
test_resume_replaces_connection (NexusTestServer *fixture,
                                 gconstpointer    data)
{
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(NexusTestClient) first = nexus_test_start_room_full (fixture->port, &welcome, NULL);
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(NexusTestClient) second = NULL;
  g_autoptr(JsonObject) echo = NULL;

  second = nexus_test_client_new_resumed (fixture->port, welcome, 1, &resumed);
  nexus_test_client_wait_closed (first);
  g_assert_cmpuint (first->close_code, ==, 4001);
  g_assert_cmpuint (nexus_test_client_pending (first), ==, 0);   /* no left, no joined */

  /* The session lives on in the new connection. */
  echo = nexus_test_client_say (second, "still me", "x1");
  g_assert_cmpstr (nexus_test_str (echo, "name"), ==, "Ada");
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_session_expired (NexusTestServer *fixture,
                      gconstpointer    data)
{
  g_autofree char *code2 = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &welcome, NULL);
  const char *room = nexus_test_str (welcome, "room");
  const char *session = nexus_test_str (welcome, "session");
  g_autoptr(NexusTestClient) other_room = nexus_test_start_room (fixture->port, &code2);
  g_assert_nonnull (other_room);
  g_autoptr(NexusTestClient) wrong_room = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) unknown = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) gone = NULL;

  /* A real session, but of another room. */
  nexus_test_client_send_resume (wrong_room, code2, session, 0);
  nexus_test_client_expect_fatal (wrong_room, "session-expired");

  nexus_test_client_send_resume (unknown, room, "0000", 0);
  nexus_test_client_expect_error (unknown, "session-expired");

  /* After the grace period the session is gone. */
  nexus_test_client_cut (ada);
  WAIT_UNTIL (!nexus_server_has_room (fixture->server, room));
  gone = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_send_resume (gone, room, session, 1);
  nexus_test_client_expect_error (gone, "room-not-found");
}

static void
test_left_after_grace (NexusTestServer *fixture,
                       gconstpointer    data)
{
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_with_bob (fixture->port, NULL, &bob);
  g_autoptr(JsonObject) left = NULL;
  gint64 cut_at;

  nexus_test_client_cut (bob);
  cut_at = g_get_monotonic_time ();
  left = nexus_test_client_expect (ada, "left");
  g_assert_cmpstr (nexus_test_str (left, "name"), ==, "Bob");
  g_assert_cmpint (nexus_test_int (left, "seq"), ==, 3);
  /* Not before the grace period (1 s) was over. */
  g_assert_cmpint (g_get_monotonic_time () - cut_at, >=, G_USEC_PER_SEC);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_room_gone_when_empty (NexusTestServer *fixture,
                           gconstpointer    data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_with_bob (fixture->port, &code, &bob);
  g_autoptr(NexusTestClient) late = NULL;
  g_autoptr(JsonObject) left = NULL;

  /* One leaves, one drops: the room lasts until the grace is over. */
  nexus_test_client_send (ada, "{\"type\":\"leave\"}");
  left = nexus_test_client_expect (bob, "left");
  nexus_test_client_cut (bob);
  g_assert_true (nexus_server_has_room (fixture->server, code));
  WAIT_UNTIL (!nexus_server_has_room (fixture->server, code));
  g_assert_cmpuint (nexus_server_get_n_rooms (fixture->server), ==, 0);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 0);

  late = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_send_join (late, code, "Cy");
  nexus_test_client_expect_error (late, "room-not-found");
}

static void
test_drop_connections (NexusTestServer *fixture,
                       gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, NULL);

  nexus_server_drop_connections (fixture->server);
  nexus_test_client_wait_closed (ada);
  /* No close frame: libsoup reports 0 for an abrupt end. */
  g_assert_cmpuint (ada->close_code, ==, 0);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
  WAIT_UNTIL (nexus_server_get_n_rooms (fixture->server) == 0);
}

static void
test_shutdown (NexusTestServer *fixture,
               gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, NULL);
  g_autoptr(NexusTestClient) idle = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  nexus_server_shutdown_async (fixture->server, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nexus_server_shutdown_finish (fixture->server, result, NULL));
  WAIT_UNTIL (ada->closed && idle->closed);
  g_assert_cmpuint (ada->close_code, ==, 1001);
  g_assert_cmpuint (idle->close_code, ==, 1001);
  g_assert_cmpuint (nexus_server_get_n_rooms (fixture->server), ==, 0);
  g_assert_cmpuint (nexus_server_get_n_connections (fixture->server), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  NEXUS_TEST_ADD_SERVER ("/server/rooms/create", test_create, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/fatal-join-errors", test_fatal_join_errors, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/create-name-invalid", test_create_name_invalid, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/room-full", test_room_full, nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/server-full", test_server_full, nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/resume-replaces-connection", test_resume_replaces_connection,
                         NULL);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/session-expired", test_session_expired,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/left-after-grace", test_left_after_grace,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/room-gone-when-empty", test_room_gone_when_empty,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/drop-connections", test_drop_connections,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/rooms/shutdown", test_shutdown, NULL);

  return g_test_run ();
}
