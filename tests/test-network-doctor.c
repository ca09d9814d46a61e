/* test-network-doctor.c: the host's addresses and what keeps guests out
 *
 * The machine is made up: interfaces from a fake sysfs tree and a
 * getifaddrs() list made by hand, ufw from a fake /etc, firewalld from a
 * fake one on a private bus that stands in for the system bus.
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
#include <glib/gstdio.h>

#include "nexus-address.h"
#include "nexus-fake-firewalld.h"
#include "nexus-test-utils.h"
#include "test-network-doctor.h"

GTestDBus *test_bus;

/* Fixture: a fake sysfs, an empty fake /etc, the hooks set to them */

void
write_file (const char *path,
            const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_clear_pointer (&dir, g_dir_close);
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

/* One interface in the fake sysfs: its type, the entries it has
 * ("device wireless"), and its uevent's DEVTYPE or NULL. */
static void
fake_sysfs_add (const char *sysfs,
                const char *interface,
                const char *type,
                const char *entries,
                const char *devtype)
{
  g_autofree char *dir = g_build_filename (sysfs, "class", "net", interface, NULL);
  g_autofree char *type_path = g_build_filename (dir, "type", NULL);
  g_autofree char *uevent_path = g_build_filename (dir, "uevent", NULL);
  g_autofree char *uevent = NULL;
  g_autofree char *type_line = g_strdup_printf ("%s\n", type);
  g_auto(GStrv) names = g_strsplit (entries, " ", -1);

  write_file (type_path, type_line);
  uevent = devtype != NULL
           ? g_strdup_printf ("DEVTYPE=%s\nINTERFACE=%s\nIFINDEX=7\n", devtype, interface)
           : g_strdup_printf ("INTERFACE=%s\nIFINDEX=7\n", interface);
  write_file (uevent_path, uevent);
  for (guint i = 0; names[i] != NULL; i++)
    if (*names[i] != '\0')
      {
        g_autofree char *entry = g_build_filename (dir, names[i], NULL);

        /* tun_flags is a file; device, wireless, bridge … directories
         * (or links to them). */
        if (g_str_equal (names[i], "tun_flags"))
          write_file (entry, "0x1002\n");
        else
          g_assert_cmpint (g_mkdir_with_parents (entry, 0755), ==, 0);
      }
}

static const struct {
  const char         *interface;
  const char         *type;
  const char         *entries;
  const char         *devtype;
  NexusInterfaceKind  kind;
} fake_interfaces[] = {
  { "lo", "772", "", NULL, NEXUS_INTERFACE_LOOPBACK },
  { "wlp2s0", "1", "device wireless phy80211", "wlan", NEXUS_INTERFACE_WIFI },
  { "wlan1", "1", "device phy80211", NULL, NEXUS_INTERFACE_WIFI },
  { "wlx00c0ca", "1", "device", "wlan", NEXUS_INTERFACE_WIFI },
  { "enp3s0", "1", "device", NULL, NEXUS_INTERFACE_ETHERNET },
  { "eth0", "1", "device", NULL, NEXUS_INTERFACE_ETHERNET },
  { "wg0", "65534", "", "wireguard", NEXUS_INTERFACE_VPN },
  { "office", "65534", "", "wireguard", NEXUS_INTERFACE_VPN },
  { "corp", "65534", "", NULL, NEXUS_INTERFACE_VPN },
  { "tun0", "65534", "tun_flags", NULL, NEXUS_INTERFACE_VPN },
  { "tap0", "1", "tun_flags", NULL, NEXUS_INTERFACE_VPN },
  { "myvpn", "1", "tun_flags", NULL, NEXUS_INTERFACE_VPN },
  { "ppp0", "512", "", NULL, NEXUS_INTERFACE_VPN },
  { "tailscale0", "65534", "", NULL, NEXUS_INTERFACE_VPN },
  { "zt5u4y6j7k", "1", "", NULL, NEXUS_INTERFACE_VPN },
  { "ipsec0", "768", "", NULL, NEXUS_INTERFACE_VPN },
  { "vti0", "768", "", NULL, NEXUS_INTERFACE_VPN },
  { "docker0", "1", "bridge", "bridge", NEXUS_INTERFACE_VIRTUAL },
  { "br0", "1", "bridge", "bridge", NEXUS_INTERFACE_VIRTUAL },
  { "lanbridge", "1", "bridge", NULL, NEXUS_INTERFACE_VIRTUAL },
  { "veth1a2b3c", "1", "", NULL, NEXUS_INTERFACE_VIRTUAL },
  { "virbr0", "1", "bridge", "bridge", NEXUS_INTERFACE_VIRTUAL },
  { "dummy0", "1", "", NULL, NEXUS_INTERFACE_VIRTUAL },
  /* A modem's raw IP has no link layer, as tun does, but real hardware. */
  { "wwan0", "65534", "device", "wwan", NEXUS_INTERFACE_OTHER },
  { "ib0", "32", "device", NULL, NEXUS_INTERFACE_OTHER },
};

void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->root = g_dir_make_tmp ("nexus-doctor-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->sysfs = g_build_filename (fixture->root, "sys", NULL);
  fixture->etc = g_build_filename (fixture->root, "etc", NULL);
  g_assert_cmpint (g_mkdir (fixture->etc, 0755), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (fake_interfaces); i++)
    fake_sysfs_add (fixture->sysfs, fake_interfaces[i].interface, fake_interfaces[i].type,
                    fake_interfaces[i].entries, fake_interfaces[i].devtype);

  nexus_network_doctor_set_sysfs_root (fixture->sysfs);
  nexus_network_doctor_set_etc_root (fixture->etc);
}

void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  nexus_network_doctor_set_sysfs_root (NULL);
  nexus_network_doctor_set_etc_root (NULL);
  nexus_network_doctor_set_addresses (NULL);
  nexus_network_doctor_set_firewalld_timeout (0);

  remove_tree (fixture->root);
  g_free (fixture->root);
  g_free (fixture->sysfs);
  g_free (fixture->etc);
}

