/* nexus-test-utils.c: what the tests share: main-loop waiting, a real
 * server on 127.0.0.1, real WebSocket and HTTP clients, the headless binary
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "nexus-protocol.h"
#include "nexus-test-utils.h"

gboolean
nexus_test_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
on_spin_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
nexus_test_spin (guint msec)
{
  gboolean done = FALSE;

  g_timeout_add (msec, on_spin_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
nexus_test_async_result_cb (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

guint
nexus_test_count_text (NexusClient *client,
                       const char  *text)
{
  GListModel *events = nexus_client_get_events (client);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (g_strcmp0 (nexus_event_get_text (event), text) == 0)
        count++;
    }
  return count;
}

void
nexus_test_assert_log_clean (NexusClient *client)
{
  GListModel *events = nexus_client_get_events (client);
  gint64 previous = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (nexus_event_get_delivery (event) != NEXUS_DELIVERY_SENT)
        continue;
      g_assert_cmpint (nexus_event_get_seq (event), ==, previous + 1);
      previous = nexus_event_get_seq (event);
    }
}

JsonObject *
nexus_test_parse_frame (const char *data,
                        gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    g_error ("The server sent something that is not JSON: %.*s (%s)",
             (int) length, data, error->message);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonNode *
get_member (JsonObject *object,
            const char *member,
            GType       value_type)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != value_type)
    {
      g_autoptr(JsonNode) whole = json_node_init_object (json_node_alloc (), object);
      g_autofree char *text = json_to_string (whole, FALSE);

      g_error ("Expected a member “%s” of type %s in %s",
               member, g_type_name (value_type), text);
    }
  return node;
}

const char *
nexus_test_str (JsonObject *object,
                const char *member)
{
  return json_node_get_string (get_member (object, member, G_TYPE_STRING));
}

gint64
nexus_test_int (JsonObject *object,
                const char *member)
{
  return json_node_get_int (get_member (object, member, G_TYPE_INT64));
}

static void
server_start (NexusTestServer *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->server = nexus_server_new (&fixture->limits);
  g_assert_true (nexus_server_listen (fixture->server, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  g_assert_no_error (error);
  fixture->port = nexus_server_get_port (fixture->server);
  g_assert_cmpuint (fixture->port, >, 0);
}

void
nexus_test_server_setup (NexusTestServer *fixture,
                         gconstpointer    limits_func)
{
  NexusTestLimitsFunc change_limits = (NexusTestLimitsFunc) limits_func;

  nexus_server_limits_init_default (&fixture->limits);
  if (change_limits != NULL)
    change_limits (&fixture->limits);
  server_start (fixture);
}

void
nexus_test_server_teardown (NexusTestServer *fixture,
                            gconstpointer    data)
{
  /* Let closing connections finish before the server goes. */
  nexus_test_spin (20);
  g_assert_finalize_object (fixture->server);
}

void
nexus_test_limits_small (NexusServerLimits *limits)
{
  limits->grace_seconds = 1;
  limits->history = 5;
  limits->max_members = 2;
  limits->max_rooms = 2;
  limits->max_connections = 6;
  limits->failed_join_limit = 3;
  limits->first_frame_timeout_ms = 300;
}

void
nexus_test_limits_no_rate (NexusServerLimits *limits)
{
  limits->rate = 0;
}

static void
on_message (SoupWebsocketConnection *ws,
            int                      type,
            GBytes                  *message,
            NexusTestClient         *client)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  g_queue_push_tail (&client->frames, nexus_test_parse_frame (data, length));
}

static void
on_closed (SoupWebsocketConnection *ws,
           NexusTestClient         *client)
{
  client->closed = TRUE;
  client->close_code = soup_websocket_connection_get_close_code (ws);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NexusTestClient *client = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  client->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &client->error);
  if (client->ws != NULL)
    {
      g_signal_connect (client->ws, "message", G_CALLBACK (on_message), client);
      g_signal_connect (client->ws, "closed", G_CALLBACK (on_closed), client);
    }
  else if (msg != NULL)
    client->http_status = soup_message_get_status (msg);
  client->done = TRUE;
}

