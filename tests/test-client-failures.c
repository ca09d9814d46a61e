/* test-client-failures.c: NexusClient failing to get in, and saying which
 * step failed: a port where nobody listens, hosts that never answer, servers
 * that are not Nexus Chat or are full, names that do not resolve, and no
 * route at all
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nexus-client-private.h"
#include "nexus-test-utils.h"
#include "test-client-failures.h"

/* Far above what anything takes on loopback, far below the real timeout. */
#define SHORT_TIMEOUT_MS 500

static void
on_state (NexusClient        *client,
          GParamSpec         *pspec,
          NexusClientFailure *seen)
{
  if (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_FAILED)
    *seen = nexus_client_get_failure (client);
}

/* Joins at @host:@port, waits until that fails, and checks what every
 * failure has: the step is known when the state changes, and the sentence
 * names the host. */
static NexusClient *
join_and_fail (const char *host,
               guint       port,
               guint       timeout_ms)
{
  NexusClient *client = nexus_client_new (host, port);
  NexusClientFailure seen = NEXUS_CLIENT_FAILURE_NONE;

  if (timeout_ms > 0)
    _nexus_client_set_connect_timeout (client, timeout_ms);
  g_signal_connect (client, "notify::state", G_CALLBACK (on_state), &seen);
  nexus_client_join (client, "K7Q-X3M", "Bob");
  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_NONE);
  WAIT_UNTIL (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_CONNECTING);
  g_signal_handlers_disconnect_by_data (client, &seen);

  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_FAILED);
  g_assert_cmpint (seen, ==, nexus_client_get_failure (client));
  g_assert_cmpint (seen, !=, NEXUS_CLIENT_FAILURE_NONE);
  g_assert_nonnull (strstr (nexus_client_get_error_message (client), host));
  g_assert_null (nexus_client_get_error_code (client));
  return client;
}

/* A listening socket on 127.0.0.1 that nobody ever accepts from. */
static GSocket *
listen_unanswered (int    backlog,
                   guint *port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_socket_set_listen_backlog (socket, backlog);
  g_assert_true (g_socket_listen (socket, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

/* Refused: the host is there, its port is closed. */
static void
test_refused (void)
{
  g_autoptr(GSocket) gone = NULL;
  g_autoptr(NexusClient) client = NULL;
  g_autofree char *expected = NULL;
  guint port;

  gone = listen_unanswered (1, &port);
  g_socket_close (gone, NULL);
  client = join_and_fail ("127.0.0.1", port, 0);

  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_REFUSED);
  expected = g_strdup_printf ("127.0.0.1 answered, but nothing is listening on port %u. The room "
                              "may have ended, or a firewall on the host is in the way.", port);
  g_assert_cmpstr (nexus_client_get_error_message (client), ==, expected);
}

/* The kernel takes the connection, but nothing on the host ever answers
 * it: a host that hangs. */
static void
test_timed_out_after_connecting (void)
{
  g_autoptr(GSocket) silent = NULL;
  g_autoptr(NexusClient) client = NULL;
  gint64 start = g_get_monotonic_time ();
  guint port;

  silent = listen_unanswered (8, &port);
  client = join_and_fail ("127.0.0.1", port, SHORT_TIMEOUT_MS);

  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, SHORT_TIMEOUT_MS * 1000);
  g_assert_cmpstr (nexus_client_get_error_message (client), ==,
                   "127.0.0.1 answered, but Nexus Chat there did not respond in time. Try "
                   "again in a moment, or ask the host to restart Nexus Chat.");
}

/* Nothing answers the connection at all, as behind a firewall that drops
 * it: a full accept queue makes the kernel drop new connections' SYNs. */
static void
test_timed_out_connecting (void)
{
  g_autoptr(GSocket) full = NULL;
  g_autoptr(GPtrArray) fillers = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(NexusClient) client = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  gboolean filled = FALSE;
  guint port;

  full = listen_unanswered (0, &port);
  address = g_inet_socket_address_new (loopback, port);
  for (guint i = 0; i < 16 && !filled; i++)
    {
      g_autoptr(GError) error = NULL;
      GSocket *filler = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL);

      g_ptr_array_add (fillers, filler);
      g_socket_set_blocking (filler, FALSE);
      if (!g_socket_connect (filler, address, NULL, &error))
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
      filled = !g_socket_condition_timed_wait (filler, G_IO_OUT, 300 * 1000, NULL, NULL);
    }
  g_assert_true (filled);

  client = join_and_fail ("127.0.0.1", port, SHORT_TIMEOUT_MS);

  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_TIMED_OUT);
  g_assert_cmpstr (nexus_client_get_error_message (client), ==,
                   "127.0.0.1 did not answer in time. Check that you’re on the same network "
                   "as the host; a firewall may be dropping the connection.");
}

