/* test-event-log.c: NexusEventLog, the client's log as a GListModel
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-event-log.h"

typedef struct {
  guint changes;
  guint added;
} Changes;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->changes++;
  changes->added += added;
}

/* A message of @name at 09:15 plus @seconds. */
static NexusEvent *
message_at (gint64      seq,
            const char *name,
            int         seconds,
            const char *id)
{
  g_autoptr(GDateTime) start = g_date_time_new_utc (2026, 11, 24, 9, 15, 0);
  g_autoptr(GDateTime) time = g_date_time_add_seconds (start, seconds);

  return nexus_event_new (NEXUS_EVENT_MESSAGE, seq, time, name, "text", id);
}

/* The event at @position, borrowed: the log keeps it alive. */
static NexusEvent *
item (NexusEventLog *log,
      guint          position)
{
  NexusEvent *event;

  g_assert_cmpuint (position, <, g_list_model_get_n_items (G_LIST_MODEL (log)));
  event = g_list_model_get_item (G_LIST_MODEL (log), position);
  g_object_unref (event);
  return event;
}

static void
test_grouping (void)
{
  g_autoptr(NexusEventLog) log = nexus_event_log_new ();
  g_autoptr(NexusEvent) a = message_at (1, "Ada", 0, "a");
  g_autoptr(NexusEvent) b = message_at (2, "Ada", 60, "b");
  g_autoptr(NexusEvent) c = message_at (3, "Ada", 60 + 5 * 60, "c");   /* five minutes on */
  g_autoptr(NexusEvent) d = message_at (4, "Bob", 361, "d");
  g_autoptr(NexusEvent) e = message_at (5, "Bob", 362, "e");

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (log)) == NEXUS_TYPE_EVENT);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (log), 0));

  nexus_event_log_add_confirmed (log, a);
  nexus_event_log_add_confirmed (log, b);
  nexus_event_log_add_confirmed (log, c);
  nexus_event_log_add_confirmed (log, d);
  nexus_event_log_add_gap (log);
  nexus_event_log_add_confirmed (log, e);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 6);
  g_assert_false (nexus_event_get_continues (a));
  g_assert_true (nexus_event_get_continues (b));
  g_assert_false (nexus_event_get_continues (c));
  g_assert_false (nexus_event_get_continues (d));
  /* Missing messages stand between d and e. */
  g_assert_cmpint (nexus_event_get_kind (item (log, 4)), ==, NEXUS_EVENT_GAP);
  g_assert_false (nexus_event_get_continues (e));

  /* One notice for one hole. */
  nexus_event_log_add_gap (log);
  nexus_event_log_add_gap (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 7);
  g_assert_cmpint (nexus_event_get_kind (item (log, 6)), ==, NEXUS_EVENT_GAP);

  g_clear_object (&log);
  g_assert_finalize_object (g_steal_pointer (&e));
}

/* Own messages on their way stay after the room's events, and take their
 * place among them when confirmed. */
static void
test_pending (void)
{
  g_autoptr(NexusEventLog) log = nexus_event_log_new ();
  g_autoptr(NexusEvent) joined = nexus_event_new (NEXUS_EVENT_JOINED, 1, NULL, "Ada", NULL,
                                                  NULL);
  g_autoptr(NexusEvent) first = nexus_event_new (NEXUS_EVENT_MESSAGE, 0, NULL, "Ada", "first",
                                                 "m1");
  g_autoptr(NexusEvent) second = nexus_event_new (NEXUS_EVENT_MESSAGE, 0, NULL, "Ada", "second",
                                                  "m2");
  g_autoptr(NexusEvent) bob = message_at (2, "Bob", 0, "b1");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  nexus_event_log_add_confirmed (log, joined);
  nexus_event_log_add_pending (log, first);
  nexus_event_log_add_pending (log, second);
  g_assert_true (nexus_event_get_continues (second));

  /* Someone else's message goes before the pending ones. */
  nexus_event_log_add_confirmed (log, bob);
  g_assert_true (item (log, 1) == bob);
  g_assert_true (item (log, 2) == first);
  g_assert_false (nexus_event_get_continues (first));

  /* Confirmed out of order: the second one moves before the first. */
  nexus_event_set_delivery (second, NEXUS_DELIVERY_SENDING);
  nexus_event_log_confirm (log, second, 3, now);
  g_assert_cmpint (nexus_event_get_seq (second), ==, 3);
  g_assert_cmpint (nexus_event_get_delivery (second), ==, NEXUS_DELIVERY_SENT);
  g_assert_true (item (log, 2) == second);
  g_assert_true (item (log, 3) == first);

  /* Confirmed where it stands: it stays. */
  nexus_event_log_confirm (log, first, 4, now);
  g_assert_true (item (log, 3) == first);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 4);
}

/* A batch arrives as one change, before own messages on their way, and a
 * confirmation in the middle of it keeps the order. */
static void
test_batch (void)
{
  g_autoptr(NexusEventLog) log = nexus_event_log_new ();
  g_autoptr(NexusEvent) own = nexus_event_new (NEXUS_EVENT_MESSAGE, 0, NULL, "Ada", "mine",
                                               "m1");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  Changes changes = { 0 };

  nexus_event_log_add_pending (log, own);
  g_signal_connect (log, "items-changed", G_CALLBACK (on_items_changed), &changes);

  nexus_event_log_begin_batch (log);
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(NexusEvent) event = message_at (i + 1, "Bob", (int) i, "b");

      nexus_event_log_add_confirmed (log, event);
    }
  g_assert_cmpuint (changes.changes, ==, 0);
  nexus_event_log_end_batch (log);
  g_assert_cmpuint (changes.changes, ==, 1);
  g_assert_cmpuint (changes.added, ==, 100);
  g_assert_true (item (log, 100) == own);
  g_assert_false (nexus_event_get_continues (item (log, 0)));
  g_assert_true (nexus_event_get_continues (item (log, 99)));

  changes.changes = 0;
  nexus_event_log_begin_batch (log);
  {
    g_autoptr(NexusEvent) event = message_at (101, "Bob", 200, "b");

    nexus_event_log_add_confirmed (log, event);
  }
  nexus_event_log_confirm (log, own, 102, now);
  {
    g_autoptr(NexusEvent) event = message_at (103, "Bob", 201, "b");

    nexus_event_log_add_confirmed (log, event);
  }
  nexus_event_log_end_batch (log);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (log)), ==, 103);
  g_assert_cmpint (nexus_event_get_seq (item (log, 100)), ==, 101);
  g_assert_true (item (log, 101) == own);
  g_assert_cmpint (nexus_event_get_seq (item (log, 102)), ==, 103);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-log/grouping", test_grouping);
  g_test_add_func ("/event-log/pending", test_pending);
  g_test_add_func ("/event-log/batch", test_batch);

  return g_test_run ();
}
