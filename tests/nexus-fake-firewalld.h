/* nexus-fake-firewalld.h: a firewalld on a test's own bus
 *
 * Serves the few methods of org.fedoraproject.FirewallD1 the network
 * doctor asks, from a thread with a main context of its own, so that the
 * test's main loop can wait for the doctor while this one answers. Set it
 * up first, then start it; it keeps what it was asked.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _NexusFakeFirewalld NexusFakeFirewalld;

NexusFakeFirewalld *nexus_fake_firewalld_new                (void);
void                nexus_fake_firewalld_free               (NexusFakeFirewalld *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusFakeFirewalld, nexus_fake_firewalld_free)

/* A zone with its target ("default", "ACCEPT" …); the first one added is
 * the default zone. */
void  nexus_fake_firewalld_add_zone           (NexusFakeFirewalld *self,
                                               const char         *zone,
                                               const char         *target);
void  nexus_fake_firewalld_set_interface_zone (NexusFakeFirewalld *self,
                                               const char         *interface,
                                               const char         *zone);
/* @port: "47474" or "47000-48000". */
void  nexus_fake_firewalld_add_port           (NexusFakeFirewalld *self,
                                               const char         *zone,
                                               const char         *port,
                                               const char         *protocol);
void  nexus_fake_firewalld_add_rich_rule      (NexusFakeFirewalld *self,
                                               const char         *zone,
                                               const char         *rule);
void  nexus_fake_firewalld_add_service        (NexusFakeFirewalld *self,
                                               const char         *zone,
                                               const char         *service);
void  nexus_fake_firewalld_add_service_port   (NexusFakeFirewalld *self,
                                               const char         *service,
                                               const char         *port,
                                               const char         *protocol);
void  nexus_fake_firewalld_add_service_include (NexusFakeFirewalld *self,
                                                const char         *service,
                                                const char         *included);
/* @method answers with an error, as firewalld does without permission. */
void  nexus_fake_firewalld_set_denied         (NexusFakeFirewalld *self,
                                               const char         *method);
/* Never answers anything (until it is freed). */
void  nexus_fake_firewalld_set_hangs          (NexusFakeFirewalld *self,
                                               gboolean            hangs);

/* Connects to the bus at @address and owns firewalld's name there. */
void  nexus_fake_firewalld_start              (NexusFakeFirewalld *self,
                                               const char         *address);
/* What it was asked, in order: "queryPort public 47474 tcp" … */
GStrv nexus_fake_firewalld_dup_calls          (NexusFakeFirewalld *self);

G_END_DECLS
