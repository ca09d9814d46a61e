/* nexus-nearby-room.h: one room a host shows to people nearby
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define NEXUS_TYPE_NEARBY_ROOM (nexus_nearby_room_get_type ())

G_DECLARE_FINAL_TYPE (NexusNearbyRoom, nexus_nearby_room, NEXUS, NEARBY_ROOM, GObject)

/* Properties (read-only, notify when the host updates them): "title",
 * "host-name" (the computer, "ada-laptop"), "n-members", "code" (the
 * room's public nearby code, to `join` with), "address", "port". */
NexusNearbyRoom *nexus_nearby_room_new            (const char *code,
                                                   const char *title,
                                                   const char *host_name,
                                                   guint       n_members,
                                                   const char *address,
                                                   guint       port);
const char      *nexus_nearby_room_get_code       (NexusNearbyRoom *self);
const char      *nexus_nearby_room_get_title      (NexusNearbyRoom *self);
const char      *nexus_nearby_room_get_host_name  (NexusNearbyRoom *self);
guint            nexus_nearby_room_get_n_members  (NexusNearbyRoom *self);
const char      *nexus_nearby_room_get_address    (NexusNearbyRoom *self);
guint            nexus_nearby_room_get_port       (NexusNearbyRoom *self);
/* Updates title and members in place (notifying), for the model's owner. */
void             nexus_nearby_room_update         (NexusNearbyRoom *self,
                                                   const char      *title,
                                                   guint            n_members);

G_END_DECLS
