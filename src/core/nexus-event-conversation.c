/* nexus-event-conversation.c: what a message becomes in the conversation:
 * the message it answers, its edits, its deletion, its reactions, and
 * what the client marks on it (mentions, the first unread)
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-event-private.h"

static GParamSpec **const properties = _nexus_event_properties;

void
_nexus_event_conversation_install (GObjectClass *object_class)
{
  properties[PROP_REPLY_SEQ] =
    g_param_spec_int64 ("reply-seq", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPLY_NAME] =
    g_param_spec_string ("reply-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPLY_QUOTE] =
    g_param_spec_string ("reply-quote", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITED] =
    g_param_spec_boolean ("edited", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DELETED] =
    g_param_spec_boolean ("deleted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* The emoji that have at least one reaction, in the order offered. */
  properties[PROP_REACTIONS] =
    g_param_spec_boxed ("reactions", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MENTIONS_ME] =
    g_param_spec_boolean ("mentions-me", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_UNREAD] =
    g_param_spec_boolean ("first-unread", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

void
_nexus_event_conversation_finalize (NexusEvent *self)
{
  g_clear_pointer (&self->reply_name, g_free);
  g_clear_pointer (&self->reply_quote, g_free);
  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    g_clear_pointer (&self->reactors[i], g_ptr_array_unref);
}

static GStrv
reactions_strv (NexusEvent *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv strv;

  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    if (self->reactors[i] != NULL)
      g_strv_builder_add (builder, nexus_reaction_emoji (i));
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

gboolean
_nexus_event_conversation_get_property (NexusEvent *self,
                                        guint       prop_id,
                                        GValue     *value)
{
  switch (prop_id)
    {
    case PROP_REPLY_SEQ:
      g_value_set_int64 (value, self->reply_seq);
      return TRUE;
    case PROP_REPLY_NAME:
      g_value_set_string (value, self->reply_name);
      return TRUE;
    case PROP_REPLY_QUOTE:
      g_value_set_string (value, self->reply_quote);
      return TRUE;
    case PROP_EDITED:
      g_value_set_boolean (value, self->edited);
      return TRUE;
    case PROP_DELETED:
      g_value_set_boolean (value, self->deleted);
      return TRUE;
    case PROP_REACTIONS:
      g_value_take_boxed (value, reactions_strv (self));
      return TRUE;
    case PROP_MENTIONS_ME:
      g_value_set_boolean (value, self->mentions_me);
      return TRUE;
    case PROP_FIRST_UNREAD:
      g_value_set_boolean (value, self->first_unread);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
set_flag (NexusEvent *self,
          gboolean   *field,
          gboolean    value,
          guint       prop)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_str (NexusEvent  *self,
         char       **field,
         const char  *value,
         guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Replies */

/* @quote is "" for an original that was deleted since. */
void
nexus_event_set_reply (NexusEvent *self,
                       gint64      seq,
                       const char *name,
                       const char *quote)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));
  g_return_if_fail (seq >= 0);

  g_object_freeze_notify (G_OBJECT (self));
  if (self->reply_seq != seq)
    {
      self->reply_seq = seq;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_SEQ]);
    }
  set_str (self, &self->reply_name, seq > 0 ? name : NULL, PROP_REPLY_NAME);
  set_str (self, &self->reply_quote, seq > 0 ? (quote ? quote : "") : NULL, PROP_REPLY_QUOTE);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The seq of the message this one answers, or 0. */
gint64
nexus_event_get_reply_seq (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), 0);

  return self->reply_seq;
}

const char *
nexus_event_get_reply_name (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->reply_name;
}

const char *
nexus_event_get_reply_quote (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  return self->reply_quote;
}

char *
nexus_event_make_quote (NexusEvent *self)
{
  const char *source;

  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  if (self->deleted)
    return g_strdup ("");
  source = self->has_file && self->file_name != NULL ? self->file_name : self->text;
  return source ? nexus_quote_text (source) : g_strdup ("");
}

/* Edits and deletes */

gboolean
nexus_event_get_edited (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  return self->edited;
}

/* The message now reads @text. A deleted message stays deleted: an edit
 * that comes after it (a history read again) changes nothing. */
void
nexus_event_set_edited_text (NexusEvent *self,
                             const char *text)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));
  g_return_if_fail (text != NULL);

  if (self->deleted)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  nexus_event_set_text (self, text);
  set_flag (self, &self->edited, TRUE, PROP_EDITED);
  g_object_thaw_notify (G_OBJECT (self));
}

gboolean
nexus_event_get_deleted (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  return self->deleted;
}

/* Deleted for everyone: no text, no file, no reactions, not "edited",
 * for good (PROTOCOL.md, Conversation). */
