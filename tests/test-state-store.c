/* test-state-store.c: the host's rooms in SQLite — the schema, what goes
 * in and comes back, only hashes of sessions, files that are not ours set
 * aside, one process at a time
 *
 * The server's side (reopening rooms, frames that wait for the disk, a
 * full disk) is in test-state-store-server.c.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "nexus-code.h"
#include "nexus-state-store.h"
#include "nexus-test-state.h"
#include "nexus-test-utils.h"

static void
test_schema (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusStateStore) store = nexus_state_store_open (dir, &error);
  g_autofree char *path = NULL;
  sqlite3 *db;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_null (nexus_state_store_get_set_aside (store));
  g_assert_null (nexus_state_store_get_problem (store));
  g_assert_cmpuint (nexus_test_state_n_offered (store), ==, 0);
  path = g_build_filename (dir, NEXUS_STATE_STORE_FILE_NAME, NULL);
  g_assert_cmpstr (nexus_state_store_get_path (store), ==, path);

  /* Only its owner reads what was said. */
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  db = nexus_test_state_db_open (dir);
  g_assert_cmpint (nexus_test_state_query_int (db, "PRAGMA application_id"), ==, 0x4E584348);
  g_assert_cmpint (nexus_test_state_query_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM sqlite_master "
                                                   "WHERE type = 'table' AND name IN "
                                                   "('rooms', 'events', 'members', 'said')"), ==, 4);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);

  nexus_state_store_close (store);
  nexus_test_state_dir_remove (dir);
}

static void
record_events (NexusStateStore *store,
               const char      *code,
               gint64           first,
               gint64           last,
               gint64           oldest_kept)
{
  for (gint64 seq = first; seq <= last; seq++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"type\":\"message\",\"seq\":%" G_GINT64_FORMAT ",\"ts\":\"x\","
                         "\"name\":\"Ada\",\"text\":\"n%" G_GINT64_FORMAT "\",\"id\":\"a%"
                         G_GINT64_FORMAT "\"}", seq, seq, seq);

      nexus_state_store_record_event (store, code, seq, 0, 1000 + seq, "Ada", json, strlen (json),
                                      oldest_kept);
    }
}

/* Everything recorded comes back after a close, as a later process reads
 * it: rooms, events within what the history keeps, members in order of
 * joining with their say ids, the title shown nearby; what ended is gone. */
