/* nexus-archive-recorder.c: keeps what a client's room shows in the archive
 *
 * Follows a NexusClient from the moment it is in a room: the room once,
 * then every event of its log that the room has numbered (an own message
 * once the host confirms it), as it shows then: edited or deleted
 * already, for history given on joining. An event that changes later
 * (edited, deleted) is written again by its room and seq. The people are those the room
 * listed as members and those its events name, in the order seen.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-archive-recorder.h"

struct _NexusArchiveRecorder
{
  GObject parent_instance;

  NexusArchive *archive;
  NexusClient *client;
  GListModel *events;
  gboolean hosted;
  char *title;

  char *key;               /* once joined */
  gboolean begun;          /* the room is in the archive */
  gboolean ended;
  GHashTable *watched;     /* NexusEvent → NULL: their notify is ours */
  GPtrArray *people;       /* names, in the order seen */
  GHashTable *people_set;
};

G_DEFINE_FINAL_TYPE (NexusArchiveRecorder, nexus_archive_recorder, G_TYPE_OBJECT)

static void
add_person (NexusArchiveRecorder *self,
            const char           *name)
{
  if (name == NULL || *name == '\0' || g_hash_table_contains (self->people_set, name))
    return;
  g_ptr_array_insert (self->people, self->people->len - 1, g_strdup (name));
  g_hash_table_add (self->people_set, g_strdup (name));
  if (self->begun)
    nexus_archive_set_people (self->archive, self->key, (const char * const *) self->people->pdata);
}

static void
record_event (NexusArchiveRecorder *self,
              NexusEvent           *event)
{
  if (!self->begun || nexus_event_get_seq (event) <= 0)
    return;
  nexus_archive_add_event (self->archive, self->key, event);
  if (nexus_event_get_kind (event) != NEXUS_EVENT_LEFT)
    add_person (self, nexus_event_get_name (event));
}

static void
on_event_notify (NexusEvent           *event,
                 GParamSpec           *pspec,
                 NexusArchiveRecorder *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (strcmp (name, "seq") == 0)
    record_event (self, event);
  else if (self->begun && nexus_event_get_seq (event) > 0
           && (strcmp (name, "text") == 0 || strcmp (name, "edited") == 0
               || strcmp (name, "deleted") == 0))
    nexus_archive_update_event (self->archive, self->key, nexus_event_get_seq (event),
                                nexus_event_get_text (event), nexus_event_get_edited (event),
                                nexus_event_get_deleted (event));
}

static void
watch_event (NexusArchiveRecorder *self,
             NexusEvent           *event)
{
  if (nexus_event_get_kind (event) == NEXUS_EVENT_GAP
      || g_hash_table_contains (self->watched, event))
    return;
  g_hash_table_add (self->watched, g_object_ref (event));
  g_signal_connect (event, "notify", G_CALLBACK (on_event_notify), self);
}

static void
record_items (NexusArchiveRecorder *self,
              guint                 position,
              guint                 n)
{
  for (guint i = position; i < position + n; i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (self->events, i);

      if (nexus_event_get_kind (event) == NEXUS_EVENT_GAP)
        continue;
      watch_event (self, event);
      record_event (self, event);
    }
}

static void
on_items_changed (NexusArchiveRecorder *self,
                  guint                 position,
                  guint                 removed,
                  guint                 added)
{
  if (self->key != NULL)
    record_items (self, position, added);
}

static void
on_members (NexusArchiveRecorder *self)
{
  const char * const *members = nexus_client_get_members (self->client);

  if (self->key == NULL || members == NULL)
    return;
  for (guint i = 0; members[i] != NULL; i++)
    add_person (self, members[i]);
}

/* The room goes into the archive, with all the client shows of it. */
static void
begin (NexusArchiveRecorder *self)
{
  if (self->begun || self->key == NULL || !nexus_archive_get_enabled (self->archive))
    return;
  nexus_archive_begin_room (self->archive, self->key, nexus_client_get_room (self->client),
                            nexus_client_get_host (self->client),
                            nexus_client_get_port (self->client),
                            nexus_client_get_name (self->client), self->hosted);
  self->begun = TRUE;
  if (self->title != NULL)
    nexus_archive_set_title (self->archive, self->key, self->title);
  nexus_archive_set_people (self->archive, self->key, (const char * const *) self->people->pdata);
  on_members (self);
  record_items (self, 0, g_list_model_get_n_items (self->events));
}

