/* nexus-file-store.c: the files of the server's rooms, on disk
 *
 * Each running server keeps its rooms' files in a directory of its own,
 * BASE/instance-RANDOM (BASE is the user's cache directory's
 * nexus-chat/files, or --files-dir), under names it chooses: each file's
 * id, 32 hex digits, never anything an uploader sent. A file lives until
 * its room ends; the directory until the server stops. A server that
 * crashed leaves its directory behind, so each new store sweeps BASE for
 * directories of dead servers: it holds a flock(2) on a lock file in its
 * own for as long as it runs, the kernel lets go of it when the process
 * dies, and only a directory whose lock can be taken is swept, and in it
 * only names this file gives (the lock and file ids).
 *
 * The store keeps the tables of secrets (one-use upload tokens, file
 * ids) and the rooms; each room (nexus-file-room.c) keeps its records:
 * which upload is whose, what it holds against its quota, which files
 * are complete. Bytes are written and read by nexus-server-files.c; deleting
 * them goes to GIO's worker threads, and so does the sweep, so that the
 * main loop never waits on the disk. Making the directory when the server
 * starts, and removing what is left of it when the server goes, are the
 * only calls made here on the caller's thread.
 *
 * Tokens and file ids are secrets (an id is the unguessable part of a
 * download's URL): the tables are keyed by their SHA-256, so how long a
 * lookup takes says nothing about the ones that exist.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nexus-code.h"
#include "nexus-file-store-private.h"

#define INSTANCE_PREFIX  "instance-"
#define NEW_PREFIX       ".new-"
#define LOCK_NAME        "lock"
/* A directory still being set up by a live server is renamed within
 * microseconds; one that has stayed half-made this long was left by a
 * crash. */
#define NEW_STALE_SECONDS 600

G_DEFINE_QUARK (nexus-file-store-error-quark, nexus_file_store_error)
G_DEFINE_FINAL_TYPE (NexusFileStore, nexus_file_store, G_TYPE_OBJECT)

char *
_nexus_file_store_secret_key (const char *secret)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

static gboolean
is_hex_name (const char *name,
             gsize       length)
{
  if (strlen (name) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (name[i]) && !(name[i] >= 'a' && name[i] <= 'f'))
      return FALSE;
  return TRUE;
}

/* Removing a directory of ours, on any thread */

/* Unlinks the names this store gives (file ids and the lock) in @path and
 * then the directory itself, which fails, leaving it, if anything else
 * is in it. Symbolic links are unlinked, never followed. */
static void
remove_store_directory (const char *path)
{
  DIR *dir = opendir (path);
  struct dirent *entry;

  if (dir == NULL)
    return;
  while ((entry = readdir (dir)) != NULL)
    if (is_hex_name (entry->d_name, NEXUS_FILE_ID_LENGTH) || strcmp (entry->d_name, LOCK_NAME) == 0)
      unlinkat (dirfd (dir), entry->d_name, 0);
  closedir (dir);
  g_rmdir (path);
}

