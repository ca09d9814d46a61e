/* nexus-client-upload.c: NexusClient's own files, from chosen to shared
 *
 * Three steps (PROTOCOL.md, Files): an `upload` frame asks the host for a
 * slot; the bytes go to the slot's URL with PUT, streamed from the file
 * (never whole in memory); a `share` frame then puts the file's message in
 * the room. The file's event is in the log at once, SENDING, like an own
 * message, and the echo of its id confirms it.
 *
 * Across drops each step is made again as the protocol allows, so the
 * file is shared exactly once: a slot is asked for again after a resume
 * (the host answers with the same URL while it is unused), a `share` is
 * sent again (the host answers with the message once it is shared), and a
 * PUT that the network cut starts over with a new `upload` of the same id.
 * A slot the host gives again after its PUT was made may hold the bytes
 * already (the 201 was lost): a `share` finds out.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nexus-address.h"
#include "nexus-client-private.h"
#include "nexus-server-frame.h"

/* PUTs cut by the network before the upload is given up as interrupted. */
#define MAX_PUT_FAILURES  3
/* Slots asked for again while the host still holds a cut PUT's slot. */
#define MAX_PROBES        5
#define PROBE_PAUSE_MS    500
/* Below the window's redraw and the chat's frames. */
#define UPLOAD_PRIORITY   G_PRIORITY_DEFAULT_IDLE
#define FILE_ATTRIBUTES   G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
                          G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME

typedef enum {
  PHASE_OPENING,      /* the file being opened and its size read */
  PHASE_ASKING,       /* an `upload` to send, or sent: a slot is awaited */
  PHASE_PUTTING,      /* the bytes going to the slot */
  PHASE_SHARING,      /* the bytes are on the host: a `share` to send, or sent */
  PHASE_PROBING,      /* a `share` to learn whether a used slot's bytes arrived */
  PHASE_PAUSED,       /* before asking for a slot again */
  PHASE_FAILED,
} UploadPhase;

struct _NexusUpload
{
  grefcount ref_count;
  NexusClient *client;        /* NULL once given up: late callbacks see it */
  NexusEvent *event;
  GFile *file;
  char *mime;
  gint64 size;                /* -1 until read */
  UploadPhase phase;
  gboolean share_sent;        /* the message may be in the room: no cancelling */
  GFileInputStream *stream;   /* opened, not yet read from */
  char *url;                  /* the slot */
  char *used_url;             /* the last slot a PUT went to */
  GCancellable *cancellable;  /* of the file's and the PUT's I/O */
  SoupMessage *message;       /* the PUT */
  guint n_put_failures;
  guint n_probes;
  guint pause_id;
};

static void upload_open (NexusUpload *upload);
static void upload_put  (NexusUpload *upload);

static NexusUpload *
upload_ref (NexusUpload *upload)
{
  g_ref_count_inc (&upload->ref_count);
  return upload;
}

static void
upload_unref (NexusUpload *upload)
{
  if (!g_ref_count_dec (&upload->ref_count))
    return;
  g_assert (upload->client == NULL && upload->message == NULL);
  g_clear_object (&upload->event);
  g_clear_object (&upload->file);
  g_clear_object (&upload->stream);
  g_clear_object (&upload->cancellable);
  g_free (upload->mime);
  g_free (upload->url);
  g_free (upload->used_url);
  g_free (upload);
}

/* Stops whatever the upload is doing; callbacks still on their way find
 * it given up. */
static void
upload_stop (NexusUpload *upload)
{
  g_cancellable_cancel (upload->cancellable);
  g_clear_object (&upload->cancellable);
  upload->cancellable = g_cancellable_new ();
  g_clear_handle_id (&upload->pause_id, g_source_remove);
  if (upload->message != NULL)
    {
      g_signal_handlers_disconnect_by_data (upload->message, upload);
      g_clear_object (&upload->message);
    }
}

static void
upload_detach (gpointer data)
{
  NexusUpload *upload = data;

  upload_stop (upload);
  upload->client = NULL;
  upload_unref (upload);
}

