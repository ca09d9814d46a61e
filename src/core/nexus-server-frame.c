/* nexus-server-frame.c: server → client frames of PROTOCOL.md, as C
 *
 * Both ways: the server encodes them (by hand, once per event, in one
 * pass), the desktop client parses them (strictly checked first, then
 * json-glib).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "nexus-server-frame.h"
#include "nexus-json-object.h"

static const struct {
  const char *name;
  NexusServerFrameType type;
} frame_types[] = {
  { "welcome", NEXUS_SERVER_FRAME_WELCOME },
  { "message", NEXUS_SERVER_FRAME_MESSAGE },
  { "joined", NEXUS_SERVER_FRAME_JOINED },
  { "left", NEXUS_SERVER_FRAME_LEFT },
  { "typing", NEXUS_SERVER_FRAME_TYPING },
  { "error", NEXUS_SERVER_FRAME_ERROR },
  { "upload-ready", NEXUS_SERVER_FRAME_UPLOAD_READY },
};

static gboolean
type_from_string (const char           *string,
                  NexusServerFrameType *type)
{
  if (string == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (frame_types); i++)
    if (strcmp (string, frame_types[i].name) == 0)
      {
        *type = frame_types[i].type;
        return TRUE;
      }
  return FALSE;
}

/* Events */

static void
file_free (NexusServerFile *file)
{
  g_free (file->name);
  g_free (file->type);
  g_free (file->url);
  g_free (file);
}

static void
event_clear (NexusServerEvent *event)
{
  g_clear_pointer (&event->timestamp, g_date_time_unref);
  g_clear_pointer (&event->name, g_free);
  g_clear_pointer (&event->text, g_free);
  g_clear_pointer (&event->id, g_free);
  g_clear_pointer (&event->file, file_free);
}

/* The `file` of a message; NULL when there is none or it is malformed, and
 * the message is then shown by its text, as a version 1 client would. */
static NexusServerFile *
file_parse (JsonObject *message)
{
  JsonNode *node = json_object_get_member (message, "file");
  JsonObject *object;
  const char *name, *type, *url;
  gint64 size, width = 0, height = 0;
  NexusServerFile *file;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  name = nexus_json_get_string (object, "name");
  type = nexus_json_get_string (object, "type");
  url = nexus_json_get_string (object, "url");
  if (name == NULL || type == NULL || url == NULL || !g_str_has_prefix (url, "/files/")
      || !nexus_json_get_int (object, "size", &size) || size < 0)
    return NULL;
  if (json_object_has_member (object, "width")
      && (!nexus_json_get_int (object, "width", &width) || !nexus_json_get_int (object, "height", &height)
          || width < 1 || height < 1))
    return NULL;

  file = g_new0 (NexusServerFile, 1);
  file->name = g_strdup (name);
  file->size = size;
  file->type = g_strdup (type);
  file->url = g_strdup (url);
  file->width = width;
  file->height = height;
  return file;
}

static gboolean
event_parse (JsonObject       *object,
             NexusServerEvent *event)
{
  const char *ts = nexus_json_get_string (object, "ts");
  const char *name = nexus_json_get_string (object, "name");
  const char *text = NULL;
  const char *id = NULL;
  NexusServerFrameType type;
  GDateTime *timestamp;
  gint64 seq;

  if (!type_from_string (nexus_json_get_string (object, "type"), &type)
      || ts == NULL || name == NULL || !nexus_json_get_int (object, "seq", &seq) || seq < 1)
    return FALSE;

  switch (type)
    {
    case NEXUS_SERVER_FRAME_MESSAGE:
      text = nexus_json_get_string (object, "text");
      id = nexus_json_get_string (object, "id");
      if (text == NULL || id == NULL)
        return FALSE;
      break;
    case NEXUS_SERVER_FRAME_JOINED:
    case NEXUS_SERVER_FRAME_LEFT:
      break;
    case NEXUS_SERVER_FRAME_WELCOME:
    case NEXUS_SERVER_FRAME_TYPING:
    case NEXUS_SERVER_FRAME_ERROR:
    case NEXUS_SERVER_FRAME_UPLOAD_READY:
    default:
      return FALSE;
    }

  timestamp = g_date_time_new_from_iso8601 (ts, NULL);
  if (timestamp == NULL)
    return FALSE;

  event->type = type;
  event->seq = seq;
  event->timestamp = timestamp;
  event->name = g_strdup (name);
  event->text = g_strdup (text);
  event->id = g_strdup (id);
  if (type == NEXUS_SERVER_FRAME_MESSAGE)
    event->file = file_parse (object);
  return TRUE;
}

