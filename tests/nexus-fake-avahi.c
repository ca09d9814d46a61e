/* nexus-fake-avahi.c: a test double of the system's Avahi daemon
 *
 * The private bus, the fake's thread, and the test's side: starting and
 * stopping Avahi, looking at what it publishes, and peers, the other
 * computers. Everything Avahi holds lives in the fake's thread and
 * changes there, under the lock, which the test's thread takes to look
 * (nexus-fake-avahi-objects.c).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "nexus-fake-avahi-private.h"

/* Jobs for the fake's thread */

typedef struct {
  NexusFakeAvahi *fake;
  void          (*func) (NexusFakeAvahi *fake);
  gboolean        done;
} Job;

static gboolean
run_job (gpointer user_data)
{
  Job *job = user_data;

  job->func (job->fake);
  g_mutex_lock (&job->fake->lock);
  job->done = TRUE;
  g_cond_broadcast (&job->fake->cond);
  g_mutex_unlock (&job->fake->lock);
  return G_SOURCE_REMOVE;
}

static void
run_in_thread (NexusFakeAvahi *fake,
               void          (*func) (NexusFakeAvahi *fake))
{
  Job job = { fake, func, FALSE };

  g_main_context_invoke (fake->context, run_job, &job);
  g_mutex_lock (&fake->lock);
  while (!job.done)
    g_cond_wait (&fake->cond, &fake->lock);
  g_mutex_unlock (&fake->lock);
}

static void
start_in_thread (NexusFakeAvahi *fake)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GDBusConnection *connection;
  guint registration;

  connection = g_dbus_connection_new_for_address_sync (fake->address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  registration =
    g_dbus_connection_register_object (connection, "/",
                                       g_dbus_node_info_lookup_interface (fake->introspection,
                                                                          SERVER2_INTERFACE),
                                       &_nexus_fake_avahi_server_vtable, fake, NULL, &error);
  g_assert_no_error (error);
  (void) registration;   /* goes with the connection */

  g_mutex_lock (&fake->lock);
  fake->connection = connection;
  g_mutex_unlock (&fake->lock);

  fake->owner_changed_id =
    g_dbus_connection_signal_subscribe (connection, "org.freedesktop.DBus",
                                        "org.freedesktop.DBus", "NameOwnerChanged",
                                        "/org/freedesktop/DBus", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        _nexus_fake_avahi_on_owner_changed, fake, NULL);
  /* Owned before this returns, so the test knows Avahi is there. */
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", AVAHI_NAME, 4 /* DO_NOT_QUEUE */),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
                                       CALL_TIMEOUT_MS, NULL, &error);
  g_assert_no_error (error);
}

static void
stop_in_thread (NexusFakeAvahi *fake)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  g_mutex_lock (&fake->lock);
  connection = g_steal_pointer (&fake->connection);
  /* Gone without a word, as a stopped daemon. */
  g_hash_table_remove_all (fake->objects);
  g_hash_table_remove_all (fake->remote);
  g_mutex_unlock (&fake->lock);

  g_dbus_connection_signal_unsubscribe (connection, fake->owner_changed_id);
  g_dbus_connection_close_sync (connection, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (connection);
}

static gpointer
fake_thread (gpointer data)
{
  NexusFakeAvahi *fake = data;

  g_main_context_push_thread_default (fake->context);
  g_main_loop_run (fake->loop);
  /* What the connections left to dispatch here. */
  while (g_main_context_iteration (fake->context, FALSE))
    ;
  g_main_context_pop_thread_default (fake->context);
  return NULL;
}

/* The bus */

static void
child_setup (gpointer data)
{
  /* A failed assertion must not leave the bus running. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Where every fake's bus listens: the variable is set once, before any
 * thread might read the environment (setenv is not thread-safe). */
static const char *
bus_socket_path (void)
{
  static char *path;

  if (g_once_init_enter (&path))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("nexus-fake-avahi-XXXXXX", &error);
      char *socket_path;
      g_autofree char *address = NULL;

      g_assert_no_error (error);
      socket_path = g_build_filename (dir, "system_bus_socket", NULL);
      address = g_strconcat ("unix:path=", socket_path, NULL);
      g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
      g_once_init_leave (&path, socket_path);
    }
  return path;
}

