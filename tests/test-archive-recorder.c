/* test-archive-recorder.c: a real room recorded from its clients' logs —
 * the host's, a guest's and a late joiner's, own messages once the host
 * confirms them, a change to an event by its seq, nothing while off
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "nexus-archive-recorder.h"
#include "nexus-test-state.h"
#include "nexus-test-utils.h"
#include "test-archive.h"

typedef struct {
  char                 *path;
  NexusArchive         *archive;
  NexusClient          *client;
  NexusArchiveRecorder *recorder;
} Member;

static void
member_start (Member      *member,
              guint        port,
              const char  *name,
              const char  *room)
{
  member->path = test_archive_path ();
  member->archive = nexus_archive_new (member->path);
  member->client = nexus_client_new ("127.0.0.1", port);
  member->recorder = nexus_archive_recorder_new (member->archive, member->client, room == NULL);
  if (room == NULL)
    nexus_client_create (member->client, name);
  else
    nexus_client_join (member->client, room, name);
  WAIT_UNTIL (nexus_client_get_state (member->client) == NEXUS_CLIENT_STATE_JOINED);
}

static void
member_free (Member *member)
{
  g_assert_finalize_object (member->recorder);
  g_assert_finalize_object (member->client);
  g_assert_finalize_object (member->archive);
  test_archive_remove (member->path);
  g_free (member->path);
}

static gboolean
client_saw (NexusClient *client,
            const char  *text)
{
  return nexus_test_count_text (client, text) == 1;
}

/* "joined Ada|message Ada: hi|…" */
static char *
describe (GListModel *events)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusArchiveEvent) event = g_list_model_get_item (events, i);

      if (i > 0)
        g_string_append_c (out, '|');
      switch (nexus_archive_event_get_kind (event))
        {
        case NEXUS_EVENT_JOINED:
          g_string_append_printf (out, "joined %s", nexus_archive_event_get_name (event));
          break;
        case NEXUS_EVENT_LEFT:
          g_string_append_printf (out, "left %s", nexus_archive_event_get_name (event));
          break;
        case NEXUS_EVENT_MESSAGE:
        case NEXUS_EVENT_GAP:
        default:
          g_string_append_printf (out, "%s: %s%s", nexus_archive_event_get_name (event),
                                  nexus_archive_event_get_deleted (event)
                                  ? "(deleted)" : nexus_archive_event_get_text (event),
                                  nexus_archive_event_get_edited (event) ? " (edited)" : "");
          break;
        }
    }
  return g_string_free (out, FALSE);
}

/* The room @member's archive holds: its events described, and the room. */
static char *
recorded (Member            *member,
          NexusArchiveRoom **room)
{
  g_autoptr(GListModel) events = test_archive_load (member->archive,
                                                    nexus_archive_recorder_get_key (member->recorder),
                                                    room);
  gint64 seq = 0;

  /* In seq order, each once. */
  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusArchiveEvent) event = g_list_model_get_item (events, i);

      g_assert_cmpint (nexus_archive_event_get_seq (event), >, seq);
      seq = nexus_archive_event_get_seq (event);
    }
  return describe (events);
}

static NexusEvent *
find_event (NexusClient *client,
            const char  *text)
{
  GListModel *events = nexus_client_get_events (client);

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (g_strcmp0 (nexus_event_get_text (event), text) == 0)
        return event;   /* the log keeps it */
    }
  return NULL;
}

