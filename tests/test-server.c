/* test-server.c: a real NexusServer on 127.0.0.1 with real WebSocket clients
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gnetworking.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-frame-output-stream.h"
#include "nexus-protocol.h"
#include "nexus-server.h"
#include "nexus-test-utils.h"

typedef struct {
  NexusServerLimits limits;
  NexusServer      *server;
  guint             port;
} Fixture;

static void
fixture_start (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->server = nexus_server_new (&fixture->limits);
  g_assert_true (nexus_server_listen (fixture->server, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  g_assert_no_error (error);
  fixture->port = nexus_server_get_port (fixture->server);
  g_assert_cmpuint (fixture->port, >, 0);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  nexus_server_limits_init_default (&fixture->limits);
  fixture_start (fixture);
}

/* Limits small enough for a test to reach them. */
static void
fixture_setup_small (Fixture       *fixture,
                     gconstpointer  data)
{
  nexus_server_limits_init_default (&fixture->limits);
  fixture->limits.grace_seconds = 1;
  fixture->limits.history = 5;
  fixture->limits.max_members = 2;
  fixture->limits.max_rooms = 2;
  fixture->limits.max_connections = 6;
  fixture->limits.failed_join_limit = 3;
  fixture->limits.first_frame_timeout_ms = 300;
  fixture_start (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  /* Let closing connections finish before the server goes. */
  nexus_test_spin (20);
  g_assert_finalize_object (fixture->server);
}

#define TEST_ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define TEST_ADD_SMALL(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup_small, func, fixture_teardown)

static const char *
str (JsonObject *object,
     const char *member)
{
  return json_object_get_string_member (object, member);
}

static gint64
num (JsonObject *object,
     const char *member)
{
  return json_object_get_int_member (object, member);
}

/* A room with Ada in it; returns Ada's client and the code. */
static NexusTestClient *
start_room (Fixture  *fixture,
            char    **code)
{
  NexusTestClient *ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");

  *code = g_strdup (str (welcome, "room"));
  return ada;
}

/* Ada's room with Bob in it too; Ada has seen Bob join. */
static NexusTestClient *
start_room_with_bob (Fixture          *fixture,
                     char            **code,
                     NexusTestClient **bob)
{
  NexusTestClient *ada = start_room (fixture, code);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) joined = NULL;

  *bob = nexus_test_client_new (fixture->port, NULL);
  welcome = nexus_test_client_join (*bob, *code, "Bob");
  joined = nexus_test_client_expect (ada, "joined");
  g_assert_cmpstr (json_object_get_string_member (joined, "name"), ==, "Bob");
  return ada;
}

/* HTTP */

static void
test_http_routes (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *body = NULL;
  const char *csp;

  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/", &headers, &body), ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL), "text/html"));
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
  csp = soup_message_headers_get_one (headers, "Content-Security-Policy");
  g_assert_nonnull (csp);
  g_assert_nonnull (strstr (csp, "default-src 'self'"));
  g_assert_nonnull (strstr (csp, "frame-ancestors 'none'"));
  g_assert_null (strstr (csp, "unsafe-inline"));
  g_assert_null (strstr (csp, "unsafe-eval"));
  g_assert_nonnull (strstr (body, "<html"));
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_clear_pointer (&body, g_free);

  /* Invite links serve the same page, for any code shape. */
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/r/K7QX3M", &headers, NULL), ==, 200);
  g_assert_nonnull (soup_message_headers_get_one (headers, "Content-Security-Policy"));
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/r/anything-at-all", NULL, NULL), ==, 200);
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/r/12345678901234567890123456789012", NULL, NULL), ==, 200);
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/r/123456789012345678901234567890123", NULL, NULL), ==, 404);
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/r/", NULL, NULL), ==, 404);
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/r/AB/CD", NULL, NULL), ==, 404);

  /* Static files, with their type. */
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/static/index.html", &headers, NULL), ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL), "text/html"));
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/static/missing.js", &headers, NULL), ==, 404);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/static/%2e%2e/nexus-web.gresource.xml", NULL, NULL), ==, 404);

  /* The info route never lists rooms. */
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/api/info", &headers, &body), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "application/json");
  g_assert_cmpstr (body, ==, "{\"app\":\"nexus-chat\",\"version\":\"" PACKAGE_VERSION "\",\"protocol\":1}");
  g_clear_pointer (&headers, soup_message_headers_unref);

  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/nope", &headers, NULL), ==, 404);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_assert_cmpuint (nexus_test_http (fixture->port, "POST", "/", NULL, NULL), ==, 405);

  /* /ws without an upgrade. */
  g_assert_cmpuint (nexus_test_http (fixture->port, "GET", "/ws", &headers, NULL), ==, 400);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
}

/* Upgrade */

static void
test_ws_origin (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *own = g_strdup_printf ("http://127.0.0.1:%u", fixture->port);
  g_autoptr(NexusTestClient) foreign = nexus_test_client_new_full (fixture->port, "http://evil.example", NULL, TRUE);
  g_autoptr(NexusTestClient) null_origin = nexus_test_client_new_full (fixture->port, "null", NULL, TRUE);
  g_autoptr(NexusTestClient) other_port = nexus_test_client_new_full (fixture->port, "http://127.0.0.1:1", NULL, TRUE);
  g_autoptr(NexusTestClient) same = nexus_test_client_new (fixture->port, own);
  g_autoptr(NexusTestClient) none = nexus_test_client_new (fixture->port, NULL);
  g_assert_nonnull (none);

  g_assert_null (foreign->ws);
  g_assert_cmpuint (foreign->http_status, ==, 403);
  g_assert_cmpuint (null_origin->http_status, ==, 403);
  g_assert_cmpuint (other_port->http_status, ==, 403);
  g_assert_cmpuint (nexus_server_get_n_connections (fixture->server), ==, 2);

  /* The subprotocol is offered back. */
  g_assert_cmpstr (soup_websocket_connection_get_protocol (same->ws), ==, NEXUS_PROTOCOL_SUBPROTOCOL);
}

static void
test_ws_without_subprotocol (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(NexusTestClient) client = nexus_test_client_new_full (fixture->port, NULL, NULL, FALSE);
  g_autoptr(JsonObject) welcome = NULL;

  g_assert_nonnull (client->ws);
  g_assert_null (soup_websocket_connection_get_protocol (client->ws));
  welcome = nexus_test_client_create (client, "Ada");
}

