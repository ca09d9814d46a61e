/* test-web-language.c: the browser page in the language the browser asks
 * for: Accept-Language chosen among the catalogues built from po/, the
 * page marked with it, and the catalogue served
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "nexus-server.h"
#include "nexus-test-utils.h"
#include "nexus-web-language.h"

static void
test_choose (void)
{
  const char * const available[] = { "en", "de", "pt_BR", NULL };
  static const struct {
    const char *header;
    const char *language;
  } cases[] = {
    { NULL, "en" },
    { "", "en" },
    { "de", "de" },
    { "DE", "de" },
    { "de-AT", "de" },
    { "de-ch, en;q=0.5", "de" },
    { "de_DE", "de" },
    { "en-US,en;q=0.9,de;q=0.8", "en" },
    { "fr, de;q=0.5, en;q=0.4", "de" },
    { "fr-FR, it", "en" },
    { "en;q=0.2, de;q=0.7", "de" },
    { "de;q=0, en;q=0.1", "en" },
    { "de;q=0", "en" },
    { "*", "en" },
    { "*, de;q=0.5", "de" },
    { "xx-yy, de", "de" },
    { "de;q=0.5, de-AT;q=0.9", "de" },
    { "english, deutsch", "en" },
    { "1234, de", "de" },
    { ";;;,,, de", "de" },
    { "de;q=abc", "en" },          /* a q that is no number counts as 0 */
    { "zh-Hant-TW;q=0.9, de-DE;q=0.8", "de" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("Accept-Language: %s", cases[i].header ? cases[i].header : "(none)");
      g_assert_cmpstr (nexus_web_language_choose (cases[i].header, available), ==, cases[i].language);
    }

  /* Nothing but English: always English. */
  {
    const char * const english[] = { "en", NULL };

    g_assert_cmpstr (nexus_web_language_choose ("de-AT, de", english), ==, "en");
  }
}

static void
test_languages (void)
{
  const char * const *languages = nexus_web_languages ();

  g_assert_nonnull (languages);
  g_assert_cmpstr (languages[0], ==, "en");
  g_assert_true (g_strv_contains (languages, "de"));
  /* Read once. */
  g_assert_true (nexus_web_languages () == languages);
}

static void
test_localize (void)
{
  static const char html[] = "<!doctype html>\n<html lang=\"en\">\n<body><noscript><p class=\"noscript\">"
                             "Nexus Chat needs JavaScript to run in this browser.</p></noscript></body></html>";
  static const char plain[] = "<html><p class=\"noscript\">x</p></html>";
  g_autoptr(GBytes) page = g_bytes_new_static (html, sizeof html - 1);
  g_autoptr(GBytes) unmarked = g_bytes_new_static (plain, sizeof plain - 1);
  g_autoptr(GBytes) german = NULL;
  g_autoptr(GBytes) english = NULL;
  g_autoptr(GBytes) same = NULL;
  g_autofree char *text = NULL;

  german = nexus_web_page_localize (page, "de");
  text = g_strndup (g_bytes_get_data (german, NULL), g_bytes_get_size (german));
  g_assert_cmpstr (text, ==, "<!doctype html>\n<html lang=\"de\">\n<body><noscript><p class=\"noscript\">"
                             "Nexus Chat braucht JavaScript, um in diesem Browser zu laufen.</p></noscript>"
                             "</body></html>");
  english = nexus_web_page_localize (page, "en");
  g_assert_true (english == page);
  /* Nothing to mark: as written. */
  same = nexus_web_page_localize (unmarked, "de");
  g_assert_true (same == unmarked);
}

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} Fetched;

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetched *fetched = user_data;

  fetched->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &fetched->error);
  fetched->done = TRUE;
}

/* GET path with this Accept-Language (NULL: none); the status. */
static guint
get_with_language (guint                port,
                   const char          *path,
                   const char          *accept_language,
                   SoupMessageHeaders **headers,
                   char               **body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  Fetched fetched = { 0, };

  if (accept_language != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept-Language",
                                  accept_language);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_fetched, &fetched);
  WAIT_UNTIL (fetched.done);
  g_assert_no_error (fetched.error);
  *headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  *body = g_strndup (g_bytes_get_data (fetched.body, NULL), g_bytes_get_size (fetched.body));
  g_bytes_unref (fetched.body);
  return soup_message_get_status (msg);
}