NexusTestClient *
nexus_test_client_new_full (guint       port,
                            const char *origin,
                            const char *host_header,
                            gboolean    offer_protocol)
{
  NexusTestClient *client = g_new0 (NexusTestClient, 1);
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/ws", port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  const char *protocols[] = { NEXUS_PROTOCOL_SUBPROTOCOL, NULL };

  if (host_header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Host", host_header);

  client->session = soup_session_new ();
  soup_session_websocket_connect_async (client->session, msg, origin,
                                        offer_protocol ? (char **) protocols : NULL,
                                        G_PRIORITY_DEFAULT, NULL, on_connected, client);
  WAIT_UNTIL (client->done);
  return client;
}

NexusTestClient *
nexus_test_client_new (guint       port,
                       const char *origin)
{
  NexusTestClient *client = nexus_test_client_new_full (port, origin, NULL, TRUE);

  g_assert_no_error (client->error);
  g_assert_nonnull (client->ws);
  return client;
}

void
nexus_test_client_free (NexusTestClient *client)
{
  if (client->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->ws, client);
      if (soup_websocket_connection_get_state (client->ws) != SOUP_WEBSOCKET_STATE_CLOSED)
        g_io_stream_close (soup_websocket_connection_get_io_stream (client->ws), NULL, NULL);
      g_object_unref (client->ws);
    }
  nexus_test_client_clear (client);
  g_clear_error (&client->error);
  g_object_unref (client->session);
  g_free (client);
}

void
nexus_test_client_send (NexusTestClient *client,
                        const char      *json)
{
  g_assert_cmpint (soup_websocket_connection_get_state (client->ws), ==, SOUP_WEBSOCKET_STATE_OPEN);
  soup_websocket_connection_send_text (client->ws, json);
}

void
nexus_test_client_sendf (NexusTestClient *client,
                         const char      *format,
                         ...)
{
  g_autofree char *json = NULL;
  va_list args;

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);
  nexus_test_client_send (client, json);
}

JsonObject *
nexus_test_client_next (NexusTestClient *client)
{
  WAIT_UNTIL (client->frames.length > 0 || client->closed);
  if (client->frames.length == 0)
    g_error ("The connection closed (code %u) while a frame was expected", client->close_code);
  return g_queue_pop_head (&client->frames);
}

/* The next frame, which must be of @type. */
JsonObject *
nexus_test_client_expect (NexusTestClient *client,
                          const char      *type)
{
  JsonObject *frame = nexus_test_client_next (client);
  const char *got = json_object_get_string_member (frame, "type");

  if (g_strcmp0 (got, type) != 0)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), frame);
      g_autofree char *text = json_to_string (node, FALSE);

      g_error ("Expected a “%s” frame, got %s", type, text);
    }
  return frame;
}

void
nexus_test_client_expect_error (NexusTestClient *client,
                                const char      *code)
{
  g_autoptr(JsonObject) frame = nexus_test_client_expect (client, "error");

  g_assert_cmpstr (nexus_test_str (frame, "code"), ==, code);
  g_assert_true (strlen (nexus_test_str (frame, "message")) > 10);
}

void
nexus_test_client_expect_error_id (NexusTestClient *client,
                                    const char      *code,
                                    const char      *id)
{
  g_autoptr(JsonObject) frame = nexus_test_client_expect (client, "error");

  g_assert_cmpstr (nexus_test_str (frame, "code"), ==, code);
  if (id != NULL)
    g_assert_cmpstr (nexus_test_str (frame, "id"), ==, id);
  else
    g_assert_false (json_object_has_member (frame, "id"));
}

/* A fatal error: the error frame, then the close with 1008. */
void
nexus_test_client_expect_fatal (NexusTestClient *client,
                                const char      *code)
{
  nexus_test_client_expect_error (client, code);
  nexus_test_client_wait_closed (client);
  g_assert_cmpuint (client->close_code, ==, 1008);
}

void
nexus_test_client_wait_closed (NexusTestClient *client)
{
  WAIT_UNTIL (client->closed);
}

/* Cuts the TCP connection without a close frame, as a lost network would. */
void
nexus_test_client_cut (NexusTestClient *client)
{
  g_signal_handlers_disconnect_by_data (client->ws, client);
  g_io_stream_close (soup_websocket_connection_get_io_stream (client->ws), NULL, NULL);
  client->closed = TRUE;
}

guint
nexus_test_client_pending (NexusTestClient *client)
{
  return client->frames.length;
}

/* Sends a frame from one of the nexus_frame_encode_…() functions. */
static void
send_encoded (NexusTestClient *client,
              char            *frame)
{
  nexus_test_client_send (client, frame);
  g_free (frame);
}

