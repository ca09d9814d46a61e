/* test-server-frame.c: server → client frames parsed into NexusServerFrame
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-server-frame.h"

static gboolean
parse (const char       *json,
       NexusServerFrame *frame)
{
  return nexus_server_frame_parse (json, strlen (json), frame);
}

static void
test_welcome (void)
{
  g_auto(NexusServerFrame) frame = { 0 };
  g_autofree char *ts = NULL;
  const char *json =
    "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"9f2c\","
    "\"members\":[\"Ada\",7,null,\"Bob\"],"
    "\"history\":[{\"type\":\"joined\",\"seq\":1,\"ts\":\"2026-11-24T09:15:00.000Z\","
    "\"name\":\"Ada\"},"
    "{\"type\":\"bogus\",\"seq\":2,\"ts\":\"2026-11-24T09:15:00.000Z\",\"name\":\"X\"},"
    "42,"
    "{\"type\":\"joined\",\"seq\":2,\"ts\":\"not a time\",\"name\":\"Bob\"},"
    "{\"type\":\"message\",\"seq\":3,\"ts\":\"2026-11-24T09:15:43.020Z\",\"name\":\"Bob\","
    "\"text\":\"hi\"},"
    "{\"type\":\"message\",\"seq\":4,\"ts\":\"2026-11-24T09:15:43.020Z\",\"name\":\"Bob\","
    "\"text\":\"hi\\nAda\",\"id\":\"m1\",\"extra\":{}},"
    "{\"type\":\"left\",\"seq\":5,\"ts\":\"2026-11-24T09:16:00Z\",\"name\":\"Bob\"}],"
    "\"last_seq\":5,\"resumed\":true,\"gap\":true,\"extra\":[1,2]}";

  g_assert_true (parse (json, &frame));
  g_assert_cmpint (frame.type, ==, NEXUS_SERVER_FRAME_WELCOME);
  g_assert_cmpstr (frame.room, ==, "K7QX3M");
  g_assert_cmpstr (frame.name, ==, "Ada");
  g_assert_cmpstr (frame.session, ==, "9f2c");
  g_assert_cmpuint (g_strv_length (frame.members), ==, 2);
  g_assert_cmpstr (frame.members[0], ==, "Ada");
  g_assert_cmpstr (frame.members[1], ==, "Bob");
  g_assert_cmpint (frame.last_seq, ==, 5);
  g_assert_true (frame.resumed);
  g_assert_true (frame.gap);

  /* Only the well-formed events, in order. */
  g_assert_cmpuint (frame.n_history, ==, 3);
  g_assert_cmpint (frame.history[0].type, ==, NEXUS_SERVER_FRAME_JOINED);
  g_assert_cmpint (frame.history[0].seq, ==, 1);
  g_assert_cmpstr (frame.history[0].name, ==, "Ada");
  g_assert_null (frame.history[0].text);
  g_assert_null (frame.history[0].id);
  g_assert_cmpint (frame.history[1].type, ==, NEXUS_SERVER_FRAME_MESSAGE);
  g_assert_cmpint (frame.history[1].seq, ==, 4);
  g_assert_cmpstr (frame.history[1].text, ==, "hi\nAda");
  g_assert_cmpstr (frame.history[1].id, ==, "m1");
  ts = g_date_time_format_iso8601 (frame.history[1].timestamp);
  g_assert_cmpstr (ts, ==, "2026-11-24T09:15:43.020000Z");
  g_assert_cmpint (frame.history[2].type, ==, NEXUS_SERVER_FRAME_LEFT);
  g_assert_cmpint (frame.history[2].seq, ==, 5);

  /* Cleared, it can be cleared again and parsed into again. */
  nexus_server_frame_clear (&frame);
  nexus_server_frame_clear (&frame);
  g_assert_null (frame.members);
  g_assert_cmpuint (frame.n_history, ==, 0);

  g_assert_true (parse ("{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\","
                        "\"session\":\"s\",\"members\":[],\"history\":[],\"last_seq\":0,"
                        "\"gap\":\"yes\"}", &frame));
  g_assert_cmpuint (g_strv_length (frame.members), ==, 0);
  g_assert_cmpuint (frame.n_history, ==, 0);
  g_assert_false (frame.resumed);
  g_assert_false (frame.gap);
}

