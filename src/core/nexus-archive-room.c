/* nexus-archive-room.c: a past room, as the archive lists it
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-archive-room.h"
#include "nexus-code.h"

struct _NexusArchiveRoom
{
  GObject parent_instance;

  char *key;
  char *code;
  char *host;
  guint port;
  char *title;
  char *label;
  char *own_name;
  gboolean hosted;
  gint64 started;
  gint64 last_active;
  gint64 ended;
  GStrv people;
  guint n_messages;
};

G_DEFINE_FINAL_TYPE (NexusArchiveRoom, nexus_archive_room, G_TYPE_OBJECT)

static void
nexus_archive_room_finalize (GObject *object)
{
  NexusArchiveRoom *self = NEXUS_ARCHIVE_ROOM (object);

  g_free (self->key);
  g_free (self->code);
  g_free (self->host);
  g_free (self->title);
  g_free (self->label);
  g_free (self->own_name);
  g_strfreev (self->people);

  G_OBJECT_CLASS (nexus_archive_room_parent_class)->finalize (object);
}

static void
nexus_archive_room_class_init (NexusArchiveRoomClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nexus_archive_room_finalize;
}

static void
nexus_archive_room_init (NexusArchiveRoom *self)
{
}

NexusArchiveRoom *
nexus_archive_room_new (const NexusArchiveRoomFields *fields)
{
  NexusArchiveRoom *self;
  static const char * const none[] = { NULL };

  g_return_val_if_fail (fields != NULL && fields->key != NULL && fields->code != NULL, NULL);

  self = g_object_new (NEXUS_TYPE_ARCHIVE_ROOM, NULL);
  self->key = g_strdup (fields->key);
  self->code = g_strdup (fields->code);
  self->host = g_strdup (fields->host != NULL ? fields->host : "");
  self->port = fields->port;
  self->title = fields->title != NULL && *fields->title != '\0' ? g_strdup (fields->title) : NULL;
  self->label = self->title != NULL ? g_strdup (self->title) : nexus_code_format (self->code);
  if (self->label == NULL)
    self->label = g_strdup (self->code);
  self->own_name = g_strdup (fields->own_name != NULL ? fields->own_name : "");
  self->hosted = fields->hosted;
  self->started = fields->started;
  self->last_active = fields->last_active;
  self->ended = fields->ended;
  self->people = g_strdupv ((GStrv) (fields->people != NULL ? fields->people : none));
  self->n_messages = fields->n_messages;
  return self;
}

const char *
nexus_archive_room_get_key (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), NULL);
  return self->key;
}

const char *
nexus_archive_room_get_code (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), NULL);
  return self->code;
}

const char *
nexus_archive_room_get_host (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), NULL);
  return self->host;
}

guint
nexus_archive_room_get_port (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), 0);
  return self->port;
}

const char *
nexus_archive_room_get_title (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), NULL);
  return self->title;
}

/* The title, or the grouped code (K7Q-X3M) of a room without one. */
const char *
nexus_archive_room_get_label (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), NULL);
  return self->label;
}

const char *
nexus_archive_room_get_own_name (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), NULL);
  return self->own_name;
}

gboolean
nexus_archive_room_get_hosted (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), FALSE);
  return self->hosted;
}

gint64
nexus_archive_room_get_started (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), 0);
  return self->started;
}

gint64
nexus_archive_room_get_last_active (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), 0);
  return self->last_active;
}

gint64
nexus_archive_room_get_ended (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), 0);
  return self->ended;
}

const char * const *
nexus_archive_room_get_people (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), NULL);
  return (const char * const *) self->people;
}

guint
nexus_archive_room_get_n_messages (NexusArchiveRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (self), 0);
  return self->n_messages;
}
