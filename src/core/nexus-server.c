/* nexus-server.c: the embedded HTTP and WebSocket server and its rooms
 *
 * Bytes come in on a WebSocket, nexus-protocol parses and validates them,
 * NexusRoom decides and stores, and the server fans the resulting frames
 * out. Everything runs on the caller's main context and nothing here
 * blocks: the host's window shares this loop. nexus-server-private.h
 * says which file holds which part.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-code.h"
#include "nexus-server-private.h"

#define TICK_INTERVAL_MS        250
#define SHUTDOWN_TIMEOUT_MS     3000
#define FAILED_JOINS_PRUNE_US   (5 * G_USEC_PER_SEC)

G_DEFINE_FINAL_TYPE (NexusServer, nexus_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PERSISTENCE_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
server_has_detached (NexusServer *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (nexus_room_get_n_detached (value) > 0)
      return TRUE;
  return FALSE;
}

/* A snapshot, for loops that may close (and so free) peers. */
GPtrArray *
_nexus_server_list_peers (NexusServer *self)
{
  GPtrArray *peers = g_ptr_array_sized_new (g_hash_table_size (self->peers));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (peers, key);
  return peers;
}

static int
compare_unread_descending (gconstpointer a,
                           gconstpointer b)
{
  gsize unread_a = nexus_peer_get_unread (*(NexusPeer **) a);
  gsize unread_b = nexus_peer_get_unread (*(NexusPeer **) b);

  return unread_a < unread_b ? 1 : unread_a > unread_b ? -1 : 0;
}

/* What all peers leave unread together stays under its budget (checked on
 * every send, through the streams' running total): past it, the peers
 * holding the most are cut (like a lost network, so they may
 * resume) until a quarter of the budget is free again. Peers that read
 * hold next to nothing, so it is the ones that do not that go. */
void
_nexus_server_enforce_unread_budget (NexusServer *self)
{
  gsize budget = (gsize) self->limits.unread_total_bytes;
  gsize total = nexus_server_get_unread_bytes (self);
  g_autoptr(GPtrArray) peers = NULL;

  if (total <= budget)
    return;

  peers = _nexus_server_list_peers (self);
  g_ptr_array_sort (peers, compare_unread_descending);
  for (guint i = 0; i < peers->len && total > budget - budget / 4; i++)
    {
      NexusPeer *peer = g_ptr_array_index (peers, i);

      total -= nexus_peer_get_unread (peer);
      nexus_peer_drop (peer);
    }
}

/* The periodic tick: deadlines of connections, pings and pong timeouts,
 * grace periods, and pruning what must not grow. */

static void
server_tick_peers (NexusServer *self,
                   gint64       now)
{
  gint64 first_frame_deadline = (gint64) self->limits.first_frame_timeout_ms * 1000;
  gint64 ping_interval = (gint64) self->limits.ping_interval_seconds * G_USEC_PER_SEC;
  gint64 pong_timeout = (gint64) self->limits.pong_timeout_seconds * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) drop = g_ptr_array_new ();
  g_autoptr(GPtrArray) late = g_ptr_array_new ();
  gboolean ping_round = FALSE;
  GHashTableIter iter;
  gpointer key;

  /* Every peer is pinged in one round, from this one timer: the pongs come
   * back together and wake the loop a few times, however many connections
   * there are. */
  if (now - self->last_ping_round >= ping_interval)
    {
      ping_round = TRUE;
      self->last_ping_round = now;
    }

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      NexusPeer *peer = key;

      if (peer->ended)
        continue;
      if (peer->member == NULL && now - peer->connected_at >= first_frame_deadline)
        g_ptr_array_add (late, peer);
      else if (now - peer->last_pong >= pong_timeout)
        g_ptr_array_add (drop, peer);
      else if (ping_round && nexus_peer_can_send (peer)
               && !nexus_frame_output_stream_send_ping (peer->output))
        g_ptr_array_add (drop, peer);
    }
  for (guint i = 0; i < late->len; i++)
    nexus_peer_end (g_ptr_array_index (late, i), NEXUS_CLOSE_POLICY,
                    "No create, join or resume within the time allowed");
  for (guint i = 0; i < drop->len; i++)
    nexus_peer_drop (g_ptr_array_index (drop, i));
}

static void
server_tick_grace (NexusServer *self,
                   gint64       now)
{
  gint64 grace = (gint64) self->limits.grace_seconds * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) rooms = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (nexus_room_get_n_detached (value) > 0)
      g_ptr_array_add (rooms, value);

  for (guint r = 0; r < rooms->len; r++)
    {
      NexusRoom *room = g_ptr_array_index (rooms, r);
      g_autoptr(GPtrArray) expired = nexus_room_expired_members (room, now, grace);

      /* The room may be deleted by the last removal: stop touching it. */
      for (guint i = 0; i < expired->len; i++)
        _nexus_server_remove_member (self, room, g_ptr_array_index (expired, i));
    }
}

