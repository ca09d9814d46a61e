/* nexus-nearby-host.c: one host on the local network, resolved
 *
 * Each host NexusNearby keeps has an Avahi service resolver that stays
 * open: Avahi sends Found again whenever the host's TXT record changes
 * (the old record is withdrawn, the resolver looks again and finds the
 * new one), so the rooms it shows follow it live. What Found carries is
 * checked before anything is kept.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <net/if.h>
#include <string.h>

#include "nexus-nearby-private.h"

#define MAX_ITEMS_PER_HOST     8   /* interfaces × protocols */
#define MAX_RETRIES            2   /* after every item failed once */
#define RESOLVE_RETRY_MS       2000
#define DOMAIN_MAX_BYTES       255

/* Rooms */

static int
compare_rooms (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  NexusNearbyRoom *room_a = (NexusNearbyRoom *) a;
  NexusNearbyRoom *room_b = (NexusNearbyRoom *) b;
  int order = g_utf8_collate (nexus_nearby_room_get_title (room_a),
                              nexus_nearby_room_get_title (room_b));

  if (order == 0)
    order = g_strcmp0 (nexus_nearby_room_get_host_name (room_a),
                       nexus_nearby_room_get_host_name (room_b));
  if (order == 0)
    order = g_strcmp0 (nexus_nearby_room_get_code (room_a), nexus_nearby_room_get_code (room_b));
  return order;
}

static void
remove_from_model (NexusNearby     *self,
                   NexusNearbyRoom *room)
{
  guint position;

  if (g_list_store_find (self->rooms, room, &position))
    g_list_store_remove (self->rooms, position);
}

static void
clear_rooms (NexusNearby          *self,
             NexusNearbyHostEntry *host)
{
  for (guint i = 0; i < host->rooms->len; i++)
    remove_from_model (self, g_ptr_array_index (host->rooms, i));
  g_ptr_array_set_size (host->rooms, 0);
}

/* Makes the model hold exactly the rooms the host's TXT record shows. */
static void
sync_rooms (NexusNearby          *self,
            NexusNearbyHostEntry *host)
{
  const NexusDiscoveryTxt *txt = host->address != NULL ? host->txt : NULL;
  guint n_rooms = txt != NULL ? txt->n_rooms : 0;

  for (guint i = host->rooms->len; i > 0; i--)
    {
      NexusNearbyRoom *room = g_ptr_array_index (host->rooms, i - 1);
      /* A room moves with its host: a new address makes it a new room. */
      gboolean same_host =
        g_strcmp0 (nexus_nearby_room_get_address (room), host->address) == 0 &&
        nexus_nearby_room_get_port (room) == host->port &&
        g_strcmp0 (nexus_nearby_room_get_host_name (room), host->computer) == 0;
      gboolean keep = FALSE;

      for (guint j = 0; same_host && !keep && j < n_rooms; j++)
        keep = strcmp (txt->rooms[j].code, nexus_nearby_room_get_code (room)) == 0;
      if (!keep)
        {
          remove_from_model (self, room);
          g_ptr_array_remove_index (host->rooms, i - 1);
        }
    }

  for (guint j = 0; j < n_rooms; j++)
    {
      const NexusDiscoveryRoom *shown = &txt->rooms[j];
      NexusNearbyRoom *room = NULL;

      for (guint i = 0; i < host->rooms->len && room == NULL; i++)
        if (strcmp (nexus_nearby_room_get_code (g_ptr_array_index (host->rooms, i)),
                    shown->code) == 0)
          room = g_ptr_array_index (host->rooms, i);

      if (room == NULL)
        {
          g_autoptr(NexusNearbyRoom) added = nexus_nearby_room_new (shown->code, shown->title,
                                                                    host->computer,
                                                                    shown->n_members,
                                                                    host->address, host->port);

          g_ptr_array_add (host->rooms, g_object_ref (added));
          g_list_store_insert_sorted (self->rooms, added, compare_rooms, NULL);
        }
      else if (strcmp (nexus_nearby_room_get_title (room), shown->title) != 0)
        {
          /* A new title moves the room: out and in again, sorted. */
          g_object_ref (room);
          remove_from_model (self, room);
          nexus_nearby_room_update (room, shown->title, shown->n_members);
          g_list_store_insert_sorted (self->rooms, room, compare_rooms, NULL);
          g_object_unref (room);
        }
      else
        nexus_nearby_room_update (room, shown->title, shown->n_members);
    }
}

