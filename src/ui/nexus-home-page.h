/* nexus-home-page.h: pick a name, then create a room or join one
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-archive.h"
#include "nexus-nearby.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_HOME_PAGE (nexus_home_page_get_type ())

G_DECLARE_FINAL_TYPE (NexusHomePage, nexus_home_page, NEXUS, HOME_PAGE, AdwBin)

void        nexus_home_page_set_name      (NexusHomePage *self,
                                           const char    *name);
const char *nexus_home_page_get_name      (NexusHomePage *self);
void        nexus_home_page_set_invite    (NexusHomePage *self,
                                           const char    *invite);
void        nexus_home_page_set_busy      (NexusHomePage *self,
                                           gboolean       busy);
void        nexus_home_page_set_progress  (NexusHomePage *self,
                                           const char    *label);
void        nexus_home_page_set_error     (NexusHomePage *self,
                                           const char    *sentence);
void        nexus_home_page_ask_for_host  (NexusHomePage *self,
                                           const char    *sentence);
void        nexus_home_page_set_nearby    (NexusHomePage *self,
                                           NexusNearby   *nearby);
void        nexus_home_page_set_archive   (NexusHomePage *self,
                                           NexusArchive  *archive);
void        nexus_home_page_focus         (NexusHomePage *self);
gboolean    nexus_home_page_activate_join (NexusHomePage *self);

G_END_DECLS