static void
test_recorder_room (NexusTestServer *fixture,
                    gconstpointer    data)
{
  Member ada = { 0 }, bob = { 0 }, cy = { 0 };
  g_autoptr(NexusArchiveRoom) room = NULL;
  g_autofree char *events = NULL;
  g_autofree char *key = NULL;
  const char *code;
  const char * const *people;

  member_start (&ada, fixture->port, "Ada", NULL);
  code = nexus_client_get_room (ada.client);
  key = nexus_archive_room_key (code, "127.0.0.1", fixture->port);
  g_assert_cmpstr (nexus_archive_recorder_get_key (ada.recorder), ==, key);
  member_start (&bob, fixture->port, "Bob", code);

  nexus_client_say (ada.client, "Hello <b>Bob</b> & co");
  WAIT_UNTIL (client_saw (bob.client, "Hello <b>Bob</b> & co"));
  nexus_client_say (bob.client, "Grüße, Ada");
  WAIT_UNTIL (client_saw (ada.client, "Grüße, Ada"));

  /* A late joiner keeps the history the room gave it. */
  member_start (&cy, fixture->port, "Cy", code);
  nexus_client_say (cy.client, "late but here");
  WAIT_UNTIL (client_saw (ada.client, "late but here") && client_saw (bob.client, "late but here"));
  nexus_client_leave (cy.client);
  WAIT_UNTIL (nexus_client_get_n_members (ada.client) == 2);
  nexus_client_leave (bob.client);
  WAIT_UNTIL (nexus_client_get_n_members (ada.client) == 1);

  /* The host's view of the whole room. */
  events = recorded (&ada, &room);
  g_assert_cmpstr (events, ==,
                   "joined Ada|joined Bob|Ada: Hello <b>Bob</b> & co|Bob: Grüße, Ada|joined Cy|"
                   "Cy: late but here|left Cy|left Bob");
  g_assert_cmpstr (nexus_archive_room_get_code (room), ==, code);
  g_assert_true (nexus_archive_room_get_hosted (room));
  g_assert_cmpstr (nexus_archive_room_get_own_name (room), ==, "Ada");
  g_assert_cmpstr (nexus_archive_room_get_host (room), ==, "127.0.0.1");
  g_assert_cmpuint (nexus_archive_room_get_port (room), ==, fixture->port);
  g_assert_cmpint (nexus_archive_room_get_ended (room), ==, 0);
  people = nexus_archive_room_get_people (room);
  g_assert_cmpuint (g_strv_length ((GStrv) people), ==, 3);
  g_assert_cmpstr (people[0], ==, "Ada");
  g_assert_cmpstr (people[1], ==, "Bob");
  g_assert_cmpstr (people[2], ==, "Cy");
  g_clear_object (&room);
  g_clear_pointer (&events, g_free);

  /* A guest's, ended when it left. */
  events = recorded (&bob, &room);
  g_assert_cmpstr (events, ==,
                   "joined Ada|joined Bob|Ada: Hello <b>Bob</b> & co|Bob: Grüße, Ada|joined Cy|"
                   "Cy: late but here|left Cy");
  g_assert_false (nexus_archive_room_get_hosted (room));
  g_assert_cmpint (nexus_archive_room_get_ended (room), >=, nexus_archive_room_get_started (room));
  g_clear_object (&room);
  g_clear_pointer (&events, g_free);

  /* The late joiner's, from the history it was given. */
  events = recorded (&cy, &room);
  g_assert_cmpstr (events, ==,
                   "joined Ada|joined Bob|Ada: Hello <b>Bob</b> & co|Bob: Grüße, Ada|joined Cy|"
                   "Cy: late but here");
  g_clear_object (&room);
  g_clear_pointer (&events, g_free);

  nexus_client_leave (ada.client);
  {
    g_autoptr(GListModel) rooms = test_archive_list (ada.archive);

    g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 1);
    g_assert_cmpint (nexus_archive_room_get_ended (test_archive_find (rooms, code)), >, 0);
  }

  member_free (&cy);
  member_free (&bob);
  member_free (&ada);
}

/* Off: nothing of the room; turned on in the middle, all the client has. */
static void
test_recorder_disabled (NexusTestServer *fixture,
                        gconstpointer    data)
{
  Member ada = { 0 };
  g_autoptr(GListModel) rooms = NULL;
  g_autofree char *events = NULL;
  sqlite3 *db = NULL;

  ada.path = test_archive_path ();
  ada.archive = nexus_archive_new (ada.path);
  nexus_archive_set_enabled (ada.archive, FALSE);
  ada.client = nexus_client_new ("127.0.0.1", fixture->port);
  ada.recorder = nexus_archive_recorder_new (ada.archive, ada.client, TRUE);
  nexus_client_create (ada.client, "Ada");
  WAIT_UNTIL (nexus_client_get_state (ada.client) == NEXUS_CLIENT_STATE_JOINED);
  nexus_client_say (ada.client, "not kept");
  WAIT_UNTIL (nexus_event_get_seq (find_event (ada.client, "not kept")) > 0);
  test_archive_sync (ada.archive);

  rooms = test_archive_list (ada.archive);
  g_assert_cmpuint (g_list_model_get_n_items (rooms), ==, 0);
  g_assert_cmpint (sqlite3_open_v2 (ada.path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT count(*) FROM rooms) + "
                                             "(SELECT count(*) FROM events)", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);

  nexus_archive_set_enabled (ada.archive, TRUE);
  nexus_client_say (ada.client, "kept");
  WAIT_UNTIL (nexus_event_get_seq (find_event (ada.client, "kept")) > 0);
  events = recorded (&ada, NULL);
  g_assert_cmpstr (events, ==, "joined Ada|Ada: not kept|Ada: kept");

  nexus_client_leave (ada.client);
  member_free (&ada);
}

/* An edit and a delete reach every member's archive by room and seq, and
 * a late joiner keeps the history as it shows then; what was deleted or
 * edited away is in no archive's files. */
