/* nexus-picture-viewer.c: a picture of the room, full size, in a window
 * of its own, with Save… and Open (the default app)
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-file-chooser.h"
#include "nexus-picture-viewer.h"

/* The window's first size at most: the picture is scaled down to fit. */
#define MAX_WINDOW_WIDTH  1000
#define MAX_WINDOW_HEIGHT 720
#define MIN_WINDOW_SIDE   360
#define HEADER_HEIGHT     48

struct _NexusPictureViewer
{
  AdwWindow parent_instance;

  NexusFileCache *cache;
  NexusEvent *event;
  GCancellable *cancellable;

  AdwToastOverlay *toasts;
  GtkPicture *picture;
  GtkSpinner *spinner;
  GtkLabel *failure;
};

G_DEFINE_FINAL_TYPE (NexusPictureViewer, nexus_picture_viewer, ADW_TYPE_WINDOW)

static void
show_toast (NexusPictureViewer *self,
            const char         *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(NexusPictureViewer) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = nexus_file_cache_load_picture_finish (NEXUS_FILE_CACHE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (texture == NULL)
    {
      gtk_label_set_label (self->failure, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->failure), TRUE);
      return;
    }
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(NexusPictureViewer) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;

  if (!nexus_file_cache_save_finish (NEXUS_FILE_CACHE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }
  sentence = g_strdup_printf (_("“%s” is saved."), nexus_event_get_file_name (self->event));
  show_toast (self, sentence);
}

static void
on_save_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(NexusPictureViewer) self = user_data;
  g_autoptr(GFile) destination = NULL;
  g_autoptr(GError) error = NULL;

  destination = nexus_file_chooser_save_finish (result, &error);
  if (destination != NULL)
    nexus_file_cache_save_async (self->cache, self->event, destination, on_saved,
                                 g_object_ref (self));
  else if (error != NULL)
    show_toast (self, error->message);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NexusPictureViewer *self = NEXUS_PICTURE_VIEWER (widget);

  nexus_file_chooser_save_async (GTK_WINDOW (self), nexus_event_get_file_name (self->event),
                                 NULL, on_save_chosen, g_object_ref (self));
}

static void
on_launched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(NexusPictureViewer) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nexus_file_launch_finish (result, &error))
    {
      g_autofree char *sentence =
        g_strdup_printf (_("No app could open this file: %s"), error->message);

      show_toast (self, sentence);
    }
}

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NexusPictureViewer) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = nexus_file_cache_fetch_finish (NEXUS_FILE_CACHE (source), result, &error);
  if (file == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, error->message);
      return;
    }
  nexus_file_launch_async (GTK_WINDOW (self), file, NULL, on_launched, g_object_ref (self));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NexusPictureViewer *self = NEXUS_PICTURE_VIEWER (widget);

  nexus_file_cache_fetch_async (self->cache, self->event, self->cancellable, NULL, NULL,
                                on_fetched, g_object_ref (self));
}

static GtkWidget *
build_content (NexusPictureViewer *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save…"));
  GtkWidget *open = gtk_button_new_with_mnemonic (_("_Open"));
  g_autofree char *size = g_format_size ((guint64) nexus_event_get_file_size (self->event));
  g_autofree char *subtitle =
    /* Translators: under a picture's name: its width and height in pixels, then its size */
    g_strdup_printf (_("%d × %d · %s"), (int) nexus_event_get_file_width (self->event),
                     (int) nexus_event_get_file_height (self->event), size);

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (nexus_event_get_file_name (self->event),
                                                         subtitle));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "viewer.save");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "viewer.open");
  gtk_widget_set_tooltip_text (open, _("Open With the Default App"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), save);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), open);
  gtk_box_append (GTK_BOX (box), header);

  self->picture = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->picture, TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->picture), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  nexus_event_get_file_name (self->event), -1);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->picture));
  gtk_widget_add_css_class (overlay, "nexus-viewer");

  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->spinner), 32, 32);
  gtk_widget_set_halign (GTK_WIDGET (self->spinner), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self->spinner), GTK_ALIGN_CENTER);
  gtk_spinner_start (self->spinner);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->spinner));

  self->failure = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->failure, TRUE);
  gtk_label_set_justify (self->failure, GTK_JUSTIFY_CENTER);
  gtk_widget_set_margin_start (GTK_WIDGET (self->failure), 24);
  gtk_widget_set_margin_end (GTK_WIDGET (self->failure), 24);
  gtk_widget_set_visible (GTK_WIDGET (self->failure), FALSE);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->failure));

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, overlay);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->toasts));
  return box;
}

static void
nexus_picture_viewer_dispose (GObject *object)
{
  NexusPictureViewer *self = NEXUS_PICTURE_VIEWER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->cache);
  g_clear_object (&self->event);

  G_OBJECT_CLASS (nexus_picture_viewer_parent_class)->dispose (object);
}

static void
nexus_picture_viewer_class_init (NexusPictureViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_picture_viewer_dispose;

  gtk_widget_class_install_action (widget_class, "viewer.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "viewer.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "viewer.save",
                                       NULL);
}

static void
nexus_picture_viewer_init (NexusPictureViewer *self)
{
  self->cancellable = g_cancellable_new ();
}

/* A window showing @event's picture, loading it now. */
GtkWindow *
nexus_picture_viewer_new (NexusFileCache *cache,
                          NexusEvent     *event,
                          GtkWindow      *parent)
{
  NexusPictureViewer *self;
  double width, height, scale;

  g_return_val_if_fail (NEXUS_IS_FILE_CACHE (cache), NULL);
  g_return_val_if_fail (NEXUS_IS_EVENT (event), NULL);

  self = g_object_new (NEXUS_TYPE_PICTURE_VIEWER, NULL);
  self->cache = g_object_ref (cache);
  self->event = g_object_ref (event);
  gtk_window_set_title (GTK_WINDOW (self), nexus_event_get_file_name (event));
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
    }
  adw_window_set_content (ADW_WINDOW (self), build_content (self));

  /* As large as the picture, within reason. */
  width = MAX (nexus_event_get_file_width (event), 1);
  height = MAX (nexus_event_get_file_height (event), 1);
  scale = MIN (1.0, MIN (MAX_WINDOW_WIDTH / width, (MAX_WINDOW_HEIGHT - HEADER_HEIGHT) / height));
  gtk_window_set_default_size (GTK_WINDOW (self), MAX ((int) (width * scale), MIN_WINDOW_SIDE),
                               MAX ((int) (height * scale) + HEADER_HEIGHT, MIN_WINDOW_SIDE));

  nexus_file_cache_load_picture_async (cache, event, 0, 0, self->cancellable, on_loaded,
                                       g_object_ref (self));
  return GTK_WINDOW (self);
}

/* For the window test: the picture once it shows. */
GdkPaintable *
nexus_picture_viewer_get_paintable (NexusPictureViewer *self)
{
  g_return_val_if_fail (NEXUS_IS_PICTURE_VIEWER (self), NULL);

  return gtk_picture_get_paintable (self->picture);
}
