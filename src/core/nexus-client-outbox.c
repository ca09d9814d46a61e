/* nexus-client-outbox.c: NexusClient's own messages, from written to
 * acknowledged, paced under the server's rate limit; and typing
 *
 * An own message is in the log at once, SENDING; it waits in the outbox
 * until the server's echo of its id confirms it, across drops and resumes,
 * so it is delivered exactly once. A refused one is FAILED until retried.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-client-private.h"

#define TYPING_INTERVAL_USEC      G_USEC_PER_SEC
#define RATE_LIMITED_PAUSE_MS     1000
/* Frames kept in reserve for typing and for timer jitter against the
 * server's own bucket. */
#define BURST_MARGIN              2
#define RATE_MARGIN               0.9

/* Pacing: a token bucket a little slower than the server's. */

static void
refill_tokens (NexusClient *self)
{
  gint64 now = g_get_monotonic_time ();
  double capacity = NEXUS_CLIENT_BURST - BURST_MARGIN;

  self->tokens += (now - self->tokens_time) * (NEXUS_CLIENT_RATE * RATE_MARGIN) / G_USEC_PER_SEC;
  self->tokens = MIN (self->tokens, capacity);
  self->tokens_time = now;
}

/* Every frame costs a token, whatever it is. */
gboolean
_nexus_client_send_frame (NexusClient *self,
                          const char  *frame)
{
  if (self->connection == NULL
      || soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  refill_tokens (self);
  self->tokens -= 1;
  soup_websocket_connection_send_text (self->connection, frame);
  return TRUE;
}

/* A new connection: a full bucket, and nothing of the outbox sent on it. */
void
_nexus_client_outbox_restart (NexusClient *self)
{
  self->tokens = NEXUS_CLIENT_BURST - BURST_MARGIN;
  self->tokens_time = g_get_monotonic_time ();
  self->n_outbox_sent = 0;
  _nexus_client_changes_restart (self);
}

static gboolean
flush_cb (gpointer user_data)
{
  NexusClient *self = user_data;

  self->flush_id = 0;
  _nexus_client_outbox_flush (self);
  return G_SOURCE_REMOVE;
}

/* Sends what the bucket allows now, and comes back for the rest. */
void
_nexus_client_outbox_flush (NexusClient *self)
{
  if (self->state != NEXUS_CLIENT_STATE_JOINED || self->connection == NULL
      || self->flush_id != 0)
    return;

  refill_tokens (self);
  /* Messages first, then edits, deletes and reactions. */
  while (self->tokens >= 1)
    {
      if (self->n_outbox_sent < self->outbox.length)
        {
          NexusEvent *event = g_queue_peek_nth (&self->outbox, self->n_outbox_sent);
          g_autofree char *frame = _nexus_client_encode_say (event);

          if (!_nexus_client_send_frame (self, frame))
            return;
          self->n_outbox_sent++;
        }
      else if (!_nexus_client_changes_send_next (self))
        break;
    }

  if (self->n_outbox_sent < self->outbox.length || _nexus_client_changes_unsent (self))
    {
      double wait = (1 - self->tokens) / (NEXUS_CLIENT_RATE * RATE_MARGIN);

      self->flush_id = g_timeout_add ((guint) (wait * 1000) + 1, flush_cb, self);
    }
}

/* The outbox */

static void
outbox_remove (NexusClient *self,
               NexusEvent  *event)
{
  int index = g_queue_index (&self->outbox, event);

  if (index < 0)
    return;
  if ((guint) index < self->n_outbox_sent)
    self->n_outbox_sent--;
  g_queue_pop_nth (&self->outbox, index);
  g_object_unref (event);
}

/* Own messages that can no longer be sent wait for the person to retry. */
void
_nexus_client_outbox_fail (NexusClient *self)
{
  NexusEvent *event;

  while ((event = g_queue_pop_head (&self->outbox)) != NULL)
    {
      nexus_event_set_delivery (event, NEXUS_DELIVERY_FAILED);
      g_object_unref (event);
    }
  self->n_outbox_sent = 0;
  _nexus_client_changes_fail (self);
}

/* The own message with @id not yet confirmed, or NULL. */
NexusEvent *
_nexus_client_outbox_lookup (NexusClient *self,
                             const char  *id)
{
  return id != NULL ? g_hash_table_lookup (self->pending, id) : NULL;
}

/* The server's echo of an own message. */
void
_nexus_client_outbox_confirm (NexusClient *self,
                              NexusEvent  *event,
                              gint64       seq,
                              GDateTime   *timestamp)
{
  g_object_ref (event);
  g_hash_table_remove (self->pending, nexus_event_get_id (event));
  _nexus_client_upload_done (self, event);
  outbox_remove (self, event);
  nexus_event_log_confirm (self->log, event, seq, timestamp);
  g_object_unref (event);
}

/* The host refused a frame as over its rate: nothing more goes for a
 * while. */
void
_nexus_client_outbox_pause (NexusClient *self)
{
  self->tokens = MIN (self->tokens, 0);
  if (self->flush_id == 0 && self->state == NEXUS_CLIENT_STATE_JOINED)
    self->flush_id = g_timeout_add (RATE_LIMITED_PAUSE_MS, flush_cb, self);
}

/* The server refused an own message with @code. */
void
_nexus_client_outbox_refused (NexusClient    *self,
                              NexusEvent     *event,
                              NexusErrorCode  code)
{
  if (code == NEXUS_ERROR_RATE_LIMITED)
    {
      int index = g_queue_index (&self->outbox, event);

      /* Not delivered: send it again, with the same id, after a pause. */
      if (index >= 0 && (guint) index < self->n_outbox_sent)
        {
          g_queue_pop_nth (&self->outbox, index);
          self->n_outbox_sent--;
          g_queue_push_nth (&self->outbox, event, self->n_outbox_sent);
        }
      _nexus_client_outbox_pause (self);
      return;
    }

  outbox_remove (self, event);
  nexus_event_set_delivery (event, NEXUS_DELIVERY_FAILED);
}

/* Public API */

/* Adds an own message to the log at once, marked as sending, and sends it
 * when the connection allows. Returns NULL when @text breaks the protocol's
 * rules or the room is over. */
NexusEvent *
nexus_client_say (NexusClient *self,
                  const char  *text)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  return _nexus_client_say (self, text, NULL);
}

