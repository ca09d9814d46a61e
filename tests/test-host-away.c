/* test-host-away.c: guests' desktop clients across a long outage of the
 * host
 *
 * A real `nexus-chat --headless` keeps its rooms in a state directory of
 * the test's own, and three NexusClients talk in one of its rooms. The
 * host gets SIGKILL and stays down far longer than the clients' longest
 * wait between tries; the clients must say the host is away (not at
 * once: a short drop is not that), keep trying without end, and keep what
 * their people write meanwhile. The host comes back on the same
 * directory, first stopped (it takes connections and answers nothing),
 * then running: every client resumes, and every member has seen every
 * message exactly once, in the same order, what was written while the
 * host was away included.
 *
 * The clients' waits are the real ones shortened through a private hook
 * (_nexus_client_set_reconnect_timing), so minutes of outage take seconds.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "nexus-client-private.h"
#include "nexus-code.h"
#include "nexus-test-state.h"
#include "nexus-test-utils.h"

#define N_MEMBERS       3
#define BACKOFF_FIRST   50
#define BACKOFF_MAX     400
#define AWAY_AFTER      1000
#define CONNECT_TIMEOUT 2000

/* What one client went through, from its notifications. */
typedef struct {
  NexusClient *client;
  gint64       reconnecting_at;  /* when it last became RECONNECTING */
  gint64       away_at;          /* when it last said the host is away */
  guint        n_away;           /* times it said so */
  guint        n_back;           /* times it took it back */
} Member;

static void
on_state (NexusClient *client,
          GParamSpec  *pspec,
          Member      *member)
{
  if (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_RECONNECTING
      && member->reconnecting_at == 0)
    member->reconnecting_at = g_get_monotonic_time ();
  else if (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_RECONNECTING)
    member->reconnecting_at = 0;
}

static void
on_host_away (NexusClient *client,
              GParamSpec  *pspec,
              Member      *member)
{
  if (nexus_client_get_host_away (client))
    {
      /* Only while reconnecting, and only after a while of it. */
      g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_RECONNECTING);
      g_assert_cmpint (member->reconnecting_at, >, 0);
      member->away_at = g_get_monotonic_time ();
      g_assert_cmpint (member->away_at - member->reconnecting_at, >=, AWAY_AFTER * 1000);
      member->n_away++;
    }
  else
    member->n_back++;
}

static void
member_start (Member      *member,
              guint        port,
              const char  *room,
              const char  *name)
{
  member->client = nexus_client_new ("127.0.0.1", port);
  _nexus_client_set_reconnect_timing (member->client, BACKOFF_FIRST, BACKOFF_MAX, AWAY_AFTER);
  _nexus_client_set_connect_timeout (member->client, CONNECT_TIMEOUT);
  g_signal_connect (member->client, "notify::state", G_CALLBACK (on_state), member);
  g_signal_connect (member->client, "notify::host-away", G_CALLBACK (on_host_away), member);
  if (room == NULL)
    nexus_client_create (member->client, name);
  else
    nexus_client_join (member->client, room, name);
  WAIT_UNTIL (nexus_client_get_state (member->client) == NEXUS_CLIENT_STATE_JOINED);
}

static void
member_clear (Member *member)
{
  g_signal_handlers_disconnect_by_data (member->client, member);
  g_assert_finalize_object (member->client);
  member->client = NULL;
}

static gboolean
all_in_state (Member           *members,
              NexusClientState  state)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    if (nexus_client_get_state (members[i].client) != state)
      return FALSE;
  return TRUE;
}

static gboolean
all_away (Member *members)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    if (!nexus_client_get_host_away (members[i].client))
      return FALSE;
  return TRUE;
}

static gboolean
all_sent (Member *members)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    if (nexus_client_get_n_unsent (members[i].client) > 0)
      return FALSE;
  return TRUE;
}

/* Every member has tried at least @n times since its connection dropped. */
static gboolean
all_tried (Member *members,
           guint   n)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    if (members[i].client->n_reconnects < n)
      return FALSE;
  return TRUE;
}

