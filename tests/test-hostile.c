/* test-hostile.c: a peer on the same network that tries to take the host down
 *
 * Each test is one attack against the real server on 127.0.0.1, bounded
 * in count and time, then the proof that the host still serves: an
 * ordinary pair creates a room, joins it and talks within a few seconds,
 * and the server's memory stayed within a stated bound.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nexus-server-private.h"
#include "nexus-test-utils.h"

#if defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define NEXUS_ASAN 1
# endif
#elif defined(__SANITIZE_ADDRESS__)
# define NEXUS_ASAN 1
#endif

/* What an attack may add to the host's resident memory. AddressSanitizer
 * keeps freed memory in quarantine (256 MiB by default) and shadows what
 * it touches, so under it the bound only catches a runaway. */
#ifdef NEXUS_ASAN
# define RSS_BOUND_KIB (512 * 1024)
#else
# define RSS_BOUND_KIB (32 * 1024)
#endif

typedef struct {
  NexusServer *server;
  guint        port;
  gsize        rss_before;
} Fixture;

/* The resident memory of process @pid (0: this one), in KiB. */
static gsize
rss_kib (GPid pid)
{
  g_autofree char *path = pid != 0 ? g_strdup_printf ("/proc/%d/status", (int) pid)
                                   : g_strdup ("/proc/self/status");
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) : 0;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const NexusServerLimits *custom = data;
  NexusServerLimits limits;
  g_autoptr(GError) error = NULL;

  nexus_server_limits_init_default (&limits);
  if (custom != NULL)
    limits = *custom;
  fixture->server = nexus_server_new (&limits);
  g_assert_true (nexus_server_listen (fixture->server, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  g_assert_no_error (error);
  fixture->port = nexus_server_get_port (fixture->server);
  fixture->rss_before = rss_kib (0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->server);
}

/* The proof after each attack: Ada creates, Bob joins, they talk. */
static void
assert_pair_talks (guint port)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (port, NULL);
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (port, NULL);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) joined = NULL;
  g_autoptr(JsonObject) bob_welcome = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autofree char *room = NULL;
  gint64 start = g_get_monotonic_time ();

  welcome = nexus_test_client_create (ada, "Ada");
  room = g_strdup (json_object_get_string_member (welcome, "room"));
  bob_welcome = nexus_test_client_join (bob, room, "Bob");
  joined = nexus_test_client_expect (ada, "joined");
  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":\"still here?\",\"id\":\"p1\"}");
  message = nexus_test_client_expect (bob, "message");
  g_assert_cmpstr (json_object_get_string_member (message, "text"), ==, "still here?");
  g_test_message ("an ordinary pair talked within %.1f s",
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
assert_rss_bounded (Fixture *fixture)
{
  gsize after = rss_kib (0);

  g_test_message ("resident memory %" G_GSIZE_FORMAT " KiB before, %" G_GSIZE_FORMAT " KiB after",
                  fixture->rss_before, after);
  g_assert_cmpuint (after, <, fixture->rss_before + RSS_BOUND_KIB);
}

/* Raw sockets, for what a well-behaved client will not send. They are
 * non-blocking: the server runs on this very thread. */

/* @receive_buffer: when not 0, a receive buffer this small (set before
 * connecting, so the window the peer sees is small too). */
static GSocket *
raw_connect_full (guint       port,
                  const char *source,
                  int         receive_buffer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, (guint16) port);

  g_assert_no_error (error);
  if (source != NULL)
    {
      g_autoptr(GInetAddress) from = g_inet_address_new_from_string (source);
      g_autoptr(GSocketAddress) local = g_inet_socket_address_new (from, 0);

      g_assert_true (g_socket_bind (socket, local, FALSE, &error));
      g_assert_no_error (error);
    }
  if (receive_buffer != 0)
    g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, receive_buffer, NULL);
  /* The kernel completes the handshake from its backlog. */
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

static GSocket *
raw_connect_from (guint       port,
                  const char *source)
{
  return raw_connect_full (port, source, 0);
}

static GSocket *
raw_connect (guint port)
{
  return raw_connect_full (port, NULL, 0);
}

static void
raw_send_all (GSocket    *socket,
              const void *data,
              gsize       length)
{
  gsize sent = 0;

  while (sent < length)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (socket, (const char *) data + sent, length - sent, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_main_context_iteration (NULL, FALSE);
          continue;
        }
      g_assert_no_error (error);
      sent += (gsize) n;
    }
}

