/* test-server-conversation.c: replies, edits, deletes and reactions on a
 * real server — every frame and error, who may do what, the history a
 * late joiner gets after each, exactly once across a drop, the rate
 * limit, a deleted file's URL, a version 1 client in the same room, and
 * the current state of messages after a crash
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-protocol.h"
#include "nexus-server.h"
#include "nexus-test-files.h"
#include "nexus-test-state.h"
#include "nexus-test-utils.h"

#define THUMBS "\xf0\x9f\x91\x8d"
#define HEART  "\xe2\x9d\xa4\xef\xb8\x8f"
#define PARTY  "\xf0\x9f\x8e\x89"

/* Frames */

static void
send_encoded (NexusTestClient *client,
              char            *frame)
{
  nexus_test_client_send (client, frame);
  g_free (frame);
}

static void
send_reply (NexusTestClient *client,
            const char      *text,
            const char      *id,
            gint64           reply_to)
{
  send_encoded (client, nexus_frame_encode_reply (text, id, reply_to));
}

static void
send_edit (NexusTestClient *client,
           const char      *id,
           gint64           target,
           const char      *text)
{
  send_encoded (client, nexus_frame_encode_edit (id, target, text));
}

static void
send_delete (NexusTestClient *client,
             const char      *id,
             gint64           target)
{
  send_encoded (client, nexus_frame_encode_delete (id, target));
}

static void
send_react (NexusTestClient *client,
            const char      *id,
            gint64           target,
            const char      *emoji,
            gboolean         on)
{
  send_encoded (client, nexus_frame_encode_react (id, target, emoji, on));
}

/* The event of @type that a change makes, checked for what every such
 * event carries. */
static JsonObject *
expect_change (NexusTestClient *client,
               const char      *type,
               const char      *name,
               const char      *id,
               gint64           target)
{
  JsonObject *event = nexus_test_client_expect (client, type);

  g_assert_cmpstr (nexus_test_str (event, "name"), ==, name);
  g_assert_cmpstr (nexus_test_str (event, "id"), ==, id);
  g_assert_cmpint (nexus_test_int (event, "target"), ==, target);
  g_assert_cmpint (nexus_test_int (event, "seq"), >, target);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                       nexus_test_str (event, "ts"), 0, 0));
  return event;
}

/* The next frame of @type with @id, past any other. */
static JsonObject *
wait_for (NexusTestClient *client,
          const char      *type,
          const char      *id)
{
  while (TRUE)
    {
      JsonObject *frame = nexus_test_client_next (client);

      if (g_strcmp0 (nexus_test_str (frame, "type"), type) == 0
          && g_strcmp0 (json_object_get_string_member_with_default (frame, "id", NULL), id) == 0)
        return frame;
      json_object_unref (frame);
    }
}

/* A react that both @sender and @other see. */
static void
react_seen (NexusTestClient *sender,
            NexusTestClient *other,
            const char      *name,
            const char      *id,
            gint64           target,
            const char      *emoji,
            gboolean         on)
{
  g_autoptr(JsonObject) event = NULL;

  send_react (sender, id, target, emoji, on);
  event = expect_change (sender, "reacted", name, id, target);
  g_assert_cmpstr (nexus_test_str (event, "emoji"), ==, emoji);
  g_assert_true (json_object_get_boolean_member (event, "on") == on);
  json_object_unref (expect_change (other, "reacted", name, id, target));
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* The event of @seq in a welcome's history. */
static JsonObject *
history_event (JsonObject *welcome,
               gint64      seq)
{
  JsonArray *history = json_object_get_array_member (welcome, "history");

  for (guint i = 0; i < json_array_get_length (history); i++)
    {
      JsonObject *event = json_array_get_object_element (history, i);

      if (nexus_test_int (event, "seq") == seq)
        return event;
    }
  g_error ("No event %" G_GINT64_FORMAT " in the history", seq);
}

/* A new member's welcome: the room's history as it is now. It leaves
 * again; @a and @b (either may be NULL) see it come and go. */
static JsonObject *
late_joiner_welcome (guint            port,
                     const char      *code,
                     const char      *name,
                     NexusTestClient *a,
                     NexusTestClient *b)
{
  g_autoptr(NexusTestClient) late = nexus_test_client_new (port, NULL);
  JsonObject *welcome = nexus_test_client_join (late, code, name);
  NexusTestClient *members[] = { a, b };

  nexus_test_client_send (late, "{\"type\":\"leave\"}");
  nexus_test_client_wait_closed (late);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (members[i] != NULL)
      {
        json_object_unref (nexus_test_client_expect (members[i], "joined"));
        json_object_unref (nexus_test_client_expect (members[i], "left"));
      }
  return welcome;
}

/* The names who reacted with @emoji in a history's message, joined by
 * commas, or NULL when nobody did (or it has no reactions at all). */
static char *
reaction_names (JsonObject *message,
                const char *emoji)
{
  JsonObject *reactions;
  JsonArray *names;
  GString *out;

  if (!json_object_has_member (message, "reactions"))
    return NULL;
  reactions = json_object_get_object_member (message, "reactions");
  g_assert_cmpuint (json_object_get_size (reactions), >, 0);
  if (!json_object_has_member (reactions, emoji))
    return NULL;
  names = json_object_get_array_member (reactions, emoji);
  g_assert_cmpuint (json_array_get_length (names), >, 0);
  out = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (names); i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "", json_array_get_string_element (names, i));
  return g_string_free (out, FALSE);
}

