/* nexus-fake-avahi-objects.c: Avahi's side of the fake Avahi
 *
 * The server object and the entry groups, service browsers and service
 * resolvers it makes, with Avahi's rules as avahi-daemon applies them:
 * only the client that made an object may use it, a committed group takes
 * no more entries, a name held by another entry group is a collision, and
 * a client's objects die with its connection. All of it runs in the
 * fake's thread, under the lock.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-fake-avahi-private.h"

const char _nexus_fake_avahi_introspection_xml[] =
  "<node>"
  " <interface name='" SERVER2_INTERFACE "'>"
  "  <method name='GetVersionString'><arg type='s' direction='out'/></method>"
  "  <method name='GetAPIVersion'><arg type='u' direction='out'/></method>"
  "  <method name='GetHostName'><arg type='s' direction='out'/></method>"
  "  <method name='GetState'><arg type='i' direction='out'/></method>"
  "  <method name='GetAlternativeServiceName'>"
  "   <arg type='s' direction='in'/><arg type='s' direction='out'/></method>"
  "  <method name='EntryGroupNew'><arg type='o' direction='out'/></method>"
  "  <method name='ServiceBrowserPrepare'>"
  "   <arg type='i' direction='in'/><arg type='i' direction='in'/><arg type='s' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "   <arg type='o' direction='out'/></method>"
  "  <method name='ServiceResolverPrepare'>"
  "   <arg type='i' direction='in'/><arg type='i' direction='in'/><arg type='s' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='i' direction='in'/>"
  "   <arg type='u' direction='in'/><arg type='o' direction='out'/></method>"
  " </interface>"
  " <interface name='" GROUP_INTERFACE "'>"
  "  <method name='Free'/><method name='Commit'/><method name='Reset'/>"
  "  <method name='GetState'><arg type='i' direction='out'/></method>"
  "  <method name='IsEmpty'><arg type='b' direction='out'/></method>"
  "  <method name='AddService'>"
  "   <arg type='i' direction='in'/><arg type='i' direction='in'/><arg type='u' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='q' direction='in'/>"
  "   <arg type='aay' direction='in'/></method>"
  "  <method name='UpdateServiceTxt'>"
  "   <arg type='i' direction='in'/><arg type='i' direction='in'/><arg type='u' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "   <arg type='aay' direction='in'/></method>"
  "  <method name='AddAddress'>"
  "   <arg type='i' direction='in'/><arg type='i' direction='in'/><arg type='u' direction='in'/>"
  "   <arg type='s' direction='in'/><arg type='s' direction='in'/></method>"
  "  <signal name='StateChanged'><arg type='i'/><arg type='s'/></signal>"
  " </interface>"
  " <interface name='" BROWSER_INTERFACE "'>"
  "  <method name='Free'/><method name='Start'/>"
  " </interface>"
  " <interface name='" RESOLVER_INTERFACE "'>"
  "  <method name='Free'/><method name='Start'/>"
  " </interface>"
  "</node>";


static void
fake_service_free (FakeService *service)
{
  g_free (service->name);
  g_free (service->type);
  g_free (service->host);
  g_variant_unref (service->txt);
  g_free (service);
}

void
_nexus_fake_avahi_object_free (FakeObject *object)
{
  g_free (object->path);
  g_free (object->owner);
  g_clear_pointer (&object->services, g_ptr_array_unref);
  g_clear_pointer (&object->addresses, g_ptr_array_unref);
  g_free (object->name);
  g_free (object->type);
  g_free (object);
}

/* Signals, sent to the client that owns @target, as Avahi does */

static void
emit (NexusFakeAvahi *fake,
      FakeObject     *target,
      const char     *interface,
      const char     *member,
      GVariant       *parameters)
{
  g_dbus_connection_emit_signal (fake->connection, target->owner, target->path, interface, member,
                                 parameters, NULL);
}

static gboolean
is_remote (NexusFakeAvahi *fake,
           const char     *owner)
{
  return g_hash_table_contains (fake->remote, owner);
}

/* Avahi reports a service once per protocol it was seen on: IPv6 first,
 * as avahi-daemon 0.8 does, then IPv4. */
