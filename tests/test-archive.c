/* test-archive.c: past conversations in SQLite — recorded, read back after
 * reopening, searched, exported, deleted, not kept when turned off, a
 * file that is not ours set aside
 *
 * Recording from a real client in a real room is in test-archive-recorder.c.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "nexus-test-state.h"
#include "nexus-test-utils.h"
#include "test-archive.h"

/* Helpers */

char *
test_archive_path (void)
{
  g_autofree char *dir = nexus_test_state_dir ();

  return g_build_filename (dir, "nexus-chat", NEXUS_ARCHIVE_FILE_NAME, NULL);
}

void
test_archive_remove (const char *path)
{
  g_autofree char *data = g_path_get_dirname (path);
  g_autofree char *dir = g_path_get_dirname (data);

  nexus_test_state_dir_remove (dir);
}

void
test_archive_sync (NexusArchive *archive)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  nexus_archive_sync_async (archive, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nexus_archive_sync_finish (archive, result, &error));
  g_assert_no_error (error);
}

GListModel *
test_archive_list (NexusArchive *archive)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *rooms;

  nexus_archive_list_rooms_async (archive, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  rooms = nexus_archive_list_rooms_finish (archive, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rooms);
  return rooms;
}

GListModel *
test_archive_load (NexusArchive      *archive,
                   const char        *key,
                   NexusArchiveRoom **room)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *events;

  nexus_archive_load_async (archive, key, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  events = nexus_archive_load_finish (archive, result, room, &error);
  g_assert_no_error (error);
  g_assert_nonnull (events);
  return events;
}

NexusArchiveRoom *
test_archive_find (GListModel *rooms,
                   const char *code)
{
  for (guint i = 0; i < g_list_model_get_n_items (rooms); i++)
    {
      g_autoptr(NexusArchiveRoom) room = g_list_model_get_item (rooms, i);

      if (g_strcmp0 (nexus_archive_room_get_code (room), code) == 0)
        return room;   /* the model keeps it */
    }
  return NULL;
}

static GListModel *
search (NexusArchive *archive,
        const char   *text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *hits;

  nexus_archive_search_async (archive, text, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  hits = nexus_archive_search_finish (archive, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

/* The texts of @hits, joined by "|", newest first. */
static char *
hit_texts (GListModel *hits)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (hits); i++)
    {
      g_autoptr(NexusArchiveEvent) hit = g_list_model_get_item (hits, i);

      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, nexus_archive_event_get_text (hit));
    }
  return g_string_free (out, FALSE);
}

static char *
search_texts (NexusArchive *archive,
              const char   *text)
{
  g_autoptr(GListModel) hits = search (archive, text);

  return hit_texts (hits);
}

static void
add_event (NexusArchive   *archive,
           const char     *key,
           NexusEventKind  kind,
           gint64          seq,
           const char     *name,
           const char     *text)
{
  /* A second apart, in seq order. */
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (1780000000 + seq);
  g_autoptr(NexusEvent) event = nexus_event_new (kind, seq, when, name, text, NULL);

  nexus_archive_add_event (archive, key, event);
}

static void
add_file (NexusArchive *archive,
          const char   *key,
          gint64        seq,
          const char   *name,
          const char   *file_name,
          gint64        size,
          const char   *type)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (1780000000 + seq);
  g_autofree char *text = g_strdup_printf ("📎 %s", file_name);
  g_autoptr(NexusEvent) event = nexus_event_new (NEXUS_EVENT_MESSAGE, seq, when, name, text, NULL);

  nexus_event_set_file (event, file_name, size, type, "/files/x", 0, 0);
  nexus_archive_add_event (archive, key, event);
}

/* A room Ada hosted with Bob: joined, said, a file, left. */
static char *
record_room (NexusArchive *archive,
             const char   *code,
             const char   *bob_says)
{
  char *key = nexus_archive_room_key (code, "127.0.0.1", 47474);
  static const char * const people[] = { "Ada", "Bob", NULL };

  nexus_archive_begin_room (archive, key, code, "127.0.0.1", 47474, "Ada", TRUE);
  nexus_archive_set_people (archive, key, people);
  add_event (archive, key, NEXUS_EVENT_JOINED, 1, "Ada", NULL);
  add_event (archive, key, NEXUS_EVENT_JOINED, 2, "Bob", NULL);
  add_event (archive, key, NEXUS_EVENT_MESSAGE, 3, "Ada", "Hello Bob");
  add_event (archive, key, NEXUS_EVENT_MESSAGE, 4, "Bob", bob_says);
  add_file (archive, key, 5, "Bob", "slides.pdf", 2400000, "application/pdf");
  add_event (archive, key, NEXUS_EVENT_LEFT, 6, "Bob", NULL);
  nexus_archive_end_room (archive, key);
  return key;
}

