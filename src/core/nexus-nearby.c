/* nexus-nearby.c: hosts and rooms on the local network
 *
 * One Avahi service browser for `_nexus-chat._tcp`; each host it reports
 * is resolved (nexus-nearby-host.c) and searched for codes
 * (nexus-nearby-find.c). A round of browsing lasts from Avahi appearing
 * to it going: a restarted Avahi knows nothing of our browser. Everything
 * a service says is hostile input: it is checked, and there are at most
 * NEXUS_NEARBY_MAX_HOSTS hosts of at most 8 rooms each.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nexus-nearby-private.h"

#define SERVICE_NAME_MAX_BYTES 63
#define DOMAIN_MAX_BYTES       255

G_DEFINE_FINAL_TYPE (NexusNearby, nexus_nearby, G_TYPE_OBJECT)

G_DEFINE_QUARK (nexus-nearby-error-quark, nexus_nearby_error)

enum {
  PROP_0,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
nexus_nearby_host_free (NexusNearbyHost *host)
{
  if (host == NULL)
    return;
  g_free (host->address);
  g_free (host->host_name);
  g_free (host);
}
/* Status */

static void
update_status (NexusNearby *self)
{
  NexusDiscoveryStatus status;

  if (nexus_avahi_client_is_looking (self->avahi))
    status = NEXUS_DISCOVERY_STARTING;
  else if (nexus_avahi_client_get_bus (self->avahi) == NULL)
    status = NEXUS_DISCOVERY_UNAVAILABLE;
  else if (self->failure != NULL)
    status = NEXUS_DISCOVERY_FAILED;
  else if (self->browsing)
    status = NEXUS_DISCOVERY_RUNNING;
  else
    status = NEXUS_DISCOVERY_STARTING;

  if (status != self->status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  _nexus_nearby_check_finds (self);
}

static void
fail (NexusNearby  *self,
      const char   *what,
      const char   *message)
{
  if (self->failure == NULL)
    self->failure = g_strdup_printf ("%s: %s", what, message);
  g_debug ("nearby: %s: %s", what, message);
  update_status (self);
}

gboolean
_nexus_nearby_is_stale (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

PrepareCall *
_nexus_nearby_prepare_call_new (NexusNearby *self,
                                const char  *host_key,
                                guint        serial)
{
  PrepareCall *call = g_new0 (PrepareCall, 1);

  g_weak_ref_init (&call->nearby, self);
  call->round = self->round;
  call->owner = g_strdup (nexus_avahi_client_get_owner (self->avahi));
  call->host_key = g_strdup (host_key);
  call->serial = serial;
  return call;
}

void
_nexus_nearby_prepare_call_free (PrepareCall *call)
{
  g_weak_ref_clear (&call->nearby);
  g_free (call->owner);
  g_free (call->host_key);
  g_free (call);
}


/* The browser */

static gboolean
is_our_browser (NexusNearby *self,
                const char  *path)
{
  return self->browser_path != NULL && strcmp (path, self->browser_path) == 0;
}

static void
on_item_new (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface_name,
             const char      *member,
             GVariant        *parameters,
             gpointer         user_data)
{
  NexusNearby *self = user_data;
  g_autofree char *key = NULL;
  NexusNearbyHostEntry *host;
  const char *name, *type, *domain;
  NexusNearbyItem item;

  if (!is_our_browser (self, path) ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(iisssu)")))
    return;
  g_variant_get (parameters, "(ii&s&s&su)", &item.interface, &item.protocol, &name, &type,
                 &domain, NULL);
  if (g_ascii_strcasecmp (type, NEXUS_DISCOVERY_SERVICE_TYPE) != 0 || *name == '\0' ||
      strlen (name) > SERVICE_NAME_MAX_BYTES || *domain == '\0' ||
      strlen (domain) > DOMAIN_MAX_BYTES)
    return;

  key = _nexus_nearby_host_key (name, domain);
  host = g_hash_table_lookup (self->hosts, key);
  if (host == NULL)
    {
      if (g_hash_table_size (self->hosts) >= NEXUS_NEARBY_MAX_HOSTS)
        {
          g_debug ("nearby: more than %d hosts, “%s” left out", NEXUS_NEARBY_MAX_HOSTS, name);
          return;
        }
      host = _nexus_nearby_host_new (self, name, domain);
      g_hash_table_insert (self->hosts, host->key, host);
    }

  _nexus_nearby_host_add_item (self, host, &item);
}

static void
on_item_remove (GDBusConnection *bus,
                const char      *sender,
                const char      *path,
                const char      *interface_name,
                const char      *member,
                GVariant        *parameters,
                gpointer         user_data)
{
  NexusNearby *self = user_data;
  g_autofree char *key = NULL;
  NexusNearbyHostEntry *host;
  const char *name, *domain;
  NexusNearbyItem item;

  if (!is_our_browser (self, path) ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(iisssu)")))
    return;
  g_variant_get (parameters, "(ii&s&s&su)", &item.interface, &item.protocol, &name, NULL,
                 &domain, NULL);
  key = _nexus_nearby_host_key (name, domain);
  host = g_hash_table_lookup (self->hosts, key);
  if (host == NULL)
    return;

  for (guint i = 0; i < host->items->len; i++)
    {
      NexusNearbyItem *known = &g_array_index (host->items, NexusNearbyItem, i);

      if (known->interface == item.interface && known->protocol == item.protocol)
        {
          g_array_remove_index (host->items, i);
          break;
        }
    }
  if (host->items->len == 0)
    _nexus_nearby_host_remove (self, host);
  else if (host->resolving && host->resolved_item.interface == item.interface &&
           host->resolved_item.protocol == item.protocol)
    _nexus_nearby_host_resolve (self, host);   /* through another interface */
  _nexus_nearby_check_finds (self);
}

static void
on_all_for_now (GDBusConnection *bus,
                const char      *sender,
                const char      *path,
                const char      *interface,
                const char      *member,
                GVariant        *parameters,
                gpointer         user_data)
{
  NexusNearby *self = user_data;

  if (!is_our_browser (self, path))
    return;
  self->all_for_now = TRUE;
  _nexus_nearby_check_finds (self);
}

static void
on_browser_failure (GDBusConnection *bus,
                    const char      *sender,
                    const char      *path,
                    const char      *interface,
                    const char      *member,
                    GVariant        *parameters,
                    gpointer         user_data)
{
  NexusNearby *self = user_data;
  const char *message = "failed";

  if (!is_our_browser (self, path))
    return;
  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(s)")))
    g_variant_get (parameters, "(&s)", &message);
  fail (self, "the service browser", message);
}

static void
on_browser_started (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  NexusNearby *self;

  if (_nexus_nearby_is_stale (error))
    return;
  self = user_data;
  if (reply == NULL)
    {
      fail (self, "Start", error->message);
      return;
    }
  self->browsing = TRUE;
  update_status (self);
}

static void
on_browser_prepared (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  g_autoptr(PrepareCall) call = user_data;
  g_autoptr(NexusNearby) self = g_weak_ref_get (&call->nearby);
  const char *path = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(&o)", &path);
  if (self == NULL || self->round != call->round)
    {
      if (path != NULL)
        nexus_avahi_free_object (G_DBUS_CONNECTION (source), call->owner, path,
                                 NEXUS_AVAHI_BROWSER_INTERFACE);
      return;
    }
  if (reply == NULL)
    {
      fail (self, "ServiceBrowserPrepare", error->message);
      return;
    }
  self->browser_path = g_strdup (path);
  nexus_avahi_client_call (self->avahi, path, NEXUS_AVAHI_BROWSER_INTERFACE, "Start", NULL, NULL,
                           self->round_cancellable, on_browser_started, self);
}

/* Rounds */

static void
end_round (NexusNearby *self)
{
  GHashTableIter iter;
  gpointer value;

  self->round++;
  g_cancellable_cancel (self->round_cancellable);
  g_clear_object (&self->round_cancellable);
  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    _nexus_nearby_host_forget (self, value);
  g_hash_table_remove_all (self->hosts);
  if (self->browser_path != NULL)
    nexus_avahi_client_free_object (self->avahi, self->browser_path,
                                    NEXUS_AVAHI_BROWSER_INTERFACE);
  g_clear_pointer (&self->browser_path, g_free);
  g_clear_pointer (&self->failure, g_free);
  self->browsing = FALSE;
  self->all_for_now = FALSE;
}

static void
on_avahi_changed (gpointer user_data)
{
  NexusNearby *self = user_data;

  /* The Avahi that made our objects is gone, or is being left. */
  end_round (self);
  if (nexus_avahi_client_get_bus (self->avahi) != NULL)
    {
      self->round_cancellable = g_cancellable_new ();
      nexus_avahi_client_call (self->avahi, NEXUS_AVAHI_SERVER_PATH,
                               NEXUS_AVAHI_SERVER2_INTERFACE, "ServiceBrowserPrepare",
                               g_variant_new ("(iissu)", NEXUS_AVAHI_IF_UNSPEC,
                                              NEXUS_AVAHI_PROTO_UNSPEC,
                                              NEXUS_DISCOVERY_SERVICE_TYPE, "", 0u),
                               G_VARIANT_TYPE ("(o)"), NULL, on_browser_prepared,
                               _nexus_nearby_prepare_call_new (self, NULL, 0));
    }
  update_status (self);
}

static const NexusAvahiSignal avahi_signals[] = {
  { NEXUS_AVAHI_BROWSER_INTERFACE, "ItemNew", on_item_new },
  { NEXUS_AVAHI_BROWSER_INTERFACE, "ItemRemove", on_item_remove },
  { NEXUS_AVAHI_BROWSER_INTERFACE, "AllForNow", on_all_for_now },
  { NEXUS_AVAHI_BROWSER_INTERFACE, "Failure", on_browser_failure },
  { NEXUS_AVAHI_RESOLVER_INTERFACE, "Found", _nexus_nearby_on_resolver_found },
  { NEXUS_AVAHI_RESOLVER_INTERFACE, "Failure", _nexus_nearby_on_resolver_failure },
};

/* The object */

NexusNearby *
nexus_nearby_new (void)
{
  NexusNearby *self = g_object_new (NEXUS_TYPE_NEARBY, NULL);

  self->avahi = nexus_avahi_client_new (avahi_signals, G_N_ELEMENTS (avahi_signals),
                                        on_avahi_changed, self);
  return self;
}

NexusDiscoveryStatus
nexus_nearby_get_status (NexusNearby *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY (self), NEXUS_DISCOVERY_UNAVAILABLE);

  return self->status;
}

const char *
nexus_nearby_get_message (NexusNearby *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY (self), NULL);

  switch (self->status)
    {
    case NEXUS_DISCOVERY_UNAVAILABLE:
      return _("Rooms on this network can’t be found by their code alone, because the Avahi "
               "service isn’t running. Invite links still work.");
    case NEXUS_DISCOVERY_FAILED:
      return _("Rooms on this network can’t be found by their code alone, because the Avahi "
               "service stopped looking for them. Invite links still work.");
    case NEXUS_DISCOVERY_STARTING:
    case NEXUS_DISCOVERY_RUNNING:
    default:
      return NULL;
    }
}

GListModel *
nexus_nearby_get_rooms (NexusNearby *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY (self), NULL);

  return G_LIST_MODEL (self->rooms);
}

guint
nexus_nearby_get_n_hosts (NexusNearby *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY (self), 0);

  return g_hash_table_size (self->hosts);
}

