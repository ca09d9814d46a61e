/* test-network-doctor.h: what the network doctor's tests share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-network-doctor-private.h"

G_BEGIN_DECLS

#define PORT 47474

/* The private bus that stands in for the system bus. */
extern GTestDBus *test_bus;

/* A fake sysfs and an empty fake /etc under a temporary root, the
 * doctor's hooks set to them. */
typedef struct
{
  char *root;
  char *sysfs;
  char *etc;
} Fixture;

void fixture_setup    (Fixture       *fixture,
                       gconstpointer  data);
void fixture_teardown (Fixture       *fixture,
                       gconstpointer  data);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

void write_file (const char *path,
                 const char *contents);

/* The addresses the check sees: (address, interface, kind) triples, up
 * to a NULL address. */
void set_addresses        (const char *first_address,
                           ...) G_GNUC_NULL_TERMINATED;
/* Wi-Fi with IPv4 and IPv6, docker's bridge, loopback. */
void set_addresses_laptop (void);

/* A whole check on port PORT; no error. */
GPtrArray *run_check (const char *bind_address,
                      gboolean    avahi_available);

/* Finding @index is of @kind, a whole sentence, and says @fix. */
void assert_finding (GPtrArray        *findings,
                     guint             index,
                     NexusFindingKind  kind,
                     const char       *fix);

void add_firewall_tests (void);

G_END_DECLS
