/* test-client.c: NexusClient against a real NexusServer on 127.0.0.1
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-client-private.h"
#include "nexus-code.h"
#include "nexus-server.h"
#include "nexus-test-scripted-host.h"
#include "nexus-test-utils.h"
#include "test-client-failures.h"

typedef NexusTestServer Fixture;

static NexusClient *
create_room (Fixture    *fixture,
             const char *name)
{
  NexusClient *client = nexus_client_new ("127.0.0.1", fixture->port);

  nexus_client_create (client, name);
  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_CONNECTING);
  WAIT_UNTIL (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_CONNECTING);
  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_JOINED);
  return client;
}

static NexusClient *
join_room (Fixture    *fixture,
           const char *room,
           const char *name)
{
  NexusClient *client = nexus_client_new ("127.0.0.1", fixture->port);

  nexus_client_join (client, room, name);
  WAIT_UNTIL (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_CONNECTING);
  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_JOINED);
  return client;
}

static NexusEvent *
event_at (NexusClient *client,
          guint        position)
{
  g_autoptr(NexusEvent) event = g_list_model_get_item (nexus_client_get_events (client), position);

  g_assert_nonnull (event);
  return event;    /* the model keeps it alive */
}

static NexusEvent *
last_event (NexusClient *client)
{
  guint n = g_list_model_get_n_items (nexus_client_get_events (client));

  g_assert_cmpuint (n, >, 0);
  return event_at (client, n - 1);
}

/* Counts the messages with @text, and checks that the log is in strictly
 * increasing seq order with no repeats. */
static guint
count_text (NexusClient *client,
            const char  *text)
{
  GListModel *events = nexus_client_get_events (client);
  guint count = 0;
  gint64 seq = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      NexusEvent *event = event_at (client, i);

      if (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT)
        {
          g_assert_cmpint (nexus_event_get_seq (event), >, seq);
          seq = nexus_event_get_seq (event);
        }
      if (g_strcmp0 (nexus_event_get_text (event), text) == 0)
        count++;
    }
  return count;
}

static void
on_typing (NexusClient *client,
           const char  *name,
           GPtrArray   *names)
{
  g_ptr_array_add (names, g_strdup (name));
}

static void
count_changes (guint *count)
{
  (*count)++;
}

static void
on_message (NexusClient *client,
            NexusEvent  *event,
            guint       *count)
{
  (*count)++;
}

