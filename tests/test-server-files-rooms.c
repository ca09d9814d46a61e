/* test-server-files-rooms.c: files in the rooms — the upload and share
 * frames and their answers, the limits, who may download, exactly-once
 * across drops, and files going with their room
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "nexus-server-frame.h"
#include "nexus-test-files.h"

static const guint8 png_head[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x25, 0x00, 0x00, 0x00, 0x17,
  0x01, 0x03, 0x00, 0x00, 0x00, 0xb6, 0xe2, 0x14
};

static void
limits_small_files (NexusServerLimits *limits)
{
  limits->rate = 0;
  limits->max_file_size = 1024;
  limits->max_room_files = 2048;
  limits->uploads_per_minute = 3;
}

static void
limits_grace (NexusServerLimits *limits)
{
  limits->grace_seconds = 1;
  limits->history = 5;
  limits->upload_slot_timeout_ms = 300;
}

static void
limits_burst (NexusServerLimits *limits)
{
  limits->rate = 0.1;
  limits->burst = 2;
}

static guint
download_status (guint       port,
                 const char *path)
{
  return nexus_test_request (port, "GET", path, NULL, NULL, NULL, NULL);
}

static void
send_upload (NexusTestClient *client,
             const char      *id,
             const char      *name,
             gint64           size)
{
  g_autofree char *frame = nexus_frame_encode_upload (id, name, size, NULL);

  nexus_test_client_send (client, frame);
}

static void
send_share (NexusTestClient *client,
            const char      *id)
{
  g_autofree char *frame = nexus_frame_encode_share (id);

  nexus_test_client_send (client, frame);
}

/* The file message: a message a version 1 client shows by its text, with
 * the file beside it; the desktop client's parser reads both. */
static void
test_message (NexusTestServer *fixture,
              gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) bobs = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(NexusTestClient) cy = NULL;
  g_autoptr(JsonObject) cy_welcome = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_auto(NexusServerFrame) parsed = { 0, };
  const char *ada_key, *bob_key;
  JsonObject *file;
  JsonArray *history;

  nexus_test_pair_start (&pair, fixture->port);
  ada_key = nexus_test_str (pair.ada_welcome, "files_key");
  bob_key = nexus_test_str (pair.bob_welcome, "files_key");
  /* A key of its own, not the session, different for each member. */
  g_assert_cmpuint (strlen (ada_key), ==, 32);
  g_assert_cmpstr (ada_key, !=, nexus_test_str (pair.ada_welcome, "session"));
  g_assert_cmpstr (ada_key, !=, bob_key);

  message = nexus_test_share_bytes (fixture->port, pair.ada, "p1", "holiday.png", png_head,
                                    sizeof png_head);
  bobs = nexus_test_client_expect (pair.bob, "message");
  g_assert_cmpint (nexus_test_int (message, "seq"), ==, nexus_test_int (bobs, "seq"));
  g_assert_cmpstr (nexus_test_str (message, "name"), ==, "Ada");
  g_assert_cmpstr (nexus_test_str (message, "id"), ==, "p1");
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "\xf0\x9f\x93\x8e holiday.png (32 bytes)");
  g_assert_nonnull (nexus_test_str (message, "ts"));
  file = json_object_get_object_member (message, "file");
  g_assert_cmpstr (nexus_test_str (file, "name"), ==, "holiday.png");
  g_assert_cmpint (nexus_test_int (file, "size"), ==, sizeof png_head);
  g_assert_cmpstr (nexus_test_str (file, "type"), ==, "image/png");
  g_assert_cmpint (nexus_test_int (file, "width"), ==, 37);
  g_assert_cmpint (nexus_test_int (file, "height"), ==, 23);
  g_assert_true (g_str_has_prefix (nexus_test_str (file, "url"), "/files/"));
  g_assert_true (g_str_has_suffix (nexus_test_str (file, "url"), "/holiday.png"));
  g_assert_cmpuint (strlen (nexus_test_str (file, "url")), ==, strlen ("/files//holiday.png") + 32);

  /* Both members download it with their own keys. */
  {
    g_autofree char *a = nexus_test_file_path (message, pair.ada_welcome);
    g_autofree char *b = nexus_test_file_path (bobs, pair.bob_welcome);

    g_assert_cmpuint (download_status (fixture->port, a), ==, 200);
    g_assert_cmpuint (download_status (fixture->port, b), ==, 200);
  }

  /* The desktop client's parser. */
  node = json_node_init_object (json_node_alloc (), bobs);
  json = json_to_string (node, FALSE);
  g_assert_true (nexus_server_frame_parse (json, strlen (json), &parsed));
  g_assert_nonnull (parsed.event.file);
  g_assert_cmpstr (parsed.event.file->name, ==, "holiday.png");
  g_assert_cmpint (parsed.event.file->size, ==, sizeof png_head);
  g_assert_cmpstr (parsed.event.file->type, ==, "image/png");
  g_assert_cmpint (parsed.event.file->width, ==, 37);
  g_assert_cmpint (parsed.event.file->height, ==, 23);
  g_assert_cmpstr (parsed.event.text, ==, nexus_test_str (bobs, "text"));

  /* Not a picture: no size in pixels. */
  other = nexus_test_share_bytes (fixture->port, pair.bob, "d1", "notes.txt", "hello", 5);
  g_clear_pointer (&message, json_object_unref);
  message = nexus_test_client_expect (pair.ada, "message");
  file = json_object_get_object_member (message, "file");
  g_assert_cmpstr (nexus_test_str (file, "type"), ==, "application/octet-stream");
  g_assert_false (json_object_has_member (file, "width"));
  g_assert_false (json_object_has_member (file, "height"));
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "\xf0\x9f\x93\x8e notes.txt (5 bytes)");

  /* A late joiner finds both in the history, and may download them. */
  cy = nexus_test_client_new (fixture->port, NULL);
  cy_welcome = nexus_test_client_join (cy, nexus_test_str (pair.ada_welcome, "room"), "Cy");
  history = json_object_get_array_member (cy_welcome, "history");
  {
    guint files = 0;

    for (guint i = 0; i < json_array_get_length (history); i++)
      {
        JsonObject *event = json_array_get_object_element (history, i);

        if (json_object_has_member (event, "file"))
          {
            g_autofree char *path = nexus_test_file_path (event, cy_welcome);

            g_assert_cmpuint (download_status (fixture->port, path), ==, 200);
            files++;
          }
      }
    g_assert_cmpuint (files, ==, 2);
  }
  nexus_test_pair_clear (&pair);
}

