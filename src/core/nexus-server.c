/* nexus-server.c: the embedded HTTP and WebSocket server and its rooms
 *
 * Bytes come in on a WebSocket, nexus-protocol parses and validates them,
 * NexusRoom decides and stores, and this file fans the resulting frames
 * out. Everything runs on the caller's main context and nothing here
 * blocks: the host's window shares this loop.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <netinet/in.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-frame-io-stream.h"
#include "nexus-protocol.h"
#include "nexus-web-resources.h"
#include "nexus-room.h"
#include "nexus-server.h"

#define WEB_RESOURCE_PREFIX "/io/github/nexuschat/NexusChat/web/"
#define TICK_INTERVAL_MS    250
#define SHUTDOWN_TIMEOUT_MS 3000
#define LISTEN_BACKLOG      512

/* Close codes of PROTOCOL.md and RFC 6455. */
#define CLOSE_NORMAL        1000
#define CLOSE_GOING_AWAY    1001
#define CLOSE_POLICY        1008
#define CLOSE_REPLACED      4001

typedef struct {
  NexusServer             *server;
  SoupWebsocketConnection *ws;
  NexusFrameOutputStream  *output;      /* our text frames go here, not through ws */
  char                    *address;
  NexusRoom               *room;        /* set once joined */
  NexusMember             *member;      /* set once joined */
  gint64                   connected_at;
  gint64                   last_pong;
  double                   tokens;
  gint64                   tokens_at;
  gint64                   last_rate_notice;
  gboolean                 ended;       /* a fatal error or a leave: no more frames */
} NexusPeer;

struct _NexusServer
{
  GObject            parent_instance;

  NexusServerLimits  limits;
  SoupServer        *soup;
  char              *bind_address;
  guint              port;
  GHashTable        *rooms;         /* code → NexusRoom */
  GHashTable        *peers;         /* NexusPeer set */
  GHashTable        *failed_joins;  /* address → GArray of monotonic µs */
  guint              n_detached;    /* members in their grace period */
  guint              tick_id;
  gint64             last_ping_round;
  GTask             *shutdown_task;
  guint              shutdown_timeout_id;
};

G_DEFINE_FINAL_TYPE (NexusServer, nexus_server, G_TYPE_OBJECT)

static void peer_end (NexusPeer *peer, gushort code, const char *reason);
static void server_update_tick (NexusServer *self);
static void server_check_shutdown_done (NexusServer *self);

/* Limits */

void
nexus_server_limits_init_default (NexusServerLimits *limits)
{
  *limits = (NexusServerLimits) {
    .grace_seconds = 30,
    .history = 1000,
    .max_members = 256,
    .max_rooms = 64,
    .max_connections = 1024,
    .rate = 5.0,
    .burst = 20,
    .failed_join_limit = 10,
    .failed_join_window = 60,
    .first_frame_timeout_ms = 10000,
    .ping_interval_seconds = 20,
    .pong_timeout_seconds = 60,
  };
}

gboolean
nexus_server_limits_validate (const NexusServerLimits  *limits,
                              GError                  **error)
{
  const struct { const char *flag; int value; int min; } checks[] = {
    { "--grace-seconds", limits->grace_seconds, 0 },
    { "--history", limits->history, 1 },
    { "--max-members", limits->max_members, 1 },
    { "--max-rooms", limits->max_rooms, 1 },
    { "--max-connections", limits->max_connections, 1 },
    { "--burst", limits->burst, 1 },
    { "--failed-joins", limits->failed_join_limit, 1 },
    { "first frame timeout", limits->first_frame_timeout_ms, 1 },
    { "ping interval", limits->ping_interval_seconds, 1 },
    { "pong timeout", limits->pong_timeout_seconds, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    if (checks[i].value < checks[i].min)
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "%s must be %d or more", checks[i].flag, checks[i].min);
        return FALSE;
      }

  if (!(limits->rate >= 0.0 && limits->rate <= 1e6))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--rate must be between 0 (no limit) and 1000000");
      return FALSE;
    }

  return TRUE;
}

