/* nexus-server-handlers.c: what the server does with each frame a peer sends
 *
 * The checks come in the order PROTOCOL.md gives ("Order of checks"):
 * every frame takes a token first; a say is not-joined, then its shape,
 * then the rate limit, then dedupe, then its text (an edit, a delete, a
 * react and a say's reply_to the same, with their target before the
 * text: PROTOCOL.md, "Conversation"); create, join and
 * resume their shape, then the limits, the room, the name; anything else
 * meets the rate limit before it is looked at.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-code.h"
#include "nexus-server-private.h"

/* How many addresses the failed-join table holds at most: beyond it one
 * is forgotten for each new one, so no number of addresses grows it. */
#define FAILED_JOIN_ADDRESSES_MAX 16384

/* Fan-out: one encode, N sends. */
static void
room_broadcast (NexusRoom      *room,
                NexusRoomEvent *event,
                NexusMember    *except)
{
  guint n = nexus_room_get_n_members (room);

  for (guint i = 0; i < n; i++)
    {
      NexusMember *member = nexus_room_get_member (room, i);
      NexusPeer *peer = nexus_member_get_connection (member);

      if (member != except && peer != NULL)
        nexus_peer_send (peer, event->json, event->json_length);
    }
}

static void
server_delete_room_if_empty (NexusServer *self,
                             NexusRoom   *room)
{
  if (nexus_room_get_n_members (room) == 0)
    {
      _nexus_server_persist_room_gone (self, nexus_room_get_code (room));
      _nexus_server_forget_room (self, nexus_room_get_code (room));
      g_hash_table_remove (self->rooms, nexus_room_get_code (room));
    }
  _nexus_server_rooms_changed (self);
}

/* The member is gone for good: everyone in the room is told, the member
 * too while it is still connected (a leave). The room may be gone after. */
void
_nexus_server_remove_member (NexusServer *self,
                             NexusRoom   *room,
                             NexusMember *member)
{
  NexusPeer *peer = nexus_member_get_connection (member);
  g_autofree char *name = g_strdup (nexus_member_get_name (member));
  g_autofree char *session_hash = g_strdup (nexus_member_get_session_hash (member));
  NexusRoomEvent *left = NULL;

  if (peer != NULL)
    nexus_peer_unlink (peer);
  _nexus_server_files_member_left (self, room, member);
  nexus_room_remove_member (room, member, &left);
  _nexus_server_persist_left (self, room, name, session_hash, left);
  if (peer != NULL)
    nexus_peer_send (peer, left->json, left->json_length);
  room_broadcast (room, left, NULL);
  server_delete_room_if_empty (self, room);
}

/* Failed joins per address */

static GArray *
failed_joins_prune_address (NexusServer *self,
                            const char  *address,
                            GArray      *times,
                            gint64       cutoff)
{
  guint keep = 0;

  while (keep < times->len && g_array_index (times, gint64, keep) <= cutoff)
    keep++;
  g_array_remove_range (times, 0, keep);
  return times->len > 0 ? times : NULL;
}

static gint64
failed_joins_cutoff (NexusServer *self)
{
  return g_get_monotonic_time () - (gint64) self->limits.failed_join_window * G_USEC_PER_SEC;
}

static GArray *
failed_joins_lookup (NexusServer *self,
                     const char  *address)
{
  GArray *times = g_hash_table_lookup (self->failed_joins, address);

  if (times != NULL
      && failed_joins_prune_address (self, address, times, failed_joins_cutoff (self)) == NULL)
    {
      g_hash_table_remove (self->failed_joins, address);
      return NULL;
    }
  return times;
}

/* Forgets the addresses whose failures are all older than the window. */
void
_nexus_server_failed_joins_prune (NexusServer *self)
{
  gint64 cutoff = failed_joins_cutoff (self);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->failed_joins);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (failed_joins_prune_address (self, key, value, cutoff) == NULL)
      g_hash_table_iter_remove (&iter);
}

static gboolean
failed_joins_over_limit (NexusServer *self,
                         const char  *address)
{
  GArray *times = failed_joins_lookup (self, address);

  return times != NULL && times->len >= (guint) self->limits.failed_join_limit;
}

