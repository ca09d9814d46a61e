/* nexus-picture-viewer.h: a picture of the room, full size, in a window
 * of its own, with Save… and Open (the default app)
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-file-cache.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_PICTURE_VIEWER (nexus_picture_viewer_get_type ())

G_DECLARE_FINAL_TYPE (NexusPictureViewer, nexus_picture_viewer, NEXUS, PICTURE_VIEWER, AdwWindow)

GtkWindow    *nexus_picture_viewer_new           (NexusFileCache     *cache,
                                                  NexusEvent         *event,
                                                  GtkWindow          *parent);
GdkPaintable *nexus_picture_viewer_get_paintable (NexusPictureViewer *self);

G_END_DECLS
