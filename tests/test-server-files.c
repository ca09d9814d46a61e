/* test-server-files.c: files through the server's HTTP routes — bytes up
 * and down exactly, in constant memory; ranges; the headers that keep a
 * file from running as a page; names; lying lengths; stalls; a full disk
 *
 * The frames and rules around them (limits, members, exactly-once, rooms
 * ending) are in test-server-files-rooms.c.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "nexus-test-files.h"

#define MIB (1024 * 1024)
#define LARGE_SIZE (200 * (guint64) MIB)
/* How much the host's resident memory may grow while 200 MiB go up and
 * come back down: the queue to the disk (512 KiB and a batch being
 * written), two 64 KiB chunks of a download, libsoup's 8 KiB reads, and
 * what malloc keeps of them. The file is 200 MiB: were it held, this fails. */
#define RSS_BOUND_KIB (32 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static void
limits_large (NexusServerLimits *limits)
{
  limits->max_file_size = 256 * MIB;
  limits->rate = 0;
}

static void
limits_many (NexusServerLimits *limits)
{
  limits->rate = 0;
  limits->uploads_per_minute = 1000;
}

static void
limits_stall (NexusServerLimits *limits)
{
  limits->upload_stall_seconds = 1;
}

static GBytes *
get_file (guint                port,
          const char          *path,
          const char * const  *headers,
          guint               *status,
          SoupMessageHeaders **response)
{
  GBytes *body = NULL;

  *status = nexus_test_request (port, "GET", path, headers, NULL, response, &body);
  return body;
}

/* Up and down, byte for byte: the SHA-256 of what was sent and of what
 * came back are the same, for an empty file, a one-byte file and 200 MiB
 * made as they are sent, while the host's memory stays flat. */
static void
round_trip (NexusTestServer *fixture,
            NexusTestPair   *pair,
            const char      *id,
            guint64          size,
            guint32          seed,
            gint64          *largest_rss)
{
  g_autofree char *slot = nexus_test_upload_slot (pair->ada, id, "data.bin", (gint64) size);
  g_autofree char *expected = nexus_test_generated_sha256 (size, seed);
  g_autofree char *path = NULL;
  g_autoptr(NexusTestStream) up = NULL;
  g_autoptr(NexusTestStream) down = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) bobs = NULL;
  gint64 rss;

  up = nexus_test_stream_upload (fixture->port, slot, size, seed);
  rss = nexus_test_stream_wait (up, 120);
  *largest_rss = MAX (*largest_rss, rss);
  g_assert_cmpuint (nexus_test_stream_status (up), ==, 201);
  g_assert_cmpstr (nexus_test_stream_sha256 (up), ==, expected);

  message = nexus_test_share (pair->ada, id);
  bobs = nexus_test_client_expect (pair->bob, "message");
  g_assert_cmpint (nexus_test_int (json_object_get_object_member (message, "file"), "size"), ==,
                   (gint64) size);

  /* Bob downloads it with his own key. */
  path = nexus_test_file_path (bobs, pair->bob_welcome);
  down = nexus_test_stream_download (fixture->port, path);
  rss = nexus_test_stream_wait (down, 120);
  *largest_rss = MAX (*largest_rss, rss);
  g_assert_cmpuint (nexus_test_stream_status (down), ==, 200);
  g_assert_cmpuint (nexus_test_stream_bytes (down), ==, size);
  g_assert_cmpstr (nexus_test_stream_sha256 (down), ==, expected);
  if (size >= MIB)
    g_test_message ("%" G_GUINT64_FORMAT " MiB: up in %.2f s, down in %.2f s", size / MIB,
                    nexus_test_stream_usec (up) / 1e6, nexus_test_stream_usec (down) / 1e6);
}