static void
assert_page_in (NexusTestServer *fixture,
                const char      *path,
                const char      *accept_language,
                const char      *language)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *body = NULL;
  g_autofree char *tag = g_strdup_printf ("<html lang=\"%s\">", language);

  g_test_message ("%s with Accept-Language: %s", path, accept_language ? accept_language : "(none)");
  g_assert_cmpuint (get_with_language (fixture->port, path, accept_language, &headers, &body), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Content-Language"), ==, language);
  g_assert_true (soup_message_headers_header_contains (headers, "Vary", "Accept-Language"));
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL), "text/html"));
  /* Still the strict policy: the page finds its catalogue by its lang, with no inline script. */
  g_assert_nonnull (soup_message_headers_get_one (headers, "Content-Security-Policy"));
  g_assert_nonnull (strstr (body, tag));
  g_assert_null (strstr (body, language[0] == 'e' ? "<html lang=\"de\">" : "<html lang=\"en\">"));
  /* The sentence for a browser without JavaScript is the host's to translate. */
  g_assert_nonnull (strstr (body, language[0] == 'e'
                                  ? "<p class=\"noscript\">Nexus Chat needs JavaScript to run in this browser.</p>"
                                  : "<p class=\"noscript\">Nexus Chat braucht JavaScript, um in diesem Browser zu laufen.</p>"));
  g_assert_cmpuint (strlen (body), >, 1000);
  g_assert_nonnull (strstr (body, "</html>"));
}

static void
test_page_language (NexusTestServer *fixture,
                    gconstpointer    data)
{
  assert_page_in (fixture, "/", NULL, "en");
  assert_page_in (fixture, "/", "de", "de");
  assert_page_in (fixture, "/", "de-AT,de;q=0.9,en;q=0.8", "de");
  assert_page_in (fixture, "/", "en-GB,en;q=0.9,de;q=0.5", "en");
  assert_page_in (fixture, "/", "fr-FR,fr;q=0.9", "en");
  assert_page_in (fixture, "/", "fr, de;q=0.3", "de");
  assert_page_in (fixture, "/", "de;q=0, en", "en");
  assert_page_in (fixture, "/r/K7QX3M", "de-CH", "de");
  assert_page_in (fixture, "/r/K7QX3M", "ja", "en");
}

static void
test_catalogue (NexusTestServer *fixture,
                gconstpointer    data)
{
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *messages;
  JsonArray *forms;

  g_assert_cmpuint (get_with_language (fixture->port, "/static/l10n/de.json", NULL, &headers, &body), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "application/json");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_true (json_parser_load_from_data (parser, body, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "language"), ==, "de");
  g_assert_cmpstr (json_object_get_string_member (root, "plural"), ==, "(n != 1)");
  messages = json_object_get_object_member (root, "messages");
  /* From po/de.po: the page's own strings, and those it shares with the window. */
  g_assert_cmpstr (json_object_get_string_member (messages, "Leave"), ==, "Verlassen");
  g_assert_cmpstr (json_object_get_string_member (messages, "Reconnecting…"), ==,
                   "Verbindung wird wiederhergestellt …");
  forms = json_object_get_array_member (messages, "{n} new message");
  g_assert_cmpuint (json_array_get_length (forms), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (forms, 1), ==, "{n} neue Nachrichten");
  /* Only the page's strings: none of the window's alone. */
  g_assert_false (json_object_has_member (messages, "Leave the Room"));
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_clear_pointer (&body, g_free);

  g_assert_cmpuint (get_with_language (fixture->port, "/static/l10n/xx.json", NULL, &headers, &body), ==, 404);
  g_clear_pointer (&headers, soup_message_headers_unref);
  g_clear_pointer (&body, g_free);
  g_assert_cmpuint (get_with_language (fixture->port, "/static/l10n/", NULL, &headers, &body), ==, 404);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/web-language/choose", test_choose);
  g_test_add_func ("/web-language/languages", test_languages);
  g_test_add_func ("/web-language/localize", test_localize);
  NEXUS_TEST_ADD_SERVER ("/web-language/page", test_page_language, NULL);
  NEXUS_TEST_ADD_SERVER ("/web-language/catalogue", test_catalogue, NULL);

  return g_test_run ();
}
