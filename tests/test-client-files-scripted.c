/* test-client-files-scripted.c: NexusClient's files against a host that
 * says what the test tells it to: the frames in their exact order across
 * drops, lost answers, refusals
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-client-private.h"
#include "nexus-test-scripted-host.h"
#include "nexus-test-utils.h"
#include "test-client-files.h"

#define WELCOME \
  "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"s1\"," \
  "\"members\":[\"Ada\"],\"history\":[{\"type\":\"joined\",\"seq\":1," \
  "\"ts\":\"2026-11-24T09:15:00.000Z\",\"name\":\"Ada\"}],\"last_seq\":1,\"resumed\":false," \
  "\"files_key\":\"k1\"}"

static char *
resumed_welcome (gint64 last_seq)
{
  return g_strdup_printf ("{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\","
                          "\"session\":\"s1\",\"members\":[\"Ada\"],\"history\":[],"
                          "\"last_seq\":%" G_GINT64_FORMAT ",\"resumed\":true,"
                          "\"files_key\":\"k1\"}", last_seq);
}

/* The host's message of a shared file. */
static char *
file_message (gint64      seq,
              const char *id,
              const char *name,
              gsize       size)
{
  return g_strdup_printf ("{\"type\":\"message\",\"seq\":%" G_GINT64_FORMAT ","
                          "\"ts\":\"2026-11-24T09:16:02.481Z\",\"name\":\"Ada\","
                          "\"text\":\"\xf0\x9f\x93\x8e %s (%" G_GSIZE_FORMAT " bytes)\","
                          "\"id\":\"%s\",\"file\":{\"name\":\"%s\",\"size\":%" G_GSIZE_FORMAT ","
                          "\"type\":\"application/octet-stream\",\"url\":\"/files/0f%s/%s\"}}",
                          seq, name, size, id, name, size, id, name);
}

static void
send_ready (NexusTestHost *host,
            const char    *id,
            const char    *token)
{
  g_autofree char *frame = g_strdup_printf ("{\"type\":\"upload-ready\",\"id\":\"%s\","
                                            "\"url\":\"/upload/%s\"}", id, token);

  nexus_test_host_send (host, frame);
}

static void
send_refusal (NexusTestHost *host,
              const char    *code,
              const char    *message,
              const char    *id)
{
  g_autofree char *frame = g_strdup_printf ("{\"type\":\"error\",\"code\":\"%s\","
                                            "\"message\":\"%s\",\"id\":\"%s\"}",
                                            code, message, id);

  nexus_test_host_send (host, frame);
}

/* The next frame, an `upload` or a `share` of @id. */
static void
expect_frame (NexusTestHost *host,
              const char    *type,
              const char    *id)
{
  g_autoptr(JsonObject) frame = nexus_test_host_expect (host, type);

  g_assert_cmpstr (json_object_get_string_member (frame, "id"), ==, id);
}

static NexusClient *
start (NexusTestHost *host)
{
  NexusClient *ada = nexus_client_new ("127.0.0.1", host->port);
  g_autoptr(JsonObject) create = NULL;

  nexus_client_create (ada, "Ada");
  create = nexus_test_host_expect (host, "create");
  nexus_test_host_send (host, WELCOME);
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_JOINED);
  return ada;
}

static guint
count_id (NexusClient *client,
          const char  *id)
{
  GListModel *events = nexus_client_get_events (client);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (g_strcmp0 (nexus_event_get_id (event), id) == 0)
        n++;
    }
  return n;
}

/* Exactly once across drops: a slot asked for again after a resume, a
 * share sent again; and the 201 lost, with a share that finds the bytes
 * there. */
