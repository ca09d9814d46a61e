/* test-server-limits.c: the server's limits on a real server: connections,
 * frame size, rate, failed joins, the first frame's and the pong's
 * timeouts, and a member that leaves too much unread
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-frame-output-stream.h"
#include "nexus-protocol.h"
#include "nexus-server.h"
#include "nexus-test-utils.h"

static void
limits_small_burst (NexusServerLimits *limits)
{
  limits->burst = 5;
  limits->rate = 2;
}

static void
limits_quick_pings (NexusServerLimits *limits)
{
  limits->ping_interval_seconds = 1;
  limits->pong_timeout_seconds = 2;
}

/* A raw client that never sends a first frame stays for its pings. */
static void
limits_quick_pings_no_first_frame (NexusServerLimits *limits)
{
  limits_quick_pings (limits);
  limits->first_frame_timeout_ms = 60000;
}

static void
test_ws_connection_limit (NexusTestServer *fixture,
                          gconstpointer    data)
{
  guint limit = (guint) fixture->limits.max_connections;
  g_autofree NexusTestClient **clients = g_new0 (NexusTestClient *, limit);
  g_autoptr(NexusTestClient) over = NULL;

  for (guint i = 0; i < limit; i++)
    clients[i] = nexus_test_client_new (fixture->port, NULL);
  over = nexus_test_client_new_full (fixture->port, NULL, NULL, TRUE);
  g_assert_null (over->ws);
  g_assert_cmpuint (over->http_status, ==, 503);

  /* A freed slot can be used again. */
  nexus_test_client_cut (clients[0]);
  WAIT_UNTIL (nexus_server_get_n_connections (fixture->server) == limit - 1);
  nexus_test_client_free (clients[0]);
  clients[0] = nexus_test_client_new (fixture->port, NULL);

  for (guint i = 0; i < limit; i++)
    nexus_test_client_free (clients[i]);
}

static void
test_frame_size_limit (NexusTestServer *fixture,
                       gconstpointer    data)
{
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_with_bob (fixture->port, NULL, &bob);
  const char *head = "{\"type\":\"say\",\"text\":\"big\",\"id\":\"s1\",\"pad\":\"";
  const char *tail = "\"}";
  gsize pad = NEXUS_PROTOCOL_MAX_FRAME - strlen (head) - strlen (tail);
  g_autofree char *padding = g_strnfill (pad, 'p');
  g_autofree char *exact = g_strconcat (head, padding, tail, NULL);
  g_autofree char *over = g_strconcat (head, padding, "p", tail, NULL);
  g_autoptr(JsonObject) message = NULL;

  /* Exactly 16384 bytes is allowed; unknown members are ignored. */
  g_assert_cmpuint (strlen (exact), ==, NEXUS_PROTOCOL_MAX_FRAME);
  nexus_test_client_send (bob, exact);
  message = nexus_test_client_expect (bob, "message");
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "big");
  g_clear_pointer (&message, json_object_unref);
  message = nexus_test_client_expect (ada, "message");
  g_assert_cmpstr (nexus_test_str (message, "id"), ==, "s1");

  /* One more byte ends the connection; the member keeps its grace. */
  nexus_test_client_send (bob, over);
  nexus_test_client_wait_closed (bob);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 2);
}

static void
test_rate_limit (NexusTestServer *fixture,
                 gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, NULL);  /* one token */
  g_autoptr(JsonObject) retried = NULL;
  guint delivered = 0;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);

      nexus_test_client_send_say (ada, "m", id);
    }
  /* The fifth say in the burst-of-five bucket... */
  nexus_test_client_send_say (ada, "m", "r4");
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonObject) message = nexus_test_client_expect (ada, "message");
      g_assert_nonnull (message);

      delivered++;
    }
  /* ...is refused with its id, not delivered, and the connection stays. */
  nexus_test_client_expect_error_id (ada, "rate-limited", "r4");
  g_assert_cmpuint (delivered, ==, 4);

  /* Other frames over the limit get at most one notice a second. */
  for (guint i = 0; i < 5; i++)
    nexus_test_client_send (ada, "{\"type\":\"typing\"}");
  nexus_test_client_expect_error_id (ada, "rate-limited", NULL);
  nexus_test_assert_quiet (100, ada, NULL);

  /* Tokens come back at the rate; the refused id may be retried. */
  nexus_test_spin (700);
  retried = nexus_test_client_say (ada, "again", "r4");
  g_assert_false (ada->closed);
}