static void
failed_joins_record (NexusServer *self,
                     const char  *address)
{
  GArray *times = failed_joins_lookup (self, address);
  gint64 now = g_get_monotonic_time ();

  if (times == NULL)
    {
      if (g_hash_table_size (self->failed_joins) >= FAILED_JOIN_ADDRESSES_MAX)
        {
          GHashTableIter iter;

          _nexus_server_failed_joins_prune (self);
          g_hash_table_iter_init (&iter, self->failed_joins);
          if (g_hash_table_size (self->failed_joins) >= FAILED_JOIN_ADDRESSES_MAX
              && g_hash_table_iter_next (&iter, NULL, NULL))
            g_hash_table_iter_remove (&iter);
        }
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->failed_joins, g_strdup (address), times);
    }
  g_array_append_val (times, now);
  /* Only the newest limit-many matter; older ones cannot change the answer. */
  if (times->len > (guint) self->limits.failed_join_limit)
    g_array_remove_index (times, 0);
}

/* Welcome */

static void
peer_welcome (NexusPeer *peer,
              gint64     since_seq,
              gboolean   resumed)
{
  NexusRoom *room = peer->room;
  guint n_members = nexus_room_get_n_members (room);
  g_autoptr(GPtrArray) history = NULL;
  g_autofree const char **members = g_new (const char *, n_members);
  g_autofree const char **events = NULL;
  g_autofree gsize *lengths = NULL;
  g_autoptr(GString) json = NULL;
  gboolean gap = FALSE;

  history = nexus_room_history_since (room, since_seq, &gap);
  events = g_new (const char *, history->len);
  lengths = g_new (gsize, history->len);
  for (guint i = 0; i < n_members; i++)
    members[i] = nexus_member_get_name (nexus_room_get_member (room, i));
  for (guint i = 0; i < history->len; i++)
    {
      NexusRoomEvent *event = g_ptr_array_index (history, i);

      events[i] = event->json;
      lengths[i] = event->json_length;
    }

  json = nexus_frame_encode_welcome (&(NexusWelcome) {
    .room = nexus_room_get_code (room),
    .name = nexus_member_get_name (peer->member),
    .session = nexus_member_get_session (peer->member),
    .members = members,
    .n_members = n_members,
    .history = events,
    .history_lengths = lengths,
    .n_history = history->len,
    .last_seq = nexus_room_get_last_seq (room),
    .resumed = resumed,
    .gap = resumed && gap,
    .files_key = _nexus_server_files_key (peer->server, peer->member),
  });
  nexus_peer_send (peer, json->str, json->len);
}

/* create, join, resume */

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
      nexus_peer_fail (peer, NEXUS_ERROR_NAME_INVALID,
                       "A name has 1 to 32 characters and no control or invisible "
                       "characters. Choose another name.");
      return NULL;
    }
  if (room != NULL && nexus_room_has_name (room, name))
    {
      nexus_peer_fail (peer, NEXUS_ERROR_NAME_TAKEN,
                       "Someone in this room already has that name. Choose another name.");
      return NULL;
    }
  return g_steal_pointer (&name);
}