static void
test_across_drops (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  g_autoptr(NexusClient) ada = start (host);
  g_autofree char *dir = test_files_make_dir ();
  g_autofree char *path = g_build_filename (dir, "a.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *welcome = resumed_welcome (1);
  g_autofree char *echo = NULL;
  g_autofree char *id = NULL;
  NexusEvent *event;

  g_assert_true (g_file_set_contents (path, "hello", 5, NULL));
  event = nexus_client_share_file (ada, file, NULL);
  id = g_strdup (nexus_event_get_id (event));
  {
    g_autoptr(JsonObject) upload = nexus_test_host_expect (host, "upload");

    g_assert_cmpstr (json_object_get_string_member (upload, "id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (upload, "name"), ==, "a.txt");
    g_assert_cmpint (json_object_get_int_member (upload, "size"), ==, 5);
    g_assert_cmpstr (json_object_get_string_member (upload, "mime"), ==, "text/plain");
  }

  /* The answer is lost in a drop: the slot is asked for again. */
  nexus_test_host_resume (host, ada, 1, welcome);
  expect_frame (host, "upload", id);
  send_ready (host, id, "t1");
  WAIT_UNTIL (host->put_paths->len == 1);
  g_assert_cmpstr (host->put_paths->pdata[0], ==, "/upload/t1");
  g_assert_cmpmem (g_bytes_get_data (host->put_bodies->pdata[0], NULL),
                   g_bytes_get_size (host->put_bodies->pdata[0]), "hello", 5);

  /* The share's message is lost in a drop: it is shared again, and the
   * host answers with the message. */
  expect_frame (host, "share", id);
  g_assert_false (nexus_client_cancel_upload (ada, event));
  nexus_test_host_resume (host, ada, 1, welcome);
  expect_frame (host, "share", id);
  echo = file_message (2, id, "a.txt", 5);
  nexus_test_host_send (host, echo);
  WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT);
  g_assert_cmpint (nexus_event_get_seq (event), ==, 2);
  g_assert_cmpint (nexus_event_get_bytes_sent (event), ==, 5);
  {
    g_autofree char *url = g_strconcat ("/files/0f", id, "/a.txt", NULL);

    g_assert_cmpstr (nexus_event_get_file_url (event), ==, url);
  }
  g_assert_cmpstr (nexus_event_get_text (event), ==, "\xf0\x9f\x93\x8e a.txt (5 bytes)");
  /* A replay changes nothing. */
  nexus_test_host_send (host, echo);
  nexus_test_spin (50);
  g_assert_cmpuint (count_id (ada, id), ==, 1);
  g_assert_cmpuint (host->put_paths->len, ==, 1);

  /* The 201 lost: the PUT to a used slot gets 404, and a share finds the
   * bytes there. */
  g_clear_pointer (&id, g_free);
  g_clear_pointer (&echo, g_free);
  host->put_status = SOUP_STATUS_NOT_FOUND;
  event = nexus_client_share_file (ada, file, NULL);
  id = g_strdup (nexus_event_get_id (event));
  expect_frame (host, "upload", id);
  send_ready (host, id, "t2");
  expect_frame (host, "share", id);
  echo = file_message (3, id, "a.txt", 5);
  nexus_test_host_send (host, echo);
  WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT);
  g_assert_cmpuint (count_id (ada, id), ==, 1);

  /* A slot still held after its PUT was cut: asked for again until the
   * host lets it go and gives a new one. */
  g_clear_pointer (&id, g_free);
  g_clear_pointer (&echo, g_free);
  event = nexus_client_share_file (ada, file, NULL);
  id = g_strdup (nexus_event_get_id (event));
  expect_frame (host, "upload", id);
  send_ready (host, id, "t3");
  expect_frame (host, "share", id);
  send_refusal (host, "upload-not-found", "That file has not arrived. Send it again.", id);
  expect_frame (host, "upload", id);
  send_ready (host, id, "t3");
  expect_frame (host, "share", id);
  g_assert_cmpuint (host->put_paths->len, ==, 3);
  send_refusal (host, "upload-not-found", "That file has not arrived. Send it again.", id);
  expect_frame (host, "upload", id);
  host->put_status = SOUP_STATUS_CREATED;
  send_ready (host, id, "t4");
  expect_frame (host, "share", id);
  g_assert_cmpstr (host->put_paths->pdata[3], ==, "/upload/t4");
  echo = file_message (4, id, "a.txt", 5);
  nexus_test_host_send (host, echo);
  WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT);
  g_assert_cmpuint (count_id (ada, id), ==, 1);
  g_assert_cmpint (nexus_client_get_last_seq (ada), ==, 4);

  nexus_client_leave (ada);
  test_files_remove_dir (dir);
}

