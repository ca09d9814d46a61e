/* nexus-protocol.c: the wire protocol of PROTOCOL.md, as C
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <time.h>

#include "nexus-code.h"
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

char *
nexus_name_normalize (const char *name)
{
  const char *start, *end;
  char *trimmed;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;

  start = name;
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

  trimmed = g_strndup (start, (gsize) (end - start));
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

      if (is_control (c))
        return FALSE;
      /* Trimmed names only: surrounding white space is the caller's to strip. */
      if ((p == name || *g_utf8_next_char (p) == '\0') && g_unichar_isspace (c))
        return FALSE;
      if (++n_chars > NEXUS_NAME_MAX_CHARS)
        return FALSE;
    }

  return n_chars >= 1;
}

char *
nexus_name_casefold (const char *trimmed_name)
{
  return g_utf8_casefold (trimmed_name, -1);
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
};

static gboolean
bad_request (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, NEXUS_PROTOCOL_ERROR, NEXUS_ERROR_BAD_REQUEST, message);
  return FALSE;
}


/* A strict RFC 8259 check, before json-glib sees a byte. json-glib 1.6
 * leaks memory on several of its error paths (a malformed \\u escape,
 * content after the root value, …) and recurses without a bound, and any
 * peer may send those; so only well-formed JSON of a sane depth reaches it.
 * U+0000 in a string is refused too: no C string can hold it. */

#define JSON_MAX_DEPTH 32

typedef struct {
  const char *p;
  const char *end;
  guint       depth;
} JsonCheck;

static void
json_skip_space (JsonCheck *j)
{
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static gboolean
json_read_hex4 (JsonCheck *j,
                guint     *code)
{
  *code = 0;
  if (j->end - j->p < 4)
    return FALSE;
  for (guint k = 0; k < 4; k++)
    {
      int v = g_ascii_xdigit_value (*j->p++);

      if (v < 0)
        return FALSE;
      *code = *code << 4 | (guint) v;
    }
  return TRUE;
}

static gboolean
json_check_string (JsonCheck *j)
{
  if (j->p >= j->end || *j->p != '"')
    return FALSE;
  j->p++;

  while (j->p < j->end)
    {
      guchar c = (guchar) *j->p++;
      guint code, low;

      if (c == '"')
        return TRUE;
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        continue;
      if (j->p >= j->end)
        return FALSE;
      c = (guchar) *j->p++;
      if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't')
        continue;
      if (c != 'u' || !json_read_hex4 (j, &code) || code == 0 || (code >= 0xdc00 && code <= 0xdfff))
        return FALSE;
      if (code >= 0xd800 && code <= 0xdbff)
        {
          /* A high surrogate must be followed by its low half. */
          if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
            return FALSE;
          j->p += 2;
          if (!json_read_hex4 (j, &low) || low < 0xdc00 || low > 0xdfff)
            return FALSE;
        }
    }
  return FALSE;
}

static gboolean
json_check_digits (JsonCheck *j)
{
  const char *start = j->p;

  while (j->p < j->end && g_ascii_isdigit (*j->p))
    j->p++;
  return j->p > start;
}

static gboolean
json_check_number (JsonCheck *j)
{
  if (j->p < j->end && *j->p == '-')
    j->p++;
  if (j->p < j->end && *j->p == '0')
    j->p++;
  else if (!json_check_digits (j))
    return FALSE;
  if (j->p < j->end && *j->p == '.')
    {
      j->p++;
      if (!json_check_digits (j))
        return FALSE;
    }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E'))
    {
      j->p++;
      if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
        j->p++;
      if (!json_check_digits (j))
        return FALSE;
    }
  return TRUE;
}

static gboolean
json_check_literal (JsonCheck  *j,
                    const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (j->end - j->p) < n || memcmp (j->p, word, n) != 0)
    return FALSE;
  j->p += n;
  return TRUE;
}

static gboolean json_check_value (JsonCheck *j);