static void
handle_create (NexusPeer        *peer,
               NexusClientFrame *frame)
{
  NexusServer *self = peer->server;
  g_autofree char *name = NULL;
  g_autofree char *code = NULL;
  NexusRoomEvent *joined = NULL;
  NexusMember *member;
  NexusRoom *room;

  if (g_hash_table_size (self->rooms) >= (guint) self->limits.max_rooms)
    {
      nexus_peer_fail (peer, NEXUS_ERROR_SERVER_FULL,
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
  while (_nexus_server_code_in_use (self, code));

  room = nexus_room_new (code, (guint) self->limits.history, (gsize) self->limits.history_bytes);
  g_hash_table_insert (self->rooms, g_strdup (code), room);
  member = nexus_room_add_member (room, name, &joined);
  _nexus_server_persist_room (self, room, member, joined);
  nexus_peer_attach (peer, room, member);
  peer_welcome (peer, 0, FALSE);
  _nexus_server_rooms_changed (self);
}

static void
handle_join (NexusPeer        *peer,
             NexusClientFrame *frame)
{
  NexusServer *self = peer->server;
  NexusRoom *room = _nexus_server_lookup_room (self, frame->room);
  NexusRoomEvent *joined = NULL;
  g_autofree char *name = NULL;
  NexusMember *member;

  if (room == NULL)
    {
      failed_joins_record (self, peer->address);
      nexus_peer_fail (peer, NEXUS_ERROR_ROOM_NOT_FOUND,
                       "There is no room with that code. Check the code, or ask the host "
                       "whether the room is still open.");
      return;
    }
  if ((name = peer_check_name (peer, room, frame->name)) == NULL)
    return;
  if (nexus_room_get_n_members (room) >= (guint) self->limits.max_members)
    {
      nexus_peer_fail (peer, NEXUS_ERROR_ROOM_FULL,
                       "This room is full. Ask the host to make room, or try again later.");
      return;
    }

  member = nexus_room_add_member (room, name, &joined);
  _nexus_server_persist_member (self, room, member, joined);
  room_broadcast (room, joined, member);
  nexus_peer_attach (peer, room, member);
  peer_welcome (peer, 0, FALSE);
  _nexus_server_rooms_changed (self);
}

static void
handle_resume (NexusPeer        *peer,
               NexusClientFrame *frame)
{
  NexusServer *self = peer->server;
  NexusRoom *room = g_hash_table_lookup (self->rooms, frame->room);
  NexusMember *member;
  NexusPeer *old;

  /* A resume into an unknown room counts as a failed join as well: it
   * probes room codes just as a join does. */
  if (room == NULL)
    {
      failed_joins_record (self, peer->address);
      nexus_peer_fail (peer, NEXUS_ERROR_ROOM_NOT_FOUND,
                       "This room has ended: everyone left, or the host closed it.");
      return;
    }
  member = nexus_room_find_session (room, frame->session);
  if (member == NULL)
    {
      failed_joins_record (self, peer->address);
      nexus_peer_fail (peer, NEXUS_ERROR_SESSION_EXPIRED,
                       "You were away too long and your place in the room has gone. "
                       "Join the room again.");
      return;
    }

  /* A member of a reopened room proves its session here: its welcome
   * carries it again. */
  if (nexus_member_get_session (member) == NULL)
    nexus_member_set_session (member, frame->session);
  old = nexus_member_get_connection (member);
  nexus_peer_attach (peer, room, member);
  if (old != NULL)
    nexus_peer_end (old, NEXUS_CLOSE_REPLACED, "Replaced by a newer connection of this session");
  peer_welcome (peer, frame->last_seq, TRUE);
}

/* say, typing, leave */

/* Whether the target is the member's own, to delete at least. */
static gboolean
peer_target_is_own (NexusPeer        *peer,
                    NexusClientFrame *frame)
{
  NexusErrorCode code;

  return nexus_room_check_target (peer->room, peer->member, NEXUS_CLIENT_FRAME_DELETE,
                                  frame->target, &code);
}

/* The target of an edit, delete or react, or a say's reply_to: FALSE
 * after refusing the frame. */
static gboolean
peer_check_target (NexusPeer        *peer,
                   NexusClientFrame *frame)
{
  NexusErrorCode code;

  if (nexus_room_check_target (peer->room, peer->member, frame->type, frame->target, &code))
    return TRUE;
  if (code == NEXUS_ERROR_TARGET_NOT_FOUND)
    nexus_peer_send_error (peer, code, frame->type == NEXUS_CLIENT_FRAME_SAY
                                       ? "The message you answer is no longer in the room."
                                       : "That message is no longer in the room.", frame->id);
  else if (frame->type == NEXUS_CLIENT_FRAME_EDIT && peer_target_is_own (peer, frame))
    nexus_peer_send_error (peer, code, "A file cannot be edited. Delete it and send another.",
                           frame->id);
  else
    nexus_peer_send_error (peer, code, "Only who sent a message can change or delete it.",
                           frame->id);
  return FALSE;
}

static void
handle_say (NexusPeer        *peer,
            NexusClientFrame *frame,
            gboolean          have_token)
{
  g_autoptr(NexusRoomEvent) replay = NULL;
  NexusRoomEvent *event;

  if (!have_token)
    {
      nexus_peer_send_error (peer, NEXUS_ERROR_RATE_LIMITED,
                             "You are sending too fast. Wait a moment and send it again.", frame->id);
      return;
    }
  /* A repeated id is answered with the original, to this client only:
   * that is what makes a retry after a drop exactly-once. It cost a token
   * like any frame, so replays cannot multiply what a peer gets back. */
  replay = nexus_room_replay_said (peer->room, peer->member, frame->id, frame->text);
  if (replay != NULL)
    {
      nexus_peer_send (peer, replay->json, replay->json_length);
      return;
    }
  if (frame->has_target && !peer_check_target (peer, frame))
    return;
  if (!nexus_text_is_valid (frame->text))
    {
      nexus_peer_send_error (peer, NEXUS_ERROR_TEXT_INVALID,
                             "A message has 1 to 4000 characters, not only spaces, and no control "
                             "characters other than line breaks and tabs.", frame->id);
      return;
    }

  event = nexus_room_append_reply (peer->room, peer->member, frame->text, frame->id,
                                   frame->has_target ? frame->target : 0);
  _nexus_server_persist_said (peer->server, peer->room, peer->member, frame->id, event);
  room_broadcast (peer->room, event, NULL);
}

/* edit, delete, react */

/* An edit, a delete or a react, after not-joined and its shape: the rate
 * limit, an id used before, the target, then an edit's text. */
static void
handle_change (NexusPeer        *peer,
               NexusClientFrame *frame,
               gboolean          have_token)
{
  NexusServer *self = peer->server;
  g_autoptr(NexusRoomEvent) replay = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autofree char *file_url = NULL;
  NexusRoomEvent *event;

  if (!have_token)
    {
      nexus_peer_send_error (peer, NEXUS_ERROR_RATE_LIMITED,
                             "You are sending too fast. Wait a moment and send it again.", frame->id);
      return;
    }
  replay = nexus_room_replay_frame (peer->room, peer->member, frame);
  if (replay != NULL)
    {
      nexus_peer_send (peer, replay->json, replay->json_length);
      return;
    }
  if (!peer_check_target (peer, frame))
    return;
  if (frame->type == NEXUS_CLIENT_FRAME_EDIT && !nexus_text_is_valid (frame->text))
    {
      nexus_peer_send_error (peer, NEXUS_ERROR_TEXT_INVALID,
                             "A message has 1 to 4000 characters, not only spaces, and no control "
                             "characters other than line breaks and tabs.", frame->id);
      return;
    }

  changed = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_room_event_unref);
  if (frame->type == NEXUS_CLIENT_FRAME_EDIT)
    event = nexus_room_append_edit (peer->room, peer->member, frame->id, frame->target,
                                    frame->text, changed);
  else if (frame->type == NEXUS_CLIENT_FRAME_DELETE)
    event = nexus_room_append_delete (peer->room, peer->member, frame->id, frame->target,
                                      changed, &file_url);
  else
    event = nexus_room_append_react (peer->room, peer->member, frame->id, frame->target,
                                     frame->emoji, frame->on, changed);
  _nexus_server_persist_changed (self, peer->room, changed);
  _nexus_server_persist_said (self, peer->room, peer->member, frame->id, event);
  /* A deleted file's bytes go at once: its URL answers 404 from now on. */
  if (file_url != NULL)
    _nexus_server_files_delete (self, peer->room, file_url);
  room_broadcast (peer->room, event, NULL);
}

static void
handle_typing (NexusPeer *peer)
{
  NexusRoom *room = peer->room;
  g_autofree char *json = NULL;
  guint n;

  if (!nexus_room_member_may_type (room, peer->member, g_get_monotonic_time ()))
    return;

  json = nexus_frame_encode_typing_from (nexus_member_get_name (peer->member));
  n = nexus_room_get_n_members (room);
  for (guint i = 0; i < n; i++)
    {
      NexusPeer *other = nexus_member_get_connection (nexus_room_get_member (room, i));

      if (other != NULL && other != peer)
        nexus_peer_send (other, json, strlen (json));
    }
}

static void
handle_leave (NexusPeer *peer)
{
  if (peer->member != NULL)
    _nexus_server_remove_member (peer->server, peer->room, peer->member);
  nexus_peer_end (peer, NEXUS_CLOSE_NORMAL, "Left the room");
}

static void
handle_first_frame (NexusPeer        *peer,
                    NexusClientFrame *frame,
                    gboolean          have_token)
{
  if (peer->member != NULL)
    {
      nexus_peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST,
                             "This connection is already in a room.", NULL);
      return;
    }
  if (!have_token || failed_joins_over_limit (peer->server, peer->address))
    {
      nexus_peer_fail (peer, NEXUS_ERROR_RATE_LIMITED,
                       "Too many attempts to join from this address. Wait a minute and "
                       "try again.");
      return;
    }
  if (frame->type == NEXUS_CLIENT_FRAME_CREATE)
    handle_create (peer, frame);
  else if (frame->type == NEXUS_CLIENT_FRAME_JOIN)
    handle_join (peer, frame);
  else
    handle_resume (peer, frame);
}

