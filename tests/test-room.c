/* test-room.c: one room's rules, without any network
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "nexus-room.h"

/* A room with Ada in it, and Bob after her when @bob is not NULL. */
static NexusRoom *
room_with_ada (guint         history,
               gsize         history_bytes,
               NexusMember **ada,
               NexusMember **bob)
{
  NexusRoom *room = nexus_room_new ("K7QX3M", history, history_bytes);

  *ada = nexus_room_add_member (room, "Ada", NULL);
  if (bob != NULL)
    *bob = nexus_room_add_member (room, "Bob", NULL);
  return room;
}

/* @count messages of @text from @member, with ids @id_prefix0, @id_prefix1… */
static void
append_messages (NexusRoom   *room,
                 NexusMember *member,
                 const char  *text,
                 const char  *id_prefix,
                 int          count)
{
  for (int i = 0; i < count; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s%d", id_prefix, i);

      nexus_room_append_message (room, member, text, id);
    }
}

static void
test_seq_and_members (void)
{
  NexusRoom *room = nexus_room_new ("K7QX3M", 100, 1024 * 1024);
  NexusRoomEvent *event = NULL;
  NexusMember *ada, *bob;

  ada = nexus_room_add_member (room, "Ada", &event);
  g_assert_cmpint (event->seq, ==, 1);
  g_assert_cmpint (event->type, ==, NEXUS_ROOM_EVENT_JOINED);
  bob = nexus_room_add_member (room, "Bob", &event);
  g_assert_cmpint (event->seq, ==, 2);
  event = nexus_room_append_message (room, ada, "hi", "m1");
  g_assert_cmpint (event->seq, ==, 3);
  g_assert_nonnull (strstr (event->json, "\"name\":\"Ada\""));
  g_assert_cmpint (nexus_room_get_last_seq (room), ==, 3);

  /* Members in order of joining; names unique ignoring case. */
  g_assert_cmpuint (nexus_room_get_n_members (room), ==, 2);
  g_assert_true (nexus_room_get_member (room, 0) == ada);
  g_assert_true (nexus_room_get_member (room, 1) == bob);
  g_assert_true (nexus_room_has_name (room, "ADA"));
  g_assert_true (nexus_room_has_name (room, "bob"));
  g_assert_false (nexus_room_has_name (room, "Cy"));

  /* Sessions are distinct and found only by their exact token. */
  g_assert_cmpstr (nexus_member_get_session (ada), !=, nexus_member_get_session (bob));
  g_assert_true (nexus_room_find_session (room, nexus_member_get_session (bob)) == bob);
  g_assert_null (nexus_room_find_session (room, "nope"));

  nexus_room_remove_member (room, ada, &event);
  g_assert_cmpint (event->type, ==, NEXUS_ROOM_EVENT_LEFT);
  g_assert_cmpint (event->seq, ==, 4);
  g_assert_cmpuint (nexus_room_get_n_members (room), ==, 1);
  g_assert_false (nexus_room_has_name (room, "Ada"));

  nexus_room_free (room);
}

static void
test_event_json (void)
{
  NexusMember *ada;
  NexusRoom *room = room_with_ada (10, 1024 * 1024, &ada, NULL);
  NexusRoomEvent *event = nexus_room_append_message (room, ada, "say \"hi\"\n<b>", "m1");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser, event->json, (gssize) event->json_length, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "message");
  g_assert_cmpint (json_object_get_int_member (object, "seq"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Ada");
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, "say \"hi\"\n<b>");
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "m1");
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                       json_object_get_string_member (object, "ts"), 0, 0));
  nexus_room_free (room);
}

