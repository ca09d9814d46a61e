/* nexus-test-files.c: what the file tests and the benchmark share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "nexus-test-files.h"

#define STREAM_BUFFER (64 * 1024)

/* A room of two */

void
nexus_test_pair_start (NexusTestPair *pair,
                       guint          port)
{
  g_autoptr(JsonObject) joined = NULL;

  pair->ada = nexus_test_client_new (port, NULL);
  pair->ada_welcome = nexus_test_client_create (pair->ada, "Ada");
  pair->bob = nexus_test_client_new (port, NULL);
  pair->bob_welcome = nexus_test_client_join (pair->bob, nexus_test_str (pair->ada_welcome, "room"),
                                              "Bob");
  joined = nexus_test_client_expect (pair->ada, "joined");
}

void
nexus_test_pair_clear (NexusTestPair *pair)
{
  g_clear_pointer (&pair->ada, nexus_test_client_free);
  g_clear_pointer (&pair->bob, nexus_test_client_free);
  g_clear_pointer (&pair->ada_welcome, json_object_unref);
  g_clear_pointer (&pair->bob_welcome, json_object_unref);
}

char *
nexus_test_upload_slot (NexusTestClient *client,
                        const char      *id,
                        const char      *name,
                        gint64           size)
{
  g_autofree char *frame = nexus_frame_encode_upload (id, name, size, "application/octet-stream");
  g_autoptr(JsonObject) ready = NULL;

  nexus_test_client_send (client, frame);
  ready = nexus_test_client_expect (client, "upload-ready");
  g_assert_cmpstr (nexus_test_str (ready, "id"), ==, id);
  g_assert_true (g_str_has_prefix (nexus_test_str (ready, "url"), "/upload/"));
  return g_strdup (nexus_test_str (ready, "url"));
}

JsonObject *
nexus_test_share (NexusTestClient *client,
                  const char      *id)
{
  g_autofree char *frame = nexus_frame_encode_share (id);
  JsonObject *message;

  nexus_test_client_send (client, frame);
  message = nexus_test_client_expect (client, "message");
  g_assert_cmpstr (nexus_test_str (message, "id"), ==, id);
  return message;
}

JsonObject *
nexus_test_share_bytes (guint            port,
                        NexusTestClient *client,
                        const char      *id,
                        const char      *name,
                        const void      *data,
                        gsize            length)
{
  g_autofree char *path = nexus_test_upload_slot (client, id, name, (gint64) length);

  g_assert_cmpuint (nexus_test_put (port, path, data, length), ==, 201);
  return nexus_test_share (client, id);
}

char *
nexus_test_file_path (JsonObject *message,
                      JsonObject *welcome)
{
  JsonObject *file = json_object_get_object_member (message, "file");

  g_assert_nonnull (file);
  return g_strconcat (nexus_test_str (file, "url"), "?key=", nexus_test_str (welcome, "files_key"),
                      NULL);
}

/* HTTP with libsoup */

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} Exchange;

static void
on_exchange_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                      &exchange->error);
  exchange->done = TRUE;
}

guint
nexus_test_request (guint                port,
                    const char          *method,
                    const char          *path,
                    const char * const  *headers,
                    GBytes              *body,
                    SoupMessageHeaders **response_headers,
                    GBytes             **response_body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Exchange exchange = { 0, };

  g_assert_nonnull (msg);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_exchange_done,
                                    &exchange);
  WAIT_UNTIL (exchange.done);
  g_assert_no_error (exchange.error);

  if (response_headers != NULL)
    *response_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (response_body != NULL)
    *response_body = g_bytes_ref (exchange.body);
  g_bytes_unref (exchange.body);
  return soup_message_get_status (msg);
}

guint
nexus_test_put (guint       port,
                const char *path,
                const void *data,
                gsize       length)
{
  g_autoptr(GBytes) body = g_bytes_new (data, length);

  return nexus_test_request (port, "PUT", path, NULL, body, NULL, NULL);
}

static gboolean
is_file_id (const char *name)
{
  if (strlen (name) != 32)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static guint
count_store_files (NexusServer *server)
{
  const char *directory = nexus_file_store_get_directory (nexus_server_get_file_store (server));
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (strcmp (name, "lock") == 0)
        continue;
      /* Only names the host chose, whatever the uploaders called them. */
      if (!is_file_id (name))
        g_error ("“%s” in the store's directory is not a file id", name);
      n++;
    }
  return n;
}

void
nexus_test_assert_store_holds (NexusServer *server,
                               guint        n)
{
  WAIT_UNTIL (count_store_files (server) == n);
}

gint64
nexus_test_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

/* Streaming clients */

struct _NexusTestStream {
  guint      port;
  char      *path;
  gboolean   upload;
  guint64    size;
  guint32    seed;
  gboolean   hash;
  GThread   *thread;
  gint       done;
  guint      status;
  guint64    bytes;     /* of the body, sent or received */
  gint64     usec;      /* from connecting to the end of the answer */
  char      *sha256;
};

/* The generated bytes: xorshift32, four bytes a step, little end first. */
static void
generate (guint32 *state,
          guint8  *buffer,
          gsize    length)
{
  for (gsize i = 0; i < length; i += 4)
    {
      guint32 x = *state;

      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      *state = x;
      for (gsize j = 0; j < 4 && i + j < length; j++)
        buffer[i + j] = (guint8) (x >> (8 * j));
    }
}