GOptionEntry *
nexus_server_limits_option_entries (NexusServerLimits *limits)
{
  const GOptionEntry entries[] = {
    { "grace-seconds", 0, 0, G_OPTION_ARG_INT, &limits->grace_seconds,
      "How long a dropped member may resume before it has left (default 30)", "SECONDS" },
    { "history", 0, 0, G_OPTION_ARG_INT, &limits->history,
      "Events each room keeps for late joiners (default 1000)", "N" },
    { "max-members", 0, 0, G_OPTION_ARG_INT, &limits->max_members,
      "Members per room (default 256)", "N" },
    { "max-rooms", 0, 0, G_OPTION_ARG_INT, &limits->max_rooms,
      "Rooms at once (default 64)", "N" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &limits->max_connections,
      "Open WebSocket connections (default 1024)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &limits->rate,
      "Frames a second per connection after the burst; 0 turns the limit off (default 5)", "N" },
    { "burst", 0, 0, G_OPTION_ARG_INT, &limits->burst,
      "Frames a connection may send at once (default 20)", "N" },
    { "failed-joins", 0, 0, G_OPTION_ARG_INT, &limits->failed_join_limit,
      "Failed joins per address per minute before it is refused (default 10)", "N" },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

/* Sending */

static gboolean
peer_can_send (NexusPeer *peer)
{
  return soup_websocket_connection_get_state (peer->ws) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void peer_drop (NexusPeer *peer);

static void
peer_send_len (NexusPeer  *peer,
               const char *json,
               gsize       length)
{
  if (!peer_can_send (peer))
    return;
  /* A peer that has left megabytes unread is not reading: it is cut like a
   * lost network, and catches up with a resume if it ever comes back. */
  if (!nexus_frame_output_stream_send_text (peer->output, json, length))
    peer_drop (peer);
}

static void
peer_send (NexusPeer  *peer,
           const char *json)
{
  peer_send_len (peer, json, strlen (json));
}

static void
peer_send_error (NexusPeer      *peer,
                 NexusErrorCode  code,
                 const char     *message,
                 const char     *id)
{
  g_autofree char *json = nexus_frame_encode_error (code, message, id);

  peer_send (peer, json);
}

static void
peer_fail (NexusPeer      *peer,
           NexusErrorCode  code,
           const char     *message)
{
  peer_send_error (peer, code, message, NULL);
  peer_end (peer, CLOSE_POLICY, message);
}

/* One encode, N sends: the event's JSON was made when it happened. */
static void
room_broadcast (NexusServer    *self,
                NexusRoom      *room,
                const char     *json,
                gsize           length,
                NexusMember    *except)
{
  guint n = nexus_room_get_n_members (room);

  for (guint i = 0; i < n; i++)
    {
      NexusMember *member = nexus_room_get_member (room, i);

      if (member != except && member->attached && member->connection != NULL)
        peer_send_len (member->connection, json, length);
    }
}

/* Rooms and members */

static void
server_delete_room_if_empty (NexusServer *self,
                             NexusRoom   *room)
{
  if (nexus_room_get_n_members (room) == 0)
    g_hash_table_remove (self->rooms, nexus_room_get_code (room));
}

/* The member is gone for good: everyone in the room is told, the member
 * too while it is still connected (a leave). */
static void
server_remove_member (NexusServer *self,
                      NexusRoom   *room,
                      NexusMember *member)
{
  NexusPeer *peer = member->connection;
  NexusRoomEvent *left = NULL;

  if (!member->attached)
    self->n_detached--;
  if (peer != NULL)
    {
      peer->room = NULL;
      peer->member = NULL;
    }
  nexus_room_remove_member (room, member, &left);
  if (peer != NULL)
    peer_send_len (peer, left->json, left->json_length);
  room_broadcast (self, room, left->json, left->json_length, NULL);
  server_delete_room_if_empty (self, room);
}

/* The connection is gone but the member stays for the grace period. */
static void
peer_detach (NexusPeer *peer)
{
  NexusServer *self = peer->server;

  if (peer->member == NULL)
    return;

  nexus_room_detach_member (peer->room, peer->member, g_get_monotonic_time ());
  self->n_detached++;
  peer->member = NULL;
  peer->room = NULL;
  server_update_tick (self);
}

/* Peers */

static void
peer_free (NexusPeer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->ws, peer);
  g_clear_object (&peer->ws);
  g_clear_object (&peer->output);
  g_free (peer->address);
  g_free (peer);
}

static void
peer_end (NexusPeer  *peer,
          gushort     code,
          const char *reason)
{
  peer->ended = TRUE;
  if (soup_websocket_connection_get_state (peer->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (peer->ws, code, reason);
}

/* Cuts the TCP connection without a close frame, as a lost network would;
 * the member keeps its grace period. */
static void
peer_drop (NexusPeer *peer)
{
  peer_detach (peer);
  peer->ended = TRUE;
  g_io_stream_close (soup_websocket_connection_get_io_stream (peer->ws), NULL, NULL);
}

static void
on_peer_closed (SoupWebsocketConnection *ws,
                NexusPeer               *peer)
{
  NexusServer *self = peer->server;

  peer_detach (peer);
  g_hash_table_remove (self->peers, peer);
  server_update_tick (self);
  server_check_shutdown_done (self);
}

static void
on_peer_pong (SoupWebsocketConnection *ws,
              GBytes                  *message,
              NexusPeer               *peer)
{
  peer->last_pong = g_get_monotonic_time ();
}

/* The token bucket of PROTOCOL.md: every frame takes one token. */
static gboolean
peer_take_token (NexusPeer *peer)
{
  const NexusServerLimits *limits = &peer->server->limits;
  gint64 now;

  if (limits->rate <= 0.0)
    return TRUE;

  now = g_get_monotonic_time ();
  peer->tokens = MIN ((double) limits->burst,
                      peer->tokens + (double) (now - peer->tokens_at) * limits->rate / G_USEC_PER_SEC);
  peer->tokens_at = now;
  if (peer->tokens < 1.0)
    return FALSE;
  peer->tokens -= 1.0;
  return TRUE;
}

static void
peer_notice_rate_limited (NexusPeer *peer)
{
  gint64 now = g_get_monotonic_time ();

  /* At most one a second, so a flood cannot make us flood back. */
  if (now - peer->last_rate_notice < G_USEC_PER_SEC)
    return;
  peer->last_rate_notice = now;
  peer_send_error (peer, NEXUS_ERROR_RATE_LIMITED,
                   "You are sending too fast. Wait a moment and try again.", NULL);
}

/* Failed joins per address */

static GArray *
failed_joins_prune (NexusServer *self,
                    const char  *address)
{
  GArray *times = g_hash_table_lookup (self->failed_joins, address);
  gint64 cutoff = g_get_monotonic_time () - (gint64) self->limits.failed_join_window * G_USEC_PER_SEC;
  guint keep = 0;

  if (times == NULL)
    return NULL;

  while (keep < times->len && g_array_index (times, gint64, keep) <= cutoff)
    keep++;
  g_array_remove_range (times, 0, keep);
  if (times->len == 0)
    {
      g_hash_table_remove (self->failed_joins, address);
      return NULL;
    }
  return times;
}

static gboolean
failed_joins_over_limit (NexusServer *self,
                         const char  *address)
{
  GArray *times = failed_joins_prune (self, address);

  return times != NULL && times->len >= (guint) self->limits.failed_join_limit;
}

static void
failed_joins_record (NexusServer *self,
                     const char  *address)
{
  GArray *times = failed_joins_prune (self, address);
  gint64 now = g_get_monotonic_time ();

  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->failed_joins, g_strdup (address), times);
    }
  g_array_append_val (times, now);
  /* Only the newest limit-many matter; older ones cannot change the answer. */
  if (times->len > (guint) self->limits.failed_join_limit)
    g_array_remove_index (times, 0);
}

/* Welcome */

static char *
encode_welcome (NexusRoom   *room,
                NexusMember *member,
                GPtrArray   *history,
                gboolean     resumed,
                gboolean     gap)
{
  guint n_members = nexus_room_get_n_members (room);
  gsize size = 256;
  GString *out;

  for (guint i = 0; i < history->len; i++)
    size += ((NexusRoomEvent *) g_ptr_array_index (history, i))->json_length + 1;
  out = g_string_sized_new (size);

  g_string_append (out, "{\"type\":\"welcome\",\"room\":");
  nexus_json_append_string (out, nexus_room_get_code (room));
  g_string_append (out, ",\"name\":");
  nexus_json_append_string (out, member->name);
  g_string_append (out, ",\"session\":");
  nexus_json_append_string (out, member->session);
  g_string_append (out, ",\"members\":[");
  for (guint i = 0; i < n_members; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      nexus_json_append_string (out, nexus_room_get_member (room, i)->name);
    }
  g_string_append (out, "],\"history\":[");
  for (guint i = 0; i < history->len; i++)
    {
      NexusRoomEvent *event = g_ptr_array_index (history, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_len (out, event->json, (gssize) event->json_length);
    }
  g_string_append_printf (out, "],\"last_seq\":%" G_GINT64_FORMAT ",\"resumed\":%s",
                          nexus_room_get_last_seq (room), resumed ? "true" : "false");
  if (gap)
    g_string_append (out, ",\"gap\":true");
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

static void
peer_welcome (NexusPeer *peer,
              gint64     since_seq,
              gboolean   resumed)
{
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *json = NULL;
  gboolean gap = FALSE;

  history = nexus_room_history_since (peer->room, since_seq, &gap);
  json = encode_welcome (peer->room, peer->member, history, resumed, resumed && gap);
  peer_send (peer, json);
}

/* Frame handlers */

/* Checks the name of a create or join; the trimmed name, or NULL after
 * failing the peer. */
static char *
peer_check_name (NexusPeer  *peer,
                 NexusRoom  *room,
                 const char *raw_name)
{
  g_autofree char *name = nexus_name_normalize (raw_name);

  if (name == NULL)
    {
      peer_fail (peer, NEXUS_ERROR_NAME_INVALID,
                 "A name has 1 to 32 characters and no control characters. "
                 "Choose another name.");
      return NULL;
    }
  if (room != NULL && nexus_room_has_name (room, name))
    {
      peer_fail (peer, NEXUS_ERROR_NAME_TAKEN,
                 "Someone in this room already has that name. Choose another name.");
      return NULL;
    }
  return g_steal_pointer (&name);
}

static void
peer_attach (NexusPeer   *peer,
             NexusRoom   *room,
             NexusMember *member)
{
  peer->room = room;
  peer->member = member;
  nexus_room_attach_member (room, member, peer);
}

static void
handle_create (NexusPeer        *peer,
               NexusClientFrame *frame)
{
  NexusServer *self = peer->server;
  g_autofree char *name = NULL;
  g_autofree char *code = NULL;
  NexusMember *member;
  NexusRoom *room;

  if (g_hash_table_size (self->rooms) >= (guint) self->limits.max_rooms)
    {
      peer_fail (peer, NEXUS_ERROR_SERVER_FULL,
                 "This server has as many rooms as it can hold. Try again later.");
      return;
    }
  if ((name = peer_check_name (peer, NULL, frame->name)) == NULL)
    return;

  do
    {
      g_free (code);
      code = nexus_code_generate ();
    }
  while (g_hash_table_contains (self->rooms, code));

  room = nexus_room_new (code, (guint) self->limits.history);
  g_hash_table_insert (self->rooms, g_strdup (code), room);
  member = nexus_room_add_member (room, name, NULL);
  peer_attach (peer, room, member);
  peer_welcome (peer, 0, FALSE);
}

static void
handle_join (NexusPeer        *peer,
             NexusClientFrame *frame)
{
  NexusServer *self = peer->server;
  NexusRoom *room = g_hash_table_lookup (self->rooms, frame->room);
  NexusRoomEvent *joined = NULL;
  g_autofree char *name = NULL;
  NexusMember *member;

  if (room == NULL)
    {
      failed_joins_record (self, peer->address);
      peer_fail (peer, NEXUS_ERROR_ROOM_NOT_FOUND,
                 "There is no room with that code. Check the code, or ask the host "
                 "whether the room is still open.");
      return;
    }
  if ((name = peer_check_name (peer, room, frame->name)) == NULL)
    return;
  if (nexus_room_get_n_members (room) >= (guint) self->limits.max_members)
    {
      peer_fail (peer, NEXUS_ERROR_ROOM_FULL,
                 "This room is full. Ask the host to make room, or try again later.");
      return;
    }

  member = nexus_room_add_member (room, name, &joined);
  room_broadcast (self, room, joined->json, joined->json_length, member);
  peer_attach (peer, room, member);
  peer_welcome (peer, 0, FALSE);
}

static void
handle_resume (NexusPeer        *peer,
               NexusClientFrame *frame)
{
  NexusServer *self = peer->server;
  NexusRoom *room = g_hash_table_lookup (self->rooms, frame->room);
  NexusMember *member;

  /* A resume into an unknown room counts as a failed join as well: it
   * probes room codes just as a join does. */
  if (room == NULL)
    {
      failed_joins_record (self, peer->address);
      peer_fail (peer, NEXUS_ERROR_ROOM_NOT_FOUND,
                 "This room has ended: everyone left, or the host closed it.");
      return;
    }
  member = nexus_room_find_session (room, frame->session);
  if (member == NULL)
    {
      failed_joins_record (self, peer->address);
      peer_fail (peer, NEXUS_ERROR_SESSION_EXPIRED,
                 "You were away too long and your place in the room has gone. "
                 "Join the room again.");
      return;
    }

  if (member->attached && member->connection != NULL)
    {
      NexusPeer *old = member->connection;

      old->member = NULL;
      old->room = NULL;
      peer_end (old, CLOSE_REPLACED, "Replaced by a newer connection of this session");
    }
  else if (!member->attached)
    self->n_detached--;

  peer_attach (peer, room, member);
  peer_welcome (peer, frame->last_seq, TRUE);
}

static void
handle_say (NexusPeer        *peer,
            NexusClientFrame *frame,
            gboolean          have_token)
{
  NexusRoomEvent *event;

  /* A repeated id is answered with the original, to this client only:
   * that is what makes a retry after a drop exactly-once. */
  event = nexus_room_find_said (peer->room, peer->member, frame->id);
  if (event != NULL)
    {
      peer_send_len (peer, event->json, event->json_length);
      return;
    }
  if (!have_token)
    {
      peer_send_error (peer, NEXUS_ERROR_RATE_LIMITED,
                       "You are sending too fast. Wait a moment and send it again.", frame->id);
      return;
    }
  if (!nexus_text_is_valid (frame->text))
    {
      peer_send_error (peer, NEXUS_ERROR_TEXT_INVALID,
                       "A message has 1 to 4000 characters, not only spaces, and no control "
                       "characters other than line breaks and tabs.", frame->id);
      return;
    }

  event = nexus_room_append_message (peer->room, peer->member, frame->text, frame->id);
  room_broadcast (peer->server, peer->room, event->json, event->json_length, NULL);
}

static void
handle_typing (NexusPeer *peer)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *json = NULL;

  if (now - peer->member->last_typing < G_USEC_PER_SEC)
    return;
  peer->member->last_typing = now;
  json = nexus_frame_encode_typing_from (peer->member->name);
  room_broadcast (peer->server, peer->room, json, strlen (json), peer->member);
}

static void
handle_leave (NexusPeer *peer)
{
  NexusServer *self = peer->server;

  if (peer->member != NULL)
    server_remove_member (self, peer->room, peer->member);
  peer_end (peer, CLOSE_NORMAL, "Left the room");
}

static void
peer_handle_frame (NexusPeer  *peer,
                   const char *data,
                   gsize       length)
{
  g_auto(NexusClientFrame) frame = { 0, };
  g_autoptr(GError) error = NULL;
  gboolean have_token = peer_take_token (peer);
  gboolean parsed = nexus_client_frame_parse (data, length, &frame, &error);
  gboolean joined = peer->member != NULL;

  /* The order of checks is PROTOCOL.md's. */
  if (!joined && (frame.type == NEXUS_CLIENT_FRAME_SAY || frame.type == NEXUS_CLIENT_FRAME_TYPING))
    {
      peer_send_error (peer, NEXUS_ERROR_NOT_JOINED,
                       "Join a room before sending messages.", frame.id);
      return;
    }
  if (!parsed)
    {
      peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST, error->message, frame.id);
      return;
    }

  switch (frame.type)
    {
    case NEXUS_CLIENT_FRAME_CREATE:
    case NEXUS_CLIENT_FRAME_JOIN:
    case NEXUS_CLIENT_FRAME_RESUME:
      if (joined)
        {
          peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST,
                           "This connection is already in a room.", NULL);
          return;
        }
      if (!have_token || failed_joins_over_limit (peer->server, peer->address))
        {
          peer_fail (peer, NEXUS_ERROR_RATE_LIMITED,
                     "Too many attempts to join from this address. Wait a minute and "
                     "try again.");
          return;
        }
      if (frame.type == NEXUS_CLIENT_FRAME_CREATE)
        handle_create (peer, &frame);
      else if (frame.type == NEXUS_CLIENT_FRAME_JOIN)
        handle_join (peer, &frame);
      else
        handle_resume (peer, &frame);
      break;

    case NEXUS_CLIENT_FRAME_SAY:
      handle_say (peer, &frame, have_token);
      break;

    case NEXUS_CLIENT_FRAME_TYPING:
    case NEXUS_CLIENT_FRAME_LEAVE:
      if (!have_token)
        peer_notice_rate_limited (peer);
      else if (frame.type == NEXUS_CLIENT_FRAME_TYPING)
        handle_typing (peer);
      else
        handle_leave (peer);
      break;

    case NEXUS_CLIENT_FRAME_UNKNOWN:
    default:
      g_assert_not_reached ();
    }
}

static void
on_peer_message (SoupWebsocketConnection *ws,
                 int                      type,
                 GBytes                  *message,
                 NexusPeer               *peer)
{
  gsize length;
  const char *data;

  if (peer->ended)
    return;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      peer_take_token (peer);
      peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST,
                       "Frames are JSON text; binary frames are not understood.", NULL);
      return;
    }

  data = g_bytes_get_data (message, &length);
  peer_handle_frame (peer, data, length);
}

