/* nexus-file-view.c: the file of a message: a picture, or a card with
 * Save… and Open; the progress of an own file on its way, and of a save
 *
 * A picture shows as a thumbnail the moment its row does, at its final
 * size (the host said it), and fills in once downloaded and decoded; a
 * click opens it in a viewer. Anything else, and a picture this computer
 * cannot show, is a card: the type's icon, the name, the size and type,
 * and Save… (a file chooser, then the download with a progress bar) and
 * Open (downloaded to the cache, then the default app). An own file on
 * its way shows its bytes sent with Cancel.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-file-chooser.h"
#include "nexus-file-view-private.h"
#include "nexus-picture-viewer.h"
#include "nexus-thumbnail.h"
#include "nexus-ui-utils.h"

struct _NexusFileView
{
  GtkWidget parent_instance;

  /* Owned state */
  NexusEvent *event;
  NexusFileCache *cache;
  GCancellable *loading;        /* the thumbnail's picture */
  guint progress_id;            /* the next redraw of the progress, if one is due */
  gboolean picture_failed;      /* cannot be shown here: a card instead */

  /* Template widgets */
  GtkWidget *picture_button;
  NexusThumbnail *thumbnail;
  GtkWidget *card;
  GtkImage *icon;
  GtkLabel *name_label;
  GtkLabel *details_label;
  GtkWidget *actions;
  GtkWidget *save_button;
  GtkWidget *open_button;
  GtkWidget *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel *progress_label;
  GtkButton *cancel_button;
  GtkWidget *retry_button;
};

G_DEFINE_FINAL_TYPE (NexusFileView, nexus_file_view, GTK_TYPE_WIDGET)

#define PROGRESS_INTERVAL_MS 250

/* A sentence at the bottom of the window. A row scrolled out of the log
 * is no longer in it: then the app's window says it. */
static void
show_toast (NexusFileView *self,
            const char    *text)
{
  GtkWidget *target = GTK_WIDGET (self);

  if (gtk_widget_get_root (target) == NULL)
    target = GTK_WIDGET (gtk_application_get_active_window (
      GTK_APPLICATION (g_application_get_default ())));
  if (target != NULL)
    gtk_widget_activate_action (target, "win.show-toast", "s", text);
}

static GtkWindow *
parent_window (NexusFileView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* "1.2 MB of 8.4 MB" */
static char *
format_progress (goffset done,
                 goffset total)
{
  g_autofree char *done_text = g_format_size ((guint64) MAX (done, 0));
  g_autofree char *total_text = g_format_size ((guint64) MAX (total, 0));

  /* Translators: how much of a file has been sent or saved, like “1.2 MB of 8.4 MB” */
  return g_strdup_printf (_("%s of %s"), done_text, total_text);
}

static gboolean
is_own_on_its_way (NexusEvent *event)
{
  return nexus_event_get_is_own (event)
         && nexus_event_get_delivery (event) != NEXUS_DELIVERY_SENT;
}

/* The picture */

static void
on_picture_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(NexusFileView) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = nexus_file_cache_load_picture_finish (NEXUS_FILE_CACHE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->event == NULL)
    return;
  g_clear_object (&self->loading);
  if (texture == NULL)
    {
      g_debug ("file view: no picture for %s: %s", nexus_event_get_id (self->event),
               error->message);
      self->picture_failed = TRUE;
      nexus_file_view_update (self);
      return;
    }
  nexus_thumbnail_set_texture (self->thumbnail, texture);
}

static void
load_picture (NexusFileView *self)
{
  int width, height;
  GdkTexture *known;

  nexus_thumbnail_set_size (self->thumbnail, (int) nexus_event_get_file_width (self->event),
                            (int) nexus_event_get_file_height (self->event));
  if (nexus_thumbnail_get_texture (self->thumbnail) != NULL || self->loading != NULL)
    return;

  nexus_thumbnail_get_decode_size (self->thumbnail, &width, &height);
  known = nexus_file_cache_lookup_picture (self->cache, self->event, width, height);
  if (known != NULL)
    {
      nexus_thumbnail_set_texture (self->thumbnail, known);
      return;
    }
  self->loading = g_cancellable_new ();
  nexus_file_cache_load_picture_async (self->cache, self->event, width, height, self->loading,
                                       on_picture_loaded, g_object_ref (self));
}

