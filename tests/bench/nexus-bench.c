/* nexus-bench.c: how fast the server fans out, how much a connection
 * costs, and whether the host's main loop stays smooth
 *
 * A program, not a test: it starts a server (the headless binary as a
 * child process, or a NexusServer in this process), drives it with
 * libsoup WebSocket clients and prints a table and, with --json, the same
 * figures as JSON. tests/bench/README.md records the figures.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE   /* memmem, RUSAGE_THREAD */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "nexus-protocol.h"
#include "nexus-server.h"

/* Options */

static char    *opt_server_bin = NULL;
static char    *opt_json = NULL;
static char    *opt_node_dir = NULL;
static char    *opt_node = NULL;
static char    *opt_callgrind_out = NULL;
static gboolean opt_all = FALSE;
static gboolean opt_fanout = FALSE;
static gboolean opt_node_ws = FALSE;
static gboolean opt_node_load = FALSE;
static gboolean opt_connections = FALSE;
static gboolean opt_join = FALSE;
static gboolean opt_mainloop = FALSE;
static gboolean opt_cost = FALSE;
static gboolean opt_quick = FALSE;
static int      opt_clients = 0;
static int      opt_messages = 0;
static double   opt_rate = -1;
static int      opt_connections_max = 10000;
static int      opt_idle_seconds = 25;
static int      opt_mainloop_seconds = 10;
static int      opt_mainloop_members = 0;

static GOptionEntry entries[] = {
  { "all", 'a', 0, G_OPTION_ARG_NONE, &opt_all, "Run every benchmark (the default when none is chosen)", NULL },
  { "fanout", 0, 0, G_OPTION_ARG_NONE, &opt_fanout, "Fan-out: C clients in one room", NULL },
  { "node-ws", 0, 0, G_OPTION_ARG_NONE, &opt_node_ws, "The same fan-out against the Node.js ws server", NULL },
  { "node-load", 0, 0, G_OPTION_ARG_NONE, &opt_node_load, "Node.js clients against Nexus, ws and Socket.IO servers", NULL },
  { "connections", 0, 0, G_OPTION_ARG_NONE, &opt_connections, "Idle connections: memory each, all stay connected", NULL },
  { "join", 0, 0, G_OPTION_ARG_NONE, &opt_join, "Joining a room with 1000 events of history", NULL },
  { "mainloop", 0, 0, G_OPTION_ARG_NONE, &opt_mainloop, "Server and a 60 Hz tick in one main loop", NULL },
  { "cost", 0, 0, G_OPTION_ARG_NONE, &opt_cost, "Instructions per delivered message (callgrind)", NULL },
  { "clients", 'c', 0, G_OPTION_ARG_INT, &opt_clients, "Fan-out: only this many clients", "C" },
  { "messages", 'm', 0, G_OPTION_ARG_INT, &opt_messages, "Fan-out: messages each client sends", "M" },
  { "rate", 'r', 0, G_OPTION_ARG_DOUBLE, &opt_rate, "Fan-out: messages a second each client sends (0 = at once)", "R" },
  { "max-connections", 'k', 0, G_OPTION_ARG_INT, &opt_connections_max, "Connections: the largest K (default 10000)", "K" },
  { "idle-seconds", 0, 0, G_OPTION_ARG_INT, &opt_idle_seconds, "Connections: how long they stay idle (default 25)", "S" },
  { "mainloop-seconds", 0, 0, G_OPTION_ARG_INT, &opt_mainloop_seconds, "Main loop: how long (default 10)", "S" },
  { "mainloop-members", 0, 0, G_OPTION_ARG_INT, &opt_mainloop_members, "Main loop: only this many members (default 50, 100 and 200)", "N" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &opt_quick, "Smaller loads, for a quick look", NULL },
  { "server-bin", 0, 0, G_OPTION_ARG_FILENAME, &opt_server_bin, "The nexus-chat binary (default: this build's)", "PATH" },
  { "node", 0, 0, G_OPTION_ARG_FILENAME, &opt_node, "The node binary (default: node)", "PATH" },
  { "node-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_node_dir, "tests/bench/node with its node_modules", "DIR" },
  { "callgrind-out", 0, 0, G_OPTION_ARG_FILENAME, &opt_callgrind_out, "Cost: keep the callgrind profile here", "FILE" },
  { "json", 'j', 0, G_OPTION_ARG_FILENAME, &opt_json, "Write the figures as JSON to FILE", "FILE" },
  { NULL }
};

static JsonBuilder *results;

/* Spinning a main context until something holds */

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates @context until @cond holds or @seconds pass; the condition's
 * value at the end. */
#define SPIN_UNTIL(context, cond, seconds)                                  \
  ({                                                                        \
    gint64 _deadline = g_get_monotonic_time () + (gint64) ((seconds) * G_USEC_PER_SEC); \
    GSource *_wake = g_timeout_source_new (20);                             \
    g_source_set_callback (_wake, wake, NULL, NULL);                        \
    g_source_attach (_wake, (context));                                     \
    while (!(cond) && g_get_monotonic_time () < _deadline)                  \
      g_main_context_iteration ((context), TRUE);                           \
    g_source_destroy (_wake);                                               \
    g_source_unref (_wake);                                                 \
    (cond);                                                                 \
  })

static void
spin (GMainContext *context,
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

/* The @p-th percentile of a sorted array, in ms. */
static double
percentile_ms (GArray *sorted,
               double  p)
{
  guint index;

  if (sorted->len == 0)
    return 0;
  index = (guint) MIN ((double) sorted->len - 1, p / 100.0 * sorted->len);
  return g_array_index (sorted, guint32, index) / 1000.0;
}

static long
clock_ticks (void)
{
  static long ticks;

  if (ticks == 0)
    ticks = sysconf (_SC_CLK_TCK);
  return ticks;
}

/* User + system CPU seconds of process @pid so far. */
static double
process_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  unsigned long utime = 0, stime = 0;
  const char *p;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (p = strrchr (stat, ')')) == NULL)
    return 0;
  /* After "pid (comm)": state, then fields 4..13, then utime and stime. */
  if (sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return 0;
  return (double) (utime + stime) / clock_ticks ();
}

/* Resident memory of process @pid, in KiB. */
static long
process_rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (p = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return strtol (p + strlen ("VmRSS:"), NULL, 10);
}

static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_printerr ("nexus-bench: cannot raise the open file limit: %s\n", g_strerror (errno));
    }
}

