/* nexus-client-changes.c: the conversation in the server's frames: a
 * message's reply and current state (edited, deleted, reactions), and the
 * `edited`, `deleted` and `reacted` events, live, in a welcome's history
 * and after a resume
 *
 * nexus_server_frame_parse() reads what version 1 has; this reads the
 * rest of the same frame. Applying a change twice ends in the same state,
 * so a change seen in the history and again live, or again after a
 * resume, is harmless.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "nexus-client-private.h"
#include "nexus-json.h"
#include "nexus-json-object.h"

/* A seq member, 0 when missing or not one. */
static gint64
get_seq (JsonObject *object,
         const char *member)
{
  gint64 seq = 0;

  return nexus_json_get_int (object, member, &seq) ? MAX (seq, 0) : 0;
}

static gboolean
is_own_name (NexusClient *self,
             const char  *name)
{
  return self->name != NULL && g_strcmp0 (self->name, name) == 0;
}

/* A message's own members */

static void
apply_reply (NexusEvent *event,
             JsonObject *message)
{
  JsonNode *node = json_object_get_member (message, "reply");
  JsonObject *reply;
  gint64 seq;
  const char *name, *text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  reply = json_node_get_object (node);
  seq = get_seq (reply, "seq");
  name = nexus_json_get_string (reply, "name");
  text = nexus_json_get_string (reply, "text");
  if (seq < 1 || name == NULL || text == NULL)
    return;
  nexus_event_set_reply (event, seq, name, text);
}

static GHashTable *
reactions_of (JsonObject *message)
{
  JsonNode *node = json_object_get_member (message, "reactions");
  GHashTable *reactions;
  JsonObjectIter iter;
  const char *emoji;
  JsonNode *names;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  reactions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) g_ptr_array_unref);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &emoji, &names))
    {
      GPtrArray *list;
      JsonArray *array;

      if (nexus_reaction_index (emoji) < 0 || !JSON_NODE_HOLDS_ARRAY (names))
        continue;
      array = json_node_get_array (names);
      list = g_ptr_array_new ();
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *name = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING)
            g_ptr_array_add (list, (gpointer) json_node_get_string (name));
        }
      g_hash_table_insert (reactions, (gpointer) emoji, list);
    }
  return reactions;
}

/* Replies keep their quote of a deleted message, but not its text. */
static void
forget_quotes_of (NexusClient *self,
                  gint64       seq)
{
  GListModel *log = G_LIST_MODEL (self->log);
  guint n = g_list_model_get_n_items (log);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (log, i);

      if (nexus_event_get_reply_seq (event) == seq)
        nexus_event_set_reply (event, seq, nexus_event_get_reply_name (event), "");
    }
}

static void
delete_event (NexusClient *self,
              NexusEvent  *event)
{
  if (nexus_event_get_deleted (event))
    return;
  nexus_event_set_deleted (event);
  forget_quotes_of (self, nexus_event_get_seq (event));
}

/* A `message` as the history has it now. */
static void
apply_message (NexusClient *self,
               JsonObject  *message)
{
  NexusEvent *event = nexus_event_log_lookup (self->log, get_seq (message, "seq"));
  g_autoptr(GHashTable) reactions = NULL;
  const char *text = nexus_json_get_string (message, "text");

  if (event == NULL)
    return;

  g_object_freeze_notify (G_OBJECT (event));
  apply_reply (event, message);
  if (nexus_json_get_boolean (message, "deleted") == 1)
    delete_event (self, event);
  else
    {
      if (nexus_json_get_boolean (message, "edited") == 1 && text != NULL)
        {
          nexus_event_set_edited_text (event, text);
          _nexus_client_update_mention (self, event);
        }
      reactions = reactions_of (message);
      nexus_event_set_reactions (event, reactions);
    }
  g_object_thaw_notify (G_OBJECT (event));
}

/* The three events */

typedef enum {
  CHANGE_NONE,
  CHANGE_EDITED,
  CHANGE_DELETED,
  CHANGE_REACTED,
} ChangeType;