static void
test_round_trip (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusStateStore) store = nexus_state_store_open (dir, &error);
  g_autofree char *ada = nexus_token_hash ("ada-session");
  g_autofree char *bob = nexus_token_hash ("bob-session");
  g_autofree char *cyd = nexus_token_hash ("cyd-session");
  g_autoptr(NexusStoredRoom) room = NULL;
  g_autoptr(GPtrArray) rooms = NULL;
  NexusStoredRoomInfo *info;
  NexusStoredMember *member;
  guint64 committed = 0;

  g_assert_no_error (error);
  g_signal_connect_swapped (store, "committed", G_CALLBACK (nexus_test_state_store_epoch), &committed);

  nexus_state_store_record_room (store, "K7QX3M", 111, 47474);
  nexus_state_store_record_member (store, "K7QX3M", ada, "Ada", 1);
  record_events (store, "K7QX3M", 1, 3, 1);
  nexus_state_store_record_member (store, "K7QX3M", bob, "Bob", 2);
  nexus_state_store_record_member (store, "K7QX3M", cyd, "Cyd", 3);
  nexus_state_store_record_said (store, "K7QX3M", bob, "b1", 2, 1002, 0);
  nexus_state_store_record_said (store, "K7QX3M", bob, "b2", 3, 1003, 0);
  nexus_state_store_record_nearby (store, "K7QX3M", "ABCDEF", "Friday lunch");
  /* A second room, made and ended: nothing of it stays. */
  nexus_state_store_record_room (store, "222222", 5, 47474);
  nexus_state_store_record_member (store, "222222", ada, "Ada", 1);
  record_events (store, "222222", 1, 2, 1);
  WAIT_UNTIL (committed > 0);

  /* Later turns: the history lets its first two events go, Bob's dedupe
   * its oldest id, Cyd leaves, the second room ends. */
  record_events (store, "K7QX3M", 4, 6, 3);
  nexus_state_store_record_said (store, "K7QX3M", bob, "b6", 6, 1006, 3);
  nexus_state_store_record_member_gone (store, "K7QX3M", cyd);
  nexus_state_store_record_room_gone (store, "222222");
  nexus_state_store_close (store);
  g_clear_object (&store);

  store = nexus_state_store_open (dir, &error);
  g_assert_no_error (error);
  rooms = nexus_state_store_list_rooms (store);
  g_assert_cmpuint (rooms->len, ==, 1);
  info = g_ptr_array_index (rooms, 0);
  g_assert_cmpstr (info->code, ==, "K7QX3M");
  g_assert_cmpstr (info->title, ==, "Friday lunch");
  g_assert_cmpuint (info->n_members, ==, 2);
  g_assert_cmpint (info->created, ==, 111);
  g_assert_cmpint (info->last_activity, ==, 1006);
  g_assert_cmpuint (info->port, ==, 47474);
  g_assert_cmpuint (nexus_state_store_get_port (store), ==, 47474);
  g_assert_true (nexus_state_store_has_room (store, "K7QX3M"));
  g_assert_false (nexus_state_store_has_room (store, "222222"));

  room = nexus_state_store_take_room (store, "K7QX3M");
  g_assert_nonnull (room);
  g_assert_false (nexus_state_store_has_room (store, "K7QX3M"));
  g_assert_cmpint (room->last_seq, ==, 6);
  g_assert_cmpstr (room->nearby_code, ==, "ABCDEF");
  g_assert_cmpuint (room->events->len, ==, 4);
  for (guint i = 0; i < room->events->len; i++)
    {
      NexusStoredEvent *event = g_ptr_array_index (room->events, i);
      g_autofree char *text = g_strdup_printf ("\"text\":\"n%u\"", i + 3);

      g_assert_cmpint (event->seq, ==, i + 3);
      g_assert_cmpint (event->ts, ==, 1000 + i + 3);
      g_assert_cmpuint (event->json_length, ==, strlen (event->json));
      g_assert_nonnull (strstr (event->json, text));
    }
  g_assert_cmpuint (room->members->len, ==, 2);
  member = g_ptr_array_index (room->members, 0);
  g_assert_cmpstr (member->name, ==, "Ada");
  g_assert_cmpstr (member->session_hash, ==, ada);
  g_assert_cmpuint (member->said->len, ==, 0);
  member = g_ptr_array_index (room->members, 1);
  g_assert_cmpstr (member->name, ==, "Bob");
  g_assert_cmpint (member->order, ==, 2);
  g_assert_cmpuint (member->said->len, ==, 2);
  g_assert_cmpstr (((NexusStoredSaid *) member->said->pdata[0])->id, ==, "b2");
  g_assert_cmpint (((NexusStoredSaid *) member->said->pdata[0])->seq, ==, 3);
  g_assert_cmpint (((NexusStoredSaid *) member->said->pdata[0])->ts, ==, 1003);
  g_assert_cmpstr (((NexusStoredSaid *) member->said->pdata[1])->id, ==, "b6");

  /* A room taken to be reopened keeps its rows; one discarded does not. */
  nexus_state_store_close (store);
  g_clear_object (&store);
  store = nexus_state_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (nexus_state_store_has_room (store, "K7QX3M"));
  g_assert_true (nexus_state_store_discard_room (store, "K7QX3M"));
  g_assert_false (nexus_state_store_discard_room (store, "K7QX3M"));
  nexus_state_store_close (store);
  g_clear_object (&store);
  store = nexus_state_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nexus_test_state_n_offered (store), ==, 0);

  nexus_state_store_close (store);
  nexus_test_state_dir_remove (dir);
}

