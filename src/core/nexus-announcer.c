/* nexus-announcer.c: tells the local network that this host serves rooms
 *
 * One Avahi entry group holds one `_nexus-chat._tcp` service. A round of
 * publishing lasts from Avahi appearing to it going away: a restarted
 * Avahi knows nothing of us, so each round starts from nothing. The TXT
 * record follows the server's rooms, at most once a second.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nexus-announcer.h"
#include "nexus-avahi.h"
#include "nexus-code.h"
#include "nexus-discovery-txt.h"

#define TXT_INTERVAL_US     G_USEC_PER_SEC
#define MAX_RENAMES         16
#define SERVICE_NAME_BYTES  63   /* one DNS label */

struct _NexusAnnouncer
{
  GObject parent_instance;

  NexusServer          *server;
  NexusAvahiClient     *avahi;
  guint8                salt[NEXUS_DISCOVERY_SALT_BYTES];
  NexusDiscoveryStatus  status;
  char                 *service_name;   /* the name asked for: after collisions, another */

  /* This round of publishing */
  guint                 round;
  GCancellable         *round_cancellable;
  gboolean              creating_group;
  char                 *group_path;
  gboolean              service_added;  /* AddService went out: the group has our service */
  gboolean              established;
  guint                 n_renames;
  char                 *failure;        /* why Avahi refused, in English */

  /* The TXT record */
  GVariant             *txt_sent;       /* what Avahi holds */
  GVariant             *txt_sending;
  gboolean              txt_dirty;      /* the rooms changed since */
  gint64                txt_sent_at;
  guint                 txt_timeout_id;
};

G_DEFINE_FINAL_TYPE (NexusAnnouncer, nexus_announcer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATUS,
  PROP_SERVICE_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_round        (NexusAnnouncer *self);
static void add_service        (NexusAnnouncer *self);
static void maybe_update_txt   (NexusAnnouncer *self);

/* Status */

static void
update_status (NexusAnnouncer *self)
{
  NexusDiscoveryStatus status;

  if (nexus_avahi_client_is_looking (self->avahi))
    status = NEXUS_DISCOVERY_STARTING;
  else if (nexus_avahi_client_get_bus (self->avahi) == NULL)
    status = NEXUS_DISCOVERY_UNAVAILABLE;
  else if (self->failure != NULL)
    status = NEXUS_DISCOVERY_FAILED;
  else if (self->established)
    status = NEXUS_DISCOVERY_RUNNING;
  else
    status = NEXUS_DISCOVERY_STARTING;

  if (status == self->status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE_NAME]);
}

static void
fail (NexusAnnouncer *self,
      const char     *what,
      const GError   *error)
{
  g_free (self->failure);
  self->failure = g_strdup_printf ("%s: %s", what, error != NULL ? error->message : "failed");
  g_debug ("announcer: %s", self->failure);
  update_status (self);
}

/* Whether the reply belongs to a round that is over (or to an announcer
 * that is gone): then nothing is to be done with it. */