/* Reads what has come; TRUE once the server has closed the connection. */
static gboolean
raw_closed (GSocket *socket,
            GString *into)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char buffer[16384];
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);

      if (n > 0)
        {
          if (into != NULL)
            g_string_append_len (into, buffer, n);
          continue;
        }
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
      return TRUE;   /* end of stream, or reset */
    }
}

/* Does the WebSocket handshake by hand; what came after the headers stays
 * in the socket. */
static GSocket *
raw_websocket_full (guint port,
                    int   receive_buffer)
{
  GSocket *socket = raw_connect_full (port, NULL, receive_buffer);
  g_autofree char *request = g_strdup_printf ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n\r\n", port);
  g_autoptr(GString) response = g_string_new (NULL);

  raw_send_all (socket, request, strlen (request));
  /* Byte by byte up to the blank line, so no frame is read with it. */
  while (!g_str_has_suffix (response->str, "\r\n\r\n"))
    {
      char c;
      gssize n = g_socket_receive (socket, &c, 1, NULL, NULL);

      if (n == 1)
        g_string_append_c (response, c);
      else
        g_main_context_iteration (NULL, FALSE);
    }
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));
  return socket;
}

static GSocket *
raw_websocket (guint port)
{
  return raw_websocket_full (port, 0);
}

/* A client frame (masked with a zero key, so the payload is as given). */
static void
raw_send_frame (GSocket    *socket,
                guint8      first_byte,
                const char *payload,
                gsize       length)
{
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 header[14] = { first_byte, 0, };
  gsize header_length;

  if (length < 126)
    {
      header[1] = 0x80 | (guint8) length;
      header_length = 2;
    }
  else
    {
      g_assert_cmpuint (length, <, 65536);
      header[1] = 0x80 | 126;
      header[2] = (guint8) (length >> 8);
      header[3] = (guint8) length;
      header_length = 4;
    }
  g_byte_array_append (frame, header, header_length + 4);   /* + the zero mask */
  g_byte_array_append (frame, (const guint8 *) payload, length);
  raw_send_all (socket, frame->data, frame->len);
}

static void
raw_send_text (GSocket    *socket,
               const char *json)
{
  raw_send_frame (socket, 0x81, json, strlen (json));
}

/* 1. A descriptor flood, against the headless binary under a desktop
 * session's usual limit of 1 024 descriptors (soft and hard, so it cannot
 * raise it): 1 500 idle connections from forty addresses. The server keeps
 * serving throughout and after they are released. */

static void
limit_descriptors (gpointer data)
{
  struct rlimit limit = { 1024, 1024 };

  setrlimit (RLIMIT_NOFILE, &limit);
  /* A failed assertion here must not leave the server running. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn_limited_headless (guint *port)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, limit_descriptors, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("NEXUS_CHAT_BIN"), "--headless",
                                         "--bind", "127.0.0.1", "--port", "0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "listening on port "))
        {
          *port = (guint) g_ascii_strtoull (line + strlen ("listening on port "), NULL, 10);
          return process;
        }
    }
}

static void
test_descriptor_flood (void)
{
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GPtrArray) flood = g_ptr_array_new_with_free_func (g_object_unref);
  struct rlimit limit;
  guint port = 0;
  GPid pid;
  gsize rss_before, rss_during, rss_after;

  /* The flood itself needs 1 500 descriptors on this side. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_max < 2048)
    {
      g_test_skip ("this test needs a hard limit of 2048 descriptors or more");
      return;
    }
  limit.rlim_cur = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);

  server = spawn_limited_headless (&port);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server), NULL, 10);
  assert_pair_talks (port);
  rss_before = rss_kib (pid);

  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.0.%u", 2 + i % 40);

      g_ptr_array_add (flood, raw_connect_from (port, source));
    }
  assert_pair_talks (port);
  rss_during = rss_kib (pid);

  g_ptr_array_set_size (flood, 0);
  nexus_test_spin (300);
  assert_pair_talks (port);
  for (guint i = 0; i < 1500; i++)
    g_ptr_array_add (flood, raw_connect_from (port, "127.0.0.99"));
  g_ptr_array_set_size (flood, 0);
  assert_pair_talks (port);
  rss_after = rss_kib (pid);

  g_test_message ("server resident memory %" G_GSIZE_FORMAT " KiB before, %" G_GSIZE_FORMAT
                  " KiB during, %" G_GSIZE_FORMAT " KiB after", rss_before, rss_during, rss_after);
  g_assert_cmpuint (rss_during, <, rss_before + RSS_BOUND_KIB);
  g_assert_cmpuint (rss_after, <, rss_before + RSS_BOUND_KIB);

  g_subprocess_send_signal (server, SIGTERM);
  g_assert_true (g_subprocess_wait_check (server, NULL, NULL));
}

/* 1b. accept() itself failing (no descriptor left in this process): the
 * server pauses, then accepts again once descriptors are free. */
static void
test_accept_survives_emfile (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GArray) hogs = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GSocket) waiting = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  const char *request = "GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  struct rlimit limit, lowered;

  /* Few enough descriptors to take them all quickly. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  lowered = (struct rlimit) { MIN (limit.rlim_cur, 4096), limit.rlim_max };
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &lowered), ==, 0);

  /* This connection waits in the kernel's backlog ... */
  waiting = raw_connect (fixture->port);
  raw_send_all (waiting, request, strlen (request));
  /* ... while every descriptor is taken. */
  for (;;)
    {
      int fd = dup (STDERR_FILENO);

      if (fd < 0)
        break;
      g_array_append_val (hogs, fd);
    }
  WAIT_UNTIL (fixture->server->n_accept_failures > 0);
  nexus_test_spin (300);

  for (guint i = 0; i < hogs->len; i++)
    close (g_array_index (hogs, int, i));
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  WAIT_UNTIL (raw_closed (waiting, answer));
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 200"));
  g_test_message ("%" G_GUINT64_FORMAT " failed accepts, then served", fixture->server->n_accept_failures);
  assert_pair_talks (fixture->port);
}

