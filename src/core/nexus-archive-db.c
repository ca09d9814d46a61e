/* nexus-archive-db.c: the archive's database, used by its thread only
 *
 * One SQLite file in WAL mode: the rooms, and each event a room showed
 * this app, named by (room, seq) so that a later change to the event
 * (an edit, a delete) finds its row. Searching uses an FTS5 index with
 * the trigram tokenizer (substrings, case folded across Unicode) where
 * SQLite has it, else LIKE over case-folded text; queries shorter than a
 * trigram take the LIKE path too. Deleted rows are overwritten
 * (secure_delete) and the WAL is truncated after a delete, so deleting
 * history leaves no copy of it in the files.
 *
 * A file that is not a database, another program's database or one of a
 * newer version is never changed: it is renamed aside with the time and
 * a new one is started, with a sentence saying so.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "nexus-archive-private.h"
#include "nexus-sqlite.h"
#include "nexus-code.h"

static const char schema_sql[] =
  "CREATE TABLE rooms ("
  "  key          TEXT PRIMARY KEY,"     /* CODE@HOST:PORT */
  "  code         TEXT NOT NULL,"
  "  host         TEXT NOT NULL,"
  "  port         INTEGER NOT NULL,"
  "  title        TEXT,"
  "  own_name     TEXT NOT NULL,"
  "  hosted       INTEGER NOT NULL,"
  "  started      INTEGER NOT NULL,"     /* µs since the epoch */
  "  last_active  INTEGER NOT NULL,"     /* the newest event's time */
  "  ended        INTEGER NOT NULL DEFAULT 0,"
  "  people       TEXT NOT NULL DEFAULT ''"   /* names, one a line */
  ") WITHOUT ROWID;"
  "CREATE TABLE events ("
  "  id           INTEGER PRIMARY KEY,"  /* the search index's rowid */
  "  room         TEXT NOT NULL,"
  "  seq          INTEGER NOT NULL,"
  "  kind         TEXT NOT NULL,"        /* message, joined, left */
  "  ts           INTEGER NOT NULL,"
  "  name         TEXT NOT NULL,"
  "  text         TEXT NOT NULL,"
  "  file_name    TEXT,"
  "  file_size    INTEGER,"
  "  file_type    TEXT,"
  "  edited       INTEGER NOT NULL DEFAULT 0,"
  "  deleted      INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (room, seq)"
  ");";

static const char fts_sql[] =
  "CREATE VIRTUAL TABLE events_fts USING fts5 ("
  "  text, file_name, content='events', content_rowid='id', tokenize='trigram');"
  "CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN"
  "  INSERT INTO events_fts (rowid, text, file_name) VALUES (new.id, new.text, new.file_name);"
  "END;"
  "CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN"
  "  INSERT INTO events_fts (events_fts, rowid, text, file_name)"
  "    VALUES ('delete', old.id, old.text, old.file_name);"
  "END;"
  "CREATE TRIGGER events_fts_update AFTER UPDATE ON events BEGIN"
  "  INSERT INTO events_fts (events_fts, rowid, text, file_name)"
  "    VALUES ('delete', old.id, old.text, old.file_name);"
  "  INSERT INTO events_fts (rowid, text, file_name) VALUES (new.id, new.text, new.file_name);"
  "END;";