static void
test_create_join_say (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(NexusClient) ada = create_room (fixture, "  Ada ");
  g_autoptr(NexusClient) bob = NULL;
  g_autoptr(GPtrArray) typing = g_ptr_array_new_with_free_func (g_free);
  NexusEvent *said;
  NexusEvent *event;
  guint ada_messages = 0;
  const char *room = nexus_client_get_room (ada);

  g_assert_cmpstr (nexus_client_get_name (ada), ==, "Ada");
  g_assert_nonnull (room);
  {
    g_autofree char *normal = nexus_code_normalize (room);

    g_assert_cmpstr (normal, ==, room);
  }
  g_assert_cmpuint (nexus_client_get_n_members (ada), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (ada)), ==, 1);
  event = last_event (ada);
  g_assert_cmpint (nexus_event_get_kind (event), ==, NEXUS_EVENT_JOINED);
  g_assert_true (nexus_event_get_is_own (event));
  g_signal_connect (ada, "message", G_CALLBACK (on_message), &ada_messages);

  /* A code typed the way people type it. */
  {
    g_autofree char *lower = g_ascii_strdown (room, -1);
    g_autofree char *typed = g_strdup_printf ("%.3s %s", lower, lower + 3);

    bob = nexus_client_new ("127.0.0.1", fixture->port);
    nexus_client_join (bob, typed, "Bob");
  }
  WAIT_UNTIL (nexus_client_get_state (bob) == NEXUS_CLIENT_STATE_JOINED);
  WAIT_UNTIL (nexus_client_get_n_members (ada) == 2);
  g_assert_cmpstr (nexus_client_get_members (ada)[1], ==, "Bob");
  event = last_event (ada);
  g_assert_cmpint (nexus_event_get_kind (event), ==, NEXUS_EVENT_JOINED);
  g_assert_cmpstr (nexus_event_get_name (event), ==, "Bob");
  g_assert_false (nexus_event_get_is_own (event));
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (bob)), ==, 2);

  /* Bob says hi: his own copy is sending, then sent with a seq. */
  said = nexus_client_say (bob, "hi Ada\nhow are you? https://example.org");
  g_assert_nonnull (said);
  g_assert_true (nexus_event_get_is_own (said));
  g_assert_cmpint (nexus_event_get_delivery (said), ==, NEXUS_DELIVERY_SENDING);
  WAIT_UNTIL (nexus_event_get_delivery (said) == NEXUS_DELIVERY_SENT);
  g_assert_cmpint (nexus_event_get_seq (said), ==, 3);
  WAIT_UNTIL (ada_messages == 1);
  event = last_event (ada);
  g_assert_cmpstr (nexus_event_get_text (event), ==, "hi Ada\nhow are you? https://example.org");
  g_assert_cmpstr (nexus_event_get_name (event), ==, "Bob");
  g_assert_cmpint (nexus_event_get_seq (event), ==, 3);
  g_assert_cmpstr (nexus_event_get_id (event), ==, nexus_event_get_id (said));

  /* Consecutive messages of one sender are grouped. */
  said = nexus_client_say (bob, "second");
  WAIT_UNTIL (ada_messages == 2);
  g_assert_true (nexus_event_get_continues (last_event (ada)));
  g_assert_false (nexus_event_get_continues (event));

  /* Invalid text is refused before it is sent. */
  g_assert_null (nexus_client_say (bob, "   \n "));
  g_assert_null (nexus_client_say (bob, "bell\a"));

  /* Typing: relayed to the others, at most once a second. */
  g_signal_connect (bob, "typing", G_CALLBACK (on_typing), typing);
  nexus_client_typing (ada);
  nexus_client_typing (ada);
  nexus_client_typing (ada);
  WAIT_UNTIL (typing->len == 1);
  g_assert_cmpstr (typing->pdata[0], ==, "Ada");
  nexus_test_spin (300);
  g_assert_cmpuint (typing->len, ==, 1);

  /* Bob leaves: Ada sees it, Bob's client is over. */
  nexus_client_leave (bob);
  g_assert_cmpint (nexus_client_get_state (bob), ==, NEXUS_CLIENT_STATE_ENDED);
  g_assert_cmpint (nexus_client_get_end_reason (bob), ==, NEXUS_CLIENT_END_LEFT);
  WAIT_UNTIL (nexus_client_get_n_members (ada) == 1);
  event = last_event (ada);
  g_assert_cmpint (nexus_event_get_kind (event), ==, NEXUS_EVENT_LEFT);
  g_assert_cmpstr (nexus_event_get_name (event), ==, "Bob");
  g_assert_null (nexus_client_say (bob, "too late"));

  g_signal_handlers_disconnect_by_data (ada, &ada_messages);
  nexus_client_leave (ada);
}

static void
test_history (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(NexusClient) ada = create_room (fixture, "Ada");
  g_autoptr(NexusClient) cy = NULL;
  NexusEvent *last = NULL;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      last = nexus_client_say (ada, text);
    }
  WAIT_UNTIL (nexus_event_get_delivery (last) == NEXUS_DELIVERY_SENT);
  g_assert_cmpuint (nexus_client_get_n_unsent (ada), ==, 0);

  cy = join_room (fixture, nexus_client_get_room (ada), "Cy");
  /* Ada's joined, 30 messages, Cy's joined. */
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (cy)), ==, 32);
  g_assert_cmpstr (nexus_event_get_text (event_at (cy, 30)), ==, "message 29");
  g_assert_cmpint (nexus_event_get_seq (event_at (cy, 31)), ==, 32);
  g_assert_cmpuint (count_text (cy, "message 7"), ==, 1);
  g_assert_cmpint (nexus_client_get_last_seq (cy), ==, 32);
}

/* A room with the whole kept history (1000 events): one welcome, read in
 * one go, into one splice of the model. */
