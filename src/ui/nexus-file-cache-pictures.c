/* nexus-file-cache-pictures.c: pictures of a room's files, decoded on a
 * worker thread to the size they are shown at; the last few are kept in
 * memory for rows that scroll back into view
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-file-cache-private.h"

#define MAX_PICTURES       48
#define MAX_PICTURE_SIDE   4096

typedef struct {
  char *key;
  GFile *file;
  int width;
  int height;
} Decode;

static void
decode_free (Decode *decode)
{
  g_free (decode->key);
  g_clear_object (&decode->file);
  g_free (decode);
}

/* Never larger than the picture: a small one is not blown up. */
static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Decode *decode = task_data;
  g_autofree char *path = g_file_get_path (decode->file);
  g_autoptr(GdkPixbuf) loaded = NULL;
  GdkPixbuf *oriented;
  GError *error = NULL;
  int width = 0, height = 0;
  int max_width = decode->width > 0 ? decode->width : MAX_PICTURE_SIDE;
  int max_height = decode->height > 0 ? decode->height : MAX_PICTURE_SIDE;

  if (gdk_pixbuf_get_file_info (path, &width, &height) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "Not a picture this computer can show");
      return;
    }
  if (width > max_width || height > max_height)
    loaded = gdk_pixbuf_new_from_file_at_scale (path, max_width, max_height, TRUE, &error);
  else
    loaded = gdk_pixbuf_new_from_file (path, &error);
  if (loaded == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  oriented = gdk_pixbuf_apply_embedded_orientation (loaded);
  g_task_return_pointer (task, oriented, g_object_unref);
}

static GdkTexture *
texture_for_pixbuf (GdkPixbuf *pixbuf)
{
  g_autoptr(GBytes) bytes = gdk_pixbuf_read_pixel_bytes (pixbuf);

  return gdk_memory_texture_new (gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf),
                                 gdk_pixbuf_get_has_alpha (pixbuf) ? GDK_MEMORY_R8G8B8A8
                                                                   : GDK_MEMORY_R8G8B8,
                                 bytes, gdk_pixbuf_get_rowstride (pixbuf));
}

static void
remember_picture (NexusFileCache *self,
                  const char     *key,
                  GdkTexture     *texture)
{
  if (g_hash_table_contains (self->pictures, key))
    return;
  g_hash_table_insert (self->pictures, g_strdup (key), g_object_ref (texture));
  g_queue_push_tail (&self->picture_order, g_strdup (key));
  while (self->picture_order.length > MAX_PICTURES)
    {
      g_autofree char *oldest = g_queue_pop_head (&self->picture_order);

      g_hash_table_remove (self->pictures, oldest);
    }
}

static void
on_decoded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NexusFileCache *self = g_task_get_source_object (task);
  Decode *decode = g_task_get_task_data (task);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GError *error = NULL;

  pixbuf = g_task_propagate_pointer (G_TASK (result), &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  texture = texture_for_pixbuf (pixbuf);
  remember_picture (self, decode->key, texture);
  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

static void
on_picture_fetched (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Decode *decode = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GTask) thread = NULL;

  decode->file = nexus_file_cache_fetch_finish (NEXUS_FILE_CACHE (source), result, &error);
  if (decode->file == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  thread = g_task_new (NULL, g_task_get_cancellable (task), on_decoded, g_object_ref (task));
  g_task_set_task_data (thread, decode, NULL);
  g_task_run_in_thread (thread, decode_thread);
}

static char *
picture_key (NexusEvent *event,
             int         width,
             int         height)
{
  return g_strdup_printf ("%s %s %dx%d", nexus_event_get_id (event),
                          nexus_event_get_file_url (event) ? nexus_event_get_file_url (event) : "",
                          width, height);
}

GdkTexture *
nexus_file_cache_lookup_picture (NexusFileCache *self,
                                 NexusEvent     *event,
                                 int             width,
                                 int             height)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (NEXUS_IS_FILE_CACHE (self), NULL);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), NULL);

  key = picture_key (event, width, height);
  return g_hash_table_lookup (self->pictures, key);
}

void
nexus_file_cache_load_picture_async (NexusFileCache      *self,
                                     NexusEvent          *event,
                                     int                  width,
                                     int                  height,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GdkTexture *known;
  Decode *decode;

  g_return_if_fail (NEXUS_IS_FILE_CACHE (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_file_cache_load_picture_async);
  known = nexus_file_cache_lookup_picture (self, event, width, height);
  if (known != NULL)
    {
      g_task_return_pointer (task, g_object_ref (known), g_object_unref);
      return;
    }

  decode = g_new0 (Decode, 1);
  decode->key = picture_key (event, width, height);
  decode->width = width;
  decode->height = height;
  g_task_set_task_data (task, decode, (GDestroyNotify) decode_free);
  nexus_file_cache_fetch_async (self, event, cancellable, NULL, NULL, on_picture_fetched,
                                g_steal_pointer (&task));
}

GdkTexture *
nexus_file_cache_load_picture_finish (NexusFileCache  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (NEXUS_IS_FILE_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_file_decoded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;

  pixbuf = g_task_propagate_pointer (G_TASK (result), &error);
  if (pixbuf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture_for_pixbuf (pixbuf), g_object_unref);
}

void
nexus_file_cache_decode_file_async (GFile               *file,
                                    int                  width,
                                    int                  height,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  g_autoptr(GTask) thread = NULL;
  Decode *decode;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_file_cache_decode_file_async);
  decode = g_new0 (Decode, 1);
  decode->file = g_object_ref (file);
  decode->width = width;
  decode->height = height;
  g_task_set_task_data (task, decode, (GDestroyNotify) decode_free);

  thread = g_task_new (NULL, cancellable, on_file_decoded, task);
  g_task_set_task_data (thread, decode, NULL);
  g_task_run_in_thread (thread, decode_thread);
}

GdkTexture *
nexus_file_cache_decode_file_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == nexus_file_cache_decode_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
