/* nexus-web-language.c: the language of the browser page
 *
 * The host serves the page in the language the browser asks for with
 * Accept-Language (RFC 9110: ranges with q-values), among those it has a
 * catalogue of in the web GResource (made from po/LANG.po at build time,
 * README, Translations), and in English otherwise. A range is matched by
 * its primary subtag: "de-AT" and "de-CH" get "de".
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "nexus-web-language.h"
#include "nexus-web-l10n-resources.h"

#define L10N_PATH "/io/github/nexuschat/NexusChat/web/l10n"
#define HTML_LANG_EN "<html lang=\"" NEXUS_WEB_LANGUAGE_DEFAULT "\">"
#define NOSCRIPT_START "<p class=\"noscript\">"

/* "de.json" and the like in the catalogues' GResource, read once: the
 * resource is compiled in and never changes. */
static char **
list_languages (void)
{
  g_autoptr(GPtrArray) languages = g_ptr_array_new ();
  g_auto(GStrv) names = g_resource_enumerate_children (nexus_web_l10n_get_resource (), L10N_PATH,
                                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

  g_ptr_array_add (languages, g_strdup (NEXUS_WEB_LANGUAGE_DEFAULT));
  for (char **name = names; name != NULL && *name != NULL; name++)
    if (g_str_has_suffix (*name, ".json"))
      g_ptr_array_add (languages, g_strndup (*name, strlen (*name) - strlen (".json")));
  g_ptr_array_add (languages, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&languages), FALSE);
}

/**
 * nexus_web_languages:
 *
 * Returns: (transfer none): the languages the page can be shown in, English
 * first; each but English has /static/l10n/LANG.json.
 */
const char * const *
nexus_web_languages (void)
{
  static char **languages = NULL;
  static gsize listed = 0;

  if (g_once_init_enter (&listed))
    {
      languages = list_languages ();
      g_once_init_leave (&listed, 1);
    }
  return (const char * const *) languages;
}

/* The primary subtag of a language range, lowercase: "de-AT" → "de".
 * NULL for "*" and for anything that is not 1–8 letters. */
static char *
primary_subtag (const char *range)
{
  gsize length = strcspn (range, "-_");

  if (length < 1 || length > 8)
    return NULL;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalpha (range[i]))
      return NULL;
  return g_ascii_strdown (range, (gssize) length);
}

/**
 * nexus_web_language_choose:
 * @accept_language: (nullable): the request's Accept-Language
 * @available: the languages there are, as from nexus_web_languages()
 *
 * Returns: (transfer none): the member of @available the browser prefers
 * most (highest q, then first), or "en" when it names none of them.
 */
const char *
nexus_web_language_choose (const char         *accept_language,
                           const char * const *available)
{
  GSList *ranges;
  const char *chosen = NEXUS_WEB_LANGUAGE_DEFAULT;

  g_return_val_if_fail (available != NULL, NEXUS_WEB_LANGUAGE_DEFAULT);

  if (accept_language == NULL || strlen (accept_language) > 4096)
    return chosen;
  /* Sorted by q, highest first, keeping the order of equal ones; q=0
   * ranges ("not this one") are left out. */
  ranges = soup_header_parse_quality_list (accept_language, NULL);
  for (GSList *l = ranges; l != NULL; l = l->next)
    {
      g_autofree char *primary = primary_subtag (l->data);
      gboolean found = FALSE;

      if (primary == NULL)
        continue;
      for (const char * const *language = available; *language != NULL; language++)
        if (strcmp (*language, primary) == 0)
          {
            chosen = *language;
            found = TRUE;
            break;
          }
      if (found)
        break;
    }
  soup_header_free_list (ranges);
  return chosen;
}

/* The translation of msgid in the catalogue of language, or NULL. */
static char *
catalogue_lookup (const char *language,
                  const char *msgid)
{
  g_autofree char *path = g_strdup_printf (L10N_PATH "/%s.json", language);
  g_autoptr(GBytes) bytes = g_resource_lookup_data (nexus_web_l10n_get_resource (), path,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root, *messages, *translation;

  if (bytes == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  messages = json_object_get_member (json_node_get_object (root), "messages");
  if (messages == NULL || !JSON_NODE_HOLDS_OBJECT (messages))
    return NULL;
  translation = json_object_get_member (json_node_get_object (messages), msgid);
  if (translation == NULL || !JSON_NODE_HOLDS_VALUE (translation)
      || json_node_get_value_type (translation) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (translation));
}

/**
 * nexus_web_page_localize:
 * @page: index.html as written, in English
 * @language: a member of nexus_web_languages()
 *
 * Marks the page with its language, <html lang="de">, which is how its
 * scripts find their catalogue (i18n.js), and translates what they cannot:
 * the sentence for a browser without JavaScript (<p class="noscript">).
 * A page without the marks is returned as it is.
 *
 * Returns: (transfer full): the page in @language
 */
GBytes *
nexus_web_page_localize (GBytes     *page,
                         const char *language)
{
  gsize size;
  const char *html = g_bytes_get_data (page, &size);
  const char *at, *noscript, *noscript_end;
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (page != NULL && language != NULL, NULL);

  if (strcmp (language, NEXUS_WEB_LANGUAGE_DEFAULT) == 0
      || (at = g_strstr_len (html, (gssize) size, HTML_LANG_EN)) == NULL)
    return g_bytes_ref (page);

  text = g_string_new_len (html, at - html);
  g_string_append_printf (text, "<html lang=\"%s\">", language);
  g_string_append_len (text, at + strlen (HTML_LANG_EN),
                       (gssize) (size - (gsize) (at - html) - strlen (HTML_LANG_EN)));

  noscript = strstr (text->str, NOSCRIPT_START);
  noscript_end = noscript ? strstr (noscript, "</p>") : NULL;
  if (noscript_end != NULL)
    {
      gsize from = (gsize) (noscript - text->str) + strlen (NOSCRIPT_START);
      g_autofree char *english = g_strndup (text->str + from, (gsize) (noscript_end - text->str) - from);
      g_autofree char *translated = catalogue_lookup (language, english);

      if (translated != NULL)
        {
          g_autofree char *escaped = g_markup_escape_text (translated, -1);

          g_string_erase (text, (gssize) from, (gssize) strlen (english));
          g_string_insert (text, (gssize) from, escaped);
        }
    }
  return g_string_free_to_bytes (g_steal_pointer (&text));
}
