/* nexus-fake-firewalld.c: a firewalld on a test's own bus
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "nexus-fake-firewalld.h"

#define FIREWALLD_NAME "org.fedoraproject.FirewallD1"
#define FIREWALLD_PATH "/org/fedoraproject/FirewallD1"
#define FIREWALLD_ERROR "org.fedoraproject.FirewallD1.Exception"

/* The methods the doctor asks, with the signatures of firewalld's own
 * src/firewall/server/firewalld.py. */
static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.fedoraproject.FirewallD1'>"
  "    <method name='getDefaultZone'>"
  "      <arg type='s' direction='out'/>"
  "    </method>"
  "    <method name='getServiceSettings2'>"
  "      <arg type='s' name='service' direction='in'/>"
  "      <arg type='a{sv}' direction='out'/>"
  "    </method>"
  "  </interface>"
  "  <interface name='org.fedoraproject.FirewallD1.zone'>"
  "    <method name='getZoneOfInterface'>"
  "      <arg type='s' name='interface' direction='in'/>"
  "      <arg type='s' direction='out'/>"
  "    </method>"
  "    <method name='queryPort'>"
  "      <arg type='s' name='zone' direction='in'/>"
  "      <arg type='s' name='port' direction='in'/>"
  "      <arg type='s' name='protocol' direction='in'/>"
  "      <arg type='b' direction='out'/>"
  "    </method>"
  "    <method name='getZoneSettings2'>"
  "      <arg type='s' name='zone' direction='in'/>"
  "      <arg type='a{sv}' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

typedef struct
{
  char      *target;
  GPtrArray *ports;       /* "port/protocol" */
  GPtrArray *rules;
  GPtrArray *services;
} FakeZone;

typedef struct
{
  GPtrArray *ports;       /* "port/protocol" */
  GPtrArray *includes;
} FakeService;

struct _NexusFakeFirewalld
{
  /* Set up before start, read by the thread after. */
  char         *default_zone;
  GHashTable   *zones;            /* name → FakeZone */
  GHashTable   *services;         /* name → FakeService */
  GHashTable   *interface_zones;  /* interface → zone */
  char         *denied_method;
  gboolean      hangs;

  GThread      *thread;
  GMainContext *context;
  char         *address;
  gboolean      quit;             /* the thread's own */
  GPtrArray    *held;             /* the invocations of a hanging firewalld */

  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  GPtrArray    *calls;
};

static void
fake_zone_free (FakeZone *zone)
{
  g_free (zone->target);
  g_ptr_array_unref (zone->ports);
  g_ptr_array_unref (zone->rules);
  g_ptr_array_unref (zone->services);
  g_free (zone);
}

static void
fake_service_free (FakeService *service)
{
  g_ptr_array_unref (service->ports);
  g_ptr_array_unref (service->includes);
  g_free (service);
}

NexusFakeFirewalld *
nexus_fake_firewalld_new (void)
{
  NexusFakeFirewalld *self = g_new0 (NexusFakeFirewalld, 1);

  self->zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) fake_zone_free);
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) fake_service_free);
  self->interface_zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->held = g_ptr_array_new ();
  self->calls = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  return self;
}

void
nexus_fake_firewalld_add_zone (NexusFakeFirewalld *self,
                               const char         *zone,
                               const char         *target)
{
  FakeZone *fake = g_new0 (FakeZone, 1);

  g_assert_null (self->thread);
  fake->target = g_strdup (target);
  fake->ports = g_ptr_array_new_with_free_func (g_free);
  fake->rules = g_ptr_array_new_with_free_func (g_free);
  fake->services = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_replace (self->zones, g_strdup (zone), fake);
  if (self->default_zone == NULL)
    self->default_zone = g_strdup (zone);
}

static FakeZone *
lookup_zone (NexusFakeFirewalld *self,
             const char         *zone)
{
  FakeZone *fake = g_hash_table_lookup (self->zones, zone);

  g_assert_nonnull (fake);
  return fake;
}

static FakeService *
ensure_service (NexusFakeFirewalld *self,
                const char         *service)
{
  FakeService *fake = g_hash_table_lookup (self->services, service);

  if (fake == NULL)
    {
      fake = g_new0 (FakeService, 1);
      fake->ports = g_ptr_array_new_with_free_func (g_free);
      fake->includes = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->services, g_strdup (service), fake);
    }
  return fake;
}

void
nexus_fake_firewalld_set_interface_zone (NexusFakeFirewalld *self,
                                         const char         *interface,
                                         const char         *zone)
{
  g_assert_null (self->thread);
  g_hash_table_replace (self->interface_zones, g_strdup (interface), g_strdup (zone));
}

void
nexus_fake_firewalld_add_port (NexusFakeFirewalld *self,
                               const char         *zone,
                               const char         *port,
                               const char         *protocol)
{
  g_assert_null (self->thread);
  g_ptr_array_add (lookup_zone (self, zone)->ports, g_strdup_printf ("%s/%s", port, protocol));
}