static void
test_history_bound (void)
{
  NexusMember *ada;
  NexusRoom *room = room_with_ada (5, 1024 * 1024, &ada, NULL);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) beyond = NULL;
  gboolean gap;

  append_messages (room, ada, "x", "m", 20);
  g_assert_cmpint (nexus_room_get_last_seq (room), ==, 21);
  g_assert_cmpuint (nexus_room_get_history_length (room), ==, 5);

  /* A new joiner: the whole kept history, the newest five events. */
  all = nexus_room_history_since (room, 0, &gap);
  g_assert_true (gap);
  g_assert_cmpuint (all->len, ==, 5);
  g_assert_cmpint (((NexusRoomEvent *) all->pdata[0])->seq, ==, 17);
  g_assert_cmpint (((NexusRoomEvent *) all->pdata[4])->seq, ==, 21);

  recent = nexus_room_history_since (room, 18, &gap);
  g_assert_false (gap);
  g_assert_cmpuint (recent->len, ==, 3);
  g_assert_cmpint (((NexusRoomEvent *) recent->pdata[0])->seq, ==, 19);

  /* Exactly the oldest kept one missing: no gap. */
  g_clear_pointer (&recent, g_ptr_array_unref);
  recent = nexus_room_history_since (room, 16, &gap);
  g_assert_false (gap);
  g_assert_cmpuint (recent->len, ==, 5);

  none = nexus_room_history_since (room, 21, &gap);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_false (gap);
  beyond = nexus_room_history_since (room, 500, &gap);
  g_assert_cmpuint (beyond->len, ==, 0);

  nexus_room_free (room);
}