typedef enum {
  STMT_BEGIN_ROOM,
  STMT_TITLE,
  STMT_PEOPLE,
  STMT_EVENT,
  STMT_TOUCH,
  STMT_UPDATE_EVENT,
  STMT_END_ROOM,
  STMT_DELETE_EVENTS,
  STMT_DELETE_ROOM,
  STMT_DELETE_ALL_EVENTS,
  STMT_DELETE_ALL_ROOMS,
  N_STMTS
} Stmt;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN_ROOM] =
    "INSERT INTO rooms (key, code, host, port, own_name, hosted, started, last_active) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
    "ON CONFLICT (key) DO UPDATE SET own_name = excluded.own_name, "
    "  hosted = MAX (hosted, excluded.hosted), ended = 0",
  [STMT_TITLE] = "UPDATE rooms SET title = ?2 WHERE key = ?1",
  [STMT_PEOPLE] = "UPDATE rooms SET people = ?2 WHERE key = ?1",
  /* Only into a room that is there: one deleted meanwhile stays deleted. */
  [STMT_EVENT] =
    "INSERT OR IGNORE INTO events "
    "  (room, seq, kind, ts, name, text, file_name, file_size, file_type, edited, deleted) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 "
    "WHERE EXISTS (SELECT 1 FROM rooms WHERE key = ?1)",
  [STMT_TOUCH] = "UPDATE rooms SET last_active = MAX (last_active, ?2) WHERE key = ?1",
  [STMT_UPDATE_EVENT] =
    "UPDATE events SET text = ?3, edited = ?4, deleted = ?5, "
    "  file_name = CASE WHEN ?5 THEN NULL ELSE file_name END, "
    "  file_size = CASE WHEN ?5 THEN NULL ELSE file_size END, "
    "  file_type = CASE WHEN ?5 THEN NULL ELSE file_type END "
    "WHERE room = ?1 AND seq = ?2",
  [STMT_END_ROOM] = "UPDATE rooms SET ended = ?2 WHERE key = ?1",
  [STMT_DELETE_EVENTS] = "DELETE FROM events WHERE room = ?1",
  [STMT_DELETE_ROOM] = "DELETE FROM rooms WHERE key = ?1",
  [STMT_DELETE_ALL_EVENTS] = "DELETE FROM events",
  [STMT_DELETE_ALL_ROOMS] = "DELETE FROM rooms",
};

struct _NexusArchiveDb
{
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  gboolean      fts;
  gboolean      deleted;   /* this transaction deleted: truncate the WAL after it */
};

typedef enum {
  VERDICT_OK,
  VERDICT_UNREADABLE,   /* not a database, or a corrupt one */
  VERDICT_FOREIGN,      /* a database of something else */
  VERDICT_NEWER,        /* ours, from a newer version */
  VERDICT_FAILED,       /* anything else: an error */
} Verdict;

static const char * const kind_names[] = {
  [NEXUS_EVENT_MESSAGE] = "message",
  [NEXUS_EVENT_JOINED] = "joined",
  [NEXUS_EVENT_LEFT] = "left",
};

static NexusEventKind
kind_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (name, kind_names[i]) == 0)
      return (NexusEventKind) i;
  return NEXUS_EVENT_MESSAGE;
}

static void
set_error (GError     **error,
           sqlite3     *db,
           int          rc)
{
  g_set_error (error, NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_FAILED, "%s",
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

/* Case folded, so that LIKE (which folds ASCII only) matches "Ä" with "ä". */
static void
fold_function (sqlite3_context  *context,
               int               argc,
               sqlite3_value   **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);
  char *folded;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      sqlite3_result_null (context);
      return;
    }
  folded = g_utf8_casefold (text, -1);
  sqlite3_result_text (context, folded, -1, g_free);
}

/* Opening */

