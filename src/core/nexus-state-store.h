/* nexus-state-store.h: the host's rooms in a database, so a crash loses nothing
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The database in its directory; SQLite adds "-wal" and "-shm" beside it. */
#define NEXUS_STATE_STORE_FILE_NAME "rooms.sqlite"
/* Held (flock) by the process whose rooms the database keeps. */
#define NEXUS_STATE_STORE_LOCK_NAME "rooms.lock"

typedef enum {
  NEXUS_STATE_STORE_ERROR_BUSY,     /* another process keeps its rooms in that directory */
  NEXUS_STATE_STORE_ERROR_FAILED,   /* the directory or the database could not be made */
} NexusStateStoreError;

#define NEXUS_STATE_STORE_ERROR (nexus_state_store_error_quark ())
GQuark nexus_state_store_error_quark (void);

/* What a store holds of a room it can reopen: enough for an offer such
 * as "Reopen room K7Q-X3M? 3 people were in it". */
typedef struct {
  char   *code;            /* the room's code, as the protocol writes it: K7QX3M */
  char   *title;           /* its title when it was shown nearby, else NULL */
  guint   n_members;       /* members it had, those in their grace period too */
  gint64  created;         /* µs since the epoch */
  gint64  last_activity;   /* the time of its newest event, µs since the epoch */
  guint   port;            /* the port its server listened on */
} NexusStoredRoomInfo;

void nexus_stored_room_info_free (NexusStoredRoomInfo *info);

/* Everything a store holds of a room, for NexusServer to reopen it. */
typedef struct {
  gint64  seq;
  int     type;            /* NexusRoomEventType */
  gint64  ts;              /* µs since the epoch */
  char   *json;            /* the frame, as the server sent it */
  gsize   json_length;
} NexusStoredEvent;

typedef struct {
  char   *id;
  gint64  seq;
  gint64  ts;
} NexusStoredSaid;

typedef struct {
  char      *name;
  char      *session_hash;   /* nexus_token_hash() of its session: never the session */
  gint64     order;          /* of joining */
  GPtrArray *said;           /* NexusStoredSaid, oldest first */
} NexusStoredMember;

typedef struct {
  NexusStoredRoomInfo  info;
  gint64               last_seq;
  char                *nearby_code;   /* with info.title, when it was shown nearby */
  GPtrArray           *events;        /* NexusStoredEvent, oldest first; the last one is last_seq */
  GPtrArray           *members;       /* NexusStoredMember, in order of joining */
} NexusStoredRoom;

void nexus_stored_room_free (NexusStoredRoom *room);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusStoredRoom, nexus_stored_room_free)

#define NEXUS_TYPE_STATE_STORE (nexus_state_store_get_type ())

G_DECLARE_FINAL_TYPE (NexusStateStore, nexus_state_store, NEXUS, STATE_STORE, GObject)

/* g_get_user_state_dir()/nexus-chat */
char             *nexus_state_store_default_dir   (void);

NexusStateStore  *nexus_state_store_open          (const char          *directory,
                                                   GError             **error);
void              nexus_state_store_open_async    (const char          *directory,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
NexusStateStore  *nexus_state_store_open_finish   (GAsyncResult        *result,
                                                   GError             **error);
const char       *nexus_state_store_get_path      (NexusStateStore     *self);
const char       *nexus_state_store_get_set_aside (NexusStateStore     *self);
const char       *nexus_state_store_get_problem   (NexusStateStore     *self);
void              nexus_state_store_close         (NexusStateStore     *self);

/* The rooms waiting to be reopened or discarded. */
GPtrArray        *nexus_state_store_list_rooms    (NexusStateStore     *self);
guint             nexus_state_store_get_port      (NexusStateStore     *self);
gboolean          nexus_state_store_has_room      (NexusStateStore     *self,
                                                   const char          *code);
NexusStoredRoom  *nexus_state_store_take_room     (NexusStateStore     *self,
                                                   const char          *code);
gboolean          nexus_state_store_discard_room  (NexusStateStore     *self,
                                                   const char          *code);
void              nexus_state_store_discard_all   (NexusStateStore     *self);

/* Recording, for NexusServer: each change goes into the batch of this
 * main-loop turn, written in one transaction by the store's thread. The
 * signal "committed" (guint64 epoch) says a batch is on disk, "failed"
 * (guint64 epoch) that it could not be written; then the property
 * "problem" holds a sentence for the host until a write succeeds again. */
guint64           nexus_state_store_get_epoch       (NexusStateStore *self);
void              nexus_state_store_record_room     (NexusStateStore *self,
                                                     const char      *code,
                                                     gint64           created,
                                                     guint            port);
void              nexus_state_store_record_nearby   (NexusStateStore *self,
                                                     const char      *code,
                                                     const char      *nearby_code,
                                                     const char      *title);
void              nexus_state_store_record_event    (NexusStateStore *self,
                                                     const char      *code,
                                                     gint64           seq,
                                                     int              type,
                                                     gint64           ts,
                                                     const char      *name,
                                                     const char      *json,
                                                     gsize            json_length,
                                                     gint64           oldest_kept);
void              nexus_state_store_record_event_json (NexusStateStore *self,
                                                       const char      *code,
                                                       gint64           seq,
                                                       const char      *json,
                                                       gsize            json_length);
void              nexus_state_store_record_member   (NexusStateStore *self,
                                                     const char      *code,
                                                     const char      *session_hash,
                                                     const char      *name,
                                                     gint64           order);
void              nexus_state_store_record_member_gone (NexusStateStore *self,
                                                        const char      *code,
                                                        const char      *session_hash);
void              nexus_state_store_record_said     (NexusStateStore *self,
                                                     const char      *code,
                                                     const char      *session_hash,
                                                     const char      *id,
                                                     gint64           seq,
                                                     gint64           ts,
                                                     gint64           floor);
void              nexus_state_store_record_room_gone (NexusStateStore *self,
                                                      const char      *code);
void              nexus_state_store_record_snapshot (NexusStateStore *self);

G_END_DECLS
