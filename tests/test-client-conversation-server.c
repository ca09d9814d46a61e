/* test-client-conversation-server.c: replies, edits, deletes and reactions
 * between NexusClients through a real server, across a drop, and what a
 * late joiner sees
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-client-private.h"
#include "nexus-server.h"
#include "nexus-test-utils.h"
#include "test-client-conversation.h"

#define THUMBS "\xF0\x9F\x91\x8D"
#define HEART "\xE2\x9D\xA4\xEF\xB8\x8F"
#define PARTY "\xF0\x9F\x8E\x89"

static NexusClient *
enter (NexusTestServer *fixture,
       const char      *room,
       const char      *name)
{
  NexusClient *client = nexus_client_new ("127.0.0.1", fixture->port);

  if (room == NULL)
    nexus_client_create (client, name);
  else
    nexus_client_join (client, room, name);
  WAIT_UNTIL (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_CONNECTING);
  g_assert_cmpint (nexus_client_get_state (client), ==, NEXUS_CLIENT_STATE_JOINED);
  return client;
}

/* @client's copy of @event, the message with the same seq. */
static NexusEvent *
copy_of (NexusClient *client,
         NexusEvent  *event)
{
  NexusEventLog *log = NEXUS_EVENT_LOG (nexus_client_get_events (client));
  NexusEvent *copy;

  WAIT_UNTIL (nexus_event_get_seq (event) > 0
              && (copy = nexus_event_log_lookup (log, nexus_event_get_seq (event))) != NULL);
  return copy;
}

static void
on_refused (NexusClient *client,
            NexusEvent  *target,
            const char  *sentence,
            char       **out)
{
  g_free (*out);
  *out = g_strdup (sentence);
}

static void
test_real_server (NexusTestServer *fixture,
                  gconstpointer    data)
{
  g_autoptr(NexusClient) ada = enter (fixture, NULL, "Ada");
  g_autoptr(NexusClient) bob = enter (fixture, nexus_client_get_room (ada), "Bob");
  g_autoptr(NexusClient) cy = NULL;
  NexusEvent *hello, *hello_at_ada, *reply, *reply_at_bob, *reply_at_cy, *hello_at_cy;
  g_autofree char *refused = NULL;
  gint64 last_seq;

  WAIT_UNTIL (nexus_client_get_n_members (ada) == 2);
  g_signal_connect (ada, "refused", G_CALLBACK (on_refused), &refused);

  /* Bob names Ada; Ada answers him. */
  hello = nexus_client_say (bob, "hello @ada, the plan?");
  hello_at_ada = copy_of (ada, hello);
  g_assert_true (nexus_event_get_mentions_me (hello_at_ada));
  g_assert_false (nexus_event_get_mentions_me (hello));
  reply = nexus_client_reply (ada, "Here it is", hello_at_ada);
  reply_at_bob = copy_of (bob, reply);
  g_assert_cmpint (nexus_event_get_reply_seq (reply_at_bob), ==, nexus_event_get_seq (hello));
  g_assert_cmpstr (nexus_event_get_reply_name (reply_at_bob), ==, "Bob");
  g_assert_cmpstr (nexus_event_get_reply_quote (reply_at_bob), ==, "hello @ada, the plan?");

  /* Ada edits it; both react. */
  g_assert_true (nexus_client_edit (ada, reply, "Here it is, page 2"));
  WAIT_UNTIL (nexus_event_get_edited (reply_at_bob));
  g_assert_cmpstr (nexus_event_get_text (reply_at_bob), ==, "Here it is, page 2");
  WAIT_UNTIL (nexus_event_get_edited (reply));
  g_assert_true (nexus_client_react (bob, reply_at_bob, THUMBS, TRUE));
  g_assert_true (nexus_client_react (ada, hello_at_ada, PARTY, TRUE));
  WAIT_UNTIL (nexus_event_has_reacted (reply, THUMBS, "Bob"));
  WAIT_UNTIL (nexus_event_has_reacted (hello, PARTY, "Ada"));

  /* Across a drop: a reaction and an edit written while away go once. */
  nexus_server_drop_connections (fixture->server);
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_RECONNECTING);
  g_assert_true (nexus_client_react (ada, hello_at_ada, HEART, TRUE));
  g_assert_true (nexus_client_edit (ada, reply, "Here it is, page 3"));
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_JOINED
              && nexus_client_get_state (bob) == NEXUS_CLIENT_STATE_JOINED);
  WAIT_UNTIL (nexus_event_has_reacted (hello, HEART, "Ada"));
  WAIT_UNTIL (g_strcmp0 (nexus_event_get_text (reply_at_bob), "Here it is, page 3") == 0);
  WAIT_UNTIL (ada->changes.length == 0);
  last_seq = nexus_client_get_last_seq (ada);
  WAIT_UNTIL (nexus_client_get_last_seq (bob) == last_seq);
  nexus_test_spin (200);
  g_assert_cmpint (nexus_client_get_last_seq (ada), ==, last_seq);
  g_assert_cmpuint (nexus_event_get_n_reactors (hello, HEART), ==, 1);

  /* A late joiner sees the conversation as it is now. */
  cy = enter (fixture, nexus_client_get_room (ada), "Cy");
  reply_at_cy = copy_of (cy, reply);
  hello_at_cy = copy_of (cy, hello);
  g_assert_cmpstr (nexus_event_get_text (reply_at_cy), ==, "Here it is, page 3");
  g_assert_true (nexus_event_get_edited (reply_at_cy));
  g_assert_cmpint (nexus_event_get_reply_seq (reply_at_cy), ==, nexus_event_get_seq (hello));
  g_assert_true (nexus_event_has_reacted (reply_at_cy, THUMBS, "Bob"));
  g_assert_cmpuint (nexus_event_get_n_reactors (hello_at_cy, PARTY), ==, 1);
  g_assert_cmpuint (nexus_event_get_n_reactors (hello_at_cy, HEART), ==, 1);
  g_assert_cmpuint (nexus_client_get_unread (cy), ==, 0);

  /* Deleted for everyone; the reply's quote loses its text. */
  g_assert_true (nexus_client_delete (bob, hello));
  WAIT_UNTIL (nexus_event_get_deleted (hello_at_ada) && nexus_event_get_deleted (hello_at_cy));
  g_assert_cmpstr (nexus_event_get_text (hello_at_cy), ==, "");
  g_assert_cmpuint (nexus_event_get_n_reactors (hello_at_cy, PARTY), ==, 0);
  g_assert_cmpstr (nexus_event_get_reply_quote (reply), ==, "");

  /* Nothing more can be done with it; the client says so before the host. */
  g_assert_false (nexus_client_react (ada, hello_at_ada, THUMBS, TRUE));
  g_assert_null (nexus_client_reply (ada, "too late", hello_at_ada));
  g_assert_false (nexus_client_delete (bob, hello));
  /* Nor can Bob edit Ada's message. */
  g_assert_false (nexus_client_edit (bob, reply_at_bob, "mine"));
  g_assert_null (refused);
}

void
test_conversation_add_server_tests (void)
{
  NEXUS_TEST_ADD_SERVER ("/conversation/real-server", test_real_server, NULL);
}