void
_nexus_server_handle_frame (NexusPeer  *peer,
                            int         type,
                            const char *data,
                            gsize       length)
{
  g_auto(NexusClientFrame) frame = { 0, };
  g_autoptr(GError) error = NULL;
  gboolean have_token = nexus_peer_take_token (peer);
  gboolean parsed = FALSE;

  if (type == SOUP_WEBSOCKET_DATA_TEXT)
    parsed = nexus_client_frame_parse (data, length, &frame, &error);

  switch (frame.type)
    {
    case NEXUS_CLIENT_FRAME_SAY:
      if (peer->member == NULL)
        nexus_peer_send_error (peer, NEXUS_ERROR_NOT_JOINED,
                               "Join a room before sending messages.", frame.id);
      else if (!parsed)
        nexus_peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST, error->message, frame.id);
      else
        handle_say (peer, &frame, have_token);
      return;

    case NEXUS_CLIENT_FRAME_UPLOAD:
    case NEXUS_CLIENT_FRAME_SHARE:
      _nexus_server_files_handle_frame (peer, &frame, parsed, error, have_token);
      return;

    case NEXUS_CLIENT_FRAME_EDIT:
    case NEXUS_CLIENT_FRAME_DELETE:
    case NEXUS_CLIENT_FRAME_REACT:
      if (peer->member == NULL)
        nexus_peer_send_error (peer, NEXUS_ERROR_NOT_JOINED,
                               "Join a room before changing messages.", frame.id);
      else if (!parsed)
        nexus_peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST, error->message, frame.id);
      else
        handle_change (peer, &frame, have_token);
      return;

    case NEXUS_CLIENT_FRAME_CREATE:
    case NEXUS_CLIENT_FRAME_JOIN:
    case NEXUS_CLIENT_FRAME_RESUME:
      if (!parsed)
        nexus_peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST, error->message, NULL);
      else
        handle_first_frame (peer, &frame, have_token);
      return;

    case NEXUS_CLIENT_FRAME_TYPING:
    case NEXUS_CLIENT_FRAME_LEAVE:
    case NEXUS_CLIENT_FRAME_UNKNOWN:
    default:
      break;
    }

  /* Everything else: over the limit, it is not looked at further. */
  if (!have_token)
    nexus_peer_notice_rate_limited (peer);
  else if (type != SOUP_WEBSOCKET_DATA_TEXT)
    nexus_peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST,
                           "Frames are JSON text; binary frames are not understood.", NULL);
  else if (!parsed)
    nexus_peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST, error->message, NULL);
  else if (frame.type == NEXUS_CLIENT_FRAME_LEAVE)
    handle_leave (peer);
  else if (peer->member == NULL)
    nexus_peer_send_error (peer, NEXUS_ERROR_NOT_JOINED,
                           "Join a room before sending messages.", NULL);
  else
    handle_typing (peer);
}
