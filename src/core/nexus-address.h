/* nexus-address.h: the addresses people on the LAN can reach this host at
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

struct ifaddrs;
struct sockaddr;

GStrv     nexus_lan_addresses          (void);
GStrv     nexus_lan_addresses_from     (const struct ifaddrs *interfaces);
char     *nexus_address_lan_text       (const struct sockaddr *address);
gboolean  nexus_address_is_any         (const char *address);
GStrv     nexus_address_list_reachable (const char *bind_address);
char     *nexus_address_url_host       (const char *address);

G_END_DECLS