static void
test_ws_connection_limit (Fixture       *fixture,
                          gconstpointer  data)
{
  guint limit = (guint) fixture->limits.max_connections;
  g_autofree NexusTestClient **clients = g_new0 (NexusTestClient *, limit);
  g_autoptr(NexusTestClient) over = NULL;

  for (guint i = 0; i < limit; i++)
    clients[i] = nexus_test_client_new (fixture->port, NULL);
  over = nexus_test_client_new_full (fixture->port, NULL, NULL, TRUE);
  g_assert_null (over->ws);
  g_assert_cmpuint (over->http_status, ==, 503);

  /* A freed slot can be used again. */
  nexus_test_client_cut (clients[0]);
  WAIT_UNTIL (nexus_server_get_n_connections (fixture->server) == limit - 1);
  nexus_test_client_free (clients[0]);
  clients[0] = nexus_test_client_new (fixture->port, NULL);

  for (guint i = 0; i < limit; i++)
    nexus_test_client_free (clients[i]);
}

/* Frames */

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "  Ada  ");
  g_autofree char *normal = nexus_code_normalize (str (welcome, "room"));
  JsonArray *members = json_object_get_array_member (welcome, "members");
  JsonArray *history = json_object_get_array_member (welcome, "history");
  JsonObject *joined;

  g_assert_cmpstr (normal, ==, str (welcome, "room"));
  g_assert_cmpstr (str (welcome, "name"), ==, "Ada");
  g_assert_cmpuint (strlen (str (welcome, "session")), >=, 32);
  g_assert_cmpuint (json_array_get_length (members), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (members, 0), ==, "Ada");
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  joined = json_array_get_object_element (history, 0);
  g_assert_cmpstr (str (joined, "type"), ==, "joined");
  g_assert_cmpint (num (joined, "seq"), ==, 1);
  g_assert_cmpstr (str (joined, "name"), ==, "Ada");
  g_assert_cmpint (num (welcome, "last_seq"), ==, 1);
  g_assert_false (json_object_get_boolean_member (welcome, "resumed"));
  g_assert_false (json_object_has_member (welcome, "gap"));
  g_assert_true (nexus_server_has_room (fixture->server, str (welcome, "room")));
  g_assert_cmpuint (nexus_test_client_pending (ada), ==, 0);
}

static void
test_join_say_typing_leave (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);
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
  g_assert_cmpstr (str (welcome, "room"), ==, code);
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (str (json_array_get_object_element (history, 1), "type"), ==, "joined");
  g_assert_cmpstr (str (json_array_get_object_element (history, 1), "name"), ==, "Bob");
  g_assert_cmpint (num (welcome, "last_seq"), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (members, 0), ==, "Ada");
  g_assert_cmpstr (json_array_get_string_element (members, 1), ==, "Bob");
  g_assert_cmpint (num (joined, "seq"), ==, 2);
  g_assert_cmpstr (str (joined, "name"), ==, "Bob");
  g_assert_true (json_object_has_member (joined, "ts"));

  /* A message reaches everyone, the sender too, with its id. */
  nexus_test_client_send (bob, "{\"type\":\"say\",\"text\":\"hi Ada\\nhow are you?\",\"id\":\"b1\"}");
  msg_ada = nexus_test_client_expect (ada, "message");
  msg_bob = nexus_test_client_expect (bob, "message");
  g_assert_cmpint (num (msg_ada, "seq"), ==, 3);
  g_assert_cmpstr (str (msg_ada, "name"), ==, "Bob");
  g_assert_cmpstr (str (msg_ada, "text"), ==, "hi Ada\nhow are you?");
  g_assert_cmpstr (str (msg_ada, "id"), ==, "b1");
  g_assert_cmpstr (str (msg_bob, "ts"), ==, str (msg_ada, "ts"));
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                       str (msg_ada, "ts"), 0, 0));

  /* Typing goes to the others only, and at most once a second. */
  nexus_test_client_send (bob, "{\"type\":\"typing\"}");
  nexus_test_client_send (bob, "{\"type\":\"typing\"}");
  typing = nexus_test_client_expect (ada, "typing");
  g_assert_cmpstr (str (typing, "name"), ==, "Bob");
  g_assert_false (json_object_has_member (typing, "seq"));
  nexus_test_spin (100);
  g_assert_cmpuint (nexus_test_client_pending (ada), ==, 0);
  g_assert_cmpuint (nexus_test_client_pending (bob), ==, 0);

  /* Leave: everyone gets left, the leaver too, then close 1000. */
  nexus_test_client_send (bob, "{\"type\":\"leave\"}");
  left_bob = nexus_test_client_expect (bob, "left");
  left_ada = nexus_test_client_expect (ada, "left");
  g_assert_cmpint (num (left_ada, "seq"), ==, 4);
  g_assert_cmpstr (str (left_ada, "name"), ==, "Bob");
  nexus_test_client_wait_closed (bob);
  g_assert_cmpuint (bob->close_code, ==, 1000);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_bad_requests (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);
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
  g_autoptr(JsonObject) say_error = NULL;
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
  say_error = nexus_test_client_expect (ada, "error");
  g_assert_cmpstr (str (say_error, "code"), ==, "bad-request");
  g_assert_cmpstr (str (say_error, "id"), ==, "z9");

  /* None of that ended the connection. */
  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":\"still here\",\"id\":\"a1\"}");
  g_clear_pointer (&say_error, json_object_unref);
  say_error = nexus_test_client_expect (ada, "message");

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
  g_clear_pointer (&say_error, json_object_unref);
  say_error = nexus_test_client_join (fresh, code, "Bob");
}

static void
test_fatal_join_errors (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);
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
      g_autofree char *frame = nexus_frame_encode_join (cases[i].room ? cases[i].room : code,
                                                        cases[i].name);

      g_test_message ("join %u expects %s", i, cases[i].error);
      nexus_test_client_send (client, frame);
      nexus_test_client_expect_fatal (client, cases[i].error);
    }

  /* Nobody in the room heard of any of it. */
  nexus_test_spin (50);
  g_assert_cmpuint (nexus_test_client_pending (ada), ==, 0);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_create_name_invalid (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(NexusTestClient) client = nexus_test_client_new (fixture->port, NULL);

  nexus_test_client_send (client, "{\"type\":\"create\",\"name\":\"\\u0007bell\"}");
  nexus_test_client_expect_fatal (client, "name-invalid");
  g_assert_cmpuint (nexus_server_get_n_rooms (fixture->server), ==, 0);
}