static gboolean
server_tick (gpointer user_data)
{
  NexusServer *self = user_data;
  gint64 now = g_get_monotonic_time ();

  _nexus_server_pending_tick (self, now);
  server_tick_peers (self, now);
  server_tick_grace (self, now);
  _nexus_server_enforce_unread_budget (self);
  if (now - self->last_failed_joins_prune >= FAILED_JOINS_PRUNE_US)
    {
      self->last_failed_joins_prune = now;
      _nexus_server_failed_joins_prune (self);
    }

  if (g_hash_table_size (self->peers) == 0 && _nexus_server_get_n_pending (self) == 0
      && !server_has_detached (self) && g_hash_table_size (self->failed_joins) == 0)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The tick runs only while there is something to watch. */
void
_nexus_server_update_tick (NexusServer *self)
{
  if (self->tick_id == 0
      && (g_hash_table_size (self->peers) > 0 || _nexus_server_get_n_pending (self) > 0
          || server_has_detached (self) || g_hash_table_size (self->failed_joins) > 0))
    self->tick_id = g_timeout_add (TICK_INTERVAL_MS, server_tick, self);
}

/* Object */

static void
nexus_server_dispose (GObject *object)
{
  NexusServer *self = NEXUS_SERVER (object);

  _nexus_server_stop_listening (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  /* Peers first: their members point into the rooms. */
  if (self->peers != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->peers);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          NexusPeer *peer = key;

          g_signal_handlers_disconnect_by_data (peer->ws, peer);
          if (soup_websocket_connection_get_state (peer->ws) != SOUP_WEBSOCKET_STATE_CLOSED)
            g_io_stream_close (soup_websocket_connection_get_io_stream (peer->ws), NULL, NULL);
        }
    }
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->rooms, g_hash_table_unref);
  /* After the rooms, whose ends let their files go. */
  _nexus_server_files_clear (self);
  _nexus_server_persist_clear (self);
  _nexus_server_nearby_clear (self);
  g_clear_pointer (&self->failed_joins, g_hash_table_unref);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  _nexus_server_pending_clear (self);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (nexus_server_parent_class)->dispose (object);
}

static void
nexus_server_finalize (GObject *object)
{
  NexusServer *self = NEXUS_SERVER (object);

  g_free (self->bind_address);
  g_free (self->host_name);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_pointer (&self->accept_sources, g_ptr_array_unref);
  nexus_server_limits_clear (&self->limits);

  G_OBJECT_CLASS (nexus_server_parent_class)->finalize (object);
}

static void
nexus_server_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NexusServer *self = NEXUS_SERVER (object);

  switch (prop_id)
    {
    case PROP_PERSISTENCE_PROBLEM:
      g_value_set_string (value, nexus_server_get_persistence_problem (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
drop_log_message (const char     *log_domain,
                  GLogLevelFlags  log_level,
                  const char     *message,
                  gpointer        user_data)
{
}

static void
nexus_server_class_init (NexusServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_server_dispose;
  object_class->finalize = nexus_server_finalize;
  object_class->get_property = nexus_server_get_property;

  /* A sentence for the host while its rooms cannot be saved, else NULL:
   * the window and the headless mode show it (nexus-server-persist.c). */
  properties[PROP_PERSISTENCE_PROBLEM] =
    g_param_spec_string ("persistence-problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* libsoup 3.2 logs debug messages for every WebSocket frame it reads
   * or writes. GLib's default handler drops them, but only after reading
   * G_MESSAGES_DEBUG again for each one (tests/bench/README.md). When
   * nobody asked for them, they are dropped at once. */
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, "libsoup"))
    g_log_set_handler ("libsoup", G_LOG_LEVEL_DEBUG, drop_log_message, NULL);

  /* A room was made or deleted, got a member more or fewer, or was shown
   * to people nearby or hidden: nexus_server_list_rooms() has changed. */
  g_signal_new ("rooms-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
nexus_server_init (NexusServer *self)
{
  nexus_server_limits_init_default (&self->limits);
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) nexus_room_free);
  _nexus_server_nearby_init (self);
  self->peers = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) nexus_peer_free, NULL);
  self->failed_joins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_array_unref);
  self->listeners = g_ptr_array_new_with_free_func (g_object_unref);
  self->accept_sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->host_name = g_ascii_strdown (g_get_host_name (), -1);
  _nexus_server_pending_init (self);
  _nexus_server_files_init (self);
  _nexus_server_persist_init (self);

  self->soup = soup_server_new ("server-header", "nexus-chat/" PACKAGE_VERSION " ", NULL);
  _nexus_server_add_handlers (self);
}

