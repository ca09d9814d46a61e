/* nexus-state-store-writer.c: the thread that writes the host's rooms
 *
 * The main loop never waits for the disk: it hands each turn's batch of
 * changes to this thread, which owns the SQLite connection from then on
 * and writes what has arrived in one transaction. In WAL mode with
 * synchronous=NORMAL a commit is one write() to the WAL and no fsync: on
 * disk for any crash of the process, only the last few transactions at
 * risk when the whole machine loses power, never a corrupt file. The
 * fsync of a checkpoint happens here too, off the main loop.
 *
 * A transaction that fails (a full disk: SQLITE_FULL, SQLITE_IOERR) is
 * rolled back whole, so the file stays as the last good commit left it.
 * The batches after it would build on changes that are not there: they
 * are dropped until a snapshot (a batch that wipes and rewrites every
 * room) comes, which the server sends when it tries again.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-state-store-private.h"
#include "nexus-sqlite.h"

/* Batches written in one transaction at most, when several wait. */
#define MERGE_MAX 64
/* WAL pages after which the thread copies them into the database (the
 * fsync is there): after a commit has been reported, never before. */
#define CHECKPOINT_PAGES 1000

typedef enum {
  STMT_ROOM,
  STMT_ROOM_SEQ,
  STMT_NEARBY,
  STMT_EVENT,
  STMT_EVENT_TRIM,
  STMT_EVENT_JSON,
  STMT_MEMBER,
  STMT_MEMBER_GONE,
  STMT_MEMBER_SAID_GONE,
  STMT_SAID,
  STMT_SAID_TRIM,
  STMT_ROOM_GONE_ROOMS,
  STMT_ROOM_GONE_EVENTS,
  STMT_ROOM_GONE_MEMBERS,
  STMT_ROOM_GONE_SAID,
  STMT_LIST_CODES,
  N_STMTS
} Stmt;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_ROOM] = "INSERT INTO rooms (code, created, port, last_seq, last_activity) "
                "VALUES (?1, ?2, ?3, 0, ?2) "
                "ON CONFLICT (code) DO UPDATE SET created = excluded.created, port = excluded.port",
  [STMT_ROOM_SEQ] = "UPDATE rooms SET last_seq = ?2, last_activity = MAX (last_activity, ?3) "
                    "WHERE code = ?1",
  [STMT_NEARBY] = "UPDATE rooms SET nearby_code = ?2, title = ?3 WHERE code = ?1",
  [STMT_EVENT] = "INSERT OR REPLACE INTO events (room, seq, type, ts, name, json) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_EVENT_TRIM] = "DELETE FROM events WHERE room = ?1 AND seq < ?2",
  [STMT_EVENT_JSON] = "UPDATE events SET json = ?3 WHERE room = ?1 AND seq = ?2",
  [STMT_MEMBER] = "INSERT OR REPLACE INTO members (room, session_hash, name, joined) "
                  "VALUES (?1, ?2, ?3, ?4)",
  [STMT_MEMBER_GONE] = "DELETE FROM members WHERE room = ?1 AND session_hash = ?2",
  [STMT_MEMBER_SAID_GONE] = "DELETE FROM said WHERE room = ?1 AND session_hash = ?2",
  [STMT_SAID] = "INSERT OR REPLACE INTO said (room, session_hash, seq, id, ts) "
                "VALUES (?1, ?2, ?3, ?4, ?5)",
  [STMT_SAID_TRIM] = "DELETE FROM said WHERE room = ?1 AND session_hash = ?2 AND seq < ?3",
  [STMT_ROOM_GONE_ROOMS] = "DELETE FROM rooms WHERE code = ?1",
  [STMT_ROOM_GONE_EVENTS] = "DELETE FROM events WHERE room = ?1",
  [STMT_ROOM_GONE_MEMBERS] = "DELETE FROM members WHERE room = ?1",
  [STMT_ROOM_GONE_SAID] = "DELETE FROM said WHERE room = ?1",
  [STMT_LIST_CODES] = "SELECT code FROM rooms",
};

/* A source that is ready at its ready time, which the thread sets. */
static gboolean
report_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs report_source_funcs = {
  .dispatch = report_source_dispatch,
};

struct _NexusStateWriter {
  sqlite3      *db;
  sqlite3_stmt *stmts[N_STMTS];
  GThread      *thread;
  GAsyncQueue  *queue;        /* NexusStateBatch */
  GSource      *report_source;
  GMutex        lock;
  GPtrArray    *reports;      /* NexusStateReport, under lock */
  gboolean      failed;       /* the thread's: batches wait for a snapshot */
  int           wal_pages;    /* the thread's: in the WAL since the last checkpoint */
};

