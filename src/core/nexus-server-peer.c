/* nexus-server-peer.c: one WebSocket peer of the server
 *
 * A peer is a connection: what it is sent, how it ends (a close frame, or
 * cut like a lost network), its token bucket, and its link to the member
 * it speaks for. That link is set and cleared here and nowhere else.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-server-private.h"

static void
on_peer_message (SoupWebsocketConnection *ws,
                 int                      type,
                 GBytes                  *message,
                 NexusPeer               *peer)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  if (!peer->ended)
    _nexus_server_handle_frame (peer, type, data, length);
}

static void
on_peer_pong (SoupWebsocketConnection *ws,
              GBytes                  *message,
              NexusPeer               *peer)
{
  peer->last_pong = g_get_monotonic_time ();
}

static void
on_peer_closed (SoupWebsocketConnection *ws,
                NexusPeer               *peer)
{
  NexusServer *self = peer->server;

  nexus_peer_detach (peer);
  g_hash_table_remove (self->peers, peer);
  _nexus_server_update_tick (self);
  _nexus_server_check_shutdown_done (self);
}

NexusPeer *
nexus_peer_new (NexusServer             *server,
                SoupWebsocketConnection *ws,
                NexusFrameOutputStream  *output,
                const char              *address)
{
  NexusPeer *peer = g_new0 (NexusPeer, 1);
  gint64 now = g_get_monotonic_time ();

  peer->server = server;
  peer->ws = g_object_ref (ws);
  peer->output = g_object_ref (output);
  peer->address = g_strdup (address != NULL ? address : "unknown");
  peer->connected_at = now;
  peer->last_pong = now;
  peer->tokens = server->limits.burst;
  peer->tokens_at = now;
  /* What it is sent waits while the room's changes are written. */
  nexus_frame_output_stream_set_hold (output, server->persist.hold);

  soup_websocket_connection_set_max_incoming_payload_size (ws, NEXUS_PROTOCOL_MAX_FRAME);
  /* libsoup 3.8 can also bound a message of many fragments; before it,
   * the server's NexusFrameInputStream does. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ws), "max-total-message-size") != NULL)
    g_object_set (ws, "max-total-message-size", (guint64) NEXUS_PROTOCOL_MAX_FRAME, NULL);
  /* Pings and the pong timeout are the server tick's. */
  soup_websocket_connection_set_keepalive_interval (ws, 0);

  g_signal_connect (ws, "message", G_CALLBACK (on_peer_message), peer);
  g_signal_connect (ws, "pong", G_CALLBACK (on_peer_pong), peer);
  g_signal_connect (ws, "closed", G_CALLBACK (on_peer_closed), peer);

  g_hash_table_add (server->peers, peer);
  _nexus_server_update_tick (server);
  return peer;
}

void
nexus_peer_free (NexusPeer *peer)
{
  g_signal_handlers_disconnect_by_data (peer->ws, peer);
  g_clear_object (&peer->ws);
  g_clear_object (&peer->output);
  g_free (peer->address);
  g_free (peer);
}

/* Sending */

gboolean
nexus_peer_can_send (NexusPeer *peer)
{
  return soup_websocket_connection_get_state (peer->ws) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
nexus_peer_send (NexusPeer  *peer,
                 const char *json,
                 gsize       length)
{
  if (!nexus_peer_can_send (peer))
    return;
  /* A peer that has left megabytes unread is not reading: it is cut like a
   * lost network, and catches up with a resume if it ever comes back. */
  if (!nexus_frame_output_stream_send_text (peer->output, json, length))
    nexus_peer_drop (peer);
  else if (nexus_frame_output_stream_get_total_pending () > (gsize) peer->server->limits.unread_total_bytes)
    _nexus_server_enforce_unread_budget (peer->server);
}

void
nexus_peer_send_error (NexusPeer      *peer,
                       NexusErrorCode  code,
                       const char     *message,
                       const char     *id)
{
  g_autofree char *json = nexus_frame_encode_error (code, message, id);

  nexus_peer_send (peer, json, strlen (json));
}

/* An error the connection does not survive: the frame, then close 1008. */
void
nexus_peer_fail (NexusPeer      *peer,
                 NexusErrorCode  code,
                 const char     *message)
{
  nexus_peer_send_error (peer, code, message, NULL);
  nexus_peer_end (peer, NEXUS_CLOSE_POLICY, message);
}

gsize
nexus_peer_get_unread (NexusPeer *peer)
{
  return nexus_frame_output_stream_get_pending (peer->output);
}

/* Ending */

void
nexus_peer_end (NexusPeer  *peer,
                gushort     code,
                const char *reason)
{
  peer->ended = TRUE;
  if (soup_websocket_connection_get_state (peer->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (peer->ws, code, reason);
}

/* Closes the TCP connection at once; libsoup tells "closed" when it
 * notices. */
void
nexus_peer_close_now (NexusPeer *peer)
{
  peer->ended = TRUE;
  g_io_stream_close (soup_websocket_connection_get_io_stream (peer->ws), NULL, NULL);
}

/* Cuts the TCP connection without a close frame, as a lost network would;
 * the member keeps its grace period. */
void
nexus_peer_drop (NexusPeer *peer)
{
  nexus_peer_detach (peer);
  nexus_peer_close_now (peer);
}

/* The link to a member */

/* The peer speaks for @member from now on; a connection that spoke for it
 * before loses it (the caller closes that one). */
void
nexus_peer_attach (NexusPeer   *peer,
                   NexusRoom   *room,
                   NexusMember *member)
{
  NexusPeer *old = nexus_member_get_connection (member);

  if (old != NULL && old != peer)
    nexus_peer_unlink (old);
  peer->room = room;
  peer->member = member;
  nexus_room_attach_member (room, member, peer);
}

/* The connection is gone but the member stays for the grace period. */
void
nexus_peer_detach (NexusPeer *peer)
{
  if (peer->member == NULL)
    return;

  nexus_room_detach_member (peer->room, peer->member, g_get_monotonic_time ());
  nexus_peer_unlink (peer);
  _nexus_server_update_tick (peer->server);
}

/* The peer no longer speaks for anyone: its member left the room for good,
 * was taken over by another connection, or the room ended. */
void
nexus_peer_unlink (NexusPeer *peer)
{
  peer->room = NULL;
  peer->member = NULL;
}

/* Rate limit */

/* The token bucket of PROTOCOL.md: every frame takes one token. */
gboolean
nexus_peer_take_token (NexusPeer *peer)
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

void
nexus_peer_notice_rate_limited (NexusPeer *peer)
{
  gint64 now = g_get_monotonic_time ();

  /* At most one a second, so a flood cannot make us flood back. */
  if (now - peer->last_rate_notice < G_USEC_PER_SEC)
    return;
  peer->last_rate_notice = now;
  nexus_peer_send_error (peer, NEXUS_ERROR_RATE_LIMITED,
                         "You are sending too fast. Wait a moment and try again.", NULL);
}