/* A say, answering @original when it is not NULL. */
NexusEvent *
_nexus_client_say (NexusClient *self,
                   const char  *text,
                   NexusEvent  *original)
{
  g_autoptr(NexusEvent) event = NULL;
  g_autofree char *id = NULL;
  const char *name;

  if (!nexus_text_is_valid (text) || !_nexus_client_is_in_room (self))
    return NULL;

  id = _nexus_client_new_id (self);
  name = self->name ? self->name : self->wanted_name;
  event = nexus_event_new (NEXUS_EVENT_MESSAGE, 0, NULL, name, text, id);
  nexus_event_set_is_own (event, TRUE);
  nexus_event_set_delivery (event, NEXUS_DELIVERY_SENDING);
  if (original != NULL)
    {
      g_autofree char *quote = nexus_event_make_quote (original);

      nexus_event_set_reply (event, nexus_event_get_seq (original),
                             nexus_event_get_name (original), quote);
    }

  nexus_event_log_add_pending (self->log, event);
  g_hash_table_insert (self->pending, g_strdup (id), g_object_ref (event));
  g_queue_push_tail (&self->outbox, g_object_ref (event));
  _nexus_client_outbox_flush (self);

  return event;
}

/* An id for a frame of this session: says, uploads and changes share them. */
char *
_nexus_client_new_id (NexusClient *self)
{
  return g_strdup_printf ("%s-%u", self->id_prefix, ++self->next_id);
}

/* Sends a failed own message again, with its original id; a failed own
 * file too. */
void
nexus_client_retry (NexusClient *self,
                    NexusEvent  *event)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  /* A file starts over with a new `upload` of the same id. */
  if (nexus_event_has_file (event))
    {
      if (nexus_event_get_delivery (event) == NEXUS_DELIVERY_FAILED
          && _nexus_client_is_in_room (self))
        _nexus_client_upload_retry (self, event);
      return;
    }

  if (nexus_event_get_delivery (event) != NEXUS_DELIVERY_FAILED
      || g_hash_table_lookup (self->pending, nexus_event_get_id (event)) != event
      || !_nexus_client_is_in_room (self))
    return;

  nexus_event_set_delivery (event, NEXUS_DELIVERY_SENDING);
  g_queue_push_tail (&self->outbox, g_object_ref (event));
  _nexus_client_outbox_flush (self);
}

/* Tells the others this person is typing: at most once a second, and
 * never at the cost of a message. */
void
nexus_client_typing (NexusClient *self)
{
  g_autofree char *frame = NULL;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (NEXUS_IS_CLIENT (self));

  if (self->state != NEXUS_CLIENT_STATE_JOINED || self->connection == NULL)
    return;
  if (self->last_typing != 0 && now - self->last_typing < TYPING_INTERVAL_USEC)
    return;
  refill_tokens (self);
  if (self->tokens < 1 + BURST_MARGIN || self->n_outbox_sent < self->outbox.length
      || _nexus_client_changes_unsent (self))
    return;

  self->last_typing = now;
  frame = nexus_frame_encode_simple ("typing");
  _nexus_client_send_frame (self, frame);
}