/* Hosts */

void
_nexus_nearby_host_free (NexusNearbyHostEntry *host)
{
  g_free (host->key);
  g_free (host->name);
  g_free (host->domain);
  g_array_unref (host->items);
  g_free (host->resolver_path);
  g_clear_handle_id (&host->retry_id, g_source_remove);
  g_free (host->address);
  g_free (host->host_name);
  g_free (host->computer);
  nexus_discovery_txt_free (host->txt);
  g_ptr_array_unref (host->rooms);
  g_free (host);
}

char *
_nexus_nearby_host_key (const char *name,
                        const char *domain)
{
  return g_strconcat (name, "\n", domain, NULL);
}

static void
stop_resolver (NexusNearby          *self,
               NexusNearbyHostEntry *host)
{
  host->resolve_serial++;
  host->resolving = FALSE;
  g_clear_handle_id (&host->retry_id, g_source_remove);
  if (host->resolver_path != NULL)
    {
      g_hash_table_remove (self->resolvers, host->resolver_path);
      nexus_avahi_client_free_object (self->avahi, host->resolver_path,
                                      NEXUS_AVAHI_RESOLVER_INTERFACE);
      g_clear_pointer (&host->resolver_path, g_free);
    }
}

static void
forget_answer (NexusNearby          *self,
               NexusNearbyHostEntry *host)
{
  g_clear_pointer (&host->address, g_free);
  g_clear_pointer (&host->host_name, g_free);
  g_clear_pointer (&host->computer, g_free);
  g_clear_pointer (&host->txt, nexus_discovery_txt_free);
  clear_rooms (self, host);
}

/* Forgets everything the host said, and stops asking. */
void
_nexus_nearby_host_forget (NexusNearby          *self,
                           NexusNearbyHostEntry *host)
{
  stop_resolver (self, host);
  clear_rooms (self, host);
}

NexusNearbyHostEntry *
_nexus_nearby_host_new (NexusNearby *self,
                        const char  *name,
                        const char  *domain)
{
  NexusNearbyHostEntry *host = g_new0 (NexusNearbyHostEntry, 1);

  host->nearby = self;
  host->key = _nexus_nearby_host_key (name, domain);
  host->name = g_strdup (name);
  host->domain = g_strdup (domain);
  host->order = self->next_order++;
  host->items = g_array_new (FALSE, FALSE, sizeof (NexusNearbyItem));
  host->rooms = g_ptr_array_new_with_free_func (g_object_unref);
  return host;
}

static gboolean may_retry (NexusNearbyHostEntry *host);

/* The host seen on one more interface and protocol. Avahi reports IPv6
 * and IPv4 in any order: an IPv4 one replaces an IPv6 one being resolved. */
void
_nexus_nearby_host_add_item (NexusNearby           *self,
                             NexusNearbyHostEntry  *host,
                             const NexusNearbyItem *item)
{
  gboolean ipv4 = item->protocol == NEXUS_AVAHI_PROTO_INET;

  for (guint i = 0; i < host->items->len; i++)
    {
      NexusNearbyItem *known = &g_array_index (host->items, NexusNearbyItem, i);

      if (known->interface == item->interface && known->protocol == item->protocol)
        return;
    }
  if (host->items->len >= MAX_ITEMS_PER_HOST)
    return;
  if (ipv4)
    g_array_prepend_val (host->items, *item);
  else
    g_array_append_val (host->items, *item);

  if (!host->resolving && host->retry_id == 0 && may_retry (host))
    _nexus_nearby_host_resolve (self, host);
  else if (host->resolving && ipv4 && host->n_failures == 0 &&
           host->resolved_item.protocol != NEXUS_AVAHI_PROTO_INET)
    _nexus_nearby_host_resolve (self, host);
}