static void
test_byte_exact (NexusTestServer *fixture,
                 gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  gint64 before, largest;

  nexus_test_pair_start (&pair, fixture->port);
  /* Small ones first, so what the first transfer sets up once is in the
   * baseline. */
  largest = 0;
  round_trip (fixture, &pair, "empty", 0, 1, &largest);
  round_trip (fixture, &pair, "one", 1, 2, &largest);
  nexus_test_assert_store_holds (fixture->server, 2);

  before = nexus_test_rss_kib ();
  largest = before;
  round_trip (fixture, &pair, "large", LARGE_SIZE, 3, &largest);
  nexus_test_assert_store_holds (fixture->server, 3);
  g_test_message ("host RSS: %" G_GINT64_FORMAT " KiB before, %" G_GINT64_FORMAT " KiB at most "
                  "while 200 MiB went up and down: +%" G_GINT64_FORMAT " KiB (bound %d KiB)",
                  before, largest, largest - before, RSS_BOUND_KIB);
#ifdef UNDER_ASAN
  /* AddressSanitizer keeps freed memory in quarantine (256 MiB): the
   * bound holds in the ordinary build. */
  g_test_message ("RSS bound not checked under AddressSanitizer");
#else
  g_assert_cmpint (largest - before, <, RSS_BOUND_KIB);
#endif
  nexus_test_pair_clear (&pair);
}

/* A file of 1000 known bytes, shared by Ada; returns Bob's path to it. */
static char *
share_known (NexusTestServer *fixture,
             NexusTestPair   *pair,
             const char      *id,
             guint8          *bytes,
             gsize            length)
{
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) bobs = NULL;

  for (gsize i = 0; i < length; i++)
    bytes[i] = (guint8) (i * 7 + 3);
  message = nexus_test_share_bytes (fixture->port, pair->ada, id, "known.bin", bytes, length);
  bobs = nexus_test_client_expect (pair->bob, "message");
  return nexus_test_file_path (bobs, pair->bob_welcome);
}

static void
assert_range (guint         port,
              const char   *path,
              const char   *range,
              const guint8 *bytes,
              guint         status,
              gsize         start,
              gsize         length,
              const char   *content_range)
{
  const char *headers[] = { "Range", range, NULL };
  g_autoptr(SoupMessageHeaders) response = NULL;
  g_autoptr(GBytes) body = NULL;
  guint got;

  body = get_file (port, path, headers, &got, &response);
  g_assert_cmpuint (got, ==, status);
  g_assert_cmpstr (soup_message_headers_get_one (response, "Content-Range"), ==, content_range);
  if (status == 416)
    return;
  g_assert_cmpstr (soup_message_headers_get_one (response, "Accept-Ranges"), ==, "bytes");
  g_assert_cmpint (soup_message_headers_get_content_length (response), ==, (goffset) length);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), bytes + start, length);
}