/* A line per delivered event of @client's log. */
static char *
transcript (NexusClient *client)
{
  GListModel *events = nexus_client_get_events (client);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (nexus_event_get_delivery (event) != NEXUS_DELIVERY_SENT)
        continue;
      g_string_append_printf (text, "%" G_GINT64_FORMAT " %d %s: %s\n",
                              nexus_event_get_seq (event), nexus_event_get_kind (event),
                              nexus_event_get_name (event),
                              nexus_event_get_text (event) ? nexus_event_get_text (event) : "");
    }
  return g_string_free (text, FALSE);
}

static void
say_all (Member     *members,
         const char *when,
         guint       n)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    for (guint k = 1; k <= n; k++)
      {
        g_autofree char *text = g_strdup_printf ("%s %s %u",
                                                 nexus_client_get_name (members[i].client),
                                                 when, k);

        g_assert_nonnull (nexus_client_say (members[i].client, text));
      }
}

static void
test_kill_and_return (void)
{
  const char *names[N_MEMBERS] = { "Ada", "Bob", "Cyd" };
  const char *phases[] = { "before", "while the host was away", "after" };
  g_autofree char *state_dir = nexus_test_state_dir ();
  g_autofree char *room = NULL;
  g_autofree char *first = NULL;
  GSubprocess *host;
  Member members[N_MEMBERS] = { { 0, } };
  guint port = 0;

  host = nexus_test_state_host_start (state_dir, NULL, NULL, N_MEMBERS, &port);
  member_start (&members[0], port, NULL, names[0]);
  room = g_strdup (nexus_client_get_room (members[0].client));
  for (guint i = 1; i < N_MEMBERS; i++)
    member_start (&members[i], port, room, names[i]);
  say_all (members, phases[0], 2);
  WAIT_UNTIL (all_sent (members));

  /* Killed: at first a drop like any other, reconnecting; the host is
   * away only AWAY_AFTER later (on_host_away checks). What is written
   * then waits. */
  nexus_test_state_host_kill (&host);
  WAIT_UNTIL (all_in_state (members, NEXUS_CLIENT_STATE_RECONNECTING));
  WAIT_UNTIL (all_away (members));
  say_all (members, phases[1], 2);
  for (guint i = 0; i < N_MEMBERS; i++)
    g_assert_cmpuint (nexus_client_get_n_unsent (members[i].client), ==, 2);

  /* Many times the longest wait later, still trying, never longer than it
   * between tries. */
  WAIT_UNTIL (all_tried (members, 12));
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      g_assert_cmpint (nexus_client_get_state (members[i].client), ==,
                       NEXUS_CLIENT_STATE_RECONNECTING);
      g_assert_cmpuint (members[i].client->backoff_ms, <=, BACKOFF_MAX);
    }
  /* However long it has been: ten minutes, past the 90 s after which
   * clients used to give up, make no difference. */
  for (guint i = 0; i < N_MEMBERS; i++)
    members[i].client->reconnecting_since -= 600 * G_USEC_PER_SEC;
  WAIT_UNTIL (all_tried (members, 15));
  g_assert_true (all_in_state (members, NEXUS_CLIENT_STATE_RECONNECTING));
  g_assert_true (all_away (members));

  /* Back, but stopped: its port takes connections and nothing answers
   * them. Still away. */
  host = nexus_test_state_host_start (state_dir, NULL, room, N_MEMBERS, &port);
  g_subprocess_send_signal (host, SIGSTOP);
  for (guint i = 0; i < N_MEMBERS; i++)
    members[i].client->n_reconnects = 0;
  WAIT_UNTIL (all_tried (members, 3));
  g_assert_true (all_in_state (members, NEXUS_CLIENT_STATE_RECONNECTING));
  g_assert_true (all_away (members));

  /* Running again: everyone resumes and the waiting messages go. */
  g_subprocess_send_signal (host, SIGCONT);
  WAIT_UNTIL (all_in_state (members, NEXUS_CLIENT_STATE_JOINED));
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      g_assert_false (nexus_client_get_host_away (members[i].client));
      g_assert_cmpuint (members[i].n_away, ==, 1);
      g_assert_cmpuint (members[i].n_back, ==, 1);
    }
  WAIT_UNTIL (all_sent (members));
  say_all (members, phases[2], 1);
  WAIT_UNTIL (all_sent (members));
  WAIT_UNTIL (nexus_client_get_last_seq (members[0].client) == N_MEMBERS + N_MEMBERS * 5
              && nexus_client_get_last_seq (members[1].client) == N_MEMBERS + N_MEMBERS * 5
              && nexus_client_get_last_seq (members[2].client) == N_MEMBERS + N_MEMBERS * 5);

  /* The same conversation for everyone: every message once, in seq order
   * with no gap, and each member's own in the order they were written. */
  first = transcript (members[0].client);
  g_test_message ("%s", first);
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      g_autofree char *seen = transcript (members[i].client);
      NexusClient *client = members[i].client;
      GListModel *events = nexus_client_get_events (client);

      nexus_test_assert_log_clean (client);
      g_assert_cmpstr (seen, ==, first);
      g_assert_cmpuint (g_list_model_get_n_items (events), ==, N_MEMBERS + N_MEMBERS * 5);
      for (guint j = 0; j < N_MEMBERS; j++)
        {
          gint64 previous = 0;

          for (guint p = 0; p < G_N_ELEMENTS (phases); p++)
            for (guint k = 1; k <= (p == 2 ? 1u : 2u); k++)
              {
                g_autofree char *text = g_strdup_printf ("%s %s %u", names[j], phases[p], k);

                g_assert_cmpuint (nexus_test_count_text (client, text), ==, 1);
                for (guint e = 0; e < g_list_model_get_n_items (events); e++)
                  {
                    g_autoptr(NexusEvent) event = g_list_model_get_item (events, e);

                    if (g_strcmp0 (nexus_event_get_text (event), text) != 0)
                      continue;
                    g_assert_cmpstr (nexus_event_get_name (event), ==, names[j]);
                    g_assert_cmpint (nexus_event_get_seq (event), >, previous);
                    previous = nexus_event_get_seq (event);
                  }
              }
        }
    }
  /* Nobody left, nobody joined again: three joins and fifteen messages. */
  {
    GListModel *events = nexus_client_get_events (members[0].client);
    guint n_joined = 0;

    for (guint e = 0; e < g_list_model_get_n_items (events); e++)
      {
        g_autoptr(NexusEvent) event = g_list_model_get_item (events, e);

        g_assert_cmpint (nexus_event_get_kind (event), !=, NEXUS_EVENT_LEFT);
        n_joined += nexus_event_get_kind (event) == NEXUS_EVENT_JOINED;
      }
    g_assert_cmpuint (n_joined, ==, N_MEMBERS);
  }

  for (guint i = 0; i < N_MEMBERS; i++)
    nexus_client_leave (members[i].client);
  {
    g_autoptr(GError) error = NULL;

    g_subprocess_send_signal (host, SIGTERM);
    g_assert_true (g_subprocess_wait (host, NULL, &error));
    g_assert_no_error (error);
  }
  for (guint i = 0; i < N_MEMBERS; i++)
    member_clear (&members[i]);
  g_clear_object (&host);
  nexus_test_state_dir_remove (state_dir);
}