static void
test_limits (NexusTestServer *fixture,
             gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  g_autoptr(NexusTestClient) stranger = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  NexusFileStore *store = nexus_server_get_file_store (fixture->server);

  /* Before joining: not-joined, with the id. */
  send_upload (stranger, "s1", "x.bin", 1);
  nexus_test_client_expect_error_id (stranger, "not-joined", "s1");
  send_share (stranger, "s1");
  nexus_test_client_expect_error_id (stranger, "not-joined", "s1");

  nexus_test_pair_start (&pair, fixture->port);
  /* The shape: a bad one is bad-request, with the id when it is good. */
  nexus_test_client_send (pair.ada, "{\"type\":\"upload\",\"id\":\"u0\",\"name\":\"x\"}");
  nexus_test_client_expect_error_id (pair.ada, "bad-request", "u0");
  nexus_test_client_send (pair.ada, "{\"type\":\"upload\",\"id\":\"u0\",\"name\":\"x\",\"size\":-1}");
  nexus_test_client_expect_error_id (pair.ada, "bad-request", "u0");
  nexus_test_client_send (pair.ada, "{\"type\":\"upload\",\"id\":\"u0\",\"name\":\"x\",\"size\":1.5}");
  nexus_test_client_expect_error_id (pair.ada, "bad-request", "u0");
  nexus_test_client_send (pair.ada, "{\"type\":\"upload\",\"id\":\"u0\",\"name\":7,\"size\":1}");
  nexus_test_client_expect_error_id (pair.ada, "bad-request", "u0");
  nexus_test_client_send (pair.ada, "{\"type\":\"upload\",\"id\":\"u0\",\"name\":\"x\",\"size\":1,\"mime\":1}");
  nexus_test_client_expect_error_id (pair.ada, "bad-request", "u0");
  nexus_test_client_send (pair.ada, "{\"type\":\"upload\",\"id\":\"with space\",\"name\":\"x\",\"size\":1}");
  nexus_test_client_expect_error_id (pair.ada, "bad-request", NULL);
  nexus_test_client_send (pair.ada, "{\"type\":\"share\"}");
  nexus_test_client_expect_error_id (pair.ada, "bad-request", NULL);

  /* Too large: refused before any byte, with the limit in the sentence. */
  send_upload (pair.ada, "big", "big.bin", 1025);
  error = nexus_test_client_expect (pair.ada, "error");
  g_assert_cmpstr (nexus_test_str (error, "code"), ==, "file-too-large");
  g_assert_cmpstr (nexus_test_str (error, "id"), ==, "big");
  g_assert_cmpstr (nexus_test_str (error, "message"), ==, "Files can be at most 1 KiB.");
  g_assert_cmpuint (nexus_file_store_get_n_slots (store), ==, 0);

  /* The room's space: slots count as soon as they are given. */
  a = nexus_test_upload_slot (pair.ada, "a", "a.bin", 1024);
  b = nexus_test_upload_slot (pair.bob, "b", "b.bin", 1000);
  send_upload (pair.ada, "over", "over.bin", 25);
  g_clear_pointer (&error, json_object_unref);
  error = nexus_test_client_expect (pair.ada, "error");
  g_assert_cmpstr (nexus_test_str (error, "code"), ==, "room-storage-full");
  g_assert_cmpstr (nexus_test_str (error, "id"), ==, "over");
  g_assert_nonnull (strstr (nexus_test_str (error, "message"), "2 KiB"));

  /* Refusals cost no upload of the minute: Ada has had one of three. */
  c = nexus_test_upload_slot (pair.ada, "c", "c.bin", 10);
  d = nexus_test_upload_slot (pair.ada, "d", "d.bin", 10);
  send_upload (pair.ada, "e", "e.bin", 1);
  g_clear_pointer (&error, json_object_unref);
  error = nexus_test_client_expect (pair.ada, "error");
  g_assert_cmpstr (nexus_test_str (error, "code"), ==, "rate-limited");
  g_assert_cmpstr (nexus_test_str (error, "id"), ==, "e");
  g_assert_nonnull (strstr (nexus_test_str (error, "message"), "3 files a minute"));
  /* Bob's minute is his own. */
  g_free (nexus_test_upload_slot (pair.bob, "f", "f.bin", 1));
  g_assert_cmpuint (nexus_file_store_get_n_slots (store), ==, 5);
  /* Nothing is on disk until bytes come. */
  nexus_test_assert_store_holds (fixture->server, 0);
  nexus_test_pair_clear (&pair);
}