static void
test_long_history (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_create (ada, "Ada");
  g_autoptr(NexusClient) cy = NULL;
  const char *room = json_object_get_string_member (welcome, "room");
  guint changes = 0;
  gint64 start;
  GListModel *events;

  for (guint i = 0; i < 1200; i++)
    nexus_test_client_sendf (ada, "{\"type\":\"say\",\"text\":\"line %u\",\"id\":\"m%u\"}",
                             i, i);
  for (;;)
    {
      g_autoptr(JsonObject) frame = nexus_test_client_next (ada);

      if (g_strcmp0 (json_object_get_string_member_with_default (frame, "id", ""), "m1199") == 0)
        break;
    }

  cy = nexus_client_new ("127.0.0.1", fixture->port);
  events = nexus_client_get_events (cy);
  g_signal_connect_swapped (events, "items-changed", G_CALLBACK (count_changes), &changes);
  start = g_get_monotonic_time ();
  nexus_client_join (cy, room, "Cy");
  WAIT_UNTIL (nexus_client_get_state (cy) == NEXUS_CLIENT_STATE_JOINED);
  g_test_message ("joined with %u events in %" G_GINT64_FORMAT " ms",
                  g_list_model_get_n_items (events), (g_get_monotonic_time () - start) / 1000);

  g_assert_cmpuint (g_list_model_get_n_items (events), ==, fixture->limits.history);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpstr (nexus_event_get_text (event_at (cy, fixture->limits.history - 2)), ==,
                   "line 1199");
  g_assert_cmpint (nexus_event_get_seq (last_event (cy)), ==, 1202);
  g_assert_true (nexus_event_get_continues (event_at (cy, 500)));
  g_assert_cmpuint (count_text (cy, "line 600"), ==, 1);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(NexusClient) ada = create_room (fixture, "Ada");
  g_autoptr(NexusClient) nobody = nexus_client_new ("127.0.0.1", fixture->port);
  g_autoptr(NexusClient) twin = nexus_client_new ("127.0.0.1", fixture->port);

  g_assert_cmpint (nexus_client_get_failure (ada), ==, NEXUS_CLIENT_FAILURE_NONE);

  nexus_client_join (nobody, "ZZZ-ZZZ", "Bob");
  WAIT_UNTIL (nexus_client_get_state (nobody) == NEXUS_CLIENT_STATE_FAILED);
  g_assert_cmpint (nexus_client_get_failure (nobody), ==, NEXUS_CLIENT_FAILURE_ROOM_NOT_FOUND);
  g_assert_cmpstr (nexus_client_get_error_code (nobody), ==, "room-not-found");
  g_assert_cmpstr (nexus_client_get_error_message (nobody), ==,
                   "There is no room ZZZ-ZZZ at 127.0.0.1. Check the code; the room may "
                   "have ended.");

  nexus_client_join (twin, nexus_client_get_room (ada), "ADA");
  WAIT_UNTIL (nexus_client_get_state (twin) == NEXUS_CLIENT_STATE_FAILED);
  g_assert_cmpint (nexus_client_get_failure (twin), ==, NEXUS_CLIENT_FAILURE_REFUSED_BY_HOST);
  g_assert_cmpstr (nexus_client_get_error_code (twin), ==, "name-taken");
  g_assert_nonnull (strstr (nexus_client_get_error_message (twin), "already called “ADA”"));

  g_assert_cmpint (nexus_client_get_state (ada), ==, NEXUS_CLIENT_STATE_JOINED);
}

/* The server drops every connection, with messages on their way and more
 * written while away: all arrive, once each, in order. */
