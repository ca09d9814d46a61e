/* nexus-file-view.h: the file of a message: a picture, or a card with
 * Save… and Open; the progress of an own file on its way, and of a save
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-event.h"
#include "nexus-file-cache.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_FILE_VIEW (nexus_file_view_get_type ())

G_DECLARE_FINAL_TYPE (NexusFileView, nexus_file_view, NEXUS, FILE_VIEW, GtkWidget)

GtkWidget *nexus_file_view_new       (void);
/* The room's files, for pictures, Save… and Open. */
void       nexus_file_view_set_cache (NexusFileView  *self,
                                      NexusFileCache *cache);
void       nexus_file_view_set_event (NexusFileView  *self,
                                      NexusEvent     *event);

G_END_DECLS
