/* nexus-window-private.h: what the window test reads in the window
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-client.h"
#include "nexus-home-page.h"
#include "nexus-reopen-offer.h"
#include "nexus-room-page.h"
#include "nexus-window.h"

G_BEGIN_DECLS

NexusClient   *nexus_window_get_client    (NexusWindow *self);
gboolean       nexus_window_is_hosting    (NexusWindow *self);
NexusHomePage *nexus_window_get_home_page (NexusWindow *self);
NexusRoomPage *nexus_window_get_room_page (NexusWindow *self);
const char    *nexus_window_get_page_name (NexusWindow *self);
NexusReopenOffer *nexus_window_get_reopen_offer (NexusWindow *self);
const char    *nexus_window_get_toast     (NexusWindow *self);

G_END_DECLS