/* Replies */

static void
test_reply (NexusTestServer *fixture,
            gconstpointer    data)
{
  g_autoptr(JsonObject) ada_welcome = NULL;
  NexusTestClient *bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &ada_welcome, &bob);
  const char *code = nexus_test_str (ada_welcome, "room");
  g_autofree char *long_line = g_strnfill (150, 'x');
  g_autofree char *text = g_strconcat ("ü", long_line, "\nsecond line", NULL);
  g_autoptr(JsonObject) original = nexus_test_client_say (ada, text, "a1");
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) frame = NULL;
  JsonObject *quote;
  gint64 seq = nexus_test_int (original, "seq");

  json_object_unref (nexus_test_client_expect (bob, "message"));

  /* A reply carries the original's seq, sender and first line, cut to
   * 100 characters (not bytes). */
  send_reply (bob, "agreed", "b1", seq);
  reply = nexus_test_client_expect (ada, "message");
  frame = nexus_test_client_expect (bob, "message");
  g_assert_cmpstr (nexus_test_str (reply, "text"), ==, "agreed");
  quote = json_object_get_object_member (reply, "reply");
  g_assert_nonnull (quote);
  g_assert_cmpint (nexus_test_int (quote, "seq"), ==, seq);
  g_assert_cmpstr (nexus_test_str (quote, "name"), ==, "Ada");
  g_assert_cmpint (g_utf8_strlen (nexus_test_str (quote, "text"), -1), ==, 100);
  g_assert_true (g_str_has_prefix (nexus_test_str (quote, "text"), "üxxx"));
  g_assert_null (strchr (nexus_test_str (quote, "text"), '\n'));
  g_assert_false (json_object_has_member (original, "reply"));

  /* Only a message the history keeps can be answered: not a joined, not
   * a seq that never was. The refusal carries the id, which is free
   * again. */
  send_reply (bob, "to a join", "b2", 2);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b2");
  send_reply (bob, "to nothing", "b2", 999);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b2");
  send_reply (bob, "to nothing", "b2", -1);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b2");
  /* The target before the text. */
  send_reply (bob, " ", "b2", 999);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b2");
  send_reply (bob, " ", "b2", seq);
  nexus_test_client_expect_error_id (bob, "text-invalid", "b2");
  /* A reply_to that is not a whole number. */
  nexus_test_client_send (bob, "{\"type\":\"say\",\"text\":\"x\",\"id\":\"b2\",\"reply_to\":\"3\"}");
  nexus_test_client_expect_error_id (bob, "bad-request", "b2");
  nexus_test_client_send (bob, "{\"type\":\"say\",\"text\":\"x\",\"id\":\"b2\",\"reply_to\":null}");
  nexus_test_client_expect_error_id (bob, "bad-request", "b2");
  nexus_test_assert_quiet (50, ada, bob, NULL);

  /* The history keeps the reply with its quote. */
  welcome = late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  quote = json_object_get_object_member (history_event (welcome, seq + 1), "reply");
  g_assert_cmpint (nexus_test_int (quote, "seq"), ==, seq);
  g_assert_cmpstr (nexus_test_str (quote, "name"), ==, "Ada");
  nexus_test_client_free (bob);
}

/* Edits */

static void
test_edit (NexusTestServer *fixture,
           gconstpointer    data)
{
  g_autoptr(JsonObject) ada_welcome = NULL;
  NexusTestClient *bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &ada_welcome, &bob);
  const char *code = nexus_test_str (ada_welcome, "room");
  g_autoptr(JsonObject) original = nexus_test_client_say (ada, "helo", "a1");
  gint64 seq = nexus_test_int (original, "seq");
  g_autoptr(JsonObject) edited = NULL;
  g_autoptr(JsonObject) seen = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  JsonObject *message;

  json_object_unref (nexus_test_client_expect (bob, "message"));

  /* Only the sender's session may edit; the target comes before who and
   * who before the text. */
  send_edit (bob, "b1", seq, "hello");
  nexus_test_client_expect_error_id (bob, "not-allowed", "b1");
  send_edit (bob, "b1", seq, "");
  nexus_test_client_expect_error_id (bob, "not-allowed", "b1");
  send_edit (bob, "b1", 999, "");
  nexus_test_client_expect_error_id (bob, "target-not-found", "b1");
  send_edit (ada, "e1", 2, "hello");                 /* Bob's joined */
  nexus_test_client_expect_error_id (ada, "target-not-found", "e1");
  send_edit (ada, "e1", seq, " \n ");
  nexus_test_client_expect_error_id (ada, "text-invalid", "e1");
  send_edit (ada, "e1", seq, "a\x01");
  nexus_test_client_expect_error_id (ada, "text-invalid", "e1");
  nexus_test_client_send (ada, "{\"type\":\"edit\",\"id\":\"e1\",\"target\":3}");
  nexus_test_client_expect_error_id (ada, "bad-request", "e1");
  nexus_test_client_send (ada, "{\"type\":\"edit\",\"id\":\"e1\",\"target\":\"3\",\"text\":\"x\"}");
  nexus_test_client_expect_error_id (ada, "bad-request", "e1");
  nexus_test_client_send (ada, "{\"type\":\"edit\",\"id\":\"e 1\",\"target\":3,\"text\":\"x\"}");
  nexus_test_client_expect_error_id (ada, "bad-request", NULL);
  nexus_test_assert_quiet (50, ada, bob, NULL);

  /* The sender's edit reaches everyone, the sender too, as its own event. */
  send_edit (ada, "e1", seq, "hello");
  edited = expect_change (ada, "edited", "Ada", "e1", seq);
  seen = expect_change (bob, "edited", "Ada", "e1", seq);
  g_assert_cmpstr (nexus_test_str (edited, "text"), ==, "hello");
  g_assert_cmpint (nexus_test_int (edited, "seq"), ==, seq + 1);
  g_assert_cmpint (nexus_test_int (seen, "seq"), ==, seq + 1);

  /* A late joiner sees the current text, marked edited, and the event. */
  welcome = late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  message = history_event (welcome, seq);
  g_assert_cmpstr (nexus_test_str (message, "type"), ==, "message");
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "hello");
  g_assert_cmpstr (nexus_test_str (message, "id"), ==, "a1");
  g_assert_true (json_object_get_boolean_member (message, "edited"));
  g_assert_cmpstr (nexus_test_str (history_event (welcome, seq + 1), "type"), ==, "edited");
  g_assert_cmpint (nexus_test_int (welcome, "last_seq"), ==, seq + 2);   /* Cy's joined */

  /* Edited twice: the newest text. */
  g_clear_pointer (&edited, json_object_unref);
  send_edit (ada, "e2", seq, "hello, Bob");
  edited = expect_change (ada, "edited", "Ada", "e2", seq);
  json_object_unref (expect_change (bob, "edited", "Ada", "e2", seq));
  g_clear_pointer (&welcome, json_object_unref);
  welcome = late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  g_assert_cmpstr (nexus_test_str (history_event (welcome, seq), "text"), ==, "hello, Bob");
  nexus_test_client_free (bob);
}

