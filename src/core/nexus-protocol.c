/* nexus-protocol.c: the wire protocol of PROTOCOL.md, as C
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <time.h>

#include "nexus-code.h"
#include "nexus-json.h"
#include "nexus-protocol.h"

G_DEFINE_QUARK (nexus-protocol-error-quark, nexus_protocol_error)

static const char * const error_code_names[] = {
  [NEXUS_ERROR_BAD_REQUEST] = "bad-request",
  [NEXUS_ERROR_ROOM_NOT_FOUND] = "room-not-found",
  [NEXUS_ERROR_NAME_INVALID] = "name-invalid",
  [NEXUS_ERROR_NAME_TAKEN] = "name-taken",
  [NEXUS_ERROR_ROOM_FULL] = "room-full",
  [NEXUS_ERROR_SERVER_FULL] = "server-full",
  [NEXUS_ERROR_SESSION_EXPIRED] = "session-expired",
  [NEXUS_ERROR_TEXT_INVALID] = "text-invalid",
  [NEXUS_ERROR_RATE_LIMITED] = "rate-limited",
  [NEXUS_ERROR_NOT_JOINED] = "not-joined",
  [NEXUS_ERROR_FILE_TOO_LARGE] = "file-too-large",
  [NEXUS_ERROR_ROOM_STORAGE_FULL] = "room-storage-full",
  [NEXUS_ERROR_FILE_NAME_INVALID] = "file-name-invalid",
  [NEXUS_ERROR_UPLOAD_NOT_FOUND] = "upload-not-found",
  [NEXUS_ERROR_FILES_UNAVAILABLE] = "files-unavailable",
  [NEXUS_ERROR_TARGET_NOT_FOUND] = "target-not-found",
  [NEXUS_ERROR_NOT_ALLOWED] = "not-allowed",
};

const char *
nexus_error_code_to_string (NexusErrorCode code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (error_code_names), "bad-request");

  return error_code_names[code];
}

gboolean
nexus_error_code_from_string (const char     *string,
                              NexusErrorCode *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_code_names); i++)
    if (g_strcmp0 (string, error_code_names[i]) == 0)
      {
        *code = (NexusErrorCode) i;
        return TRUE;
      }
  return FALSE;
}

/* Validation */

static gboolean
is_control (gunichar c)
{
  return g_unichar_type (c) == G_UNICODE_CONTROL;
}

/* Zero-width and bidirectional marks: invisible, so a name with one
 * looks like another member's. */
static gboolean
is_format (gunichar c)
{
  return g_unichar_type (c) == G_UNICODE_FORMAT;
}

/* A copy of valid UTF-8 @text without white space (Unicode) at either end. */
static char *
trim_white_space (const char *text)
{
  const char *start, *end;

  start = text;
  while (*start && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start + strlen (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  return g_strndup (start, (gsize) (end - start));
}

char *
nexus_name_normalize (const char *name)
{
  char *trimmed;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;

  trimmed = trim_white_space (name);
  if (!nexus_name_is_valid (trimmed))
    g_clear_pointer (&trimmed, g_free);

  return trimmed;
}

gboolean
nexus_name_is_valid (const char *name)
{
  glong n_chars = 0;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return FALSE;

  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_control (c) || is_format (c))
        return FALSE;
      /* Trimmed names only: surrounding white space is the caller's to strip. */
      if ((p == name || *g_utf8_next_char (p) == '\0') && g_unichar_isspace (c))
        return FALSE;
      if (++n_chars > NEXUS_NAME_MAX_CHARS)
        return FALSE;
    }

  return n_chars >= 1;
}

/* The key two names are compared by: NFKC, so that look-alikes made of
 * compatibility characters (fullwidth ＡＤＡ) are the same name, then case
 * folding, then NFKC again (folding can undo a normal form). */
char *
nexus_name_key (const char *trimmed_name)
{
  g_autofree char *compatible = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (trimmed_name != NULL, NULL);

  compatible = g_utf8_normalize (trimmed_name, -1, G_NORMALIZE_NFKC);
  if (compatible == NULL)
    return g_strdup ("");
  folded = g_utf8_casefold (compatible, -1);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
}

