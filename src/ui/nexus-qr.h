/* nexus-qr.h: QR codes as crisp textures
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define NEXUS_QR_QUIET_ZONE 4

GdkTexture *nexus_qr_texture_new (const char *text,
                                  int         target_size);

G_END_DECLS