static void
test_room_full (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);
  g_assert_nonnull (ada);
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) cy = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) taken = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_join (bob, code, "Bob");
  g_assert_nonnull (welcome);
  g_autofree char *frame = nexus_frame_encode_join (code, "Cy");
  g_autofree char *taken_frame = nexus_frame_encode_join (code, "bob");

  /* The name is checked before the size (PROTOCOL.md's order). */
  nexus_test_client_send (taken, taken_frame);
  nexus_test_client_expect_error (taken, "name-taken");
  nexus_test_client_send (cy, frame);
  nexus_test_client_expect_fatal (cy, "room-full");
}

static void
test_server_full (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *code1 = NULL;
  g_autofree char *code2 = NULL;
  g_autoptr(NexusTestClient) a = start_room (fixture, &code1);
  g_assert_nonnull (a);
  g_autoptr(NexusTestClient) b = start_room (fixture, &code2);
  g_assert_nonnull (b);
  g_autoptr(NexusTestClient) c = nexus_test_client_new (fixture->port, NULL);

  g_assert_cmpstr (code1, !=, code2);
  nexus_test_client_send (c, "{\"type\":\"create\",\"name\":\"Cy\"}");
  nexus_test_client_expect_fatal (c, "server-full");
  g_assert_cmpuint (nexus_server_get_n_rooms (fixture->server), ==, 2);
}

static void
test_text_invalid (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);
  g_autofree char *too_long = g_strnfill (NEXUS_TEXT_MAX_CHARS + 1, 'x');
  g_autofree char *longest = g_strnfill (NEXUS_TEXT_MAX_CHARS, 'x');
  const char *texts[] = { "", "   \n\t ", "bell\a", too_long };
  g_autoptr(JsonObject) ok = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", i);
      g_autofree char *frame = nexus_frame_encode_say (texts[i], id);
      g_autoptr(JsonObject) error = NULL;

      nexus_test_client_send (ada, frame);
      error = nexus_test_client_expect (ada, "error");
      g_assert_cmpstr (str (error, "code"), ==, "text-invalid");
      g_assert_cmpstr (str (error, "id"), ==, id);
    }

  /* A refused id is not recorded: it may be used again. */
  {
    g_autofree char *frame = nexus_frame_encode_say (longest, "t0");

    nexus_test_client_send (ada, frame);
    ok = nexus_test_client_expect (ada, "message");
    g_assert_cmpstr (str (ok, "id"), ==, "t0");
    g_assert_cmpuint (strlen (str (ok, "text")), ==, NEXUS_TEXT_MAX_CHARS);
  }
}

static void
test_frame_size_limit (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = start_room_with_bob (fixture, &code, &bob);
  const char *head = "{\"type\":\"say\",\"text\":\"big\",\"id\":\"s1\",\"pad\":\"";
  const char *tail = "\"}";
  gsize pad = NEXUS_PROTOCOL_MAX_FRAME - strlen (head) - strlen (tail);
  g_autofree char *padding = g_strnfill (pad, 'p');
  g_autofree char *exact = g_strconcat (head, padding, tail, NULL);
  g_autofree char *over = g_strconcat (head, padding, "p", tail, NULL);
  g_autoptr(JsonObject) message = NULL;

  /* Exactly 16384 bytes is allowed; unknown members are ignored. */
  g_assert_cmpuint (strlen (exact), ==, NEXUS_PROTOCOL_MAX_FRAME);
  nexus_test_client_send (bob, exact);
  message = nexus_test_client_expect (bob, "message");
  g_assert_cmpstr (str (message, "text"), ==, "big");
  g_clear_pointer (&message, json_object_unref);
  message = nexus_test_client_expect (ada, "message");
  g_assert_cmpstr (str (message, "id"), ==, "s1");

  /* One more byte ends the connection; the member keeps its grace. */
  nexus_test_client_send (bob, over);
  nexus_test_client_wait_closed (bob);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 2);
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(JsonObject) error = NULL;
  g_autoptr(JsonObject) retried = NULL;
  guint delivered = 0;

  g_clear_object (&fixture->server);
  fixture->limits.burst = 5;
  fixture->limits.rate = 2;
  fixture_start (fixture);
  ada = start_room (fixture, &code);   /* the create took one token */

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *frame = g_strdup_printf ("{\"type\":\"say\",\"text\":\"m\",\"id\":\"r%u\"}", i);

      nexus_test_client_send (ada, frame);
    }
  /* The fifth say in the burst-of-five bucket... */
  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":\"m\",\"id\":\"r4\"}");
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonObject) message = nexus_test_client_expect (ada, "message");
      g_assert_nonnull (message);

      delivered++;
    }
  /* ...is refused with its id, not delivered, and the connection stays. */
  error = nexus_test_client_expect (ada, "error");
  g_assert_cmpstr (str (error, "code"), ==, "rate-limited");
  g_assert_cmpstr (str (error, "id"), ==, "r4");
  g_assert_cmpuint (delivered, ==, 4);

  /* Other frames over the limit get at most one notice a second. */
  for (guint i = 0; i < 5; i++)
    nexus_test_client_send (ada, "{\"type\":\"typing\"}");
  g_clear_pointer (&error, json_object_unref);
  error = nexus_test_client_expect (ada, "error");
  g_assert_cmpstr (str (error, "code"), ==, "rate-limited");
  g_assert_false (json_object_has_member (error, "id"));
  nexus_test_spin (100);
  g_assert_cmpuint (nexus_test_client_pending (ada), ==, 0);

  /* Tokens come back at the rate; the refused id may be retried. */
  nexus_test_spin (700);
  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":\"again\",\"id\":\"r4\"}");
  retried = nexus_test_client_expect (ada, "message");
  g_assert_cmpstr (str (retried, "id"), ==, "r4");
  g_assert_false (ada->closed);
}

