/* nexus-room-restore.c: a room made again from the host's database, and
 * what the server needs to write one whole
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-protocol.h"
#include "nexus-room-private.h"

/* Restoring a room from the host's database. The room is made with
 * nexus_room_new(), then its events oldest first, then its members in
 * order of joining with their say ids; nothing is announced: the room
 * carries on where it stopped. */

/* One kept event, as it was encoded; @seq must follow the newest one. */
void
nexus_room_restore_event (NexusRoom          *room,
                          NexusRoomEventType  type,
                          gint64              seq,
                          gint64              real_time,
                          const char         *json,
                          gsize               json_length)
{
  NexusRoomEvent *event;

  g_return_if_fail (room != NULL);
  g_return_if_fail (json != NULL);
  g_return_if_fail (seq > room->last_seq);
  g_return_if_fail (room->ring_length == 0 || seq == room->last_seq + 1);

  event = g_new (NexusRoomEvent, 1);
  g_ref_count_init (&event->ref_count);
  event->type = type;
  event->seq = seq;
  event->real_time = real_time;
  event->json_length = json_length;
  event->json = g_strndup (json, json_length);
  _nexus_room_ring_push (room, event);
  /* A message's current state, which its next change starts from. */
  if (type == NEXUS_ROOM_EVENT_MESSAGE)
    {
      NexusMessage *message = _nexus_message_parse (event);

      if (message != NULL)
        g_hash_table_insert (room->messages, &message->seq, message);
    }
}

void
nexus_room_restore_created (NexusRoom *room,
                            gint64     created)
{
  g_return_if_fail (room != NULL);

  room->created = created;
}

/**
 * nexus_room_restore_member:
 * @session_hash: nexus_token_hash() of its session
 * @order: its nexus_member_get_order()
 * @now: monotonic µs
 *
 * A member of the room as it was, with no connection: its grace period
 * starts at @now, the host's return, not when the host went away.
 *
 * Returns: (transfer none) (nullable): the member, or NULL when the name
 *   is not valid or taken
 */
NexusMember *
nexus_room_restore_member (NexusRoom  *room,
                           const char *name,
                           const char *session_hash,
                           gint64      order,
                           gint64      now)
{
  NexusMember *member;

  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (session_hash != NULL, NULL);

  if (!nexus_name_is_valid (name) || nexus_room_has_name (room, name))
    return NULL;

  member = _nexus_member_new (name);
  member->session_hash = g_strdup (session_hash);
  member->order = order;
  member->attached = FALSE;
  member->detached_at = now;
  room->n_detached++;
  g_ptr_array_add (room->members, member);
  return member;
}

/* A say id @member used, oldest first, as nexus_room_replay_said() knows it. */
void
nexus_room_restore_said (NexusRoom   *room,
                         NexusMember *member,
                         const char  *id,
                         gint64       seq,
                         gint64       said_at)
{
  NexusMessage *message;

  g_return_if_fail (room != NULL);
  g_return_if_fail (member != NULL);
  g_return_if_fail (nexus_id_is_valid (id));

  if (g_hash_table_contains (member->said, id))
    return;
  _nexus_member_remember (member, id, seq, said_at);
  /* The database keeps who said a message only here: its sender's id of
   * it, which makes it the sender's to edit and delete again. */
  message = g_hash_table_lookup (room->messages, &seq);
  if (message != NULL && message->sender_hash == NULL)
    message->sender_hash = g_strdup (member->session_hash);
}

/* The say ids @member's dedupe remembers, oldest first: what the server
 * writes again when its database needs every room anew. */
void
nexus_member_foreach_said (NexusMember   *member,
                           NexusSaidFunc  func,
                           gpointer       user_data)
{
  g_return_if_fail (member != NULL);
  g_return_if_fail (func != NULL);

  for (GList *l = member->said_order.head; l != NULL; l = l->next)
    {
      NexusSaid *said = g_hash_table_lookup (member->said, l->data);

      func (l->data, said->seq, said->said_at, user_data);
    }
}
