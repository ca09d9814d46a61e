/* nexus-archive-room.h: a past room, as the archive lists it
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Times are µs since the epoch; @ended is 0 while the room was never
 * left (the app stopped in it). */
typedef struct {
  const char         *key;          /* the archive's name for it: CODE@HOST:PORT */
  const char         *code;
  const char         *host;
  guint               port;
  const char         *title;        /* NULL when it had none */
  const char         *own_name;     /* the name this app was in it with */
  gboolean            hosted;
  gint64              started;
  gint64              last_active;
  gint64              ended;
  const char * const *people;       /* who was in it, in the order they were seen */
  guint               n_messages;
} NexusArchiveRoomFields;

#define NEXUS_TYPE_ARCHIVE_ROOM (nexus_archive_room_get_type ())

G_DECLARE_FINAL_TYPE (NexusArchiveRoom, nexus_archive_room, NEXUS, ARCHIVE_ROOM, GObject)

NexusArchiveRoom   *nexus_archive_room_new             (const NexusArchiveRoomFields *fields);
const char         *nexus_archive_room_get_key         (NexusArchiveRoom *self);
const char         *nexus_archive_room_get_code        (NexusArchiveRoom *self);
const char         *nexus_archive_room_get_host        (NexusArchiveRoom *self);
guint               nexus_archive_room_get_port        (NexusArchiveRoom *self);
const char         *nexus_archive_room_get_title       (NexusArchiveRoom *self);
const char         *nexus_archive_room_get_label       (NexusArchiveRoom *self);
const char         *nexus_archive_room_get_own_name    (NexusArchiveRoom *self);
gboolean            nexus_archive_room_get_hosted      (NexusArchiveRoom *self);
gint64              nexus_archive_room_get_started     (NexusArchiveRoom *self);
gint64              nexus_archive_room_get_last_active (NexusArchiveRoom *self);
gint64              nexus_archive_room_get_ended       (NexusArchiveRoom *self);
const char * const *nexus_archive_room_get_people      (NexusArchiveRoom *self);
guint               nexus_archive_room_get_n_messages  (NexusArchiveRoom *self);

G_END_DECLS