static guint
fd_limit (void)
{
  struct rlimit limit;

  return getrlimit (RLIMIT_NOFILE, &limit) == 0 ? (guint) MIN (limit.rlim_cur, G_MAXUINT) : 1024;
}

/* A server in a child process */

typedef struct {
  GSubprocess *process;
  GPid         pid;
  guint        port;
  char        *label;
} ChildServer;

static void
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChildServer, child_server_stop)

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

static const char *
server_bin (void)
{
  return opt_server_bin ? opt_server_bin : NEXUS_CHAT_BIN;
}

static const char *
node_dir (void)
{
  return opt_node_dir ? opt_node_dir : BENCH_NODE_DIR;
}

static const char *
node_bin (void)
{
  return opt_node ? opt_node : "node";
}

static gboolean
node_available (void)
{
  g_autofree char *node = g_find_program_in_path (node_bin ());
  g_autofree char *modules = g_build_filename (node_dir (), "node_modules", "ws", NULL);

  if (node == NULL || !g_file_test (modules, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("nexus-bench: skipping the Node.js comparison: needs node and "
                  "`npm ci --prefix %s`\n", node_dir ());
      return FALSE;
    }
  return TRUE;
}

/* Starts the headless server with @extra flags (NULL-terminated). */
static ChildServer *
nexus_server_start (const char *wrapper,
                    ...)
{
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
  g_ptr_array_add (argv, g_strdup (server_bin ()));
  g_ptr_array_add (argv, g_strdup ("--headless"));
  g_ptr_array_add (argv, g_strdup ("--bind"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup ("0"));
  va_start (args, wrapper);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return child_server_start ((const char * const *) argv->pdata, "nexus");
}

static ChildServer *
node_ws_server_start (void)
{
  g_autofree char *script = g_build_filename (node_dir (), "ws-server.js", NULL);
  const char *argv[] = { node_bin (), script, NULL };

  return child_server_start (argv, "node ws");
}

/* The clients */

typedef struct _Swarm Swarm;

/* A SoupSession keeps its upgraded WebSockets in its list of connections
 * and connecting slows down with every one it holds (1000 clients in one
 * session took 15 s to connect, in sessions of 50 under 3 s). */
#define CLIENTS_PER_SESSION 50

typedef struct {
  Swarm                   *swarm;
  guint                    index;
  SoupWebsocketConnection *ws;
  gboolean                 failed;
  gboolean                 welcomed;
  gboolean                 closed;
  gushort                  close_code;
  char                     room[16];
  guint                    joined_seen;
  guint                    sent;
  guint64                  received;
  guint8                  *seen;       /* per (sender, n): deliveries */
  gint64                   join_sent_at;
  gint64                   welcome_at;
  gsize                    welcome_bytes;
} Client;

struct _Swarm {
  GMainContext *context;
  GPtrArray    *sessions;    /* one per CLIENTS_PER_SESSION clients */
  guint         port;
  GPtrArray    *clients;
  guint         connecting;
  guint         n_connected;
  guint         n_failed;
  guint         n_welcomed;
  guint         n_closed;
  guint         n_errors;
  char          first_error[256];
  /* fan-out */
  guint         n_senders;
  guint         m;
  guint64       delivered;
  guint64       unique;
  guint64       duplicated;
  GArray       *latencies;   /* guint32 µs */
  gint64        last_delivery;
  gboolean      record_latency;
};

/* A text of ordinary chat length that carries who sent it, which one it
 * is and when it was sent, so every receiver can check and time it. */
#define TEXT_PADDING "the quick brown fox jumps over the lazy dog"

static char *
bench_text (guint sender, guint n, gint64 sent_at)
{
  return g_strdup_printf ("b:%u:%u:%" G_GINT64_FORMAT ": " TEXT_PADDING, sender, n, sent_at);
}

static const char *
find (const char *data, gsize length, const char *needle)
{
  return memmem (data, length, needle, strlen (needle));
}

static gboolean
has_prefix (const char *data, gsize length, const char *prefix)
{
  gsize n = strlen (prefix);

  return length >= n && memcmp (data, prefix, n) == 0;
}

static void
client_on_bench_message (Client     *client,
                         const char *data,
                         gsize       length)
{
  Swarm *swarm = client->swarm;
  const char *t = find (data, length, "\"text\":\"b:");
  guint64 sender, n;
  gint64 sent_at;
  char *end;

  if (t == NULL)
    return;
  t += strlen ("\"text\":\"b:");
  sender = g_ascii_strtoull (t, &end, 10);
  n = g_ascii_strtoull (end + 1, &end, 10);
  sent_at = g_ascii_strtoll (end + 1, &end, 10);
  swarm->last_delivery = g_get_monotonic_time ();
  swarm->delivered++;
  client->received++;
  if (sender < swarm->n_senders && n < swarm->m)
    {
      guint8 *count = &client->seen[sender * swarm->m + n];

      if (*count == 0)
        swarm->unique++;
      else
        swarm->duplicated++;
      if (*count < 255)
        (*count)++;
    }
  if (swarm->record_latency)
    {
      guint32 latency = (guint32) MIN (swarm->last_delivery - sent_at, G_MAXUINT32);

      g_array_append_val (swarm->latencies, latency);
    }
}

/* Frames are told apart by their first bytes, without a JSON parser: the
 * clients must not be the bottleneck of what they measure. */
static void
client_on_message (SoupWebsocketConnection *ws,
                   int                      type,
                   GBytes                  *message,
                   Client                  *client)
{
  Swarm *swarm = client->swarm;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  if (has_prefix (data, length, "{\"type\":\"message\""))
    client_on_bench_message (client, data, length);
  else if (has_prefix (data, length, "{\"type\":\"joined\""))
    client->joined_seen++;
  else if (has_prefix (data, length, "{\"type\":\"welcome\""))
    {
      const char *room = find (data, length, "\"room\":\"");

      client->welcome_at = g_get_monotonic_time ();
      client->welcome_bytes = length;
      if (room != NULL)
        {
          room += strlen ("\"room\":\"");
          for (guint i = 0; i < sizeof client->room - 1 && room < data + length && *room != '"'; i++)
            client->room[i] = *room++;
        }
      if (!client->welcomed)
        swarm->n_welcomed++;
      client->welcomed = TRUE;
    }
  else if (has_prefix (data, length, "{\"type\":\"error\""))
    {
      if (swarm->n_errors++ == 0)
        g_snprintf (swarm->first_error, sizeof swarm->first_error, "%.*s",
                    (int) MIN (length, 200), data);
    }
}

static void
client_on_closed (SoupWebsocketConnection *ws,
                  Client                  *client)
{
  client->closed = TRUE;
  client->close_code = soup_websocket_connection_get_close_code (ws);
  client->swarm->n_closed++;
}

static void
client_on_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Client *client = user_data;
  Swarm *swarm = client->swarm;
  g_autoptr(GError) error = NULL;

  swarm->connecting--;
  client->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (client->ws == NULL)
    {
      if (swarm->n_failed++ == 0)
        g_printerr ("nexus-bench: a client could not connect: %s\n", error->message);
      client->failed = TRUE;
      return;
    }
  swarm->n_connected++;
  /* A welcome with 1000 events of history is larger than libsoup's
   * default limit of 128 KiB. */
  soup_websocket_connection_set_max_incoming_payload_size (client->ws, 0);
  g_signal_connect (client->ws, "message", G_CALLBACK (client_on_message), client);
  g_signal_connect (client->ws, "closed", G_CALLBACK (client_on_closed), client);
}

static void
client_free (Client *client)
{
  if (client->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->ws, client);
      if (soup_websocket_connection_get_state (client->ws) != SOUP_WEBSOCKET_STATE_CLOSED)
        g_io_stream_close (soup_websocket_connection_get_io_stream (client->ws), NULL, NULL);
      g_object_unref (client->ws);
    }
  g_free (client->seen);
  g_free (client);
}