/* The host comes back without the room (it kept nothing on disk): the
 * room ends for its guests in a sentence that says so, and they stop. */
static void
test_back_without_the_room (void)
{
  const char *args[] = { "--bind", "127.0.0.1", "--port", "0", "--no-discovery", NULL };
  g_autoptr(GSubprocess) host = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *shown = NULL;
  Member members[N_MEMBERS] = { { 0, } };
  guint port;

  host = nexus_test_spawn_headless (args, 0, &port, NULL);
  member_start (&members[0], port, NULL, "Ada");
  for (guint i = 1; i < N_MEMBERS; i++)
    member_start (&members[i], port, nexus_client_get_room (members[0].client),
                  i == 1 ? "Bob" : "Cyd");
  g_subprocess_force_exit (host);
  g_assert_true (g_subprocess_wait (host, NULL, NULL));
  g_clear_object (&host);
  WAIT_UNTIL (all_away (members));
  say_all (members, "into the void", 1);

  port_text = g_strdup_printf ("%u", port);
  {
    const char *again_args[] = { "--bind", "127.0.0.1", "--port", port_text, "--no-discovery",
                                 NULL };

    host = nexus_test_spawn_headless (again_args, 0, &port, NULL);
  }
  WAIT_UNTIL (all_in_state (members, NEXUS_CLIENT_STATE_ENDED));
  shown = nexus_code_format (nexus_client_get_room (members[0].client));
  expected = g_strdup_printf ("Room %s is no longer on the host: it ended while you were away.",
                              shown);
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      NexusClient *client = members[i].client;

      g_assert_cmpint (nexus_client_get_end_reason (client), ==, NEXUS_CLIENT_END_REFUSED);
      g_assert_cmpstr (nexus_client_get_error_code (client), ==, "room-not-found");
      g_assert_cmpstr (nexus_client_get_error_message (client), ==, expected);
      g_assert_false (nexus_client_get_host_away (client));
      /* It stopped trying. */
      g_assert_cmpuint (client->reconnect_id, ==, 0);
      g_assert_cmpuint (client->away_id, ==, 0);
      g_assert_null (client->attempt);
    }

  g_subprocess_send_signal (host, SIGTERM);
  g_assert_true (g_subprocess_wait (host, NULL, NULL));
  for (guint i = 0; i < N_MEMBERS; i++)
    member_clear (&members[i]);
}

