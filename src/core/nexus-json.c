/* nexus-json.c: the JSON the server reads and writes by hand
 *
 * Every client frame is read here, never by json-glib: json-glib 1.6
 * leaks memory on several of its error paths (a malformed \u escape,
 * content after the root value, …) and recurses without a bound, and any
 * peer may send those. So a frame is first checked against RFC 8259 at a
 * sane depth, then its top-level members are read in one pass. Reading a
 * say frame this way costs a sixth of what json-glib did
 * (tests/bench/README.md).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-json.h"

#define JSON_MAX_DEPTH 32

typedef struct {
  const char *p;
  const char *end;
  guint       depth;
  gboolean    allow_nul;
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

/* Reads the \u escape after "\u" (and its low half when it is a high
 * surrogate) into one character. */
static gboolean
json_read_unicode_escape (JsonCheck *j,
                          gunichar  *c)
{
  guint code, low;

  if (!json_read_hex4 (j, &code) || (code >= 0xdc00 && code <= 0xdfff))
    return FALSE;
  if (code >= 0xd800 && code <= 0xdbff)
    {
      /* A high surrogate must be followed by its low half. */
      if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
        return FALSE;
      j->p += 2;
      if (!json_read_hex4 (j, &low) || low < 0xdc00 || low > 0xdfff)
        return FALSE;
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
    }
  if (code == 0 && !j->allow_nul)
    return FALSE;
  *c = code;
  return TRUE;
}

static char
json_simple_escape (char c)
{
  switch (c)
    {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
    }
}

