/* nexus-file-room.c: one room's files — their records and its limits
 *
 * A room holds what its members uploaded, from the moment a slot is
 * given (its size counts against the room at once, so slots given
 * together cannot pass the limit) until the room ends. Each record goes
 * from a slot (RESERVED) to bytes arriving (RECEIVING), all of them on
 * disk (COMPLETE), and its message in the room (SHARED). The room also
 * counts each member's uploads of the last minute. Nothing here touches
 * the disk: the store (nexus-file-store.c) deletes.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-code.h"
#include "nexus-file-store-private.h"

static void
stored_file_free (NexusStoredFile *file)
{
  g_free (file->id);
  g_free (file->token);
  g_free (file->name);
  g_free (file->url);
  g_free (file->owner);
  g_free (file->upload_id);
  g_clear_object (&file->file);
  g_free (file);
}

char *
_nexus_file_room_upload_key (const char *owner,
                             const char *upload_id)
{
  return g_strconcat (owner, "\n", upload_id, NULL);
}

NexusFileRoom *
_nexus_file_room_new (NexusFileStore *store,
                      gpointer        user_data)
{
  NexusFileRoom *room = g_new0 (NexusFileRoom, 1);

  room->store = store;
  room->user_data = user_data;
  room->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) stored_file_free);
  room->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  room->grants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_array_unref);
  return room;
}

void
_nexus_file_room_free (NexusFileRoom *room)
{
  g_hash_table_unref (room->uploads);
  g_hash_table_unref (room->files);
  g_hash_table_unref (room->grants);
  g_free (room);
}

gpointer
nexus_file_room_get_user_data (NexusFileRoom *room)
{
  g_return_val_if_fail (room != NULL, NULL);

  return room->user_data;
}

/* Bytes counted against the room: every file and every slot. */
guint64
nexus_file_room_get_used (NexusFileRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return room->used;
}

guint
nexus_file_room_get_n_files (NexusFileRoom *room)
{
  g_return_val_if_fail (room != NULL, 0);

  return g_hash_table_size (room->files);
}

/* Whether @owner may start another upload at @now (monotonic µs): fewer
 * than @per_minute within the last minute. A TRUE answer counts one. */
gboolean
nexus_file_room_take_upload (NexusFileRoom *room,
                             const char    *owner,
                             gint64         now,
                             guint          per_minute)
{
  GArray *times;
  guint old = 0;

  g_return_val_if_fail (room != NULL, FALSE);
  g_return_val_if_fail (owner != NULL, FALSE);

  times = g_hash_table_lookup (room->grants, owner);
  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (room->grants, g_strdup (owner), times);
    }
  while (old < times->len && now - g_array_index (times, gint64, old) >= 60 * G_USEC_PER_SEC)
    old++;
  g_array_remove_range (times, 0, old);
  if (times->len >= per_minute)
    return FALSE;
  g_array_append_val (times, now);
  return TRUE;
}

/**
 * nexus_file_room_reserve:
 * @owner: who uploads (the server passes the hash of the member's session)
 * @upload_id: the id of the upload frame, unique per owner
 * @name: the file's name, cleaned
 * @size: its bytes, counted against the room from now on
 * @room_limit: the bytes the room may hold
 *
 * A slot for an upload: a record with a new file id, a one-use token and
 * the URL of the file to come.
 *
 * Returns: (transfer none): the slot, or NULL with
 *   NEXUS_FILE_STORE_ERROR_ROOM_FULL
 */
NexusStoredFile *
nexus_file_room_reserve (NexusFileRoom  *room,
                         const char     *owner,
                         const char     *upload_id,
                         const char     *name,
                         guint64         size,
                         guint64         room_limit,
                         gint64          now,
                         GError        **error)
{
  NexusFileStore *self;
  NexusStoredFile *file;
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (owner != NULL && upload_id != NULL && name != NULL, NULL);

  self = room->store;
  if (size > room_limit || room->used > room_limit - size
      || g_hash_table_size (room->files) >= NEXUS_FILE_STORE_MAX_FILES_PER_ROOM)
    {
      g_set_error_literal (error, NEXUS_FILE_STORE_ERROR, NEXUS_FILE_STORE_ERROR_ROOM_FULL,
                           "The room holds as many files as it may.");
      return NULL;
    }

  file = g_new0 (NexusStoredFile, 1);
  file->room = room;
  file->id = nexus_session_token_new ();
  file->token = nexus_session_token_new ();
  file->name = g_strdup (name);
  escaped = g_uri_escape_string (name, NULL, FALSE);
  file->url = g_strconcat ("/files/", file->id, "/", escaped, NULL);
  file->owner = g_strdup (owner);
  file->upload_id = g_strdup (upload_id);
  file->size = size;
  file->state = NEXUS_STORED_FILE_RESERVED;
  file->reserved_at = now;
  file->image.kind = NEXUS_IMAGE_NONE;
  /* The file's name on disk is its id, in this server's directory. */
  file->file = g_file_new_build_filename (self->directory, file->id, NULL);

  room->used += size;
  g_hash_table_insert (room->files, _nexus_file_store_secret_key (file->id), file);
  g_hash_table_insert (room->uploads, _nexus_file_room_upload_key (owner, upload_id), file);
  g_hash_table_insert (self->tokens, _nexus_file_store_secret_key (file->token), file);
  g_hash_table_insert (self->ids, _nexus_file_store_secret_key (file->id), file);
  return file;
}

