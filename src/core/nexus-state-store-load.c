/* nexus-state-store-load.c: the host's database made or read at start
 *
 * A file that is not a database, a database of something else, or one a
 * newer Nexus Chat made is never read further nor changed: the caller
 * sets it aside and starts a new one. A room whose rows do not hang
 * together (seqs with a gap, a frame that is not the event it claims to
 * be, a name the protocol refuses) is not offered and is deleted: the
 * server never sends anything it would not have made itself.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-code.h"
#include "nexus-json.h"
#include "nexus-protocol.h"
#include "nexus-sqlite.h"
#include "nexus-state-store-private.h"

static const char schema_sql[] =
  "CREATE TABLE rooms ("
  "  code          TEXT PRIMARY KEY,"
  "  created       INTEGER NOT NULL,"   /* µs since the epoch */
  "  port          INTEGER NOT NULL,"
  "  last_seq      INTEGER NOT NULL,"
  "  last_activity INTEGER NOT NULL,"   /* the newest event's time */
  "  nearby_code   TEXT,"
  "  title         TEXT"
  ") WITHOUT ROWID;"
  "CREATE TABLE events ("
  "  room  TEXT NOT NULL,"
  "  seq   INTEGER NOT NULL,"
  "  type  INTEGER NOT NULL,"           /* 0 message, 1 joined, 2 left, 3 edited, 4 deleted, 5 reacted */
  "  ts    INTEGER NOT NULL,"
  "  name  TEXT NOT NULL,"
  "  json  TEXT NOT NULL,"              /* the frame as the server sent it */
  "  PRIMARY KEY (room, seq)"
  ") WITHOUT ROWID;"
  "CREATE TABLE members ("
  "  room         TEXT NOT NULL,"
  "  session_hash TEXT NOT NULL,"       /* SHA-256 of the session: never the session */
  "  name         TEXT NOT NULL,"
  "  joined       INTEGER NOT NULL,"    /* order of joining */
  "  PRIMARY KEY (room, session_hash)"
  ") WITHOUT ROWID;"
  "CREATE TABLE said ("
  "  room         TEXT NOT NULL,"
  "  session_hash TEXT NOT NULL,"
  "  seq          INTEGER NOT NULL,"
  "  id           TEXT NOT NULL,"
  "  ts           INTEGER NOT NULL,"
  "  PRIMARY KEY (room, session_hash, seq)"
  ") WITHOUT ROWID;";

static void
set_sqlite_error (GError  **error,
                  sqlite3  *db,
                  int       rc)
{
  g_set_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_FAILED, "%s",
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/**
 * _nexus_state_db_prepare:
 *
 * Checks that @db is ours, or empty and then makes it ours, and sets it
 * up for the writer: WAL, synchronous=NORMAL.
 *
 * Returns: NEXUS_STATE_DB_OK, or why the file must be set aside
 *   (NEXUS_STATE_DB_FAILED with @error for anything else)
 */
NexusStateDbVerdict
_nexus_state_db_prepare (sqlite3  *db,
                         GError  **error)
{
  gint64 application_id = 0;
  gint64 version = 0;
  gint64 n_objects = 0;
  int rc;

  /* A file that is not a database fails on its first read. */
  if ((rc = nexus_sqlite_query_int (db, "PRAGMA application_id", &application_id)) != SQLITE_OK
      || (rc = nexus_sqlite_query_int (db, "PRAGMA user_version", &version)) != SQLITE_OK
      || (rc = nexus_sqlite_query_int (db, "SELECT count(*) FROM sqlite_master", &n_objects)) != SQLITE_OK)
    {
      if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return NEXUS_STATE_DB_UNREADABLE;
      set_sqlite_error (error, db, rc);
      return NEXUS_STATE_DB_FAILED;
    }

  if (application_id == 0 && version == 0 && n_objects == 0)
    {
      g_autofree char *ids = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                                              NEXUS_STATE_STORE_APPLICATION_ID,
                                              NEXUS_STATE_STORE_SCHEMA_VERSION);

      if (!_nexus_state_exec (db, "BEGIN", error)
          || !_nexus_state_exec (db, schema_sql, error)
          || !_nexus_state_exec (db, ids, error)
          || !_nexus_state_exec (db, "COMMIT", error))
        return NEXUS_STATE_DB_FAILED;
    }
  else if (application_id != NEXUS_STATE_STORE_APPLICATION_ID)
    return NEXUS_STATE_DB_FOREIGN;
  else if (version != NEXUS_STATE_STORE_SCHEMA_VERSION)
    return NEXUS_STATE_DB_NEWER;

  /* WAL: a commit is one append, readers never wait, and a crash at any
   * moment leaves the last commit whole. NORMAL: no fsync per commit,
   * which a crash of the process does not need (see the writer).
   * secure_delete: what a deleted message said is overwritten where it
   * lay, not left in the file's free space (FAST: at no cost in I/O). */
  rc = sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                         "PRAGMA journal_size_limit = 4194304; PRAGMA secure_delete = FAST",
                     NULL, NULL, NULL);
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
    return NEXUS_STATE_DB_UNREADABLE;
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc);
      return NEXUS_STATE_DB_FAILED;
    }
  sqlite3_busy_timeout (db, 2000);
  return NEXUS_STATE_DB_OK;
}

