/* nexus-room.c: one room — members, sessions, seq, bounded history, dedupe
 *
 * A room is plain data with no I/O and no clock of its own: the server
 * passes the time in, so tests can drive grace periods without waiting.
 * Everything it keeps is bounded in bytes as well as in count: the history
 * by --history and --history-bytes, each member's dedupe by
 * NEXUS_ROOM_DEDUPE_LIMIT ids of at most 64 bytes.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-code.h"
#include "nexus-protocol.h"
#include "nexus-room-private.h"
#include "nexus-server-frame.h"

/* The room's event types are the protocol's event kinds. */
G_STATIC_ASSERT ((int) NEXUS_ROOM_EVENT_MESSAGE == (int) NEXUS_WIRE_EVENT_MESSAGE);
G_STATIC_ASSERT ((int) NEXUS_ROOM_EVENT_JOINED == (int) NEXUS_WIRE_EVENT_JOINED);
G_STATIC_ASSERT ((int) NEXUS_ROOM_EVENT_LEFT == (int) NEXUS_WIRE_EVENT_LEFT);
G_STATIC_ASSERT ((int) NEXUS_ROOM_EVENT_EDITED == (int) NEXUS_WIRE_EVENT_EDITED);
G_STATIC_ASSERT ((int) NEXUS_ROOM_EVENT_DELETED == (int) NEXUS_WIRE_EVENT_DELETED);
G_STATIC_ASSERT ((int) NEXUS_ROOM_EVENT_REACTED == (int) NEXUS_WIRE_EVENT_REACTED);

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
  g_free (event->json);
  g_free (event);
}

/* An event of @json, which it takes. */
NexusRoomEvent *
_nexus_room_event_new (NexusRoomEventType  type,
                       gint64              seq,
                       gint64              real_time,
                       GString            *json)
{
  NexusRoomEvent *event = g_new (NexusRoomEvent, 1);

  g_ref_count_init (&event->ref_count);
  event->type = type;
  event->seq = seq;
  event->real_time = real_time;
  event->json_length = json->len;
  event->json = g_string_free (json, FALSE);

  return event;
}

/* A joined, a left, or a message as a repeated say makes it again. */
static NexusRoomEvent *
room_event_new (NexusRoomEventType   type,
                gint64               seq,
                gint64               real_time,
                const char          *name,
                const char          *text,
                const char          *id)
{
  return _nexus_room_event_new (type, seq, real_time,
                                nexus_frame_encode_event ((NexusWireEvent) type, seq, real_time,
                                                          name, text, id));
}

/* Members */

const char *
nexus_member_get_name (NexusMember *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  return member->name;
}

/* NULL for a member restored from the host's database, until its
 * resume: the database keeps only the session's hash. */
const char *
nexus_member_get_session (NexusMember *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  return member->session;
}

/* The SHA-256 of the member's session (64 hex digits), known whether or
 * not the session is: what its uploads and its stored records are keyed by. */
const char *
nexus_member_get_session_hash (NexusMember *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  return member->session_hash;
}

/* A restored member's session, once a resume has proved it: its welcome
 * carries it, as a session keeps its token across resumes. */
void
nexus_member_set_session (NexusMember *member,
                          const char  *session)
{
  g_autofree char *hash = NULL;

  g_return_if_fail (member != NULL);
  g_return_if_fail (session != NULL);

  hash = nexus_token_hash (session);
  g_return_if_fail (nexus_token_equal (hash, member->session_hash));
  g_free (member->session);
  member->session = g_strdup (session);
}

/* Members sort by this in order of joining; it outlives the member's
 * position, which moves as others leave. */
gint64
nexus_member_get_order (NexusMember *member)
{
  g_return_val_if_fail (member != NULL, 0);

  return member->order;
}

/* The seq below which none of the member's say ids is remembered any
 * more: 0 while it remembers every id it used. */