/* 2. Slowloris: headers that never end. */
static void
test_slowloris (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) slow = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) silent = raw_connect (fixture->port);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < 20; i++)
    {
      GSocket *socket = raw_connect (fixture->port);

      raw_send_all (socket, "GET / HTTP/1.1\r\nX-Slow: ", strlen ("GET / HTTP/1.1\r\nX-Slow: "));
      g_ptr_array_add (slow, socket);
    }
  assert_pair_talks (fixture->port);
  /* One more header byte now and then does not buy more time. */
  for (guint round = 0; round < 15; round++)
    {
      for (guint i = 0; i < slow->len; i++)
        g_socket_send (g_ptr_array_index (slow, i), "a", 1, NULL, NULL);
      nexus_test_spin (100);
    }
  for (guint i = 0; i < slow->len; i++)
    WAIT_UNTIL (raw_closed (g_ptr_array_index (slow, i), NULL));
  WAIT_UNTIL (raw_closed (silent, NULL));
  g_test_message ("cut after %.1f s (the request timeout is 1 s here, 15 s by default)",
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  WAIT_UNTIL (nexus_server_get_n_pending (fixture->server) == 0);
  assert_pair_talks (fixture->port);
  assert_rss_bounded (fixture);
}

/* 2b. An answer nobody reads, and a request body that never ends: the
 * body is not kept, and the exchange's deadline ends both. */
static void
test_unread_answer_and_endless_body (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GSocket) reader = raw_connect (fixture->port);
  g_autoptr(GSocket) poster = raw_connect (fixture->port);
  const char *get = "GET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const char *post = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000\r\n\r\n";
  g_autofree char *chunk = g_strnfill (65536, 'x');
  gboolean cut = FALSE;

  raw_send_all (reader, get, strlen (get));
  raw_send_all (poster, post, strlen (post));
  /* 32 MiB of body, or less if the server cuts it first. */
  for (guint i = 0; i < 512 && !cut; i++)
    {
      g_autoptr(GError) error = NULL;

      if (g_socket_send (poster, chunk, 65536, NULL, &error) < 0
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        cut = TRUE;
      g_main_context_iteration (NULL, FALSE);
    }
  assert_rss_bounded (fixture);
  WAIT_UNTIL (raw_closed (poster, NULL));
  WAIT_UNTIL (nexus_server_get_n_pending (fixture->server) == 0);
  assert_pair_talks (fixture->port);
}