static void
test_range (NexusTestServer *fixture,
            gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  guint8 bytes[1000];
  g_autofree char *path = NULL;
  g_autofree char *empty_path = NULL;
  g_autoptr(SoupMessageHeaders) response = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) bobs = NULL;
  const char *etag;
  guint status;

  nexus_test_pair_start (&pair, fixture->port);
  path = share_known (fixture, &pair, "k", bytes, sizeof bytes);

  assert_range (fixture->port, path, "bytes=10-19", bytes, 206, 10, 10, "bytes 10-19/1000");
  assert_range (fixture->port, path, "bytes=990-", bytes, 206, 990, 10, "bytes 990-999/1000");
  assert_range (fixture->port, path, "bytes=0-", bytes, 206, 0, 1000, "bytes 0-999/1000");
  assert_range (fixture->port, path, "bytes=-5", bytes, 206, 995, 5, "bytes 995-999/1000");
  assert_range (fixture->port, path, "bytes=-5000", bytes, 206, 0, 1000, "bytes 0-999/1000");
  assert_range (fixture->port, path, "bytes=995-5000", bytes, 206, 995, 5, "bytes 995-999/1000");
  assert_range (fixture->port, path, "bytes=999-999", bytes, 206, 999, 1, "bytes 999-999/1000");
  /* Unsatisfiable: 416 and the size. */
  assert_range (fixture->port, path, "bytes=1000-", bytes, 416, 0, 0, "bytes */1000");
  assert_range (fixture->port, path, "bytes=5000-6000", bytes, 416, 0, 0, "bytes */1000");
  assert_range (fixture->port, path, "bytes=-0", bytes, 416, 0, 0, "bytes */1000");
  /* Several ranges, or nonsense: the whole file. */
  assert_range (fixture->port, path, "bytes=0-1,5-6", bytes, 200, 0, 1000, NULL);
  assert_range (fixture->port, path, "bytes=5-2", bytes, 200, 0, 1000, NULL);
  assert_range (fixture->port, path, "bytes=a-b", bytes, 200, 0, 1000, NULL);
  assert_range (fixture->port, path, "pages=1-2", bytes, 200, 0, 1000, NULL);

  /* If-Range: our own ETag keeps the range, anything else drops it. */
  body = get_file (fixture->port, path, NULL, &status, &response);
  etag = soup_message_headers_get_one (response, "ETag");
  g_assert_nonnull (etag);
  {
    const char *same[] = { "Range", "bytes=1-2", "If-Range", etag, NULL };
    const char *other[] = { "Range", "bytes=1-2", "If-Range", "\"something-else\"", NULL };
    g_autoptr(GBytes) a = get_file (fixture->port, path, same, &status, NULL);

    g_assert_cmpuint (status, ==, 206);
    g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a), bytes + 1, 2);
    g_clear_pointer (&body, g_bytes_unref);
    body = get_file (fixture->port, path, other, &status, NULL);
    g_assert_cmpuint (status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (body), ==, 1000);
  }

  /* HEAD: the headers of the GET, no body. */
  g_clear_pointer (&response, soup_message_headers_unref);
  g_clear_pointer (&body, g_bytes_unref);
  status = nexus_test_request (fixture->port, "HEAD", path, NULL, NULL, &response, &body);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (soup_message_headers_get_content_length (response), ==, 1000);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);

  /* An empty file has no byte to give. */
  message = nexus_test_share_bytes (fixture->port, pair.ada, "empty", "empty.txt", "", 0);
  bobs = nexus_test_client_expect (pair.bob, "message");
  empty_path = nexus_test_file_path (bobs, pair.bob_welcome);
  assert_range (fixture->port, empty_path, "bytes=0-", bytes, 416, 0, 0, "bytes */0");
  g_clear_pointer (&body, g_bytes_unref);
  body = get_file (fixture->port, empty_path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
  nexus_test_pair_clear (&pair);
}

static const guint8 png_head[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x25, 0x00, 0x00, 0x00, 0x17,
  0x01, 0x03, 0x00, 0x00, 0x00, 0xb6, 0xe2, 0x14
};

/* Shares @data as @name and checks how it is served. */
static void
assert_served_as (NexusTestServer *fixture,
                  NexusTestPair   *pair,
                  const char      *id,
                  const char      *name,
                  const void      *data,
                  gsize            length,
                  const char      *type,
                  const char      *disposition)
{
  g_autoptr(JsonObject) message = nexus_test_share_bytes (fixture->port, pair->ada, id, name, data,
                                                          length);
  g_autoptr(JsonObject) bobs = nexus_test_client_expect (pair->bob, "message");
  g_autofree char *path = nexus_test_file_path (bobs, pair->bob_welcome);
  g_autoptr(SoupMessageHeaders) response = NULL;
  g_autoptr(GBytes) body = NULL;
  JsonObject *file = json_object_get_object_member (message, "file");
  guint status;

  g_assert_cmpstr (nexus_test_str (file, "type"), ==, type);
  body = get_file (fixture->port, path, NULL, &status, &response);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (response, "Content-Type"), ==, type);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (response, "Content-Disposition"),
                                   disposition));
  g_assert_cmpstr (soup_message_headers_get_one (response, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_cmpstr (soup_message_headers_get_one (response, "Content-Security-Policy"), ==,
                   "sandbox; default-src 'none'");
  g_assert_cmpstr (soup_message_headers_get_one (response, "Cache-Control"), ==, "private");
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), data, length);
}

