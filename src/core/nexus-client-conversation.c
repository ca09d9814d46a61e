/* nexus-client-conversation.c: NexusClient's replies, edits, deletes and
 * reactions, sent exactly once; refusals as sentences; unread messages
 *
 * A change waits in its queue with its id until the host's event with that
 * id comes back (live, in a resume's history, or as the answer to the same
 * id sent again after a drop) or the host refuses it. The host applies an
 * id once, so a change sent twice across a drop happens once.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-client-private.h"
#include "nexus-json.h"
#include "nexus-mention.h"

typedef enum {
  CHANGE_EDIT,
  CHANGE_DELETE,
  CHANGE_REACT,
} ChangeKind;

typedef struct {
  ChangeKind kind;
  char *id;
  NexusEvent *target;
  char *text;                  /* EDIT */
  const char *emoji;           /* REACT: one of nexus_reaction_emoji */
  gboolean on;                 /* REACT */
} NexusChange;

static void
change_free (NexusChange *change)
{
  g_free (change->id);
  g_clear_object (&change->target);
  g_free (change->text);
  g_free (change);
}

static char *
encode_change (NexusChange *change)
{
  static const char * const types[] = { "edit", "delete", "react" };
  GString *out = nexus_json_object_begin (types[change->kind]);

  nexus_json_object_add_string (out, "id", change->id);
  g_string_append_printf (out, ",\"target\":%" G_GINT64_FORMAT,
                          nexus_event_get_seq (change->target));
  if (change->kind == CHANGE_EDIT)
    nexus_json_object_add_string (out, "text", change->text);
  else if (change->kind == CHANGE_REACT)
    {
      nexus_json_object_add_string (out, "emoji", change->emoji);
      g_string_append_printf (out, ",\"on\":%s", change->on ? "true" : "false");
    }
  return nexus_json_object_end (out);
}

/* A say, with `reply_to` when it answers a message. */
char *
_nexus_client_encode_say (NexusEvent *event)
{
  GString *out = nexus_json_object_begin ("say");

  nexus_json_object_add_string (out, "text", nexus_event_get_text (event));
  nexus_json_object_add_string (out, "id", nexus_event_get_id (event));
  if (nexus_event_get_reply_seq (event) > 0)
    g_string_append_printf (out, ",\"reply_to\":%" G_GINT64_FORMAT,
                            nexus_event_get_reply_seq (event));
  return nexus_json_object_end (out);
}

/* The queue */

void
_nexus_client_changes_clear (NexusClient *self)
{
  g_queue_clear_full (&self->changes, (GDestroyNotify) change_free);
  self->n_changes_sent = 0;
}

void
_nexus_client_changes_restart (NexusClient *self)
{
  self->n_changes_sent = 0;
}

gboolean
_nexus_client_changes_unsent (NexusClient *self)
{
  return self->n_changes_sent < self->changes.length;
}

/* Sends the next change not yet sent on this connection; the caller has
 * a token for it. */
gboolean
_nexus_client_changes_send_next (NexusClient *self)
{
  NexusChange *change;
  g_autofree char *frame = NULL;

  if (!_nexus_client_changes_unsent (self))
    return FALSE;
  change = g_queue_peek_nth (&self->changes, self->n_changes_sent);
  frame = encode_change (change);
  if (!_nexus_client_send_frame (self, frame))
    return FALSE;
  self->n_changes_sent++;
  return TRUE;
}

/* The room is over: what was not confirmed will never be. */
void
_nexus_client_changes_fail (NexusClient *self)
{
  _nexus_client_changes_clear (self);
}

static int
change_index (NexusClient *self,
              const char  *id)
{
  guint i = 0;

  if (id == NULL)
    return -1;
  for (GList *l = self->changes.head; l != NULL; l = l->next, i++)
    if (g_strcmp0 (((NexusChange *) l->data)->id, id) == 0)
      return (int) i;
  return -1;
}

