/* nexus-conversation.h: what the room page does with replies, edits,
 * deletes, reactions, mentions and unread messages
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-client.h"
#include "nexus-compose-bar.h"
#include "nexus-mention-popover.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_CONVERSATION (nexus_conversation_get_type ())

G_DECLARE_FINAL_TYPE (NexusConversation, nexus_conversation, NEXUS, CONVERSATION, GObject)

/* Puts the `conv.` actions on @page; the widgets are @page's. */
NexusConversation *nexus_conversation_new          (GtkWidget         *page,
                                                    GtkTextView       *composer,
                                                    NexusComposeBar   *bar,
                                                    GtkListView       *list_view);
void               nexus_conversation_set_client   (NexusConversation *self,
                                                    NexusClient       *client);
/* TRUE while the composer writes a reply or an edit. */
gboolean           nexus_conversation_is_composing (NexusConversation *self);
/* Sends @text as the reply or the edit; TRUE when it went (the
 * composer is then emptied). */
gboolean           nexus_conversation_send         (NexusConversation *self,
                                                    const char        *text);
/* A key in the composer, before anything else sees it: TRUE when taken. */
gboolean           nexus_conversation_key_pressed  (NexusConversation *self,
                                                    guint              keyval,
                                                    GdkModifierType    state);

/* For the window test */
NexusEvent          *nexus_conversation_get_target   (NexusConversation *self);
NexusMentionPopover *nexus_conversation_get_mentions (NexusConversation *self);
gint64               nexus_conversation_get_jumped_to (NexusConversation *self);

G_END_DECLS