/* A swarm lives on @context, which must be the thread-default context of
 * the thread that makes and uses it. */
static Swarm *
swarm_new (GMainContext *context,
           guint         port)
{
  Swarm *swarm = g_new0 (Swarm, 1);

  swarm->context = g_main_context_ref (context);
  swarm->port = port;
  swarm->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  swarm->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  swarm->latencies = g_array_new (FALSE, FALSE, sizeof (guint32));
  return swarm;
}

static void
swarm_free (Swarm *swarm)
{
  g_ptr_array_unref (swarm->clients);
  /* Let the closes go out before the session goes. */
  g_main_context_iteration (swarm->context, FALSE);
  g_ptr_array_unref (swarm->sessions);
  g_array_unref (swarm->latencies);
  g_main_context_unref (swarm->context);
  g_free (swarm);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Swarm, swarm_free)

/* Opens @n more WebSockets, at most @parallel handshakes at a time. */
static gboolean
swarm_connect (Swarm *swarm,
               guint  n,
               guint  parallel)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/ws", swarm->port);
  const char *protocols[] = { NEXUS_PROTOCOL_SUBPROTOCOL, NULL };
  guint target = swarm->clients->len + n;

  while (swarm->clients->len < target)
    {
      Client *client = g_new0 (Client, 1);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      client->swarm = swarm;
      client->index = swarm->clients->len;
      g_ptr_array_add (swarm->clients, client);
      swarm->connecting++;
      if (client->index % CLIENTS_PER_SESSION == 0)
        g_ptr_array_add (swarm->sessions, soup_session_new ());
      soup_session_websocket_connect_async (g_ptr_array_index (swarm->sessions, swarm->sessions->len - 1), msg, NULL, (char **) protocols,
                                            G_PRIORITY_DEFAULT, NULL, client_on_connected, client);
      if (swarm->connecting >= parallel)
        SPIN_UNTIL (swarm->context, swarm->connecting < parallel, 300);
    }
  SPIN_UNTIL (swarm->context, swarm->connecting == 0, 300);
  return swarm->n_connected + swarm->n_failed == target && swarm->n_failed == 0;
}

static Client *
swarm_client (Swarm *swarm,
              guint  i)
{
  return g_ptr_array_index (swarm->clients, i);
}

static void
client_send (Client     *client,
             const char *json)
{
  if (client->ws != NULL && soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (client->ws, json);
}

static void
client_create (Client *client)
{
  g_autofree char *name = g_strdup_printf ("c%u", client->index);
  g_autofree char *frame = nexus_frame_encode_create (name);

  client->join_sent_at = g_get_monotonic_time ();
  client_send (client, frame);
}

static void
client_join (Client     *client,
             const char *room)
{
  g_autofree char *name = g_strdup_printf ("c%u", client->index);
  g_autofree char *frame = nexus_frame_encode_join (room, name);

  client->join_sent_at = g_get_monotonic_time ();
  client_send (client, frame);
}

/* Clients [first, first + n) join one room, the first of them creating it. */
static gboolean
swarm_fill_room (Swarm *swarm,
                 guint  first,
                 guint  n)
{
  Client *creator = swarm_client (swarm, first);
  guint welcomed = swarm->n_welcomed;

  client_create (creator);
  if (!SPIN_UNTIL (swarm->context, creator->welcomed || creator->closed, 30) || !creator->welcomed)
    return FALSE;
  for (guint i = first + 1; i < first + n; i++)
    client_join (swarm_client (swarm, i), creator->room);
  return SPIN_UNTIL (swarm->context, swarm->n_welcomed == welcomed + n || swarm->n_errors > 0, 300)
         && swarm->n_errors == 0;
}

/* Fan-out */

typedef struct {
  Swarm  *swarm;
  double  rate;
  gint64  start;
  gint64  first_send;
  gint64  last_send;
  guint   done_senders;
} Pacer;

static void
client_say (Client *client,
            guint   n)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *text = bench_text (client->index, n, now);
  g_autofree char *id = g_strdup_printf ("%u", n);
  g_autofree char *frame = nexus_frame_encode_say (text, id);

  client_send (client, frame);
}

/* Each client sends at @rate, the clients spread evenly over each period,
 * so the load is smooth rather than C messages at once. */
