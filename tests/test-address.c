/* test-address.c: the addresses a host's invite links name
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
#include <sys/socket.h>

#include "nexus-address.h"

#define MAX_FAKE_INTERFACES 16

/* A getifaddrs() list made by hand, so that the choice among addresses
 * does not depend on the machine the test runs on. */
typedef struct
{
  struct ifaddrs entries[MAX_FAKE_INTERFACES];
  struct sockaddr_storage addresses[MAX_FAKE_INTERFACES];
  guint n;
} FakeInterfaces;

/* @address: an IPv4 or IPv6 address in text, or NULL for an interface
 * without one. */
static void
fake_interfaces_add (FakeInterfaces *fake,
                     const char     *address,
                     unsigned int    flags)
{
  struct ifaddrs *entry;

  g_assert_cmpuint (fake->n, <, MAX_FAKE_INTERFACES);
  entry = &fake->entries[fake->n];
  memset (entry, 0, sizeof *entry);
  entry->ifa_name = (char *) "test0";
  entry->ifa_flags = flags;

  if (address != NULL && strchr (address, ':') != NULL)
    {
      struct sockaddr_in6 *sin6 = (gpointer) &fake->addresses[fake->n];

      sin6->sin6_family = AF_INET6;
      g_assert_cmpint (inet_pton (AF_INET6, address, &sin6->sin6_addr), ==, 1);
      entry->ifa_addr = (gpointer) sin6;
    }
  else if (address != NULL)
    {
      struct sockaddr_in *sin = (gpointer) &fake->addresses[fake->n];

      sin->sin_family = AF_INET;
      g_assert_cmpint (inet_pton (AF_INET, address, &sin->sin_addr), ==, 1);
      entry->ifa_addr = (gpointer) sin;
    }

  if (fake->n > 0)
    fake->entries[fake->n - 1].ifa_next = entry;
  fake->n++;
}

static const struct ifaddrs *
fake_interfaces_list (FakeInterfaces *fake)
{
  return fake->n > 0 ? &fake->entries[0] : NULL;
}

static void
assert_addresses (char       **got,
                  const char  *expected)
{
  g_autofree char *joined = g_strjoinv (" ", got);

  g_assert_cmpstr (joined, ==, expected);
}

/* What nexus_lan_addresses_from() picks from @fake, in order. */
static void
assert_lan_addresses (FakeInterfaces *fake,
                      const char     *expected)
{
  g_auto(GStrv) addresses = nexus_lan_addresses_from (fake_interfaces_list (fake));

  assert_addresses (addresses, expected);
}

static void
test_is_any (void)
{
  g_assert_true (nexus_address_is_any (NULL));
  g_assert_true (nexus_address_is_any ("0.0.0.0"));
  g_assert_true (nexus_address_is_any ("::"));

  g_assert_false (nexus_address_is_any (""));
  g_assert_false (nexus_address_is_any ("127.0.0.1"));
  g_assert_false (nexus_address_is_any ("::1"));
  g_assert_false (nexus_address_is_any ("192.168.1.20"));
  g_assert_false (nexus_address_is_any ("fd00::20"));
  g_assert_false (nexus_address_is_any ("localhost"));
}

static void
test_url_host (void)
{
  const struct {
    const char *address;
    const char *url_host;
  } cases[] = {
    { "192.168.1.20", "192.168.1.20" },
    { "127.0.0.1", "127.0.0.1" },
    { "0.0.0.0", "0.0.0.0" },
    { "ada-laptop.local", "ada-laptop.local" },
    { "localhost", "localhost" },
    /* IPv6 in brackets, so that its colons are not read as the port's. */
    { "::1", "[::1]" },
    { "::", "[::]" },
    { "fd00::20", "[fd00::20]" },
    { "2001:db8::1:2", "[2001:db8::1:2]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url_host = nexus_address_url_host (cases[i].address);

      g_assert_cmpstr (url_host, ==, cases[i].url_host);
    }
}

static void
test_reachable_bound (void)
{
  const char *addresses[] = { "192.168.1.20", "127.0.0.1", "::1", "fd00::20" };

  /* A server bound to one address is reached there, and nowhere else. */
  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_auto(GStrv) reachable = nexus_address_list_reachable (addresses[i]);

      assert_addresses (reachable, addresses[i]);
    }
}

/* Bound to every interface: this machine's own LAN addresses, whatever
 * they are, in the order promised. */