/* Every frame costs a token: over the limit, an upload or share is refused
 * rate-limited with its id, and nothing of it happens. */
static void
test_frame_rate (NexusTestServer *fixture,
                 gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autofree char *slot = NULL;

  g_assert_nonnull (nexus_test_str (welcome, "files_key"));
  slot = nexus_test_upload_slot (ada, "u1", "a", 1);
  send_upload (ada, "u2", "b", 1);
  nexus_test_client_expect_error_id (ada, "rate-limited", "u2");
  send_share (ada, "u1");
  nexus_test_client_expect_error_id (ada, "rate-limited", "u1");
  g_assert_cmpuint (nexus_file_store_get_n_slots (nexus_server_get_file_store (fixture->server)), ==, 1);
}

/* Downloads answer members of the file's room only, grace included; any
 * other key gets the 404 an unknown file gets. */
static void
test_members_only (NexusTestServer *fixture,
                   gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  g_autoptr(NexusTestClient) cy = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) cy_welcome = nexus_test_client_create (cy, "Cy");
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) bobs = NULL;
  g_autofree char *url = NULL;
  g_autofree char *bob_path = NULL;
  g_autofree char *path = NULL;

  nexus_test_pair_start (&pair, fixture->port);
  message = nexus_test_share_bytes (fixture->port, pair.ada, "f", "secret.txt", "secret", 6);
  bobs = nexus_test_client_expect (pair.bob, "message");
  url = g_strdup (nexus_test_str (json_object_get_object_member (message, "file"), "url"));
  bob_path = nexus_test_file_path (bobs, pair.bob_welcome);
  g_assert_cmpuint (download_status (fixture->port, bob_path), ==, 200);

  /* No key, a wrong one, the session, a member of another room. */
  g_assert_cmpuint (download_status (fixture->port, url), ==, 404);
  path = g_strconcat (url, "?key=0123456789abcdef0123456789abcdef", NULL);
  g_assert_cmpuint (download_status (fixture->port, path), ==, 404);
  g_free (path);
  path = g_strconcat (url, "?key=", nexus_test_str (pair.bob_welcome, "session"), NULL);
  g_assert_cmpuint (download_status (fixture->port, path), ==, 404);
  g_free (path);
  path = g_strconcat (url, "?key=", nexus_test_str (cy_welcome, "files_key"), NULL);
  g_assert_cmpuint (download_status (fixture->port, path), ==, 404);
  g_free (path);
  path = g_strconcat (url, "?key=", nexus_test_str (pair.bob_welcome, "files_key"), "x", NULL);
  g_assert_cmpuint (download_status (fixture->port, path), ==, 404);
  g_free (path);
  /* The name part is not the file: the id is. */
  path = g_strdup_printf ("/files/%.32s/other-name.exe?key=%s", url + strlen ("/files/"),
                          nexus_test_str (pair.bob_welcome, "files_key"));
  g_assert_cmpuint (download_status (fixture->port, path), ==, 200);

  /* Bob's connection drops: in his grace period his key still works. */
  nexus_test_client_cut (pair.bob);
  WAIT_UNTIL (nexus_server_get_n_connections (fixture->server) == 2);
  g_assert_cmpuint (download_status (fixture->port, bob_path), ==, 200);
  /* His grace runs out: he has left, and his key is nobody's. */
  {
    g_autoptr(JsonObject) left = nexus_test_client_expect (pair.ada, "left");

    g_assert_cmpstr (nexus_test_str (left, "name"), ==, "Bob");
  }
  g_assert_cmpuint (download_status (fixture->port, bob_path), ==, 404);
  nexus_test_pair_clear (&pair);
}

