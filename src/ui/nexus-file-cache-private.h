/* nexus-file-cache-private.h: what the parts of NexusFileCache share
 *
 * nexus-file-cache.c            the object, names on disk, downloads into it
 * nexus-file-cache-pictures.c   pictures decoded to the size they are shown at
 * nexus-file-cache-transfers.c  saving and opening, with their progress
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-file-cache.h"

G_BEGIN_DECLS

struct _NexusFileCache
{
  GObject parent_instance;

  NexusClient *client;
  char *directory;           /* received/RANDOM */
  GHashTable *local;         /* event id → GFile, own originals */
  GHashTable *fetched;       /* file url → GFile on disk */
  GHashTable *fetching;      /* file url → Fetch */
  GHashTable *pictures;      /* "id url WxH" → GdkTexture */
  GQueue picture_order;      /* their keys, oldest first */
  GHashTable *transfers;     /* event id → NexusFileTransfer: saving or opening */
};

/* A save or an open under way, as the window shows it. */
typedef struct {
  NexusFileCache *cache;     /* NULL once the cache is gone */
  char *id;                  /* the event's, and the key in the table */
  goffset received;
  goffset total;
  GCancellable *cancellable;
} NexusFileTransfer;

/* nexus-file-cache.c */
void _nexus_file_cache_transfer_changed (NexusFileCache    *self,
                                         const char        *id);

/* nexus-file-cache-transfers.c */
void _nexus_file_transfer_free          (NexusFileTransfer *transfer);
void _nexus_file_cache_transfers_stop   (NexusFileCache    *self);

G_END_DECLS
