/* nexus-server-listen.c: the server's sockets and the connections it takes
 *
 * The server accepts connections itself and hands each to libsoup with
 * soup_server_accept_iostream(), for three reasons:
 *   - libsoup 3.2's listener removes its accept source for good the first
 *     time accept() fails: one moment without a free file descriptor
 *     (1 500 idle connections do it) and nobody could ever connect again.
 *     Here a failed accept pauses accepting for ACCEPT_RETRY_MS.
 *   - its listen calls keep GSocket's backlog of 10, and a room of people
 *     reconnecting at once after a network blip would stall behind it.
 *   - every connection that has not yet become a WebSocket is watched:
 *     the whole request within 15 s, the whole exchange within 60 s
 *     (request_timeout_ms, exchange_timeout_ms of the limits), at
 *     most PENDING_PER_ADDRESS of them from one address and pending_limit
 *     in all (the oldest goes first). A connection that never finishes
 *     its headers cannot stay.
 * Without a listener of its own, libsoup answers each request and then
 * closes the connection (no keep-alive), which suits a LAN and leaves no
 * idle connections to watch.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>

#include "nexus-server-private.h"

#define LISTEN_BACKLOG        512
#define ACCEPT_BATCH          64
#define ACCEPT_RETRY_MS       100
/* Descriptors kept for everything else the process opens (the window's
 * files, fonts, D-Bus, …) when the budget is worked out. */
#define DESCRIPTOR_RESERVE    64
#define PENDING_MAX           256
#define PENDING_PER_ADDRESS   64

struct _NexusPending {
  GSocketConnection *connection;
  char              *key;          /* remote address and port */
  char              *address;      /* remote address */
  gint64             accepted_at;
  gboolean           served;       /* its request was read and handled */
  gboolean           transfer;     /* a file's bytes: watched by their own deadline */
  GList             *link;         /* in pending_order */
};

/* Descriptors */

/* The soft limit on open files, raised to the hard one: a desktop
 * session's usual 1 024 would be used up by as many idle connections. */
static rlim_t
raise_descriptor_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024;
  if (limit.rlim_cur < limit.rlim_max)
    {
      struct rlimit raised = { limit.rlim_max, limit.rlim_max };

      if (setrlimit (RLIMIT_NOFILE, &raised) == 0)
        limit = raised;
    }
  return limit.rlim_cur;
}

/* How many connections the descriptors allow, pending and WebSocket. */
static void
server_plan_budget (NexusServer *self)
{
  rlim_t descriptors = raise_descriptor_limit ();
  guint usable = descriptors > DESCRIPTOR_RESERVE + 8
                 ? (guint) MIN (descriptors - DESCRIPTOR_RESERVE, G_MAXINT) : 8;

  self->pending_limit = CLAMP (usable / 4, 2, PENDING_MAX);
  self->peer_limit = MAX (1, MIN ((guint) self->limits.max_connections,
                                  usable - self->pending_limit));
}

/* Pending connections */

static void
pending_free (NexusPending *pending)
{
  g_clear_object (&pending->connection);
  g_free (pending->key);
  g_free (pending->address);
  g_free (pending);
}

void
_nexus_server_pending_init (NexusServer *self)
{
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) pending_free);
  g_queue_init (&self->pending_order);
  self->pending_limit = PENDING_MAX;
  self->peer_limit = (guint) MAX (self->limits.max_connections, 1);
}

void
_nexus_server_pending_clear (NexusServer *self)
{
  if (self->pending == NULL)
    return;
  g_queue_clear (&self->pending_order);
  g_clear_pointer (&self->pending, g_hash_table_unref);
}

guint
_nexus_server_get_n_pending (NexusServer *self)
{
  return self->pending != NULL ? g_hash_table_size (self->pending) : 0;
}

static guint
pending_count_address (NexusServer *self,
                       const char  *address)
{
  guint n = 0;

  for (GList *l = self->pending_order.head; l != NULL; l = l->next)
    if (g_str_equal (((NexusPending *) l->data)->address, address))
      n++;
  return n;
}

/* Forgets the connection; with @close, ends it too. libsoup sees the
 * end of the stream, lets its side go and closes the descriptor, with a
 * reset, so that a peer that was sending (an upload) hears of it at once. */
static void
pending_remove (NexusServer  *self,
                NexusPending *pending,
                gboolean      close)
{
  if (close)
    {
      GSocket *socket = g_socket_connection_get_socket (pending->connection);

      _nexus_socket_reset_on_close (socket);
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
  g_queue_delete_link (&self->pending_order, pending->link);
  g_hash_table_remove (self->pending, pending->key);
}

static void
pending_evict_oldest (NexusServer *self)
{
  NexusPending *oldest = g_queue_peek_head (&self->pending_order);

  if (oldest != NULL)
    pending_remove (self, oldest, TRUE);
}

static char *
pending_key_for (GSocketAddress *remote)
{
  return g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (remote));
}