/* exactly once: a share repeated after a drop is answered with its
 * message, to the sharer only */
static void
test_exactly_once (NexusTestServer *fixture,
                   gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) bobs = NULL;
  g_autoptr(JsonObject) replay = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) late = NULL;
  g_autoptr(NexusTestClient) again = NULL;
  g_autofree char *slot = NULL;
  g_autofree char *slot_again = NULL;

  nexus_test_pair_start (&pair, fixture->port);

  /* A slot asked for twice (the answer lost): the same URL. */
  slot = nexus_test_upload_slot (pair.ada, "f1", "one.txt", 3);
  slot_again = nexus_test_upload_slot (pair.ada, "f1", "one.txt", 3);
  g_assert_cmpstr (slot, ==, slot_again);
  /* Share before the bytes are there: not yet. */
  send_share (pair.ada, "f1");
  nexus_test_client_expect_error_id (pair.ada, "upload-not-found", "f1");
  send_share (pair.ada, "never-uploaded");
  nexus_test_client_expect_error_id (pair.ada, "upload-not-found", "never-uploaded");
  g_assert_cmpuint (nexus_test_put (fixture->port, slot, "one", 3), ==, 201);
  g_assert_cmpuint (nexus_test_put (fixture->port, slot, "one", 3), ==, 404);

  /* Ada's connection drops after the bytes, before she could share. */
  nexus_test_client_cut (pair.ada);
  again = nexus_test_client_new_resumed (fixture->port, pair.ada_welcome,
                                         nexus_test_int (pair.ada_welcome, "last_seq") + 1, &resumed);
  first = nexus_test_share (again, "f1");
  bobs = nexus_test_client_expect (pair.bob, "message");
  g_assert_cmpint (nexus_test_int (first, "seq"), ==, nexus_test_int (bobs, "seq"));

  /* The share again, and the upload again: the same message, to Ada only. */
  send_share (again, "f1");
  replay = nexus_test_client_expect (again, "message");
  g_assert_cmpint (nexus_test_int (replay, "seq"), ==, nexus_test_int (first, "seq"));
  g_assert_cmpstr (nexus_test_str (replay, "ts"), ==, nexus_test_str (first, "ts"));
  g_clear_pointer (&replay, json_object_unref);
  send_upload (again, "f1", "one.txt", 3);
  replay = nexus_test_client_expect (again, "message");
  g_assert_cmpint (nexus_test_int (replay, "seq"), ==, nexus_test_int (first, "seq"));
  nexus_test_assert_quiet (100, pair.bob, NULL);

  /* An id a say used is not an upload's. */
  g_clear_pointer (&replay, json_object_unref);
  replay = nexus_test_client_say (again, "hello", "m1");
  g_clear_pointer (&bobs, json_object_unref);
  bobs = nexus_test_client_expect (pair.bob, "message");
  send_upload (again, "m1", "x.txt", 1);
  nexus_test_client_expect_error_id (again, "bad-request", "m1");
  send_share (again, "m1");
  nexus_test_client_expect_error_id (again, "bad-request", "m1");

  /* Long after, the history (5 events) has let the file go: a repeated
   * share is answered with the same frame, made again. */
  nexus_test_client_say_n (again, 6, "filler", "fill");
  for (guint i = 0; i < 6; i++)
    json_object_unref (nexus_test_client_expect (pair.bob, "message"));
  send_share (again, "f1");
  late = nexus_test_client_expect (again, "message");
  {
    g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), first);
    g_autoptr(JsonNode) b = json_node_init_object (json_node_alloc (), late);

    g_assert_true (json_node_equal (a, b));
  }
  nexus_test_assert_quiet (100, pair.bob, NULL);
  g_clear_pointer (&pair.ada, nexus_test_client_free);
  nexus_test_pair_clear (&pair);
}

