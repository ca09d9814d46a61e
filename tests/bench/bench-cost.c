/* bench-cost.c: instructions per delivered message
 *
 * The headless server runs under valgrind's callgrind; its counters are
 * zeroed once the room is full and dumped once every message has
 * arrived, so the profile holds the fan-out alone. Instruction counts do
 * not move when the machine is busy; CPU times do.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "bench-common.h"
#include "bench-fanout.h"
#include "bench-swarm.h"

/* The totals line of a callgrind profile: instructions executed. */
static guint64
callgrind_total (const char *path)
{
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  if ((p = strstr (text, "\nsummary: ")) != NULL)
    return g_ascii_strtoull (p + strlen ("\nsummary: "), NULL, 10);
  if ((p = strstr (text, "\ntotals: ")) != NULL)
    return g_ascii_strtoull (p + strlen ("\ntotals: "), NULL, 10);
  return 0;
}

static gboolean
callgrind_control (const char *what,
                   GPid        pid)
{
  g_autofree char *pid_text = g_strdup_printf ("%d", pid);
  const char *argv[] = { "callgrind_control", what, pid_text, NULL };
  int status;

  return g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                       | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

/* Removes @dir and the files in it. */
static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
cost_report (Bench   *bench,
             guint    c,
             guint    m,
             guint64  delivered,
             guint64  instructions)
{
  double per_delivery = delivered ? (double) instructions / delivered : 0;
  double per_message = (double) instructions / ((guint64) c * m);

  g_print ("%8u %8u %10" G_GUINT64_FORMAT " %14" G_GUINT64_FORMAT " %14.0f %14.0f\n",
           c, m, delivered, instructions, per_delivery, per_message);

  bench_result_begin (bench, "cost");
  bench_result_int (bench, "clients", c);
  bench_result_int (bench, "messages_each", m);
  bench_result_int (bench, "delivered", (gint64) delivered);
  bench_result_int (bench, "instructions", (gint64) instructions);
  bench_result_double (bench, "instructions_per_delivery", per_delivery);
  bench_result_double (bench, "instructions_per_message", per_message);
  bench_result_end (bench);
}

/* Fans @load out from a server under callgrind in @dir and reads the
 * profile of the fan-out alone, before the server ends; keeps a copy as
 * @callgrind_out unless it is NULL. FALSE when no profile was made. */
static gboolean
cost_profile (Bench            *bench,
              const FanoutLoad *load,
              const char       *dir,
              const char       *callgrind_out,
              guint64          *delivered,
              guint64          *instructions)
{
  g_autofree char *wrapper = NULL;
  g_autofree char *dump = g_build_filename (dir, "callgrind.out.1", NULL);
  g_autoptr(ChildServer) server = NULL;
  GMainContext *context = g_main_context_default ();
  g_autoptr(Swarm) swarm = NULL;
  guint64 expected = (guint64) load->c * load->c * load->m;
  Pacer pacer;

  wrapper = g_strdup_printf ("valgrind -q --tool=callgrind --callgrind-out-file=%s/callgrind.out",
                             dir);
  server = nexus_server_start (bench, wrapper, "--rate", "0", NULL);
  if (server == NULL)
    return FALSE;
  swarm = swarm_new (context, server->port);
  if (!swarm_connect (swarm, load->c, 20) || !swarm_fill_room (swarm, 0, load->c))
    return FALSE;
  swarm_wait_joined (swarm, load->c, 60);
  bench_spin (context, 1);
  callgrind_control ("--zero", server->pid);

  swarm_expect_messages (swarm, load->c, load->m);
  pacer_start (&pacer, swarm, load->rate);
  if (!SPIN_UNTIL (context, swarm->unique == expected, 300))
    g_printerr ("nexus-bench: cost: only %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " arrived\n", swarm->unique, expected);
  pacer_stop (&pacer);
  callgrind_control ("--dump", server->pid);
  *delivered = swarm->delivered;
  *instructions = callgrind_total (dump);
  if (callgrind_out != NULL)
    {
      g_autoptr(GFile) from = g_file_new_for_path (dump);
      g_autoptr(GFile) to = g_file_new_for_path (callgrind_out);

      g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL);
    }
  return TRUE;
}

/* Measures @load; keeps the profile as @callgrind_out unless it is NULL. */
static void
cost_run (Bench            *bench,
          const FanoutLoad *load,
          const char       *callgrind_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nexus-bench-XXXXXX", &error);
  guint64 delivered = 0, instructions = 0;

  if (dir == NULL)
    {
      g_printerr ("nexus-bench: cost: %s\n", error->message);
      return;
    }
  if (cost_profile (bench, load, dir, callgrind_out, &delivered, &instructions))
    {
      cost_report (bench, load->c, load->m, delivered, instructions);
      if (callgrind_out != NULL)
        g_print ("  profile: %s (callgrind_annotate --inclusive=yes %s)\n",
                 callgrind_out, callgrind_out);
    }
  remove_dir (dir);
}

/* Two rooms: a small one, where reading each frame matters most, and a
 * larger one, where sending to every member does. */
void
bench_cost (Bench *bench)
{
  static const FanoutLoad full[] = { { 2, 200, 20 }, { 50, 20, 5 } };
  static const FanoutLoad quick[] = { { 2, 50, 20 }, { 20, 5, 5 } };
  const FanoutLoad *loads = bench->quick ? quick : full;
  g_autofree char *valgrind = g_find_program_in_path ("valgrind");
  g_autofree char *control = g_find_program_in_path ("callgrind_control");

  if (valgrind == NULL || control == NULL)
    {
      g_printerr ("nexus-bench: skipping cost: needs valgrind and callgrind_control\n");
      return;
    }
  g_print ("\n== cost: server instructions (callgrind) while C members each send M messages ==\n");
  g_print ("%8s %8s %10s %14s %14s %14s\n", "C", "M", "delivered", "instructions",
           "per delivery", "per message");
  for (guint i = 0; i < G_N_ELEMENTS (full); i++)
    {
      g_autofree char *out = NULL;

      if (bench->callgrind_out != NULL)
        out = g_strdup_printf ("%s.c%u", bench->callgrind_out, loads[i].c);
      cost_run (bench, &loads[i], out);
    }
}