gint64
nexus_member_get_said_floor (NexusMember *member)
{
  NexusSaid *oldest;

  g_return_val_if_fail (member != NULL, 0);

  if (member->said_order.length < NEXUS_ROOM_DEDUPE_LIMIT)
    return 0;
  oldest = g_hash_table_lookup (member->said, g_queue_peek_head (&member->said_order));
  return oldest->seq;
}

gboolean
nexus_member_is_attached (NexusMember *member)
{
  g_return_val_if_fail (member != NULL, FALSE);

  return member->attached;
}

gpointer
nexus_member_get_connection (NexusMember *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  return member->connection;
}

/* The key of the member's file downloads: a secret of its own, so a link
 * that leaks (a shared screen, a browser's history) gives no session. */
const char *
nexus_member_get_files_key (NexusMember *member)
{
  g_return_val_if_fail (member != NULL, NULL);

  return member->files_key;
}

NexusMember *
_nexus_member_new (const char *trimmed_name)
{
  NexusMember *member = g_new0 (NexusMember, 1);

  member->name = g_strdup (trimmed_name);
  member->name_key = nexus_name_key (trimmed_name);
  member->files_key = nexus_session_token_new ();
  member->said = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return member;
}

static void
member_free (NexusMember *member)
{
  g_free (member->name);
  g_free (member->name_key);
  g_free (member->session);
  g_free (member->session_hash);
  g_free (member->files_key);
  g_hash_table_unref (member->said);
  g_queue_clear (&member->said_order);   /* the ids belong to the table */
  g_free (member);
}

/* Rooms */

/* @history_limit: events kept; @history_bytes: their encoded bytes, at most
 * (the newest event is kept whatever its size). */
NexusRoom *
nexus_room_new (const char *code,
                guint       history_limit,
                gsize       history_bytes)
{
  NexusRoom *room;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (history_limit > 0, NULL);
  g_return_val_if_fail (history_bytes > 0, NULL);

  room = g_new0 (NexusRoom, 1);
  room->code = g_strdup (code);
  room->created = g_get_real_time ();
  room->members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  room->ring_capacity = history_limit;
  room->ring = g_new0 (NexusRoomEvent *, room->ring_capacity);
  room->history_bytes = history_bytes;
  room->messages = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                          (GDestroyNotify) _nexus_message_free);

  return room;
}

void
nexus_room_free (NexusRoom *room)
{
  if (room == NULL)
    return;

  /* The files first: they may look at the room as it ends. */
  if (room->files_free != NULL)
    g_clear_pointer (&room->files, room->files_free);
  for (guint i = 0; i < room->ring_length; i++)
    nexus_room_event_unref (room->ring[(room->ring_start + i) % room->ring_capacity]);
  g_free (room->ring);
  g_hash_table_unref (room->messages);
  g_ptr_array_unref (room->members);
  g_free (room->code);
  g_free (room);
}

const char *
nexus_room_get_code (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, NULL);

  return room->code;
}

guint
nexus_room_get_n_members (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return room->members->len;
}

/* Members in their grace period: in the room, with no connection. */
guint
nexus_room_get_n_detached (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return room->n_detached;
}

NexusMember *
nexus_room_get_member (NexusRoom *room,
                       guint      position)
{
  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (position < room->members->len, NULL);

  return g_ptr_array_index (room->members, position);
}

/* When the room was made, µs since the epoch. */
gint64
nexus_room_get_created (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return room->created;
}

gint64
nexus_room_get_last_seq (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return room->last_seq;
}

guint
nexus_room_get_history_length (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return room->ring_length;
}

gsize
nexus_room_get_history_bytes (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return room->ring_bytes;
}

static NexusRoomEvent *
ring_get (NexusRoom *room,
          guint      index)
{
  return room->ring[(room->ring_start + index) % room->ring_capacity];
}

static void
ring_drop_oldest (NexusRoom *room)
{
  NexusRoomEvent *oldest = ring_get (room, 0);

  room->ring_bytes -= oldest->json_length;
  if (oldest->type == NEXUS_ROOM_EVENT_MESSAGE)
    g_hash_table_remove (room->messages, &oldest->seq);
  nexus_room_event_unref (oldest);
  room->ring[room->ring_start] = NULL;
  room->ring_start = (room->ring_start + 1) % room->ring_capacity;
  room->ring_length--;
}