static void
replace_str (char       **target,
             const char  *value)
{
  char *old = *target;

  *target = g_strdup (value);
  g_free (old);
}

static const char *
upload_name (NexusUpload *upload)
{
  return nexus_event_get_file_name (upload->event);
}

/* Sentences */

/* What follows "at most " in "Files can be at most 100 MiB.", or what is
 * between the brackets of "…its space (1 GiB)…": the host's limit, said in
 * units that need no translation. */
static char *
limit_in (const char *message,
          const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  if (message == NULL || !g_regex_match (regex, message, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

static char *
sentence_for_refusal (NexusUpload    *upload,
                      NexusErrorCode  code,
                      const char     *message)
{
  const char *name = upload_name (upload);
  g_autofree char *limit = NULL;

  switch (code)
    {
    case NEXUS_ERROR_FILE_TOO_LARGE:
      limit = limit_in (message, "at most ([0-9][0-9.]* ?[A-Za-z]+)");
      if (limit != NULL)
        /* Translators: the first %s is a file's name, the second the largest size the
         * host takes, like “100 MiB” */
        return g_strdup_printf (_("“%s” is too large: the host takes files of at most %s."),
                                name, limit);
      return g_strdup_printf (_("“%s” is too large for the host."), name);

    case NEXUS_ERROR_ROOM_STORAGE_FULL:
      limit = limit_in (message, "\\(([0-9][0-9.]* ?[A-Za-z]+)\\)");
      if (limit != NULL)
        /* Translators: the first %s is a file's name, the second the space of a room's
         * files, like “1 GiB” */
        return g_strdup_printf (_("There is no room left for “%s”: the files of this room may "
                                  "take %s in all, and go only when the room ends."),
                                name, limit);
      return g_strdup_printf (_("There is no room left for “%s” in this room’s files. They go "
                                "only when the room ends."), name);

    case NEXUS_ERROR_FILE_NAME_INVALID:
      return g_strdup_printf (_("“%s” cannot be sent under this name. Rename the file, then "
                                "send it again."), name);

    case NEXUS_ERROR_RATE_LIMITED:
      return g_strdup (_("You are sending files too quickly. Wait a minute, then try again."));

    case NEXUS_ERROR_FILES_UNAVAILABLE:
      return g_strdup_printf (_("This host cannot keep files, so “%s” was not sent."), name);

    case NEXUS_ERROR_UPLOAD_NOT_FOUND:
      return g_strdup_printf (_("Sending “%s” was interrupted. Try again."), name);

    case NEXUS_ERROR_BAD_REQUEST:
    case NEXUS_ERROR_ROOM_NOT_FOUND:
    case NEXUS_ERROR_NAME_INVALID:
    case NEXUS_ERROR_NAME_TAKEN:
    case NEXUS_ERROR_ROOM_FULL:
    case NEXUS_ERROR_SERVER_FULL:
    case NEXUS_ERROR_SESSION_EXPIRED:
    case NEXUS_ERROR_TEXT_INVALID:
    case NEXUS_ERROR_NOT_JOINED:
    case NEXUS_ERROR_TARGET_NOT_FOUND:
    case NEXUS_ERROR_NOT_ALLOWED:
    default:
      return g_strdup_printf (_("The host refused “%s”."), name);
    }
}

static char *
sentence_for_status (NexusUpload *upload,
                     guint        status)
{
  const char *name = upload_name (upload);

  switch (status)
    {
    case SOUP_STATUS_INSUFFICIENT_STORAGE:
      return g_strdup_printf (_("The host’s disk is full, so “%s” was not sent."), name);
    case SOUP_STATUS_CONFLICT:
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return g_strdup_printf (_("“%s” changed while it was being sent. Try again."), name);
    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
      return g_strdup_printf (_("The host could not keep “%s”. Try again later."), name);
    default:
      return g_strdup_printf (_("Sending “%s” was interrupted. Try again."), name);
    }
}

/* The steps */

static void
upload_fail (NexusUpload *upload,
             const char  *sentence)
{
  g_debug ("client: upload %s failed: %s", nexus_event_get_id (upload->event), sentence);
  upload_stop (upload);
  g_clear_object (&upload->stream);
  upload->phase = PHASE_FAILED;
  nexus_event_set_failure (upload->event, sentence);
  nexus_event_set_delivery (upload->event, NEXUS_DELIVERY_FAILED);
}

/* Sends the frame of the upload's step, when the room is there to take it;
 * after a resume, _nexus_client_uploads_resume() sends it again. */
static void
upload_send_frame (NexusUpload *upload)
{
  NexusClient *self = upload->client;
  const char *id = nexus_event_get_id (upload->event);
  g_autofree char *frame = NULL;

  if (self->state != NEXUS_CLIENT_STATE_JOINED)
    return;

  switch (upload->phase)
    {
    case PHASE_ASKING:
      frame = nexus_frame_encode_upload (id, upload_name (upload), upload->size, upload->mime);
      break;
    case PHASE_SHARING:
    case PHASE_PROBING:
      frame = nexus_frame_encode_share (id);
      break;
    case PHASE_OPENING:
    case PHASE_PUTTING:
    case PHASE_PAUSED:
    case PHASE_FAILED:
    default:
      return;
    }
  if (_nexus_client_send_frame (self, frame) && upload->phase != PHASE_ASKING)
    upload->share_sent = TRUE;
}

static void
upload_ask (NexusUpload *upload)
{
  upload->phase = PHASE_ASKING;
  upload_send_frame (upload);
}

static gboolean
on_pause_done (gpointer user_data)
{
  NexusUpload *upload = user_data;

  upload->pause_id = 0;
  upload_ask (upload);
  return G_SOURCE_REMOVE;
}

static gboolean
on_share_again (gpointer user_data)
{
  NexusUpload *upload = user_data;

  upload->pause_id = 0;
  upload_send_frame (upload);
  return G_SOURCE_REMOVE;
}

/* Asks for a slot again in a moment: the host has not yet let the old one
 * go. */
static void
upload_ask_later (NexusUpload *upload)
{
  upload->phase = PHASE_PAUSED;
  upload->pause_id = g_timeout_add (PROBE_PAUSE_MS, on_pause_done, upload);
}

static void
on_info (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  NexusUpload *upload = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *name;
  gint64 size;

  info = g_file_input_stream_query_info_finish (G_FILE_INPUT_STREAM (source), result, &error);
  /* Given up, or an older try stopped. */
  if (upload->client == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;
  if (info == NULL)
    {
      g_autofree char *sentence = g_strdup_printf (_("“%s” could not be read: %s"),
                                                   upload_name (upload), error->message);

      upload_fail (upload, sentence);
      goto out;
    }

  size = g_file_info_get_size (info);
  if (upload->size >= 0 && size != upload->size)
    {
      g_autofree char *sentence = sentence_for_status (upload, SOUP_STATUS_CONFLICT);

      upload_fail (upload, sentence);
      goto out;
    }

  upload->stream = G_FILE_INPUT_STREAM (g_object_ref (source));
  if (upload->size < 0)
    {
      upload->size = size;
      name = g_file_info_get_display_name (info);
      if (name == NULL || *name == '\0')
        name = upload_name (upload);
      if (upload->mime == NULL)
        {
          /* A stream's info has no content type: the name says it. */
          g_autofree char *type = g_content_type_guess (name, NULL, 0, NULL);

          upload->mime = g_content_type_get_mime_type (type);
        }
      nexus_event_set_file (upload->event, name, size, upload->mime, NULL, 0, 0);
      text = nexus_file_fallback_text (name, (guint64) size);
      nexus_event_set_text (upload->event, text);
    }

  if (upload->phase == PHASE_PUTTING)
    upload_put (upload);
  else
    upload_ask (upload);

out:
  upload_unref (upload);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  NexusUpload *upload = user_data;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_file_read_finish (G_FILE (source), result, &error);
  if (upload->client == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      upload_unref (upload);
      return;
    }
  if (stream == NULL)
    {
      g_autofree char *sentence = g_strdup_printf (_("“%s” could not be read: %s"),
                                                   upload_name (upload), error->message);

      upload_fail (upload, sentence);
      upload_unref (upload);
      return;
    }

  /* The size of what was opened, so the PUT sends what the slot says. */
  g_file_input_stream_query_info_async (stream, FILE_ATTRIBUTES, UPLOAD_PRIORITY,
                                        upload->cancellable, on_info, upload);
}

/* Opens the file, then asks for a slot (or PUTs to the slot it has). */
static void
upload_open (NexusUpload *upload)
{
  g_clear_object (&upload->stream);
  g_file_read_async (upload->file, UPLOAD_PRIORITY, upload->cancellable, on_opened,
                     upload_ref (upload));
}

static void
on_wrote_body_data (SoupMessage *message,
                    guint        chunk_size,
                    NexusUpload *upload)
{
  gint64 sent = nexus_event_get_bytes_sent (upload->event) + chunk_size;

  nexus_event_set_bytes_sent (upload->event, MIN (sent, upload->size));
}

static void
on_put_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  NexusUpload *upload = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *sentence = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  /* Given up, or an older try stopped. */
  if (upload->client == NULL || upload->message == NULL
      || soup_session_get_async_result_message (SOUP_SESSION (source), result) != upload->message)
    goto out;

  message = g_steal_pointer (&upload->message);
  g_signal_handlers_disconnect_by_data (message, upload);
  replace_str (&upload->used_url, upload->url);
  status = soup_message_get_status (message);
  g_debug ("client: PUT of upload %s: %u%s%s", nexus_event_get_id (upload->event), status,
           error ? " " : "", error ? error->message : "");

  if (body == NULL || status == SOUP_STATUS_NONE)
    {
      /* Cut on the way: the host keeps nothing of it and frees the id. */
      nexus_event_set_bytes_sent (upload->event, 0);
      if (++upload->n_put_failures >= MAX_PUT_FAILURES)
        {
          sentence = sentence_for_status (upload, SOUP_STATUS_NONE);
          upload_fail (upload, sentence);
        }
      else
        upload_ask (upload);
      goto out;
    }

  switch (status)
    {
    case SOUP_STATUS_CREATED:
      nexus_event_set_bytes_sent (upload->event, upload->size);
      upload->phase = PHASE_SHARING;
      upload_send_frame (upload);
      break;
    case SOUP_STATUS_NOT_FOUND:
      /* A used slot: its bytes may have arrived all the same. */
      upload->phase = PHASE_PROBING;
      upload_send_frame (upload);
      break;
    default:
      sentence = sentence_for_status (upload, status);
      upload_fail (upload, sentence);
      break;
    }

out:
  upload_unref (upload);
}

/* PUTs the file to the slot, streamed: libsoup reads the file as it
 * writes the body, with its exact length. */
static void
upload_put (NexusUpload *upload)
{
  g_autofree char *uri = _nexus_client_http_uri (upload->client, upload->url);
  g_autoptr(GFileInputStream) stream = g_steal_pointer (&upload->stream);

  upload->phase = PHASE_PUTTING;
  if (stream == NULL)
    {
      /* Read once already: from the start again. */
      upload_open (upload);
      return;
    }

  g_assert (upload->message == NULL);
  upload->message = soup_message_new (SOUP_METHOD_PUT, uri);
  if (upload->message == NULL)
    {
      g_autofree char *sentence = sentence_for_refusal (upload, NEXUS_ERROR_BAD_REQUEST, NULL);

      upload_fail (upload, sentence);
      return;
    }
  nexus_event_set_bytes_sent (upload->event, 0);
  soup_message_set_request_body (upload->message, "application/octet-stream",
                                 G_INPUT_STREAM (stream), upload->size);
  g_signal_connect (upload->message, "wrote-body-data", G_CALLBACK (on_wrote_body_data), upload);
  soup_session_send_and_read_async (upload->client->files_session, upload->message,
                                    UPLOAD_PRIORITY, upload->cancellable, on_put_done,
                                    upload_ref (upload));
}

/* What the room says */

static NexusUpload *
lookup (NexusClient *self,
        const char  *id)
{
  return id != NULL ? g_hash_table_lookup (self->uploads, id) : NULL;
}

/* The host's answer to an `upload`: where the bytes go. */
gboolean
_nexus_client_upload_ready (NexusClient *self,
                            const char  *id,
                            const char  *url)
{
  NexusUpload *upload = lookup (self, id);

  /* A second answer to a slot asked for twice across a drop. */
  if (upload == NULL || upload->phase != PHASE_ASKING)
    return FALSE;

  if (g_strcmp0 (url, upload->used_url) == 0)
    {
      /* The slot a PUT was made to: its bytes arrived, or it is still
       * being let go. A share tells which. */
      upload->phase = PHASE_PROBING;
      upload_send_frame (upload);
      return TRUE;
    }

  replace_str (&upload->url, url);
  upload_put (upload);
  return TRUE;
}

/* An `error` with the id of an own file. */
gboolean
_nexus_client_upload_refused (NexusClient    *self,
                              const char     *id,
                              NexusErrorCode  code,
                              const char     *message)
{
  NexusUpload *upload = lookup (self, id);
  g_autofree char *sentence = NULL;

  if (upload == NULL)
    return FALSE;
  /* Only a step that waits for an answer can be refused: anything else
   * answers a frame sent twice across a drop. */
  if (upload->phase != PHASE_ASKING && upload->phase != PHASE_SHARING
      && upload->phase != PHASE_PROBING)
    return TRUE;

  /* Refused: its message is not in the room. */
  upload->share_sent = FALSE;
  if (code == NEXUS_ERROR_RATE_LIMITED && upload->phase != PHASE_ASKING)
    {
      /* Too many frames at once; a share never counts as an upload. */
      g_clear_handle_id (&upload->pause_id, g_source_remove);
      upload->pause_id = g_timeout_add (PROBE_PAUSE_MS * 2, on_share_again, upload);
      return TRUE;
    }
  if (code == NEXUS_ERROR_UPLOAD_NOT_FOUND && upload->phase == PHASE_PROBING
      && ++upload->n_probes < MAX_PROBES)
    {
      upload_ask_later (upload);
      return TRUE;
    }

  sentence = sentence_for_refusal (upload, code, message);
  upload_fail (upload, sentence);
  return TRUE;
}

/* The echo of an own file's message: it is in the room. */
void
_nexus_client_upload_done (NexusClient *self,
                           NexusEvent  *event)
{
  g_hash_table_remove (self->uploads, nexus_event_get_id (event));
}

/* A new connection is in the room: each step's frame again, as the one
 * sent before may be lost. */
void
_nexus_client_uploads_resume (NexusClient *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->uploads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    upload_send_frame (value);
}

/* The room is over for this client: files on their way stop there. */
void
_nexus_client_uploads_fail (NexusClient *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->uploads);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NexusUpload *upload = value;

      if (upload->phase != PHASE_FAILED)
        {
          g_autofree char *sentence = sentence_for_status (upload, SOUP_STATUS_NONE);

          upload_fail (upload, sentence);
        }
    }
  g_hash_table_remove_all (self->uploads);
}

/* Retry of a failed own file: a new `upload` with the same id. */
gboolean
_nexus_client_upload_retry (NexusClient *self,
                            NexusEvent  *event)
{
  NexusUpload *upload = lookup (self, nexus_event_get_id (event));

  if (upload == NULL)
    return FALSE;
  if (upload->phase != PHASE_FAILED)
    return TRUE;

  upload->n_put_failures = 0;
  upload->n_probes = 0;
  upload->share_sent = FALSE;
  nexus_event_set_failure (event, NULL);
  nexus_event_set_bytes_sent (event, 0);
  nexus_event_set_delivery (event, NEXUS_DELIVERY_SENDING);
  upload->phase = PHASE_OPENING;
  upload_open (upload);
  return TRUE;
}

char *
_nexus_client_upload_describe (NexusClient *self,
                               const char  *id)
{
  static const char * const phases[] = {
    "OPENING", "ASKING", "PUTTING", "SHARING", "PROBING", "PAUSED", "FAILED",
  };
  NexusUpload *upload = lookup (self, id);

  G_STATIC_ASSERT (G_N_ELEMENTS (phases) == PHASE_FAILED + 1);
  if (upload == NULL)
    return NULL;
  return g_strdup_printf ("phase=%s share_sent=%d size=%" G_GINT64_FORMAT
                          " bytes_sent=%" G_GINT64_FORMAT " url=%s used_url=%s"
                          " put_failures=%u probes=%u pause=%s put=%s stream=%s",
                          phases[upload->phase], upload->share_sent, upload->size,
                          nexus_event_get_bytes_sent (upload->event),
                          upload->url ? upload->url : "-",
                          upload->used_url ? upload->used_url : "-",
                          upload->n_put_failures, upload->n_probes,
                          upload->pause_id != 0 ? "yes" : "no",
                          upload->message != NULL ? "yes" : "no",
                          upload->stream != NULL ? "yes" : "no");
}

void
_nexus_client_uploads_init (NexusClient *self)
{
  self->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, upload_detach);
}

