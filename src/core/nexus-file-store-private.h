/* nexus-file-store-private.h: what the store and its rooms share
 *
 * NexusFileStore (nexus-file-store.c) is the directory and the tables of
 * secrets; a NexusFileRoom and its NexusStoredFile records
 * (nexus-file-room.c) are what one room holds against its limits.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-file-store.h"

G_BEGIN_DECLS

struct _NexusStoredFile {
  NexusFileRoom        *room;
  char                 *id;
  char                 *token;         /* found in the store's table while RESERVED */
  char                 *name;
  char                 *url;
  char                 *owner;
  char                 *upload_id;
  guint64               size;
  NexusStoredFileState  state;
  gint64                reserved_at;   /* monotonic µs */
  NexusImageInfo        image;
  gint64                shared_seq;
  gint64                said_at;       /* real time, µs */
  GFile                *file;
};

struct _NexusFileRoom {
  NexusFileStore *store;
  gpointer        user_data;
  GHashTable     *files;      /* digest of the id → NexusStoredFile, owned */
  GHashTable     *uploads;    /* "owner\nupload id" → NexusStoredFile */
  GHashTable     *grants;     /* owner → GArray of monotonic µs */
  guint64         used;
};

struct _NexusFileStore {
  GObject     parent_instance;

  char       *base;
  char       *directory;
  int         lock_fd;
  GHashTable *tokens;         /* digest of the token → NexusStoredFile */
  GHashTable *ids;            /* digest of the id → NexusStoredFile */
  GPtrArray  *rooms;          /* NexusFileRoom, owned */
  guint       n_pending_io;
  gboolean    closed;
};

/* Tokens and ids are secrets: tables are keyed by their SHA-256. */
char          *_nexus_file_store_secret_key (const char     *secret);
char          *_nexus_file_room_upload_key  (const char     *owner,
                                             const char     *upload_id);
NexusFileRoom *_nexus_file_room_new         (NexusFileStore *store,
                                             gpointer        user_data);
void           _nexus_file_room_free        (NexusFileRoom  *room);

G_END_DECLS