/* Keeps @event (taking it) as the newest of the history. */
void
_nexus_room_ring_push (NexusRoom      *room,
           NexusRoomEvent *event)
{
  while (room->ring_length > 0
         && (room->ring_length == room->ring_capacity
             || room->ring_bytes + event->json_length > room->history_bytes))
    ring_drop_oldest (room);

  room->ring[(room->ring_start + room->ring_length) % room->ring_capacity] = event;
  room->ring_length++;
  room->ring_bytes += event->json_length;
  room->last_seq = event->seq;
}

/* Appends a joined or left to the history; the returned event is
 * borrowed from the ring. */
static NexusRoomEvent *
room_append (NexusRoom          *room,
             NexusRoomEventType  type,
             gint64              real_time,
             const char         *name)
{
  NexusRoomEvent *event = room_event_new (type, room->last_seq + 1, real_time, name, NULL, NULL);

  _nexus_room_ring_push (room, event);
  return event;
}

/* The oldest seq the history still keeps (last_seq + 1 when it is empty). */
gint64
nexus_room_get_oldest_kept_seq (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return room->last_seq - room->ring_length + 1;
}

/* The kept event with @seq, or NULL when the history no longer has it. */
static NexusRoomEvent *
room_get_event (NexusRoom *room,
                gint64     seq)
{
  gint64 oldest_kept = room->last_seq - room->ring_length + 1;

  if (seq < oldest_kept || seq > room->last_seq)
    return NULL;
  return ring_get (room, (guint) (seq - oldest_kept));
}

gboolean
nexus_room_has_name (NexusRoom  *room,
                     const char *trimmed_name)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (room != NULL, FALSE);
  g_return_val_if_fail (trimmed_name != NULL, FALSE);

  key = nexus_name_key (trimmed_name);
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

  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (nexus_name_is_valid (trimmed_name), NULL);
  g_return_val_if_fail (!nexus_room_has_name (room, trimmed_name), NULL);

  member = _nexus_member_new (trimmed_name);
  member->session = nexus_session_token_new ();
  member->session_hash = nexus_token_hash (member->session);
  member->attached = TRUE;
  g_ptr_array_add (room->members, member);

  event = room_append (room, NEXUS_ROOM_EVENT_JOINED, g_get_real_time (), trimmed_name);
  member->order = event->seq;
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
  guint position;

  g_return_if_fail (room != NULL);
  g_return_if_fail (member != NULL);
  /* The member must be this room's before anyone is told it left. */
  g_return_if_fail (g_ptr_array_find (room->members, member, &position));

  event = room_append (room, NEXUS_ROOM_EVENT_LEFT, g_get_real_time (), member->name);
  if (left)
    *left = event;

  if (!member->attached)
    room->n_detached--;
  g_ptr_array_remove_index (room->members, position);
}

NexusMember *
nexus_room_find_session (NexusRoom  *room,
                         const char *session)
{
  NexusMember *found = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (room != NULL, NULL);

  if (session == NULL)
    return NULL;

  /* Sessions are compared by their hashes, which is all a restored room
   * knows of them; every member is compared, in constant time each, so
   * neither the answer's timing nor its position says anything. */
  hash = nexus_token_hash (session);
  for (guint i = 0; i < room->members->len; i++)
    {
      NexusMember *member = g_ptr_array_index (room->members, i);

      if (nexus_token_equal (hash, member->session_hash))
        found = member;
    }
  return found;
}

