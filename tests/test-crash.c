/* test-crash.c: the host killed mid-conversation, three times, and
 * nothing lost or doubled
 *
 * A real `nexus-chat --headless` keeps its rooms in a state directory of
 * the test's own. Four members talk continuously through it, each as a
 * careful client does: it remembers its session and the last seq it saw,
 * and keeps each say until its own copy comes back. Mid-stream the host
 * gets SIGKILL; it is started again on the same directory, without a
 * port, and must come back on the port it had, with the room. Every
 * member resumes with its session and last seq and sends its unanswered
 * says again with their ids, right behind the resume. At the end every member has seen every
 * message exactly once, in seq order with no gap, and all of them the
 * same seq for each message.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-protocol.h"
#include "nexus-test-state.h"
#include "nexus-test-utils.h"

#define N_MEMBERS      4
#define N_CRASHES      3
#define OUTBOX_WINDOW  12     /* says a member has in flight at most */
#define SEND_PERIOD_MS 4

typedef struct {
  char            *name;
  NexusTestClient *client;
  char            *session;
  gint64           last_seq;
  GQueue           outbox;      /* ids said and not yet acknowledged, oldest first */
  GHashTable      *texts;       /* id → text of what it said */
  guint            next_id;
  GHashTable      *seen;        /* id of every message seen → its seq */
  guint            n_replays;   /* acknowledgements of says repeated after a crash */
  gboolean         resumed;     /* the welcome of the current connection has come */
} Member;

typedef struct {
  char        *state_dir;
  GSubprocess *host;
  guint        port;
  char        *code;
  Member       members[N_MEMBERS];
  gboolean     sending;
  guint        n_messages;    /* messages the first member has seen in this phase */
} Crash;

static void
crash_host_start (Crash    *crash,
                  gboolean  first)
{
  const char *args[] = { "--rate", "0", "--history", "4000", NULL };

  crash->host = nexus_test_state_host_start (crash->state_dir, args, first ? NULL : crash->code,
                                             N_MEMBERS, &crash->port);
}

static gboolean
member_can_send (Member *member)
{
  return member->client != NULL && member->resumed && !member->client->closed
         && soup_websocket_connection_get_state (member->client->ws) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
member_say (Member     *member,
            const char *id)
{
  g_autofree char *frame = nexus_frame_encode_say (g_hash_table_lookup (member->texts, id), id);

  soup_websocket_connection_send_text (member->client->ws, frame);
}

/* One event, live or from a welcome's history: the next seq, never one
 * seen before; a member's own message acknowledges its say. */
static void
member_take_event (Member     *member,
                   JsonObject *event)
{
  const char *type = nexus_test_str (event, "type");
  gint64 seq = nexus_test_int (event, "seq");

  if (seq <= member->last_seq && g_str_equal (type, "message")
      && g_str_equal (nexus_test_str (event, "name"), member->name))
    {
      /* A repeated say answered with its original: seen already. */
      g_autofree char *key = g_strdup_printf ("%s/%s", member->name,
                                              nexus_test_str (event, "id"));

      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (member->seen, key)), ==, seq);
      member->n_replays++;
      return;
    }
  if (seq != member->last_seq + 1)
    g_error ("%s saw seq %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT, member->name, seq,
             member->last_seq);
  member->last_seq = seq;
  if (!g_str_equal (type, "message"))
    return;

  {
    const char *id = nexus_test_str (event, "id");
    g_autofree char *key = g_strdup_printf ("%s/%s", nexus_test_str (event, "name"), id);

    g_assert_false (g_hash_table_contains (member->seen, key));
    g_hash_table_insert (member->seen, g_steal_pointer (&key), GINT_TO_POINTER ((int) seq));
    if (g_str_equal (nexus_test_str (event, "name"), member->name))
      {
        GList *link = g_queue_find_custom (&member->outbox, id, (GCompareFunc) g_strcmp0);

        g_assert_nonnull (link);
        g_assert_cmpstr (nexus_test_str (event, "text"), ==,
                         g_hash_table_lookup (member->texts, id));
        g_free (link->data);
        g_queue_delete_link (&member->outbox, link);
      }
  }
}