/* A host that answers, turning the resume away for now (too many failed
 * joins from this address), is there: reconnecting goes on as long as it
 * likes without the host being away. */
static void
test_answering_host_is_not_away (void)
{
  NexusServerLimits limits;
  g_autoptr(NexusServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusTestClient) prober = NULL;
  Member ada = { 0, };

  nexus_server_limits_init_default (&limits);
  limits.failed_join_limit = 1;
  server = nexus_server_new (&limits);
  g_assert_true (nexus_server_listen (server, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  g_assert_no_error (error);
  member_start (&ada, nexus_server_get_port (server), NULL, "Ada");
  /* The host's answers, however slow a loaded machine makes them, are
   * answers: no try may time out here. */
  _nexus_client_set_connect_timeout (ada.client, NEXUS_CLIENT_CONNECT_TIMEOUT_MS);

  /* One wrong code from this address, and its resumes are refused. */
  prober = nexus_test_client_new (nexus_server_get_port (server), NULL);
  nexus_test_client_send_join (prober, "ZZZZZZ", "Eve");
  nexus_test_client_expect_fatal (prober, "room-not-found");
  nexus_server_drop_connections (server);
  WAIT_UNTIL (nexus_client_get_state (ada.client) == NEXUS_CLIENT_STATE_RECONNECTING);

  /* Past the time that makes an unanswering host away, many tries. */
  WAIT_UNTIL (ada.client->n_reconnects >= 6
              && g_get_monotonic_time () - ada.reconnecting_at > 2 * AWAY_AFTER * 1000);
  g_assert_cmpint (nexus_client_get_state (ada.client), ==, NEXUS_CLIENT_STATE_RECONNECTING);
  g_assert_false (nexus_client_get_host_away (ada.client));
  g_assert_cmpuint (ada.n_away, ==, 0);

  nexus_client_leave (ada.client);
  g_assert_cmpint (nexus_client_get_state (ada.client), ==, NEXUS_CLIENT_STATE_ENDED);
  member_clear (&ada);
  nexus_server_limits_clear (&limits);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/host-away/kill-and-return", test_kill_and_return);
  g_test_add_func ("/host-away/back-without-the-room", test_back_without_the_room);
  g_test_add_func ("/host-away/answering-host-is-not-away", test_answering_host_is_not_away);

  return g_test_run ();
}