/* A member who left and came back under the same name has another
 * session: the old messages are no longer its to change. */
static void
test_left_and_back (NexusTestServer *fixture,
                    gconstpointer    data)
{
  g_autoptr(JsonObject) ada_welcome = NULL;
  NexusTestClient *bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &ada_welcome, &bob);
  g_autoptr(JsonObject) original = nexus_test_client_say (bob, "mine", "b1");
  g_autoptr(NexusTestClient) again = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) reacted = NULL;
  gint64 seq = nexus_test_int (original, "seq");

  nexus_test_client_send (bob, "{\"type\":\"leave\"}");
  nexus_test_client_wait_closed (bob);
  welcome = nexus_test_client_join (again, nexus_test_str (ada_welcome, "room"), "Bob");
  send_edit (again, "b2", seq, "still mine?");
  nexus_test_client_expect_error_id (again, "not-allowed", "b2");
  send_delete (again, "b2", seq);
  nexus_test_client_expect_error_id (again, "not-allowed", "b2");
  /* Anyone in the room may react. */
  send_react (again, "b2", seq, HEART, TRUE);
  reacted = expect_change (again, "reacted", "Bob", "b2", seq);
  nexus_test_client_free (bob);
}

/* Deletes */

static void
test_delete (NexusTestServer *fixture,
             gconstpointer    data)
{
  g_autoptr(JsonObject) ada_welcome = NULL;
  NexusTestClient *bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &ada_welcome, &bob);
  const char *code = nexus_test_str (ada_welcome, "room");
  g_autoptr(JsonObject) original = nexus_test_client_say (ada, "a secret", "a1");
  gint64 seq = nexus_test_int (original, "seq");
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) deleted = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  JsonObject *message;

  json_object_unref (nexus_test_client_expect (bob, "message"));
  send_reply (bob, "tell me more", "b1", seq);                  /* seq + 1 */
  reply = nexus_test_client_expect (bob, "message");
  json_object_unref (nexus_test_client_expect (ada, "message"));
  send_react (bob, "b2", seq, THUMBS, TRUE);                     /* seq + 2 */
  json_object_unref (expect_change (bob, "reacted", "Bob", "b2", seq));
  json_object_unref (expect_change (ada, "reacted", "Bob", "b2", seq));

  send_delete (bob, "b3", seq);
  nexus_test_client_expect_error_id (bob, "not-allowed", "b3");
  send_delete (ada, "d1", 999);
  nexus_test_client_expect_error_id (ada, "target-not-found", "d1");
  nexus_test_client_send (ada, "{\"type\":\"delete\",\"id\":\"d1\"}");
  nexus_test_client_expect_error_id (ada, "bad-request", "d1");

  send_delete (ada, "d1", seq);                                  /* seq + 3 */
  deleted = expect_change (ada, "deleted", "Ada", "d1", seq);
  g_assert_false (json_object_has_member (deleted, "text"));
  json_object_unref (expect_change (bob, "deleted", "Ada", "d1", seq));

  /* Nothing more can be done to it. */
  send_delete (ada, "d2", seq);
  nexus_test_client_expect_error_id (ada, "target-not-found", "d2");
  send_edit (ada, "d2", seq, "back");
  nexus_test_client_expect_error_id (ada, "target-not-found", "d2");
  send_react (bob, "b3", seq, THUMBS, FALSE);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b3");
  send_reply (bob, "what?", "b3", seq);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b3");

  /* The history: "deleted", no text, no reactions; the quote of it blank. */
  welcome = late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  message = history_event (welcome, seq);
  g_assert_true (json_object_get_boolean_member (message, "deleted"));
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "");
  g_assert_cmpstr (nexus_test_str (message, "id"), ==, "a1");
  g_assert_false (json_object_has_member (message, "reactions"));
  g_assert_false (json_object_has_member (message, "file"));
  message = history_event (welcome, seq + 1);
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "tell me more");
  g_assert_cmpstr (nexus_test_str (json_object_get_object_member (message, "reply"), "text"), ==, "");
  g_assert_cmpint (nexus_test_int (json_object_get_object_member (message, "reply"), "seq"), ==, seq);
  g_assert_cmpstr (nexus_test_str (history_event (welcome, seq + 3), "type"), ==, "deleted");
  {
    g_autofree char *all = object_to_string (welcome);

    g_assert_null (strstr (all, "secret"));
  }
  nexus_test_client_free (bob);
}