static void
test_recorder_edit_delete (NexusTestServer *fixture,
                           gconstpointer    data)
{
  static const char expected[] =
    "joined Ada|joined Bob|Ada: the final text (edited)|Ada: (deleted)|Bob: a reply";
  Member ada = { 0 }, bob = { 0 }, dee = { 0 };
  g_autofree char *events = NULL;
  Member *members[] = { &ada, &bob, &dee };
  NexusEvent *draft, *regret;

  member_start (&ada, fixture->port, "Ada", NULL);
  member_start (&bob, fixture->port, "Bob", nexus_client_get_room (ada.client));
  draft = nexus_client_say (ada.client, "the first draft");
  regret = nexus_client_say (ada.client, "a regrettable remark");
  nexus_client_say (bob.client, "a reply");
  WAIT_UNTIL (client_saw (ada.client, "a reply") && client_saw (bob.client, "a regrettable remark"));
  events = recorded (&bob, NULL);
  g_assert_cmpstr (events, ==, "joined Ada|joined Bob|Ada: the first draft|"
                               "Ada: a regrettable remark|Bob: a reply");
  g_clear_pointer (&events, g_free);

  g_assert_true (nexus_client_edit (ada.client, draft, "the final text"));
  g_assert_true (nexus_client_delete (ada.client, regret));
  WAIT_UNTIL (client_saw (bob.client, "the final text")
              && nexus_event_get_edited (find_event (bob.client, "the final text"))
              && !client_saw (bob.client, "a regrettable remark"));
  WAIT_UNTIL (nexus_event_get_edited (draft) && nexus_event_get_deleted (regret));

  /* Dee joins after: the history shows the edit and the delete. */
  member_start (&dee, fixture->port, "Dee", nexus_client_get_room (ada.client));
  nexus_client_leave (dee.client);
  nexus_client_leave (bob.client);
  WAIT_UNTIL (nexus_client_get_n_members (ada.client) == 1);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autofree char *dir = g_path_get_dirname (members[i]->path);
      g_autofree char *got = recorded (members[i], NULL);

      g_test_message ("%s", got);
      g_assert_true (g_str_has_prefix (got, expected));
      test_archive_sync (members[i]->archive);
      g_assert_false (nexus_test_state_dir_contains (dir, "a regrettable remark"));
    }

  nexus_client_leave (ada.client);
  member_free (&dee);
  member_free (&bob);
  member_free (&ada);
}

/* The file of a file message, as its recorder's archive keeps it. */
static void
assert_file_kept (Member     *member,
                  const char *name,
                  gint64      size,
                  const char *type)
{
  g_autoptr(GListModel) events = test_archive_load (member->archive,
                                                    nexus_archive_recorder_get_key (member->recorder),
                                                    NULL);
  guint found = 0;

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusArchiveEvent) event = g_list_model_get_item (events, i);

      if (g_strcmp0 (nexus_archive_event_get_file_name (event), name) != 0)
        continue;
      found++;
      g_assert_cmpint (nexus_archive_event_get_kind (event), ==, NEXUS_EVENT_MESSAGE);
      g_assert_cmpstr (nexus_archive_event_get_name (event), ==, "Ada");
      g_assert_cmpint (nexus_archive_event_get_file_size (event), ==, size);
      g_assert_cmpstr (nexus_archive_event_get_file_type (event), ==, type);
      g_assert_true (g_str_has_prefix (nexus_archive_event_get_text (event), "📎 "));
    }
  g_assert_cmpuint (found, ==, 1);
}

/* A file message is kept by name, size and type, the sender's own (once
 * shared) and another's alike; never the file. */
static void
test_recorder_file (NexusTestServer *fixture,
                    gconstpointer    data)
{
  Member ada = { 0 }, bob = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("nexus-archive-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes <1>.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NexusEvent *shared;

  g_assert_true (g_file_set_contents (path, "a secret note", -1, NULL));
  member_start (&ada, fixture->port, "Ada", NULL);
  member_start (&bob, fixture->port, "Bob", nexus_client_get_room (ada.client));
  shared = nexus_client_share_file (ada.client, file, "text/plain");
  g_assert_nonnull (shared);
  WAIT_UNTIL (nexus_event_get_delivery (shared) != NEXUS_DELIVERY_SENDING);
  g_assert_cmpint (nexus_event_get_delivery (shared), ==, NEXUS_DELIVERY_SENT);
  WAIT_UNTIL (nexus_test_count_text (bob.client, nexus_event_get_text (shared)) == 1);

  /* The type is the host's word for it. */
  g_assert_nonnull (nexus_event_get_file_type (shared));
  assert_file_kept (&ada, "notes <1>.txt", 13, nexus_event_get_file_type (shared));
  assert_file_kept (&bob, "notes <1>.txt", 13, nexus_event_get_file_type (shared));
  {
    g_autofree char *archive_dir = g_path_get_dirname (ada.path);

    g_assert_false (nexus_test_state_dir_contains (archive_dir, "a secret note"));
  }

  nexus_client_leave (bob.client);
  nexus_client_leave (ada.client);
  member_free (&bob);
  member_free (&ada);
  g_unlink (path);
  g_rmdir (dir);
}

void
test_archive_add_recorder_tests (void)
{
  NEXUS_TEST_ADD_SERVER ("/archive/recorder/room", test_recorder_room,
                         nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/archive/recorder/disabled", test_recorder_disabled,
                         nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/archive/recorder/file", test_recorder_file,
                         nexus_test_limits_no_rate);
  NEXUS_TEST_ADD_SERVER ("/archive/recorder/edit-delete", test_recorder_edit_delete,
                         nexus_test_limits_no_rate);
}