static void
test_drop_and_resume (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(NexusClient) ada = create_room (fixture, "Ada");
  g_autoptr(NexusClient) bob = join_room (fixture, nexus_client_get_room (ada), "Bob");
  g_autoptr(GPtrArray) said = g_ptr_array_new ();
  gint64 seq_before;

  WAIT_UNTIL (nexus_client_get_n_members (ada) == 2);
  seq_before = nexus_client_get_last_seq (ada);

  /* More than the burst, so some are still unsent when the line drops. */
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *text = g_strdup_printf ("before drop %u", i);

      g_ptr_array_add (said, nexus_client_say (bob, text));
    }
  nexus_test_spin (20);
  nexus_server_drop_connections (fixture->server);
  WAIT_UNTIL (nexus_client_get_state (bob) == NEXUS_CLIENT_STATE_RECONNECTING);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("while away %u", i);

      g_ptr_array_add (said, nexus_client_say (bob, text));
    }
  nexus_client_say (ada, "ada while away");

  WAIT_UNTIL (nexus_client_get_state (bob) == NEXUS_CLIENT_STATE_JOINED
              && nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_JOINED);
  for (guint i = 0; i < said->len; i++)
    WAIT_UNTIL (nexus_event_get_delivery (said->pdata[i]) == NEXUS_DELIVERY_SENT);
  WAIT_UNTIL (nexus_client_get_last_seq (ada) == seq_before + 31);
  WAIT_UNTIL (nexus_client_get_last_seq (bob) == seq_before + 31);

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *text = g_strdup_printf ("before drop %u", i);

      g_assert_cmpuint (count_text (ada, text), ==, 1);
      g_assert_cmpuint (count_text (bob, text), ==, 1);
    }
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("while away %u", i);

      g_assert_cmpuint (count_text (ada, text), ==, 1);
      g_assert_cmpuint (count_text (bob, text), ==, 1);
    }
  g_assert_cmpuint (count_text (bob, "ada while away"), ==, 1);
  g_assert_cmpuint (count_text (ada, "ada while away"), ==, 1);

  /* Nobody left or joined again across the drop. */
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (ada)), ==,
                    (guint) nexus_client_get_last_seq (ada));
  g_assert_cmpuint (nexus_client_get_n_members (ada), ==, 2);
  g_assert_cmpuint (nexus_client_get_n_unsent (bob), ==, 0);
}

static void
test_host_closes (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(NexusClient) ada = create_room (fixture, "Ada");
  g_autoptr(NexusClient) bob = join_room (fixture, nexus_client_get_room (ada), "Bob");
  g_autoptr(GAsyncResult) result = NULL;

  nexus_client_say (ada, "goodbye");
  WAIT_UNTIL (count_text (bob, "goodbye") == 1);

  nexus_server_shutdown_async (fixture->server, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (nexus_client_get_state (bob) == NEXUS_CLIENT_STATE_ENDED);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nexus_server_shutdown_finish (fixture->server, result, NULL));
  g_assert_cmpint (nexus_client_get_end_reason (bob), ==, NEXUS_CLIENT_END_HOST_CLOSED);
  g_assert_cmpstr (nexus_client_get_error_message (bob), ==, "The host closed the room.");
  /* The log stays readable. */
  g_assert_cmpuint (count_text (bob, "goodbye"), ==, 1);
  g_assert_null (nexus_client_say (bob, "anyone?"));
}

/* Where the client connects is fixed when it is made. */
static void
test_properties (void)
{
  g_autoptr(NexusClient) client = g_object_new (NEXUS_TYPE_CLIENT, "host", "::1",
                                                "port", 47474, NULL);
  g_autofree char *host = NULL;
  guint port = 0;

  g_assert_cmpstr (nexus_client_get_host (client), ==, "::1");
  g_assert_cmpuint (nexus_client_get_port (client), ==, 47474);
  g_object_get (client, "host", &host, "port", &port, NULL);
  g_assert_cmpstr (host, ==, "::1");
  g_assert_cmpuint (port, ==, 47474);
  for (guint i = 0; i < 2; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (client),
                                                        i == 0 ? "host" : "port");

      g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
      g_assert_true (pspec->flags & G_PARAM_READABLE);
    }
}

/* Frames from a server that does not follow the protocol change nothing,
 * and events are taken once per seq. */
