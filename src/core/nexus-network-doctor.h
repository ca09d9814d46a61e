/* nexus-network-doctor.h: can people on the network reach this host?
 *
 * Lists the host's addresses with the kind of interface each is on, and
 * looks for what stands in the way of guests: a server bound to loopback,
 * no network, a firewall that does not let the port in (firewalld over
 * D-Bus; ufw's own files where present), no Avahi. Each finding has a
 * sentence that says what is wrong and how to fix it.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  NEXUS_INTERFACE_ETHERNET,
  NEXUS_INTERFACE_WIFI,
  NEXUS_INTERFACE_VPN,        /* tun, tap, wireguard, ppp … */
  NEXUS_INTERFACE_LOOPBACK,
  NEXUS_INTERFACE_VIRTUAL,    /* bridges, veth, docker … */
  NEXUS_INTERFACE_OTHER,
} NexusInterfaceKind;

typedef struct {
  char               *address;    /* "192.168.1.20", "fe80::1" */
  char               *interface;  /* "wlp2s0" */
  NexusInterfaceKind  kind;
} NexusHostAddress;

void nexus_host_address_free (NexusHostAddress *address);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusHostAddress, nexus_host_address_free)

/* A translated word for a person: "Wi-Fi", "Ethernet", "VPN", "Loopback" … */
const char *nexus_interface_kind_to_string (NexusInterfaceKind kind);

typedef enum {
  NEXUS_FINDING_LOOPBACK_ONLY,    /* the server listens on loopback only (--bind) */
  NEXUS_FINDING_NO_NETWORK,       /* no address but loopback */
  NEXUS_FINDING_FIREWALL_BLOCKS,  /* firewalld or ufw does not let the port in */
  NEXUS_FINDING_AVAHI_MISSING,    /* rooms cannot be found by code alone */
  NEXUS_FINDING_VPN_ONLY,         /* every LAN address is on a VPN */
} NexusFindingKind;

typedef struct {
  NexusFindingKind  kind;
  char             *sentence;     /* translated: what is wrong, and the fix */
} NexusFinding;

void nexus_finding_free (NexusFinding *finding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusFinding, nexus_finding_free)

/* The addresses of this host a server bound to @bind_address (NULL: every
 * interface) answers on, LAN ones first, each with its interface: a
 * GPtrArray of NexusHostAddress. */
GPtrArray *nexus_host_addresses_list (const char *bind_address);

/* Looks at everything above for a server on @bind_address and @port.
 * @avahi_available says whether the announcer reached Avahi. Never fails:
 * what cannot be checked (no firewalld, no permission) is not a finding.
 * Returns a GPtrArray of NexusFinding, empty when nothing stands in the way. */
void       nexus_network_doctor_check_async  (const char          *bind_address,
                                              guint                port,
                                              gboolean             avahi_available,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GPtrArray *nexus_network_doctor_check_finish (GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
