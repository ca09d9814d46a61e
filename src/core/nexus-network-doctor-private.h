/* nexus-network-doctor-private.h: the network doctor's parts, and the
 * hooks its tests use to put a made-up machine in place of this one
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-network-doctor.h"

G_BEGIN_DECLS

struct ifaddrs;

NexusHostAddress   *nexus_host_address_new          (const char           *address,
                                                     const char           *interface,
                                                     NexusInterfaceKind    kind);

/* The kind of @interface, read from @sysfs_root (a tree like /sys). */
NexusInterfaceKind  nexus_interface_kind_from_sysfs (const char           *sysfs_root,
                                                     const char           *interface);

/* nexus_host_addresses_list() from a getifaddrs() list. */
GPtrArray          *nexus_host_addresses_list_from  (const struct ifaddrs *interfaces,
                                                     const char           *bind_address);

/* Whether @range ("47474", or "47000-48000" with @separator '-') holds
 * @port. */
gboolean            nexus_port_range_contains       (const char           *range,
                                                     char                  separator,
                                                     guint                 port);

/* The zones of @interfaces that firewalld does not let @port/tcp in, once
 * every question got an answer within @timeout_msec; an empty list when
 * anything could not be asked (no firewalld, no permission, no answer). */
void                nexus_firewalld_find_blocking_zones_async  (const char * const  *interfaces,
                                                                guint                port,
                                                                guint                timeout_msec,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GStrv               nexus_firewalld_find_blocking_zones_finish (GAsyncResult        *result,
                                                                GError             **error);

/* Whether ufw, as its files under @etc_root (a tree like /etc) say, is on,
 * drops what comes in, and has no rule that lets @port/tcp in. FALSE when
 * a file cannot be read. Reads files: call it from a thread. */
gboolean            nexus_ufw_blocks_port           (const char           *etc_root,
                                                     guint                 port);

/* Test hooks; NULL (or 0) puts back the real thing. Set them before a
 * check starts. */
void nexus_network_doctor_set_sysfs_root       (const char *root);     /* "/sys" */
void nexus_network_doctor_set_etc_root         (const char *root);     /* "/etc" */
/* The addresses a check sees in place of this host's (NexusHostAddress). */
void nexus_network_doctor_set_addresses        (GPtrArray  *addresses);
/* How long a check waits for firewalld in all (2000 ms). */
void nexus_network_doctor_set_firewalld_timeout (guint      timeout_msec);

G_END_DECLS