static void
test_frames (void)
{
  g_autoptr(NexusClient) client = nexus_client_new ("127.0.0.1", 9);
  const char *garbage[] = {
    "", "{", "[]", "null", "42", "{\"type\":7}", "{\"type\":\"welcome\"}",
    "{\"type\":\"message\",\"seq\":1}", "{\"type\":\"error\"}",
    "{\"type\":\"welcome\",\"room\":\"ABCDEF\",\"name\":\"A\",\"session\":\"s\","
    "\"members\":{},\"history\":[],\"last_seq\":0}",
    "{\"type\":\"welcome\",\"room\":\"ABCDEF\",\"name\":\"A\",\"session\":\"s\","
    "\"members\":[],\"history\":[],\"last_seq\":1.5}",
  };
  const char *welcome =
    "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"abc\","
    "\"members\":[\"Ada\",7,\"Bob\"],\"history\":[{\"type\":\"joined\",\"seq\":1,"
    "\"ts\":\"2026-11-24T09:15:00.000Z\",\"name\":\"Ada\"},{\"type\":\"bogus\"},"
    "{\"type\":\"joined\",\"seq\":2,\"ts\":\"not a time\",\"name\":\"Bob\"}],"
    "\"last_seq\":2,\"resumed\":false,\"extra\":[1,2]}";
  const char *message =
    "{\"type\":\"message\",\"seq\":3,\"ts\":\"2026-11-24T09:15:43.020Z\",\"name\":\"Bob\","
    "\"text\":\"hi\",\"id\":\"m1\"}";
  const char *older =
    "{\"type\":\"message\",\"seq\":2,\"ts\":\"2026-11-24T09:15:43.020Z\",\"name\":\"Bob\","
    "\"text\":\"old\",\"id\":\"m0\"}";

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    g_assert_false (nexus_client_handle_frame (client, garbage[i], strlen (garbage[i])));
  g_assert_false (nexus_client_handle_frame (client, "{\"type\":\"w\xff\"}", 12));
  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_IDLE);

  g_assert_true (nexus_client_handle_frame (client, welcome, strlen (welcome)));
  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_JOINED);
  g_assert_cmpuint (nexus_client_get_n_members (client), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (client)), ==, 1);
  g_assert_cmpint (nexus_client_get_last_seq (client), ==, 2);

  /* A second welcome on a joined connection is ignored. */
  g_assert_false (nexus_client_handle_frame (client, welcome, strlen (welcome)));

  g_assert_true (nexus_client_handle_frame (client, message, strlen (message)));
  g_assert_false (nexus_client_handle_frame (client, message, strlen (message)));
  g_assert_false (nexus_client_handle_frame (client, older, strlen (older)));
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (client)), ==, 2);
  g_assert_cmpint (nexus_client_get_last_seq (client), ==, 3);

  /* Own messages: refused ones wait for Retry; rate-limited ones are kept;
   * the echo confirms and moves them among the room's events. */
  {
    NexusEvent *refused = nexus_client_say (client, "refused");
    NexusEvent *later = nexus_client_say (client, "later");
    g_autofree char *refusal = g_strdup_printf ("{\"type\":\"error\",\"code\":\"text-invalid\","
                                                "\"message\":\"No.\",\"id\":\"%s\"}",
                                                nexus_event_get_id (refused));
    g_autofree char *slow = g_strdup_printf ("{\"type\":\"error\",\"code\":\"rate-limited\","
                                             "\"message\":\"Slow.\",\"id\":\"%s\"}",
                                             nexus_event_get_id (later));
    g_autofree char *echo = g_strdup_printf ("{\"type\":\"message\",\"seq\":4,\"ts\":"
                                             "\"2026-11-24T09:16:00.000Z\",\"name\":\"Ada\","
                                             "\"text\":\"refused\",\"id\":\"%s\"}",
                                             nexus_event_get_id (refused));

    g_assert_cmpuint (nexus_client_get_n_unsent (client), ==, 2);
    g_assert_true (nexus_client_handle_frame (client, refusal, strlen (refusal)));
    g_assert_cmpint (nexus_event_get_delivery (refused), ==, NEXUS_DELIVERY_FAILED);
    g_assert_cmpuint (nexus_client_get_n_unsent (client), ==, 1);
    g_assert_true (nexus_client_handle_frame (client, slow, strlen (slow)));
    g_assert_cmpint (nexus_event_get_delivery (later), ==, NEXUS_DELIVERY_SENDING);
    g_assert_cmpuint (nexus_client_get_n_unsent (client), ==, 1);

    nexus_client_retry (client, refused);
    g_assert_cmpint (nexus_event_get_delivery (refused), ==, NEXUS_DELIVERY_SENDING);
    g_assert_cmpuint (nexus_client_get_n_unsent (client), ==, 2);
    g_assert_true (event_at (client, 2) == refused);
    g_assert_true (event_at (client, 3) == later);

    /* Confirmed, it keeps its place before the one still on its way. */
    g_assert_true (nexus_client_handle_frame (client, echo, strlen (echo)));
    g_assert_cmpint (nexus_event_get_delivery (refused), ==, NEXUS_DELIVERY_SENT);
    g_assert_cmpint (nexus_event_get_seq (refused), ==, 4);
    g_assert_true (event_at (client, 2) == refused);
    g_assert_cmpuint (nexus_client_get_n_unsent (client), ==, 1);
  }
}