/* The periodic tick: first-frame deadlines, pong timeouts, grace periods. */

static gboolean
server_tick (gpointer user_data)
{
  NexusServer *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 first_frame_deadline = (gint64) self->limits.first_frame_timeout_ms * 1000;
  gint64 grace = (gint64) self->limits.grace_seconds * G_USEC_PER_SEC;
  gint64 ping_interval = (gint64) self->limits.ping_interval_seconds * G_USEC_PER_SEC;
  gint64 pong_timeout = (gint64) self->limits.pong_timeout_seconds * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) drop = g_ptr_array_new ();
  g_autoptr(GPtrArray) late = g_ptr_array_new ();
  gboolean ping_round = FALSE;
  GHashTableIter iter;
  gpointer key, value;

  /* Every peer is pinged in one round, from this one timer: the pongs come
   * back together and wake the loop a few times, however many connections
   * there are. A timer per connection (libsoup's keepalive) woke it
   * hundreds of times a second at 10 000 connections, each wake-up a pass
   * of GLib over every source. */
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
      else if (ping_round && peer_can_send (peer)
               && !nexus_frame_output_stream_send_ping (peer->output))
        g_ptr_array_add (drop, peer);
    }
  for (guint i = 0; i < late->len; i++)
    peer_end (g_ptr_array_index (late, i), CLOSE_POLICY,
              "No create, join or resume within the time allowed");
  for (guint i = 0; i < drop->len; i++)
    peer_drop (g_ptr_array_index (drop, i));

  if (self->n_detached > 0)
    {
      g_autoptr(GPtrArray) rooms = g_ptr_array_new ();

      g_hash_table_iter_init (&iter, self->rooms);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_ptr_array_add (rooms, value);

      for (guint r = 0; r < rooms->len; r++)
        {
          NexusRoom *room = g_ptr_array_index (rooms, r);
          g_autoptr(GPtrArray) expired = nexus_room_expired_members (room, now, grace);

          /* The room may be deleted by the last removal: stop touching it. */
          for (guint i = 0; i < expired->len; i++)
            server_remove_member (self, room, g_ptr_array_index (expired, i));
        }
    }

  if (g_hash_table_size (self->peers) == 0 && self->n_detached == 0)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The tick runs only while there is something to watch. */
