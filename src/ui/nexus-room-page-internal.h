/* nexus-room-page-internal.h: what the parts of NexusRoomPage share
 *
 * nexus-room-page.c        the page: the log and following its end, the
 *                          composer, files, the client it shows
 * nexus-room-page-state.c  what the room's state shows: the header's title
 *                          and count, the members, the banner, who is typing
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-file-cache.h"
#include "nexus-room-page-private.h"

G_BEGIN_DECLS

struct _NexusRoomPage
{
  AdwBin parent_instance;

  /* Owned state */
  NexusClient *client;
  NexusFileCache *file_cache;
  NexusAttach *attach;
  GListModel *events;
  GHashTable *typing;         /* name → gint64* until when it shows */
  guint typing_timeout_id;
  gboolean follow;            /* stay at the newest event */
  gboolean scrolling;         /* the page itself moves the view */
  double last_value;
  guint scroll_tick_id;
  guint scroll_passes;
  NexusConversation *conversation;  /* replies, edits, reactions, mentions, unread */
  GtkWidget *share_content;   /* Invite's icon and label, kept while narrow shows the icon only */
  gboolean narrow;            /* the header shows Invite as an icon only */
  guint narrow_idle_id;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkWidget *leave_button;
  GtkMenuButton *share_button;
  NexusSharePopover *share_popover;
  AdwButtonContent *share_button_content;
  GtkMenuButton *members_button;
  GtkLabel *members_heading;
  GtkListBox *members_list;
  GtkRevealer *banner_revealer;
  GtkWidget *banner;
  GtkSpinner *banner_spinner;
  GtkLabel *banner_label;
  GtkWidget *banner_button;
  GtkWidget *log_overlay;
  GtkRevealer *drop_revealer;
  GtkScrolledWindow *scrolled_window;
  GtkListView *list_view;
  GtkRevealer *jump_revealer;
  GtkWidget *jump_button;
  GtkRevealer *typing_revealer;
  GtkLabel *typing_label;
  NexusComposeBar *compose_bar;
  GtkWidget *composer_bar;
  GtkWidget *attach_button;
  GtkTextView *composer;
  GtkWidget *placeholder;
  GtkWidget *send_button;
};

/* nexus-room-page-state.c */
void _nexus_room_page_watch_state  (NexusRoomPage *self,
                                    NexusClient   *client);
void _nexus_room_page_show_state   (NexusRoomPage *self);
void _nexus_room_page_clear_typing (NexusRoomPage *self);

G_END_DECLS