/* Every refusal is a sentence; Retry asks again with the same id. */
static void
test_refusals (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  g_autoptr(NexusClient) ada = start (host);
  g_autofree char *dir = test_files_make_dir ();
  g_autofree char *path = g_build_filename (dir, "d.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *echo = NULL;
  NexusEvent *event;
  const char *id;
  static const struct {
    const char *code;
    const char *message;
    const char *sentence;
  } refusals[] = {
    { "file-too-large", "Files can be at most 100 MiB.",
      "“d.txt” is too large: the host takes files of at most 100 MiB." },
    { "file-too-large", "No.", "“d.txt” is too large for the host." },
    { "room-storage-full", "This room's files have used up its space (1 GiB). Files are "
      "deleted when the room ends.", "There is no room left for “d.txt”: the files of this "
      "room may take 1 GiB in all, and go only when the room ends." },
    { "file-name-invalid", "Bad.",
      "“d.txt” cannot be sent under this name. Rename the file, then send it again." },
    { "files-unavailable", "No.", "This host cannot keep files, so “d.txt” was not sent." },
    { "rate-limited", "Slow.",
      "You are sending files too quickly. Wait a minute, then try again." },
  };

  g_assert_true (g_file_set_contents (path, "data", 4, NULL));
  event = nexus_client_share_file (ada, file, "application/x-test");
  id = nexus_event_get_id (event);
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autoptr(JsonObject) upload = nexus_test_host_expect (host, "upload");

      g_assert_cmpstr (json_object_get_string_member (upload, "id"), ==, id);
      g_assert_cmpstr (json_object_get_string_member (upload, "mime"), ==, "application/x-test");
      send_refusal (host, refusals[i].code, refusals[i].message, id);
      WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_FAILED);
      g_assert_cmpstr (nexus_event_get_failure (event), ==, refusals[i].sentence);
      nexus_client_retry (ada, event);
      g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_SENDING);
    }

  /* The PUT's own answers. */
  {
    static const struct {
      guint status;
      const char *sentence;
    } statuses[] = {
      { SOUP_STATUS_INSUFFICIENT_STORAGE, "The host’s disk is full, so “d.txt” was not sent." },
      { SOUP_STATUS_INTERNAL_SERVER_ERROR, "The host could not keep “d.txt”. Try again later." },
      { SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "“d.txt” changed while it was being sent. Try "
        "again." },
    };

    for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
      {
        g_autofree char *token = g_strdup_printf ("s%u", i);

        expect_frame (host, "upload", id);
        host->put_status = statuses[i].status;
        send_ready (host, id, token);
        WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_FAILED);
        g_assert_cmpstr (nexus_event_get_failure (event), ==, statuses[i].sentence);
        nexus_client_retry (ada, event);
      }
  }

  /* A share over the rate limit goes again by itself. */
  expect_frame (host, "upload", id);
  host->put_status = SOUP_STATUS_CREATED;
  send_ready (host, id, "ok");
  expect_frame (host, "share", id);
  send_refusal (host, "rate-limited", "Slow.", id);
  expect_frame (host, "share", id);
  g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_SENDING);
  echo = file_message (2, id, "d.txt", 4);
  nexus_test_host_send (host, echo);
  WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT);
  g_assert_null (nexus_event_get_failure (event));

  nexus_client_leave (ada);
  test_files_remove_dir (dir);
}

/* The room ends with a file on its way: it fails, and stays failed. */
static void
test_room_ends (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  g_autoptr(NexusClient) ada = start (host);
  g_autofree char *dir = test_files_make_dir ();
  g_autofree char *path = g_build_filename (dir, "e.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NexusEvent *event;

  g_assert_true (g_file_set_contents (path, "e", 1, NULL));
  event = nexus_client_share_file (ada, file, NULL);
  expect_frame (host, "upload", nexus_event_get_id (event));
  soup_websocket_connection_close (host->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_ENDED);
  g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_FAILED);
  g_assert_cmpstr (nexus_event_get_failure (event), ==,
                   "Sending “e.txt” was interrupted. Try again.");
  nexus_client_retry (ada, event);
  g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_FAILED);
  g_assert_null (nexus_client_share_file (ada, file, NULL));
  g_assert_false (nexus_client_get_can_share_files (ada));

  test_files_remove_dir (dir);
}

