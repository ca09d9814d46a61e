/* nexus-message-row.h: one event of the room's log
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-event.h"
#include "nexus-file-cache.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_MESSAGE_ROW (nexus_message_row_get_type ())

G_DECLARE_FINAL_TYPE (NexusMessageRow, nexus_message_row, NEXUS, MESSAGE_ROW, GtkWidget)

GtkWidget  *nexus_message_row_new          (void);
void        nexus_message_row_set_event    (NexusMessageRow *self,
                                            NexusEvent      *event);
void        nexus_message_row_set_own_name (NexusMessageRow *self,
                                            const char      *own_name);
void        nexus_message_row_flash       (NexusMessageRow *self);
void        nexus_message_row_set_file_cache (NexusMessageRow *self,
                                              NexusFileCache  *cache);
/* Markup for @text with its web links made clickable. */
char       *nexus_message_row_linkify      (const char      *text);
/* One of a few colours, always the same for a name. */
void        nexus_message_row_style_name   (GtkWidget       *label,
                                            const char      *name);

G_END_DECLS
