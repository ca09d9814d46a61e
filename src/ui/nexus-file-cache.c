/* nexus-file-cache.c: a room's files on this computer, for the window:
 * copies in the cache directory, and pictures ready to draw
 *
 * Received files are downloaded to $XDG_CACHE_HOME/nexus-chat/received/
 * RANDOM/FILEID/NAME, a directory per room page, under the name they were
 * shared with (so the app that opens one knows its type), each at most
 * once however many rows, viewers and Open buttons ask for it. The
 * directories of earlier runs go after a day: an app that opened a file
 * may still read it for a while.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-file-cache-private.h"

#define MAX_NAME_BYTES     200
#define KEEP_SECONDS       (24 * 60 * 60)

G_DEFINE_FINAL_TYPE (NexusFileCache, nexus_file_cache, G_TYPE_OBJECT)

enum {
  SIGNAL_TRANSFER_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One download into the cache and those waiting for it. */
typedef struct {
  NexusFileCache *cache;
  NexusEvent *event;
  char *url;
  GFile *destination;
  GCancellable *cancellable;
  GPtrArray *waiters;        /* GTask */
} Fetch;

/* A waiter's part: how far it wants to be told, and its cancelling. */
typedef struct {
  Fetch *fetch;
  NexusDownloadProgress progress;
  gpointer progress_data;
  GCancellable *cancellable;
  gulong cancelled_id;
} Waiter;

char *
nexus_file_cache_get_base (void)
{
  return g_build_filename (g_get_user_cache_dir (), "nexus-chat", "received", NULL);
}

/* Names on disk */

/* FILEID of "/files/FILEID/NAME", or a digest of the url when it has
 * another shape. */
static char *
file_id_of (const char *url)
{
  const char *id = url + strlen ("/files/");
  const char *end = strchr (id, '/');

  if (g_str_has_prefix (url, "/files/") && end != NULL && end > id && end - id <= 64)
    {
      g_autofree char *candidate = g_strndup (id, end - id);
      gboolean hex = TRUE;

      for (const char *p = candidate; *p != '\0'; p++)
        hex = hex && g_ascii_isxdigit (*p);
      if (hex)
        return g_steal_pointer (&candidate);
    }
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
}

/* The shared name as a name on disk: never hidden, no separator, short
 * enough for DEST.part, its extension kept. */
static char *
disk_name_of (const char *name)
{
  GString *disk = g_string_new (name);
  const char *dot;

  g_string_replace (disk, "/", "_", 0);
  if (disk->len == 0 || disk->str[0] == '.')
    g_string_prepend_c (disk, '_');
  if (disk->len > MAX_NAME_BYTES)
    {
      g_autofree char *extension = NULL;
      const char *cut;

      dot = strrchr (disk->str, '.');
      if (dot != NULL && strlen (dot) < 16)
        extension = g_strdup (dot);
      cut = g_utf8_find_prev_char (disk->str, disk->str + MAX_NAME_BYTES - 16);
      g_string_truncate (disk, cut != NULL ? (gsize) (cut - disk->str) : 0);
      if (extension != NULL)
        g_string_append (disk, extension);
    }
  return g_string_free (disk, FALSE);
}

/* Worker threads: directories made, old ones swept */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
sweep_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_autofree char *base = nexus_file_cache_get_base ();
  g_autoptr(GDir) dir = g_dir_open (base, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (base, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode) && now - st.st_mtime > KEEP_SECONDS)
        remove_tree (path);
    }
  g_task_return_boolean (task, TRUE);
}

static void
make_directory_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  g_autoptr(GFile) parent = g_file_get_parent (task_data);
  g_autofree char *path = g_file_get_path (parent);

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved), "%s",
                               g_strerror (saved));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Fetching */

static void
fetch_free (Fetch *fetch)
{
  g_assert (fetch->waiters->len == 0);
  g_clear_object (&fetch->event);
  g_free (fetch->url);
  g_clear_object (&fetch->destination);
  g_clear_object (&fetch->cancellable);
  g_ptr_array_unref (fetch->waiters);
  g_free (fetch);
}

static void
waiter_free (Waiter *waiter)
{
  g_clear_object (&waiter->cancellable);
  g_free (waiter);
}

