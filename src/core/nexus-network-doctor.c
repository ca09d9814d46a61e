/* nexus-network-doctor.c: can people on the network reach this host?
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "nexus-address.h"
#include "nexus-network-doctor-private.h"

#define DEFAULT_SYSFS_ROOT "/sys"
#define DEFAULT_ETC_ROOT "/etc"
#define DEFAULT_FIREWALLD_TIMEOUT_MSEC 2000

/* Test hooks, set before a check starts; each check copies them. */
static char      *test_sysfs_root;
static char      *test_etc_root;
static GPtrArray *test_addresses;
static guint      test_firewalld_timeout_msec;

NexusHostAddress *
nexus_host_address_new (const char         *address,
                        const char         *interface,
                        NexusInterfaceKind  kind)
{
  NexusHostAddress *self;

  g_return_val_if_fail (address != NULL, NULL);

  self = g_new0 (NexusHostAddress, 1);
  self->address = g_strdup (address);
  self->interface = g_strdup (interface != NULL ? interface : "");
  self->kind = kind;
  return self;
}

void
nexus_host_address_free (NexusHostAddress *address)
{
  if (address == NULL)
    return;
  g_free (address->address);
  g_free (address->interface);
  g_free (address);
}

static NexusHostAddress *
host_address_copy (gconstpointer src,
                   gpointer      data)
{
  const NexusHostAddress *address = src;

  return nexus_host_address_new (address->address, address->interface, address->kind);
}

static void
add_finding (GPtrArray        *findings,
             NexusFindingKind  kind,
             char             *sentence)
{
  NexusFinding *finding = g_new0 (NexusFinding, 1);

  finding->kind = kind;
  finding->sentence = sentence;
  g_ptr_array_add (findings, finding);
}

void
nexus_finding_free (NexusFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->sentence);
  g_free (finding);
}

const char *
nexus_interface_kind_to_string (NexusInterfaceKind kind)
{
  switch (kind)
    {
    case NEXUS_INTERFACE_ETHERNET:
      return _("Ethernet");
    case NEXUS_INTERFACE_WIFI:
      return _("Wi-Fi");
    case NEXUS_INTERFACE_VPN:
      return _("VPN");
    case NEXUS_INTERFACE_LOOPBACK:
      /* Translators: the network that reaches only this computer itself */
      return _("Loopback");
    case NEXUS_INTERFACE_VIRTUAL:
      /* Translators: a network inside this computer: bridges, containers … */
      return _("Virtual network");
    case NEXUS_INTERFACE_OTHER:
    default:
      return _("Other network");
    }
}

/* Interfaces and kinds */

static const char *const vpn_prefixes[] = {
  "tun", "tap", "wg", "ppp", "tailscale", "zt", "ipsec", "vti", NULL,
};

static const char *const virtual_prefixes[] = {
  "veth", "docker", "virbr", "br-", "vnet", "lxcbr", "lxdbr", "podman", "vboxnet", "vmnet",
  NULL,
};

static gboolean
has_any_prefix (const char        *name,
                const char *const *prefixes)
{
  for (guint i = 0; prefixes[i] != NULL; i++)
    if (g_str_has_prefix (name, prefixes[i]))
      return TRUE;
  return FALSE;
}

static char *
sysfs_path (const char *sysfs_root,
            const char *interface,
            const char *file)
{
  return g_build_filename (sysfs_root, "class", "net", interface, file, NULL);
}

static gboolean
sysfs_exists (const char *sysfs_root,
              const char *interface,
              const char *file)
{
  g_autofree char *path = sysfs_path (sysfs_root, interface, file);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
sysfs_read (const char *sysfs_root,
            const char *interface,
            const char *file)
{
  g_autofree char *path = sysfs_path (sysfs_root, interface, file);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return g_strstrip (contents);
}

/* The ARPHRD_ type of @interface, or -1 when it cannot be read. */
static gint64
sysfs_read_type (const char *sysfs_root,
                 const char *interface)
{
  g_autofree char *text = sysfs_read (sysfs_root, interface, "type");
  guint64 type;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT16, &type, NULL))
    return -1;
  return (gint64) type;
}

/* DEVTYPE= from the interface's uevent: "wlan", "wireguard", "bridge" … */
static char *
sysfs_read_devtype (const char *sysfs_root,
                    const char *interface)
{
  g_autofree char *uevent = sysfs_read (sysfs_root, interface, "uevent");
  g_auto(GStrv) lines = NULL;

  if (uevent == NULL)
    return NULL;
  lines = g_strsplit (uevent, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "DEVTYPE="))
      return g_strdup (lines[i] + strlen ("DEVTYPE="));
  return NULL;
}