void
nexus_event_set_deleted (NexusEvent *self)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));

  if (self->deleted)
    return;
  g_object_freeze_notify (G_OBJECT (self));
  self->deleted = TRUE;
  nexus_event_set_text (self, "");
  self->has_file = FALSE;
  set_str (self, &self->file_url, NULL, PROP_FILE_URL);
  nexus_event_set_reactions (self, NULL);
  set_flag (self, &self->edited, FALSE, PROP_EDITED);
  set_flag (self, &self->mentions_me, FALSE, PROP_MENTIONS_ME);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Reactions */

static int
reactor_index (GPtrArray  *reactors,
               const char *name)
{
  for (guint i = 0; reactors != NULL && i + 1 < reactors->len; i++)
    if (g_strcmp0 (g_ptr_array_index (reactors, i), name) == 0)
      return (int) i;
  return -1;
}

gboolean
nexus_event_set_reaction (NexusEvent *self,
                          const char *emoji,
                          const char *name,
                          gboolean    on)
{
  int index = nexus_reaction_index (emoji);
  int at;
  GPtrArray **reactors;

  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (index < 0 || (self->deleted && on))
    return FALSE;
  reactors = &self->reactors[index];
  at = reactor_index (*reactors, name);
  if ((at >= 0) == !!on)
    return FALSE;

  if (on)
    {
      if (*reactors == NULL)
        {
          *reactors = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (*reactors, NULL);
        }
      g_ptr_array_insert (*reactors, (*reactors)->len - 1, g_strdup (name));
    }
  else
    {
      g_ptr_array_remove_index (*reactors, at);
      if ((*reactors)->len == 1)
        g_clear_pointer (reactors, g_ptr_array_unref);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REACTIONS]);
  return TRUE;
}

static gboolean
same_reactors (GPtrArray *reactors,
               GPtrArray *names)
{
  guint n = reactors ? reactors->len - 1 : 0;
  guint m = names ? names->len : 0;

  if (n != m)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (g_ptr_array_index (reactors, i), g_ptr_array_index (names, i)) != 0)
      return FALSE;
  return TRUE;
}

/* @reactions: emoji → GPtrArray of names; NULL for none. Emoji not of the
 * six are left out. */
void
nexus_event_set_reactions (NexusEvent *self,
                           GHashTable *reactions)
{
  gboolean changed = FALSE;

  g_return_if_fail (NEXUS_IS_EVENT (self));

  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    {
      GPtrArray *names = reactions ? g_hash_table_lookup (reactions, nexus_reaction_emoji (i))
                                   : NULL;

      if (names != NULL && names->len == 0)
        names = NULL;
      if (same_reactors (self->reactors[i], names))
        continue;
      changed = TRUE;
      g_clear_pointer (&self->reactors[i], g_ptr_array_unref);
      if (names == NULL)
        continue;
      self->reactors[i] = g_ptr_array_new_with_free_func (g_free);
      for (guint j = 0; j < names->len; j++)
        if (reactor_index (self->reactors[i], g_ptr_array_index (names, j)) < 0)
          g_ptr_array_add (self->reactors[i], g_strdup (g_ptr_array_index (names, j)));
      g_ptr_array_add (self->reactors[i], NULL);
    }
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REACTIONS]);
}

const char * const *
nexus_event_get_reactors (NexusEvent *self,
                          const char *emoji)
{
  int index = nexus_reaction_index (emoji);

  g_return_val_if_fail (NEXUS_IS_EVENT (self), NULL);

  if (index < 0 || self->reactors[index] == NULL)
    return NULL;
  return (const char * const *) self->reactors[index]->pdata;
}

guint
nexus_event_get_n_reactors (NexusEvent *self,
                            const char *emoji)
{
  int index = nexus_reaction_index (emoji);

  g_return_val_if_fail (NEXUS_IS_EVENT (self), 0);

  if (index < 0 || self->reactors[index] == NULL)
    return 0;
  return self->reactors[index]->len - 1;
}

gboolean
nexus_event_has_reacted (NexusEvent *self,
                         const char *emoji,
                         const char *name)
{
  int index = nexus_reaction_index (emoji);

  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  return index >= 0 && name != NULL && reactor_index (self->reactors[index], name) >= 0;
}

/* What the client marks */

gboolean
nexus_event_get_mentions_me (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  return self->mentions_me;
}

void
nexus_event_set_mentions_me (NexusEvent *self,
                             gboolean    mentions_me)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));

  set_flag (self, &self->mentions_me, mentions_me, PROP_MENTIONS_ME);
}

/* The "New messages" line goes above this one. */
gboolean
nexus_event_get_first_unread (NexusEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_EVENT (self), FALSE);

  return self->first_unread;
}

void
nexus_event_set_first_unread (NexusEvent *self,
                              gboolean    first_unread)
{
  g_return_if_fail (NEXUS_IS_EVENT (self));

  set_flag (self, &self->first_unread, first_unread, PROP_FIRST_UNREAD);
}