static void
on_picture_clicked (NexusFileView *self)
{
  GtkWindow *viewer;

  if (self->event == NULL || self->cache == NULL)
    return;
  viewer = nexus_picture_viewer_new (self->cache, self->event, parent_window (self));
  gtk_window_present (viewer);
}

/* What shows */

static void
update_progress (NexusFileView *self)
{
  NexusEvent *event = self->event;
  gboolean uploading = is_own_on_its_way (event)
                       && nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENDING;
  gboolean failed = is_own_on_its_way (event)
                    && nexus_event_get_delivery (event) == NEXUS_DELIVERY_FAILED;
  goffset done = 0, total = 0;
  gboolean transferring = !uploading && !failed && self->cache != NULL
                          && nexus_file_cache_get_transfer (self->cache, event, &done, &total);
  g_autofree char *text = NULL;

  if (uploading)
    {
      done = nexus_event_get_bytes_sent (event);
      total = nexus_event_get_file_size (event);
    }

  gtk_widget_set_visible (self->progress_box, uploading || failed || transferring);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), uploading || transferring);
  gtk_widget_set_visible (self->retry_button, failed);
  gtk_widget_set_visible (self->actions, !uploading && !failed && !transferring
                                         && nexus_event_get_file_url (event) != NULL);
  nexus_widget_set_css_class (GTK_WIDGET (self->progress_label), "error", failed);
  nexus_widget_set_css_class (GTK_WIDGET (self->progress_label), "dim-label", !failed);
  if (!uploading && !failed && !transferring)
    return;

  /* Translators: stops sending a file, or saving one; or, once it failed, takes it away */
  gtk_button_set_label (self->cancel_button, failed ? _("_Remove") : _("_Cancel"));
  if (failed)
    {
      const char *failure = nexus_event_get_failure (event);

      gtk_label_set_label (self->progress_label, failure ? failure : _("Not sent"));
      /* Disabled with the action when the room is over. */
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button),
                                              g_variant_new_string (nexus_event_get_id (event)));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "room.retry");
      return;
    }
  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 0.0);
  text = format_progress (done, total);
  gtk_label_set_label (self->progress_label, text);
}

static gboolean
progress_cb (gpointer user_data)
{
  NexusFileView *self = user_data;

  self->progress_id = 0;
  if (self->event != NULL)
    update_progress (self);
  return G_SOURCE_REMOVE;
}

/* Bytes move in thousands of chunks a second: the bar follows them a few
 * times a second, so the window draws the log, not the bar, and the
 * transfer is not held up by the drawing. */
static void
queue_progress (NexusFileView *self)
{
  if (self->progress_id == 0)
    self->progress_id = g_timeout_add (PROGRESS_INTERVAL_MS, progress_cb, self);
}

void
nexus_file_view_update (NexusFileView *self)
{
  NexusEvent *event = self->event;
  gboolean picture;
  g_autofree char *content_type = NULL;
  g_autofree char *description = NULL;
  g_autofree char *size = NULL;
  g_autofree char *details = NULL;
  g_autofree char *accessible = NULL;
  g_autoptr(GIcon) icon = NULL;

  if (event == NULL || !nexus_event_has_file (event))
    {
      gtk_widget_set_visible (self->picture_button, FALSE);
      gtk_widget_set_visible (self->card, FALSE);
      gtk_widget_set_visible (self->progress_box, FALSE);
      return;
    }

  picture = self->cache != NULL && !self->picture_failed && !is_own_on_its_way (event)
            && nexus_event_is_picture (event);
  gtk_widget_set_visible (self->picture_button, picture);
  gtk_widget_set_visible (self->card, !picture);

  content_type = g_content_type_guess (nexus_event_get_file_name (event), NULL, 0, NULL);
  description = g_content_type_get_description (content_type);
  size = g_format_size ((guint64) nexus_event_get_file_size (event));
  icon = g_content_type_get_symbolic_icon (content_type);
  gtk_image_set_from_gicon (self->icon, icon);
  gtk_label_set_label (self->name_label, nexus_event_get_file_name (event));
  /* Translators: a file's size, then its type, like “2.4 MB · PDF document” */
  details = g_strdup_printf (_("%s · %s"), size, description);
  gtk_label_set_label (self->details_label, details);

  if (picture)
    {
      /* Translators: what a screen reader says of a picture in the log; %s is its name */
      accessible = g_strdup_printf (_("Picture %s"), nexus_event_get_file_name (event));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      load_picture (self);
    }
  update_progress (self);
}