static gboolean
is_vpn_type (gint64 type)
{
  switch (type)
    {
    case ARPHRD_NONE:       /* tun, wireguard: no link layer */
    case ARPHRD_PPP:
    case ARPHRD_TUNNEL:     /* ipip, vti */
    case ARPHRD_TUNNEL6:    /* ip6tnl, vti6 */
      return TRUE;
    default:
      return FALSE;
    }
}

NexusInterfaceKind
nexus_interface_kind_from_sysfs (const char *sysfs_root,
                                 const char *interface)
{
  g_autofree char *devtype = NULL;
  gboolean has_device;
  gint64 type;

  g_return_val_if_fail (sysfs_root != NULL, NEXUS_INTERFACE_OTHER);
  g_return_val_if_fail (interface != NULL, NEXUS_INTERFACE_OTHER);

  /* A name from the kernel never has these; one from elsewhere must not
   * lead outside the interface's own directory. */
  if (*interface == '\0' || strchr (interface, '/') != NULL
      || g_str_equal (interface, ".") || g_str_equal (interface, ".."))
    return NEXUS_INTERFACE_OTHER;

  type = sysfs_read_type (sysfs_root, interface);
  devtype = sysfs_read_devtype (sysfs_root, interface);
  /* Real hardware has a device behind it; software interfaces do not. */
  has_device = sysfs_exists (sysfs_root, interface, "device");

  if (type == ARPHRD_LOOPBACK)
    return NEXUS_INTERFACE_LOOPBACK;
  if (sysfs_exists (sysfs_root, interface, "wireless")
      || sysfs_exists (sysfs_root, interface, "phy80211")
      || g_strcmp0 (devtype, "wlan") == 0)
    return NEXUS_INTERFACE_WIFI;
  /* A modem's raw IP has no link layer either, but a device. */
  if (has_any_prefix (interface, vpn_prefixes) || (is_vpn_type (type) && !has_device)
      || sysfs_exists (sysfs_root, interface, "tun_flags")
      || g_strcmp0 (devtype, "wireguard") == 0)
    return NEXUS_INTERFACE_VPN;
  if (has_any_prefix (interface, virtual_prefixes)
      || sysfs_exists (sysfs_root, interface, "bridge")
      || g_strcmp0 (devtype, "bridge") == 0)
    return NEXUS_INTERFACE_VIRTUAL;

  /* Not in sysfs at all (a sandbox without it): nothing more to tell. */
  if (type < 0 && !sysfs_exists (sysfs_root, interface, NULL))
    return NEXUS_INTERFACE_OTHER;
  if (!has_device)
    return NEXUS_INTERFACE_VIRTUAL;
  if (type == ARPHRD_ETHER)
    return NEXUS_INTERFACE_ETHERNET;
  return NEXUS_INTERFACE_OTHER;
}

/* Addresses */

static const char *
current_sysfs_root (void)
{
  return test_sysfs_root != NULL ? test_sysfs_root : DEFAULT_SYSFS_ROOT;
}

static gboolean
address_is_loopback (const char *address)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (address == NULL)
    return FALSE;
  if (g_str_equal (address, "localhost"))
    return TRUE;
  inet = g_inet_address_new_from_string (address);
  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

static GInetAddress *
inet_address_from_sockaddr (const struct sockaddr *address)
{
  if (address->sa_family == AF_INET)
    {
      const struct sockaddr_in *sin = (gconstpointer) address;

      return g_inet_address_new_from_bytes ((const guint8 *) &sin->sin_addr, G_SOCKET_FAMILY_IPV4);
    }
  if (address->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (gconstpointer) address;

      return g_inet_address_new_from_bytes ((const guint8 *) &sin6->sin6_addr,
                                            G_SOCKET_FAMILY_IPV6);
    }
  return NULL;
}

static GPtrArray *
host_address_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_host_address_free);
}

/* One sysfs look per interface, however many addresses it has. */
static NexusInterfaceKind
interface_kind_cached (GHashTable *kinds,
                       const char *sysfs_root,
                       const char *interface)
{
  gpointer kind;

  if (!g_hash_table_lookup_extended (kinds, interface, NULL, &kind))
    {
      kind = GINT_TO_POINTER (nexus_interface_kind_from_sysfs (sysfs_root, interface));
      g_hash_table_insert (kinds, g_strdup (interface), kind);
    }
  return GPOINTER_TO_INT (kind);
}

