/* nexus-server-upload.c: files in the rooms — PUT /upload/TOKEN
 *
 * The bytes of an upload slot, once. The request's length must be the
 * slot's size; anything else is refused before its body is taken. The
 * body is not accumulated: each chunk libsoup reads is queued for the
 * disk and written by GIO's worker threads, and reading stops (the
 * message is paused) while UPLOAD_QUEUE_HIGH bytes wait, so a fast sender
 * meets the disk's pace. Once every byte is on disk, its first bytes say
 * what it is (nexus-image-probe.c), and the answer is 201.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-server-private.h"

#define UPLOAD_QUEUE_HIGH   (512 * 1024)
#define UPLOAD_WRITE_BATCH  64
/* Bytes read at the sockets' priority before the upload gives way (see
 * NEXUS_TRANSFER_PRIORITY): libsoup reads on while data keeps coming. */
#define UPLOAD_TURN_BYTES   (256 * 1024)
#define NOT_FOUND_TEXT      "Not found.\n"

static void upload_pump (NexusTransfer *transfer);

/* Reading the body may go on: not ended, the disk keeping up, no turn to
 * wait for. */
static gboolean
upload_may_read (NexusTransfer *transfer)
{
  return !transfer->finished && !transfer->body_done && transfer->turn_id == 0
         && transfer->queued < UPLOAD_QUEUE_HIGH;
}

static void
upload_resume (NexusTransfer *transfer)
{
  if (transfer->paused && upload_may_read (transfer))
    {
      transfer->paused = FALSE;
      soup_server_message_unpause (transfer->msg);
    }
}

static gboolean
on_upload_turn (gpointer user_data)
{
  NexusTransfer *transfer = user_data;

  transfer->turn_id = 0;
  transfer->turn_bytes = 0;
  upload_resume (transfer);
  return G_SOURCE_REMOVE;
}

static void
upload_fail (NexusTransfer *transfer,
             const GError  *error)
{
  g_debug ("files: an upload failed: %s", error->message);
  transfer->failure = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
                      ? SOUP_STATUS_INSUFFICIENT_STORAGE : SOUP_STATUS_INTERNAL_SERVER_ERROR;
  _nexus_transfer_discard_upload (transfer);
  _nexus_transfer_release_streams (transfer);
  if (transfer->body_done)
    _nexus_transfer_answer (transfer, transfer->failure,
                            transfer->failure == SOUP_STATUS_INSUFFICIENT_STORAGE
                            ? "The host's disk is full. The file was not kept.\n"
                            : "The host could not keep the file.\n");
  else if (transfer->paused && !transfer->finished)
    {
      /* The rest of the body is read and dropped, so the answer can go. */
      transfer->paused = FALSE;
      soup_server_message_unpause (transfer->msg);
    }
}

/* What a probe reads: its own copies, as the records are the main
 * thread's. */
typedef struct {
  GFile *path;
  gsize  want;
} Probe;

static void
probe_free (Probe *probe)
{
  g_object_unref (probe->path);
  g_free (probe);
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Probe *probe = task_data;
  g_autofree guint8 *head = g_malloc (MAX (probe->want, 1));
  g_autoptr(GFileInputStream) input = g_file_read (probe->path, cancellable, NULL);
  NexusImageInfo *info = g_new0 (NexusImageInfo, 1);
  gsize want = probe->want;
  gsize got = 0;

  if (input != NULL)
    g_input_stream_read_all (G_INPUT_STREAM (input), head, want, &got, cancellable, NULL);
  nexus_image_probe (head, got, info);
  g_task_return_pointer (task, info, g_free);
}

static void
on_upload_probed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  NexusTransfer *transfer = user_data;
  g_autofree NexusImageInfo *info = g_task_propagate_pointer (G_TASK (result), NULL);

  transfer->finishing = FALSE;
  if (transfer->file != NULL && !transfer->cut && !transfer->finished && info != NULL)
    {
      nexus_stored_file_complete (transfer->file, info);
      _nexus_transfer_answer (transfer, SOUP_STATUS_CREATED,
                              "The file has arrived. Share it to show it to the room.\n");
    }
  _nexus_transfer_unref (transfer);
}