/* Frames */

static char **
strings_of (JsonArray *array)
{
  GPtrArray *strings = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (strings, json_node_dup_string (node));
    }
  g_ptr_array_add (strings, NULL);
  return (char **) g_ptr_array_free (strings, FALSE);
}

static void
history_of (JsonArray        *array,
            NexusServerFrame *frame)
{
  GArray *history = g_array_new (FALSE, TRUE, sizeof (NexusServerEvent));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      NexusServerEvent event = { 0 };

      if (JSON_NODE_HOLDS_OBJECT (node) && event_parse (json_node_get_object (node), &event))
        g_array_append_val (history, event);
    }
  frame->n_history = history->len;
  frame->history = (NexusServerEvent *) g_array_free (history, FALSE);
}

static gboolean
welcome_parse (JsonObject       *object,
               NexusServerFrame *frame)
{
  const char *room = nexus_json_get_string (object, "room");
  const char *name = nexus_json_get_string (object, "name");
  const char *session = nexus_json_get_string (object, "session");
  JsonArray *members = nexus_json_get_array (object, "members");
  JsonArray *history = nexus_json_get_array (object, "history");

  if (room == NULL || name == NULL || session == NULL || members == NULL || history == NULL
      || !nexus_json_get_int (object, "last_seq", &frame->last_seq))
    return FALSE;

  frame->room = g_strdup (room);
  frame->name = g_strdup (name);
  frame->session = g_strdup (session);
  frame->members = strings_of (members);
  history_of (history, frame);
  frame->resumed = nexus_json_get_boolean (object, "resumed") == 1;
  frame->gap = nexus_json_get_boolean (object, "gap") == 1;
  frame->files_key = g_strdup (nexus_json_get_string (object, "files_key"));
  return TRUE;
}

static gboolean
error_parse (JsonObject       *object,
             NexusServerFrame *frame)
{
  const char *code = nexus_json_get_string (object, "code");

  if (code == NULL || !nexus_error_code_from_string (code, &frame->code))
    return FALSE;

  frame->message = g_strdup (nexus_json_get_string (object, "message"));
  frame->id = g_strdup (nexus_json_get_string (object, "id"));
  return TRUE;
}

/* The path of an upload's slot: the client adds it to the host's address,
 * so nothing but "/upload/" and a token of URL-safe characters. */
static gboolean
upload_ready_parse (JsonObject       *object,
                    NexusServerFrame *frame)
{
  const char *id = nexus_json_get_string (object, "id");
  const char *url = nexus_json_get_string (object, "url");
  const char *token;

  if (id == NULL || url == NULL || !g_str_has_prefix (url, "/upload/"))
    return FALSE;
  token = url + strlen ("/upload/");
  if (*token == '\0')
    return FALSE;
  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;

  frame->id = g_strdup (id);
  frame->url = g_strdup (url);
  return TRUE;
}