gboolean
nexus_text_is_valid (const char *text)
{
  glong n_chars = 0;
  gboolean only_space = TRUE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '\n' && c != '\t' && is_control (c))
        return FALSE;
      if (!g_unichar_isspace (c))
        only_space = FALSE;
      if (++n_chars > NEXUS_TEXT_MAX_CHARS)
        return FALSE;
    }

  return n_chars >= 1 && !only_space;
}

gboolean
nexus_id_is_valid (const char *id)
{
  gsize n = 0;

  if (id == NULL)
    return FALSE;
  for (const char *p = id; *p; p++, n++)
    if (*p < 0x21 || *p > 0x7e || n >= NEXUS_ID_MAX_CHARS)
      return FALSE;

  return n >= 1;
}

/* A file's name is only ever shown and offered as a name to save under:
 * the host never makes a path of it. Still, it keeps no directory part
 * (a client may send a whole path), and nothing invisible or that breaks
 * a line, so it shows as it will be saved and cannot spoof another. */
static gboolean
is_dropped_from_file_name (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT
         || type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR;
}

char *
nexus_file_name_clean (const char *name)
{
  const char *base;
  g_autoptr(GString) kept = NULL;
  g_autofree char *trimmed = NULL;
  glong n_chars;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;

  base = name;
  for (const char *p = name; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;

  kept = g_string_new (NULL);
  for (const char *p = base; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_dropped_from_file_name (c))
        g_string_append_unichar (kept, c);
    }

  /* Surrounding white space, as for a member's name. */
  trimmed = trim_white_space (kept->str);
  n_chars = g_utf8_strlen (trimmed, -1);
  if (n_chars < 1 || n_chars > NEXUS_FILE_NAME_MAX_CHARS
      || strcmp (trimmed, ".") == 0 || strcmp (trimmed, "..") == 0)
    return NULL;
  return g_steal_pointer (&trimmed);
}

/* Reactions and quotes */

static const char * const reaction_emoji[NEXUS_N_REACTIONS] = {
  "\xf0\x9f\x91\x8d",           /* 👍 U+1F44D */
  "\xe2\x9d\xa4\xef\xb8\x8f", /* ❤️ U+2764 U+FE0F */
  "\xf0\x9f\x98\x82",           /* 😂 U+1F602 */
  "\xf0\x9f\x98\xae",           /* 😮 U+1F62E */
  "\xf0\x9f\x98\xa2",           /* 😢 U+1F622 */
  "\xf0\x9f\x8e\x89",           /* 🎉 U+1F389 */
};

const char *
nexus_reaction_emoji (int index)
{
  g_return_val_if_fail (index >= 0 && index < NEXUS_N_REACTIONS, NULL);

  return reaction_emoji[index];
}

/* Exactly one of the six strings: a bare ❤ without its variation
 * selector, or with another, is not one of them. */
int
nexus_reaction_index (const char *emoji)
{
  if (emoji == NULL)
    return -1;
  for (int i = 0; i < NEXUS_N_REACTIONS; i++)
    if (strcmp (emoji, reaction_emoji[i]) == 0)
      return i;
  return -1;
}

char *
nexus_quote_text (const char *text)
{
  const char *end;
  glong n_chars = 0;

  g_return_val_if_fail (text != NULL, NULL);

  for (end = text; *end != '\0' && *end != '\n' && n_chars < NEXUS_QUOTE_MAX_CHARS;
       end = g_utf8_next_char (end))
    n_chars++;
  return g_strndup (text, (gsize) (end - text));
}

/* Parsing */

static const struct {
  const char *name;
  NexusClientFrameType type;
} client_frame_types[] = {
  { "create", NEXUS_CLIENT_FRAME_CREATE },
  { "join", NEXUS_CLIENT_FRAME_JOIN },
  { "resume", NEXUS_CLIENT_FRAME_RESUME },
  { "say", NEXUS_CLIENT_FRAME_SAY },
  { "typing", NEXUS_CLIENT_FRAME_TYPING },
  { "leave", NEXUS_CLIENT_FRAME_LEAVE },
  { "upload", NEXUS_CLIENT_FRAME_UPLOAD },
  { "share", NEXUS_CLIENT_FRAME_SHARE },
  { "edit", NEXUS_CLIENT_FRAME_EDIT },
  { "delete", NEXUS_CLIENT_FRAME_DELETE },
  { "react", NEXUS_CLIENT_FRAME_REACT },
};