/* What a member uploaded and did not share goes when it leaves; what it
 * shared stays for the room. */
static void
test_unshared_on_leave (NexusTestServer *fixture,
                        gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  g_autoptr(JsonObject) shared = NULL;
  g_autoptr(JsonObject) adas = NULL;
  g_autoptr(JsonObject) left = NULL;
  g_autofree char *slot = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *request = NULL;
  g_autofree char *path = NULL;
  g_autoptr(NexusTestRawClient) raw = NULL;

  nexus_test_pair_start (&pair, fixture->port);
  shared = nexus_test_share_bytes (fixture->port, pair.bob, "kept", "kept.txt", "kept", 4);
  adas = nexus_test_client_expect (pair.ada, "message");
  slot = nexus_test_upload_slot (pair.bob, "waiting", "waiting.txt", 7);
  g_assert_cmpuint (nexus_test_put (fixture->port, slot, "waiting", 7), ==, 201);
  /* And one still arriving. */
  partial = nexus_test_upload_slot (pair.bob, "arriving", "arriving.bin", 1000);
  request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nbegin",
                             partial);
  raw = nexus_test_raw_client_new (fixture->port, 0);
  nexus_test_raw_client_send (raw, request, strlen (request));
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 1);
  nexus_test_assert_store_holds (fixture->server, 3);

  nexus_test_client_send (pair.bob, "{\"type\":\"leave\"}");
  left = nexus_test_client_expect (pair.ada, "left");
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 0);
  nexus_test_assert_store_holds (fixture->server, 1);
  path = nexus_test_file_path (adas, pair.ada_welcome);
  g_assert_cmpuint (download_status (fixture->port, path), ==, 200);
  nexus_test_pair_clear (&pair);
}

/* The room ends: its files go from the disk, their URLs stop working,
 * and an upload under way is cut. */
static void
test_room_end (NexusTestServer *fixture,
               gconstpointer    data)
{
  NexusTestPair pair = { 0, };
  g_autoptr(NexusTestClient) other = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) other_welcome = nexus_test_client_create (other, "Dee");
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) bobs = NULL;
  g_autoptr(JsonObject) others = NULL;
  g_autoptr(NexusTestRawClient) raw = NULL;
  g_autofree char *path = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *request = NULL;
  const char *directory = nexus_file_store_get_directory (nexus_server_get_file_store (fixture->server));

  /* Another room's file stays. */
  others = nexus_test_share_bytes (fixture->port, other, "o", "other.txt", "other", 5);
  other_path = nexus_test_file_path (others, other_welcome);

  nexus_test_pair_start (&pair, fixture->port);
  message = nexus_test_share_bytes (fixture->port, pair.ada, "f", "f.txt", "file", 4);
  bobs = nexus_test_client_expect (pair.bob, "message");
  path = nexus_test_file_path (message, pair.ada_welcome);
  partial = nexus_test_upload_slot (pair.bob, "p", "p.bin", 1000);
  request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nbegin",
                             partial);
  raw = nexus_test_raw_client_new (fixture->port, 0);
  nexus_test_raw_client_send (raw, request, strlen (request));
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 1);
  nexus_test_assert_store_holds (fixture->server, 3);
  g_assert_cmpuint (download_status (fixture->port, path), ==, 200);

  nexus_test_client_send (pair.bob, "{\"type\":\"leave\"}");
  nexus_test_client_send (pair.ada, "{\"type\":\"leave\"}");
  WAIT_UNTIL (nexus_server_get_n_rooms (fixture->server) == 1);
  WAIT_UNTIL (nexus_server_get_n_transfers (fixture->server) == 0);
  nexus_test_raw_client_wait_ended (raw);
  nexus_test_assert_store_holds (fixture->server, 1);
  g_assert_cmpuint (download_status (fixture->port, path), ==, 404);
  g_assert_cmpuint (download_status (fixture->port, other_path), ==, 200);
  g_assert_true (g_file_test (directory, G_FILE_TEST_IS_DIR));
  nexus_test_pair_clear (&pair);
}