static void
on_upload_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  NexusTransfer *transfer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  Probe *probe;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    {
      transfer->finishing = FALSE;
      if (transfer->file != NULL && !transfer->cut)
        upload_fail (transfer, error);
      _nexus_transfer_unref (transfer);
      return;
    }
  if (transfer->file == NULL || transfer->cut || transfer->finished)
    {
      transfer->finishing = FALSE;
      _nexus_transfer_unref (transfer);
      return;
    }
  /* What it is, from its first bytes, read in a worker thread. */
  probe = g_new0 (Probe, 1);
  probe->path = g_object_ref (transfer->path);
  probe->want = (gsize) MIN (nexus_stored_file_get_size (transfer->file), NEXUS_IMAGE_PROBE_BYTES);
  task = g_task_new (NULL, transfer->cancellable, on_upload_probed, transfer);
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  g_task_run_in_thread (task, probe_thread);
}

/* Every byte is on disk once the body has ended and the queue is empty. */
static void
upload_try_finish (NexusTransfer *transfer)
{
  if (!transfer->body_done || transfer->file == NULL || transfer->output == NULL
      || transfer->creating || transfer->writing || transfer->finishing
      || transfer->queue.length > 0)
    return;
  transfer->finishing = TRUE;
  g_output_stream_close_async (transfer->output, NEXUS_TRANSFER_PRIORITY, transfer->cancellable,
                               on_upload_closed, _nexus_transfer_ref (transfer));
  g_clear_object (&transfer->output);
}

static void
on_upload_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  NexusTransfer *transfer = user_data;
  g_autoptr(GError) error = NULL;

  transfer->writing = FALSE;
  g_clear_pointer (&transfer->batch, g_ptr_array_unref);
  g_clear_pointer (&transfer->vectors, g_free);
  if (!g_output_stream_writev_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (transfer->file != NULL && !transfer->cut)
        upload_fail (transfer, error);
    }
  else if (transfer->file != NULL)
    {
      transfer->last_progress = g_get_monotonic_time ();
      upload_pump (transfer);
      upload_try_finish (transfer);
    }
  if (transfer->file == NULL || transfer->finished)
    _nexus_transfer_release_streams (transfer);
  _nexus_transfer_unref (transfer);
}

/* Writes what is queued, a batch at a time, and lets reading go on once
 * the queue is short again. */
static void
upload_pump (NexusTransfer *transfer)
{
  GOutputVector *vectors;
  guint n;

  if (transfer->output == NULL || transfer->writing || transfer->queue.length == 0
      || transfer->file == NULL)
    return;

  n = MIN (transfer->queue.length, UPLOAD_WRITE_BATCH);
  vectors = transfer->vectors = g_new (GOutputVector, n);
  transfer->batch = g_ptr_array_new_full (n, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < n; i++)
    {
      GBytes *chunk = g_queue_pop_head (&transfer->queue);

      vectors[i].buffer = g_bytes_get_data (chunk, &vectors[i].size);
      transfer->queued -= vectors[i].size;
      g_ptr_array_add (transfer->batch, chunk);
    }
  transfer->writing = TRUE;
  /* The vectors and their buffers stay until the write is done. */
  g_output_stream_writev_all_async (transfer->output, vectors, n, NEXUS_TRANSFER_PRIORITY,
                                    transfer->cancellable, on_upload_written,
                                    _nexus_transfer_ref (transfer));

  /* Reading goes on; once the body is all in, the pause is the answer's,
   * which waits for the disk. */
  upload_resume (transfer);
}

static void
on_upload_created (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  NexusTransfer *transfer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileOutputStream) output = g_file_create_finish (G_FILE (source), result, &error);

  transfer->creating = FALSE;
  if (output != NULL && transfer->file == NULL)
    {
      /* Discarded while it was being made: the record's deletion may have
       * come first, so this one is needed. */
      g_file_delete_async (transfer->path, G_PRIORITY_LOW, NULL, NULL, NULL);
      g_output_stream_close_async (G_OUTPUT_STREAM (output), G_PRIORITY_LOW, NULL,
                                   _nexus_transfer_on_stream_closed, NULL);
    }
  else if (output == NULL)
    {
      if (transfer->file != NULL && !transfer->cut)
        upload_fail (transfer, error);
    }
  else
    {
      transfer->output = G_OUTPUT_STREAM (g_steal_pointer (&output));
      upload_pump (transfer);
      upload_try_finish (transfer);
    }
  _nexus_transfer_unref (transfer);
}