/* A getifaddrs() list made by hand */

#define MAX_FAKE_ADDRESSES 16

typedef struct
{
  struct ifaddrs entries[MAX_FAKE_ADDRESSES];
  struct sockaddr_storage addresses[MAX_FAKE_ADDRESSES];
  guint n;
} FakeIfaddrs;

static void
fake_ifaddrs_add (FakeIfaddrs  *fake,
                  const char   *interface,
                  const char   *address,
                  unsigned int  flags)
{
  struct ifaddrs *entry;

  g_assert_cmpuint (fake->n, <, MAX_FAKE_ADDRESSES);
  entry = &fake->entries[fake->n];
  memset (entry, 0, sizeof *entry);
  entry->ifa_name = (char *) interface;
  entry->ifa_flags = flags;

  if (strchr (address, ':') != NULL)
    {
      struct sockaddr_in6 *sin6 = (gpointer) &fake->addresses[fake->n];

      sin6->sin6_family = AF_INET6;
      g_assert_cmpint (inet_pton (AF_INET6, address, &sin6->sin6_addr), ==, 1);
      entry->ifa_addr = (gpointer) sin6;
    }
  else
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

/* A laptop on Wi-Fi and Ethernet, with a VPN, docker and loopback. */
static void
fake_ifaddrs_laptop (FakeIfaddrs *fake)
{
  fake_ifaddrs_add (fake, "lo", "127.0.0.1", IFF_UP | IFF_LOOPBACK);
  fake_ifaddrs_add (fake, "lo", "::1", IFF_UP | IFF_LOOPBACK);
  fake_ifaddrs_add (fake, "wlp2s0", "fe80::1c2:3ff:fe4:5", IFF_UP);
  fake_ifaddrs_add (fake, "enp3s0", "fd00::20", IFF_UP);
  fake_ifaddrs_add (fake, "wlp2s0", "192.168.1.20", IFF_UP);
  fake_ifaddrs_add (fake, "wg0", "10.8.0.2", IFF_UP);
  fake_ifaddrs_add (fake, "docker0", "172.17.0.1", IFF_UP);
  fake_ifaddrs_add (fake, "eth0", "192.168.1.20", IFF_UP);
  fake_ifaddrs_add (fake, "wlp2s0", "2001:db8::5", IFF_UP);
  fake_ifaddrs_add (fake, "enp3s0", "192.168.9.9", 0);
  fake_ifaddrs_add (fake, "lo", "127.0.1.1", IFF_UP | IFF_LOOPBACK);
}

/* "address interface kind, …" for comparing whole lists at once. */
static char *
describe_addresses (GPtrArray *addresses)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < addresses->len; i++)
    {
      NexusHostAddress *address = g_ptr_array_index (addresses, i);

      g_string_append_printf (text, "%s%s %s %s", i > 0 ? ", " : "", address->address,
                              address->interface,
                              nexus_interface_kind_to_string (address->kind));
    }
  return g_string_free (text, FALSE);
}

