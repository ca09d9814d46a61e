/* nexus-discovery-txt.c: the TXT record a host announces, built and read
 *
 * A room code is a secret, so the record carries only short salted digests
 * of the codes; the public codes of rooms shown nearby are there in the
 * clear, since showing them is the point. The parser trusts nothing: any
 * host on the Wi-Fi can announce any bytes.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-discovery-txt.h"
#include "nexus-protocol.h"

#define TXT_STRING_MAX_BYTES 255   /* one DNS character-string */

guint16
nexus_discovery_digest (const guint8 *salt,
                        const char   *normal_code)
{
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[32];
  gsize length = sizeof digest;

  g_return_val_if_fail (salt != NULL, 0);
  g_return_val_if_fail (normal_code != NULL, 0);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, salt, NEXUS_DISCOVERY_SALT_BYTES);
  g_hmac_update (hmac, (const guchar *) normal_code, (gssize) strlen (normal_code));
  g_hmac_get_digest (hmac, digest, &length);
  return (guint16) ((digest[0] << 8) | digest[1]);
}

gboolean
nexus_discovery_title_is_valid (const char *title)
{
  gboolean all_spaces = TRUE;
  glong n_chars = 0;

  if (title == NULL || !g_utf8_validate (title, -1, NULL))
    return FALSE;
  for (const char *p = title; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT)
        return FALSE;
      if (!g_unichar_isspace (c))
        all_spaces = FALSE;
      n_chars++;
    }
  return n_chars >= 1 && n_chars <= NEXUS_DISCOVERY_TITLE_MAX_CHARS && !all_spaces;
}