/* The window opens the store without waiting for the disk. */
static void
test_open_async (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusStateStore) store = NULL;
  g_autoptr(GPtrArray) rooms = NULL;
  g_autofree char *hash = nexus_token_hash ("s");

  store = nexus_state_store_open (dir, &error);
  nexus_state_store_record_room (store, "K7QX3M", 1, 5000);
  nexus_state_store_record_member (store, "K7QX3M", hash, "Ada", 1);
  record_events (store, "K7QX3M", 1, 1, 1);
  nexus_state_store_close (store);
  g_clear_object (&store);

  nexus_state_store_open_async (dir, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  store = nexus_state_store_open_finish (result, &error);
  g_assert_no_error (error);
  rooms = nexus_state_store_list_rooms (store);
  g_assert_cmpuint (rooms->len, ==, 1);
  g_assert_cmpuint (((NexusStoredRoomInfo *) rooms->pdata[0])->port, ==, 5000);
  /* It records like any store, and reports on this thread's loop. */
  {
    guint64 committed = 0;

    g_signal_connect_swapped (store, "committed", G_CALLBACK (nexus_test_state_store_epoch),
                              &committed);
    nexus_state_store_discard_all (store);
    WAIT_UNTIL (committed > 0);
  }
  nexus_state_store_close (store);
  nexus_test_state_dir_remove (dir);
}

/* Two processes never share a database: the second is told who has it. */
static void
test_one_process_at_a_time (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusStateStore) first = nexus_state_store_open (dir, &error);
  g_autoptr(NexusStateStore) second = NULL;

  g_assert_no_error (error);
  second = nexus_state_store_open (dir, &error);
  g_assert_null (second);
  g_assert_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, dir));
  g_clear_error (&error);

  /* Closing lets it go. */
  nexus_state_store_close (first);
  second = nexus_state_store_open (dir, &error);
  g_assert_no_error (error);
  nexus_state_store_close (second);
  nexus_test_state_dir_remove (dir);
}

/* A file set aside keeps its bytes under a name with the time; the new
 * database works. */
static void
assert_set_aside (const char *dir,
                  const char *contents,
                  gsize       length,
                  const char *sentence_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusStateStore) store = nexus_state_store_open (dir, &error);
  g_autoptr(GDir) listing = NULL;
  g_autofree char *hash = nexus_token_hash ("s");
  const char *name;
  guint found = 0;

  g_assert_no_error (error);
  g_assert_nonnull (nexus_state_store_get_set_aside (store));
  g_test_message ("set aside: %s", nexus_state_store_get_set_aside (store));
  g_assert_nonnull (strstr (nexus_state_store_get_set_aside (store), sentence_part));
  g_assert_cmpuint (nexus_test_state_n_offered (store), ==, 0);

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, NEXUS_STATE_STORE_FILE_NAME ".set-aside-")
        && !g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *kept = NULL;
        gsize kept_length;

        g_assert_true (g_file_get_contents (path, &kept, &kept_length, NULL));
        if (contents != NULL)
          g_assert_cmpmem (kept, kept_length, contents, length);
        g_assert_nonnull (strstr (nexus_state_store_get_set_aside (store), name));
        found++;
      }
  g_assert_cmpuint (found, ==, 1);

  nexus_state_store_record_room (store, "K7QX3M", 1, 1);
  nexus_state_store_record_member (store, "K7QX3M", hash, "Ada", 1);
  record_events (store, "K7QX3M", 1, 1, 1);
  nexus_state_store_close (store);
  g_clear_object (&store);
  store = nexus_state_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_null (nexus_state_store_get_set_aside (store));
  g_assert_true (nexus_state_store_has_room (store, "K7QX3M"));
  nexus_state_store_close (store);
}

static void
test_corrupt_set_aside (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autofree char *path = g_build_filename (dir, NEXUS_STATE_STORE_FILE_NAME, NULL);
  g_autofree char *garbage = g_malloc (8192);

  /* Not a database at all. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < 8192; i++)
    garbage[i] = (char) (i * 7 + 3);
  g_assert_true (g_file_set_contents (path, garbage, 8192, NULL));
  assert_set_aside (dir, garbage, 8192, "could not be read");
  nexus_test_state_dir_remove (dir);

  /* Our database with its pages trampled after the header. */
  dir = (g_free (dir), nexus_test_state_dir ());
  g_free (path);
  path = g_build_filename (dir, NEXUS_STATE_STORE_FILE_NAME, NULL);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NexusStateStore) store = nexus_state_store_open (dir, &error);
    g_autofree char *hash = nexus_token_hash ("s");
    g_autofree char *bytes = NULL;
    gsize length;

    nexus_state_store_record_room (store, "K7QX3M", 1, 1);
    nexus_state_store_record_member (store, "K7QX3M", hash, "Ada", 1);
    record_events (store, "K7QX3M", 1, 50, 1);
    nexus_state_store_close (store);
    g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
    g_assert_cmpuint (length, >, 4096);
    memset (bytes + 100, 0x5a, length - 100);
    g_assert_true (g_file_set_contents (path, bytes, (gssize) length, NULL));
  }
  assert_set_aside (dir, NULL, 0, "could not be read");
  nexus_test_state_dir_remove (dir);
}