static void
test_failed_join_limit (NexusTestServer *fixture,
                        gconstpointer    data)
{
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, &code);
  g_assert_nonnull (ada);
  g_autoptr(NexusTestClient) blocked = NULL;
  g_autoptr(NexusTestClient) blocked_create = NULL;

  /* limit 3: three wrong codes or sessions from this address... */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(NexusTestClient) guesser = nexus_test_client_new (fixture->port, NULL);

      if (i < 2)
        nexus_test_client_send_join (guesser, "ZZZZZZ", "Eve");
      else
        nexus_test_client_send_resume (guesser, code, "guess", 0);
      nexus_test_client_expect_error (guesser, i < 2 ? "room-not-found" : "session-expired");
      nexus_test_client_wait_closed (guesser);
    }

  /* ...and even a right code is refused, fatally, as is a create. */
  blocked = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_send_join (blocked, code, "Bob");
  nexus_test_client_expect_fatal (blocked, "rate-limited");
  blocked_create = nexus_test_client_new (fixture->port, NULL);
  nexus_test_client_send (blocked_create, "{\"type\":\"create\",\"name\":\"Bob\"}");
  nexus_test_client_expect_error (blocked_create, "rate-limited");
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

static void
test_first_frame_timeout (NexusTestServer *fixture,
                          gconstpointer    data)
{
  g_autoptr(NexusTestClient) idle = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(NexusTestClient) chatty = nexus_test_client_new (fixture->port, NULL);

  /* A bad first frame does not stop the clock. */
  nexus_test_client_send (chatty, "{\"type\":\"hello\"}");
  nexus_test_client_expect_error (chatty, "bad-request");
  nexus_test_client_wait_closed (idle);
  g_assert_cmpuint (idle->close_code, ==, 1008);
  nexus_test_client_wait_closed (chatty);
  g_assert_cmpuint (chatty->close_code, ==, 1008);
}

/* libsoup's client answers pings by itself; a raw one need not. */
static void
test_pong_timeout (NexusTestServer *fixture,
                   gconstpointer    data)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(NexusTestRawClient) raw = nexus_test_raw_client_new (fixture->port, 0);
  gint64 elapsed;

  nexus_test_raw_client_upgrade (raw);
  nexus_test_raw_client_wait_closed (raw);
  elapsed = g_get_monotonic_time () - start;
  /* Pinged every second, never answered: cut without a close frame. */
  g_assert_cmpuint (raw->n_pings, >=, 1);
  g_assert_true (raw->eof);
  g_assert_cmpuint (raw->n_close, ==, 0);
  g_assert_cmpint (elapsed, >=, 2 * G_USEC_PER_SEC);
  WAIT_UNTIL (nexus_server_get_n_connections (fixture->server) == 0);
}

/* The server's pings are answered (libsoup's client does that by itself):
 * a member stays connected well past the pong timeout. */
static void
test_pings_keep_a_member (NexusTestServer *fixture,
                          gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, NULL);
  gint64 until = g_get_monotonic_time () + 4 * G_USEC_PER_SEC;

  WAIT_UNTIL (g_get_monotonic_time () > until);

  g_assert_false (ada->closed);
  g_assert_cmpuint (nexus_server_get_n_connections (fixture->server), ==, 1);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
}

/* Near the longest text allowed, each one different. */
static char *
slow_test_text (guint i)
{
  char *text = g_strnfill (NEXUS_TEXT_MAX_CHARS, 'x');
  char prefix[16];
  int n = g_snprintf (prefix, sizeof prefix, "%u ", i);

  memcpy (text, prefix, (gsize) n);
  return text;
}

static void
slow_test_say (NexusTestClient *ada,
               guint            i)
{
  g_autofree char *text = slow_test_text (i);
  g_autofree char *id = g_strdup_printf ("a%u", i);

  nexus_test_client_send_say (ada, text, id);
}

/* Ada's messages @received .. @sent - 1, in order and nothing else: a
 * left would be a frame here, and would take a seq. */
static void
slow_test_expect_messages (NexusTestClient *client,
                           gint64           first_seq,
                           guint           *received,
                           guint            sent)
{
  for (; *received < sent; (*received)++)
    {
      g_autoptr(JsonObject) message = nexus_test_client_expect (client, "message");
      g_autofree char *id = g_strdup_printf ("a%u", *received);
      g_autofree char *text = slow_test_text (*received);

      g_assert_cmpint (nexus_test_int (message, "seq"), ==, first_seq + *received);
      g_assert_cmpstr (nexus_test_str (message, "name"), ==, "Ada");
      g_assert_cmpstr (nexus_test_str (message, "id"), ==, id);
      g_assert_cmpstr (nexus_test_str (message, "text"), ==, text);
    }
}

/* A member whose client stops reading: a raw client that reads only the
 * 101 answer, then nothing until the end. */
