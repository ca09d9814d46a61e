/* nexus-picture-preview.c: a picture about to be sent, with Send and
 * Cancel
 *
 * Attached, dropped or pasted, a picture is shown before it goes to the
 * room, so a wrong screenshot is never sent by accident.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-picture-preview.h"

#define PICTURE_WIDTH  440
#define PICTURE_HEIGHT 300

struct _NexusPicturePreview
{
  AdwWindow parent_instance;

  char *name;
  gboolean answered;
};

G_DEFINE_FINAL_TYPE (NexusPicturePreview, nexus_picture_preview, ADW_TYPE_WINDOW)

enum {
  SIGNAL_RESPONSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
nexus_picture_preview_respond (NexusPicturePreview *self,
                               gboolean             send)
{
  g_return_if_fail (NEXUS_IS_PICTURE_PREVIEW (self));

  if (self->answered)
    return;
  self->answered = TRUE;
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_RESPONSE], 0, send);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  nexus_picture_preview_respond (NEXUS_PICTURE_PREVIEW (widget), TRUE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  nexus_picture_preview_respond (NEXUS_PICTURE_PREVIEW (widget), FALSE);
}

static gboolean
nexus_picture_preview_close_request (GtkWindow *window)
{
  NexusPicturePreview *self = NEXUS_PICTURE_PREVIEW (window);

  if (!self->answered)
    {
      self->answered = TRUE;
      g_signal_emit (self, signals[SIGNAL_RESPONSE], 0, FALSE);
    }
  return GDK_EVENT_PROPAGATE;
}

static void
nexus_picture_preview_finalize (GObject *object)
{
  NexusPicturePreview *self = NEXUS_PICTURE_PREVIEW (object);

  g_free (self->name);

  G_OBJECT_CLASS (nexus_picture_preview_parent_class)->finalize (object);
}

static void
nexus_picture_preview_class_init (NexusPicturePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->finalize = nexus_picture_preview_finalize;
  window_class->close_request = nexus_picture_preview_close_request;

  /* TRUE to send the picture, FALSE not to. */
  signals[SIGNAL_RESPONSE] =
    g_signal_new ("response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_install_action (widget_class, "preview.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "preview.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "preview.cancel", NULL);
}

static void
nexus_picture_preview_init (NexusPicturePreview *self)
{
}

static GtkWidget *
build_content (NexusPicturePreview *self,
               GdkTexture          *texture,
               gint64               size)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *send = gtk_button_new_with_mnemonic (_("_Send"));
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  g_autofree char *size_text = g_format_size ((guint64) size);
  g_autofree char *caption = g_strdup_printf (_("%s · %s"), self->name, size_text);
  GtkWidget *label = gtk_label_new (caption);

  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  /* Translators: the title of the window that shows a picture before it is sent */
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Send Picture?"), NULL));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "preview.cancel");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (send), "preview.send");
  gtk_widget_add_css_class (send, "suggested-action");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), send);
  gtk_box_append (GTK_BOX (box), header);

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, PICTURE_WIDTH / 2, PICTURE_HEIGHT);
  gtk_widget_set_vexpand (picture, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->name, -1);
  gtk_widget_add_css_class (picture, "nexus-preview-picture");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_margin_top (body, 18);
  gtk_widget_set_margin_bottom (body, 18);
  gtk_widget_set_margin_start (body, 18);
  gtk_widget_set_margin_end (body, 18);
  gtk_box_append (GTK_BOX (body), picture);
  gtk_box_append (GTK_BOX (body), label);
  gtk_box_append (GTK_BOX (box), body);

  gtk_window_set_default_widget (GTK_WINDOW (self), send);
  return box;
}

/* A modal window over @parent showing @texture, the picture @name of
 * @size bytes. */
GtkWindow *
nexus_picture_preview_new (GtkWindow  *parent,
                           GdkTexture *texture,
                           const char *name,
                           gint64      size)
{
  NexusPicturePreview *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (GDK_IS_TEXTURE (texture), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (NEXUS_TYPE_PICTURE_PREVIEW,
                       "modal", TRUE,
                       "transient-for", parent,
                       "default-width", PICTURE_WIDTH + 36,
                       "title", _("Send Picture?"),
                       NULL);
  self->name = g_strdup (name);
  adw_window_set_content (ADW_WINDOW (self), build_content (self, texture, size));
  return GTK_WINDOW (self);
}

const char *
nexus_picture_preview_get_name (NexusPicturePreview *self)
{
  g_return_val_if_fail (NEXUS_IS_PICTURE_PREVIEW (self), NULL);

  return self->name;
}
