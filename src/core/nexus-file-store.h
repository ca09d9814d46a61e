/* nexus-file-store.h: the files of the server's rooms, on disk
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-image-probe.h"
#include "nexus-server-frame.h"

G_BEGIN_DECLS

/* A file id and an upload token: 128 random bits each, as lowercase hex. */
#define NEXUS_FILE_ID_LENGTH                32
/* Files a room holds at most, whatever their sizes (empty ones cost no
 * bytes, but each is a record and a name on disk). */
#define NEXUS_FILE_STORE_MAX_FILES_PER_ROOM 4096

typedef enum {
  NEXUS_FILE_STORE_ERROR_ROOM_FULL,    /* the room's bytes or its number of files */
  NEXUS_FILE_STORE_ERROR_FAILED,       /* the directory could not be made */
} NexusFileStoreError;

#define NEXUS_FILE_STORE_ERROR (nexus_file_store_error_quark ())
GQuark nexus_file_store_error_quark (void);

typedef enum {
  NEXUS_STORED_FILE_RESERVED,    /* a slot: its upload URL not yet used */
  NEXUS_STORED_FILE_RECEIVING,   /* its bytes are arriving */
  NEXUS_STORED_FILE_COMPLETE,    /* every byte is on disk */
  NEXUS_STORED_FILE_SHARED,      /* and its message is in the room */
} NexusStoredFileState;

/* A room's files and what they count against its limits; owned by the
 * store until nexus_file_store_remove_room(). */
typedef struct _NexusFileRoom NexusFileRoom;
/* One upload and, once its bytes are there, one file; owned by its room. */
typedef struct _NexusStoredFile NexusStoredFile;

#define NEXUS_TYPE_FILE_STORE (nexus_file_store_get_type ())

G_DECLARE_FINAL_TYPE (NexusFileStore, nexus_file_store, NEXUS, FILE_STORE, GObject)

/* g_get_user_cache_dir()/nexus-chat/files */
char            *nexus_file_store_default_base     (void);
NexusFileStore  *nexus_file_store_new              (const char       *base,
                                                    GError          **error);
const char      *nexus_file_store_get_directory    (NexusFileStore   *self);
guint            nexus_file_store_get_n_pending_io (NexusFileStore   *self);
guint            nexus_file_store_get_n_slots      (NexusFileStore   *self);
void             nexus_file_store_close            (NexusFileStore   *self);

NexusFileRoom   *nexus_file_store_add_room         (NexusFileStore   *self,
                                                    gpointer          user_data);
void             nexus_file_store_remove_room      (NexusFileStore   *self,
                                                    NexusFileRoom    *room);
NexusStoredFile *nexus_file_store_lookup_token     (NexusFileStore   *self,
                                                    const char       *token);
NexusStoredFile *nexus_file_store_lookup_file      (NexusFileStore   *self,
                                                    const char       *id);
void             nexus_file_store_discard          (NexusFileStore   *self,
                                                    NexusStoredFile  *file);
void             nexus_file_store_delete_bytes     (NexusFileStore   *self,
                                                    NexusStoredFile  *file);
guint            nexus_file_store_expire_slots     (NexusFileStore   *self,
                                                    gint64            now,
                                                    gint64            timeout);

gpointer         nexus_file_room_get_user_data     (NexusFileRoom    *room);
guint64          nexus_file_room_get_used          (NexusFileRoom    *room);
guint            nexus_file_room_get_n_files       (NexusFileRoom    *room);
gboolean         nexus_file_room_take_upload       (NexusFileRoom    *room,
                                                    const char       *owner,
                                                    gint64            now,
                                                    guint             per_minute);
NexusStoredFile *nexus_file_room_reserve           (NexusFileRoom    *room,
                                                    const char       *owner,
                                                    const char       *upload_id,
                                                    const char       *name,
                                                    guint64           size,
                                                    guint64           room_limit,
                                                    gint64            now,
                                                    GError          **error);
NexusStoredFile *nexus_file_room_lookup_upload     (NexusFileRoom    *room,
                                                    const char       *owner,
                                                    const char       *upload_id);
GPtrArray       *nexus_file_room_list_unshared     (NexusFileRoom    *room,
                                                    const char       *owner);
void             nexus_file_room_forget_owner      (NexusFileRoom    *room,
                                                    const char       *owner);

const char          *nexus_stored_file_get_id        (NexusStoredFile *file);
const char          *nexus_stored_file_get_token     (NexusStoredFile *file);
const char          *nexus_stored_file_get_name      (NexusStoredFile *file);
const char          *nexus_stored_file_get_url       (NexusStoredFile *file);
guint64              nexus_stored_file_get_size      (NexusStoredFile *file);
NexusStoredFileState nexus_stored_file_get_state     (NexusStoredFile *file);
NexusFileRoom       *nexus_stored_file_get_room      (NexusStoredFile *file);
const char          *nexus_stored_file_get_upload_id (NexusStoredFile *file);
GFile               *nexus_stored_file_get_file      (NexusStoredFile *file);
gint64               nexus_stored_file_get_reserved_at (NexusStoredFile *file);
void                 nexus_stored_file_begin         (NexusStoredFile *file);
void                 nexus_stored_file_complete      (NexusStoredFile *file,
                                                      const NexusImageInfo *image);
const NexusImageInfo *nexus_stored_file_get_image    (NexusStoredFile *file);
void                 nexus_stored_file_get_info      (NexusStoredFile *file,
                                                      NexusFileInfo   *info);
void                 nexus_stored_file_set_shared    (NexusStoredFile *file,
                                                      gint64           seq,
                                                      gint64           said_at);
gint64               nexus_stored_file_get_shared_seq (NexusStoredFile *file);
gint64               nexus_stored_file_get_said_at   (NexusStoredFile *file);

G_END_DECLS