void
nexus_fake_firewalld_add_rich_rule (NexusFakeFirewalld *self,
                                    const char         *zone,
                                    const char         *rule)
{
  g_assert_null (self->thread);
  g_ptr_array_add (lookup_zone (self, zone)->rules, g_strdup (rule));
}

void
nexus_fake_firewalld_add_service (NexusFakeFirewalld *self,
                                  const char         *zone,
                                  const char         *service)
{
  g_assert_null (self->thread);
  ensure_service (self, service);
  g_ptr_array_add (lookup_zone (self, zone)->services, g_strdup (service));
}

void
nexus_fake_firewalld_add_service_port (NexusFakeFirewalld *self,
                                       const char         *service,
                                       const char         *port,
                                       const char         *protocol)
{
  g_assert_null (self->thread);
  g_ptr_array_add (ensure_service (self, service)->ports,
                   g_strdup_printf ("%s/%s", port, protocol));
}

void
nexus_fake_firewalld_add_service_include (NexusFakeFirewalld *self,
                                          const char         *service,
                                          const char         *included)
{
  g_assert_null (self->thread);
  ensure_service (self, included);
  g_ptr_array_add (ensure_service (self, service)->includes, g_strdup (included));
}

void
nexus_fake_firewalld_set_denied (NexusFakeFirewalld *self,
                                 const char         *method)
{
  g_assert_null (self->thread);
  g_free (self->denied_method);
  self->denied_method = g_strdup (method);
}

void
nexus_fake_firewalld_set_hangs (NexusFakeFirewalld *self,
                                gboolean            hangs)
{
  g_assert_null (self->thread);
  self->hangs = hangs;
}

/* Serving, in the thread */

/* Whether "port/protocol" entries in @ports hold @port/@protocol, ranges
 * ("47000-48000") included, as firewalld's queryPort answers. */
static gboolean
ports_hold (GPtrArray  *ports,
            const char *port,
            const char *protocol)
{
  unsigned int wanted = (unsigned int) g_ascii_strtoull (port, NULL, 10);

  for (guint i = 0; i < ports->len; i++)
    {
      unsigned int first, last;
      char entry_protocol[16];
      const char *entry = g_ptr_array_index (ports, i);

      if (sscanf (entry, "%u-%u/%15s", &first, &last, entry_protocol) != 3)
        {
          if (sscanf (entry, "%u/%15s", &first, entry_protocol) != 2)
            continue;
          last = first;
        }
      if (g_str_equal (entry_protocol, protocol) && first <= wanted && wanted <= last)
        return TRUE;
    }
  return FALSE;
}

static GVariant *
ports_variant (GPtrArray *ports)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < ports->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (ports, i), "/", 2);

      g_variant_builder_add (&builder, "(ss)", parts[0], parts[1]);
    }
  return g_variant_builder_end (&builder);
}

static GVariant *
strv_variant (GPtrArray *strings)
{
  return g_variant_new_strv ((const char * const *) strings->pdata, strings->len);
}

static void
record_call (NexusFakeFirewalld *self,
             const char         *method,
             GVariant           *parameters)
{
  GString *call = g_string_new (method);
  GVariantIter iter;
  GVariant *child;

  g_variant_iter_init (&iter, parameters);
  while ((child = g_variant_iter_next_value (&iter)) != NULL)
    {
      if (g_variant_is_of_type (child, G_VARIANT_TYPE_STRING))
        g_string_append_printf (call, " %s", g_variant_get_string (child, NULL));
      g_variant_unref (child);
    }

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->calls, g_string_free (call, FALSE));
  g_mutex_unlock (&self->mutex);
}

static void
return_invalid (GDBusMethodInvocation *invocation,
                const char            *what,
                const char            *name)
{
  g_autofree char *message = g_strdup_printf ("%s: '%s'", what, name);

  g_dbus_method_invocation_return_dbus_error (invocation, FIREWALLD_ERROR, message);
}