static void
test_headers (NexusTestServer *fixture,
              gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  const char *html = "<!DOCTYPE html><html><body><script>document.title='pwned'</script></body></html>";
  const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
  g_autoptr(SoupMessageHeaders) response = NULL;
  g_autofree char *missing = g_strdup_printf ("/files/%032d/x?key=%s", 0,
                                              "00000000000000000000000000000000");

  nexus_test_pair_start (&pair, fixture->port);
  /* Whatever it is called or claims to be: bytes to save, never a page. */
  assert_served_as (fixture, &pair, "h", "page.html", html, strlen (html),
                    "application/octet-stream", "attachment;");
  assert_served_as (fixture, &pair, "s", "drawing.svg", svg, strlen (svg),
                    "application/octet-stream", "attachment;");
  assert_served_as (fixture, &pair, "f", "fake.png", html, strlen (html),
                    "application/octet-stream", "attachment;");
  /* A picture its bytes prove is shown in place, whatever its name says. */
  assert_served_as (fixture, &pair, "p", "picture.txt", png_head, sizeof png_head,
                    "image/png", "inline;");

  /* Not found is a file answer too. */
  g_assert_cmpuint (nexus_test_request (fixture->port, "GET", missing, NULL, NULL, &response, NULL),
                    ==, 404);
  g_assert_cmpstr (soup_message_headers_get_one (response, "Content-Security-Policy"), ==,
                   "sandbox; default-src 'none'");
  g_assert_cmpstr (soup_message_headers_get_one (response, "X-Content-Type-Options"), ==, "nosniff");
  nexus_test_pair_clear (&pair);
}

