/* nexus-attach.c: files into the room: chosen with the attach button,
 * dropped on the log, or pasted, and a picture previewed before it goes
 *
 * Files are looked at one at a time, in the order they came: a PNG,
 * JPEG, GIF or WebP (the pictures the room shows as pictures) opens a
 * preview with Send and Cancel; anything else is shared at once. A pasted
 * picture is written as a PNG in the page's cache directory only once
 * Send is chosen.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-attach.h"
#include "nexus-file-chooser.h"
#include "nexus-picture-preview.h"

#define PREVIEW_WIDTH  880
#define PREVIEW_HEIGHT 600

struct _NexusAttach
{
  GObject parent_instance;

  GtkWidget *owner;            /* weak: the room page */
  NexusClient *client;
  NexusFileCache *cache;
  GQueue pending;              /* Pending, not yet looked at */
  gboolean busy;               /* one is being looked at, or previewed */
  GtkWindow *preview;          /* the open preview, if any */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (NexusAttach, nexus_attach, G_TYPE_OBJECT)

/* A file to share, or a pasted picture with the name it will have. */
typedef struct {
  NexusAttach *attach;         /* held while the file is looked at */
  GFile *file;
  GdkTexture *texture;
  char *name;
  char *mime;
  gint64 size;
} Pending;

static void process_next (NexusAttach *self);

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->attach);
  g_clear_object (&pending->file);
  g_clear_object (&pending->texture);
  g_free (pending->name);
  g_free (pending->mime);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static void
show_toast (NexusAttach *self,
            const char  *text)
{
  if (self->owner != NULL)
    gtk_widget_activate_action (self->owner, "win.show-toast", "s", text);
}

static GtkWindow *
parent_window (NexusAttach *self)
{
  GtkRoot *root = self->owner != NULL ? gtk_widget_get_root (self->owner) : NULL;

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* The four types the room shows as pictures. */
static gboolean
is_picture_type (const char *mime)
{
  return g_strcmp0 (mime, "image/png") == 0 || g_strcmp0 (mime, "image/jpeg") == 0
         || g_strcmp0 (mime, "image/gif") == 0 || g_strcmp0 (mime, "image/webp") == 0;
}

static void
share (NexusAttach *self,
       GFile       *file,
       const char  *mime)
{
  NexusEvent *event;

  if (self->client == NULL)
    return;
  event = nexus_client_share_file (self->client, file, mime);
  if (event == NULL)
    {
      show_toast (self, _("Files cannot be sent in this room."));
      return;
    }
  if (self->cache != NULL)
    nexus_file_cache_remember_local (self->cache, event, file);
  if (self->owner != NULL)
    gtk_widget_activate_action (self->owner, "room.scroll-to-bottom", NULL);
}

static void
done_with_one (NexusAttach *self)
{
  self->busy = FALSE;
  process_next (self);
}

/* A pasted picture, written once Send was chosen */

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GFile *file = g_object_get_data (G_OBJECT (task), "file");
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *directory = g_file_get_path (parent);
  g_autofree char *path = g_file_get_path (file);
  GError *error = NULL;

  if (g_mkdir_with_parents (directory, 0700) != 0
      || !g_file_set_contents_full (path, g_bytes_get_data (task_data, NULL),
                                    (gssize) g_bytes_get_size (task_data),
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, g_strerror (errno));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NexusAttach) self = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file = g_object_get_data (G_OBJECT (result), "file");

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *sentence = g_strdup_printf (_("The pasted picture could not be kept: %s"),
                                                   error->message);

      show_toast (self, sentence);
      return;
    }
  share (self, file, "image/png");
}

static void
send_pasted (NexusAttach *self,
             Pending     *pending)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) png = gdk_texture_save_to_png_bytes (pending->texture);
  g_autofree char *path = NULL;

  if (self->cache == NULL)
    return;
  path = g_build_filename (nexus_file_cache_get_directory (self->cache), "pasted",
                           pending->name, NULL);
  task = g_task_new (NULL, NULL, on_written, g_object_ref (self));
  g_object_set_data_full (G_OBJECT (task), "file", g_file_new_for_path (path), g_object_unref);
  g_task_set_task_data (task, g_bytes_ref (png), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, write_thread);
}

/* The preview */

static void
on_preview_response (NexusAttach         *self,
                     gboolean             send,
                     NexusPicturePreview *preview)
{
  g_autoptr(Pending) pending = g_object_steal_data (G_OBJECT (preview), "nexus-pending");

  g_clear_weak_pointer (&self->preview);
  if (send && pending->file != NULL)
    share (self, pending->file, pending->mime);
  else if (send)
    send_pasted (self, pending);
  done_with_one (self);
}