JsonObject *
nexus_test_client_create (NexusTestClient *client,
                          const char      *name)
{
  send_encoded (client, nexus_frame_encode_create (name));
  return nexus_test_client_expect (client, "welcome");
}

void
nexus_test_client_send_join (NexusTestClient *client,
                             const char      *room,
                             const char      *name)
{
  send_encoded (client, nexus_frame_encode_join (room, name));
}

JsonObject *
nexus_test_client_join (NexusTestClient *client,
                        const char      *room,
                        const char      *name)
{
  nexus_test_client_send_join (client, room, name);
  return nexus_test_client_expect (client, "welcome");
}

void
nexus_test_client_send_resume (NexusTestClient *client,
                               const char      *room,
                               const char      *session,
                               gint64           last_seq)
{
  send_encoded (client, nexus_frame_encode_resume (room, session, last_seq));
}

JsonObject *
nexus_test_client_resume (NexusTestClient *client,
                          const char      *room,
                          const char      *session,
                          gint64           last_seq)
{
  nexus_test_client_send_resume (client, room, session, last_seq);
  return nexus_test_client_expect (client, "welcome");
}

void
nexus_test_client_send_say (NexusTestClient *client,
                            const char      *text,
                            const char      *id)
{
  send_encoded (client, nexus_frame_encode_say (text, id));
}

JsonObject *
nexus_test_client_say (NexusTestClient *client,
                       const char      *text,
                       const char      *id)
{
  JsonObject *message;

  nexus_test_client_send_say (client, text, id);
  message = nexus_test_client_expect (client, "message");
  g_assert_cmpstr (nexus_test_str (message, "id"), ==, id);
  return message;
}

void
nexus_test_client_say_n (NexusTestClient *client,
                         guint            count,
                         const char      *text,
                         const char      *id_prefix)
{
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s%u", id_prefix, i);

      json_object_unref (nexus_test_client_say (client, text, id));
    }
}

void
nexus_test_client_clear (NexusTestClient *client)
{
  g_queue_clear_full (&client->frames, (GDestroyNotify) json_object_unref);
}

NexusTestClient *
nexus_test_start_room_full (guint             port,
                            JsonObject      **welcome,
                            NexusTestClient **bob)
{
  NexusTestClient *ada = nexus_test_client_new (port, NULL);
  g_autoptr(JsonObject) ada_welcome = nexus_test_client_create (ada, "Ada");

  if (bob != NULL)
    {
      g_autoptr(JsonObject) bob_welcome = NULL;
      g_autoptr(JsonObject) joined = NULL;

      *bob = nexus_test_client_new (port, NULL);
      bob_welcome = nexus_test_client_join (*bob, nexus_test_str (ada_welcome, "room"), "Bob");
      joined = nexus_test_client_expect (ada, "joined");
      g_assert_cmpstr (nexus_test_str (joined, "name"), ==, "Bob");
    }
  if (welcome != NULL)
    *welcome = g_steal_pointer (&ada_welcome);
  return ada;
}

NexusTestClient *
nexus_test_start_room_with_bob (guint             port,
                                char            **code,
                                NexusTestClient **bob)
{
  g_autoptr(JsonObject) welcome = NULL;
  NexusTestClient *ada = nexus_test_start_room_full (port, &welcome, bob);

  if (code != NULL)
    *code = g_strdup (nexus_test_str (welcome, "room"));
  return ada;
}

NexusTestClient *
nexus_test_start_room (guint   port,
                       char  **code)
{
  return nexus_test_start_room_with_bob (port, code, NULL);
}

NexusTestClient *
nexus_test_client_new_resumed (guint        port,
                               JsonObject  *welcome,
                               gint64       last_seq,
                               JsonObject **resumed)
{
  NexusTestClient *client = nexus_test_client_new (port, NULL);

  *resumed = nexus_test_client_resume (client, nexus_test_str (welcome, "room"),
                                       nexus_test_str (welcome, "session"), last_seq);
  return client;
}

void
nexus_test_assert_quiet (guint            msec,
                         NexusTestClient *client,
                         ...)
{
  va_list clients;

  nexus_test_spin (msec);
  va_start (clients, client);
  for (; client != NULL; client = va_arg (clients, NexusTestClient *))
    g_assert_cmpuint (nexus_test_client_pending (client), ==, 0);
  va_end (clients);
}

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} HttpResult;