gboolean
nexus_room_has_said (NexusRoom   *room,
                     NexusMember *member,
                     const char  *id)
{
  g_return_val_if_fail (room != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  return g_hash_table_contains (member->said, id);
}

/**
 * nexus_room_replay_said:
 * @text: the text of the repeated say
 *
 * The answer to a say whose id @member has used before: its original
 * event while the history keeps it; after that, the same frame made again
 * from what dedupe kept (seq, time, name, id) and @text, which is the
 * original's for any client that repeats a say as the protocol asks. Only
 * the sender ever receives it.
 *
 * Returns: (transfer full) (nullable): the event, or NULL for a new id
 */
NexusRoomEvent *
nexus_room_replay_said (NexusRoom   *room,
                        NexusMember *member,
                        const char  *id,
                        const char  *text)
{
  NexusSaid *said;
  NexusRoomEvent *event;

  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  said = g_hash_table_lookup (member->said, id);
  if (said == NULL)
    return NULL;

  event = room_get_event (room, said->seq);
  if (event != NULL)
    return nexus_room_event_ref (event);
  return room_event_new (NEXUS_ROOM_EVENT_MESSAGE, said->seq, said->said_at, member->name, text,
                         id);
}

/* Remembers that @member used @id for the event @seq, within the bound. */
void
_nexus_member_remember (NexusMember *member,
                        const char  *id,
                        gint64       seq,
                        gint64       said_at)
{
  NexusSaid *said = g_new (NexusSaid, 1);
  char *key = g_strdup (id);

  said->seq = seq;
  said->said_at = said_at;
  g_hash_table_insert (member->said, key, said);
  g_queue_push_tail (&member->said_order, key);
  if (member->said_order.length > NEXUS_ROOM_DEDUPE_LIMIT)
    g_hash_table_remove (member->said, g_queue_pop_head (&member->said_order));
}

/* A message said by @member: kept as an event and as its current state.
 * @reply: the message it answers, or NULL. The event is borrowed. */
NexusRoomEvent *
_nexus_room_append_said (NexusRoom           *room,
                         NexusMember         *member,
                         const char          *text,
                         const char          *id,
                         const NexusFileInfo *file,
                         NexusMessage        *reply)
{
  NexusMessage *message = g_new0 (NexusMessage, 1);
  NexusRoomEvent *event;

  message->seq = room->last_seq + 1;
  message->real_time = g_get_real_time ();
  message->name = g_strdup (member->name);
  message->id = g_strdup (id);
  message->text = g_strdup (text);
  message->sender_hash = g_strdup (member->session_hash);
  if (file != NULL)
    {
      message->file = *file;
      message->file.name = g_strdup (file->name);
      message->file.type = g_strdup (file->type);
      message->file.url = g_strdup (file->url);
    }
  if (reply != NULL)
    {
      message->reply_seq = reply->seq;
      message->reply_name = g_strdup (reply->name);
      /* A file message is quoted by its file's name. */
      message->reply_text = reply->file.name != NULL ? g_strdup (reply->file.name)
                                                     : nexus_quote_text (reply->text);
    }

  event = _nexus_room_event_new (NEXUS_ROOM_EVENT_MESSAGE, message->seq, message->real_time,
                                 _nexus_message_encode (message));
  _nexus_room_ring_push (room, event);
  g_hash_table_insert (room->messages, &message->seq, message);
  _nexus_member_remember (member, id, event->seq, event->real_time);

  return event;
}

NexusRoomEvent *
nexus_room_append_message (NexusRoom   *room,
                           NexusMember *member,
                           const char  *text,
                           const char  *id)
{
  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);
  g_return_val_if_fail (nexus_id_is_valid (id), NULL);
  g_return_val_if_fail (!nexus_room_has_said (room, member, id), NULL);

  return _nexus_room_append_said (room, member, text, id, NULL, NULL);
}

/**
 * nexus_room_append_file:
 * @id: the upload's id, which the message carries
 *
 * A file message: a `message` whose text is the line a client that does
 * not know files shows, with @file. It is said like any message, so its
 * id is deduplicated with the member's says.
 *
 * Returns: (transfer none): the event, borrowed from the history
 */
NexusRoomEvent *
nexus_room_append_file (NexusRoom           *room,
                        NexusMember         *member,
                        const char          *id,
                        const NexusFileInfo *file)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);
  g_return_val_if_fail (file != NULL, NULL);
  g_return_val_if_fail (nexus_id_is_valid (id), NULL);
  g_return_val_if_fail (!nexus_room_has_said (room, member, id), NULL);

  text = nexus_file_fallback_text (file->name, file->size);
  return _nexus_room_append_said (room, member, text, id, file, NULL);
}

