/* nexus-share-popover-private.h: what the window test reads in the Invite popover
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-share-popover.h"

G_BEGIN_DECLS

GdkTexture *nexus_share_popover_get_qr_texture (NexusSharePopover *self);
const char *nexus_share_popover_get_first_link (NexusSharePopover *self);

G_END_DECLS