/* What a transaction's events leave of a room, written once at its end. */
typedef struct {
  gint64 last_seq;
  gint64 last_activity;
  gint64 oldest_kept;
} RoomTouch;

gboolean
_nexus_state_exec (sqlite3     *db,
                   const char  *sql,
                   GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, NEXUS_STATE_STORE_ERROR, NEXUS_STATE_STORE_ERROR_FAILED,
                   "%s", message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

void
_nexus_state_op_free (NexusStateOp *op)
{
  g_free (op->code);
  g_free (op->hash);
  g_free (op->text);
  g_free (op->text2);
  g_free (op->json);
  g_strfreev (op->keep);
  g_free (op);
}

void
_nexus_state_batch_free (NexusStateBatch *batch)
{
  g_clear_pointer (&batch->ops, g_ptr_array_unref);
  g_free (batch);
}

/* Statements */

static int
run_code (NexusStateWriter *writer,
          Stmt              which,
          const char       *code)
{
  sqlite3_stmt *stmt = writer->stmts[which];

  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  return nexus_sqlite_run (stmt);
}

static int
run_code_hash (NexusStateWriter *writer,
               Stmt              which,
               const char       *code,
               const char       *hash)
{
  sqlite3_stmt *stmt = writer->stmts[which];

  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_STATIC);
  return nexus_sqlite_run (stmt);
}

static int
delete_room (NexusStateWriter *writer,
             const char       *code)
{
  int rc = run_code (writer, STMT_ROOM_GONE_ROOMS, code);

  if (rc == SQLITE_OK)
    rc = run_code (writer, STMT_ROOM_GONE_EVENTS, code);
  if (rc == SQLITE_OK)
    rc = run_code (writer, STMT_ROOM_GONE_MEMBERS, code);
  if (rc == SQLITE_OK)
    rc = run_code (writer, STMT_ROOM_GONE_SAID, code);
  return rc;
}

/* Every room but those in @keep (the rooms still waiting to be reopened). */
static int
wipe (NexusStateWriter *writer,
      GStrv             keep)
{
  sqlite3_stmt *list = writer->stmts[STMT_LIST_CODES];
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  int rc;

  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    g_ptr_array_add (codes, g_strdup ((const char *) sqlite3_column_text (list, 0)));
  sqlite3_reset (list);
  if (rc != SQLITE_DONE)
    return rc;
  for (guint i = 0; i < codes->len; i++)
    if (keep == NULL || !g_strv_contains ((const char * const *) keep, codes->pdata[i]))
      if ((rc = delete_room (writer, codes->pdata[i])) != SQLITE_OK)
        return rc;
  return SQLITE_OK;
}

static void
touch_room (GHashTable   *touched,
            NexusStateOp *op)
{
  RoomTouch *touch = g_hash_table_lookup (touched, op->code);

  if (touch == NULL)
    {
      touch = g_new0 (RoomTouch, 1);
      g_hash_table_insert (touched, op->code, touch);
    }
  touch->last_seq = MAX (touch->last_seq, op->a);
  touch->last_activity = MAX (touch->last_activity, op->b);
  touch->oldest_kept = MAX (touch->oldest_kept, op->c);
}