static void
server_update_tick (NexusServer *self)
{
  if (self->tick_id == 0 && (g_hash_table_size (self->peers) > 0 || self->n_detached > 0))
    self->tick_id = g_timeout_add (TICK_INTERVAL_MS, server_tick, self);
}

/* HTTP */

static void
add_common_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_COPY, text, strlen (text));
}

/* Only characters that can appear in a host and port, so the Host header
 * cannot smuggle anything into the CSP. */
static gboolean
host_is_plain (const char *host)
{
  if (host == NULL || *host == '\0' || strlen (host) > 255)
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-:[]", *p) == NULL)
      return FALSE;
  return TRUE;
}

static const struct {
  const char *suffix;
  const char *content_type;
} content_types[] = {
  { ".html", "text/html; charset=utf-8" },
  { ".js", "text/javascript; charset=utf-8" },
  { ".mjs", "text/javascript; charset=utf-8" },
  { ".css", "text/css; charset=utf-8" },
  { ".svg", "image/svg+xml" },
  { ".png", "image/png" },
  { ".ico", "image/x-icon" },
  { ".json", "application/json" },
  { ".webmanifest", "application/manifest+json" },
  { ".txt", "text/plain; charset=utf-8" },
};

static const char *
content_type_for (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (content_types); i++)
    if (g_str_has_suffix (name, content_types[i].suffix))
      return content_types[i].content_type;
  return "application/octet-stream";
}