static void
emit_item (NexusFakeAvahi *fake,
           FakeObject     *browser,
           FakeService    *service,
           const char     *member)
{
  const int protocols[] = { 1, 0 };
  guint flags = RESULT_LOCAL;

  if (is_remote (fake, service->group->owner))
    flags = RESULT_MULTICAST;
  else if (g_strcmp0 (service->group->owner, browser->owner) == 0)
    flags |= RESULT_OUR_OWN;
  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    if (service->protocol < 0 || service->protocol == protocols[i])
      emit (fake, browser, BROWSER_INTERFACE, member,
            g_variant_new ("(iisssu)",
                           service->interface < 0 ? fake->loopback : service->interface,
                           protocols[i], service->name, service->type, "local", flags));
}

static const char *
lookup_address (NexusFakeAvahi *fake,
                const char     *host)
{
  GHashTableIter iter;
  gpointer value;
  gsize length = strlen (host);

  g_hash_table_iter_init (&iter, fake->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FakeObject *group = value;

      if (group->kind != FAKE_GROUP || group->state != GROUP_ESTABLISHED)
        continue;
      for (guint i = 0; i < group->addresses->len; i++)
        {
          const char *entry = g_ptr_array_index (group->addresses, i);

          if (strncmp (entry, host, length) == 0 && entry[length] == '\n')
            return entry + length + 1;
        }
    }
  return NULL;
}

/* The address a resolver gets, as with Avahi's default configuration: A
 * records over IPv4 only, AAAA records over both (publish-aaaa-on-ipv4);
 * NULL when there is none to get, where Avahi would time out. This
 * computer is 127.0.0.1 and ::1. */
static const char *
resolve_address (NexusFakeAvahi *fake,
                 FakeObject     *resolver,
                 FakeService    *service)
{
  gboolean over_ipv4 = resolver->protocol != 1;
  gboolean want_ipv4 = resolver->aprotocol != 1;
  gboolean want_ipv6 = resolver->aprotocol != 0;
  const char *address;

  if (*service->host == '\0')
    return over_ipv4 && want_ipv4 ? "127.0.0.1" : want_ipv6 ? "::1" : NULL;
  address = lookup_address (fake, service->host);
  if (address == NULL)
    return NULL;
  if (strchr (address, ':') != NULL)
    return want_ipv6 ? address : NULL;
  return over_ipv4 && want_ipv4 ? address : NULL;
}

/* Found, or when @fail, Failure if there is nothing to find. */
static void
emit_found (NexusFakeAvahi *fake,
            FakeObject     *resolver,
            FakeService    *service,
            gboolean        fail)
{
  const char *host = *service->host != '\0' ? service->host : NEXUS_FAKE_AVAHI_HOST_NAME ".local";
  const char *address = resolve_address (fake, resolver, service);
  guint flags = is_remote (fake, service->group->owner) ? RESULT_MULTICAST : RESULT_LOCAL;

  if (address == NULL)
    {
      if (fail)
        emit (fake, resolver, RESOLVER_INTERFACE, "Failure",
              g_variant_new ("(s)", "Timeout reached"));
      return;
    }
  emit (fake, resolver, RESOLVER_INTERFACE, "Found",
        g_variant_new ("(iissssisq@aayu)",
                       service->interface < 0 ? fake->loopback : service->interface,
                       resolver->protocol < 0 ? 0 : resolver->protocol, service->name,
                       service->type, "local", host, strchr (address, ':') != NULL ? 1 : 0,
                       address, service->port, service->txt, flags));
}

/* What every browser and resolver hears when a group's services come or go. */
static void
announce (NexusFakeAvahi *fake,
          FakeObject     *group,
          gboolean        coming)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, fake->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FakeObject *object = value;

      for (guint i = 0; i < group->services->len; i++)
        {
          FakeService *service = g_ptr_array_index (group->services, i);

          if (object->kind == FAKE_BROWSER && object->started &&
              g_ascii_strcasecmp (object->type, service->type) == 0)
            emit_item (fake, object, service, coming ? "ItemNew" : "ItemRemove");
          else if (object->kind == FAKE_RESOLVER && object->started && coming &&
                   g_strcmp0 (object->name, service->name) == 0)
            emit_found (fake, object, service, FALSE);
        }
    }
}

