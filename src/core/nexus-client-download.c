/* nexus-client-download.c: files of the room, from the host to disk
 *
 * A file message's file is at the host's `/files/FILEID/NAME`, for members
 * with their own files key (PROTOCOL.md, Files). A download streams the
 * body to DEST.part, 64 KiB at a time (never whole in memory), and renames
 * it to DEST once every byte is there. A DEST.part left by a download that
 * was cut is taken up where it stopped, with a Range request: If-Range
 * names the file's ETag, so a host that has another file there sends it
 * whole.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nexus-client-private.h"

#define CHUNK_SIZE          (64 * 1024)
/* Below the window's redraw and the chat's frames. */
#define DOWNLOAD_PRIORITY   G_PRIORITY_DEFAULT_IDLE

typedef struct {
  NexusClient *client;
  NexusEvent *event;
  GFile *destination;
  GFile *part;
  gboolean resuming;          /* a Range request for what follows @offset */
  goffset offset;             /* bytes of DEST.part kept */
  goffset received;           /* bytes on disk, @offset included */
  goffset total;
  SoupMessage *message;
  GInputStream *input;
  GOutputStream *output;
  GBytes *chunk;              /* being written */
  GError *error;              /* to return once the streams are closed */
  gboolean disk_error;        /* ... and it was the disk's, not the network's */
  NexusDownloadProgress progress;
  gpointer progress_data;
  GDestroyNotify progress_data_free;
} Download;

static void read_next (GTask *task);

static void
download_free (Download *download)
{
  if (download->progress_data_free != NULL)
    download->progress_data_free (download->progress_data);
  g_clear_object (&download->client);
  g_clear_object (&download->event);
  g_clear_object (&download->destination);
  g_clear_object (&download->part);
  g_clear_object (&download->message);
  g_clear_object (&download->input);
  g_clear_object (&download->output);
  g_clear_pointer (&download->chunk, g_bytes_unref);
  g_clear_error (&download->error);
  g_free (download);
}

static const char *
file_name (Download *download)
{
  return nexus_event_get_file_name (download->event);
}

/* The sentence of a download the network cut: what is on disk stays. */
static void
return_interrupted (GTask    *task,
                    Download *download)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                           _("The download of “%s” was interrupted. Try again: it goes on "
                             "where it stopped."), file_name (download));
}

static void
return_disk_error (GTask        *task,
                   Download     *download,
                   const GError *error)
{
  g_task_return_new_error (task, error->domain, error->code,
                           /* Translators: the first %s is a file's name, the second why */
                           _("“%s” could not be saved: %s"), file_name (download),
                           error->message);
}

/* The end: the streams closed, then DEST.part becomes DEST */

static void
on_moved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_move_finish (G_FILE (source), result, &error))
    return_disk_error (task, g_task_get_task_data (task), error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_output_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error)
      && download->error == NULL)
    {
      download->error = g_steal_pointer (&error);
      download->disk_error = TRUE;
    }

  if (download->error != NULL)
    {
      if (g_error_matches (download->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&download->error));
      else if (download->disk_error)
        return_disk_error (task, download, download->error);
      else
        return_interrupted (task, download);
      return;
    }

  /* The move never crosses a file system: DEST.part lies beside DEST. */
  g_file_move_async (download->part, download->destination, G_FILE_COPY_OVERWRITE,
                     DOWNLOAD_PRIORITY, NULL, NULL, NULL, on_moved, g_object_ref (task));
}

/* Closes what is open; the task ends with @download->error if set. */
static void
finish (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  if (download->input != NULL)
    g_input_stream_close_async (download->input, DOWNLOAD_PRIORITY, NULL, NULL, NULL);
  /* Closed even when cancelled, so what came is on disk for next time. */
  g_output_stream_close_async (download->output, DOWNLOAD_PRIORITY, NULL, on_output_closed,
                               g_object_ref (task));
}

static void
fail_copy (GTask    *task,
           GError   *error,
           gboolean  disk)
{
  Download *download = g_task_get_task_data (task);

  g_clear_error (&download->error);
  download->error = error;
  download->disk_error = disk;
  finish (task);
}

/* The copy: read a chunk, write it, tell how far, again */

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      fail_copy (task, error, TRUE);
      return;
    }
  download->received += g_bytes_get_size (download->chunk);
  g_clear_pointer (&download->chunk, g_bytes_unref);
  if (download->progress != NULL)
    download->progress (download->received, download->total, download->progress_data);
  read_next (task);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *bytes;
  gconstpointer data;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      fail_copy (task, error, FALSE);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      g_bytes_unref (bytes);
      /* The end of the body: all of the file, or a cut. */
      if (download->received != download->total)
        download->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                               "The body ended early");
      finish (task);
      return;
    }
  if (download->received + (goffset) size > download->total)
    {
      g_bytes_unref (bytes);
      fail_copy (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                            "More bytes than the file has"), FALSE);
      return;
    }

  download->chunk = bytes;
  g_output_stream_write_all_async (download->output, data, size, DOWNLOAD_PRIORITY,
                                   g_task_get_cancellable (task), on_written,
                                   g_object_ref (task));
}

static void
read_next (GTask *task)
{
  Download *download = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (download->input, CHUNK_SIZE, DOWNLOAD_PRIORITY,
                                   g_task_get_cancellable (task), on_read, g_object_ref (task));
}

static void
on_output_opened (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GFileOutputStream *output;

  if (download->resuming)
    output = g_file_append_to_finish (G_FILE (source), result, &error);
  else
    output = g_file_replace_finish (G_FILE (source), result, &error);
  if (output == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        return_disk_error (task, download, error);
      return;
    }

  download->output = G_OUTPUT_STREAM (output);
  if (download->progress != NULL)
    download->progress (download->received, download->total, download->progress_data);
  read_next (task);
}