static void
end (NexusArchiveRecorder *self)
{
  if (!self->begun || self->ended)
    return;
  self->ended = TRUE;
  nexus_archive_end_room (self->archive, self->key);
}

static void
on_state (NexusArchiveRecorder *self)
{
  switch (nexus_client_get_state (self->client))
    {
    case NEXUS_CLIENT_STATE_JOINED:
      if (self->key == NULL)
        self->key = nexus_archive_room_key (nexus_client_get_room (self->client),
                                            nexus_client_get_host (self->client),
                                            nexus_client_get_port (self->client));
      begin (self);
      break;
    case NEXUS_CLIENT_STATE_ENDED:
      end (self);
      break;
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_RECONNECTING:
    case NEXUS_CLIENT_STATE_FAILED:
    default:
      break;
    }
}

/* Keeping history turned on in the middle of a room keeps it from then,
 * with the history the client has of it. */
static void
on_enabled (NexusArchiveRecorder *self)
{
  if (nexus_archive_get_enabled (self->archive)
      && nexus_client_get_state (self->client) != NEXUS_CLIENT_STATE_ENDED)
    begin (self);
  else if (!nexus_archive_get_enabled (self->archive))
    self->begun = FALSE;
}

static void
nexus_archive_recorder_dispose (GObject *object)
{
  NexusArchiveRecorder *self = NEXUS_ARCHIVE_RECORDER (object);
  GHashTableIter iter;
  gpointer event;

  if (self->archive != NULL)
    {
      end (self);
      g_signal_handlers_disconnect_by_data (self->archive, self);
    }
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->events != NULL)
    g_signal_handlers_disconnect_by_data (self->events, self);
  if (self->watched != NULL)
    {
      g_hash_table_iter_init (&iter, self->watched);
      while (g_hash_table_iter_next (&iter, &event, NULL))
        g_signal_handlers_disconnect_by_data (event, self);
      g_hash_table_remove_all (self->watched);
    }
  g_clear_object (&self->events);
  g_clear_object (&self->client);
  g_clear_object (&self->archive);

  G_OBJECT_CLASS (nexus_archive_recorder_parent_class)->dispose (object);
}

static void
nexus_archive_recorder_finalize (GObject *object)
{
  NexusArchiveRecorder *self = NEXUS_ARCHIVE_RECORDER (object);

  g_hash_table_unref (self->watched);
  g_ptr_array_unref (self->people);
  g_hash_table_unref (self->people_set);
  g_free (self->key);
  g_free (self->title);

  G_OBJECT_CLASS (nexus_archive_recorder_parent_class)->finalize (object);
}

static void
nexus_archive_recorder_class_init (NexusArchiveRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_archive_recorder_dispose;
  object_class->finalize = nexus_archive_recorder_finalize;
}

static void
nexus_archive_recorder_init (NexusArchiveRecorder *self)
{
  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->people = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->people, NULL);   /* a GStrv at all times */
  self->people_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Records @client's room into @archive from the moment it is joined
 * until it ends, or until the recorder goes. */
NexusArchiveRecorder *
nexus_archive_recorder_new (NexusArchive *archive,
                            NexusClient  *client,
                            gboolean      hosted)
{
  NexusArchiveRecorder *self;

  g_return_val_if_fail (NEXUS_IS_ARCHIVE (archive), NULL);
  g_return_val_if_fail (NEXUS_IS_CLIENT (client), NULL);

  self = g_object_new (NEXUS_TYPE_ARCHIVE_RECORDER, NULL);
  self->archive = g_object_ref (archive);
  self->client = g_object_ref (client);
  self->events = g_object_ref (nexus_client_get_events (client));
  self->hosted = hosted;

  g_signal_connect_swapped (client, "notify::state", G_CALLBACK (on_state), self);
  g_signal_connect_swapped (client, "notify::members", G_CALLBACK (on_members), self);
  g_signal_connect_swapped (self->events, "items-changed", G_CALLBACK (on_items_changed), self);
  g_signal_connect_swapped (archive, "notify::enabled", G_CALLBACK (on_enabled), self);
  on_state (self);
  return self;
}

/* The room's name in the archive, once joined. */
const char *
nexus_archive_recorder_get_key (NexusArchiveRecorder *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_RECORDER (self), NULL);

  return self->key;
}

void
nexus_archive_recorder_set_title (NexusArchiveRecorder *self,
                                  const char           *title)
{
  g_return_if_fail (NEXUS_IS_ARCHIVE_RECORDER (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  if (self->begun)
    nexus_archive_set_title (self->archive, self->key, title);
}
