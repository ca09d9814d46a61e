/* nexus-application.h: the desktop app: actions, command line, the server
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-announcer.h"
#include "nexus-archive.h"
#include "nexus-nearby.h"
#include "nexus-server.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_APPLICATION (nexus_application_get_type ())

G_DECLARE_FINAL_TYPE (NexusApplication, nexus_application, NEXUS, APPLICATION, AdwApplication)

NexusApplication *nexus_application_new           (GApplicationFlags  extra_flags);
GSettings        *nexus_application_get_settings  (NexusApplication  *self);
/* Where hosted rooms listen, as --bind and --port set it. */
void              nexus_application_set_listen    (NexusApplication  *self,
                                                   const char        *bind_address,
                                                   int                port);
NexusServer      *nexus_application_start_server  (NexusApplication  *self,
                                                   GError           **error);
NexusServer      *nexus_application_get_server    (NexusApplication  *self);
void              nexus_application_stop_server   (NexusApplication  *self);
NexusAnnouncer   *nexus_application_get_announcer (NexusApplication  *self);
NexusNearby      *nexus_application_get_nearby    (NexusApplication  *self);
NexusArchive     *nexus_application_get_archive   (NexusApplication  *self);
/* Whether hosted rooms are announced and others looked for (DNS-SD), as
 * --no-discovery sets it; tests turn it off or on. */
void              nexus_application_set_discovery (NexusApplication  *self,
                                                   gboolean           enabled);
void              nexus_application_notify        (NexusApplication  *self,
                                                   const char        *title,
                                                   const char        *body);

/* Sets up gettext for the desktop app (and for tests that build its window). */
void              nexus_application_init_i18n     (void);
/* Runs the desktop app: the window, or the running one presented. */
int               nexus_desktop_run               (int                argc,
                                                   char             **argv);

G_END_DECLS
