/* nexus-message-menu.h: what can be done with one message: react, reply,
 * edit, delete, copy
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-event.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_MESSAGE_MENU (nexus_message_menu_get_type ())

G_DECLARE_FINAL_TYPE (NexusMessageMenu, nexus_message_menu, NEXUS, MESSAGE_MENU, GtkPopover)

GtkWidget *nexus_message_menu_new       (void);
/* Fills the menu for @event, with @own_name's reactions marked. */
void       nexus_message_menu_set_event (NexusMessageMenu *self,
                                         NexusEvent       *event,
                                         const char       *own_name);
/* TRUE when @event takes replies and reactions. */
gboolean   nexus_message_menu_can_act   (NexusEvent       *event);
/* The menu's button with @label, for the window test. */
GtkWidget *nexus_message_menu_find      (NexusMessageMenu *self,
                                         const char       *label);

G_END_DECLS
