/* nexus-file-cache-transfers.c: saving a room's file, and fetching one
 * to open, with the progress the window shows: one at a time per file
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-file-cache-private.h"

void
_nexus_file_transfer_free (NexusFileTransfer *transfer)
{
  g_free (transfer->id);
  g_clear_object (&transfer->cancellable);
  g_free (transfer);
}

/* NULL, with the task answered, when the file is being saved or opened
 * already. */
static NexusFileTransfer *
transfer_begin (NexusFileCache *self,
                NexusEvent     *event,
                GTask          *task)
{
  NexusFileTransfer *transfer;

  if (g_hash_table_contains (self->transfers, nexus_event_get_id (event)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "Already under way");
      g_object_unref (task);
      return NULL;
    }

  transfer = g_new0 (NexusFileTransfer, 1);
  transfer->cache = self;
  transfer->id = g_strdup (nexus_event_get_id (event));
  transfer->total = nexus_event_get_file_size (event);
  transfer->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->transfers, transfer->id, transfer);
  g_task_set_task_data (task, transfer, NULL);
  _nexus_file_cache_transfer_changed (self, transfer->id);
  return transfer;
}

static void
transfer_end (NexusFileTransfer *transfer)
{
  NexusFileCache *self = transfer->cache;
  g_autofree char *id = g_strdup (transfer->id);

  if (self == NULL)
    {
      _nexus_file_transfer_free (transfer);
      return;
    }
  if (g_hash_table_lookup (self->transfers, id) == transfer)
    g_hash_table_remove (self->transfers, id);
  else
    _nexus_file_transfer_free (transfer);
  _nexus_file_cache_transfer_changed (self, id);
}

static void
on_transfer_progress (goffset  received,
                      goffset  total,
                      gpointer user_data)
{
  NexusFileTransfer *transfer = user_data;

  transfer->received = received;
  transfer->total = total;
  if (transfer->cache != NULL)
    _nexus_file_cache_transfer_changed (transfer->cache, transfer->id);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* Over before the caller hears of it. */
  transfer_end (g_task_get_task_data (task));
  if (!nexus_client_download_finish (NEXUS_CLIENT (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
nexus_file_cache_save_async (NexusFileCache      *self,
                             NexusEvent          *event,
                             GFile               *destination,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  NexusFileTransfer *transfer;

  g_return_if_fail (NEXUS_IS_FILE_CACHE (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));
  g_return_if_fail (G_IS_FILE (destination));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, nexus_file_cache_save_async);
  if ((transfer = transfer_begin (self, event, task)) == NULL)
    return;
  nexus_client_download_async (self->client, event, destination, transfer->cancellable,
                               on_transfer_progress, transfer, NULL, on_saved, task);
}

gboolean
nexus_file_cache_save_finish (NexusFileCache  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GFile *file = nexus_file_cache_fetch_finish (NEXUS_FILE_CACHE (source), result, &error);

  transfer_end (g_task_get_task_data (task));
  if (file == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, file, g_object_unref);
}

void
nexus_file_cache_open_async (NexusFileCache      *self,
                             NexusEvent          *event,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  NexusFileTransfer *transfer;

  g_return_if_fail (NEXUS_IS_FILE_CACHE (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, nexus_file_cache_open_async);
  if ((transfer = transfer_begin (self, event, task)) == NULL)
    return;
  nexus_file_cache_fetch_async (self, event, transfer->cancellable, on_transfer_progress,
                                transfer, on_opened, task);
}

GFile *
nexus_file_cache_open_finish (NexusFileCache  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
nexus_file_cache_get_transfer (NexusFileCache *self,
                               NexusEvent     *event,
                               goffset        *received,
                               goffset        *total)
{
  NexusFileTransfer *transfer;

  g_return_val_if_fail (NEXUS_IS_FILE_CACHE (self), FALSE);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), FALSE);

  transfer = g_hash_table_lookup (self->transfers, nexus_event_get_id (event));
  if (transfer == NULL)
    return FALSE;
  *received = transfer->received;
  *total = transfer->total;
  return TRUE;
}

void
nexus_file_cache_cancel_transfer (NexusFileCache *self,
                                  NexusEvent     *event)
{
  NexusFileTransfer *transfer;

  g_return_if_fail (NEXUS_IS_FILE_CACHE (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  transfer = g_hash_table_lookup (self->transfers, nexus_event_get_id (event));
  if (transfer != NULL)
    g_cancellable_cancel (transfer->cancellable);
}

/* The cache goes: what is under way stops, and ends without it. */
void
_nexus_file_cache_transfers_stop (NexusFileCache *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->transfers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NexusFileTransfer *transfer = value;

      transfer->cache = NULL;
      g_cancellable_cancel (transfer->cancellable);
      g_hash_table_iter_steal (&iter);
    }
}