static gboolean
bad_request (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, NEXUS_PROTOCOL_ERROR, NEXUS_ERROR_BAD_REQUEST, message);
  return FALSE;
}


/* The members a client frame's meaning depends on. */
typedef enum {
  MEMBER_TYPE,
  MEMBER_NAME,
  MEMBER_ROOM,
  MEMBER_SESSION,
  MEMBER_LAST_SEQ,
  MEMBER_TEXT,
  MEMBER_ID,
  MEMBER_SIZE,
  MEMBER_MIME,
  MEMBER_TARGET,
  MEMBER_REPLY_TO,
  MEMBER_EMOJI,
  MEMBER_ON,
  N_MEMBERS
} MemberIndex;

static const char * const member_names[N_MEMBERS] = {
  [MEMBER_TYPE] = "type",
  [MEMBER_NAME] = "name",
  [MEMBER_ROOM] = "room",
  [MEMBER_SESSION] = "session",
  [MEMBER_LAST_SEQ] = "last_seq",
  [MEMBER_TEXT] = "text",
  [MEMBER_ID] = "id",
  [MEMBER_SIZE] = "size",
  [MEMBER_MIME] = "mime",
  [MEMBER_TARGET] = "target",
  [MEMBER_REPLY_TO] = "reply_to",
  [MEMBER_EMOJI] = "emoji",
  [MEMBER_ON] = "on",
};

/* A string member, copied; FALSE when it is missing or not a string.
 * U+0000 (a \u0000 escape) cannot live in a C string: it becomes U+0001,
 * which every rule it meets refuses just the same (a control character
 * in a name or a text, a byte outside an id's range, no such room or
 * session), so the frame gets the answer the protocol gives U+0000. */
static gboolean
get_string_member (NexusJsonMember *members,
                   MemberIndex      index,
                   char           **out)
{
  NexusJsonMember *member = &members[index];

  if (member->kind != NEXUS_JSON_STRING)
    return FALSE;

  *out = g_memdup2 (member->string, member->length + 1);
  for (gsize i = 0; i < member->length; i++)
    if ((*out)[i] == '\0')
      (*out)[i] = '\x01';
  return TRUE;
}

