/* bench-mainloop.c: the host's case, a server and a window in one loop
 *
 * A NexusServer in this process with the default limits and a 60 Hz frame
 * clock at GTK's redraw priority share the default main context; the
 * members run in another thread with their own context, at a lower
 * priority. How late each tick runs is what a person would see as a
 * stutter. With --persistence the server keeps its rooms in a
 * NexusStateStore in a directory of the run's own, as the window will.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE   /* RUSAGE_THREAD */

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench-common.h"
#include "bench-swarm.h"
#include "nexus-server.h"

/* Members in a room of their own, on this thread's context, each
 * sending at lc->rate for lc->seconds once lc->go is set. */
gpointer
bench_loop_clients_thread (gpointer data)
{
  LoopClients *lc = data;
  GMainContext *context = g_main_context_new ();
  Swarm *swarm;
  Pacer pacer;
  guint m = (guint) (lc->rate * lc->seconds);

  g_main_context_push_thread_default (context);
  /* On a LAN the members' devices do this work, not the host. Here they
   * share two cores with it, so they yield to the host's loop: without
   * this, a late tick may only say the scheduler ran the clients first
   * (Linux takes a thread's nice value per thread). */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10) != 0)
    g_printerr ("nexus-bench: could not lower the clients' priority: %s\n", g_strerror (errno));
  swarm = swarm_new (context, lc->port);
  /* Joins count against the rate limit too: a few at a time, at a pace
   * the default limits allow. */
  if (swarm_connect (swarm, lc->n, 50))
    swarm_fill_room (swarm, 0, lc->n);
  swarm_wait_joined (swarm, lc->n, 30);
  lc->welcomed = swarm->n_welcomed;
  g_atomic_int_set (&lc->ready, 1);
  SPIN_UNTIL (context, g_atomic_int_get (&lc->go), 60);

  swarm_expect_messages (swarm, lc->n, m);
  swarm->record_latency = lc->latencies != NULL;
  pacer_start (&pacer, swarm, lc->rate);
  SPIN_UNTIL (context, swarm->unique == (guint64) lc->n * lc->n * m, lc->seconds + 30);
  pacer_stop (&pacer);

  lc->delivered = swarm->delivered;
  lc->errors = swarm->n_errors;
  if (lc->latencies != NULL)
    g_array_append_vals (lc->latencies, swarm->latencies->data, swarm->latencies->len);
  g_strlcpy (lc->first_error, swarm->first_error, sizeof lc->first_error);
  swarm_free (swarm);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  g_atomic_int_set (&lc->finished, 1);
  return NULL;
}

/* CPU time of the calling thread, in µs: with 2 cores shared with the
 * clients and other work, a late tick may be the scheduler's doing; the
 * loop's own work between two ticks says whether it was ours. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
frame_clock_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     data)
{
  FrameClock *clock = (FrameClock *) source;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (clock->measuring)
    {
      guint32 delay = (guint32) MAX (0, now - clock->due);
      guint32 work = (guint32) MAX (0, cpu - clock->last_cpu);

      g_array_append_val (clock->delays, delay);
      g_array_append_val (clock->work, work);
    }
  clock->last_cpu = cpu;
  /* A late tick does not make the next ones late: they stay on the grid. */
  do
    clock->due += clock->period;
  while (clock->due <= now);
  g_source_set_ready_time (source, clock->due);
  return G_SOURCE_CONTINUE;
}

static void
frame_clock_finalize (GSource *source)
{
  FrameClock *clock = (FrameClock *) source;

  g_array_unref (clock->delays);
  g_array_unref (clock->work);
}

static GSourceFuncs frame_clock_funcs = {
  NULL, NULL, frame_clock_dispatch, frame_clock_finalize, NULL, NULL
};

/* A 60 Hz frame clock on @context, at GTK's redraw priority. */
FrameClock *
bench_frame_clock_new (GMainContext *context)
{
  FrameClock *clock = (FrameClock *) g_source_new (&frame_clock_funcs, sizeof (FrameClock));

  clock->period = G_USEC_PER_SEC / 60;
  clock->due = g_get_monotonic_time () + clock->period;
  clock->delays = g_array_new (FALSE, FALSE, sizeof (guint32));
  clock->work = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_source_set_ready_time ((GSource *) clock, clock->due);
  /* GTK paints at GDK_PRIORITY_REDRAW, below the server's sockets: a
   * frame runs only once nothing of the server's is ready. */
  g_source_set_priority ((GSource *) clock, G_PRIORITY_HIGH_IDLE + 20);
  g_source_attach ((GSource *) clock, context);
  return clock;
}

static double
rusage_cpu_seconds (const struct rusage *usage)
{
  return usage->ru_utime.tv_sec + usage->ru_stime.tv_sec
         + (usage->ru_utime.tv_usec + usage->ru_stime.tv_usec) / 1e6;
}

