/* nexus-home-page-private.h: what the window test reads on Home and types into
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-home-page.h"
#include "nexus-past-rooms.h"

G_BEGIN_DECLS

const char  *nexus_home_page_get_error         (NexusHomePage *self);
GtkEditable *nexus_home_page_get_name_entry    (NexusHomePage *self);
GtkEditable *nexus_home_page_get_invite_entry  (NexusHomePage *self);
GtkEditable *nexus_home_page_get_host_entry    (NexusHomePage *self);
GtkWidget   *nexus_home_page_get_create_button (NexusHomePage *self);
GtkWidget   *nexus_home_page_get_join_button   (NexusHomePage *self);
GtkWidget   *nexus_home_page_get_nearby_list   (NexusHomePage *self);
NexusPastRooms *nexus_home_page_get_past_rooms (NexusHomePage *self);

G_END_DECLS