/* Names: cleaned, or refused; on disk the file is always the host's id. */
static void
test_names (NexusTestServer *fixture,
            gconstpointer    data)
{
  static const struct {
    const char *sent;         /* as JSON string contents */
    const char *kept;         /* NULL: refused */
    const char *ascii;        /* filename="…" */
    const char *encoded;      /* filename*=UTF-8''… */
  } cases[] = {
    { "../../etc/passwd", "passwd", "passwd", "passwd" },
    { "C:\\\\Users\\\\ada\\\\report.pdf", "report.pdf", "report.pdf", "report.pdf" },
    { "a/b\\\\c.txt", "c.txt", "c.txt", "c.txt" },
    { "x\\u0000y.txt", "xy.txt", "xy.txt", "xy.txt" },
    { "\\u202Egnp.exe", "gnp.exe", "gnp.exe", "gnp.exe" },
    { "zero\\u200Bwidth.txt", "zerowidth.txt", "zerowidth.txt", "zerowidth.txt" },
    { "line\\nbreak\\r.txt", "linebreak.txt", "linebreak.txt", "linebreak.txt" },
    { "  spaced out.txt  ", "spaced out.txt", "spaced out.txt", "spaced%20out.txt" },
    { "say \\\"hi\\\".txt", "say \"hi\".txt", "say _hi_.txt", "say%20%22hi%22.txt" },
    { "tab\\there.txt", "tabhere.txt", "tabhere.txt", "tabhere.txt" },
    { "Grüße \\\"x\\\".txt", "Grüße \"x\".txt", "Gr__e _x_.txt", "Gr%C3%BC%C3%9Fe%20%22x%22.txt" },
    { "ok;name=evil.txt", "ok;name=evil.txt", "ok;name=evil.txt", "ok%3Bname%3Devil.txt" },
    { "../", NULL, NULL, NULL },
    { "..", NULL, NULL, NULL },
    { "dir/", NULL, NULL, NULL },
    { "\\u200B\\u200E", NULL, NULL, NULL },
    { "", NULL, NULL, NULL },
  };
  NexusTestPair pair = { 0, };
  g_autoptr(GString) long_name = g_string_new (NULL);
  guint shared = 0;

  nexus_test_pair_start (&pair, fixture->port);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("n%u", i);
      g_autoptr(JsonObject) answer = NULL;
      g_autoptr(JsonObject) message = NULL;
      g_autoptr(JsonObject) bobs = NULL;
      g_autoptr(SoupMessageHeaders) response = NULL;
      g_autofree char *path = NULL;
      g_autofree char *disposition = NULL;

      nexus_test_client_sendf (pair.ada, "{\"type\":\"upload\",\"id\":\"%s\",\"name\":\"%s\",\"size\":3}",
                               id, cases[i].sent);
      if (cases[i].kept == NULL)
        {
          nexus_test_client_expect_error_id (pair.ada, "file-name-invalid", id);
          continue;
        }
      answer = nexus_test_client_expect (pair.ada, "upload-ready");
      g_assert_cmpuint (nexus_test_put (fixture->port, nexus_test_str (answer, "url"), "abc", 3), ==, 201);
      message = nexus_test_share (pair.ada, id);
      bobs = nexus_test_client_expect (pair.bob, "message");
      shared++;
      g_assert_cmpstr (nexus_test_str (json_object_get_object_member (message, "file"), "name"), ==,
                       cases[i].kept);
      g_assert_true (strstr (nexus_test_str (message, "text"), cases[i].kept) != NULL);

      path = nexus_test_file_path (bobs, pair.bob_welcome);
      g_assert_cmpuint (nexus_test_request (fixture->port, "HEAD", path, NULL, NULL, &response, NULL),
                        ==, 200);
      disposition = g_strdup_printf ("attachment; filename=\"%s\"; filename*=UTF-8''%s",
                                     cases[i].ascii, cases[i].encoded);
      g_assert_cmpstr (soup_message_headers_get_one (response, "Content-Disposition"), ==, disposition);
    }

  /* 255 characters are a name; 256 are not. */
  for (guint i = 0; i < 255; i++)
    g_string_append (long_name, "é");
  nexus_test_client_sendf (pair.ada, "{\"type\":\"upload\",\"id\":\"long\",\"name\":\"%s\",\"size\":1}",
                           long_name->str);
  json_object_unref (nexus_test_client_expect (pair.ada, "upload-ready"));
  g_string_append (long_name, "é");
  nexus_test_client_sendf (pair.ada, "{\"type\":\"upload\",\"id\":\"longer\",\"name\":\"%s\",\"size\":1}",
                           long_name->str);
  nexus_test_client_expect_error_id (pair.ada, "file-name-invalid", "longer");
  g_string_set_size (long_name, 0);
  for (guint i = 0; i < 300; i++)
    g_string_append_c (long_name, 'a');
  nexus_test_client_sendf (pair.ada, "{\"type\":\"upload\",\"id\":\"300\",\"name\":\"%s\",\"size\":1}",
                           long_name->str);
  nexus_test_client_expect_error_id (pair.ada, "file-name-invalid", "300");

  /* Every file on disk is in the store's directory under its id. */
  nexus_test_assert_store_holds (fixture->server, shared);
  nexus_test_pair_clear (&pair);
}

/* A raw request; returns what the server answered, up to the end. */
static char *
raw_exchange (guint       port,
              const char *request,
              gsize       length)
{
  g_autoptr(NexusTestRawClient) raw = nexus_test_raw_client_new (port, 0);

  nexus_test_raw_client_try_send (raw, request, length);
  nexus_test_raw_client_wait_ended (raw);
  return g_strndup ((const char *) raw->bytes->data, raw->bytes->len);
}