char *
nexus_test_generated_sha256 (guint64 size,
                             guint32 seed)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (STREAM_BUFFER);
  guint32 state = seed;

  /* Whole buffers at a time, as the upload makes them. */
  while (size > 0)
    {
      gsize n = (gsize) MIN (size, STREAM_BUFFER);

      generate (&state, buffer, n);
      g_checksum_update (checksum, buffer, n);
      size -= n;
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static int
stream_connect (guint port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((guint16) port) };
  struct timeval timeout = { 120, 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static gboolean
send_all (int         fd,
          const void *data,
          gsize       length)
{
  const guint8 *p = data;

  while (length > 0)
    {
      ssize_t n = send (fd, p, length, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* Reads the answer's head (up to its blank line); what came after it is
 * left in @buffer, @length bytes. */
static gboolean
read_head (int       fd,
           GString  *head,
           guint8   *buffer,
           gsize    *length)
{
  const char *end;

  while ((end = strstr (head->str, "\r\n\r\n")) == NULL)
    {
      ssize_t n = recv (fd, buffer, STREAM_BUFFER, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || head->len > 64 * 1024)
        return FALSE;
      g_string_append_len (head, (const char *) buffer, n);
    }
  *length = head->len - (gsize) (end + 4 - head->str);
  memcpy (buffer, end + 4, *length);
  g_string_truncate (head, (gsize) (end + 4 - head->str));
  return TRUE;
}

static guint
status_of (const char *head)
{
  return g_str_has_prefix (head, "HTTP/1.") && strlen (head) > 12
         ? (guint) g_ascii_strtoull (head + 9, NULL, 10) : 0;
}

static gpointer
stream_thread (gpointer data)
{
  NexusTestStream *stream = data;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) head = g_string_new (NULL);
  g_autofree guint8 *buffer = g_malloc (STREAM_BUFFER);
  g_autofree char *request = NULL;
  gint64 start = g_get_monotonic_time ();
  gsize length = 0;
  int fd = stream_connect (stream->port);

  if (fd < 0)
    goto done;
  if (stream->upload)
    {
      guint32 state = stream->seed;
      guint64 left = stream->size;

      request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                 "Content-Type: application/octet-stream\r\n"
                                 "Content-Length: %" G_GUINT64_FORMAT "\r\n\r\n",
                                 stream->path, stream->port, stream->size);
      if (!send_all (fd, request, strlen (request)))
        goto done;
      while (left > 0)
        {
          gsize n = (gsize) MIN (left, STREAM_BUFFER);

          generate (&state, buffer, n);
          if (stream->hash)
            g_checksum_update (checksum, buffer, n);
          if (!send_all (fd, buffer, n))
            break;
          stream->bytes += n;
          left -= n;
        }
      if (read_head (fd, head, buffer, &length))
        stream->status = status_of (head->str);
    }
  else
    {
      request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n\r\n", stream->path,
                                 stream->port);
      if (!send_all (fd, request, strlen (request)) || !read_head (fd, head, buffer, &length))
        goto done;
      stream->status = status_of (head->str);
      /* The server ends the connection after its answer. */
      while (TRUE)
        {
          ssize_t n;

          if (stream->hash)
            g_checksum_update (checksum, buffer, length);
          stream->bytes += length;
          n = recv (fd, buffer, STREAM_BUFFER, 0);
          if (n < 0 && errno == EINTR)
            n = 0;
          else if (n <= 0)
            break;
          length = (gsize) n;
        }
    }

done:
  if (fd >= 0)
    close (fd);
  stream->usec = g_get_monotonic_time () - start;
  stream->sha256 = g_strdup (g_checksum_get_string (checksum));
  g_atomic_int_set (&stream->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

NexusTestStream *
nexus_test_stream_start (guint       port,
                         const char *path,
                         gboolean    upload,
                         guint64     size,
                         guint32     seed,
                         gboolean    hash)
{
  NexusTestStream *stream = g_new0 (NexusTestStream, 1);

  stream->port = port;
  stream->path = g_strdup (path);
  stream->upload = upload;
  stream->size = size;
  stream->seed = seed;
  stream->hash = hash;
  stream->thread = g_thread_new (upload ? "upload" : "download", stream_thread, stream);
  return stream;
}

NexusTestStream *
nexus_test_stream_upload (guint       port,
                          const char *path,
                          guint64     size,
                          guint32     seed)
{
  return nexus_test_stream_start (port, path, TRUE, size, seed, TRUE);
}

NexusTestStream *
nexus_test_stream_download (guint       port,
                            const char *path)
{
  return nexus_test_stream_start (port, path, FALSE, 0, 0, TRUE);
}

gboolean
nexus_test_stream_done (NexusTestStream *stream)
{
  return g_atomic_int_get (&stream->done) != 0;
}

gint64
nexus_test_stream_wait (NexusTestStream *stream,
                        guint            seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  gint64 largest = nexus_test_rss_kib ();
  guint wake = g_timeout_add_full (G_PRIORITY_LOW, 10, nexus_test_wake, NULL, NULL);
  guint turns = 0;

  while (!nexus_test_stream_done (stream))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("A transfer of %s took more than %u s", stream->path, seconds);
      g_main_context_iteration (NULL, TRUE);
      if (++turns % 16 == 0)
        largest = MAX (largest, nexus_test_rss_kib ());
    }
  g_source_remove (wake);
  g_thread_join (g_steal_pointer (&stream->thread));
  return MAX (largest, nexus_test_rss_kib ());
}

guint
nexus_test_stream_status (NexusTestStream *stream)
{
  return stream->status;
}

const char *
nexus_test_stream_sha256 (NexusTestStream *stream)
{
  return stream->sha256;
}

guint64
nexus_test_stream_bytes (NexusTestStream *stream)
{
  return stream->bytes;
}

gint64
nexus_test_stream_usec (NexusTestStream *stream)
{
  return stream->usec;
}

void
nexus_test_stream_free (NexusTestStream *stream)
{
  if (stream->thread != NULL)
    nexus_test_stream_wait (stream, 120);
  g_free (stream->path);
  g_free (stream->sha256);
  g_free (stream);
}
