/* nexus-bench.c: how fast the server fans out, how much a connection
 * costs, and whether the host's main loop stays smooth
 *
 * A program, not a test: it starts a server (the headless binary as a
 * child process, or a NexusServer in this process), drives it with
 * libsoup WebSocket clients and prints a table and, with --json, the same
 * figures as JSON. tests/bench/README.md records the figures.
 *
 * This file reads the command line and runs the chosen modes, each from
 * its own bench-MODE.c; bench-common.c and bench-swarm.c hold what they
 * share.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>

#include "bench-common.h"

static Bench bench = {
  .rate = -1,
  .connections_max = 10000,
  .idle_seconds = 25,
  .mainloop_seconds = 10,
};

static gboolean opt_all = FALSE;
static gboolean opt_fanout = FALSE;
static gboolean opt_node_ws = FALSE;
static gboolean opt_node_load = FALSE;
static gboolean opt_connections = FALSE;
static gboolean opt_join = FALSE;
static gboolean opt_mainloop = FALSE;
static gboolean opt_cost = FALSE;
static gboolean opt_files = FALSE;
static char    *opt_json = NULL;
static char    *opt_persistence = NULL;

static GOptionEntry entries[] = {
  { "all", 'a', 0, G_OPTION_ARG_NONE, &opt_all,
    "Run every benchmark (the default when none is chosen)", NULL },
  { "fanout", 0, 0, G_OPTION_ARG_NONE, &opt_fanout,
    "Fan-out: C clients in one room", NULL },
  { "node-ws", 0, 0, G_OPTION_ARG_NONE, &opt_node_ws,
    "The same fan-out against the Node.js ws server", NULL },
  { "node-load", 0, 0, G_OPTION_ARG_NONE, &opt_node_load,
    "Node.js clients against Nexus, ws and Socket.IO servers", NULL },
  { "connections", 0, 0, G_OPTION_ARG_NONE, &opt_connections,
    "Idle connections: memory each, all stay connected", NULL },
  { "join", 0, 0, G_OPTION_ARG_NONE, &opt_join,
    "Joining a room with 1000 events of history", NULL },
  { "mainloop", 0, 0, G_OPTION_ARG_NONE, &opt_mainloop,
    "Server and a 60 Hz tick in one main loop", NULL },
  { "cost", 0, 0, G_OPTION_ARG_NONE, &opt_cost,
    "Instructions per delivered message (callgrind)", NULL },
  { "files", 0, 0, G_OPTION_ARG_NONE, &opt_files,
    "A large file up and down through the host while a room chats", NULL },
  { "clients", 'c', 0, G_OPTION_ARG_INT, &bench.clients,
    "Fan-out: only this many clients", "C" },
  { "messages", 'm', 0, G_OPTION_ARG_INT, &bench.messages,
    "Fan-out: messages each client sends", "M" },
  { "rate", 'r', 0, G_OPTION_ARG_DOUBLE, &bench.rate,
    "Fan-out: messages a second each client sends (0 = at once)", "R" },
  { "max-connections", 'k', 0, G_OPTION_ARG_INT, &bench.connections_max,
    "Connections: the largest K (default 10000)", "K" },
  { "idle-seconds", 0, 0, G_OPTION_ARG_INT, &bench.idle_seconds,
    "Connections: how long they stay idle (default 25)", "S" },
  { "mainloop-seconds", 0, 0, G_OPTION_ARG_INT, &bench.mainloop_seconds,
    "Main loop: how long (default 10)", "S" },
  { "mainloop-members", 0, 0, G_OPTION_ARG_INT, &bench.mainloop_members,
    "Main loop: only this many members (default 50, 100 and 200)", "N" },
  { "files-mib", 0, 0, G_OPTION_ARG_INT, &bench.files_mib,
    "Files: the file's size in MiB (default 1024)", "N" },
  { "persistence", 0, 0, G_OPTION_ARG_STRING, &opt_persistence,
    "Fan-out and main loop: keep the rooms in a database (on), not (off, the default), "
    "or run each load both ways (both)", "off|on|both" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &bench.quick,
    "Smaller loads, for a quick look", NULL },
  { "server-bin", 0, 0, G_OPTION_ARG_FILENAME, &bench.server_bin,
    "The nexus-chat binary (default: this build's)", "PATH" },
  { "node", 0, 0, G_OPTION_ARG_FILENAME, &bench.node,
    "The node binary (default: node)", "PATH" },
  { "node-dir", 0, 0, G_OPTION_ARG_FILENAME, &bench.node_dir,
    "tests/bench/node with its node_modules", "DIR" },
  { "callgrind-out", 0, 0, G_OPTION_ARG_FILENAME, &bench.callgrind_out,
    "Cost: keep the callgrind profile here", "FILE" },
  { "json", 'j', 0, G_OPTION_ARG_FILENAME, &opt_json,
    "Write the figures as JSON to FILE", "FILE" },
  { NULL }
};

static void
describe_machine (void)
{
  g_autofree char *cpuinfo = NULL;
  g_autofree char *model = NULL;
  const char *p;

  if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL)
      && (p = strstr (cpuinfo, "model name")) != NULL && (p = strchr (p, ':')) != NULL)
    model = g_strndup (p + 2, strcspn (p + 2, "\n"));
  g_print ("machine: %s, %u CPUs; open file limit %u\n", model ? model : "unknown CPU",
           g_get_num_processors (), bench_fd_limit ());

  json_builder_set_member_name (bench.results, "machine");
  json_builder_begin_object (bench.results);
  bench_result_string (&bench, "cpu", model ? model : "unknown");
  bench_result_int (&bench, "cpus", g_get_num_processors ());
  json_builder_end_object (bench.results);
}

static void
run_chosen (void)
{
  if (opt_fanout)
    bench_fanout (&bench, FALSE);
  if (opt_node_ws && bench_node_available (&bench))
    bench_fanout (&bench, TRUE);
  if (opt_node_load && bench_node_available (&bench))
    bench_node_load (&bench);
  if (opt_join)
    bench_join (&bench);
  if (opt_mainloop)
    bench_mainloop (&bench);
  if (opt_cost)
    bench_cost (&bench);
  if (opt_connections)
    bench_connections (&bench);
  if (opt_files)
    bench_files (&bench);
}

static gboolean
write_json (const char  *path,
            GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (bench.results);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_file (generator, path, error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean any;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context,
                                "Measures the Nexus Chat server: fan-out, connections, join,\n"
                                "main-loop smoothness, cost per delivered message and files.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("nexus-bench: %s\n", error->message);
      return 2;
    }

  if (opt_persistence == NULL || g_str_equal (opt_persistence, "off"))
    bench.persistence_off = TRUE;
  else if (g_str_equal (opt_persistence, "on"))
    bench.persistence_on = TRUE;
  else if (g_str_equal (opt_persistence, "both"))
    bench.persistence_off = bench.persistence_on = TRUE;
  else
    {
      g_printerr ("nexus-bench: --persistence is off, on or both\n");
      return 2;
    }

  any = opt_fanout || opt_node_ws || opt_node_load || opt_connections || opt_join
        || opt_mainloop || opt_cost || opt_files;
  if (opt_all || !any)
    opt_fanout = opt_node_ws = opt_node_load = opt_connections = opt_join
      = opt_mainloop = opt_cost = opt_files = TRUE;

  signal (SIGPIPE, SIG_IGN);
  bench_raise_fd_limit ();
  /* Only loopback here: no proxy lookup. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  bench.results = json_builder_new ();
  json_builder_begin_object (bench.results);
  describe_machine ();
  json_builder_set_member_name (bench.results, "results");
  json_builder_begin_array (bench.results);
  run_chosen ();
  json_builder_end_array (bench.results);
  json_builder_end_object (bench.results);

  if (opt_json != NULL)
    {
      if (!write_json (opt_json, &error))
        {
          g_printerr ("nexus-bench: %s\n", error->message);
          return 1;
        }
      g_print ("\nfigures written to %s\n", opt_json);
    }
  g_object_unref (bench.results);
  return 0;
}