static void
set_group_state (NexusFakeAvahi *fake,
                 FakeObject     *group,
                 int             state,
                 const char     *error)
{
  gboolean was_published = group->state == GROUP_ESTABLISHED;

  group->state = state;
  emit (fake, group, GROUP_INTERFACE, "StateChanged", g_variant_new ("(is)", state, error));
  if (was_published && state != GROUP_ESTABLISHED)
    announce (fake, group, FALSE);
  else if (!was_published && state == GROUP_ESTABLISHED)
    announce (fake, group, TRUE);
}

static void
drop_object (NexusFakeAvahi *fake,
             FakeObject     *object)
{
  if (object->kind == FAKE_GROUP && object->state == GROUP_ESTABLISHED)
    announce (fake, object, FALSE);
  g_dbus_connection_unregister_object (fake->connection, object->registration);
  g_hash_table_remove (fake->objects, object->path);
}

/* Entry groups */

FakeService *
_nexus_fake_avahi_find_service (NexusFakeAvahi *fake,
                                const char     *name,
                                const char     *type,
                                FakeObject    **group_out)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, fake->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FakeObject *group = value;

      if (group->kind != FAKE_GROUP)
        continue;
      for (guint i = 0; i < group->services->len; i++)
        {
          FakeService *service = g_ptr_array_index (group->services, i);

          if (strcmp (service->name, name) == 0 && g_ascii_strcasecmp (service->type, type) == 0)
            {
              if (group_out != NULL)
                *group_out = group;
              return service;
            }
        }
    }
  return NULL;
}

static void
add_service (NexusFakeAvahi        *fake,
             FakeObject            *group,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation)
{
  FakeService *service = g_new0 (FakeService, 1);
  FakeObject *holder = NULL;
  const char *domain;

  service->group = group;
  g_variant_get (parameters, "(iiussssq@aay)", &service->interface, &service->protocol, NULL,
                 &service->name, &service->type, &domain, &service->host, &service->port,
                 &service->txt);
  g_free ((char *) domain);

  if (*service->name == '\0' || strlen (service->name) > 63)
    {
      g_dbus_method_invocation_return_dbus_error (invocation,
                                                  "org.freedesktop.Avahi.InvalidServiceNameError",
                                                  "Invalid service name");
      fake_service_free (service);
      return;
    }
  if (_nexus_fake_avahi_find_service (fake, service->name, service->type, &holder) != NULL)
    {
      /* A remote host that wins the conflict takes the name from here. */
      if (holder != group && is_remote (fake, group->owner) && !is_remote (fake, holder->owner) &&
          holder->state == GROUP_ESTABLISHED)
        set_group_state (fake, holder, GROUP_COLLISION, "Local name collision");
      else
        {
          g_dbus_method_invocation_return_dbus_error (invocation,
                                                      "org.freedesktop.Avahi.CollisionError",
                                                      "Local name collision");
          fake_service_free (service);
          return;
        }
    }
  g_ptr_array_add (group->services, service);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
update_txt (NexusFakeAvahi        *fake,
            FakeObject            *group,
            GVariant              *parameters,
            GDBusMethodInvocation *invocation)
{
  g_autoptr(GVariant) txt = NULL;
  const char *name, *type;
  FakeService *service = NULL;
  GHashTableIter iter;
  gpointer value;

  g_variant_get (parameters, "(iiu&s&s&s@aay)", NULL, NULL, NULL, &name, &type, NULL, &txt);
  for (guint i = 0; i < group->services->len && service == NULL; i++)
    {
      FakeService *candidate = g_ptr_array_index (group->services, i);

      if (strcmp (candidate->name, name) == 0 && g_ascii_strcasecmp (candidate->type, type) == 0)
        service = candidate;
    }
  if (service == NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.Avahi.NotFoundError",
                                                  "Not found");
      return;
    }
  g_variant_unref (service->txt);
  service->txt = g_steal_pointer (&txt);
  fake->n_txt_updates++;
  g_dbus_method_invocation_return_value (invocation, NULL);

  /* Avahi's resolvers see the old record go and find the new one. */
  if (group->state != GROUP_ESTABLISHED)
    return;
  g_hash_table_iter_init (&iter, fake->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FakeObject *resolver = value;

      if (resolver->kind == FAKE_RESOLVER && resolver->started &&
          strcmp (resolver->name, service->name) == 0)
        emit_found (fake, resolver, service, FALSE);
    }
}

