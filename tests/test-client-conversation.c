/* test-client-conversation.c: NexusClient's replies, edits, deletes,
 * reactions, mentions and unread messages, against a host that says what
 * the test tells it to (PROTOCOL.md, Conversation)
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-client-private.h"
#include "nexus-mention.h"
#include "nexus-test-scripted-host.h"
#include "nexus-test-utils.h"
#include "test-client-conversation.h"

#define TS "\"ts\":\"2026-11-24T09:15:00.000Z\""
#define THUMBS "\xF0\x9F\x91\x8D"
#define HEART "\xE2\x9D\xA4\xEF\xB8\x8F"
#define PARTY "\xF0\x9F\x8E\x89"

#define WELCOME \
  "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"s1\"," \
  "\"members\":[\"Ada\",\"Bob\"],\"history\":[{\"type\":\"joined\",\"seq\":1," TS \
  ",\"name\":\"Bob\"},{\"type\":\"joined\",\"seq\":2," TS ",\"name\":\"Ada\"}]," \
  "\"last_seq\":2,\"resumed\":false}"

static char *
resumed_welcome (gint64      last_seq,
                 const char *history)
{
  return g_strdup_printf ("{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\","
                          "\"session\":\"s1\",\"members\":[\"Ada\",\"Bob\"],\"history\":[%s],"
                          "\"last_seq\":%" G_GINT64_FORMAT ",\"resumed\":true}",
                          history ? history : "", last_seq);
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

static void
host_says (NexusTestHost *host,
           const char    *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
host_says (NexusTestHost *host,
           const char    *format,
           ...)
{
  va_list args;
  g_autofree char *frame = NULL;

  va_start (args, format);
  frame = g_strdup_vprintf (format, args);
  va_end (args);
  nexus_test_host_send (host, frame);
}

/* Bob's message @seq, as the live frame. */
static NexusEvent *
bob_says (NexusTestHost *host,
          NexusClient   *ada,
          gint64         seq,
          const char    *text)
{
  NexusEvent *event;

  host_says (host, "{\"type\":\"message\",\"seq\":%" G_GINT64_FORMAT "," TS ",\"name\":\"Bob\","
             "\"text\":\"%s\",\"id\":\"b%" G_GINT64_FORMAT "\"}", seq, text, seq);
  WAIT_UNTIL ((event = nexus_event_log_lookup (NEXUS_EVENT_LOG (nexus_client_get_events (ada)),
                                               seq)) != NULL);
  return event;
}

