/* nexus-state-store-record.c: what the server records, batched by turn
 *
 * Each change the server records is an op with copies of what it needs,
 * appended to this main-loop turn's batch; a source at the sockets'
 * priority, ready as soon as the batch has its first op, hands the batch
 * to the writer thread after the turn and starts the next epoch.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-state-store-private.h"

/* Batches */

/* Hands this turn's batch, if any, to the writer: the next changes are
 * the next epoch's. */
void
_nexus_state_store_flush (NexusStateStore *self)
{
  NexusStateBatch *batch = g_steal_pointer (&self->batch);

  g_source_set_ready_time (self->flush_source, -1);
  if (batch == NULL)
    return;
  _nexus_state_writer_push (self->writer, batch);
  self->epoch++;
}

/* The end of a main-loop turn that recorded something. */
static gboolean
on_flush (gpointer user_data)
{
  _nexus_state_store_flush (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
flush_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs flush_source_funcs = {
  .dispatch = flush_source_dispatch,
};

/* A new op of this turn's batch, which the caller fills in. */
NexusStateOp *
_nexus_state_store_op (NexusStateStore  *self,
                       NexusStateOpKind  kind,
                       const char       *code)
{
  NexusStateOp *op = _nexus_state_op_new (kind, code);

  if (self->batch == NULL)
    {
      self->batch = g_new0 (NexusStateBatch, 1);
      self->batch->epoch = self->epoch;
      self->batch->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) _nexus_state_op_free);
      /* Ready now: it runs after what this turn dispatches at its priority. */
      g_source_set_ready_time (self->flush_source, 0);
    }
  g_ptr_array_add (self->batch->ops, op);
  return op;
}

/* The source that hands each turn's batch over. */
GSource *
_nexus_state_store_flush_source_new (NexusStateStore *self)
{
  GSource *source = g_source_new (&flush_source_funcs, sizeof (GSource));

  g_source_set_static_name (source, "NexusStateStore flush");
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_flush, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

/* Recording */

/* The epoch the changes recorded now will be committed with. */
guint64
nexus_state_store_get_epoch (NexusStateStore *self)
{
  g_return_val_if_fail (NEXUS_IS_STATE_STORE (self), 0);

  return self->epoch;
}

#define RECORDING(self) \
  (NEXUS_IS_STATE_STORE (self) && !(self)->closed && (self)->writer != NULL)

void
nexus_state_store_record_room (NexusStateStore *self,
                               const char      *code,
                               gint64           created,
                               guint            port)
{
  NexusStateOp *op;

  g_return_if_fail (RECORDING (self));

  op = _nexus_state_store_op (self, NEXUS_STATE_OP_ROOM, code);
  op->a = created;
  op->b = port;
}

/* @nearby_code and @title: NULL when the room is hidden again. */
void
nexus_state_store_record_nearby (NexusStateStore *self,
                                 const char      *code,
                                 const char      *nearby_code,
                                 const char      *title)
{
  NexusStateOp *op;

  g_return_if_fail (RECORDING (self));

  op = _nexus_state_store_op (self, NEXUS_STATE_OP_NEARBY, code);
  op->text = g_strdup (nearby_code);
  op->text2 = g_strdup (title);
}

/* @oldest_kept: the oldest seq the room's history keeps now; older
 * events go from the database too. */
void
nexus_state_store_record_event (NexusStateStore *self,
                                const char      *code,
                                gint64           seq,
                                int              type,
                                gint64           ts,
                                const char      *name,
                                const char      *json,
                                gsize            json_length,
                                gint64           oldest_kept)
{
  NexusStateOp *op;

  g_return_if_fail (RECORDING (self));
  g_return_if_fail (json != NULL);

  op = _nexus_state_store_op (self, NEXUS_STATE_OP_EVENT, code);
  op->a = seq;
  op->b = ts;
  op->c = oldest_kept;
  op->type = type;
  op->text = g_strdup (name);
  op->json = g_strndup (json, json_length);
  op->json_length = json_length;
}

/* The frame of the kept event @seq is @json now (a message edited,
 * deleted or reacted to); nothing else of its row changes. */
void
nexus_state_store_record_event_json (NexusStateStore *self,
                                     const char      *code,
                                     gint64           seq,
                                     const char      *json,
                                     gsize            json_length)
{
  NexusStateOp *op;

  g_return_if_fail (RECORDING (self));
  g_return_if_fail (json != NULL);

  op = _nexus_state_store_op (self, NEXUS_STATE_OP_EVENT_JSON, code);
  op->a = seq;
  op->json = g_strndup (json, json_length);
  op->json_length = json_length;
}

void
nexus_state_store_record_member (NexusStateStore *self,
                                 const char      *code,
                                 const char      *session_hash,
                                 const char      *name,
                                 gint64           order)
{
  NexusStateOp *op;

  g_return_if_fail (RECORDING (self));

  op = _nexus_state_store_op (self, NEXUS_STATE_OP_MEMBER, code);
  op->hash = g_strdup (session_hash);
  op->text = g_strdup (name);
  op->a = order;
}

void
nexus_state_store_record_member_gone (NexusStateStore *self,
                                      const char      *code,
                                      const char      *session_hash)
{
  NexusStateOp *op;

  g_return_if_fail (RECORDING (self));

  op = _nexus_state_store_op (self, NEXUS_STATE_OP_MEMBER_GONE, code);
  op->hash = g_strdup (session_hash);
}

/* @floor: the member's nexus_member_get_said_floor() now; older ids go. */
void
nexus_state_store_record_said (NexusStateStore *self,
                               const char      *code,
                               const char      *session_hash,
                               const char      *id,
                               gint64           seq,
                               gint64           ts,
                               gint64           floor)
{
  NexusStateOp *op;

  g_return_if_fail (RECORDING (self));

  op = _nexus_state_store_op (self, NEXUS_STATE_OP_SAID, code);
  op->hash = g_strdup (session_hash);
  op->text = g_strdup (id);
  op->a = seq;
  op->b = ts;
  op->c = floor;
}

void
nexus_state_store_record_room_gone (NexusStateStore *self,
                                    const char      *code)
{
  g_return_if_fail (RECORDING (self));

  _nexus_state_store_op (self, NEXUS_STATE_OP_ROOM_GONE, code);
}

/**
 * nexus_state_store_record_snapshot:
 *
 * Starts a batch that replaces every room but those on offer with what
 * is recorded after it in this turn: the server writes all its rooms
 * again this way once writes fail, and the store's thread takes nothing
 * else until such a batch comes.
 */
void
nexus_state_store_record_snapshot (NexusStateStore *self)
{
  g_autoptr(GPtrArray) keep = NULL;
  NexusStateOp *op;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (RECORDING (self));

  /* A new epoch even when nothing waits: the frames that follow wait for
   * the snapshot, whose epoch no earlier failure can have released. */
  if (self->batch != NULL)
    _nexus_state_store_flush (self);
  else
    self->epoch++;
  keep = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->offered);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keep, g_strdup (key));
  g_ptr_array_add (keep, NULL);

  op = _nexus_state_store_op (self, NEXUS_STATE_OP_WIPE, NULL);
  op->keep = (GStrv) g_ptr_array_free (g_steal_pointer (&keep), FALSE);
  self->batch->snapshot = TRUE;
}