static void
show_preview (NexusAttach *self,
              Pending     *pending)
{
  GtkWindow *preview = nexus_picture_preview_new (parent_window (self), pending->texture,
                                                  pending->name, pending->size);

  g_clear_object (&pending->attach);
  g_object_set_data_full (G_OBJECT (preview), "nexus-pending", pending,
                          (GDestroyNotify) pending_free);
  g_signal_connect_object (preview, "response", G_CALLBACK (on_preview_response), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->preview, preview);
  gtk_window_present (preview);
}

static void
on_preview_decoded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  NexusAttach *self = pending->attach;
  g_autoptr(GError) error = NULL;

  pending->texture = nexus_file_cache_decode_file_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (pending->texture == NULL)
    {
      /* Not a picture this computer can show: sent as a file all the same. */
      share (self, pending->file, pending->mime);
      done_with_one (self);
      return;
    }
  show_preview (self, g_steal_pointer (&pending));
}

/* Looking at the files one at a time */

static void
on_file_info (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  NexusAttach *self = pending->attach;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  const char *type;
  GFile *file;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info == NULL)
    {
      show_toast (self, error->message);
      done_with_one (self);
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *sentence =
        g_strdup_printf (_("“%s” cannot be sent: only files can, not folders."),
                         g_file_info_get_display_name (info));

      show_toast (self, sentence);
      done_with_one (self);
      return;
    }

  pending->name = g_strdup (g_file_info_get_display_name (info));
  pending->size = g_file_info_get_size (info);
  type = g_file_info_get_content_type (info);
  if (type != NULL)
    pending->mime = g_content_type_get_mime_type (type);
  if (!is_picture_type (pending->mime))
    {
      share (self, pending->file, pending->mime);
      done_with_one (self);
      return;
    }
  file = pending->file;
  nexus_file_cache_decode_file_async (file, PREVIEW_WIDTH, PREVIEW_HEIGHT, self->cancellable,
                                      on_preview_decoded, g_steal_pointer (&pending));
}

static void
process_next (NexusAttach *self)
{
  Pending *pending;

  if (self->busy || (pending = g_queue_pop_head (&self->pending)) == NULL)
    return;
  self->busy = TRUE;

  if (pending->texture != NULL)
    {
      show_preview (self, pending);
      return;
    }
  pending->attach = g_object_ref (self);
  g_file_query_info_async (pending->file,
                           G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                           G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                           G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                           G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                           on_file_info, pending);
}

/* Adds @file to those to share: a picture is previewed first. */
void
nexus_attach_add_file (NexusAttach *self,
                       GFile       *file)
{
  Pending *pending;

  g_return_if_fail (NEXUS_IS_ATTACH (self));
  g_return_if_fail (G_IS_FILE (file));

  pending = g_new0 (Pending, 1);
  pending->file = g_object_ref (file);
  g_queue_push_tail (&self->pending, pending);
  process_next (self);
}

/* The attach button */

static void
on_chosen (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(NexusAttach) self = user_data;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GError) error = NULL;

  files = nexus_file_chooser_open_finish (result, &error);
  if (error != NULL)
    show_toast (self, error->message);
  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);

      nexus_attach_add_file (self, file);
    }
}

void
nexus_attach_choose (NexusAttach *self)
{
  g_return_if_fail (NEXUS_IS_ATTACH (self));

  nexus_file_chooser_open_async (parent_window (self), NULL, on_chosen, g_object_ref (self));
}

/* Dropping files on the log */

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         NexusAttach   *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || self->client == NULL)
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    nexus_attach_add_file (self, l->data);
  g_slist_free (files);
  return files != NULL;
}

static void
on_current_drop (GtkRevealer   *hint,
                 GParamSpec    *pspec,
                 GtkDropTarget *target)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (hint), "nexus-attach-button");

  gtk_revealer_set_reveal_child (hint, gtk_drop_target_get_current_drop (target) != NULL
                                       && gtk_widget_is_sensitive (button));
}

/* Pasting */

static void
on_pasted_files (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(NexusAttach) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);
  GSList *files;

  if (value == NULL)
    return;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    nexus_attach_add_file (self, l->data);
  g_slist_free (files);
}

/* Adds a picture that is not a file yet: "Pasted picture …png" once sent. */
void
nexus_attach_add_texture (NexusAttach *self,
                          GdkTexture  *texture)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  /* Translators: strftime format (see `man strftime`) of the time in the name of a
   * pasted picture; no slashes or colons, as it is part of a file name */
  g_autofree char *time = g_date_time_format (now, _("%Y-%m-%d %H.%M.%S"));
  Pending *pending;

  g_return_if_fail (NEXUS_IS_ATTACH (self));
  g_return_if_fail (GDK_IS_TEXTURE (texture));

  pending = g_new0 (Pending, 1);
  pending->texture = g_object_ref (texture);
  /* Translators: the name a pasted picture is sent under; %s is the time */
  pending->name = g_strdup_printf (_("Pasted picture %s.png"), time);
  pending->mime = g_strdup ("image/png");
  g_queue_push_tail (&self->pending, pending);
  process_next (self);
}

