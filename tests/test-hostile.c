/* test-hostile.c: a peer on the same network that tries to take the host down
 *
 * Each test is one attack against the real server on 127.0.0.1, bounded
 * in count and time, then the proof that the host still serves: an
 * ordinary pair creates a room, joins it and talks within a few seconds,
 * and the server's memory stayed within a stated bound.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "nexus-protocol.h"
#include "nexus-server-private.h"
#include "nexus-test-utils.h"

#if defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define NEXUS_ASAN 1
# endif
#elif defined(__SANITIZE_ADDRESS__)
# define NEXUS_ASAN 1
#endif

/* What an attack may add to the host's resident memory. AddressSanitizer
 * keeps freed memory in quarantine (256 MiB by default) and shadows what
 * it touches, so under it the bound only catches a runaway. */
#ifdef NEXUS_ASAN
# define RSS_BOUND_KIB (512 * 1024)
#else
# define RSS_BOUND_KIB (32 * 1024)
#endif

/* The resident memory of process @pid (0: this one), in KiB. */
static gsize
rss_kib (GPid pid)
{
  g_autofree char *path = pid != 0 ? g_strdup_printf ("/proc/%d/status", (int) pid)
                                   : g_strdup ("/proc/self/status");
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) : 0;
}

/* The proof after each attack: Ada creates, Bob joins, they talk. */
static void
assert_pair_talks (guint port)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (port, NULL);
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (port, NULL);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) joined = NULL;
  g_autoptr(JsonObject) bob_welcome = NULL;
  g_autoptr(JsonObject) message = NULL;
  gint64 start = g_get_monotonic_time ();

  welcome = nexus_test_client_create (ada, "Ada");
  bob_welcome = nexus_test_client_join (bob, nexus_test_str (welcome, "room"), "Bob");
  joined = nexus_test_client_expect (ada, "joined");
  nexus_test_client_send_say (ada, "still here?", "p1");
  message = nexus_test_client_expect (bob, "message");
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "still here?");
  g_test_message ("an ordinary pair talked within %.1f s",
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

/* @before: rss_kib (0) when the test began. */
static void
assert_rss_bounded (gsize before)
{
  gsize after = rss_kib (0);

  g_test_message ("resident memory %" G_GSIZE_FORMAT " KiB before, %" G_GSIZE_FORMAT " KiB after",
                  before, after);
  g_assert_cmpuint (after, <, before + RSS_BOUND_KIB);
}

/* What the server answered on @raw, read up to the end of the connection. */
static char *
wait_for_answer (NexusTestRawClient *raw)
{
  nexus_test_raw_client_wait_ended (raw);
  return g_strndup ((const char *) raw->bytes->data, raw->bytes->len);
}

/* 1. A descriptor flood, against the headless binary under a desktop
 * session's usual limit of 1 024 descriptors (soft and hard, so it cannot
 * raise it): 1 500 idle connections from forty addresses. The server keeps
 * serving throughout and after they are released. */

static void
test_descriptor_flood (void)
{
  const char *args[] = { "--bind", "127.0.0.1", "--port", "0", NULL };
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GPtrArray) flood = NULL;
  struct rlimit limit;
  guint port = 0;
  GPid pid;
  gsize rss_before, rss_during, rss_after;

  /* The flood itself needs 1 500 descriptors on this side. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_max < 2048)
    {
      g_test_skip ("this test needs a hard limit of 2048 descriptors or more");
      return;
    }
  limit.rlim_cur = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);

  flood = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_test_raw_client_free);
  server = nexus_test_spawn_headless (args, 1024, &port, NULL);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server), NULL, 10);
  assert_pair_talks (port);
  rss_before = rss_kib (pid);

  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.0.%u", 2 + i % 40);

      g_ptr_array_add (flood, nexus_test_raw_client_new_full (port, source, 0));
    }
  assert_pair_talks (port);
  rss_during = rss_kib (pid);

  g_ptr_array_set_size (flood, 0);
  nexus_test_spin (300);
  assert_pair_talks (port);
  for (guint i = 0; i < 1500; i++)
    g_ptr_array_add (flood, nexus_test_raw_client_new_full (port, "127.0.0.99", 0));
  g_ptr_array_set_size (flood, 0);
  assert_pair_talks (port);
  rss_after = rss_kib (pid);

  g_test_message ("server resident memory %" G_GSIZE_FORMAT " KiB before, %" G_GSIZE_FORMAT
                  " KiB during, %" G_GSIZE_FORMAT " KiB after", rss_before, rss_during, rss_after);
  g_assert_cmpuint (rss_during, <, rss_before + RSS_BOUND_KIB);
  g_assert_cmpuint (rss_after, <, rss_before + RSS_BOUND_KIB);

  g_subprocess_send_signal (server, SIGTERM);
  g_assert_true (g_subprocess_wait_check (server, NULL, NULL));
}

/* 1b. accept() itself failing (no descriptor left in this process): the
 * server pauses, then accepts again once descriptors are free. */
static void
test_accept_survives_emfile (NexusTestServer *fixture,
                             gconstpointer    data)
{
  g_autoptr(GArray) hogs = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(NexusTestRawClient) waiting = NULL;
  g_autofree char *answer = NULL;
  const char *request = "GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  struct rlimit limit, lowered;

  /* Few enough descriptors to take them all quickly. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  lowered = (struct rlimit) { MIN (limit.rlim_cur, 4096), limit.rlim_max };
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &lowered), ==, 0);

  /* This connection waits in the kernel's backlog ... */
  waiting = nexus_test_raw_client_new (fixture->port, 0);
  nexus_test_raw_client_send (waiting, request, strlen (request));
  /* ... while every descriptor is taken. */
  for (;;)
    {
      int fd = dup (STDERR_FILENO);

      if (fd < 0)
        break;
      g_array_append_val (hogs, fd);
    }
  WAIT_UNTIL (fixture->server->n_accept_failures > 0);
  nexus_test_spin (300);

  for (guint i = 0; i < hogs->len; i++)
    close (g_array_index (hogs, int, i));
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  answer = wait_for_answer (waiting);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
  g_test_message ("%" G_GUINT64_FORMAT " failed accepts, then served",
                  fixture->server->n_accept_failures);
  assert_pair_talks (fixture->port);
}

/* 2. Slowloris: headers that never end. */
static void
test_slowloris (NexusTestServer *fixture,
                gconstpointer    data)
{
  gsize rss_before = rss_kib (0);
  g_autoptr(GPtrArray) slow = NULL;
  g_autoptr(NexusTestRawClient) silent = nexus_test_raw_client_new (fixture->port, 0);
  const char *head = "GET / HTTP/1.1\r\nX-Slow: ";
  gint64 start = g_get_monotonic_time ();

  slow = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_test_raw_client_free);
  for (guint i = 0; i < 20; i++)
    {
      NexusTestRawClient *raw = nexus_test_raw_client_new (fixture->port, 0);

      nexus_test_raw_client_send (raw, head, strlen (head));
      g_ptr_array_add (slow, raw);
    }
  assert_pair_talks (fixture->port);
  /* One more header byte now and then does not buy more time. */
  for (guint round = 0; round < 15; round++)
    {
      for (guint i = 0; i < slow->len; i++)
        nexus_test_raw_client_try_send (g_ptr_array_index (slow, i), "a", 1);
      nexus_test_spin (100);
    }
  for (guint i = 0; i < slow->len; i++)
    nexus_test_raw_client_wait_ended (g_ptr_array_index (slow, i));
  nexus_test_raw_client_wait_ended (silent);
  g_test_message ("cut after %.1f s (the request timeout is 1 s here, 15 s by default)",
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  WAIT_UNTIL (nexus_server_get_n_pending (fixture->server) == 0);
  assert_pair_talks (fixture->port);
  assert_rss_bounded (rss_before);
}

/* 2b. An answer nobody reads, and a request body that never ends: the
 * body is not kept, and the exchange's deadline ends both. */
static void
test_unread_answer_and_endless_body (NexusTestServer *fixture,
                                     gconstpointer    data)
{
  gsize rss_before = rss_kib (0);
  g_autoptr(NexusTestRawClient) reader = nexus_test_raw_client_new (fixture->port, 0);
  g_autoptr(NexusTestRawClient) poster = nexus_test_raw_client_new (fixture->port, 0);
  const char *get = "GET /static/app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const char *post = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000\r\n\r\n";
  g_autofree char *chunk = g_strnfill (65536, 'x');
  gboolean cut = FALSE;

  nexus_test_raw_client_send (reader, get, strlen (get));
  nexus_test_raw_client_send (poster, post, strlen (post));
  /* 32 MiB of body, or less if the server cuts it first. */
  for (guint i = 0; i < 512 && !cut; i++)
    cut = !nexus_test_raw_client_try_send (poster, chunk, 65536);
  assert_rss_bounded (rss_before);
  nexus_test_raw_client_wait_ended (poster);
  WAIT_UNTIL (nexus_server_get_n_pending (fixture->server) == 0);
  assert_pair_talks (fixture->port);
}

/* 3. One endless message in fragments: cut once it passes 16 384 bytes. */
static void
test_endless_fragments (NexusTestServer *fixture,
                        gconstpointer    data)
{
  gsize rss_before = rss_kib (0);
  g_autoptr(NexusTestRawClient) raw = nexus_test_raw_client_new (fixture->port, 0);
  g_autofree char *fragment = g_strnfill (4000, 'a');
  /* A continuation without FIN. */
  g_autoptr(GByteArray) more = nexus_test_raw_frame_new (0x00, fragment, 4000);
  guint sent = 0;

  nexus_test_raw_client_upgrade (raw);
  nexus_test_raw_client_send_text (raw, "{\"type\":\"create\",\"name\":\"Mallory\"}");
  /* A text frame without FIN. */
  nexus_test_raw_client_send_frame (raw, 0x01, "{\"type\":\"say\",\"text\":\"", 22);
  /* Sending fails once the server has cut the connection. */
  while (!nexus_test_raw_client_read (raw, FALSE) && sent < 64
         && nexus_test_raw_client_try_send (raw, more->data, more->len))
    {
      sent++;
      nexus_test_spin (10);
    }
  nexus_test_raw_client_wait_ended (raw);
  g_test_message ("cut after %u fragments of 4000 bytes", sent);
  g_assert_cmpuint (sent, <=, 8);
  assert_pair_talks (fixture->port);
  assert_rss_bounded (rss_before);
}

/* 4. One long say, then its id over and over: each repeat costs a token,
 * so what comes back is bounded by the rate limit. */
static void
test_replayed_ids (NexusTestServer *fixture,
                   gconstpointer    data)
{
  g_autoptr(NexusTestClient) mallory = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (mallory, "Mallory");
  g_autofree char *text = g_strnfill (4000, 'z');
  g_autofree char *say = g_strdup_printf ("{\"type\":\"say\",\"text\":\"%s\",\"id\":\"m1\"}", text);
  guint copies = 0, refused = 0;

  g_assert_nonnull (welcome);
  nexus_test_client_send (mallory, say);
  for (guint i = 0; i < 2000; i++)
    nexus_test_client_send (mallory, "{\"type\":\"say\",\"text\":\"x\",\"id\":\"m1\"}");
  nexus_test_spin (2500);

  while (nexus_test_client_pending (mallory) > 0)
    {
      g_autoptr(JsonObject) frame = nexus_test_client_next (mallory);
      const char *type = json_object_get_string_member (frame, "type");

      if (g_str_equal (type, "message"))
        {
          g_assert_cmpstr (json_object_get_string_member (frame, "text"), ==, text);
          copies++;
        }
      else
        {
          g_assert_cmpstr (json_object_get_string_member (frame, "code"), ==, "rate-limited");
          g_assert_cmpstr (json_object_get_string_member (frame, "id"), ==, "m1");
          refused++;
        }
    }
  g_test_message ("2 001 frames with one id: %u copies of the message, %u refused", copies, refused);
  /* At most the burst of 20 and 5 a second for the 2.5 s. */
  g_assert_cmpuint (copies, >=, 10);
  g_assert_cmpuint (copies, <=, 20 + 5 * 3 + 1);
  assert_pair_talks (fixture->port);
}

/* 5. DNS rebinding: a foreign name in Host. */
static void
test_dns_rebinding (NexusTestServer *fixture,
                    gconstpointer    data)
{
  g_autofree char *foreign_host = g_strdup_printf ("attacker.example:%u", fixture->port);
  g_autofree char *foreign_origin = g_strdup_printf ("http://%s", foreign_host);
  g_autofree char *own_name = g_strdup_printf ("%s.local:%u", g_get_host_name (), fixture->port);
  g_autofree char *own_origin = g_strdup_printf ("http://%s", own_name);
  g_autofree char *allowed = g_strdup_printf ("chat.example:%u", fixture->port);
  g_autofree char *allowed_origin = g_strdup_printf ("http://%s", allowed);
  const struct { const char *host; const char *origin; guint status; } upgrades[] = {
    { foreign_host, foreign_origin, 403 },
    { foreign_host, NULL, 403 },
    { "localhost.attacker.example", NULL, 403 },
    { "127.0.0.1.attacker.example", NULL, 403 },
    { "not a host", NULL, 403 },
    { own_name, own_origin, 101 },
    { allowed, allowed_origin, 101 },
    { "localhost", NULL, 101 },
    { "[::1]:80", NULL, 101 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (upgrades); i++)
    {
      g_autoptr(NexusTestClient) client = nexus_test_client_new_full (fixture->port,
                                                                     upgrades[i].origin,
                                                                     upgrades[i].host, TRUE);

      g_test_message ("upgrade with Host %s: %u", upgrades[i].host, client->http_status);
      if (upgrades[i].status == 101)
        g_assert_nonnull (client->ws);
      else
        {
          g_assert_null (client->ws);
          g_assert_cmpuint (client->http_status, ==, upgrades[i].status);
        }
    }

  {
    g_autoptr(NexusTestRawClient) raw = nexus_test_raw_client_new (fixture->port, 0);
    g_autofree char *request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: %s\r\n\r\n", foreign_host);
    g_autofree char *answer = NULL;

    nexus_test_raw_client_send (raw, request, strlen (request));
    answer = wait_for_answer (raw);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 421"));
    g_assert_null (strstr (answer, "<html"));
  }
  assert_pair_talks (fixture->port);
}

/* 6. Names that look like another member's. */
static void
test_look_alike_names (NexusTestServer *fixture,
                       gconstpointer    data)
{
  g_autofree char *room = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, &room);
  const struct { const char *name; const char *code; } cases[] = {
    { "Ada\\u200b", "name-invalid" },        /* zero-width space */
    { "\\u202eAda", "name-invalid" },        /* right-to-left override */
    { "A\\u200dda", "name-invalid" },        /* zero-width joiner */
    { "\\uff21\\uff24\\uff21", "name-taken" }, /* fullwidth ＡＤＡ */
    { "ADA", "name-taken" },
    { "\\u1d2c\\u1d30\\u1d2c", "name-taken" }, /* modifier letters ᴬᴰᴬ */
  };

  g_assert_nonnull (ada);   /* in the room throughout */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NexusTestClient) eve = nexus_test_client_new (fixture->port, NULL);

      nexus_test_client_sendf (eve, "{\"type\":\"join\",\"room\":\"%s\",\"name\":\"%s\"}",
                               room, cases[i].name);
      nexus_test_client_expect_fatal (eve, cases[i].code);
    }
  g_assert_cmpuint (nexus_server_get_n_members (fixture->server), ==, 1);
  assert_pair_talks (fixture->port);
}