static void
assert_addresses (GPtrArray  *addresses,
                  const char *expected)
{
  g_autofree char *described = describe_addresses (addresses);

  g_assert_cmpstr (described, ==, expected);
}

/* Interfaces and addresses */

static void
test_kinds (Fixture       *fixture,
            gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (fake_interfaces); i++)
    {
      NexusInterfaceKind kind = nexus_interface_kind_from_sysfs (fixture->sysfs,
                                                                 fake_interfaces[i].interface);

      if (kind != fake_interfaces[i].kind)
        g_error ("%s: %s, not %s", fake_interfaces[i].interface,
                 nexus_interface_kind_to_string (kind),
                 nexus_interface_kind_to_string (fake_interfaces[i].kind));
    }

  /* Not in sysfs: nothing to tell, unless the name says it. */
  g_assert_cmpint (nexus_interface_kind_from_sysfs (fixture->sysfs, "enx0011"), ==,
                   NEXUS_INTERFACE_OTHER);
  g_assert_cmpint (nexus_interface_kind_from_sysfs (fixture->sysfs, "wg7"), ==,
                   NEXUS_INTERFACE_VPN);
  g_assert_cmpint (nexus_interface_kind_from_sysfs (fixture->sysfs, "docker7"), ==,
                   NEXUS_INTERFACE_VIRTUAL);
  /* A name never leads out of sysfs. */
  g_assert_cmpint (nexus_interface_kind_from_sysfs (fixture->sysfs, "../../sys/class/net/lo"),
                   ==, NEXUS_INTERFACE_OTHER);
  g_assert_cmpint (nexus_interface_kind_from_sysfs (fixture->sysfs, ".."), ==,
                   NEXUS_INTERFACE_OTHER);
  g_assert_cmpint (nexus_interface_kind_from_sysfs (fixture->sysfs, ""), ==,
                   NEXUS_INTERFACE_OTHER);
}

static void
test_kind_names (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  NexusInterfaceKind kinds[] = {
    NEXUS_INTERFACE_ETHERNET, NEXUS_INTERFACE_WIFI, NEXUS_INTERFACE_VPN,
    NEXUS_INTERFACE_LOOPBACK, NEXUS_INTERFACE_VIRTUAL, NEXUS_INTERFACE_OTHER,
  };

  g_assert_cmpstr (nexus_interface_kind_to_string (NEXUS_INTERFACE_WIFI), ==, "Wi-Fi");
  g_assert_cmpstr (nexus_interface_kind_to_string (NEXUS_INTERFACE_ETHERNET), ==, "Ethernet");
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const char *name = nexus_interface_kind_to_string (kinds[i]);

      g_assert_nonnull (name);
      g_assert_cmpuint (strlen (name), >, 0);
      g_assert_true (g_hash_table_add (seen, (gpointer) name));
    }
}

/* Every interface: the LAN addresses in the order of the invite links
 * (IPv4 first, each once, none a guest could not use), then loopback. */
static void
test_addresses_any (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *any[] = { NULL, "0.0.0.0", "::" };
  FakeIfaddrs fake = { 0, };
  g_auto(GStrv) lan = NULL;

  fake_ifaddrs_laptop (&fake);
  for (guint i = 0; i < G_N_ELEMENTS (any); i++)
    {
      g_autoptr(GPtrArray) addresses = nexus_host_addresses_list_from (&fake.entries[0], any[i]);

      assert_addresses (addresses,
                        "192.168.1.20 wlp2s0 Wi-Fi, 10.8.0.2 wg0 VPN, "
                        "172.17.0.1 docker0 Virtual network, "
                        "fd00::20 enp3s0 Ethernet, 2001:db8::5 wlp2s0 Wi-Fi, "
                        "127.0.0.1 lo Loopback, 127.0.1.1 lo Loopback, ::1 lo Loopback");
    }

  /* The same addresses as the invite links, in the same order. */
  lan = nexus_lan_addresses_from (&fake.entries[0]);
  {
    g_autoptr(GPtrArray) addresses = nexus_host_addresses_list_from (&fake.entries[0], NULL);

    for (guint i = 0; lan[i] != NULL; i++)
      g_assert_cmpstr (((NexusHostAddress *) g_ptr_array_index (addresses, i))->address, ==,
                       lan[i]);
  }
}