static void
test_reachable_any (void)
{
  const char *any[] = { NULL, "0.0.0.0", "::" };
  g_auto(GStrv) lan = nexus_lan_addresses ();
  gboolean seen_ipv6 = FALSE;

  g_assert_nonnull (lan);
  g_assert_nonnull (lan[0]);
  for (guint i = 0; lan[i] != NULL; i++)
    {
      gboolean ipv6 = strchr (lan[i], ':') != NULL;

      g_assert_true (g_hostname_is_ip_address (lan[i]));
      g_assert_false (nexus_address_is_any (lan[i]));
      /* IPv4 first. */
      g_assert_true (ipv6 || !seen_ipv6);
      seen_ipv6 |= ipv6;
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (lan[j], !=, lan[i]);
      /* Loopback only when there is nothing else. */
      if (g_str_has_prefix (lan[i], "127.") || g_str_equal (lan[i], "::1"))
        g_assert_true (i == 0 && lan[1] == NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (any); i++)
    {
      g_auto(GStrv) reachable = nexus_address_list_reachable (any[i]);

      g_assert_true (g_strv_equal ((const char * const *) reachable,
                                   (const char * const *) lan));
    }
}

static void
test_lan_ipv4_first (void)
{
  FakeInterfaces fake = { 0, };

  fake_interfaces_add (&fake, "fd00::20", IFF_UP);
  fake_interfaces_add (&fake, "192.168.1.20", IFF_UP);
  fake_interfaces_add (&fake, "2001:db8::1:2", IFF_UP);
  fake_interfaces_add (&fake, "10.0.0.5", IFF_UP);

  assert_lan_addresses (&fake, "192.168.1.20 10.0.0.5 fd00::20 2001:db8::1:2");
}

/* Addresses a guest could not use are left out; with others around,
 * loopback is one of them. */
static void
test_lan_unusable (void)
{
  FakeInterfaces fake = { 0, };

  fake_interfaces_add (&fake, "127.0.0.1", IFF_UP | IFF_LOOPBACK);
  fake_interfaces_add (&fake, "::1", IFF_UP | IFF_LOOPBACK);
  fake_interfaces_add (&fake, "127.0.1.1", IFF_UP);
  fake_interfaces_add (&fake, "169.254.3.4", IFF_UP);
  fake_interfaces_add (&fake, "fe80::1", IFF_UP);
  fake_interfaces_add (&fake, "0.0.0.0", IFF_UP);
  fake_interfaces_add (&fake, "::", IFF_UP);
  fake_interfaces_add (&fake, "ff02::1", IFF_UP);
  fake_interfaces_add (&fake, "::ffff:192.168.1.30", IFF_UP);
  fake_interfaces_add (&fake, "192.168.1.40", 0);
  fake_interfaces_add (&fake, NULL, IFF_UP);
  fake_interfaces_add (&fake, "192.168.1.20", IFF_UP);
  fake_interfaces_add (&fake, "fd00::20", IFF_UP);

  assert_lan_addresses (&fake, "192.168.1.20 fd00::20");
}

/* One address on several interfaces (or listed twice) shows once. */
static void
test_lan_duplicates (void)
{
  FakeInterfaces fake = { 0, };

  fake_interfaces_add (&fake, "192.168.1.20", IFF_UP);
  fake_interfaces_add (&fake, "fd00::20", IFF_UP);
  fake_interfaces_add (&fake, "192.168.1.20", IFF_UP);
  fake_interfaces_add (&fake, "fd00:0::20", IFF_UP);

  assert_lan_addresses (&fake, "192.168.1.20 fd00::20");
}

static void
test_lan_ipv6_only (void)
{
  FakeInterfaces fake = { 0, };

  fake_interfaces_add (&fake, "127.0.0.1", IFF_UP | IFF_LOOPBACK);
  fake_interfaces_add (&fake, "2001:db8::1:2", IFF_UP);

  assert_lan_addresses (&fake, "2001:db8::1:2");
}

/* Nothing a guest could use: loopback, so that the host itself still can. */
static void
test_lan_loopback_alone (void)
{
  FakeInterfaces fake = { 0, };

  assert_lan_addresses (&fake, "127.0.0.1");

  fake_interfaces_add (&fake, "127.0.0.1", IFF_UP | IFF_LOOPBACK);
  fake_interfaces_add (&fake, "::1", IFF_UP | IFF_LOOPBACK);
  fake_interfaces_add (&fake, "fe80::1", IFF_UP);
  fake_interfaces_add (&fake, "192.168.1.20", 0);

  assert_lan_addresses (&fake, "127.0.0.1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/address/is-any", test_is_any);
  g_test_add_func ("/address/url-host", test_url_host);
  g_test_add_func ("/address/reachable/bound", test_reachable_bound);
  g_test_add_func ("/address/reachable/any", test_reachable_any);
  g_test_add_func ("/address/lan/ipv4-first", test_lan_ipv4_first);
  g_test_add_func ("/address/lan/unusable", test_lan_unusable);
  g_test_add_func ("/address/lan/duplicates", test_lan_duplicates);
  g_test_add_func ("/address/lan/ipv6-only", test_lan_ipv6_only);
  g_test_add_func ("/address/lan/loopback-alone", test_lan_loopback_alone);

  return g_test_run ();
}