static gboolean
pacer_tick (gpointer data)
{
  Pacer *pacer = data;
  Swarm *swarm = pacer->swarm;
  gint64 now = g_get_monotonic_time ();
  double elapsed = (double) (now - pacer->start) / G_USEC_PER_SEC;

  for (guint i = 0; i < swarm->n_senders; i++)
    {
      Client *client = swarm_client (swarm, i);
      guint due;

      if (client->sent >= swarm->m)
        continue;
      if (pacer->rate <= 0)
        due = swarm->m;
      else
        {
          double offset = (double) i / swarm->n_senders / pacer->rate;

          if (elapsed < offset)
            continue;
          due = MIN (swarm->m, (guint) ((elapsed - offset) * pacer->rate) + 1);
        }
      while (client->sent < due)
        client_say (client, client->sent++);
      if (client->sent == swarm->m)
        {
          pacer->done_senders++;
          pacer->last_send = now;
        }
    }
  if (pacer->first_send == 0)
    pacer->first_send = now;
  return pacer->done_senders < swarm->n_senders ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

typedef struct {
  const char *server;
  const char *clients;
  guint       c;
  guint       m;
  double      rate;
  gboolean    ok;
  double      seconds;
  guint64     expected;
  guint64     delivered;
  guint64     lost;
  guint64     duplicated;
  double      deliveries_per_second;
  double      p50_ms, p99_ms, max_ms;
  double      server_cpu_seconds;
  double      cpu_us_per_delivery;
  guint       errors;
} FanoutResult;

static void
fanout_print_header (void)
{
  g_print ("\n== fan-out: C clients in one room, each sends M messages at R/s ==\n");
  g_print ("%-9s %4s %5s %6s %10s %11s %8s %8s %8s %6s %5s %9s\n",
           "server", "C", "M", "R/s", "delivered", "deliv/s", "p50 ms", "p99 ms",
           "max ms", "lost", "dup", "cpu µs/d");
}

static void
fanout_report (const FanoutResult *r)
{
  g_print ("%-9s %4u %5u %6g %10" G_GUINT64_FORMAT " %11.0f %8.2f %8.2f %8.2f %6" G_GUINT64_FORMAT
           " %5" G_GUINT64_FORMAT " %9.3f%s\n",
           r->server, r->c, r->m, r->rate, r->delivered, r->deliveries_per_second,
           r->p50_ms, r->p99_ms, r->max_ms, r->lost, r->duplicated, r->cpu_us_per_delivery,
           r->ok ? "" : "  (INCOMPLETE)");
  if (r->errors > 0)
    g_print ("          %u error frames\n", r->errors);

  json_builder_begin_object (results);
  json_builder_set_member_name (results, "test");
  json_builder_add_string_value (results, "fanout");
  json_builder_set_member_name (results, "server");
  json_builder_add_string_value (results, r->server);
  json_builder_set_member_name (results, "clients_program");
  json_builder_add_string_value (results, r->clients);
  json_builder_set_member_name (results, "clients");
  json_builder_add_int_value (results, r->c);
  json_builder_set_member_name (results, "messages_each");
  json_builder_add_int_value (results, r->m);
  json_builder_set_member_name (results, "rate_each");
  json_builder_add_double_value (results, r->rate);
  json_builder_set_member_name (results, "complete");
  json_builder_add_boolean_value (results, r->ok);
  json_builder_set_member_name (results, "seconds");
  json_builder_add_double_value (results, r->seconds);
  json_builder_set_member_name (results, "expected");
  json_builder_add_int_value (results, (gint64) r->expected);
  json_builder_set_member_name (results, "delivered");
  json_builder_add_int_value (results, (gint64) r->delivered);
  json_builder_set_member_name (results, "deliveries_per_second");
  json_builder_add_double_value (results, r->deliveries_per_second);
  json_builder_set_member_name (results, "latency_p50_ms");
  json_builder_add_double_value (results, r->p50_ms);
  json_builder_set_member_name (results, "latency_p99_ms");
  json_builder_add_double_value (results, r->p99_ms);
  json_builder_set_member_name (results, "latency_max_ms");
  json_builder_add_double_value (results, r->max_ms);
  json_builder_set_member_name (results, "lost");
  json_builder_add_int_value (results, (gint64) r->lost);
  json_builder_set_member_name (results, "duplicated");
  json_builder_add_int_value (results, (gint64) r->duplicated);
  json_builder_set_member_name (results, "server_cpu_seconds");
  json_builder_add_double_value (results, r->server_cpu_seconds);
  json_builder_set_member_name (results, "server_cpu_us_per_delivery");
  json_builder_add_double_value (results, r->cpu_us_per_delivery);
  json_builder_set_member_name (results, "error_frames");
  json_builder_add_int_value (results, r->errors);
  json_builder_end_object (results);
}

/* C clients join one room of @server, then each sends M messages at R/s;
 * every client receives every message, its own included. */
static gboolean
fanout_run (ChildServer  *server,
            guint         c,
            guint         m,
            double        rate,
            FanoutResult *r)
{
  GMainContext *context = g_main_context_default ();
  g_autoptr(Swarm) swarm = swarm_new (context, server->port);
  Pacer pacer = { 0, };
  double cpu_before;
  guint source;
  gint64 end;

  *r = (FanoutResult) { .server = server->label, .clients = "nexus-bench (libsoup)",
                        .c = c, .m = m, .rate = rate };

  if (!swarm_connect (swarm, c, 100) || !swarm_fill_room (swarm, 0, c))
    {
      g_printerr ("nexus-bench: fan-out set-up failed (%u connected, %u welcomed, %s)\n",
                  swarm->n_connected, swarm->n_welcomed, swarm->first_error);
      return FALSE;
    }
  /* Every joined has reached the first member: the set-up is over. */
  SPIN_UNTIL (context, swarm_client (swarm, 0)->joined_seen >= c - 1, 30);
  spin (context, 0.3);

  swarm->n_senders = c;
  swarm->m = m;
  swarm->record_latency = TRUE;
  g_array_set_size (swarm->latencies, 0);
  g_array_set_size (swarm->latencies, (guint) MIN ((guint64) c * c * m, G_MAXUINT / 2));
  g_array_set_size (swarm->latencies, 0);
  for (guint i = 0; i < c; i++)
    swarm_client (swarm, i)->seen = g_malloc0 ((gsize) c * m);

  cpu_before = process_cpu_seconds (server->pid);
  pacer.swarm = swarm;
  pacer.rate = rate;
  pacer.start = g_get_monotonic_time ();
  source = g_timeout_add (1, pacer_tick, &pacer);
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
      if (pacer.done_senders == c && now - MAX (swarm->last_delivery, pacer.last_send) > 5 * G_USEC_PER_SEC)
        break;
    }
  if (pacer.done_senders < c)
    g_source_remove (source);
  end = swarm->last_delivery;
  r->server_cpu_seconds = process_cpu_seconds (server->pid) - cpu_before;

  g_array_sort (swarm->latencies, compare_u32);
  r->ok = swarm->unique == r->expected;
  r->seconds = (double) (end - pacer.first_send) / G_USEC_PER_SEC;
  r->delivered = swarm->delivered;
  r->lost = r->expected - swarm->unique;
  r->duplicated = swarm->duplicated;
  r->deliveries_per_second = r->seconds > 0 ? swarm->delivered / r->seconds : 0;
  r->p50_ms = percentile_ms (swarm->latencies, 50);
  r->p99_ms = percentile_ms (swarm->latencies, 99);
  r->max_ms = swarm->latencies->len ? g_array_index (swarm->latencies, guint32, swarm->latencies->len - 1) / 1000.0 : 0;
  r->cpu_us_per_delivery = swarm->delivered ? r->server_cpu_seconds * 1e6 / swarm->delivered : 0;
  r->errors = swarm->n_errors;
  return r->ok;
}