/* Own message @text: sent, and confirmed as @seq. */
static NexusEvent *
ada_says (NexusTestHost *host,
          NexusClient   *ada,
          gint64         seq,
          const char    *text)
{
  NexusEvent *event = nexus_client_say (ada, text);
  g_autoptr(JsonObject) say = nexus_test_host_expect (host, "say");

  host_says (host, "{\"type\":\"message\",\"seq\":%" G_GINT64_FORMAT "," TS ",\"name\":\"Ada\","
             "\"text\":\"%s\",\"id\":\"%s\"}", seq, text, nexus_test_str (say, "id"));
  WAIT_UNTIL (nexus_event_get_seq (event) == seq);
  return event;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
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

/* Mentions: `@` and a member's name, NFKC and case folded, the longest
 * that matches; not inside a word, not a name that only begins there. */
static void
test_mentions (void)
{
  const char * const names[] = { "Ada", "Ada Lovelace", "Bob", "Strauß", "Zoë", NULL };
  const char * const ada_only[] = { "Ada", NULL };
  g_autoptr(GArray) found = NULL;
  g_auto(GStrv) all = NULL;
  g_auto(GStrv) some = NULL;

  g_assert_true (nexus_mentions_name ("@Ada hi", names, "Ada"));
  g_assert_true (nexus_mentions_name ("hi @ada", names, "Ada"));
  g_assert_true (nexus_mentions_name ("hi @ADA, how are you?", names, "Ada"));
  g_assert_true (nexus_mentions_name ("hi @\xEF\xBC\xA1\xEF\xBC\xA4\xEF\xBC\xA1!", names, "Ada"));
  g_assert_true (nexus_mentions_name ("line\n@Ada", names, "Ada"));
  g_assert_true (nexus_mentions_name ("thanks @Ada\xF0\x9F\x98\x80", names, "Ada"));
  g_assert_false (nexus_mentions_name ("thanks @Adam", names, "Ada"));
  /* The longest name wins where two overlap. */
  g_assert_false (nexus_mentions_name ("@Ada Lovelace wrote this", names, "Ada"));
  g_assert_true (nexus_mentions_name ("@Ada Lovelace wrote this", names, "Ada Lovelace"));
  g_assert_true (nexus_mentions_name ("@Ada Lovelace wrote this", ada_only, "Ada"));
  g_assert_true (nexus_mentions_name ("@Ada and @Ada Lovelace", names, "Ada"));
  /* Not in a word, not a longer word, not a bare @. */
  g_assert_false (nexus_mentions_name ("mail@Ada", names, "Ada"));
  g_assert_false (nexus_mentions_name ("@Adam is here", names, "Ada"));
  g_assert_false (nexus_mentions_name ("@ Ada", names, "Ada"));
  g_assert_false (nexus_mentions_name ("Ada", names, "Ada"));
  /* Case folding makes ß and SS one; composed and decomposed ë are one. */
  g_assert_true (nexus_mentions_name ("@STRAUSS?", names, "Strauß"));
  g_assert_true (nexus_mentions_name ("@Zoe\xCC\x88 ok", names, "Zo\xC3\xAB"));
  /* The own name counts when the member list lacks it. */
  g_assert_true (nexus_mentions_name ("@Cy!", names, "Cy"));

  found = nexus_mentions_find ("@bob and @Ada Lovelace.", names);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpuint (g_array_index (found, NexusMention, 0).start, ==, 0);
  g_assert_cmpuint (g_array_index (found, NexusMention, 0).end, ==, 4);
  g_assert_cmpuint (g_array_index (found, NexusMention, 0).name_index, ==, 2);
  g_assert_cmpuint (g_array_index (found, NexusMention, 1).start, ==, 9);
  g_assert_cmpuint (g_array_index (found, NexusMention, 1).end, ==, 22);
  g_assert_cmpuint (g_array_index (found, NexusMention, 1).name_index, ==, 1);

  /* Completion: names that begin with what follows the @. */
  all = nexus_mention_complete ("", names);
  g_assert_cmpuint (g_strv_length (all), ==, 5);
  some = nexus_mention_complete ("a", names);
  g_assert_cmpuint (g_strv_length (some), ==, 2);
  g_assert_cmpstr (some[0], ==, "Ada");
  g_assert_cmpstr (some[1], ==, "Ada Lovelace");
  g_clear_pointer (&some, g_strfreev);
  some = nexus_mention_complete ("STRAUS", names);
  g_assert_cmpuint (g_strv_length (some), ==, 1);
  g_clear_pointer (&some, g_strfreev);
  some = nexus_mention_complete ("x", names);
  g_assert_cmpuint (g_strv_length (some), ==, 0);
}

/* Live events change the message they point at, each once: the same
 * event again (a replay) changes nothing and tells nobody. */
static void
test_apply_live (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  g_autoptr(NexusClient) ada = start (host);
  NexusEvent *hello = bob_says (host, ada, 3, "hello");
  NexusEvent *answer;
  guint text_changes = 0, reaction_changes = 0, deletes = 0;

  g_signal_connect (hello, "notify::text", G_CALLBACK (count_notify), &text_changes);
  g_signal_connect (hello, "notify::reactions", G_CALLBACK (count_notify), &reaction_changes);
  g_signal_connect (hello, "notify::deleted", G_CALLBACK (count_notify), &deletes);

  for (guint i = 0; i < 2; i++)
    host_says (host, "{\"type\":\"edited\",\"seq\":4," TS ",\"name\":\"Bob\",\"id\":\"b4\","
               "\"target\":3,\"text\":\"hello, all\"}");
  WAIT_UNTIL (nexus_client_get_last_seq (ada) == 4);
  nexus_test_spin (50);
  g_assert_cmpstr (nexus_event_get_text (hello), ==, "hello, all");
  g_assert_true (nexus_event_get_edited (hello));
  g_assert_cmpuint (text_changes, ==, 1);

  for (guint i = 0; i < 2; i++)
    host_says (host, "{\"type\":\"reacted\",\"seq\":5," TS ",\"name\":\"Bob\",\"id\":\"b5\","
               "\"target\":3,\"emoji\":\"" THUMBS "\",\"on\":true}");
  host_says (host, "{\"type\":\"reacted\",\"seq\":6," TS ",\"name\":\"Ada\",\"id\":\"x6\","
             "\"target\":3,\"emoji\":\"" THUMBS "\",\"on\":true}");
  host_says (host, "{\"type\":\"reacted\",\"seq\":7," TS ",\"name\":\"Bob\",\"id\":\"b7\","
             "\"target\":3,\"emoji\":\"" PARTY "\",\"on\":true}");
  host_says (host, "{\"type\":\"reacted\",\"seq\":8," TS ",\"name\":\"Bob\",\"id\":\"b8\","
             "\"target\":3,\"emoji\":\"" PARTY "\",\"on\":false}");
  /* Already off: still an event, no change. */
  host_says (host, "{\"type\":\"reacted\",\"seq\":9," TS ",\"name\":\"Bob\",\"id\":\"b9\","
             "\"target\":3,\"emoji\":\"" PARTY "\",\"on\":false}");
  WAIT_UNTIL (nexus_client_get_last_seq (ada) == 9);
  g_assert_cmpuint (nexus_event_get_n_reactors (hello, THUMBS), ==, 2);
  g_assert_cmpstr (nexus_event_get_reactors (hello, THUMBS)[0], ==, "Bob");
  g_assert_cmpstr (nexus_event_get_reactors (hello, THUMBS)[1], ==, "Ada");
  g_assert_true (nexus_event_has_reacted (hello, THUMBS, "Ada"));
  g_assert_cmpuint (nexus_event_get_n_reactors (hello, PARTY), ==, 0);
  g_assert_cmpuint (reaction_changes, ==, 4);
  {
    g_auto(GStrv) reactions = NULL;

    g_object_get (hello, "reactions", &reactions, NULL);
    g_assert_cmpuint (g_strv_length (reactions), ==, 1);
    g_assert_cmpstr (reactions[0], ==, THUMBS);
  }

  /* A reply, then the original deleted: gone for good, and the reply's
   * quote loses its text. */
  host_says (host, "{\"type\":\"message\",\"seq\":10," TS ",\"name\":\"Bob\",\"text\":\"yes\","
             "\"id\":\"b10\",\"reply\":{\"seq\":3,\"name\":\"Bob\",\"text\":\"hello, all\"}}");
  WAIT_UNTIL ((answer = nexus_event_log_lookup (NEXUS_EVENT_LOG (nexus_client_get_events (ada)),
                                                10)) != NULL);
  g_assert_cmpint (nexus_event_get_reply_seq (answer), ==, 3);
  g_assert_cmpstr (nexus_event_get_reply_name (answer), ==, "Bob");
  g_assert_cmpstr (nexus_event_get_reply_quote (answer), ==, "hello, all");
  for (guint i = 0; i < 2; i++)
    host_says (host, "{\"type\":\"deleted\",\"seq\":11," TS ",\"name\":\"Bob\",\"id\":\"b11\","
               "\"target\":3}");
  host_says (host, "{\"type\":\"edited\",\"seq\":4," TS ",\"name\":\"Bob\",\"id\":\"b4\","
             "\"target\":3,\"text\":\"hello, all\"}");
  WAIT_UNTIL (nexus_client_get_last_seq (ada) == 11);
  nexus_test_spin (50);
  g_assert_true (nexus_event_get_deleted (hello));
  g_assert_cmpuint (deletes, ==, 1);
  g_assert_cmpstr (nexus_event_get_text (hello), ==, "");
  g_assert_cmpuint (nexus_event_get_n_reactors (hello, THUMBS), ==, 0);
  g_assert_cmpstr (nexus_event_get_reply_quote (answer), ==, "");
  /* An event for a message the log does not have is no harm. */
  host_says (host, "{\"type\":\"edited\",\"seq\":12," TS ",\"name\":\"Bob\",\"id\":\"b12\","
             "\"target\":99,\"text\":\"?\"}");
  /* Malformed ones are ignored. */
  host_says (host, "{\"type\":\"reacted\",\"seq\":13," TS ",\"name\":\"Bob\",\"id\":\"b13\","
             "\"target\":10,\"emoji\":\"x\",\"on\":true}");
  host_says (host, "{\"type\":\"edited\",\"seq\":\"14\"," TS ",\"name\":\"Bob\",\"id\":\"b14\","
             "\"target\":10,\"text\":\"no\"}");
  WAIT_UNTIL (nexus_client_get_last_seq (ada) == 12);
  nexus_test_spin (50);
  g_assert_cmpint (nexus_client_get_last_seq (ada), ==, 12);
  g_assert_cmpstr (nexus_event_get_text (answer), ==, "yes");
  g_assert_cmpuint (nexus_event_get_n_reactors (answer, THUMBS), ==, 0);
}

/* A late joiner's history has the current state in its messages, and
 * the events after them: applied in order, they end in that state. */
static void
test_apply_history (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  NexusClient *ada = nexus_client_new ("127.0.0.1", host->port);
  g_autoptr(JsonObject) join = NULL;
  NexusEventLog *log = NEXUS_EVENT_LOG (nexus_client_get_events (ada));
  NexusEvent *first, *second, *third, *reply;

  nexus_client_join (ada, "K7QX3M", "Ada");
  join = nexus_test_host_expect (host, "join");
  nexus_test_host_send (host,
    "{\"type\":\"welcome\",\"room\":\"K7QX3M\",\"name\":\"Ada\",\"session\":\"s1\","
    "\"members\":[\"Bob\",\"Ada\"],\"history\":["
    "{\"type\":\"message\",\"seq\":1," TS ",\"name\":\"Bob\",\"text\":\"v3\",\"id\":\"b1\","
    "\"edited\":true,\"reactions\":{\"" THUMBS "\":[\"Cy\",\"Bob\"],\"" HEART "\":[\"Cy\"]}},"
    "{\"type\":\"message\",\"seq\":2," TS ",\"name\":\"Bob\",\"text\":\"\",\"id\":\"b2\","
    "\"deleted\":true},"
    "{\"type\":\"message\",\"seq\":3," TS ",\"name\":\"Bob\",\"text\":\"@ada look\",\"id\":\"b3\"},"
    "{\"type\":\"message\",\"seq\":4," TS ",\"name\":\"Cy\",\"text\":\"ok\",\"id\":\"c4\","
    "\"reply\":{\"seq\":2,\"name\":\"Bob\",\"text\":\"\"}},"
    "{\"type\":\"edited\",\"seq\":5," TS ",\"name\":\"Bob\",\"id\":\"b5\",\"target\":1,\"text\":\"v2\"},"
    "{\"type\":\"reacted\",\"seq\":6," TS ",\"name\":\"Ada\",\"id\":\"a6\",\"target\":1,"
    "\"emoji\":\"" HEART "\",\"on\":true},"
    "{\"type\":\"deleted\",\"seq\":7," TS ",\"name\":\"Bob\",\"id\":\"b7\",\"target\":2},"
    "{\"type\":\"edited\",\"seq\":8," TS ",\"name\":\"Bob\",\"id\":\"b8\",\"target\":1,\"text\":\"v3\"},"
    "{\"type\":\"reacted\",\"seq\":9," TS ",\"name\":\"Ada\",\"id\":\"a9\",\"target\":1,"
    "\"emoji\":\"" HEART "\",\"on\":false},"
    "{\"type\":\"joined\",\"seq\":10," TS ",\"name\":\"Ada\"}],"
    "\"last_seq\":10,\"resumed\":false}");
  WAIT_UNTIL (nexus_client_get_state (ada) == NEXUS_CLIENT_STATE_JOINED);

  first = nexus_event_log_lookup (log, 1);
  second = nexus_event_log_lookup (log, 2);
  third = nexus_event_log_lookup (log, 3);
  reply = nexus_event_log_lookup (log, 4);
  g_assert_nonnull (first);
  g_assert_cmpstr (nexus_event_get_text (first), ==, "v3");
  g_assert_true (nexus_event_get_edited (first));
  g_assert_cmpuint (nexus_event_get_n_reactors (first, THUMBS), ==, 2);
  g_assert_cmpstr (nexus_event_get_reactors (first, THUMBS)[0], ==, "Cy");
  g_assert_cmpuint (nexus_event_get_n_reactors (first, HEART), ==, 1);
  g_assert_false (nexus_event_has_reacted (first, HEART, "Ada"));
  g_assert_true (nexus_event_get_deleted (second));
  g_assert_false (nexus_client_can_react (ada, second));
  g_assert_true (nexus_event_get_mentions_me (third));
  g_assert_false (nexus_event_get_mentions_me (first));
  g_assert_cmpint (nexus_event_get_reply_seq (reply), ==, 2);
  g_assert_cmpstr (nexus_event_get_reply_quote (reply), ==, "");
  /* History is not unread: it was said before joining. */
  g_assert_cmpuint (nexus_client_get_unread (ada), ==, 0);
  g_assert_cmpint (nexus_client_get_last_seq (ada), ==, 10);
  g_assert_finalize_object (ada);
}

static JsonObject *
expect_change (NexusTestHost *host,
               const char    *type,
               gint64         target)
{
  JsonObject *frame = nexus_test_host_expect (host, type);

  g_assert_cmpint (nexus_test_int (frame, "target"), ==, target);
  g_assert_cmpuint (strlen (nexus_test_str (frame, "id")), >, 0);
  return frame;
}

/* Each call sends its frame; the host's event confirms it; a refusal is
 * a sentence; a change over the rate goes again with its id. */
static void
test_send (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  g_autoptr(NexusClient) ada = start (host);
  NexusEvent *hello = bob_says (host, ada, 3, "hello\\nsecond line");
  NexusEvent *mine = ada_says (host, ada, 4, "my text");
  NexusEvent *reply;
  g_autofree char *refused = NULL;
  g_autoptr(JsonObject) say = NULL;
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(JsonObject) react = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) del = NULL;

  g_signal_connect (ada, "refused", G_CALLBACK (on_refused), &refused);

  /* A reply carries reply_to and shows its quote at once. */
  reply = nexus_client_reply (ada, "yes", hello);
  g_assert_nonnull (reply);
  g_assert_cmpint (nexus_event_get_reply_seq (reply), ==, 3);
  g_assert_cmpstr (nexus_event_get_reply_quote (reply), ==, "hello");
  say = nexus_test_host_expect (host, "say");
  g_assert_cmpint (nexus_test_int (say, "reply_to"), ==, 3);
  host_says (host, "{\"type\":\"message\",\"seq\":5," TS ",\"name\":\"Ada\",\"text\":\"yes\","
             "\"id\":\"%s\",\"reply\":{\"seq\":3,\"name\":\"Bob\",\"text\":\"hello\"}}",
             nexus_test_str (say, "id"));
  WAIT_UNTIL (nexus_event_get_seq (reply) == 5);

  /* Edit: only own text messages of the room. */
  g_assert_false (nexus_client_edit (ada, hello, "mine now"));
  g_assert_false (nexus_client_delete (ada, hello));
  g_assert_false (nexus_client_edit (ada, mine, "   "));
  g_assert_true (nexus_client_edit (ada, mine, "my new text"));
  edit = expect_change (host, "edit", 4);
  g_assert_cmpstr (nexus_test_str (edit, "text"), ==, "my new text");
  /* Not yet shown: the host's event is the change. */
  g_assert_cmpstr (nexus_event_get_text (mine), ==, "my text");
  host_says (host, "{\"type\":\"edited\",\"seq\":6," TS ",\"name\":\"Ada\",\"id\":\"%s\","
             "\"target\":4,\"text\":\"my new text\"}", nexus_test_str (edit, "id"));
  WAIT_UNTIL (nexus_event_get_edited (mine));
  g_assert_cmpstr (nexus_event_get_text (mine), ==, "my new text");
  g_assert_false (_nexus_client_changes_unsent (ada));
  g_assert_cmpuint (ada->changes.length, ==, 0);

  /* React: any message; not an emoji of the six. */
  g_assert_false (nexus_client_react (ada, hello, "x", TRUE));
  g_assert_true (nexus_client_react (ada, hello, HEART, TRUE));
  react = expect_change (host, "react", 3);
  g_assert_cmpstr (nexus_test_str (react, "emoji"), ==, HEART);
  g_assert_true (json_object_get_boolean_member (react, "on"));
  /* Over the rate: the same id again after a pause. */
  host_says (host, "{\"type\":\"error\",\"code\":\"rate-limited\",\"message\":\"Slow down.\","
             "\"id\":\"%s\"}", nexus_test_str (react, "id"));
  again = expect_change (host, "react", 3);
  g_assert_cmpstr (nexus_test_str (again, "id"), ==, nexus_test_str (react, "id"));
  host_says (host, "{\"type\":\"reacted\",\"seq\":7," TS ",\"name\":\"Ada\",\"id\":\"%s\","
             "\"target\":3,\"emoji\":\"" HEART "\",\"on\":true}", nexus_test_str (react, "id"));
  WAIT_UNTIL (nexus_event_has_reacted (hello, HEART, "Ada"));
  g_assert_null (refused);

  /* Refusals come as sentences. */
  g_assert_true (nexus_client_react (ada, hello, HEART, FALSE));
  g_clear_pointer (&react, json_object_unref);
  react = expect_change (host, "react", 3);
  g_assert_false (json_object_get_boolean_member (react, "on"));
  host_says (host, "{\"type\":\"error\",\"code\":\"target-not-found\",\"message\":\"Gone.\","
             "\"id\":\"%s\"}", nexus_test_str (react, "id"));
  WAIT_UNTIL (refused != NULL);
  g_assert_true (g_str_has_prefix (refused, "That message is no longer in the room"));
  g_clear_pointer (&refused, g_free);
  g_assert_true (nexus_client_delete (ada, mine));
  del = expect_change (host, "delete", 4);
  host_says (host, "{\"type\":\"error\",\"code\":\"not-allowed\",\"message\":\"No.\","
             "\"id\":\"%s\"}", nexus_test_str (del, "id"));
  WAIT_UNTIL (refused != NULL);
  g_assert_true (g_str_has_prefix (refused, "Only the person who wrote a message"));
  g_clear_pointer (&refused, g_free);
  g_assert_true (nexus_client_edit (ada, mine, "again"));
  g_clear_pointer (&edit, json_object_unref);
  edit = expect_change (host, "edit", 4);
  host_says (host, "{\"type\":\"error\",\"code\":\"text-invalid\",\"message\":\"Bad.\","
             "\"id\":\"%s\"}", nexus_test_str (edit, "id"));
  WAIT_UNTIL (refused != NULL);
  g_assert_true (g_str_has_prefix (refused, "That text cannot be sent"));
  g_clear_pointer (&refused, g_free);
  g_assert_cmpstr (nexus_event_get_text (mine), ==, "my new text");

  /* A reply to what is gone: not sent, and why. */
  reply = nexus_client_reply (ada, "late", mine);
  g_clear_pointer (&say, json_object_unref);
  say = nexus_test_host_expect (host, "say");
  host_says (host, "{\"type\":\"error\",\"code\":\"target-not-found\",\"message\":\"Gone.\","
             "\"id\":\"%s\"}", nexus_test_str (say, "id"));
  WAIT_UNTIL (nexus_event_get_delivery (reply) == NEXUS_DELIVERY_FAILED);
  g_assert_true (g_str_has_prefix (refused, "The message you answered"));

  /* Delete, confirmed. */
  g_assert_true (nexus_client_delete (ada, mine));
  g_clear_pointer (&del, json_object_unref);
  del = expect_change (host, "delete", 4);
  host_says (host, "{\"type\":\"deleted\",\"seq\":8," TS ",\"name\":\"Ada\",\"id\":\"%s\","
             "\"target\":4}", nexus_test_str (del, "id"));
  WAIT_UNTIL (nexus_event_get_deleted (mine));
  g_assert_false (nexus_client_can_edit (ada, mine));
  g_assert_false (nexus_client_edit (ada, mine, "back"));
  g_assert_cmpuint (ada->changes.length, ==, 0);
}

