/* test-client-files.c: NexusClient sharing and downloading files, through
 * a real NexusServer on 127.0.0.1
 *
 * Drops of the network while a file goes are in test-client-files-drops.c;
 * the exact order of frames across drops, which a real server gives only
 * by chance of timing, is in test-client-files-scripted.c.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "nexus-client-private.h"
#include "nexus-server.h"
#include "nexus-test-files.h"
#include "nexus-test-utils.h"
#include "test-client-files.h"

#define BIG_SIZE   (50 * 1000 * 1000 + 7)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* A PNG of 37 × 23 pixels as far as its header goes, which is as far as
 * the host looks. */
static const guint8 png_head[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x25, 0x00, 0x00, 0x00, 0x17,
  0x01, 0x03, 0x00, 0x00, 0x00, 0xb6, 0xe2, 0x14
};

/* Files on disk */

char *
test_files_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("nexus-client-files-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
test_files_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

/* Writes @size bytes of a sequence of @seed as @dir/@name, a buffer at a
 * time; returns the file. */
GFile *
test_files_write (const char *dir,
                  const char *name,
                  gsize       size,
                  guint32     seed)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree guint8 *buffer = g_malloc (MIB);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  FILE *out = fopen (path, "wb");

  g_assert_nonnull (out);
  while (size > 0)
    {
      gsize n = MIN (size, MIB);

      for (gsize i = 0; i < n; i += 4)
        {
          guint32 x = g_rand_int (rand);

          memcpy (buffer + i, &x, MIN (4, n - i));
        }
      g_assert_cmpuint (fwrite (buffer, 1, n, out), ==, n);
      size -= n;
    }
  g_assert_cmpint (fclose (out), ==, 0);
  return g_file_new_for_path (path);
}

char *
test_files_sha256 (GFile *file)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GFileInputStream) input = g_file_read (file, NULL, NULL);
  g_autofree guint8 *buffer = g_malloc (MIB);
  gssize n;

  g_assert_nonnull (input);
  while ((n = g_input_stream_read (G_INPUT_STREAM (input), buffer, MIB, NULL, NULL)) > 0)
    g_checksum_update (checksum, buffer, n);
  g_assert_cmpint (n, ==, 0);
  return g_strdup (g_checksum_get_string (checksum));
}

/* Cuts every upload and download of the host, as a failing network
 * would. */
void
test_files_cut_transfers (NexusServer *server)
{
  GList *transfers = g_hash_table_get_keys (server->files.transfers);

  g_assert_nonnull (transfers);
  for (GList *l = transfers; l != NULL; l = l->next)
    {
      NexusTransfer *t = l->data;

      g_debug ("test: cutting a%s (finished=%d cut=%d paused=%d body_done=%d connection=%p)",
               t->upload ? "n upload" : " download", t->finished, t->cut, t->paused,
               t->body_done, (void *) t->connection);
      _nexus_transfer_cut (l->data);
    }
  g_list_free (transfers);
}

/* Clients */

NexusClient *
test_files_create_room (Fixture    *fixture,
             const char *name)
{
  NexusClient *client = nexus_client_new ("127.0.0.1", fixture->port);

  nexus_client_create (client, name);
  WAIT_UNTIL (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_CONNECTING);
  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_JOINED);
  g_assert_true (nexus_client_get_can_share_files (client));
  return client;
}

NexusClient *
test_files_join_room (Fixture     *fixture,
           NexusClient *host,
           const char  *name)
{
  NexusClient *client = nexus_client_new ("127.0.0.1", fixture->port);
  guint n = nexus_client_get_n_members (host);

  nexus_client_join (client, nexus_client_get_room (host), name);
  WAIT_UNTIL (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_CONNECTING);
  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_JOINED);
  WAIT_UNTIL (nexus_client_get_n_members (host) == n + 1);
  return client;
}

/* The events of @client's log with @id: at most one may be there. */
NexusEvent *
test_files_find_event (NexusClient *client,
            const char  *id)
{
  GListModel *events = nexus_client_get_events (client);
  NexusEvent *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (g_strcmp0 (nexus_event_get_id (event), id) == 0)
        {
          g_assert_null (found);
          found = event;   /* the log keeps it alive */
        }
    }
  return found;
}