static void
test_failed_join_limit (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);
  g_assert_nonnull (ada);
  g_autoptr(NexusTestClient) blocked = NULL;
  g_autoptr(NexusTestClient) blocked_create = NULL;

  /* limit 3: three wrong codes or sessions from this address... */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(NexusTestClient) guesser = nexus_test_client_new (fixture->port, NULL);

      if (i < 2)
        nexus_test_client_send (guesser, "{\"type\":\"join\",\"room\":\"ZZZZZZ\",\"name\":\"Eve\"}");
      else
        nexus_test_client_sendf (guesser, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"guess\",\"last_seq\":0}", code);
      nexus_test_client_expect_error (guesser, i < 2 ? "room-not-found" : "session-expired");
      nexus_test_client_wait_closed (guesser);
    }

  /* ...and even a right code is refused, fatally, as is a create. */
  blocked = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_sendf (blocked, "{\"type\":\"join\",\"room\":\"%s\",\"name\":\"Bob\"}", code);
  nexus_test_client_expect_fatal (blocked, "rate-limited");
  blocked_create = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_send (blocked_create, "{\"type\":\"create\",\"name\":\"Bob\"}");
  nexus_test_client_expect_error (blocked_create, "rate-limited");
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_first_frame_timeout (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(NexusTestClient) idle = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) chatty = nexus_test_client_new (fixture->port, NULL);

  /* A bad first frame does not stop the clock. */
  nexus_test_client_send (chatty, "{\"type\":\"hello\"}");
  nexus_test_client_expect_error (chatty, "bad-request");
  nexus_test_client_wait_closed (idle);
  g_assert_cmpuint (idle->close_code, ==, 1008);
  nexus_test_client_wait_closed (chatty);
  g_assert_cmpuint (chatty->close_code, ==, 1008);
}

/* Sessions */

static void
test_resume_within_grace (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) ada2 = NULL;
  g_autoptr(JsonObject) ada_welcome = NULL;
  g_autoptr(JsonObject) bob_welcome = NULL;
  g_autoptr(JsonObject) joined = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autofree char *session = NULL;
  JsonArray *history;

  ada = nexus_test_client_new (fixture->port, NULL);
  ada_welcome = nexus_test_client_create (ada, "Ada");
  code = g_strdup (str (ada_welcome, "room"));
  session = g_strdup (str (ada_welcome, "session"));
  bob_welcome = nexus_test_client_join (bob, code, "Bob");
  joined = nexus_test_client_expect (ada, "joined");    /* seq 2: Ada has seen it */

  /* Ada's network goes; Bob talks meanwhile. */
  nexus_test_client_cut (ada);
  WAIT_UNTIL (nexus_server_get_n_connections (fixture->server) == 1);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *frame = g_strdup_printf ("{\"type\":\"say\",\"text\":\"missed %u\",\"id\":\"b%u\"}", i, i);
      g_autoptr(JsonObject) echo = NULL;

      nexus_test_client_send (bob, frame);
      echo = nexus_test_client_expect (bob, "message");
    }

  ada2 = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_sendf (ada2, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\",\"last_seq\":2}",
                           code, session);
  resumed = nexus_test_client_expect (ada2, "welcome");
  g_assert_true (json_object_get_boolean_member (resumed, "resumed"));
  g_assert_false (json_object_has_member (resumed, "gap"));
  g_assert_cmpstr (str (resumed, "session"), ==, session);
  g_assert_cmpstr (str (resumed, "name"), ==, "Ada");
  g_assert_cmpint (num (resumed, "last_seq"), ==, 5);
  history = json_object_get_array_member (resumed, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (num (json_array_get_object_element (history, i), "seq"), ==, 3 + i);

  /* Nobody saw Ada leave or come back. */
  nexus_test_spin (1500);   /* beyond the 1 s grace period */
  g_assert_cmpuint (nexus_test_client_pending (bob), ==, 0);
  g_assert_cmpuint (nexus_test_client_pending (ada2), ==, 0);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 2);
}

static void
test_resume_gap_and_beyond (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autoptr(NexusTestClient) again = NULL;
  g_autoptr(NexusTestClient) beyond = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) resumed_beyond = NULL;
  JsonArray *history;

  /* History keeps 5; eight messages later, seq 2.. are partly gone. */
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(JsonObject) echo = NULL;

      nexus_test_client_sendf (ada, "{\"type\":\"say\",\"text\":\"n%u\",\"id\":\"a%u\"}", i, i);
      echo = nexus_test_client_expect (ada, "message");
    }
  nexus_test_client_cut (ada);

  again = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_sendf (again, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\",\"last_seq\":1}",
                           str (welcome, "room"), str (welcome, "session"));
  resumed = nexus_test_client_expect (again, "welcome");
  g_assert_true (json_object_get_boolean_member (resumed, "gap"));
  history = json_object_get_array_member (resumed, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 5);
  g_assert_cmpint (num (json_array_get_object_element (history, 0), "seq"), ==, 5);
  nexus_test_client_cut (again);

  beyond = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_sendf (beyond, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\",\"last_seq\":99}",
                           str (welcome, "room"), str (welcome, "session"));
  resumed_beyond = nexus_test_client_expect (beyond, "welcome");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (resumed_beyond, "history")), ==, 0);
  g_assert_cmpint (num (resumed_beyond, "last_seq"), ==, 9);
}

static void
test_resume_replaces_connection (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(NexusTestClient) first = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (first, "Ada");
  g_autoptr(NexusTestClient) second = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) echo = NULL;

  nexus_test_client_sendf (second, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\",\"last_seq\":1}",
                           str (welcome, "room"), str (welcome, "session"));
  resumed = nexus_test_client_expect (second, "welcome");
  nexus_test_client_wait_closed (first);
  g_assert_cmpuint (first->close_code, ==, 4001);
  g_assert_cmpuint (nexus_test_client_pending (first), ==, 0);   /* no left, no joined */

  /* The session lives on in the new connection. */
  nexus_test_client_send (second, "{\"type\":\"say\",\"text\":\"still me\",\"id\":\"x1\"}");
  echo = nexus_test_client_expect (second, "message");
  g_assert_cmpstr (str (echo, "name"), ==, "Ada");
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_session_expired (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *code2 = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autoptr(NexusTestClient) other_room = start_room (fixture, &code2);
  g_assert_nonnull (other_room);
  g_autoptr(NexusTestClient) wrong_room = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) unknown = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) gone = NULL;

  /* A real session, but of another room. */
  nexus_test_client_sendf (wrong_room, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\",\"last_seq\":0}",
                           code2, str (welcome, "session"));
  nexus_test_client_expect_fatal (wrong_room, "session-expired");

  nexus_test_client_sendf (unknown, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"0000\",\"last_seq\":0}",
                           str (welcome, "room"));
  nexus_test_client_expect_error (unknown, "session-expired");

  /* After the grace period the session is gone. */
  nexus_test_client_cut (ada);
  WAIT_UNTIL (!nexus_server_has_room (fixture->server, str (welcome, "room")));
  gone = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_sendf (gone, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\",\"last_seq\":1}",
                           str (welcome, "room"), str (welcome, "session"));
  nexus_test_client_expect_error (gone, "room-not-found");
}