/* The kept event with @seq, or NULL when the history no longer has it. */
NexusRoomEvent *
nexus_room_lookup_event (NexusRoom *room,
                         gint64     seq)
{
  g_return_val_if_fail (room != NULL, NULL);

  return room_get_event (room, seq);
}

/* The member whose files key is @key, or NULL. Every member is compared,
 * in constant time each, as sessions are. */
NexusMember *
nexus_room_find_files_key (NexusRoom  *room,
                           const char *key)
{
  NexusMember *found = NULL;

  g_return_val_if_fail (room != NULL, NULL);

  if (key == NULL)
    return NULL;
  for (guint i = 0; i < room->members->len; i++)
    {
      NexusMember *member = g_ptr_array_index (room->members, i);

      if (nexus_token_equal (key, member->files_key))
        found = member;
    }
  return found;
}

/* What the server keeps of the room's files: @free is called with it when
 * the room ends (or when other files replace it). */
void
nexus_room_set_files (NexusRoom      *room,
                      gpointer        files,
                      GDestroyNotify  files_free)
{
  g_return_if_fail (room != NULL);

  if (room->files_free != NULL)
    g_clear_pointer (&room->files, room->files_free);
  room->files = files;
  room->files_free = files_free;
}

gpointer
nexus_room_get_files (NexusRoom *room)
{
  g_return_val_if_fail (room != NULL, NULL);

  return room->files;
}

/* Whether a typing notice of @member may be relayed at @now (monotonic
 * µs): at most one a second; a TRUE answer counts as relayed. */
gboolean
nexus_room_member_may_type (NexusRoom   *room,
                            NexusMember *member,
                            gint64       now)
{
  g_return_val_if_fail (room != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);

  if (member->last_typing != 0 && now - member->last_typing < G_USEC_PER_SEC)
    return FALSE;
  member->last_typing = now;
  return TRUE;
}

/* The events a client that has seen up to @last_seq is missing, oldest
 * first. When some of them are no longer kept, the whole kept history and
 * *@gap = TRUE. The array holds references. */
GPtrArray *
nexus_room_history_since (NexusRoom *room,
                          gint64     last_seq,
                          gboolean  *gap)
{
  GPtrArray *events;
  gint64 oldest_kept;
  guint first = 0;

  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (gap != NULL, NULL);

  events = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_room_event_unref);
  oldest_kept = room->last_seq - room->ring_length + 1;
  *gap = FALSE;
  if (last_seq >= room->last_seq)
    return events;

  if (last_seq + 1 < oldest_kept)
    *gap = TRUE;
  else
    first = (guint) (last_seq + 1 - oldest_kept);

  for (guint i = first; i < room->ring_length; i++)
    g_ptr_array_add (events, nexus_room_event_ref (ring_get (room, i)));

  return events;
}

void
nexus_room_detach_member (NexusRoom   *room,
                          NexusMember *member,
                          gint64       now)
{
  g_return_if_fail (room != NULL);
  g_return_if_fail (member != NULL);

  if (member->attached)
    room->n_detached++;
  member->attached = FALSE;
  member->connection = NULL;
  member->detached_at = now;
}

void
nexus_room_attach_member (NexusRoom   *room,
                          NexusMember *member,
                          gpointer     connection)
{
  g_return_if_fail (room != NULL);
  g_return_if_fail (member != NULL);

  if (!member->attached)
    room->n_detached--;
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
  GPtrArray *expired;

  g_return_val_if_fail (room != NULL, NULL);

  expired = g_ptr_array_new ();
  for (guint i = 0; i < room->members->len; i++)
    {
      NexusMember *member = g_ptr_array_index (room->members, i);

      if (!member->attached && now - member->detached_at >= grace_usec)
        g_ptr_array_add (expired, member);
    }
  return expired;
}