static void
handle_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  NexusFakeFirewalld *self = user_data;

  record_call (self, method, parameters);

  if (self->hangs)
    {
      g_ptr_array_add (self->held, invocation);
      return;
    }
  if (g_strcmp0 (method, self->denied_method) == 0)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, FIREWALLD_ERROR,
                                                  "NOT_AUTHORIZED");
      return;
    }

  if (g_str_equal (method, "getDefaultZone"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(s)", self->default_zone));
    }
  else if (g_str_equal (method, "getZoneOfInterface"))
    {
      const char *interface;
      const char *zone;

      g_variant_get (parameters, "(&s)", &interface);
      zone = g_hash_table_lookup (self->interface_zones, interface);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(s)", zone != NULL ? zone : ""));
    }
  else if (g_str_equal (method, "queryPort"))
    {
      const char *zone, *port, *protocol;
      FakeZone *fake;

      g_variant_get (parameters, "(&s&s&s)", &zone, &port, &protocol);
      fake = g_hash_table_lookup (self->zones, *zone != '\0' ? zone : self->default_zone);
      if (fake == NULL)
        return_invalid (invocation, "INVALID_ZONE", zone);
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new (
          "(b)", ports_hold (fake->ports, port, protocol)));
    }
  else if (g_str_equal (method, "getZoneSettings2"))
    {
      const char *zone;
      FakeZone *fake;
      GVariantBuilder settings;

      g_variant_get (parameters, "(&s)", &zone);
      fake = g_hash_table_lookup (self->zones, zone);
      if (fake == NULL)
        {
          return_invalid (invocation, "INVALID_ZONE", zone);
          return;
        }
      /* Empty values are left out, as firewalld does. */
      g_variant_builder_init (&settings, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&settings, "{sv}", "target", g_variant_new_string (fake->target));
      g_variant_builder_add (&settings, "{sv}", "short", g_variant_new_string (zone));
      if (fake->services->len > 0)
        g_variant_builder_add (&settings, "{sv}", "services", strv_variant (fake->services));
      if (fake->ports->len > 0)
        g_variant_builder_add (&settings, "{sv}", "ports", ports_variant (fake->ports));
      if (fake->rules->len > 0)
        g_variant_builder_add (&settings, "{sv}", "rules_str", strv_variant (fake->rules));
      g_variant_builder_add (&settings, "{sv}", "masquerade", g_variant_new_boolean (FALSE));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(a{sv})", &settings));
    }
  else if (g_str_equal (method, "getServiceSettings2"))
    {
      const char *service;
      FakeService *fake;
      GVariantBuilder settings;

      g_variant_get (parameters, "(&s)", &service);
      fake = g_hash_table_lookup (self->services, service);
      if (fake == NULL)
        {
          return_invalid (invocation, "INVALID_SERVICE", service);
          return;
        }
      g_variant_builder_init (&settings, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&settings, "{sv}", "short", g_variant_new_string (service));
      if (fake->ports->len > 0)
        g_variant_builder_add (&settings, "{sv}", "ports", ports_variant (fake->ports));
      if (fake->includes->len > 0)
        g_variant_builder_add (&settings, "{sv}", "includes", strv_variant (fake->includes));
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(a{sv})", &settings));
    }
  else
    {
      g_assert_not_reached ();
    }
}

static const GDBusInterfaceVTable vtable = { handle_method_call, NULL, NULL, { 0 } };

static gboolean
quit_cb (gpointer user_data)
{
  NexusFakeFirewalld *self = user_data;

  self->quit = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
serve_in_thread (gpointer user_data)
{
  NexusFakeFirewalld *self = user_data;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint ids[2];
  guint32 result;

  g_main_context_push_thread_default (self->context);

  connection = g_dbus_connection_new_for_address_sync (
    self->address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (connection, FALSE);

  node = g_dbus_node_info_new_for_xml (introspection_xml, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      ids[i] = g_dbus_connection_register_object (connection, FIREWALLD_PATH,
                                                  node->interfaces[i], &vtable, self,
                                                  NULL, &error);
      g_assert_no_error (error);
    }

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName",
                                       /* 4: DBUS_NAME_FLAG_DO_NOT_QUEUE */
                                       g_variant_new ("(su)", FIREWALLD_NAME, 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1 /* PRIMARY_OWNER */);
  g_clear_pointer (&reply, g_variant_unref);

  g_mutex_lock (&self->mutex);
  self->ready = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  while (!self->quit)
    g_main_context_iteration (self->context, TRUE);

  for (guint i = 0; i < self->held->len; i++)
    g_dbus_method_invocation_return_dbus_error (g_ptr_array_index (self->held, i),
                                                FIREWALLD_ERROR, "stopped");
  g_ptr_array_set_size (self->held, 0);

  /* Released before the connection goes, so that the next fake can own
   * the name at once. */
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "ReleaseName", g_variant_new ("(s)", FIREWALLD_NAME),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_dbus_connection_unregister_object (connection, ids[i]);
  g_dbus_connection_close_sync (connection, NULL, &error);
  g_assert_no_error (error);

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

void
nexus_fake_firewalld_start (NexusFakeFirewalld *self,
                            const char         *address)
{
  g_assert_null (self->thread);
  g_assert_nonnull (self->default_zone);

  self->address = g_strdup (address);
  self->context = g_main_context_new ();
  self->thread = g_thread_new ("fake-firewalld", serve_in_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

GStrv
nexus_fake_firewalld_dup_calls (NexusFakeFirewalld *self)
{
  GStrv calls;

  g_mutex_lock (&self->mutex);
  calls = g_new0 (char *, self->calls->len + 1);
  for (guint i = 0; i < self->calls->len; i++)
    calls[i] = g_strdup (g_ptr_array_index (self->calls, i));
  g_mutex_unlock (&self->mutex);
  return calls;
}

void
nexus_fake_firewalld_free (NexusFakeFirewalld *self)
{
  if (self->thread != NULL)
    {
      g_main_context_invoke (self->context, quit_cb, self);
      g_thread_join (self->thread);
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->address);
  g_free (self->default_zone);
  g_free (self->denied_method);
  g_hash_table_unref (self->zones);
  g_hash_table_unref (self->services);
  g_hash_table_unref (self->interface_zones);
  g_ptr_array_unref (self->held);
  g_ptr_array_unref (self->calls);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}
