/* nexus-share-popover-private.h: what the window test reads in the Invite popover
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-share-popover.h"

G_BEGIN_DECLS

GdkTexture *nexus_share_popover_get_qr_texture (NexusSharePopover *self);
const char *nexus_share_popover_get_first_link (NexusSharePopover *self);
GtkSwitch  *nexus_share_popover_get_nearby_switch (NexusSharePopover *self);
AdwEntryRow *nexus_share_popover_get_title_row  (NexusSharePopover *self);
GtkListBox *nexus_share_popover_get_addresses_box (NexusSharePopover *self);
char       *nexus_share_popover_get_findings_text (NexusSharePopover *self);

G_END_DECLS
