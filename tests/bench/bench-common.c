/* bench-common.c: what every nexus-bench mode shares
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench-common.h"

/* Spinning a main context until something holds */

gboolean
bench_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
bench_spin (GMainContext *context,
            double        seconds)
{
  SPIN_UNTIL (context, FALSE, seconds);
}

/* Figures */

static int
compare_u32 (const void *a,
             const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

void
bench_samples_sort (GArray *samples)
{
  g_array_sort (samples, compare_u32);
}

double
bench_percentile_ms (GArray *sorted,
                     double  p)
{
  guint index;

  if (sorted->len == 0)
    return 0;
  index = (guint) MIN ((double) sorted->len - 1, p / 100.0 * sorted->len);
  return g_array_index (sorted, guint32, index) / 1000.0;
}

double
bench_max_ms (GArray *sorted)
{
  return sorted->len ? g_array_index (sorted, guint32, sorted->len - 1) / 1000.0 : 0;
}

/* Processes */

static long
clock_ticks (void)
{
  static long ticks;

  if (ticks == 0)
    ticks = sysconf (_SC_CLK_TCK);
  return ticks;
}

double
bench_process_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  unsigned long utime = 0, stime = 0;
  const char *p;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (p = strrchr (stat, ')')) == NULL)
    return 0;
  /* After "pid (comm)": state, then fields 4..13, then utime and stime. */
  if (sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
              &utime, &stime) != 2)
    return 0;
  return (double) (utime + stime) / clock_ticks ();
}

long
bench_process_rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents (path, &status, NULL, NULL)
      || (p = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return strtol (p + strlen ("VmRSS:"), NULL, 10);
}

void
bench_raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_printerr ("nexus-bench: cannot raise the open file limit: %s\n", g_strerror (errno));
    }
}

guint
bench_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024;
  return (guint) MIN (limit.rlim_cur, G_MAXUINT);
}

/* A server in a child process */

void
child_server_stop (ChildServer *server)
{
  if (server == NULL)
    return;
  if (server->process != NULL)
    {
      g_subprocess_send_signal (server->process, SIGTERM);
      g_subprocess_wait (server->process, NULL, NULL);
      g_object_unref (server->process);
    }
  g_free (server->label);
  g_free (server);
}

/* Starts @argv, which prints "listening on port N" when it is ready. */
static ChildServer *
child_server_start (const char * const *argv,
                    const char         *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  ChildServer *server = g_new0 (ChildServer, 1);
  const char *identifier;

  server->label = g_strdup (label);
  server->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (server->process == NULL)
    {
      g_printerr ("nexus-bench: cannot start %s: %s\n", argv[0], error->message);
      child_server_stop (server);
      return NULL;
    }
  identifier = g_subprocess_get_identifier (server->process);
  server->pid = identifier ? atoi (identifier) : 0;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, NULL);

      if (line == NULL)
        {
          g_printerr ("nexus-bench: %s ended before it listened\n", argv[0]);
          child_server_stop (server);
          return NULL;
        }
      if (sscanf (line, "listening on port %u", &server->port) == 1)
        break;
    }
  return server;
}

const char *
bench_server_bin (Bench *bench)
{
  return bench->server_bin ? bench->server_bin : NEXUS_CHAT_BIN;
}

const char *
bench_node_dir (Bench *bench)
{
  return bench->node_dir ? bench->node_dir : BENCH_NODE_DIR;
}

const char *
bench_node_bin (Bench *bench)
{
  return bench->node ? bench->node : "node";
}

gboolean
bench_node_available (Bench *bench)
{
  g_autofree char *node = g_find_program_in_path (bench_node_bin (bench));
  g_autofree char *modules = g_build_filename (bench_node_dir (bench), "node_modules", "ws", NULL);

  if (node == NULL || !g_file_test (modules, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("nexus-bench: skipping the Node.js comparison: needs node and "
                  "`npm ci --prefix %s`\n", bench_node_dir (bench));
      return FALSE;
    }
  return TRUE;
}

char *
bench_state_dir_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("nexus-bench-state-XXXXXX", &error);

  if (dir == NULL)
    g_error ("nexus-bench: %s", error->message);
  return dir;
}

void
bench_state_dir_remove (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Whether the server binary knows --no-persistence (--server-bin may be
 * an older one). */
static gboolean
server_knows_persistence (Bench *bench)
{
  static int knows = -1;

  if (knows < 0)
    {
      const char *argv[] = { bench_server_bin (bench), "--headless", "--help", NULL };
      g_autofree char *out = NULL;

      knows = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                            &out, NULL, NULL, NULL)
              && out != NULL && strstr (out, "--no-persistence") != NULL;
    }
  return knows;
}

ChildServer *
nexus_server_start (Bench      *bench,
                    const char *wrapper,
                    ...)
{
  ChildServer *server;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  va_list args;
  const char *arg;

  if (wrapper != NULL)
    {
      g_auto(GStrv) words = g_strsplit (wrapper, " ", -1);

      for (guint i = 0; words[i]; i++)
        if (*words[i])
          g_ptr_array_add (argv, g_strdup (words[i]));
    }
  g_ptr_array_add (argv, g_strdup (bench_server_bin (bench)));
  g_ptr_array_add (argv, g_strdup ("--headless"));
  g_ptr_array_add (argv, g_strdup ("--bind"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup ("0"));
  if (bench->state_dir != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--state-dir"));
      g_ptr_array_add (argv, g_strdup (bench->state_dir));
    }
  else if (server_knows_persistence (bench))
    g_ptr_array_add (argv, g_strdup ("--no-persistence"));
  va_start (args, wrapper);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  server = child_server_start ((const char * const *) argv->pdata, "nexus");
  if (server != NULL && bench->state_dir != NULL)
    {
      g_free (server->label);
      server->label = g_strdup ("nexus+db");
    }
  return server;
}

ChildServer *
node_ws_server_start (Bench *bench)
{
  g_autofree char *script = g_build_filename (bench_node_dir (bench), "ws-server.js", NULL);
  const char *argv[] = { bench_node_bin (bench), script, NULL };

  return child_server_start (argv, "node ws");
}

/* The JSON record */

void
bench_result_begin (Bench      *bench,
                    const char *test)
{
  json_builder_begin_object (bench->results);
  bench_result_string (bench, "test", test);
}

void
bench_result_string (Bench      *bench,
                     const char *name,
                     const char *value)
{
  json_builder_set_member_name (bench->results, name);
  json_builder_add_string_value (bench->results, value);
}

void
bench_result_int (Bench      *bench,
                  const char *name,
                  gint64      value)
{
  json_builder_set_member_name (bench->results, name);
  json_builder_add_int_value (bench->results, value);
}

void
bench_result_double (Bench      *bench,
                     const char *name,
                     double      value)
{
  json_builder_set_member_name (bench->results, name);
  json_builder_add_double_value (bench->results, value);
}

void
bench_result_boolean (Bench      *bench,
                      const char *name,
                      gboolean    value)
{
  json_builder_set_member_name (bench->results, name);
  json_builder_add_boolean_value (bench->results, value);
}

void
bench_result_end (Bench *bench)
{
  json_builder_end_object (bench->results);
}
