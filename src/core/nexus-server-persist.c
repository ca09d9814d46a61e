/* nexus-server-persist.c: the server's rooms in its NexusStateStore
 *
 * Every change to a room is recorded as the server makes it: the room,
 * each event with its frame, each member's session hash and name, each
 * say id dedupe remembers, a room's end. What a frame tells of must be on
 * disk before anyone reads it, or a host killed in between would come
 * back without an event that members saw: so from the first change of a
 * batch until its commit, the server's frames wait in their streams
 * (nexus-frame-hold.c). The writer commits in well under a millisecond,
 * the frames then go out together as they would have anyway.
 *
 * When a batch cannot be written (a full disk), the chat goes on in
 * memory: frames are released, nothing more is recorded, the host is told
 * once (the property "persistence-problem"), and every few seconds the
 * server tries to write all its rooms again as one snapshot; once that
 * succeeds, recording resumes.
 *
 * Reopening takes a room the store offers and makes it again with its
 * code, history, seq, members (each detached, with a grace period that
 * starts now) and say ids, so a resume with an old session works and a
 * say repeated across the restart is answered with its original.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-json.h"
#include "nexus-server-private.h"

#define PERSIST_RETRY_MS 5000

static gboolean
persist_recording (NexusServer *self)
{
  return self->persist.store != NULL && !self->persist.failed;
}

/* What is recorded from now on is in the store's next commit: frames
 * sent from now on wait for it. */
static void
persist_hold (NexusServer *self)
{
  nexus_frame_hold_begin (self->persist.hold, nexus_state_store_get_epoch (self->persist.store));
}

static void
record_room (NexusServer *self,
             NexusRoom   *room)
{
  nexus_state_store_record_room (self->persist.store, nexus_room_get_code (room),
                                 nexus_room_get_created (room), self->port);
}

static void
record_event (NexusServer    *self,
              NexusRoom      *room,
              NexusRoomEvent *event,
              const char     *name)
{
  nexus_state_store_record_event (self->persist.store, nexus_room_get_code (room), event->seq,
                                  (int) event->type, event->real_time, name, event->json,
                                  event->json_length, nexus_room_get_oldest_kept_seq (room));
}

static void
record_member (NexusServer *self,
               NexusRoom   *room,
               NexusMember *member)
{
  nexus_state_store_record_member (self->persist.store, nexus_room_get_code (room),
                                   nexus_member_get_session_hash (member),
                                   nexus_member_get_name (member),
                                   nexus_member_get_order (member));
}

/* A room was made, with its first member and that member's joined. */
void
_nexus_server_persist_room (NexusServer    *self,
                            NexusRoom      *room,
                            NexusMember    *member,
                            NexusRoomEvent *joined)
{
  if (!persist_recording (self))
    return;
  record_room (self, room);
  record_event (self, room, joined, nexus_member_get_name (member));
  record_member (self, room, member);
  persist_hold (self);
}

/* @member joined, with its event. */
void
_nexus_server_persist_member (NexusServer    *self,
                              NexusRoom      *room,
                              NexusMember    *member,
                              NexusRoomEvent *joined)
{
  if (!persist_recording (self))
    return;
  record_event (self, room, joined, nexus_member_get_name (member));
  record_member (self, room, member);
  persist_hold (self);
}

/* The member @name with @session_hash left for good, with its event
 * (the room has let the member itself go). */
void
_nexus_server_persist_left (NexusServer    *self,
                            NexusRoom      *room,
                            const char     *name,
                            const char     *session_hash,
                            NexusRoomEvent *left)
{
  if (!persist_recording (self))
    return;
  record_event (self, room, left, name);
  nexus_state_store_record_member_gone (self->persist.store, nexus_room_get_code (room),
                                        session_hash);
  persist_hold (self);
}