void
nexus_fake_avahi_point_system_bus (void)
{
  bus_socket_path ();
}

static void
start_bus (NexusFakeAvahi *fake)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config_arg = NULL;
  g_autofree char *config = NULL;
  const char *socket_path = bus_socket_path ();
  int fd;

  config = g_markup_printf_escaped ("<busconfig>\n"
                                    "  <type>system</type>\n"
                                    "  <listen>unix:path=%s</listen>\n"
                                    "  <policy context=\"default\">\n"
                                    "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                                    "    <allow eavesdrop=\"true\"/>\n"
                                    "    <allow own=\"*\"/>\n"
                                    "  </policy>\n"
                                    "</busconfig>\n", socket_path);
  fd = g_file_open_tmp ("nexus-fake-bus-XXXXXX.conf", &fake->config_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (fake->config_path, config, -1, &error);
  g_assert_no_error (error);

  /* Left by a bus that did not end well. */
  g_unlink (socket_path);
  config_arg = g_strconcat ("--config-file=", fake->config_path, NULL);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  fake->daemon = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", config_arg,
                                              "--print-address", "--nofork", "--nopidfile", NULL);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->daemon));
  fake->address = g_data_input_stream_read_line (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fake->address);
}

static NexusFakeAvahi *
fake_new (const char *address)
{
  NexusFakeAvahi *fake = g_new0 (NexusFakeAvahi, 1);
  g_autoptr(GError) error = NULL;

  fake->introspection = g_dbus_node_info_new_for_xml (_nexus_fake_avahi_introspection_xml, &error);
  g_assert_no_error (error);
  fake->loopback = (int) if_nametoindex ("lo");
  fake->objects = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) _nexus_fake_avahi_object_free);
  fake->remote = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&fake->lock);
  g_cond_init (&fake->cond);

  if (address != NULL)
    fake->address = g_strdup (address);
  else
    {
      start_bus (fake);
      fake->system_bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
      g_assert_no_error (error);
      if (g_dbus_connection_is_closed (fake->system_bus))
        g_error ("the system bus of an earlier fake Avahi is still held");
      g_dbus_connection_set_exit_on_close (fake->system_bus, FALSE);
    }

  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);
  fake->thread = g_thread_new ("fake-avahi", fake_thread, fake);
  return fake;
}

NexusFakeAvahi *
nexus_fake_avahi_new (gboolean running)
{
  NexusFakeAvahi *fake = fake_new (NULL);

  if (running)
    nexus_fake_avahi_start (fake);
  return fake;
}

NexusFakeAvahi *
nexus_fake_avahi_new_on_bus (const char *address,
                             gboolean    running)
{
  NexusFakeAvahi *fake;

  g_return_val_if_fail (address != NULL, NULL);

  fake = fake_new (address);
  if (running)
    nexus_fake_avahi_start (fake);
  return fake;
}

static void
on_bus_finalized (gpointer  data,
                  GObject  *where)
{
  *(gboolean *) data = TRUE;
}