static gboolean
object_parse (JsonObject       *object,
              NexusServerFrame *frame)
{
  if (!type_from_string (nexus_json_get_string (object, "type"), &frame->type))
    return FALSE;

  switch (frame->type)
    {
    case NEXUS_SERVER_FRAME_WELCOME:
      return welcome_parse (object, frame);
    case NEXUS_SERVER_FRAME_MESSAGE:
    case NEXUS_SERVER_FRAME_JOINED:
    case NEXUS_SERVER_FRAME_LEFT:
      return event_parse (object, &frame->event);
    case NEXUS_SERVER_FRAME_TYPING:
      frame->name = g_strdup (nexus_json_get_string (object, "name"));
      return frame->name != NULL;
    case NEXUS_SERVER_FRAME_ERROR:
      return error_parse (object, frame);
    case NEXUS_SERVER_FRAME_UPLOAD_READY:
      return upload_ready_parse (object, frame);
    default:
      return FALSE;
    }
}

gboolean
nexus_server_frame_parse (const char       *data,
                          gsize             length,
                          NexusServerFrame *frame)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  memset (frame, 0, sizeof *frame);

  if (length == 0 || length > G_MAXSSIZE || !g_utf8_validate (data, (gssize) length, NULL))
    return FALSE;
  /* json-glib's error paths leak: it only ever sees well-formed JSON. */
  if (!nexus_json_is_well_formed (data, length))
    return FALSE;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !object_parse (json_node_get_object (root), frame))
    {
      nexus_server_frame_clear (frame);
      return FALSE;
    }
  return TRUE;
}

void
nexus_server_frame_clear (NexusServerFrame *frame)
{
  g_return_if_fail (frame != NULL);

  g_clear_pointer (&frame->room, g_free);
  g_clear_pointer (&frame->session, g_free);
  g_clear_pointer (&frame->files_key, g_free);
  g_clear_pointer (&frame->members, g_strfreev);
  for (guint i = 0; i < frame->n_history; i++)
    event_clear (&frame->history[i]);
  g_clear_pointer (&frame->history, g_free);
  frame->n_history = 0;
  g_clear_pointer (&frame->name, g_free);
  event_clear (&frame->event);
  g_clear_pointer (&frame->message, g_free);
  g_clear_pointer (&frame->id, g_free);
  g_clear_pointer (&frame->url, g_free);
}

/* Encoding */