typedef struct {
  guint  c;
  guint  m;
  double rate;
} FanoutLoad;

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

static void
fanout_loads_get (const FanoutLoad **loads,
                  guint             *n)
{
  static FanoutLoad custom;

  if (opt_clients > 0)
    {
      custom.c = (guint) opt_clients;
      custom.m = opt_messages > 0 ? (guint) opt_messages : 20;
      custom.rate = opt_rate >= 0 ? opt_rate : 20;
      *loads = &custom;
      *n = 1;
    }
  else if (opt_quick)
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

static void
bench_fanout (gboolean node_ws)
{
  const FanoutLoad *loads;
  guint n;

  fanout_loads_get (&loads, &n);
  fanout_print_header ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ChildServer) server = NULL;
      FanoutResult r;

      if (node_ws)
        server = node_ws_server_start ();
      else
        server = nexus_server_start (NULL, "--rate", "0", NULL);
      if (server == NULL)
        return;
      fanout_run (server, loads[i].c, loads[i].m, loads[i].rate, &r);
      fanout_report (&r);
    }
}

/* Node.js clients against Nexus, ws and Socket.IO servers: the only way
 * to load Socket.IO is its own client, so all three get the same one. */
static void
bench_node_load (void)
{
  g_autofree char *script = g_build_filename (node_dir (), "load.js", NULL);
  const char *servers[] = { "nexus", "ws", "socketio" };
  const FanoutLoad *loads;
  guint n;

  fanout_loads_get (&loads, &n);
  g_print ("\n== fan-out with Node.js clients (ws / socket.io-client) ==\n");
  g_print ("%-9s %4s %5s %6s %10s %11s %8s %8s %8s %6s %5s %9s\n",
           "server", "C", "M", "R/s", "delivered", "deliv/s", "p50 ms", "p99 ms",
           "max ms", "lost", "dup", "cpu µs/d");
  for (guint i = 0; i < n; i++)
    for (guint s = 0; s < G_N_ELEMENTS (servers); s++)
      {
        g_autofree char *c = g_strdup_printf ("%u", loads[i].c);
        g_autofree char *m = g_strdup_printf ("%u", loads[i].m);
        g_autofree char *rate = g_strdup_printf ("%g", loads[i].rate);
        const char *argv[] = { node_bin (), script, "--server", servers[s],
                               "--nexus-bin", server_bin (), "--clients", c,
                               "--messages", m, "--rate", rate, NULL };
        g_autoptr(GError) error = NULL;
        g_autofree char *out = NULL;
        g_autoptr(JsonParser) parser = json_parser_new ();
        int status = 0;
        JsonObject *o;
        FanoutResult r = { 0, };

        if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                           NULL, NULL, &out, NULL, &status, &error)
            || !g_spawn_check_wait_status (status, &error)
            || !json_parser_load_from_data (parser, out, -1, &error)
            || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
          {
            g_printerr ("nexus-bench: node load.js --server %s failed: %s\n", servers[s],
                        error ? error->message : "no JSON");
            continue;
          }
        o = json_node_get_object (json_parser_get_root (parser));
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
        fanout_report (&r);
      }
}

/* Connections */

