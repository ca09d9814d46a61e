/* nexus-compose-bar.h: above the composer, what it writes: a reply to
 * someone, or an edit, with a way to cancel
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define NEXUS_TYPE_COMPOSE_BAR (nexus_compose_bar_get_type ())

G_DECLARE_FINAL_TYPE (NexusComposeBar, nexus_compose_bar, NEXUS, COMPOSE_BAR, GtkWidget)

/* Shows "@title" and @quote; NULL @title hides the bar. */
void        nexus_compose_bar_show      (NexusComposeBar *self,
                                         const char      *title,
                                         const char      *quote);
const char *nexus_compose_bar_get_title (NexusComposeBar *self);
GtkWidget  *nexus_compose_bar_get_cancel_button (NexusComposeBar *self);

G_END_DECLS
