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

  return g_test_run ();
}