static void
group_method (NexusFakeAvahi        *fake,
              FakeObject            *group,
              const char            *method,
              GVariant              *parameters,
              GDBusMethodInvocation *invocation)
{
  gboolean open = group->state == GROUP_UNCOMMITTED || group->state == GROUP_COLLISION;

  if (strcmp (method, "Free") == 0)
    {
      drop_object (fake, group);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (strcmp (method, "GetState") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(i)", group->state));
  else if (strcmp (method, "IsEmpty") == 0)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(b)", group->services->len == 0));
  else if (strcmp (method, "Reset") == 0)
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
      set_group_state (fake, group, GROUP_UNCOMMITTED, "");
      g_ptr_array_set_size (group->services, 0);
      g_ptr_array_set_size (group->addresses, 0);
    }
  else if (strcmp (method, "UpdateServiceTxt") == 0)
    update_txt (fake, group, parameters, invocation);
  else if (!open)
    g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.Avahi.BadStateError",
                                                "Bad state");
  else if (strcmp (method, "AddService") == 0)
    add_service (fake, group, parameters, invocation);
  else if (strcmp (method, "AddAddress") == 0)
    {
      const char *host, *address;

      g_variant_get (parameters, "(iiu&s&s)", NULL, NULL, NULL, &host, &address);
      g_ptr_array_add (group->addresses, g_strdup_printf ("%s\n%s", host, address));
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (strcmp (method, "Commit") == 0)
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
      set_group_state (fake, group, GROUP_REGISTERING, "");
      set_group_state (fake, group, GROUP_ESTABLISHED, "");
    }
}

/* Browsers and resolvers */

static void
start_browser (NexusFakeAvahi *fake,
               FakeObject     *browser)
{
  GHashTableIter iter;
  gpointer value;

  browser->started = TRUE;
  g_hash_table_iter_init (&iter, fake->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FakeObject *group = value;

      if (group->kind != FAKE_GROUP || group->state != GROUP_ESTABLISHED)
        continue;
      for (guint i = 0; i < group->services->len; i++)
        {
          FakeService *service = g_ptr_array_index (group->services, i);

          if (g_ascii_strcasecmp (browser->type, service->type) == 0)
            emit_item (fake, browser, service, "ItemNew");
        }
    }
  emit (fake, browser, BROWSER_INTERFACE, "AllForNow", NULL);
}

static void
start_resolver (NexusFakeAvahi *fake,
                FakeObject     *resolver)
{
  FakeObject *group = NULL;
  FakeService *service = _nexus_fake_avahi_find_service (fake, resolver->name, resolver->type, &group);

  resolver->started = TRUE;
  if (service != NULL && group->state == GROUP_ESTABLISHED)
    emit_found (fake, resolver, service, TRUE);
  else
    emit (fake, resolver, RESOLVER_INTERFACE, "Failure", g_variant_new ("(s)", "Timeout reached"));
}

static void
object_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  NexusFakeAvahi *fake = user_data;
  FakeObject *object;

  g_mutex_lock (&fake->lock);
  object = g_hash_table_lookup (fake->objects, path);
  if (object == NULL)
    g_dbus_method_invocation_return_dbus_error (invocation,
                                                "org.freedesktop.Avahi.InvalidObjectError",
                                                "Invalid object");
  else if (g_strcmp0 (sender, object->owner) != 0)
    g_dbus_method_invocation_return_dbus_error (invocation,
                                                "org.freedesktop.DBus.Error.AccessDenied",
                                                "Access denied");
  else if (object->kind == FAKE_GROUP)
    group_method (fake, object, method, parameters, invocation);
  else if (strcmp (method, "Free") == 0)
    {
      drop_object (fake, object);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
      if (!object->started && object->kind == FAKE_BROWSER)
        start_browser (fake, object);
      else if (!object->started)
        start_resolver (fake, object);
    }
  g_mutex_unlock (&fake->lock);
}

static const GDBusInterfaceVTable object_vtable = { object_method_call, NULL, NULL, { 0 } };

