/* test-client-files-drops.c: NexusClient's files across drops of the
 * network, through a real NexusServer on 127.0.0.1
 *
 * The WebSocket drops, the PUT is cut, or both, while a file's bytes go;
 * and a PUT is cut while the host is not reading it. Should an upload not
 * settle in time, the test tells where it stands: the client's step, the
 * host's transfers, the recent debug messages and the sockets.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "nexus-client-private.h"
#include "nexus-server.h"
#include "nexus-test-files.h"
#include "nexus-test-utils.h"
#include "test-client-files.h"

/* What the drops test saw last, told when a wait of it runs out: the
 * debug messages of the client and the host (the newest DEBUG_KEPT). */
#define DEBUG_KEPT 200
static GQueue drops_debug = G_QUEUE_INIT;
static gboolean drops_recording;

/* Structured logging passes every message here; debug messages of the
 * drops test are kept, the rest goes on as usual. */
static GLogWriterOutput
drops_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  if (drops_recording && (level & G_LOG_LEVEL_DEBUG))
    {
      /* Nexus Chat's own only; GLib's and libsoup's go on as usual. */
      for (gsize i = 0; i < n_fields; i++)
        if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
          return g_log_writer_default (level, fields, n_fields, user_data);
      for (gsize i = 0; i < n_fields; i++)
        if (strcmp (fields[i].key, "MESSAGE") == 0)
          {
            g_queue_push_tail (&drops_debug,
                               g_strdup_printf ("%.3f %s", g_get_monotonic_time () / 1e6,
                                                (const char *) fields[i].value));
            if (drops_debug.length > DEBUG_KEPT)
              g_free (g_queue_pop_head (&drops_debug));
          }
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* Everything known of an upload that is still SENDING: the client's step,
 * its connection, and each transfer of the host. */
static void
explain_upload (Fixture     *fixture,
                NexusClient *client,
                NexusEvent  *event)
{
  g_autofree char *upload = _nexus_client_upload_describe (client, nexus_event_get_id (event));
  GHashTableIter iter;
  gpointer key;

  g_printerr ("# upload %s: %s\n", nexus_event_get_id (event), upload ? upload : "(none)");
  g_printerr ("# client state %d, last seq %" G_GINT64_FORMAT ", delivery %d\n",
              nexus_client_get_state (client), nexus_client_get_last_seq (client),
              nexus_event_get_delivery (event));
  g_printerr ("# host: %u slots, %u transfers\n",
              nexus_file_store_get_n_slots (fixture->server->files.store),
              g_hash_table_size (fixture->server->files.transfers));
  g_hash_table_iter_init (&iter, fixture->server->files.transfers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      NexusTransfer *t = key;

      g_printerr ("#   %s finished=%d cut=%d paused=%d body_done=%d creating=%d writing=%d "
                  "finishing=%d queued=%" G_GSIZE_FORMAT " turn=%u file=%s state=%d\n",
                  t->upload ? "upload" : "download", t->finished, t->cut, t->paused,
                  t->body_done, t->creating, t->writing, t->finishing, t->queued, t->turn_id,
                  t->file ? nexus_stored_file_get_id (t->file) : "-",
                  t->file ? (int) nexus_stored_file_get_state (t->file) : -1);
    }
  g_printerr ("# host: %u pending connections\n", _nexus_server_get_n_pending (fixture->server));
  for (GList *l = drops_debug.head; l != NULL; l = l->next)
    g_printerr ("# %s\n", (char *) l->data);
  {
    g_autofree char *command = g_strdup_printf ("ss -tanoi '( sport = :%u or dport = :%u )'",
                                                fixture->port, fixture->port);
    g_autofree char *out = NULL;

    if (g_spawn_command_line_sync (command, &out, NULL, NULL, NULL))
      g_printerr ("%s", out);
  }
}

/* WAIT_UNTIL the upload of @event is no longer SENDING, or explain it. */
static void
wait_upload_settled (Fixture     *fixture,
                     NexusClient *client,
                     NexusEvent  *event)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint wake = g_timeout_add_full (G_PRIORITY_LOW, 10, nexus_test_wake, NULL, NULL);

  while (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENDING)
    {
      if (g_get_monotonic_time () > deadline)
        {
          explain_upload (fixture, client, event);
          g_error ("timed out waiting for the upload to be shared");
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}

/* The upload under way on the host, once its request has come. */
static NexusTransfer *
find_upload (NexusServer *server)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, server->files.transfers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (((NexusTransfer *) key)->upload && !((NexusTransfer *) key)->finished)
      return key;
  return NULL;
}

/* The uploader's end of @transfer's connection: both ends are in this
 * process, so it is the descriptor whose address is the host's peer. */
static int
uploader_socket (NexusTransfer *transfer)
{
  int host_fd;
  struct sockaddr_in peer, mine;
  socklen_t length = sizeof peer;

  g_assert_nonnull (transfer->connection);
  host_fd = g_socket_get_fd (g_socket_connection_get_socket (transfer->connection));
  g_assert_cmpint (getpeername (host_fd, (struct sockaddr *) &peer, &length), ==, 0);
  for (int fd = 3; fd < 4096; fd++)
    {
      length = sizeof mine;
      if (fd != host_fd && getsockname (fd, (struct sockaddr *) &mine, &length) == 0
          && mine.sin_family == AF_INET && mine.sin_port == peer.sin_port
          && mine.sin_addr.s_addr == peer.sin_addr.s_addr)
        return fd;
    }
  g_assert_not_reached ();
}

/* The host has told the uploader it takes no more bytes for now. */
static gboolean
window_closed (int fd)
{
  struct tcp_info info = { 0 };
  socklen_t length = sizeof info;

  g_assert_cmpint (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &length), ==, 0);
  g_assert_cmpuint (length, >=, offsetof (struct tcp_info, tcpi_snd_wnd) + sizeof info.tcpi_snd_wnd);
  return info.tcpi_snd_wnd == 0;
}

