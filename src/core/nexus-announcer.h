/* nexus-announcer.h: tells the local network that this host serves rooms
 *
 * Announces the server with DNS-SD through the system's Avahi daemon, over
 * D-Bus (org.freedesktop.Avahi, the system bus), as one `_nexus-chat._tcp`
 * service on the server's port, and keeps its TXT record up to date as
 * rooms come and go (salted digests of the codes, the rooms shown to people
 * nearby). Without Avahi it says so through its status and nothing else
 * changes; when Avahi appears later (or restarts) it announces again.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-server.h"

G_BEGIN_DECLS

typedef enum {
  NEXUS_DISCOVERY_STARTING,     /* asking Avahi */
  NEXUS_DISCOVERY_RUNNING,      /* announced / browsing */
  NEXUS_DISCOVERY_UNAVAILABLE,  /* no system bus, Avahi not installed, not running, or not reachable */
  NEXUS_DISCOVERY_FAILED,       /* Avahi refused (see the error message) */
} NexusDiscoveryStatus;

#define NEXUS_TYPE_DISCOVERY_STATUS (nexus_discovery_status_get_type ())
GType nexus_discovery_status_get_type (void);

#define NEXUS_TYPE_ANNOUNCER (nexus_announcer_get_type ())

G_DECLARE_FINAL_TYPE (NexusAnnouncer, nexus_announcer, NEXUS, ANNOUNCER, GObject)

/* Starts announcing @server (which must be listening) at once; stops
 * (withdraws the service) when the last reference is dropped. */
NexusAnnouncer       *nexus_announcer_new            (NexusServer    *server);
/* "status" is a notifying property. */
NexusDiscoveryStatus  nexus_announcer_get_status     (NexusAnnouncer *self);
/* A sentence for a person when the status is UNAVAILABLE or FAILED, else NULL. */
const char           *nexus_announcer_get_message    (NexusAnnouncer *self);
/* Why, in English, for logs and the headless mode: the same cases as
 * get_message(), else NULL. */
const char           *nexus_announcer_get_reason     (NexusAnnouncer *self);
/* The service name Avahi accepted (after collisions), or NULL. */
const char           *nexus_announcer_get_service_name (NexusAnnouncer *self);

G_END_DECLS
