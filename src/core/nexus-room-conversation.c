/* nexus-room-conversation.c: replies, edits, deletes and reactions in a room
 *
 * Each change is an event of its own (edited, deleted, reacted) with its
 * seq, kept and deduplicated like a message; besides, the message it
 * points at is made again in the history with its current state, so a
 * late joiner sees the conversation as it is now (PROTOCOL.md,
 * "Conversation"). Only messages the history still keeps can change:
 * their state lives beside the ring and goes with them.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-json.h"
#include "nexus-protocol.h"
#include "nexus-room-private.h"
#include "nexus-json-object.h"

/* Messages */

static void
message_clear_file (NexusMessage *message)
{
  g_free ((char *) message->file.name);
  g_free ((char *) message->file.type);
  g_free ((char *) message->file.url);
  memset (&message->file, 0, sizeof message->file);
}

static void
message_clear_reactions (NexusMessage *message)
{
  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    g_clear_pointer (&message->reactions[i], g_ptr_array_unref);
}

void
_nexus_message_free (NexusMessage *message)
{
  g_free (message->name);
  g_free (message->id);
  g_free (message->text);
  g_free (message->sender_hash);
  message_clear_file (message);
  g_free (message->reply_name);
  g_free (message->reply_text);
  message_clear_reactions (message);
  g_free (message);
}

GString *
_nexus_message_encode (NexusMessage *message)
{
  return nexus_frame_encode_message (&(NexusMessageFrame) {
    .seq = message->seq,
    .real_time = message->real_time,
    .name = message->name,
    .text = message->text,
    .id = message->id,
    .file = message->file.name != NULL ? &message->file : NULL,
    .reply_seq = message->reply_seq,
    .reply_name = message->reply_name,
    .reply_text = message->reply_text,
    .edited = message->edited,
    .deleted = message->deleted,
    .reactions = message->reactions,
  });
}

/* An integer member, 0 when missing or not one. */
static gint64
object_int (JsonObject *object,
            const char *member)
{
  gint64 value = 0;

  return nexus_json_get_int (object, member, &value) ? value : 0;
}

static void
parse_reactions (NexusMessage *message,
                 JsonObject   *reactions)
{
  for (int i = 0; reactions != NULL && i < NEXUS_N_REACTIONS; i++)
    {
      JsonNode *node = json_object_get_member (reactions, nexus_reaction_emoji (i));
      JsonArray *names;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        continue;
      names = json_node_get_array (node);
      for (guint j = 0; j < json_array_get_length (names); j++)
        {
          JsonNode *name = json_array_get_element (names, j);

          if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            continue;
          if (message->reactions[i] == NULL)
            message->reactions[i] = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (message->reactions[i], json_node_dup_string (name));
        }
    }
}

/**
 * _nexus_message_parse:
 *
 * The state of a message event made again from its frame, as a room
 * reopened from the host's database has only the frames. Its sender is
 * not in the frame: nexus_room_restore_said() tells it.
 *
 * Returns: (nullable): the message, or NULL when the frame is not one
 */
NexusMessage *
_nexus_message_parse (NexusRoomEvent *event)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object, *file, *reply;
  const char *name, *id, *text;
  NexusMessage *message;
  JsonNode *root;

  /* json-glib only ever reads well-formed JSON (its error paths leak). */
  if (!nexus_json_is_well_formed (event->json, event->json_length))
    return NULL;
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, event->json, (gssize) event->json_length, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  name = nexus_json_get_string (object, "name");
  id = nexus_json_get_string (object, "id");
  text = nexus_json_get_string (object, "text");
  if (name == NULL || id == NULL || text == NULL)
    return NULL;

  message = g_new0 (NexusMessage, 1);
  message->seq = event->seq;
  message->real_time = event->real_time;
  message->name = g_strdup (name);
  message->id = g_strdup (id);
  message->text = g_strdup (text);
  message->edited = json_object_get_boolean_member_with_default (object, "edited", FALSE);
  message->deleted = json_object_get_boolean_member_with_default (object, "deleted", FALSE);
  if ((file = nexus_json_get_object (object, "file")) != NULL && nexus_json_get_string (file, "name") != NULL
      && nexus_json_get_string (file, "type") != NULL && nexus_json_get_string (file, "url") != NULL)
    {
      message->file.name = g_strdup (nexus_json_get_string (file, "name"));
      message->file.type = g_strdup (nexus_json_get_string (file, "type"));
      message->file.url = g_strdup (nexus_json_get_string (file, "url"));
      message->file.size = (guint64) MAX (object_int (file, "size"), 0);
      message->file.width = (guint32) CLAMP (object_int (file, "width"), 0, G_MAXUINT32);
      message->file.height = (guint32) CLAMP (object_int (file, "height"), 0, G_MAXUINT32);
    }
  if ((reply = nexus_json_get_object (object, "reply")) != NULL && object_int (reply, "seq") > 0
      && nexus_json_get_string (reply, "name") != NULL && nexus_json_get_string (reply, "text") != NULL)
    {
      message->reply_seq = object_int (reply, "seq");
      message->reply_name = g_strdup (nexus_json_get_string (reply, "name"));
      message->reply_text = g_strdup (nexus_json_get_string (reply, "text"));
    }
  parse_reactions (message, nexus_json_get_object (object, "reactions"));
  return message;
}