void
_nexus_nearby_host_remove (NexusNearby          *self,
                           NexusNearbyHostEntry *host)
{
  stop_resolver (self, host);
  clear_rooms (self, host);
  g_hash_table_remove (self->hosts, host->key);
}

static gboolean
on_retry (gpointer user_data)
{
  NexusNearbyHostEntry *host = user_data;

  host->retry_id = 0;
  _nexus_nearby_host_resolve (host->nearby, host);
  return G_SOURCE_REMOVE;
}

/* Whether the host may be resolved again after @n_failures. */
static gboolean
may_retry (NexusNearbyHostEntry *host)
{
  return host->n_failures < host->items->len + MAX_RETRIES;
}

/* The host did not answer: what it said before no longer holds. Each
 * interface and protocol is tried at once, then all again a few more
 * times, further apart. */
static void
host_failed (NexusNearby          *self,
             NexusNearbyHostEntry *host,
             const char           *why)
{
  g_debug ("nearby: “%s” unresolved: %s", host->name, why);
  stop_resolver (self, host);
  forget_answer (self, host);
  host->n_failures++;
  if (host->n_failures < host->items->len)
    _nexus_nearby_host_resolve (self, host);
  else
    {
      host->answered = TRUE;
      if (may_retry (host))
        host->retry_id = g_timeout_add (RESOLVE_RETRY_MS * (host->n_failures - host->items->len + 1),
                                        on_retry, host);
    }
  _nexus_nearby_check_finds (self);
}

static void
on_resolver_started (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  g_autoptr(PrepareCall) call = user_data;
  g_autoptr(NexusNearby) self = g_weak_ref_get (&call->nearby);
  NexusNearbyHostEntry *host;

  if (reply != NULL || _nexus_nearby_is_stale (error) || self == NULL || self->round != call->round)
    return;
  host = g_hash_table_lookup (self->hosts, call->host_key);
  if (host != NULL && host->resolve_serial == call->serial)
    host_failed (self, host, error->message);
}

static void
on_resolver_prepared (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  g_autoptr(PrepareCall) call = user_data;
  g_autoptr(NexusNearby) self = g_weak_ref_get (&call->nearby);
  NexusNearbyHostEntry *host = NULL;
  const char *path = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(&o)", &path);
  if (self != NULL && self->round == call->round)
    host = g_hash_table_lookup (self->hosts, call->host_key);
  if (host == NULL || host->resolve_serial != call->serial)
    {
      if (path != NULL)
        nexus_avahi_free_object (G_DBUS_CONNECTION (source), call->owner, path,
                                 NEXUS_AVAHI_RESOLVER_INTERFACE);
      return;
    }
  if (reply == NULL)
    {
      host_failed (self, host, error->message);
      return;
    }

  /* Known before Start, so that no Found can come for a path we do not
   * know yet: the reason for Prepare. */
  host->resolver_path = g_strdup (path);
  g_hash_table_insert (self->resolvers, host->resolver_path, host);
  nexus_avahi_client_call (self->avahi, path, NEXUS_AVAHI_RESOLVER_INTERFACE, "Start", NULL,
                           NULL, self->round_cancellable, on_resolver_started,
                           _nexus_nearby_prepare_call_new (self, host->key, host->resolve_serial));
}

void
_nexus_nearby_host_resolve (NexusNearby          *self,
                            NexusNearbyHostEntry *host)
{
  /* IPv4 items come first (see add_item), and each failure tries the
   * next: a host with an IPv6 address only still gets its turn. */
  const NexusNearbyItem *item = &g_array_index (host->items, NexusNearbyItem,
                                                host->n_failures % host->items->len);

  stop_resolver (self, host);
  host->resolved_item = *item;
  host->resolving = TRUE;
  /* Over IPv4 the IPv4 address, which needs no zone: Avahi publishes
   * AAAA records over IPv4 too, so UNSPEC might give a link-local one.
   * Over IPv6 Avahi has only AAAA records (it does not publish A records
   * there), so an IPv4 address cannot be had at all. */
  nexus_avahi_client_call (self->avahi, NEXUS_AVAHI_SERVER_PATH, NEXUS_AVAHI_SERVER2_INTERFACE,
                           "ServiceResolverPrepare",
                           g_variant_new ("(iisssiu)", item->interface, item->protocol,
                                          host->name, NEXUS_DISCOVERY_SERVICE_TYPE, host->domain,
                                          item->protocol == NEXUS_AVAHI_PROTO_INET
                                            ? NEXUS_AVAHI_PROTO_INET : NEXUS_AVAHI_PROTO_UNSPEC,
                                          0u),
                           G_VARIANT_TYPE ("(o)"), NULL, on_resolver_prepared,
                           _nexus_nearby_prepare_call_new (self, host->key, host->resolve_serial));
}