static gboolean
is_stale (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The TXT record */

static GVariant *
build_txt (NexusAnnouncer *self)
{
  g_autoptr(GPtrArray) rooms = nexus_server_list_rooms (self->server);

  return g_variant_ref_sink (nexus_discovery_txt_build (self->salt, rooms, PACKAGE_VERSION));
}

static gboolean
on_txt_timeout (gpointer user_data)
{
  NexusAnnouncer *self = user_data;

  self->txt_timeout_id = 0;
  maybe_update_txt (self);
  return G_SOURCE_REMOVE;
}

static void
on_txt_updated (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  NexusAnnouncer *self;

  if (is_stale (error))
    return;
  self = user_data;
  if (reply != NULL)
    {
      g_clear_pointer (&self->txt_sent, g_variant_unref);
      self->txt_sent = g_steal_pointer (&self->txt_sending);
    }
  else
    {
      /* The next change tries again: the record stays as it was. */
      g_debug ("announcer: UpdateServiceTxt: %s", error->message);
      g_clear_pointer (&self->txt_sending, g_variant_unref);
    }
  maybe_update_txt (self);
}

/* Sends the rooms as they are now, unless that was done less than a
 * second ago: then once the second is over. */
static void
maybe_update_txt (NexusAnnouncer *self)
{
  g_autoptr(GVariant) txt = NULL;
  gint64 now = g_get_monotonic_time ();

  if (!self->txt_dirty || !self->established || self->txt_sending != NULL ||
      self->txt_timeout_id != 0)
    return;
  if (now - self->txt_sent_at < TXT_INTERVAL_US)
    {
      guint wait_ms = (guint) ((self->txt_sent_at + TXT_INTERVAL_US - now) / 1000) + 1;

      self->txt_timeout_id = g_timeout_add (wait_ms, on_txt_timeout, self);
      return;
    }

  self->txt_dirty = FALSE;
  txt = build_txt (self);
  if (self->txt_sent != NULL && g_variant_equal (txt, self->txt_sent))
    return;

  self->txt_sending = g_variant_ref (txt);
  self->txt_sent_at = now;
  nexus_avahi_client_call (self->avahi, self->group_path, NEXUS_AVAHI_ENTRY_GROUP_INTERFACE,
                           "UpdateServiceTxt",
                           g_variant_new ("(iiusss@aay)", NEXUS_AVAHI_IF_UNSPEC,
                                          NEXUS_AVAHI_PROTO_UNSPEC, 0u, self->service_name,
                                          NEXUS_DISCOVERY_SERVICE_TYPE, "", txt),
                           NULL, self->round_cancellable, on_txt_updated, self);
}

static void
on_rooms_changed (NexusAnnouncer *self)
{
  self->txt_dirty = TRUE;
  maybe_update_txt (self);
}

/* The entry group */

static void
on_committed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  /* Success shows in the group's StateChanged. */
  if (reply == NULL && !is_stale (error))
    fail (user_data, "Commit", error);
}

static void
on_reset (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);

  if (reply == NULL && !is_stale (error))
    g_debug ("announcer: Reset: %s", error->message);
}

/* Empties the group, as when the service must go out under a new name. */
static void
reset_group (NexusAnnouncer *self)
{
  self->service_added = FALSE;
  self->established = FALSE;
  nexus_avahi_client_call (self->avahi, self->group_path, NEXUS_AVAHI_ENTRY_GROUP_INTERFACE,
                           "Reset", NULL, NULL, self->round_cancellable, on_reset, self);
  update_status (self);
}

static void
on_alternative_name (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  NexusAnnouncer *self;
  const char *name;

  if (is_stale (error))
    return;
  self = user_data;
  if (reply == NULL)
    {
      fail (self, "GetAlternativeServiceName", error);
      return;
    }
  g_variant_get (reply, "(&s)", &name);
  g_free (self->service_name);
  self->service_name = g_strdup (name);
  /* Avahi runs our calls in order: the group is empty before the new
   * name goes in. */
  reset_group (self);
  add_service (self);
}

/* Someone on the network has our name: Avahi proposes another,
 * "Nexus Chat on ada-laptop #2". */
static void
rename_service (NexusAnnouncer *self)
{
  if (++self->n_renames > MAX_RENAMES)
    {
      fail (self, "renaming", NULL);
      return;
    }
  self->established = FALSE;
  update_status (self);
  nexus_avahi_client_call (self->avahi, NEXUS_AVAHI_SERVER_PATH, NEXUS_AVAHI_SERVER2_INTERFACE,
                           "GetAlternativeServiceName", g_variant_new ("(s)", self->service_name),
                           G_VARIANT_TYPE ("(s)"), self->round_cancellable, on_alternative_name,
                           self);
}

static void
on_service_added (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  NexusAnnouncer *self;

  if (is_stale (error))
    return;
  self = user_data;
  if (reply == NULL)
    {
      /* Another program on this computer has the name. */
      if (nexus_avahi_error_is (error, NEXUS_AVAHI_ERROR_COLLISION))
        rename_service (self);
      else
        fail (self, "AddService", error);
      return;
    }
  nexus_avahi_client_call (self->avahi, self->group_path, NEXUS_AVAHI_ENTRY_GROUP_INTERFACE,
                           "Commit", NULL, NULL, self->round_cancellable, on_committed, self);
}