/* Reactions */

static void
test_react (NexusTestServer *fixture,
            gconstpointer    data)
{
  g_autoptr(JsonObject) ada_welcome = NULL;
  NexusTestClient *bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &ada_welcome, &bob);
  const char *code = nexus_test_str (ada_welcome, "room");
  g_autoptr(JsonObject) original = nexus_test_client_say (ada, "party?", "a1");
  gint64 seq = nexus_test_int (original, "seq");
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *names = NULL;
  const char *emoji[] = { THUMBS, HEART, "\xf0\x9f\x98\x82", "\xf0\x9f\x98\xae",
                          "\xf0\x9f\x98\xa2", PARTY };
  const char *bad[] = {
    "{\"type\":\"react\",\"id\":\"x\",\"target\":3,\"emoji\":\"\xe2\x9d\xa4\",\"on\":true}",
    "{\"type\":\"react\",\"id\":\"x\",\"target\":3,\"emoji\":\"\xe2\x9d\xa4\xef\xb8\x8e\",\"on\":true}",
    "{\"type\":\"react\",\"id\":\"x\",\"target\":3,\"emoji\":\":+1:\",\"on\":true}",
    "{\"type\":\"react\",\"id\":\"x\",\"target\":3,\"emoji\":\"\xf0\x9f\x91\x8d\\u0000\",\"on\":true}",
    "{\"type\":\"react\",\"id\":\"x\",\"target\":3,\"emoji\":\"\xf0\x9f\x91\x8d\",\"on\":1}",
    "{\"type\":\"react\",\"id\":\"x\",\"target\":3,\"emoji\":\"\xf0\x9f\x91\x8d\",\"on\":\"true\"}",
    "{\"type\":\"react\",\"id\":\"x\",\"target\":3,\"emoji\":\"\xf0\x9f\x91\x8d\"}",
    "{\"type\":\"react\",\"id\":\"x\",\"emoji\":\"\xf0\x9f\x91\x8d\",\"on\":true}",
    "{\"type\":\"react\",\"id\":\"x\",\"target\":3.5,\"emoji\":\"\xf0\x9f\x91\x8d\",\"on\":true}",
  };

  json_object_unref (nexus_test_client_expect (bob, "message"));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("bad react: %s", bad[i]);
      nexus_test_client_send (bob, bad[i]);
      nexus_test_client_expect_error_id (bob, "bad-request", "x");
    }
  send_react (bob, "x", 2, THUMBS, TRUE);
  nexus_test_client_expect_error_id (bob, "target-not-found", "x");
  nexus_test_assert_quiet (50, ada, bob, NULL);

  /* Each of the six, and the event carries emoji and on. */
  for (guint i = 0; i < G_N_ELEMENTS (emoji); i++)
    {
      g_autofree char *id = g_strdup_printf ("all%u", i);
      g_autoptr(JsonObject) event = NULL;

      send_react (ada, id, seq, emoji[i], TRUE);
      event = expect_change (ada, "reacted", "Ada", id, seq);
      g_assert_cmpstr (nexus_test_str (event, "emoji"), ==, emoji[i]);
      g_assert_true (json_object_get_boolean_member (event, "on"));
      json_object_unref (expect_change (bob, "reacted", "Ada", id, seq));
    }
  for (guint i = 1; i < G_N_ELEMENTS (emoji); i++)
    {
      g_autofree char *id = g_strdup_printf ("off%u", i);
      g_autoptr(JsonObject) event = NULL;

      send_react (ada, id, seq, emoji[i], FALSE);
      event = expect_change (ada, "reacted", "Ada", id, seq);
      g_assert_false (json_object_get_boolean_member (event, "on"));
      json_object_unref (expect_change (bob, "reacted", "Ada", id, seq));
    }

  /* Names, oldest first; a removed one goes; one already off is still an
   * event; one added again goes to the end. */
  react_seen (bob, ada, "Bob", "b1", seq, THUMBS, TRUE);
  react_seen (bob, ada, "Bob", "b2", seq, PARTY, TRUE);
  react_seen (bob, ada, "Bob", "b3", seq, THUMBS, TRUE);       /* already on */
  welcome = late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  names = reaction_names (history_event (welcome, seq), THUMBS);
  g_assert_cmpstr (names, ==, "Ada,Bob");
  g_free (names);
  names = reaction_names (history_event (welcome, seq), PARTY);
  g_assert_cmpstr (names, ==, "Bob");
  g_free (names);
  names = reaction_names (history_event (welcome, seq), HEART);
  g_assert_null (names);

  react_seen (ada, bob, "Ada", "a2", seq, THUMBS, FALSE);
  react_seen (ada, bob, "Ada", "a3", seq, THUMBS, FALSE);      /* already off */
  g_clear_pointer (&welcome, json_object_unref);
  welcome = late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  names = reaction_names (history_event (welcome, seq), THUMBS);
  g_assert_cmpstr (names, ==, "Bob");
  g_free (names);
  react_seen (ada, bob, "Ada", "a4", seq, THUMBS, TRUE);
  react_seen (bob, ada, "Bob", "b4", seq, PARTY, FALSE);
  g_clear_pointer (&welcome, json_object_unref);
  welcome = late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  names = reaction_names (history_event (welcome, seq), THUMBS);
  g_assert_cmpstr (names, ==, "Bob,Ada");
  g_free (names);
  names = reaction_names (history_event (welcome, seq), PARTY);
  g_assert_null (names);
  nexus_test_client_free (bob);
}