/* A change sent before a drop goes again after the resume with its id;
 * the host answers with the original event, and it applies once. One
 * whose event came in the resume's history is not sent again. */
static void
test_across_drop (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  g_autoptr(NexusClient) ada = start (host);
  NexusEvent *hello = bob_says (host, ada, 3, "hello");
  NexusEvent *mine = ada_says (host, ada, 4, "mine");
  g_autoptr(JsonObject) edit = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) react = NULL;
  g_autofree char *welcome = NULL;
  g_autofree char *history = NULL;
  guint text_changes = 0;

  g_signal_connect (mine, "notify::text", G_CALLBACK (count_notify), &text_changes);
  g_assert_true (nexus_client_edit (ada, mine, "mine, edited"));
  edit = expect_change (host, "edit", 4);

  /* The answer is lost in a drop: the same edit goes again. */
  welcome = resumed_welcome (4, NULL);
  nexus_test_host_resume (host, ada, 4, welcome);
  again = expect_change (host, "edit", 4);
  g_assert_cmpstr (nexus_test_str (again, "id"), ==, nexus_test_str (edit, "id"));
  for (guint i = 0; i < 2; i++)
    host_says (host, "{\"type\":\"edited\",\"seq\":5," TS ",\"name\":\"Ada\",\"id\":\"%s\","
               "\"target\":4,\"text\":\"mine, edited\"}", nexus_test_str (edit, "id"));
  WAIT_UNTIL (nexus_event_get_edited (mine));
  nexus_test_spin (50);
  g_assert_cmpuint (text_changes, ==, 1);
  g_assert_cmpuint (ada->changes.length, ==, 0);

  /* The reaction arrived at the host, and its event comes in the
   * resume's history: done, not sent again. */
  g_assert_true (nexus_client_react (ada, hello, PARTY, TRUE));
  react = expect_change (host, "react", 3);
  history = g_strdup_printf ("{\"type\":\"reacted\",\"seq\":6," TS ",\"name\":\"Ada\","
                             "\"id\":\"%s\",\"target\":3,\"emoji\":\"" PARTY "\",\"on\":true},"
                             "{\"type\":\"message\",\"seq\":7," TS ",\"name\":\"Bob\","
                             "\"text\":\"missed\",\"id\":\"b7\"}",
                             nexus_test_str (react, "id"));
  g_clear_pointer (&welcome, g_free);
  welcome = resumed_welcome (7, history);
  nexus_test_host_resume (host, ada, 5, welcome);
  WAIT_UNTIL (nexus_event_has_reacted (hello, PARTY, "Ada"));
  g_assert_cmpuint (ada->changes.length, ==, 0);
  g_assert_cmpint (nexus_client_get_last_seq (ada), ==, 7);
  nexus_test_spin (100);
  g_assert_null (g_queue_peek_head (&host->frames));
  g_assert_cmpuint (nexus_event_get_n_reactors (hello, PARTY), ==, 1);
}

