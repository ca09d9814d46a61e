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

void
test_archive_add_event (NexusArchive   *archive,
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
char *
test_archive_record_room (NexusArchive *archive,
                          const char   *code,
                          const char   *bob_says)
{
  char *key = nexus_archive_room_key (code, "127.0.0.1", 47474);
  static const char * const people[] = { "Ada", "Bob", NULL };

  nexus_archive_begin_room (archive, key, code, "127.0.0.1", 47474, "Ada", TRUE);
  nexus_archive_set_people (archive, key, people);
  test_archive_add_event (archive, key, NEXUS_EVENT_JOINED, 1, "Ada", NULL);
  test_archive_add_event (archive, key, NEXUS_EVENT_JOINED, 2, "Bob", NULL);
  test_archive_add_event (archive, key, NEXUS_EVENT_MESSAGE, 3, "Ada", "Hello Bob");
  test_archive_add_event (archive, key, NEXUS_EVENT_MESSAGE, 4, "Bob", bob_says);
  add_file (archive, key, 5, "Bob", "slides.pdf", 2400000, "application/pdf");
  test_archive_add_event (archive, key, NEXUS_EVENT_LEFT, 6, "Bob", NULL);
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
  key = test_archive_record_room (archive, "K7QX3M", "Hi Ada, see the slides");
  /* A room where nothing was said is kept but not listed. */
  other = nexus_archive_room_key ("ABCDEF", "192.168.1.20", 47475);
  nexus_archive_begin_room (archive, other, "ABCDEF", "192.168.1.20", 47475, "Ada", FALSE);
  test_archive_add_event (archive, other, NEXUS_EVENT_JOINED, 9, "Ada", NULL);
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
  test_archive_add_event (archive, key, NEXUS_EVENT_MESSAGE, 3, "Ada", "Hello Bob");
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
  g_autofree char *key = test_archive_record_room (archive, "K7QX3M", "the first version");
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
  g_autofree char *key = test_archive_record_room (archive, "K7QX3M", "Lunch at noon?");
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
    test_archive_add_event (archive, key2, NEXUS_EVENT_MESSAGE, 10 + i, "Cy", texts[i]);

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
  g_autofree char *key = test_archive_record_room (archive, "K7QX3M", "the secret word is xylophone");
  g_autofree char *key2 = test_archive_record_room (archive, "ABCDEF", "the password is marmalade");
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
  test_archive_add_event (archive, key, NEXUS_EVENT_MESSAGE, 99, "Bob", "after the delete");
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
  g_autofree char *kept = test_archive_record_room (archive, "K7QX3M", "kept before");
  g_autofree char *key = NULL;
  g_autoptr(GListModel) rooms = NULL;
  sqlite3 *db;

  nexus_archive_set_enabled (archive, FALSE);
  g_assert_false (nexus_archive_get_enabled (archive));
  key = test_archive_record_room (archive, "ABCDEF", "never written");
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

  key = test_archive_record_room (archive, "K7QX3M", "a fresh start");
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
      g_autofree char *key = test_archive_record_room (archive, "K7QX3M", "soon damaged");

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
  g_test_add_func ("/archive/export", test_archive_export);
  g_test_add_func ("/archive/delete", test_delete);
  g_test_add_func ("/archive/disabled", test_disabled);
  g_test_add_func ("/archive/set-aside", test_set_aside);
  test_archive_add_recorder_tests ();

  return g_test_run ();
}