/* Every waiter gets the file or the error; the fetch is over. */
static void
fetch_done (Fetch        *fetch,
            GFile        *file,
            const GError *error)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&fetch->waiters);
  NexusFileCache *self = fetch->cache;

  fetch->waiters = g_ptr_array_new ();
  if (self != NULL)
    {
      g_hash_table_remove (self->fetching, fetch->url);
      if (file != NULL)
        g_hash_table_insert (self->fetched, g_strdup (fetch->url), g_object_ref (file));
    }
  for (guint i = 0; i < waiters->len; i++)
    {
      g_autoptr(GTask) task = waiters->pdata[i];
      Waiter *waiter = g_task_get_task_data (task);

      g_cancellable_disconnect (waiter->cancellable, waiter->cancelled_id);
      waiter->cancelled_id = 0;
      waiter->fetch = NULL;
      if (file != NULL)
        g_task_return_pointer (task, g_object_ref (file), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
  fetch_free (fetch);
}

static void
on_fetch_progress (goffset  received,
                   goffset  total,
                   gpointer user_data)
{
  Fetch *fetch = user_data;

  for (guint i = 0; i < fetch->waiters->len; i++)
    {
      Waiter *waiter = g_task_get_task_data (fetch->waiters->pdata[i]);

      if (waiter->progress != NULL)
        waiter->progress (received, total, waiter->progress_data);
    }
}

static void on_downloaded (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data);

static void
fetch_start (Fetch *fetch)
{
  nexus_client_download_async (fetch->cache->client, fetch->event, fetch->destination,
                               fetch->cancellable, on_fetch_progress, fetch, NULL,
                               on_downloaded, fetch);
}

/* A cancelled download that someone asked for again meanwhile goes on
 * for them, from where it stopped. */
static gboolean
fetch_restart (Fetch *fetch)
{
  for (guint i = 0; i < fetch->waiters->len; i++)
    {
      Waiter *waiter = g_task_get_task_data (fetch->waiters->pdata[i]);

      if (!g_cancellable_is_cancelled (waiter->cancellable))
        {
          g_clear_object (&fetch->cancellable);
          fetch->cancellable = g_cancellable_new ();
          fetch_start (fetch);
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_downloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;

  if (nexus_client_download_finish (NEXUS_CLIENT (source), result, &error))
    fetch_done (fetch, fetch->destination, NULL);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
           || fetch->cache == NULL || !fetch_restart (fetch))
    fetch_done (fetch, NULL, error);
}

static void
on_directory_made (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) || fetch->cache == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      fetch_done (fetch, NULL, error);
      return;
    }
  fetch_start (fetch);
}

/* A waiter gave up: the others go on; with none left, the download stops. */
static gboolean
waiter_cancelled_idle (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Waiter *waiter = g_task_get_task_data (task);
  Fetch *fetch = waiter->fetch;

  if (fetch == NULL || !g_ptr_array_remove (fetch->waiters, task))
    return G_SOURCE_REMOVE;
  g_cancellable_disconnect (waiter->cancellable, waiter->cancelled_id);
  waiter->cancelled_id = 0;
  waiter->fetch = NULL;
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  if (fetch->waiters->len == 0)
    g_cancellable_cancel (fetch->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_waiter_cancelled (GCancellable *cancellable,
                     GTask        *task)
{
  /* Not here: disconnecting inside the handler would wait for itself. */
  g_idle_add (waiter_cancelled_idle, g_object_ref (task));
}

void
nexus_file_cache_fetch_async (NexusFileCache        *self,
                              NexusEvent            *event,
                              GCancellable          *cancellable,
                              NexusDownloadProgress  progress,
                              gpointer               progress_data,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *url;
  GFile *file;
  Fetch *fetch;
  Waiter *waiter;

  g_return_if_fail (NEXUS_IS_FILE_CACHE (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_file_cache_fetch_async);
  url = nexus_event_get_file_url (event);

  file = g_hash_table_lookup (self->local, nexus_event_get_id (event));
  if (file == NULL && url != NULL)
    file = g_hash_table_lookup (self->fetched, url);
  if (file != NULL)
    {
      g_task_return_pointer (task, g_object_ref (file), g_object_unref);
      return;
    }
  if (url == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Not shared yet");
      return;
    }

  fetch = g_hash_table_lookup (self->fetching, url);
  if (fetch == NULL)
    {
      g_autofree char *id = file_id_of (url);
      g_autofree char *name = disk_name_of (nexus_event_get_file_name (event));
      g_autofree char *path = g_build_filename (self->directory, id, name, NULL);
      g_autoptr(GTask) make = NULL;

      fetch = g_new0 (Fetch, 1);
      fetch->cache = self;
      fetch->event = g_object_ref (event);
      fetch->url = g_strdup (url);
      fetch->destination = g_file_new_for_path (path);
      fetch->cancellable = g_cancellable_new ();
      fetch->waiters = g_ptr_array_new ();
      g_hash_table_insert (self->fetching, g_strdup (url), fetch);

      make = g_task_new (NULL, NULL, on_directory_made, fetch);
      g_task_set_task_data (make, g_object_ref (fetch->destination), g_object_unref);
      g_task_run_in_thread (make, make_directory_thread);
    }

  waiter = g_new0 (Waiter, 1);
  waiter->fetch = fetch;
  waiter->progress = progress;
  waiter->progress_data = progress_data;
  waiter->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, waiter, (GDestroyNotify) waiter_free);
  g_ptr_array_add (fetch->waiters, g_object_ref (task));
  if (cancellable != NULL)
    waiter->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_waiter_cancelled),
                                                  task, NULL);
}

