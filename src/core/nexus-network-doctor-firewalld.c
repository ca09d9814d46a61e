/* nexus-network-doctor-firewalld.c: does firewalld let the port in?
 *
 * Asks firewalld over the system bus, one question at a time, never
 * waiting on the main loop: the zone of each interface guests come in
 * through (the default zone for one in none), then for each zone whether
 * the port is open in it (queryPort), whether the zone takes everything
 * (target ACCEPT, the trusted zone), all of TCP, or the port through a
 * rich rule or one of its services. Everything has one deadline: a
 * firewalld that hangs costs at most that long and reports nothing, as
 * does one that is not there or refuses to answer. A finding must be
 * true; when in doubt there is none.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-network-doctor-private.h"

#define FIREWALLD_NAME      "org.fedoraproject.FirewallD1"
#define FIREWALLD_PATH      "/org/fedoraproject/FirewallD1"
#define FIREWALLD_INTERFACE "org.fedoraproject.FirewallD1"
#define FIREWALLD_ZONE      "org.fedoraproject.FirewallD1.zone"

/* Services include others; a loop among them must end. */
#define MAX_SERVICES 64

typedef struct
{
  GDBusConnection *bus;
  GCancellable    *cancellable;         /* cancelled at the deadline or by the caller */
  GCancellable    *caller_cancellable;
  gulong           caller_cancelled_id;
  GSource         *deadline;
  gint64           deadline_time;       /* monotonic, µs */
  gboolean         done;

  guint            port;
  char            *port_text;
  GStrv            interfaces;
  guint            next_interface;
  gboolean         wants_default_zone;

  GPtrArray       *zones;               /* char *: each zone once */
  guint            next_zone;
  GPtrArray       *services;            /* char *: the current zone's, with their includes */
  guint            next_service;
  GPtrArray       *blocking;            /* char *: the zones that keep the port out */
} FirewalldCheck;

static void ask_next_interface (GTask *task);
static void ask_next_zone      (GTask *task);
static void ask_next_service   (GTask *task);

static void
firewalld_check_free (FirewalldCheck *self)
{
  g_assert (self->deadline == NULL);

  if (self->caller_cancellable != NULL)
    g_cancellable_disconnect (self->caller_cancellable, self->caller_cancelled_id);
  g_clear_object (&self->caller_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->bus);
  g_free (self->port_text);
  g_strfreev (self->interfaces);
  g_clear_pointer (&self->zones, g_ptr_array_unref);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->blocking, g_ptr_array_unref);
  g_free (self);
}

/* Ends the check with @zones (NULL: nothing to report). Whatever is still
 * on its way is cancelled, and its answer dropped. */
static void
finish (GTask     *task,
        GPtrArray *zones)
{
  FirewalldCheck *self = g_task_get_task_data (task);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (self->done)
    return;
  self->done = TRUE;

  /* The deadline may hold the last ref but one: keep the task alive
   * until it has returned. */
  g_object_ref (task);
  if (self->deadline != NULL)
    {
      g_source_destroy (self->deadline);
      g_clear_pointer (&self->deadline, g_source_unref);
    }
  g_cancellable_cancel (self->cancellable);

  builder = g_strv_builder_new ();
  for (guint i = 0; zones != NULL && i < zones->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (zones, i));
  g_task_return_pointer (task, g_strv_builder_end (builder), (GDestroyNotify) g_strfreev);
  g_object_unref (task);
}

static gboolean
deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  FirewalldCheck *self = g_task_get_task_data (task);

  g_debug ("firewalld did not answer in time; the firewall is not checked");
  /* finish() must not destroy the source that is running now. */
  g_clear_pointer (&self->deadline, g_source_unref);
  finish (task, NULL);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
call_firewalld (GTask               *task,
                const char          *interface,
                const char          *method,
                GVariant            *parameters,
                const char          *reply_type,
                GAsyncReadyCallback  callback)
{
  FirewalldCheck *self = g_task_get_task_data (task);
  gint64 left_msec = (self->deadline_time - g_get_monotonic_time ()) / 1000;

  /* Never start firewalld (or wait for it to start) just to ask. */
  g_dbus_connection_call (self->bus, FIREWALLD_NAME, FIREWALLD_PATH, interface, method,
                          parameters, G_VARIANT_TYPE (reply_type),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START,
                          (int) CLAMP (left_msec, 1, G_MAXINT),
                          self->cancellable, callback, g_object_ref (task));
}