NexusServer *
nexus_server_new (const NexusServerLimits *limits)
{
  NexusServer *self = g_object_new (NEXUS_TYPE_SERVER, NULL);

  if (limits != NULL)
    {
      self->limits = *limits;
      self->limits.allowed_hosts = g_strdupv (limits->allowed_hosts);
      self->limits.files_dir = g_strdup (limits->files_dir);
    }

  return self;
}

/* Counts */

guint
nexus_server_get_port (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), 0);

  return self->port;
}

const char *
nexus_server_get_bind_address (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), NULL);

  return self->bind_address;
}

guint
nexus_server_get_n_rooms (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), 0);

  return g_hash_table_size (self->rooms);
}

guint
nexus_server_get_n_connections (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), 0);

  return g_hash_table_size (self->peers);
}

/* Connections accepted that are not (yet) WebSockets. */
guint
nexus_server_get_n_pending (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), 0);

  return _nexus_server_get_n_pending (self);
}

/* What the peers have left unread, together. */
gsize
nexus_server_get_unread_bytes (NexusServer *self)
{
  GHashTableIter iter;
  gpointer key;
  gsize total = 0;

  g_return_val_if_fail (NEXUS_IS_SERVER (self), 0);

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    total += nexus_peer_get_unread (key);
  return total;
}

guint
nexus_server_get_n_members (NexusServer *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (NEXUS_IS_SERVER (self), 0);

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += nexus_room_get_n_members (value);
  return n;
}

gboolean
nexus_server_has_room (NexusServer *self,
                       const char  *code)
{
  g_autofree char *normal = NULL;

  g_return_val_if_fail (NEXUS_IS_SERVER (self), FALSE);

  normal = nexus_code_normalize (code);
  return normal != NULL && g_hash_table_contains (self->rooms, normal);
}

/* Cuts every WebSocket as a failing network would: no close frame, and
 * every member keeps its grace period. */
void
nexus_server_drop_connections (NexusServer *self)
{
  g_autoptr(GPtrArray) peers = NULL;

  g_return_if_fail (NEXUS_IS_SERVER (self));

  peers = _nexus_server_list_peers (self);
  for (guint i = 0; i < peers->len; i++)
    {
      NexusPeer *peer = g_ptr_array_index (peers, i);

      if (!peer->ended)
        nexus_peer_drop (peer);
    }
}

/* Shutdown */

void
_nexus_server_check_shutdown_done (NexusServer *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->shutdown_task == NULL || g_hash_table_size (self->peers) > 0)
    return;

  task = g_steal_pointer (&self->shutdown_task);
  g_clear_handle_id (&self->shutdown_timeout_id, g_source_remove);
  g_task_return_boolean (task, TRUE);
}

static gboolean
on_shutdown_timeout (gpointer user_data)
{
  NexusServer *self = user_data;
  g_autoptr(GPtrArray) peers = _nexus_server_list_peers (self);

  self->shutdown_timeout_id = 0;
  /* Peers that never answered the close frame are cut; their "closed"
   * comes at once and lets them go. */
  for (guint i = 0; i < peers->len; i++)
    nexus_peer_close_now (g_ptr_array_index (peers, i));
  g_hash_table_remove_all (self->peers);
  _nexus_server_check_shutdown_done (self);
  return G_SOURCE_REMOVE;
}

/* Stops listening, sends every member close code 1001 and finishes when
 * every connection has closed (or after a few seconds). The rooms end. */
void
nexus_server_shutdown_async (NexusServer         *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) peers = NULL;

  g_return_if_fail (NEXUS_IS_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_server_shutdown_async);
  if (self->shutdown_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The server is already shutting down");
      return;
    }
  self->shutdown_task = g_steal_pointer (&task);

  _nexus_server_stop_listening (self);
  soup_server_disconnect (self->soup);
  peers = _nexus_server_list_peers (self);
  for (guint i = 0; i < peers->len; i++)
    {
      NexusPeer *peer = g_ptr_array_index (peers, i);

      nexus_peer_unlink (peer);
      nexus_peer_end (peer, NEXUS_CLOSE_GOING_AWAY, "The host closed the room.");
    }
  /* The host closed its rooms on purpose: they go from its database too. */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, self->rooms);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      _nexus_server_persist_room_gone (self, key);
  }
  g_hash_table_remove_all (self->rooms);
  g_hash_table_remove_all (self->nearby);
  _nexus_server_rooms_changed (self);

  self->shutdown_timeout_id = g_timeout_add (SHUTDOWN_TIMEOUT_MS, on_shutdown_timeout, self);
  _nexus_server_check_shutdown_done (self);
}

gboolean
nexus_server_shutdown_finish (NexusServer   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
