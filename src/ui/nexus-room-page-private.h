/* nexus-room-page-private.h: what the window test sees in a room and types into
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-attach.h"
#include "nexus-conversation.h"
#include "nexus-room-page.h"
#include "nexus-share-popover.h"

G_BEGIN_DECLS

GtkTextView       *nexus_room_page_get_composer        (NexusRoomPage *self);
GtkListView       *nexus_room_page_get_list_view       (NexusRoomPage *self);
GtkScrolledWindow *nexus_room_page_get_scrolled_window (NexusRoomPage *self);
NexusSharePopover *nexus_room_page_get_share_popover   (NexusRoomPage *self);
GtkMenuButton     *nexus_room_page_get_share_button    (NexusRoomPage *self);
GtkMenuButton     *nexus_room_page_get_members_button  (NexusRoomPage *self);
const char        *nexus_room_page_get_title           (NexusRoomPage *self);
const char        *nexus_room_page_get_subtitle        (NexusRoomPage *self);
const char        *nexus_room_page_get_banner          (NexusRoomPage *self);
const char        *nexus_room_page_get_typing          (NexusRoomPage *self);
GtkWidget         *nexus_room_page_get_jump_button     (NexusRoomPage *self);
NexusAttach       *nexus_room_page_get_attach          (NexusRoomPage *self);
GtkWidget         *nexus_room_page_get_attach_button   (NexusRoomPage *self);
GtkRevealer       *nexus_room_page_get_drop_hint       (NexusRoomPage *self);
NexusConversation *nexus_room_page_get_conversation    (NexusRoomPage *self);
NexusComposeBar   *nexus_room_page_get_compose_bar     (NexusRoomPage *self);

G_END_DECLS
