/* nexus-application-internal.h: what the parts of NexusApplication share
 *
 * nexus-application.c        the app: actions, the command line, the server
 *                            it hosts on, discovery, notifications
 * nexus-application-state.c  the saved rooms: opening and closing them, and
 *                            the window's own members of them
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-announcer.h"
#include "nexus-application.h"
#include "nexus-host-sessions.h"
#include "nexus-nearby.h"

G_BEGIN_DECLS

struct _NexusApplication
{
  AdwApplication parent_instance;

  /* Owned state */
  GSettings *settings;
  NexusServer *server;
  NexusServerLimits limits;
  int port;
  char *bind_address;
  gboolean no_discovery;      /* --no-discovery: neither announce nor browse */
  NexusAnnouncer *announcer;  /* while hosting, unless --no-discovery */
  NexusNearby *nearby;        /* made when first asked for */

  /* Saved rooms */
  char *state_dir;                /* --state-dir, else the default */
  gboolean no_persistence;        /* --no-persistence */
  GCancellable *opening;
  NexusStateStore *store;         /* once open; NULL without */
  NexusHostSessions *sessions;    /* the window's own members, with the store */
  char *store_unavailable;        /* why rooms are not saved this time, a sentence */
  gboolean state_ready;           /* opened, failed or turned off */

  NexusArchive *archive;          /* past conversations */
};

/* nexus-application-state.c */
void _nexus_application_open_state  (NexusApplication *self);
void _nexus_application_close_state (NexusApplication *self);

G_END_DECLS
