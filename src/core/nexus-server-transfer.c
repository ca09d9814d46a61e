/* nexus-server-transfer.c: files in the rooms — a transfer of bytes
 *
 * An upload (nexus-server-upload.c) or a download
 * (nexus-server-download.c) is an HTTP request whose bytes may take a
 * long time: this file holds what both are, how each ends, and the
 * deadline they share. Neither way is a file ever whole in memory, and
 * the main loop never waits on the disk.
 *
 * A transfer that moves no byte for --upload-stall-seconds is cut: its
 * socket is shut down (the server's pending table holds it) and an upload
 * leaves nothing on disk. So does one that ends early, or whose room
 * ends, or whose uploader leaves before sharing it. These connections are
 * exempt from the HTTP exchange's 60 s: a file may take longer than that.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "nexus-server-private.h"

#define HOST_REFUSED_TEXT \
  "This server answers only to its own names and addresses. Open it by its IP address.\n"

NexusTransfer *
_nexus_transfer_ref (NexusTransfer *transfer)
{
  g_ref_count_inc (&transfer->ref_count);
  return transfer;
}

void
_nexus_transfer_unref (NexusTransfer *transfer)
{
  if (!g_ref_count_dec (&transfer->ref_count))
    return;
  g_clear_handle_id (&transfer->turn_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (transfer->msg, transfer);
  g_clear_object (&transfer->msg);
  g_clear_object (&transfer->connection);
  g_clear_object (&transfer->cancellable);
  g_clear_object (&transfer->path);
  g_clear_object (&transfer->output);
  g_clear_object (&transfer->input);
  g_queue_clear_full (&transfer->queue, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&transfer->batch, g_ptr_array_unref);
  g_free (transfer->vectors);
  g_free (transfer);
}

static gboolean
transfer_waits_for_disk (NexusTransfer *transfer)
{
  return transfer->creating || transfer->writing || transfer->finishing || transfer->reading;
}

/* Closes a stream once nothing is pending on it, without waiting. */
void
_nexus_transfer_on_stream_closed (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  if (G_IS_OUTPUT_STREAM (source))
    g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, NULL);
  else
    g_input_stream_close_finish (G_INPUT_STREAM (source), result, NULL);
}

void
_nexus_transfer_release_streams (NexusTransfer *transfer)
{
  if (transfer->output != NULL && !transfer->writing && !transfer->finishing)
    {
      g_autoptr(GOutputStream) output = g_steal_pointer (&transfer->output);

      g_output_stream_close_async (output, G_PRIORITY_LOW, NULL, _nexus_transfer_on_stream_closed,
                                   NULL);
    }
  if (transfer->input != NULL && !transfer->reading)
    {
      g_autoptr(GInputStream) input = g_steal_pointer (&transfer->input);

      g_input_stream_close_async (input, G_PRIORITY_LOW, NULL, _nexus_transfer_on_stream_closed,
                                  NULL);
    }
}

/* An upload that will not complete: its record and its bytes go. */
void
_nexus_transfer_discard_upload (NexusTransfer *transfer)
{
  if (transfer->file == NULL)
    return;
  if (transfer->server != NULL && transfer->server->files.store != NULL)
    nexus_file_store_discard (transfer->server->files.store, transfer->file);
  transfer->file = NULL;
  g_queue_clear_full (&transfer->queue, (GDestroyNotify) g_bytes_unref);
  transfer->queued = 0;
}

void
_nexus_transfer_answer (NexusTransfer *transfer,
                        guint          status,
                        const char    *text)
{
  if (transfer->finished)
    return;
  _nexus_server_respond_text (transfer->msg, status, text);
  if (transfer->paused)
    {
      transfer->paused = FALSE;
      soup_server_message_unpause (transfer->msg);
    }
}

/* Ends the connection with a reset when libsoup closes it. A shutdown's
 * FIN alone does not reach an uploader whose bytes wait for a window the
 * host shut while it was not reading (a paused upload): the kernel opens
 * no window once reading is shut down, so the uploader only probes the
 * shut window, never writes again, never meets the closed socket, and
 * waits for as long as the host's kernel keeps it (a minute). A reset
 * ends its request at once, as on any other cut. */
void
_nexus_socket_reset_on_close (GSocket *socket)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger) != 0)
    g_debug ("server: no reset for a cut connection: %s", g_strerror (errno));
}

/* Ends the transfer like a lost network: the socket is shut down, and
 * libsoup, let go on, finds it so, finishes the message and closes the
 * socket, with a reset for the peer. */