/* A host that is only a SoupServer: /ws answers @status, or with 0 opens a
 * WebSocket and then says nothing. */
typedef struct {
  GSocketService          *service;
  SoupServer              *server;
  guint                    port;
  guint                    status;
  SoupWebsocketConnection *ws;
} FakeHost;

static void
fake_host_answer (SoupServer        *server,
                  SoupServerMessage *message,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  FakeHost *host = user_data;

  if (host->status != 0)
    soup_server_message_set_status (message, host->status, NULL);
}

static void
fake_host_on_websocket (SoupServer              *server,
                        SoupServerMessage       *message,
                        const char              *path,
                        SoupWebsocketConnection *ws,
                        gpointer                 user_data)
{
  FakeHost *host = user_data;

  g_set_object (&host->ws, ws);
}


static FakeHost *
fake_host_new (guint status)
{
  FakeHost *host = g_new0 (FakeHost, 1);
  char *protocols[] = { (char *) NEXUS_PROTOCOL_SUBPROTOCOL, NULL };

  host->status = status;
  host->server = soup_server_new (NULL, NULL);
  /* Runs before the handshake, which a status set here skips. */
  soup_server_add_handler (host->server, "/ws", fake_host_answer, host, NULL);
  soup_server_add_websocket_handler (host->server, "/ws", NULL, protocols,
                                     fake_host_on_websocket, host, NULL);
  host->service = nexus_test_soup_serve (host->server, &host->port);
  return host;
}

static void
fake_host_free (FakeHost *host)
{
  g_clear_object (&host->ws);
  g_signal_handlers_disconnect_by_data (host->service, host);
  g_socket_service_stop (host->service);
  g_socket_listener_close (G_SOCKET_LISTENER (host->service));
  g_clear_object (&host->service);
  soup_server_disconnect (host->server);
  g_clear_object (&host->server);
  g_free (host);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeHost, fake_host_free)

/* The WebSocket opens, but no welcome ever comes. */
static void
test_no_welcome (void)
{
  g_autoptr(FakeHost) host = fake_host_new (0);
  g_autoptr(NexusClient) client = join_and_fail ("127.0.0.1", host->port, SHORT_TIMEOUT_MS);

  g_assert_nonnull (host->ws);
  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_TIMED_OUT);
  g_assert_cmpstr (nexus_client_get_error_message (client), ==,
                   "127.0.0.1 answered, but Nexus Chat there did not respond in time. Try "
                   "again in a moment, or ask the host to restart Nexus Chat.");
}

/* Another web server on that port. */
static void
test_not_nexus (void)
{
  g_autoptr(FakeHost) host = fake_host_new (SOUP_STATUS_NOT_FOUND);
  g_autoptr(NexusClient) client = join_and_fail ("127.0.0.1", host->port, 0);
  g_autofree char *expected = NULL;

  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_NOT_NEXUS);
  expected = g_strdup_printf ("Something answered at 127.0.0.1, port %u, but it is not Nexus "
                              "Chat. Check the address in the invite link.", host->port);
  g_assert_cmpstr (nexus_client_get_error_message (client), ==, expected);
}

/* A host at its connection limit refuses the upgrade with 503. */
static void
test_busy (void)
{
  g_autoptr(FakeHost) host = fake_host_new (SOUP_STATUS_SERVICE_UNAVAILABLE);
  g_autoptr(NexusClient) client = join_and_fail ("127.0.0.1", host->port, 0);

  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_BUSY);
  g_assert_cmpstr (nexus_client_get_error_message (client), ==,
                   "The host 127.0.0.1 has too many people connected right now. Try again "
                   "in a moment.");
}