static NexusPending *
pending_for_message (NexusServer       *self,
                     SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  g_autofree char *key = NULL;

  if (remote == NULL || self->pending == NULL)
    return NULL;
  key = pending_key_for (remote);
  return g_hash_table_lookup (self->pending, key);
}

/* Its request has been read: from now on only the exchange's deadline. */
void
_nexus_server_pending_served (NexusServer       *self,
                              SoupServerMessage *msg)
{
  NexusPending *pending = pending_for_message (self, msg);

  if (pending != NULL)
    pending->served = TRUE;
}

/* The request moves a file's bytes, which may take longer than an HTTP
 * exchange may: the transfer's stall deadline watches it instead
 * (nexus-server-transfer.c). It still counts against the pending limits.
 * Returns the connection, to cut it with, or NULL. */
GSocketConnection *
_nexus_server_pending_start_transfer (NexusServer       *self,
                                      SoupServerMessage *msg)
{
  NexusPending *pending = pending_for_message (self, msg);

  if (pending == NULL)
    return NULL;
  pending->transfer = TRUE;
  return pending->connection;
}

/* The connection has become a WebSocket (or is finished): it no longer
 * counts as pending. */
static void
pending_done (NexusServer       *self,
              SoupServerMessage *msg)
{
  NexusPending *pending = pending_for_message (self, msg);

  if (pending != NULL)
    pending_remove (self, pending, FALSE);
}

void
_nexus_server_pending_upgraded (NexusServer       *self,
                                SoupServerMessage *msg)
{
  pending_done (self, msg);
}

static void
on_request_finished (SoupServer        *soup,
                     SoupServerMessage *msg,
                     NexusServer       *self)
{
  /* No keep-alive: a finished request is a finished connection. */
  pending_done (self, msg);
}

/* The deadlines, from the server's tick. */
void
_nexus_server_pending_tick (NexusServer *self,
                            gint64       now)
{
  gint64 request_deadline = (gint64) self->limits.request_timeout_ms * 1000;
  gint64 exchange_deadline = (gint64) self->limits.exchange_timeout_ms * 1000;
  GList *l = self->pending_order.head;

  while (l != NULL)
    {
      NexusPending *pending = l->data;
      gint64 age = now - pending->accepted_at;

      l = l->next;
      if (g_socket_is_closed (g_socket_connection_get_socket (pending->connection)))
        pending_remove (self, pending, FALSE);
      else if (!pending->transfer
               && ((!pending->served && age >= request_deadline) || age >= exchange_deadline))
        pending_remove (self, pending, TRUE);
    }
}

/* Accepting */

static void server_start_accepting (NexusServer *self);

static void
server_take_connection (NexusServer *self,
                        GSocket     *socket)
{
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autofree char *address = NULL;
  NexusPending *pending;

  if (!G_IS_INET_SOCKET_ADDRESS (remote) || local == NULL || self->shutdown_task != NULL)
    {
      g_socket_close (socket, NULL);
      return;
    }

  address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  if (pending_count_address (self, address) >= PENDING_PER_ADDRESS)
    {
      g_socket_close (socket, NULL);
      return;
    }
  if (g_hash_table_size (self->pending) >= self->pending_limit)
    pending_evict_oldest (self);

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  connection = g_socket_connection_factory_create_connection (socket);

  pending = g_new0 (NexusPending, 1);
  pending->connection = g_object_ref (connection);
  pending->key = pending_key_for (remote);
  pending->address = g_steal_pointer (&address);
  pending->accepted_at = g_get_monotonic_time ();
  g_queue_push_tail (&self->pending_order, pending);
  pending->link = self->pending_order.tail;
  g_hash_table_replace (self->pending, pending->key, pending);
  _nexus_server_update_tick (self);

  soup_server_accept_iostream (self->soup, G_IO_STREAM (connection), local, remote, NULL);
}

static gboolean
on_accept_retry (gpointer user_data)
{
  NexusServer *self = user_data;

  self->accept_retry_id = 0;
  server_start_accepting (self);
  return G_SOURCE_REMOVE;
}

static void
server_stop_accepting (NexusServer *self)
{
  if (self->accept_sources == NULL)
    return;
  for (guint i = 0; i < self->accept_sources->len; i++)
    g_source_destroy (g_ptr_array_index (self->accept_sources, i));
  g_ptr_array_set_size (self->accept_sources, 0);
}

/* accept() failed (no descriptor left, most often): the waiting
 * connections stay in the kernel's backlog, the oldest pending one makes
 * room, and accepting starts again in a moment. */
static void
server_accept_failed (NexusServer *self,
                      GError      *error)
{
  self->n_accept_failures++;
  g_debug ("accept() failed, trying again in %d ms: %s", ACCEPT_RETRY_MS, error->message);
  pending_evict_oldest (self);
  server_stop_accepting (self);
  if (self->accept_retry_id == 0)
    self->accept_retry_id = g_timeout_add (ACCEPT_RETRY_MS, on_accept_retry, self);
}

