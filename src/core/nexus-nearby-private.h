/* nexus-nearby-private.h: what the files of NexusNearby share
 *
 * nexus-nearby.c browses; nexus-nearby-host.c resolves each host and
 * keeps the rooms it shows; nexus-nearby-find.c looks for the hosts that
 * may hold a code.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-avahi.h"
#include "nexus-discovery-txt.h"
#include "nexus-nearby.h"

G_BEGIN_DECLS

/* One DNS-SD service instance: a host, as Avahi reports it on each
 * interface and protocol. */
typedef struct {
  int interface;
  int protocol;
} NexusNearbyItem;

typedef struct {
  NexusNearby       *nearby;         /* which owns it */
  char              *key;            /* name and domain */
  char              *name;
  char              *domain;
  guint64            order;          /* when it was first seen */
  GArray            *items;          /* NexusNearbyItem */

  /* Its resolver */
  NexusNearbyItem    resolved_item;
  guint              resolve_serial; /* tells a stale ServiceResolverPrepare reply */
  char              *resolver_path;
  gboolean           resolving;      /* from Prepare until it fails or the host goes */
  gboolean           answered;       /* Found or Failure came at least once */
  guint              n_failures;
  guint              retry_id;

  /* What the last Found said; address NULL when it said nothing usable */
  char              *address;        /* with its %zone when link-local */
  guint              port;
  char              *host_name;      /* "ada-laptop.local" */
  char              *computer;       /* "ada-laptop" */
  NexusDiscoveryTxt *txt;
  GPtrArray         *rooms;          /* its NexusNearbyRoom, all in the model too */
} NexusNearbyHostEntry;

struct _NexusNearby
{
  GObject parent_instance;

  NexusAvahiClient     *avahi;
  NexusDiscoveryStatus  status;
  GListStore           *rooms;

  /* This round of browsing, from Avahi appearing to it going */
  guint                 round;
  GCancellable         *round_cancellable;
  char                 *browser_path;
  gboolean              browsing;      /* Start answered */
  gboolean              all_for_now;
  char                 *failure;       /* why Avahi stopped, in English */
  GHashTable           *hosts;         /* key → NexusNearbyHostEntry */
  GHashTable           *resolvers;     /* resolver path → NexusNearbyHostEntry */
  guint64               next_order;

  /* Searches for codes */
  GPtrArray            *finds;
  guint                 next_find_id;
};

/* A reply to a call that made an Avahi object may come after its round,
 * its host or the whole object is over: then the object is freed. */
typedef struct {
  GWeakRef  nearby;
  guint     round;
  char     *owner;
  char     *host_key;    /* for a resolver */
  guint     serial;
} PrepareCall;

PrepareCall *_nexus_nearby_prepare_call_new  (NexusNearby *self,
                                              const char  *host_key,
                                              guint        serial);
void         _nexus_nearby_prepare_call_free (PrepareCall *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PrepareCall, _nexus_nearby_prepare_call_free)

/* Whether a reply belongs to a round that is over. */
gboolean     _nexus_nearby_is_stale          (const GError *error);

/* nexus-nearby-host.c */
NexusNearbyHostEntry *_nexus_nearby_host_new           (NexusNearby          *self,
                                                        const char           *name,
                                                        const char           *domain);
void                  _nexus_nearby_host_free          (NexusNearbyHostEntry *host);
char                 *_nexus_nearby_host_key           (const char           *name,
                                                        const char           *domain);
void                  _nexus_nearby_host_add_item      (NexusNearby           *self,
                                                        NexusNearbyHostEntry  *host,
                                                        const NexusNearbyItem *item);
/* Starts (again) the host's resolver, on its best interface. */
void                  _nexus_nearby_host_resolve       (NexusNearby          *self,
                                                        NexusNearbyHostEntry *host);
void                  _nexus_nearby_host_forget        (NexusNearby          *self,
                                                        NexusNearbyHostEntry *host);
/* Forgets the host and takes it out of the table, which frees it. */
void                  _nexus_nearby_host_remove        (NexusNearby          *self,
                                                        NexusNearbyHostEntry *host);
void                  _nexus_nearby_on_resolver_found   (GDBusConnection *bus,
                                                         const char      *sender,
                                                         const char      *path,
                                                         const char      *interface,
                                                         const char      *member,
                                                         GVariant        *parameters,
                                                         gpointer         user_data);
void                  _nexus_nearby_on_resolver_failure (GDBusConnection *bus,
                                                         const char      *sender,
                                                         const char      *path,
                                                         const char      *interface,
                                                         const char      *member,
                                                         GVariant        *parameters,
                                                         gpointer         user_data);

/* Looks at every search again: some may be answered now. */
void _nexus_nearby_check_finds (NexusNearby *self);
/* Ends every search, as the object goes. */
void _nexus_nearby_clear_finds (NexusNearby *self);

G_END_DECLS
