/* nexus-headless.c: serve rooms with no display
 *
 * The same server the window hosts, run from a terminal or a service:
 * no GTK is initialised, so it works where there is no display at all.
 * It keeps its rooms in a database under --state-dir and, when it starts
 * after a crash, reopens the rooms it finds there by itself, on the port
 * they had when it is free.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "nexus-address.h"
#include "nexus-announcer.h"
#include "nexus-code.h"
#include "nexus-headless.h"
#include "nexus-network-doctor.h"
#include "nexus-server.h"
#include "nexus-state-store.h"

typedef struct {
  GMainLoop   *loop;
  NexusServer *server;
  gboolean     stopping;
  gboolean     said_unavailable;
  gboolean     said_problem;
  GCancellable *checking;    /* the network doctor, at start */
} Headless;

static void
on_shutdown_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Headless *headless = user_data;

  nexus_server_shutdown_finish (NEXUS_SERVER (source), result, NULL);
  g_main_loop_quit (headless->loop);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  Headless *headless = user_data;

  if (!headless->stopping)
    {
      headless->stopping = TRUE;
      nexus_server_shutdown_async (headless->server, NULL, on_shutdown_done, headless);
    }
  return G_SOURCE_CONTINUE;
}

/* SIGUSR1 cuts every connection as a network failure would: a way to
 * try reconnection by hand, and what the browser tests use. */
static gboolean
on_drop_signal (gpointer user_data)
{
  Headless *headless = user_data;

  g_printerr ("dropping every connection\n");
  nexus_server_drop_connections (headless->server);
  return G_SOURCE_CONTINUE;
}

/* Once, and only then: Avahi coming and going later is not news. */
static void
on_discovery_status (NexusAnnouncer *announcer,
                     GParamSpec     *pspec,
                     Headless       *headless)
{
  NexusDiscoveryStatus status = nexus_announcer_get_status (announcer);

  if (headless->said_unavailable ||
      (status != NEXUS_DISCOVERY_UNAVAILABLE && status != NEXUS_DISCOVERY_FAILED))
    return;
  headless->said_unavailable = TRUE;
  g_printerr ("nexus-chat: rooms cannot be found by their code alone, because Avahi is not "
              "available here (%s); invite links work as always.\n",
              nexus_announcer_get_reason (announcer));
}

/* What keeps guests out (bound to loopback, a firewall …), one sentence a
 * finding on standard error. Avahi is the announcer's to report. */
static void
on_doctor_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GPtrArray) findings = nexus_network_doctor_check_finish (result, NULL);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      NexusFinding *finding = g_ptr_array_index (findings, i);

      if (finding->kind != NEXUS_FINDING_AVAHI_MISSING)
        g_printerr ("nexus-chat: %s\n", finding->sentence);
    }
}

/* The rooms cannot be saved (a full disk), or can again: one line each
 * time that changes, never one per failed write. */
static void
on_persistence_problem (NexusServer *server,
                        GParamSpec  *pspec,
                        Headless    *headless)
{
  const char *problem = nexus_server_get_persistence_problem (server);

  if (problem != NULL && !headless->said_problem)
    g_printerr ("nexus-chat: %s\n", problem);
  else if (problem == NULL && headless->said_problem)
    g_printerr ("nexus-chat: Conversations are saved again.\n");
  headless->said_problem = problem != NULL;
}

/* The database of saved rooms, or NULL to run without: what went wrong
 * is one sentence on standard error, and the rooms simply are not kept. */
static NexusStateStore *
open_state_store (const char *state_dir)
{
  g_autofree char *directory = state_dir != NULL ? g_strdup (state_dir)
                                                 : nexus_state_store_default_dir ();
  g_autoptr(GError) error = NULL;
  NexusStateStore *store = nexus_state_store_open (directory, &error);

  if (store == NULL)
    {
      g_printerr ("nexus-chat: Rooms will not survive a crash this time. %s\n", error->message);
      return NULL;
    }
  if (nexus_state_store_get_set_aside (store) != NULL)
    g_printerr ("nexus-chat: %s\n", nexus_state_store_get_set_aside (store));
  return store;
}

/* Where the saved rooms were, when no port was asked for and it is free;
 * else as always. */
static gboolean
listen_for_saved_rooms (NexusServer      *server,
                        NexusStateStore  *store,
                        const char       *bind_address,
                        int               port,
                        GError          **error)
{
  guint saved_port = store != NULL ? nexus_state_store_get_port (store) : 0;
  g_autoptr(GError) saved_error = NULL;

  if (port == NEXUS_SERVER_PORT_DEFAULT && saved_port > 0)
    {
      if (nexus_server_listen (server, bind_address, (int) saved_port, &saved_error))
        return TRUE;
      g_printerr ("nexus-chat: the saved rooms were on port %u, which cannot be had now (%s); "
                  "they reopen on another.\n", saved_port, saved_error->message);
    }
  return nexus_server_listen (server, bind_address, port, error);
}