/* An object or an array: @close ends it, @members says whether each item
 * is "key": value. */
static gboolean
json_check_container (JsonCheck *j,
                      char       close,
                      gboolean   members)
{
  gboolean ok = FALSE;

  if (++j->depth > JSON_MAX_DEPTH)
    return FALSE;
  j->p++;
  json_skip_space (j);
  if (j->p < j->end && *j->p == close)
    {
      j->p++;
      j->depth--;
      return TRUE;
    }

  for (;;)
    {
      if (members)
        {
          if (!json_check_string (j))
            break;
          json_skip_space (j);
          if (j->p >= j->end || *j->p++ != ':')
            break;
        }
      if (!json_check_value (j))
        break;
      json_skip_space (j);
      if (j->p >= j->end)
        break;
      if (*j->p == close)
        {
          j->p++;
          ok = TRUE;
          break;
        }
      if (*j->p++ != ',')
        break;
      json_skip_space (j);
    }
  j->depth--;
  return ok;
}

static gboolean
json_check_value (JsonCheck *j)
{
  json_skip_space (j);
  if (j->p >= j->end)
    return FALSE;

  switch (*j->p)
    {
    case '{': return json_check_container (j, '}', TRUE);
    case '[': return json_check_container (j, ']', FALSE);
    case '"': return json_check_string (j);
    case 't': return json_check_literal (j, "true");
    case 'f': return json_check_literal (j, "false");
    case 'n': return json_check_literal (j, "null");
    default: return json_check_number (j);
    }
}

gboolean
nexus_json_is_well_formed (const char *data,
                           gsize       length)
{
  JsonCheck j = { data, data + length, 0 };

  if (!json_check_value (&j))
    return FALSE;
  json_skip_space (&j);
  return j.p == j.end;
}

/* The members a client frame's meaning depends on, as found by json-glib
 * or by the fast path below; the checks that follow do not know which. */
typedef enum {
  MEMBER_TYPE,
  MEMBER_NAME,
  MEMBER_ROOM,
  MEMBER_SESSION,
  MEMBER_LAST_SEQ,
  MEMBER_TEXT,
  MEMBER_ID,
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
};

typedef enum {
  MEMBER_ABSENT,
  MEMBER_STRING,
  MEMBER_INT,
  MEMBER_OTHER,   /* null, a boolean, a double, an object or an array */
} MemberKind;

typedef struct {
  MemberKind  kind;
  char       *string;    /* MEMBER_STRING, owned */
  gint64      integer;   /* MEMBER_INT */
} Member;

static void
members_clear (Member *members)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    g_clear_pointer (&members[i].string, g_free);
}

/* A string member, copied; FALSE when it is missing or not a string. */
static gboolean
get_string_member (Member      *members,
                   MemberIndex  index,
                   char       **out)
{
  if (members[index].kind != MEMBER_STRING)
    return FALSE;

  *out = g_strdup (members[index].string);
  return TRUE;
}

static void
members_from_object (JsonObject *object,
                     Member     *members)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      JsonNode *node = json_object_get_member (object, member_names[i]);

      if (node == NULL)
        members[i].kind = MEMBER_ABSENT;
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          members[i].kind = MEMBER_STRING;
          members[i].string = g_strdup (json_node_get_string (node));
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        {
          members[i].kind = MEMBER_INT;
          members[i].integer = json_node_get_int (node);
        }
      else
        members[i].kind = MEMBER_OTHER;
    }
}

/* The fast path, for frames as clients really send them: an object whose
 * members are strings (with no \u escape), true, false, null, or for
 * last_seq a whole number of at most 18 digits. Anything else (nesting,
 * other numbers, \u escapes, a repeated member, an escaped member name)
 * is left to json-glib, by returning FALSE, so the answer never depends
 * on which path read the frame. @data is already known to be
 * well-formed JSON. With json-glib a say frame cost 35 000 instructions,
 * with this 5 700, checks included (tests/bench/README.md). */
