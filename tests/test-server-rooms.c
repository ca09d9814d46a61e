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

static NexusRoomSummary *
find_summary (GPtrArray  *summaries,
              const char *code)
{
  for (guint i = 0; i < summaries->len; i++)
    {
      NexusRoomSummary *summary = g_ptr_array_index (summaries, i);

      if (strcmp (summary->code, code) == 0)
        return summary;
    }
  return NULL;
}

static void
count_changes (guint *changes)
{
  (*changes)++;
}

/* A room shown nearby gets a public code that joins it; hiding it retires
 * that code, the secret one keeps working, and the list says it all. */
static void
test_nearby (NexusTestServer *fixture,
             gconstpointer    data)
{
  g_autofree char *code = NULL;
  g_autofree char *nearby_code = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) cy = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) dee = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GError) error = NULL;
  NexusRoomSummary *summary;
  guint changes = 0;

  g_signal_connect_swapped (fixture->server, "rooms-changed", G_CALLBACK (count_changes), &changes);
  ada = nexus_test_start_room (fixture->port, &code);
  WAIT_UNTIL (changes == 1);

  summaries = nexus_server_list_rooms (fixture->server);
  g_assert_cmpuint (summaries->len, ==, 1);
  summary = find_summary (summaries, code);
  g_assert_nonnull (summary);
  g_assert_cmpuint (summary->n_members, ==, 1);
  g_assert_null (summary->nearby_code);
  g_assert_null (summary->title);
  g_clear_pointer (&summaries, g_ptr_array_unref);

  /* Bad titles and unknown rooms are refused with a sentence. */
  g_assert_false (nexus_server_set_room_nearby (fixture->server, code, "  ", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (nexus_server_set_room_nearby (fixture->server, code, "Ada\u200e", &error));
  g_clear_error (&error);
  g_assert_false (nexus_server_set_room_nearby (fixture->server, code,
                                                "12345678901234567890123456789012345678901",
                                                &error));
  g_clear_error (&error);
  g_assert_false (nexus_server_set_room_nearby (fixture->server, "ZZZZZZ", "Ada's room", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (changes, ==, 1);

  g_assert_true (nexus_server_set_room_nearby (fixture->server, code, " Ada's room ", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 2);
  summaries = nexus_server_list_rooms (fixture->server);
  summary = find_summary (summaries, code);
  g_assert_cmpstr (summary->title, ==, "Ada's room");
  g_assert_nonnull (summary->nearby_code);
  g_assert_cmpstr (summary->nearby_code, !=, code);
  nearby_code = g_strdup (summary->nearby_code);
  g_clear_pointer (&summaries, g_ptr_array_unref);

  /* The public code joins the room; the welcome names the room's own code. */
  welcome = nexus_test_client_join (bob, nearby_code, "Bob");
  g_assert_cmpstr (nexus_test_str (welcome, "room"), ==, code);
  g_assert_cmpuint (changes, ==, 3);
  summaries = nexus_server_list_rooms (fixture->server);
  g_assert_cmpuint (find_summary (summaries, code)->n_members, ==, 2);
  g_clear_pointer (&summaries, g_ptr_array_unref);

  /* A new title keeps the public code. */
  g_assert_true (nexus_server_set_room_nearby (fixture->server, code, "Standup", NULL));
  summaries = nexus_server_list_rooms (fixture->server);
  g_assert_cmpstr (find_summary (summaries, code)->nearby_code, ==, nearby_code);
  g_assert_cmpstr (find_summary (summaries, code)->title, ==, "Standup");
  g_clear_pointer (&summaries, g_ptr_array_unref);

  /* Hidden: the public code is gone, the secret one still works. */
  g_assert_true (nexus_server_set_room_nearby (fixture->server, code, NULL, NULL));
  nexus_test_client_send_join (cy, nearby_code, "Cy");
  nexus_test_client_expect_error (cy, "room-not-found");
  g_clear_pointer (&welcome, json_object_unref);
  welcome = nexus_test_client_join (dee, code, "Dee");
  summaries = nexus_server_list_rooms (fixture->server);
  summary = find_summary (summaries, code);
  g_assert_null (summary->nearby_code);
  g_assert_cmpuint (summary->n_members, ==, 3);
  g_clear_pointer (&summaries, g_ptr_array_unref);

  /* A room that ends takes its public code with it. */
  g_assert_true (nexus_server_set_room_nearby (fixture->server, code, "Again", NULL));
  nexus_test_client_send (ada, "{\"type\":\"leave\"}");
  nexus_test_client_send (bob, "{\"type\":\"leave\"}");
  nexus_test_client_send (dee, "{\"type\":\"leave\"}");
  WAIT_UNTIL (!nexus_server_has_room (fixture->server, code));
  summaries = nexus_server_list_rooms (fixture->server);
  g_assert_cmpuint (summaries->len, ==, 0);
  g_clear_pointer (&cy, nexus_test_client_free);
  cy = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_send_join (cy, nearby_code, "Cy");
  nexus_test_client_expect_error (cy, "room-not-found");
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
  NEXUS_TEST_ADD_SERVER ("/server/rooms/nearby", test_nearby, NULL);

  return g_test_run ();
}