static void
member_take_frames (Crash  *crash,
                    Member *member)
{
  JsonObject *frame;

  if (member->client == NULL)
    return;
  while ((frame = g_queue_pop_head (&member->client->frames)) != NULL)
    {
      const char *type = nexus_test_str (frame, "type");

      if (g_str_equal (type, "welcome"))
        {
          JsonArray *history = json_object_get_array_member (frame, "history");

          g_assert_false (json_object_has_member (frame, "gap")
                          && json_object_get_boolean_member (frame, "gap"));
          for (guint i = 0; i < json_array_get_length (history); i++)
            member_take_event (member, json_array_get_object_element (history, i));
          g_assert_cmpint (nexus_test_int (frame, "last_seq"), ==, member->last_seq);
          member->resumed = TRUE;
        }
      else if (g_str_equal (type, "message") || g_str_equal (type, "joined")
               || g_str_equal (type, "left"))
        {
          member_take_event (member, frame);
          if (member == &crash->members[0] && g_str_equal (type, "message"))
            crash->n_messages++;
        }
      else if (!g_str_equal (type, "typing"))
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), frame);
          g_autofree char *text = json_to_string (node, FALSE);

          g_error ("%s got %s", member->name, text);
        }
      json_object_unref (frame);
    }
}

static gboolean
on_send_tick (gpointer user_data)
{
  Crash *crash = user_data;

  if (!crash->sending)
    return G_SOURCE_CONTINUE;
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      Member *member = &crash->members[i];
      char *id;

      /* A few at once, as a client with a backlog sends them. */
      for (guint n = 0; n < 3; n++)
        {
          if (!member_can_send (member) || member->outbox.length >= OUTBOX_WINDOW)
            break;
          id = g_strdup_printf ("%c%u", member->name[0], member->next_id++);
          g_hash_table_insert (member->texts, g_strdup (id),
                               g_strdup_printf ("%s says %s, in the middle of things",
                                                member->name, id));
          g_queue_push_tail (&member->outbox, id);
          member_say (member, id);
        }
    }
  return G_SOURCE_CONTINUE;
}

/* Runs the loop, taking every member's frames, until @cond holds. */
#define RUN_UNTIL(crash, cond)                                              \
  G_STMT_START {                                                            \
    gint64 _deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;       \
    while (!(cond))                                                         \
      {                                                                     \
        if (g_get_monotonic_time () > _deadline)                            \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        g_main_context_iteration (NULL, TRUE);                              \
        for (guint _m = 0; _m < N_MEMBERS; _m++)                            \
          member_take_frames ((crash), &(crash)->members[_m]);              \
      }                                                                     \
  } G_STMT_END

static gboolean
all_closed (Crash *crash)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    if (!crash->members[i].client->closed)
      return FALSE;
  return TRUE;
}

static gboolean
all_resumed (Crash *crash)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    if (!crash->members[i].resumed)
      return FALSE;
  return TRUE;
}

/* Every say acknowledged and every member at the same seq. */
static gboolean
all_settled (Crash *crash)
{
  for (guint i = 0; i < N_MEMBERS; i++)
    if (crash->members[i].outbox.length > 0
        || crash->members[i].last_seq != crash->members[0].last_seq)
      return FALSE;
  return TRUE;
}

static void
member_resume (Crash  *crash,
               Member *member)
{
  g_autofree char *frame = NULL;

  g_clear_pointer (&member->client, nexus_test_client_free);
  member->resumed = FALSE;
  member->client = nexus_test_client_new (crash->port, NULL);
  frame = nexus_frame_encode_resume (crash->code, member->session, member->last_seq);
  nexus_test_client_send (member->client, frame);
  /* What was not acknowledged goes again at once behind the resume, with
   * its ids, in order: the welcome's history may acknowledge some of it,
   * whose repeats are then answered with their originals. */
  for (GList *l = member->outbox.head; l != NULL; l = l->next)
    member_say (member, l->data);
}

