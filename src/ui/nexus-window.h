/* nexus-window.h: the main window: home page or room page
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-application.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_WINDOW (nexus_window_get_type ())

G_DECLARE_FINAL_TYPE (NexusWindow, nexus_window, NEXUS, WINDOW, AdwApplicationWindow)

NexusWindow   *nexus_window_new           (NexusApplication *application);
void           nexus_window_open_invite   (NexusWindow      *self,
                                           const char       *invite,
                                           const char       *name);
void           nexus_window_set_name      (NexusWindow      *self,
                                           const char       *name);
void           nexus_window_show_toast    (NexusWindow      *self,
                                           const char       *title);

G_END_DECLS