static sqlite3 *
db_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  return db;
}

/* Tests */

static void
test_schema (void)
{
  g_autofree char *path = test_archive_path ();
  g_autoptr(NexusArchive) archive = nexus_archive_new (path);
  g_autofree char *dir = g_path_get_dirname (path);
  GStatBuf st;
  sqlite3 *db;

  g_assert_cmpstr (nexus_archive_get_path (archive), ==, path);
  g_assert_true (nexus_archive_get_enabled (archive));
  test_archive_sync (archive);
  g_assert_null (nexus_archive_get_problem (archive));

  /* Only its owner reads what was said. */
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  db = db_open (path);
  g_assert_cmpint (nexus_test_state_query_int (db, "PRAGMA application_id"), ==, 0x4E584841);
  g_assert_cmpint (nexus_test_state_query_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM sqlite_master WHERE "
                                                   "name IN ('rooms', 'events')"), ==, 2);
  /* Debian 12's SQLite (3.40) has FTS5 and its trigram tokenizer. */
  if (sqlite3_libversion_number () >= 3034000
      && sqlite3_compileoption_used ("ENABLE_FTS5"))
    g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM sqlite_master WHERE "
                                                     "name = 'events_fts'"), ==, 1);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);

  g_clear_object (&archive);
  test_archive_remove (path);
}

static void
on_changed (NexusArchive *archive,
            guint        *count)
{
  (*count)++;
}