static gboolean
respond_resource (SoupServerMessage *msg,
                  const char        *name)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const char *type;

  if (*name == '\0' || strstr (name, "..") != NULL || strstr (name, "//") != NULL)
    return FALSE;

  path = g_strconcat (WEB_RESOURCE_PREFIX, name, NULL);
  /* Looked up in our own bundle, not the process-wide set, so the static
   * library needs no constructor to have run. */
  bytes = g_resource_lookup_data (nexus_web_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    return FALSE;

  type = content_type_for (name);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", type);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-cache");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);

  if (g_str_has_prefix (type, "text/html"))
    {
      const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                       "Host");
      g_autofree char *csp = NULL;

      /* 'self' covers same-host WebSockets in current browsers; the
       * explicit ws:// source is for older ones. */
      csp = g_strdup_printf ("default-src 'self'; script-src 'self'; style-src 'self'; "
                             "img-src 'self' data:; connect-src 'self'%s%s; "
                             "object-src 'none'; base-uri 'none'; form-action 'self'; "
                             "frame-ancestors 'none'",
                             host_is_plain (host) ? " ws://" : "",
                             host_is_plain (host) ? host : "");
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Content-Security-Policy", csp);
    }
  return TRUE;
}

/* An invite path /r/CODE: CODE has 1 to 32 characters other than '/'. */
static gboolean
is_invite_path (const char *path)
{
  g_autofree char *code = NULL;
  glong length;

  if (!g_str_has_prefix (path, "/r/"))
    return FALSE;
  code = g_uri_unescape_string (path + 3, NULL);
  if (code == NULL || strchr (code, '/') != NULL || !g_utf8_validate (code, -1, NULL))
    return FALSE;
  length = g_utf8_strlen (code, -1);
  return length >= 1 && length <= 32;
}

