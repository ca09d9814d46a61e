/* nexus-archive-event.h: one event of a past room, as the archive keeps it
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "nexus-event.h"

G_BEGIN_DECLS

/* What an event showed when it was recorded, or last changed. Times are
 * µs since the epoch. A search hit also names its room. */
typedef struct {
  NexusEventKind  kind;         /* MESSAGE, JOINED or LEFT */
  gint64          seq;
  gint64          time;
  const char     *name;
  const char     *text;
  const char     *file_name;    /* a file message's file, else NULL */
  gint64          file_size;
  const char     *file_type;
  gboolean        edited;
  gboolean        deleted;
  const char     *room_key;     /* search hits only */
  const char     *room_label;   /* search hits only: the title, or the grouped code */
} NexusArchiveEventFields;

#define NEXUS_TYPE_ARCHIVE_EVENT (nexus_archive_event_get_type ())

G_DECLARE_FINAL_TYPE (NexusArchiveEvent, nexus_archive_event, NEXUS, ARCHIVE_EVENT, GObject)

NexusArchiveEvent *nexus_archive_event_new           (const NexusArchiveEventFields *fields);
NexusEventKind     nexus_archive_event_get_kind      (NexusArchiveEvent *self);
gint64             nexus_archive_event_get_seq       (NexusArchiveEvent *self);
gint64             nexus_archive_event_get_time      (NexusArchiveEvent *self);
GDateTime         *nexus_archive_event_dup_date_time (NexusArchiveEvent *self);
const char        *nexus_archive_event_get_name      (NexusArchiveEvent *self);
const char        *nexus_archive_event_get_text      (NexusArchiveEvent *self);
const char        *nexus_archive_event_get_file_name (NexusArchiveEvent *self);
gint64             nexus_archive_event_get_file_size (NexusArchiveEvent *self);
const char        *nexus_archive_event_get_file_type (NexusArchiveEvent *self);
gboolean           nexus_archive_event_get_edited    (NexusArchiveEvent *self);
gboolean           nexus_archive_event_get_deleted   (NexusArchiveEvent *self);
const char        *nexus_archive_event_get_room_key  (NexusArchiveEvent *self);
const char        *nexus_archive_event_get_room_label (NexusArchiveEvent *self);

G_END_DECLS