/* Everything recorded comes back, in the same process and after reopening. */
static void
test_record_reopen (void)
{
  g_autofree char *path = test_archive_path ();
  g_autoptr(NexusArchive) archive = nexus_archive_new (path);
  g_autofree char *key = NULL;
  g_autofree char *other = NULL;
  guint changed = 0;
  gint64 before = g_get_real_time ();

  g_signal_connect (archive, "changed", G_CALLBACK (on_changed), &changed);
  key = record_room (archive, "K7QX3M", "Hi Ada, see the slides");
  /* A room where nothing was said is kept but not listed. */
  other = nexus_archive_room_key ("ABCDEF", "192.168.1.20", 47475);
  nexus_archive_begin_room (archive, other, "ABCDEF", "192.168.1.20", 47475, "Ada", FALSE);
  add_event (archive, other, NEXUS_EVENT_JOINED, 9, "Ada", NULL);
  WAIT_UNTIL (changed > 0);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GListModel) rooms = test_archive_list (archive);
      g_autoptr(GListModel) events = NULL;
      g_autoptr(NexusArchiveRoom) room = NULL;
      g_autoptr(NexusArchiveEvent) event = NULL;
      const char * const *people;

      g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 1);
      events = test_archive_load (archive, key, &room);
      g_assert_cmpstr (nexus_archive_room_get_key (room), ==, key);
      g_assert_cmpstr (nexus_archive_room_get_key (room), ==, "K7QX3M@127.0.0.1:47474");
      g_assert_cmpstr (nexus_archive_room_get_code (room), ==, "K7QX3M");
      g_assert_cmpstr (nexus_archive_room_get_label (room), ==, "K7Q-X3M");
      g_assert_null (nexus_archive_room_get_title (room));
      g_assert_cmpstr (nexus_archive_room_get_host (room), ==, "127.0.0.1");
      g_assert_cmpuint (nexus_archive_room_get_port (room), ==, 47474);
      g_assert_cmpstr (nexus_archive_room_get_own_name (room), ==, "Ada");
      g_assert_true (nexus_archive_room_get_hosted (room));
      g_assert_cmpint (nexus_archive_room_get_started (room), >=, before);
      g_assert_cmpint (nexus_archive_room_get_ended (room), >=,
                       nexus_archive_room_get_started (room));
      g_assert_cmpint (nexus_archive_room_get_last_active (room), >=,
                       nexus_archive_room_get_started (room));
      g_assert_cmpuint (nexus_archive_room_get_n_messages (room), ==, 3);
      people = nexus_archive_room_get_people (room);
      g_assert_cmpuint (g_strv_length ((GStrv) people), ==, 2);
      g_assert_cmpstr (people[0], ==, "Ada");
      g_assert_cmpstr (people[1], ==, "Bob");

      g_assert_cmpuint (g_list_model_get_n_items (events), ==, 6);
      for (guint i = 0; i < 6; i++)
        {
          g_autoptr(NexusArchiveEvent) e = g_list_model_get_item (events, i);

          g_assert_cmpint (nexus_archive_event_get_seq (e), ==, i + 1);
          g_assert_cmpint (nexus_archive_event_get_time (e), ==,
                           (gint64) (1780000000 + i + 1) * G_USEC_PER_SEC);
        }
      event = g_list_model_get_item (events, 1);
      g_assert_cmpint (nexus_archive_event_get_kind (event), ==, NEXUS_EVENT_JOINED);
      g_assert_cmpstr (nexus_archive_event_get_name (event), ==, "Bob");
      g_clear_object (&event);
      event = g_list_model_get_item (events, 3);
      g_assert_cmpint (nexus_archive_event_get_kind (event), ==, NEXUS_EVENT_MESSAGE);
      g_assert_cmpstr (nexus_archive_event_get_text (event), ==, "Hi Ada, see the slides");
      g_assert_null (nexus_archive_event_get_file_name (event));
      g_assert_false (nexus_archive_event_get_edited (event));
      g_assert_false (nexus_archive_event_get_deleted (event));
      g_clear_object (&event);
      event = g_list_model_get_item (events, 4);
      g_assert_cmpstr (nexus_archive_event_get_file_name (event), ==, "slides.pdf");
      g_assert_cmpint (nexus_archive_event_get_file_size (event), ==, 2400000);
      g_assert_cmpstr (nexus_archive_event_get_file_type (event), ==, "application/pdf");
      g_clear_object (&event);
      event = g_list_model_get_item (events, 5);
      g_assert_cmpint (nexus_archive_event_get_kind (event), ==, NEXUS_EVENT_LEFT);

      /* The same again from a new archive on the same file. */
      g_assert_finalize_object (g_steal_pointer (&archive));
      archive = nexus_archive_new (path);
    }

  /* The same event twice (a resume, a late join's history) is kept once. */
  add_event (archive, key, NEXUS_EVENT_MESSAGE, 3, "Ada", "Hello Bob");
  {
    g_autoptr(NexusArchiveRoom) room = NULL;
    g_autoptr(GListModel) events = test_archive_load (archive, key, &room);

    g_assert_cmpuint (g_list_model_get_n_items (events), ==, 6);
  }

  /* An unknown room is a sentence. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    nexus_archive_load_async (archive, "NOPE@x:1", NULL, nexus_test_async_result_cb, &result);
    WAIT_UNTIL (result != NULL);
    g_assert_null (nexus_archive_load_finish (archive, result, NULL, &error));
    g_assert_error (error, NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_NOT_FOUND);
  }

  g_assert_finalize_object (g_steal_pointer (&archive));
  test_archive_remove (path);
}

/* An event changed later (edited, deleted) is found by its room and seq. */
static void
test_update_event (void)
{
  g_autofree char *path = test_archive_path ();
  g_autoptr(NexusArchive) archive = nexus_archive_new (path);
  g_autofree char *key = record_room (archive, "K7QX3M", "the first version");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GListModel) events = NULL;
  g_autoptr(NexusArchiveEvent) event = NULL;
  g_autofree char *hits = NULL;

  nexus_archive_update_event (archive, key, 4, "the second version", TRUE, FALSE);
  events = test_archive_load (archive, key, NULL);
  event = g_list_model_get_item (events, 3);
  g_assert_cmpstr (nexus_archive_event_get_text (event), ==, "the second version");
  g_assert_true (nexus_archive_event_get_edited (event));
  /* The search index follows. */
  hits = search_texts (archive, "first version");
  g_assert_cmpstr (hits, ==, "");
  g_free (hits);
  hits = search_texts (archive, "second version");
  g_assert_cmpstr (hits, ==, "the second version");
  g_free (hits);

  /* Deleted: no text, no file, found by no search. */
  nexus_archive_update_event (archive, key, 4, "", FALSE, TRUE);
  nexus_archive_update_event (archive, key, 5, "", FALSE, TRUE);
  g_clear_object (&events);
  g_clear_object (&event);
  events = test_archive_load (archive, key, NULL);
  event = g_list_model_get_item (events, 3);
  g_assert_true (nexus_archive_event_get_deleted (event));
  g_assert_cmpstr (nexus_archive_event_get_text (event), ==, "");
  g_clear_object (&event);
  event = g_list_model_get_item (events, 4);
  g_assert_true (nexus_archive_event_get_deleted (event));
  g_assert_null (nexus_archive_event_get_file_name (event));
  hits = search_texts (archive, "second version");
  g_assert_cmpstr (hits, ==, "");
  g_free (hits);
  hits = search_texts (archive, "slides");
  g_assert_cmpstr (hits, ==, "");
  test_archive_sync (archive);
  g_assert_false (nexus_test_state_dir_contains (dir, "second version"));

  g_assert_finalize_object (g_steal_pointer (&archive));
  test_archive_remove (path);
}

