/* nexus-test-scripted-host.c: a host that says what the test tells it to
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-protocol.h"
#include "nexus-test-scripted-host.h"
#include "nexus-test-utils.h"

static void
on_message (SoupWebsocketConnection *ws,
            int                      type,
            GBytes                  *message,
            NexusTestHost           *host)
{
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (message, NULL), NULL);

  g_assert_nonnull (node);
  g_queue_push_tail (&host->frames, json_object_ref (json_node_get_object (node)));
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *message,
              const char              *path,
              SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  NexusTestHost *host = user_data;

  if (host->ws != NULL)
    g_signal_handlers_disconnect_by_data (host->ws, host);
  g_set_object (&host->ws, ws);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), host);
}

/* An upload's bytes, kept whole: the test's files are small. */
static void
on_upload (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  NexusTestHost *host = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (message);

  g_ptr_array_add (host->put_paths, g_strdup (path));
  g_ptr_array_add (host->put_bodies, soup_message_body_flatten (body));
  soup_server_message_set_status (message, host->put_status, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "", 0);
}

NexusTestHost *
nexus_test_host_new (void)
{
  NexusTestHost *host = g_new0 (NexusTestHost, 1);
  char *protocols[] = { (char *) NEXUS_PROTOCOL_SUBPROTOCOL, NULL };

  host->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (host->server, "/ws", NULL, protocols, on_websocket, host,
                                     NULL);
  soup_server_add_handler (host->server, "/upload", on_upload, host, NULL);
  host->put_status = SOUP_STATUS_CREATED;
  host->put_paths = g_ptr_array_new_with_free_func (g_free);
  host->put_bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  host->service = nexus_test_soup_serve (host->server, &host->port);
  g_queue_init (&host->frames);
  return host;
}

void
nexus_test_host_free (NexusTestHost *host)
{
  if (host->ws != NULL)
    g_signal_handlers_disconnect_by_data (host->ws, host);
  g_clear_object (&host->ws);
  g_socket_service_stop (host->service);
  g_socket_listener_close (G_SOCKET_LISTENER (host->service));
  g_clear_object (&host->service);
  soup_server_disconnect (host->server);
  g_clear_object (&host->server);
  g_queue_clear_full (&host->frames, (GDestroyNotify) json_object_unref);
  g_clear_pointer (&host->put_paths, g_ptr_array_unref);
  g_clear_pointer (&host->put_bodies, g_ptr_array_unref);
  g_free (host);
}

JsonObject *
nexus_test_host_expect (NexusTestHost *host,
                        const char    *type)
{
  JsonObject *frame;

  WAIT_UNTIL (host->frames.length > 0);
  frame = g_queue_pop_head (&host->frames);
  g_assert_cmpstr (json_object_get_string_member (frame, "type"), ==, type);
  return frame;
}

void
nexus_test_host_send (NexusTestHost *host,
                      const char    *frame)
{
  g_assert_nonnull (host->ws);
  soup_websocket_connection_send_text (host->ws, frame);
}

void
nexus_test_host_resume (NexusTestHost *host,
                        NexusClient   *client,
                        gint64         last_seq,
                        const char    *welcome)
{
  g_autoptr(JsonObject) resume = NULL;

  soup_websocket_connection_close (host->ws, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, NULL);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_RECONNECTING);
  resume = nexus_test_host_expect (host, "resume");
  g_assert_cmpstr (json_object_get_string_member (resume, "room"), ==, "K7QX3M");
  g_assert_cmpstr (json_object_get_string_member (resume, "session"), ==, "s1");
  g_assert_cmpint (json_object_get_int_member (resume, "last_seq"), ==, last_seq);
  soup_websocket_connection_send_text (host->ws, welcome);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_JOINED);
}
