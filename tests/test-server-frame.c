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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-frame/welcome", test_welcome);
  g_test_add_func ("/server-frame/events", test_events);
  g_test_add_func ("/server-frame/typing-and-errors", test_typing_and_errors);
  g_test_add_func ("/server-frame/bad", test_bad);

  return g_test_run ();
}