GFile *
nexus_file_cache_fetch_finish (NexusFileCache  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (NEXUS_IS_FILE_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GObject */

static void
nexus_file_cache_dispose (GObject *object)
{
  NexusFileCache *self = NEXUS_FILE_CACHE (object);
  GHashTableIter iter;
  gpointer value;

  /* Downloads under way stop; their waiters hold the cache until told. */
  g_hash_table_iter_init (&iter, self->fetching);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Fetch *fetch = value;

      fetch->cache = NULL;
      g_cancellable_cancel (fetch->cancellable);
      g_hash_table_iter_remove (&iter);
    }
  _nexus_file_cache_transfers_stop (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (nexus_file_cache_parent_class)->dispose (object);
}

static void
nexus_file_cache_finalize (GObject *object)
{
  NexusFileCache *self = NEXUS_FILE_CACHE (object);

  g_clear_pointer (&self->local, g_hash_table_unref);
  g_clear_pointer (&self->fetched, g_hash_table_unref);
  g_clear_pointer (&self->fetching, g_hash_table_unref);
  g_clear_pointer (&self->pictures, g_hash_table_unref);
  g_clear_pointer (&self->transfers, g_hash_table_unref);
  g_queue_clear_full (&self->picture_order, g_free);
  g_free (self->directory);

  G_OBJECT_CLASS (nexus_file_cache_parent_class)->finalize (object);
}

static void
nexus_file_cache_class_init (NexusFileCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_file_cache_dispose;
  object_class->finalize = nexus_file_cache_finalize;

  /* A save or an open of the file of the event with this id started,
   * moved or ended. */
  signals[SIGNAL_TRANSFER_CHANGED] =
    g_signal_new ("transfer-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
nexus_file_cache_init (NexusFileCache *self)
{
  self->local = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->fetched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->fetching = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pictures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  /* Keyed by the transfer's own id. */
  self->transfers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) _nexus_file_transfer_free);
  g_queue_init (&self->picture_order);
}

NexusFileCache *
nexus_file_cache_new (NexusClient *client)
{
  NexusFileCache *self;
  g_autoptr(GTask) sweep = NULL;
  g_autofree char *base = nexus_file_cache_get_base ();
  guint8 bytes[8];
  char name[17];

  g_return_val_if_fail (NEXUS_IS_CLIENT (client), NULL);

  self = g_object_new (NEXUS_TYPE_FILE_CACHE, NULL);
  self->client = g_object_ref (client);
  nexus_random_bytes (bytes, sizeof bytes);
  for (guint i = 0; i < sizeof bytes; i++)
    g_snprintf (name + 2 * i, 3, "%02x", bytes[i]);
  self->directory = g_build_filename (base, name, NULL);

  sweep = g_task_new (NULL, NULL, NULL, NULL);
  g_task_run_in_thread (sweep, sweep_thread);
  return self;
}

void
_nexus_file_cache_transfer_changed (NexusFileCache *self,
                                    const char     *id)
{
  g_signal_emit (self, signals[SIGNAL_TRANSFER_CHANGED], 0, id);
}

NexusClient *
nexus_file_cache_get_client (NexusFileCache *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_CACHE (self), NULL);

  return self->client;
}

void
nexus_file_cache_remember_local (NexusFileCache *self,
                                 NexusEvent     *event,
                                 GFile          *file)
{
  g_return_if_fail (NEXUS_IS_FILE_CACHE (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));
  g_return_if_fail (G_IS_FILE (file));

  g_hash_table_insert (self->local, g_strdup (nexus_event_get_id (event)), g_object_ref (file));
}

const char *
nexus_file_cache_get_directory (NexusFileCache *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_CACHE (self), NULL);

  return self->directory;
}