static void
test_events (void)
{
  const struct {
    const char *json;
    NexusServerFrameType type;
    gint64 seq;
    const char *name;
    const char *text;
  } cases[] = {
    { "{\"type\":\"message\",\"seq\":3,\"ts\":\"2026-11-24T09:15:43.020Z\",\"name\":\"Ada\","
      "\"text\":\"hi Bob\",\"id\":\"m1\"}", NEXUS_SERVER_FRAME_MESSAGE, 3, "Ada", "hi Bob" },
    { "{\"type\":\"joined\",\"seq\":2,\"ts\":\"2026-11-24T09:15:40.512Z\",\"name\":\"Bob\"}",
      NEXUS_SERVER_FRAME_JOINED, 2, "Bob", NULL },
    { "{\"name\":\"Bob\",\"ts\":\"2026-11-24T09:15:40.512Z\",\"seq\":9007199254740993,"
      "\"type\":\"left\"}", NEXUS_SERVER_FRAME_LEFT, G_GINT64_CONSTANT (9007199254740993),
      "Bob", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(NexusServerFrame) frame = { 0 };

      g_test_message ("event %u", i);
      g_assert_true (parse (cases[i].json, &frame));
      g_assert_cmpint (frame.type, ==, cases[i].type);
      g_assert_cmpint (frame.event.type, ==, cases[i].type);
      g_assert_cmpint (frame.event.seq, ==, cases[i].seq);
      g_assert_cmpstr (frame.event.name, ==, cases[i].name);
      g_assert_cmpstr (frame.event.text, ==, cases[i].text);
      g_assert_nonnull (frame.event.timestamp);
    }
}

static void
test_typing_and_errors (void)
{
  g_auto(NexusServerFrame) frame = { 0 };

  g_assert_true (parse ("{\"type\":\"typing\",\"name\":\"Bob\"}", &frame));
  g_assert_cmpint (frame.type, ==, NEXUS_SERVER_FRAME_TYPING);
  g_assert_cmpstr (frame.name, ==, "Bob");
  nexus_server_frame_clear (&frame);

  g_assert_true (parse ("{\"type\":\"error\",\"code\":\"rate-limited\","
                        "\"message\":\"Slow down.\",\"id\":\"m7\"}", &frame));
  g_assert_cmpint (frame.type, ==, NEXUS_SERVER_FRAME_ERROR);
  g_assert_cmpint (frame.code, ==, NEXUS_ERROR_RATE_LIMITED);
  g_assert_cmpstr (frame.message, ==, "Slow down.");
  g_assert_cmpstr (frame.id, ==, "m7");
  nexus_server_frame_clear (&frame);

  /* The message and the id are optional. */
  g_assert_true (parse ("{\"type\":\"error\",\"code\":\"session-expired\",\"id\":5}", &frame));
  g_assert_cmpint (frame.code, ==, NEXUS_ERROR_SESSION_EXPIRED);
  g_assert_null (frame.message);
  g_assert_null (frame.id);
}

static void
test_bad (void)
{
  const char *cases[] = {
    "", "{", "[]", "null", "42", "\"welcome\"", "{}", "{\"type\":7}", "{\"type\":\"say\"}",
    "{\"type\":\"welcome\"}",
    /* welcome: each needed member missing or of another type */
    "{\"type\":\"welcome\",\"room\":\"ABCDEF\",\"name\":\"A\",\"session\":\"s\","
    "\"members\":{},\"history\":[],\"last_seq\":0}",
    "{\"type\":\"welcome\",\"room\":\"ABCDEF\",\"name\":\"A\",\"session\":\"s\","
    "\"members\":[],\"history\":{},\"last_seq\":0}",
    "{\"type\":\"welcome\",\"room\":\"ABCDEF\",\"name\":\"A\",\"session\":\"s\","
    "\"members\":[],\"history\":[],\"last_seq\":1.5}",
    "{\"type\":\"welcome\",\"room\":\"ABCDEF\",\"name\":\"A\",\"members\":[],\"history\":[],"
    "\"last_seq\":0}",
    "{\"type\":\"welcome\",\"room\":1,\"name\":\"A\",\"session\":\"s\",\"members\":[],"
    "\"history\":[],\"last_seq\":0}",
    /* events */
    "{\"type\":\"message\",\"seq\":1}",
    "{\"type\":\"message\",\"seq\":3,\"ts\":\"2026-11-24T09:15:43.020Z\",\"name\":\"Ada\","
    "\"text\":\"hi\"}",
    "{\"type\":\"joined\",\"seq\":0,\"ts\":\"2026-11-24T09:15:40.512Z\",\"name\":\"Bob\"}",
    "{\"type\":\"joined\",\"seq\":\"2\",\"ts\":\"2026-11-24T09:15:40.512Z\",\"name\":\"Bob\"}",
    "{\"type\":\"joined\",\"seq\":2,\"ts\":\"yesterday\",\"name\":\"Bob\"}",
    "{\"type\":\"left\",\"seq\":2,\"ts\":\"2026-11-24T09:15:40.512Z\"}",
    /* typing, error */
    "{\"type\":\"typing\"}",
    "{\"type\":\"typing\",\"name\":null}",
    "{\"type\":\"error\"}",
    "{\"type\":\"error\",\"code\":\"no-such-code\",\"message\":\"?\"}",
    /* not JSON as json-glib must never see it */
    "{\"type\":\"typing\",\"name\":\"Bob\"",
    "{\"type\":\"typing\",\"name\":'Bob'}",
    "{\"type\":\"typing\",\"name\":\"Bob\"} {}",
    "{\"type\":\"typing\",\"name\":\"B\\u0000ob\"}",
  };
  g_autoptr(GString) deep = g_string_new ("{\"type\":\"typing\",\"name\":\"Bob\",\"x\":");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(NexusServerFrame) frame = { 0 };

      g_test_message ("bad frame %u: %s", i, cases[i]);
      g_assert_false (parse (cases[i], &frame));
      g_assert_null (frame.room);
      g_assert_null (frame.name);
      g_assert_null (frame.members);
      g_assert_null (frame.event.name);
      g_assert_null (frame.event.timestamp);
    }

  /* Invalid UTF-8, a NUL byte in the frame, nesting deeper than 32. */
  {
    g_auto(NexusServerFrame) frame = { 0 };
    const char nul[] = "{\"type\":\"typing\",\"name\":\"Bob\"}\0";

    g_assert_false (parse ("{\"type\":\"typing\",\"name\":\"B\xff\"}", &frame));
    g_assert_false (nexus_server_frame_parse (nul, sizeof nul - 1, &frame));
    for (guint i = 0; i < 40; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 40; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    g_assert_false (parse (deep->str, &frame));
  }
}

static void
test_files (void)
{
  NexusFileInfo picture = { "naïve \"x\".png", 2400000, "image/png",
                            "/files/0123456789abcdef0123456789abcdef/na%C3%AFve%20%22x%22.png", 640, 480 };
  NexusFileInfo other = { "notes.txt", 5, "application/octet-stream",
                          "/files/0123456789abcdef0123456789abcdef/notes.txt", 0, 0 };
  g_autofree char *text = nexus_file_fallback_text (picture.name, picture.size);
  g_autoptr(GString) json = nexus_frame_encode_file_event (7, G_GINT64_CONSTANT (1795511702123456),
                                                           "Ada", text, "u1", &picture);
  g_autoptr(GString) plain = nexus_frame_encode_file_event (8, G_GINT64_CONSTANT (1795511702123456),
                                                            "Bob", "x", "u2", &other);
  g_autofree char *ready = nexus_frame_encode_upload_ready ("u1", "/upload/abc");
  g_auto(NexusServerFrame) frame = { 0 };
  g_auto(NexusServerFrame) welcome = { 0 };
  GString *encoded = NULL;

  g_assert_cmpstr (text, ==, "\xf0\x9f\x93\x8e naïve \"x\".png (2.4 MB)");
  g_assert_true (parse (json->str, &frame));
  g_assert_cmpint (frame.type, ==, NEXUS_SERVER_FRAME_MESSAGE);
  g_assert_cmpint (frame.event.seq, ==, 7);
  g_assert_cmpstr (frame.event.text, ==, text);
  g_assert_cmpstr (frame.event.id, ==, "u1");
  g_assert_nonnull (frame.event.file);
  g_assert_cmpstr (frame.event.file->name, ==, picture.name);
  g_assert_cmpint (frame.event.file->size, ==, 2400000);
  g_assert_cmpstr (frame.event.file->type, ==, "image/png");
  g_assert_cmpstr (frame.event.file->url, ==, picture.url);
  g_assert_cmpint (frame.event.file->width, ==, 640);
  g_assert_cmpint (frame.event.file->height, ==, 480);
  nexus_server_frame_clear (&frame);

  /* Not a picture: no width and height in the frame. */
  g_assert_null (strstr (plain->str, "width"));
  g_assert_true (parse (plain->str, &frame));
  g_assert_cmpint (frame.event.file->width, ==, 0);
  nexus_server_frame_clear (&frame);

  /* A malformed file is left out; the message stays, as its text. */
  g_assert_true (parse ("{\"type\":\"message\",\"seq\":3,\"ts\":\"2026-11-24T09:15:43.020Z\","
                        "\"name\":\"Bob\",\"text\":\"a file\",\"id\":\"u\","
                        "\"file\":{\"name\":\"x\",\"size\":-1,\"type\":\"t\",\"url\":\"/files/x\"}}",
                        &frame));
  g_assert_null (frame.event.file);
  g_assert_cmpstr (frame.event.text, ==, "a file");
  nexus_server_frame_clear (&frame);
  g_assert_true (parse ("{\"type\":\"message\",\"seq\":3,\"ts\":\"2026-11-24T09:15:43.020Z\","
                        "\"name\":\"Bob\",\"text\":\"a file\",\"id\":\"u\","
                        "\"file\":{\"name\":\"x\",\"size\":1,\"type\":\"t\","
                        "\"url\":\"https://elsewhere.example/x\"}}", &frame));
  g_assert_null (frame.event.file);
  nexus_server_frame_clear (&frame);

  g_assert_cmpstr (ready, ==, "{\"type\":\"upload-ready\",\"id\":\"u1\",\"url\":\"/upload/abc\"}");

  /* The welcome's key, when the host keeps files. */
  encoded = nexus_frame_encode_welcome (&(NexusWelcome) {
    .room = "K7QX3M", .name = "Ada", .session = "s", .files_key = "k",
  });
  g_assert_true (parse (encoded->str, &welcome));
  g_assert_cmpstr (welcome.files_key, ==, "k");
  g_string_free (encoded, TRUE);
  nexus_server_frame_clear (&welcome);
  encoded = nexus_frame_encode_welcome (&(NexusWelcome) { .room = "K7QX3M", .name = "Ada", .session = "s" });
  g_assert_null (strstr (encoded->str, "files_key"));
  g_string_free (encoded, TRUE);
}

static void
test_file_sizes (void)
{
  static const struct { guint64 size; const char *text; } cases[] = {
    { 0, "0 bytes" },
    { 1, "1 byte" },
    { 999, "999 bytes" },
    { 1000, "1.0 kB" },
    { 1049, "1.0 kB" },
    { 1050, "1.1 kB" },
    { 999949, "999.9 kB" },
    { 999950, "1.0 MB" },
    { 2400000, "2.4 MB" },
    { 104857600, "104.9 MB" },
    { 1073741824, "1.1 GB" },
    { G_MAXUINT64, "18.4 EB" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = nexus_file_size_format (cases[i].size);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-frame/welcome", test_welcome);
  g_test_add_func ("/server-frame/events", test_events);
  g_test_add_func ("/server-frame/typing-and-errors", test_typing_and_errors);
  g_test_add_func ("/server-frame/bad", test_bad);
  g_test_add_func ("/server-frame/files", test_files);
  g_test_add_func ("/server-frame/file-sizes", test_file_sizes);

  return g_test_run ();
}