/* A code exactly as nexus_code_normalize() gives it, nothing else. */
static gboolean
is_normal_code (const char *code,
                gsize       length)
{
  if (length != NEXUS_CODE_LENGTH)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (code[i] == '\0' || strchr (NEXUS_CODE_ALPHABET, code[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Building */

static int
compare_summaries_by_code (gconstpointer a,
                           gconstpointer b)
{
  const NexusRoomSummary *summary_a = *(NexusRoomSummary * const *) a;
  const NexusRoomSummary *summary_b = *(NexusRoomSummary * const *) b;

  return strcmp (summary_a->code, summary_b->code);
}

static void
add_string (GVariantBuilder *builder,
            const char      *string)
{
  gsize length = strlen (string);

  g_assert (length <= TXT_STRING_MAX_BYTES);
  g_variant_builder_add_value (builder,
                               g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                          string, length, 1));
}

GVariant *
nexus_discovery_txt_build (const guint8 *salt,
                           GPtrArray    *summaries,
                           const char   *app_version)
{
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GString) codes = g_string_new ("codes=");
  g_autoptr(GString) salt_hex = g_string_new ("salt=");
  g_autofree char *proto = g_strdup_printf ("proto=%d", NEXUS_PROTOCOL_VERSION);
  g_autofree char *app = NULL;
  GVariantBuilder builder;
  guint16 listed[NEXUS_DISCOVERY_MAX_CODES];
  guint n_listed = 0;
  guint n_shown = 0;
  gboolean more = FALSE;

  g_return_val_if_fail (salt != NULL, NULL);
  g_return_val_if_fail (summaries != NULL, NULL);
  g_return_val_if_fail (app_version != NULL, NULL);

  /* Sorted by code, so the record stays the same while the rooms do. */
  sorted = g_ptr_array_sized_new (summaries->len);
  for (guint i = 0; i < summaries->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (summaries, i));
  g_ptr_array_sort (sorted, compare_summaries_by_code);

  for (guint i = 0; i < NEXUS_DISCOVERY_SALT_BYTES; i++)
    g_string_append_printf (salt_hex, "%02x", salt[i]);

  for (guint i = 0; i < sorted->len; i++)
    {
      const NexusRoomSummary *summary = g_ptr_array_index (sorted, i);
      guint16 digest = nexus_discovery_digest (salt, summary->code);
      gboolean seen = FALSE;

      for (guint j = 0; j < n_listed && !seen; j++)
        seen = listed[j] == digest;
      if (seen)
        continue;
      if (n_listed == NEXUS_DISCOVERY_MAX_CODES)
        {
          more = TRUE;
          break;
        }
      listed[n_listed++] = digest;
      g_string_append_printf (codes, n_listed > 1 ? ",%04x" : "%04x", digest);
    }

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  add_string (&builder, "txtvers=1");
  add_string (&builder, proto);
  if (strlen (app_version) <= NEXUS_DISCOVERY_APP_MAX_CHARS)
    {
      app = g_strconcat ("app=", app_version, NULL);
      add_string (&builder, app);
    }
  add_string (&builder, salt_hex->str);
  add_string (&builder, codes->str);
  if (more)
    add_string (&builder, "more=1");

  for (guint i = 0; i < sorted->len && n_shown < NEXUS_DISCOVERY_MAX_ROOMS; i++)
    {
      const NexusRoomSummary *summary = g_ptr_array_index (sorted, i);
      g_autofree char *room = NULL;

      if (summary->nearby_code == NULL || summary->title == NULL)
        continue;
      if (!is_normal_code (summary->nearby_code, strlen (summary->nearby_code)) ||
          !nexus_discovery_title_is_valid (summary->title))
        continue;
      room = g_strdup_printf ("room%u=%s %u %s", ++n_shown, summary->nearby_code,
                              MIN (summary->n_members, NEXUS_DISCOVERY_MAX_MEMBERS),
                              summary->title);
      add_string (&builder, room);
    }

  return g_variant_builder_end (&builder);
}

/* Parsing */

void
nexus_discovery_txt_free (NexusDiscoveryTxt *txt)
{
  if (txt == NULL)
    return;
  g_free (txt->app_version);
  for (guint i = 0; i < NEXUS_DISCOVERY_MAX_ROOMS; i++)
    {
      g_free (txt->rooms[i].code);
      g_free (txt->rooms[i].title);
    }
  g_free (txt);
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;   /* upper case too: the layout says lower */
}

/* A decimal number with no sign and no leading zero, at most @max. */
static gboolean
parse_number (const char *value,
              gsize       length,
              guint       max,
              guint      *number)
{
  guint64 n = 0;

  if (length == 0 || length > 9 || (length > 1 && value[0] == '0'))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (value[i]))
        return FALSE;
      n = n * 10 + (guint64) (value[i] - '0');
    }
  if (n > max)
    return FALSE;
  *number = (guint) n;
  return TRUE;
}

static gboolean
parse_salt (NexusDiscoveryTxt *txt,
            const char        *value,
            gsize              length)
{
  if (length != NEXUS_DISCOVERY_SALT_BYTES * 2)
    return FALSE;
  for (guint i = 0; i < NEXUS_DISCOVERY_SALT_BYTES; i++)
    {
      int high = hex_value (value[2 * i]);
      int low = hex_value (value[2 * i + 1]);

      if (high < 0 || low < 0)
        return FALSE;
      txt->salt[i] = (guint8) (high << 4 | low);
    }
  return TRUE;
}

/* "" or up to 48 digests of 4 hex digits, separated by commas. */
static gboolean
parse_codes (NexusDiscoveryTxt *txt,
             const char        *value,
             gsize              length)
{
  if (length == 0)
    return TRUE;
  if ((length + 1) % 5 != 0 || (length + 1) / 5 > NEXUS_DISCOVERY_MAX_CODES)
    return FALSE;
  for (gsize at = 0; at < length; at += 5)
    {
      guint digest = 0;

      for (gsize i = at; i < at + 4; i++)
        {
          int digit = hex_value (value[i]);

          if (digit < 0)
            return FALSE;
          digest = digest << 4 | (guint) digit;
        }
      if (at + 4 < length && value[at + 4] != ',')
        return FALSE;
      txt->digests[txt->n_digests++] = (guint16) digest;
    }
  return TRUE;
}

