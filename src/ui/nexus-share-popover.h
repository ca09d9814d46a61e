/* nexus-share-popover.h: the room code, invite links and a QR code
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-announcer.h"
#include "nexus-server.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_SHARE_POPOVER (nexus_share_popover_get_type ())

G_DECLARE_FINAL_TYPE (NexusSharePopover, nexus_share_popover, NEXUS, SHARE_POPOVER, GtkPopover)

void        nexus_share_popover_set_room        (NexusSharePopover  *self,
                                                 const char         *code,
                                                 const char * const *links);
void        nexus_share_popover_set_host        (NexusSharePopover  *self,
                                                 NexusServer        *server,
                                                 NexusAnnouncer     *announcer,
                                                 const char         *title);
void        nexus_share_popover_copy_link       (NexusSharePopover  *self,
                                                 guint               index);

G_END_DECLS