static gboolean
host_address_has (GPtrArray  *addresses,
                  const char *address)
{
  for (guint i = 0; i < addresses->len; i++)
    if (g_str_equal (((NexusHostAddress *) g_ptr_array_index (addresses, i))->address, address))
      return TRUE;
  return FALSE;
}

/* Every interface: the addresses a guest could use (those of the invite
 * links), then loopback. */
static GPtrArray *
host_addresses_any (const struct ifaddrs *interfaces,
                    const char           *sysfs_root)
{
  g_autoptr(GPtrArray) ipv4 = host_address_array_new ();
  g_autoptr(GPtrArray) ipv6 = host_address_array_new ();
  g_autoptr(GPtrArray) loopback4 = host_address_array_new ();
  g_autoptr(GPtrArray) loopback6 = host_address_array_new ();
  g_autoptr(GHashTable) kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *all = host_address_array_new ();

  for (const struct ifaddrs *ifa = interfaces; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autofree char *text = NULL;
      g_autoptr(GInetAddress) inet = NULL;
      GPtrArray *list;
      NexusInterfaceKind kind;

      if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP))
        continue;

      text = nexus_address_lan_text (ifa->ifa_addr);
      if (text != NULL)
        {
          list = ifa->ifa_addr->sa_family == AF_INET ? ipv4 : ipv6;
          kind = interface_kind_cached (kinds, sysfs_root, ifa->ifa_name);
        }
      else
        {
          inet = inet_address_from_sockaddr (ifa->ifa_addr);
          if (inet == NULL || !g_inet_address_get_is_loopback (inet))
            continue;
          text = g_inet_address_to_string (inet);
          list = ifa->ifa_addr->sa_family == AF_INET ? loopback4 : loopback6;
          kind = NEXUS_INTERFACE_LOOPBACK;
        }

      if (!host_address_has (list, text))
        g_ptr_array_add (list, nexus_host_address_new (text, ifa->ifa_name, kind));
    }

  g_ptr_array_extend_and_steal (all, g_steal_pointer (&ipv4));
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&ipv6));
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&loopback4));
  g_ptr_array_extend_and_steal (all, g_steal_pointer (&loopback6));
  return all;
}

/* One address: that one, with the interface that holds it. */
static GPtrArray *
host_addresses_bound (const struct ifaddrs *interfaces,
                      const char           *bind_address,
                      const char           *sysfs_root)
{
  g_autoptr(GInetAddress) bound = g_inet_address_new_from_string (bind_address);
  GPtrArray *all = host_address_array_new ();
  const char *interface = NULL;
  NexusInterfaceKind kind = NEXUS_INTERFACE_OTHER;

  for (const struct ifaddrs *ifa = interfaces; bound != NULL && ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GInetAddress) inet = NULL;

      if (ifa->ifa_addr == NULL)
        continue;
      inet = inet_address_from_sockaddr (ifa->ifa_addr);
      if (inet != NULL && g_inet_address_equal (inet, bound))
        {
          interface = ifa->ifa_name;
          kind = nexus_interface_kind_from_sysfs (sysfs_root, interface);
          break;
        }
    }

  if (address_is_loopback (bind_address))
    kind = NEXUS_INTERFACE_LOOPBACK;
  g_ptr_array_add (all, nexus_host_address_new (bind_address, interface, kind));
  return all;
}

static GPtrArray *
host_addresses_list_at (const struct ifaddrs *interfaces,
                        const char           *bind_address,
                        const char           *sysfs_root)
{
  if (nexus_address_is_any (bind_address))
    return host_addresses_any (interfaces, sysfs_root);
  return host_addresses_bound (interfaces, bind_address, sysfs_root);
}

GPtrArray *
nexus_host_addresses_list_from (const struct ifaddrs *interfaces,
                                const char           *bind_address)
{
  return host_addresses_list_at (interfaces, bind_address, current_sysfs_root ());
}

static GPtrArray *
host_addresses_list_with_sysfs (const char *bind_address,
                                const char *sysfs_root)
{
  struct ifaddrs *interfaces = NULL;
  GPtrArray *addresses;

  if (getifaddrs (&interfaces) != 0)
    interfaces = NULL;
  addresses = host_addresses_list_at (interfaces, bind_address, sysfs_root);
  if (interfaces != NULL)
    freeifaddrs (interfaces);
  return addresses;
}

