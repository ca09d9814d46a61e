/* nexus-event-log.c: a room's log as the client shows it, a GListModel
 *
 * The room's events come first, in seq order, then own messages still on
 * their way, in the order they were written. Each event knows whether it
 * continues a group of messages of one sender.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-event-log.h"

#define GROUP_WINDOW_USEC  (5 * 60 * G_USEC_PER_SEC)

struct _NexusEventLog
{
  GObject parent_instance;

  GPtrArray *items;        /* NexusEvent: confirmed ones, then own unconfirmed */
  guint n_confirmed;
  GPtrArray *batch;        /* confirmed events being read, not yet in @items */
  GHashTable *by_seq;      /* seq → NexusEvent (unowned), confirmed messages */
};

static void nexus_event_log_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NexusEventLog, nexus_event_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      nexus_event_log_list_model_init))

/* GListModel */

static GType
nexus_event_log_get_item_type (GListModel *model)
{
  return NEXUS_TYPE_EVENT;
}

static guint
nexus_event_log_get_n_items (GListModel *model)
{
  return NEXUS_EVENT_LOG (model)->items->len;
}

static gpointer
nexus_event_log_get_item (GListModel *model,
                          guint       position)
{
  NexusEventLog *self = NEXUS_EVENT_LOG (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
nexus_event_log_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = nexus_event_log_get_item_type;
  iface->get_n_items = nexus_event_log_get_n_items;
  iface->get_item = nexus_event_log_get_item;
}

/* Grouping */

static gboolean
follows_in_group (NexusEvent *event,
                  NexusEvent *previous)
{
  if (previous == NULL
      || nexus_event_get_kind (event) != NEXUS_EVENT_MESSAGE
      || nexus_event_get_kind (previous) != NEXUS_EVENT_MESSAGE
      || g_strcmp0 (nexus_event_get_name (event), nexus_event_get_name (previous)) != 0)
    return FALSE;

  return g_date_time_difference (nexus_event_get_timestamp (event),
                                 nexus_event_get_timestamp (previous)) < GROUP_WINDOW_USEC;
}

static NexusEvent *
item_at (NexusEventLog *self,
         guint          position)
{
  return position < self->items->len ? g_ptr_array_index (self->items, position) : NULL;
}

static void
update_continues (NexusEventLog *self,
                  guint          position)
{
  NexusEvent *event = item_at (self, position);

  if (event == NULL)
    return;
  nexus_event_set_continues (event, follows_in_group (event, position > 0
                                                             ? item_at (self, position - 1)
                                                             : NULL));
}

/* Changes, each told to the model's watchers */

static void
insert_item (NexusEventLog *self,
             guint          position,
             NexusEvent    *event)
{
  g_ptr_array_insert (self->items, position, g_object_ref (event));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

static void
remove_item (NexusEventLog *self,
             guint          position)
{
  g_ptr_array_remove_index (self->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

static void
index_event (NexusEventLog *self,
             NexusEvent    *event)
{
  gint64 seq = nexus_event_get_seq (event);

  if (seq > 0 && nexus_event_get_kind (event) == NEXUS_EVENT_MESSAGE)
    g_hash_table_insert (self->by_seq, g_memdup2 (&seq, sizeof seq), event);
}

/* A welcome brings up to the whole history: one change, not a thousand. */
static void
flush_batch (NexusEventLog *self)
{
  guint position = self->n_confirmed;
  guint n;

  if (self->batch == NULL || self->batch->len == 0)
    return;

  n = self->batch->len;
  for (guint i = 0; i < n; i++)
    g_ptr_array_insert (self->items, position + i, g_object_ref (self->batch->pdata[i]));
  g_ptr_array_set_size (self->batch, 0);
  self->n_confirmed += n;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n);
  update_continues (self, self->n_confirmed);
}

/* The last confirmed event, in the batch or before it. */
static NexusEvent *
last_confirmed (NexusEventLog *self)
{
  if (self->batch != NULL && self->batch->len > 0)
    return g_ptr_array_index (self->batch, self->batch->len - 1);
  return self->n_confirmed > 0 ? item_at (self, self->n_confirmed - 1) : NULL;
}

/* GObject */

static void
nexus_event_log_finalize (GObject *object)
{
  NexusEventLog *self = NEXUS_EVENT_LOG (object);

  g_clear_pointer (&self->by_seq, g_hash_table_unref);
  g_clear_pointer (&self->batch, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (nexus_event_log_parent_class)->finalize (object);
}

static void
nexus_event_log_class_init (NexusEventLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nexus_event_log_finalize;
}

static void
nexus_event_log_init (NexusEventLog *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_seq = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

NexusEventLog *
nexus_event_log_new (void)
{
  return g_object_new (NEXUS_TYPE_EVENT_LOG, NULL);
}

/* Adds a room event after the confirmed ones, before own messages still
 * on their way. Between begin_batch and end_batch it waits, so that many
 * arrive as one change. */
void
nexus_event_log_add_confirmed (NexusEventLog *self,
                               NexusEvent    *event)
{
  guint position;

  g_return_if_fail (NEXUS_IS_EVENT_LOG (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  index_event (self, event);
  if (self->batch != NULL)
    {
      nexus_event_set_continues (event, follows_in_group (event, last_confirmed (self)));
      g_ptr_array_add (self->batch, g_object_ref (event));
      return;
    }

  position = self->n_confirmed;
  insert_item (self, position, event);
  self->n_confirmed++;
  update_continues (self, position);
  update_continues (self, position + 1);
}

/* Marks where events are missing, once however many resumes missed some. */
void
nexus_event_log_add_gap (NexusEventLog *self)
{
  NexusEvent *last;
  g_autoptr(NexusEvent) gap = NULL;

  g_return_if_fail (NEXUS_IS_EVENT_LOG (self));

  last = last_confirmed (self);
  if (last != NULL && nexus_event_get_kind (last) == NEXUS_EVENT_GAP)
    return;

  gap = nexus_event_new (NEXUS_EVENT_GAP, 0, NULL, "", NULL, NULL);
  nexus_event_log_add_confirmed (self, gap);
}

/* Adds an own message not yet acknowledged, at the end. */
void
nexus_event_log_add_pending (NexusEventLog *self,
                             NexusEvent    *event)
{
  g_return_if_fail (NEXUS_IS_EVENT_LOG (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  insert_item (self, self->items->len, event);
  update_continues (self, self->items->len - 1);
}

/* Takes away an own message that will never be sent (a file whose
 * upload was cancelled). */
void
nexus_event_log_remove_pending (NexusEventLog *self,
                                NexusEvent    *event)
{
  guint position;

  g_return_if_fail (NEXUS_IS_EVENT_LOG (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  if (!g_ptr_array_find (self->items, event, &position) || position < self->n_confirmed)
    return;
  remove_item (self, position);
  update_continues (self, position);
}

/* The server acknowledged an own message: it takes its place among the
 * room's events, after the ones confirmed before it. */
void
nexus_event_log_confirm (NexusEventLog *self,
                         NexusEvent    *event,
                         gint64         seq,
                         GDateTime     *timestamp)
{
  guint position;

  g_return_if_fail (NEXUS_IS_EVENT_LOG (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));
  g_return_if_fail (timestamp != NULL);

  g_object_ref (event);
  flush_batch (self);
  nexus_event_confirm (event, seq, timestamp);
  index_event (self, event);

  if (!g_ptr_array_find (self->items, event, &position))
    nexus_event_log_add_confirmed (self, event);
  else if (position == self->n_confirmed)
    {
      self->n_confirmed++;
      update_continues (self, position);
      update_continues (self, position + 1);
    }
  else
    {
      remove_item (self, position);
      update_continues (self, position);
      nexus_event_log_add_confirmed (self, event);
    }

  g_object_unref (event);
}

/* Confirmed events added from now on wait for nexus_event_log_end_batch(). */
void
nexus_event_log_begin_batch (NexusEventLog *self)
{
  g_return_if_fail (NEXUS_IS_EVENT_LOG (self));
  g_return_if_fail (self->batch == NULL);

  self->batch = g_ptr_array_new_with_free_func (g_object_unref);
}

void
nexus_event_log_end_batch (NexusEventLog *self)
{
  g_return_if_fail (NEXUS_IS_EVENT_LOG (self));
  g_return_if_fail (self->batch != NULL);

  flush_batch (self);
  g_clear_pointer (&self->batch, g_ptr_array_unref);
}

/* The room's message with @seq, or NULL when the log has none. */
NexusEvent *
nexus_event_log_lookup (NexusEventLog *self,
                        gint64         seq)
{
  g_return_val_if_fail (NEXUS_IS_EVENT_LOG (self), NULL);

  return g_hash_table_lookup (self->by_seq, &seq);
}

/* Where @event is in the list, or -1. */
int
nexus_event_log_get_position (NexusEventLog *self,
                              NexusEvent    *event)
{
  guint position;

  g_return_val_if_fail (NEXUS_IS_EVENT_LOG (self), -1);

  return g_ptr_array_find (self->items, event, &position) ? (int) position : -1;
}