static void
test_addresses_bound (Fixture       *fixture,
                      gconstpointer  data)
{
  const struct {
    const char *bind;
    const char *expected;
  } cases[] = {
    { "192.168.1.20", "192.168.1.20 wlp2s0 Wi-Fi" },
    { "fd00::20", "fd00::20 enp3s0 Ethernet" },
    { "10.8.0.2", "10.8.0.2 wg0 VPN" },
    { "127.0.0.1", "127.0.0.1 lo Loopback" },
    { "::1", "::1 lo Loopback" },
    /* An address no interface has (any more): shown, with no interface. */
    { "10.1.2.3", "10.1.2.3  Other network" },
    { "127.0.0.2", "127.0.0.2  Loopback" },
  };
  FakeIfaddrs fake = { 0, };

  fake_ifaddrs_laptop (&fake);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) addresses = nexus_host_addresses_list_from (&fake.entries[0],
                                                                       cases[i].bind);

      assert_addresses (addresses, cases[i].expected);
    }
}

static void
test_addresses_nothing (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) none = nexus_host_addresses_list_from (NULL, NULL);
  g_autoptr(GPtrArray) loopback = NULL;
  FakeIfaddrs fake = { 0, };

  g_assert_cmpuint (none->len, ==, 0);

  fake_ifaddrs_add (&fake, "lo", "127.0.0.1", IFF_UP | IFF_LOOPBACK);
  fake_ifaddrs_add (&fake, "wlp2s0", "fe80::1", IFF_UP);
  fake_ifaddrs_add (&fake, "wlp2s0", "192.168.1.20", 0);
  loopback = nexus_host_addresses_list_from (&fake.entries[0], NULL);
  assert_addresses (loopback, "127.0.0.1 lo Loopback");
}

/* This machine, with its real sysfs: the invite links' addresses, then
 * loopback, each an IP address with its interface. */
static void
test_addresses_this_host (void)
{
  g_autoptr(GPtrArray) addresses = nexus_host_addresses_list (NULL);
  g_auto(GStrv) lan = nexus_lan_addresses ();
  guint n_lan = 0;

  for (guint i = 0; i < addresses->len; i++)
    {
      NexusHostAddress *address = g_ptr_array_index (addresses, i);
      gboolean loopback = address->kind == NEXUS_INTERFACE_LOOPBACK;

      g_assert_true (g_hostname_is_ip_address (address->address));
      g_assert_cmpuint (strlen (address->interface), >, 0);
      if (!loopback)
        {
          /* Loopback last. */
          g_assert_cmpuint (n_lan, ==, i);
          g_assert_cmpstr (address->address, ==, lan[n_lan]);
          n_lan++;
        }
    }
  if (n_lan > 0)
    g_assert_null (lan[n_lan]);
}

/* The check */

void
set_addresses (const char *first_address,
               ...)
{
  g_autoptr(GPtrArray) addresses = NULL;
  va_list args;

  addresses = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_host_address_free);

  va_start (args, first_address);
  for (const char *address = first_address; address != NULL; address = va_arg (args, const char *))
    {
      const char *interface = va_arg (args, const char *);
      NexusInterfaceKind kind = va_arg (args, int);

      g_ptr_array_add (addresses, nexus_host_address_new (address, interface, kind));
    }
  va_end (args);

  nexus_network_doctor_set_addresses (addresses);
}

void
set_addresses_laptop (void)
{
  set_addresses ("192.168.1.20", "wlp2s0", NEXUS_INTERFACE_WIFI,
                 "172.17.0.1", "docker0", NEXUS_INTERFACE_VIRTUAL,
                 "fd00::20", "wlp2s0", NEXUS_INTERFACE_WIFI,
                 "127.0.0.1", "lo", NEXUS_INTERFACE_LOOPBACK,
                 NULL);
}