char *
nexus_frame_encode_error (NexusErrorCode  code,
                          const char     *message,
                          const char     *id)
{
  GString *out = nexus_json_object_begin ("error");

  nexus_json_object_add_string (out, "code", nexus_error_code_to_string (code));
  nexus_json_object_add_string (out, "message", message);
  if (id != NULL)
    nexus_json_object_add_string (out, "id", id);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_typing_from (const char *name)
{
  GString *out = nexus_json_object_begin ("typing");

  nexus_json_object_add_string (out, "name", name);
  return nexus_json_object_end (out);
}

static const char * const wire_event_names[] = {
  [NEXUS_WIRE_EVENT_MESSAGE] = "message",
  [NEXUS_WIRE_EVENT_JOINED] = "joined",
  [NEXUS_WIRE_EVENT_LEFT] = "left",
  [NEXUS_WIRE_EVENT_EDITED] = "edited",
  [NEXUS_WIRE_EVENT_DELETED] = "deleted",
  [NEXUS_WIRE_EVENT_REACTED] = "reacted",
};

GString *
nexus_frame_encode_event (NexusWireEvent  kind,
                          gint64          seq,
                          gint64          real_time,
                          const char     *name,
                          const char     *text,
                          const char     *id)
{
  g_autofree char *ts = nexus_timestamp_format (real_time);
  GString *out;

  g_return_val_if_fail ((guint) kind <= NEXUS_WIRE_EVENT_LEFT, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (kind != NEXUS_WIRE_EVENT_MESSAGE || (text != NULL && id != NULL), NULL);

  out = g_string_sized_new (96 + (text != NULL ? strlen (text) : 0));
  g_string_append_printf (out, "{\"type\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",\"ts\":\"%s\"",
                          wire_event_names[kind], seq, ts);
  nexus_json_object_add_string (out, "name", name);
  if (kind == NEXUS_WIRE_EVENT_MESSAGE)
    {
      nexus_json_object_add_string (out, "text", text);
      nexus_json_object_add_string (out, "id", id);
    }
  g_string_append_c (out, '}');
  return out;
}

static void
append_file (GString             *out,
             const NexusFileInfo *file)
{
  g_string_append (out, ",\"file\":{\"name\":");
  nexus_json_append_string (out, file->name);
  g_string_append_printf (out, ",\"size\":%" G_GUINT64_FORMAT, file->size);
  nexus_json_object_add_string (out, "type", file->type);
  nexus_json_object_add_string (out, "url", file->url);
  if (file->width > 0 && file->height > 0)
    g_string_append_printf (out, ",\"width\":%u,\"height\":%u", file->width, file->height);
  g_string_append_c (out, '}');
}

GString *
nexus_frame_encode_message (const NexusMessageFrame *message)
{
  GString *out;
  gboolean any = FALSE;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (message->file == NULL || (message->file->name != NULL
                                                  && message->file->type != NULL
                                                  && message->file->url != NULL), NULL);

  out = nexus_frame_encode_event (NEXUS_WIRE_EVENT_MESSAGE, message->seq, message->real_time,
                                  message->name, message->text, message->id);
  g_return_val_if_fail (out != NULL, NULL);
  /* Into the object, before its closing brace. */
  g_string_truncate (out, out->len - 1);
  if (message->reply_seq != 0)
    {
      g_string_append_printf (out, ",\"reply\":{\"seq\":%" G_GINT64_FORMAT, message->reply_seq);
      nexus_json_object_add_string (out, "name", message->reply_name);
      nexus_json_object_add_string (out, "text", message->reply_text);
      g_string_append_c (out, '}');
    }
  if (message->file != NULL && !message->deleted)
    append_file (out, message->file);
  if (message->edited && !message->deleted)
    g_string_append (out, ",\"edited\":true");
  if (message->deleted)
    g_string_append (out, ",\"deleted\":true");
  for (guint i = 0; message->reactions != NULL && !message->deleted && i < NEXUS_N_REACTIONS; i++)
    {
      GPtrArray *names = message->reactions[i];

      if (names == NULL || names->len == 0)
        continue;
      g_string_append (out, any ? "," : ",\"reactions\":{");
      any = TRUE;
      nexus_json_append_string (out, nexus_reaction_emoji ((int) i));
      g_string_append (out, ":[");
      for (guint j = 0; j < names->len; j++)
        {
          if (j > 0)
            g_string_append_c (out, ',');
          nexus_json_append_string (out, g_ptr_array_index (names, j));
        }
      g_string_append_c (out, ']');
    }
  if (any)
    g_string_append_c (out, '}');
  g_string_append_c (out, '}');
  return out;
}

GString *
nexus_frame_encode_change (NexusWireEvent  kind,
                           gint64          seq,
                           gint64          real_time,
                           const char     *name,
                           const char     *id,
                           gint64          target,
                           const char     *text,
                           const char     *emoji,
                           gboolean        on)
{
  g_autofree char *ts = nexus_timestamp_format (real_time);
  GString *out;

  g_return_val_if_fail (kind == NEXUS_WIRE_EVENT_EDITED || kind == NEXUS_WIRE_EVENT_DELETED
                        || kind == NEXUS_WIRE_EVENT_REACTED, NULL);
  g_return_val_if_fail (name != NULL && id != NULL, NULL);
  g_return_val_if_fail (kind != NEXUS_WIRE_EVENT_EDITED || text != NULL, NULL);
  g_return_val_if_fail (kind != NEXUS_WIRE_EVENT_REACTED || emoji != NULL, NULL);

  out = g_string_sized_new (128 + (text != NULL ? strlen (text) : 0));
  g_string_append_printf (out, "{\"type\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",\"ts\":\"%s\"",
                          wire_event_names[kind], seq, ts);
  nexus_json_object_add_string (out, "name", name);
  nexus_json_object_add_string (out, "id", id);
  g_string_append_printf (out, ",\"target\":%" G_GINT64_FORMAT, target);
  if (kind == NEXUS_WIRE_EVENT_EDITED)
    nexus_json_object_add_string (out, "text", text);
  if (kind == NEXUS_WIRE_EVENT_REACTED)
    {
      nexus_json_object_add_string (out, "emoji", emoji);
      g_string_append_printf (out, ",\"on\":%s", on ? "true" : "false");
    }
  g_string_append_c (out, '}');
  return out;
}

GString *
nexus_frame_encode_file_event (gint64               seq,
                               gint64               real_time,
                               const char          *name,
                               const char          *text,
                               const char          *id,
                               const NexusFileInfo *file)
{
  GString *out;

  g_return_val_if_fail (file != NULL && file->name != NULL && file->type != NULL
                        && file->url != NULL, NULL);

  out = nexus_frame_encode_event (NEXUS_WIRE_EVENT_MESSAGE, seq, real_time, name, text, id);
  g_return_val_if_fail (out != NULL, NULL);
  /* Into the object, before its closing brace. */
  g_string_truncate (out, out->len - 1);
  append_file (out, file);
  g_string_append_c (out, '}');
  return out;
}

char *
nexus_file_size_format (guint64 size)
{
  static const char * const units[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
  guint64 unit = 1000;

  if (size == 1)
    return g_strdup ("1 byte");
  if (size < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " bytes", size);

  /* Tenths of the unit, rounded; up a unit once that makes 1000. */
  for (guint i = 0; i < G_N_ELEMENTS (units); i++, unit *= 1000)
    {
      guint64 tenths = size / (unit / 10) + (size % (unit / 10) >= unit / 20 ? 1 : 0);

      if (tenths < 10000 || i + 1 == G_N_ELEMENTS (units))
        return g_strdup_printf ("%" G_GUINT64_FORMAT ".%u %s", tenths / 10,
                                (guint) (tenths % 10), units[i]);
    }
  g_assert_not_reached ();
}

char *
nexus_file_fallback_text (const char *file_name,
                          guint64     size)
{
  g_autofree char *size_text = nexus_file_size_format (size);

  g_return_val_if_fail (file_name != NULL, NULL);

  /* U+1F4CE PAPERCLIP */
  return g_strdup_printf ("\xf0\x9f\x93\x8e %s (%s)", file_name, size_text);
}

char *
nexus_frame_encode_upload_ready (const char *id,
                                 const char *url)
{
  GString *out = nexus_json_object_begin ("upload-ready");

  nexus_json_object_add_string (out, "id", id);
  nexus_json_object_add_string (out, "url", url);
  return nexus_json_object_end (out);
}

GString *
nexus_frame_encode_welcome (const NexusWelcome *welcome)
{
  gsize size = 256;
  GString *out;

  g_return_val_if_fail (welcome != NULL, NULL);

  for (guint i = 0; i < welcome->n_history; i++)
    size += welcome->history_lengths[i] + 1;
  out = g_string_sized_new (size);

  g_string_append (out, "{\"type\":\"welcome\"");
  nexus_json_object_add_string (out, "room", welcome->room);
  nexus_json_object_add_string (out, "name", welcome->name);
  nexus_json_object_add_string (out, "session", welcome->session);
  g_string_append (out, ",\"members\":[");
  for (guint i = 0; i < welcome->n_members; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      nexus_json_append_string (out, welcome->members[i]);
    }
  g_string_append (out, "],\"history\":[");
  for (guint i = 0; i < welcome->n_history; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_len (out, welcome->history[i], (gssize) welcome->history_lengths[i]);
    }
  g_string_append_printf (out, "],\"last_seq\":%" G_GINT64_FORMAT ",\"resumed\":%s",
                          welcome->last_seq, welcome->resumed ? "true" : "false");
  if (welcome->gap)
    g_string_append (out, ",\"gap\":true");
  if (welcome->files_key != NULL)
    nexus_json_object_add_string (out, "files_key", welcome->files_key);
  g_string_append_c (out, '}');
  return out;
}