/* @member said something (a text or a file) with the id @id. */
void
_nexus_server_persist_said (NexusServer    *self,
                            NexusRoom      *room,
                            NexusMember    *member,
                            const char     *id,
                            NexusRoomEvent *event)
{
  if (!persist_recording (self))
    return;
  record_event (self, room, event, nexus_member_get_name (member));
  nexus_state_store_record_said (self->persist.store, nexus_room_get_code (room),
                                 nexus_member_get_session_hash (member), id, event->seq,
                                 event->real_time, nexus_member_get_said_floor (member));
  persist_hold (self);
}

/* Messages of the history that an edit, a delete or a reaction changed
 * (NexusRoomEvent, their new frames): their rows are written again, so a
 * room reopened after a crash shows them as they are now. */
void
_nexus_server_persist_changed (NexusServer *self,
                               NexusRoom   *room,
                               GPtrArray   *changed)
{
  if (!persist_recording (self) || changed->len == 0)
    return;
  for (guint i = 0; i < changed->len; i++)
    {
      NexusRoomEvent *event = g_ptr_array_index (changed, i);

      nexus_state_store_record_event_json (self->persist.store, nexus_room_get_code (room),
                                           event->seq, event->json, event->json_length);
    }
  persist_hold (self);
}

void
_nexus_server_persist_room_gone (NexusServer *self,
                                 const char  *code)
{
  if (!persist_recording (self))
    return;
  nexus_state_store_record_room_gone (self->persist.store, code);
  persist_hold (self);
}

void
_nexus_server_persist_nearby (NexusServer *self,
                              const char  *code,
                              const char  *nearby_code,
                              const char  *title)
{
  if (!persist_recording (self))
    return;
  nexus_state_store_record_nearby (self->persist.store, code, nearby_code, title);
  persist_hold (self);
}

/* Writing everything again */

typedef struct {
  NexusServer *self;
  NexusRoom   *room;
  NexusMember *member;
} SnapshotSaid;

static void
snapshot_said (const char *id,
               gint64      seq,
               gint64      said_at,
               gpointer    user_data)
{
  SnapshotSaid *data = user_data;

  nexus_state_store_record_said (data->self->persist.store, nexus_room_get_code (data->room),
                                 nexus_member_get_session_hash (data->member), id, seq, said_at,
                                 0);
}

/* The name an event's frame carries: the snapshot has only the frames. */
static char *
event_name (NexusRoomEvent *event)
{
  static const char * const names[] = { "name" };
  NexusJsonMember members[G_N_ELEMENTS (names)] = { { 0, }, };
  char *name = NULL;

  if (nexus_json_scan_object (event->json, event->json_length, names, G_N_ELEMENTS (names),
                              members)
      && members[0].kind == NEXUS_JSON_STRING)
    name = g_steal_pointer (&members[0].string);
  nexus_json_members_clear (members, G_N_ELEMENTS (members));
  return name != NULL ? name : g_strdup ("");
}

static void
snapshot_room (NexusServer *self,
               NexusRoom   *room)
{
  g_autoptr(GPtrArray) history = NULL;
  GPtrArray *summaries;
  gboolean gap;

  record_room (self, room);
  history = nexus_room_history_since (room, 0, &gap);
  for (guint i = 0; i < history->len; i++)
    {
      NexusRoomEvent *event = g_ptr_array_index (history, i);
      g_autofree char *name = event_name (event);

      record_event (self, room, event, name);
    }
  for (guint i = 0; i < nexus_room_get_n_members (room); i++)
    {
      SnapshotSaid data = { self, room, nexus_room_get_member (room, i) };

      record_member (self, room, data.member);
      nexus_member_foreach_said (data.member, snapshot_said, &data);
    }
  summaries = nexus_server_list_rooms (self);
  for (guint i = 0; i < summaries->len; i++)
    {
      NexusRoomSummary *summary = g_ptr_array_index (summaries, i);

      if (g_str_equal (summary->code, nexus_room_get_code (room)) && summary->nearby_code != NULL)
        nexus_state_store_record_nearby (self->persist.store, summary->code,
                                         summary->nearby_code, summary->title);
    }
  g_ptr_array_unref (summaries);
}