void
test_files_on_bytes_sent (NexusEvent *event,
               GParamSpec *pspec,
               TestFilesProgress   *progress)
{
  gint64 sent = nexus_event_get_bytes_sent (event);

  if (sent == 0 && progress->last > 0)
    progress->n_restarts++;
  else
    g_assert_cmpint (sent, >=, progress->last);
  g_assert_cmpint (sent, <=, nexus_event_get_file_size (event));
  if (sent / MIB != progress->last / MIB)
    progress->max_rss_kib = MAX (progress->max_rss_kib, nexus_test_rss_kib ());
  progress->last = sent;
  progress->n_changes++;
}

/* Downloads */

typedef struct {
  GAsyncResult *result;
  goffset       first;       /* of the first progress told, -1 before */
  goffset       last;
  goffset       cut_at;      /* cut the host's transfers once this much is here; 0: never */
  GCancellable *cancel;      /* cancelled once cancel_at is here */
  goffset       cancel_at;
  NexusServer  *server;
} Download;

static void
on_download_progress (goffset  received,
                      goffset  total,
                      gpointer user_data)
{
  Download *download = user_data;

  g_assert_cmpint (received, <=, total);
  g_assert_cmpint (received, >=, download->last);
  if (download->first < 0)
    download->first = received;
  download->last = received;
  if (download->cut_at > 0 && received >= download->cut_at)
    {
      download->cut_at = 0;
      test_files_cut_transfers (download->server);
    }
  if (download->cancel != NULL && download->cancel_at > 0 && received >= download->cancel_at)
    {
      download->cancel_at = 0;
      g_cancellable_cancel (download->cancel);
    }
}

/* Downloads @event's file as @dest; returns the error, if any. */
static GError *
download_full (NexusClient *client,
               NexusEvent  *event,
               GFile       *dest,
               Download    *download)
{
  GError *error = NULL;

  download->first = -1;
  download->last = 0;
  download->result = NULL;
  nexus_client_download_async (client, event, dest, download->cancel, on_download_progress,
                               download, NULL, nexus_test_async_result_cb, &download->result);
  WAIT_UNTIL (download->result != NULL);
  nexus_client_download_finish (client, download->result, &error);
  g_clear_object (&download->result);
  return error;
}

void
test_files_download_whole (NexusClient *client,
                NexusEvent  *event,
                GFile       *dest,
                const char  *sha256)
{
  Download download = { 0 };
  g_autoptr(GError) error = download_full (client, event, dest, &download);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (download.first, ==, 0);
  g_assert_cmpint (download.last, ==, nexus_event_get_file_size (event));
  got = test_files_sha256 (dest);
  g_assert_cmpstr (got, ==, sha256);
}

/* Tests */

/* An empty file, one byte, 50 MB and a picture: progress to the end, the
 * message once for the others, the same bytes downloaded. */