static ChangeType
change_type (const char *type)
{
  if (g_strcmp0 (type, "edited") == 0)
    return CHANGE_EDITED;
  if (g_strcmp0 (type, "deleted") == 0)
    return CHANGE_DELETED;
  if (g_strcmp0 (type, "reacted") == 0)
    return CHANGE_REACTED;
  return CHANGE_NONE;
}

/* Returns FALSE when @object is no well-formed change event. */
static gboolean
apply_change (NexusClient *self,
              JsonObject  *object)
{
  ChangeType type = change_type (nexus_json_get_string (object, "type"));
  gint64 seq = get_seq (object, "seq");
  gint64 target = get_seq (object, "target");
  const char *name = nexus_json_get_string (object, "name");
  const char *id = nexus_json_get_string (object, "id");
  NexusEvent *event;

  if (type == CHANGE_NONE || seq < 1 || target < 1 || name == NULL || id == NULL
      || nexus_json_get_string (object, "ts") == NULL)
    return FALSE;
  if (type == CHANGE_EDITED && nexus_json_get_string (object, "text") == NULL)
    return FALSE;
  if (type == CHANGE_REACTED
      && (nexus_reaction_index (nexus_json_get_string (object, "emoji")) < 0 || nexus_json_get_boolean (object, "on") < 0))
    return FALSE;

  /* The room's numbering: a resume asks for what follows it. */
  self->last_seq = MAX (self->last_seq, seq);
  if (is_own_name (self, name))
    _nexus_client_change_confirmed (self, id);

  event = nexus_event_log_lookup (self->log, target);
  if (event == NULL)
    return TRUE;

  switch (type)
    {
    case CHANGE_EDITED:
      nexus_event_set_edited_text (event, nexus_json_get_string (object, "text"));
      _nexus_client_update_mention (self, event);
      break;
    case CHANGE_DELETED:
      delete_event (self, event);
      break;
    case CHANGE_REACTED:
      nexus_event_set_reaction (event, nexus_json_get_string (object, "emoji"), name,
                                nexus_json_get_boolean (object, "on") == 1);
      break;
    case CHANGE_NONE:
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

/* A welcome's history, after the events version 1 knows were read. */
static void
apply_history (NexusClient *self,
               JsonObject  *welcome)
{
  JsonNode *node = json_object_get_member (welcome, "history");
  JsonArray *history;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  history = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (history); i++)
    {
      JsonNode *element = json_array_get_element (history, i);
      JsonObject *object;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      type = nexus_json_get_string (object, "type");
      if (g_strcmp0 (type, "message") == 0)
        apply_message (self, object);
      else
        apply_change (self, object);
    }
}

/* Most frames have nothing of the conversation: they are not read twice. */
static gboolean
may_have_conversation (const char *data,
                       gsize       length)
{
  static const char * const markers[] = {
    "\"reply\"", "\"edited\"", "\"deleted\"", "\"reactions\"", "\"reacted\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (g_strstr_len (data, length, markers[i]) != NULL)
      return TRUE;
  return FALSE;
}

gboolean
_nexus_client_apply_conversation (NexusClient *self,
                                  const char  *data,
                                  gsize        length,
                                  gboolean     parsed)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object;
  JsonNode *root;
  const char *type;

  if (self->state != NEXUS_CLIENT_STATE_JOINED || length == 0 || length > G_MAXSSIZE)
    return FALSE;
  if (parsed && !may_have_conversation (data, length))
    return FALSE;
  /* json-glib's error paths leak: it only ever sees well-formed JSON. */
  if (!g_utf8_validate (data, (gssize) length, NULL) || !nexus_json_is_well_formed (data, length))
    return FALSE;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  type = nexus_json_get_string (object, "type");

  if (parsed && g_strcmp0 (type, "welcome") == 0)
    apply_history (self, object);
  else if (parsed && g_strcmp0 (type, "message") == 0)
    apply_message (self, object);
  else if (!parsed && g_strcmp0 (type, "error") == 0)
    return _nexus_client_change_refused (self, nexus_json_get_string (object, "id"),
                                         nexus_json_get_string (object, "code"),
                                         nexus_json_get_string (object, "message"));
  else if (!parsed)
    return apply_change (self, object);
  return TRUE;
}