static void
check_search (NexusArchive *archive)
{
  static const struct {
    const char *query;
    const char *found;
  } cases[] = {
    /* Substrings, any case */
    { "lunch", "lunch is over|Lunch at noon?" },
    { "LUNCH AT", "Lunch at noon?" },
    /* LIKE's and FTS5's own characters are only themselves */
    { "100%", "100% sure" },
    { "0%", "100% sure" },
    { "%", "100% sure" },
    { "a_b", "call a_b()" },
    { "_", "call a_b()" },
    { "\"quoted\"", "say \"quoted\" words" },
    { "\"", "say \"quoted\" words" },
    { "say \"", "say \"quoted\" words" },
    { "C:\\temp", "in C:\\temp\\x" },
    { "\\", "in C:\\temp\\x" },
    { "AND OR NOT", "AND OR NOT*" },
    { "NOT*", "AND OR NOT*" },
    { "x' OR '1'='1", "" },
    /* Unicode, folded */
    { "grüße", "Grüße aus Köln" },
    { "KÖLN", "Grüße aus Köln" },
    { "Kö", "Grüße aus Köln" },
    { "日本語", "日本語のテキスト" },
    { "本", "日本語のテキスト" },
    /* File names too */
    { "slides.pdf", "📎 slides.pdf" },
    /* Not there, or nothing asked */
    { "nowhere", "" },
    { "   ", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *found = search_texts (archive, cases[i].query);

      g_test_message ("search %s", cases[i].query);
      g_assert_cmpstr (found, ==, cases[i].found);
    }
}

static void
test_search (void)
{
  g_autofree char *path = test_archive_path ();
  g_autoptr(NexusArchive) archive = nexus_archive_new (path);
  g_autofree char *key = record_room (archive, "K7QX3M", "Lunch at noon?");
  g_autofree char *key2 = nexus_archive_room_key ("ABCDEF", "10.0.0.2", 47474);
  static const char * const texts[] = {
    "100% sure", "1000 sure", "call a_b()", "call axb()", "say \"quoted\" words",
    "in C:\\temp\\x", "AND OR NOT*", "Grüße aus Köln", "日本語のテキスト", "lunch is over",
  };
  g_autoptr(GListModel) hits = NULL;
  g_autoptr(NexusArchiveEvent) hit = NULL;

  nexus_archive_begin_room (archive, key2, "ABCDEF", "10.0.0.2", 47474, "Ada", FALSE);
  nexus_archive_set_title (archive, key2, "Book club");
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    add_event (archive, key2, NEXUS_EVENT_MESSAGE, 10 + i, "Cy", texts[i]);

  /* Through the index, and through LIKE as where FTS5 is missing. */
  check_search (archive);
  _nexus_archive_set_use_fts (archive, FALSE);
  check_search (archive);
  _nexus_archive_set_use_fts (archive, TRUE);

  /* A hit names its room, to open it there. */
  hits = search (archive, "noon");
  g_assert_cmpuint (g_list_model_get_n_items (hits), ==, 1);
  hit = g_list_model_get_item (hits, 0);
  g_assert_cmpstr (nexus_archive_event_get_room_key (hit), ==, key);
  g_assert_cmpstr (nexus_archive_event_get_room_label (hit), ==, "K7Q-X3M");
  g_assert_cmpint (nexus_archive_event_get_seq (hit), ==, 4);
  g_assert_cmpstr (nexus_archive_event_get_name (hit), ==, "Bob");
  g_clear_object (&hits);
  g_clear_object (&hit);
  hits = search (archive, "Köln");
  hit = g_list_model_get_item (hits, 0);
  g_assert_cmpstr (nexus_archive_event_get_room_label (hit), ==, "Book club");

  g_assert_finalize_object (g_steal_pointer (&archive));
  test_archive_remove (path);
}

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

static void
test_export (void)
{
  g_autofree char *path = test_archive_path ();
  g_autoptr(NexusArchive) archive = nexus_archive_new (path);
  g_autofree char *dir = g_path_get_dirname (path);
  static const char evil[] = "<script>alert(\"x\")</script> & <img src=x onerror=alert(1)>";
  g_autofree char *key = record_room (archive, "K7QX3M", evil);
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autofree char *lower = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *room;
  JsonArray *events;

  nexus_archive_set_title (archive, key, "<b>Team</b> & \"friends\"");
  add_event (archive, key, NEXUS_EVENT_MESSAGE, 7, "<Eve>", "two\nlines");

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

static void
delete_room (NexusArchive *archive,
             const char   *key)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  nexus_archive_delete_async (archive, key, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nexus_archive_delete_finish (archive, result, &error));
  g_assert_no_error (error);
}

/* Deleting leaves nothing of it in the files, not even in the WAL. */
static void
test_delete (void)
{
  g_autofree char *path = test_archive_path ();
  g_autoptr(NexusArchive) archive = nexus_archive_new (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *key = record_room (archive, "K7QX3M", "the secret word is xylophone");
  g_autofree char *key2 = record_room (archive, "ABCDEF", "the password is marmalade");
  g_autoptr(GListModel) rooms = test_archive_list (archive);
  g_autofree char *hits = NULL;
  guint changed = 0;

  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 2);
  g_assert_cmpstr (key2, ==, "ABCDEF@127.0.0.1:47474");
  g_assert_true (nexus_test_state_dir_contains (dir, "xylophone"));
  g_signal_connect (archive, "changed", G_CALLBACK (on_changed), &changed);

  delete_room (archive, key);
  WAIT_UNTIL (changed > 0);
  g_clear_object (&rooms);
  rooms = test_archive_list (archive);
  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 1);
  g_assert_null (test_archive_find (rooms, "K7QX3M"));
  g_assert_nonnull (test_archive_find (rooms, "ABCDEF"));
  hits = search_texts (archive, "xylophone");
  g_assert_cmpstr (hits, ==, "");
  g_assert_false (nexus_test_state_dir_contains (dir, "xylophone"));
  g_assert_true (nexus_test_state_dir_contains (dir, "marmalade"));

  /* Events of a deleted room still on their way are not kept. */
  add_event (archive, key, NEXUS_EVENT_MESSAGE, 99, "Bob", "after the delete");
  g_clear_object (&rooms);
  rooms = test_archive_list (archive);
  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 1);

  /* Everything. */
  delete_room (archive, NULL);
  g_clear_object (&rooms);
  rooms = test_archive_list (archive);
  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 0);
  g_assert_false (nexus_test_state_dir_contains (dir, "marmalade"));
  g_assert_false (nexus_test_state_dir_contains (dir, "after the delete"));
  g_assert_finalize_object (g_steal_pointer (&archive));

  /* And after reopening. */
  archive = nexus_archive_new (path);
  g_clear_object (&rooms);
  rooms = test_archive_list (archive);
  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&archive));
  test_archive_remove (path);
}