/* Loading */

static void
stored_event_free (NexusStoredEvent *event)
{
  g_free (event->json);
  g_free (event);
}

static void
stored_member_free (NexusStoredMember *member)
{
  g_free (member->name);
  g_free (member->session_hash);
  g_ptr_array_unref (member->said);
  g_free (member);
}

static void
stored_said_free (NexusStoredSaid *said)
{
  g_free (said->id);
  g_free (said);
}

void
nexus_stored_room_free (NexusStoredRoom *room)
{
  if (room == NULL)
    return;
  g_free (room->info.code);
  g_free (room->info.title);
  g_free (room->nearby_code);
  g_ptr_array_unref (room->events);
  g_ptr_array_unref (room->members);
  g_free (room);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static gboolean
hash_is_valid (const char *hash)
{
  if (hash == NULL || strlen (hash) != NEXUS_TOKEN_HASH_LENGTH)
    return FALSE;
  for (const char *p = hash; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* The frame says what its row says: an event of @seq, valid JSON. */
static gboolean
event_is_valid (NexusStoredEvent *event)
{
  static const char * const names[] = { "seq" };
  NexusJsonMember members[G_N_ELEMENTS (names)] = { { 0, }, };
  gboolean valid;

  if (event->type < 0 || event->type > 5
      || !g_utf8_validate (event->json, (gssize) event->json_length, NULL)
      || !nexus_json_check (event->json, event->json_length, FALSE)
      || !nexus_json_scan_object (event->json, event->json_length, names, G_N_ELEMENTS (names),
                                  members))
    return FALSE;
  valid = members[0].kind == NEXUS_JSON_INT && members[0].integer == event->seq;
  nexus_json_members_clear (members, G_N_ELEMENTS (members));
  return valid;
}

static gboolean
room_is_valid (NexusStoredRoom *room)
{
  g_autofree char *normal = nexus_code_normalize (room->info.code);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (g_strcmp0 (normal, room->info.code) != 0 || room->info.port > 65535
      || room->events->len == 0 || room->members->len == 0)
    return FALSE;
  if ((room->nearby_code == NULL) != (room->info.title == NULL))
    return FALSE;
  for (guint i = 0; i < room->events->len; i++)
    {
      NexusStoredEvent *event = g_ptr_array_index (room->events, i);

      if (!event_is_valid (event))
        return FALSE;
      if (i > 0 && event->seq != ((NexusStoredEvent *) room->events->pdata[i - 1])->seq + 1)
        return FALSE;
    }
  if (((NexusStoredEvent *) g_ptr_array_index (room->events, room->events->len - 1))->seq
      != room->last_seq)
    return FALSE;
  for (guint i = 0; i < room->members->len; i++)
    {
      NexusStoredMember *member = g_ptr_array_index (room->members, i);

      if (!nexus_name_is_valid (member->name) || !hash_is_valid (member->session_hash)
          || !g_hash_table_add (names, nexus_name_key (member->name)))
        return FALSE;
      for (guint j = 0; j < member->said->len; j++)
        {
          NexusStoredSaid *said = g_ptr_array_index (member->said, j);

          if (!nexus_id_is_valid (said->id) || said->seq < 1 || said->seq > room->last_seq)
            return FALSE;
        }
    }
  return TRUE;
}

static int
load_rooms (sqlite3    *db,
            GHashTable *rooms)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT code, created, port, last_seq, last_activity, "
                                   "nearby_code, title FROM rooms", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      NexusStoredRoom *room = g_new0 (NexusStoredRoom, 1);

      room->info.code = column_text (stmt, 0);
      room->info.created = sqlite3_column_int64 (stmt, 1);
      room->info.port = (guint) CLAMP (sqlite3_column_int64 (stmt, 2), 0, G_MAXUINT);
      room->last_seq = sqlite3_column_int64 (stmt, 3);
      room->info.last_activity = sqlite3_column_int64 (stmt, 4);
      room->nearby_code = column_text (stmt, 5);
      room->info.title = column_text (stmt, 6);
      room->events = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_event_free);
      room->members = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_member_free);
      rc = SQLITE_OK;
      if (room->info.code == NULL)
        nexus_stored_room_free (room);
      else
        g_hash_table_replace (rooms, room->info.code, room);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
load_events (sqlite3    *db,
             GHashTable *rooms)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT room, seq, type, ts, json FROM events "
                                   "ORDER BY room, seq", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      NexusStoredRoom *room = g_hash_table_lookup (rooms, sqlite3_column_text (stmt, 0));
      NexusStoredEvent *event;

      rc = SQLITE_OK;
      if (room == NULL || sqlite3_column_type (stmt, 4) != SQLITE_TEXT)
        continue;
      event = g_new0 (NexusStoredEvent, 1);
      event->seq = sqlite3_column_int64 (stmt, 1);
      event->type = sqlite3_column_int (stmt, 2);
      event->ts = sqlite3_column_int64 (stmt, 3);
      event->json_length = (gsize) sqlite3_column_bytes (stmt, 4);
      event->json = g_strndup ((const char *) sqlite3_column_text (stmt, 4), event->json_length);
      g_ptr_array_add (room->events, event);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
load_members (sqlite3    *db,
              GHashTable *rooms,
              GHashTable *members)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT room, session_hash, name, joined FROM members "
                                   "ORDER BY room, joined", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);
      NexusStoredRoom *room = g_hash_table_lookup (rooms, code);
      NexusStoredMember *member;

      rc = SQLITE_OK;
      if (room == NULL || sqlite3_column_text (stmt, 1) == NULL
          || sqlite3_column_text (stmt, 2) == NULL)
        continue;
      member = g_new0 (NexusStoredMember, 1);
      member->session_hash = column_text (stmt, 1);
      member->name = column_text (stmt, 2);
      member->order = sqlite3_column_int64 (stmt, 3);
      member->said = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_said_free);
      g_ptr_array_add (room->members, member);
      g_hash_table_insert (members, g_strconcat (code, "\n", member->session_hash, NULL), member);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