static void
mainloop_report (Bench             *bench,
                 const LoopClients *lc,
                 FrameClock        *clock,
                 double             cpu,
                 gint64             wall,
                 gboolean           persistence)
{
  double max_ms, work_max_ms;

  bench_samples_sort (clock->delays);
  bench_samples_sort (clock->work);
  bench_samples_sort (lc->latencies);
  max_ms = bench_max_ms (clock->delays);
  work_max_ms = bench_max_ms (clock->work);

  g_print ("%7u %3s %10" G_GUINT64_FORMAT " %8u %10.2f %10.2f %10.2f %8s %12.2f %9.0f %8.2f "
           "%8.2f %8u\n",
           lc->welcomed, persistence ? "on" : "off", lc->delivered, clock->delays->len,
           bench_percentile_ms (clock->delays, 50), bench_percentile_ms (clock->delays, 99),
           max_ms, max_ms < 16 ? "yes" : "NO",
           work_max_ms, 100 * cpu * G_USEC_PER_SEC / wall,
           bench_percentile_ms (lc->latencies, 50), bench_percentile_ms (lc->latencies, 99),
           lc->errors);

  bench_result_begin (bench, "mainloop");
  bench_result_boolean (bench, "persistence", persistence);
  bench_result_int (bench, "members", lc->welcomed);
  bench_result_double (bench, "rate_each", lc->rate);
  bench_result_int (bench, "seconds", lc->seconds);
  bench_result_int (bench, "delivered", (gint64) lc->delivered);
  bench_result_int (bench, "ticks", clock->delays->len);
  bench_result_double (bench, "tick_delay_p50_ms", bench_percentile_ms (clock->delays, 50));
  bench_result_double (bench, "tick_delay_p99_ms", bench_percentile_ms (clock->delays, 99));
  bench_result_double (bench, "tick_delay_max_ms", max_ms);
  bench_result_double (bench, "loop_work_between_ticks_p99_ms",
                       bench_percentile_ms (clock->work, 99));
  bench_result_double (bench, "loop_work_between_ticks_max_ms", work_max_ms);
  bench_result_boolean (bench, "under_16_ms", max_ms < 16);
  bench_result_double (bench, "loop_thread_cpu_seconds", cpu);
  bench_result_double (bench, "wall_seconds", (double) wall / G_USEC_PER_SEC);
  bench_result_double (bench, "latency_p50_ms", bench_percentile_ms (lc->latencies, 50));
  bench_result_double (bench, "latency_p99_ms", bench_percentile_ms (lc->latencies, 99));
  bench_result_int (bench, "error_frames", lc->errors);
  bench_result_end (bench);
}

static int
mainloop_seconds (Bench *bench)
{
  return bench->quick ? 4 : bench->mainloop_seconds;
}

static void
mainloop_run (Bench    *bench,
              guint     members,
              gboolean  persistence)
{
  NexusServerLimits limits;
  g_autoptr(NexusServer) server = NULL;
  g_autoptr(NexusStateStore) store = NULL;
  g_autofree char *state_dir = NULL;
  g_autoptr(GError) error = NULL;
  LoopClients lc = { 0, };
  GThread *thread;
  FrameClock *clock;
  GMainContext *context = g_main_context_default ();
  struct rusage before, after;
  gint64 wall;

  nexus_server_limits_init_default (&limits);   /* the default rate limit: 5/s, burst 20 */
  server = nexus_server_new (&limits);
  if (persistence)
    {
      state_dir = bench_state_dir_new ();
      if ((store = nexus_state_store_open (state_dir, &error)) == NULL)
        {
          g_printerr ("nexus-bench: %s\n", error->message);
          bench_state_dir_remove (state_dir);
          return;
        }
      nexus_server_set_state_store (server, store);
    }
  if (!nexus_server_listen (server, "127.0.0.1", 0, &error))
    {
      g_printerr ("nexus-bench: %s\n", error->message);
      return;
    }
  clock = bench_frame_clock_new (context);

  lc.port = nexus_server_get_port (server);
  lc.n = members;
  lc.rate = limits.rate;
  lc.seconds = mainloop_seconds (bench);
  lc.latencies = g_array_new (FALSE, FALSE, sizeof (guint32));
  thread = g_thread_new ("clients", bench_loop_clients_thread, &lc);
  SPIN_UNTIL (context, g_atomic_int_get (&lc.ready), 120);

  clock->measuring = TRUE;
  wall = g_get_monotonic_time ();
  getrusage (RUSAGE_THREAD, &before);
  g_atomic_int_set (&lc.go, 1);
  SPIN_UNTIL (context, g_atomic_int_get (&lc.finished), lc.seconds + 60);
  getrusage (RUSAGE_THREAD, &after);
  wall = g_get_monotonic_time () - wall;
  clock->measuring = FALSE;
  g_thread_join (thread);

  mainloop_report (bench, &lc, clock,
                   rusage_cpu_seconds (&after) - rusage_cpu_seconds (&before), wall, persistence);
  g_source_destroy ((GSource *) clock);
  g_source_unref ((GSource *) clock);
  g_array_unref (lc.latencies);
  g_clear_object (&server);
  if (store != NULL)
    {
      nexus_state_store_close (store);
      bench_state_dir_remove (state_dir);
    }
}

/* The host's case at growing sizes: 200 members at 5/s is 200 000
 * deliveries a second, more than one core of this machine can send. */
void
bench_mainloop (Bench *bench)
{
  static const guint full[] = { 50, 100, 200 };
  static const guint quick[] = { 50, 100 };
  const guint *sizes = bench->quick ? quick : full;
  guint n = bench->quick ? G_N_ELEMENTS (quick) : G_N_ELEMENTS (full);
  guint custom = (guint) bench->mainloop_members;

  if (bench->mainloop_members > 0)
    {
      sizes = &custom;
      n = 1;
    }

  g_print ("\n== main loop: server + 60 Hz tick in one loop, members sending at 5/s each "
           "(the default limit), %d s; db: rooms kept in a database ==\n",
           mainloop_seconds (bench));
  g_print ("%7s %3s %10s %8s %10s %10s %10s %8s %12s %9s %8s %8s %8s\n", "members", "db",
           "delivered", "ticks", "p50 ms", "p99 ms", "max ms", "< 16 ms", "max work ms",
           "loop cpu%", "lat p50", "lat p99", "refused");
  for (guint i = 0; i < n; i++)
    {
      if (bench->persistence_off)
        mainloop_run (bench, sizes[i], FALSE);
      if (bench->persistence_on)
        mainloop_run (bench, sizes[i], TRUE);
    }
}