/* Replies, and messages made again */

/**
 * nexus_room_append_reply:
 * @reply_to: the seq of the message it answers (nexus_room_check_target()
 *   said yes), or 0
 *
 * A message that carries a quote of the one it answers, as that one
 * reads now.
 *
 * Returns: (transfer none): the event, borrowed from the history
 */
NexusRoomEvent *
nexus_room_append_reply (NexusRoom   *room,
                         NexusMember *member,
                         const char  *text,
                         const char  *id,
                         gint64       reply_to)
{
  NexusMessage *reply = NULL;

  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);
  g_return_val_if_fail (nexus_id_is_valid (id), NULL);
  g_return_val_if_fail (!nexus_room_has_said (room, member, id), NULL);

  if (reply_to != 0)
    {
      reply = g_hash_table_lookup (room->messages, &reply_to);
      g_return_val_if_fail (reply != NULL && !reply->deleted, NULL);
    }
  return _nexus_room_append_said (room, member, text, id, NULL, reply);
}

/* @message changed: its event in the history is made again from it, in
 * the old one's place. Returns the new event, borrowed from the ring. */
NexusRoomEvent *
_nexus_room_replace_message (NexusRoom    *room,
                             NexusMessage *message)
{
  gint64 oldest_kept = room->last_seq - room->ring_length + 1;
  guint slot;
  NexusRoomEvent *old, *event;

  g_assert (message->seq >= oldest_kept && message->seq <= room->last_seq);
  slot = (room->ring_start + (guint) (message->seq - oldest_kept)) % room->ring_capacity;
  old = room->ring[slot];
  g_assert (old->seq == message->seq && old->type == NEXUS_ROOM_EVENT_MESSAGE);

  event = _nexus_room_event_new (NEXUS_ROOM_EVENT_MESSAGE, message->seq, message->real_time,
                                 _nexus_message_encode (message));
  room->ring_bytes = room->ring_bytes - old->json_length + event->json_length;
  room->ring[slot] = event;
  nexus_room_event_unref (old);
  return event;
}

/* Checks */

/**
 * nexus_room_check_target:
 * @type: SAY (for its reply_to), EDIT, DELETE or REACT
 * @target: the seq the frame names
 * @code: (out): why not, when it returns FALSE
 *
 * Whether @member may do @type to @target, in the protocol's order:
 * target-not-found (no message the history keeps, or a deleted one),
 * then not-allowed (an edit or a delete of a message of another session,
 * an edit of a file message).
 */