/* Reads only sysfs, which lives in memory and never waits on a disk. */
GPtrArray *
nexus_host_addresses_list (const char *bind_address)
{
  return host_addresses_list_with_sysfs (bind_address, current_sysfs_root ());
}

/* The check */

typedef struct
{
  char      *bind_address;
  guint      port;
  gboolean   avahi_available;
  char      *sysfs_root;
  char      *etc_root;
  guint      firewalld_timeout_msec;
  GPtrArray *addresses;         /* NexusHostAddress: a test's, or found in the thread */
  gboolean   ufw_blocks;
  GStrv      firewalld_zones;   /* the zones that do not let the port in */
} Check;

static void
check_free (Check *check)
{
  g_free (check->bind_address);
  g_free (check->sysfs_root);
  g_free (check->etc_root);
  g_clear_pointer (&check->addresses, g_ptr_array_unref);
  g_strfreev (check->firewalld_zones);
  g_free (check);
}

static gboolean
check_is_loopback_only (Check *check)
{
  return address_is_loopback (check->bind_address);
}

static gboolean
host_address_is_loopback (const NexusHostAddress *address)
{
  return address->kind == NEXUS_INTERFACE_LOOPBACK || address_is_loopback (address->address);
}

/* What guests could reach: every address but loopback; with @vpn_only,
 * those on a VPN. */
static guint
count_lan_addresses (Check    *check,
                     gboolean  vpn_only)
{
  guint n = 0;

  for (guint i = 0; i < check->addresses->len; i++)
    {
      NexusHostAddress *address = g_ptr_array_index (check->addresses, i);

      if (!host_address_is_loopback (address)
          && (!vpn_only || address->kind == NEXUS_INTERFACE_VPN))
        n++;
    }
  return n;
}

/* The interfaces guests come in through, for the firewall's zones: those
 * on real networks, or every one when there are only virtual ones (a
 * container, a network namespace, a bridged host). */
static GStrv
check_guest_interfaces (Check *check)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  for (guint pass = 0; pass < 2 && seen->len == 0; pass++)
    for (guint i = 0; i < check->addresses->len; i++)
      {
        NexusHostAddress *address = g_ptr_array_index (check->addresses, i);

        if (host_address_is_loopback (address) || *address->interface == '\0'
            || (pass == 0 && address->kind == NEXUS_INTERFACE_VIRTUAL)
            || g_ptr_array_find_with_equal_func (seen, address->interface, g_str_equal, NULL))
          continue;
        g_ptr_array_add (seen, address->interface);
        g_strv_builder_add (builder, address->interface);
      }

  return g_strv_builder_end (builder);
}

static void
look_around_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  Check *check = task_data;

  if (check->addresses == NULL)
    check->addresses = host_addresses_list_with_sysfs (check->bind_address, check->sysfs_root);
  if (!check_is_loopback_only (check) && count_lan_addresses (check, FALSE) > 0)
    check->ufw_blocks = nexus_ufw_blocks_port (check->etc_root, check->port);

  g_task_return_boolean (task, TRUE);
}

static GPtrArray *
check_findings (Check *check)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_finding_free);
  guint lan = count_lan_addresses (check, FALSE);

  if (check_is_loopback_only (check))
    {
      add_finding (findings, NEXUS_FINDING_LOOPBACK_ONLY, g_strdup_printf (
        /* Translators: %s is an address such as 127.0.0.1; keep --bind as it is */
        _("Only this computer can join: Nexus Chat was started with --bind %s. "
          "Start it without --bind to let others on your network in."),
        check->bind_address));
    }
  else if (lan == 0)
    {
      add_finding (findings, NEXUS_FINDING_NO_NETWORK, g_strdup (
        _("This computer is not connected to a network. Connect to the same Wi-Fi "
          "or network as the people you want to chat with.")));
    }
  else
    {
      if (count_lan_addresses (check, TRUE) == lan)
        add_finding (findings, NEXUS_FINDING_VPN_ONLY, g_strdup (
          _("This computer is connected only through a VPN, which people on your local "
            "network may not be able to reach. Connect to the same Wi-Fi or network as "
            "the people you want to chat with.")));

      for (guint i = 0; check->firewalld_zones != NULL && check->firewalld_zones[i] != NULL; i++)
        add_finding (findings, NEXUS_FINDING_FIREWALL_BLOCKS, g_strdup_printf (
          /* Translators: %1$s is a firewall zone such as “public”, %2$u a port;
           * keep the command after the colon as it is */
          _("The firewall (firewalld, zone “%1$s”) does not let port %2$u in, so others "
            "cannot join. Allow it with: sudo firewall-cmd --zone=%1$s --add-port=%2$u/tcp"),
          check->firewalld_zones[i], check->port));

      if (check->ufw_blocks)
        add_finding (findings, NEXUS_FINDING_FIREWALL_BLOCKS, g_strdup_printf (
          /* Translators: %u is a port; keep the command after the colon as it is */
          _("The firewall (ufw) does not let port %1$u in, so others cannot join. "
            "Allow it with: sudo ufw allow %1$u/tcp"),
          check->port));
    }

  if (!check->avahi_available)
    add_finding (findings, NEXUS_FINDING_AVAHI_MISSING, g_strdup (
      _("Others cannot find this room by its code alone, because the Avahi service is "
        "not running here. Share an invite link or the QR code instead.")));

  return findings;
}

