/* nexus-message-row-private.h: what the window test reads in a row of the log
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-file-view-private.h"
#include "nexus-message-menu.h"
#include "nexus-message-row.h"
#include "nexus-reactions-bar.h"

G_BEGIN_DECLS

NexusEvent    *nexus_message_row_get_event     (NexusMessageRow *self);
NexusFileView *nexus_message_row_get_file_view (NexusMessageRow *self);
NexusReactionsBar *nexus_message_row_get_reactions (NexusMessageRow *self);
GtkWidget     *nexus_message_row_get_quote_button (NexusMessageRow *self);
GtkWidget     *nexus_message_row_get_reply_button (NexusMessageRow *self);
NexusMessageMenu *nexus_message_row_open_menu   (NexusMessageRow *self);
const char    *nexus_message_row_get_shown_text (NexusMessageRow *self);
gboolean       nexus_message_row_shows_edited  (NexusMessageRow *self);
gboolean       nexus_message_row_shows_divider (NexusMessageRow *self);
GtkWidget     *nexus_message_row_get_bubble    (NexusMessageRow *self);
gboolean       nexus_message_row_is_flashing   (NexusMessageRow *self);
NexusMessageMenu *nexus_message_row_get_context_menu (NexusMessageRow *self);

G_END_DECLS