static gboolean
members_scan_fast (const char *data,
                   gsize       length,
                   Member     *members)
{
  JsonCheck j = { data, data + length, 0 };

  json_skip_space (&j);
  if (j.p >= j.end || *j.p != '{')
    return FALSE;
  j.p++;
  json_skip_space (&j);
  if (*j.p == '}')
    return TRUE;

  for (;;)
    {
      const char *key, *key_end;
      int index = -1;

      /* The name: no escapes, so its bytes are its characters. */
      key = ++j.p;
      while (*j.p != '"')
        if (*j.p++ == '\\')
          return FALSE;
      key_end = j.p++;
      for (guint i = 0; i < N_MEMBERS; i++)
        if (strlen (member_names[i]) == (gsize) (key_end - key)
            && memcmp (member_names[i], key, (gsize) (key_end - key)) == 0)
          index = (int) i;
      if (index >= 0 && members[index].kind != MEMBER_ABSENT)
        return FALSE;
      json_skip_space (&j);
      j.p++;   /* ':' */
      json_skip_space (&j);

      if (*j.p == '"')
        {
          GString *value = NULL;
          const char *run = ++j.p;

          if (index >= 0)
            value = g_string_sized_new (64);
          while (*j.p != '"')
            {
              char c;

              if (*j.p != '\\')
                {
                  j.p++;
                  continue;
                }
              switch (j.p[1])
                {
                case '"': c = '"'; break;
                case '\\': c = '\\'; break;
                case '/': c = '/'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                default:
                  if (value != NULL)
                    g_string_free (value, TRUE);
                  return FALSE;
                }
              if (value != NULL)
                {
                  g_string_append_len (value, run, j.p - run);
                  g_string_append_c (value, c);
                }
              j.p += 2;
              run = j.p;
            }
          if (value != NULL)
            {
              g_string_append_len (value, run, j.p - run);
              members[index].kind = MEMBER_STRING;
              members[index].string = g_string_free (value, FALSE);
            }
          j.p++;
        }
      else if (*j.p >= '0' && *j.p <= '9')
        {
          const char *start = j.p;
          guint64 n = 0;

          if (index != MEMBER_LAST_SEQ)
            return FALSE;
          while (j.p < j.end && g_ascii_isdigit (*j.p) && j.p - start < 19)
            n = n * 10 + (guint64) (*j.p++ - '0');
          if (j.p - start > 18 || (j.p < j.end && (*j.p == '.' || *j.p == 'e' || *j.p == 'E')))
            return FALSE;
          members[index].kind = MEMBER_INT;
          members[index].integer = (gint64) n;
        }
      else if (*j.p == 't' || *j.p == 'f' || *j.p == 'n')
        {
          j.p += *j.p == 'f' ? 5 : 4;
          if (index >= 0)
            members[index].kind = MEMBER_OTHER;
        }
      else
        return FALSE;   /* an object, an array or a negative number */

      json_skip_space (&j);
      if (*j.p == '}')
        return TRUE;
      j.p++;   /* ',' */
      json_skip_space (&j);
    }
}

/* The members of a well-formed frame, by the fast path when it can. */
static gboolean
members_read (const char  *data,
              gsize        length,
              Member      *members,
              GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (members_scan_fast (data, length, members))
    return TRUE;
  members_clear (members);
  memset (members, 0, sizeof (Member) * N_MEMBERS);

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return bad_request (error, "The frame is not valid JSON.");   /* not expected after the check */

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return bad_request (error, "A frame must be a JSON object.");
  members_from_object (json_node_get_object (root), members);
  return TRUE;
}

