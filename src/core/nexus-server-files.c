/* nexus-server-files.c: files in the rooms — the upload and share frames
 *
 * A member shares a file in three steps (PROTOCOL.md, "Files"): an
 * `upload` frame asks for a slot, and the server answers `upload-ready`
 * with a one-use URL; the bytes go there by HTTP (nexus-server-transfer.c);
 * a `share` frame then puts the file's message in the room, numbered,
 * kept and deduplicated by NexusRoom like any message. This file holds the
 * frames, the link between a NexusRoom and its files in the store (they
 * end with the room), and the one timer that watches the deadlines of
 * slots and transfers.
 *
 * The checks of an upload come in the protocol's order: not-joined, its
 * shape, the rate limit, an id used before (answered like a repeated
 * say), then the name, the size, the room's space and the member's
 * uploads a minute: a refusal costs no upload of the minute.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-json.h"
#include "nexus-server-private.h"

#define WATCH_INTERVAL_MS 250

/* What a NexusRoom keeps of its files (nexus_room_set_files()). */
typedef struct {
  NexusServer   *server;
  NexusFileRoom *store_room;
} FilesRoom;

/* A size as a person reads a limit: exact binary units when it is one
 * (the flags take 100M as 100 MiB), else as files show theirs. */
static char *
format_limit (gint64 bytes)
{
  static const struct { gint64 unit; const char *name; } units[] = {
    { G_GINT64_CONSTANT (1) << 40, "TiB" },
    { G_GINT64_CONSTANT (1) << 30, "GiB" },
    { G_GINT64_CONSTANT (1) << 20, "MiB" },
    { G_GINT64_CONSTANT (1) << 10, "KiB" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (bytes >= units[i].unit && bytes % units[i].unit == 0)
      return g_strdup_printf ("%" G_GINT64_FORMAT " %s", bytes / units[i].unit, units[i].name);
  return nexus_file_size_format ((guint64) bytes);
}

/* Rooms and their files */

static void
files_room_free (FilesRoom *files_room)
{
  NexusServer *self = files_room->server;

  /* The room has ended: its uploads and downloads stop, its files go. */
  if (self->files.store != NULL)
    {
      _nexus_server_transfers_cut_room (self, files_room->store_room);
      nexus_file_store_remove_room (self->files.store, files_room->store_room);
    }
  g_free (files_room);
}

/* The room's files in the store, made with the room's first upload. */
static NexusFileRoom *
files_room_for (NexusServer *self,
                NexusRoom   *room,
                gboolean     create)
{
  FilesRoom *files_room = nexus_room_get_files (room);

  if (files_room == NULL && create)
    {
      files_room = g_new0 (FilesRoom, 1);
      files_room->server = self;
      files_room->store_room = nexus_file_store_add_room (self->files.store, room);
      nexus_room_set_files (room, files_room, (GDestroyNotify) files_room_free);
    }
  return files_room != NULL ? files_room->store_room : NULL;
}

/* The deadlines */

static gboolean
on_files_watch (gpointer user_data)
{
  NexusServer *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (self->files.store != NULL)
    nexus_file_store_expire_slots (self->files.store, now,
                                   (gint64) self->limits.upload_slot_timeout_ms * 1000);
  _nexus_server_transfers_tick (self, now);

  if (g_hash_table_size (self->files.transfers) == 0
      && (self->files.store == NULL || nexus_file_store_get_n_slots (self->files.store) == 0))
    {
      self->files.watch_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The timer runs only while there is a slot or a transfer to watch. */
void
_nexus_server_files_watch (NexusServer *self)
{
  if (self->files.watch_id == 0)
    self->files.watch_id = g_timeout_add (WATCH_INTERVAL_MS, on_files_watch, self);
}

/* Frames */

static void
send_to_room (NexusRoom  *room,
              const char *json,
              gsize       length)
{
  guint n = nexus_room_get_n_members (room);

  for (guint i = 0; i < n; i++)
    {
      NexusPeer *peer = nexus_member_get_connection (nexus_room_get_member (room, i));

      if (peer != NULL)
        nexus_peer_send (peer, json, length);
    }
}

/* The message of a file already shared, to its sharer only: the kept
 * event, or the same frame made again once the history has let it go. */
static void
replay_shared (NexusPeer       *peer,
               NexusStoredFile *file)
{
  gint64 seq = nexus_stored_file_get_shared_seq (file);
  NexusRoomEvent *kept = nexus_room_lookup_event (peer->room, seq);
  g_autofree char *text = NULL;
  g_autoptr(GString) json = NULL;
  NexusFileInfo info;

  if (kept != NULL)
    {
      nexus_peer_send (peer, kept->json, kept->json_length);
      return;
    }
  nexus_stored_file_get_info (file, &info);
  text = nexus_file_fallback_text (info.name, info.size);
  json = nexus_frame_encode_file_event (seq, nexus_stored_file_get_said_at (file),
                                        nexus_member_get_name (peer->member), text,
                                        nexus_stored_file_get_upload_id (file), &info);
  nexus_peer_send (peer, json->str, json->len);
}

/* A file message, or a message deleted since (which may have been one). */
static gboolean
event_is_file_message (NexusRoomEvent *event)
{
  static const char * const names[] = { "file", "deleted" };
  NexusJsonMember members[G_N_ELEMENTS (names)] = { { 0, }, };
  gboolean file;

  file = event->type == NEXUS_ROOM_EVENT_MESSAGE
         && nexus_json_scan_object (event->json, event->json_length, names, G_N_ELEMENTS (names),
                                    members)
         && (members[0].kind == NEXUS_JSON_OTHER || members[1].kind == NEXUS_JSON_BOOLEAN);
  nexus_json_members_clear (members, G_N_ELEMENTS (members));
  return file;
}

/* An id the member has used before: a file's is answered with its
 * message, as a repeated say is; a say's cannot name an upload. TRUE when
 * the frame has had its answer. */
static gboolean
answer_used_id (NexusPeer        *peer,
                NexusFileRoom    *store_room,
                NexusClientFrame *frame)
{
  const char *owner = nexus_member_get_session_hash (peer->member);
  NexusStoredFile *file = store_room != NULL
                          ? nexus_file_room_lookup_upload (store_room, owner, frame->id) : NULL;

  if (file != NULL && nexus_stored_file_get_state (file) == NEXUS_STORED_FILE_SHARED)
    {
      replay_shared (peer, file);
      return TRUE;
    }
  if (nexus_room_has_said (peer->room, peer->member, frame->id))
    {
      g_autoptr(NexusRoomEvent) said = nexus_room_replay_said (peer->room, peer->member,
                                                               frame->id, "");

      /* A room reopened after a crash has no files, but still its file
       * messages: a share repeated across the restart gets its own. */
      if (event_is_file_message (said))
        {
          nexus_peer_send (peer, said->json, said->json_length);
          return TRUE;
        }
      nexus_peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST,
                             "That id belongs to a message already. Give each upload an id "
                             "of its own.", frame->id);
      return TRUE;
    }
  return FALSE;
}

static void
send_upload_ready (NexusPeer       *peer,
                   NexusStoredFile *file)
{
  g_autofree char *url = g_strconcat ("/upload/", nexus_stored_file_get_token (file), NULL);
  g_autofree char *json = nexus_frame_encode_upload_ready (nexus_stored_file_get_upload_id (file),
                                                           url);

  nexus_peer_send (peer, json, strlen (json));
}

static void
handle_upload (NexusPeer        *peer,
               NexusClientFrame *frame)
{
  NexusServer *self = peer->server;
  const char *owner = nexus_member_get_session_hash (peer->member);
  NexusFileRoom *store_room = files_room_for (self, peer->room, FALSE);
  g_autofree char *name = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *message = NULL;
  NexusStoredFile *file;
  gint64 now = g_get_monotonic_time ();

  if (answer_used_id (peer, store_room, frame))
    return;
  /* A slot asked for again (its answer lost in a drop): the same URL. */
  file = store_room != NULL ? nexus_file_room_lookup_upload (store_room, owner, frame->id) : NULL;
  if (file != NULL)
    {
      send_upload_ready (peer, file);
      return;
    }

  if ((name = nexus_file_name_clean (frame->name)) == NULL)
    {
      nexus_peer_send_error (peer, NEXUS_ERROR_FILE_NAME_INVALID,
                             "A file's name needs 1 to 255 characters besides folders and "
                             "invisible characters. Rename the file and send it again.", frame->id);
      return;
    }
  if (frame->size > self->limits.max_file_size)
    {
      limit = format_limit (self->limits.max_file_size);
      message = g_strdup_printf ("Files can be at most %s.", limit);
      nexus_peer_send_error (peer, NEXUS_ERROR_FILE_TOO_LARGE, message, frame->id);
      return;
    }

  store_room = files_room_for (self, peer->room, TRUE);
  if ((guint64) frame->size
        > (guint64) self->limits.max_room_files - nexus_file_room_get_used (store_room)
      || nexus_file_room_get_n_files (store_room) >= NEXUS_FILE_STORE_MAX_FILES_PER_ROOM)
    {
      limit = format_limit (self->limits.max_room_files);
      message = g_strdup_printf ("This room's files have used up its space (%s). Files are "
                                 "deleted when the room ends.", limit);
      nexus_peer_send_error (peer, NEXUS_ERROR_ROOM_STORAGE_FULL, message, frame->id);
      return;
    }
  if (!nexus_file_room_take_upload (store_room, owner, now,
                                    (guint) self->limits.uploads_per_minute))
    {
      message = g_strdup_printf ("You can send at most %d files a minute. Wait a moment and "
                                 "send it again.", self->limits.uploads_per_minute);
      nexus_peer_send_error (peer, NEXUS_ERROR_RATE_LIMITED, message, frame->id);
      return;
    }

  file = nexus_file_room_reserve (store_room, owner, frame->id, name, (guint64) frame->size,
                                  (guint64) self->limits.max_room_files, now, NULL);
  g_assert (file != NULL);   /* the room's space was checked above */
  send_upload_ready (peer, file);
  _nexus_server_files_watch (self);
}

static void
handle_share (NexusPeer        *peer,
              NexusClientFrame *frame)
{
  NexusFileRoom *store_room = files_room_for (peer->server, peer->room, FALSE);
  const char *owner = nexus_member_get_session_hash (peer->member);
  NexusStoredFile *file;
  NexusRoomEvent *event;
  NexusFileInfo info;

  if (answer_used_id (peer, store_room, frame))
    return;
  file = store_room != NULL ? nexus_file_room_lookup_upload (store_room, owner, frame->id) : NULL;
  if (file == NULL || nexus_stored_file_get_state (file) != NEXUS_STORED_FILE_COMPLETE)
    {
      nexus_peer_send_error (peer, NEXUS_ERROR_UPLOAD_NOT_FOUND,
                             "That file has not arrived. Send it again.", frame->id);
      return;
    }

  nexus_stored_file_get_info (file, &info);
  event = nexus_room_append_file (peer->room, peer->member, frame->id, &info);
  _nexus_server_persist_said (peer->server, peer->room, peer->member, frame->id, event);
  nexus_stored_file_set_shared (file, event->seq, event->real_time);
  send_to_room (peer->room, event->json, event->json_length);
}

/* An upload or share frame, in the protocol's order of checks: not-joined
 * first, then its shape, then the rate limit (@have_token), then the rest.
 * Every refusal of a frame with a valid id carries it. */
void
_nexus_server_files_handle_frame (NexusPeer        *peer,
                                  NexusClientFrame *frame,
                                  gboolean          parsed,
                                  const GError     *error,
                                  gboolean          have_token)
{
  if (peer->member == NULL)
    nexus_peer_send_error (peer, NEXUS_ERROR_NOT_JOINED,
                           "Join a room before sending files.", frame->id);
  else if (!parsed)
    nexus_peer_send_error (peer, NEXUS_ERROR_BAD_REQUEST, error->message, frame->id);
  else if (!have_token)
    nexus_peer_send_error (peer, NEXUS_ERROR_RATE_LIMITED,
                           "You are sending too fast. Wait a moment and send it again.", frame->id);
  else if (peer->server->files.store == NULL)
    nexus_peer_send_error (peer, NEXUS_ERROR_FILES_UNAVAILABLE,
                           "This host cannot keep files. Ask the host to check its disk.",
                           frame->id);
  else if (frame->type == NEXUS_CLIENT_FRAME_UPLOAD)
    handle_upload (peer, frame);
  else
    handle_share (peer, frame);
}

/* The member has left for good: what it uploaded and did not share can
 * never be shared now, so it goes, and its place in the room's space. */
void
_nexus_server_files_member_left (NexusServer *self,
                                 NexusRoom   *room,
                                 NexusMember *member)
{
  NexusFileRoom *store_room = self->files.store != NULL ? files_room_for (self, room, FALSE) : NULL;
  const char *owner = nexus_member_get_session_hash (member);
  g_autoptr(GPtrArray) unshared = NULL;

  if (store_room == NULL)
    return;
  /* An upload under way is cut, which discards it; then the rest. */
  unshared = nexus_file_room_list_unshared (store_room, owner);
  for (guint i = 0; i < unshared->len; i++)
    _nexus_server_transfers_cut_file (self, g_ptr_array_index (unshared, i));
  g_ptr_array_unref (unshared);
  unshared = nexus_file_room_list_unshared (store_room, owner);
  for (guint i = 0; i < unshared->len; i++)
    nexus_file_store_discard (self->files.store, g_ptr_array_index (unshared, i));
  nexus_file_room_forget_owner (store_room, owner);
}

/* A file message of @room was deleted: its file's bytes go at once (its
 * URL, /files/FILEID/NAME, answers 404 from now on). A room reopened
 * after a crash has no files: then there is nothing to remove. */
void
_nexus_server_files_delete (NexusServer *self,
                            NexusRoom   *room,
                            const char  *url)
{
  g_autofree char *id = NULL;
  const char *end;
  NexusStoredFile *file;

  if (self->files.store == NULL || !g_str_has_prefix (url, "/files/"))
    return;
  url += strlen ("/files/");
  end = strchr (url, '/');
  id = end != NULL ? g_strndup (url, (gsize) (end - url)) : g_strdup (url);
  file = nexus_file_store_lookup_file (self->files.store, id);
  if (file == NULL || nexus_file_room_get_user_data (nexus_stored_file_get_room (file)) != room)
    return;
  nexus_file_store_delete_bytes (self->files.store, file);
}

/* What the member's welcome carries as files_key: none when the host
 * keeps no files. */
const char *
_nexus_server_files_key (NexusServer *self,
                         NexusMember *member)
{
  return self->files.store != NULL ? nexus_member_get_files_key (member) : NULL;
}

/* The store */

void
_nexus_server_files_init (NexusServer *self)
{
  self->files.transfers = g_hash_table_new (NULL, NULL);
}

/* The server starts: its directory is made and those of servers that
 * crashed are swept. Without a directory the server runs on, and says
 * files-unavailable to uploads. */
void
_nexus_server_files_start (NexusServer *self)
{
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;

  if (self->files.store != NULL)
    return;
  base = self->limits.files_dir != NULL ? g_strdup (self->limits.files_dir)
                                        : nexus_file_store_default_base ();
  self->files.store = nexus_file_store_new (base, &error);
  if (self->files.store == NULL)
    g_message ("Files cannot be shared in these rooms: %s", error->message);
}

/* The server goes: transfers are cut, and the directory is removed with
 * everything in it. After the rooms: each room's end lets its files go. */
void
_nexus_server_files_clear (NexusServer *self)
{
  if (self->files.transfers == NULL)
    return;
  _nexus_server_transfers_cut_all (self);
  g_clear_handle_id (&self->files.watch_id, g_source_remove);
  if (self->files.store != NULL)
    nexus_file_store_close (self->files.store);
  g_clear_object (&self->files.store);
  g_clear_pointer (&self->files.transfers, g_hash_table_unref);
}

NexusFileStore *
nexus_server_get_file_store (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), NULL);

  return self->files.store;
}

guint
nexus_server_get_n_transfers (NexusServer *self)
{
  g_return_val_if_fail (NEXUS_IS_SERVER (self), 0);

  return self->files.transfers != NULL ? g_hash_table_size (self->files.transfers) : 0;
}
