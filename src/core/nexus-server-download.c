/* nexus-server-download.c: files in the rooms — GET and HEAD /files
 *
 *   /files/FILEID/NAME?key=KEY
 *
 * A file, for members of its room only (the key of a member in the
 * room, its grace period included); anything else is the 404 of a file
 * that does not exist, so a guess learns nothing. One range of bytes, or
 * the whole file. Read from disk DOWNLOAD_CHUNK bytes at a time, at most
 * DOWNLOAD_AHEAD chunks ahead of what the socket has taken, each let go
 * once written. Every answer here is bytes, never a page: nosniff, a
 * sandbox CSP, and inline only for pictures its bytes proved.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-server-private.h"

#define DOWNLOAD_CHUNK      (64 * 1024)
#define DOWNLOAD_AHEAD      2
/* A file answer is never a page: even one a browser renders gets no
 * script, no plugin, no origin of its own. */
#define FILE_CSP            "sandbox; default-src 'none'"
#define NOT_FOUND_TEXT      "Not found.\n"

static void download_read_next (NexusTransfer *transfer);

static void
on_download_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  NexusTransfer *transfer = user_data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              NULL);
  SoupMessageBody *body;
  gsize length;

  transfer->reading = FALSE;
  if (transfer->cut || transfer->finished)
    {
      _nexus_transfer_release_streams (transfer);
      _nexus_transfer_unref (transfer);
      return;
    }
  /* Gone or shorter than it was: nothing right can be sent any more. */
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      _nexus_transfer_cut (transfer);
      _nexus_transfer_unref (transfer);
      return;
    }

  length = MIN (g_bytes_get_size (bytes), (gsize) transfer->remaining);
  body = soup_server_message_get_response_body (transfer->msg);
  if (length < g_bytes_get_size (bytes))
    {
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (bytes, 0, length);

      soup_message_body_append_bytes (body, part);
    }
  else
    soup_message_body_append_bytes (body, bytes);
  transfer->remaining -= (goffset) length;
  transfer->offset += (goffset) length;
  transfer->ahead++;
  transfer->last_progress = g_get_monotonic_time ();
  if (transfer->remaining == 0)
    soup_message_body_complete (body);
  soup_server_message_unpause (transfer->msg);
  download_read_next (transfer);
  _nexus_transfer_unref (transfer);
}

static void
download_read_next (NexusTransfer *transfer)
{
  if (transfer->input == NULL || transfer->reading || transfer->remaining == 0
      || transfer->ahead >= DOWNLOAD_AHEAD || transfer->cut || transfer->finished)
    return;
  transfer->reading = TRUE;
  g_input_stream_read_bytes_async (transfer->input,
                                   (gsize) MIN (transfer->remaining, DOWNLOAD_CHUNK),
                                   NEXUS_TRANSFER_PRIORITY, transfer->cancellable, on_download_read,
                                   _nexus_transfer_ref (transfer));
}

static void
on_download_opened (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  NexusTransfer *transfer = user_data;
  g_autoptr(GFileInputStream) input = g_file_read_finish (G_FILE (source), result, NULL);

  transfer->reading = FALSE;
  if (transfer->cut || transfer->finished)
    ;
  /* lseek(2): no waiting on the disk. */
  else if (input == NULL
           || !g_seekable_seek (G_SEEKABLE (input), transfer->offset, G_SEEK_SET, NULL, NULL))
    _nexus_transfer_cut (transfer);
  else
    {
      transfer->input = G_INPUT_STREAM (g_steal_pointer (&input));
      download_read_next (transfer);
    }
  _nexus_transfer_unref (transfer);
}

static void
on_download_wrote_chunk (SoupServerMessage *msg,
                         NexusTransfer     *transfer)
{
  if (transfer->ahead > 0)
    transfer->ahead--;
  transfer->last_progress = g_get_monotonic_time ();
  download_read_next (transfer);
}

typedef enum {
  RANGE_NONE,            /* no range, or one to ignore: the whole file */
  RANGE_PARTIAL,
  RANGE_UNSATISFIABLE,
} RangeAnswer;

static gboolean
parse_offset (const char *text,
              gsize       length,
              guint64    *value)
{
  guint64 v = 0;

  if (length == 0 || length > 19)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      v = v * 10 + (guint64) (text[i] - '0');
    }
  *value = v;
  return TRUE;
}

/* One range of RFC 9110: "bytes=first-last", "bytes=first-" or
 * "bytes=-suffix". Several ranges are answered with the whole file, as
 * the RFC allows; so is anything that does not parse. */
static RangeAnswer
parse_range (const char *header,
             guint64     size,
             guint64    *start,
             guint64    *length)
{
  g_autofree char *spec = NULL;
  const char *dash;
  guint64 first, last;

  if (header == NULL)
    return RANGE_NONE;
  spec = g_strstrip (g_strdup (header));
  if (g_ascii_strncasecmp (spec, "bytes=", 6) != 0 || strchr (spec, ',') != NULL)
    return RANGE_NONE;
  g_strstrip (spec + 6);
  dash = strchr (spec + 6, '-');
  if (dash == NULL)
    return RANGE_NONE;

  if (dash == spec + 6)
    {
      if (!parse_offset (dash + 1, strlen (dash + 1), &last))
        return RANGE_NONE;
      if (last == 0 || size == 0)
        return RANGE_UNSATISFIABLE;
      *start = size > last ? size - last : 0;
      *length = size - *start;
      return RANGE_PARTIAL;
    }
  if (!parse_offset (spec + 6, (gsize) (dash - spec - 6), &first))
    return RANGE_NONE;
  if (dash[1] == '\0')
    last = G_MAXUINT64;
  else if (!parse_offset (dash + 1, strlen (dash + 1), &last) || last < first)
    return RANGE_NONE;
  if (first >= size)
    return RANGE_UNSATISFIABLE;
  *start = first;
  *length = MIN (last, size - 1) - first + 1;
  return RANGE_PARTIAL;
}