static GPtrArray *
run_check_full (const char   *bind_address,
                gboolean      avahi_available,
                GCancellable *cancellable,
                GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nexus_network_doctor_check_async (bind_address, PORT, avahi_available, cancellable,
                                    nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  return nexus_network_doctor_check_finish (result, error);
}

GPtrArray *
run_check (const char *bind_address,
           gboolean    avahi_available)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *findings = run_check_full (bind_address, avahi_available, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (findings);
  return findings;
}

/* A finding a person can act on: a whole sentence, its placeholders
 * filled, that says what to do (@fix). */
void
assert_finding (GPtrArray        *findings,
                guint             index,
                NexusFindingKind  kind,
                const char       *fix)
{
  NexusFinding *finding;

  g_assert_cmpuint (index, <, findings->len);
  finding = g_ptr_array_index (findings, index);
  g_assert_cmpint (finding->kind, ==, kind);
  g_assert_true (g_utf8_validate (finding->sentence, -1, NULL));
  g_assert_true (g_ascii_isupper (finding->sentence[0]));
  g_assert_null (strchr (finding->sentence, '%'));
  g_assert_null (strstr (finding->sentence, "  "));
  /* What is wrong, then the fix: two sentences at least. */
  g_assert_nonnull (strstr (finding->sentence, ". "));
  if (strstr (finding->sentence, fix) == NULL)
    g_error ("“%s” does not say “%s”", finding->sentence, fix);
}

static void
test_loopback_only (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(NexusFakeFirewalld) firewalld = nexus_fake_firewalld_new ();
  g_auto(GStrv) calls = NULL;

  /* A firewall that would keep guests out does not matter when no guest
   * can come: it is not even asked. */
  nexus_fake_firewalld_add_zone (firewalld, "public", "default");
  nexus_fake_firewalld_start (firewalld, g_test_dbus_get_bus_address (test_bus));
  set_addresses ("127.0.0.1", "lo", NEXUS_INTERFACE_LOOPBACK, NULL);

  {
    g_autoptr(GPtrArray) findings = run_check ("127.0.0.1", TRUE);

    g_assert_cmpuint (findings->len, ==, 1);
    assert_finding (findings, 0, NEXUS_FINDING_LOOPBACK_ONLY, "Start it without --bind");
    assert_finding (findings, 0, NEXUS_FINDING_LOOPBACK_ONLY, "--bind 127.0.0.1.");
  }
  {
    g_autoptr(GPtrArray) findings = run_check ("::1", FALSE);

    g_assert_cmpuint (findings->len, ==, 2);
    assert_finding (findings, 0, NEXUS_FINDING_LOOPBACK_ONLY, "--bind ::1.");
    assert_finding (findings, 1, NEXUS_FINDING_AVAHI_MISSING, "Share an invite link");
  }

  calls = nexus_fake_firewalld_dup_calls (firewalld);
  g_assert_cmpuint (g_strv_length (calls), ==, 0);
}

static void
test_no_network (Fixture       *fixture,
                 gconstpointer  data)
{
  set_addresses ("127.0.0.1", "lo", NEXUS_INTERFACE_LOOPBACK,
                 "::1", "lo", NEXUS_INTERFACE_LOOPBACK,
                 NULL);
  {
    g_autoptr(GPtrArray) findings = run_check (NULL, TRUE);

    g_assert_cmpuint (findings->len, ==, 1);
    assert_finding (findings, 0, NEXUS_FINDING_NO_NETWORK,
                    "Connect to the same Wi-Fi or network as the people you want to chat with.");
  }

  /* Not even loopback. */
  {
    g_autoptr(GPtrArray) nothing = g_ptr_array_new ();

    nexus_network_doctor_set_addresses (nothing);
  }
  {
    g_autoptr(GPtrArray) findings = run_check ("0.0.0.0", TRUE);

    g_assert_cmpuint (findings->len, ==, 1);
    assert_finding (findings, 0, NEXUS_FINDING_NO_NETWORK, "Connect to the same Wi-Fi");
  }
}

static void
test_avahi (Fixture       *fixture,
            gconstpointer  data)
{
  set_addresses_laptop ();
  {
    g_autoptr(GPtrArray) findings = run_check (NULL, FALSE);

    g_assert_cmpuint (findings->len, ==, 1);
    assert_finding (findings, 0, NEXUS_FINDING_AVAHI_MISSING,
                    "Share an invite link or the QR code instead.");
    assert_finding (findings, 0, NEXUS_FINDING_AVAHI_MISSING, "Avahi");
  }
  {
    g_autoptr(GPtrArray) findings = run_check (NULL, TRUE);

    g_assert_cmpuint (findings->len, ==, 0);
  }
}

static void
test_vpn_only (Fixture       *fixture,
               gconstpointer  data)
{
  set_addresses ("10.8.0.2", "wg0", NEXUS_INTERFACE_VPN,
                 "fd7a:115c::5", "tailscale0", NEXUS_INTERFACE_VPN,
                 "127.0.0.1", "lo", NEXUS_INTERFACE_LOOPBACK,
                 NULL);
  {
    g_autoptr(GPtrArray) findings = run_check (NULL, TRUE);

    g_assert_cmpuint (findings->len, ==, 1);
    assert_finding (findings, 0, NEXUS_FINDING_VPN_ONLY, "VPN");
    assert_finding (findings, 0, NEXUS_FINDING_VPN_ONLY, "local network");
    assert_finding (findings, 0, NEXUS_FINDING_VPN_ONLY, "Connect to the same Wi-Fi");
  }

  /* Bound to the VPN's address alone: the same. */
  {
    g_autoptr(GPtrArray) findings = NULL;

    set_addresses ("10.8.0.2", "wg0", NEXUS_INTERFACE_VPN, NULL);
    findings = run_check ("10.8.0.2", TRUE);
    g_assert_cmpuint (findings->len, ==, 1);
    assert_finding (findings, 0, NEXUS_FINDING_VPN_ONLY, "VPN");
  }

  /* A VPN beside the local network is no obstacle. */
  set_addresses ("10.8.0.2", "wg0", NEXUS_INTERFACE_VPN,
                 "192.168.1.20", "wlp2s0", NEXUS_INTERFACE_WIFI,
                 NULL);
  {
    g_autoptr(GPtrArray) findings = run_check (NULL, TRUE);

    g_assert_cmpuint (findings->len, ==, 0);
  }
}

static void
test_port_ranges (void)
{
  g_assert_true (nexus_port_range_contains ("47474", '-', 47474));
  g_assert_true (nexus_port_range_contains ("47000-48000", '-', 47474));
  g_assert_true (nexus_port_range_contains ("47474-47474", '-', 47474));
  g_assert_true (nexus_port_range_contains ("1:65535", ':', 47474));
  g_assert_false (nexus_port_range_contains ("47475", '-', 47474));
  g_assert_false (nexus_port_range_contains ("47475-48000", '-', 47474));
  g_assert_false (nexus_port_range_contains ("47000-47473", '-', 47474));
  g_assert_false (nexus_port_range_contains ("47000:48000", '-', 47474));
  g_assert_false (nexus_port_range_contains ("", '-', 47474));
  g_assert_false (nexus_port_range_contains ("-", '-', 47474));
  g_assert_false (nexus_port_range_contains ("ssh", '-', 22));
  g_assert_false (nexus_port_range_contains ("47474-", '-', 47474));
  g_assert_false (nexus_port_range_contains ("99999", '-', 34463));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GDBusConnection) system_bus = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* A bus of our own stands in for the system bus, so that no real
   * firewalld is ever asked. */
  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (test_bus), TRUE);
  system_bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (system_bus, FALSE);

  g_test_add_func ("/network-doctor/kind-names", test_kind_names);
  g_test_add_func ("/network-doctor/port-ranges", test_port_ranges);
  ADD ("/network-doctor/kinds", test_kinds);
  ADD ("/network-doctor/addresses/any", test_addresses_any);
  ADD ("/network-doctor/addresses/bound", test_addresses_bound);
  ADD ("/network-doctor/addresses/nothing", test_addresses_nothing);
  g_test_add_func ("/network-doctor/addresses/this-host", test_addresses_this_host);
  ADD ("/network-doctor/loopback-only", test_loopback_only);
  ADD ("/network-doctor/no-network", test_no_network);
  ADD ("/network-doctor/avahi", test_avahi);
  ADD ("/network-doctor/vpn-only", test_vpn_only);
  add_firewall_tests ();

  status = g_test_run ();

  g_dbus_connection_close_sync (system_bus, NULL, NULL);
  g_clear_object (&system_bus);
  g_test_dbus_down (test_bus);
  g_clear_object (&test_bus);
  return status;
}