static void
add_service (NexusAnnouncer *self)
{
  g_autoptr(GVariant) txt = build_txt (self);

  self->service_added = TRUE;
  self->txt_dirty = FALSE;
  self->txt_sent_at = g_get_monotonic_time ();
  g_clear_pointer (&self->txt_sent, g_variant_unref);
  self->txt_sent = g_variant_ref (txt);
  nexus_avahi_client_call (self->avahi, self->group_path, NEXUS_AVAHI_ENTRY_GROUP_INTERFACE,
                           "AddService",
                           g_variant_new ("(iiussssq@aay)", NEXUS_AVAHI_IF_UNSPEC,
                                          NEXUS_AVAHI_PROTO_UNSPEC, 0u, self->service_name,
                                          NEXUS_DISCOVERY_SERVICE_TYPE, "", "",
                                          (guint16) nexus_server_get_port (self->server), txt),
                           NULL, self->round_cancellable, on_service_added, self);
}

/* A new group: the reply may come after the round or the announcer is
 * over, when nobody else would free what Avahi made. */
typedef struct {
  GWeakRef  announcer;
  guint     round;
  char     *owner;
} GroupCall;

static void
on_group_new (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GroupCall *call = user_data;
  g_autoptr(NexusAnnouncer) self = g_weak_ref_get (&call->announcer);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  const char *path = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(&o)", &path);

  if (self == NULL || self->round != call->round)
    {
      if (path != NULL)
        nexus_avahi_free_object (G_DBUS_CONNECTION (source), call->owner, path,
                                 NEXUS_AVAHI_ENTRY_GROUP_INTERFACE);
    }
  else if (reply == NULL)
    {
      self->creating_group = FALSE;
      fail (self, "EntryGroupNew", error);
    }
  else
    {
      self->creating_group = FALSE;
      self->group_path = g_strdup (path);
      add_service (self);
    }

  g_weak_ref_clear (&call->announcer);
  g_free (call->owner);
  g_free (call);
}

static void
create_group (NexusAnnouncer *self)
{
  GroupCall *call = g_new0 (GroupCall, 1);

  g_weak_ref_init (&call->announcer, self);
  call->round = self->round;
  call->owner = g_strdup (nexus_avahi_client_get_owner (self->avahi));
  self->creating_group = TRUE;
  /* No cancellable: see GroupCall. */
  nexus_avahi_client_call (self->avahi, NEXUS_AVAHI_SERVER_PATH, NEXUS_AVAHI_SERVER2_INTERFACE,
                           "EntryGroupNew", NULL, G_VARIANT_TYPE ("(o)"), NULL, on_group_new,
                           call);
}