static void
test_kill_and_restart (void)
{
  Crash crash = { 0, };
  const char *names[N_MEMBERS] = { "Ada", "Bob", "Cyd", "Dan" };
  guint send_id;
  guint n_said = 0;
  guint n_replays = 0;

  crash.state_dir = nexus_test_state_dir ();
  crash_host_start (&crash, TRUE);

  /* The room, with everyone in it. */
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      Member *member = &crash.members[i];
      g_autoptr(JsonObject) welcome = NULL;

      member->name = g_strdup (names[i]);
      member->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      member->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_queue_init (&member->outbox);
      member->client = nexus_test_client_new (crash.port, NULL);
      if (i == 0)
        {
          welcome = nexus_test_client_create (member->client, member->name);
          crash.code = g_strdup (nexus_test_str (welcome, "room"));
        }
      else
        welcome = nexus_test_client_join (member->client, crash.code, member->name);
      member->session = g_strdup (nexus_test_str (welcome, "session"));
      member->last_seq = nexus_test_int (welcome, "last_seq");
      member->resumed = TRUE;
      /* Those who came before see this one's joined. */
      for (guint j = 0; j < i; j++)
        {
          g_autoptr(JsonObject) joined = nexus_test_client_expect (crash.members[j].client,
                                                                   "joined");

          g_assert_cmpint (nexus_test_int (joined, "seq"), ==, crash.members[j].last_seq + 1);
          crash.members[j].last_seq++;
        }
    }

  crash.sending = TRUE;
  send_id = g_timeout_add (SEND_PERIOD_MS, on_send_tick, &crash);
  for (guint round = 0; round < N_CRASHES; round++)
    {
      /* Mid-stream, at a moment the loop does not choose: says in flight
       * from everyone, in every state between sent and acknowledged. */
      gint64 kill_at;

      crash.n_messages = 0;
      RUN_UNTIL (&crash, crash.n_messages >= 100);
      kill_at = g_get_monotonic_time () + g_random_int_range (0, 30 * 1000);
      RUN_UNTIL (&crash, g_get_monotonic_time () >= kill_at);
      /* Once, the host stops first while says keep coming: they are
       * unread when it dies, and the kernel resets those connections,
       * so what a member had not read yet is lost on its side too. */
      if (round == 1)
        {
          g_subprocess_send_signal (crash.host, SIGSTOP);
          kill_at = g_get_monotonic_time () + 50 * 1000;
          RUN_UNTIL (&crash, g_get_monotonic_time () >= kill_at);
        }
      g_test_message ("round %u: killing the host at seq %" G_GINT64_FORMAT, round,
                      crash.members[0].last_seq);
      nexus_test_state_host_kill (&crash.host);
      RUN_UNTIL (&crash, all_closed (&crash));
      for (guint i = 0; i < N_MEMBERS; i++)
        crash.members[i].resumed = FALSE;

      crash_host_start (&crash, FALSE);
      for (guint i = 0; i < N_MEMBERS; i++)
        member_resume (&crash, &crash.members[i]);
      RUN_UNTIL (&crash, all_resumed (&crash));
    }

  /* A while after the last return, then quiet until everything is
   * acknowledged. */
  crash.n_messages = 0;
  RUN_UNTIL (&crash, crash.n_messages >= 150);
  crash.sending = FALSE;
  g_source_remove (send_id);
  RUN_UNTIL (&crash, all_settled (&crash));

  /* Everyone saw every message once, at the same seq. */
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      n_said += crash.members[i].next_id;
      n_replays += crash.members[i].n_replays;
    }
  g_test_message ("%u messages, %" G_GINT64_FORMAT " events, %u says repeated after a crash and "
                  "answered with their original", n_said, crash.members[0].last_seq, n_replays);
  for (guint i = 0; i < N_MEMBERS; i++)
    {
      Member *member = &crash.members[i];
      GHashTableIter iter;
      gpointer key, value;

      g_assert_cmpuint (g_hash_table_size (member->seen), ==, n_said);
      g_hash_table_iter_init (&iter, member->seen);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_assert_true (g_hash_table_lookup (crash.members[0].seen, key) == value);
    }
  /* The events are the joins and the messages: nobody left, none twice. */
  g_assert_cmpint (crash.members[0].last_seq, ==, N_MEMBERS + n_said);

  /* Closed on purpose, the room goes from the database. */
  g_subprocess_send_signal (crash.host, SIGTERM);
  RUN_UNTIL (&crash, all_closed (&crash));
  g_assert_cmpuint (crash.members[0].client->close_code, ==, 1001);
  {
    g_autoptr(GError) error = NULL;
    sqlite3 *db;

    g_assert_true (g_subprocess_wait (crash.host, NULL, &error));
    g_assert_cmpint (g_subprocess_get_exit_status (crash.host), ==, 0);
    db = nexus_test_state_db_open (crash.state_dir);
    g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM rooms"), ==, 0);
    g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM events"), ==, 0);
    sqlite3_close (db);
  }

  for (guint i = 0; i < N_MEMBERS; i++)
    {
      Member *member = &crash.members[i];

      nexus_test_client_free (member->client);
      g_free (member->name);
      g_free (member->session);
      g_queue_clear_full (&member->outbox, g_free);
      g_hash_table_unref (member->texts);
      g_hash_table_unref (member->seen);
    }
  g_clear_object (&crash.host);
  nexus_test_state_dir_remove (crash.state_dir);
  g_free (crash.state_dir);
  g_free (crash.code);
}

/* A headless host of @args with its output and its error read line by
 * line: the port from the first, every line of the second up to then. */
static GSubprocess *
spawn_reading_errors (const char * const *args,
                      guint              *port,
                      GDataInputStream  **errors)
{
  GSubprocess *process = nexus_test_headless_new (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE, 0);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);

      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "listening on port "))
        {
          *port = (guint) g_ascii_strtoull (line + strlen ("listening on port "), NULL, 10);
          break;
        }
    }
  *errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  return process;
}