/* A slot unused past its deadline (300 ms here) is gone, and so is the
 * room space it held. */
static void
test_slot_expiry (NexusTestServer *fixture,
                  gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  NexusFileStore *store = nexus_server_get_file_store (fixture->server);
  g_autofree char *slot = nexus_test_upload_slot (ada, "late", "late.bin", 10);

  g_assert_nonnull (nexus_test_str (welcome, "files_key"));

  g_assert_cmpuint (nexus_file_store_get_n_slots (store), ==, 1);
  WAIT_UNTIL (nexus_file_store_get_n_slots (store) == 0);
  g_assert_cmpuint (nexus_test_put (fixture->port, slot, "0123456789", 10), ==, 404);
}

/* The server stops: its directory goes with everything in it. */
static void
test_server_end (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;
  NexusServer *server = nexus_server_new (NULL);
  NexusTestPair pair = { 0, };
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) bobs = NULL;
  g_autoptr(NexusTestRawClient) raw = NULL;
  g_autofree char *slot = NULL;
  g_autofree char *request = NULL;

  g_assert_true (nexus_server_listen (server, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  g_assert_no_error (error);
  directory = g_strdup (nexus_file_store_get_directory (nexus_server_get_file_store (server)));
  nexus_test_pair_start (&pair, nexus_server_get_port (server));
  message = nexus_test_share_bytes (nexus_server_get_port (server), pair.ada, "f", "f", "x", 1);
  bobs = nexus_test_client_expect (pair.bob, "message");
  /* And an upload under way when it stops. */
  slot = nexus_test_upload_slot (pair.bob, "p", "p.bin", 1000);
  request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nbegin",
                             slot);
  raw = nexus_test_raw_client_new (nexus_server_get_port (server), 0);
  nexus_test_raw_client_send (raw, request, strlen (request));
  WAIT_UNTIL (nexus_server_get_n_transfers (server) == 1);
  nexus_test_assert_store_holds (server, 2);

  nexus_test_pair_clear (&pair);
  nexus_test_spin (20);
  g_assert_finalize_object (server);
  g_assert_false (g_file_test (directory, G_FILE_TEST_EXISTS));
  nexus_test_raw_client_wait_ended (raw);
}

static char *unusable_dir;

static void
limits_unusable (NexusServerLimits *limits)
{
  limits->files_dir = unusable_dir;
}

/* A host that cannot keep files says so, and chat goes on. */
static void
test_unavailable (NexusTestServer *fixture,
                  gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autoptr(JsonObject) said = NULL;

  g_assert_null (nexus_server_get_file_store (fixture->server));
  g_assert_false (json_object_has_member (welcome, "files_key"));
  send_upload (ada, "u", "x", 1);
  nexus_test_client_expect_error_id (ada, "files-unavailable", "u");
  send_share (ada, "u");
  nexus_test_client_expect_error_id (ada, "files-unavailable", "u");
  said = nexus_test_client_say (ada, "still here", "m1");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("nexus-unusable-XXXXXX", &error);
  g_autofree char *regular = g_build_filename (tmp, "a-file", NULL);
  int status;

  g_test_init (&argc, &argv, NULL);
  /* --files-dir below a regular file: no directory can be made there. */
  g_file_set_contents (regular, "", 0, NULL);
  unusable_dir = g_build_filename (regular, "files", NULL);

  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/message", test_message, nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/limits", test_limits, limits_small_files);
  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/frame-rate", test_frame_rate, limits_burst);
  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/members-only", test_members_only, limits_grace);
  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/exactly-once", test_exactly_once, limits_grace);
  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/unshared-on-leave", test_unshared_on_leave, NULL);
  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/room-end", test_room_end, NULL);
  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/slot-expiry", test_slot_expiry, limits_grace);
  NEXUS_TEST_ADD_SERVER ("/server-files-rooms/unavailable", test_unavailable, limits_unusable);
  g_test_add_func ("/server-files-rooms/server-end", test_server_end);

  status = g_test_run ();
  g_remove (regular);
  g_rmdir (tmp);
  g_free (unusable_dir);
  return status;
}
