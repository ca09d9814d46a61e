/* nexus-room-private.h: what nexus-room.c and nexus-room-restore.c share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-room.h"

G_BEGIN_DECLS

/* What dedupe needs of a message once said: where it is in the history
 * and when it was said, so that a repeat can be answered even after the
 * history has let it go (see nexus_room_replay_said()). */
typedef struct {
  gint64 seq;
  gint64 said_at;   /* real time, µs */
} NexusSaid;

/* A message of the history as it is now: what its frame is encoded from
 * again when an edit, a delete or a reaction changes it. */
typedef struct {
  gint64      seq;
  gint64      real_time;
  char       *name;
  char       *id;
  char       *text;
  char       *sender_hash;  /* its sender's session hash; NULL when not known (then nobody may change it) */
  NexusFileInfo file;       /* file.name NULL: no file; its strings are owned */
  gint64      reply_seq;    /* 0: it answers nothing */
  char       *reply_name;
  char       *reply_text;
  gboolean    edited;
  gboolean    deleted;
  GPtrArray  *reactions[NEXUS_N_REACTIONS];  /* names, oldest first; NULL for none */
} NexusMessage;

struct _NexusMember {
  char       *name;
  char       *name_key;     /* NFKC, casefolded: for uniqueness */
  char       *session;      /* NULL for a member restored from the host's database until it resumes */
  char       *session_hash; /* SHA-256 of the session: what sessions are looked up and stored by */
  gint64      order;        /* of joining: the seq of its joined event */
  char       *files_key;    /* what the member's downloads carry: never its session */
  gboolean    attached;     /* has a live connection */
  gint64      detached_at;  /* monotonic µs, when !attached */
  gint64      last_typing;  /* monotonic µs of the last relayed typing */
  gpointer    connection;   /* the server's peer, when attached */
  GHashTable *said;         /* id → NexusSaid */
  GQueue      said_order;   /* ids, oldest first, to bound the table */
};

struct _NexusRoom {
  char       *code;
  gint64      created;        /* real time, µs */
  GPtrArray  *members;        /* NexusMember, in order of joining */
  guint       n_detached;
  gint64      last_seq;
  /* The history: a ring of the newest events, within both budgets. */
  NexusRoomEvent **ring;
  guint       ring_capacity;
  guint       ring_start;
  guint       ring_length;
  gsize       ring_bytes;
  gsize       history_bytes;
  GHashTable *messages;       /* &seq → NexusMessage, for each message the history keeps */
  /* What the server keeps of the room's files; it ends with the room. */
  gpointer       files;
  GDestroyNotify files_free;
};

NexusMember *_nexus_member_new      (const char     *trimmed_name);
void         _nexus_room_ring_push  (NexusRoom      *room,
                                     NexusRoomEvent *event);
NexusRoomEvent *_nexus_room_event_new (NexusRoomEventType  type,
                                       gint64              seq,
                                       gint64              real_time,
                                       GString            *json);
NexusRoomEvent *_nexus_room_append_said     (NexusRoom           *room,
                                             NexusMember         *member,
                                             const char          *text,
                                             const char          *id,
                                             const NexusFileInfo *file,
                                             NexusMessage        *reply);
NexusRoomEvent *_nexus_room_replace_message (NexusRoom    *room,
                                             NexusMessage *message);
void         _nexus_member_remember (NexusMember    *member,
                                     const char     *id,
                                     gint64          seq,
                                     gint64          said_at);

/* nexus-room-conversation.c */
void           _nexus_message_free       (NexusMessage   *message);
NexusMessage  *_nexus_message_parse      (NexusRoomEvent *event);
GString       *_nexus_message_encode     (NexusMessage   *message);

G_END_DECLS