/* SIGTERM, with the loop running so that members answer the close. */
static void
stop (GSubprocess *process)
{
  g_autoptr(GAsyncResult) exited = NULL;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait_async (process, NULL, nexus_test_async_result_cb, &exited);
  WAIT_UNTIL (exited != NULL);
  g_assert_true (g_subprocess_wait_finish (process, exited, NULL));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* A database that cannot be read is set aside in one sentence; the host
 * serves as ever, and keeps its rooms in a new one. */
static void
test_bad_database (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  g_autofree char *path = g_build_filename (dir, NEXUS_STATE_STORE_FILE_NAME, NULL);
  const char *args[] = { "--bind", "127.0.0.1", "--port", "0", "--no-discovery",
                         "--state-dir", dir, NULL };
  g_autoptr(GDataInputStream) errors = NULL;
  g_autoptr(GSubprocess) host = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *code = NULL;
  guint port;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "this is no database, but it is long enough to look "
                                            "like one to a careless reader", -1, NULL));
  host = spawn_reading_errors (args, &port, &errors);
  line = g_data_input_stream_read_line_utf8 (errors, NULL, NULL, NULL);
  g_assert_nonnull (line);
  expected = g_strdup_printf ("nexus-chat: The saved rooms in %s could not be read, so the file "
                              "was set aside as %s.set-aside-", path, path);
  g_assert_true (g_str_has_prefix (line, expected));
  g_assert_true (g_str_has_suffix (line, " and a new one was started."));

  ada = nexus_test_start_room (port, &code);
  nexus_test_client_say_n (ada, 1, "still here", "s");
  {
    sqlite3 *db = nexus_test_state_db_open (dir);

    g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM rooms"), ==, 1);
    sqlite3_close (db);
  }
  stop (host);
  nexus_test_state_dir_remove (dir);
}

/* Two hosts on one state directory: the second says so and keeps its
 * rooms in memory; neither takes the other's rooms. */
static void
test_second_host (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  const char *args[] = { "--bind", "127.0.0.1", "--port", "0", "--no-discovery",
                         "--state-dir", dir, NULL };
  g_autoptr(GDataInputStream) first_errors = NULL;
  g_autoptr(GDataInputStream) errors = NULL;
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  guint first_port, second_port;

  first = spawn_reading_errors (args, &first_port, &first_errors);
  ada = nexus_test_start_room (first_port, NULL);
  second = spawn_reading_errors (args, &second_port, &errors);
  line = g_data_input_stream_read_line_utf8 (errors, NULL, NULL, NULL);
  expected = g_strdup_printf ("nexus-chat: Rooms will not survive a crash this time. Another "
                              "Nexus Chat keeps its rooms in %s.", dir);
  g_assert_cmpstr (line, ==, expected);
  bob = nexus_test_start_room (second_port, NULL);
  nexus_test_client_say_n (bob, 1, "in memory", "m");
  nexus_test_client_say_n (ada, 1, "on disk", "d");
  {
    sqlite3 *db = nexus_test_state_db_open (dir);

    g_assert_cmpint (nexus_test_state_query_int (db, "SELECT count(*) FROM rooms"), ==, 1);
    sqlite3_close (db);
  }
  stop (second);
  stop (first);
  nexus_test_state_dir_remove (dir);
}

/* --no-persistence: nothing on disk, and a crash ends the room. */
static void
test_no_persistence (void)
{
  g_autofree char *dir = nexus_test_state_dir ();
  const char *args[] = { "--bind", "127.0.0.1", "--port", "0", "--no-discovery",
                         "--state-dir", dir, "--no-persistence", NULL };
  g_autoptr(GSubprocess) host = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) again = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *port_text = NULL;
  guint port;

  host = nexus_test_spawn_headless (args, 0, &port, NULL);
  ada = nexus_test_start_room_full (port, &welcome, NULL);
  g_subprocess_force_exit (host);
  g_assert_true (g_subprocess_wait (host, NULL, NULL));
  g_clear_object (&host);
  nexus_test_client_wait_closed (ada);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  port_text = g_strdup_printf ("%u", port);
  {
    const char *again_args[] = { "--bind", "127.0.0.1", "--port", port_text, "--no-discovery",
                                 "--state-dir", dir, "--no-persistence", NULL };

    host = nexus_test_spawn_headless (again_args, 0, &port, NULL);
  }
  again = nexus_test_client_new (port, NULL);
  nexus_test_client_send_resume (again, nexus_test_str (welcome, "room"),
                                 nexus_test_str (welcome, "session"), 1);
  nexus_test_client_expect_fatal (again, "room-not-found");
  stop (host);
  nexus_test_state_dir_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crash/kill-and-restart", test_kill_and_restart);
  g_test_add_func ("/crash/bad-database", test_bad_database);
  g_test_add_func ("/crash/second-host", test_second_host);
  g_test_add_func ("/crash/no-persistence", test_no_persistence);

  return g_test_run ();
}