static gboolean
parse_app (NexusDiscoveryTxt *txt,
           const char        *value,
           gsize              length)
{
  if (length == 0 || length > NEXUS_DISCOVERY_APP_MAX_CHARS)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (value[i]) && strchr (".+~-", value[i]) == NULL)
      return FALSE;
  txt->app_version = g_strndup (value, length);
  return TRUE;
}

/* "NEARBYCODE MEMBERS TITLE", the title to the end (it may hold spaces). */
static gboolean
parse_room (NexusDiscoveryRoom *room,
            const char         *value,
            gsize               length)
{
  const char *members, *members_end, *title;
  g_autofree char *title_copy = NULL;
  guint n_members;

  if (memchr (value, '\0', length) != NULL)
    return FALSE;
  if (length < NEXUS_CODE_LENGTH + 1 || !is_normal_code (value, NEXUS_CODE_LENGTH) ||
      value[NEXUS_CODE_LENGTH] != ' ')
    return FALSE;
  members = value + NEXUS_CODE_LENGTH + 1;
  members_end = memchr (members, ' ', length - (gsize) (members - value));
  if (members_end == NULL ||
      !parse_number (members, (gsize) (members_end - members), NEXUS_DISCOVERY_MAX_MEMBERS,
                     &n_members))
    return FALSE;
  title = members_end + 1;
  title_copy = g_strndup (title, length - (gsize) (title - value));
  if (!nexus_discovery_title_is_valid (title_copy))
    return FALSE;

  room->code = g_strndup (value, NEXUS_CODE_LENGTH);
  room->title = g_steal_pointer (&title_copy);
  room->n_members = n_members;
  return TRUE;
}

typedef enum {
  KEY_TXTVERS,
  KEY_PROTO,
  KEY_APP,
  KEY_SALT,
  KEY_CODES,
  KEY_MORE,
  KEY_ROOM1,   /* … up to KEY_ROOM1 + 7 */
  N_KEYS = KEY_ROOM1 + NEXUS_DISCOVERY_MAX_ROOMS,
} TxtKey;

static const char * const key_names[] = { "txtvers", "proto", "app", "salt", "codes", "more" };

/* Which of our keys @key is, or -1. Keys are case-insensitive (RFC 6763,
 * 6.4); "room1" … "room8" and nothing like "room01". */
static int
lookup_key (const char *key,
            gsize       length)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_names); i++)
    if (length == strlen (key_names[i]) && g_ascii_strncasecmp (key, key_names[i], length) == 0)
      return (int) i;
  if (length == 5 && g_ascii_strncasecmp (key, "room", 4) == 0 &&
      key[4] >= '1' && key[4] < '1' + NEXUS_DISCOVERY_MAX_ROOMS)
    return KEY_ROOM1 + (key[4] - '1');
  return -1;
}

static gboolean
parse_value (NexusDiscoveryTxt  *txt,
             NexusDiscoveryRoom *rooms,
             TxtKey              key,
             const char         *value,
             gsize               length)
{
  guint number;

  switch (key)
    {
    case KEY_TXTVERS:
      return parse_number (value, length, G_MAXUINT16, &number) &&
             number == NEXUS_DISCOVERY_TXT_VERSION;
    case KEY_PROTO:
      return parse_number (value, length, G_MAXUINT16, &txt->proto) && txt->proto >= 1;
    case KEY_APP:
      return parse_app (txt, value, length);
    case KEY_SALT:
      return parse_salt (txt, value, length);
    case KEY_CODES:
      return parse_codes (txt, value, length);
    case KEY_MORE:
      if (!parse_number (value, length, 1, &number))
        return FALSE;
      txt->more = number == 1;
      return TRUE;
    case KEY_ROOM1:
    case N_KEYS:
    default:
      g_assert (key >= KEY_ROOM1 && key < N_KEYS);
      return parse_room (&rooms[key - KEY_ROOM1], value, length);
    }
}