static void
handle_http (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  const char *method = soup_server_message_get_method (msg);

  add_common_headers (msg);

  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD");
      respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Only GET and HEAD are served here.\n");
      return;
    }

  if (strcmp (path, "/") == 0 || is_invite_path (path))
    {
      if (!respond_resource (msg, "index.html"))
        respond_text (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "The web client is missing.\n");
    }
  else if (g_str_has_prefix (path, "/static/"))
    {
      g_autofree char *name = g_uri_unescape_string (path + strlen ("/static/"), NULL);

      if (name == NULL || !respond_resource (msg, name))
        respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found.\n");
    }
  else if (strcmp (path, "/api/info") == 0)
    {
      g_autofree char *json = g_strdup_printf ("{\"app\":\"nexus-chat\",\"version\":\"%s\",\"protocol\":%d}",
                                               PACKAGE_VERSION, NEXUS_PROTOCOL_VERSION);

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Cache-Control", "no-store");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        json, strlen (json));
    }
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found.\n");
}

/* The WebSocket upgrade. libsoup's own websocket handler would give us a
 * connection that writes every frame by itself; doing the handshake here
 * lets the connection write through a NexusFrameIOStream instead. */

static void
peer_new (NexusServer             *self,
          SoupWebsocketConnection *ws,
          NexusFrameOutputStream  *output,
          const char              *address)
{
  NexusPeer *peer = g_new0 (NexusPeer, 1);
  gint64 now = g_get_monotonic_time ();

  peer->server = self;
  peer->ws = g_object_ref (ws);
  peer->output = g_object_ref (output);
  peer->address = g_strdup (address != NULL ? address : "unknown");
  peer->connected_at = now;
  peer->last_pong = now;
  peer->tokens = self->limits.burst;
  peer->tokens_at = now;

  soup_websocket_connection_set_max_incoming_payload_size (ws, NEXUS_PROTOCOL_MAX_FRAME);
  /* libsoup 3.8 can also bound a message of many fragments. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ws), "max-total-message-size") != NULL)
    g_object_set (ws, "max-total-message-size", (guint64) NEXUS_PROTOCOL_MAX_FRAME, NULL);
  /* Pings and the pong timeout are the server tick's (server_tick). */
  soup_websocket_connection_set_keepalive_interval (ws, 0);

  g_signal_connect (ws, "message", G_CALLBACK (on_peer_message), peer);
  g_signal_connect (ws, "pong", G_CALLBACK (on_peer_pong), peer);
  g_signal_connect (ws, "closed", G_CALLBACK (on_peer_closed), peer);

  g_hash_table_add (self->peers, peer);
  server_update_tick (self);
}

