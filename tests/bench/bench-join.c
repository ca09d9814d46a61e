/* bench-join.c: joining a room with a full history
 *
 * A room of the headless server is filled with 1000 messages (the
 * history limit), then new members join it one after another; each join
 * is timed from sending `join` to having received the whole `welcome`.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench-common.h"
#include "bench-swarm.h"

#define HISTORY 1000

static void
join_report (Bench  *bench,
             GArray *times,
             gsize   welcome_bytes)
{
  g_print ("\n== join: a member joins a room with %u events of history ==\n", HISTORY);
  g_print ("%6s %12s %10s %10s %10s\n", "joins", "welcome KiB", "p50 ms", "p99 ms", "max ms");
  g_print ("%6u %12.1f %10.2f %10.2f %10.2f\n", times->len, welcome_bytes / 1024.0,
           bench_percentile_ms (times, 50), bench_percentile_ms (times, 99),
           bench_max_ms (times));

  bench_result_begin (bench, "join");
  bench_result_int (bench, "history_events", HISTORY);
  bench_result_int (bench, "joins", times->len);
  bench_result_int (bench, "welcome_bytes", (gint64) welcome_bytes);
  bench_result_double (bench, "join_p50_ms", bench_percentile_ms (times, 50));
  bench_result_double (bench, "join_p99_ms", bench_percentile_ms (times, 99));
  bench_result_double (bench, "join_max_ms", bench_max_ms (times));
  bench_result_end (bench);
}

void
bench_join (Bench *bench)
{
  GMainContext *context = g_main_context_default ();
  g_autoptr(ChildServer) server = nexus_server_start (bench, NULL, "--rate", "0", NULL);
  g_autoptr(Swarm) swarm = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint joins = bench->quick ? 10 : 50;
  Client *creator;
  gsize welcome_bytes = 0;

  if (server == NULL)
    return;
  swarm = swarm_new (context, server->port);
  if (!swarm_connect (swarm, 1, 1) || !swarm_fill_room (swarm, 0, 1))
    return;
  creator = swarm_client (swarm, 0);
  swarm_expect_messages (swarm, 1, HISTORY);
  for (guint n = 0; n < HISTORY; n++)
    client_say (creator, n);
  if (!SPIN_UNTIL (context, swarm->unique == HISTORY, 30))
    {
      g_printerr ("nexus-bench: could not fill the history\n");
      return;
    }

  /* Each joiner leaves again, so the history stays at 1000 events and
   * every join sees the same room. */
  for (guint i = 0; i < joins; i++)
    {
      Client *joiner;
      guint32 us;

      swarm_connect (swarm, 1, 1);
      joiner = swarm_client (swarm, swarm->clients->len - 1);
      client_join (joiner, creator->room);
      if (!SPIN_UNTIL (context, joiner->welcomed || joiner->closed, 30) || !joiner->welcomed)
        break;
      us = (guint32) (joiner->welcome_at - joiner->join_sent_at);
      g_array_append_val (times, us);
      welcome_bytes = joiner->welcome_bytes;
      g_io_stream_close (soup_websocket_connection_get_io_stream (joiner->ws), NULL, NULL);
    }
  bench_samples_sort (times);
  join_report (bench, times, welcome_bytes);
}