static NexusChange *
change_take (NexusClient *self,
             int          index)
{
  if ((guint) index < self->n_changes_sent)
    self->n_changes_sent--;
  return g_queue_pop_nth (&self->changes, index);
}

/* The host's event for an own change: done. */
gboolean
_nexus_client_change_confirmed (NexusClient *self,
                                const char  *id)
{
  int index = change_index (self, id);

  if (index < 0)
    return FALSE;
  change_free (change_take (self, index));
  return TRUE;
}

static char *
sentence_for (const char *code,
              gboolean    reply)
{
  if (g_strcmp0 (code, "target-not-found") == 0)
    return g_strdup (reply ? _("The message you answered is no longer in the room. Send your "
                               "message without the reply.")
                           : _("That message is no longer in the room: it was deleted, or "
                               "the host keeps no more of the history."));
  if (g_strcmp0 (code, "not-allowed") == 0)
    return g_strdup (_("Only the person who wrote a message can change it, and a file cannot "
                       "be edited."));
  if (g_strcmp0 (code, "text-invalid") == 0)
    return g_strdup (_("That text cannot be sent: a message has 1 to 4000 characters, not "
                       "only spaces."));
  return g_strdup (_("The host did not take that change."));
}

/* The host refused the frame with @id; TRUE when it was a change, or a
 * reply whose original is gone. */
gboolean
_nexus_client_change_refused (NexusClient *self,
                              const char  *id,
                              const char  *code,
                              const char  *message)
{
  int index = change_index (self, id);
  g_autofree char *sentence = NULL;
  NexusChange *change;

  if (index < 0)
    {
      NexusEvent *say = _nexus_client_outbox_lookup (self, id);

      if (say == NULL || g_strcmp0 (code, "target-not-found") != 0)
        return FALSE;
      _nexus_client_outbox_refused (self, say, NEXUS_ERROR_BAD_REQUEST);
      sentence = sentence_for (code, TRUE);
      nexus_event_set_failure (say, sentence);
      _nexus_client_emit_refused (self, say, sentence);
      return TRUE;
    }

  /* Not taken, so not applied: the same id goes again after a pause. */
  if (g_strcmp0 (code, "rate-limited") == 0)
    {
      if ((guint) index < self->n_changes_sent)
        {
          g_queue_push_nth (&self->changes, change_take (self, index), self->n_changes_sent);
        }
      _nexus_client_outbox_pause (self);
      return TRUE;
    }

  change = change_take (self, index);
  sentence = sentence_for (code, FALSE);
  g_debug ("client: change %s refused: %s (%s)", change->id, code, message ? message : "");
  _nexus_client_emit_refused (self, change->target, sentence);
  change_free (change);
  return TRUE;
}

/* Public API */

static gboolean
is_message_of_room (NexusEvent *event)
{
  return nexus_event_get_kind (event) == NEXUS_EVENT_MESSAGE && nexus_event_get_seq (event) > 0
         && nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT
         && !nexus_event_get_deleted (event);
}

/* Says @text as an answer to @original, a message of the room. Returns
 * the own message, as nexus_client_say() does, or NULL. */
NexusEvent *
nexus_client_reply (NexusClient *self,
                    const char  *text,
                    NexusEvent  *original)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (original == NULL || NEXUS_IS_EVENT (original), NULL);

  if (original != NULL && !is_message_of_room (original))
    return NULL;
  return _nexus_client_say (self, text, original);
}

/* TRUE when @event is an own text message of the room, not deleted. */
gboolean
nexus_client_can_edit (NexusClient *self,
                       NexusEvent  *event)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), FALSE);

  return is_message_of_room (event) && nexus_event_get_is_own (event)
         && _nexus_client_is_in_room (self);
}

gboolean
nexus_client_can_react (NexusClient *self,
                        NexusEvent  *event)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), FALSE);

  return is_message_of_room (event) && _nexus_client_is_in_room (self);
}