/* The 101 response is on the wire: the HTTP connection becomes ours. */
static void
on_ws_upgraded (NexusServer       *self,
                SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  g_autofree char *address = NULL;
  g_autoptr(GIOStream) taken = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(SoupWebsocketConnection) ws = NULL;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;

  /* Taking the connection may let go of the message's last reference. */
  g_object_ref (msg);
  address = g_strdup (soup_server_message_get_remote_host (msg));
  taken = soup_server_message_steal_connection (msg);
  stream = nexus_frame_io_stream_new (taken, NEXUS_FRAME_OUTPUT_STREAM_DEFAULT_LIMIT);
  ws = soup_websocket_connection_new (stream, soup_server_message_get_uri (msg),
                                      SOUP_WEBSOCKET_CONNECTION_SERVER,
                                      soup_message_headers_get_one (request, "Origin"),
                                      soup_message_headers_get_one (response, "Sec-WebSocket-Protocol"),
                                      NULL);
  peer_new (self, ws, nexus_frame_io_stream_get_output (NEXUS_FRAME_IO_STREAM (stream)), address);
  g_object_unref (msg);
}

static void
handle_ws (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  NexusServer *self = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_one (request, "Origin");
  const char *host = soup_message_headers_get_one (request, "Host");
  const char *protocols[] = { NEXUS_PROTOCOL_SUBPROTOCOL, NULL };

  add_common_headers (msg);

  if (origin != NULL)
    {
      g_autofree char *own = g_strconcat ("http://", host ? host : "", NULL);

      if (host == NULL || g_ascii_strcasecmp (origin, own) != 0)
        {
          respond_text (msg, SOUP_STATUS_FORBIDDEN,
                        "WebSocket connections from other sites are not allowed.\n");
          return;
        }
    }

  if (self->shutdown_task != NULL
      || g_hash_table_size (self->peers) >= (guint) self->limits.max_connections)
    {
      respond_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                    "The server has as many connections as it can hold. Try again later.\n");
      return;
    }

  if (!soup_message_headers_header_contains (request, "Upgrade", "websocket"))
    {
      respond_text (msg, SOUP_STATUS_BAD_REQUEST,
                    "This address is for WebSocket connections only.\n");
      return;
    }

  /* No extensions: chat frames are short, and compressing each one per
   * member would cost more CPU in a fan-out than it saves on a LAN. On
   * failure the status is 400 with the reason in the response. */
  if (soup_websocket_server_process_handshake (msg, NULL, (char **) protocols, NULL, NULL))
    g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (on_ws_upgraded),
                             self, G_CONNECT_SWAPPED);
}

/* Object */

static void
nexus_server_dispose (GObject *object)
{
  NexusServer *self = NEXUS_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
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
  g_clear_pointer (&self->failed_joins, g_hash_table_unref);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (nexus_server_parent_class)->dispose (object);
}