/* Before joining, each new frame is not-joined, whatever else is wrong. */
static void
test_not_joined (NexusTestServer *fixture,
                 gconstpointer    data)
{
  g_autoptr(NexusTestClient) fresh = nexus_test_client_new (fixture->port, NULL);

  send_edit (fresh, "e1", 1, "x");
  nexus_test_client_expect_error_id (fresh, "not-joined", "e1");
  send_delete (fresh, "d1", 1);
  nexus_test_client_expect_error_id (fresh, "not-joined", "d1");
  send_react (fresh, "r1", 1, THUMBS, TRUE);
  nexus_test_client_expect_error_id (fresh, "not-joined", "r1");
  nexus_test_client_send (fresh, "{\"type\":\"react\"}");
  nexus_test_client_expect_error_id (fresh, "not-joined", NULL);
  send_reply (fresh, "x", "s1", 1);
  nexus_test_client_expect_error_id (fresh, "not-joined", "s1");
  g_assert_false (fresh->closed);
}

/* Exactly once: an id used for any frame is answered with its original
 * event, to its sender only, across a drop and a resume; once the
 * history has let the event go, with the same event made again. */
static void
test_exactly_once (NexusTestServer *fixture,
                   gconstpointer    data)
{
  g_autoptr(JsonObject) ada_welcome = NULL;
  NexusTestClient *bob = NULL;
  NexusTestClient *ada = nexus_test_start_room_full (fixture->port, &ada_welcome, &bob);
  g_autoptr(JsonObject) original = nexus_test_client_say (ada, "first", "a1");   /* 3 */
  gint64 seq = nexus_test_int (original, "seq");
  g_autoptr(JsonObject) edited = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) reacted = NULL;
  JsonObject *event;

  json_object_unref (nexus_test_client_expect (bob, "message"));

  /* The edit goes, the connection drops before its answer is read. */
  send_edit (ada, "e1", seq, "first!");                                      /* 4 */
  edited = expect_change (bob, "edited", "Ada", "e1", seq);
  nexus_test_client_cut (ada);
  nexus_test_client_free (ada);

  /* The resume brings it; the edit sent again gets the original. */
  ada = nexus_test_client_new_resumed (fixture->port, ada_welcome, seq, &resumed);
  event = history_event (resumed, seq + 1);
  g_assert_cmpstr (nexus_test_str (event, "type"), ==, "edited");
  g_assert_cmpstr (nexus_test_str (event, "id"), ==, "e1");
  send_edit (ada, "e1", seq, "first!");
  again = expect_change (ada, "edited", "Ada", "e1", seq);
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, nexus_test_int (edited, "seq"));
  g_assert_cmpstr (nexus_test_str (again, "ts"), ==, nexus_test_str (edited, "ts"));
  g_clear_pointer (&again, json_object_unref);

  /* Whatever it carries, and whichever frame repeats it: the id is the
   * original's. A say's id repeated by a react gets the message. */
  send_edit (ada, "e1", seq, "something else");
  again = expect_change (ada, "edited", "Ada", "e1", seq);
  g_assert_cmpstr (nexus_test_str (again, "text"), ==, "first!");
  g_clear_pointer (&again, json_object_unref);
  send_react (ada, "a1", seq, THUMBS, TRUE);
  again = nexus_test_client_expect (ada, "message");
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, seq);
  g_assert_cmpstr (nexus_test_str (again, "text"), ==, "first!");   /* as it is now */
  g_assert_true (json_object_get_boolean_member (again, "edited"));
  g_clear_pointer (&again, json_object_unref);
  send_encoded (ada, nexus_frame_encode_say ("again", "e1"));
  again = nexus_test_client_expect (ada, "edited");
  g_clear_pointer (&again, json_object_unref);
  nexus_test_assert_quiet (50, bob, NULL);

  /* A react, and its repeat after the history (5 events here) let it go:
   * the same event, made again from the frame. */
  send_react (ada, "r1", seq, PARTY, TRUE);                                  /* 5 */
  reacted = expect_change (ada, "reacted", "Ada", "r1", seq);
  json_object_unref (expect_change (bob, "reacted", "Ada", "r1", seq));
  nexus_test_client_say_n (ada, 6, "more", "m");                             /* 6 … 11 */
  for (guint i = 0; i < 6; i++)
    json_object_unref (nexus_test_client_expect (bob, "message"));
  send_react (ada, "r1", seq, PARTY, TRUE);
  again = expect_change (ada, "reacted", "Ada", "r1", seq);
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, nexus_test_int (reacted, "seq"));
  g_assert_cmpstr (nexus_test_str (again, "ts"), ==, nexus_test_str (reacted, "ts"));
  g_assert_cmpstr (nexus_test_str (again, "emoji"), ==, PARTY);
  g_assert_true (json_object_get_boolean_member (again, "on"));
  g_clear_pointer (&again, json_object_unref);
  send_delete (ada, "e1", seq);       /* the edit's id, the edit long gone: no delete */
  again = nexus_test_client_expect (ada, "deleted");
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, nexus_test_int (edited, "seq"));
  nexus_test_assert_quiet (50, bob, NULL);
  /* The message is gone from the history too: nothing can change it. */
  send_react (bob, "b1", seq, PARTY, TRUE);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b1");
  nexus_test_client_free (ada);
  nexus_test_client_free (bob);
}