/* @owner's upload @upload_id, in any state, or NULL. */
NexusStoredFile *
nexus_file_room_lookup_upload (NexusFileRoom *room,
                               const char    *owner,
                               const char    *upload_id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (room != NULL, NULL);

  if (owner == NULL || upload_id == NULL)
    return NULL;
  key = _nexus_file_room_upload_key (owner, upload_id);
  return g_hash_table_lookup (room->uploads, key);
}

/* @owner's uploads whose message is not in the room (yet): what goes when
 * the owner leaves. The array does not own them. */
GPtrArray *
nexus_file_room_list_unshared (NexusFileRoom *room,
                               const char    *owner)
{
  GPtrArray *unshared;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (room != NULL, NULL);

  unshared = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, room->files);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NexusStoredFile *file = value;

      if (file->state != NEXUS_STORED_FILE_SHARED && g_strcmp0 (file->owner, owner) == 0)
        g_ptr_array_add (unshared, file);
    }
  return unshared;
}

/* @owner has left: its count of uploads goes. */
void
nexus_file_room_forget_owner (NexusFileRoom *room,
                              const char    *owner)
{
  g_return_if_fail (room != NULL);

  g_hash_table_remove (room->grants, owner);
}

/* Files */

const char *
nexus_stored_file_get_id (NexusStoredFile *file)
{
  return file->id;
}

/* The one-use token of the upload: once it has begun, no longer found by
 * nexus_file_store_lookup_token(), but still what the slot was given. */
const char *
nexus_stored_file_get_token (NexusStoredFile *file)
{
  return file->token;
}

const char *
nexus_stored_file_get_name (NexusStoredFile *file)
{
  return file->name;
}

const char *
nexus_stored_file_get_url (NexusStoredFile *file)
{
  return file->url;
}

guint64
nexus_stored_file_get_size (NexusStoredFile *file)
{
  return file->size;
}

NexusStoredFileState
nexus_stored_file_get_state (NexusStoredFile *file)
{
  return file->state;
}

NexusFileRoom *
nexus_stored_file_get_room (NexusStoredFile *file)
{
  return file->room;
}

const char *
nexus_stored_file_get_upload_id (NexusStoredFile *file)
{
  return file->upload_id;
}

/* Where its bytes are: the store's directory, its id. */
GFile *
nexus_stored_file_get_file (NexusStoredFile *file)
{
  return file->file;
}

gint64
nexus_stored_file_get_reserved_at (NexusStoredFile *file)
{
  return file->reserved_at;
}

/* Its upload has begun: the token is used up. */
void
nexus_stored_file_begin (NexusStoredFile *file)
{
  g_autofree char *token_key = NULL;

  g_return_if_fail (file->state == NEXUS_STORED_FILE_RESERVED);

  token_key = _nexus_file_store_secret_key (file->token);
  g_hash_table_remove (file->room->store->tokens, token_key);
  file->state = NEXUS_STORED_FILE_RECEIVING;
}

/* Every byte is on disk; @image says what its first bytes showed. */
void
nexus_stored_file_complete (NexusStoredFile      *file,
                            const NexusImageInfo *image)
{
  g_return_if_fail (file->state == NEXUS_STORED_FILE_RECEIVING);
  g_return_if_fail (image != NULL);

  file->image = *image;
  file->state = NEXUS_STORED_FILE_COMPLETE;
}

const NexusImageInfo *
nexus_stored_file_get_image (NexusStoredFile *file)
{
  return &file->image;
}

/* What its message says of it; the strings are the record's. */
void
nexus_stored_file_get_info (NexusStoredFile *file,
                            NexusFileInfo   *info)
{
  gboolean picture = file->image.kind != NEXUS_IMAGE_NONE;

  *info = (NexusFileInfo) {
    .name = file->name,
    .size = file->size,
    .type = nexus_image_kind_to_mime (file->image.kind),
    .url = file->url,
    .width = picture ? file->image.width : 0,
    .height = picture ? file->image.height : 0,
  };
}

/* Its message is the room's event @seq, said at @said_at (real time, µs). */
void
nexus_stored_file_set_shared (NexusStoredFile *file,
                              gint64           seq,
                              gint64           said_at)
{
  g_return_if_fail (file->state == NEXUS_STORED_FILE_COMPLETE);

  file->state = NEXUS_STORED_FILE_SHARED;
  file->shared_seq = seq;
  file->said_at = said_at;
}

gint64
nexus_stored_file_get_shared_seq (NexusStoredFile *file)
{
  return file->shared_seq;
}

gint64
nexus_stored_file_get_said_at (NexusStoredFile *file)
{
  return file->said_at;
}