/* The reply to a call_firewalld(), or NULL when the check is over: then
 * the task has returned, or returns now with nothing to report. */
static GVariant *
firewalld_reply (GTask        *task,
                 GAsyncResult *result,
                 const char   *method)
{
  FirewalldCheck *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_finish (self->bus, result, &error);
  if (self->done)
    {
      g_clear_pointer (&reply, g_variant_unref);
      return NULL;
    }
  if (reply == NULL)
    {
      /* No firewalld, an older one, no permission: not a finding. */
      g_debug ("firewalld: %s failed, the firewall is not checked: %s", method, error->message);
      finish (task, NULL);
    }
  return reply;
}

static void
add_once (GPtrArray  *names,
          const char *name)
{
  if (*name != '\0' && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
    g_ptr_array_add (names, g_strdup (name));
}

static gboolean
strv_variant_has (GVariant   *strv,
                  const char *value)
{
  g_autofree const char **values = NULL;

  if (strv == NULL)
    return FALSE;
  values = g_variant_get_strv (strv, NULL);
  return g_strv_contains (values, value);
}

/* a(ss) of ports and protocols, as zones and services list them. */
static gboolean
ports_variant_has (GVariant *ports,
                   guint     port)
{
  GVariantIter iter;
  const char *range;
  const char *protocol;

  if (ports == NULL)
    return FALSE;
  g_variant_iter_init (&iter, ports);
  while (g_variant_iter_next (&iter, "(&s&s)", &range, &protocol))
    if (g_str_equal (protocol, "tcp") && nexus_port_range_contains (range, '-', port))
      return TRUE;
  return FALSE;
}

/* Whether a rich rule lets @port/tcp in: it accepts, and either names no
 * port, service or protocol at all (everything from some source), or
 * names this port or TCP. A rule with a service is passed over: which
 * ports that service opens would need more questions, for a rare case. */
static gboolean
rich_rule_lets_in (const char *rule,
                   guint       port)
{
  g_auto(GStrv) words = NULL;
  gboolean accepts = FALSE;
  gboolean names_something = FALSE;
  gboolean covers = FALSE;

  if (!g_shell_parse_argv (rule, NULL, &words, NULL))
    return FALSE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *word = words[i];

      if (g_str_equal (word, "accept"))
        accepts = TRUE;
      else if (g_str_equal (word, "port") && words[i + 1] != NULL)
        {
          const char *range = NULL;
          const char *protocol = NULL;

          names_something = TRUE;
          for (guint j = i + 1; words[j] != NULL && j <= i + 2; j++)
            {
              if (g_str_has_prefix (words[j], "port="))
                range = words[j] + strlen ("port=");
              else if (g_str_has_prefix (words[j], "protocol="))
                protocol = words[j] + strlen ("protocol=");
            }
          covers |= range != NULL && g_strcmp0 (protocol, "tcp") == 0
                    && nexus_port_range_contains (range, '-', port);
        }
      else if (g_str_equal (word, "protocol") && words[i + 1] != NULL)
        {
          names_something = TRUE;
          covers |= g_str_equal (words[i + 1], "value=tcp");
        }
      else if (g_str_equal (word, "service") || g_str_equal (word, "icmp-block")
               || g_str_equal (word, "icmp-type") || g_str_equal (word, "masquerade")
               || g_str_equal (word, "forward-port") || g_str_equal (word, "source-port")
               || g_str_equal (word, "tcp-mss-clamp"))
        {
          names_something = TRUE;
        }
    }

  return accepts && (covers || !names_something);
}

static gboolean
rich_rules_let_in (GVariant *rules,
                   guint     port)
{
  g_autofree const char **values = NULL;

  if (rules == NULL)
    return FALSE;
  values = g_variant_get_strv (rules, NULL);
  for (guint i = 0; values[i] != NULL; i++)
    if (rich_rule_lets_in (values[i], port))
      return TRUE;
  return FALSE;
}

/* Services */

static void
zone_done (GTask    *task,
           gboolean  lets_in)
{
  FirewalldCheck *self = g_task_get_task_data (task);

  if (!lets_in)
    g_ptr_array_add (self->blocking, g_strdup (g_ptr_array_index (self->zones, self->next_zone)));
  self->next_zone++;
  ask_next_zone (task);
}