/* Saving and opening */

typedef struct {
  NexusFileView *view;
  char *name;
} Saving;

static void
saving_free (Saving *saving)
{
  g_object_unref (saving->view);
  g_free (saving->name);
  g_free (saving);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Saving, saving_free)

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Saving) saving = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;

  if (!nexus_file_cache_save_finish (NEXUS_FILE_CACHE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
        show_toast (saving->view, error->message);
      return;
    }
  /* Translators: a file was saved where the person chose; %s is its name */
  sentence = g_strdup_printf (_("“%s” is saved."), saving->name);
  show_toast (saving->view, sentence);
}

/* Saves the file as @destination, with the progress bar: what Save…
 * does once a place is chosen. */
void
nexus_file_view_save_to (NexusFileView *self,
                         GFile         *destination)
{
  Saving *saving;

  g_return_if_fail (NEXUS_IS_FILE_VIEW (self));
  g_return_if_fail (G_IS_FILE (destination));

  if (self->event == NULL || self->cache == NULL)
    return;
  saving = g_new0 (Saving, 1);
  saving->view = g_object_ref (self);
  saving->name = g_strdup (nexus_event_get_file_name (self->event));
  nexus_file_cache_save_async (self->cache, self->event, destination, on_saved, saving);
}

static void
on_save_chosen (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(NexusFileView) self = user_data;
  g_autoptr(GFile) destination = NULL;
  g_autoptr(GError) error = NULL;

  destination = nexus_file_chooser_save_finish (result, &error);
  if (destination != NULL)
    nexus_file_view_save_to (self, destination);
  else if (error != NULL)
    show_toast (self, error->message);
}

static void
on_save_clicked (NexusFileView *self)
{
  if (self->event == NULL)
    return;
  nexus_file_chooser_save_async (parent_window (self), nexus_event_get_file_name (self->event),
                                 NULL, on_save_chosen, g_object_ref (self));
}

static void
on_launched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(NexusFileView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nexus_file_launch_finish (result, &error))
    {
      g_autofree char *sentence =
        g_strdup_printf (_("No app could open this file: %s"), error->message);

      show_toast (self, sentence);
    }
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(NexusFileView) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = nexus_file_cache_open_finish (NEXUS_FILE_CACHE (source), result, &error);
  if (file == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
        show_toast (self, error->message);
      return;
    }
  nexus_file_launch_async (parent_window (self), file, NULL, on_launched, g_object_ref (self));
}

static void
on_open_clicked (NexusFileView *self)
{
  if (self->event == NULL || self->cache == NULL)
    return;
  nexus_file_cache_open_async (self->cache, self->event, on_opened, g_object_ref (self));
}

static void
on_cancel_clicked (NexusFileView *self)
{
  if (self->event == NULL || self->cache == NULL)
    return;
  if (is_own_on_its_way (self->event))
    nexus_client_cancel_upload (nexus_file_cache_get_client (self->cache), self->event);
  else
    nexus_file_cache_cancel_transfer (self->cache, self->event);
}

static void
on_transfer_changed (NexusFileView *self,
                     const char    *id)
{
  goffset done, total;

  if (self->event == NULL || g_strcmp0 (nexus_event_get_id (self->event), id) != 0)
    return;
  /* Its start and its end at once; how far it is, now and then. */
  if (self->cache != NULL && nexus_file_cache_get_transfer (self->cache, self->event, &done, &total)
      && done > 0 && done < total && gtk_widget_get_visible (self->progress_box))
    queue_progress (self);
  else
    update_progress (self);
}

/* GObject */