static gboolean
frame_from_members (NexusJsonMember   *members,
                    NexusClientFrame  *frame,
                    GError           **error)
{
  g_autofree char *type = NULL;

  if (!get_string_member (members, MEMBER_TYPE, &type))
    return bad_request (error, "A frame needs a string member “type”.");

  for (guint i = 0; i < G_N_ELEMENTS (client_frame_types); i++)
    if (strcmp (type, client_frame_types[i].name) == 0)
      frame->type = client_frame_types[i].type;

  switch (frame->type)
    {
    case NEXUS_CLIENT_FRAME_UNKNOWN:
      return bad_request (error, "Unknown frame type.");

    case NEXUS_CLIENT_FRAME_CREATE:
      if (!get_string_member (members, MEMBER_NAME, &frame->name))
        return bad_request (error, "“create” needs a string “name”.");
      break;

    case NEXUS_CLIENT_FRAME_JOIN:
      if (!get_string_member (members, MEMBER_ROOM, &frame->room)
          || !get_string_member (members, MEMBER_NAME, &frame->name))
        return bad_request (error, "“join” needs a string “room” and a string “name”.");
      break;

    case NEXUS_CLIENT_FRAME_RESUME:
      if (!get_string_member (members, MEMBER_ROOM, &frame->room)
          || !get_string_member (members, MEMBER_SESSION, &frame->session)
          || members[MEMBER_LAST_SEQ].kind != NEXUS_JSON_INT
          || members[MEMBER_LAST_SEQ].integer < 0)
        return bad_request (error, "“resume” needs a string “room”, a string “session” "
                                   "and a whole number “last_seq” of 0 or more.");
      frame->last_seq = members[MEMBER_LAST_SEQ].integer;
      break;

    case NEXUS_CLIENT_FRAME_SAY:
    case NEXUS_CLIENT_FRAME_UPLOAD:
    case NEXUS_CLIENT_FRAME_SHARE:
    case NEXUS_CLIENT_FRAME_EDIT:
    case NEXUS_CLIENT_FRAME_DELETE:
    case NEXUS_CLIENT_FRAME_REACT:
      /* The id first: a refusal of a frame with a valid id carries it. */
      if (!get_string_member (members, MEMBER_ID, &frame->id) || !nexus_id_is_valid (frame->id))
        {
          g_clear_pointer (&frame->id, g_free);
          return bad_request (error, frame->type == NEXUS_CLIENT_FRAME_SAY
                                     ? "A message needs an “id” of 1 to 64 printable ASCII "
                                       "characters without spaces."
                                     : frame->type == NEXUS_CLIENT_FRAME_UPLOAD
                                       || frame->type == NEXUS_CLIENT_FRAME_SHARE
                                     ? "A file needs an “id” of 1 to 64 printable ASCII "
                                       "characters without spaces."
                                     : "A change needs an “id” of 1 to 64 printable ASCII "
                                       "characters without spaces.");
        }
      if ((frame->type == NEXUS_CLIENT_FRAME_SAY || frame->type == NEXUS_CLIENT_FRAME_EDIT)
          && !get_string_member (members, MEMBER_TEXT, &frame->text))
        return bad_request (error, frame->type == NEXUS_CLIENT_FRAME_SAY
                                   ? "A message needs a string “text”."
                                   : "An “edit” needs a string “text”.");
      if (frame->type == NEXUS_CLIENT_FRAME_SAY
          && members[MEMBER_REPLY_TO].kind != NEXUS_JSON_ABSENT)
        {
          if (members[MEMBER_REPLY_TO].kind != NEXUS_JSON_INT)
            return bad_request (error, "“reply_to” is the seq of a message: a whole number.");
          frame->target = members[MEMBER_REPLY_TO].integer;
          frame->has_target = TRUE;
        }
      if (frame->type == NEXUS_CLIENT_FRAME_EDIT || frame->type == NEXUS_CLIENT_FRAME_DELETE
          || frame->type == NEXUS_CLIENT_FRAME_REACT)
        {
          if (members[MEMBER_TARGET].kind != NEXUS_JSON_INT)
            return bad_request (error, "“target” is the seq of a message: a whole number.");
          frame->target = members[MEMBER_TARGET].integer;
          frame->has_target = TRUE;
        }
      if (frame->type == NEXUS_CLIENT_FRAME_REACT)
        {
          if (members[MEMBER_EMOJI].kind != NEXUS_JSON_STRING
              || (gsize) members[MEMBER_EMOJI].length != strlen (members[MEMBER_EMOJI].string)
              || (frame->emoji = nexus_reaction_index (members[MEMBER_EMOJI].string)) < 0)
            return bad_request (error, "A reaction’s “emoji” is one of 👍 ❤️ 😂 😮 😢 🎉.");
          if (members[MEMBER_ON].kind != NEXUS_JSON_BOOLEAN)
            return bad_request (error, "A reaction’s “on” is true or false.");
          frame->on = members[MEMBER_ON].integer != 0;
        }
      if (frame->type == NEXUS_CLIENT_FRAME_UPLOAD)
        {
          if (!get_string_member (members, MEMBER_NAME, &frame->name)
              || members[MEMBER_SIZE].kind != NEXUS_JSON_INT || members[MEMBER_SIZE].integer < 0)
            return bad_request (error, "“upload” needs a string “name” and a whole number "
                                       "“size” of 0 or more.");
          frame->size = members[MEMBER_SIZE].integer;
          if (members[MEMBER_MIME].kind != NEXUS_JSON_ABSENT
              && !get_string_member (members, MEMBER_MIME, &frame->mime))
            return bad_request (error, "The “mime” of an upload is a string.");
        }
      break;

    case NEXUS_CLIENT_FRAME_TYPING:
    case NEXUS_CLIENT_FRAME_LEAVE:
      break;

    default:
      g_assert_not_reached ();
    }

  if (frame->room != NULL)
    {
      char *code = nexus_code_normalize (frame->room);

      if (code != NULL)
        g_free (g_steal_pointer (&frame->room)), frame->room = code;
    }

  return TRUE;
}

gboolean
nexus_client_frame_parse (const char       *data,
                          gsize             length,
                          NexusClientFrame *frame,
                          GError          **error)
{
  NexusJsonMember members[N_MEMBERS];
  gboolean ok;

  g_return_val_if_fail (frame != NULL, FALSE);

  memset (frame, 0, sizeof *frame);

  if (data == NULL || length == 0 || !g_utf8_validate (data, (gssize) length, NULL))
    return bad_request (error, "A frame must be a JSON object in UTF-8 text.");

  if (!nexus_json_check (data, length, TRUE))
    return bad_request (error, "The frame is not valid JSON.");

  if (!nexus_json_scan_object (data, length, member_names, N_MEMBERS, members))
    return bad_request (error, "A frame must be a JSON object.");

  ok = frame_from_members (members, frame, error);
  nexus_json_members_clear (members, N_MEMBERS);
  return ok;
}

