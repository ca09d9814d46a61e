/* test-archive-export.c: a past room exported as HTML, text and JSON —
 * self-contained, escaped, nothing that runs, the exact texts back
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "nexus-test-utils.h"
#include "test-archive.h"

static char *
export (NexusArchive       *archive,
        const char         *key,
        NexusArchiveFormat  format,
        const char         *dir)
{
  g_autofree char *name = g_strdup_printf ("out.%s", nexus_archive_format_extension (format));
  g_autofree char *file_path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (file_path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  nexus_archive_export_async (archive, key, format, file, NULL, nexus_test_async_result_cb,
                              &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nexus_archive_export_finish (archive, result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (file_path, &contents, NULL, NULL));
  return contents;
}

void
test_archive_export (void)
{
  g_autofree char *path = test_archive_path ();
  g_autoptr(NexusArchive) archive = nexus_archive_new (path);
  g_autofree char *dir = g_path_get_dirname (path);
  static const char evil[] = "<script>alert(\"x\")</script> & <img src=x onerror=alert(1)>";
  g_autofree char *key = test_archive_record_room (archive, "K7QX3M", evil);
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autofree char *lower = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *room;
  JsonArray *events;

  nexus_archive_set_title (archive, key, "<b>Team</b> & \"friends\"");
  test_archive_add_event (archive, key, NEXUS_EVENT_MESSAGE, 7, "<Eve>", "two\nlines");

  /* HTML: self-contained, escaped, nothing that runs or fetches. */
  html = export (archive, key, NEXUS_ARCHIVE_FORMAT_HTML, dir);
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"en\">"));
  lower = g_ascii_strdown (html, -1);
  g_assert_null (strstr (lower, "<script"));
  g_assert_null (strstr (lower, "<img"));
  g_assert_null (strstr (lower, "http://"));
  g_assert_null (strstr (lower, "https://"));
  g_assert_null (strstr (lower, "<link"));
  g_assert_null (strstr (lower, "<b>"));
  g_assert_nonnull (strstr (html, "default-src 'none'"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                                  "&lt;img src=x onerror=alert(1)&gt;"));
  g_assert_nonnull (strstr (html, "<title>&lt;b&gt;Team&lt;/b&gt; &amp; &quot;friends&quot; — "
                                  "Nexus Chat</title>"));
  g_assert_nonnull (strstr (html, "<span class=\"name\">&lt;Eve&gt;</span>"));
  g_assert_nonnull (strstr (html, "Bob joined"));
  g_assert_nonnull (strstr (html, "📎 slides.pdf (2.4\u00a0MB, application/pdf)"));
  g_assert_nonnull (strstr (html, "Room K7Q-X3M · hosted by you · "));
  g_assert_nonnull (strstr (html, "People: Ada, Bob"));
  g_assert_true (g_str_has_suffix (html, "</html>\n"));

  /* Text: as said, a message's lines kept together. */
  text = export (archive, key, NEXUS_ARCHIVE_FORMAT_TEXT, dir);
  g_assert_true (g_str_has_prefix (text, "<b>Team</b> & \"friends\"\nRoom K7Q-X3M · hosted by you"));
  g_assert_nonnull (strstr (text, "] Bob: <script>alert(\"x\")</script> & <img src=x onerror=alert(1)>\n"));
  g_assert_nonnull (strstr (text, "] — Bob joined\n"));
  g_assert_nonnull (strstr (text, "] Bob: 📎 slides.pdf (2.4\u00a0MB, application/pdf)\n"));
  g_assert_nonnull (strstr (text, "] <Eve>: two\n    lines\n"));
  g_assert_true (g_regex_match_simple ("^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\] Ada: Hello Bob$",
                                       text, G_REGEX_MULTILINE, 0));

  /* JSON: the exact texts back. */
  json = export (archive, key, NEXUS_ARCHIVE_FORMAT_JSON, dir);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "nexus-chat-transcript");
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  room = json_object_get_object_member (root, "room");
  g_assert_cmpstr (json_object_get_string_member (room, "code"), ==, "K7QX3M");
  g_assert_cmpstr (json_object_get_string_member (room, "title"), ==, "<b>Team</b> & \"friends\"");
  g_assert_true (json_object_get_boolean_member (room, "hosted"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (room, "people")), ==, 2);
  events = json_object_get_array_member (root, "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 7);
  {
    JsonObject *said = json_array_get_object_element (events, 3);
    JsonObject *file = json_object_get_object_member (json_array_get_object_element (events, 4),
                                                      "file");
    JsonObject *joined = json_array_get_object_element (events, 1);

    g_assert_cmpint (json_object_get_int_member (said, "seq"), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (said, "type"), ==, "message");
    g_assert_cmpstr (json_object_get_string_member (said, "name"), ==, "Bob");
    g_assert_cmpstr (json_object_get_string_member (said, "text"), ==, evil);
    g_assert_cmpstr (json_object_get_string_member (said, "time"), ==, "2026-05-28T20:26:44Z");
    g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, "slides.pdf");
    g_assert_cmpint (json_object_get_int_member (file, "size"), ==, 2400000);
    g_assert_cmpstr (json_object_get_string_member (file, "type"), ==, "application/pdf");
    g_assert_cmpstr (json_object_get_string_member (joined, "type"), ==, "joined");
    g_assert_false (json_object_has_member (joined, "text"));
  }

  /* A name for the file chooser, with nothing a file system refuses. */
  {
    g_autoptr(NexusArchiveRoom) loaded = NULL;
    g_autoptr(GListModel) loaded_events = test_archive_load (archive, key, &loaded);
    g_autofree char *name = nexus_archive_export_file_name (loaded, NEXUS_ARCHIVE_FORMAT_HTML);

    g_assert_cmpuint (g_list_model_get_n_items (loaded_events), ==, 7);

    g_assert_true (g_str_has_prefix (name, "Nexus Chat -b-Team--b- & -friends- "));
    g_assert_true (g_str_has_suffix (name, ".html"));
    g_assert_null (strchr (name, '/'));
  }

  /* A room that is not there exports nothing. */
  {
    g_autofree char *missing = g_build_filename (dir, "missing.txt", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (missing);
    g_autoptr(GAsyncResult) result = NULL;

    nexus_archive_export_async (archive, "NOPE@x:1", NEXUS_ARCHIVE_FORMAT_TEXT, file, NULL,
                                nexus_test_async_result_cb, &result);
    WAIT_UNTIL (result != NULL);
    g_assert_false (nexus_archive_export_finish (archive, result, &error));
    g_assert_error (error, NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_NOT_FOUND);
    g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  }

  g_assert_finalize_object (g_steal_pointer (&archive));
  test_archive_remove (path);
}

