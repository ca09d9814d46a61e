/* nexus-fake-avahi.h: a test double of the system's Avahi daemon
 *
 * A private dbus-daemon that this process takes for its system bus
 * (DBUS_SYSTEM_BUS_ADDRESS), and on it, when asked, org.freedesktop.Avahi:
 * the part of Avahi's D-Bus API that Nexus Chat uses (Server2's
 * EntryGroupNew, ServiceBrowserPrepare, ServiceResolverPrepare,
 * GetAlternativeServiceName; entry groups, service browsers and service
 * resolvers), served from a thread of its own, so tests that run the
 * default main context, the window's included, can use it.
 *
 * Services every entry group publishes are seen by every browser on the
 * bus (ItemNew, ItemRemove, AllForNow); a resolver answers Found with the
 * publisher's address (127.0.0.1 for this computer), port and TXT, and
 * again whenever the TXT changes, as Avahi does. "Another computer" is a
 * peer: a connection of its own with a host name and an address, whose
 * services may say anything, hostile ones included.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* This computer, as the fake Avahi calls it. */
#define NEXUS_FAKE_AVAHI_HOST_NAME "nexus-fake"

typedef struct _NexusFakeAvahi NexusFakeAvahi;
typedef struct _NexusFakeAvahiPeer NexusFakeAvahiPeer;

/* Points the process's system bus (DBUS_SYSTEM_BUS_ADDRESS) at the path
 * where every fake's bus listens, once: a process that has not started a
 * fake, or whose fake has ended, has no system bus at all. */
void                nexus_fake_avahi_point_system_bus  (void);
/* Starts the bus and points the process's system bus at it; Avahi is on it
 * at once when @running, else only after nexus_fake_avahi_start(). Nothing
 * else may hold the system bus connection of an earlier fake. */
NexusFakeAvahi     *nexus_fake_avahi_new               (gboolean            running);
/* The same on a bus the test already has (a GTestDBus, say, that also
 * serves other fakes), which must be the process's system bus: the test
 * keeps the bus and DBUS_SYSTEM_BUS_ADDRESS its own business. */
NexusFakeAvahi     *nexus_fake_avahi_new_on_bus        (const char         *address,
                                                        gboolean            running);
/* Stops Avahi and the bus (one it started), and waits (a few seconds at most) until the
 * process lets go of its system bus connection. */
void                nexus_fake_avahi_free              (NexusFakeAvahi     *fake);
/* Avahi appears, knowing nothing of what an earlier one published. */
void                nexus_fake_avahi_start             (NexusFakeAvahi     *fake);
/* Avahi goes away, as when its daemon stops. */
void                nexus_fake_avahi_stop              (NexusFakeAvahi     *fake);
const char         *nexus_fake_avahi_get_bus_address   (NexusFakeAvahi     *fake);

/* What is published now: the names of the services, sorted; one
 * service's TXT ("aay", or NULL when there is no such service) and port. */
GStrv               nexus_fake_avahi_dup_service_names (NexusFakeAvahi     *fake);
GVariant           *nexus_fake_avahi_dup_txt           (NexusFakeAvahi     *fake,
                                                        const char         *name);
guint               nexus_fake_avahi_get_port          (NexusFakeAvahi     *fake,
                                                        const char         *name);
/* UpdateServiceTxt calls answered so far. */
guint               nexus_fake_avahi_get_n_txt_updates (NexusFakeAvahi     *fake);
/* Entry groups, browsers and resolvers alive, peers' included. */
guint               nexus_fake_avahi_get_n_objects     (NexusFakeAvahi     *fake);

/* Another computer on the network: @host_name ("bob-laptop.local") at
 * @address ("192.168.1.7", "fe80::1"), on a second D-Bus connection.
 * Avahi must be running. */
NexusFakeAvahiPeer *nexus_fake_avahi_peer_new          (NexusFakeAvahi     *fake,
                                                        const char         *host_name,
                                                        const char         *address);
/* Publishes a `_nexus-chat._tcp` service; @txt ("aay") may be anything. A
 * name this computer holds is taken from it (its group gets COLLISION),
 * as a remote host that won the conflict would. */
void                nexus_fake_avahi_peer_publish      (NexusFakeAvahiPeer *peer,
                                                        const char         *name,
                                                        guint               port,
                                                        GVariant           *txt);
void                nexus_fake_avahi_peer_update_txt   (NexusFakeAvahiPeer *peer,
                                                        const char         *name,
                                                        GVariant           *txt);
void                nexus_fake_avahi_peer_withdraw     (NexusFakeAvahiPeer *peer,
                                                        const char         *name);
/* The computer leaves the network: its services go. */
void                nexus_fake_avahi_peer_free         (NexusFakeAvahiPeer *peer);

/* A TXT record ("aay", floating) from strings, ending with NULL. */
GVariant           *nexus_fake_avahi_txt_new           (const char         *first,
                                                        ...) G_GNUC_NULL_TERMINATED;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusFakeAvahiPeer, nexus_fake_avahi_peer_free)

G_END_DECLS