/* A resolver that knows no name, so a name that is not found is the same
 * everywhere, with or without DNS. */
#define TEST_TYPE_NO_NAMES_RESOLVER (test_no_names_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestNoNamesResolver, test_no_names_resolver, TEST, NO_NAMES_RESOLVER,
                      GResolver)

struct _TestNoNamesResolver
{
  GResolver parent_instance;
};

G_DEFINE_FINAL_TYPE (TestNoNamesResolver, test_no_names_resolver, G_TYPE_RESOLVER)

static void
no_names_lookup_async (GResolver               *resolver,
                       const char              *hostname,
                       GResolverNameLookupFlags flags,
                       GCancellable            *cancellable,
                       GAsyncReadyCallback      callback,
                       gpointer                 user_data)
{
  g_task_report_new_error (resolver, callback, user_data, no_names_lookup_async,
                           G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                           "No name “%s” here", hostname);
}

static GList *
no_names_lookup_finish (GResolver     *resolver,
                        GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_no_names_resolver_class_init (TestNoNamesResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name_with_flags_async = no_names_lookup_async;
  resolver_class->lookup_by_name_with_flags_finish = no_names_lookup_finish;
}

static void
test_no_names_resolver_init (TestNoNamesResolver *self)
{
}

static void
test_host_not_found (void)
{
  g_autoptr(GResolver) system = g_resolver_get_default ();
  g_autoptr(GResolver) none = g_object_new (TEST_TYPE_NO_NAMES_RESOLVER, NULL);
  g_autoptr(NexusClient) client = NULL;

  g_resolver_set_default (none);
  client = join_and_fail ("ada-laptop.invalid", 47474, 0);
  g_resolver_set_default (system);

  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_HOST_NOT_FOUND);
  g_assert_cmpstr (nexus_client_get_error_message (client), ==,
                   "No computer called “ada-laptop.invalid” was found on the network. Check "
                   "the address in the invite link.");
}

static const char unreachable_sentence[] =
  "Can’t reach %s from this computer. Check that you’re on the same Wi-Fi or network as the "
  "host — guest networks often keep devices apart.";

static void
assert_unreachable (const char *host)
{
  g_autoptr(NexusClient) client = join_and_fail (host, 9, 0);
  g_autofree char *expected = g_strdup_printf (unreachable_sentence, host);

  g_assert_cmpint (nexus_client_get_failure (client), ==, NEXUS_CLIENT_FAILURE_UNREACHABLE);
  g_assert_cmpstr (nexus_client_get_error_message (client), ==, expected);
}

/* The kernel refuses TCP to a multicast address with the same error as to
 * a network it has no route to, on any machine. */
static void
test_unreachable (void)
{
  assert_unreachable ("224.0.0.1");
}

static gboolean
can_make_network_namespace (void)
{
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    _exit (unshare (CLONE_NEWNET) == 0 ? 0 : 1);
  if (pid < 0 || waitpid (pid, &status, 0) != pid)
    return FALSE;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* A computer with no route to the host's network: in a network namespace
 * of its own, with no interface up, TEST-NET-1 is nowhere. */
static void
test_no_route (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (unshare (CLONE_NEWNET), ==, 0);
      assert_unreachable ("192.0.2.1");
      return;
    }

  if (!can_make_network_namespace ())
    {
      g_test_skip ("cannot make a network namespace here (it needs root)");
      return;
    }
  g_test_trap_subprocess (NULL, 15 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

void
test_client_add_failures (void)
{
  g_test_add_func ("/client/fail/refused", test_refused);
  g_test_add_func ("/client/fail/timed-out-connecting", test_timed_out_connecting);
  g_test_add_func ("/client/fail/timed-out-after-connecting", test_timed_out_after_connecting);
  g_test_add_func ("/client/fail/no-welcome", test_no_welcome);
  g_test_add_func ("/client/fail/not-nexus", test_not_nexus);
  g_test_add_func ("/client/fail/busy", test_busy);
  g_test_add_func ("/client/fail/host-not-found", test_host_not_found);
  g_test_add_func ("/client/fail/unreachable", test_unreachable);
  g_test_add_func ("/client/fail/no-route", test_no_route);
}