static int
apply_op (NexusStateWriter *writer,
          NexusStateOp     *op,
          GHashTable       *touched)
{
  sqlite3_stmt *stmt;

  switch (op->kind)
    {
    case NEXUS_STATE_OP_ROOM:
      stmt = writer->stmts[STMT_ROOM];
      sqlite3_bind_text (stmt, 1, op->code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, op->a);
      sqlite3_bind_int64 (stmt, 3, op->b);
      return nexus_sqlite_run (stmt);

    case NEXUS_STATE_OP_NEARBY:
      stmt = writer->stmts[STMT_NEARBY];
      sqlite3_bind_text (stmt, 1, op->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, op->text, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, op->text2, -1, SQLITE_STATIC);
      return nexus_sqlite_run (stmt);

    case NEXUS_STATE_OP_EVENT:
      stmt = writer->stmts[STMT_EVENT];
      sqlite3_bind_text (stmt, 1, op->code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, op->a);
      sqlite3_bind_int (stmt, 3, op->type);
      sqlite3_bind_int64 (stmt, 4, op->b);
      sqlite3_bind_text (stmt, 5, op->text, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, op->json, (int) op->json_length, SQLITE_STATIC);
      touch_room (touched, op);
      return nexus_sqlite_run (stmt);

    case NEXUS_STATE_OP_EVENT_JSON:
      stmt = writer->stmts[STMT_EVENT_JSON];
      sqlite3_bind_text (stmt, 1, op->code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, op->a);
      sqlite3_bind_text (stmt, 3, op->json, (int) op->json_length, SQLITE_STATIC);
      return nexus_sqlite_run (stmt);

    case NEXUS_STATE_OP_MEMBER:
      stmt = writer->stmts[STMT_MEMBER];
      sqlite3_bind_text (stmt, 1, op->code, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, op->hash, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, op->text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, op->a);
      return nexus_sqlite_run (stmt);

    case NEXUS_STATE_OP_MEMBER_GONE:
      {
        int rc = run_code_hash (writer, STMT_MEMBER_GONE, op->code, op->hash);

        return rc != SQLITE_OK ? rc
                               : run_code_hash (writer, STMT_MEMBER_SAID_GONE, op->code, op->hash);
      }

    case NEXUS_STATE_OP_SAID:
      {
        int rc;

        stmt = writer->stmts[STMT_SAID];
        sqlite3_bind_text (stmt, 1, op->code, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, op->hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 3, op->a);
        sqlite3_bind_text (stmt, 4, op->text, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 5, op->b);
        if ((rc = nexus_sqlite_run (stmt)) != SQLITE_OK || op->c <= 0)
          return rc;
        /* The member's dedupe is full: the oldest id went from memory. */
        stmt = writer->stmts[STMT_SAID_TRIM];
        sqlite3_bind_text (stmt, 1, op->code, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, op->hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 3, op->c);
        return nexus_sqlite_run (stmt);
      }

    case NEXUS_STATE_OP_ROOM_GONE:
      g_hash_table_remove (touched, op->code);
      return delete_room (writer, op->code);

    case NEXUS_STATE_OP_WIPE:
      g_hash_table_remove_all (touched);
      return wipe (writer, op->keep);

    default:
      g_assert_not_reached ();
    }
}

static int
apply_touches (NexusStateWriter *writer,
               GHashTable       *touched)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      RoomTouch *touch = value;
      sqlite3_stmt *stmt = writer->stmts[STMT_ROOM_SEQ];
      int rc;

      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, touch->last_seq);
      sqlite3_bind_int64 (stmt, 3, touch->last_activity);
      if ((rc = nexus_sqlite_run (stmt)) != SQLITE_OK)
        return rc;
      /* What the room's history let go, the database lets go. */
      stmt = writer->stmts[STMT_EVENT_TRIM];
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, touch->oldest_kept);
      if ((rc = nexus_sqlite_run (stmt)) != SQLITE_OK)
        return rc;
    }
  return SQLITE_OK;
}

/* One transaction of @batches; the ones a failure left without a base
 * are skipped. Returns SQLITE_OK, or the error that rolled it back. */