static void
nexus_nearby_dispose (GObject *object)
{
  NexusNearby *self = NEXUS_NEARBY (object);

  _nexus_nearby_clear_finds (self);
  if (self->avahi != NULL)
    end_round (self);
  g_clear_pointer (&self->avahi, nexus_avahi_client_free);
  if (self->rooms != NULL)
    g_list_store_remove_all (self->rooms);

  G_OBJECT_CLASS (nexus_nearby_parent_class)->dispose (object);
}

static void
nexus_nearby_finalize (GObject *object)
{
  NexusNearby *self = NEXUS_NEARBY (object);

  g_clear_object (&self->rooms);
  g_hash_table_unref (self->hosts);
  g_hash_table_unref (self->resolvers);
  g_ptr_array_unref (self->finds);

  G_OBJECT_CLASS (nexus_nearby_parent_class)->finalize (object);
}

static void
nexus_nearby_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NexusNearby *self = NEXUS_NEARBY (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_nearby_class_init (NexusNearbyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_nearby_dispose;
  object_class->finalize = nexus_nearby_finalize;
  object_class->get_property = nexus_nearby_get_property;

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, NEXUS_TYPE_DISCOVERY_STATUS,
                       NEXUS_DISCOVERY_STARTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nexus_nearby_init (NexusNearby *self)
{
  self->status = NEXUS_DISCOVERY_STARTING;
  self->rooms = g_list_store_new (NEXUS_TYPE_NEARBY_ROOM);
  self->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) _nexus_nearby_host_free);
  self->resolvers = g_hash_table_new (g_str_hash, g_str_equal);
  self->finds = g_ptr_array_new ();
}