static void
limits_small_burst (NexusServerLimits *limits)
{
  limits->burst = 5;
  limits->rate = 2;
}

/* Every frame takes a token: reactions and edits as much as says. */
static void
test_rate_limit (NexusTestServer *fixture,
                 gconstpointer    data)
{
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->port, NULL);  /* one token */
  g_autoptr(JsonObject) original = NULL;
  g_autoptr(JsonObject) event = NULL;
  gint64 seq;

  nexus_test_spin (2100);              /* the bucket full again: five */
  original = nexus_test_client_say (ada, "m", "m1");
  seq = nexus_test_int (original, "seq");
  send_react (ada, "r1", seq, THUMBS, TRUE);
  send_edit (ada, "e1", seq, "n");
  send_react (ada, "r2", seq, HEART, TRUE);
  send_react (ada, "r3", seq, PARTY, TRUE);
  send_delete (ada, "d1", seq);         /* the sixth frame: over the limit */
  json_object_unref (nexus_test_client_expect (ada, "reacted"));
  json_object_unref (nexus_test_client_expect (ada, "edited"));
  json_object_unref (nexus_test_client_expect (ada, "reacted"));
  json_object_unref (nexus_test_client_expect (ada, "reacted"));
  nexus_test_client_expect_error_id (ada, "rate-limited", "d1");
  /* A repeated id costs a token too. */
  send_react (ada, "r1", seq, THUMBS, TRUE);
  nexus_test_client_expect_error_id (ada, "rate-limited", "r1");

  /* Refused, not recorded: the id may be retried later. */
  nexus_test_spin (600);
  send_delete (ada, "d1", seq);
  event = expect_change (ada, "deleted", "Ada", "d1", seq);
}

/* A deleted file's bytes go at once: its URL answers 404. */
static void
test_delete_file (NexusTestServer *fixture,
                  gconstpointer    data)
{
  NexusTestPair pair;
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *path = NULL;
  gint64 seq;

  nexus_test_pair_start (&pair, fixture->port);
  message = nexus_test_share_bytes (fixture->port, pair.ada, "f1", "notes.txt", "hello", 5);
  json_object_unref (nexus_test_client_expect (pair.bob, "message"));
  seq = nexus_test_int (message, "seq");
  path = nexus_test_file_path (message, pair.bob_welcome);
  g_assert_cmpuint (nexus_test_request (fixture->port, "GET", path, NULL, NULL, NULL, NULL), ==,
                    200);
  nexus_test_assert_store_holds (fixture->server, 1);

  /* A file is quoted by its name, and has no text to edit. */
  send_reply (pair.bob, "thanks", "b1", seq);
  reply = nexus_test_client_expect (pair.bob, "message");
  json_object_unref (nexus_test_client_expect (pair.ada, "message"));
  g_assert_cmpstr (nexus_test_str (json_object_get_object_member (reply, "reply"), "text"), ==,
                   "notes.txt");
  send_edit (pair.ada, "e1", seq, "other");
  nexus_test_client_expect_error_id (pair.ada, "not-allowed", "e1");
  send_delete (pair.bob, "b2", seq);
  nexus_test_client_expect_error_id (pair.bob, "not-allowed", "b2");

  send_delete (pair.ada, "d1", seq);
  json_object_unref (expect_change (pair.ada, "deleted", "Ada", "d1", seq));
  json_object_unref (expect_change (pair.bob, "deleted", "Ada", "d1", seq));
  g_assert_cmpuint (nexus_test_request (fixture->port, "GET", path, NULL, NULL, NULL, NULL), ==,
                    404);
  g_assert_cmpuint (nexus_test_request (fixture->port, "HEAD", path, NULL, NULL, NULL, NULL), ==,
                    404);
  nexus_test_assert_store_holds (fixture->server, 0);

  /* The share repeated gets its message, as it is now. */
  send_encoded (pair.ada, nexus_frame_encode_share ("f1"));
  g_clear_pointer (&message, json_object_unref);
  message = nexus_test_client_expect (pair.ada, "message");
  g_assert_cmpint (nexus_test_int (message, "seq"), ==, seq);
  g_assert_true (json_object_get_boolean_member (message, "deleted"));
  g_assert_false (json_object_has_member (message, "file"));

  welcome = late_joiner_welcome (fixture->port, nexus_test_str (pair.ada_welcome, "room"), "Cy",
                                 pair.ada, pair.bob);
  g_assert_false (json_object_has_member (history_event (welcome, seq), "file"));
  g_assert_cmpstr (nexus_test_str (json_object_get_object_member (history_event (welcome, seq + 1),
                                                                  "reply"), "text"), ==, "");
  nexus_test_pair_clear (&pair);
}