static void
bench_connections (void)
{
  guint limit = fd_limit ();
  guint per_room = 200;
  g_autoptr(GArray) ks = g_array_new (FALSE, FALSE, sizeof (guint));
  guint k_max = (guint) opt_connections_max;

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

  g_print ("\n== connections: K idle members, %u to a room, for %d s ==\n", per_room, opt_idle_seconds);
  g_print ("%7s %6s %10s %10s %12s %10s %9s %12s %10s\n", "K", "rooms", "connect s",
           "base KiB", "RSS KiB", "KiB/conn", "open", "all stayed", "idle cpu%");

  for (guint j = 0; j < ks->len; j++)
    {
      guint k = g_array_index (ks, guint, j);
      guint rooms = (k + per_room - 1) / per_room;
      g_autofree char *max_conn = g_strdup_printf ("%u", k + 16);
      g_autofree char *max_rooms = g_strdup_printf ("%u", rooms + 1);
      g_autofree char *max_members = g_strdup_printf ("%u", per_room);
      g_autoptr(ChildServer) server = nexus_server_start (NULL, "--rate", "0",
                                                          "--max-connections", max_conn,
                                                          "--max-rooms", max_rooms,
                                                          "--max-members", max_members,
                                                          NULL);
      GMainContext *context = g_main_context_default ();
      g_autoptr(Swarm) swarm = NULL;
      long base_rss, rss;
      double idle_cpu;
      gint64 start;
      double connect_seconds;
      gboolean ok = TRUE;
      guint open = 0;

      if (server == NULL)
        return;
      spin (context, 0.5);
      base_rss = process_rss_kib (server->pid);
      swarm = swarm_new (context, server->port);
      start = g_get_monotonic_time ();
      for (guint r = 0; r < rooms && ok; r++)
        {
          guint n = MIN (per_room, k - r * per_room);

          ok = swarm_connect (swarm, n, 100) && swarm_fill_room (swarm, r * per_room, n);
        }
      connect_seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      if (!ok)
        g_printerr ("nexus-bench: only %u of %u connected and joined (%s)\n",
                    swarm->n_welcomed, k, swarm->first_error);
      /* Idle: only the server's pings. */
      idle_cpu = process_cpu_seconds (server->pid);
      spin (context, opt_idle_seconds);
      idle_cpu = process_cpu_seconds (server->pid) - idle_cpu;
      rss = process_rss_kib (server->pid);
      for (guint i = 0; i < swarm->clients->len; i++)
        {
          Client *client = swarm_client (swarm, i);

          if (client->ws != NULL && !client->closed && client->welcomed)
            open++;
        }

      g_print ("%7u %6u %10.1f %10ld %12ld %10.2f %9u %12s %10.1f\n", k, rooms, connect_seconds,
               base_rss, rss, (double) (rss - base_rss) / k, open, open == k ? "yes" : "NO",
               100 * idle_cpu / opt_idle_seconds);

      json_builder_begin_object (results);
      json_builder_set_member_name (results, "test");
      json_builder_add_string_value (results, "connections");
      json_builder_set_member_name (results, "connections");
      json_builder_add_int_value (results, k);
      json_builder_set_member_name (results, "rooms");
      json_builder_add_int_value (results, rooms);
      json_builder_set_member_name (results, "connect_seconds");
      json_builder_add_double_value (results, connect_seconds);
      json_builder_set_member_name (results, "idle_seconds");
      json_builder_add_int_value (results, opt_idle_seconds);
      json_builder_set_member_name (results, "server_rss_base_kib");
      json_builder_add_int_value (results, base_rss);
      json_builder_set_member_name (results, "server_rss_kib");
      json_builder_add_int_value (results, rss);
      json_builder_set_member_name (results, "kib_per_connection");
      json_builder_add_double_value (results, (double) (rss - base_rss) / k);
      json_builder_set_member_name (results, "server_idle_cpu_percent");
      json_builder_add_double_value (results, 100 * idle_cpu / opt_idle_seconds);
      json_builder_set_member_name (results, "still_open");
      json_builder_add_int_value (results, open);
      json_builder_set_member_name (results, "all_stayed_connected");
      json_builder_add_boolean_value (results, open == k);
      json_builder_end_object (results);
    }
}

/* Join */

static void
bench_join (void)
{
  GMainContext *context = g_main_context_default ();
  g_autoptr(ChildServer) server = nexus_server_start (NULL, "--rate", "0", NULL);
  g_autoptr(Swarm) swarm = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint history = 1000, joins = opt_quick ? 10 : 50;
  Client *creator;
  gsize welcome_bytes = 0;

  if (server == NULL)
    return;
  swarm = swarm_new (context, server->port);
  if (!swarm_connect (swarm, 1, 1) || !swarm_fill_room (swarm, 0, 1))
    return;
  creator = swarm_client (swarm, 0);
  swarm->n_senders = 1;
  swarm->m = history;
  creator->seen = g_malloc0 (history);
  for (guint n = 0; n < history; n++)
    client_say (creator, n);
  if (!SPIN_UNTIL (context, swarm->unique == history, 30))
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
  g_array_sort (times, compare_u32);

  g_print ("\n== join: a member joins a room with %u events of history ==\n", history);
  g_print ("%6s %12s %10s %10s %10s\n", "joins", "welcome KiB", "p50 ms", "p99 ms", "max ms");
  g_print ("%6u %12.1f %10.2f %10.2f %10.2f\n", times->len, welcome_bytes / 1024.0,
           percentile_ms (times, 50), percentile_ms (times, 99),
           times->len ? g_array_index (times, guint32, times->len - 1) / 1000.0 : 0);

  json_builder_begin_object (results);
  json_builder_set_member_name (results, "test");
  json_builder_add_string_value (results, "join");
  json_builder_set_member_name (results, "history_events");
  json_builder_add_int_value (results, history);
  json_builder_set_member_name (results, "joins");
  json_builder_add_int_value (results, times->len);
  json_builder_set_member_name (results, "welcome_bytes");
  json_builder_add_int_value (results, (gint64) welcome_bytes);
  json_builder_set_member_name (results, "join_p50_ms");
  json_builder_add_double_value (results, percentile_ms (times, 50));
  json_builder_set_member_name (results, "join_p99_ms");
  json_builder_add_double_value (results, percentile_ms (times, 99));
  json_builder_set_member_name (results, "join_max_ms");
  json_builder_add_double_value (results, times->len ? g_array_index (times, guint32, times->len - 1) / 1000.0 : 0);
  json_builder_end_object (results);
}

/* Main loop: the host's case */

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
} LoopClients;

static gpointer
loop_clients_thread (gpointer data)
{
  LoopClients *lc = data;
  GMainContext *context = g_main_context_new ();
  Swarm *swarm;
  Pacer pacer = { 0, };
  guint m = (guint) (lc->rate * lc->seconds);
  GSource *source;

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
  SPIN_UNTIL (context, swarm_client (swarm, 0)->joined_seen >= lc->n - 1, 30);
  lc->welcomed = swarm->n_welcomed;
  g_atomic_int_set (&lc->ready, 1);
  SPIN_UNTIL (context, g_atomic_int_get (&lc->go), 60);

  swarm->n_senders = lc->n;
  swarm->m = m;
  for (guint i = 0; i < lc->n; i++)
    swarm_client (swarm, i)->seen = g_malloc0 ((gsize) lc->n * m);
  pacer.swarm = swarm;
  pacer.rate = lc->rate;
  pacer.start = g_get_monotonic_time ();
  source = g_timeout_source_new (1);
  g_source_set_callback (source, pacer_tick, &pacer, NULL);
  g_source_attach (source, context);
  SPIN_UNTIL (context, swarm->unique == (guint64) lc->n * lc->n * m, lc->seconds + 30);
  g_source_destroy (source);
  g_source_unref (source);

  lc->delivered = swarm->delivered;
  lc->errors = swarm->n_errors;
  g_strlcpy (lc->first_error, swarm->first_error, sizeof lc->first_error);
  swarm_free (swarm);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  g_atomic_int_set (&lc->finished, 1);
  return NULL;
}

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

