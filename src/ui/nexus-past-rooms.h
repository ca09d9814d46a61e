/* nexus-past-rooms.h: the rooms this app was in, and a search across them
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-archive.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_PAST_ROOMS (nexus_past_rooms_get_type ())

G_DECLARE_FINAL_TYPE (NexusPastRooms, nexus_past_rooms, NEXUS, PAST_ROOMS, AdwBin)

void        nexus_past_rooms_set_archive     (NexusPastRooms   *self,
                                              NexusArchive     *archive);
/* "Today 10:02", "Yesterday 18:30", "3 March 09:15", "3 March 2025" */
char       *nexus_past_rooms_format_when     (gint64            usec);
/* "Hosted by you · Today 10:02 · Ada, Bob" */
char       *nexus_past_rooms_describe        (NexusArchiveRoom *room);

/* For the window test */
GtkEditable *nexus_past_rooms_get_search_entry (NexusPastRooms *self);
/* The rows shown: the rooms, or the search's hits while it has text. */
guint        nexus_past_rooms_get_n_rows       (NexusPastRooms *self);
gboolean     nexus_past_rooms_is_searching     (NexusPastRooms *self);
/* NULL for the "Show All" row. */
AdwActionRow *nexus_past_rooms_get_row         (NexusPastRooms *self,
                                                guint           index);
/* What a click on a row opens (NULL for "Show All", which shows them). */
GtkWindow   *nexus_past_rooms_activate_row     (NexusPastRooms *self,
                                                guint           index);

G_END_DECLS