/* Near misses of /ws, and a say whose text holds U+0000. */
static void
test_near_misses (NexusTestServer *fixture,
                  gconstpointer    data)
{
  const char *paths[] = { "/wsx", "/ws/", "/ws/x", "/ws%2f", "/Ws" };
  g_autofree char *room = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, &room);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_test_message ("GET %s", paths[i]);
      g_assert_cmpuint (nexus_test_http (fixture->port, "GET", paths[i], NULL, NULL), ==, 404);
    }

  nexus_test_client_send (ada, "{\"type\":\"say\",\"text\":\"a\\u0000b\",\"id\":\"n1\"}");
  nexus_test_client_expect_error_id (ada, "text-invalid", "n1");
  assert_pair_talks (fixture->port);
}

/* A welcome carries at most --history-bytes of history, however long the
 * messages were. */
static void
test_welcome_bounded (NexusTestServer *fixture,
                      gconstpointer    data)
{
  g_autofree char *room = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, &room);
  g_autoptr(NexusTestClient) bob = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) bob_welcome = NULL;
  g_autofree char *text = g_strnfill (4000, 'w');
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *encoded = NULL;

  nexus_test_client_say_n (ada, 60, text, "w");
  bob_welcome = nexus_test_client_join (bob, room, "Bob");
  json_node_set_object (node, bob_welcome);
  json_generator_set_root (generator, node);
  encoded = json_generator_to_data (generator, NULL);
  g_test_message ("welcome of %" G_GSIZE_FORMAT " bytes with %u events",
                  strlen (encoded), json_array_get_length (json_object_get_array_member (bob_welcome, "history")));
  g_assert_cmpuint (strlen (encoded), <, 64 * 1024 + 1024);
  g_assert_true (json_object_get_boolean_member_with_default (bob_welcome, "gap", FALSE) == FALSE);
}