static void
service_settings_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FirewalldCheck *self = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = firewalld_reply (task, result, "getServiceSettings2");
  g_autoptr(GVariant) settings = NULL;
  g_autoptr(GVariant) ports = NULL;
  g_autoptr(GVariant) protocols = NULL;
  g_autoptr(GVariant) includes = NULL;

  if (reply == NULL)
    return;

  g_variant_get (reply, "(@a{sv})", &settings);
  ports = g_variant_lookup_value (settings, "ports", G_VARIANT_TYPE ("a(ss)"));
  protocols = g_variant_lookup_value (settings, "protocols", G_VARIANT_TYPE_STRING_ARRAY);
  if (ports_variant_has (ports, self->port) || strv_variant_has (protocols, "tcp"))
    {
      zone_done (task, TRUE);
      return;
    }

  includes = g_variant_lookup_value (settings, "includes", G_VARIANT_TYPE_STRING_ARRAY);
  if (includes != NULL)
    {
      g_autofree const char **names = g_variant_get_strv (includes, NULL);

      for (guint i = 0; names[i] != NULL && self->services->len < MAX_SERVICES; i++)
        add_once (self->services, names[i]);
    }

  self->next_service++;
  ask_next_service (task);
}

static void
ask_next_service (GTask *task)
{
  FirewalldCheck *self = g_task_get_task_data (task);

  if (self->next_service >= self->services->len)
    {
      zone_done (task, FALSE);
      return;
    }
  call_firewalld (task, FIREWALLD_INTERFACE, "getServiceSettings2",
                  g_variant_new ("(s)", g_ptr_array_index (self->services, self->next_service)),
                  "(a{sv})", service_settings_cb);
}

/* Zones */

static void
zone_settings_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FirewalldCheck *self = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = firewalld_reply (task, result, "getZoneSettings2");
  g_autoptr(GVariant) settings = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GVariant) ports = NULL;
  g_autoptr(GVariant) protocols = NULL;
  g_autoptr(GVariant) rules = NULL;
  g_autoptr(GVariant) services = NULL;

  if (reply == NULL)
    return;

  g_variant_get (reply, "(@a{sv})", &settings);
  target = g_variant_lookup_value (settings, "target", G_VARIANT_TYPE_STRING);
  ports = g_variant_lookup_value (settings, "ports", G_VARIANT_TYPE ("a(ss)"));
  protocols = g_variant_lookup_value (settings, "protocols", G_VARIANT_TYPE_STRING_ARRAY);
  rules = g_variant_lookup_value (settings, "rules_str", G_VARIANT_TYPE_STRING_ARRAY);
  if ((target != NULL && g_str_equal (g_variant_get_string (target, NULL), "ACCEPT"))
      || ports_variant_has (ports, self->port)
      || strv_variant_has (protocols, "tcp")
      || rich_rules_let_in (rules, self->port))
    {
      zone_done (task, TRUE);
      return;
    }

  g_ptr_array_set_size (self->services, 0);
  self->next_service = 0;
  services = g_variant_lookup_value (settings, "services", G_VARIANT_TYPE_STRING_ARRAY);
  if (services != NULL)
    {
      g_autofree const char **names = g_variant_get_strv (services, NULL);

      for (guint i = 0; names[i] != NULL && self->services->len < MAX_SERVICES; i++)
        add_once (self->services, names[i]);
    }
  ask_next_service (task);
}

static void
query_port_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FirewalldCheck *self = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = firewalld_reply (task, result, "queryPort");
  gboolean open;

  if (reply == NULL)
    return;

  g_variant_get (reply, "(b)", &open);
  if (open)
    {
      zone_done (task, TRUE);
      return;
    }
  call_firewalld (task, FIREWALLD_ZONE, "getZoneSettings2",
                  g_variant_new ("(s)", g_ptr_array_index (self->zones, self->next_zone)),
                  "(a{sv})", zone_settings_cb);
}

