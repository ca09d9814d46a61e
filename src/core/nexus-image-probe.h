/* nexus-image-probe.h: which pictures a file is, by its magic bytes
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How much of a file's beginning the probe looks at, at most: a JPEG
 * whose size lies further in (behind very large metadata) is a file. */
#define NEXUS_IMAGE_PROBE_BYTES (1024 * 1024)

typedef enum {
  NEXUS_IMAGE_NONE,
  NEXUS_IMAGE_PNG,
  NEXUS_IMAGE_JPEG,
  NEXUS_IMAGE_GIF,
  NEXUS_IMAGE_WEBP,
} NexusImageKind;

typedef struct {
  NexusImageKind kind;
  guint32        width;    /* pixels, 1 or more for a picture */
  guint32        height;
} NexusImageInfo;

/* Reads the first @length bytes of a file. TRUE, with @info filled in,
 * when they begin a PNG, JPEG, GIF or WebP picture whose width and height
 * could be read; FALSE (and NEXUS_IMAGE_NONE) otherwise. Any bytes are
 * safe here: nothing is read beyond @length. */
gboolean    nexus_image_probe         (const guint8   *data,
                                       gsize           length,
                                       NexusImageInfo *info);
/* "image/png" and so on; "application/octet-stream" for NEXUS_IMAGE_NONE. */
const char *nexus_image_kind_to_mime  (NexusImageKind  kind);

G_END_DECLS