/* The host stops reading an upload, as when its disk does not keep up
 * (its queue for the disk is full), until the uploader's bytes wait in
 * the kernel's buffers for a window that stays shut. */
static void
stall_upload (NexusServer *server)
{
  NexusTransfer *transfer;
  int fd;

  WAIT_UNTIL ((transfer = find_upload (server)) != NULL);
  fd = uploader_socket (transfer);
  transfer->queued += G_MAXSSIZE;
  WAIT_UNTIL (transfer->paused && window_closed (fd));
}

/* The network drops while the bytes go: the WebSocket alone, the PUT
 * alone, and both; and the PUT is cut while the host is not reading it,
 * so the uploader is waiting for a shut window, not writing. Each file
 * is in the room once. */
static void
test_drops (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(NexusClient) ada = test_files_create_room (fixture, "Ada");
  g_autoptr(NexusClient) bob = test_files_join_room (fixture, ada, "Bob");
  g_autofree char *dir = test_files_make_dir ();
  g_autoptr(GFile) file = test_files_write (dir, "big.bin", 30 * MIB, 5);
  g_autofree char *sha256 = test_files_sha256 (file);

  drops_recording = TRUE;

  for (guint round = 0; round < 4; round++)
    {
      gboolean drop_socket = round == 0 || round == 2;
      gboolean cut_put = round != 0;
      gboolean stalled = round == 3;
      TestFilesProgress progress = { 0 };
      NexusEvent *event = nexus_client_share_file (ada, file, NULL);
      NexusEvent *seen;
      g_autofree char *copy = g_strdup_printf ("copy%u.bin", round);
      g_autofree char *copy_path = g_build_filename (dir, copy, NULL);
      g_autoptr(GFile) dest = g_file_new_for_path (copy_path);

      g_signal_connect (event, "notify::bytes-sent", G_CALLBACK (test_files_on_bytes_sent), &progress);
      WAIT_UNTIL (nexus_event_get_bytes_sent (event) > MIB);
      g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_SENDING);
      if (stalled)
        stall_upload (fixture->server);
      if (cut_put)
        test_files_cut_transfers (fixture->server);
      if (drop_socket)
        {
          nexus_server_drop_connections (fixture->server);
          WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_RECONNECTING);
        }

      wait_upload_settled (fixture, ada, event);
      g_signal_handlers_disconnect_by_data (event, &progress);
      g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_SENT);
      g_assert_cmpuint (progress.n_restarts, ==, cut_put ? 1 : 0);
      WAIT_UNTIL (nexus_client_get_state (bob) == NEXUS_CLIENT_STATE_JOINED);
      WAIT_UNTIL (nexus_client_get_last_seq (bob) == nexus_event_get_seq (event));
      g_assert_true (test_files_find_event (ada, nexus_event_get_id (event)) == event);
      seen = test_files_find_event (bob, nexus_event_get_id (event));
      g_assert_nonnull (seen);
      test_files_download_whole (bob, seen, dest, sha256);
    }

  /* One file each, and no upload half there. */
  nexus_test_assert_store_holds (fixture->server, 4);
  g_assert_cmpuint (nexus_client_get_n_members (ada), ==, 2);
  nexus_test_assert_log_clean (ada);
  nexus_test_assert_log_clean (bob);
  nexus_client_leave (ada);
  nexus_client_leave (bob);
  test_files_remove_dir (dir);
  drops_recording = FALSE;
  g_queue_clear_full (&drops_debug, g_free);
}

void
test_client_files_add_drops (void)
{
  g_log_set_writer_func (drops_writer, NULL, NULL);
  NEXUS_TEST_ADD_SERVER ("/client-files/drops", test_drops, NULL);
}