/* A version 1 client knows message, joined, left (and typing, error,
 * welcome) and ignores any other type; it says things and never sends
 * the new frames. In a room where the others reply, edit, delete and
 * react, it gets no error, and every event of the room once. */
static void
test_version_1_client (NexusTestServer *fixture,
                       gconstpointer    data)
{
  g_autoptr(JsonObject) ada_welcome = NULL;
  NexusTestClient *bob = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room_full (fixture->port, &ada_welcome, &bob);
  g_autoptr(NexusTestClient) old = nexus_test_client_new (fixture->port, NULL);
  g_autoptr(JsonObject) welcome = nexus_test_client_join (old, nexus_test_str (ada_welcome, "room"),
                                                          "Old");
  g_autoptr(JsonObject) said = NULL;
  gint64 seen = nexus_test_int (welcome, "last_seq");
  gint64 seq;
  guint n_unknown = 0;

  json_object_unref (nexus_test_client_expect (ada, "joined"));
  json_object_unref (nexus_test_client_expect (bob, "joined"));
  said = nexus_test_client_say (old, "hello from an old client", "o1");
  seq = seen = nexus_test_int (said, "seq");
  /* One after the other, each seen by its sender before the next. */
  send_reply (ada, "hi", "a1", seq);
  json_object_unref (wait_for (ada, "message", "a1"));
  send_react (bob, "b1", seq, THUMBS, TRUE);
  json_object_unref (wait_for (bob, "reacted", "b1"));
  send_react (ada, "a2", seq, PARTY, TRUE);
  json_object_unref (wait_for (ada, "reacted", "a2"));
  send_edit (ada, "a3", seq + 1, "hi, Old");
  json_object_unref (wait_for (ada, "edited", "a3"));
  send_delete (ada, "a4", seq + 1);
  json_object_unref (wait_for (ada, "deleted", "a4"));
  nexus_test_client_send_say (old, "still here", "o2");

  /* The last say's own message ends what it must receive. */
  while (TRUE)
    {
      g_autoptr(JsonObject) frame = nexus_test_client_next (old);
      const char *type = nexus_test_str (frame, "type");

      g_assert_cmpstr (type, !=, "error");
      g_assert_cmpint (nexus_test_int (frame, "seq"), ==, seen + 1);
      seen++;
      if (g_strcmp0 (type, "message") == 0)
        {
          if (g_strcmp0 (nexus_test_str (frame, "id"), "o2") == 0)
            break;
          /* What a version 1 client reads of a message is all there. */
          g_assert_nonnull (nexus_test_str (frame, "text"));
          g_assert_nonnull (nexus_test_str (frame, "name"));
          continue;
        }
      g_assert_true (g_strv_contains ((const char * const[]) { "edited", "deleted", "reacted",
                                                               NULL }, type));
      n_unknown++;
    }
  g_assert_cmpuint (n_unknown, ==, 4);
  nexus_test_assert_quiet (50, old, NULL);
  nexus_test_client_free (bob);
}

/* Saved rooms */

static void
limits_for_reopen (NexusServerLimits *limits)
{
  nexus_server_limits_init_default (limits);
  limits->rate = 0;
  limits->grace_seconds = 5;
}

static void
crash (NexusServer     *server,
       NexusStateStore *store)
{
  nexus_test_spin (20);
  g_assert_finalize_object (server);
  nexus_state_store_close (store);
}

static NexusStateStore *
open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  NexusStateStore *store = nexus_state_store_open (dir, &error);

  g_assert_no_error (error);
  return store;
}

/* The JSON of the row of @seq, as the database holds it now. */
static char *
stored_json (sqlite3    *db,
             const char *code,
             gint64      seq)
{
  g_autofree char *sql = g_strdup_printf ("SELECT json FROM events WHERE room = '%s' AND seq = %"
                                          G_GINT64_FORMAT, code, seq);
  sqlite3_stmt *stmt = NULL;
  char *json = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return json;
}

/* A host reopened after a crash shows messages edited, deleted and
 * reacted to as they were, and each change was on disk before anyone
 * saw it: its own row and the message's new frame. */
