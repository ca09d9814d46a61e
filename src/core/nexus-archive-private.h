/* nexus-archive-private.h: what the archive and its database thread share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "nexus-archive.h"

G_BEGIN_DECLS

/* PRAGMA application_id: "NXHA". A database without it is not ours. */
#define NEXUS_ARCHIVE_APPLICATION_ID 0x4E584841
/* PRAGMA user_version: the schema in nexus-archive-db.c. */
#define NEXUS_ARCHIVE_SCHEMA_VERSION 1
/* Search hits at most. */
#define NEXUS_ARCHIVE_MAX_HITS 200

typedef enum {
  /* Writes: those waiting together are one transaction */
  NEXUS_ARCHIVE_JOB_BEGIN_ROOM,
  NEXUS_ARCHIVE_JOB_TITLE,
  NEXUS_ARCHIVE_JOB_PEOPLE,
  NEXUS_ARCHIVE_JOB_EVENT,
  NEXUS_ARCHIVE_JOB_UPDATE_EVENT,
  NEXUS_ARCHIVE_JOB_END_ROOM,
  NEXUS_ARCHIVE_JOB_DELETE,        /* key, or every room when NULL; answers task */
  /* Reads, each answering its task */
  NEXUS_ARCHIVE_JOB_LIST,
  NEXUS_ARCHIVE_JOB_LOAD,
  NEXUS_ARCHIVE_JOB_SEARCH,
  NEXUS_ARCHIVE_JOB_EXPORT,
  NEXUS_ARCHIVE_JOB_SYNC,
  /* The thread's own */
  NEXUS_ARCHIVE_JOB_STOP,
} NexusArchiveJobKind;

/* One thing for the thread to do, with copies of everything: the thread
 * owns it. */
typedef struct {
  NexusArchiveJobKind  kind;
  char                *key;
  char                *code;
  char                *host;
  char                *name;        /* own name; an event's sender */
  char                *text;        /* an event's; the title; the search */
  char                *file_name;
  char                *file_type;
  GStrv                people;
  gint64               port;
  gint64               seq;
  gint64               time;        /* µs since the epoch */
  gint64               file_size;
  int                  event_kind;
  gboolean             flag;        /* hosted; edited */
  gboolean             deleted;
  NexusArchiveFormat   format;
  GFile               *file;
  GTask               *task;
  /* What the thread found, returned on the task's context */
  GError              *error;
  GListStore          *result;
  NexusArchiveRoom    *room;
} NexusArchiveJob;

/* The archive's instance, shared by nexus-archive.c and its thread's
 * nexus-archive-thread.c. */
struct _NexusArchive
{
  GObject parent_instance;

  char *path;
  gboolean enabled;
  char *problem;            /* the main loop's copy, for the property */

  GThread *thread;
  GAsyncQueue *queue;       /* NexusArchiveJob */
  GSource *report_source;   /* woken by the thread: changed, or a new problem */

  /* Shared with the thread, under lock */
  GMutex lock;
  gboolean changed;
  gboolean problem_changed;
  char *thread_problem;
  gint use_fts;             /* atomic */
};

static inline gboolean
_nexus_archive_job_is_write (const NexusArchiveJob *job)
{
  return job->kind <= NEXUS_ARCHIVE_JOB_DELETE;
}

/* nexus-archive-thread.c */
void     _nexus_archive_job_free    (NexusArchiveJob *job);
gpointer _nexus_archive_thread_main (gpointer         user_data);

/* nexus-archive-db.c: the thread's side. Opening sets a file it cannot
 * use aside and starts a new one, with a sentence in @set_aside. */
typedef struct _NexusArchiveDb NexusArchiveDb;

NexusArchiveDb *_nexus_archive_db_open     (const char       *path,
                                            char            **set_aside,
                                            GError          **error);
void            _nexus_archive_db_close    (NexusArchiveDb   *db);
gboolean        _nexus_archive_db_has_fts  (NexusArchiveDb   *db);
int             _nexus_archive_db_begin    (NexusArchiveDb   *db);
int             _nexus_archive_db_commit   (NexusArchiveDb   *db);
void            _nexus_archive_db_rollback (NexusArchiveDb   *db);
int             _nexus_archive_db_write    (NexusArchiveDb   *db,
                                            NexusArchiveJob  *job);
GListStore     *_nexus_archive_db_list     (NexusArchiveDb   *db,
                                            const char       *key,
                                            GError          **error);
GListStore     *_nexus_archive_db_load     (NexusArchiveDb   *db,
                                            const char       *key,
                                            NexusArchiveRoom **room,
                                            GError          **error);
GListStore     *_nexus_archive_db_search   (NexusArchiveDb   *db,
                                            const char       *text,
                                            gboolean          use_fts,
                                            GError          **error);

/* For the tests: search with LIKE even where FTS5 is there. */
void            _nexus_archive_set_use_fts (NexusArchive     *self,
                                            gboolean          use);

G_END_DECLS
