/* nexus-file-view-private.h: what the window test reads in a file of the
 * log, and Save… without its file chooser
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-file-view.h"

G_BEGIN_DECLS

void        nexus_file_view_update             (NexusFileView *self);
void        nexus_file_view_save_to            (NexusFileView *self,
                                                GFile         *destination);
gboolean    nexus_file_view_shows_picture      (NexusFileView *self);
GdkTexture *nexus_file_view_get_texture        (NexusFileView *self);
GtkWidget  *nexus_file_view_get_picture_button (NexusFileView *self);
const char *nexus_file_view_get_progress       (NexusFileView *self);
GtkButton  *nexus_file_view_get_cancel_button  (NexusFileView *self);
gboolean    nexus_file_view_offers_save        (NexusFileView *self);

G_END_DECLS