static void
test_dedupe (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) bob_welcome = nexus_test_client_join (bob, str (welcome, "room"), "Bob");
  g_assert_nonnull (bob_welcome);
  g_autoptr(JsonObject) joined = nexus_test_client_expect (ada, "joined");
  g_assert_nonnull (joined);
  g_autoptr(JsonObject) first_ada = NULL;
  g_autoptr(JsonObject) first_bob = NULL;
  g_autoptr(JsonObject) replay = NULL;
  g_autoptr(JsonObject) replay2 = NULL;
  g_autoptr(NexusTestClient) ada2 = NULL;
  g_autoptr(JsonObject) resumed = NULL;

  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":\"once\",\"id\":\"m1\"}");
  first_ada = nexus_test_client_expect (ada, "message");
  first_bob = nexus_test_client_expect (bob, "message");

  /* The same id again, whatever its text: the original, to Ada only. */
  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":\"twice?\",\"id\":\"m1\"}");
  replay = nexus_test_client_expect (ada, "message");
  g_assert_cmpint (num (replay, "seq"), ==, num (first_ada, "seq"));
  g_assert_cmpstr (str (replay, "text"), ==, "once");
  g_assert_cmpstr (str (replay, "ts"), ==, str (first_ada, "ts"));

  /* Across a drop and a resume too. */
  nexus_test_client_cut (ada);
  ada2 = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_sendf (ada2, "{\"type\":\"resume\",\"room\":\"%s\",\"session\":\"%s\",\"last_seq\":3}",
                           str (welcome, "room"), str (welcome, "session"));
  resumed = nexus_test_client_expect (ada2, "welcome");
  nexus_test_client_send (ada2, "{\"type\":\"say\",\"text\":\"once\",\"id\":\"m1\"}");
  replay2 = nexus_test_client_expect (ada2, "message");
  g_assert_cmpint (num (replay2, "seq"), ==, 3);

  nexus_test_spin (100);
  g_assert_cmpuint (nexus_test_client_pending (bob), ==, 0);
  g_assert_cmpint (nexus_server_get_n_members (fixture->server), ==, 2);
}

static void
test_left_after_grace (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = start_room_with_bob (fixture, &code, &bob);
  g_autoptr(JsonObject) left = NULL;
  gint64 cut_at;

  nexus_test_client_cut (bob);
  cut_at = g_get_monotonic_time ();
  left = nexus_test_client_expect (ada, "left");
  g_assert_cmpstr (str (left, "name"), ==, "Bob");
  g_assert_cmpint (num (left, "seq"), ==, 3);
  /* Not before the grace period (1 s) was over. */
  g_assert_cmpint (g_get_monotonic_time () - cut_at, >=, G_USEC_PER_SEC);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_room_gone_when_empty (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) late = NULL;
  g_autoptr(JsonObject) welcome = nexus_test_client_join (bob, code, "Bob");
  g_assert_nonnull (welcome);
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
  nexus_test_client_sendf (late, "{\"type\":\"join\",\"room\":\"%s\",\"name\":\"Cy\"}", code);
  nexus_test_client_expect_error (late, "room-not-found");
}

static void
test_three_clients_same_order (Fixture       *fixture,
                               gconstpointer  data)
{
  NexusTestClient *clients[3];
  const char *names[] = { "Ada", "Bob", "Cy" };
  GPtrArray *seen[3] = { NULL, };
  g_autofree char *code = NULL;
  const guint per_client = 6;

  clients[0] = start_room (fixture, &code);
  for (guint i = 1; i < 3; i++)
    {
      g_autoptr(JsonObject) welcome = NULL;

      clients[i] = nexus_test_client_new (fixture->port, NULL);
      welcome = nexus_test_client_join (clients[i], code, names[i]);
    }
  /* Everyone has seen seq 3 (Cy's joined) once Cy is in. */
  WAIT_UNTIL (nexus_test_client_pending (clients[0]) == 2 && nexus_test_client_pending (clients[1]) == 1);
  for (guint i = 0; i < 3; i++)
    g_queue_clear_full (&clients[i]->frames, (GDestroyNotify) json_object_unref);

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
                                                     num (message, "seq"), str (message, "name"),
                                                     str (message, "text")));
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
test_drop_connections (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);

  nexus_server_drop_connections (fixture->server);
  nexus_test_client_wait_closed (ada);
  /* No close frame: libsoup reports 0 for an abrupt end. */
  g_assert_cmpuint (ada->close_code, ==, 0);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
  WAIT_UNTIL (nexus_server_get_n_rooms (fixture->server) == 0);
}

/* A raw WebSocket client on a thread, for what libsoup's client will not
 * do: stay silent to pings, or send invalid UTF-8. */
typedef struct {
  guint     port;
  gboolean  send_bad_utf8;
  gboolean  done;
  guint     pings;
  gushort   close_code;   /* from a close frame, 0 if none came */
  gboolean  eof;
  gint64    elapsed_usec;
} RawClient;

static gboolean
read_exact (GInputStream *in,
            guint8       *buffer,
            gsize         length)
{
  gsize got = 0;

  return g_input_stream_read_all (in, buffer, length, &got, NULL, NULL) && got == length;
}