/* Peers that join and never read: what all of them leave unread is
 * bounded (checked after each welcome and on every tick), the biggest
 * holders are cut (they may resume), and the others go on. The kernel
 * takes up to a few MB for each socket before the host has to keep any. */
static void
test_unread_budget (NexusTestServer *fixture,
                    gconstpointer    data)
{
  gsize rss_before = rss_kib (0);
  g_autofree char *room = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, &room);
  g_autoptr(GPtrArray) sleepers = NULL;
  g_autofree char *text = g_strnfill (4000, 'u');
  gsize most_unread = 0;
  guint cut = 0, sent;

  sleepers = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_test_raw_client_free);
  for (guint i = 0; i < 4; i++)
    {
      NexusTestRawClient *sleeper = nexus_test_raw_client_new (fixture->port, 2048);
      g_autofree char *name = g_strdup_printf ("Sleeper %u", i);
      g_autofree char *join = nexus_frame_encode_join (room, name);

      nexus_test_raw_client_upgrade (sleeper);
      nexus_test_raw_client_send_text (sleeper, join);
      g_ptr_array_add (sleepers, sleeper);
    }
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonObject) joined = nexus_test_client_expect (ada, "joined");

      g_assert_nonnull (joined);
    }
  /* Until the sleepers are cut, or 12 MB each at the most. */
  for (sent = 0; sent < 3000 && nexus_server_get_n_connections (fixture->server) > 1; sent++)
    {
      g_autoptr(JsonObject) echo = NULL;

      nexus_test_client_sendf (ada, "{\"type\":\"say\",\"text\":\"%s\",\"id\":\"u%u\"}", text, sent);
      echo = nexus_test_client_expect (ada, "message");
      most_unread = MAX (most_unread, nexus_server_get_unread_bytes (fixture->server));
    }
  nexus_test_spin (300);
  g_assert_cmpuint (nexus_server_get_unread_bytes (fixture->server), <=, 256 * 1024);
  cut = 4 - (nexus_server_get_n_connections (fixture->server) - 1);
  g_test_message ("%u of 4 sleepers cut after %u messages of 4000 bytes; at most %" G_GSIZE_FORMAT
                  " bytes unread in all, %" G_GSIZE_FORMAT " now", cut, sent, most_unread,
                  nexus_server_get_unread_bytes (fixture->server));
  g_assert_cmpuint (cut, ==, 4);
  /* The budget, and one frame. */
  g_assert_cmpuint (most_unread, <=, 256 * 1024 + 4096);
  assert_pair_talks (fixture->port);
  assert_rss_bounded (rss_before);
}

