/* nexus-nearby.h: hosts and rooms on the local network
 *
 * Browses `_nexus-chat._tcp` with DNS-SD through Avahi over D-Bus and
 * resolves each host it sees. It answers two questions: which hosts may
 * hold a given room code (only those whose TXT digest matches are asked),
 * and which rooms their hosts chose to show to people nearby, as a live
 * GListModel of NexusNearbyRoom.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-announcer.h"   /* NexusDiscoveryStatus */
#include "nexus-nearby-room.h"

G_BEGIN_DECLS

typedef enum {
  NEXUS_NEARBY_ERROR_NOT_FOUND,     /* browsed, and no host on the network holds that code */
  NEXUS_NEARBY_ERROR_UNAVAILABLE,   /* no Avahi: cannot look at all */
  NEXUS_NEARBY_ERROR_BAD_CODE,      /* not a room code */
} NexusNearbyError;

#define NEXUS_NEARBY_ERROR (nexus_nearby_error_quark ())
GQuark nexus_nearby_error_quark (void);

/* How long a search for a code waits for hosts to answer, at most. */
#define NEXUS_NEARBY_FIND_TIMEOUT_MS 4000
/* Hosts a search returns at most: a host that claims every code learns
 * no more than a few of the codes people look for. */
#define NEXUS_NEARBY_MAX_ASKED       3
/* Hosts kept at once; services beyond are not looked at. */
#define NEXUS_NEARBY_MAX_HOSTS       64

/* One host that may hold a code: where to connect. */
typedef struct {
  char  *address;     /* an IP address literal: "192.168.1.20" (IPv6 link-local with its %zone) */
  guint  port;
  char  *host_name;   /* the computer's mDNS name, "ada-laptop.local" */
} NexusNearbyHost;

void nexus_nearby_host_free (NexusNearbyHost *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusNearbyHost, nexus_nearby_host_free)

#define NEXUS_TYPE_NEARBY (nexus_nearby_get_type ())

G_DECLARE_FINAL_TYPE (NexusNearby, nexus_nearby, NEXUS, NEARBY, GObject)

/* Starts browsing at once; stops when the last reference is dropped. */
NexusNearby          *nexus_nearby_new          (void);
/* "status" is a notifying property. */
NexusDiscoveryStatus  nexus_nearby_get_status   (NexusNearby  *self);
const char           *nexus_nearby_get_message  (NexusNearby  *self);
/* The rooms shown to people nearby, of every host seen; a live model of
 * NexusNearbyRoom, sorted by title; items come and go as rooms do. */
GListModel           *nexus_nearby_get_rooms    (NexusNearby  *self);
/* How many hosts are known now (at most NEXUS_NEARBY_MAX_HOSTS). */
guint                 nexus_nearby_get_n_hosts  (NexusNearby  *self);

/* Finds the hosts that may hold @code (any spelling nexus_code_normalize()
 * accepts): waits until Avahi has reported every host it knows and they are
 * resolved, or NEXUS_NEARBY_FIND_TIMEOUT_MS. Returns a GPtrArray of
 * NexusNearbyHost, best first, never empty: no match is the error NOT_FOUND. */
void                  nexus_nearby_find_code_async  (NexusNearby         *self,
                                                     const char          *code,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GPtrArray            *nexus_nearby_find_code_finish (NexusNearby         *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