/* A welcome with "gap" on a first join (a server that kept less than the
 * whole room): the notice stands first, as in the browser's empty log. */
static void
test_gap_frames (void)
{
  g_autoptr(NexusClient) client = nexus_client_new ("127.0.0.1", 9);
  const char *welcome =
    "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"abc\","
    "\"members\":[\"Ada\"],\"history\":[{\"type\":\"joined\",\"seq\":7,"
    "\"ts\":\"2026-11-24T09:15:00.000Z\",\"name\":\"Ada\"}],"
    "\"last_seq\":7,\"resumed\":false,\"gap\":true}";

  g_assert_true (nexus_client_handle_frame (client, welcome, strlen (welcome)));
  g_assert_cmpuint (g_list_model_get_n_items (nexus_client_get_events (client)), ==, 2);
  g_assert_cmpint (nexus_event_get_kind (event_at (client, 0)), ==, NEXUS_EVENT_GAP);
  g_assert_cmpint (nexus_event_get_seq (event_at (client, 0)), ==, 0);
  g_assert_null (nexus_event_get_text (event_at (client, 0)));
  g_assert_false (nexus_event_get_is_own (event_at (client, 0)));
  g_assert_cmpint (nexus_event_get_kind (event_at (client, 1)), ==, NEXUS_EVENT_JOINED);
  g_assert_cmpint (nexus_client_get_last_seq (client), ==, 7);
}

/* A resume after more was said than the host keeps: the log says where
 * messages are missing, once per hole, and own messages still arrive. */
