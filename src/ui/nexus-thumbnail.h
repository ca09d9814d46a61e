/* nexus-thumbnail.h: a picture in the log, its size known before it loads
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The box a thumbnail fits in, at most. */
#define NEXUS_THUMBNAIL_MAX_WIDTH  360
#define NEXUS_THUMBNAIL_MAX_HEIGHT 280

#define NEXUS_TYPE_THUMBNAIL (nexus_thumbnail_get_type ())

G_DECLARE_FINAL_TYPE (NexusThumbnail, nexus_thumbnail, NEXUS, THUMBNAIL, GtkWidget)

GtkWidget  *nexus_thumbnail_new          (void);
/* The picture's own size, which sets the thumbnail's shape at once. */
void        nexus_thumbnail_set_size     (NexusThumbnail *self,
                                          int             width,
                                          int             height);
/* What to draw, or NULL for the empty shape while it loads. */
void        nexus_thumbnail_set_texture  (NexusThumbnail *self,
                                          GdkTexture     *texture);
GdkTexture *nexus_thumbnail_get_texture  (NexusThumbnail *self);
/* The size in pixels to decode the picture at for this thumbnail. */
void        nexus_thumbnail_get_decode_size (NexusThumbnail *self,
                                             int            *width,
                                             int            *height);

G_END_DECLS
