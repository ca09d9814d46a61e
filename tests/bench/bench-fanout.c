/* bench-fanout.c: C clients in one room, each sending M messages at R/s
 *
 * Against the headless server (--fanout) or the Node.js ws server
 * (--node-ws), both in a child process; every client receives every
 * message, its own included, so a run is C×C×M deliveries.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bench-common.h"
#include "bench-fanout.h"
#include "bench-swarm.h"

/* Each row runs about 5 s: the rates make 1000 messages a second in the
 * room (400 for C = 200, which is 80 000 deliveries a second). */
static const FanoutLoad fanout_loads[] = {
  { 2, 2500, 500 },
  { 50, 100, 20 },
  { 200, 10, 2 },
};

static const FanoutLoad fanout_loads_quick[] = {
  { 2, 500, 500 },
  { 50, 20, 20 },
  { 200, 4, 2 },
};

void
fanout_loads_get (Bench             *bench,
                  const FanoutLoad **loads,
                  guint             *n)
{
  static FanoutLoad custom;

  if (bench->clients > 0)
    {
      custom.c = (guint) bench->clients;
      custom.m = bench->messages > 0 ? (guint) bench->messages : 20;
      custom.rate = bench->rate >= 0 ? bench->rate : 20;
      *loads = &custom;
      *n = 1;
    }
  else if (bench->quick)
    {
      *loads = fanout_loads_quick;
      *n = G_N_ELEMENTS (fanout_loads_quick);
    }
  else
    {
      *loads = fanout_loads;
      *n = G_N_ELEMENTS (fanout_loads);
    }
}

void
fanout_print_header (const char *title)
{
  g_print ("\n== %s ==\n", title);
  g_print ("%-9s %4s %5s %6s %10s %11s %8s %8s %8s %6s %5s %9s\n",
           "server", "C", "M", "R/s", "delivered", "deliv/s", "p50 ms", "p99 ms",
           "max ms", "lost", "dup", "cpu µs/d");
}

void
fanout_report (Bench              *bench,
               const FanoutResult *r)
{
  g_print ("%-9s %4u %5u %6g %10" G_GUINT64_FORMAT " %11.0f %8.2f %8.2f %8.2f %6" G_GUINT64_FORMAT
           " %5" G_GUINT64_FORMAT " %9.3f%s\n",
           r->server, r->c, r->m, r->rate, r->delivered, r->deliveries_per_second,
           r->p50_ms, r->p99_ms, r->max_ms, r->lost, r->duplicated, r->cpu_us_per_delivery,
           r->ok ? "" : "  (INCOMPLETE)");
  if (r->errors > 0)
    g_print ("          %u error frames\n", r->errors);

  bench_result_begin (bench, "fanout");
  bench_result_string (bench, "server", r->server);
  bench_result_string (bench, "clients_program", r->clients);
  bench_result_int (bench, "clients", r->c);
  bench_result_int (bench, "messages_each", r->m);
  bench_result_double (bench, "rate_each", r->rate);
  bench_result_boolean (bench, "complete", r->ok);
  bench_result_double (bench, "seconds", r->seconds);
  bench_result_int (bench, "expected", (gint64) r->expected);
  bench_result_int (bench, "delivered", (gint64) r->delivered);
  bench_result_double (bench, "deliveries_per_second", r->deliveries_per_second);
  bench_result_double (bench, "latency_p50_ms", r->p50_ms);
  bench_result_double (bench, "latency_p99_ms", r->p99_ms);
  bench_result_double (bench, "latency_max_ms", r->max_ms);
  bench_result_int (bench, "lost", (gint64) r->lost);
  bench_result_int (bench, "duplicated", (gint64) r->duplicated);
  bench_result_double (bench, "server_cpu_seconds", r->server_cpu_seconds);
  bench_result_double (bench, "server_cpu_us_per_delivery", r->cpu_us_per_delivery);
  bench_result_int (bench, "error_frames", r->errors);
  bench_result_boolean (bench, "persistence", r->persistence);
  bench_result_end (bench);
}

/* C clients join one room of @server, then each sends M messages at R/s;
 * every client receives every message, its own included. */