load_said (sqlite3    *db,
           GHashTable *members)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT room, session_hash, seq, id, ts FROM said "
                                   "ORDER BY room, session_hash, seq", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *key = g_strconcat ((const char *) sqlite3_column_text (stmt, 0), "\n",
                                          (const char *) sqlite3_column_text (stmt, 1), NULL);
      NexusStoredMember *member = g_hash_table_lookup (members, key);
      NexusStoredSaid *said;

      rc = SQLITE_OK;
      if (member == NULL || sqlite3_column_text (stmt, 3) == NULL)
        continue;
      said = g_new0 (NexusStoredSaid, 1);
      said->seq = sqlite3_column_int64 (stmt, 2);
      said->id = column_text (stmt, 3);
      said->ts = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (member->said, said);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
delete_room_now (sqlite3    *db,
                 const char *code)
{
  static const char * const sql[] = {
    "DELETE FROM rooms WHERE code = ?1",
    "DELETE FROM events WHERE room = ?1",
    "DELETE FROM members WHERE room = ?1",
    "DELETE FROM said WHERE room = ?1",
  };
  int rc = SQLITE_OK;

  for (guint i = 0; i < G_N_ELEMENTS (sql) && rc == SQLITE_OK; i++)
    {
      sqlite3_stmt *stmt = NULL;

      rc = sqlite3_prepare_v2 (db, sql[i], -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
          rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
        }
      sqlite3_finalize (stmt);
    }
  return rc;
}

/**
 * _nexus_state_db_load:
 * @rooms: code → NexusStoredRoom, filled
 *
 * Reads every room; those whose rows do not hang together are deleted.
 *
 * Returns: NEXUS_STATE_DB_OK, NEXUS_STATE_DB_UNREADABLE when the file
 *   turned out corrupt, or NEXUS_STATE_DB_FAILED with @error
 */
NexusStateDbVerdict
_nexus_state_db_load (sqlite3     *db,
                      GHashTable  *rooms,
                      GError     **error)
{
  g_autoptr(GHashTable) members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) invalid = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;
  int rc;

  if ((rc = load_rooms (db, rooms)) != SQLITE_OK
      || (rc = load_events (db, rooms)) != SQLITE_OK
      || (rc = load_members (db, rooms, members)) != SQLITE_OK
      || (rc = load_said (db, members)) != SQLITE_OK)
    goto failed;

  g_hash_table_iter_init (&iter, rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NexusStoredRoom *room = value;

      room->info.n_members = room->members->len;
      if (!room_is_valid (room))
        {
          g_ptr_array_add (invalid, g_strdup (room->info.code));
          g_hash_table_iter_remove (&iter);
        }
    }
  for (guint i = 0; i < invalid->len; i++)
    {
      g_message ("Room %s in the saved rooms does not hang together; it is deleted",
                 (const char *) invalid->pdata[i]);
      if ((rc = delete_room_now (db, invalid->pdata[i])) != SQLITE_OK)
        goto failed;
    }
  return NEXUS_STATE_DB_OK;

failed:
  g_hash_table_remove_all (rooms);
  /* SQLITE_ERROR here is a table or column that is not there. */
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || rc == SQLITE_ERROR || rc == SQLITE_MISMATCH)
    return NEXUS_STATE_DB_UNREADABLE;
  set_sqlite_error (error, db, rc);
  return NEXUS_STATE_DB_FAILED;
}
