/* nexus-chat-peer.c: the desktop host of a conversation, for the browser
 * test of two people in two languages (tests/web/twolanguages.test.mjs)
 *
 * The host is what the window runs: a NexusServer on 127.0.0.1, port 0,
 * and the host's own NexusClient ("Ada") that creates a room on it over
 * loopback. Ada says, replies, edits, deletes and reacts as she is told,
 * with the client's calls that the window's actions make; the program
 * tells every message of the room as her client holds it, each time it
 * changes, and the sentence her client has for a refusal.
 *
 * It speaks in lines. Commands on standard input (MSG is a message's seq):
 *   say TEXT               a message
 *   reply MSG TEXT         an answer to message MSG
 *   edit MSG TEXT          a new text for Ada's message MSG
 *   delete MSG             Ada's message MSG deleted
 *   react MSG EMOJI on|off Ada's reaction EMOJI on message MSG, or taken back
 *   state                  tell the whole log
 *   quit                   leave the room, stop the server, exit 0
 * A line may carry several commands joined by " ; ": they run in one turn
 * of the main loop, before any answer of the host can come between them
 * (Ada deletes a message and reacts to it before she has seen it go). The
 * end of standard input is a quit. What happens goes to standard output,
 * one JSON object a line, each with an "event" member:
 *   ready     port, code (the room's), host (Ada's name)
 *   member    seq, name, joined (true, or false for a leave)
 *   message   seq, name, own, text, edited, deleted, reply (null or seq,
 *             name, quote), reactions (emoji: names, oldest first),
 *             mentions_me: a message of the log, told when it is in the
 *             room and again whenever any of these changes
 *   refused   seq (of the message it was for, 0 if none), sentence: the
 *             host refused a change, in the client's words for a person
 *   not-done  command: the client would not do it (nothing was sent)
 *   state     messages (each as in "message", in the log's order), members
 *   error     reason: anything else; the program exits 1
 *
 * It dies with its parent (PR_SET_PDEATHSIG).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "nexus-event-log.h"
#include "nexus-test-peer.h"

#define HOST_NAME    "Ada"
#define JOIN_SECONDS 20
#define TOLD_KEY     "nexus-chat-peer-told"

static NexusServer *server;
static NexusClient *ada;
static guint join_timeout_id;

/* Output */

