/* nexus-room-page.h: the log, the composer, the members and sharing
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-client.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_ROOM_PAGE (nexus_room_page_get_type ())

G_DECLARE_FINAL_TYPE (NexusRoomPage, nexus_room_page, NEXUS, ROOM_PAGE, AdwBin)

void               nexus_room_page_set_client       (NexusRoomPage      *self,
                                                     NexusClient        *client,
                                                     const char * const *links);
NexusClient       *nexus_room_page_get_client       (NexusRoomPage      *self);
void               nexus_room_page_focus_composer   (NexusRoomPage      *self);

G_END_DECLS
