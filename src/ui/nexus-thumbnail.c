/* nexus-thumbnail.c: a picture in the log, its size known before it loads
 *
 * The host tells a picture's width and height with its message, so the
 * row has its final height before a byte of the picture is here: the log
 * does not jump when it arrives. The thumbnail fits the picture in
 * NEXUS_THUMBNAIL_MAX_WIDTH × NEXUS_THUMBNAIL_MAX_HEIGHT, narrower still
 * when the window is, and draws the texture inside that shape (a photo
 * turned by its EXIF data is fitted, not stretched).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-thumbnail.h"

#define MIN_WIDTH 96

struct _NexusThumbnail
{
  GtkWidget parent_instance;

  GdkTexture *texture;
  int picture_width;
  int picture_height;
};

G_DEFINE_FINAL_TYPE (NexusThumbnail, nexus_thumbnail, GTK_TYPE_WIDGET)

/* The picture fitted in the largest box, never blown up. */
static void
fitted_size (NexusThumbnail *self,
             int            *width,
             int            *height)
{
  double pw = MAX (self->picture_width, 1);
  double ph = MAX (self->picture_height, 1);
  double scale = MIN (1.0, MIN (NEXUS_THUMBNAIL_MAX_WIDTH / pw, NEXUS_THUMBNAIL_MAX_HEIGHT / ph));

  *width = MAX (1, (int) (pw * scale + 0.5));
  *height = MAX (1, (int) (ph * scale + 0.5));
}

static GtkSizeRequestMode
nexus_thumbnail_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
nexus_thumbnail_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  NexusThumbnail *self = NEXUS_THUMBNAIL (widget);
  int width, height;

  fitted_size (self, &width, &height);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN (width, MIN_WIDTH);
      *natural = width;
      return;
    }
  /* Narrower than its fit: as much shorter. */
  if (for_size >= 0 && for_size < width)
    height = MAX (1, (int) ((double) height * for_size / width + 0.5));
  *minimum = *natural = height;
}

static void
nexus_thumbnail_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  NexusThumbnail *self = NEXUS_THUMBNAIL (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double tw, th, scale;

  if (self->texture == NULL || width <= 0 || height <= 0)
    return;

  /* Fitted inside, centred: the shape was the host's idea of it. */
  tw = gdk_texture_get_width (self->texture);
  th = gdk_texture_get_height (self->texture);
  scale = MIN (width / tw, height / th);
  tw *= scale;
  th *= scale;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((float) ((width - tw) / 2),
                                                          (float) ((height - th) / 2)));
  gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, tw, th);
  gtk_snapshot_restore (snapshot);
}

static void
nexus_thumbnail_dispose (GObject *object)
{
  NexusThumbnail *self = NEXUS_THUMBNAIL (object);

  g_clear_object (&self->texture);

  G_OBJECT_CLASS (nexus_thumbnail_parent_class)->dispose (object);
}

static void
nexus_thumbnail_class_init (NexusThumbnailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_thumbnail_dispose;
  widget_class->get_request_mode = nexus_thumbnail_get_request_mode;
  widget_class->measure = nexus_thumbnail_measure;
  widget_class->snapshot = nexus_thumbnail_snapshot;
  gtk_widget_class_set_css_name (widget_class, "nexusthumbnail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nexus_thumbnail_init (NexusThumbnail *self)
{
  self->picture_width = 4;
  self->picture_height = 3;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
nexus_thumbnail_new (void)
{
  return g_object_new (NEXUS_TYPE_THUMBNAIL, NULL);
}

void
nexus_thumbnail_set_size (NexusThumbnail *self,
                          int             width,
                          int             height)
{
  g_return_if_fail (NEXUS_IS_THUMBNAIL (self));

  width = MAX (width, 1);
  height = MAX (height, 1);
  if (self->picture_width == width && self->picture_height == height)
    return;
  self->picture_width = width;
  self->picture_height = height;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
nexus_thumbnail_set_texture (NexusThumbnail *self,
                             GdkTexture     *texture)
{
  g_return_if_fail (NEXUS_IS_THUMBNAIL (self));
  g_return_if_fail (texture == NULL || GDK_IS_TEXTURE (texture));

  if (g_set_object (&self->texture, texture))
    gtk_widget_queue_draw (GTK_WIDGET (self));
  /* The empty shape is tinted by the style sheet until there is a picture. */
  if (texture != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "loaded");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "loaded");
}

GdkTexture *
nexus_thumbnail_get_texture (NexusThumbnail *self)
{
  g_return_val_if_fail (NEXUS_IS_THUMBNAIL (self), NULL);

  return self->texture;
}

/* The fitted size times the screen's scale, so the picture is sharp on a
 * HiDPI screen. */
void
nexus_thumbnail_get_decode_size (NexusThumbnail *self,
                                 int            *width,
                                 int            *height)
{
  int scale;

  g_return_if_fail (NEXUS_IS_THUMBNAIL (self));

  scale = MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));
  fitted_size (self, width, height);
  *width *= scale;
  *height *= scale;
}
