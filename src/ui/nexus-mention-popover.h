/* nexus-mention-popover.h: typing `@` in the composer offers the members' names
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-client.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_MENTION_POPOVER (nexus_mention_popover_get_type ())

G_DECLARE_FINAL_TYPE (NexusMentionPopover, nexus_mention_popover, NEXUS, MENTION_POPOVER,
                      GtkPopover)

/* A popover of @composer, which it watches. */
NexusMentionPopover *nexus_mention_popover_new        (GtkTextView         *composer);
void                 nexus_mention_popover_set_client (NexusMentionPopover *self,
                                                       NexusClient         *client);
/* A key pressed in the composer: TRUE when the popover took it. */
gboolean             nexus_mention_popover_key_pressed (NexusMentionPopover *self,
                                                        guint                keyval,
                                                        GdkModifierType      state);
/* The names offered now, NULL when nothing is offered. */
GStrv                nexus_mention_popover_get_names  (NexusMentionPopover *self);

G_END_DECLS
