/* nexus-nearby-list.h: the rooms people nearby show, to join with a click
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-nearby.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_NEARBY_LIST (nexus_nearby_list_get_type ())

G_DECLARE_FINAL_TYPE (NexusNearbyList, nexus_nearby_list, NEXUS, NEARBY_LIST, AdwBin)

/* Shows @nearby's rooms and says when it cannot look; NULL (discovery
 * turned off) hides the whole list. The signal "room-activated" carries
 * the NexusNearbyRoom a person picked. */
void        nexus_nearby_list_set_nearby (NexusNearbyList *self,
                                          NexusNearby     *nearby);
/* For tests: the list's rows, and the sentence shown instead of rooms. */
GtkListBox *nexus_nearby_list_get_list_box (NexusNearbyList *self);
const char *nexus_nearby_list_get_status   (NexusNearbyList *self);

G_END_DECLS