static void
reopen_saved_rooms (NexusServer *server)
{
  NexusStateStore *store = nexus_server_get_state_store (server);
  g_auto(GStrv) reopened = nexus_server_reopen_rooms (server, NULL);
  g_autoptr(GPtrArray) left = nexus_state_store_list_rooms (store);

  for (guint i = 0; reopened[i] != NULL; i++)
    {
      g_autofree char *shown = nexus_code_format (reopened[i]);
      g_autoptr(GPtrArray) summaries = nexus_server_list_rooms (server);
      guint n_members = 0;

      for (guint j = 0; j < summaries->len; j++)
        if (g_str_equal (((NexusRoomSummary *) summaries->pdata[j])->code, reopened[i]))
          n_members = ((NexusRoomSummary *) summaries->pdata[j])->n_members;
      g_print ("reopened room %s (%u %s)\n", shown, n_members, n_members == 1 ? "member" : "members");
    }
  /* Beyond --max-rooms: they wait for a start with more room. */
  for (guint i = 0; i < left->len; i++)
    {
      g_autofree char *shown = nexus_code_format (((NexusStoredRoomInfo *) left->pdata[i])->code);

      g_printerr ("nexus-chat: room %s was not reopened: this server holds at most as many rooms "
                  "as it already has (--max-rooms).\n", shown);
    }
}

static void
print_addresses (NexusServer *server)
{
  g_auto(GStrv) addresses =
    nexus_address_list_reachable (nexus_server_get_bind_address (server));
  guint port = nexus_server_get_port (server);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree char *host = nexus_address_url_host (addresses[i]);

      g_print ("http://%s:%u/\n", host, port);
    }
  g_print ("listening on port %u\n", port);
}

int
nexus_headless_run (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(NexusServer) server = NULL;
  g_autoptr(NexusAnnouncer) announcer = NULL;
  g_autoptr(NexusStateStore) store = NULL;
  g_autofree char *bind_address = NULL;
  g_autofree char *state_dir = NULL;
  g_auto(GStrv) args = NULL;
  NexusServerLimits limits;
  gboolean headless = FALSE;
  gboolean version = FALSE;
  gboolean no_discovery = FALSE;
  gboolean no_persistence = FALSE;
  int port = NEXUS_SERVER_PORT_DEFAULT;
  Headless state = { 0, };
  GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &headless,
      "Serve rooms to browsers without a window", NULL },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "Listen on this port; 0 picks any free port (default: 47474, or the next free one up to 47483)",
      "PORT" },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind_address,
      "Listen on this address only (default: every interface)", "ADDRESS" },
    { "no-discovery", 0, 0, G_OPTION_ARG_NONE, &no_discovery,
      "Do not announce the server on the local network (DNS-SD)", NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
      "Keep the rooms in this directory, so that they survive a crash "
      "(default: $XDG_STATE_HOME/nexus-chat)", "DIR" },
    { "no-persistence", 0, 0, G_OPTION_ARG_NONE, &no_persistence,
      "Keep the rooms in memory only: a crash ends them", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      "Show the version and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* Scripts read our lines as they come. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  nexus_server_limits_init_default (&limits);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "Nexus Chat — chat rooms for everyone on your network.\n\n"
                                "With --headless, serve rooms to web browsers with no window; "
                                "without it, open the window.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, nexus_server_limits_option_group (&limits));

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("nexus-chat: %s (see --help)\n", error->message);
      return 1;
    }
  if (version)
    {
      g_print ("nexus-chat %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_strv_length (args) > 1)
    {
      g_printerr ("nexus-chat: unexpected argument “%s” (see --help)\n", args[1]);
      return 1;
    }
  if (port < NEXUS_SERVER_PORT_DEFAULT || port > 65535)
    {
      g_printerr ("nexus-chat: --port must be between 0 and 65535\n");
      return 1;
    }
  if (!nexus_server_limits_validate (&limits, &error))
    {
      g_printerr ("nexus-chat: %s\n", error->message);
      nexus_server_limits_clear (&limits);
      return 1;
    }

  server = nexus_server_new (&limits);
  nexus_server_limits_clear (&limits);
  if (!no_persistence && (store = open_state_store (state_dir)) != NULL)
    nexus_server_set_state_store (server, store);
  if (!listen_for_saved_rooms (server, store, bind_address, port, &error))
    {
      g_printerr ("nexus-chat: cannot listen%s%s: %s\n",
                  bind_address ? " on " : "", bind_address ? bind_address : "", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  state.server = server;
  g_unix_signal_add (SIGINT, on_stop_signal, &state);
  g_unix_signal_add (SIGTERM, on_stop_signal, &state);
  g_unix_signal_add (SIGUSR1, on_drop_signal, &state);
  /* A reader that went away must not kill us with SIGPIPE. */
  signal (SIGPIPE, SIG_IGN);

  print_addresses (server);
  if (store != NULL)
    {
      reopen_saved_rooms (server);
      g_signal_connect (server, "notify::persistence-problem",
                        G_CALLBACK (on_persistence_problem), &state);
    }
  state.checking = g_cancellable_new ();
  nexus_network_doctor_check_async (nexus_server_get_bind_address (server),
                                    nexus_server_get_port (server), TRUE, state.checking,
                                    on_doctor_done, NULL);
  if (!no_discovery)
    {
      announcer = nexus_announcer_new (server);
      g_signal_connect (announcer, "notify::status", G_CALLBACK (on_discovery_status), &state);
    }
  g_main_loop_run (loop);
  if (announcer != NULL)
    g_signal_handlers_disconnect_by_data (announcer, &state);
  g_cancellable_cancel (state.checking);
  g_clear_object (&state.checking);
  /* What the last turn recorded (the rooms' end, after SIGTERM) is
   * written before the process goes. */
  if (store != NULL)
    {
      g_signal_handlers_disconnect_by_data (server, &state);
      nexus_state_store_close (store);
    }

  return 0;
}