static gboolean
frame_from_members (Member            *members,
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
          || members[MEMBER_LAST_SEQ].kind != MEMBER_INT
          || members[MEMBER_LAST_SEQ].integer < 0)
        return bad_request (error, "“resume” needs a string “room”, a string “session” "
                                   "and a whole number “last_seq” of 0 or more.");
      frame->last_seq = members[MEMBER_LAST_SEQ].integer;
      break;

    case NEXUS_CLIENT_FRAME_SAY:
      /* The id first: a refusal of a say with a valid id carries it. */
      if (!get_string_member (members, MEMBER_ID, &frame->id) || !nexus_id_is_valid (frame->id))
        {
          g_clear_pointer (&frame->id, g_free);
          return bad_request (error, "A message needs an “id” of 1 to 64 printable ASCII "
                                     "characters without spaces.");
        }
      if (!get_string_member (members, MEMBER_TEXT, &frame->text))
        return bad_request (error, "A message needs a string “text”.");
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
  Member members[N_MEMBERS] = { { 0, }, };
  gboolean ok;

  g_return_val_if_fail (frame != NULL, FALSE);

  memset (frame, 0, sizeof *frame);

  if (data == NULL || length == 0 || !g_utf8_validate (data, (gssize) length, NULL))
    return bad_request (error, "A frame must be a JSON object in UTF-8 text.");

  if (!nexus_json_is_well_formed (data, length))
    return bad_request (error, "The frame is not valid JSON.");

  ok = members_read (data, length, members, error) && frame_from_members (members, frame, error);
  members_clear (members);
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
}

/* Encoding */

/* JSON string escaping by hand: one pass, no intermediate tree, and the
 * output is plain ASCII-safe JSON whatever the input holds. */
void
nexus_json_append_string (GString    *out,
                          const char *utf8)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = utf8;
  const char *p;

  g_string_append_c (out, '"');
  for (p = utf8; *p; p++)
    {
      guchar c = (guchar) *p;
      const char *escape = NULL;

      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        default:
          if (c >= 0x20)
            continue;
        }

      g_string_append_len (out, run, p - run);
      run = p + 1;
      if (escape != NULL)
        g_string_append (out, escape);
      else
        {
          char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf], 0 };
          g_string_append (out, u);
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static GString *
frame_begin (const char *type)
{
  GString *out = g_string_sized_new (64);

  g_string_append (out, "{\"type\":");
  nexus_json_append_string (out, type);
  return out;
}

static void
frame_add_string (GString    *out,
                  const char *member,
                  const char *value)
{
  g_string_append_printf (out, ",\"%s\":", member);
  nexus_json_append_string (out, value);
}

static char *
frame_end (GString *out)
{
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
nexus_frame_encode_create (const char *name)
{
  GString *out = frame_begin ("create");

  frame_add_string (out, "name", name);
  return frame_end (out);
}

char *
nexus_frame_encode_join (const char *room,
                         const char *name)
{
  GString *out = frame_begin ("join");

  frame_add_string (out, "room", room);
  frame_add_string (out, "name", name);
  return frame_end (out);
}

char *
nexus_frame_encode_resume (const char *room,
                           const char *session,
                           gint64      last_seq)
{
  GString *out = frame_begin ("resume");

  frame_add_string (out, "room", room);
  frame_add_string (out, "session", session);
  g_string_append_printf (out, ",\"last_seq\":%" G_GINT64_FORMAT, last_seq);
  return frame_end (out);
}

char *
nexus_frame_encode_say (const char *text,
                        const char *id)
{
  GString *out = frame_begin ("say");

  frame_add_string (out, "text", text);
  frame_add_string (out, "id", id);
  return frame_end (out);
}

char *
nexus_frame_encode_simple (const char *type)
{
  return frame_end (frame_begin (type));
}

char *
nexus_frame_encode_error (NexusErrorCode  code,
                          const char     *message,
                          const char     *id)
{
  GString *out = frame_begin ("error");

  frame_add_string (out, "code", nexus_error_code_to_string (code));
  frame_add_string (out, "message", message);
  if (id != NULL)
    frame_add_string (out, "id", id);
  return frame_end (out);
}

char *
nexus_frame_encode_typing_from (const char *name)
{
  GString *out = frame_begin ("typing");

  frame_add_string (out, "name", name);
  return frame_end (out);
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