gboolean
nexus_room_check_target (NexusRoom            *room,
                         NexusMember          *member,
                         NexusClientFrameType  type,
                         gint64                target,
                         NexusErrorCode       *code)
{
  NexusMessage *message;

  g_return_val_if_fail (room != NULL, FALSE);
  g_return_val_if_fail (member != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  message = g_hash_table_lookup (room->messages, &target);
  if (message == NULL || message->deleted)
    {
      *code = NEXUS_ERROR_TARGET_NOT_FOUND;
      return FALSE;
    }
  if ((type == NEXUS_CLIENT_FRAME_EDIT || type == NEXUS_CLIENT_FRAME_DELETE)
      && (message->sender_hash == NULL
          || !nexus_token_equal (message->sender_hash, member->session_hash)))
    {
      *code = NEXUS_ERROR_NOT_ALLOWED;
      return FALSE;
    }
  if (type == NEXUS_CLIENT_FRAME_EDIT && message->file.name != NULL)
    {
      *code = NEXUS_ERROR_NOT_ALLOWED;
      return FALSE;
    }
  return TRUE;
}

/* Changes */

/* The change event itself, kept and deduplicated like a message. */
static NexusRoomEvent *
room_append_change (NexusRoom          *room,
                    NexusMember        *member,
                    NexusRoomEventType  type,
                    const char         *id,
                    gint64              target,
                    const char         *text,
                    int                 emoji,
                    gboolean            on)
{
  gint64 seq = room->last_seq + 1;
  gint64 now = g_get_real_time ();
  const char *emoji_text = emoji >= 0 ? nexus_reaction_emoji (emoji) : NULL;
  NexusRoomEvent *event;

  event = _nexus_room_event_new (type, seq, now,
                                 nexus_frame_encode_change ((NexusWireEvent) type, seq, now,
                                                            member->name, id, target, text,
                                                            emoji_text, on));
  _nexus_room_ring_push (room, event);
  _nexus_member_remember (member, id, seq, now);
  return event;
}

static NexusMessage *
room_target (NexusRoom   *room,
             NexusMember *member,
             const char  *id,
             gint64       target)
{
  NexusMessage *message = g_hash_table_lookup (room->messages, &target);

  g_return_val_if_fail (!nexus_room_has_said (room, member, id), NULL);
  g_return_val_if_fail (message != NULL && !message->deleted, NULL);
  return message;
}

/* @message changed: its new event goes into @changed (a reference). */
static void
room_changed (NexusRoom    *room,
              NexusMessage *message,
              GPtrArray    *changed)
{
  NexusRoomEvent *event = _nexus_room_replace_message (room, message);

  if (changed != NULL)
    g_ptr_array_add (changed, nexus_room_event_ref (event));
}

/**
 * nexus_room_append_edit:
 * @changed: (nullable): gets a reference to the target's new event
 *
 * @target now reads @text (checked by the caller, as the target with
 * nexus_room_check_target()).
 *
 * Returns: (transfer none): the edited event, borrowed from the history
 */
NexusRoomEvent *
nexus_room_append_edit (NexusRoom   *room,
                        NexusMember *member,
                        const char  *id,
                        gint64       target,
                        const char  *text,
                        GPtrArray   *changed)
{
  NexusMessage *message;

  g_return_val_if_fail (room != NULL && member != NULL && text != NULL, NULL);
  g_return_val_if_fail (nexus_id_is_valid (id), NULL);
  if ((message = room_target (room, member, id, target)) == NULL)
    return NULL;

  g_free (message->text);
  message->text = g_strdup (text);
  message->edited = TRUE;
  room_changed (room, message, changed);
  return room_append_change (room, member, NEXUS_ROOM_EVENT_EDITED, id, target, text, -1, FALSE);
}

/**
 * nexus_room_append_delete:
 * @changed: (nullable): gets references to the new events of the target
 *   and of the replies whose quote of it was blanked
 * @file_url: (out) (optional): the URL of the target's file, whose bytes
 *   must go now, or NULL
 *
 * Returns: (transfer none): the deleted event, borrowed from the history
 */
NexusRoomEvent *
nexus_room_append_delete (NexusRoom    *room,
                          NexusMember  *member,
                          const char   *id,
                          gint64        target,
                          GPtrArray    *changed,
                          char        **file_url)
{
  NexusMessage *message;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (room != NULL && member != NULL, NULL);
  g_return_val_if_fail (nexus_id_is_valid (id), NULL);
  if ((message = room_target (room, member, id, target)) == NULL)
    return NULL;

  if (file_url != NULL)
    *file_url = g_strdup (message->file.url);
  g_free (message->text);
  message->text = g_strdup ("");
  message->edited = FALSE;
  message->deleted = TRUE;
  message_clear_file (message);
  message_clear_reactions (message);
  room_changed (room, message, changed);

  /* What it said goes from the quotes of it too. */
  g_hash_table_iter_init (&iter, room->messages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NexusMessage *reply = value;

      if (reply->reply_seq == target && reply->reply_text != NULL && *reply->reply_text != '\0')
        {
          g_free (reply->reply_text);
          reply->reply_text = g_strdup ("");
          room_changed (room, reply, changed);
        }
    }
  return room_append_change (room, member, NEXUS_ROOM_EVENT_DELETED, id, target, NULL, -1, FALSE);
}

/**
 * nexus_room_append_react:
 * @emoji: the reaction's index (nexus_reaction_emoji())
 * @on: TRUE to add @member's reaction, FALSE to take it away
 * @changed: (nullable): gets a reference to the target's new event, when
 *   the reaction was not already so
 *
 * A reaction is the member's name: one of each emoji per name, oldest
 * first. One that is already as asked is still an event, so that its id
 * is answered.
 *
 * Returns: (transfer none): the reacted event, borrowed from the history
 */
NexusRoomEvent *
nexus_room_append_react (NexusRoom   *room,
                         NexusMember *member,
                         const char  *id,
                         gint64       target,
                         int          emoji,
                         gboolean     on,
                         GPtrArray   *changed)
{
  NexusMessage *message;
  GPtrArray *names;
  guint position;
  gboolean found;

  g_return_val_if_fail (room != NULL && member != NULL, NULL);
  g_return_val_if_fail (nexus_id_is_valid (id), NULL);
  g_return_val_if_fail (emoji >= 0 && emoji < NEXUS_N_REACTIONS, NULL);
  if ((message = room_target (room, member, id, target)) == NULL)
    return NULL;

  names = message->reactions[emoji];
  found = names != NULL && g_ptr_array_find_with_equal_func (names, member->name, g_str_equal,
                                                             &position);
  if (on && !found)
    {
      if (names == NULL)
        names = message->reactions[emoji] = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (names, g_strdup (member->name));
      room_changed (room, message, changed);
    }
  else if (!on && found)
    {
      g_ptr_array_remove_index (names, position);
      if (names->len == 0)
        g_clear_pointer (&message->reactions[emoji], g_ptr_array_unref);
      room_changed (room, message, changed);
    }
  return room_append_change (room, member, NEXUS_ROOM_EVENT_REACTED, id, target, NULL, emoji, on);
}

/**
 * nexus_room_replay_frame:
 * @frame: a say, edit, delete or react of @member
 *
 * The answer to a frame whose id @member has used before (for any of
 * them): its original event while the history keeps it; after that, the
 * same frame made again from what dedupe kept (seq, time, name, id) and
 * the members of @frame, which are the original's for a client that
 * repeats a frame as the protocol asks. Only the sender receives it.
 *
 * Returns: (transfer full) (nullable): the event, or NULL for a new id
 */
NexusRoomEvent *
nexus_room_replay_frame (NexusRoom              *room,
                         NexusMember            *member,
                         const NexusClientFrame *frame)
{
  NexusSaid *said;
  NexusRoomEvent *kept;
  NexusRoomEventType type;

  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (member != NULL, NULL);
  g_return_val_if_fail (frame != NULL && frame->id != NULL, NULL);

  said = g_hash_table_lookup (member->said, frame->id);
  if (said == NULL)
    return NULL;
  if ((kept = nexus_room_lookup_event (room, said->seq)) != NULL)
    return nexus_room_event_ref (kept);

  switch (frame->type)
    {
    case NEXUS_CLIENT_FRAME_EDIT:
      type = NEXUS_ROOM_EVENT_EDITED;
      break;
    case NEXUS_CLIENT_FRAME_DELETE:
      type = NEXUS_ROOM_EVENT_DELETED;
      break;
    case NEXUS_CLIENT_FRAME_REACT:
      type = NEXUS_ROOM_EVENT_REACTED;
      break;
    case NEXUS_CLIENT_FRAME_SAY:
    case NEXUS_CLIENT_FRAME_UNKNOWN:
    case NEXUS_CLIENT_FRAME_CREATE:
    case NEXUS_CLIENT_FRAME_JOIN:
    case NEXUS_CLIENT_FRAME_RESUME:
    case NEXUS_CLIENT_FRAME_TYPING:
    case NEXUS_CLIENT_FRAME_LEAVE:
    case NEXUS_CLIENT_FRAME_UPLOAD:
    case NEXUS_CLIENT_FRAME_SHARE:
    default:
      return nexus_room_replay_said (room, member, frame->id,
                                     frame->text != NULL ? frame->text : "");
    }
  return _nexus_room_event_new (type, said->seq, said->said_at,
                                nexus_frame_encode_change ((NexusWireEvent) type, said->seq,
                                                           said->said_at, member->name, frame->id,
                                                           frame->target, frame->text,
                                                           type == NEXUS_ROOM_EVENT_REACTED
                                                           ? nexus_reaction_emoji (frame->emoji)
                                                           : NULL,
                                                           frame->on));
}