/* TRUE when the server that made @path is gone: nobody holds its lock. */
static gboolean
directory_is_abandoned (const char *path,
                        gboolean    is_new)
{
  g_autofree char *lock_path = g_build_filename (path, LOCK_NAME, NULL);
  gboolean abandoned;
  GStatBuf st;
  int fd;

  if (is_new && (g_lstat (path, &st) != 0 || time (NULL) - st.st_mtime < NEW_STALE_SECONDS))
    return FALSE;
  fd = open (lock_path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    /* No lock: half made or half removed. Only an empty one can go, and
     * rmdir() itself checks that. */
    return errno == ENOENT;
  abandoned = flock (fd, LOCK_EX | LOCK_NB) == 0;
  /* Closing lets the lock go; the directory is removed right after, and a
   * server never comes back to a directory it has left. */
  close (fd);
  return abandoned;
}

static void
sweep_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const char *base = task_data;
  DIR *dir = opendir (base);
  struct dirent *entry;
  g_autoptr(GPtrArray) abandoned = g_ptr_array_new_with_free_func (g_free);

  if (dir == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  while ((entry = readdir (dir)) != NULL)
    {
      const char *name = entry->d_name;
      gboolean is_instance = g_str_has_prefix (name, INSTANCE_PREFIX)
                             && is_hex_name (name + strlen (INSTANCE_PREFIX), NEXUS_FILE_ID_LENGTH);
      gboolean is_new = g_str_has_prefix (name, NEW_PREFIX)
                        && is_hex_name (name + strlen (NEW_PREFIX), NEXUS_FILE_ID_LENGTH);
      g_autofree char *path = NULL;

      if (!is_instance && !is_new)
        continue;
      path = g_build_filename (base, name, NULL);
      if (directory_is_abandoned (path, is_new))
        g_ptr_array_add (abandoned, g_steal_pointer (&path));
    }
  closedir (dir);

  for (guint i = 0; i < abandoned->len; i++)
    {
      g_debug ("files: removing %s, left by a server that is gone",
               (const char *) g_ptr_array_index (abandoned, i));
      remove_store_directory (g_ptr_array_index (abandoned, i));
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_io_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  NexusFileStore *self = user_data;

  /* A file already gone (its directory removed first) is not an error
   * worth telling: it is what was wanted. */
  if (G_IS_FILE (source))
    g_file_delete_finish (G_FILE (source), result, NULL);
  self->n_pending_io--;
  g_object_unref (self);
}

/* Records */

/* Forgets @file everywhere and deletes its bytes (in a worker thread:
 * unlinking a large file takes a while on some file systems). */
static void
store_drop (NexusFileStore  *self,
            NexusStoredFile *file,
            gboolean         remove_from_room)
{
  NexusFileRoom *room = file->room;
  g_autofree char *id_key = _nexus_file_store_secret_key (file->id);
  g_autofree char *key = _nexus_file_room_upload_key (file->owner, file->upload_id);

  if (file->state == NEXUS_STORED_FILE_RESERVED)
    {
      g_autofree char *token_key = _nexus_file_store_secret_key (file->token);

      g_hash_table_remove (self->tokens, token_key);
    }
  g_hash_table_remove (self->ids, id_key);
  if (g_hash_table_lookup (room->uploads, key) == file)
    g_hash_table_remove (room->uploads, key);
  room->used -= file->size;

  /* A slot has nothing on disk yet; anything later may. */
  if (file->state != NEXUS_STORED_FILE_RESERVED && !self->closed)
    {
      self->n_pending_io++;
      g_file_delete_async (file->file, G_PRIORITY_LOW, NULL, on_io_done, g_object_ref (self));
    }
  if (remove_from_room)
    g_hash_table_remove (room->files, id_key);
}

/* The store */

char *
nexus_file_store_default_base (void)
{
  return g_build_filename (g_get_user_cache_dir (), "nexus-chat", "files", NULL);
}

/* Makes BASE/.new-X with its lock held, then renames it into place, so
 * that a sweeping server never sees an instance directory without a held
 * lock. */
static gboolean
store_make_directory (NexusFileStore  *self,
                      GError         **error)
{
  g_autofree char *random = nexus_session_token_new ();
  g_autofree char *new_path = NULL;
  g_autofree char *lock_path = NULL;
  int saved_errno;

  if (g_mkdir_with_parents (self->base, 0700) != 0)
    goto failed;
  new_path = g_strconcat (self->base, G_DIR_SEPARATOR_S NEW_PREFIX, random, NULL);
  if (g_mkdir (new_path, 0700) != 0)
    goto failed;
  lock_path = g_build_filename (new_path, LOCK_NAME, NULL);
  self->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (self->lock_fd < 0 || flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    goto failed_inside;
  self->directory = g_strconcat (self->base, G_DIR_SEPARATOR_S INSTANCE_PREFIX, random, NULL);
  if (g_rename (new_path, self->directory) != 0)
    goto failed_inside;
  return TRUE;

failed_inside:
  saved_errno = errno;
  remove_store_directory (new_path);
  errno = saved_errno;
failed:
  saved_errno = errno;
  g_set_error (error, NEXUS_FILE_STORE_ERROR, NEXUS_FILE_STORE_ERROR_FAILED,
               "Cannot make a directory for files in %s: %s", self->base, g_strerror (saved_errno));
  g_clear_pointer (&self->directory, g_free);
  return FALSE;
}

/**
 * nexus_file_store_new:
 * @base: the directory that holds the servers' directories, made if need be
 *
 * Makes this server's directory and starts sweeping away those of servers
 * that are gone.
 */
NexusFileStore *
nexus_file_store_new (const char  *base,
                      GError     **error)
{
  g_autoptr(NexusFileStore) self = NULL;
  g_autoptr(GTask) sweep = NULL;

  g_return_val_if_fail (base != NULL, NULL);

  self = g_object_new (NEXUS_TYPE_FILE_STORE, NULL);
  self->base = g_canonicalize_filename (base, NULL);
  if (!store_make_directory (self, error))
    return NULL;

  sweep = g_task_new (NULL, NULL, on_io_done, g_object_ref (self));
  g_task_set_source_tag (sweep, nexus_file_store_new);
  g_task_set_task_data (sweep, g_strdup (self->base), g_free);
  self->n_pending_io++;
  g_task_run_in_thread (sweep, sweep_thread);
  return g_steal_pointer (&self);
}

const char *
nexus_file_store_get_directory (NexusFileStore *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_STORE (self), NULL);

  return self->directory;
}

/* Deletions and the sweep still under way (for tests). */
guint
nexus_file_store_get_n_pending_io (NexusFileStore *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_STORE (self), 0);

  return self->n_pending_io;
}

NexusFileRoom *
nexus_file_store_add_room (NexusFileStore *self,
                           gpointer        user_data)
{
  NexusFileRoom *room;

  g_return_val_if_fail (NEXUS_IS_FILE_STORE (self), NULL);

  room = _nexus_file_room_new (self, user_data);
  g_ptr_array_add (self->rooms, room);
  return room;
}

/* The room has ended: every file of it goes, from the records and the disk. */
void
nexus_file_store_remove_room (NexusFileStore *self,
                              NexusFileRoom  *room)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (NEXUS_IS_FILE_STORE (self));
  g_return_if_fail (room != NULL && room->store == self);

  g_hash_table_iter_init (&iter, room->files);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    store_drop (self, value, FALSE);
  g_hash_table_remove_all (room->files);
  g_ptr_array_remove_fast (self->rooms, room);
}

