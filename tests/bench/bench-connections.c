/* bench-connections.c: what an idle connection costs
 *
 * K members, 200 to a room, join the headless server and stay idle while
 * it pings them; memory per connection is the growth of the server's
 * resident memory divided by K.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench-common.h"
#include "bench-swarm.h"

#define MEMBERS_PER_ROOM 200

/* FALSE when the server would not start. */
static gboolean
connections_run (Bench *bench,
                 guint  k)
{
  guint rooms = (k + MEMBERS_PER_ROOM - 1) / MEMBERS_PER_ROOM;
  g_autofree char *max_conn = g_strdup_printf ("%u", k + 16);
  g_autofree char *max_rooms = g_strdup_printf ("%u", rooms + 1);
  g_autofree char *max_members = g_strdup_printf ("%u", MEMBERS_PER_ROOM);
  g_autoptr(ChildServer) server = nexus_server_start (bench, NULL, "--rate", "0",
                                                      "--max-connections", max_conn,
                                                      "--max-rooms", max_rooms,
                                                      "--max-members", max_members,
                                                      NULL);
  GMainContext *context = g_main_context_default ();
  g_autoptr(Swarm) swarm = NULL;
  long base_rss, rss;
  double idle_cpu, idle_cpu_percent, kib_per_connection;
  gint64 start;
  double connect_seconds;
  gboolean ok = TRUE;
  guint open = 0;

  if (server == NULL)
    return FALSE;
  bench_spin (context, 0.5);
  base_rss = bench_process_rss_kib (server->pid);
  swarm = swarm_new (context, server->port);
  start = g_get_monotonic_time ();
  for (guint r = 0; r < rooms && ok; r++)
    {
      guint first = r * MEMBERS_PER_ROOM, n = MIN (MEMBERS_PER_ROOM, k - first);

      ok = swarm_connect (swarm, n, 100) && swarm_fill_room (swarm, first, n);
    }
  connect_seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  if (!ok)
    g_printerr ("nexus-bench: only %u of %u connected and joined (%s)\n",
                swarm->n_welcomed, k, swarm->first_error);
  /* Idle: only the server's pings. */
  idle_cpu = bench_process_cpu_seconds (server->pid);
  bench_spin (context, bench->idle_seconds);
  idle_cpu = bench_process_cpu_seconds (server->pid) - idle_cpu;
  idle_cpu_percent = 100 * idle_cpu / bench->idle_seconds;
  rss = bench_process_rss_kib (server->pid);
  kib_per_connection = (double) (rss - base_rss) / k;
  for (guint i = 0; i < swarm->clients->len; i++)
    {
      Client *client = swarm_client (swarm, i);

      if (client->ws != NULL && !client->closed && client->welcomed)
        open++;
    }

  g_print ("%7u %6u %10.1f %10ld %12ld %10.2f %9u %12s %10.1f\n", k, rooms, connect_seconds,
           base_rss, rss, kib_per_connection, open, open == k ? "yes" : "NO", idle_cpu_percent);

  bench_result_begin (bench, "connections");
  bench_result_int (bench, "connections", k);
  bench_result_int (bench, "rooms", rooms);
  bench_result_double (bench, "connect_seconds", connect_seconds);
  bench_result_int (bench, "idle_seconds", bench->idle_seconds);
  bench_result_int (bench, "server_rss_base_kib", base_rss);
  bench_result_int (bench, "server_rss_kib", rss);
  bench_result_double (bench, "kib_per_connection", kib_per_connection);
  bench_result_double (bench, "server_idle_cpu_percent", idle_cpu_percent);
  bench_result_int (bench, "still_open", open);
  bench_result_boolean (bench, "all_stayed_connected", open == k);
  bench_result_end (bench);
  return TRUE;
}

void
bench_connections (Bench *bench)
{
  guint limit = bench_fd_limit ();
  g_autoptr(GArray) ks = g_array_new (FALSE, FALSE, sizeof (guint));
  guint k_max = (guint) bench->connections_max;

  /* Our clients and the server each need K descriptors and a few more. */
  if (k_max + 64 > limit)
    {
      g_printerr ("nexus-bench: the open file limit (%u) allows %u connections, not %u\n",
                  limit, limit - 64, k_max);
      k_max = limit - 64;
    }
  for (guint k = 1000; k < k_max; k *= 10)
    g_array_append_val (ks, k);
  g_array_append_val (ks, k_max);

  g_print ("\n== connections: K idle members, %u to a room, for %d s ==\n",
           MEMBERS_PER_ROOM, bench->idle_seconds);
  g_print ("%7s %6s %10s %10s %12s %10s %9s %12s %10s\n", "K", "rooms", "connect s",
           "base KiB", "RSS KiB", "KiB/conn", "open", "all stayed", "idle cpu%");
  for (guint j = 0; j < ks->len; j++)
    if (!connections_run (bench, g_array_index (ks, guint, j)))
      return;
}