/* The frame a repeated say gets back, parsed. */
static JsonObject *
replay (NexusRoom   *room,
        NexusMember *member,
        const char  *id,
        const char  *text)
{
  g_autoptr(NexusRoomEvent) event = nexus_room_replay_said (room, member, id, text);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (event);
  g_assert_true (json_parser_load_from_data (parser, event->json, (gssize) event->json_length, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_dedupe (void)
{
  NexusMember *ada, *bob;
  NexusRoom *room = room_with_ada (3, 1024 * 1024, &ada, &bob);
  NexusRoomEvent *first = nexus_room_append_message (room, ada, "one", "m1");
  g_autoptr(NexusRoomEvent) again = nexus_room_replay_said (room, ada, "m1", "other text");
  g_autoptr(JsonObject) kept = NULL;
  g_autoptr(JsonObject) made_again = NULL;
  g_autofree char *first_ts = NULL;

  /* While the history keeps it, a repeat gets the original event itself. */
  g_assert_true (again == first);
  g_assert_true (nexus_room_has_said (room, ada, "m1"));
  kept = replay (room, ada, "m1", "one");
  first_ts = g_strdup (json_object_get_string_member (kept, "ts"));
  /* Ids are per session: Bob's m1 is another message. */
  g_assert_false (nexus_room_has_said (room, bob, "m1"));
  g_assert_null (nexus_room_replay_said (room, bob, "m1", "two"));
  nexus_room_append_message (room, bob, "two", "m1");

  /* After it has left the bounded history, only id → seq and its time are
   * kept: the same frame is made again from them. */
  append_messages (room, bob, "more", "n", 10);
  made_again = replay (room, ada, "m1", "one");
  g_assert_cmpstr (json_object_get_string_member (made_again, "type"), ==, "message");
  g_assert_cmpstr (json_object_get_string_member (made_again, "text"), ==, "one");
  g_assert_cmpint (json_object_get_int_member (made_again, "seq"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (made_again, "name"), ==, "Ada");
  g_assert_cmpstr (json_object_get_string_member (made_again, "id"), ==, "m1");
  g_assert_cmpstr (json_object_get_string_member (made_again, "ts"), ==, first_ts);

  nexus_room_free (room);
}

/* The history is bounded in bytes too: long messages push out old events
 * before the count is reached, and what stays is always the newest. */
static void
test_history_bytes (void)
{
  NexusMember *ada;
  NexusRoom *room = room_with_ada (1000, 64 * 1024, &ada, NULL);
  g_autofree char *long_text = g_strnfill (4000, 'x');
  g_autoptr(GPtrArray) all = NULL;
  gboolean gap;

  for (int i = 0; i < 100; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%d", i);

      nexus_room_append_message (room, ada, long_text, id);
      g_assert_cmpuint (nexus_room_get_history_bytes (room), <=, 64 * 1024);
    }
  g_assert_cmpuint (nexus_room_get_history_length (room), <, 17);
  g_assert_cmpuint (nexus_room_get_history_length (room), >=, 15);
  all = nexus_room_history_since (room, 0, &gap);
  g_assert_true (gap);
  g_assert_cmpint (((NexusRoomEvent *) all->pdata[all->len - 1])->seq, ==, 101);

  /* One event larger than the whole budget is still kept, alone. */
  nexus_room_free (room);
  room = room_with_ada (1000, 16, &ada, NULL);
  nexus_room_append_message (room, ada, "hello", "m1");
  g_assert_cmpuint (nexus_room_get_history_length (room), ==, 1);
  nexus_room_free (room);
}

static void
test_dedupe_bound (void)
{
  NexusMember *ada;
  NexusRoom *room = room_with_ada (3, 1024 * 1024, &ada, NULL);

  append_messages (room, ada, "x", "m", NEXUS_ROOM_DEDUPE_LIMIT + 10);
  /* Only the newest ids are remembered, so memory stays bounded. */
  g_assert_false (nexus_room_has_said (room, ada, "m0"));
  g_assert_false (nexus_room_has_said (room, ada, "m9"));
  g_assert_true (nexus_room_has_said (room, ada, "m10"));
  nexus_room_free (room);
}

static void
test_grace (void)
{
  NexusMember *ada, *bob;
  NexusRoom *room = room_with_ada (10, 1024 * 1024, &ada, &bob);
  const gint64 grace = 30 * G_USEC_PER_SEC;
  g_autoptr(GPtrArray) early = NULL;
  g_autoptr(GPtrArray) late = NULL;
  g_autoptr(GPtrArray) after_resume = NULL;

  nexus_room_detach_member (room, ada, 1000);
  nexus_room_detach_member (room, bob, 5000);
  g_assert_false (nexus_member_is_attached (ada));
  g_assert_cmpuint (nexus_room_get_n_detached (room), ==, 2);

  early = nexus_room_expired_members (room, 1000 + grace - 1, grace);
  g_assert_cmpuint (early->len, ==, 0);
  late = nexus_room_expired_members (room, 1000 + grace, grace);
  g_assert_cmpuint (late->len, ==, 1);
  g_assert_true (late->pdata[0] == ada);

  /* A resumed member is no longer expiring. */
  nexus_room_attach_member (room, bob, GINT_TO_POINTER (1));
  after_resume = nexus_room_expired_members (room, 5000 + 10 * grace, grace);
  g_assert_cmpuint (after_resume->len, ==, 1);
  g_assert_true (after_resume->pdata[0] == ada);

  nexus_room_free (room);
}

static void
test_deletion (void)
{
  NexusMember *ada, *bob;
  NexusRoom *room = room_with_ada (10, 1024 * 1024, &ada, &bob);

  nexus_room_remove_member (room, bob, NULL);
  g_assert_cmpuint (nexus_room_get_n_members (room), ==, 1);
  nexus_room_remove_member (room, ada, NULL);
  /* The server deletes a room whose count reaches zero. */
  g_assert_cmpuint (nexus_room_get_n_members (room), ==, 0);
  g_assert_cmpint (nexus_room_get_last_seq (room), ==, 4);
  nexus_room_free (room);
}

static void
count_free (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_files (void)
{
  NexusMember *ada, *bob;
  NexusRoom *room = room_with_ada (3, 1024 * 1024, &ada, &bob);
  NexusFileInfo file = { "a.png", 10, "image/png", "/files/0123/a.png", 2, 3 };
  NexusRoomEvent *event;
  g_autoptr(NexusRoomEvent) replay = NULL;
  guint freed = 0;

  /* Each member's key: a secret of its own, found in constant time. */
  g_assert_cmpuint (strlen (nexus_member_get_files_key (ada)), ==, 32);
  g_assert_cmpstr (nexus_member_get_files_key (ada), !=, nexus_member_get_session (ada));
  g_assert_cmpstr (nexus_member_get_files_key (ada), !=, nexus_member_get_files_key (bob));
  g_assert_true (nexus_room_find_files_key (room, nexus_member_get_files_key (bob)) == bob);
  g_assert_null (nexus_room_find_files_key (room, nexus_member_get_session (bob)));
  g_assert_null (nexus_room_find_files_key (room, NULL));
  g_assert_null (nexus_room_find_files_key (room, ""));

  /* A file message is said like a message: numbered, kept, deduplicated. */
  event = nexus_room_append_file (room, ada, "u1", &file);
  g_assert_cmpint (event->seq, ==, 3);
  g_assert_cmpint (event->type, ==, NEXUS_ROOM_EVENT_MESSAGE);
  g_assert_cmpint (event->real_time, >, 0);
  g_assert_nonnull (strstr (event->json, "\"text\":\"\xf0\x9f\x93\x8e a.png (10 bytes)\""));
  g_assert_nonnull (strstr (event->json, "\"file\":{\"name\":\"a.png\",\"size\":10,"));
  g_assert_true (nexus_room_has_said (room, ada, "u1"));
  g_assert_true (nexus_room_lookup_event (room, 3) == event);
  replay = nexus_room_replay_said (room, ada, "u1", "ignored");
  g_assert_true (replay == event);

  /* Once the history lets it go, lookup says so. */
  append_messages (room, bob, "x", "m", 3);
  g_assert_null (nexus_room_lookup_event (room, 3));

  /* The room's files end with the room, once, and replaced ones at once. */
  nexus_room_set_files (room, &freed, count_free);
  g_assert_true (nexus_room_get_files (room) == &freed);
  nexus_room_set_files (room, &freed, count_free);
  g_assert_cmpuint (freed, ==, 1);
  nexus_room_free (room);
  g_assert_cmpuint (freed, ==, 2);
}

#define THUMBS "\xf0\x9f\x91\x8d"
#define PARTY  "\xf0\x9f\x8e\x89"

/* The sum of the kept events' bytes, as the room counts them. */
static gsize
history_bytes (NexusRoom *room)
{
  gboolean gap;
  g_autoptr(GPtrArray) events = nexus_room_history_since (room, 0, &gap);
  gsize bytes = 0;

  for (guint i = 0; i < events->len; i++)
    bytes += ((NexusRoomEvent *) events->pdata[i])->json_length;
  return bytes;
}

static gboolean
may (NexusRoom            *room,
     NexusMember          *member,
     NexusClientFrameType  type,
     gint64                target,
     NexusErrorCode        expected)
{
  NexusErrorCode code = NEXUS_ERROR_BAD_REQUEST;

  if (nexus_room_check_target (room, member, type, target, &code))
    return TRUE;
  g_assert_cmpint (code, ==, expected);
  return FALSE;
}

static void
test_conversation (void)
{
  NexusMember *ada, *bob;
  NexusRoom *room = room_with_ada (100, 1024 * 1024, &ada, &bob);
  NexusFileInfo file = { "a.png", 10, "image/png", "/files/0123/a.png", 2, 3 };
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_room_event_unref);
  g_autofree char *file_url = NULL;
  NexusRoomEvent *message, *reply, *event;
  NexusRoomEvent *kept;

  message = nexus_room_append_message (room, ada, "hello\nthere", "a1");      /* 3 */
  nexus_room_append_file (room, ada, "f1", &file);                           /* 4 */

  /* Who may do what, and in which order the answers come. */
  g_assert_true (may (room, bob, NEXUS_CLIENT_FRAME_SAY, 3, 0));
  g_assert_true (may (room, bob, NEXUS_CLIENT_FRAME_REACT, 4, 0));
  g_assert_true (may (room, ada, NEXUS_CLIENT_FRAME_EDIT, 3, 0));
  g_assert_true (may (room, ada, NEXUS_CLIENT_FRAME_DELETE, 4, 0));
  g_assert_false (may (room, bob, NEXUS_CLIENT_FRAME_EDIT, 3, NEXUS_ERROR_NOT_ALLOWED));
  g_assert_false (may (room, bob, NEXUS_CLIENT_FRAME_DELETE, 3, NEXUS_ERROR_NOT_ALLOWED));
  g_assert_false (may (room, ada, NEXUS_CLIENT_FRAME_EDIT, 4, NEXUS_ERROR_NOT_ALLOWED));
  g_assert_false (may (room, bob, NEXUS_CLIENT_FRAME_REACT, 1, NEXUS_ERROR_TARGET_NOT_FOUND));
  g_assert_false (may (room, bob, NEXUS_CLIENT_FRAME_SAY, 5, NEXUS_ERROR_TARGET_NOT_FOUND));
  g_assert_false (may (room, bob, NEXUS_CLIENT_FRAME_EDIT, 0, NEXUS_ERROR_TARGET_NOT_FOUND));

  /* A reply quotes the first line, a file by its name. */
  reply = nexus_room_append_reply (room, bob, "yes", "b1", 3);                /* 5 */
  g_assert_nonnull (strstr (reply->json, "\"reply\":{\"seq\":3,\"name\":\"Ada\",\"text\":\"hello\"}"));
  reply = nexus_room_append_reply (room, bob, "nice", "b2", 4);               /* 6 */
  g_assert_nonnull (strstr (reply->json, "\"reply\":{\"seq\":4,\"name\":\"Ada\",\"text\":\"a.png\"}"));
  g_assert_null (strstr (message->json, "reply"));

  /* An edit: its event, and the message in place with the same seq. */
  event = nexus_room_append_edit (room, ada, "e1", 3, "hello, Bob", changed);  /* 7 */
  g_assert_cmpint (event->seq, ==, 7);
  g_assert_cmpint (event->type, ==, NEXUS_ROOM_EVENT_EDITED);
  g_assert_nonnull (strstr (event->json, "\"type\":\"edited\""));
  g_assert_nonnull (strstr (event->json, "\"name\":\"Ada\",\"id\":\"e1\",\"target\":3,\"text\":\"hello, Bob\"}"));
  g_assert_cmpuint (changed->len, ==, 1);
  kept = nexus_room_lookup_event (room, 3);
  g_assert_true (kept == changed->pdata[0]);
  g_assert_cmpint (kept->seq, ==, 3);
  g_assert_nonnull (strstr (kept->json, "\"text\":\"hello, Bob\",\"id\":\"a1\",\"edited\":true}"));
  g_assert_true (nexus_room_has_said (room, ada, "e1"));
  g_assert_cmpuint (nexus_room_get_history_bytes (room), ==, history_bytes (room));
  g_ptr_array_set_size (changed, 0);

  /* Reactions: names oldest first, each emoji once per name. */
  nexus_room_append_react (room, bob, "r1", 3, 0, TRUE, changed);
  nexus_room_append_react (room, ada, "r2", 3, 0, TRUE, changed);
  nexus_room_append_react (room, ada, "r3", 3, 5, TRUE, changed);
  nexus_room_append_react (room, ada, "r4", 3, 0, TRUE, changed);             /* already on */
  g_assert_cmpuint (changed->len, ==, 3);
  kept = nexus_room_lookup_event (room, 3);
  g_assert_nonnull (strstr (kept->json, "\"reactions\":{\"" THUMBS "\":[\"Bob\",\"Ada\"],\""
                            PARTY "\":[\"Ada\"]}}"));
  event = nexus_room_append_react (room, ada, "r5", 3, 5, FALSE, changed);
  g_assert_nonnull (strstr (event->json, "\"emoji\":\"" PARTY "\",\"on\":false}"));
  kept = nexus_room_lookup_event (room, 3);
  g_assert_null (strstr (kept->json, PARTY));
  g_assert_cmpuint (nexus_room_get_history_bytes (room), ==, history_bytes (room));
  g_ptr_array_set_size (changed, 0);

  /* A delete: no text, file or reactions; quotes of it blank. */
  event = nexus_room_append_delete (room, ada, "d1", 4, changed, &file_url);
  g_assert_cmpint (event->type, ==, NEXUS_ROOM_EVENT_DELETED);
  g_assert_cmpstr (file_url, ==, "/files/0123/a.png");
  g_assert_cmpuint (changed->len, ==, 2);
  kept = nexus_room_lookup_event (room, 4);
  g_assert_nonnull (strstr (kept->json, "\"text\":\"\",\"id\":\"f1\",\"deleted\":true}"));
  g_assert_null (strstr (kept->json, "file"));
  kept = nexus_room_lookup_event (room, 6);
  g_assert_nonnull (strstr (kept->json, "\"reply\":{\"seq\":4,\"name\":\"Ada\",\"text\":\"\"}"));
  g_assert_false (may (room, ada, NEXUS_CLIENT_FRAME_DELETE, 4, NEXUS_ERROR_TARGET_NOT_FOUND));
  g_assert_false (may (room, bob, NEXUS_CLIENT_FRAME_REACT, 4, NEXUS_ERROR_TARGET_NOT_FOUND));
  g_ptr_array_set_size (changed, 0);
  g_clear_pointer (&file_url, g_free);
  event = nexus_room_append_delete (room, ada, "d2", 3, changed, &file_url);
  g_assert_null (file_url);
  kept = nexus_room_lookup_event (room, 3);
  g_assert_null (strstr (kept->json, "reactions"));
  g_assert_null (strstr (kept->json, "edited"));
  g_assert_cmpuint (nexus_room_get_history_bytes (room), ==, history_bytes (room));
  nexus_room_free (room);
}

/* Messages that grow (reactions) still keep the history in its bytes. */
static void
test_conversation_budget (void)
{
  NexusMember *ada;
  NexusRoom *room = room_with_ada (1000, 4096, &ada, NULL);
  g_autoptr(NexusRoomEvent) replay = NULL;
  NexusClientFrame frame = { .type = NEXUS_CLIENT_FRAME_REACT, .id = (char *) "r0", .target = 2,
                             .emoji = 1, .on = TRUE, .has_target = TRUE };

  nexus_room_append_message (room, ada, "react to me", "a1");                 /* 2 */
  for (int i = 0; i < 60; i++)
    {
      g_autofree char *name = g_strdup_printf ("Member with a long name %d", i);
      g_autofree char *id = g_strdup_printf ("r%d", i);
      NexusMember *member = nexus_room_add_member (room, name, NULL);

      if (nexus_room_lookup_event (room, 2) == NULL)
        break;
      nexus_room_append_react (room, member, id, 2, i % NEXUS_N_REACTIONS, TRUE, NULL);
      g_assert_cmpuint (nexus_room_get_history_bytes (room), <=, 4096);
      g_assert_cmpuint (nexus_room_get_history_bytes (room), ==, history_bytes (room));
    }
  /* The message grew out of the history, which let it go. */
  g_assert_null (nexus_room_lookup_event (room, 2));
  g_assert_false (may (room, ada, NEXUS_CLIENT_FRAME_EDIT, 2, NEXUS_ERROR_TARGET_NOT_FOUND));

  /* A repeat of a change the history let go: made again from the frame
   * (as it is repeated: a client repeats a frame as it was). */
  append_messages (room, ada, "push", "p", 100);
  replay = nexus_room_replay_frame (room, nexus_room_get_member (room, 1), &frame);
  g_assert_nonnull (replay);
  g_assert_cmpint (replay->type, ==, NEXUS_ROOM_EVENT_REACTED);
  g_assert_nonnull (strstr (replay->json, "\"name\":\"Member with a long name 0\",\"id\":\"r0\","
                            "\"target\":2,\"emoji\":\"\xe2\x9d\xa4\xef\xb8\x8f\",\"on\":true}"));
  nexus_room_free (room);
}

/* A room made again from its events and its members' ids: each message's
 * state comes back, and its sender with it. */
static void
test_conversation_restore (void)
{
  NexusMember *ada, *bob, *ada2, *bob2;
  NexusRoom *room = room_with_ada (100, 1024 * 1024, &ada, &bob);
  NexusRoom *again = nexus_room_new ("K7QX3M", 100, 1024 * 1024);
  gboolean gap;
  g_autoptr(GPtrArray) events = NULL;
  NexusRoomEvent *kept;

  nexus_room_append_message (room, ada, "one", "a1");                          /* 3 */
  nexus_room_append_reply (room, bob, "two", "b1", 3);                         /* 4 */
  nexus_room_append_react (room, bob, "b2", 3, 0, TRUE, NULL);                 /* 5 */
  nexus_room_append_edit (room, ada, "a2", 3, "one!", NULL);                   /* 6 */

  events = nexus_room_history_since (room, 0, &gap);
  for (guint i = 0; i < events->len; i++)
    {
      NexusRoomEvent *event = events->pdata[i];

      nexus_room_restore_event (again, event->type, event->seq, event->real_time, event->json,
                                event->json_length);
    }
  ada2 = nexus_room_restore_member (again, "Ada", nexus_member_get_session_hash (ada), 1, 0);
  bob2 = nexus_room_restore_member (again, "Bob", nexus_member_get_session_hash (bob), 2, 0);
  nexus_room_restore_said (again, ada2, "a1", 3, 0);
  nexus_room_restore_said (again, ada2, "a2", 6, 0);
  nexus_room_restore_said (again, bob2, "b1", 4, 0);
  nexus_room_restore_said (again, bob2, "b2", 5, 0);

  g_assert_true (may (again, ada2, NEXUS_CLIENT_FRAME_EDIT, 3, 0));
  g_assert_false (may (again, bob2, NEXUS_CLIENT_FRAME_EDIT, 3, NEXUS_ERROR_NOT_ALLOWED));
  g_assert_true (may (again, bob2, NEXUS_CLIENT_FRAME_DELETE, 4, 0));
  nexus_room_append_react (again, ada2, "a3", 3, 0, TRUE, NULL);
  kept = nexus_room_lookup_event (again, 3);
  g_assert_nonnull (strstr (kept->json, "\"text\":\"one!\",\"id\":\"a1\",\"edited\":true,"
                            "\"reactions\":{\"" THUMBS "\":[\"Bob\",\"Ada\"]}}"));
  nexus_room_append_delete (again, ada2, "a4", 3, NULL, NULL);
  kept = nexus_room_lookup_event (again, 4);
  g_assert_nonnull (strstr (kept->json, "\"reply\":{\"seq\":3,\"name\":\"Ada\",\"text\":\"\"}"));
  g_assert_cmpuint (nexus_room_get_history_bytes (again), ==, history_bytes (again));

  nexus_room_free (again);
  nexus_room_free (room);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/room/seq-and-members", test_seq_and_members);
  g_test_add_func ("/room/event-json", test_event_json);
  g_test_add_func ("/room/history-bound", test_history_bound);
  g_test_add_func ("/room/dedupe", test_dedupe);
  g_test_add_func ("/room/dedupe-bound", test_dedupe_bound);
  g_test_add_func ("/room/history-bytes", test_history_bytes);
  g_test_add_func ("/room/grace", test_grace);
  g_test_add_func ("/room/deletion", test_deletion);
  g_test_add_func ("/room/files", test_files);
  g_test_add_func ("/room/conversation", test_conversation);
  g_test_add_func ("/room/conversation-budget", test_conversation_budget);
  g_test_add_func ("/room/conversation-restore", test_conversation_restore);

  return g_test_run ();
}