/* 3. One endless message in fragments: cut once it passes 16 384 bytes. */
static void
test_endless_fragments (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GSocket) socket = raw_websocket (fixture->port);
  g_autofree char *fragment = g_strnfill (4000, 'a');
  guint sent = 0;

  raw_send_text (socket, "{\"type\":\"create\",\"name\":\"Mallory\"}");
  raw_send_frame (socket, 0x01, "{\"type\":\"say\",\"text\":\"", 22);   /* text, no FIN */
  while (!raw_closed (socket, NULL) && sent < 64)
    {
      g_autoptr(GError) error = NULL;
      guint8 header[8] = { 0x00, 0x80 | 126, 4000 >> 8, 4000 & 0xff, 0, 0, 0, 0 };

      /* Continuations without FIN; the socket fails once the server cut it. */
      if (g_socket_send (socket, (char *) header, sizeof header, NULL, &error) < 0
          || g_socket_send (socket, fragment, 4000, NULL, &error) < 0)
        break;
      sent++;
      nexus_test_spin (10);
    }
  WAIT_UNTIL (raw_closed (socket, NULL));
  g_test_message ("cut after %u fragments of 4000 bytes", sent);
  g_assert_cmpuint (sent, <=, 8);
  assert_pair_talks (fixture->port);
  assert_rss_bounded (fixture);
}

/* 4. One long say, then its id over and over: each repeat costs a token,
 * so what comes back is bounded by the rate limit. */
static void
test_replayed_ids (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(NexusTestClient) mallory = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (mallory, "Mallory");
  g_autofree char *text = g_strnfill (4000, 'z');
  g_autofree char *say = g_strdup_printf ("{\"type\":\"say\",\"text\":\"%s\",\"id\":\"m1\"}", text);
  guint copies = 0, refused = 0;

  g_assert_nonnull (welcome);
  nexus_test_client_send (mallory, say);
  for (guint i = 0; i < 2000; i++)
    nexus_test_client_send (mallory, "{\"type\":\"say\",\"text\":\"x\",\"id\":\"m1\"}");
  nexus_test_spin (2500);

  while (nexus_test_client_pending (mallory) > 0)
    {
      g_autoptr(JsonObject) frame = nexus_test_client_next (mallory);
      const char *type = json_object_get_string_member (frame, "type");

      if (g_str_equal (type, "message"))
        {
          g_assert_cmpstr (json_object_get_string_member (frame, "text"), ==, text);
          copies++;
        }
      else
        {
          g_assert_cmpstr (json_object_get_string_member (frame, "code"), ==, "rate-limited");
          g_assert_cmpstr (json_object_get_string_member (frame, "id"), ==, "m1");
          refused++;
        }
    }
  g_test_message ("2 001 frames with one id: %u copies of the message, %u refused", copies, refused);
  /* At most the burst of 20 and 5 a second for the 2.5 s. */
  g_assert_cmpuint (copies, >=, 10);
  g_assert_cmpuint (copies, <=, 20 + 5 * 3 + 1);
  assert_pair_talks (fixture->port);
}

/* 5. DNS rebinding: a foreign name in Host. */
static void
test_dns_rebinding (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *foreign_host = g_strdup_printf ("attacker.example:%u", fixture->port);
  g_autofree char *foreign_origin = g_strdup_printf ("http://%s", foreign_host);
  g_autofree char *own_name = g_strdup_printf ("%s.local:%u", g_get_host_name (), fixture->port);
  g_autofree char *own_origin = g_strdup_printf ("http://%s", own_name);
  g_autofree char *allowed = g_strdup_printf ("chat.example:%u", fixture->port);
  g_autofree char *allowed_origin = g_strdup_printf ("http://%s", allowed);
  const struct { const char *host; const char *origin; guint status; } upgrades[] = {
    { foreign_host, foreign_origin, 403 },
    { foreign_host, NULL, 403 },
    { "localhost.attacker.example", NULL, 403 },
    { "127.0.0.1.attacker.example", NULL, 403 },
    { "not a host", NULL, 403 },
    { own_name, own_origin, 101 },
    { allowed, allowed_origin, 101 },
    { "localhost", NULL, 101 },
    { "[::1]:80", NULL, 101 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (upgrades); i++)
    {
      g_autoptr(NexusTestClient) client = nexus_test_client_new_full (fixture->port, upgrades[i].origin,
                                                                     upgrades[i].host, TRUE);

      WAIT_UNTIL (client->done);
      g_test_message ("upgrade with Host %s: %u", upgrades[i].host, client->http_status);
      if (upgrades[i].status == 101)
        g_assert_nonnull (client->ws);
      else
        {
          g_assert_null (client->ws);
          g_assert_cmpuint (client->http_status, ==, upgrades[i].status);
        }
    }

  {
    g_autoptr(GSocket) socket = raw_connect (fixture->port);
    g_autoptr(GString) answer = g_string_new (NULL);
    g_autofree char *request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: %s\r\n\r\n", foreign_host);

    raw_send_all (socket, request, strlen (request));
    WAIT_UNTIL (raw_closed (socket, answer));
    g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 421"));
    g_assert_null (strstr (answer->str, "<html"));
  }
  assert_pair_talks (fixture->port);
}

/* 6. Names that look like another member's. */
static void
test_look_alike_names (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  const char *room = json_object_get_string_member (welcome, "room");
  const struct { const char *name; const char *code; } cases[] = {
    { "Ada\\u200b", "name-invalid" },        /* zero-width space */
    { "\\u202eAda", "name-invalid" },        /* right-to-left override */
    { "A\\u200dda", "name-invalid" },        /* zero-width joiner */
    { "\\uff21\\uff24\\uff21", "name-taken" }, /* fullwidth ＡＤＡ */
    { "ADA", "name-taken" },
    { "\\u1d2c\\u1d30\\u1d2c", "name-taken" }, /* modifier letters ᴬᴰᴬ */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NexusTestClient) eve = nexus_test_client_new (fixture->port, NULL);

      WAIT_UNTIL (eve->done);
      nexus_test_client_sendf (eve, "{\"type\":\"join\",\"room\":\"%s\",\"name\":\"%s\"}",
                               room, cases[i].name);
      nexus_test_client_expect_fatal (eve, cases[i].code);
    }
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
  assert_pair_talks (fixture->port);
}

