/* test-server-conversation.c: replies, edits, deletes and reactions on a
 * real server — every frame and error, who may do what, the history a
 * late joiner gets after each, exactly once across a drop, the rate
 * limit, a version 1 client in the same room (files and saved rooms are
 * in test-server-conversation-saved.c)
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-protocol.h"
#include "nexus-server.h"
#include "test-server-conversation.h"

/* Frames */

void
nexus_test_conv_send_encoded (NexusTestClient *client,
                              char            *frame)
{
  nexus_test_client_send (client, frame);
  g_free (frame);
}

void
nexus_test_conv_send_reply (NexusTestClient *client,
                            const char      *text,
                            const char      *id,
                            gint64           reply_to)
{
  nexus_test_conv_send_encoded (client, nexus_frame_encode_reply (text, id, reply_to));
}

void
nexus_test_conv_send_edit (NexusTestClient *client,
                           const char      *id,
                           gint64           target,
                           const char      *text)
{
  nexus_test_conv_send_encoded (client, nexus_frame_encode_edit (id, target, text));
}

void
nexus_test_conv_send_delete (NexusTestClient *client,
                             const char      *id,
                             gint64           target)
{
  nexus_test_conv_send_encoded (client, nexus_frame_encode_delete (id, target));
}

void
nexus_test_conv_send_react (NexusTestClient *client,
                            const char      *id,
                            gint64           target,
                            const char      *emoji,
                            gboolean         on)
{
  nexus_test_conv_send_encoded (client, nexus_frame_encode_react (id, target, emoji, on));
}

/* The event of @type that a change makes, checked for what every such
 * event carries. */
