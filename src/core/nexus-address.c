/* nexus-address.c: the addresses people on the LAN can reach this host at
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "nexus-address.h"

static gboolean
is_usable_ipv4 (const struct in_addr *addr)
{
  guint32 host = ntohl (addr->s_addr);

  /* Loopback (127/8) and link-local (169.254/16) are no use to a guest. */
  return (host >> 24) != 127 && (host >> 16) != 0xa9fe && host != 0;
}

static gboolean
is_usable_ipv6 (const struct in6_addr *addr)
{
  return !IN6_IS_ADDR_LOOPBACK (addr) && !IN6_IS_ADDR_LINKLOCAL (addr)
         && !IN6_IS_ADDR_UNSPECIFIED (addr) && !IN6_IS_ADDR_MULTICAST (addr)
         && !IN6_IS_ADDR_V4MAPPED (addr);
}

/* The text of @address (an IPv4 or IPv6 socket address) when a guest on
 * the LAN could use it, else NULL. */
char *
nexus_address_lan_text (const struct sockaddr *address)
{
  char text[INET6_ADDRSTRLEN];

  g_return_val_if_fail (address != NULL, NULL);

  if (address->sa_family == AF_INET)
    {
      const struct sockaddr_in *sin = (gconstpointer) address;

      if (is_usable_ipv4 (&sin->sin_addr)
          && inet_ntop (AF_INET, &sin->sin_addr, text, sizeof text) != NULL)
        return g_strdup (text);
    }
  else if (address->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (gconstpointer) address;

      if (is_usable_ipv6 (&sin6->sin6_addr)
          && inet_ntop (AF_INET6, &sin6->sin6_addr, text, sizeof text) != NULL)
        return g_strdup (text);
    }

  return NULL;
}

/* Every address on @interfaces (a getifaddrs() list) a guest on the LAN
 * could use, IPv4 first, without duplicates; loopback alone when there is
 * no other. */
GStrv
nexus_lan_addresses_from (const struct ifaddrs *interfaces)
{
  g_autoptr(GPtrArray) ipv4 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ipv6 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (const struct ifaddrs *ifa = interfaces; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autofree char *text = NULL;
      GPtrArray *family;

      if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP))
        continue;
      text = nexus_address_lan_text (ifa->ifa_addr);
      if (text == NULL)
        continue;

      family = ifa->ifa_addr->sa_family == AF_INET ? ipv4 : ipv6;
      if (!g_ptr_array_find_with_equal_func (family, text, g_str_equal, NULL))
        g_ptr_array_add (family, g_steal_pointer (&text));
    }

  for (guint i = 0; i < ipv4->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (ipv4, i));
  for (guint i = 0; i < ipv6->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (ipv6, i));
  if (ipv4->len == 0 && ipv6->len == 0)
    g_strv_builder_add (builder, "127.0.0.1");

  return g_strv_builder_end (builder);
}

/* This host's LAN addresses, as nexus_lan_addresses_from() picks them. */
GStrv
nexus_lan_addresses (void)
{
  struct ifaddrs *interfaces = NULL;
  GStrv addresses;

  if (getifaddrs (&interfaces) != 0)
    interfaces = NULL;
  addresses = nexus_lan_addresses_from (interfaces);
  if (interfaces != NULL)
    freeifaddrs (interfaces);
  return addresses;
}

/* NULL, 0.0.0.0 and :: stand for every interface. */
gboolean
nexus_address_is_any (const char *address)
{
  return address == NULL || strcmp (address, "0.0.0.0") == 0 || strcmp (address, "::") == 0;
}

/* Where guests reach a server listening on @bind_address, for its invite
 * links: that address, or every LAN address when it listens on all. */
GStrv
nexus_address_list_reachable (const char *bind_address)
{
  if (nexus_address_is_any (bind_address))
    return nexus_lan_addresses ();
  return g_strdupv ((char *[]) { (char *) bind_address, NULL });
}

/* @address as the host part of a URL: an IPv6 address in brackets. */
char *
nexus_address_url_host (const char *address)
{
  g_return_val_if_fail (address != NULL, NULL);

  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("[%s]", address);
  return g_strdup (address);
}