static void
test_lying_length (NexusTestServer *fixture,
                   gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  g_autofree char *slot = NULL;
  g_autofree char *request = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GBytes) body = NULL;
  guint8 hundred[150];
  guint status;

  memset (hundred, 'x', sizeof hundred);
  memset (hundred + 100, 'E', 50);
  nexus_test_pair_start (&pair, fixture->port);
  slot = nexus_test_upload_slot (pair.ada, "u", "u.bin", 100);

  /* Fewer or more bytes than the slot is for: refused, and the slot stays. */
  g_assert_cmpuint (nexus_test_put (fixture->port, slot, hundred, 50), ==, 409);
  g_assert_cmpuint (nexus_test_put (fixture->port, slot, hundred, 150), ==, 413);
  /* No length at all (chunked): refused too. */
  request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "64\r\n%.100s\r\n0\r\n\r\n", slot, (const char *) hundred);
  answer = raw_exchange (fixture->port, request, strlen (request));
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 411 "));
  nexus_test_assert_store_holds (fixture->server, 0);

  /* A length that promises 100 and a connection that ends after 60:
   * nothing is kept, and the slot is used up. */
  g_clear_pointer (&request, g_free);
  g_clear_pointer (&answer, g_free);
  request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
                             "%.60s", slot, (const char *) hundred);
  {
    g_autoptr(NexusTestRawClient) raw = nexus_test_raw_client_new (fixture->port, 0);

    nexus_test_raw_client_send (raw, request, strlen (request));
    WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 1);
    g_socket_shutdown (raw->socket, FALSE, TRUE, NULL);
    WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 0);
  }
  nexus_test_assert_store_holds (fixture->server, 0);
  g_assert_cmpuint (nexus_test_put (fixture->port, slot, hundred, 100), ==, 404);
  {
    g_autofree char *share = nexus_frame_encode_share ("u");

    nexus_test_client_send (pair.ada, share);
    nexus_test_client_expect_error_id (pair.ada, "upload-not-found", "u");
  }

  /* Bytes beyond the length are not the body: the file is the 100. */
  g_clear_pointer (&slot, g_free);
  g_clear_pointer (&request, g_free);
  slot = nexus_test_upload_slot (pair.ada, "v", "v.bin", 100);
  request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
                             "%.150s", slot, (const char *) hundred);
  answer = raw_exchange (fixture->port, request, strlen (request));
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 201 "));
  message = nexus_test_share (pair.ada, "v");
  path = nexus_test_file_path (message, pair.ada_welcome);
  body = get_file (fixture->port, path, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), hundred, 100);
  nexus_test_pair_clear (&pair);
}

/* An upload that stops sending, and a download nobody reads, are cut
 * after the stall deadline (1 s here); the upload leaves nothing. */
static void
test_stall (NexusTestServer *fixture,
            gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  g_autofree char *slot = NULL;
  g_autofree char *request = NULL;
  g_autofree char *path = NULL;
  g_autoptr(NexusTestRawClient) raw = NULL;
  g_autoptr(NexusTestRawClient) reader = NULL;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(NexusTestStream) up = NULL;
  gint64 start;

  nexus_test_pair_start (&pair, fixture->port);
  slot = nexus_test_upload_slot (pair.ada, "slow", "slow.bin", 1000);
  request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n"
                             "only the beginning", slot);
  raw = nexus_test_raw_client_new (fixture->port, 0);
  nexus_test_raw_client_send (raw, request, strlen (request));
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 1);
  nexus_test_assert_store_holds (fixture->server, 1);
  start = g_get_monotonic_time ();
  nexus_test_raw_client_wait_ended (raw);
  g_test_message ("the stalled upload was cut after %.1f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 0);
  nexus_test_assert_store_holds (fixture->server, 0);

  /* A download of 32 MiB to a reader that takes nothing. */
  g_clear_pointer (&slot, g_free);
  slot = nexus_test_upload_slot (pair.ada, "big", "big.bin", 32 * MIB);
  up = nexus_test_stream_upload (fixture->port, slot, 32 * MIB, 9);
  nexus_test_stream_wait (up, 60);
  g_assert_cmpuint (nexus_test_stream_status (up), ==, 201);
  message = nexus_test_share (pair.ada, "big");
  path = nexus_test_file_path (message, pair.ada_welcome);
  g_clear_pointer (&request, g_free);
  request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
  reader = nexus_test_raw_client_new (fixture->port, 4096);
  nexus_test_raw_client_send (reader, request, strlen (request));
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 1);
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 0);
  /* The file itself stays for the others. */
  nexus_test_assert_store_holds (fixture->server, 1);
  nexus_test_pair_clear (&pair);
}