/* Turned off, nothing is written; what was kept stays readable. */
static void
test_disabled (void)
{
  g_autofree char *path = test_archive_path ();
  g_autoptr(NexusArchive) archive = nexus_archive_new (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *kept = record_room (archive, "K7QX3M", "kept before");
  g_autofree char *key = NULL;
  g_autoptr(GListModel) rooms = NULL;
  sqlite3 *db;

  nexus_archive_set_enabled (archive, FALSE);
  g_assert_false (nexus_archive_get_enabled (archive));
  key = record_room (archive, "ABCDEF", "never written");
  nexus_archive_update_event (archive, kept, 4, "changed while off", TRUE, FALSE);
  test_archive_sync (archive);

  rooms = test_archive_list (archive);
  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 1);
  g_assert_nonnull (test_archive_find (rooms, "K7QX3M"));
  g_assert_false (nexus_test_state_dir_contains (dir, "never written"));
  g_assert_false (nexus_test_state_dir_contains (dir, "changed while off"));
  db = db_open (path);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM rooms"), ==, 1);
  sqlite3_close (db);

  g_assert_finalize_object (g_steal_pointer (&archive));
  test_archive_remove (path);
}

static void
check_set_aside (const char *contents,
                 gsize       length,
                 const char *expected)
{
  g_autofree char *path = test_archive_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(NexusArchive) archive = NULL;
  g_autoptr(GListModel) rooms = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autofree char *key = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *aside_contents = NULL;
  gsize aside_length = 0;
  const char *entry;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  archive = nexus_archive_new (path);
  WAIT_UNTIL (nexus_archive_get_problem (archive) != NULL);
  g_test_message ("%s", nexus_archive_get_problem (archive));
  g_assert_nonnull (strstr (nexus_archive_get_problem (archive), expected));
  g_assert_nonnull (strstr (nexus_archive_get_problem (archive), "set aside as"));

  /* The old file is kept as it was, beside a new one that works. */
  listing = g_dir_open (dir, 0, NULL);
  while ((entry = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (entry, NEXUS_ARCHIVE_FILE_NAME ".set-aside-")
        && !g_str_has_suffix (entry, "-wal") && !g_str_has_suffix (entry, "-shm"))
      aside = g_build_filename (dir, entry, NULL);
  g_assert_nonnull (aside);
  g_assert_nonnull (strstr (nexus_archive_get_problem (archive), aside));
  g_assert_true (g_file_get_contents (aside, &aside_contents, &aside_length, NULL));
  g_assert_cmpmem (aside_contents, aside_length, contents, length);

  key = record_room (archive, "K7QX3M", "a fresh start");
  rooms = test_archive_list (archive);
  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 1);

  g_assert_finalize_object (g_steal_pointer (&archive));
  test_archive_remove (path);
}