static gboolean
fanout_run (ChildServer      *server,
            const FanoutLoad *load,
            FanoutResult     *r)
{
  GMainContext *context = g_main_context_default ();
  g_autoptr(Swarm) swarm = swarm_new (context, server->port);
  guint c = load->c, m = load->m;
  Pacer pacer;
  double cpu_before;

  *r = (FanoutResult) { .server = server->label, .clients = "nexus-bench (libsoup)",
                        .c = c, .m = m, .rate = load->rate };

  if (!swarm_connect (swarm, c, 100) || !swarm_fill_room (swarm, 0, c))
    {
      g_printerr ("nexus-bench: fan-out set-up failed (%u connected, %u welcomed, %s)\n",
                  swarm->n_connected, swarm->n_welcomed, swarm->first_error);
      return FALSE;
    }
  swarm_wait_joined (swarm, c, 30);
  bench_spin (context, 0.3);

  swarm_expect_messages (swarm, c, m);
  swarm->record_latency = TRUE;
  g_array_set_size (swarm->latencies, (guint) MIN ((guint64) c * c * m, G_MAXUINT / 2));
  g_array_set_size (swarm->latencies, 0);

  cpu_before = bench_process_cpu_seconds (server->pid);
  pacer_start (&pacer, swarm, load->rate);
  pacer_tick (&pacer);

  r->expected = (guint64) c * c * m;
  /* Done when all arrived, or when nothing has arrived for 5 s. */
  for (;;)
    {
      gint64 now;

      SPIN_UNTIL (context, swarm->unique == r->expected, 1);
      now = g_get_monotonic_time ();
      if (swarm->unique == r->expected)
        break;
      if (pacer.done_senders == c
          && now - MAX (swarm->last_delivery, pacer.last_send) > 5 * G_USEC_PER_SEC)
        break;
    }
  pacer_stop (&pacer);
  r->server_cpu_seconds = bench_process_cpu_seconds (server->pid) - cpu_before;

  bench_samples_sort (swarm->latencies);
  r->ok = swarm->unique == r->expected;
  r->seconds = (double) (swarm->last_delivery - pacer.first_send) / G_USEC_PER_SEC;
  r->delivered = swarm->delivered;
  r->lost = r->expected - swarm->unique;
  r->duplicated = swarm->duplicated;
  r->deliveries_per_second = r->seconds > 0 ? swarm->delivered / r->seconds : 0;
  r->p50_ms = bench_percentile_ms (swarm->latencies, 50);
  r->p99_ms = bench_percentile_ms (swarm->latencies, 99);
  r->max_ms = bench_max_ms (swarm->latencies);
  if (swarm->delivered > 0)
    r->cpu_us_per_delivery = r->server_cpu_seconds * 1e6 / swarm->delivered;
  r->errors = swarm->n_errors;
  return r->ok;
}

void
bench_fanout (Bench    *bench,
              gboolean  node_ws)
{
  const FanoutLoad *loads;
  guint n;

  fanout_loads_get (bench, &loads, &n);
  fanout_print_header (node_ws || !bench->persistence_on
                       ? "fan-out: C clients in one room, each sends M messages at R/s"
                       : "fan-out: C clients in one room, each sends M messages at R/s; "
                         "nexus+db keeps its rooms in a database");
  for (guint i = 0; i < n; i++)
    for (guint with_db = 0; with_db < 2; with_db++)
      {
        g_autoptr(ChildServer) server = NULL;
        FanoutResult r;

        if (node_ws ? with_db : with_db ? !bench->persistence_on : !bench->persistence_off)
          continue;
        if (with_db)
          bench->state_dir = bench_state_dir_new ();
        if (node_ws)
          server = node_ws_server_start (bench);
        else
          server = nexus_server_start (bench, NULL, "--rate", "0", NULL);
        if (server != NULL)
          {
            fanout_run (server, &loads[i], &r);
            r.persistence = with_db;
            fanout_report (bench, &r);
          }
        /* The server writes its last batch as it stops. */
        g_clear_pointer (&server, child_server_stop);
        if (bench->state_dir != NULL)
          bench_state_dir_remove (bench->state_dir);
        g_clear_pointer (&bench->state_dir, g_free);
      }
}