JsonObject *
nexus_test_conv_expect_change (NexusTestClient *client,
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
JsonObject *
nexus_test_conv_wait_for (NexusTestClient *client,
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
void
nexus_test_conv_react_seen (NexusTestClient *sender,
                            NexusTestClient *other,
                            const char      *name,
                            const char      *id,
                            gint64           target,
                            const char      *emoji,
                            gboolean         on)
{
  g_autoptr(JsonObject) event = NULL;

  nexus_test_conv_send_react (sender, id, target, emoji, on);
  event = nexus_test_conv_expect_change (sender, "reacted", name, id, target);
  g_assert_cmpstr (nexus_test_str (event, "emoji"), ==, emoji);
  g_assert_true (json_object_get_boolean_member (event, "on") == on);
  json_object_unref (nexus_test_conv_expect_change (other, "reacted", name, id, target));
}

char *
nexus_test_conv_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* The event of @seq in a welcome's history. */
JsonObject *
nexus_test_conv_history_event (JsonObject *welcome,
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

/* The text of the quote of the reply @seq in a welcome's history. */
const char *
nexus_test_conv_quote (JsonObject *welcome,
                       gint64      seq)
{
  JsonObject *event = nexus_test_conv_history_event (welcome, seq);

  return nexus_test_str (json_object_get_object_member (event, "reply"), "text");
}

/* A new member's welcome: the room's history as it is now. It leaves
 * again; @a and @b (either may be NULL) see it come and go. */
JsonObject *
nexus_test_conv_late_joiner_welcome (guint            port,
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
char *
nexus_test_conv_reaction_names (JsonObject *message,
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
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "",
                            json_array_get_string_element (names, i));
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
  nexus_test_conv_send_reply (bob, "agreed", "b1", seq);
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
  nexus_test_conv_send_reply (bob, "to a join", "b2", 2);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b2");
  nexus_test_conv_send_reply (bob, "to nothing", "b2", 999);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b2");
  nexus_test_conv_send_reply (bob, "to nothing", "b2", -1);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b2");
  /* The target before the text. */
  nexus_test_conv_send_reply (bob, " ", "b2", 999);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b2");
  nexus_test_conv_send_reply (bob, " ", "b2", seq);
  nexus_test_client_expect_error_id (bob, "text-invalid", "b2");
  /* A reply_to that is not a whole number. */
  nexus_test_client_send (bob,
                          "{\"type\":\"say\",\"text\":\"x\",\"id\":\"b2\",\"reply_to\":\"3\"}");
  nexus_test_client_expect_error_id (bob, "bad-request", "b2");
  nexus_test_client_send (bob, "{\"type\":\"say\",\"text\":\"x\",\"id\":\"b2\",\"reply_to\":null}");
  nexus_test_client_expect_error_id (bob, "bad-request", "b2");
  nexus_test_assert_quiet (50, ada, bob, NULL);

  /* The history keeps the reply with its quote. */
  welcome = nexus_test_conv_late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  quote = json_object_get_object_member (nexus_test_conv_history_event (welcome, seq + 1), "reply");
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
  nexus_test_conv_send_edit (bob, "b1", seq, "hello");
  nexus_test_client_expect_error_id (bob, "not-allowed", "b1");
  nexus_test_conv_send_edit (bob, "b1", seq, "");
  nexus_test_client_expect_error_id (bob, "not-allowed", "b1");
  nexus_test_conv_send_edit (bob, "b1", 999, "");
  nexus_test_client_expect_error_id (bob, "target-not-found", "b1");
  nexus_test_conv_send_edit (ada, "e1", 2, "hello");                 /* Bob's joined */
  nexus_test_client_expect_error_id (ada, "target-not-found", "e1");
  nexus_test_conv_send_edit (ada, "e1", seq, " \n ");
  nexus_test_client_expect_error_id (ada, "text-invalid", "e1");
  nexus_test_conv_send_edit (ada, "e1", seq, "a\x01");
  nexus_test_client_expect_error_id (ada, "text-invalid", "e1");
  nexus_test_client_send (ada, "{\"type\":\"edit\",\"id\":\"e1\",\"target\":3}");
  nexus_test_client_expect_error_id (ada, "bad-request", "e1");
  nexus_test_client_send (ada, "{\"type\":\"edit\",\"id\":\"e1\",\"target\":\"3\",\"text\":\"x\"}");
  nexus_test_client_expect_error_id (ada, "bad-request", "e1");
  nexus_test_client_send (ada, "{\"type\":\"edit\",\"id\":\"e 1\",\"target\":3,\"text\":\"x\"}");
  nexus_test_client_expect_error_id (ada, "bad-request", NULL);
  nexus_test_assert_quiet (50, ada, bob, NULL);

  /* The sender's edit reaches everyone, the sender too, as its own event. */
  nexus_test_conv_send_edit (ada, "e1", seq, "hello");
  edited = nexus_test_conv_expect_change (ada, "edited", "Ada", "e1", seq);
  seen = nexus_test_conv_expect_change (bob, "edited", "Ada", "e1", seq);
  g_assert_cmpstr (nexus_test_str (edited, "text"), ==, "hello");
  g_assert_cmpint (nexus_test_int (edited, "seq"), ==, seq + 1);
  g_assert_cmpint (nexus_test_int (seen, "seq"), ==, seq + 1);

  /* A late joiner sees the current text, marked edited, and the event. */
  welcome = nexus_test_conv_late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  message = nexus_test_conv_history_event (welcome, seq);
  g_assert_cmpstr (nexus_test_str (message, "type"), ==, "message");
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "hello");
  g_assert_cmpstr (nexus_test_str (message, "id"), ==, "a1");
  g_assert_true (json_object_get_boolean_member (message, "edited"));
  message = nexus_test_conv_history_event (welcome, seq + 1);
  g_assert_cmpstr (nexus_test_str (message, "type"), ==, "edited");
  g_assert_cmpint (nexus_test_int (welcome, "last_seq"), ==, seq + 2);   /* Cy's joined */

  /* An edit obeys the text rules: 4000 characters, not one more. */
  {
    g_autofree char *longest = g_strnfill (4000, 'z');
    g_autofree char *too_long = g_strnfill (4001, 'z');
    g_autoptr(JsonObject) event = NULL;

    nexus_test_conv_send_edit (ada, "e9", seq, too_long);
    nexus_test_client_expect_error_id (ada, "text-invalid", "e9");
    nexus_test_conv_send_edit (ada, "e9", seq, longest);
    event = nexus_test_conv_expect_change (ada, "edited", "Ada", "e9", seq);
    g_assert_cmpstr (nexus_test_str (event, "text"), ==, longest);
    json_object_unref (nexus_test_conv_expect_change (bob, "edited", "Ada", "e9", seq));
  }

  /* Edited twice: the newest text. */
  g_clear_pointer (&edited, json_object_unref);
  nexus_test_conv_send_edit (ada, "e2", seq, "hello, Bob");
  edited = nexus_test_conv_expect_change (ada, "edited", "Ada", "e2", seq);
  json_object_unref (nexus_test_conv_expect_change (bob, "edited", "Ada", "e2", seq));
  g_clear_pointer (&welcome, json_object_unref);
  welcome = nexus_test_conv_late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  message = nexus_test_conv_history_event (welcome, seq);
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "hello, Bob");
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

  json_object_unref (nexus_test_client_expect (ada, "message"));
  nexus_test_client_send (bob, "{\"type\":\"leave\"}");
  nexus_test_client_wait_closed (bob);
  json_object_unref (nexus_test_client_expect (ada, "left"));
  welcome = nexus_test_client_join (again, nexus_test_str (ada_welcome, "room"), "Bob");
  nexus_test_conv_send_edit (again, "b2", seq, "still mine?");
  nexus_test_client_expect_error_id (again, "not-allowed", "b2");
  nexus_test_conv_send_delete (again, "b2", seq);
  nexus_test_client_expect_error_id (again, "not-allowed", "b2");
  /* Anyone in the room may react. */
  nexus_test_conv_send_react (again, "b2", seq, HEART, TRUE);
  reacted = nexus_test_conv_expect_change (again, "reacted", "Bob", "b2", seq);
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
  nexus_test_conv_send_reply (bob, "tell me more", "b1", seq);                  /* seq + 1 */
  reply = nexus_test_client_expect (bob, "message");
  json_object_unref (nexus_test_client_expect (ada, "message"));
  nexus_test_conv_send_react (bob, "b2", seq, THUMBS, TRUE);                     /* seq + 2 */
  json_object_unref (nexus_test_conv_expect_change (bob, "reacted", "Bob", "b2", seq));
  json_object_unref (nexus_test_conv_expect_change (ada, "reacted", "Bob", "b2", seq));

  nexus_test_conv_send_delete (bob, "b3", seq);
  nexus_test_client_expect_error_id (bob, "not-allowed", "b3");
  nexus_test_conv_send_delete (ada, "d1", 999);
  nexus_test_client_expect_error_id (ada, "target-not-found", "d1");
  nexus_test_client_send (ada, "{\"type\":\"delete\",\"id\":\"d1\"}");
  nexus_test_client_expect_error_id (ada, "bad-request", "d1");

  nexus_test_conv_send_delete (ada, "d1", seq);                                  /* seq + 3 */
  deleted = nexus_test_conv_expect_change (ada, "deleted", "Ada", "d1", seq);
  g_assert_false (json_object_has_member (deleted, "text"));
  json_object_unref (nexus_test_conv_expect_change (bob, "deleted", "Ada", "d1", seq));

  /* Nothing more can be done to it. */
  nexus_test_conv_send_delete (ada, "d2", seq);
  nexus_test_client_expect_error_id (ada, "target-not-found", "d2");
  nexus_test_conv_send_edit (ada, "d2", seq, "back");
  nexus_test_client_expect_error_id (ada, "target-not-found", "d2");
  nexus_test_conv_send_react (bob, "b3", seq, THUMBS, FALSE);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b3");
  nexus_test_conv_send_reply (bob, "what?", "b3", seq);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b3");

  /* The history: "deleted", no text, no reactions; the quote of it blank. */
  welcome = nexus_test_conv_late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  message = nexus_test_conv_history_event (welcome, seq);
  g_assert_true (json_object_get_boolean_member (message, "deleted"));
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "");
  g_assert_cmpstr (nexus_test_str (message, "id"), ==, "a1");
  g_assert_false (json_object_has_member (message, "reactions"));
  g_assert_false (json_object_has_member (message, "file"));
  message = nexus_test_conv_history_event (welcome, seq + 1);
  g_assert_cmpstr (nexus_test_str (message, "text"), ==, "tell me more");
  g_assert_cmpstr (nexus_test_conv_quote (welcome, seq + 1), ==, "");
  message = json_object_get_object_member (message, "reply");
  g_assert_cmpint (nexus_test_int (message, "seq"), ==, seq);
  message = nexus_test_conv_history_event (welcome, seq + 3);
  g_assert_cmpstr (nexus_test_str (message, "type"), ==, "deleted");
  {
    g_autofree char *all = nexus_test_conv_object_to_string (welcome);

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
  nexus_test_conv_send_react (bob, "x", 2, THUMBS, TRUE);
  nexus_test_client_expect_error_id (bob, "target-not-found", "x");
  nexus_test_assert_quiet (50, ada, bob, NULL);

  /* Each of the six, and the event carries emoji and on. */
  for (guint i = 0; i < G_N_ELEMENTS (emoji); i++)
    {
      g_autofree char *id = g_strdup_printf ("all%u", i);
      g_autoptr(JsonObject) event = NULL;

      nexus_test_conv_send_react (ada, id, seq, emoji[i], TRUE);
      event = nexus_test_conv_expect_change (ada, "reacted", "Ada", id, seq);
      g_assert_cmpstr (nexus_test_str (event, "emoji"), ==, emoji[i]);
      g_assert_true (json_object_get_boolean_member (event, "on"));
      json_object_unref (nexus_test_conv_expect_change (bob, "reacted", "Ada", id, seq));
    }
  for (guint i = 1; i < G_N_ELEMENTS (emoji); i++)
    {
      g_autofree char *id = g_strdup_printf ("off%u", i);
      g_autoptr(JsonObject) event = NULL;

      nexus_test_conv_send_react (ada, id, seq, emoji[i], FALSE);
      event = nexus_test_conv_expect_change (ada, "reacted", "Ada", id, seq);
      g_assert_false (json_object_get_boolean_member (event, "on"));
      json_object_unref (nexus_test_conv_expect_change (bob, "reacted", "Ada", id, seq));
    }

  /* Names, oldest first; a removed one goes; one already off is still an
   * event; one added again goes to the end. */
  nexus_test_conv_react_seen (bob, ada, "Bob", "b1", seq, THUMBS, TRUE);
  nexus_test_conv_react_seen (bob, ada, "Bob", "b2", seq, PARTY, TRUE);
  nexus_test_conv_react_seen (bob, ada, "Bob", "b3", seq, THUMBS, TRUE);       /* already on */
  welcome = nexus_test_conv_late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  names = nexus_test_conv_reaction_names (nexus_test_conv_history_event (welcome, seq), THUMBS);
  g_assert_cmpstr (names, ==, "Ada,Bob");
  g_free (names);
  names = nexus_test_conv_reaction_names (nexus_test_conv_history_event (welcome, seq), PARTY);
  g_assert_cmpstr (names, ==, "Bob");
  g_free (names);
  names = nexus_test_conv_reaction_names (nexus_test_conv_history_event (welcome, seq), HEART);
  g_assert_null (names);

  nexus_test_conv_react_seen (ada, bob, "Ada", "a2", seq, THUMBS, FALSE);
  nexus_test_conv_react_seen (ada, bob, "Ada", "a3", seq, THUMBS, FALSE);      /* already off */
  g_clear_pointer (&welcome, json_object_unref);
  welcome = nexus_test_conv_late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  names = nexus_test_conv_reaction_names (nexus_test_conv_history_event (welcome, seq), THUMBS);
  g_assert_cmpstr (names, ==, "Bob");
  g_free (names);
  nexus_test_conv_react_seen (ada, bob, "Ada", "a4", seq, THUMBS, TRUE);
  nexus_test_conv_react_seen (bob, ada, "Bob", "b4", seq, PARTY, FALSE);
  g_clear_pointer (&welcome, json_object_unref);
  welcome = nexus_test_conv_late_joiner_welcome (fixture->port, code, "Cy", ada, bob);
  names = nexus_test_conv_reaction_names (nexus_test_conv_history_event (welcome, seq), THUMBS);
  g_assert_cmpstr (names, ==, "Bob,Ada");
  g_free (names);
  names = nexus_test_conv_reaction_names (nexus_test_conv_history_event (welcome, seq), PARTY);
  g_assert_null (names);
  nexus_test_client_free (bob);
}

/* Before joining, each new frame is not-joined, whatever else is wrong. */
static void
test_not_joined (NexusTestServer *fixture,
                 gconstpointer    data)
{
  g_autoptr(NexusTestClient) fresh = nexus_test_client_new (fixture->port, NULL);

  nexus_test_conv_send_edit (fresh, "e1", 1, "x");
  nexus_test_client_expect_error_id (fresh, "not-joined", "e1");
  nexus_test_conv_send_delete (fresh, "d1", 1);
  nexus_test_client_expect_error_id (fresh, "not-joined", "d1");
  nexus_test_conv_send_react (fresh, "r1", 1, THUMBS, TRUE);
  nexus_test_client_expect_error_id (fresh, "not-joined", "r1");
  nexus_test_client_send (fresh, "{\"type\":\"react\"}");
  nexus_test_client_expect_error_id (fresh, "not-joined", NULL);
  nexus_test_conv_send_reply (fresh, "x", "s1", 1);
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
  nexus_test_conv_send_edit (ada, "e1", seq, "first!");                                      /* 4 */
  edited = nexus_test_conv_expect_change (bob, "edited", "Ada", "e1", seq);
  nexus_test_client_cut (ada);
  nexus_test_client_free (ada);

  /* The resume brings it; the edit sent again gets the original. */
  ada = nexus_test_client_new_resumed (fixture->port, ada_welcome, seq, &resumed);
  event = nexus_test_conv_history_event (resumed, seq + 1);
  g_assert_cmpstr (nexus_test_str (event, "type"), ==, "edited");
  g_assert_cmpstr (nexus_test_str (event, "id"), ==, "e1");
  nexus_test_conv_send_edit (ada, "e1", seq, "first!");
  again = nexus_test_conv_expect_change (ada, "edited", "Ada", "e1", seq);
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, nexus_test_int (edited, "seq"));
  g_assert_cmpstr (nexus_test_str (again, "ts"), ==, nexus_test_str (edited, "ts"));
  g_clear_pointer (&again, json_object_unref);

  /* Whatever it carries, and whichever frame repeats it: the id is the
   * original's. A say's id repeated by a react gets the message. */
  nexus_test_conv_send_edit (ada, "e1", seq, "something else");
  again = nexus_test_conv_expect_change (ada, "edited", "Ada", "e1", seq);
  g_assert_cmpstr (nexus_test_str (again, "text"), ==, "first!");
  g_clear_pointer (&again, json_object_unref);
  nexus_test_conv_send_react (ada, "a1", seq, THUMBS, TRUE);
  again = nexus_test_client_expect (ada, "message");
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, seq);
  g_assert_cmpstr (nexus_test_str (again, "text"), ==, "first!");   /* as it is now */
  g_assert_true (json_object_get_boolean_member (again, "edited"));
  g_clear_pointer (&again, json_object_unref);
  nexus_test_conv_send_encoded (ada, nexus_frame_encode_say ("again", "e1"));
  again = nexus_test_client_expect (ada, "edited");
  g_clear_pointer (&again, json_object_unref);
  nexus_test_assert_quiet (50, bob, NULL);

  /* A react, and its repeat after the history (5 events here) let it go:
   * the same event, made again from the frame. */
  nexus_test_conv_send_react (ada, "r1", seq, PARTY, TRUE);                                  /* 5 */
  reacted = nexus_test_conv_expect_change (ada, "reacted", "Ada", "r1", seq);
  json_object_unref (nexus_test_conv_expect_change (bob, "reacted", "Ada", "r1", seq));
  nexus_test_client_say_n (ada, 6, "more", "m");                             /* 6 … 11 */
  for (guint i = 0; i < 6; i++)
    json_object_unref (nexus_test_client_expect (bob, "message"));
  nexus_test_conv_send_react (ada, "r1", seq, PARTY, TRUE);
  again = nexus_test_conv_expect_change (ada, "reacted", "Ada", "r1", seq);
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, nexus_test_int (reacted, "seq"));
  g_assert_cmpstr (nexus_test_str (again, "ts"), ==, nexus_test_str (reacted, "ts"));
  g_assert_cmpstr (nexus_test_str (again, "emoji"), ==, PARTY);
  g_assert_true (json_object_get_boolean_member (again, "on"));
  g_clear_pointer (&again, json_object_unref);
  /* The edit's id, the edit long gone: no delete. */
  nexus_test_conv_send_delete (ada, "e1", seq);
  again = nexus_test_client_expect (ada, "deleted");
  g_assert_cmpint (nexus_test_int (again, "seq"), ==, nexus_test_int (edited, "seq"));
  nexus_test_assert_quiet (50, bob, NULL);
  /* The message is gone from the history too: nothing can change it. */
  nexus_test_conv_send_react (bob, "b1", seq, PARTY, TRUE);
  nexus_test_client_expect_error_id (bob, "target-not-found", "b1");
  nexus_test_conv_send_edit (ada, "e2", seq, "too late");
  nexus_test_client_expect_error_id (ada, "target-not-found", "e2");
  nexus_test_conv_send_reply (bob, "too late", "b1", seq);
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
  nexus_test_conv_send_react (ada, "r1", seq, THUMBS, TRUE);
  nexus_test_conv_send_edit (ada, "e1", seq, "n");
  nexus_test_conv_send_react (ada, "r2", seq, HEART, TRUE);
  nexus_test_conv_send_react (ada, "r3", seq, PARTY, TRUE);
  nexus_test_conv_send_delete (ada, "d1", seq);         /* the sixth frame: over the limit */
  json_object_unref (nexus_test_client_expect (ada, "reacted"));
  json_object_unref (nexus_test_client_expect (ada, "edited"));
  json_object_unref (nexus_test_client_expect (ada, "reacted"));
  json_object_unref (nexus_test_client_expect (ada, "reacted"));
  nexus_test_client_expect_error_id (ada, "rate-limited", "d1");
  /* A repeated id costs a token too. */
  nexus_test_conv_send_react (ada, "r1", seq, THUMBS, TRUE);
  nexus_test_client_expect_error_id (ada, "rate-limited", "r1");

  /* Refused, not recorded: the id may be retried later. */
  nexus_test_spin (600);
  nexus_test_conv_send_delete (ada, "d1", seq);
  event = nexus_test_conv_expect_change (ada, "deleted", "Ada", "d1", seq);
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
  nexus_test_conv_send_reply (ada, "hi", "a1", seq);
  json_object_unref (nexus_test_conv_wait_for (ada, "message", "a1"));
  nexus_test_conv_send_react (bob, "b1", seq, THUMBS, TRUE);
  json_object_unref (nexus_test_conv_wait_for (bob, "reacted", "b1"));
  nexus_test_conv_send_react (ada, "a2", seq, PARTY, TRUE);
  json_object_unref (nexus_test_conv_wait_for (ada, "reacted", "a2"));
  nexus_test_conv_send_edit (ada, "a3", seq + 1, "hi, Old");
  json_object_unref (nexus_test_conv_wait_for (ada, "edited", "a3"));
  nexus_test_conv_send_delete (ada, "a4", seq + 1);
  json_object_unref (nexus_test_conv_wait_for (ada, "deleted", "a4"));
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
  NEXUS_TEST_ADD_SERVER ("/server/conversation/version-1-client", test_version_1_client,
                         nexus_test_limits_no_rate);
  nexus_test_conv_add_file_and_saved_tests ();

  return g_test_run ();
}