void
nexus_client_frame_clear (NexusClientFrame *frame)
{
  g_clear_pointer (&frame->name, g_free);
  g_clear_pointer (&frame->room, g_free);
  g_clear_pointer (&frame->session, g_free);
  g_clear_pointer (&frame->text, g_free);
  g_clear_pointer (&frame->id, g_free);
  g_clear_pointer (&frame->mime, g_free);
}

/* Encoding */

char *
nexus_frame_encode_create (const char *name)
{
  GString *out = nexus_json_object_begin ("create");

  nexus_json_object_add_string (out, "name", name);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_join (const char *room,
                         const char *name)
{
  GString *out = nexus_json_object_begin ("join");

  nexus_json_object_add_string (out, "room", room);
  nexus_json_object_add_string (out, "name", name);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_resume (const char *room,
                           const char *session,
                           gint64      last_seq)
{
  GString *out = nexus_json_object_begin ("resume");

  nexus_json_object_add_string (out, "room", room);
  nexus_json_object_add_string (out, "session", session);
  g_string_append_printf (out, ",\"last_seq\":%" G_GINT64_FORMAT, last_seq);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_say (const char *text,
                        const char *id)
{
  GString *out = nexus_json_object_begin ("say");

  nexus_json_object_add_string (out, "text", text);
  nexus_json_object_add_string (out, "id", id);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_simple (const char *type)
{
  return nexus_json_object_end (nexus_json_object_begin (type));
}

/* @mime may be NULL. */
char *
nexus_frame_encode_upload (const char *id,
                           const char *name,
                           gint64      size,
                           const char *mime)
{
  GString *out = nexus_json_object_begin ("upload");

  nexus_json_object_add_string (out, "id", id);
  nexus_json_object_add_string (out, "name", name);
  g_string_append_printf (out, ",\"size\":%" G_GINT64_FORMAT, size);
  if (mime != NULL)
    nexus_json_object_add_string (out, "mime", mime);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_share (const char *id)
{
  GString *out = nexus_json_object_begin ("share");

  nexus_json_object_add_string (out, "id", id);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_reply (const char *text,
                          const char *id,
                          gint64      reply_to)
{
  GString *out = nexus_json_object_begin ("say");

  nexus_json_object_add_string (out, "text", text);
  nexus_json_object_add_string (out, "id", id);
  if (reply_to != 0)
    g_string_append_printf (out, ",\"reply_to\":%" G_GINT64_FORMAT, reply_to);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_edit (const char *id,
                         gint64      target,
                         const char *text)
{
  GString *out = nexus_json_object_begin ("edit");

  nexus_json_object_add_string (out, "id", id);
  g_string_append_printf (out, ",\"target\":%" G_GINT64_FORMAT, target);
  nexus_json_object_add_string (out, "text", text);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_delete (const char *id,
                           gint64      target)
{
  GString *out = nexus_json_object_begin ("delete");

  nexus_json_object_add_string (out, "id", id);
  g_string_append_printf (out, ",\"target\":%" G_GINT64_FORMAT, target);
  return nexus_json_object_end (out);
}

char *
nexus_frame_encode_react (const char *id,
                          gint64      target,
                          const char *emoji,
                          gboolean    on)
{
  GString *out = nexus_json_object_begin ("react");

  nexus_json_object_add_string (out, "id", id);
  g_string_append_printf (out, ",\"target\":%" G_GINT64_FORMAT, target);
  nexus_json_object_add_string (out, "emoji", emoji);
  g_string_append_printf (out, ",\"on\":%s", on ? "true" : "false");
  return nexus_json_object_end (out);
}

char *
nexus_timestamp_format (gint64 real_time_usec)
{
  time_t seconds = (time_t) (real_time_usec / G_USEC_PER_SEC);
  int millis = (int) ((real_time_usec % G_USEC_PER_SEC) / 1000);
  struct tm tm;

  gmtime_r (&seconds, &tm);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}
