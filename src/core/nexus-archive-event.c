/* nexus-archive-event.c: one event of a past room, as the archive keeps it
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-archive-event.h"

struct _NexusArchiveEvent
{
  GObject parent_instance;

  NexusEventKind kind;
  gint64 seq;
  gint64 time;
  char *name;
  char *text;
  char *file_name;
  gint64 file_size;
  char *file_type;
  gboolean edited;
  gboolean deleted;
  char *room_key;
  char *room_label;
};

G_DEFINE_FINAL_TYPE (NexusArchiveEvent, nexus_archive_event, G_TYPE_OBJECT)

static void
nexus_archive_event_finalize (GObject *object)
{
  NexusArchiveEvent *self = NEXUS_ARCHIVE_EVENT (object);

  g_free (self->name);
  g_free (self->text);
  g_free (self->file_name);
  g_free (self->file_type);
  g_free (self->room_key);
  g_free (self->room_label);

  G_OBJECT_CLASS (nexus_archive_event_parent_class)->finalize (object);
}

static void
nexus_archive_event_class_init (NexusArchiveEventClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nexus_archive_event_finalize;
}

static void
nexus_archive_event_init (NexusArchiveEvent *self)
{
}

NexusArchiveEvent *
nexus_archive_event_new (const NexusArchiveEventFields *fields)
{
  NexusArchiveEvent *self;

  g_return_val_if_fail (fields != NULL, NULL);

  self = g_object_new (NEXUS_TYPE_ARCHIVE_EVENT, NULL);
  self->kind = fields->kind;
  self->seq = fields->seq;
  self->time = fields->time;
  self->name = g_strdup (fields->name != NULL ? fields->name : "");
  self->text = g_strdup (fields->text != NULL ? fields->text : "");
  self->file_name = g_strdup (fields->file_name);
  self->file_size = fields->file_size;
  self->file_type = g_strdup (fields->file_type);
  self->edited = fields->edited;
  self->deleted = fields->deleted;
  self->room_key = g_strdup (fields->room_key);
  self->room_label = g_strdup (fields->room_label);
  return self;
}

NexusEventKind
nexus_archive_event_get_kind (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), NEXUS_EVENT_MESSAGE);
  return self->kind;
}

gint64
nexus_archive_event_get_seq (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), 0);
  return self->seq;
}

gint64
nexus_archive_event_get_time (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), 0);
  return self->time;
}

/* In local time, for showing. */
GDateTime *
nexus_archive_event_dup_date_time (NexusArchiveEvent *self)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), NULL);

  utc = g_date_time_new_from_unix_utc (self->time / G_USEC_PER_SEC);
  return g_date_time_to_local (utc);
}

const char *
nexus_archive_event_get_name (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), NULL);
  return self->name;
}

const char *
nexus_archive_event_get_text (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), NULL);
  return self->text;
}

const char *
nexus_archive_event_get_file_name (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), NULL);
  return self->file_name;
}

gint64
nexus_archive_event_get_file_size (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), 0);
  return self->file_size;
}

const char *
nexus_archive_event_get_file_type (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), NULL);
  return self->file_type;
}

gboolean
nexus_archive_event_get_edited (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), FALSE);
  return self->edited;
}

gboolean
nexus_archive_event_get_deleted (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), FALSE);
  return self->deleted;
}

const char *
nexus_archive_event_get_room_key (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), NULL);
  return self->room_key;
}

const char *
nexus_archive_event_get_room_label (NexusArchiveEvent *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_EVENT (self), NULL);
  return self->room_label;
}