static Verdict
prepare (NexusArchiveDb  *self,
         GError         **error)
{
  sqlite3 *db = self->db;
  gint64 application_id = 0, version = 0, n_objects = 0, n_fts = 0;
  int rc;

  /* A file that is not a database fails on its first read. */
  if ((rc = nexus_sqlite_query_int (db, "PRAGMA application_id", &application_id)) != SQLITE_OK
      || (rc = nexus_sqlite_query_int (db, "PRAGMA user_version", &version)) != SQLITE_OK
      || (rc = nexus_sqlite_query_int (db, "SELECT count(*) FROM sqlite_master", &n_objects)) != SQLITE_OK)
    {
      if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return VERDICT_UNREADABLE;
      set_error (error, db, rc);
      return VERDICT_FAILED;
    }

  if (application_id == 0 && version == 0 && n_objects == 0)
    {
      g_autofree char *ids = g_strdup_printf ("PRAGMA application_id = %d; "
                                              "PRAGMA user_version = %d;",
                                              NEXUS_ARCHIVE_APPLICATION_ID,
                                              NEXUS_ARCHIVE_SCHEMA_VERSION);

      if ((rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK
          || (rc = sqlite3_exec (db, schema_sql, NULL, NULL, NULL)) != SQLITE_OK)
        goto failed;
      /* Without FTS5 or its trigram tokenizer (SQLite before 3.34),
       * searching falls back to LIKE. */
      if ((rc = sqlite3_exec (db, "SAVEPOINT fts", NULL, NULL, NULL)) != SQLITE_OK)
        goto failed;
      if (sqlite3_exec (db, fts_sql, NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec (db, "ROLLBACK TO fts", NULL, NULL, NULL);
      if ((rc = sqlite3_exec (db, "RELEASE fts", NULL, NULL, NULL)) != SQLITE_OK
          || (rc = sqlite3_exec (db, ids, NULL, NULL, NULL)) != SQLITE_OK
          || (rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
        goto failed;
    }
  else if (application_id != NEXUS_ARCHIVE_APPLICATION_ID)
    return VERDICT_FOREIGN;
  else if (version > NEXUS_ARCHIVE_SCHEMA_VERSION)
    return VERDICT_NEWER;
  else if (version != NEXUS_ARCHIVE_SCHEMA_VERSION)
    return VERDICT_UNREADABLE;

  /* WAL: a commit is one append and a crash at any moment leaves the last
   * commit whole. NORMAL: no fsync per commit. secure_delete: deleted
   * history is overwritten, not left in free pages. */
  rc = sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                         "PRAGMA secure_delete = ON; PRAGMA journal_size_limit = 4194304",
                     NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = nexus_sqlite_query_int (db, "SELECT count(*) FROM sqlite_master WHERE name = 'events_fts'", &n_fts);
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
    return VERDICT_UNREADABLE;
  if (rc != SQLITE_OK)
    {
      set_error (error, db, rc);
      return VERDICT_FAILED;
    }
  self->fts = n_fts > 0;

  for (guint i = 0; i < N_STMTS; i++)
    if (sqlite3_prepare_v3 (db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &self->stmts[i],
                            NULL) != SQLITE_OK)
      return VERDICT_UNREADABLE;   /* tables of the right names, not of our making */
  /* A damaged file can pass all of the above. */
  rc = sqlite3_exec (db, "PRAGMA quick_check", NULL, NULL, NULL);
  if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
    return VERDICT_UNREADABLE;
  {
    gint64 dummy;

    if (nexus_sqlite_query_int (db, "SELECT count(*) FROM events", &dummy) != SQLITE_OK)
      return VERDICT_UNREADABLE;
  }
  sqlite3_busy_timeout (db, 2000);
  sqlite3_create_function_v2 (db, "nexus_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                              fold_function, NULL, NULL, NULL);
  return VERDICT_OK;

failed:
  set_error (error, db, rc);
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return VERDICT_FAILED;
}

static void
db_close_connection (NexusArchiveDb *self)
{
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
}

NexusArchiveDb *
_nexus_archive_db_open (const char  *path,
                        char       **set_aside_sentence,
                        GError     **error)
{
  g_autofree NexusArchiveDb *self = g_new0 (NexusArchiveDb, 1);
  g_autofree char *directory = g_path_get_dirname (path);
  Verdict verdict = VERDICT_FAILED;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_FAILED,
                   _("The folder %s for past conversations cannot be made: %s."), directory,
                   g_strerror (saved_errno));
      return NULL;
    }

  /* A second try is on a new file: one that fails again is an error. */
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *target = NULL;
      /* Made with mode 0600: SQLite gives its WAL the database's mode. */
      int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      int rc;

      if (fd >= 0)
        close (fd);
      rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_FAILED,
                       _("Past conversations in %s cannot be opened: %s."), path,
                       self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
          db_close_connection (self);
          return NULL;
        }
      verdict = prepare (self, error);
      if (verdict == VERDICT_OK)
        break;
      db_close_connection (self);
      if (verdict == VERDICT_FAILED || attempt > 0)
        break;
      target = nexus_sqlite_set_aside (path);
      g_free (*set_aside_sentence);
      switch (verdict)
        {
        case VERDICT_FOREIGN:
          *set_aside_sentence =
            g_strdup_printf (_("%s is not a Nexus Chat history, so it was set aside as %s and "
                               "a new one was started."), path, target);
          break;
        case VERDICT_NEWER:
          *set_aside_sentence =
            g_strdup_printf (_("The past conversations in %s are from a newer version of Nexus "
                               "Chat, so the file was set aside as %s and a new one was "
                               "started."), path, target);
          break;
        case VERDICT_UNREADABLE:
        case VERDICT_OK:
        case VERDICT_FAILED:
        default:
          *set_aside_sentence =
            g_strdup_printf (_("The past conversations in %s could not be read, so the file "
                               "was set aside as %s and a new one was started."), path, target);
          break;
        }
    }
  if (verdict != VERDICT_OK)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_FAILED,
                     _("Past conversations in %s cannot be read."), path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

void
_nexus_archive_db_close (NexusArchiveDb *self)
{
  if (self == NULL)
    return;
  db_close_connection (self);
  g_free (self);
}

gboolean
_nexus_archive_db_has_fts (NexusArchiveDb *self)
{
  return self->fts;
}

/* Writing */

int
_nexus_archive_db_begin (NexusArchiveDb *self)
{
  self->deleted = FALSE;
  return sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
}

int
_nexus_archive_db_commit (NexusArchiveDb *self)
{
  int rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    _nexus_archive_db_rollback (self);
  else if (self->deleted)
    /* What was deleted is in no frame of the WAL either. */
    sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  return rc;
}

void
_nexus_archive_db_rollback (NexusArchiveDb *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

int
_nexus_archive_db_write (NexusArchiveDb  *self,
                         NexusArchiveJob *job)
{
  sqlite3_stmt *stmt;
  int rc;

  switch (job->kind)
    {
    case NEXUS_ARCHIVE_JOB_BEGIN_ROOM:
      stmt = self->stmts[STMT_BEGIN_ROOM];
      bind_text (stmt, 1, job->key);
      bind_text (stmt, 2, job->code);
      bind_text (stmt, 3, job->host);
      sqlite3_bind_int64 (stmt, 4, job->port);
      bind_text (stmt, 5, job->name != NULL ? job->name : "");
      sqlite3_bind_int (stmt, 6, job->flag);
      sqlite3_bind_int64 (stmt, 7, job->time);
      return nexus_sqlite_run (stmt);

    case NEXUS_ARCHIVE_JOB_TITLE:
      stmt = self->stmts[STMT_TITLE];
      bind_text (stmt, 1, job->key);
      bind_text (stmt, 2, job->text);
      return nexus_sqlite_run (stmt);

    case NEXUS_ARCHIVE_JOB_PEOPLE:
      {
        g_autofree char *people = g_strjoinv ("\n", job->people);

        stmt = self->stmts[STMT_PEOPLE];
        bind_text (stmt, 1, job->key);
        bind_text (stmt, 2, people);
        return nexus_sqlite_run (stmt);
      }

    case NEXUS_ARCHIVE_JOB_EVENT:
      stmt = self->stmts[STMT_EVENT];
      bind_text (stmt, 1, job->key);
      sqlite3_bind_int64 (stmt, 2, job->seq);
      bind_text (stmt, 3, kind_names[job->event_kind]);
      sqlite3_bind_int64 (stmt, 4, job->time);
      bind_text (stmt, 5, job->name);
      bind_text (stmt, 6, job->text != NULL ? job->text : "");
      bind_text (stmt, 7, job->file_name);
      if (job->file_name != NULL)
        sqlite3_bind_int64 (stmt, 8, job->file_size);
      bind_text (stmt, 9, job->file_type);
      sqlite3_bind_int (stmt, 10, job->flag);
      sqlite3_bind_int (stmt, 11, job->deleted);
      if ((rc = nexus_sqlite_run (stmt)) != SQLITE_OK)
        return rc;
      stmt = self->stmts[STMT_TOUCH];
      bind_text (stmt, 1, job->key);
      sqlite3_bind_int64 (stmt, 2, job->time);
      return nexus_sqlite_run (stmt);

    case NEXUS_ARCHIVE_JOB_UPDATE_EVENT:
      stmt = self->stmts[STMT_UPDATE_EVENT];
      bind_text (stmt, 1, job->key);
      sqlite3_bind_int64 (stmt, 2, job->seq);
      bind_text (stmt, 3, job->deleted ? "" : (job->text != NULL ? job->text : ""));
      sqlite3_bind_int (stmt, 4, job->flag);
      sqlite3_bind_int (stmt, 5, job->deleted);
      if (job->deleted)
        self->deleted = TRUE;
      return nexus_sqlite_run (stmt);

    case NEXUS_ARCHIVE_JOB_END_ROOM:
      stmt = self->stmts[STMT_END_ROOM];
      bind_text (stmt, 1, job->key);
      sqlite3_bind_int64 (stmt, 2, job->time);
      return nexus_sqlite_run (stmt);

    case NEXUS_ARCHIVE_JOB_DELETE:
      self->deleted = TRUE;
      if (job->key == NULL)
        {
          rc = nexus_sqlite_run (self->stmts[STMT_DELETE_ALL_EVENTS]);
          return rc == SQLITE_OK ? nexus_sqlite_run (self->stmts[STMT_DELETE_ALL_ROOMS]) : rc;
        }
      stmt = self->stmts[STMT_DELETE_EVENTS];
      bind_text (stmt, 1, job->key);
      if ((rc = nexus_sqlite_run (stmt)) != SQLITE_OK)
        return rc;
      stmt = self->stmts[STMT_DELETE_ROOM];
      bind_text (stmt, 1, job->key);
      return nexus_sqlite_run (stmt);

    case NEXUS_ARCHIVE_JOB_LIST:
    case NEXUS_ARCHIVE_JOB_LOAD:
    case NEXUS_ARCHIVE_JOB_SEARCH:
    case NEXUS_ARCHIVE_JOB_EXPORT:
    case NEXUS_ARCHIVE_JOB_SYNC:
    case NEXUS_ARCHIVE_JOB_STOP:
    default:
      g_assert_not_reached ();
    }
  return SQLITE_MISUSE;
}

/* Reading */

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static char *
room_label (const char *code,
            const char *title)
{
  char *label;

  if (title != NULL && *title != '\0')
    return g_strdup (title);
  label = nexus_code_format (code);
  return label != NULL ? label : g_strdup (code);
}

/* Rooms that showed a message, newest first; or the one of @key. */
GListStore *
_nexus_archive_db_list (NexusArchiveDb  *self,
                        const char      *key,
                        GError         **error)
{
  g_autoptr(GListStore) rooms = g_list_store_new (NEXUS_TYPE_ARCHIVE_ROOM);
  g_autofree char *sql = g_strdup_printf (
    "SELECT key, code, host, port, title, own_name, hosted, started, last_active, ended, people, "
    "  (SELECT count(*) FROM events e WHERE e.room = r.key AND e.kind = 'message') AS n "
    "FROM rooms r WHERE %s ORDER BY MAX (last_active, ended) DESC, key",
    key != NULL ? "key = ?1" : "n > 0");
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK && key != NULL)
    bind_text (stmt, 1, key);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *people_text = column_text (stmt, 10);
      g_auto(GStrv) people = people_text != NULL && *people_text != '\0'
                             ? g_strsplit (people_text, "\n", -1) : g_new0 (char *, 1);
      NexusArchiveRoomFields fields = {
        .key = column_text (stmt, 0),
        .code = column_text (stmt, 1),
        .host = column_text (stmt, 2),
        .port = (guint) sqlite3_column_int64 (stmt, 3),
        .title = column_text (stmt, 4),
        .own_name = column_text (stmt, 5),
        .hosted = sqlite3_column_int (stmt, 6) != 0,
        .started = sqlite3_column_int64 (stmt, 7),
        .last_active = sqlite3_column_int64 (stmt, 8),
        .ended = sqlite3_column_int64 (stmt, 9),
        .people = (const char * const *) people,
        .n_messages = (guint) sqlite3_column_int64 (stmt, 11),
      };
      g_autoptr(NexusArchiveRoom) room = NULL;

      if (fields.key == NULL || fields.code == NULL)
        continue;
      room = nexus_archive_room_new (&fields);
      g_list_store_append (rooms, room);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (error, self->db, rc);
      return NULL;
    }
  return g_steal_pointer (&rooms);
}

#define EVENT_COLUMNS \
  "e.seq, e.kind, e.ts, e.name, e.text, e.file_name, e.file_size, e.file_type, e.edited, e.deleted"

static NexusArchiveEvent *
event_from_row (sqlite3_stmt *stmt,
                const char   *room_key,
                const char   *label)
{
  NexusArchiveEventFields fields = {
    .seq = sqlite3_column_int64 (stmt, 0),
    .kind = kind_from_name (column_text (stmt, 1)),
    .time = sqlite3_column_int64 (stmt, 2),
    .name = column_text (stmt, 3),
    .text = column_text (stmt, 4),
    .file_name = column_text (stmt, 5),
    .file_size = sqlite3_column_int64 (stmt, 6),
    .file_type = column_text (stmt, 7),
    .edited = sqlite3_column_int (stmt, 8) != 0,
    .deleted = sqlite3_column_int (stmt, 9) != 0,
    .room_key = room_key,
    .room_label = label,
  };

  return nexus_archive_event_new (&fields);
}

GListStore *
_nexus_archive_db_load (NexusArchiveDb    *self,
                        const char        *key,
                        NexusArchiveRoom **room,
                        GError           **error)
{
  g_autoptr(GListStore) rooms = _nexus_archive_db_list (self, key, error);
  g_autoptr(GListStore) events = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (rooms == NULL)
    return NULL;
  if (g_list_model_get_n_items (G_LIST_MODEL (rooms)) == 0)
    {
      g_set_error (error, NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_NOT_FOUND,
                   _("This conversation is no longer kept."));
      return NULL;
    }
  events = g_list_store_new (NEXUS_TYPE_ARCHIVE_EVENT);
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT " EVENT_COLUMNS " FROM events e WHERE e.room = ?1 ORDER BY e.seq",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    bind_text (stmt, 1, key);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(NexusArchiveEvent) event = event_from_row (stmt, NULL, NULL);

      g_list_store_append (events, event);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (error, self->db, rc);
      return NULL;
    }
  *room = g_list_model_get_item (G_LIST_MODEL (rooms), 0);
  return g_steal_pointer (&events);
}

/* For LIKE: the pattern's own characters taken literally. */
static char *
like_pattern (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *pattern = g_string_new ("%");

  for (const char *p = folded; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* For FTS5: one phrase, its quotes doubled, so no character is syntax. */
static char *
fts_phrase (const char *text)
{
  GString *phrase = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (phrase, '"');
      g_string_append_c (phrase, *p);
    }
  g_string_append_c (phrase, '"');
  return g_string_free (phrase, FALSE);
}

/* Messages whose text or file name holds @text, newest first. */
GListStore *
_nexus_archive_db_search (NexusArchiveDb  *self,
                          const char      *text,
                          gboolean         use_fts,
                          GError         **error)
{
  g_autoptr(GListStore) hits = g_list_store_new (NEXUS_TYPE_ARCHIVE_EVENT);
  g_autofree char *pattern = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
    return g_steal_pointer (&hits);

  /* A trigram index finds strings of three characters or more. */
  if (use_fts && self->fts && g_utf8_strlen (text, -1) >= 3)
    {
      pattern = fts_phrase (text);
      sql = g_strdup_printf ("SELECT " EVENT_COLUMNS ", r.key, r.code, r.title "
                             "FROM events_fts f JOIN events e ON e.id = f.rowid "
                             "JOIN rooms r ON r.key = e.room "
                             "WHERE events_fts MATCH ?1 AND e.kind = 'message' "
                             "AND e.deleted = 0 ORDER BY e.ts DESC, e.seq DESC LIMIT %d",
                             NEXUS_ARCHIVE_MAX_HITS);
    }
  else
    {
      pattern = like_pattern (text);
      sql = g_strdup_printf ("SELECT " EVENT_COLUMNS ", r.key, r.code, r.title "
                             "FROM events e JOIN rooms r ON r.key = e.room "
                             "WHERE (nexus_fold (e.text) LIKE ?1 ESCAPE '\\' "
                             "  OR nexus_fold (e.file_name) LIKE ?1 ESCAPE '\\') "
                             "AND e.kind = 'message' AND e.deleted = 0 "
                             "ORDER BY e.ts DESC, e.seq DESC LIMIT %d",
                             NEXUS_ARCHIVE_MAX_HITS);
    }

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    bind_text (stmt, 1, pattern);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *label = room_label (column_text (stmt, 11), column_text (stmt, 12));
      g_autoptr(NexusArchiveEvent) hit = event_from_row (stmt, column_text (stmt, 10), label);

      g_list_store_append (hits, hit);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (error, self->db, rc);
      return NULL;
    }
  return g_steal_pointer (&hits);
}