/* A string; decoded into @out when it is not NULL. */
static gboolean
json_read_string (JsonCheck *j,
                  GString   *out)
{
  const char *run;

  if (j->p >= j->end || *j->p != '"')
    return FALSE;
  run = ++j->p;

  while (j->p < j->end)
    {
      guchar c = (guchar) *j->p;
      gunichar u;
      char simple;

      if (c == '"')
        {
          if (out != NULL)
            g_string_append_len (out, run, j->p - run);
          j->p++;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          j->p++;
          continue;
        }

      if (out != NULL)
        g_string_append_len (out, run, j->p - run);
      j->p++;
      if (j->p >= j->end)
        return FALSE;
      simple = json_simple_escape (*j->p++);
      if (simple != 0)
        {
          if (out != NULL)
            g_string_append_c (out, simple);
        }
      else if (j->p[-1] != 'u' || !json_read_unicode_escape (j, &u))
        return FALSE;
      else if (out != NULL)
        g_string_append_unichar (out, u);
      run = j->p;
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

/* A number; @is_integer says whether it was a plain whole number. */
static gboolean
json_check_number (JsonCheck *j,
                   gboolean  *is_integer)
{
  *is_integer = TRUE;
  if (j->p < j->end && *j->p == '-')
    j->p++;
  if (j->p < j->end && *j->p == '0')
    j->p++;
  else if (!json_check_digits (j))
    return FALSE;
  if (j->p < j->end && *j->p == '.')
    {
      j->p++;
      *is_integer = FALSE;
      if (!json_check_digits (j))
        return FALSE;
    }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E'))
    {
      j->p++;
      *is_integer = FALSE;
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
          if (!json_read_string (j, NULL))
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
  gboolean is_integer;

  json_skip_space (j);
  if (j->p >= j->end)
    return FALSE;

  switch (*j->p)
    {
    case '{': return json_check_container (j, '}', TRUE);
    case '[': return json_check_container (j, ']', FALSE);
    case '"': return json_read_string (j, NULL);
    case 't': return json_check_literal (j, "true");
    case 'f': return json_check_literal (j, "false");
    case 'n': return json_check_literal (j, "null");
    default: return json_check_number (j, &is_integer);
    }
}

gboolean
nexus_json_check (const char *data,
                  gsize       length,
                  gboolean    allow_nul)
{
  JsonCheck j = { data, data + length, 0, allow_nul };

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (!json_check_value (&j))
    return FALSE;
  json_skip_space (&j);
  return j.p == j.end;
}

gboolean
nexus_json_is_well_formed (const char *data,
                           gsize       length)
{
  return nexus_json_check (data, length, FALSE);
}

/* A whole number that fits in 64 bits, from the text of a checked number. */
static gboolean
json_parse_integer (const char *start,
                    const char *end,
                    gint64     *value)
{
  gboolean negative = *start == '-';
  guint64 n = 0;

  for (const char *p = start + negative; p < end; p++)
    {
      guint digit = (guint) (*p - '0');

      if (n > ((guint64) G_MAXINT64 - digit) / 10)
        return FALSE;
      n = n * 10 + digit;
    }
  *value = negative ? -(gint64) n : (gint64) n;
  return TRUE;
}

/* Reads one value into @member, or past it when @member is NULL. */
static void
json_scan_value (JsonCheck       *j,
                 NexusJsonMember *member)
{
  const char *start = j->p;
  gboolean is_integer;

  if (member != NULL)
    nexus_json_members_clear (member, 1);

  if (*j->p == '"')
    {
      GString *value = member != NULL ? g_string_new (NULL) : NULL;

      json_read_string (j, value);
      if (member != NULL)
        {
          member->kind = NEXUS_JSON_STRING;
          member->length = value->len;
          member->string = g_string_free (value, FALSE);
        }
    }
  else if (*j->p == '-' || g_ascii_isdigit (*j->p))
    {
      json_check_number (j, &is_integer);
      if (member != NULL)
        member->kind = is_integer && json_parse_integer (start, j->p, &member->integer)
                       ? NEXUS_JSON_INT : NEXUS_JSON_OTHER;
    }
  else
    {
      json_check_value (j);
      if (member != NULL && (*start == 't' || *start == 'f'))
        {
          member->kind = NEXUS_JSON_BOOLEAN;
          member->integer = *start == 't';
        }
      else if (member != NULL)
        member->kind = NEXUS_JSON_OTHER;
    }
}

/* Reads a member's name; the member of @members it names, or NULL. Names
 * without escapes (all that clients send) are compared where they lie. */
static NexusJsonMember *
json_scan_key (JsonCheck          *j,
               const char * const *names,
               guint               n_names,
               NexusJsonMember    *members)
{
  const char *start = j->p + 1;
  const char *end = memchr (start, '"', (gsize) (j->end - start));
  g_autoptr(GString) escaped = NULL;

  if (end != NULL && memchr (start, '\\', (gsize) (end - start)) == NULL)
    j->p = end + 1;
  else
    {
      escaped = g_string_new (NULL);
      json_read_string (j, escaped);
      start = escaped->str;
      end = escaped->str + escaped->len;
    }

  for (guint i = 0; i < n_names; i++)
    if (strlen (names[i]) == (gsize) (end - start) && memcmp (names[i], start, (gsize) (end - start)) == 0)
      return &members[i];
  return NULL;
}

/**
 * nexus_json_scan_object:
 * @data: text that nexus_json_check() accepted
 * @names: the member names wanted
 * @members: (out caller-allocates) (array length=n_names): what was found
 *   of each; free with nexus_json_members_clear()
 *
 * Reads the top-level members of an object; of a member given twice, the
 * last counts (as json-glib would have it).
 *
 * Returns: FALSE when @data is not an object
 */
gboolean
nexus_json_scan_object (const char         *data,
                        gsize               length,
                        const char * const *names,
                        guint               n_names,
                        NexusJsonMember    *members)
{
  JsonCheck j = { data, data + length, 0, TRUE };

  memset (members, 0, sizeof (NexusJsonMember) * n_names);

  json_skip_space (&j);
  if (j.p >= j.end || *j.p != '{')
    return FALSE;
  j.p++;
  json_skip_space (&j);
  if (*j.p == '}')
    return TRUE;

  for (;;)
    {
      NexusJsonMember *member = json_scan_key (&j, names, n_names, members);

      json_skip_space (&j);
      j.p++;   /* ':' */
      json_skip_space (&j);
      json_scan_value (&j, member);
      json_skip_space (&j);
      if (*j.p == '}')
        return TRUE;
      j.p++;   /* ',' */
      json_skip_space (&j);
    }
}

void
nexus_json_members_clear (NexusJsonMember *members,
                          guint            n_members)
{
  for (guint i = 0; i < n_members; i++)
    {
      g_clear_pointer (&members[i].string, g_free);
      members[i] = (NexusJsonMember) { NEXUS_JSON_ABSENT, NULL, 0, 0 };
    }
}

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

GString *
nexus_json_object_begin (const char *type)
{
  GString *out = g_string_sized_new (64);

  g_string_append (out, "{\"type\":");
  nexus_json_append_string (out, type);
  return out;
}

/* @member is written as it is: a name of ours, never a peer's. */
void
nexus_json_object_add_string (GString    *out,
                              const char *member,
                              const char *value)
{
  g_string_append_len (out, ",\"", 2);
  g_string_append (out, member);
  g_string_append_len (out, "\":", 2);
  nexus_json_append_string (out, value);
}

char *
nexus_json_object_end (GString *out)
{
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