static gboolean
on_listener_readable (GSocket      *listener,
                      GIOCondition  condition,
                      gpointer      user_data)
{
  NexusServer *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);

      if (socket == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;
          server_accept_failed (self, error);
          return G_SOURCE_REMOVE;
        }
      server_take_connection (self, socket);
    }
  return G_SOURCE_CONTINUE;
}

static void
server_start_accepting (NexusServer *self)
{
  server_stop_accepting (self);
  for (guint i = 0; i < self->listeners->len; i++)
    {
      GSocket *listener = g_ptr_array_index (self->listeners, i);
      g_autoptr(GSource) source = g_socket_create_source (listener, G_IO_IN, NULL);

      g_source_set_callback (source, G_SOURCE_FUNC (on_listener_readable), self, NULL);
      g_source_set_static_name (source, "NexusServer accept");
      g_source_attach (source, NULL);
      g_ptr_array_add (self->accept_sources, g_source_ref (source));
    }
}

void
_nexus_server_stop_listening (NexusServer *self)
{
  server_stop_accepting (self);
  g_clear_handle_id (&self->accept_retry_id, g_source_remove);
  if (self->listeners != NULL)
    {
      for (guint i = 0; i < self->listeners->len; i++)
        g_socket_close (g_ptr_array_index (self->listeners, i), NULL);
      g_ptr_array_set_size (self->listeners, 0);
    }
  if (self->soup != NULL)
    g_signal_handlers_disconnect_by_func (self->soup, on_request_finished, self);
}

/* Listening */

/* Listens on one address with a socket of our own. */
static gboolean
server_listen_on_address (NexusServer   *self,
                          GInetAddress  *address,
                          guint          port,
                          guint         *bound_port,
                          GError       **error)
{
  GSocketFamily family = g_inet_address_get_family (address);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return FALSE;
  /* IPv6 "any" must not claim IPv4 too: that socket is bound separately. */
  if (family == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);

  socket_address = g_inet_socket_address_new (address, port);
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;
  *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
  g_ptr_array_add (self->listeners, g_steal_pointer (&socket));
  return TRUE;
}

static gboolean
server_listen_on (NexusServer  *self,
                  const char   *bind_address,
                  guint         port,
                  GError      **error)
{
  g_autoptr(GInetAddress) any4 = NULL;
  g_autoptr(GInetAddress) any6 = NULL;
  g_autoptr(GError) ipv6_error = NULL;
  guint bound = 0;

  if (bind_address != NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (bind_address);

      if (address == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” is not an IP address", bind_address);
          return FALSE;
        }
      if (!server_listen_on_address (self, address, port, &bound, error))
        return FALSE;
    }
  else
    {
      /* Every interface: IPv4, then IPv6 on the same port where the host
       * has IPv6 at all. */
      any4 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
      if (!server_listen_on_address (self, any4, port, &bound, error))
        return FALSE;
      any6 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
      if (!server_listen_on_address (self, any6, bound, &bound, &ipv6_error)
          && g_error_matches (ipv6_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          g_propagate_error (error, g_steal_pointer (&ipv6_error));
          return FALSE;
        }
    }

  self->port = bound;
  return TRUE;
}

/* @port: a port, NEXUS_SERVER_PORT_ANY, or NEXUS_SERVER_PORT_DEFAULT to try
 * 47474 and then the next ones up to 47483. */
gboolean
nexus_server_listen (NexusServer  *self,
                     const char   *bind_address,
                     int           port,
                     GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (NEXUS_IS_SERVER (self), FALSE);
  g_return_val_if_fail (port >= NEXUS_SERVER_PORT_DEFAULT && port <= 65535, FALSE);
  g_return_val_if_fail (self->listeners->len == 0, FALSE);

  if (!nexus_server_limits_validate (&self->limits, error))
    return FALSE;

  if (port != NEXUS_SERVER_PORT_DEFAULT)
    {
      if (!server_listen_on (self, bind_address, (guint) port, error))
        {
          _nexus_server_stop_listening (self);
          return FALSE;
        }
    }
  else
    {
      for (guint candidate = NEXUS_SERVER_PORT_FIRST; candidate <= NEXUS_SERVER_PORT_LAST; candidate++)
        {
          g_clear_error (&local_error);
          if (server_listen_on (self, bind_address, candidate, &local_error))
            break;
          /* A half-made listen (IPv4 bound, IPv6 not) must not linger. */
          _nexus_server_stop_listening (self);
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            break;
        }
      if (local_error != NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                         "Ports %d to %d are all in use", NEXUS_SERVER_PORT_FIRST,
                         NEXUS_SERVER_PORT_LAST);
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  g_free (self->bind_address);
  self->bind_address = g_strdup (bind_address);
  server_plan_budget (self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_finished), self);
  server_start_accepting (self);
  _nexus_server_files_start (self);
  return TRUE;
}
