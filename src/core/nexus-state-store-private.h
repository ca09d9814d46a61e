/* nexus-state-store-private.h: what the store and its writer thread share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "nexus-state-store.h"

G_BEGIN_DECLS

/* PRAGMA application_id: "NXCH". A database without it is not ours. */
#define NEXUS_STATE_STORE_APPLICATION_ID 0x4E584348
/* PRAGMA user_version: the schema below. */
#define NEXUS_STATE_STORE_SCHEMA_VERSION 1

typedef enum {
  NEXUS_STATE_OP_ROOM,          /* code, a = created, b = port */
  NEXUS_STATE_OP_NEARBY,        /* code, text = nearby code, text2 = title */
  NEXUS_STATE_OP_EVENT,         /* code, a = seq, b = ts, c = oldest kept, type, text = name, json */
  NEXUS_STATE_OP_EVENT_JSON,    /* code, a = seq, json: a kept message's frame as it is now */
  NEXUS_STATE_OP_MEMBER,        /* code, hash, text = name, a = order */
  NEXUS_STATE_OP_MEMBER_GONE,   /* code, hash */
  NEXUS_STATE_OP_SAID,          /* code, hash, text = id, a = seq, b = ts, c = floor */
  NEXUS_STATE_OP_ROOM_GONE,     /* code */
  NEXUS_STATE_OP_WIPE,          /* every room but those of keep */
} NexusStateOpKind;

/* One change, with copies of everything: the writer thread owns it. */
typedef struct {
  NexusStateOpKind  kind;
  int               type;
  char             *code;
  char             *hash;
  char             *text;
  char             *text2;
  char             *json;
  gsize             json_length;
  gint64            a;
  gint64            b;
  gint64            c;
  GStrv             keep;
} NexusStateOp;

/* What one main-loop turn recorded: one transaction. */
typedef struct {
  guint64    epoch;
  GPtrArray *ops;        /* NexusStateOp */
  gboolean   snapshot;   /* starts with a wipe: written even after a failure */
  gboolean   close;      /* the last: the thread ends after it */
} NexusStateBatch;

/* What the writer thread tells the main loop. */
typedef struct {
  guint64  epoch;
  gboolean failed;
  int      sqlite_code;   /* when failed */
} NexusStateReport;

typedef struct _NexusStateWriter NexusStateWriter;

/* What opening found in the file. */
typedef enum {
  NEXUS_STATE_DB_OK,
  NEXUS_STATE_DB_UNREADABLE,   /* not a database, or a corrupt one */
  NEXUS_STATE_DB_FOREIGN,      /* a database of something else */
  NEXUS_STATE_DB_NEWER,        /* ours, from a newer version */
  NEXUS_STATE_DB_FAILED,       /* anything else: an error */
} NexusStateDbVerdict;

/* The store's instance, shared by nexus-state-store.c and
 * nexus-state-store-record.c. */
struct _NexusStateStore
{
  GObject           parent_instance;

  char             *directory;
  char             *path;
  int               lock_fd;
  char             *set_aside;     /* a sentence, when a bad file was set aside at open */
  char             *problem;       /* a sentence, while writes fail */
  GMainContext     *context;
  sqlite3          *db;            /* until the writer takes it */
  NexusStateWriter *writer;
  GHashTable       *offered;       /* code → NexusStoredRoom, waiting to be reopened */
  NexusStateBatch  *batch;         /* this turn's changes, or NULL */
  guint64           epoch;         /* of the batch being recorded */
  GSource          *flush_source;
  gboolean          closed;
};

/* nexus-state-store-record.c */
NexusStateOp     *_nexus_state_store_op      (NexusStateStore  *self,
                                              NexusStateOpKind  kind,
                                              const char       *code);
void              _nexus_state_store_flush   (NexusStateStore  *self);
GSource          *_nexus_state_store_flush_source_new (NexusStateStore *self);

/* nexus-state-store-load.c */
NexusStateDbVerdict _nexus_state_db_prepare (sqlite3     *db,
                                             GError     **error);
NexusStateDbVerdict _nexus_state_db_load    (sqlite3     *db,
                                             GHashTable  *rooms,
                                             GError     **error);

/* nexus-state-store-writer.c: the thread that owns the connection; NULL
 * when its statements do not compile on @db (the tables are not ours) */
NexusStateOp     *_nexus_state_op_new        (NexusStateOpKind    kind,
                                              const char         *code);
void              _nexus_state_op_free       (NexusStateOp       *op);
NexusStateWriter *_nexus_state_writer_start  (sqlite3            *db,
                                              GMainContext       *context,
                                              GSourceFunc         on_report,
                                              gpointer            user_data);
void              _nexus_state_writer_push   (NexusStateWriter   *writer,
                                              NexusStateBatch    *batch);
GPtrArray        *_nexus_state_writer_take_reports (NexusStateWriter *writer);
void              _nexus_state_writer_stop   (NexusStateWriter   *writer);
void              _nexus_state_batch_free    (NexusStateBatch    *batch);
gboolean          _nexus_state_exec          (sqlite3            *db,
                                              const char         *sql,
                                              GError            **error);

G_END_DECLS