/* Frames about files from a host that breaks the rules change nothing. */
static void
test_frames (void)
{
  g_autoptr(NexusClient) client = nexus_client_new ("127.0.0.1", 9);
  const char *bad[] = {
    "{\"type\":\"upload-ready\",\"id\":\"x\"}",
    "{\"type\":\"upload-ready\",\"url\":\"/upload/abc\"}",
    "{\"type\":\"upload-ready\",\"id\":\"x\",\"url\":\"http://elsewhere/upload/abc\"}",
    "{\"type\":\"upload-ready\",\"id\":\"x\",\"url\":\"/upload/\"}",
    "{\"type\":\"upload-ready\",\"id\":\"x\",\"url\":\"/upload/a?b\"}",
    "{\"type\":\"upload-ready\",\"id\":\"x\",\"url\":\"/upload/../files/a\"}",
    "{\"type\":\"upload-ready\",\"id\":7,\"url\":\"/upload/abc\"}",
  };
  const char *no_files_welcome =
    "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"s1\","
    "\"members\":[\"Ada\",\"Bob\"],\"history\":[],\"last_seq\":1,\"resumed\":false}";
  const char *picture =
    "{\"type\":\"message\",\"seq\":2,\"ts\":\"2026-11-24T09:16:02.481Z\",\"name\":\"Bob\","
    "\"text\":\"\xf0\x9f\x93\x8e dot.png (32 bytes)\",\"id\":\"b1\",\"file\":{\"name\":"
    "\"dot.png\",\"size\":32,\"type\":\"image/png\",\"url\":\"/files/ab12/dot.png\","
    "\"width\":37,\"height\":23}}";
  const char *broken_file =
    "{\"type\":\"message\",\"seq\":3,\"ts\":\"2026-11-24T09:16:03.481Z\",\"name\":\"Bob\","
    "\"text\":\"\xf0\x9f\x93\x8e x (1 byte)\",\"id\":\"b2\",\"file\":{\"name\":\"x\","
    "\"size\":-1,\"type\":\"application/octet-stream\",\"url\":\"/files/cd/x\"}}";
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/nexus-chat/file");
  GListModel *events = nexus_client_get_events (client);
  g_autoptr(NexusEvent) seen = NULL;
  g_autofree char *uri = NULL;

  g_assert_true (nexus_client_handle_frame (client, no_files_welcome, strlen (no_files_welcome)));
  g_assert_false (nexus_client_get_can_share_files (client));
  g_assert_null (nexus_client_share_file (client, file, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (nexus_client_handle_frame (client, bad[i], strlen (bad[i])));
  /* Well formed, but for no upload of this client. */
  g_assert_false (nexus_client_handle_frame (client, "{\"type\":\"upload-ready\",\"id\":\"x\","
                                             "\"url\":\"/upload/abc\"}", 50));

  g_assert_true (nexus_client_handle_frame (client, picture, strlen (picture)));
  seen = g_list_model_get_item (events, g_list_model_get_n_items (events) - 1);
  g_assert_true (nexus_event_is_picture (seen));
  g_assert_cmpint (nexus_event_get_file_width (seen), ==, 37);
  g_assert_cmpint (nexus_event_get_file_height (seen), ==, 23);
  /* Without a key there is no address to fetch it from. */
  g_assert_null (nexus_client_get_file_uri (client, seen));
  g_clear_object (&seen);

  g_assert_true (nexus_client_handle_frame (client, broken_file, strlen (broken_file)));
  seen = g_list_model_get_item (events, g_list_model_get_n_items (events) - 1);
  g_assert_false (nexus_event_has_file (seen));
  g_assert_cmpstr (nexus_event_get_text (seen), ==, "\xf0\x9f\x93\x8e x (1 byte)");

  /* With a key, after a resume. */
  client->files_key = g_strdup ("0123");
  g_clear_object (&seen);
  seen = g_list_model_get_item (events, g_list_model_get_n_items (events) - 2);
  uri = nexus_client_get_file_uri (client, seen);
  g_assert_cmpstr (uri, ==, "http://127.0.0.1:9/files/ab12/dot.png?key=0123");
}

void
test_client_files_add_scripted (void)
{
  g_test_add_func ("/client-files/frames", test_frames);
  g_test_add_func ("/client-files/across-drops", test_across_drops);
  g_test_add_func ("/client-files/refusals", test_refusals);
  g_test_add_func ("/client-files/room-ends", test_room_ends);
}