NexusDiscoveryTxt *
nexus_discovery_txt_parse (GVariant  *variant,
                           GError   **error)
{
  g_autoptr(NexusDiscoveryTxt) txt = g_new0 (NexusDiscoveryTxt, 1);
  NexusDiscoveryRoom rooms[NEXUS_DISCOVERY_MAX_ROOMS] = { { 0, } };
  gboolean seen[N_KEYS] = { FALSE, };
  gsize n_strings, total = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (variant != NULL, NULL);

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE ("aay")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a TXT record");
      return NULL;
    }
  n_strings = g_variant_n_children (variant);
  if (n_strings > NEXUS_DISCOVERY_TXT_MAX_STRINGS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%" G_GSIZE_FORMAT " strings, more than %d", n_strings,
                   NEXUS_DISCOVERY_TXT_MAX_STRINGS);
      return NULL;
    }

  for (gsize i = 0; i < n_strings; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (variant, i);
      gsize length;
      const char *string = g_variant_get_fixed_array (child, &length, 1);
      const char *equals;
      int key;

      total += length;
      if (length > TXT_STRING_MAX_BYTES || total > NEXUS_DISCOVERY_TXT_MAX_BYTES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "TXT string %" G_GSIZE_FORMAT
                       " too long", i);
          goto out;
        }
      if (length == 0)
        continue;
      equals = memchr (string, '=', length);
      key = lookup_key (string, equals != NULL ? (gsize) (equals - string) : length);
      /* Unknown keys are for later layouts; only a key's first occurrence
       * counts (RFC 6763, 6.4). */
      if (key < 0 || seen[key])
        continue;
      seen[key] = TRUE;
      if (equals == NULL ||
          !parse_value (txt, rooms, key, equals + 1, length - (gsize) (equals + 1 - string)))
        {
          /* Named from our table: the bytes on the network may be anything. */
          if (key < KEY_ROOM1)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad value of “%s”",
                         key_names[key]);
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad value of “room%d”",
                         key - KEY_ROOM1 + 1);
          goto out;
        }
    }

  for (TxtKey key = KEY_TXTVERS; key <= KEY_CODES; key++)
    if (key != KEY_APP && !seen[key])
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no “%s”", key_names[key]);
        goto out;
      }

  /* room1 … room8 in order, gaps closed; a public code only once. */
  for (guint i = 0; i < NEXUS_DISCOVERY_MAX_ROOMS; i++)
    {
      if (rooms[i].code == NULL)
        continue;
      for (guint j = 0; j < txt->n_rooms; j++)
        if (strcmp (txt->rooms[j].code, rooms[i].code) == 0)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a room twice");
            goto out;
          }
      txt->rooms[txt->n_rooms++] = rooms[i];
      rooms[i] = (NexusDiscoveryRoom) { 0, };
    }
  ok = TRUE;

out:
  for (guint i = 0; i < NEXUS_DISCOVERY_MAX_ROOMS; i++)
    {
      g_free (rooms[i].code);
      g_free (rooms[i].title);
    }
  return ok ? g_steal_pointer (&txt) : NULL;
}

NexusDiscoveryMatch
nexus_discovery_txt_match (const NexusDiscoveryTxt *txt,
                           const char              *normal_code)
{
  guint16 digest;

  g_return_val_if_fail (txt != NULL, NEXUS_DISCOVERY_MATCH_NONE);
  g_return_val_if_fail (normal_code != NULL, NEXUS_DISCOVERY_MATCH_NONE);

  for (guint i = 0; i < txt->n_rooms; i++)
    if (strcmp (txt->rooms[i].code, normal_code) == 0)
      return NEXUS_DISCOVERY_MATCH_PUBLIC;
  digest = nexus_discovery_digest (txt->salt, normal_code);
  for (guint i = 0; i < txt->n_digests; i++)
    if (txt->digests[i] == digest)
      return NEXUS_DISCOVERY_MATCH_DIGEST;
  return txt->more ? NEXUS_DISCOVERY_MATCH_MORE : NEXUS_DISCOVERY_MATCH_NONE;
}