/* A host name from the network: printable, and not absurdly long. */
static gboolean
is_host_name (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > DOMAIN_MAX_BYTES)
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT)
        return FALSE;
    }
  return TRUE;
}

/* "192.168.1.20", or "fe80::1%wlan0": a link-local address is only
 * reachable through the interface it was seen on. */
static char *
make_address (const char *address,
              int         interface)
{
  g_autoptr(GInetAddress) inet = NULL;
  char name[IF_NAMESIZE];

  if (strchr (address, '%') != NULL)
    return NULL;
  inet = g_inet_address_new_from_string (address);
  if (inet == NULL || g_inet_address_get_is_any (inet) || g_inet_address_get_is_multicast (inet))
    return NULL;
  if (g_inet_address_get_family (inet) != G_SOCKET_FAMILY_IPV6 ||
      !g_inet_address_get_is_link_local (inet))
    return g_inet_address_to_string (inet);
  if (interface <= 0)
    return NULL;
  if (if_indextoname ((unsigned int) interface, name) != NULL)
    return g_strdup_printf ("%s%%%s", address, name);
  return g_strdup_printf ("%s%%%d", address, interface);
}

void
_nexus_nearby_on_resolver_found (GDBusConnection *bus,
                                 const char      *sender,
                                 const char      *path,
                                 const char      *interface_name,
                                 const char      *member,
                                 GVariant        *parameters,
                                 gpointer         user_data)
{
  NexusNearby *self = user_data;
  NexusNearbyHostEntry *host = g_hash_table_lookup (self->resolvers, path);
  g_autoptr(GVariant) txt_strings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  const char *host_name, *address_string;
  int interface, aprotocol;
  guint16 port;

  if (host == NULL || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(iissssisqaayu)")))
    return;
  g_variant_get (parameters, "(ii&s&s&s&si&sq@aayu)", &interface, NULL, NULL, NULL, NULL,
                 &host_name, &aprotocol, &address_string, &port, &txt_strings, NULL);

  host->answered = TRUE;
  address = make_address (address_string, interface);
  if (address == NULL || port == 0 || !is_host_name (host_name))
    {
      g_debug ("nearby: “%s” gave an unusable address, port or name", host->name);
      forget_answer (self, host);
      _nexus_nearby_check_finds (self);
      return;
    }

  /* Rooms that stay are updated in place: sync_rooms() compares. */
  host->n_failures = 0;
  g_free (host->address);
  host->address = g_steal_pointer (&address);
  host->port = port;
  g_free (host->host_name);
  host->host_name = g_strdup (host_name);
  g_free (host->computer);
  host->computer = g_strdup (host_name);
  if (g_str_has_suffix (host->computer, ".local"))
    host->computer[strlen (host->computer) - strlen (".local")] = '\0';
  nexus_discovery_txt_free (host->txt);
  host->txt = nexus_discovery_txt_parse (txt_strings, &error);
  if (host->txt == NULL)
    g_debug ("nearby: “%s” announces a bad TXT record: %s", host->name, error->message);
  sync_rooms (self, host);
  _nexus_nearby_check_finds (self);
}

void
_nexus_nearby_on_resolver_failure (GDBusConnection *bus,
                                   const char      *sender,
                                   const char      *path,
                                   const char      *interface,
                                   const char      *member,
                                   GVariant        *parameters,
                                   gpointer         user_data)
{
  NexusNearby *self = user_data;
  NexusNearbyHostEntry *host = g_hash_table_lookup (self->resolvers, path);

  if (host != NULL)
    host_failed (self, host, "Avahi's resolver failed");
}