static gboolean
on_persist_retry (gpointer user_data)
{
  NexusServer *self = user_data;
  GHashTableIter iter;
  gpointer value;

  self->persist.retry_id = 0;
  self->persist.failed = FALSE;
  nexus_state_store_record_snapshot (self->persist.store);
  self->persist.snapshot_epoch = nexus_state_store_get_epoch (self->persist.store);
  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    snapshot_room (self, value);
  persist_hold (self);
  return G_SOURCE_REMOVE;
}

/* The store */

static void
on_store_committed (NexusStateStore *store,
                    guint64          epoch,
                    NexusServer     *self)
{
  nexus_frame_hold_release (self->persist.hold, epoch);
}

static void
on_store_failed (NexusStateStore *store,
                 guint64          epoch,
                 NexusServer     *self)
{
  /* A batch recorded before the last snapshot: that one replaces it. */
  if (epoch < self->persist.snapshot_epoch)
    return;
  /* Nothing waits for the disk any more: the chat goes on in memory. */
  self->persist.failed = TRUE;
  nexus_frame_hold_release (self->persist.hold, nexus_state_store_get_epoch (store));
  if (self->persist.retry_id == 0)
    self->persist.retry_id = g_timeout_add (self->persist.retry_ms, on_persist_retry, self);
}

static void
on_store_problem (NexusStateStore *store,
                  GParamSpec      *pspec,
                  NexusServer     *self)
{
  g_object_notify (G_OBJECT (self), "persistence-problem");
}

void
_nexus_server_persist_init (NexusServer *self)
{
  self->persist.hold = nexus_frame_hold_new ();
  self->persist.retry_ms = PERSIST_RETRY_MS;
}

void
_nexus_server_persist_clear (NexusServer *self)
{
  g_clear_handle_id (&self->persist.retry_id, g_source_remove);
  if (self->persist.store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->persist.store, self);
      g_clear_object (&self->persist.store);
    }
  /* Whatever still waits goes: the server's connections are closing. */
  if (self->persist.hold != NULL)
    nexus_frame_hold_release (self->persist.hold, G_MAXUINT64);
  g_clear_pointer (&self->persist.hold, nexus_frame_hold_unref);
}

/* For tests: how long after a failed write the server tries again. */
void
_nexus_server_set_persist_retry_ms (NexusServer *self,
                                    guint        retry_ms)
{
  self->persist.retry_ms = retry_ms;
}

/**
 * nexus_server_set_state_store:
 * @store: (nullable): where the server keeps its rooms
 *
 * From now on the server records its rooms in @store as they change, so
 * that nexus_server_reopen_rooms() can bring them back after a crash. A
 * room the server ends (everyone gone, or shut down) goes from @store
 * too. Set it before the server has rooms.
 */
void
nexus_server_set_state_store (NexusServer     *self,
                              NexusStateStore *store)
{
  g_return_if_fail (NEXUS_IS_SERVER (self));
  g_return_if_fail (store == NULL || NEXUS_IS_STATE_STORE (store));
  g_return_if_fail (g_hash_table_size (self->rooms) == 0);

  if (self->persist.store != NULL)
    g_signal_handlers_disconnect_by_data (self->persist.store, self);
  g_set_object (&self->persist.store, store);
  self->persist.failed = FALSE;
  if (store == NULL)
    return;
  g_signal_connect_object (store, "committed", G_CALLBACK (on_store_committed), self, 0);
  g_signal_connect_object (store, "failed", G_CALLBACK (on_store_failed), self, 0);
  g_signal_connect_object (store, "notify::problem", G_CALLBACK (on_store_problem), self, 0);
}

NexusStateStore *
nexus_server_get_state_store (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), NULL);

  return self->persist.store;
}

/* A sentence for the host while its rooms cannot be saved ("the disk is
 * full"), else NULL. The property "persistence-problem" says when it
 * changes. */
const char *
nexus_server_get_persistence_problem (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), NULL);

  return self->persist.store != NULL ? nexus_state_store_get_problem (self->persist.store) : NULL;
}