/* While nobody looks, messages of others count, and the first is
 * marked; looking clears the count and keeps the mark until the next
 * time nobody looks. */
static void
test_unread (void)
{
  g_autoptr(NexusTestHost) host = nexus_test_host_new ();
  g_autoptr(NexusClient) ada = start (host);
  NexusEvent *seen = bob_says (host, ada, 3, "seen");
  NexusEvent *first, *second, *later;
  guint notified = 0;

  g_signal_connect (ada, "notify::unread", G_CALLBACK (count_notify), &notified);
  g_assert_cmpuint (nexus_client_get_unread (ada), ==, 0);
  g_assert_false (nexus_event_get_first_unread (seen));

  nexus_client_set_looking (ada, FALSE);
  ada_says (host, ada, 4, "own messages are read");
  first = bob_says (host, ada, 5, "one @Ada");
  second = bob_says (host, ada, 6, "two");
  g_assert_cmpuint (nexus_client_get_unread (ada), ==, 2);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_true (nexus_event_get_first_unread (first));
  g_assert_false (nexus_event_get_first_unread (second));
  g_assert_true (nexus_event_get_mentions_me (first));
  g_assert_false (nexus_event_get_mentions_me (second));
  /* An edit or a reaction is no new message. */
  host_says (host, "{\"type\":\"edited\",\"seq\":7," TS ",\"name\":\"Bob\",\"id\":\"b7\","
             "\"target\":6,\"text\":\"two, @ada\"}");
  WAIT_UNTIL (nexus_event_get_edited (second));
  g_assert_cmpuint (nexus_client_get_unread (ada), ==, 2);
  g_assert_true (nexus_event_get_mentions_me (second));

  nexus_client_set_looking (ada, TRUE);
  g_assert_cmpuint (nexus_client_get_unread (ada), ==, 0);
  g_assert_true (nexus_event_get_first_unread (first));
  later = bob_says (host, ada, 8, "while looking");
  g_assert_cmpuint (nexus_client_get_unread (ada), ==, 0);
  g_assert_false (nexus_event_get_first_unread (later));

  /* Looking away moves the line to what comes next; a resume's missed
   * messages count too. */
  nexus_client_set_looking (ada, FALSE);
  g_assert_false (nexus_event_get_first_unread (first));
  {
    g_autofree char *welcome = resumed_welcome (9, "{\"type\":\"message\",\"seq\":9," TS
                                                   ",\"name\":\"Bob\",\"text\":\"missed\","
                                                   "\"id\":\"b9\"}");

    nexus_test_host_resume (host, ada, 8, welcome);
  }
  WAIT_UNTIL (nexus_client_get_unread (ada) == 1);
  g_assert_true (nexus_event_get_first_unread (
    nexus_event_log_lookup (NEXUS_EVENT_LOG (nexus_client_get_events (ada)), 9)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conversation/mentions", test_mentions);
  g_test_add_func ("/conversation/apply-live", test_apply_live);
  g_test_add_func ("/conversation/apply-history", test_apply_history);
  g_test_add_func ("/conversation/send", test_send);
  g_test_add_func ("/conversation/across-drop", test_across_drop);
  g_test_add_func ("/conversation/unread", test_unread);
  test_conversation_add_server_tests ();

  return g_test_run ();
}
