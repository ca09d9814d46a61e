/* nexus-reactions-bar.h: a message's reactions, each a button to toggle one's own
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-event.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_REACTIONS_BAR (nexus_reactions_bar_get_type ())

G_DECLARE_FINAL_TYPE (NexusReactionsBar, nexus_reactions_bar, NEXUS, REACTIONS_BAR, GtkWidget)

GtkWidget *nexus_reactions_bar_new       (void);
/* @own_name: whose reactions the buttons take away. */
void       nexus_reactions_bar_set_event (NexusReactionsBar *self,
                                          NexusEvent        *event,
                                          const char        *own_name);
/* The button of @emoji, or NULL when nobody reacted with it. */
GtkWidget *nexus_reactions_bar_get_button (NexusReactionsBar *self,
                                           const char        *emoji);

G_END_DECLS
