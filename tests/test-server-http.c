/* test-server-http.c: the server's HTTP side: routes, headers, the
 * WebSocket upgrade's Origin and subprotocol, listening
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-protocol.h"
#include "nexus-server.h"
#include "nexus-test-utils.h"

static void
test_http_routes (NexusTestServer *fixture,
                  gconstpointer    data)
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

static void
test_ws_origin (NexusTestServer *fixture,
                gconstpointer    data)
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
test_ws_without_subprotocol (NexusTestServer *fixture,
                             gconstpointer    data)
{
  g_autoptr(NexusTestClient) client = nexus_test_client_new_full (fixture->port, NULL, NULL, FALSE);
  g_autoptr(JsonObject) welcome = NULL;

  g_assert_nonnull (client->ws);
  g_assert_null (soup_websocket_connection_get_protocol (client->ws));
  welcome = nexus_test_client_create (client, "Ada");
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

  NEXUS_TEST_ADD_SERVER ("/server/http/routes", test_http_routes, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/http/ws-origin", test_ws_origin, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/http/ws-without-subprotocol", test_ws_without_subprotocol, NULL);
  g_test_add_func ("/server/http/listen-errors", test_listen_errors);
  g_test_add_func ("/server/http/default-port-fallback", test_default_port_fallback);

  return g_test_run ();
}