static void
test_set_aside (void)
{
  g_autofree char *noise = g_malloc (8192);
  g_autofree char *foreign_path = test_archive_path ();
  g_autofree char *foreign = NULL;
  gsize foreign_length;
  sqlite3 *db = NULL;

  /* Not a database at all. */
  for (guint i = 0; i < 8192; i++)
    noise[i] = (char) g_test_rand_int_range (0, 256);
  check_set_aside (noise, 8192, "could not be read, so the file was set aside as");

  /* A database whose first page is damaged. */
  {
    g_autofree char *path = test_archive_path ();
    g_autofree char *damaged = NULL;
    gsize length;

    {
      g_autoptr(NexusArchive) archive = nexus_archive_new (path);
      g_autofree char *key = record_room (archive, "K7QX3M", "soon damaged");

      g_assert_nonnull (key);
      test_archive_sync (archive);
    }
    g_assert_true (g_file_get_contents (path, &damaged, &length, NULL));
    g_assert_cmpuint (length, >, 200);
    memset (damaged + 20, 0xff, 120);
    check_set_aside (damaged, length, "could not be read, so the file was set aside as");
    test_archive_remove (path);
  }

  /* Another program's database. */
  {
    g_autofree char *foreign_dir = g_path_get_dirname (foreign_path);

    g_assert_cmpint (g_mkdir_with_parents (foreign_dir, 0700), ==, 0);
  }
  g_assert_cmpint (sqlite3_open (foreign_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE notes (x); INSERT INTO notes VALUES ('mine');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_get_contents (foreign_path, &foreign, &foreign_length, NULL));
  test_archive_remove (foreign_path);
  check_set_aside (foreign, foreign_length, "is not a Nexus Chat history, so it was set aside as");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/archive/schema", test_schema);
  g_test_add_func ("/archive/record-reopen", test_record_reopen);
  g_test_add_func ("/archive/update-event", test_update_event);
  g_test_add_func ("/archive/search", test_search);
  g_test_add_func ("/archive/export", test_export);
  g_test_add_func ("/archive/delete", test_delete);
  g_test_add_func ("/archive/disabled", test_disabled);
  g_test_add_func ("/archive/set-aside", test_set_aside);
  test_archive_add_recorder_tests ();

  return g_test_run ();
}
