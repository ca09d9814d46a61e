/* nexus-avahi.c: the system's Avahi daemon over D-Bus
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-avahi.h"

G_DEFINE_ENUM_TYPE (NexusDiscoveryStatus, nexus_discovery_status,
  G_DEFINE_ENUM_VALUE (NEXUS_DISCOVERY_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (NEXUS_DISCOVERY_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (NEXUS_DISCOVERY_UNAVAILABLE, "unavailable"),
  G_DEFINE_ENUM_VALUE (NEXUS_DISCOVERY_FAILED, "failed"))

typedef struct {
  NexusAvahiClient          *client;
  const NexusAvahiSignal    *signal;
  guint                      id;
} Subscription;

struct _NexusAvahiClient {
  const NexusAvahiSignal *signals;
  guint                   n_signals;
  NexusAvahiChangedFunc   changed;
  gpointer                user_data;

  GCancellable           *cancellable;
  GDBusConnection        *bus;
  gulong                  closed_id;
  guint                   watch_id;
  Subscription           *subscriptions;
  char                   *owner;      /* Avahi's unique name while it is there */
  char                   *reason;     /* why it is not, once known */
};

GDBusConnection *
nexus_avahi_client_get_bus (NexusAvahiClient *client)
{
  return client->owner != NULL ? client->bus : NULL;
}

const char *
nexus_avahi_client_get_owner (NexusAvahiClient *client)
{
  return client->owner;
}

gboolean
nexus_avahi_client_is_looking (NexusAvahiClient *client)
{
  return client->owner == NULL && client->reason == NULL;
}

const char *
nexus_avahi_client_get_reason (NexusAvahiClient *client)
{
  return client->owner == NULL ? client->reason : NULL;
}

static void
set_gone (NexusAvahiClient *client,
          const char       *reason)
{
  g_clear_pointer (&client->owner, g_free);
  g_free (client->reason);
  client->reason = g_strdup (reason);
  client->changed (client->user_data);
}

/* The signal callbacks of a subscription to a well-known name may see
 * anyone's signals sent to this connection (Avahi's go to us alone, which
 * no match rule restricts), so only the owner's pass. */
static void
on_signal (GDBusConnection *connection,
           const char      *sender,
           const char      *path,
           const char      *interface,
           const char      *member,
           GVariant        *parameters,
           gpointer         user_data)
{
  Subscription *subscription = user_data;
  NexusAvahiClient *client = subscription->client;

  if (client->owner == NULL || g_strcmp0 (sender, client->owner) != 0)
    return;
  subscription->signal->callback (connection, sender, path, interface, member, parameters,
                                  client->user_data);
}

static void
on_name_appeared (GDBusConnection *bus,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  NexusAvahiClient *client = user_data;

  if (g_strcmp0 (client->owner, owner) == 0)
    return;
  g_free (client->owner);
  client->owner = g_strdup (owner);
  g_clear_pointer (&client->reason, g_free);
  client->changed (client->user_data);
}

static void
on_name_vanished (GDBusConnection *bus,
                  const char      *name,
                  gpointer         user_data)
{
  NexusAvahiClient *client = user_data;

  if (bus == NULL)
    set_gone (client, "the system bus closed");
  else
    set_gone (client, "nobody provides " NEXUS_AVAHI_BUS_NAME " on the system bus");
}

