/* nexus-mention.c: who a text mentions (PROTOCOL.md, Mentions)
 *
 * A mention is `@` at the start of the text or after white space, then a
 * name, then the end, white space or punctuation. A name is found by
 * trying each length of the text after the `@` and comparing its key
 * (NFKC, then case folded) with the names' keys: a name may be longer or
 * shorter in the text than in the list (`ß` folds to `ss`, `Ａ` to `a`).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-mention.h"

/* Names have at most 32 characters; NFKC and case folding make at most a
 * few characters of one, so a name written in the text is never longer. */
#define MAX_NAME_CHARS_IN_TEXT (32 * 4)

static char *
key_of (const char *text,
        gssize      length)
{
  g_autofree char *normal = g_utf8_normalize (text, length, G_NORMALIZE_NFKC);

  return normal ? g_utf8_casefold (normal, -1) : NULL;
}

static gboolean
ends_name (const char *p)
{
  gunichar c;

  if (*p == '\0')
    return TRUE;
  c = g_utf8_get_char (p);
  return g_unichar_isspace (c) || g_unichar_ispunct (c);
}

static GPtrArray *
keys_of (const char * const *names)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (names[i]));

      g_ptr_array_add (keys, *trimmed ? key_of (trimmed, -1) : NULL);
    }
  return keys;
}

/* The longest name after the `@` at @at: its end and index. */
static gboolean
match_at (const char *at,
          GPtrArray  *keys,
          gsize      *length,
          guint      *index)
{
  const char *p = at + 1;
  gboolean found = FALSE;

  for (guint n = 0; n < MAX_NAME_CHARS_IN_TEXT && *p != '\0'; n++)
    {
      p = g_utf8_next_char (p);
      if (!ends_name (p))
        continue;
      {
        g_autofree char *key = key_of (at + 1, p - (at + 1));

        for (guint i = 0; key != NULL && i < keys->len; i++)
          if (g_strcmp0 (key, g_ptr_array_index (keys, i)) == 0)
            {
              *length = p - at;
              *index = i;
              found = TRUE;
              break;
            }
      }
    }
  return found;
}

GArray *
nexus_mentions_find (const char         *text,
                     const char * const *names)
{
  GArray *mentions = g_array_new (FALSE, FALSE, sizeof (NexusMention));
  g_autoptr(GPtrArray) keys = NULL;
  const char *p;

  g_return_val_if_fail (text != NULL, mentions);

  if (strchr (text, '@') == NULL || names == NULL || names[0] == NULL)
    return mentions;
  keys = keys_of (names);

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      NexusMention mention;
      gsize length;

      if (*p != '@')
        continue;
      if (p != text && !g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (p))))
        continue;
      if (!match_at (p, keys, &length, &mention.name_index))
        continue;
      mention.start = p - text;
      mention.end = mention.start + length;
      g_array_append_val (mentions, mention);
      p += length - 1;
    }
  return mentions;
}

gboolean
nexus_mentions_name (const char         *text,
                     const char * const *names,
                     const char         *name)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GArray) mentions = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (text != NULL, FALSE);

  if (name == NULL || strchr (text, '@') == NULL)
    return FALSE;

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    g_ptr_array_add (all, (gpointer) names[i]);
  g_ptr_array_add (all, (gpointer) name);
  g_ptr_array_add (all, NULL);

  mentions = nexus_mentions_find (text, (const char * const *) all->pdata);
  if (mentions->len == 0)
    return FALSE;
  key = key_of (name, -1);
  for (guint i = 0; i < mentions->len; i++)
    {
      NexusMention *mention = &g_array_index (mentions, NexusMention, i);
      g_autofree char *other = key_of (all->pdata[mention->name_index], -1);

      if (g_strcmp0 (key, other) == 0)
        return TRUE;
    }
  return FALSE;
}

GStrv
nexus_mention_complete (const char         *prefix,
                        const char * const *names)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *key = key_of (prefix ? prefix : "", -1);

  for (guint i = 0; key != NULL && names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *name_key = key_of (names[i], -1);

      if (name_key != NULL && g_str_has_prefix (name_key, key))
        g_strv_builder_add (builder, names[i]);
    }
  return g_strv_builder_end (builder);
}
