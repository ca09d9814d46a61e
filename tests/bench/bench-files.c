/* bench-files.c: --files, a large file through the host while its rooms chat
 *
 * A NexusServer in this process (the host's case, as in --mainloop): a
 * 60 Hz frame clock at GTK's redraw priority shares its main loop, and
 * members of a room send messages at the default rate limit from another
 * thread. Meanwhile one member uploads a file of --files-mib MiB (1 GiB
 * unless told) made as it is sent, shares it, and downloads it again; the
 * file clients are threads with blocking sockets, as a browser on another
 * machine would be. Measured: upload and download throughput on
 * loopback, the host's resident memory while the file moves (sampled
 * every 20 ms from a thread of its own, so the loop is not disturbed), how
 * late the frame clock's ticks run while it moves, and the chat's
 * delivery latency.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "bench-common.h"
#include "nexus-test-files.h"

#define MIB (1024 * 1024)

typedef struct {
  gint   stop;        /* atomic */
  gint64 largest;     /* KiB */
} RssSampler;

static gpointer
rss_sampler_thread (gpointer data)
{
  RssSampler *sampler = data;

  while (!g_atomic_int_get (&sampler->stop))
    {
      sampler->largest = MAX (sampler->largest, nexus_test_rss_kib ());
      g_usleep (20 * 1000);
    }
  return NULL;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* Runs a stream to its end on @context; FALSE when it took too long. */
static gboolean
run_stream (GMainContext    *context,
            NexusTestStream *stream)
{
  gboolean done = SPIN_UNTIL (context, nexus_test_stream_done (stream), 600);

  if (done)
    nexus_test_stream_wait (stream, 1);
  return done;
}

static double
mb_per_second (guint64 bytes,
               gint64  usec)
{
  return usec > 0 ? (double) bytes / usec : 0;
}

void
bench_files (Bench *bench)
{
  guint64 size = (guint64) (bench->files_mib > 0 ? bench->files_mib : bench->quick ? 256 : 1024) * MIB;
  guint members = bench->quick ? 20 : 50;
  GMainContext *context = g_main_context_default ();
  g_autofree char *files_dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusServer) server = NULL;
  g_autoptr(NexusTestStream) up = NULL;
  g_autoptr(NexusTestStream) down = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autofree char *slot = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (guint32));
  NexusTestClient *uploader;
  NexusServerLimits limits;
  LoopClients lc = { 0, };
  RssSampler sampler = { 0, };
  FrameClock *clock;
  GThread *chat, *rss;
  gint64 rss_before, start, moved;
  double tick_max, work_max;

  g_print ("\n== files: %" G_GUINT64_FORMAT " MiB up and down through a host in this process, "
           "%u members chatting at 5/s each meanwhile ==\n", size / MIB, members);

  files_dir = g_dir_make_tmp ("nexus-bench-files-XXXXXX", &error);
  if (files_dir == NULL)
    {
      g_printerr ("nexus-bench: %s\n", error->message);
      return;
    }
  nexus_server_limits_init_default (&limits);
  limits.max_file_size = (gint64) size;
  limits.max_room_files = (gint64) size;
  limits.files_dir = files_dir;
  server = nexus_server_new (&limits);
  if (!nexus_server_listen (server, "127.0.0.1", 0, &error))
    {
      g_printerr ("nexus-bench: %s\n", error->message);
      return;
    }

  /* The chat: long enough to outlast the file. */
  lc.port = nexus_server_get_port (server);
  lc.n = members;
  lc.rate = limits.rate;
  lc.seconds = bench->quick ? 15 : 40;
  lc.latencies = latencies;
  clock = bench_frame_clock_new (context);
  chat = g_thread_new ("chat", bench_loop_clients_thread, &lc);
  SPIN_UNTIL (context, g_atomic_int_get (&lc.ready), 120);
  g_atomic_int_set (&lc.go, 1);
  bench_spin (context, 1);

  uploader = nexus_test_client_new (lc.port, NULL);
  welcome = nexus_test_client_create (uploader, "Uploader");
  rss_before = nexus_test_rss_kib ();
  sampler.largest = rss_before;
  rss = g_thread_new ("rss", rss_sampler_thread, &sampler);

  /* The frame clock counts from the first byte to the last. */
  clock->measuring = TRUE;
  start = g_get_monotonic_time ();
  slot = nexus_test_upload_slot (uploader, "big", "big.bin", (gint64) size);
  up = nexus_test_stream_start (lc.port, slot, TRUE, size, 1, FALSE);
  if (!run_stream (context, up) || nexus_test_stream_status (up) != 201)
    g_printerr ("nexus-bench: the upload failed (status %u)\n", nexus_test_stream_status (up));
  message = nexus_test_share (uploader, "big");
  path = nexus_test_file_path (message, welcome);
  down = nexus_test_stream_start (lc.port, path, FALSE, 0, 0, FALSE);
  if (!run_stream (context, down) || nexus_test_stream_bytes (down) != size)
    g_printerr ("nexus-bench: the download failed (status %u, %" G_GUINT64_FORMAT " bytes)\n",
                nexus_test_stream_status (down), nexus_test_stream_bytes (down));
  moved = g_get_monotonic_time () - start;
  clock->measuring = FALSE;
  g_atomic_int_set (&sampler.stop, 1);
  g_thread_join (rss);

  SPIN_UNTIL (context, g_atomic_int_get (&lc.finished), lc.seconds + 60);
  g_thread_join (chat);
  if (g_get_monotonic_time () - start > (gint64) lc.seconds * G_USEC_PER_SEC)
    g_print ("(the file took longer than the chat: ticks after the chat ended count too)\n");

  bench_samples_sort (clock->delays);
  bench_samples_sort (clock->work);
  bench_samples_sort (latencies);
  tick_max = bench_max_ms (clock->delays);
  work_max = bench_max_ms (clock->work);
  /* The loop's own work between two ticks tells a tick delayed by the
   * host from one delayed by the scheduler (two cores, shared). */
  g_print ("%8s %9s %9s %9s %7s %8s %8s %8s %9s %9s %9s %7s\n", "up MB/s", "down MB/s",
           "RSS KiB", "RSS +KiB", "ticks", "p99 ms", "max ms", "< 16 ms", "max work", "chat p99",
           "chat max", "refused");
  g_print ("%8.0f %9.0f %9" G_GINT64_FORMAT " %9" G_GINT64_FORMAT " %7u %8.2f %8.2f %8s %9.2f "
           "%9.2f %9.2f %7u\n",
           mb_per_second (nexus_test_stream_bytes (up), nexus_test_stream_usec (up)),
           mb_per_second (nexus_test_stream_bytes (down), nexus_test_stream_usec (down)),
           sampler.largest, sampler.largest - rss_before, clock->delays->len,
           bench_percentile_ms (clock->delays, 99), tick_max, tick_max < 16 ? "yes" : "NO",
           work_max, bench_percentile_ms (latencies, 99), bench_max_ms (latencies), lc.errors);

  bench_result_begin (bench, "files");
  bench_result_int (bench, "file_bytes", (gint64) size);
  bench_result_double (bench, "upload_seconds", nexus_test_stream_usec (up) / 1e6);
  bench_result_double (bench, "upload_mb_per_s",
                       mb_per_second (nexus_test_stream_bytes (up), nexus_test_stream_usec (up)));
  bench_result_double (bench, "download_seconds", nexus_test_stream_usec (down) / 1e6);
  bench_result_double (bench, "download_mb_per_s",
                       mb_per_second (nexus_test_stream_bytes (down), nexus_test_stream_usec (down)));
  bench_result_int (bench, "host_rss_before_kib", rss_before);
  bench_result_int (bench, "host_rss_max_kib", sampler.largest);
  bench_result_int (bench, "chat_members", lc.welcomed);
  bench_result_int (bench, "chat_delivered", (gint64) lc.delivered);
  bench_result_double (bench, "chat_latency_p99_ms", bench_percentile_ms (latencies, 99));
  bench_result_double (bench, "chat_latency_max_ms", bench_max_ms (latencies));
  bench_result_int (bench, "ticks", clock->delays->len);
  bench_result_double (bench, "tick_delay_p50_ms", bench_percentile_ms (clock->delays, 50));
  bench_result_double (bench, "tick_delay_p99_ms", bench_percentile_ms (clock->delays, 99));
  bench_result_double (bench, "tick_delay_max_ms", tick_max);
  bench_result_boolean (bench, "under_16_ms", tick_max < 16);
  bench_result_double (bench, "loop_work_between_ticks_max_ms", work_max);
  bench_result_double (bench, "transfer_seconds", moved / 1e6);
  bench_result_int (bench, "error_frames", lc.errors);
  bench_result_end (bench);

  nexus_test_client_free (uploader);
  g_source_destroy ((GSource *) clock);
  g_source_unref ((GSource *) clock);
  g_clear_object (&server);
  remove_tree (files_dir);
}