/* Reopening */

static NexusRoom *
room_from_stored (NexusServer     *self,
                  NexusStoredRoom *stored)
{
  NexusRoom *room = nexus_room_new (stored->info.code, (guint) self->limits.history,
                                    (gsize) self->limits.history_bytes);
  gint64 now = g_get_monotonic_time ();

  nexus_room_restore_created (room, stored->info.created);
  for (guint i = 0; i < stored->events->len; i++)
    {
      NexusStoredEvent *event = g_ptr_array_index (stored->events, i);

      nexus_room_restore_event (room, (NexusRoomEventType) event->type, event->seq, event->ts,
                                event->json, event->json_length);
    }
  for (guint i = 0; i < stored->members->len; i++)
    {
      NexusStoredMember *stored_member = g_ptr_array_index (stored->members, i);
      NexusMember *member = nexus_room_restore_member (room, stored_member->name,
                                                       stored_member->session_hash,
                                                       stored_member->order, now);

      if (member == NULL)
        {
          nexus_room_free (room);
          return NULL;
        }
      for (guint j = 0; j < stored_member->said->len; j++)
        {
          NexusStoredSaid *said = g_ptr_array_index (stored_member->said, j);

          nexus_room_restore_said (room, member, said->id, said->seq, said->ts);
        }
    }
  return room;
}

/**
 * nexus_server_reopen_rooms:
 * @codes: (nullable): the codes of rooms the store offers, or NULL for all
 *
 * Brings back rooms of the server's store (nexus_state_store_list_rooms())
 * as they were: code, history and seq, members and their sessions, say
 * ids. Every member is in its grace period, which starts now. A room
 * whose code is taken, or beyond --max-rooms, stays on offer. Call it
 * once the server listens: the rooms are recorded with its port.
 *
 * Returns: (transfer full): the codes of the rooms reopened, maybe none
 */
GStrv
nexus_server_reopen_rooms (NexusServer        *self,
                           const char * const *codes)
{
  g_autoptr(GPtrArray) reopened = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (NEXUS_IS_SERVER (self), NULL);
  g_return_val_if_fail (self->persist.store != NULL, NULL);

  if (codes != NULL)
    for (guint i = 0; codes[i] != NULL; i++)
      g_ptr_array_add (wanted, g_strdup (codes[i]));
  else
    {
      g_autoptr(GPtrArray) offered = nexus_state_store_list_rooms (self->persist.store);

      for (guint i = 0; i < offered->len; i++)
        g_ptr_array_add (wanted, g_strdup (((NexusStoredRoomInfo *) offered->pdata[i])->code));
    }

  for (guint i = 0; i < wanted->len; i++)
    {
      const char *code = g_ptr_array_index (wanted, i);
      g_autoptr(NexusStoredRoom) stored = NULL;
      NexusRoom *room;

      if (g_hash_table_size (self->rooms) >= (guint) self->limits.max_rooms)
        break;
      if (_nexus_server_lookup_room (self, code) != NULL
          || (stored = nexus_state_store_take_room (self->persist.store, code)) == NULL)
        continue;
      room = room_from_stored (self, stored);
      if (room == NULL)
        {
          g_message ("Room %s in the saved rooms has members the protocol refuses; it is deleted",
                     code);
          _nexus_server_persist_room_gone (self, code);
          continue;
        }
      g_hash_table_insert (self->rooms, g_strdup (code), room);
      if (stored->nearby_code != NULL && !_nexus_server_code_in_use (self, stored->nearby_code))
        _nexus_server_nearby_restore (self, code, stored->nearby_code, stored->info.title);
      /* The port may have changed; the rest of its rows are as they were. */
      if (persist_recording (self))
        {
          record_room (self, room);
          persist_hold (self);
        }
      g_ptr_array_add (reopened, g_strdup (code));
    }

  if (reopened->len > 0)
    {
      _nexus_server_update_tick (self);
      _nexus_server_rooms_changed (self);
    }
  g_ptr_array_add (reopened, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&reopened), FALSE);
}