static void
queue_change (NexusClient *self,
              NexusChange *change)
{
  change->id = _nexus_client_new_id (self);
  g_queue_push_tail (&self->changes, change);
  _nexus_client_outbox_flush (self);
}

/* Changes the text of an own message. FALSE when @event cannot be
 * edited (another's, a file, deleted, not yet in the room) or @text
 * breaks the text rules. */
gboolean
nexus_client_edit (NexusClient *self,
                   NexusEvent  *event,
                   const char  *text)
{
  NexusChange *change;

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!nexus_client_can_edit (self, event) || nexus_event_has_file (event)
      || !nexus_text_is_valid (text))
    return FALSE;
  if (g_strcmp0 (nexus_event_get_text (event), text) == 0)
    return TRUE;

  change = g_new0 (NexusChange, 1);
  change->kind = CHANGE_EDIT;
  change->target = g_object_ref (event);
  change->text = g_strdup (text);
  queue_change (self, change);
  return TRUE;
}

/* Deletes an own message, a text or a file, for everyone. */
gboolean
nexus_client_delete (NexusClient *self,
                     NexusEvent  *event)
{
  NexusChange *change;

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), FALSE);

  if (!nexus_client_can_edit (self, event))
    return FALSE;

  change = g_new0 (NexusChange, 1);
  change->kind = CHANGE_DELETE;
  change->target = g_object_ref (event);
  queue_change (self, change);
  return TRUE;
}

/* Adds (@on) or takes away this person's @emoji, one of
 * nexus_reaction_emoji, on a message of the room. */
gboolean
nexus_client_react (NexusClient *self,
                    NexusEvent  *event,
                    const char  *emoji,
                    gboolean     on)
{
  NexusChange *change;
  int index = nexus_reaction_index (emoji);

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), FALSE);

  if (index < 0 || !nexus_client_can_react (self, event))
    return FALSE;

  change = g_new0 (NexusChange, 1);
  change->kind = CHANGE_REACT;
  change->target = g_object_ref (event);
  change->emoji = nexus_reaction_emoji (index);
  change->on = !!on;
  queue_change (self, change);
  return TRUE;
}

/* Mentions and unread */

void
_nexus_client_update_mention (NexusClient *self,
                              NexusEvent  *event)
{
  gboolean mentions = !nexus_event_get_is_own (event) && !nexus_event_get_deleted (event)
                      && nexus_mentions_name (nexus_event_get_text (event),
                                              nexus_client_get_members (self), self->name);

  nexus_event_set_mentions_me (event, mentions);
}

static void
set_unread (NexusClient *self,
            guint        unread)
{
  if (self->unread == unread)
    return;
  self->unread = unread;
  _nexus_client_notify_unread (self);
}

/* A message that was not in the log came: live, or in a welcome's
 * history. Only what comes after joining counts as unread. */
void
_nexus_client_message_added (NexusClient *self,
                             NexusEvent  *event,
                             gboolean     live)
{
  _nexus_client_update_mention (self, event);

  if (self->looking || nexus_event_get_is_own (event) || !(live || self->resuming))
    return;
  if (self->first_unread == NULL)
    {
      self->first_unread = g_object_ref (event);
      nexus_event_set_first_unread (event, TRUE);
    }
  set_unread (self, self->unread + 1);
}

void
nexus_client_set_looking (NexusClient *self,
                          gboolean     looking)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));

  looking = !!looking;
  if (self->looking == looking)
    return;
  self->looking = looking;

  if (looking)
    set_unread (self, 0);
  /* Looking away: the line moves to the next message that comes. The one
   * before stays while the person reads on. */
  else if (self->first_unread != NULL)
    {
      nexus_event_set_first_unread (self->first_unread, FALSE);
      g_clear_object (&self->first_unread);
    }
}

/* Messages of others since someone last looked. */
guint
nexus_client_get_unread (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), 0);

  return self->unread;
}