/* A message as the client holds it: a JSON object. */
static JsonNode *
message_node (NexusEvent *event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  nexus_test_peer_add_int (builder, "seq", nexus_event_get_seq (event));
  nexus_test_peer_add_string (builder, "name", nexus_event_get_name (event));
  nexus_test_peer_add_bool (builder, "own", nexus_event_get_is_own (event));
  nexus_test_peer_add_string (builder, "text", nexus_event_get_text (event));
  nexus_test_peer_add_bool (builder, "edited", nexus_event_get_edited (event));
  nexus_test_peer_add_bool (builder, "deleted", nexus_event_get_deleted (event));

  json_builder_set_member_name (builder, "reply");
  if (nexus_event_get_reply_seq (event) > 0)
    {
      json_builder_begin_object (builder);
      nexus_test_peer_add_int (builder, "seq", nexus_event_get_reply_seq (event));
      nexus_test_peer_add_string (builder, "name", nexus_event_get_reply_name (event));
      nexus_test_peer_add_string (builder, "quote", nexus_event_get_reply_quote (event));
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "reactions");
  json_builder_begin_object (builder);
  for (int i = 0; i < NEXUS_N_REACTIONS; i++)
    {
      const char *emoji = nexus_reaction_emoji (i);
      const char * const *names = nexus_event_get_reactors (event, emoji);
      guint n = nexus_event_get_n_reactors (event, emoji);

      if (n == 0)
        continue;
      json_builder_set_member_name (builder, emoji);
      json_builder_begin_array (builder);
      for (guint j = 0; j < n; j++)
        json_builder_add_string_value (builder, names[j]);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  nexus_test_peer_add_bool (builder, "mentions_me", nexus_event_get_mentions_me (event));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
is_in_room (NexusEvent *event)
{
  return nexus_event_get_seq (event) > 0 && nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT;
}

static void
add_member (JsonObject  *object,
            const char  *name,
            JsonNode    *value,
            gpointer     user_data)
{
  json_builder_set_member_name (user_data, name);
  json_builder_add_value (user_data, json_node_copy (value));
}

/* Tells @event when it is in the room and differs from what was told. */
static void
tell_message (NexusEvent *event)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonBuilder *builder;

  if (!is_in_room (event))
    return;
  node = message_node (event);
  text = json_to_string (node, FALSE);
  if (g_strcmp0 (g_object_get_data (G_OBJECT (event), TOLD_KEY), text) == 0)
    return;

  builder = nexus_test_peer_begin ("message");
  json_object_foreach_member (json_node_get_object (node), add_member, builder);
  nexus_test_peer_tell (builder);
  g_object_set_data_full (G_OBJECT (event), TOLD_KEY, g_steal_pointer (&text), g_free);
}

/* Messages that changed, told when the client is done with what changed
 * them (a frame sets a message's text, then whether it names Ada). */
static GPtrArray *changed;
static guint tell_id;

static gboolean
tell_changed (gpointer user_data)
{
  g_autoptr(GPtrArray) these = g_steal_pointer (&changed);

  tell_id = 0;
  for (guint i = 0; i < these->len; i++)
    tell_message (g_ptr_array_index (these, i));
  return G_SOURCE_REMOVE;
}

static void
on_event_notify (NexusEvent *event,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  if (changed == NULL)
    changed = g_ptr_array_new_with_free_func (g_object_unref);
  if (!g_ptr_array_find (changed, event, NULL))
    g_ptr_array_add (changed, g_object_ref (event));
  if (tell_id == 0)
    tell_id = g_idle_add (tell_changed, NULL);
}

static void
on_items_changed (GListModel *log,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (log, i);
      NexusEventKind kind = nexus_event_get_kind (event);
      JsonBuilder *builder;

      switch (kind)
        {
        case NEXUS_EVENT_MESSAGE:
          /* Once for each event, however often the log moves it. */
          if (g_signal_handler_find (event, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                     on_event_notify, NULL) == 0)
            g_signal_connect (event, "notify", G_CALLBACK (on_event_notify), NULL);
          on_event_notify (event, NULL, NULL);
          break;
        case NEXUS_EVENT_JOINED:
        case NEXUS_EVENT_LEFT:
          builder = nexus_test_peer_begin ("member");
          nexus_test_peer_add_int (builder, "seq", nexus_event_get_seq (event));
          nexus_test_peer_add_string (builder, "name", nexus_event_get_name (event));
          nexus_test_peer_add_bool (builder, "joined", kind == NEXUS_EVENT_JOINED);
          nexus_test_peer_tell (builder);
          break;
        case NEXUS_EVENT_GAP:
        default:
          break;
        }
    }
}

static void
on_refused (NexusClient *client,
            NexusEvent  *target,
            const char  *sentence,
            gpointer     user_data)
{
  JsonBuilder *builder = nexus_test_peer_begin ("refused");

  nexus_test_peer_add_int (builder, "seq", target != NULL ? nexus_event_get_seq (target) : 0);
  nexus_test_peer_add_string (builder, "sentence", sentence);
  nexus_test_peer_tell (builder);
}

static void
tell_state (void)
{
  GListModel *log = nexus_client_get_events (ada);
  const char * const *names = nexus_client_get_members (ada);
  JsonBuilder *builder = nexus_test_peer_begin ("state");

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (log, i);

      if (nexus_event_get_kind (event) == NEXUS_EVENT_MESSAGE && is_in_room (event))
        json_builder_add_value (builder, message_node (event));
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "members");
  json_builder_begin_array (builder);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    json_builder_add_string_value (builder, names[i]);
  json_builder_end_array (builder);
  nexus_test_peer_tell (builder);
}

/* Commands */

/* The message of the log that @word names by its seq, or NULL. */
static NexusEvent *
message_of (const char *word)
{
  guint64 seq;
  NexusEvent *event;

  if (word == NULL || !g_ascii_string_to_unsigned (word, 10, 1, G_MAXINT64, &seq, NULL))
    return NULL;
  event = nexus_event_log_lookup (NEXUS_EVENT_LOG (nexus_client_get_events (ada)), (gint64) seq);
  return event != NULL && nexus_event_get_kind (event) == NEXUS_EVENT_MESSAGE ? event : NULL;
}

static void
not_done (const char *command)
{
  JsonBuilder *builder = nexus_test_peer_begin ("not-done");

  nexus_test_peer_add_string (builder, "command", command);
  nexus_test_peer_tell (builder);
}