static void
on_bus_closed (GDBusConnection *bus,
               gboolean         remote_peer_vanished,
               GError          *error,
               gpointer         user_data)
{
  set_gone (user_data, "the system bus closed");
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);
  g_autofree char *reason = NULL;
  NexusAvahiClient *client;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  client = user_data;
  if (bus == NULL)
    {
      reason = g_strdup_printf ("no system bus: %s", error->message);
      set_gone (client, reason);
      return;
    }
  if (g_dbus_connection_is_closed (bus))
    {
      set_gone (client, "the system bus closed");
      return;
    }

  client->bus = g_steal_pointer (&bus);
  /* Avahi is an extra: the app lives on without the system bus. */
  g_dbus_connection_set_exit_on_close (client->bus, FALSE);
  client->closed_id = g_signal_connect (client->bus, "closed", G_CALLBACK (on_bus_closed),
                                        client);

  client->subscriptions = g_new0 (Subscription, client->n_signals);
  for (guint i = 0; i < client->n_signals; i++)
    {
      Subscription *subscription = &client->subscriptions[i];

      subscription->client = client;
      subscription->signal = &client->signals[i];
      subscription->id =
        g_dbus_connection_signal_subscribe (client->bus, NEXUS_AVAHI_BUS_NAME,
                                            subscription->signal->interface,
                                            subscription->signal->member,
                                            NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                            on_signal, subscription, NULL);
    }

  /* AUTO_START: where the bus can start Avahi on demand, it does. */
  client->watch_id = g_bus_watch_name_on_connection (client->bus, NEXUS_AVAHI_BUS_NAME,
                                                     G_BUS_NAME_WATCHER_FLAGS_AUTO_START,
                                                     on_name_appeared, on_name_vanished,
                                                     client, NULL);
}

NexusAvahiClient *
nexus_avahi_client_new (const NexusAvahiSignal *signals,
                        guint                   n_signals,
                        NexusAvahiChangedFunc   changed,
                        gpointer                user_data)
{
  NexusAvahiClient *client = g_new0 (NexusAvahiClient, 1);

  g_return_val_if_fail (changed != NULL, NULL);

  client->signals = signals;
  client->n_signals = n_signals;
  client->changed = changed;
  client->user_data = user_data;
  client->cancellable = g_cancellable_new ();
  g_bus_get (G_BUS_TYPE_SYSTEM, client->cancellable, on_bus, client);
  return client;
}

void
nexus_avahi_client_free (NexusAvahiClient *client)
{
  if (client == NULL)
    return;

  g_cancellable_cancel (client->cancellable);
  g_clear_object (&client->cancellable);
  if (client->watch_id != 0)
    g_bus_unwatch_name (client->watch_id);
  if (client->bus != NULL)
    {
      for (guint i = 0; client->subscriptions != NULL && i < client->n_signals; i++)
        g_dbus_connection_signal_unsubscribe (client->bus, client->subscriptions[i].id);
      g_clear_signal_handler (&client->closed_id, client->bus);
      g_clear_object (&client->bus);
    }
  g_free (client->subscriptions);
  g_free (client->owner);
  g_free (client->reason);
  g_free (client);
}

void
nexus_avahi_client_call (NexusAvahiClient    *client,
                         const char          *path,
                         const char          *interface,
                         const char          *method,
                         GVariant            *parameters,
                         const GVariantType  *reply_type,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (client->owner != NULL);

  /* To the unique name: a call meant for one Avahi never reaches the next. */
  g_dbus_connection_call (client->bus, client->owner, path, interface, method, parameters,
                          reply_type, G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          NEXUS_AVAHI_CALL_TIMEOUT_MS, cancellable, callback, user_data);
}

static void
on_object_freed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  g_clear_pointer (&reply, g_variant_unref);
}

void
nexus_avahi_free_object (GDBusConnection *bus,
                         const char      *destination,
                         const char      *path,
                         const char      *interface)
{
  g_return_if_fail (G_IS_DBUS_CONNECTION (bus));
  g_return_if_fail (path != NULL);

  /* With a callback the call holds @bus until the answer, so the message
   * goes out even when ours was the last reference. */
  g_dbus_connection_call (bus, destination, path, interface, "Free", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, NEXUS_AVAHI_CALL_TIMEOUT_MS, NULL,
                          on_object_freed, NULL);
}

void
nexus_avahi_client_free_object (NexusAvahiClient *client,
                                const char       *path,
                                const char       *interface)
{
  /* Once Avahi has gone, so have the objects it made for us. */
  if (client->owner != NULL)
    nexus_avahi_free_object (client->bus, client->owner, path, interface);
}

gboolean
nexus_avahi_error_is (const GError *error,
                      const char   *name)
{
  g_autofree char *remote = NULL;

  if (error == NULL || !g_dbus_error_is_remote_error (error))
    return FALSE;
  remote = g_dbus_error_get_remote_error (error);
  return g_strcmp0 (remote, name) == 0;
}
