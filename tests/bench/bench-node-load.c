/* bench-node-load.c: Node.js clients against Nexus, ws and Socket.IO
 *
 * The only way to load Socket.IO is its own client, so all three servers
 * get the same Node.js load generator (node/load.js), which prints its
 * figures as JSON; they make the same rows as the fan-out's.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench-common.h"
#include "bench-fanout.h"

/* Runs load.js for @server with @load; its figures, or NULL. */
static JsonObject *
node_load_run (Bench            *bench,
               const char       *server,
               const FanoutLoad *load)
{
  g_autofree char *script = g_build_filename (bench_node_dir (bench), "load.js", NULL);
  g_autofree char *c = g_strdup_printf ("%u", load->c);
  g_autofree char *m = g_strdup_printf ("%u", load->m);
  g_autofree char *rate = g_strdup_printf ("%g", load->rate);
  const char *argv[] = { bench_node_bin (bench), script, "--server", server,
                         "--nexus-bin", bench_server_bin (bench), "--clients", c,
                         "--messages", m, "--rate", rate, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error)
      || !json_parser_load_from_data (parser, out, -1, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_printerr ("nexus-bench: node load.js --server %s failed: %s\n", server,
                  error ? error->message : "no JSON");
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

void
bench_node_load (Bench *bench)
{
  const char *servers[] = { "nexus", "ws", "socketio" };
  const FanoutLoad *loads;
  guint n;

  fanout_loads_get (bench, &loads, &n);
  fanout_print_header ("fan-out with Node.js clients (ws / socket.io-client)");
  for (guint i = 0; i < n; i++)
    for (guint s = 0; s < G_N_ELEMENTS (servers); s++)
      {
        g_autoptr(JsonObject) o = node_load_run (bench, servers[s], &loads[i]);
        FanoutResult r = { 0, };

        if (o == NULL)
          continue;
        r.server = servers[s];
        r.clients = json_object_get_string_member (o, "clients_program");
        r.c = loads[i].c;
        r.m = loads[i].m;
        r.rate = loads[i].rate;
        r.ok = json_object_get_boolean_member (o, "complete");
        r.seconds = json_object_get_double_member (o, "seconds");
        r.expected = (guint64) json_object_get_int_member (o, "expected");
        r.delivered = (guint64) json_object_get_int_member (o, "delivered");
        r.lost = (guint64) json_object_get_int_member (o, "lost");
        r.duplicated = (guint64) json_object_get_int_member (o, "duplicated");
        r.deliveries_per_second = json_object_get_double_member (o, "deliveries_per_second");
        r.p50_ms = json_object_get_double_member (o, "latency_p50_ms");
        r.p99_ms = json_object_get_double_member (o, "latency_p99_ms");
        r.max_ms = json_object_get_double_member (o, "latency_max_ms");
        r.server_cpu_seconds = json_object_get_double_member (o, "server_cpu_seconds");
        r.cpu_us_per_delivery = json_object_get_double_member (o, "server_cpu_us_per_delivery");
        fanout_report (bench, &r);
      }
}