static void
on_group_state (GDBusConnection *bus,
                const char      *sender,
                const char      *path,
                const char      *interface,
                const char      *member,
                GVariant        *parameters,
                gpointer         user_data)
{
  NexusAnnouncer *self = user_data;
  const char *error_name;
  int state;

  if (g_strcmp0 (path, self->group_path) != 0 ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(is)")))
    return;
  g_variant_get (parameters, "(i&s)", &state, &error_name);

  switch ((NexusAvahiGroupState) state)
    {
    case NEXUS_AVAHI_GROUP_ESTABLISHED:
      if (!self->service_added)
        return;
      self->established = TRUE;
      update_status (self);
      maybe_update_txt (self);
      break;
    case NEXUS_AVAHI_GROUP_COLLISION:
      rename_service (self);
      break;
    case NEXUS_AVAHI_GROUP_FAILURE:
      {
        g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s", error_name);

        fail (self, "the entry group", error);
      }
      break;
    case NEXUS_AVAHI_GROUP_UNCOMMITTED:
    case NEXUS_AVAHI_GROUP_REGISTERING:
    default:
      break;
    }
}

/* Avahi itself */

static void
handle_server_state (NexusAnnouncer *self,
                     int             state)
{
  switch ((NexusAvahiServerState) state)
    {
    case NEXUS_AVAHI_SERVER_RUNNING:
      if (self->group_path == NULL && !self->creating_group)
        create_group (self);
      else if (self->group_path != NULL && !self->service_added)
        add_service (self);
      break;
    case NEXUS_AVAHI_SERVER_REGISTERING:
    case NEXUS_AVAHI_SERVER_COLLISION:
      /* The computer's own name is being settled: withdraw until it is,
       * as Avahi's documentation asks. */
      if (self->group_path != NULL && self->service_added)
        reset_group (self);
      break;
    case NEXUS_AVAHI_SERVER_FAILURE:
      fail (self, "Avahi", NULL);
      break;
    case NEXUS_AVAHI_SERVER_INVALID:
    default:
      break;
    }
}

static void
on_server_state_signal (GDBusConnection *bus,
                        const char      *sender,
                        const char      *path,
                        const char      *interface,
                        const char      *member,
                        GVariant        *parameters,
                        gpointer         user_data)
{
  NexusAnnouncer *self = user_data;
  int state;

  if (g_strcmp0 (path, NEXUS_AVAHI_SERVER_PATH) != 0 ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(is)")) ||
      self->round_cancellable == NULL)
    return;
  g_variant_get (parameters, "(i&s)", &state, NULL);
  handle_server_state (self, state);
}

static void
on_server_state (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  NexusAnnouncer *self;
  int state;

  if (is_stale (error))
    return;
  self = user_data;
  if (reply == NULL)
    {
      fail (self, "GetState", error);
      return;
    }
  g_variant_get (reply, "(i)", &state);
  handle_server_state (self, state);
}

static void
end_round (NexusAnnouncer *self)
{
  self->round++;
  g_cancellable_cancel (self->round_cancellable);
  g_clear_object (&self->round_cancellable);
  g_clear_pointer (&self->group_path, g_free);
  g_clear_pointer (&self->failure, g_free);
  g_clear_pointer (&self->txt_sent, g_variant_unref);
  g_clear_pointer (&self->txt_sending, g_variant_unref);
  g_clear_handle_id (&self->txt_timeout_id, g_source_remove);
  self->creating_group = FALSE;
  self->service_added = FALSE;
  self->established = FALSE;
  self->n_renames = 0;
}

static void
start_round (NexusAnnouncer *self)
{
  self->round_cancellable = g_cancellable_new ();
  nexus_avahi_client_call (self->avahi, NEXUS_AVAHI_SERVER_PATH, NEXUS_AVAHI_SERVER2_INTERFACE,
                           "GetState", NULL, G_VARIANT_TYPE ("(i)"), self->round_cancellable,
                           on_server_state, self);
}

/* Avahi appeared, went, or was replaced: whatever it held of ours is gone. */
static void
on_avahi_changed (gpointer user_data)
{
  NexusAnnouncer *self = user_data;

  end_round (self);
  if (nexus_avahi_client_get_bus (self->avahi) != NULL)
    start_round (self);
  else
    g_debug ("announcer: %s", nexus_avahi_client_get_reason (self->avahi));
  update_status (self);
}

static const NexusAvahiSignal avahi_signals[] = {
  { NEXUS_AVAHI_SERVER_INTERFACE, "StateChanged", on_server_state_signal },
  { NEXUS_AVAHI_ENTRY_GROUP_INTERFACE, "StateChanged", on_group_state },
};

/* The object */

static char *
make_service_name (void)
{
  g_autofree char *host = g_strdup (g_get_host_name ());
  char *dot = strchr (host, '.');
  char *name;
  const char *end;

  if (dot != NULL)
    *dot = '\0';
  name = g_strdup_printf ("Nexus Chat on %s", host);
  /* A DNS label holds 63 bytes: cut between characters. */
  if (strlen (name) > SERVICE_NAME_BYTES)
    {
      g_utf8_validate_len (name, SERVICE_NAME_BYTES, &end);
      name[end - name] = '\0';
    }
  return name;
}

NexusAnnouncer *
nexus_announcer_new (NexusServer *server)
{
  NexusAnnouncer *self;

  g_return_val_if_fail (NEXUS_IS_SERVER (server), NULL);
  g_return_val_if_fail (nexus_server_get_port (server) != 0, NULL);

  self = g_object_new (NEXUS_TYPE_ANNOUNCER, NULL);
  self->server = g_object_ref (server);
  g_signal_connect_object (server, "rooms-changed", G_CALLBACK (on_rooms_changed), self,
                           G_CONNECT_SWAPPED);
  self->avahi = nexus_avahi_client_new (avahi_signals, G_N_ELEMENTS (avahi_signals),
                                        on_avahi_changed, self);
  return self;
}

NexusDiscoveryStatus
nexus_announcer_get_status (NexusAnnouncer *self)
{
  g_return_val_if_fail (NEXUS_IS_ANNOUNCER (self), NEXUS_DISCOVERY_UNAVAILABLE);

  return self->status;
}

const char *
nexus_announcer_get_message (NexusAnnouncer *self)
{
  g_return_val_if_fail (NEXUS_IS_ANNOUNCER (self), NULL);

  switch (self->status)
    {
    case NEXUS_DISCOVERY_UNAVAILABLE:
      return _("People on this network can’t find your rooms by their code alone, because the "
               "Avahi service isn’t running here. Invite links still work.");
    case NEXUS_DISCOVERY_FAILED:
      return _("People on this network can’t find your rooms by their code alone, because the "
               "Avahi service refused to announce them. Invite links still work.");
    case NEXUS_DISCOVERY_STARTING:
    case NEXUS_DISCOVERY_RUNNING:
    default:
      return NULL;
    }
}

const char *
nexus_announcer_get_reason (NexusAnnouncer *self)
{
  g_return_val_if_fail (NEXUS_IS_ANNOUNCER (self), NULL);

  switch (self->status)
    {
    case NEXUS_DISCOVERY_UNAVAILABLE:
      return nexus_avahi_client_get_reason (self->avahi);
    case NEXUS_DISCOVERY_FAILED:
      return self->failure;
    case NEXUS_DISCOVERY_STARTING:
    case NEXUS_DISCOVERY_RUNNING:
    default:
      return NULL;
    }
}

const char *
nexus_announcer_get_service_name (NexusAnnouncer *self)
{
  g_return_val_if_fail (NEXUS_IS_ANNOUNCER (self), NULL);

  return self->status == NEXUS_DISCOVERY_RUNNING ? self->service_name : NULL;
}

static void
nexus_announcer_dispose (GObject *object)
{
  NexusAnnouncer *self = NEXUS_ANNOUNCER (object);

  /* Withdraws the service. */
  if (self->avahi != NULL && self->group_path != NULL)
    nexus_avahi_client_free_object (self->avahi, self->group_path,
                                    NEXUS_AVAHI_ENTRY_GROUP_INTERFACE);
  end_round (self);
  g_clear_pointer (&self->avahi, nexus_avahi_client_free);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (nexus_announcer_parent_class)->dispose (object);
}

static void
nexus_announcer_finalize (GObject *object)
{
  NexusAnnouncer *self = NEXUS_ANNOUNCER (object);

  g_free (self->service_name);

  G_OBJECT_CLASS (nexus_announcer_parent_class)->finalize (object);
}

static void
nexus_announcer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  NexusAnnouncer *self = NEXUS_ANNOUNCER (object);

  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_SERVICE_NAME:
      g_value_set_string (value, nexus_announcer_get_service_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_announcer_class_init (NexusAnnouncerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_announcer_dispose;
  object_class->finalize = nexus_announcer_finalize;
  object_class->get_property = nexus_announcer_get_property;

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, NEXUS_TYPE_DISCOVERY_STATUS,
                       NEXUS_DISCOVERY_STARTING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVICE_NAME] =
    g_param_spec_string ("service-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nexus_announcer_init (NexusAnnouncer *self)
{
  self->status = NEXUS_DISCOVERY_STARTING;
  self->service_name = make_service_name ();
  /* New at each start: digests mean nothing across restarts. */
  nexus_random_bytes (self->salt, sizeof self->salt);
}