void
_nexus_transfer_cut (NexusTransfer *transfer)
{
  if (transfer->cut || transfer->finished)
    return;
  transfer->cut = TRUE;
  g_clear_handle_id (&transfer->turn_id, g_source_remove);
  g_cancellable_cancel (transfer->cancellable);
  if (transfer->connection != NULL)
    {
      GSocket *socket = g_socket_connection_get_socket (transfer->connection);

      _nexus_socket_reset_on_close (socket);
      g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
  _nexus_transfer_discard_upload (transfer);
  _nexus_transfer_release_streams (transfer);
  if (!transfer->upload)
    soup_message_body_complete (soup_server_message_get_response_body (transfer->msg));
  if (!transfer->upload || transfer->paused)
    {
      transfer->paused = FALSE;
      soup_server_message_unpause (transfer->msg);
    }
}

static void
on_transfer_finished (SoupServerMessage *msg,
                      NexusTransfer     *transfer)
{
  g_debug ("files: a%s finished (cut %d, status %u)", transfer->upload ? "n upload" : " download",
           transfer->cut, soup_server_message_get_status (msg));
  transfer->finished = TRUE;
  g_clear_handle_id (&transfer->turn_id, g_source_remove);
  g_object_set_data (G_OBJECT (msg), "nexus-transfer", NULL);
  g_signal_handlers_disconnect_by_data (msg, transfer);
  g_cancellable_cancel (transfer->cancellable);
  /* The request ended before its bytes were all on disk. */
  if (transfer->upload && transfer->file != NULL
      && nexus_stored_file_get_state (transfer->file) < NEXUS_STORED_FILE_COMPLETE)
    _nexus_transfer_discard_upload (transfer);
  _nexus_transfer_release_streams (transfer);
  if (transfer->server != NULL)
    g_hash_table_remove (transfer->server->files.transfers, transfer);
  _nexus_transfer_unref (transfer);
}

NexusTransfer *
_nexus_transfer_new (NexusServer       *server,
                     SoupServerMessage *msg,
                     gboolean           upload)
{
  NexusTransfer *transfer = g_new0 (NexusTransfer, 1);
  GSocketConnection *connection = _nexus_server_pending_start_transfer (server, msg);

  g_ref_count_init (&transfer->ref_count);
  transfer->server = server;
  transfer->msg = g_object_ref (msg);
  transfer->connection = connection != NULL ? g_object_ref (connection) : NULL;
  transfer->cancellable = g_cancellable_new ();
  transfer->upload = upload;
  transfer->last_progress = g_get_monotonic_time ();
  g_queue_init (&transfer->queue);

  /* The table's reference, given back when libsoup is done. */
  g_hash_table_add (server->files.transfers, transfer);
  g_signal_connect (msg, "finished", G_CALLBACK (on_transfer_finished), transfer);
  _nexus_server_files_watch (server);
  return transfer;
}

/* The Host check's answer, as nexus-server-http.c gives it. */
void
_nexus_transfer_respond_misdirected (SoupServerMessage *msg)
{
  _nexus_server_respond_text (msg, 421, HOST_REFUSED_TEXT);
  soup_server_message_set_status (msg, 421, "Misdirected Request");
}

void
_nexus_server_transfers_add_handlers (NexusServer *self)
{
  _nexus_server_uploads_add_handlers (self);
  _nexus_server_downloads_add_handlers (self);
}

/* Cutting */

static GPtrArray *
list_transfers (NexusServer *self)
{
  GPtrArray *list = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  if (self->files.transfers == NULL)
    return list;
  g_hash_table_iter_init (&iter, self->files.transfers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (list, key);
  return list;
}

/* The room has ended: its uploads and downloads stop. */
void
_nexus_server_transfers_cut_room (NexusServer   *self,
                                  NexusFileRoom *room)
{
  g_autoptr(GPtrArray) list = list_transfers (self);

  for (guint i = 0; i < list->len; i++)
    {
      NexusTransfer *transfer = g_ptr_array_index (list, i);

      if (transfer->store_room == room)
        {
          transfer->store_room = NULL;
          _nexus_transfer_cut (transfer);
        }
    }
}

/* The upload of @file, if it is under way, stops. */
void
_nexus_server_transfers_cut_file (NexusServer     *self,
                                  NexusStoredFile *file)
{
  g_autoptr(GPtrArray) list = list_transfers (self);

  for (guint i = 0; i < list->len; i++)
    {
      NexusTransfer *transfer = g_ptr_array_index (list, i);

      if (transfer->upload && transfer->file == file)
        _nexus_transfer_cut (transfer);
    }
}

/* The server's files are going: every transfer stops and lets go of it. */
void
_nexus_server_transfers_cut_all (NexusServer *self)
{
  g_autoptr(GPtrArray) list = list_transfers (self);

  for (guint i = 0; i < list->len; i++)
    {
      NexusTransfer *transfer = g_ptr_array_index (list, i);

      _nexus_transfer_cut (transfer);
      /* The message may outlive it: nothing of it may point here. */
      g_object_set_data (G_OBJECT (transfer->msg), "nexus-transfer", NULL);
      g_signal_handlers_disconnect_by_data (transfer->msg, transfer);
      transfer->server = NULL;
      g_hash_table_remove (self->files.transfers, transfer);
      _nexus_transfer_unref (transfer);
    }
}

/* A transfer that has moved no byte for the stall deadline is cut; time
 * spent waiting on the disk does not count. */
void
_nexus_server_transfers_tick (NexusServer *self,
                              gint64       now)
{
  gint64 stall = (gint64) self->limits.upload_stall_seconds * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) list = list_transfers (self);

  for (guint i = 0; i < list->len; i++)
    {
      NexusTransfer *transfer = g_ptr_array_index (list, i);

      if (transfer_waits_for_disk (transfer) || (transfer->upload && transfer->body_done))
        transfer->last_progress = now;
      else if (now - transfer->last_progress >= stall)
        {
          g_debug ("files: cutting a%s that stalled", transfer->upload ? "n upload" : " download");
          _nexus_transfer_cut (transfer);
        }
    }
}