static int
write_batches (NexusStateWriter *writer,
               GPtrArray        *batches)
{
  g_autoptr(GHashTable) touched = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  gboolean began = FALSE;
  int rc = SQLITE_OK;

  for (guint b = 0; b < batches->len && rc == SQLITE_OK; b++)
    {
      NexusStateBatch *batch = g_ptr_array_index (batches, b);

      if (batch->snapshot)
        writer->failed = FALSE;
      if (writer->failed || batch->ops->len == 0)
        continue;
      if (!began)
        {
          rc = sqlite3_exec (writer->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
          began = rc == SQLITE_OK;
        }
      for (guint i = 0; i < batch->ops->len && rc == SQLITE_OK; i++)
        rc = apply_op (writer, g_ptr_array_index (batch->ops, i), touched);
    }
  if (rc == SQLITE_OK && began)
    rc = apply_touches (writer, touched);
  if (rc == SQLITE_OK && began)
    rc = sqlite3_exec (writer->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      /* SQLite may have rolled back already (a full disk often does). */
      if (!sqlite3_get_autocommit (writer->db))
        sqlite3_exec (writer->db, "ROLLBACK", NULL, NULL, NULL);
      writer->failed = TRUE;
    }
  return writer->failed ? (rc != SQLITE_OK ? rc : SQLITE_ABORT) : SQLITE_OK;
}

static void
report (NexusStateWriter *writer,
        guint64           epoch,
        int               rc)
{
  NexusStateReport *report = g_new0 (NexusStateReport, 1);

  report->epoch = epoch;
  report->failed = rc != SQLITE_OK;
  report->sqlite_code = rc;
  g_mutex_lock (&writer->lock);
  g_ptr_array_add (writer->reports, report);
  g_mutex_unlock (&writer->lock);
  g_source_set_ready_time (writer->report_source, 0);
}

static int
on_wal_commit (gpointer    data,
               sqlite3    *db,
               const char *name,
               int         pages)
{
  ((NexusStateWriter *) data)->wal_pages = pages;
  return SQLITE_OK;
}

static gpointer
writer_thread (gpointer data)
{
  NexusStateWriter *writer = data;
  gboolean closing = FALSE;

  while (!closing)
    {
      g_autoptr(GPtrArray) batches =
        g_ptr_array_new_with_free_func ((GDestroyNotify) _nexus_state_batch_free);
      NexusStateBatch *batch = g_async_queue_pop (writer->queue);
      guint64 epoch = 0;
      int rc;

      /* Whatever else is waiting goes in the same transaction. */
      do
        {
          g_ptr_array_add (batches, batch);
          epoch = MAX (epoch, batch->epoch);
          closing = batch->close;
        }
      while (!closing && batches->len < MERGE_MAX
             && (batch = g_async_queue_try_pop (writer->queue)) != NULL);

      rc = write_batches (writer, batches);
      if (epoch > 0)
        report (writer, epoch, rc);
      /* The frames that waited for this commit are on their way: now the
       * checkpoint may take its time. A failing one is tried again later. */
      if (writer->wal_pages >= CHECKPOINT_PAGES
          && sqlite3_wal_checkpoint_v2 (writer->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
                                        NULL) == SQLITE_OK)
        writer->wal_pages = 0;
    }
  return NULL;
}

NexusStateWriter *
_nexus_state_writer_start (sqlite3      *db,
                           GMainContext *context,
                           GSourceFunc   on_report,
                           gpointer      user_data)
{
  NexusStateWriter *writer = g_new0 (NexusStateWriter, 1);

  writer->db = db;
  for (guint i = 0; i < N_STMTS; i++)
    if (sqlite3_prepare_v3 (db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &writer->stmts[i],
                            NULL) != SQLITE_OK)
      {
        /* Tables that are not ours after all: the caller sets the file aside. */
        for (guint j = 0; j < i; j++)
          sqlite3_finalize (writer->stmts[j]);
        g_free (writer);
        return NULL;
      }
  /* Checkpoints are the thread's own, after each report (writer_thread()). */
  sqlite3_wal_hook (db, on_wal_commit, writer);
  writer->queue = g_async_queue_new_full ((GDestroyNotify) _nexus_state_batch_free);
  writer->reports = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&writer->lock);

  /* The thread sets its ready time; the main loop runs @on_report. */
  writer->report_source = g_source_new (&report_source_funcs, sizeof (GSource));
  g_source_set_static_name (writer->report_source, "NexusStateStore reports");
  g_source_set_priority (writer->report_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (writer->report_source, on_report, user_data, NULL);
  g_source_attach (writer->report_source, context);

  writer->thread = g_thread_new ("nexus-state", writer_thread, writer);
  return writer;
}

void
_nexus_state_writer_push (NexusStateWriter *writer,
                          NexusStateBatch  *batch)
{
  g_async_queue_push (writer->queue, batch);
}

/* The reports so far, oldest first; the caller owns the array. */
GPtrArray *
_nexus_state_writer_take_reports (NexusStateWriter *writer)
{
  GPtrArray *reports;

  g_mutex_lock (&writer->lock);
  reports = g_steal_pointer (&writer->reports);
  writer->reports = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&writer->lock);
  g_source_set_ready_time (writer->report_source, -1);
  return reports;
}

/* Writes what is queued, then closes the database (which checkpoints the
 * WAL into it) and ends the thread. */
void
_nexus_state_writer_stop (NexusStateWriter *writer)
{
  NexusStateBatch *last = g_new0 (NexusStateBatch, 1);

  last->ops = g_ptr_array_new ();
  last->close = TRUE;
  g_async_queue_push (writer->queue, last);
  g_thread_join (writer->thread);

  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (writer->stmts[i]);
  sqlite3_close (writer->db);
  g_source_destroy (writer->report_source);
  g_source_unref (writer->report_source);
  g_async_queue_unref (writer->queue);
  g_ptr_array_unref (writer->reports);
  g_mutex_clear (&writer->lock);
  g_free (writer);
}

/* An op of @kind for room @code; its other fields are the caller's. */
NexusStateOp *
_nexus_state_op_new (NexusStateOpKind  kind,
                     const char       *code)
{
  NexusStateOp *op = g_new0 (NexusStateOp, 1);

  op->kind = kind;
  op->code = g_strdup (code);
  return op;
}