static void
test_resume_with_gap (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  g_autoptr(NexusClient) ada = nexus_client_new ("127.0.0.1", host->port);
  g_autoptr(JsonObject) create = NULL;
  g_autoptr(JsonObject) say = NULL;
  g_autofree char *echo = NULL;
  GListModel *events = nexus_client_get_events (ada);
  NexusEvent *said;
  const char *welcome =
    "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"s1\","
    "\"members\":[\"Ada\",\"Bob\"],\"history\":["
    "{\"type\":\"joined\",\"seq\":1,\"ts\":\"2026-11-24T09:15:00.000Z\",\"name\":\"Ada\"},"
    "{\"type\":\"joined\",\"seq\":2,\"ts\":\"2026-11-24T09:15:01.000Z\",\"name\":\"Bob\"},"
    "{\"type\":\"message\",\"seq\":3,\"ts\":\"2026-11-24T09:15:02.000Z\",\"name\":\"Bob\","
    "\"text\":\"before\",\"id\":\"b1\"}],\"last_seq\":3,\"resumed\":false}";
  /* Events 4 to 7 are no longer kept. */
  const char *gap_welcome =
    "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"s1\","
    "\"members\":[\"Ada\"],\"history\":["
    "{\"type\":\"message\",\"seq\":8,\"ts\":\"2026-11-24T09:15:30.000Z\",\"name\":\"Bob\","
    "\"text\":\"after\",\"id\":\"b6\"},"
    "{\"type\":\"left\",\"seq\":9,\"ts\":\"2026-11-24T09:15:31.000Z\",\"name\":\"Bob\"}],"
    "\"last_seq\":9,\"resumed\":true,\"gap\":true}";
  /* Events 11 and 12 are lost too, and no kept one follows them. */
  const char *empty_gap_welcome =
    "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"s1\","
    "\"members\":[\"Ada\"],\"history\":[],\"last_seq\":12,\"resumed\":true,\"gap\":true}";

  nexus_client_create (ada, "Ada");
  create = nexus_test_host_expect (host, "create");
  soup_websocket_connection_send_text (host->ws, welcome);
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_JOINED);
  g_assert_cmpuint (g_list_model_get_n_items (events), ==, 3);

  /* Written while away, sent after the resume. */
  soup_websocket_connection_close (host->ws, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR, NULL);
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_RECONNECTING);
  said = nexus_client_say (ada, "while away");
  g_assert_nonnull (said);
  {
    g_autoptr(JsonObject) resume = nexus_test_host_expect (host, "resume");

    g_assert_cmpint (json_object_get_int_member (resume, "last_seq"), ==, 3);
  }
  soup_websocket_connection_send_text (host->ws, gap_welcome);
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_JOINED);

  /* joined, joined, before, the notice, after, left, and the own message */
  g_assert_cmpuint (g_list_model_get_n_items (events), ==, 7);
  g_assert_cmpstr (nexus_event_get_text (event_at (ada, 2)), ==, "before");
  g_assert_cmpint (nexus_event_get_kind (event_at (ada, 3)), ==, NEXUS_EVENT_GAP);
  g_assert_cmpstr (nexus_event_get_text (event_at (ada, 4)), ==, "after");
  g_assert_false (nexus_event_get_continues (event_at (ada, 4)));
  g_assert_cmpint (nexus_event_get_kind (event_at (ada, 5)), ==, NEXUS_EVENT_LEFT);
  g_assert_true (event_at (ada, 6) == said);
  g_assert_cmpint (nexus_client_get_last_seq (ada), ==, 9);
  g_assert_cmpuint (nexus_client_get_n_members (ada), ==, 1);

  say = nexus_test_host_expect (host, "say");
  g_assert_cmpstr (json_object_get_string_member (say, "text"), ==, "while away");
  echo = g_strdup_printf ("{\"type\":\"message\",\"seq\":10,\"ts\":\"2026-11-24T09:15:40.000Z\","
                          "\"name\":\"Ada\",\"text\":\"while away\",\"id\":\"%s\"}",
                          json_object_get_string_member (say, "id"));
  soup_websocket_connection_send_text (host->ws, echo);
  WAIT_UNTIL (nexus_event_get_delivery (said) == NEXUS_DELIVERY_SENT);
  g_assert_cmpint (nexus_event_get_seq (said), ==, 10);
  g_assert_true (event_at (ada, 6) == said);

  /* A hole at the end, then another resume that misses more: one notice. */
  nexus_test_host_resume (host, ada, 10, empty_gap_welcome);
  g_assert_cmpuint (g_list_model_get_n_items (events), ==, 8);
  g_assert_cmpint (nexus_event_get_kind (last_event (ada)), ==, NEXUS_EVENT_GAP);
  nexus_test_host_resume (host, ada, 12, empty_gap_welcome);
  g_assert_cmpuint (g_list_model_get_n_items (events), ==, 8);
  g_assert_cmpint (nexus_client_get_last_seq (ada), ==, 12);

  nexus_client_leave (ada);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/properties", test_properties);
  g_test_add_func ("/client/frames", test_frames);
  g_test_add_func ("/client/gap-frames", test_gap_frames);
  g_test_add_func ("/client/resume-with-gap", test_resume_with_gap);
  NEXUS_TEST_ADD_SERVER ("/client/create-join-say", test_create_join_say, NULL);
  NEXUS_TEST_ADD_SERVER ("/client/history", test_history, NULL);
  /* Unlimited: a raw client fills the history quickly. */
  NEXUS_TEST_ADD_SERVER ("/client/long-history", test_long_history, nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/client/refusals", test_refusals, NULL);
  NEXUS_TEST_ADD_SERVER ("/client/drop-and-resume", test_drop_and_resume, NULL);
  NEXUS_TEST_ADD_SERVER ("/client/host-closes", test_host_closes, NULL);
  test_client_add_failures ();

  return g_test_run ();
}
