/* nexus-room.c: one room — members, sessions, seq, bounded history, dedupe
 *
 * A room is plain data with no I/O and no clock of its own: the server
 * passes the time in, so tests can drive grace periods without waiting.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-code.h"
#include "nexus-protocol.h"
#include "nexus-room.h"

struct _NexusRoom {
  char       *code;
  GPtrArray  *members;        /* NexusMember, in order of joining */
  gint64      last_seq;
  /* The history: a ring of the newest events. */
  NexusRoomEvent **ring;
  guint       ring_capacity;
  guint       ring_start;
  guint       ring_length;
};

static const char * const event_type_names[] = {
  [NEXUS_ROOM_EVENT_MESSAGE] = "message",
  [NEXUS_ROOM_EVENT_JOINED] = "joined",
  [NEXUS_ROOM_EVENT_LEFT] = "left",
};

NexusRoomEvent *
nexus_room_event_ref (NexusRoomEvent *event)
{
  g_ref_count_inc (&event->ref_count);
  return event;
}

void
nexus_room_event_unref (NexusRoomEvent *event)
{
  if (!g_ref_count_dec (&event->ref_count))
    return;

  g_free (event->ts);
  g_free (event->name);
  g_free (event->text);
  g_free (event->id);
  g_free (event->json);
  g_free (event);
}

static NexusRoomEvent *
room_event_new (NexusRoomEventType  type,
                gint64              seq,
                const char         *name,
                const char         *text,
                const char         *id)
{
  NexusRoomEvent *event = g_new0 (NexusRoomEvent, 1);
  GString *json = g_string_sized_new (96 + (text ? strlen (text) : 0));

  g_ref_count_init (&event->ref_count);
  event->type = type;
  event->seq = seq;
  event->ts = nexus_timestamp_format (g_get_real_time ());
  event->name = g_strdup (name);
  event->text = g_strdup (text);
  event->id = g_strdup (id);

  g_string_append_printf (json, "{\"type\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",\"ts\":\"%s\",\"name\":",
                          event_type_names[type], seq, event->ts);
  nexus_json_append_string (json, name);
  if (type == NEXUS_ROOM_EVENT_MESSAGE)
    {
      g_string_append (json, ",\"text\":");
      nexus_json_append_string (json, text);
      g_string_append (json, ",\"id\":");
      nexus_json_append_string (json, id);
    }
  g_string_append_c (json, '}');
  event->json_length = json->len;
  event->json = g_string_free (json, FALSE);

  return event;
}

static void
member_free (NexusMember *member)
{
  g_free (member->name);
  g_free (member->name_key);
  g_free (member->session);
  g_hash_table_unref (member->said);
  g_queue_clear (&member->said_order);   /* the ids belong to the table */
  g_free (member);
}

NexusRoom *
nexus_room_new (const char *code,
                guint       history_limit)
{
  NexusRoom *room = g_new0 (NexusRoom, 1);

  g_return_val_if_fail (code != NULL, NULL);

  room->code = g_strdup (code);
  room->members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  room->ring_capacity = MAX (history_limit, 1);
  room->ring = g_new0 (NexusRoomEvent *, room->ring_capacity);

  return room;
}

void
nexus_room_free (NexusRoom *room)
{
  if (room == NULL)
    return;

  for (guint i = 0; i < room->ring_length; i++)
    nexus_room_event_unref (room->ring[(room->ring_start + i) % room->ring_capacity]);
  g_free (room->ring);
  g_ptr_array_unref (room->members);
  g_free (room->code);
  g_free (room);
}

const char *
nexus_room_get_code (NexusRoom *room)
{
  return room->code;
}

guint
nexus_room_get_n_members (NexusRoom *room)
{
  return room->members->len;
}

NexusMember *
nexus_room_get_member (NexusRoom *room,
                       guint      position)
{
  g_return_val_if_fail (position < room->members->len, NULL);

  return g_ptr_array_index (room->members, position);
}

gint64
nexus_room_get_last_seq (NexusRoom *room)
{
  return room->last_seq;
}

guint
nexus_room_get_history_length (NexusRoom *room)
{
  return room->ring_length;
}

/* Appends to the history; the returned event is borrowed from the ring. */
static NexusRoomEvent *
room_append (NexusRoom          *room,
             NexusRoomEventType  type,
             const char         *name,
             const char         *text,
             const char         *id)
{
  NexusRoomEvent *event = room_event_new (type, ++room->last_seq, name, text, id);

  if (room->ring_length == room->ring_capacity)
    {
      nexus_room_event_unref (room->ring[room->ring_start]);
      room->ring[room->ring_start] = event;
      room->ring_start = (room->ring_start + 1) % room->ring_capacity;
    }
  else
    {
      room->ring[(room->ring_start + room->ring_length) % room->ring_capacity] = event;
      room->ring_length++;
    }

  return event;
}