static void
test_saved_rooms (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autoptr(NexusStateStore) store = open_store (dir);
  NexusServerLimits limits;
  NexusServer *server;
  g_autoptr(JsonObject) ada_welcome = NULL;
  g_autoptr(JsonObject) bob_welcome = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) frame = NULL;
  g_autofree char *code = NULL;
  g_autofree char *names = NULL;
  g_auto(GStrv) reopened = NULL;
  NexusTestClient *ada, *bob;
  gint64 kept, gone, reply;
  JsonObject *message;
  sqlite3 *db;

  limits_for_reopen (&limits);
  server = nexus_test_state_server_new (store, &limits, 0);
  ada = nexus_test_start_room_full (nexus_server_get_port (server), &ada_welcome, NULL);
  code = g_strdup (nexus_test_str (ada_welcome, "room"));
  bob = nexus_test_client_new (nexus_server_get_port (server), NULL);
  bob_welcome = nexus_test_client_join (bob, code, "Bob");
  json_object_unref (nexus_test_client_expect (ada, "joined"));
  db = nexus_test_state_db_open (dir);

  frame = nexus_test_client_say (ada, "kept", "a1");
  kept = nexus_test_int (frame, "seq");
  g_clear_pointer (&frame, json_object_unref);
  frame = nexus_test_client_say (ada, "gone soon", "a2");
  gone = nexus_test_int (frame, "seq");
  g_clear_pointer (&frame, json_object_unref);
  send_reply (bob, "what goes?", "b1", gone);
  frame = wait_for (bob, "message", "b1");
  reply = nexus_test_int (frame, "seq");
  g_clear_pointer (&frame, json_object_unref);

  /* Each change is on disk, with the message's new frame, when its event
   * arrives: the event waits for the commit. */
  send_edit (ada, "e1", kept, "kept, edited");
  frame = wait_for (bob, "edited", "e1");
  {
    g_autofree char *row = stored_json (db, code, nexus_test_int (frame, "seq"));
    g_autofree char *target = stored_json (db, code, kept);

    g_assert_nonnull (row);
    g_assert_nonnull (strstr (target, "\"edited\":true"));
    g_assert_nonnull (strstr (target, "kept, edited"));
  }
  g_clear_pointer (&frame, json_object_unref);
  send_react (bob, "b2", kept, HEART, TRUE);
  frame = wait_for (ada, "reacted", "b2");
  {
    g_autofree char *target = stored_json (db, code, kept);

    g_assert_nonnull (strstr (target, "\"reactions\":{\"" HEART "\":[\"Bob\"]}"));
  }
  g_clear_pointer (&frame, json_object_unref);
  send_delete (ada, "d1", gone);
  frame = wait_for (bob, "deleted", "d1");
  {
    g_autofree char *target = stored_json (db, code, gone);
    g_autofree char *quote = stored_json (db, code, reply);

    g_assert_nonnull (strstr (target, "\"deleted\":true"));
    g_assert_null (strstr (target, "gone soon"));
    g_assert_null (strstr (quote, "gone soon"));
  }
  g_clear_pointer (&frame, json_object_unref);
  sqlite3_close (db);

  nexus_test_client_cut (ada);
  nexus_test_client_cut (bob);
  crash (server, store);
  nexus_test_client_free (ada);
  nexus_test_client_free (bob);
  g_clear_object (&store);

  store = open_store (dir);
  server = nexus_test_state_server_new (store, &limits, 0);
  reopened = nexus_server_reopen_rooms (server, NULL);
  g_assert_cmpuint (g_strv_length (reopened), ==, 1);

  /* A late joiner after the return sees it all as it was. */
  welcome = late_joiner_welcome (nexus_server_get_port (server), code, "Cy", NULL, NULL);
  message = history_event (welcome, kept);
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "kept, edited");
  g_assert_true (json_object_get_boolean_member (message, "edited"));
  names = reaction_names (message, HEART);
  g_assert_cmpstr (names, ==, "Bob");
  message = history_event (welcome, gone);
  g_assert_true (json_object_get_boolean_member (message, "deleted"));
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "");
  g_assert_cmpstr (nexus_test_str (json_object_get_object_member (history_event (welcome, reply),
                                                                  "reply"), "text"), ==, "");

  /* Ada is still the sender of her message, Bob still not; ids are still
   * deduplicated; reactions go on from where they were. */
  ada = nexus_test_client_new_resumed (nexus_server_get_port (server), ada_welcome,
                                       nexus_test_int (welcome, "last_seq"), &resumed);
  g_clear_pointer (&resumed, json_object_unref);
  bob = nexus_test_client_new_resumed (nexus_server_get_port (server), bob_welcome,
                                       nexus_test_int (welcome, "last_seq"), &resumed);
  send_edit (bob, "b3", kept, "mine now");
  nexus_test_client_expect_error_id (bob, "not-allowed", "b3");
  send_edit (ada, "e1", kept, "kept, edited");
  frame = wait_for (ada, "edited", "e1");
  g_clear_pointer (&frame, json_object_unref);
  nexus_test_assert_quiet (50, bob, NULL);
  send_edit (ada, "e2", kept, "kept, edited again");
  frame = wait_for (bob, "edited", "e2");
  g_clear_pointer (&frame, json_object_unref);
  send_react (ada, "a3", kept, HEART, TRUE);
  frame = wait_for (bob, "reacted", "a3");
  g_clear_pointer (&frame, json_object_unref);
  g_clear_pointer (&welcome, json_object_unref);
  welcome = late_joiner_welcome (nexus_server_get_port (server), code, "Cy", NULL, NULL);
  g_free (names);
  names = reaction_names (history_event (welcome, kept), HEART);
  g_assert_cmpstr (names, ==, "Bob,Ada");
  g_assert_cmpstr (nexus_test_str (history_event (welcome, kept), "text"), ==,
                   "kept, edited again");

  nexus_test_client_free (ada);
  nexus_test_client_free (bob);
  crash (server, store);
  nexus_test_state_dir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  NEXUS_TEST_ADD_SERVER ("/server/conversation/reply", test_reply, nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/edit", test_edit, nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/left-and-back", test_left_and_back,
                         nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/delete", test_delete, nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/react", test_react, nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/not-joined", test_not_joined, NULL);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/exactly-once", test_exactly_once,
                         nexus_test_limits_small);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/rate-limit", test_rate_limit, limits_small_burst);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/delete-file", test_delete_file,
                         nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/server/conversation/version-1-client", test_version_1_client,
                         nexus_test_limits_no_rate);
  g_test_add_func ("/server/conversation/saved-rooms", test_saved_rooms);

  return g_test_run ();
}