/* The slot of @token, while it has not been used. */
NexusStoredFile *
nexus_file_store_lookup_token (NexusFileStore *self,
                               const char     *token)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (NEXUS_IS_FILE_STORE (self), NULL);

  if (token == NULL || !is_hex_name (token, NEXUS_FILE_ID_LENGTH))
    return NULL;
  key = _nexus_file_store_secret_key (token);
  return g_hash_table_lookup (self->tokens, key);
}

/* The file with @id once all its bytes are there. */
NexusStoredFile *
nexus_file_store_lookup_file (NexusFileStore *self,
                              const char     *id)
{
  g_autofree char *key = NULL;
  NexusStoredFile *file;

  g_return_val_if_fail (NEXUS_IS_FILE_STORE (self), NULL);

  if (id == NULL || !is_hex_name (id, NEXUS_FILE_ID_LENGTH))
    return NULL;
  key = _nexus_file_store_secret_key (id);
  file = g_hash_table_lookup (self->ids, key);
  if (file == NULL || file->state < NEXUS_STORED_FILE_COMPLETE)
    return NULL;
  return file;
}

/* An upload that failed, or a file nobody may share any more: its record
 * goes, its quota is free again, its bytes are deleted. */
void
nexus_file_store_discard (NexusFileStore  *self,
                          NexusStoredFile *file)
{
  g_return_if_fail (NEXUS_IS_FILE_STORE (self));
  g_return_if_fail (file != NULL && file->room->store == self);

  store_drop (self, file, TRUE);
}

/**
 * nexus_file_store_delete_bytes:
 * @file: a file of a room, shared
 *
 * The file's message was deleted: its bytes go now and its URL answers
 * 404 (nexus_file_store_lookup_file() no longer finds it). Its record
 * stays with its room, which answers a repeated share with its message
 * and counts it against the room's limits until the room ends.
 */
void
nexus_file_store_delete_bytes (NexusFileStore  *self,
                               NexusStoredFile *file)
{
  g_autofree char *id_key = NULL;

  g_return_if_fail (NEXUS_IS_FILE_STORE (self));
  g_return_if_fail (file != NULL && file->room->store == self);

  id_key = _nexus_file_store_secret_key (file->id);
  if (!g_hash_table_remove (self->ids, id_key) || self->closed)
    return;
  self->n_pending_io++;
  g_file_delete_async (file->file, G_PRIORITY_LOW, NULL, on_io_done, g_object_ref (self));
}

/* Discards the slots whose upload has not begun within @timeout µs of
 * their making; returns how many. */
guint
nexus_file_store_expire_slots (NexusFileStore *self,
                               gint64          now,
                               gint64          timeout)
{
  g_autoptr(GPtrArray) expired = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (NEXUS_IS_FILE_STORE (self), 0);

  g_hash_table_iter_init (&iter, self->tokens);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NexusStoredFile *file = value;

      if (now - file->reserved_at >= timeout)
        g_ptr_array_add (expired, file);
    }
  for (guint i = 0; i < expired->len; i++)
    store_drop (self, g_ptr_array_index (expired, i), TRUE);
  return expired->len;
}

/* Slots whose upload has not begun. */
guint
nexus_file_store_get_n_slots (NexusFileStore *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_STORE (self), 0);

  return g_hash_table_size (self->tokens);
}

/* Removes everything of this server's directory now, on this thread: the
 * server is going, and what is left must not outlive it. Deletions still
 * under way find their files gone, which is what they wanted. */
void
nexus_file_store_close (NexusFileStore *self)
{
  g_return_if_fail (NEXUS_IS_FILE_STORE (self));

  if (self->closed)
    return;
  self->closed = TRUE;
  if (self->directory != NULL)
    remove_store_directory (self->directory);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  self->lock_fd = -1;
}

static void
nexus_file_store_dispose (GObject *object)
{
  NexusFileStore *self = NEXUS_FILE_STORE (object);

  nexus_file_store_close (self);
  g_clear_pointer (&self->rooms, g_ptr_array_unref);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->ids, g_hash_table_unref);

  G_OBJECT_CLASS (nexus_file_store_parent_class)->dispose (object);
}

static void
nexus_file_store_finalize (GObject *object)
{
  NexusFileStore *self = NEXUS_FILE_STORE (object);

  g_free (self->base);
  g_free (self->directory);

  G_OBJECT_CLASS (nexus_file_store_parent_class)->finalize (object);
}

static void
nexus_file_store_class_init (NexusFileStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_file_store_dispose;
  object_class->finalize = nexus_file_store_finalize;
}

static void
nexus_file_store_init (NexusFileStore *self)
{
  self->lock_fd = -1;
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) _nexus_file_room_free);
}

