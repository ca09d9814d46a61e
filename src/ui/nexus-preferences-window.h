/* nexus-preferences-window.h: the app's preferences: keeping history
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-application.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_PREFERENCES_WINDOW (nexus_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (NexusPreferencesWindow, nexus_preferences_window, NEXUS, PREFERENCES_WINDOW,
                      AdwWindow)

/* Shows the one preferences window, over @parent. */
NexusPreferencesWindow *nexus_preferences_window_present (NexusApplication *application,
                                                          GtkWindow        *parent);

/* For the window test */
GtkSwitch *nexus_preferences_window_get_keep_switch   (NexusPreferencesWindow *self);
GtkWidget *nexus_preferences_window_get_delete_button (NexusPreferencesWindow *self);

G_END_DECLS