/* Methods and the Host check on the new routes. */
static void
test_methods (NexusTestServer *fixture,
              gconstpointer    data)
{
  const char *foreign[] = { "Host", "evil.example", NULL };
  g_autoptr(SoupMessageHeaders) response = NULL;

  g_assert_cmpuint (nexus_test_request (fixture->port, "GET", "/upload/abc", NULL, NULL, &response,
                                        NULL), ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (response, "Allow"), ==, "PUT");
  g_assert_cmpuint (nexus_test_request (fixture->port, "POST", "/files/abc", NULL, NULL, NULL, NULL),
                    ==, 405);
  g_assert_cmpuint (nexus_test_request (fixture->port, "PUT", "/upload/0123", foreign, NULL, NULL,
                                        NULL), ==, 421);
  g_assert_cmpuint (nexus_test_request (fixture->port, "GET", "/files/0123/x", foreign, NULL, NULL,
                                        NULL), ==, 421);
  g_assert_cmpuint (nexus_test_put (fixture->port, "/upload/0123456789abcdef0123456789abcdef", "x", 1),
                    ==, 404);
  g_assert_cmpuint (nexus_test_put (fixture->port, "/upload", "x", 1), ==, 404);
  g_assert_cmpuint (nexus_test_request (fixture->port, "GET", "/files", NULL, NULL, NULL, NULL),
                    ==, 404);
}

static char *full_disk;

static void
limits_full_disk (NexusServerLimits *limits)
{
  limits->files_dir = full_disk;
}

/* The host's disk is full: a tmpfs of 256 KiB, mounted for the test (as
 * root only). */
static void
test_disk_full (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mountpoint = nexus_test_small_disk_new ("256k");
  NexusTestServer fixture = { 0, };
  NexusTestPair pair = { 0, };
  g_autofree char *slot = NULL;
  g_autofree guint8 *bytes = g_malloc0 (MIB);
  g_autoptr(GBytes) body = NULL;
  guint status;

  if (mountpoint == NULL)
    return;

  full_disk = mountpoint;
  nexus_test_server_setup (&fixture, limits_full_disk);
  nexus_test_pair_start (&pair, fixture.port);

  slot = nexus_test_upload_slot (pair.ada, "big", "big.bin", MIB);
  body = g_bytes_new (bytes, MIB);
  status = nexus_test_request (fixture.port, "PUT", slot, NULL, body, NULL, NULL);
  g_assert_cmpuint (status, ==, 507);
  nexus_test_assert_store_holds (fixture.server, 0);
  {
    g_autofree char *share = nexus_frame_encode_share ("big");

    nexus_test_client_send (pair.ada, share);
    nexus_test_client_expect_error_id (pair.ada, "upload-not-found", "big");
  }
  /* What fits still goes. */
  {
    g_autoptr(JsonObject) message = nexus_test_share_bytes (fixture.port, pair.ada, "small", "s",
                                                            bytes, 1000);

    g_assert_cmpint (nexus_test_int (json_object_get_object_member (message, "file"), "size"), ==,
                     1000);
    nexus_test_assert_store_holds (fixture.server, 1);
  }

  nexus_test_pair_clear (&pair);
  nexus_test_server_teardown (&fixture, NULL);
  nexus_test_small_disk_remove (mountpoint);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  NEXUS_TEST_ADD_SERVER ("/server-files/byte-exact", test_byte_exact, limits_large);
  NEXUS_TEST_ADD_SERVER ("/server-files/range", test_range, NULL);
  NEXUS_TEST_ADD_SERVER ("/server-files/headers", test_headers, NULL);
  NEXUS_TEST_ADD_SERVER ("/server-files/names", test_names, limits_many);
  NEXUS_TEST_ADD_SERVER ("/server-files/lying-length", test_lying_length, NULL);
  NEXUS_TEST_ADD_SERVER ("/server-files/stall", test_stall, limits_stall);
  NEXUS_TEST_ADD_SERVER ("/server-files/methods", test_methods, NULL);
  g_test_add_func ("/server-files/disk-full", test_disk_full);

  return g_test_run ();
}
