/* nexus-file-cache.h: a room's files on this computer, for the window:
 * copies in the cache directory, and pictures ready to draw
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-client.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_FILE_CACHE (nexus_file_cache_get_type ())

G_DECLARE_FINAL_TYPE (NexusFileCache, nexus_file_cache, NEXUS, FILE_CACHE, GObject)

NexusFileCache *nexus_file_cache_new                (NexusClient          *client);
NexusClient    *nexus_file_cache_get_client         (NexusFileCache       *self);
/* The original of an own file, so its picture needs no download. */
void            nexus_file_cache_remember_local     (NexusFileCache       *self,
                                                     NexusEvent           *event,
                                                     GFile                *file);

/* A copy of @event's file on this computer: the own original, or one
 * downloaded into the cache directory (once, however many ask). */
void            nexus_file_cache_fetch_async        (NexusFileCache       *self,
                                                     NexusEvent           *event,
                                                     GCancellable         *cancellable,
                                                     NexusDownloadProgress progress,
                                                     gpointer              progress_data,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GFile          *nexus_file_cache_fetch_finish       (NexusFileCache       *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* @event's picture, decoded off the main thread to fit @width × @height
 * pixels (0 × 0: as it is, up to a limit). */
void            nexus_file_cache_load_picture_async (NexusFileCache       *self,
                                                     NexusEvent           *event,
                                                     int                   width,
                                                     int                   height,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GdkTexture     *nexus_file_cache_load_picture_finish (NexusFileCache      *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
/* A picture loaded before at that size, or NULL. */
GdkTexture     *nexus_file_cache_lookup_picture     (NexusFileCache       *self,
                                                     NexusEvent           *event,
                                                     int                   width,
                                                     int                   height);

/* Saving and opening, which the window shows with a progress bar: one at
 * a time per file, told by the signal "transfer-changed" with the event's
 * id as it starts, moves and ends. */
void            nexus_file_cache_save_async         (NexusFileCache       *self,
                                                     NexusEvent           *event,
                                                     GFile                *destination,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean        nexus_file_cache_save_finish        (NexusFileCache       *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
/* A copy on this computer to open, fetched with its progress shown. */
void            nexus_file_cache_open_async         (NexusFileCache       *self,
                                                     NexusEvent           *event,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GFile          *nexus_file_cache_open_finish        (NexusFileCache       *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
gboolean        nexus_file_cache_get_transfer       (NexusFileCache       *self,
                                                     NexusEvent           *event,
                                                     goffset              *received,
                                                     goffset              *total);
void            nexus_file_cache_cancel_transfer    (NexusFileCache       *self,
                                                     NexusEvent           *event);

/* Any picture file decoded off the main thread to fit @width × @height:
 * what a picture about to be sent looks like. */
void            nexus_file_cache_decode_file_async  (GFile                *file,
                                                     int                   width,
                                                     int                   height,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GdkTexture     *nexus_file_cache_decode_file_finish (GAsyncResult         *result,
                                                     GError              **error);

/* This cache's own directory (made when first needed): what a page keeps
 * of its room goes there, pasted pictures too. */
const char     *nexus_file_cache_get_directory      (NexusFileCache       *self);

/* The cache directory's part for received files. */
char           *nexus_file_cache_get_base           (void);

G_END_DECLS