static void
test_share_and_download (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(NexusClient) ada = test_files_create_room (fixture, "Ada");
  g_autoptr(NexusClient) bob = test_files_join_room (fixture, ada, "Bob");
  g_autofree char *dir = test_files_make_dir ();
  const gsize sizes[] = { 0, 1, BIG_SIZE };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("file %u.bin", i);
      g_autofree char *copy = g_strdup_printf ("copy %u.bin", i);
      g_autofree char *copy_path = g_build_filename (dir, copy, NULL);
      g_autoptr(GFile) file = test_files_write (dir, name, sizes[i], i + 1);
      g_autoptr(GFile) dest = g_file_new_for_path (copy_path);
      g_autofree char *sha256 = test_files_sha256 (file);
      g_autofree char *size_text = nexus_file_size_format (sizes[i]);
      g_autofree char *text = g_strdup_printf ("\xf0\x9f\x93\x8e %s (%s)", name, size_text);
      TestFilesProgress progress = { 0 };
      gint64 rss_before = nexus_test_rss_kib ();
      NexusEvent *event = nexus_client_share_file (ada, file, NULL);
      NexusEvent *seen;

      g_assert_nonnull (event);
      g_assert_true (nexus_event_has_file (event));
      g_assert_true (nexus_event_get_is_own (event));
      g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_SENDING);
      g_assert_cmpstr (nexus_event_get_file_name (event), ==, name);
      g_assert_null (nexus_event_get_file_url (event));
      g_signal_connect (event, "notify::bytes-sent", G_CALLBACK (test_files_on_bytes_sent), &progress);

      WAIT_UNTIL (nexus_event_get_delivery (event) != NEXUS_DELIVERY_SENDING);
      g_signal_handlers_disconnect_by_data (event, &progress);
      g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_SENT);
      g_assert_null (nexus_event_get_failure (event));
      g_assert_cmpint (nexus_event_get_file_size (event), ==, sizes[i]);
      g_assert_cmpint (nexus_event_get_bytes_sent (event), ==, sizes[i]);
      g_assert_cmpuint (progress.n_restarts, ==, 0);
      if (sizes[i] > MIB)
        {
          g_assert_cmpuint (progress.n_changes, >, 10);
          /* Streamed, on both sides of the loopback: never whole in memory.
           * (Under AddressSanitizer freed memory waits in quarantine.) */
          g_test_message ("RSS grew by %" G_GINT64_FORMAT " KiB for %" G_GSIZE_FORMAT " bytes",
                          progress.max_rss_kib - rss_before, sizes[i]);
#ifndef UNDER_ASAN
          g_assert_cmpint (progress.max_rss_kib - rss_before, <, 16 * 1024);
#endif
        }
      g_assert_cmpstr (nexus_event_get_file_type (event), ==, "application/octet-stream");
      g_assert_true (g_str_has_prefix (nexus_event_get_file_url (event), "/files/"));
      g_assert_cmpstr (nexus_event_get_text (event), ==, text);
      g_assert_false (nexus_event_is_picture (event));
      g_assert_true (test_files_find_event (ada, nexus_event_get_id (event)) == event);

      /* Bob sees it once, as Ada's file. */
      WAIT_UNTIL (nexus_client_get_last_seq (bob) == nexus_event_get_seq (event));
      seen = test_files_find_event (bob, nexus_event_get_id (event));
      g_assert_nonnull (seen);
      g_assert_false (nexus_event_get_is_own (seen));
      g_assert_cmpstr (nexus_event_get_name (seen), ==, "Ada");
      g_assert_cmpstr (nexus_event_get_file_name (seen), ==, name);
      g_assert_cmpint (nexus_event_get_file_size (seen), ==, sizes[i]);
      g_assert_cmpstr (nexus_event_get_file_url (seen), ==, nexus_event_get_file_url (event));
      g_assert_cmpstr (nexus_event_get_text (seen), ==, text);

      test_files_download_whole (bob, seen, dest, sha256);
      {
        g_autofree char *part_path = g_strconcat (copy_path, ".part", NULL);

        g_assert_false (g_file_test (part_path, G_FILE_TEST_EXISTS));
      }
    }

  /* A picture: the host says so, with its size. */
  {
    g_autofree char *path = g_build_filename (dir, "dot.png", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    NexusEvent *event, *seen;

    g_assert_true (g_file_set_contents (path, (const char *) png_head, sizeof png_head, NULL));
    event = nexus_client_share_file (ada, file, "image/png");
    WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT);
    WAIT_UNTIL (nexus_client_get_last_seq (bob) == nexus_event_get_seq (event));
    seen = test_files_find_event (bob, nexus_event_get_id (event));
    g_assert_true (nexus_event_is_picture (seen));
    g_assert_true (nexus_event_is_picture (event));
    g_assert_cmpstr (nexus_event_get_file_type (seen), ==, "image/png");
    g_assert_cmpint (nexus_event_get_file_width (seen), ==, 37);
    g_assert_cmpint (nexus_event_get_file_height (seen), ==, 23);
  }

  nexus_test_assert_log_clean (ada);
  nexus_test_assert_log_clean (bob);
  nexus_client_leave (ada);
  nexus_client_leave (bob);
  test_files_remove_dir (dir);
}