static void
test_slow_reader_dropped (NexusTestServer *fixture,
                          gconstpointer    data)
{
  /* Enough to fill the stream's limit, both kernels' buffers and more:
   * past it the drop is not coming. */
  const guint max_messages = 12 * 1024 * 1024 / NEXUS_TEXT_MAX_CHARS;
  /* Ada waits for Bob after each batch, so neither Ada nor Bob ever has
   * much unread and only the slow member can be the one dropped. */
  const guint batch = 32;
  const gint64 first_seq = 4;   /* after the joined of Ada, Bob and Slow */
  g_autofree char *code = NULL;
  g_autofree char *join = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_with_bob (fixture->port, &code, &bob);
  g_autoptr(NexusTestRawClient) slow = NULL;
  g_autoptr(JsonObject) joined_ada = NULL;
  g_autoptr(JsonObject) joined_bob = NULL;
  guint sent = 0;
  guint received = 0;
  gint64 start;

  /* A small receive window: the kernel must not soak up megabytes on the
   * test's behalf. */
  slow = nexus_test_raw_client_new (fixture->port, 4096);
  nexus_test_raw_client_upgrade (slow);
  join = nexus_frame_encode_join (code, "Slow");
  nexus_test_raw_client_send_text (slow, join);
  joined_ada = nexus_test_client_expect (ada, "joined");
  g_assert_cmpstr (nexus_test_str (joined_ada, "name"), ==, "Slow");
  g_assert_cmpint (nexus_test_int (joined_ada, "seq"), ==, first_seq - 1);
  joined_bob = nexus_test_client_expect (bob, "joined");
  g_assert_cmpstr (nexus_test_str (joined_bob, "name"), ==, "Slow");
  g_assert_cmpuint (nexus_server_get_n_connections (fixture->server), ==, 3);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 3);

  start = g_get_monotonic_time ();
  while (nexus_server_get_n_connections (fixture->server) == 3 && sent < max_messages)
    {
      for (guint i = 0; i < batch && sent < max_messages; i++)
        slow_test_say (ada, sent++);
      slow_test_expect_messages (bob, first_seq, &received, sent);
      /* Ada's own copies, her acknowledgements: read, and not kept. */
      nexus_test_client_clear (ada);
    }
  if (nexus_server_get_n_connections (fixture->server) != 2)
    g_error ("The member that stopped reading was not dropped after %u messages of %u characters "
             "(%u connections open)", sent, NEXUS_TEXT_MAX_CHARS,
             nexus_server_get_n_connections (fixture->server));
  g_test_message ("dropped after %u messages (%.1f MiB) in %.2f s", sent,
                  (double) sent * NEXUS_TEXT_MAX_CHARS / (1024 * 1024),
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  /* Not before the stream's limit was reached. */
  g_assert_cmpuint ((guint64) sent * NEXUS_TEXT_MAX_CHARS, >, NEXUS_FRAME_OUTPUT_STREAM_DEFAULT_LIMIT);

  /* The room talks on; the slow member is in its grace period, so it is
   * still listed and nobody is told (the seqs go on without a gap). */
  for (guint i = 0; i < 3; i++)
    slow_test_say (ada, sent++);
  slow_test_expect_messages (bob, first_seq, &received, sent);
  nexus_test_assert_quiet (300, bob, NULL);   /* beyond one of the server's 250 ms ticks */
  g_assert_false (bob->closed);
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 3);

  /* What reached the slow member's kernel ends without a close frame: the
   * TCP connection was cut, as a lost network would. */
  nexus_test_raw_client_wait_closed (slow);
  g_assert_cmpuint (slow->n_text, >, 0);
  g_assert_cmpuint (slow->n_close, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  NEXUS_TEST_ADD_SERVER ("/server/limits/ws-connection-limit", test_ws_connection_limit,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/limits/frame-size-limit", test_frame_size_limit, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/limits/rate-limit", test_rate_limit, limits_small_burst);
  NEXUS_TEST_ADD_SERVER ("/server/limits/failed-join-limit", test_failed_join_limit,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/limits/first-frame-timeout", test_first_frame_timeout,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/limits/pong-timeout", test_pong_timeout,
                         limits_quick_pings_no_first_frame);
  NEXUS_TEST_ADD_SERVER ("/server/limits/pings-keep-a-member", test_pings_keep_a_member,
                         limits_quick_pings);
  /* Ada sends as fast as Bob reads. */
  NEXUS_TEST_ADD_SERVER ("/server/limits/slow-reader-dropped", test_slow_reader_dropped,
                         nexus_test_limits_no_rate);

  return g_test_run ();
}