static void
on_http_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HttpResult *http = user_data;

  http->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &http->error);
  http->done = TRUE;
}

guint
nexus_test_http (guint                port,
                 const char          *method,
                 const char          *path,
                 SoupMessageHeaders **response_headers,
                 char               **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  HttpResult http = { 0, };

  g_assert_nonnull (msg);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_http_done, &http);
  WAIT_UNTIL (http.done);
  g_assert_no_error (http.error);

  if (response_headers)
    *response_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (body)
    *body = g_strndup (g_bytes_get_data (http.body, NULL), g_bytes_get_size (http.body));
  g_bytes_unref (http.body);
  return soup_message_get_status (msg);
}

static void
child_setup (gpointer data)
{
  rlim_t max_descriptors = GPOINTER_TO_UINT (data);

  if (max_descriptors != 0)
    {
      struct rlimit limit = { max_descriptors, max_descriptors };

      setrlimit (RLIMIT_NOFILE, &limit);
    }
  /* A failed assertion must not leave the child running. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GSubprocess *
nexus_test_headless_new (const char * const *args,
                         GSubprocessFlags    flags,
                         guint               max_descriptors)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *binary = g_getenv ("NEXUS_CHAT_BIN");
  GSubprocess *process;

  g_assert_nonnull (binary);
  g_ptr_array_add (argv, (char *) binary);
  g_ptr_array_add (argv, "--headless");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  /* Servers of tests that run at the same time must not reopen each
   * other's rooms: they keep none unless the test gives them a place. */
  if (args == NULL || (!g_strv_contains (args, "--state-dir")
                       && !g_strv_contains (args, "--no-persistence")))
    g_ptr_array_add (argv, "--no-persistence");
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, child_setup,
                                         GUINT_TO_POINTER (max_descriptors), NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

GSubprocess *
nexus_test_spawn_headless (const char * const *args,
                           guint               max_descriptors,
                           guint              *port,
                           GPtrArray          *lines)
{
  GSubprocess *process = nexus_test_headless_new (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                                                  max_descriptors);
  GInputStream *stdout_pipe = g_subprocess_get_stdout_pipe (process);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (stdout_pipe);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);   /* it printed its port before anything else ended */
      g_test_message ("server: %s", line);
      if (g_str_has_prefix (line, "listening on port "))
        {
          *port = (guint) g_ascii_strtoull (line + strlen ("listening on port "), NULL, 10);
          return process;
        }
      g_assert_true (g_str_has_prefix (line, "http://"));
      g_assert_true (g_str_has_suffix (line, "/"));
      if (lines != NULL)
        g_ptr_array_add (lines, g_strdup (line));
    }
}

static gboolean
soup_serve_incoming (GSocketService    *service,
                     GSocketConnection *connection,
                     GObject           *source,
                     SoupServer        *server)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  soup_server_accept_iostream (server, G_IO_STREAM (connection), local, remote, NULL);
  return TRUE;
}

GSocketService *
nexus_test_soup_serve (SoupServer *server,
                       guint      *port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocketService *service = g_socket_service_new ();

  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, &error));
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect_object (service, "incoming", G_CALLBACK (soup_serve_incoming), server, 0);
  return service;
}

char *
nexus_test_small_disk_new (const char *size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mountpoint = g_dir_make_tmp ("nexus-full-disk-XXXXXX", &error);
  g_autofree char *options = g_strdup_printf ("size=%s", size);

  g_assert_no_error (error);
  if (geteuid () != 0 || mount ("tmpfs", mountpoint, "tmpfs", 0, options) != 0)
    {
      g_autofree char *reason = g_strdup_printf ("a full disk needs a tmpfs mounted as root: %s",
                                                 geteuid () != 0 ? "not root" : g_strerror (errno));

      g_rmdir (mountpoint);
      g_test_skip (reason);
      return NULL;
    }
  return g_steal_pointer (&mountpoint);
}

void
nexus_test_small_disk_remove (const char *mountpoint)
{
  g_assert_cmpint (umount (mountpoint), ==, 0);
  g_rmdir (mountpoint);
}

char *
nexus_test_fill_disk (const char *dir)
{
  g_autofree char *parent = g_path_get_dirname (dir);
  char *filler = g_build_filename (parent, "filler", NULL);
  static char block[4096];
  int fd = open (filler, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  /* Whatever a page of it could still take. */
  while (write (fd, block, 1) > 0)
    ;
  close (fd);
  return filler;
}