/* A download cut by the network, or cancelled, leaves DEST.part, and the
 * next one asks only for the rest. */
static void
test_download_resumes (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(NexusClient) ada = test_files_create_room (fixture, "Ada");
  g_autoptr(NexusClient) bob = test_files_join_room (fixture, ada, "Bob");
  g_autofree char *dir = test_files_make_dir ();
  g_autoptr(GFile) file = test_files_write (dir, "film.bin", 12 * MIB + 3, 7);
  g_autofree char *sha256 = test_files_sha256 (file);
  g_autofree char *dest_path = g_build_filename (dir, "saved.bin", NULL);
  g_autofree char *part_path = g_strconcat (dest_path, ".part", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  Download download = { .server = fixture->server };
  NexusEvent *event = nexus_client_share_file (ada, file, NULL);
  NexusEvent *seen;
  GStatBuf st;
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  goffset kept;

  WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT);
  WAIT_UNTIL ((seen = test_files_find_event (bob, nexus_event_get_id (event))) != NULL);

  /* The host's side of the download is cut after 3 MiB. */
  download.cut_at = 3 * MIB;
  error = download_full (bob, seen, dest, &download);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpstr (error->message, ==,
                   "The download of “film.bin” was interrupted. Try again: it goes on where "
                   "it stopped.");
  g_clear_error (&error);
  g_assert_false (g_file_query_exists (dest, NULL));
  g_assert_cmpint (g_stat (part_path, &st), ==, 0);
  kept = st.st_size;
  g_assert_cmpint (kept, >=, 3 * MIB);
  g_assert_cmpint (kept, <, 12 * MIB);

  /* Cancelled after 3 MiB more: what came is kept too. */
  download.cancel = cancel;
  download.cancel_at = kept + 3 * MIB;
  error = download_full (bob, seen, dest, &download);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (download.first, ==, kept);
  g_assert_cmpint (g_stat (part_path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >=, kept + 3 * MIB);
  kept = st.st_size;

  /* And the rest. */
  download.cancel = NULL;
  error = download_full (bob, seen, dest, &download);
  g_assert_no_error (error);
  g_assert_cmpint (download.first, ==, kept);
  g_assert_cmpint (download.last, ==, 12 * MIB + 3);
  got = test_files_sha256 (dest);
  g_assert_cmpstr (got, ==, sha256);
  g_assert_false (g_file_test (part_path, G_FILE_TEST_EXISTS));

  /* A part longer than the file is not the file's: it is fetched whole. */
  g_assert_true (g_file_set_contents (part_path, "x", 1, NULL));
  g_assert_cmpint (g_unlink (dest_path), ==, 0);
  {
    g_autoptr(GFile) small = test_files_write (dir, "tiny.bin", 1, 9);
    NexusEvent *tiny = nexus_client_share_file (ada, small, NULL);

    WAIT_UNTIL (nexus_event_get_delivery (tiny) == NEXUS_DELIVERY_SENT);
    g_free (sha256);
    sha256 = test_files_sha256 (small);
    test_files_download_whole (ada, tiny, dest, sha256);
  }

  nexus_client_leave (ada);
  nexus_client_leave (bob);
  test_files_remove_dir (dir);
}

/* Cancelled while its bytes go: nothing of it reaches the room or stays
 * on the host's disk. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(NexusClient) ada = test_files_create_room (fixture, "Ada");
  g_autoptr(NexusClient) bob = test_files_join_room (fixture, ada, "Bob");
  g_autofree char *dir = test_files_make_dir ();
  g_autoptr(GFile) file = test_files_write (dir, "big.bin", BIG_SIZE, 3);
  GListModel *events = nexus_client_get_events (ada);
  guint n_before = g_list_model_get_n_items (events);
  gint64 seq_before = nexus_client_get_last_seq (ada);
  NexusEvent *event;
  g_autofree char *id = NULL;

  /* At once, before anything was asked. */
  event = nexus_client_share_file (ada, file, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (events), ==, n_before + 1);
  g_assert_true (nexus_client_cancel_upload (ada, event));
  g_assert_cmpuint (g_list_model_get_n_items (events), ==, n_before);
  g_assert_false (nexus_client_cancel_upload (ada, event));

  /* Midway. */
  event = nexus_client_share_file (ada, file, NULL);
  id = g_strdup (nexus_event_get_id (event));
  WAIT_UNTIL (nexus_event_get_bytes_sent (event) > MIB);
  g_assert_cmpint (nexus_event_get_bytes_sent (event), <, BIG_SIZE);
  g_assert_true (nexus_client_cancel_upload (ada, event));
  g_assert_cmpuint (g_list_model_get_n_items (events), ==, n_before);
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 0);
  nexus_test_assert_store_holds (fixture->server, 0);

  /* Nothing more was said in the room. */
  nexus_client_say (ada, "after");
  WAIT_UNTIL (nexus_client_get_last_seq (bob) == seq_before + 1);
  g_assert_null (test_files_find_event (bob, id));
  g_assert_null (test_files_find_event (ada, id));
  g_assert_cmpuint (nexus_client_get_n_unsent (ada), ==, 0);

  nexus_client_leave (ada);
  nexus_client_leave (bob);
  test_files_remove_dir (dir);
}