static gpointer
raw_client_thread (gpointer data)
{
  RawClient *raw = data;
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autofree char *request = NULL;
  GInputStream *in;
  GOutputStream *out;
  GString *headers = g_string_new (NULL);
  gint64 start = g_get_monotonic_time ();

  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", (guint16) raw->port, NULL, NULL);
  g_assert_nonnull (connection);
  in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  request = g_strdup_printf ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n", raw->port);
  g_assert_true (g_output_stream_write_all (out, request, strlen (request), NULL, NULL, NULL));
  while (!g_str_has_suffix (headers->str, "\r\n\r\n"))
    {
      guint8 c;

      g_assert_true (read_exact (in, &c, 1));
      g_string_append_c (headers, (char) c);
    }
  g_assert_true (g_str_has_prefix (headers->str, "HTTP/1.1 101"));
  g_string_free (headers, TRUE);

  if (raw->send_bad_utf8)
    {
      /* A masked text frame (mask 0) holding 0xff 0xfe: not UTF-8. */
      const guint8 frame[] = { 0x81, 0x82, 0, 0, 0, 0, 0xff, 0xfe };

      g_assert_true (g_output_stream_write_all (out, frame, sizeof frame, NULL, NULL, NULL));
    }

  for (;;)
    {
      guint8 head[2];
      guint64 length;
      g_autofree guint8 *payload = NULL;

      if (!read_exact (in, head, 2))
        {
          raw->eof = TRUE;
          break;
        }
      length = head[1] & 0x7f;
      if (length == 126 || length == 127)
        {
          guint8 ext[8];
          guint n = length == 126 ? 2 : 8;

          g_assert_true (read_exact (in, ext, n));
          length = 0;
          for (guint i = 0; i < n; i++)
            length = (length << 8) | ext[i];
        }
      payload = g_malloc (length + 1);
      if (!read_exact (in, payload, length))
        {
          raw->eof = TRUE;
          break;
        }
      if ((head[0] & 0x0f) == 0x9)          /* ping: deliberately not answered */
        raw->pings++;
      else if ((head[0] & 0x0f) == 0x8)     /* close */
        {
          raw->close_code = length >= 2 ? (gushort) (payload[0] << 8 | payload[1]) : 0;
          break;
        }
    }

  raw->elapsed_usec = g_get_monotonic_time () - start;
  g_atomic_int_set (&raw->done, TRUE);
  return NULL;
}

static void
test_pong_timeout (Fixture       *fixture,
                   gconstpointer  data)
{
  RawClient raw = { .port = fixture->port };
  g_autoptr(GThread) thread = NULL;

  g_clear_object (&fixture->server);
  fixture->limits.ping_interval_seconds = 1;
  fixture->limits.pong_timeout_seconds = 2;
  fixture->limits.first_frame_timeout_ms = 60000;
  fixture_start (fixture);
  raw.port = fixture->port;

  thread = g_thread_new ("raw-client", raw_client_thread, &raw);
  WAIT_UNTIL (g_atomic_int_get (&raw.done));
  /* Pinged every second, never answered: cut without a close frame. */
  g_assert_cmpuint (raw.pings, >=, 1);
  g_assert_true (raw.eof);
  g_assert_cmpint (raw.elapsed_usec, >=, 2 * G_USEC_PER_SEC);
  WAIT_UNTIL (nexus_server_get_n_connections (fixture->server) == 0);
}

/* The server's pings are answered (libsoup's client does that by itself):
 * a member stays connected well past the pong timeout. */