static void
ask_next_zone (GTask *task)
{
  FirewalldCheck *self = g_task_get_task_data (task);

  if (self->next_zone >= self->zones->len)
    {
      finish (task, self->blocking);
      return;
    }
  call_firewalld (task, FIREWALLD_ZONE, "queryPort",
                  g_variant_new ("(sss)", g_ptr_array_index (self->zones, self->next_zone),
                                 self->port_text, "tcp"),
                  "(b)", query_port_cb);
}

static void
default_zone_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FirewalldCheck *self = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = firewalld_reply (task, result, "getDefaultZone");
  const char *zone;

  if (reply == NULL)
    return;

  g_variant_get (reply, "(&s)", &zone);
  add_once (self->zones, zone);
  ask_next_zone (task);
}

/* Interfaces */

static void
zone_of_interface_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FirewalldCheck *self = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = firewalld_reply (task, result, "getZoneOfInterface");
  const char *zone;

  if (reply == NULL)
    return;

  /* In no zone: firewalld puts it in the default zone. */
  g_variant_get (reply, "(&s)", &zone);
  if (*zone == '\0')
    self->wants_default_zone = TRUE;
  else
    add_once (self->zones, zone);

  self->next_interface++;
  ask_next_interface (task);
}

static void
ask_next_interface (GTask *task)
{
  FirewalldCheck *self = g_task_get_task_data (task);

  if (self->interfaces[self->next_interface] != NULL)
    {
      call_firewalld (task, FIREWALLD_ZONE, "getZoneOfInterface",
                      g_variant_new ("(s)", self->interfaces[self->next_interface]),
                      "(s)", zone_of_interface_cb);
    }
  else if (self->wants_default_zone)
    {
      call_firewalld (task, FIREWALLD_INTERFACE, "getDefaultZone", NULL,
                      "(s)", default_zone_cb);
    }
  else
    {
      ask_next_zone (task);
    }
}

static void
bus_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FirewalldCheck *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (self->done)
    return;
  if (bus == NULL)
    {
      g_debug ("No system bus, the firewall is not checked: %s", error->message);
      finish (task, NULL);
      return;
    }

  self->bus = g_steal_pointer (&bus);
  ask_next_interface (task);
}

void
nexus_firewalld_find_blocking_zones_async (const char * const  *interfaces,
                                           guint                port,
                                           guint                timeout_msec,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FirewalldCheck *self;

  g_return_if_fail (interfaces != NULL);
  g_return_if_fail (port > 0 && port <= G_MAXUINT16);
  g_return_if_fail (timeout_msec > 0);

  self = g_new0 (FirewalldCheck, 1);
  self->port = port;
  self->port_text = g_strdup_printf ("%u", port);
  self->interfaces = g_strdupv ((char **) interfaces);
  self->zones = g_ptr_array_new_with_free_func (g_free);
  self->services = g_ptr_array_new_with_free_func (g_free);
  self->blocking = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_firewalld_find_blocking_zones_async);
  g_task_set_task_data (task, self, (GDestroyNotify) firewalld_check_free);

  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (caller_cancelled_cb),
                                                         g_object_ref (self->cancellable),
                                                         g_object_unref);
    }

  /* One deadline for every question, the connection to the bus included. */
  self->deadline_time = g_get_monotonic_time () + (gint64) timeout_msec * 1000;
  self->deadline = g_timeout_source_new (timeout_msec);
  g_source_set_callback (self->deadline, deadline_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (self->deadline, "[nexus] firewalld deadline");
  g_source_attach (self->deadline, g_task_get_context (task));

  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, bus_cb, g_object_ref (task));
}

GStrv
nexus_firewalld_find_blocking_zones_finish (GAsyncResult  *result,
                                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == nexus_firewalld_find_blocking_zones_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
nexus_port_range_contains (const char *range,
                           char        separator,
                           guint       port)
{
  g_auto(GStrv) ends = NULL;
  guint64 first;
  guint64 last;

  g_return_val_if_fail (range != NULL, FALSE);

  ends = g_strsplit (range, (char[]) { separator, '\0' }, 2);
  if (ends[0] == NULL
      || !g_ascii_string_to_unsigned (ends[0], 10, 1, G_MAXUINT16, &first, NULL))
    return FALSE;
  if (ends[1] == NULL)
    last = first;
  else if (!g_ascii_string_to_unsigned (ends[1], 10, 1, G_MAXUINT16, &last, NULL))
    return FALSE;

  return first <= port && port <= last;
}
