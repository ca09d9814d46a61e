/* nexus-application.h: the desktop app: actions, command line, the server
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-announcer.h"
#include "nexus-archive.h"
#include "nexus-host-sessions.h"
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
/* Saved rooms: hosted rooms survive a crash, and are offered again */
void              nexus_application_set_state_dir (NexusApplication  *self,
                                                   const char        *directory);
gboolean          nexus_application_is_state_ready (NexusApplication *self);
NexusStateStore  *nexus_application_get_state_store (NexusApplication *self);
const char       *nexus_application_get_state_unavailable (NexusApplication *self);
NexusServer      *nexus_application_reopen_room   (NexusApplication  *self,
                                                   const char        *code,
                                                   GError           **error);
void              nexus_application_discard_saved_room (NexusApplication *self,
                                                        const char       *code);
void              nexus_application_keep_host_session (NexusApplication *self,
                                                       const char       *code,
                                                       const char       *name,
                                                       const char       *session);
gboolean          nexus_application_lookup_host_session (NexusApplication  *self,
                                                         const char        *code,
                                                         char             **name,
                                                         char             **session);
NexusHostSessions *nexus_application_get_host_sessions (NexusApplication *self);
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