static void
test_foreign_set_aside (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autofree char *path = g_build_filename (dir, NEXUS_STATE_STORE_FILE_NAME, NULL);
  sqlite3 *db = NULL;

  /* Someone else's database under our name. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE recipes (name TEXT); "
                                     "INSERT INTO recipes VALUES ('soup')", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  assert_set_aside (dir, NULL, 0, "not a Nexus Chat database");
  nexus_test_state_dir_remove (dir);

  /* Ours, from a newer version. */
  dir = (g_free (dir), nexus_test_state_dir ());
  g_free (path);
  path = g_build_filename (dir, NEXUS_STATE_STORE_FILE_NAME, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA application_id = 1314407240; "
                                     "PRAGMA user_version = 99; CREATE TABLE rooms (x)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_set_aside (dir, NULL, 0, "newer version");
  nexus_test_state_dir_remove (dir);

  /* Ours by its ids, but with tables of its own. */
  dir = (g_free (dir), nexus_test_state_dir ());
  g_free (path);
  path = g_build_filename (dir, NEXUS_STATE_STORE_FILE_NAME, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA application_id = 1314407240; "
                                     "PRAGMA user_version = 1; CREATE TABLE rooms (x)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_set_aside (dir, NULL, 0, "could not be read");
  nexus_test_state_dir_remove (dir);
}

/* Rows that do not hang together are never offered, and go. */
static void
test_invalid_rooms_dropped (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusStateStore) store = nexus_state_store_open (dir, &error);
  g_autofree char *hash = nexus_token_hash ("s");
  const char *codes[] = { "222222", "333333", "444444", "555555", "666666" };
  sqlite3 *db;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      nexus_state_store_record_room (store, codes[i], 1, 1);
      nexus_state_store_record_member (store, codes[i], hash, "Ada", 1);
      record_events (store, codes[i], 1, 3, 1);
    }
  nexus_state_store_close (store);
  g_clear_object (&store);

  db = nexus_test_state_db_open (dir);
  /* A gap in the seqs; a frame that claims another seq; a name the
   * protocol refuses; a hash that is a token; 555555 stays as it was. */
  g_assert_cmpint (sqlite3_exec (db,
                                 "DELETE FROM events WHERE room = '222222' AND seq = 2;"
                                 "UPDATE events SET json = '{\"type\":\"message\",\"seq\":9}' "
                                 "  WHERE room = '333333' AND seq = 3;"
                                 "UPDATE members SET name = '   ' WHERE room = '444444';"
                                 "UPDATE members SET session_hash = 'abc' WHERE room = '666666';",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = nexus_state_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nexus_test_state_n_offered (store), ==, 1);
  g_assert_true (nexus_state_store_has_room (store, "555555"));
  nexus_state_store_close (store);

  db = nexus_test_state_db_open (dir);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM rooms"), ==, 1);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(DISTINCT room) FROM events"), ==, 1);
  g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM members"), ==, 1);
  sqlite3_close (db);
  nexus_test_state_dir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/state-store/schema", test_schema);
  g_test_add_func ("/state-store/round-trip", test_round_trip);
  g_test_add_func ("/state-store/open-async", test_open_async);
  g_test_add_func ("/state-store/one-process-at-a-time", test_one_process_at_a_time);
  g_test_add_func ("/state-store/corrupt-set-aside", test_corrupt_set_aside);
  g_test_add_func ("/state-store/foreign-set-aside", test_foreign_set_aside);
  g_test_add_func ("/state-store/invalid-rooms-dropped", test_invalid_rooms_dropped);
  nexus_test_state_add_server_tests ();

  return g_test_run ();
}