void
nexus_fake_avahi_free (NexusFakeAvahi *fake)
{
  gboolean bus_gone = FALSE;
  gint64 deadline;

  if (fake->connection != NULL)
    nexus_fake_avahi_stop (fake);
  g_main_loop_quit (fake->loop);
  g_thread_join (fake->thread);

  if (fake->daemon != NULL)
    {
      g_subprocess_send_signal (fake->daemon, SIGTERM);
      g_subprocess_wait (fake->daemon, NULL, NULL);
      g_unlink (fake->config_path);
      g_unlink (bus_socket_path ());

      /* Calls still out (a last Free) end now that the bus has gone; their
       * callbacks hold the connection until they run. */
      g_object_weak_ref (G_OBJECT (fake->system_bus), on_bus_finalized, &bus_gone);
      g_clear_object (&fake->system_bus);
      deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
      while (!bus_gone && g_get_monotonic_time () < deadline)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
      if (!bus_gone)
        g_test_message ("the system bus connection is still held after the fake Avahi ended");
    }

  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_hash_table_unref (fake->objects);
  g_hash_table_unref (fake->remote);
  g_dbus_node_info_unref (fake->introspection);
  g_mutex_clear (&fake->lock);
  g_cond_clear (&fake->cond);
  g_clear_object (&fake->daemon);
  g_free (fake->config_path);
  g_free (fake->address);
  g_free (fake);
}

void
nexus_fake_avahi_start (NexusFakeAvahi *fake)
{
  g_assert_null (fake->connection);
  run_in_thread (fake, start_in_thread);
}

void
nexus_fake_avahi_stop (NexusFakeAvahi *fake)
{
  g_assert_nonnull (fake->connection);
  run_in_thread (fake, stop_in_thread);
}

const char *
nexus_fake_avahi_get_bus_address (NexusFakeAvahi *fake)
{
  return fake->address;
}

/* Looking */

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static FakeService *
find_published (NexusFakeAvahi *fake,
                const char     *name)
{
  FakeObject *group = NULL;
  FakeService *service = _nexus_fake_avahi_find_service (fake, name, SERVICE_TYPE, &group);

  return service != NULL && group->state == GROUP_ESTABLISHED ? service : NULL;
}

GStrv
nexus_fake_avahi_dup_service_names (NexusFakeAvahi *fake)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer value;
  GStrv names;

  g_mutex_lock (&fake->lock);
  g_hash_table_iter_init (&iter, fake->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      FakeObject *group = value;

      if (group->kind == FAKE_GROUP && group->state == GROUP_ESTABLISHED)
        for (guint i = 0; i < group->services->len; i++)
          g_strv_builder_add (builder, ((FakeService *) g_ptr_array_index (group->services, i))->name);
    }
  g_mutex_unlock (&fake->lock);
  names = g_strv_builder_end (builder);
  qsort (names, g_strv_length (names), sizeof (char *), compare_strings);
  return names;
}

GVariant *
nexus_fake_avahi_dup_txt (NexusFakeAvahi *fake,
                          const char     *name)
{
  FakeService *service;
  GVariant *txt = NULL;

  g_mutex_lock (&fake->lock);
  service = find_published (fake, name);
  if (service != NULL)
    txt = g_variant_ref (service->txt);
  g_mutex_unlock (&fake->lock);
  return txt;
}

guint
nexus_fake_avahi_get_port (NexusFakeAvahi *fake,
                           const char     *name)
{
  FakeService *service;
  guint port = 0;

  g_mutex_lock (&fake->lock);
  service = find_published (fake, name);
  if (service != NULL)
    port = service->port;
  g_mutex_unlock (&fake->lock);
  return port;
}

guint
nexus_fake_avahi_get_n_txt_updates (NexusFakeAvahi *fake)
{
  guint n;

  g_mutex_lock (&fake->lock);
  n = fake->n_txt_updates;
  g_mutex_unlock (&fake->lock);
  return n;
}

guint
nexus_fake_avahi_get_n_objects (NexusFakeAvahi *fake)
{
  guint n;

  g_mutex_lock (&fake->lock);
  n = g_hash_table_size (fake->objects);
  g_mutex_unlock (&fake->lock);
  return n;
}

GVariant *
nexus_fake_avahi_txt_new (const char *first,
                          ...)
{
  GVariantBuilder builder;
  va_list args;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  va_start (args, first);
  for (const char *string = first; string != NULL; string = va_arg (args, const char *))
    g_variant_builder_add_value (&builder,
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, string,
                                                            strlen (string), 1));
  va_end (args);
  return g_variant_builder_end (&builder);
}