static void
on_pasted_texture (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(NexusAttach) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source), result, &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, _("The pasted picture could not be read."));
      return;
    }
  nexus_attach_add_texture (self, texture);
}

/* What Ctrl+V in the composer does when @clipboard holds files, or a
 * picture without text: TRUE when it took the paste. */
gboolean
nexus_attach_paste (NexusAttach  *self,
                    GdkClipboard *clipboard)
{
  GdkContentFormats *formats;

  g_return_val_if_fail (NEXUS_IS_ATTACH (self), FALSE);
  g_return_val_if_fail (GDK_IS_CLIPBOARD (clipboard), FALSE);

  if (self->client == NULL)
    return FALSE;
  formats = gdk_clipboard_get_formats (clipboard);
  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    {
      gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                      self->cancellable, on_pasted_files, g_object_ref (self));
      return TRUE;
    }
  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE)
      && !gdk_content_formats_contain_gtype (formats, G_TYPE_STRING))
    {
      gdk_clipboard_read_texture_async (clipboard, self->cancellable, on_pasted_texture,
                                        g_object_ref (self));
      return TRUE;
    }
  return FALSE;
}

/* Ctrl+V of files or of a picture shares them; text is the composer's. */
static void
on_composer_paste (NexusAttach *self,
                   GtkTextView *composer)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (composer), "nexus-attach-button");

  if (gtk_widget_is_sensitive (button)
      && nexus_attach_paste (self, gtk_widget_get_clipboard (GTK_WIDGET (composer))))
    g_signal_stop_emission_by_name (composer, "paste-clipboard");
}

/* Files dropped on @log and pasted into @composer are shared while
 * @button, the attach button, is sensitive. While files are dragged over
 * @log, @hint shows (and GTK gives @log the :drop(active) state). */
void
nexus_attach_watch (NexusAttach *self,
                    GtkWidget   *log,
                    GtkRevealer *hint,
                    GtkTextView *composer,
                    GtkWidget   *button)
{
  GtkDropTarget *target;

  g_return_if_fail (NEXUS_IS_ATTACH (self));

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), self, 0);
  g_object_set_data (G_OBJECT (hint), "nexus-attach-button", button);
  g_signal_connect_object (target, "notify::current-drop", G_CALLBACK (on_current_drop), hint,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (log, GTK_EVENT_CONTROLLER (target));

  g_object_set_data (G_OBJECT (composer), "nexus-attach-button", button);
  g_signal_connect_object (composer, "paste-clipboard", G_CALLBACK (on_composer_paste), self,
                           G_CONNECT_SWAPPED);
}

/* GObject */

static void
nexus_attach_dispose (GObject *object)
{
  NexusAttach *self = NEXUS_ATTACH (object);

  nexus_attach_set_client (self, NULL, NULL);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->owner);

  G_OBJECT_CLASS (nexus_attach_parent_class)->dispose (object);
}

static void
nexus_attach_class_init (NexusAttachClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_attach_dispose;
}

static void
nexus_attach_init (NexusAttach *self)
{
  g_queue_init (&self->pending);
  self->cancellable = g_cancellable_new ();
}

/* Attaches for @owner, the room page: its window is the dialogs' parent,
 * and its actions say what happened. */
NexusAttach *
nexus_attach_new (GtkWidget *owner)
{
  NexusAttach *self;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);

  self = g_object_new (NEXUS_TYPE_ATTACH, NULL);
  g_set_weak_pointer (&self->owner, owner);
  return self;
}

/* Files go to @client's room from now on; NULL drops what waits. */
void
nexus_attach_set_client (NexusAttach    *self,
                         NexusClient    *client,
                         NexusFileCache *cache)
{
  g_return_if_fail (NEXUS_IS_ATTACH (self));

  /* What was on its way for the room before stops. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (client != NULL)
    self->cancellable = g_cancellable_new ();
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);
  if (self->preview != NULL)
    gtk_window_destroy (self->preview);
  g_clear_weak_pointer (&self->preview);
  self->busy = FALSE;

  g_set_object (&self->client, client);
  g_set_object (&self->cache, cache);
}

/* The preview open now, if any. */
GtkWindow *
nexus_attach_get_preview (NexusAttach *self)
{
  g_return_val_if_fail (NEXUS_IS_ATTACH (self), NULL);

  return self->preview;
}