static gboolean
is_attr_char (guchar c)
{
  return g_ascii_isalnum (c) || strchr ("!#$&+-.^_`|~", c) != NULL;
}

/* RFC 6266: a plain ASCII name for old clients, and the real one as UTF-8
 * in filename* (RFC 8187), every byte outside attr-char escaped. */
static char *
content_disposition (const char *type,
                     const char *name)
{
  GString *out = g_string_new (type);

  g_string_append (out, "; filename=\"");
  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f)
        continue;
      g_string_append_c (out, (c >= 0x80 || c == '"' || c == '\\') ? '_' : (char) c);
    }
  g_string_append (out, "\"; filename*=UTF-8''");
  for (const guchar *p = (const guchar *) name; *p; p++)
    {
      if (is_attr_char (*p))
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
  return g_string_free (out, FALSE);
}

/* The file of @path, for a member of its room (@key), or NULL: the answer
 * is the same 404 whether the file or the key is wrong. */
static NexusStoredFile *
lookup_for_member (NexusServer *self,
                   const char  *path,
                   GHashTable  *query)
{
  g_autofree char *id = NULL;
  const char *end;
  NexusStoredFile *file;
  NexusRoom *room;

  if (self->files.store == NULL || !g_str_has_prefix (path, "/files/"))
    return NULL;
  path += strlen ("/files/");
  end = strchr (path, '/');
  id = end != NULL ? g_strndup (path, (gsize) (end - path)) : g_strdup (path);
  file = nexus_file_store_lookup_file (self->files.store, id);
  if (file == NULL || query == NULL)
    return NULL;
  room = nexus_file_room_get_user_data (nexus_stored_file_get_room (file));
  if (nexus_room_find_files_key (room, g_hash_table_lookup (query, "key")) == NULL)
    return NULL;
  return file;
}

static void
handle_files (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  NexusServer *self = user_data;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *if_range = soup_message_headers_get_one (request, "If-Range");
  g_autofree char *etag = NULL;
  g_autofree char *disposition = NULL;
  NexusStoredFile *file;
  const NexusImageInfo *image;
  NexusTransfer *transfer;
  guint64 size, start = 0, length;
  RangeAnswer range;

  _nexus_server_pending_served (self, msg);
  _nexus_server_add_common_headers (msg);
  soup_message_headers_replace (response, "Content-Security-Policy", FILE_CSP);
  soup_message_headers_replace (response, "Cache-Control", "private");

  if (!_nexus_server_host_allowed (self, msg))
    {
      _nexus_transfer_respond_misdirected (msg);
      return;
    }
  if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_message_headers_replace (response, "Allow", "GET, HEAD");
      _nexus_server_respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                                  "Only GET and HEAD are served here.\n");
      return;
    }
  if ((file = lookup_for_member (self, path, query)) == NULL)
    {
      _nexus_server_respond_text (msg, SOUP_STATUS_NOT_FOUND, NOT_FOUND_TEXT);
      return;
    }

  size = nexus_stored_file_get_size (file);
  image = nexus_stored_file_get_image (file);
  etag = g_strdup_printf ("\"%s\"", nexus_stored_file_get_id (file));
  /* Only a picture its bytes proved is shown in place; anything else,
   * HTML and SVG too, is bytes to save. */
  disposition = content_disposition (image->kind != NEXUS_IMAGE_NONE ? "inline" : "attachment",
                                     nexus_stored_file_get_name (file));
  soup_message_headers_replace (response, "Content-Disposition", disposition);
  soup_message_headers_replace (response, "Accept-Ranges", "bytes");
  soup_message_headers_replace (response, "ETag", etag);

  range = (if_range == NULL || strcmp (if_range, etag) == 0)
          ? parse_range (soup_message_headers_get_one (request, "Range"), size, &start, &length)
          : RANGE_NONE;
  if (range == RANGE_UNSATISFIABLE)
    {
      g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, size);

      soup_message_headers_replace (response, "Content-Range", content_range);
      _nexus_server_respond_text (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE,
                                  "That range is outside the file.\n");
      return;
    }
  if (range == RANGE_NONE)
    length = size;
  else
    soup_message_headers_set_content_range (response, (goffset) start,
                                            (goffset) (start + length - 1), (goffset) size);
  soup_server_message_set_status (msg, range == RANGE_PARTIAL ? SOUP_STATUS_PARTIAL_CONTENT
                                                              : SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (response, "Content-Type",
                                nexus_image_kind_to_mime (image->kind));
  soup_message_headers_set_content_length (response, (goffset) length);
  if (strcmp (method, "HEAD") == 0 || length == 0)
    return;

  /* The body, from disk, a chunk at a time. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  transfer = _nexus_transfer_new (self, msg, FALSE);
  transfer->store_room = nexus_stored_file_get_room (file);
  transfer->offset = (goffset) start;
  transfer->remaining = (goffset) length;
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_download_wrote_chunk), transfer);
  transfer->reading = TRUE;
  g_file_read_async (nexus_stored_file_get_file (file), NEXUS_TRANSFER_PRIORITY, transfer->cancellable,
                     on_download_opened, _nexus_transfer_ref (transfer));
}

/* A request to /files with a body: the body is dropped as it comes. */
static void
handle_files_early (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
}

void
_nexus_server_downloads_add_handlers (NexusServer *self)
{
  soup_server_add_early_handler (self->soup, "/files", handle_files_early, self, NULL);
  soup_server_add_handler (self->soup, "/files", handle_files, self, NULL);
}