void
_nexus_client_uploads_clear (NexusClient *self)
{
  g_clear_pointer (&self->uploads, g_hash_table_unref);
}

char *
_nexus_client_http_uri (NexusClient *self,
                        const char  *path)
{
  g_autofree char *url_host = nexus_address_url_host (self->host);

  return g_strdup_printf ("http://%s:%u%s", url_host, self->port, path);
}

/* Public API */

/* Shares @file with the room: its event is in the log at once, SENDING,
 * with bytes-sent growing to file-size while the bytes go, and SENT once
 * its message is in the room. @mime is what this computer takes the file
 * for, or NULL to guess. Returns NULL when the room is over or keeps no
 * files. */
NexusEvent *
nexus_client_share_file (NexusClient *self,
                         GFile       *file,
                         const char  *mime)
{
  g_autoptr(NexusEvent) event = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  NexusUpload *upload;

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!_nexus_client_is_in_room (self)
      || (self->state == NEXUS_CLIENT_STATE_JOINED && self->files_key == NULL))
    return NULL;

  id = g_strdup_printf ("%s-%u", self->id_prefix, ++self->next_id);
  name = g_file_get_basename (file);
  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_free (name);
      name = g_strdup ("file");
    }
  event = nexus_event_new (NEXUS_EVENT_MESSAGE, 0, NULL,
                           self->name ? self->name : self->wanted_name, NULL, id);
  nexus_event_set_is_own (event, TRUE);
  nexus_event_set_delivery (event, NEXUS_DELIVERY_SENDING);
  nexus_event_set_file (event, name, 0, mime, NULL, 0, 0);

  upload = g_new0 (NexusUpload, 1);
  g_ref_count_init (&upload->ref_count);
  upload->client = self;
  upload->event = g_object_ref (event);
  upload->file = g_object_ref (file);
  upload->mime = g_strdup (mime);
  upload->size = -1;
  upload->phase = PHASE_OPENING;
  upload->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->uploads, g_strdup (id), upload);

  nexus_event_log_add_pending (self->log, event);
  g_hash_table_insert (self->pending, g_strdup (id), g_object_ref (event));
  upload_open (upload);

  return event;
}

/* Stops sending an own file and takes it out of the log, unless its
 * message may already be in the room (its `share` went out): then FALSE,
 * and it arrives. */
gboolean
nexus_client_cancel_upload (NexusClient *self,
                            NexusEvent  *event)
{
  NexusUpload *upload;

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), FALSE);

  upload = lookup (self, nexus_event_get_id (event));
  if (upload == NULL || upload->event != event || upload->share_sent)
    return FALSE;

  g_object_ref (event);
  g_hash_table_remove (self->uploads, nexus_event_get_id (event));
  g_hash_table_remove (self->pending, nexus_event_get_id (event));
  nexus_event_log_remove_pending (self->log, event);
  g_object_unref (event);
  return TRUE;
}