static void
nexus_server_finalize (GObject *object)
{
  NexusServer *self = NEXUS_SERVER (object);

  g_free (self->bind_address);

  G_OBJECT_CLASS (nexus_server_parent_class)->finalize (object);
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

  /* libsoup 3.2 logs debug messages for every WebSocket frame it reads
   * or writes. GLib's default handler drops them, but only after reading
   * G_MESSAGES_DEBUG again for each one (tests/bench/README.md). When
   * nobody asked for them, they are dropped at once. */
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, "libsoup"))
    g_log_set_handler ("libsoup", G_LOG_LEVEL_DEBUG, drop_log_message, NULL);
}

static void
nexus_server_init (NexusServer *self)
{
  nexus_server_limits_init_default (&self->limits);
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) nexus_room_free);
  self->peers = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) peer_free, NULL);
  self->failed_joins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_array_unref);

  self->soup = soup_server_new ("server-header", "nexus-chat/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (self->soup, NULL, handle_http, self, NULL);
  soup_server_add_handler (self->soup, "/ws", handle_ws, self, NULL);
}

NexusServer *
nexus_server_new (const NexusServerLimits *limits)
{
  NexusServer *self = g_object_new (NEXUS_TYPE_SERVER, NULL);

  if (limits != NULL)
    self->limits = *limits;

  return self;
}

static guint
server_bound_port (NexusServer *self)
{
  GSList *listeners = soup_server_get_listeners (self->soup);
  guint port = 0;

  if (listeners != NULL)
    {
      g_autoptr(GSocketAddress) address = g_socket_get_local_address (listeners->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (address))
        port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
    }
  g_slist_free (listeners);
  return port;
}

/* Listens on one address with our own socket: libsoup's own listen calls
 * keep GSocket's backlog of 10, and a room of people reconnecting at once
 * after a network blip would see handshakes stall behind it. */
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
  if (!g_socket_bind (socket, socket_address, TRUE, error)
      || !g_socket_listen (socket, error)
      || !soup_server_listen_socket (self->soup, socket, 0, error))
    return FALSE;

  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;
  *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
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
      return server_listen_on_address (self, address, port, &bound, error);
    }

  /* Every interface: IPv4, then IPv6 on the same port where the host has
   * IPv6 at all. */
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

  if (!nexus_server_limits_validate (&self->limits, error))
    return FALSE;

  if (port != NEXUS_SERVER_PORT_DEFAULT)
    {
      if (!server_listen_on (self, bind_address, (guint) port, error))
        return FALSE;
    }
  else
    {
      guint candidate;

      for (candidate = NEXUS_SERVER_PORT_FIRST; candidate <= NEXUS_SERVER_PORT_LAST; candidate++)
        {
          g_clear_error (&local_error);
          if (server_listen_on (self, bind_address, candidate, &local_error))
            break;
          /* A half-made listen_all (IPv4 bound, IPv6 not) must not linger. */
          soup_server_disconnect (self->soup);
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
  self->port = server_bound_port (self);
  return TRUE;
}

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

/* A snapshot, for loops that may close (and so free) peers. */
static GPtrArray *
server_list_peers (NexusServer *self)
{
  GPtrArray *peers = g_ptr_array_sized_new (g_hash_table_size (self->peers));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (peers, key);
  return peers;
}

/* Cuts every WebSocket as a failing network would: no close frame, and
 * every member keeps its grace period. */
void
nexus_server_drop_connections (NexusServer *self)
{
  g_autoptr(GPtrArray) peers = NULL;

  g_return_if_fail (NEXUS_IS_SERVER (self));

  peers = server_list_peers (self);
  for (guint i = 0; i < peers->len; i++)
    {
      NexusPeer *peer = g_ptr_array_index (peers, i);

      if (!peer->ended)
        peer_drop (peer);
    }
}

/* Shutdown */

static void
server_check_shutdown_done (NexusServer *self)
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
  g_autoptr(GPtrArray) peers = server_list_peers (self);

  self->shutdown_timeout_id = 0;
  /* Peers that never answered the close frame are cut. */
  for (guint i = 0; i < peers->len; i++)
    {
      NexusPeer *peer = g_ptr_array_index (peers, i);

      g_io_stream_close (soup_websocket_connection_get_io_stream (peer->ws), NULL, NULL);
      on_peer_closed (peer->ws, peer);
    }
  server_check_shutdown_done (self);
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

  soup_server_disconnect (self->soup);
  peers = server_list_peers (self);
  for (guint i = 0; i < peers->len; i++)
    {
      NexusPeer *peer = g_ptr_array_index (peers, i);

      peer->member = NULL;
      peer->room = NULL;
      peer_end (peer, CLOSE_GOING_AWAY, "The host closed the room.");
    }
  g_hash_table_remove_all (self->rooms);
  self->n_detached = 0;

  self->shutdown_timeout_id = g_timeout_add (SHUTDOWN_TIMEOUT_MS, on_shutdown_timeout, self);
  server_check_shutdown_done (self);
}

gboolean
nexus_server_shutdown_finish (NexusServer   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
