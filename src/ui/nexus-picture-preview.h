/* nexus-picture-preview.h: a picture about to be sent, with Send and
 * Cancel
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NEXUS_TYPE_PICTURE_PREVIEW (nexus_picture_preview_get_type ())

G_DECLARE_FINAL_TYPE (NexusPicturePreview, nexus_picture_preview, NEXUS, PICTURE_PREVIEW,
                      AdwWindow)

/* The signal "response" (gboolean send) says what the person chose; the
 * window then closes. Closing it otherwise is Cancel. */
GtkWindow  *nexus_picture_preview_new      (GtkWindow           *parent,
                                            GdkTexture          *texture,
                                            const char          *name,
                                            gint64               size);
void        nexus_picture_preview_respond  (NexusPicturePreview *self,
                                            gboolean             send);
const char *nexus_picture_preview_get_name (NexusPicturePreview *self);

G_END_DECLS