static GSourceFuncs frame_clock_funcs = { NULL, NULL, frame_clock_dispatch, NULL, NULL, NULL };

static void
mainloop_run (guint members)
{
  NexusServerLimits limits;
  g_autoptr(NexusServer) server = NULL;
  g_autoptr(GError) error = NULL;
  LoopClients lc = { 0, };
  GThread *thread;
  FrameClock *clock;
  GMainContext *context = g_main_context_default ();
  struct rusage before, after;
  gint64 wall;
  double cpu;

  nexus_server_limits_init_default (&limits);   /* the default rate limit: 5/s, burst 20 */
  server = nexus_server_new (&limits);
  if (!nexus_server_listen (server, "127.0.0.1", 0, &error))
    {
      g_printerr ("nexus-bench: %s\n", error->message);
      return;
    }

  clock = (FrameClock *) g_source_new (&frame_clock_funcs, sizeof (FrameClock));
  clock->period = G_USEC_PER_SEC / 60;
  clock->due = g_get_monotonic_time () + clock->period;
  clock->delays = g_array_new (FALSE, FALSE, sizeof (guint32));
  clock->work = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_source_set_ready_time ((GSource *) clock, clock->due);
  /* GTK paints at GDK_PRIORITY_REDRAW, below the server's sockets: a
   * frame runs only once nothing of the server's is ready. */
  g_source_set_priority ((GSource *) clock, G_PRIORITY_HIGH_IDLE + 20);
  g_source_attach ((GSource *) clock, context);

  lc.port = nexus_server_get_port (server);
  lc.n = members;
  lc.rate = limits.rate;
  lc.seconds = opt_quick ? 4 : opt_mainloop_seconds;
  thread = g_thread_new ("clients", loop_clients_thread, &lc);
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

  g_array_sort (clock->delays, compare_u32);
  g_array_sort (clock->work, compare_u32);
  cpu = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) + (after.ru_stime.tv_sec - before.ru_stime.tv_sec)
        + ((after.ru_utime.tv_usec - before.ru_utime.tv_usec) + (after.ru_stime.tv_usec - before.ru_stime.tv_usec)) / 1e6;
  {
    double max_ms = clock->delays->len ? g_array_index (clock->delays, guint32, clock->delays->len - 1) / 1000.0 : 0;
    double work_max_ms = clock->work->len ? g_array_index (clock->work, guint32, clock->work->len - 1) / 1000.0 : 0;

    g_print ("%7u %10" G_GUINT64_FORMAT " %8u %10.2f %10.2f %10.2f %8s %12.2f %9.0f %8u\n",
             lc.welcomed, lc.delivered, clock->delays->len, percentile_ms (clock->delays, 50),
             percentile_ms (clock->delays, 99), max_ms, max_ms < 16 ? "yes" : "NO",
             work_max_ms, 100 * cpu * G_USEC_PER_SEC / wall, lc.errors);

    json_builder_begin_object (results);
    json_builder_set_member_name (results, "test");
    json_builder_add_string_value (results, "mainloop");
    json_builder_set_member_name (results, "members");
    json_builder_add_int_value (results, lc.welcomed);
    json_builder_set_member_name (results, "rate_each");
    json_builder_add_double_value (results, lc.rate);
    json_builder_set_member_name (results, "seconds");
    json_builder_add_int_value (results, lc.seconds);
    json_builder_set_member_name (results, "delivered");
    json_builder_add_int_value (results, (gint64) lc.delivered);
    json_builder_set_member_name (results, "ticks");
    json_builder_add_int_value (results, clock->delays->len);
    json_builder_set_member_name (results, "tick_delay_p50_ms");
    json_builder_add_double_value (results, percentile_ms (clock->delays, 50));
    json_builder_set_member_name (results, "tick_delay_p99_ms");
    json_builder_add_double_value (results, percentile_ms (clock->delays, 99));
    json_builder_set_member_name (results, "tick_delay_max_ms");
    json_builder_add_double_value (results, max_ms);
    json_builder_set_member_name (results, "loop_work_between_ticks_p99_ms");
    json_builder_add_double_value (results, percentile_ms (clock->work, 99));
    json_builder_set_member_name (results, "loop_work_between_ticks_max_ms");
    json_builder_add_double_value (results, work_max_ms);
    json_builder_set_member_name (results, "under_16_ms");
    json_builder_add_boolean_value (results, max_ms < 16);
    json_builder_set_member_name (results, "loop_thread_cpu_seconds");
    json_builder_add_double_value (results, cpu);
    json_builder_set_member_name (results, "wall_seconds");
    json_builder_add_double_value (results, (double) wall / G_USEC_PER_SEC);
    json_builder_set_member_name (results, "error_frames");
    json_builder_add_int_value (results, lc.errors);
    json_builder_end_object (results);
  }

  g_array_unref (clock->delays);
  g_array_unref (clock->work);
  g_source_destroy ((GSource *) clock);
  g_source_unref ((GSource *) clock);
}

/* The host's case at growing sizes: 200 members at 5/s is 200 000
 * deliveries a second, more than one core of this machine can send. */
static void
bench_mainloop (void)
{
  static const guint full[] = { 50, 100, 200 };
  static const guint quick[] = { 50, 100 };
  const guint *sizes = opt_quick ? quick : full;
  guint n = opt_quick ? G_N_ELEMENTS (quick) : G_N_ELEMENTS (full);
  guint custom = (guint) opt_mainloop_members;

  if (opt_mainloop_members > 0)
    {
      sizes = &custom;
      n = 1;
    }

  g_print ("\n== main loop: server + 60 Hz tick in one loop, members sending at 5/s each "
           "(the default limit), %d s ==\n", opt_quick ? 4 : opt_mainloop_seconds);
  g_print ("%7s %10s %8s %10s %10s %10s %8s %12s %9s %8s\n", "members", "delivered", "ticks",
           "p50 ms", "p99 ms", "max ms", "< 16 ms", "max work ms", "loop cpu%", "refused");
  for (guint i = 0; i < n; i++)
    mainloop_run (sizes[i]);
}

/* Cost: instructions per delivered message */

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
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                       NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

