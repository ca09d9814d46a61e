/* nexus-room.h: one room — members, sessions, seq, bounded history, dedupe
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "nexus-server-frame.h"

G_BEGIN_DECLS

/* How many of a member's newest say ids are remembered for dedupe. */
#define NEXUS_ROOM_DEDUPE_LIMIT 1024

typedef enum {
  NEXUS_ROOM_EVENT_MESSAGE,
  NEXUS_ROOM_EVENT_JOINED,
  NEXUS_ROOM_EVENT_LEFT,
  NEXUS_ROOM_EVENT_EDITED,
  NEXUS_ROOM_EVENT_DELETED,
  NEXUS_ROOM_EVENT_REACTED,
} NexusRoomEventType;

/* One event of the room's history, immutable once made: its frame, encoded
 * once when it happens and sent as it is to every member and in every
 * later welcome. Nothing else of it is kept. A message that is edited,
 * deleted or reacted to gets a new event of the same seq in its place
 * (the history carries the current state); whoever still holds the old
 * one holds what was true when it was sent. */
typedef struct {
  grefcount          ref_count;
  NexusRoomEventType type;
  gint64             seq;
  gint64             real_time;   /* its ts, µs since the epoch */
  gsize              json_length;
  char              *json;
} NexusRoomEvent;

NexusRoomEvent *nexus_room_event_ref   (NexusRoomEvent *event);
void            nexus_room_event_unref (NexusRoomEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusRoomEvent, nexus_room_event_unref)

/* A member of a room, owned by the room. */
typedef struct _NexusMember NexusMember;

const char *nexus_member_get_name       (NexusMember *member);
const char *nexus_member_get_session    (NexusMember *member);
const char *nexus_member_get_session_hash (NexusMember *member);
void        nexus_member_set_session    (NexusMember *member,
                                         const char  *session);
gint64      nexus_member_get_order      (NexusMember *member);
gint64      nexus_member_get_said_floor (NexusMember *member);
typedef void (*NexusSaidFunc) (const char *id,
                               gint64      seq,
                               gint64      said_at,
                               gpointer    user_data);
void        nexus_member_foreach_said   (NexusMember   *member,
                                         NexusSaidFunc  func,
                                         gpointer       user_data);
gboolean    nexus_member_is_attached    (NexusMember *member);
gpointer    nexus_member_get_connection (NexusMember *member);
const char *nexus_member_get_files_key  (NexusMember *member);

typedef struct _NexusRoom NexusRoom;

NexusRoom       *nexus_room_new                (const char      *code,
                                                guint            history_limit,
                                                gsize            history_bytes);
void             nexus_room_free               (NexusRoom       *room);
const char      *nexus_room_get_code           (NexusRoom       *room);
guint            nexus_room_get_n_members      (NexusRoom       *room);
guint            nexus_room_get_n_detached     (NexusRoom       *room);
NexusMember     *nexus_room_get_member         (NexusRoom       *room,
                                                guint            position);
gint64           nexus_room_get_created        (NexusRoom       *room);
gint64           nexus_room_get_last_seq       (NexusRoom       *room);
gint64           nexus_room_get_oldest_kept_seq (NexusRoom      *room);
guint            nexus_room_get_history_length (NexusRoom       *room);
gsize            nexus_room_get_history_bytes  (NexusRoom       *room);

gboolean         nexus_room_has_name           (NexusRoom       *room,
                                                const char      *trimmed_name);
NexusMember     *nexus_room_add_member         (NexusRoom       *room,
                                                const char      *trimmed_name,
                                                NexusRoomEvent **joined);
void             nexus_room_remove_member      (NexusRoom       *room,
                                                NexusMember     *member,
                                                NexusRoomEvent **left);
NexusMember     *nexus_room_find_session       (NexusRoom       *room,
                                                const char      *session);
NexusMember     *nexus_room_find_files_key     (NexusRoom       *room,
                                                const char      *key);

gboolean         nexus_room_has_said           (NexusRoom       *room,
                                                NexusMember     *member,
                                                const char      *id);
NexusRoomEvent  *nexus_room_replay_said        (NexusRoom       *room,
                                                NexusMember     *member,
                                                const char      *id,
                                                const char      *text);
NexusRoomEvent  *nexus_room_append_message     (NexusRoom       *room,
                                                NexusMember     *member,
                                                const char      *text,
                                                const char      *id);
NexusRoomEvent  *nexus_room_append_file        (NexusRoom           *room,
                                                NexusMember         *member,
                                                const char          *id,
                                                const NexusFileInfo *file);
/* Replies, edits, deletes and reactions (nexus-room-conversation.c) */
gboolean         nexus_room_check_target       (NexusRoom            *room,
                                                NexusMember          *member,
                                                NexusClientFrameType  type,
                                                gint64                target,
                                                NexusErrorCode       *code);
NexusRoomEvent  *nexus_room_append_reply       (NexusRoom       *room,
                                                NexusMember     *member,
                                                const char      *text,
                                                const char      *id,
                                                gint64           reply_to);
NexusRoomEvent  *nexus_room_append_edit        (NexusRoom       *room,
                                                NexusMember     *member,
                                                const char      *id,
                                                gint64           target,
                                                const char      *text,
                                                GPtrArray       *changed);
NexusRoomEvent  *nexus_room_append_delete      (NexusRoom       *room,
                                                NexusMember     *member,
                                                const char      *id,
                                                gint64           target,
                                                GPtrArray       *changed,
                                                char           **file_url);
NexusRoomEvent  *nexus_room_append_react       (NexusRoom       *room,
                                                NexusMember     *member,
                                                const char      *id,
                                                gint64           target,
                                                int              emoji,
                                                gboolean         on,
                                                GPtrArray       *changed);
NexusRoomEvent  *nexus_room_replay_frame       (NexusRoom              *room,
                                                NexusMember            *member,
                                                const NexusClientFrame *frame);
NexusRoomEvent  *nexus_room_lookup_event       (NexusRoom       *room,
                                                gint64           seq);
void             nexus_room_set_files          (NexusRoom       *room,
                                                gpointer         files,
                                                GDestroyNotify   files_free);
gpointer         nexus_room_get_files          (NexusRoom       *room);
gboolean         nexus_room_member_may_type    (NexusRoom       *room,
                                                NexusMember     *member,
                                                gint64           now);

GPtrArray       *nexus_room_history_since      (NexusRoom       *room,
                                                gint64           last_seq,
                                                gboolean        *gap);

void             nexus_room_detach_member      (NexusRoom       *room,
                                                NexusMember     *member,
                                                gint64           now);
void             nexus_room_attach_member      (NexusRoom       *room,
                                                NexusMember     *member,
                                                gpointer         connection);
GPtrArray       *nexus_room_expired_members    (NexusRoom       *room,
                                                gint64           now,
                                                gint64           grace_usec);

void             nexus_room_restore_event      (NexusRoom          *room,
                                                NexusRoomEventType  type,
                                                gint64              seq,
                                                gint64              real_time,
                                                const char         *json,
                                                gsize               json_length);
void             nexus_room_restore_created    (NexusRoom       *room,
                                                gint64           created);
NexusMember     *nexus_room_restore_member     (NexusRoom       *room,
                                                const char      *name,
                                                const char      *session_hash,
                                                gint64           order,
                                                gint64           now);
void             nexus_room_restore_said       (NexusRoom       *room,
                                                NexusMember     *member,
                                                const char      *id,
                                                gint64           seq,
                                                gint64           said_at);

G_END_DECLS