/* Near misses of /ws, and a say whose text holds U+0000. */
static void
test_near_misses (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *paths[] = { "/wsx", "/ws/", "/ws/x", "/ws%2f", "/Ws" };
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autoptr(JsonObject) refused = NULL;

  g_assert_nonnull (welcome);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_test_message ("GET %s", paths[i]);
      g_assert_cmpuint (nexus_test_http (fixture->port, "GET", paths[i], NULL, NULL), ==, 404);
    }

  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":\"a\\u0000b\",\"id\":\"n1\"}");
  refused = nexus_test_client_expect (ada, "error");
  g_assert_cmpstr (json_object_get_string_member (refused, "code"), ==, "text-invalid");
  g_assert_cmpstr (json_object_get_string_member (refused, "id"), ==, "n1");
  assert_pair_talks (fixture->port);
}

/* A welcome carries at most --history-bytes of history, however long the
 * messages were. */
static void
test_welcome_bounded (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autoptr(JsonObject) bob_welcome = NULL;
  g_autofree char *text = g_strnfill (4000, 'w');
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *encoded = NULL;

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(JsonObject) echo = NULL;

      nexus_test_client_sendf (ada, "{\"type\":\"say\",\"text\":\"%s\",\"id\":\"w%u\"}", text, i);
      echo = nexus_test_client_expect (ada, "message");
    }
  bob_welcome = nexus_test_client_join (bob, json_object_get_string_member (welcome, "room"), "Bob");
  json_node_set_object (node, bob_welcome);
  json_generator_set_root (generator, node);
  encoded = json_generator_to_data (generator, NULL);
  g_test_message ("welcome of %" G_GSIZE_FORMAT " bytes with %u events",
                  strlen (encoded), json_array_get_length (json_object_get_array_member (bob_welcome, "history")));
  g_assert_cmpuint (strlen (encoded), <, 64 * 1024 + 1024);
  g_assert_true (json_object_get_boolean_member_with_default (bob_welcome, "gap", FALSE) == FALSE);
}

/* Peers that join and never read: what all of them leave unread is
 * bounded (checked after each welcome and on every tick), the biggest
 * holders are cut (they may resume), and the others go on. The kernel
 * takes up to a few MB for each socket before the host has to keep any. */