/* Peers: other computers */

static GVariant *
peer_call (NexusFakeAvahiPeer *peer,
           const char         *path,
           const char         *interface,
           const char         *method,
           GVariant           *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (peer->connection, AVAHI_NAME, path, interface, method,
                                       parameters, NULL, G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS,
                                       NULL, &error);
  g_assert_no_error (error);
  return reply;
}

static char *
peer_new_group (NexusFakeAvahiPeer *peer)
{
  g_autoptr(GVariant) reply = peer_call (peer, "/", SERVER2_INTERFACE, "EntryGroupNew", NULL);
  char *path;

  g_variant_get (reply, "(o)", &path);
  return path;
}

static void
peer_call_done (NexusFakeAvahiPeer *peer,
                const char         *path,
                const char         *method,
                GVariant           *parameters)
{
  GVariant *reply = peer_call (peer, path, GROUP_INTERFACE, method, parameters);

  g_variant_unref (reply);
}

NexusFakeAvahiPeer *
nexus_fake_avahi_peer_new (NexusFakeAvahi *fake,
                           const char     *host_name,
                           const char     *address)
{
  NexusFakeAvahiPeer *peer = g_new0 (NexusFakeAvahiPeer, 1);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (fake->connection);
  peer->fake = fake;
  peer->host_name = g_strdup (host_name);
  peer->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  peer->connection =
    g_dbus_connection_new_for_address_sync (fake->address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (peer->connection, FALSE);

  g_mutex_lock (&fake->lock);
  g_hash_table_add (fake->remote, g_strdup (g_dbus_connection_get_unique_name (peer->connection)));
  g_mutex_unlock (&fake->lock);

  peer->host_group = peer_new_group (peer);
  peer_call_done (peer, peer->host_group, "AddAddress",
                  g_variant_new ("(iiuss)", -1, -1, 0u, host_name, address));
  peer_call_done (peer, peer->host_group, "Commit", NULL);
  return peer;
}

void
nexus_fake_avahi_peer_publish (NexusFakeAvahiPeer *peer,
                               const char         *name,
                               guint               port,
                               GVariant           *txt)
{
  char *path = peer_new_group (peer);

  g_variant_ref_sink (txt);
  peer_call_done (peer, path, "AddService",
                  g_variant_new ("(iiussssq@aay)", -1, -1, 0u, name, SERVICE_TYPE, "",
                                 peer->host_name, (guint16) port, txt));
  peer_call_done (peer, path, "Commit", NULL);
  g_hash_table_insert (peer->groups, g_strdup (name), path);
  g_variant_unref (txt);
}

void
nexus_fake_avahi_peer_update_txt (NexusFakeAvahiPeer *peer,
                                  const char         *name,
                                  GVariant           *txt)
{
  const char *path = g_hash_table_lookup (peer->groups, name);

  g_assert_nonnull (path);
  peer_call_done (peer, path, "UpdateServiceTxt",
                  g_variant_new ("(iiusss@aay)", -1, -1, 0u, name, SERVICE_TYPE, "", txt));
}

void
nexus_fake_avahi_peer_withdraw (NexusFakeAvahiPeer *peer,
                                const char         *name)
{
  const char *path = g_hash_table_lookup (peer->groups, name);

  g_assert_nonnull (path);
  peer_call_done (peer, path, "Free", NULL);
  g_hash_table_remove (peer->groups, name);
}

void
nexus_fake_avahi_peer_free (NexusFakeAvahiPeer *peer)
{
  g_autoptr(GError) error = NULL;

  if (peer == NULL)
    return;
  /* The fake's thread frees its objects when the connection is gone. */
  g_dbus_connection_close_sync (peer->connection, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (peer->connection);
  g_hash_table_unref (peer->groups);
  g_free (peer->host_group);
  g_free (peer->host_name);
  g_free (peer);
}

