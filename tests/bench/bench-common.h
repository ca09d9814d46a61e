/* bench-common.h: what every nexus-bench mode shares
 *
 * The command line's choices, spinning a main context, figures from
 * samples, a process's CPU time and memory, servers in child processes
 * and the JSON record of the results. Each mode lives in a bench-MODE.c
 * of its own and is declared at the end.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What the command line chose, and where the figures go. */
typedef struct {
  char        *server_bin;
  char        *node_dir;
  char        *node;
  char        *callgrind_out;
  gboolean     quick;
  int          clients;
  int          messages;
  double       rate;
  int          connections_max;
  int          idle_seconds;
  int          mainloop_seconds;
  int          mainloop_members;
  int          files_mib;
  gboolean     persistence_off;   /* --persistence: run fan-out and main loop without ... */
  gboolean     persistence_on;    /* ... and with the rooms kept in a database */
  char        *state_dir;         /* while a run keeps its rooms: where, else NULL */
  JsonBuilder *results;
} Bench;

/* Spinning a main context until something holds */

gboolean bench_wake (gpointer data);

/* Iterates @context until @cond holds or @seconds pass; the condition's
 * value at the end. */
#define SPIN_UNTIL(context, cond, seconds)                                  \
  ({                                                                        \
    gint64 _deadline = g_get_monotonic_time ()                              \
                       + (gint64) ((seconds) * G_USEC_PER_SEC);             \
    GSource *_wake = g_timeout_source_new (20);                             \
    g_source_set_callback (_wake, bench_wake, NULL, NULL);                  \
    g_source_attach (_wake, (context));                                     \
    while (!(cond) && g_get_monotonic_time () < _deadline)                  \
      g_main_context_iteration ((context), TRUE);                           \
    g_source_destroy (_wake);                                               \
    g_source_unref (_wake);                                                 \
    (cond);                                                                 \
  })

void bench_spin (GMainContext *context,
                 double        seconds);

/* Figures from samples in µs (guint32) */

void   bench_samples_sort (GArray *samples);
/* The @p-th percentile of sorted samples, in ms. */
double bench_percentile_ms (GArray *sorted,
                            double  p);
/* The largest of sorted samples, in ms. */
double bench_max_ms        (GArray *sorted);

/* Processes */

/* User + system CPU seconds of process @pid so far. */
double bench_process_cpu_seconds (GPid pid);
/* Resident memory of process @pid, in KiB. */
long   bench_process_rss_kib     (GPid pid);
void   bench_raise_fd_limit      (void);
guint  bench_fd_limit            (void);

/* Saved rooms: a state directory of a run's own, made and removed */

char *bench_state_dir_new    (void);
void  bench_state_dir_remove (const char *dir);

/* A server in a child process */

typedef struct {
  GSubprocess *process;
  GPid         pid;
  guint        port;
  char        *label;
} ChildServer;

void         child_server_stop    (ChildServer *server);
/* Starts the headless server, behind @wrapper (a command and its flags,
 * separated by spaces) unless it is NULL, with @... more flags
 * (NULL-terminated). It keeps its rooms in bench->state_dir when that is
 * set, else in memory. */
ChildServer *nexus_server_start   (Bench      *bench,
                                   const char *wrapper,
                                   ...) G_GNUC_NULL_TERMINATED;
ChildServer *node_ws_server_start (Bench      *bench);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChildServer, child_server_stop)

const char *bench_server_bin     (Bench *bench);
const char *bench_node_dir       (Bench *bench);
const char *bench_node_bin       (Bench *bench);
/* Whether node and the comparison's node_modules are there; says why
 * not when they are not. */
gboolean    bench_node_available (Bench *bench);

/* The JSON record: one object per row of a table, named by its test */

void bench_result_begin   (Bench      *bench,
                           const char *test);
void bench_result_string  (Bench      *bench,
                           const char *name,
                           const char *value);
void bench_result_int     (Bench      *bench,
                           const char *name,
                           gint64      value);
void bench_result_double  (Bench      *bench,
                           const char *name,
                           double      value);
void bench_result_boolean (Bench      *bench,
                           const char *name,
                           gboolean    value);
void bench_result_end     (Bench      *bench);

/* The host's case (bench-mainloop.c), which --files shares */

/* Members of one room sending at a rate, on a thread of their own. */
typedef struct {
  guint        port;
  guint        n;
  double       rate;
  int          seconds;
  gint         ready;      /* atomic: the clients have joined */
  gint         go;         /* atomic: start sending */
  gint         finished;   /* atomic */
  guint64      delivered;
  guint        errors;
  guint        welcomed;
  char         first_error[256];
  GArray      *latencies;  /* guint32 µs of each delivery, when not NULL */
} LoopClients;

gpointer bench_loop_clients_thread (gpointer data);

/* A 60 Hz frame clock: each tick is due 1/60 s after the last one was
 * due; how late it runs is what a person would see as a stutter. */
typedef struct {
  GSource  source;
  gint64   due;
  gint64   period;
  gboolean measuring;
  GArray  *delays;   /* guint32 µs */
  GArray  *work;     /* guint32 µs of this thread's CPU time between ticks */
  gint64   last_cpu;
} FrameClock;

FrameClock *bench_frame_clock_new (GMainContext *context);

/* The modes, one file each */

void bench_fanout      (Bench    *bench,
                        gboolean  node_ws);
void bench_node_load   (Bench    *bench);
void bench_connections (Bench    *bench);
void bench_join        (Bench    *bench);
void bench_mainloop    (Bench    *bench);
void bench_cost        (Bench    *bench);
void bench_files       (Bench    *bench);

G_END_DECLS