/* Runs one command; FALSE when it is none. */
static gboolean
run (const char *command)
{
  static const char * const verbs[] = { "say", "reply", "edit", "delete", "react", NULL };
  g_auto(GStrv) words = g_strsplit (command, " ", 3);
  const char *verb = words[0];
  const char *rest = words[1] != NULL ? words[2] : NULL;
  g_auto(GStrv) how = NULL;
  NexusEvent *target;
  gboolean done;

  if (g_strcmp0 (verb, "state") == 0 && words[1] == NULL)
    {
      tell_state ();
      return TRUE;
    }
  if (verb == NULL || !g_strv_contains (verbs, verb) || words[1] == NULL)
    return FALSE;
  if (g_str_equal (verb, "say"))
    done = nexus_client_say (ada, command + strlen ("say ")) != NULL;
  else if ((target = message_of (words[1])) == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("no message %s in the log: %s", words[1], command);

      nexus_test_peer_fail (reason);
      return FALSE;
    }
  else if (g_str_equal (verb, "delete") && rest == NULL)
    done = nexus_client_delete (ada, target);
  else if (rest == NULL)
    return FALSE;
  else if (g_str_equal (verb, "reply"))
    done = nexus_client_reply (ada, rest, target) != NULL;
  else if (g_str_equal (verb, "edit"))
    done = nexus_client_edit (ada, target, rest);
  else if (g_str_equal (verb, "react")
           && g_strv_length (how = g_strsplit (rest, " ", -1)) == 2
           && (g_str_equal (how[1], "on") || g_str_equal (how[1], "off")))
    done = nexus_client_react (ada, target, how[0], g_str_equal (how[1], "on"));
  else
    return FALSE;

  if (!done)
    not_done (command);
  return TRUE;
}

static gboolean
on_line (const char *line)
{
  g_auto(GStrv) commands = NULL;

  if (line == NULL || g_str_equal (line, "quit"))
    {
      nexus_test_peer_quit (server, &ada, 1);
      return FALSE;
    }
  commands = g_strsplit (line, " ; ", -1);
  for (guint i = 0; commands[i] != NULL; i++)
    if (!run (commands[i]))
      {
        g_autofree char *reason = g_strdup_printf ("not a command: %s", commands[i]);

        nexus_test_peer_fail (reason);
        return FALSE;
      }
  return TRUE;
}

/* The room */

static gboolean
on_join_timeout (gpointer user_data)
{
  join_timeout_id = 0;
  nexus_test_peer_fail ("the host was not in its room in time");
  return G_SOURCE_REMOVE;
}

static void
on_state (NexusClient *client,
          GParamSpec  *pspec,
          gpointer     user_data)
{
  g_autofree char *out = nexus_test_peer_out_of_room (client);
  JsonBuilder *builder;

  if (out != NULL)
    {
      nexus_test_peer_fail (out);
      return;
    }
  if (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_JOINED || join_timeout_id == 0)
    return;

  g_clear_handle_id (&join_timeout_id, g_source_remove);
  builder = nexus_test_peer_begin ("ready");
  nexus_test_peer_add_int (builder, "port", nexus_server_get_port (server));
  nexus_test_peer_add_string (builder, "code", nexus_client_get_room (client));
  nexus_test_peer_add_string (builder, "host", nexus_client_get_name (client));
  nexus_test_peer_tell (builder);
  nexus_test_peer_read_lines (on_line);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  NexusServerLimits limits;
  int status;

  nexus_test_peer_init ();
  nexus_server_limits_init_default (&limits);
  server = nexus_test_peer_listen (&limits, &error);
  nexus_server_limits_clear (&limits);
  if (server == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  ada = nexus_client_new ("127.0.0.1", nexus_server_get_port (server));
  g_signal_connect (ada, "notify::state", G_CALLBACK (on_state), NULL);
  g_signal_connect (ada, "refused", G_CALLBACK (on_refused), NULL);
  g_signal_connect (nexus_client_get_events (ada), "items-changed", G_CALLBACK (on_items_changed), NULL);
  nexus_client_create (ada, HOST_NAME);
  join_timeout_id = g_timeout_add_seconds (JOIN_SECONDS, on_join_timeout, NULL);

  status = nexus_test_peer_run ();

  g_clear_handle_id (&join_timeout_id, g_source_remove);
  g_clear_handle_id (&tell_id, g_source_remove);
  g_clear_pointer (&changed, g_ptr_array_unref);
  g_clear_object (&ada);
  g_clear_object (&server);
  return status;
}