static void
on_upload_chunk (SoupServerMessage *msg,
                 GBytes            *chunk,
                 NexusTransfer     *transfer)
{
  transfer->last_progress = g_get_monotonic_time ();
  /* After a failure the rest of the body is read and dropped. */
  if (transfer->file == NULL || transfer->cut)
    return;
  g_queue_push_tail (&transfer->queue, g_bytes_ref (chunk));
  transfer->queued += g_bytes_get_size (chunk);
  transfer->turn_bytes += g_bytes_get_size (chunk);
  /* A turn's worth read: the window and the rooms go first, then this. */
  if (transfer->turn_bytes >= UPLOAD_TURN_BYTES && transfer->turn_id == 0)
    transfer->turn_id = g_idle_add_full (NEXUS_TRANSFER_PRIORITY, on_upload_turn, transfer, NULL);
  if (!upload_may_read (transfer) && !transfer->paused)
    {
      transfer->paused = TRUE;
      soup_server_message_pause (msg);
    }
  upload_pump (transfer);
}

/* The request's headers are in: the slot, and a length that is its size,
 * or the request is refused before its body is taken. */
static void
handle_upload_early (SoupServer        *soup,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  NexusServer *self = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (request);
  NexusStoredFile *file = NULL;
  NexusTransfer *transfer;
  goffset length;

  /* Whatever happens to it, a body is never kept in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  _nexus_server_add_common_headers (msg);

  if (!_nexus_server_host_allowed (self, msg))
    {
      _nexus_transfer_respond_misdirected (msg);
      return;
    }
  if (strcmp (soup_server_message_get_method (msg), "PUT") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "PUT");
      _nexus_server_respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                                  "Uploads are sent with PUT.\n");
      return;
    }
  if (self->files.store != NULL && g_str_has_prefix (path, "/upload/"))
    file = nexus_file_store_lookup_token (self->files.store, path + strlen ("/upload/"));
  if (file == NULL)
    {
      _nexus_server_respond_text (msg, SOUP_STATUS_NOT_FOUND,
                     "This upload address is unknown, used or expired. Send the file again.\n");
      return;
    }

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH)
    length = soup_message_headers_get_content_length (request);
  else if (encoding == SOUP_ENCODING_NONE)
    length = 0;
  else
    {
      _nexus_server_respond_text (msg, SOUP_STATUS_LENGTH_REQUIRED,
                                  "Send the file with its Content-Length.\n");
      return;
    }
  if ((guint64) length > nexus_stored_file_get_size (file))
    {
      _nexus_server_respond_text (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                     "The request is larger than the file this upload was made for.\n");
      return;
    }
  if ((guint64) length < nexus_stored_file_get_size (file))
    {
      _nexus_server_respond_text (msg, SOUP_STATUS_CONFLICT,
                     "The request is smaller than the file this upload was made for.\n");
      return;
    }

  /* The token is used up: a second request with it finds nothing. */
  nexus_stored_file_begin (file);
  transfer = _nexus_transfer_new (self, msg, TRUE);
  g_debug ("files: an upload begins");
  transfer->file = file;
  transfer->path = g_object_ref (nexus_stored_file_get_file (file));
  transfer->store_room = nexus_stored_file_get_room (file);
  /* For handle_upload(); cleared when the transfer lets go of the message. */
  g_object_set_data (G_OBJECT (msg), "nexus-transfer", transfer);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_upload_chunk), transfer);

  /* O_EXCL, mode 0600, under the name the store chose. */
  transfer->creating = TRUE;
  g_file_create_async (transfer->path, G_FILE_CREATE_PRIVATE, NEXUS_TRANSFER_PRIORITY,
                       transfer->cancellable, on_upload_created, _nexus_transfer_ref (transfer));
}

/* The body has all been read: the answer waits for the disk. */
static void
handle_upload (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  NexusTransfer *transfer = g_object_get_data (G_OBJECT (msg), "nexus-transfer");

  _nexus_server_pending_served (user_data, msg);
  if (transfer == NULL || transfer->cut)
    {
      _nexus_server_respond_text (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND_TEXT);
      return;
    }
  transfer->body_done = TRUE;
  if (transfer->failure != 0)
    {
      _nexus_transfer_answer (transfer, transfer->failure,
                              transfer->failure == SOUP_STATUS_INSUFFICIENT_STORAGE
                              ? "The host's disk is full. The file was not kept.\n"
                              : "The host could not keep the file.\n");
      return;
    }
  transfer->paused = TRUE;
  soup_server_message_pause (msg);
  upload_try_finish (transfer);
}

void
_nexus_server_uploads_add_handlers (NexusServer *self)
{
  soup_server_add_early_handler (self->soup, "/upload", handle_upload_early, self, NULL);
  soup_server_add_handler (self->soup, "/upload", handle_upload, self, NULL);
}