static FakeObject *
new_object (NexusFakeAvahi *fake,
            FakeKind        kind,
            const char     *owner)
{
  static const char * const names[] = { "EntryGroup", "ServiceBrowser", "ServiceResolver" };
  static const char * const interfaces[] = { GROUP_INTERFACE, BROWSER_INTERFACE,
                                             RESOLVER_INTERFACE };
  FakeObject *object = g_new0 (FakeObject, 1);
  g_autoptr(GError) error = NULL;

  object->kind = kind;
  object->owner = g_strdup (owner);
  object->path = g_strdup_printf ("/Client/%s%u", names[kind], ++fake->next_object);
  object->registration =
    g_dbus_connection_register_object (fake->connection, object->path,
                                       g_dbus_node_info_lookup_interface (fake->introspection,
                                                                          interfaces[kind]),
                                       &object_vtable, fake, NULL, &error);
  g_assert_no_error (error);
  if (kind == FAKE_GROUP)
    {
      object->services = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_service_free);
      object->addresses = g_ptr_array_new_with_free_func (g_free);
    }
  g_hash_table_insert (fake->objects, object->path, object);
  return object;
}

/* The server */

/* "Nexus Chat on ada" → "Nexus Chat on ada #2" → "… #3", as Avahi does. */
static char *
alternative_name (const char *name)
{
  const char *hash = strrchr (name, '#');
  guint64 n;

  if (hash != NULL && hash > name && hash[-1] == ' ' &&
      g_ascii_string_to_unsigned (hash + 1, 10, 2, G_MAXUINT32, &n, NULL))
    return g_strdup_printf ("%.*s#%" G_GUINT64_FORMAT, (int) (hash - name), name, n + 1);
  return g_strdup_printf ("%s #2", name);
}

static void
server_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  NexusFakeAvahi *fake = user_data;
  FakeObject *object;

  g_mutex_lock (&fake->lock);
  if (strcmp (method, "GetVersionString") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", "avahi 0.8"));
  else if (strcmp (method, "GetAPIVersion") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", 516));
  else if (strcmp (method, "GetHostName") == 0)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(s)", NEXUS_FAKE_AVAHI_HOST_NAME));
  else if (strcmp (method, "GetState") == 0)
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(i)", SERVER_RUNNING));
  else if (strcmp (method, "GetAlternativeServiceName") == 0)
    {
      const char *name;
      g_autofree char *alternative = NULL;

      g_variant_get (parameters, "(&s)", &name);
      alternative = alternative_name (name);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", alternative));
    }
  else
    {
      if (strcmp (method, "EntryGroupNew") == 0)
        object = new_object (fake, FAKE_GROUP, sender);
      else if (strcmp (method, "ServiceBrowserPrepare") == 0)
        {
          object = new_object (fake, FAKE_BROWSER, sender);
          g_variant_get (parameters, "(iissu)", NULL, NULL, &object->type, NULL, NULL);
        }
      else
        {
          object = new_object (fake, FAKE_RESOLVER, sender);
          g_variant_get (parameters, "(iisssiu)", &object->interface, &object->protocol,
                         &object->name, &object->type, NULL, &object->aprotocol, NULL);
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", object->path));
    }
  g_mutex_unlock (&fake->lock);
}

const GDBusInterfaceVTable _nexus_fake_avahi_server_vtable = { server_method_call, NULL, NULL, { 0 } };

/* A client's objects die with its connection. */
void
_nexus_fake_avahi_on_owner_changed (GDBusConnection *connection,
                                    const char      *sender,
                                    const char      *path,
                                    const char      *interface,
                                    const char      *member,
                                    GVariant        *parameters,
                                    gpointer         user_data)
{
  NexusFakeAvahi *fake = user_data;
  const char *name, *new_owner;
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GPtrArray) dead = g_ptr_array_new ();

  g_variant_get (parameters, "(&s&s&s)", &name, NULL, &new_owner);
  if (name[0] != ':' || *new_owner != '\0')
    return;
  g_mutex_lock (&fake->lock);
  g_hash_table_iter_init (&iter, fake->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (strcmp (((FakeObject *) value)->owner, name) == 0)
      g_ptr_array_add (dead, value);
  for (guint i = 0; i < dead->len; i++)
    drop_object (fake, g_ptr_array_index (dead, i));
  g_hash_table_remove (fake->remote, name);
  g_mutex_unlock (&fake->lock);
}