/* The failed-join table forgets addresses once their window is over. */
static void
test_failed_joins_pruned (NexusTestServer *fixture,
                          gconstpointer    data)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(NexusTestClient) probe = nexus_test_client_new (fixture->port, NULL);

      nexus_test_client_send (probe, "{\"type\":\"join\",\"room\":\"ZZZZZZ\",\"name\":\"Eve\"}");
      nexus_test_client_expect_fatal (probe, "room-not-found");
    }
  g_assert_cmpuint (g_hash_table_size (fixture->server->failed_joins), ==, 1);
  /* The window is one second here; the prune runs every few seconds. */
  WAIT_UNTIL (g_hash_table_size (fixture->server->failed_joins) == 0);
  assert_pair_talks (fixture->port);
}

/* The defaults, but with deadlines and budgets small enough to reach in
 * a test. */
static void
limits_for_attacks (NexusServerLimits *limits)
{
  static char *allowed_hosts[] = { "chat.example", NULL };

  limits->request_timeout_ms = 1000;
  limits->exchange_timeout_ms = 2000;
  limits->history_bytes = 64 * 1024;
  limits->unread_total_bytes = 256 * 1024;
  limits->failed_join_window = 1;
  limits->allowed_hosts = allowed_hosts;
}

/* The same without a rate limit, to fill a history fast. */
static void
limits_for_attacks_unrated (NexusServerLimits *limits)
{
  limits_for_attacks (limits);
  nexus_test_limits_no_rate (limits);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, test) NEXUS_TEST_ADD_SERVER ("/hostile/" path, test, limits_for_attacks)
#define ADD_UNRATED(path, test) \
  NEXUS_TEST_ADD_SERVER ("/hostile/" path, test, limits_for_attacks_unrated)

  g_test_add_func ("/hostile/descriptor-flood", test_descriptor_flood);
  ADD ("accept-survives-emfile", test_accept_survives_emfile);
  ADD ("slowloris", test_slowloris);
  ADD ("unread-answer-and-endless-body", test_unread_answer_and_endless_body);
  ADD ("endless-fragments", test_endless_fragments);
  ADD ("replayed-ids", test_replayed_ids);
  ADD ("dns-rebinding", test_dns_rebinding);
  ADD ("look-alike-names", test_look_alike_names);
  ADD ("near-misses", test_near_misses);
  ADD_UNRATED ("welcome-bounded", test_welcome_bounded);
  ADD_UNRATED ("unread-budget", test_unread_budget);
  ADD ("failed-joins-pruned", test_failed_joins_pruned);
#undef ADD
#undef ADD_UNRATED

  return g_test_run ();
}