static void
check_return (GTask *task)
{
  g_task_return_pointer (task, check_findings (g_task_get_task_data (task)),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
firewalld_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  check->firewalld_zones = nexus_firewalld_find_blocking_zones_finish (result, &error);
  if (check->firewalld_zones == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  check_return (task);
}

static void
look_around_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) interfaces = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (check_is_loopback_only (check) || count_lan_addresses (check, FALSE) == 0)
    {
      check_return (task);
      return;
    }

  interfaces = check_guest_interfaces (check);
  if (interfaces[0] == NULL)
    {
      check_return (task);
      return;
    }
  nexus_firewalld_find_blocking_zones_async ((const char * const *) interfaces, check->port,
                                             check->firewalld_timeout_msec,
                                             g_task_get_cancellable (task),
                                             firewalld_done_cb, g_object_ref (task));
}

void
nexus_network_doctor_check_async (const char          *bind_address,
                                  guint                port,
                                  gboolean             avahi_available,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) look_around = NULL;
  Check *check;

  g_return_if_fail (port > 0 && port <= G_MAXUINT16);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  check = g_new0 (Check, 1);
  check->bind_address = g_strdup (bind_address);
  check->port = port;
  check->avahi_available = avahi_available;
  check->sysfs_root = g_strdup (current_sysfs_root ());
  check->etc_root = g_strdup (test_etc_root != NULL ? test_etc_root : DEFAULT_ETC_ROOT);
  check->firewalld_timeout_msec = test_firewalld_timeout_msec != 0
                                  ? test_firewalld_timeout_msec
                                  : DEFAULT_FIREWALLD_TIMEOUT_MSEC;
  if (test_addresses != NULL)
    check->addresses = g_ptr_array_copy (test_addresses, (GCopyFunc) host_address_copy, NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_network_doctor_check_async);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);

  /* The addresses, sysfs and ufw's files are read in a thread; the rest
   * comes back here and asks firewalld without blocking. */
  look_around = g_task_new (NULL, cancellable, look_around_done_cb, g_object_ref (task));
  g_task_set_source_tag (look_around, look_around_in_thread);
  g_task_set_task_data (look_around, check, NULL);
  g_task_run_in_thread (look_around, look_around_in_thread);
}

GPtrArray *
nexus_network_doctor_check_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == nexus_network_doctor_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Test hooks */

void
nexus_network_doctor_set_sysfs_root (const char *root)
{
  g_free (test_sysfs_root);
  test_sysfs_root = g_strdup (root);
}

void
nexus_network_doctor_set_etc_root (const char *root)
{
  g_free (test_etc_root);
  test_etc_root = g_strdup (root);
}

void
nexus_network_doctor_set_addresses (GPtrArray *addresses)
{
  g_clear_pointer (&test_addresses, g_ptr_array_unref);
  if (addresses != NULL)
    test_addresses = g_ptr_array_copy (addresses, (GCopyFunc) host_address_copy, NULL);
  if (test_addresses != NULL)
    g_ptr_array_set_free_func (test_addresses, (GDestroyNotify) nexus_host_address_free);
}

void
nexus_network_doctor_set_firewalld_timeout (guint timeout_msec)
{
  test_firewalld_timeout_msec = timeout_msec;
}