/* The server runs under callgrind; its counters are zeroed once the room
 * is full and dumped once every message has arrived, so the profile holds
 * the fan-out alone. */
static void
cost_run (guint        c,
          guint        m,
          double       rate,
          const char  *callgrind_out)
{
  g_autofree char *dir = NULL;
  g_autofree char *wrapper = NULL;
  g_autofree char *dump = NULL;
  g_autoptr(ChildServer) server = NULL;
  GMainContext *context = g_main_context_default ();
  g_autoptr(Swarm) swarm = NULL;
  Pacer pacer = { 0, };
  guint64 instructions, expected = (guint64) c * c * m;
  double per_delivery, per_message;

  dir = g_dir_make_tmp ("nexus-bench-XXXXXX", NULL);
  wrapper = g_strdup_printf ("valgrind -q --tool=callgrind --callgrind-out-file=%s/callgrind.out", dir);
  server = nexus_server_start (wrapper, "--rate", "0", NULL);
  if (server == NULL)
    return;
  swarm = swarm_new (context, server->port);
  if (!swarm_connect (swarm, c, 20) || !swarm_fill_room (swarm, 0, c))
    return;
  SPIN_UNTIL (context, swarm_client (swarm, 0)->joined_seen >= c - 1, 60);
  spin (context, 1);
  callgrind_control ("--zero", server->pid);

  swarm->n_senders = c;
  swarm->m = m;
  for (guint i = 0; i < c; i++)
    swarm_client (swarm, i)->seen = g_malloc0 ((gsize) c * m);
  pacer.swarm = swarm;
  pacer.rate = rate;
  pacer.start = g_get_monotonic_time ();
  g_timeout_add (1, pacer_tick, &pacer);
  if (!SPIN_UNTIL (context, swarm->unique == expected, 300))
    g_printerr ("nexus-bench: cost: only %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " arrived\n",
                swarm->unique, expected);
  callgrind_control ("--dump", server->pid);
  dump = g_strdup_printf ("%s/callgrind.out.1", dir);
  instructions = callgrind_total (dump);
  if (callgrind_out != NULL)
    {
      g_autoptr(GFile) from = g_file_new_for_path (dump);
      g_autoptr(GFile) to = g_file_new_for_path (callgrind_out);

      g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL);
    }
  per_delivery = swarm->delivered ? (double) instructions / swarm->delivered : 0;
  per_message = (double) instructions / ((guint64) c * m);

  g_print ("%8u %8u %10" G_GUINT64_FORMAT " %14" G_GUINT64_FORMAT " %14.0f %14.0f\n",
           c, m, swarm->delivered, instructions, per_delivery, per_message);
  if (callgrind_out != NULL)
    g_print ("  profile: %s (callgrind_annotate --inclusive=yes %s)\n", callgrind_out, callgrind_out);

  json_builder_begin_object (results);
  json_builder_set_member_name (results, "test");
  json_builder_add_string_value (results, "cost");
  json_builder_set_member_name (results, "clients");
  json_builder_add_int_value (results, c);
  json_builder_set_member_name (results, "messages_each");
  json_builder_add_int_value (results, m);
  json_builder_set_member_name (results, "delivered");
  json_builder_add_int_value (results, (gint64) swarm->delivered);
  json_builder_set_member_name (results, "instructions");
  json_builder_add_int_value (results, (gint64) instructions);
  json_builder_set_member_name (results, "instructions_per_delivery");
  json_builder_add_double_value (results, per_delivery);
  json_builder_set_member_name (results, "instructions_per_message");
  json_builder_add_double_value (results, per_message);
  json_builder_end_object (results);

  g_clear_pointer (&swarm, swarm_free);
  g_clear_pointer (&server, child_server_stop);
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
}

/* Two rooms: a small one, where reading each frame matters most, and a
 * larger one, where sending to every member does. */
static void
bench_cost (void)
{
  static const FanoutLoad full[] = { { 2, 200, 20 }, { 50, 20, 5 } };
  static const FanoutLoad quick[] = { { 2, 50, 20 }, { 20, 5, 5 } };
  const FanoutLoad *loads = opt_quick ? quick : full;
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
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *out = NULL;

      if (opt_callgrind_out != NULL)
        out = g_strdup_printf ("%s.c%u", opt_callgrind_out, loads[i].c);
      cost_run (loads[i].c, loads[i].m, loads[i].rate, out);
    }
}

/* Main */

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
           g_get_num_processors (), fd_limit ());

  json_builder_set_member_name (results, "machine");
  json_builder_begin_object (results);
  json_builder_set_member_name (results, "cpu");
  json_builder_add_string_value (results, model ? model : "unknown");
  json_builder_set_member_name (results, "cpus");
  json_builder_add_int_value (results, g_get_num_processors ());
  json_builder_end_object (results);
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
                                "main-loop smoothness and cost per delivered message.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("nexus-bench: %s\n", error->message);
      return 2;
    }

  any = opt_fanout || opt_node_ws || opt_node_load || opt_connections || opt_join
        || opt_mainloop || opt_cost;
  if (opt_all || !any)
    opt_fanout = opt_node_ws = opt_node_load = opt_connections = opt_join
      = opt_mainloop = opt_cost = TRUE;

  signal (SIGPIPE, SIG_IGN);
  raise_fd_limit ();
  /* Only loopback here: no proxy lookup. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  results = json_builder_new ();
  json_builder_begin_object (results);
  describe_machine ();
  json_builder_set_member_name (results, "results");
  json_builder_begin_array (results);

  if (opt_fanout)
    bench_fanout (FALSE);
  if (opt_node_ws && node_available ())
    bench_fanout (TRUE);
  if (opt_node_load && node_available ())
    bench_node_load ();
  if (opt_join)
    bench_join ();
  if (opt_mainloop)
    bench_mainloop ();
  if (opt_cost)
    bench_cost ();
  if (opt_connections)
    bench_connections ();

  json_builder_end_array (results);
  json_builder_end_object (results);

  if (opt_json != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (results);

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      if (!json_generator_to_file (generator, opt_json, &error))
        {
          g_printerr ("nexus-bench: %s\n", error->message);
          return 1;
        }
      g_print ("\nfigures written to %s\n", opt_json);
    }
  g_object_unref (results);
  return 0;
}