static void
nexus_file_view_dispose (GObject *object)
{
  NexusFileView *self = NEXUS_FILE_VIEW (object);

  nexus_file_view_set_event (self, NULL);
  nexus_file_view_set_cache (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), NEXUS_TYPE_FILE_VIEW);

  G_OBJECT_CLASS (nexus_file_view_parent_class)->dispose (object);
}

static void
nexus_file_view_class_init (NexusFileViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_file_view_dispose;

  g_type_ensure (NEXUS_TYPE_THUMBNAIL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nexuschat/NexusChat/nexus-file-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, picture_button);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, card);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, icon);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, name_label);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, details_label);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, actions);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, save_button);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, open_button);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, progress_box);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, NexusFileView, retry_button);
  gtk_widget_class_bind_template_callback (widget_class, on_picture_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_set_css_name (widget_class, "nexusfileview");
}

static void
nexus_file_view_init (NexusFileView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
nexus_file_view_new (void)
{
  return g_object_new (NEXUS_TYPE_FILE_VIEW, NULL);
}

void
nexus_file_view_set_cache (NexusFileView  *self,
                           NexusFileCache *cache)
{
  g_return_if_fail (NEXUS_IS_FILE_VIEW (self));
  g_return_if_fail (cache == NULL || NEXUS_IS_FILE_CACHE (cache));

  if (self->cache == cache)
    return;
  if (self->cache != NULL)
    g_signal_handlers_disconnect_by_data (self->cache, self);
  g_set_object (&self->cache, cache);
  if (cache != NULL)
    g_signal_connect_object (cache, "transfer-changed", G_CALLBACK (on_transfer_changed), self,
                             G_CONNECT_SWAPPED);
}

void
nexus_file_view_set_event (NexusFileView *self,
                           NexusEvent    *event)
{
  g_return_if_fail (NEXUS_IS_FILE_VIEW (self));
  g_return_if_fail (event == NULL || NEXUS_IS_EVENT (event));

  if (self->event == event)
    return;

  if (self->event != NULL)
    g_signal_handlers_disconnect_by_data (self->event, self);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  self->picture_failed = FALSE;
  nexus_thumbnail_set_texture (self->thumbnail, NULL);
  g_set_object (&self->event, event);

  if (event != NULL)
    {
      g_signal_connect_object (event, "notify::bytes-sent", G_CALLBACK (queue_progress), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::delivery", G_CALLBACK (nexus_file_view_update),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::file-url", G_CALLBACK (nexus_file_view_update),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::file-size", G_CALLBACK (nexus_file_view_update),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::file-name", G_CALLBACK (nexus_file_view_update),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::failure", G_CALLBACK (update_progress), self,
                               G_CONNECT_SWAPPED);
    }
  nexus_file_view_update (self);
}

/* For the window test */

gboolean
nexus_file_view_shows_picture (NexusFileView *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_VIEW (self), FALSE);

  return gtk_widget_get_visible (self->picture_button);
}

GdkTexture *
nexus_file_view_get_texture (NexusFileView *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_VIEW (self), NULL);

  return nexus_thumbnail_get_texture (self->thumbnail);
}

GtkWidget *
nexus_file_view_get_picture_button (NexusFileView *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_VIEW (self), NULL);

  return self->picture_button;
}

/* The progress bar's sentence, or NULL when no progress shows. */
const char *
nexus_file_view_get_progress (NexusFileView *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_VIEW (self), NULL);

  if (!gtk_widget_get_visible (self->progress_box)
      || !gtk_widget_get_visible (GTK_WIDGET (self->progress_bar)))
    return NULL;
  return gtk_label_get_label (self->progress_label);
}

GtkButton *
nexus_file_view_get_cancel_button (NexusFileView *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_VIEW (self), NULL);

  return gtk_widget_get_visible (self->progress_box) ? self->cancel_button : NULL;
}

/* Save… and Open, when the card offers them. */
gboolean
nexus_file_view_offers_save (NexusFileView *self)
{
  g_return_val_if_fail (NEXUS_IS_FILE_VIEW (self), FALSE);

  return gtk_widget_get_visible (self->card) && gtk_widget_get_visible (self->actions);
}
