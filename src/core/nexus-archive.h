/* nexus-archive.h: every room this app was in, kept in a database
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-archive-event.h"
#include "nexus-archive-room.h"
#include "nexus-event.h"

G_BEGIN_DECLS

/* The database in the app's data directory; SQLite adds "-wal" and
 * "-shm" beside it. */
#define NEXUS_ARCHIVE_FILE_NAME "history.sqlite"

typedef enum {
  NEXUS_ARCHIVE_ERROR_NOT_FOUND,   /* no such room in the archive */
  NEXUS_ARCHIVE_ERROR_FAILED,      /* the database or a file could not be used */
} NexusArchiveError;

#define NEXUS_ARCHIVE_ERROR (nexus_archive_error_quark ())
GQuark nexus_archive_error_quark (void);

typedef enum {
  NEXUS_ARCHIVE_FORMAT_HTML,
  NEXUS_ARCHIVE_FORMAT_TEXT,
  NEXUS_ARCHIVE_FORMAT_JSON,
} NexusArchiveFormat;

#define NEXUS_TYPE_ARCHIVE (nexus_archive_get_type ())

G_DECLARE_FINAL_TYPE (NexusArchive, nexus_archive, NEXUS, ARCHIVE, GObject)

char         *nexus_archive_default_path  (void);
NexusArchive *nexus_archive_new           (const char     *path);
const char   *nexus_archive_get_path      (NexusArchive   *self);
gboolean      nexus_archive_get_enabled   (NexusArchive   *self);
void          nexus_archive_set_enabled   (NexusArchive   *self,
                                           gboolean        enabled);
const char   *nexus_archive_get_problem   (NexusArchive   *self);

/* Recording: in order, off the main loop, nothing while disabled. A room
 * is named by its @key (nexus_archive_room_key()); an event by its room
 * and seq, so a later change to it (edited, deleted) finds it. */
char         *nexus_archive_room_key      (const char     *code,
                                           const char     *host,
                                           guint           port);
void          nexus_archive_begin_room    (NexusArchive   *self,
                                           const char     *key,
                                           const char     *code,
                                           const char     *host,
                                           guint           port,
                                           const char     *own_name,
                                           gboolean        hosted);
void          nexus_archive_set_title     (NexusArchive   *self,
                                           const char     *key,
                                           const char     *title);
void          nexus_archive_set_people    (NexusArchive   *self,
                                           const char     *key,
                                           const char * const *people);
void          nexus_archive_add_event     (NexusArchive   *self,
                                           const char     *key,
                                           NexusEvent     *event);
void          nexus_archive_update_event  (NexusArchive   *self,
                                           const char     *key,
                                           gint64          seq,
                                           const char     *text,
                                           gboolean        edited,
                                           gboolean        deleted);
void          nexus_archive_end_room      (NexusArchive   *self,
                                           const char     *key);

/* Reading, each answered on the caller's main context after everything
 * recorded before it is written. The models hold NexusArchiveRoom
 * (newest first) and NexusArchiveEvent (in seq order; search hits newest
 * first). */
void          nexus_archive_list_rooms_async  (NexusArchive        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel   *nexus_archive_list_rooms_finish (NexusArchive        *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void          nexus_archive_load_async        (NexusArchive        *self,
                                               const char          *key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel   *nexus_archive_load_finish       (NexusArchive        *self,
                                               GAsyncResult        *result,
                                               NexusArchiveRoom   **room,
                                               GError             **error);
void          nexus_archive_search_async      (NexusArchive        *self,
                                               const char          *text,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GListModel   *nexus_archive_search_finish     (NexusArchive        *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void          nexus_archive_export_async      (NexusArchive        *self,
                                               const char          *key,
                                               NexusArchiveFormat   format,
                                               GFile               *destination,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      nexus_archive_export_finish     (NexusArchive        *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* @key NULL deletes every room. */
void          nexus_archive_delete_async      (NexusArchive        *self,
                                               const char          *key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      nexus_archive_delete_finish     (NexusArchive        *self,
                                               GAsyncResult        *result,
                                               GError             **error);
/* Answers once everything asked before it is done. */
void          nexus_archive_sync_async        (NexusArchive        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      nexus_archive_sync_finish       (NexusArchive        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* A room's transcript as a file's contents (nexus-archive-export.c). */
char         *nexus_archive_format_transcript (NexusArchiveRoom    *room,
                                               GListModel          *events,
                                               NexusArchiveFormat   format);
const char   *nexus_archive_format_extension  (NexusArchiveFormat   format);
char         *nexus_archive_export_file_name  (NexusArchiveRoom    *room,
                                               NexusArchiveFormat   format);

G_END_DECLS