static void
limits_for_sizes (NexusServerLimits *limits)
{
  limits->max_file_size = 1024;
  limits->max_room_files = 4096;
}

/* Refusals are sentences that say the limit; Retry asks again. */
static void
test_too_large (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(NexusClient) ada = test_files_create_room (fixture, "Ada");
  g_autofree char *dir = test_files_make_dir ();
  g_autoptr(GFile) big = test_files_write (dir, "big.bin", 2000, 1);
  NexusEvent *event = nexus_client_share_file (ada, big, NULL);
  NexusEvent *full;
  const char *too_large = "“big.bin” is too large: the host takes files of at most 1 KiB.";

  WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_FAILED);
  g_assert_cmpstr (nexus_event_get_failure (event), ==, too_large);
  g_assert_cmpint (nexus_event_get_bytes_sent (event), ==, 0);

  nexus_client_retry (ada, event);
  g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_SENDING);
  g_assert_null (nexus_event_get_failure (event));
  WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_FAILED);
  g_assert_cmpstr (nexus_event_get_failure (event), ==, too_large);

  /* Four of 1000 bytes fill the room's 4 KiB; a fifth does not fit. */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u.bin", i);
      g_autoptr(GFile) file = test_files_write (dir, name, 1000, i);
      NexusEvent *fits = nexus_client_share_file (ada, file, NULL);

      WAIT_UNTIL (nexus_event_get_delivery (fits) != NEXUS_DELIVERY_SENDING);
      g_assert_cmpint (nexus_event_get_delivery (fits), ==, NEXUS_DELIVERY_SENT);
    }
  {
    g_autoptr(GFile) file = test_files_write (dir, "f4.bin", 1000, 4);

    full = nexus_client_share_file (ada, file, NULL);
    WAIT_UNTIL (nexus_event_get_delivery (full) == NEXUS_DELIVERY_FAILED);
    g_assert_cmpstr (nexus_event_get_failure (full), ==,
                     "There is no room left for “f4.bin”: the files of this room may take "
                     "4 KiB in all, and go only when the room ends.");
  }

  /* A file that cannot be read. */
  {
    g_autofree char *path = g_build_filename (dir, "gone.bin", NULL);
    g_autoptr(GFile) gone = g_file_new_for_path (path);
    NexusEvent *unread = nexus_client_share_file (ada, gone, NULL);

    WAIT_UNTIL (nexus_event_get_delivery (unread) == NEXUS_DELIVERY_FAILED);
    g_assert_true (g_str_has_prefix (nexus_event_get_failure (unread),
                                     "“gone.bin” could not be read: "));
  }

  /* A failed one can be put away. */
  {
    g_autofree char *id = g_strdup (nexus_event_get_id (full));

    g_assert_true (nexus_client_cancel_upload (ada, full));
    g_assert_null (test_files_find_event (ada, id));
  }
  nexus_client_leave (ada);
  test_files_remove_dir (dir);
}

