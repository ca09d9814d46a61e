/* nexus-server-nearby.c: what the server tells the local network about its
 * rooms, and the rooms it shows to people nearby
 *
 * A room's code is a secret: whoever knows it can join. A room the host
 * chooses to show nearby gets a second code of its own, public, which the
 * announcement carries and `join` accepts; hiding the room retires that
 * code, while the secret one keeps working for everyone who has it.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-server-private.h"

#define NEARBY_TITLE_MAX_CHARS 40

typedef struct {
  char *nearby_code;
  char *title;
} NexusNearbyEntry;

static void
nearby_entry_free (NexusNearbyEntry *entry)
{
  g_free (entry->nearby_code);
  g_free (entry->title);
  g_free (entry);
}

void
_nexus_server_nearby_init (NexusServer *self)
{
  self->nearby = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) nearby_entry_free);
}

void
_nexus_server_nearby_clear (NexusServer *self)
{
  g_clear_pointer (&self->nearby, g_hash_table_unref);
}

void
_nexus_server_rooms_changed (NexusServer *self)
{
  g_signal_emit_by_name (self, "rooms-changed");
}

/* The room is gone: so is its public code. */
void
_nexus_server_forget_room (NexusServer *self,
                           const char  *code)
{
  if (self->nearby != NULL)
    g_hash_table_remove (self->nearby, code);
}

/* The room a `join` names: by its code, or by the public code of a room
 * shown nearby. */
NexusRoom *
_nexus_server_lookup_room (NexusServer *self,
                           const char  *code)
{
  NexusRoom *room = g_hash_table_lookup (self->rooms, code);
  GHashTableIter iter;
  gpointer key, value;

  if (room != NULL)
    return room;

  /* Few rooms are shown at once: a walk costs less than a second table. */
  g_hash_table_iter_init (&iter, self->nearby);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (strcmp (((NexusNearbyEntry *) value)->nearby_code, code) == 0)
      return g_hash_table_lookup (self->rooms, key);
  return NULL;
}

/* Whether @code is taken, as a room's code or as a public one, or by a
 * saved room that may be reopened. */
gboolean
_nexus_server_code_in_use (NexusServer *self,
                           const char  *code)
{
  NexusStateStore *store = nexus_server_get_state_store (self);

  return _nexus_server_lookup_room (self, code) != NULL
         || (store != NULL && nexus_state_store_has_room (store, code));
}

/* A reopened room is shown nearby again as it was, with its public code. */
void
_nexus_server_nearby_restore (NexusServer *self,
                              const char  *code,
                              const char  *nearby_code,
                              const char  *title)
{
  NexusNearbyEntry *entry = g_new0 (NexusNearbyEntry, 1);

  entry->nearby_code = g_strdup (nearby_code);
  entry->title = g_strdup (title);
  g_hash_table_replace (self->nearby, g_strdup (code), entry);
}

void
nexus_room_summary_free (NexusRoomSummary *summary)
{
  g_free (summary->code);
  g_free (summary->nearby_code);
  g_free (summary->title);
  g_free (summary);
}

GPtrArray *
nexus_server_list_rooms (NexusServer *self)
{
  GPtrArray *summaries;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (NEXUS_IS_SERVER (self), NULL);

  summaries = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_room_summary_free);
  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      NexusRoomSummary *summary = g_new0 (NexusRoomSummary, 1);
      NexusNearbyEntry *entry = g_hash_table_lookup (self->nearby, key);

      summary->code = g_strdup (key);
      summary->n_members = nexus_room_get_n_members (value);
      if (entry != NULL)
        {
          summary->nearby_code = g_strdup (entry->nearby_code);
          summary->title = g_strdup (entry->title);
        }
      g_ptr_array_add (summaries, summary);
    }
  return summaries;
}

static char *
nearby_title_normalize (const char *title)
{
  g_autofree char *trimmed = NULL;

  if (!g_utf8_validate (title, -1, NULL))
    return NULL;
  trimmed = g_strstrip (g_strdup (title));
  /* A title follows the rules of a name, but may be a little longer. */
  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeType type = g_unichar_type (g_utf8_get_char (p));

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT)
        return NULL;
    }
  if (*trimmed == '\0' || g_utf8_strlen (trimmed, -1) > NEARBY_TITLE_MAX_CHARS)
    return NULL;
  return g_steal_pointer (&trimmed);
}

gboolean
nexus_server_set_room_nearby (NexusServer  *self,
                              const char   *code,
                              const char   *title,
                              GError      **error)
{
  g_autofree char *normal_code = NULL;
  g_autofree char *normal_title = NULL;
  NexusNearbyEntry *entry;

  g_return_val_if_fail (NEXUS_IS_SERVER (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  normal_code = nexus_code_normalize (code);
  if (normal_code == NULL || !g_hash_table_contains (self->rooms, normal_code))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no room %s on this server."), code);
      return FALSE;
    }

  if (title == NULL)
    {
      if (g_hash_table_remove (self->nearby, normal_code))
        {
          _nexus_server_persist_nearby (self, normal_code, NULL, NULL);
          _nexus_server_rooms_changed (self);
        }
      return TRUE;
    }

  normal_title = nearby_title_normalize (title);
  if (normal_title == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A room’s title needs 1 to %d characters, and no control or invisible "
                     "characters."), NEARBY_TITLE_MAX_CHARS);
      return FALSE;
    }

  entry = g_hash_table_lookup (self->nearby, normal_code);
  if (entry == NULL)
    {
      entry = g_new0 (NexusNearbyEntry, 1);
      do
        {
          g_free (entry->nearby_code);
          entry->nearby_code = nexus_code_generate ();
        }
      while (_nexus_server_code_in_use (self, entry->nearby_code));
      g_hash_table_insert (self->nearby, g_strdup (normal_code), entry);
    }
  else if (g_strcmp0 (entry->title, normal_title) == 0)
    return TRUE;

  g_free (entry->title);
  entry->title = g_steal_pointer (&normal_title);
  _nexus_server_persist_nearby (self, normal_code, entry->nearby_code, entry->title);
  _nexus_server_rooms_changed (self);
  return TRUE;
}