/* The answer: the whole file, or the rest of it */

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset start, end, total;
  guint status;

  download->input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (download->input == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        return_interrupted (task, download);
      return;
    }

  status = soup_message_get_status (download->message);
  headers = soup_message_get_response_headers (download->message);
  g_debug ("client: download of %s from %" G_GOFFSET_FORMAT ": %u",
           nexus_event_get_file_url (download->event), download->offset, status);

  if (status == SOUP_STATUS_PARTIAL_CONTENT && download->resuming
      && soup_message_headers_get_content_range (headers, &start, &end, &total)
      && start == download->offset && total == download->total && end == total - 1)
    download->received = download->offset;
  else if (status == SOUP_STATUS_OK
           && soup_message_headers_get_content_length (headers) == download->total)
    {
      download->resuming = FALSE;
      download->received = 0;
    }
  else if (status == SOUP_STATUS_NOT_FOUND)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("“%s” is no longer on the host: a room’s files go when the "
                                 "room ends."), file_name (download));
      return;
    }
  else
    {
      return_interrupted (task, download);
      return;
    }

  if (download->resuming)
    g_file_append_to_async (download->part, G_FILE_CREATE_NONE, DOWNLOAD_PRIORITY,
                            g_task_get_cancellable (task), on_output_opened,
                            g_object_ref (task));
  else
    g_file_replace_async (download->part, NULL, FALSE, G_FILE_CREATE_NONE, DOWNLOAD_PRIORITY,
                          g_task_get_cancellable (task), on_output_opened,
                          g_object_ref (task));
}

/* The ETag of a file is its FILEID, the path's second part. */
static char *
etag_of (const char *url)
{
  const char *id = url + strlen ("/files/");
  const char *end = strchr (id, '/');

  return g_strdup_printf ("\"%.*s\"", (int) (end != NULL ? end - id : (long) strlen (id)), id);
}

static void
on_part_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, NULL);
  g_autofree char *uri = nexus_client_get_file_uri (download->client, download->event);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* A part of it is here from before: the rest only. */
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR
      && g_file_info_get_size (info) > 0 && g_file_info_get_size (info) < download->total)
    {
      download->resuming = TRUE;
      download->offset = g_file_info_get_size (info);
    }

  download->message = soup_message_new (SOUP_METHOD_GET, uri);
  if (download->message == NULL)
    {
      return_interrupted (task, download);
      return;
    }
  if (download->resuming)
    {
      SoupMessageHeaders *headers = soup_message_get_request_headers (download->message);
      g_autofree char *etag = etag_of (nexus_event_get_file_url (download->event));

      soup_message_headers_set_range (headers, download->offset, -1);
      soup_message_headers_replace (headers, "If-Range", etag);
    }
  soup_session_send_async (download->client->files_session, download->message,
                           DOWNLOAD_PRIORITY, g_task_get_cancellable (task), on_sent,
                           g_object_ref (task));
}

/* Public API */

/* The address to GET @event's file from, with this member's key; NULL
 * when @event has no file or the host gave no key. */
char *
nexus_client_get_file_uri (NexusClient *self,
                           NexusEvent  *event)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), NULL);

  if (self->files_key == NULL || nexus_event_get_file_url (event) == NULL)
    return NULL;
  path = g_strconcat (nexus_event_get_file_url (event), "?key=", self->files_key, NULL);
  return _nexus_client_http_uri (self, path);
}

/* Saves @event's file as @destination, by way of DEST.part beside it,
 * which a cut download leaves for the next to go on from. @progress, if
 * not NULL, is told the bytes on disk as they grow. Fails with a sentence
 * for a person: G_IO_ERROR_NOT_FOUND when the file is gone (its room
 * ended), G_IO_ERROR_CONNECTION_CLOSED when the network cut it,
 * G_IO_ERROR_CANCELLED, or the error of the disk. */
void
nexus_client_download_async (NexusClient           *self,
                             NexusEvent            *event,
                             GFile                 *destination,
                             GCancellable          *cancellable,
                             NexusDownloadProgress  progress,
                             gpointer               progress_data,
                             GDestroyNotify         progress_data_free,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *part_name = NULL;
  Download *download;

  g_return_if_fail (NEXUS_IS_CLIENT (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));
  g_return_if_fail (G_IS_FILE (destination));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_client_download_async);
  g_task_set_priority (task, DOWNLOAD_PRIORITY);

  download = g_new0 (Download, 1);
  download->client = g_object_ref (self);
  download->event = g_object_ref (event);
  download->destination = g_object_ref (destination);
  download->total = nexus_event_get_file_size (event);
  download->progress = progress;
  download->progress_data = progress_data;
  download->progress_data_free = progress_data_free;
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);

  if (!nexus_event_has_file (event) || nexus_event_get_file_url (event) == NULL
      || self->files_key == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This file cannot be downloaded from this host."));
      return;
    }

  parent = g_file_get_parent (destination);
  basename = g_file_get_basename (destination);
  if (parent == NULL || basename == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                               _("A file cannot be saved there. Choose another place."));
      return;
    }
  part_name = g_strconcat (basename, ".part", NULL);
  download->part = g_file_get_child (parent, part_name);

  g_file_query_info_async (download->part,
                           G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, DOWNLOAD_PRIORITY, cancellable,
                           on_part_info, g_steal_pointer (&task));
}

gboolean
nexus_client_download_finish (NexusClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nexus_client_download_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