/* Files are in the history: of a late joiner, and of a member that
 * resumes after they were shared. */
static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(NexusClient) ada = test_files_create_room (fixture, "Ada");
  g_autoptr(NexusClient) bob = test_files_join_room (fixture, ada, "Bob");
  g_autoptr(NexusClient) carol = NULL;
  g_autofree char *dir = test_files_make_dir ();
  g_autofree char *png_path = g_build_filename (dir, "dot.png", NULL);
  g_autoptr(GFile) png = g_file_new_for_path (png_path);
  g_autoptr(GFile) file = test_files_write (dir, "notes.txt", 100000, 11);
  g_autofree char *sha256 = test_files_sha256 (file);
  g_autofree char *dest_path = g_build_filename (dir, "carol.txt", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  NexusEvent *picture, *notes, *seen;

  g_assert_true (g_file_set_contents (png_path, (const char *) png_head, sizeof png_head, NULL));

  /* Bob comes back only after both are shared. */
  bob->backoff_ms = 4000;
  nexus_server_drop_connections (fixture->server);
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_RECONNECTING);
  picture = nexus_client_share_file (ada, png, NULL);
  notes = nexus_client_share_file (ada, file, NULL);
  WAIT_UNTIL (nexus_event_get_delivery (notes) == NEXUS_DELIVERY_SENT
              && nexus_event_get_delivery (picture) == NEXUS_DELIVERY_SENT);
  g_assert_cmpint (nexus_client_get_state (bob), ==, NEXUS_CLIENT_STATE_RECONNECTING);
  WAIT_UNTIL (nexus_client_get_state (bob) == NEXUS_CLIENT_STATE_JOINED);
  seen = test_files_find_event (bob, nexus_event_get_id (picture));
  g_assert_nonnull (seen);
  g_assert_true (nexus_event_is_picture (seen));
  g_assert_nonnull (test_files_find_event (bob, nexus_event_get_id (notes)));
  nexus_test_assert_log_clean (bob);

  /* Carol joins later and sees them; her key fetches them. */
  carol = test_files_join_room (fixture, ada, "Carol");
  seen = test_files_find_event (carol, nexus_event_get_id (picture));
  g_assert_nonnull (seen);
  g_assert_true (nexus_event_is_picture (seen));
  g_assert_cmpint (nexus_event_get_file_width (seen), ==, 37);
  seen = test_files_find_event (carol, nexus_event_get_id (notes));
  g_assert_nonnull (seen);
  g_assert_cmpstr (nexus_event_get_file_name (seen), ==, "notes.txt");
  g_assert_cmpint (nexus_event_get_file_size (seen), ==, 100000);
  test_files_download_whole (carol, seen, dest, sha256);

  /* Each member's key is its own. */
  {
    g_autofree char *carol_uri = nexus_client_get_file_uri (carol, seen);
    g_autofree char *ada_uri = nexus_client_get_file_uri (ada, notes);
    g_autofree char *prefix = g_strdup_printf ("http://127.0.0.1:%u/files/", fixture->port);

    g_assert_true (g_str_has_prefix (carol_uri, prefix));
    g_assert_nonnull (strstr (carol_uri, "?key="));
    g_assert_cmpstr (carol_uri, !=, ada_uri);
  }

  nexus_client_leave (ada);
  nexus_client_leave (bob);
  nexus_client_leave (carol);
  test_files_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  test_client_files_add_scripted ();
  test_client_files_add_drops ();
  NEXUS_TEST_ADD_SERVER ("/client-files/share-and-download", test_share_and_download,
                         nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/client-files/download-resumes", test_download_resumes, NULL);
  NEXUS_TEST_ADD_SERVER ("/client-files/cancel", test_cancel, NULL);
  NEXUS_TEST_ADD_SERVER ("/client-files/too-large", test_too_large, limits_for_sizes);
  NEXUS_TEST_ADD_SERVER ("/client-files/history", test_history, NULL);

  return g_test_run ();
}