static void
test_pings_keep_a_member (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(NexusTestClient) ada = NULL;
  g_autofree char *code = NULL;
  gint64 until;

  g_clear_object (&fixture->server);
  fixture->limits.ping_interval_seconds = 1;
  fixture->limits.pong_timeout_seconds = 2;
  fixture_start (fixture);

  ada = start_room (fixture, &code);
  until = g_get_monotonic_time () + 4 * G_USEC_PER_SEC;
  WAIT_UNTIL (g_get_monotonic_time () > until);

  g_assert_false (ada->closed);
  g_assert_cmpuint (nexus_server_get_n_connections (fixture->server), ==, 1);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_invalid_utf8 (Fixture       *fixture,
                   gconstpointer  data)
{
  RawClient raw = { .port = fixture->port, .send_bad_utf8 = TRUE };
  g_autoptr(GThread) thread = g_thread_new ("raw-client", raw_client_thread, &raw);
  g_assert_nonnull (thread);

  WAIT_UNTIL (g_atomic_int_get (&raw.done));
  g_assert_cmpuint (raw.close_code, ==, 1007);
}

/* A member whose client stops reading. Its raw socket lives on the main
 * thread, non-blocking, so nothing here can hold the loop the server
 * runs on; it reads only the 101 answer, then nothing until the end. */
typedef struct {
  GSocket    *socket;
  GByteArray *bytes;     /* received, not yet taken as frames */
  gboolean    eof;       /* the server's end is gone: EOF or a reset */
  guint       n_text;    /* whole text frames taken */
  guint       n_close;   /* whole close frames taken */
} SlowClient;

static void
slow_client_send (SlowClient *slow,
                  const void *data,
                  gsize       length)
{
  g_autoptr(GError) error = NULL;

  /* A few hundred bytes on a fresh connection: the kernel takes them whole. */
  g_assert_cmpint (g_socket_send (slow->socket, data, length, NULL, &error), ==, (gssize) length);
  g_assert_no_error (error);
}

/* Takes the whole server frames (unmasked) off the front of the bytes. */
static void
slow_client_take_frames (SlowClient *slow)
{
  for (;;)
    {
      const guint8 *b = slow->bytes->data;
      gsize have = slow->bytes->len;
      gsize header = 2;
      guint64 length;

      if (have < 2)
        return;
      g_assert_cmpuint (b[1] & 0x80, ==, 0);
      length = b[1] & 0x7f;
      if (length == 126)
        header = 4;
      else if (length == 127)
        header = 10;
      if (have < header)
        return;
      if (header > 2)
        {
          length = 0;
          for (gsize i = 2; i < header; i++)
            length = (length << 8) | b[i];
        }
      if (have - header < length)
        return;
      if ((b[0] & 0x0f) == 0x1)
        slow->n_text++;
      else if ((b[0] & 0x0f) == 0x8)
        slow->n_close++;
      g_byte_array_remove_range (slow->bytes, 0, (guint) (header + length));
    }
}

/* Reads what the kernel holds now, without waiting. Returns TRUE once the
 * connection has ended. */
static gboolean
slow_client_read (SlowClient *slow,
                  gboolean    take_frames)
{
  while (!slow->eof)
    {
      guint8 chunk[16384];
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (slow->socket, (char *) chunk, sizeof chunk, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (n <= 0)
        {
          slow->eof = TRUE;
          break;
        }
      g_byte_array_append (slow->bytes, chunk, (guint) n);
      /* Frame by frame as they come, so megabytes never pile up here. */
      if (take_frames)
        slow_client_take_frames (slow);
    }
  return slow->eof;
}

static gboolean
on_slow_client_readable (GSocket      *socket,
                         GIOCondition  condition,
                         gpointer      user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Wakes the main context whenever the socket has something to read, so a
 * WAIT_UNTIL that reads it need not wait for its 10 ms tick. Only while the
 * test reads: the condition stays true as long as bytes wait unread. */
static GSource *
slow_client_watch (SlowClient *slow)
{
  GSource *source = g_socket_create_source (slow->socket, G_IO_IN, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (on_slow_client_readable), NULL, NULL);
  g_source_attach (source, NULL);
  return source;
}

static void
slow_client_unwatch (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static gboolean
slow_client_handshake_done (SlowClient *slow)
{
  slow_client_read (slow, FALSE);
  return slow->eof
         || (slow->bytes->len > 0
             && g_strstr_len ((const char *) slow->bytes->data, slow->bytes->len, "\r\n\r\n") != NULL);
}

/* Connects, upgrades and joins @code as "Slow"; reads nothing after the 101. */
static void
slow_client_join (SlowClient *slow,
                  guint       port,
                  const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  g_autofree char *request = NULL;
  g_autofree char *join = nexus_frame_encode_join (code, "Slow");
  gsize join_length = strlen (join);
  guint8 frame[6 + 125];
  const char *end;
  GSource *watch;

  slow->bytes = g_byte_array_new ();
  slow->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  /* Before connecting, so the window it offers is small from the start:
   * the kernel must not soak up megabytes on the test's behalf. */
  g_assert_true (g_socket_set_option (slow->socket, SOL_SOCKET, SO_RCVBUF, 4096, &error));
  g_assert_no_error (error);
  /* The listening socket's backlog answers: this does not need the loop. */
  g_assert_true (g_socket_connect (slow->socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (slow->socket, FALSE);

  request = g_strdup_printf ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n", port);
  slow_client_send (slow, request, strlen (request));
  watch = slow_client_watch (slow);
  WAIT_UNTIL (slow_client_handshake_done (slow));
  slow_client_unwatch (watch);
  g_assert_false (slow->eof);
  g_assert_true (g_str_has_prefix ((const char *) slow->bytes->data, "HTTP/1.1 101"));
  end = g_strstr_len ((const char *) slow->bytes->data, slow->bytes->len, "\r\n\r\n") + 4;
  g_assert_true (end == (const char *) slow->bytes->data + slow->bytes->len);
  g_byte_array_set_size (slow->bytes, 0);

  /* A masked text frame with the key 0: the payload goes as it is. */
  g_assert_cmpuint (join_length, <, 126);
  frame[0] = 0x81;
  frame[1] = (guint8) (0x80 | join_length);
  memset (frame + 2, 0, 4);
  memcpy (frame + 6, join, join_length);
  slow_client_send (slow, frame, 6 + join_length);
}

static void
slow_client_clear (SlowClient *slow)
{
  g_clear_object (&slow->socket);
  g_clear_pointer (&slow->bytes, g_byte_array_unref);
}

/* Near the longest text allowed, each one different. */
static char *
slow_test_text (guint i)
{
  char *text = g_strnfill (NEXUS_TEXT_MAX_CHARS, 'x');
  char prefix[16];
  int n = g_snprintf (prefix, sizeof prefix, "%u ", i);

  memcpy (text, prefix, (gsize) n);
  return text;
}

static void
slow_test_say (NexusTestClient *ada,
               guint            i)
{
  g_autofree char *text = slow_test_text (i);
  g_autofree char *id = g_strdup_printf ("a%u", i);
  g_autofree char *frame = nexus_frame_encode_say (text, id);

  nexus_test_client_send (ada, frame);
}

/* Ada's messages @received .. @sent - 1, in order and nothing else: a
 * left would be a frame here, and would take a seq. */
static void
slow_test_expect_messages (NexusTestClient *client,
                           gint64           first_seq,
                           guint           *received,
                           guint            sent)
{
  for (; *received < sent; (*received)++)
    {
      g_autoptr(JsonObject) message = nexus_test_client_expect (client, "message");
      g_autofree char *id = g_strdup_printf ("a%u", *received);
      g_autofree char *text = slow_test_text (*received);

      g_assert_cmpint (num (message, "seq"), ==, first_seq + *received);
      g_assert_cmpstr (str (message, "name"), ==, "Ada");
      g_assert_cmpstr (str (message, "id"), ==, id);
      g_assert_cmpstr (str (message, "text"), ==, text);
    }
}

static void
test_slow_reader_dropped (Fixture       *fixture,
                          gconstpointer  data)
{
  /* Enough to fill the stream's limit, both kernels' buffers and more:
   * past it the drop is not coming. */
  const guint max_messages = 12 * 1024 * 1024 / NEXUS_TEXT_MAX_CHARS;
  /* Ada waits for Bob after each batch, so neither Ada nor Bob ever has
   * much unread and only the slow member can be the one dropped. */
  const guint batch = 32;
  const gint64 first_seq = 4;   /* after the joined of Ada, Bob and Slow */
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(JsonObject) joined_ada = NULL;
  g_autoptr(JsonObject) joined_bob = NULL;
  SlowClient slow = { 0, };
  GSource *watch;
  guint sent = 0;
  guint received = 0;
  gint64 start;

  /* Ada sends as fast as Bob reads: no rate limit. */
  g_clear_object (&fixture->server);
  fixture->limits.rate = 0;
  fixture_start (fixture);
  ada = start_room_with_bob (fixture, &code, &bob);

  slow_client_join (&slow, fixture->port, code);
  joined_ada = nexus_test_client_expect (ada, "joined");
  g_assert_cmpstr (str (joined_ada, "name"), ==, "Slow");
  g_assert_cmpint (num (joined_ada, "seq"), ==, first_seq - 1);
  joined_bob = nexus_test_client_expect (bob, "joined");
  g_assert_cmpstr (str (joined_bob, "name"), ==, "Slow");
  g_assert_cmpuint (nexus_server_get_n_connections (fixture->server), ==, 3);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 3);

  start = g_get_monotonic_time ();
  while (nexus_server_get_n_connections (fixture->server) == 3 && sent < max_messages)
    {
      for (guint i = 0; i < batch && sent < max_messages; i++)
        slow_test_say (ada, sent++);
      slow_test_expect_messages (bob, first_seq, &received, sent);
      /* Ada's own copies, her acknowledgements: read, and not kept. */
      g_queue_clear_full (&ada->frames, (GDestroyNotify) json_object_unref);
    }
  if (nexus_server_get_n_connections (fixture->server) != 2)
    g_error ("The member that stopped reading was not dropped after %u messages of %u characters "
             "(%u connections open)", sent, NEXUS_TEXT_MAX_CHARS,
             nexus_server_get_n_connections (fixture->server));
  g_test_message ("dropped after %u messages (%.1f MiB) in %.2f s", sent,
                  (double) sent * NEXUS_TEXT_MAX_CHARS / (1024 * 1024),
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  /* Not before the stream's limit was reached. */
  g_assert_cmpuint ((guint64) sent * NEXUS_TEXT_MAX_CHARS, >, NEXUS_FRAME_OUTPUT_STREAM_DEFAULT_LIMIT);

  /* The room talks on; the slow member is in its grace period, so it is
   * still listed and nobody is told (the seqs go on without a gap). */
  for (guint i = 0; i < 3; i++)
    slow_test_say (ada, sent++);
  slow_test_expect_messages (bob, first_seq, &received, sent);
  nexus_test_spin (300);   /* beyond one of the server's 250 ms ticks */
  g_assert_cmpuint (nexus_test_client_pending (bob), ==, 0);
  g_assert_false (bob->closed);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 3);

  /* What reached the slow member's kernel ends without a close frame: the
   * TCP connection was cut, as a lost network would. */
  watch = slow_client_watch (&slow);
  WAIT_UNTIL (slow_client_read (&slow, TRUE));
  slow_client_unwatch (watch);
  g_assert_cmpuint (slow.n_text, >, 0);
  g_assert_cmpuint (slow.n_close, ==, 0);
  slow_client_clear (&slow);
}

static void
on_shutdown (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_assert_true (nexus_server_shutdown_finish (NEXUS_SERVER (source), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static void
test_shutdown (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = start_room (fixture, &code);
  g_autoptr(NexusTestClient) idle = nexus_test_client_new (fixture->port, NULL);
  gboolean done = FALSE;

  nexus_server_shutdown_async (fixture->server, NULL, on_shutdown, &done);
  WAIT_UNTIL (done);
  WAIT_UNTIL (ada->closed && idle->closed);
  g_assert_cmpuint (ada->close_code, ==, 1001);
  g_assert_cmpuint (idle->close_code, ==, 1001);
  g_assert_cmpuint (nexus_server_get_n_rooms (fixture->server), ==, 0);
  g_assert_cmpuint (nexus_server_get_n_connections (fixture->server), ==, 0);
}

static void
test_listen_errors (void)
{
  g_autoptr(NexusServer) first = nexus_server_new (NULL);
  g_autoptr(NexusServer) second = nexus_server_new (NULL);
  g_autoptr(NexusServer) bad = nexus_server_new (NULL);
  g_autoptr(GError) error = NULL;
  NexusServerLimits limits;

  g_assert_true (nexus_server_listen (first, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  g_assert_false (nexus_server_listen (second, "127.0.0.1", (int) nexus_server_get_port (first), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_clear_error (&error);

  g_assert_false (nexus_server_listen (bad, "not-an-address", 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  nexus_server_limits_init_default (&limits);
  limits.history = 0;
  g_assert_false (nexus_server_limits_validate (&limits, &error));
  g_assert_nonnull (strstr (error->message, "--history"));
}

static void
test_default_port_fallback (void)
{
  g_autoptr(NexusServer) a = nexus_server_new (NULL);
  g_autoptr(NexusServer) b = nexus_server_new (NULL);
  g_autoptr(GError) error = NULL;

  /* Whatever else holds 47474 on this machine, the second takes a later one. */
  if (!nexus_server_listen (a, "127.0.0.1", NEXUS_SERVER_PORT_DEFAULT, &error))
    {
      g_test_skip ("No port of 47474–47483 is free here");
      return;
    }
  g_assert_true (nexus_server_listen (b, "127.0.0.1", NEXUS_SERVER_PORT_DEFAULT, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nexus_server_get_port (a), >=, NEXUS_SERVER_PORT_FIRST);
  g_assert_cmpuint (nexus_server_get_port (b), >, nexus_server_get_port (a));
  g_assert_cmpuint (nexus_server_get_port (b), <=, NEXUS_SERVER_PORT_LAST);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  TEST_ADD ("/server/http-routes", test_http_routes);
  TEST_ADD ("/server/ws-origin", test_ws_origin);
  TEST_ADD ("/server/ws-without-subprotocol", test_ws_without_subprotocol);
  TEST_ADD_SMALL ("/server/ws-connection-limit", test_ws_connection_limit);
  TEST_ADD ("/server/create", test_create);
  TEST_ADD ("/server/join-say-typing-leave", test_join_say_typing_leave);
  TEST_ADD ("/server/bad-requests", test_bad_requests);
  TEST_ADD ("/server/fatal-join-errors", test_fatal_join_errors);
  TEST_ADD ("/server/create-name-invalid", test_create_name_invalid);
  TEST_ADD_SMALL ("/server/room-full", test_room_full);
  TEST_ADD_SMALL ("/server/server-full", test_server_full);
  TEST_ADD ("/server/text-invalid", test_text_invalid);
  TEST_ADD ("/server/frame-size-limit", test_frame_size_limit);
  TEST_ADD ("/server/rate-limit", test_rate_limit);
  TEST_ADD_SMALL ("/server/failed-join-limit", test_failed_join_limit);
  TEST_ADD_SMALL ("/server/first-frame-timeout", test_first_frame_timeout);
  TEST_ADD_SMALL ("/server/resume-within-grace", test_resume_within_grace);
  TEST_ADD_SMALL ("/server/resume-gap-and-beyond", test_resume_gap_and_beyond);
  TEST_ADD ("/server/resume-replaces-connection", test_resume_replaces_connection);
  TEST_ADD_SMALL ("/server/session-expired", test_session_expired);
  TEST_ADD ("/server/dedupe", test_dedupe);
  TEST_ADD_SMALL ("/server/left-after-grace", test_left_after_grace);
  TEST_ADD_SMALL ("/server/room-gone-when-empty", test_room_gone_when_empty);
  TEST_ADD ("/server/three-clients-same-order", test_three_clients_same_order);
  TEST_ADD_SMALL ("/server/drop-connections", test_drop_connections);
  TEST_ADD ("/server/pong-timeout", test_pong_timeout);
  TEST_ADD ("/server/pings-keep-a-member", test_pings_keep_a_member);
  TEST_ADD ("/server/invalid-utf8", test_invalid_utf8);
  TEST_ADD ("/server/slow-reader-dropped", test_slow_reader_dropped);
  TEST_ADD ("/server/shutdown", test_shutdown);
  g_test_add_func ("/server/listen-errors", test_listen_errors);
  g_test_add_func ("/server/default-port-fallback", test_default_port_fallback);

  return g_test_run ();
}
