/* test-discovery.h: what the discovery tests share: a server on 127.0.0.1
 * with the fake Avahi beside it, and ways to wait for what it announces
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-announcer.h"
#include "nexus-discovery-txt.h"
#include "nexus-fake-avahi.h"
#include "nexus-nearby.h"
#include "nexus-test-utils.h"

G_BEGIN_DECLS

typedef struct {
  NexusTestServer  server;    /* a server on 127.0.0.1, port 0 */
  NexusFakeAvahi  *avahi;
} DiscoveryFixture;

typedef enum {
  AVAHI_RUNNING,
  AVAHI_ABSENT,
} AvahiAtStart;

void discovery_setup    (DiscoveryFixture *fixture,
                         gconstpointer     data);
void discovery_teardown (DiscoveryFixture *fixture,
                         gconstpointer     data);

/* With Avahi running from the start, or only when the test starts it. */
#define DISCOVERY_TEST_ADD(path, func, at_start)                            \
  g_test_add (path, DiscoveryFixture, GINT_TO_POINTER (at_start),          \
              discovery_setup, func, discovery_teardown)

/* Announces the fixture's server and waits until Avahi has it. */
NexusAnnouncer    *discovery_announce         (DiscoveryFixture *fixture);
/* Drops @announcer and waits until its service and group are gone. */
void               discovery_withdraw         (DiscoveryFixture *fixture,
                                               NexusAnnouncer   *announcer);
/* What @announcer publishes now, checked by the parser; NULL if nothing. */
NexusDiscoveryTxt *discovery_published        (DiscoveryFixture *fixture,
                                               NexusAnnouncer   *announcer);
/* Whether the published TXT lists the digest of @code. */
gboolean           discovery_announces_code   (DiscoveryFixture *fixture,
                                               NexusAnnouncer   *announcer,
                                               const char       *code);
/* A new NexusNearby, once it browses. */
NexusNearby       *discovery_nearby_new       (void);
/* Searches for @code and waits for the answer. */
GPtrArray         *discovery_find             (NexusNearby      *nearby,
                                               const char       *code,
                                               GError          **error);
/* The rooms of @nearby's model, as a new array. */
GPtrArray         *discovery_rooms            (NexusNearby      *nearby);
/* The room with public code @code in @nearby's model, or NULL. */
NexusNearbyRoom   *discovery_find_room        (NexusNearby      *nearby,
                                               const char       *code);
/* A TXT record a Nexus Chat host would publish, with @rooms strings
 * ("room1=…") after it, ending with NULL. */
GVariant          *discovery_txt_new          (const char       *salt_hex,
                                               const char       *codes,
                                               ...) G_GNUC_NULL_TERMINATED;

void discovery_add_announce_tests (void);
void discovery_add_hostile_tests  (void);

G_END_DECLS