static void
test_unread_budget (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autofree char *room = g_strdup (json_object_get_string_member (welcome, "room"));
  g_autoptr(GPtrArray) sleepers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = g_strnfill (4000, 'u');
  gsize most_unread = 0;
  guint cut = 0, sent;

  for (guint i = 0; i < 4; i++)
    {
      GSocket *socket = raw_websocket_full (fixture->port, 2048);
      g_autofree char *join = g_strdup_printf ("{\"type\":\"join\",\"room\":\"%s\",\"name\":\"Sleeper %u\"}",
                                               room, i);

      raw_send_text (socket, join);
      g_ptr_array_add (sleepers, socket);
    }
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonObject) joined = nexus_test_client_expect (ada, "joined");

      g_assert_nonnull (joined);
    }
  /* Until the sleepers are cut, or 12 MB each at the most. */
  for (sent = 0; sent < 3000 && nexus_server_get_n_connections (fixture->server) > 1; sent++)
    {
      g_autoptr(JsonObject) echo = NULL;

      nexus_test_client_sendf (ada, "{\"type\":\"say\",\"text\":\"%s\",\"id\":\"u%u\"}", text, sent);
      echo = nexus_test_client_expect (ada, "message");
      most_unread = MAX (most_unread, nexus_server_get_unread_bytes (fixture->server));
    }
  nexus_test_spin (300);
  g_assert_cmpuint (nexus_server_get_unread_bytes (fixture->server), <=, 256 * 1024);
  cut = 4 - (nexus_server_get_n_connections (fixture->server) - 1);
  g_test_message ("%u of 4 sleepers cut after %u messages of 4000 bytes; at most %" G_GSIZE_FORMAT
                  " bytes unread in all, %" G_GSIZE_FORMAT " now", cut, sent, most_unread,
                  nexus_server_get_unread_bytes (fixture->server));
  g_assert_cmpuint (cut, ==, 4);
  /* The budget, and one frame. */
  g_assert_cmpuint (most_unread, <=, 256 * 1024 + 4096);
  assert_pair_talks (fixture->port);
  assert_rss_bounded (fixture);
}

/* The failed-join table forgets addresses once their window is over. */
static void
test_failed_joins_pruned (Fixture       *fixture,
                          gconstpointer  data)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(NexusTestClient) probe = nexus_test_client_new (fixture->port, NULL);

      WAIT_UNTIL (probe->done);
      nexus_test_client_send (probe, "{\"type\":\"join\",\"room\":\"ZZZZZZ\",\"name\":\"Eve\"}");
      nexus_test_client_expect_fatal (probe, "room-not-found");
    }
  g_assert_cmpuint (g_hash_table_size (fixture->server->failed_joins), ==, 1);
  /* The window is one second here; the prune runs every few seconds. */
  WAIT_UNTIL (g_hash_table_size (fixture->server->failed_joins) == 0);
  assert_pair_talks (fixture->port);
}

/* The defaults, but with deadlines and budgets small enough to reach in
 * a test; @rated FALSE turns the rate limit off, to fill a history fast. */
static NexusServerLimits *
limits_for_attacks (gboolean rated)
{
  static char *allowed_hosts[] = { "chat.example", NULL };
  NexusServerLimits *limits = g_new0 (NexusServerLimits, 1);

  nexus_server_limits_init_default (limits);
  limits->request_timeout_ms = 1000;
  limits->exchange_timeout_ms = 2000;
  limits->history_bytes = 64 * 1024;
  limits->unread_total_bytes = 256 * 1024;
  limits->failed_join_window = 1;
  limits->allowed_hosts = allowed_hosts;
  if (!rated)
    limits->rate = 0;
  return limits;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree NexusServerLimits *limits = NULL;
  g_autofree NexusServerLimits *unrated = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  limits = limits_for_attacks (TRUE);
  unrated = limits_for_attacks (FALSE);

#define ADD(path, test) \
  g_test_add ("/hostile/" path, Fixture, limits, fixture_setup, test, fixture_teardown)
#define ADD_UNRATED(path, test) \
  g_test_add ("/hostile/" path, Fixture, unrated, fixture_setup, test, fixture_teardown)

  g_test_add_func ("/hostile/descriptor-flood", test_descriptor_flood);
  ADD ("accept-survives-emfile", test_accept_survives_emfile);
  ADD ("slowloris", test_slowloris);
  ADD ("unread-answer-and-endless-body", test_unread_answer_and_endless_body);
  ADD ("endless-fragments", test_endless_fragments);
  ADD ("replayed-ids", test_replayed_ids);
  ADD ("dns-rebinding", test_dns_rebinding);
  ADD ("look-alike-names", test_look_alike_names);
  ADD ("near-misses", test_near_misses);
  ADD_UNRATED ("welcome-bounded", test_welcome_bounded);
  ADD_UNRATED ("unread-budget", test_unread_budget);
  ADD ("failed-joins-pruned", test_failed_joins_pruned);
#undef ADD
#undef ADD_UNRATED

  status = g_test_run ();
  return status;
}