gboolean
nexus_room_has_name (NexusRoom  *room,
                     const char *trimmed_name)
{
  g_autofree char *key = nexus_name_casefold (trimmed_name);

  for (guint i = 0; i < room->members->len; i++)
    {
      NexusMember *member = g_ptr_array_index (room->members, i);

      if (strcmp (member->name_key, key) == 0)
        return TRUE;
    }
  return FALSE;
}

NexusMember *
nexus_room_add_member (NexusRoom       *room,
                       const char      *trimmed_name,
                       NexusRoomEvent **joined)
{
  NexusMember *member;
  NexusRoomEvent *event;

  g_return_val_if_fail (nexus_name_is_valid (trimmed_name), NULL);
  g_return_val_if_fail (!nexus_room_has_name (room, trimmed_name), NULL);

  member = g_new0 (NexusMember, 1);
  member->name = g_strdup (trimmed_name);
  member->name_key = nexus_name_casefold (trimmed_name);
  member->session = nexus_session_token_new ();
  member->attached = TRUE;
  member->said = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) nexus_room_event_unref);
  g_ptr_array_add (room->members, member);

  event = room_append (room, NEXUS_ROOM_EVENT_JOINED, trimmed_name, NULL, NULL);
  if (joined)
    *joined = event;

  return member;
}

void
nexus_room_remove_member (NexusRoom       *room,
                          NexusMember     *member,
                          NexusRoomEvent **left)
{
  NexusRoomEvent *event;

  event = room_append (room, NEXUS_ROOM_EVENT_LEFT, member->name, NULL, NULL);
  if (left)
    *left = event;

  if (!g_ptr_array_remove (room->members, member))
    g_critical ("Member %s is not in room %s", member->name, room->code);
}

NexusMember *
nexus_room_find_session (NexusRoom  *room,
                         const char *session)
{
  NexusMember *found = NULL;

  /* Every member is compared, in constant time each, so neither the
   * answer's timing nor its position says anything about the tokens. */
  for (guint i = 0; i < room->members->len; i++)
    {
      NexusMember *member = g_ptr_array_index (room->members, i);

      if (nexus_token_equal (session, member->session))
        found = member;
    }
  return found;
}

NexusRoomEvent *
nexus_room_find_said (NexusRoom   *room,
                      NexusMember *member,
                      const char  *id)
{
  return g_hash_table_lookup (member->said, id);
}

NexusRoomEvent *
nexus_room_append_message (NexusRoom   *room,
                           NexusMember *member,
                           const char  *text,
                           const char  *id)
{
  NexusRoomEvent *event;
  char *key;

  g_return_val_if_fail (nexus_room_find_said (room, member, id) == NULL, NULL);

  event = room_append (room, NEXUS_ROOM_EVENT_MESSAGE, member->name, text, id);

  key = g_strdup (id);
  g_hash_table_insert (member->said, key, nexus_room_event_ref (event));
  g_queue_push_tail (&member->said_order, key);
  if (member->said_order.length > NEXUS_ROOM_DEDUPE_LIMIT)
    g_hash_table_remove (member->said, g_queue_pop_head (&member->said_order));

  return event;
}

/* The events a client that has seen up to @last_seq is missing, oldest
 * first. When some of them are no longer kept, the whole kept history and
 * *@gap = TRUE. The array holds references. */
GPtrArray *
nexus_room_history_since (NexusRoom *room,
                          gint64     last_seq,
                          gboolean  *gap)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_room_event_unref);
  gint64 oldest_kept = room->last_seq - room->ring_length + 1;
  guint first = 0;

  *gap = FALSE;
  if (last_seq >= room->last_seq)
    return events;

  if (last_seq + 1 < oldest_kept)
    *gap = TRUE;
  else
    first = (guint) (last_seq + 1 - oldest_kept);

  for (guint i = first; i < room->ring_length; i++)
    g_ptr_array_add (events,
                     nexus_room_event_ref (room->ring[(room->ring_start + i) % room->ring_capacity]));

  return events;
}

void
nexus_room_detach_member (NexusRoom   *room,
                          NexusMember *member,
                          gint64       now)
{
  member->attached = FALSE;
  member->connection = NULL;
  member->detached_at = now;
}

void
nexus_room_attach_member (NexusRoom   *room,
                          NexusMember *member,
                          gpointer     connection)
{
  member->attached = TRUE;
  member->connection = connection;
  member->detached_at = 0;
}

/* Members whose grace period is over at @now; the array does not own them. */
GPtrArray *
nexus_room_expired_members (NexusRoom *room,
                            gint64     now,
                            gint64     grace_usec)
{
  GPtrArray *expired = g_ptr_array_new ();

  for (guint i = 0; i < room->members->len; i++)
    {
      NexusMember *member = g_ptr_array_index (room->members, i);

      if (!member->attached && now - member->detached_at >= grace_usec)
        g_ptr_array_add (expired, member);
    }
  return expired;
}
