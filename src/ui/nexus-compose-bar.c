/* nexus-compose-bar.c: above the composer, what it writes: a reply to
 * someone, or an edit, with a way to cancel (the `conv.cancel` action)
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-compose-bar.h"

struct _NexusComposeBar
{
  GtkWidget parent_instance;

  GtkWidget *title;
  GtkWidget *quote;
  GtkWidget *cancel;
};

G_DEFINE_FINAL_TYPE (NexusComposeBar, nexus_compose_bar, GTK_TYPE_WIDGET)

static void
nexus_compose_bar_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (nexus_compose_bar_parent_class)->dispose (object);
}

static void
nexus_compose_bar_class_init (NexusComposeBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_compose_bar_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nexuscomposebar");
}

static void
nexus_compose_bar_init (NexusComposeBar *self)
{
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              6);
  gtk_widget_set_hexpand (texts, TRUE);
  self->title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->title, "caption-heading");
  gtk_box_append (GTK_BOX (texts), self->title);
  self->quote = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->quote), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->quote), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (self->quote), TRUE);
  gtk_widget_add_css_class (self->quote, "caption");
  gtk_widget_add_css_class (self->quote, "dim-label");
  gtk_box_append (GTK_BOX (texts), self->quote);
  gtk_widget_set_parent (texts, GTK_WIDGET (self));

  self->cancel = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_set_valign (self->cancel, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->cancel, "flat");
  gtk_widget_add_css_class (self->cancel, "circular");
  gtk_widget_set_tooltip_text (self->cancel, _("Cancel (Escape)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Cancel"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->cancel), "conv.cancel");
  gtk_widget_set_parent (self->cancel, GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

void
nexus_compose_bar_show (NexusComposeBar *self,
                        const char      *title,
                        const char      *quote)
{
  g_return_if_fail (NEXUS_IS_COMPOSE_BAR (self));

  gtk_widget_set_visible (GTK_WIDGET (self), title != NULL);
  gtk_label_set_label (GTK_LABEL (self->title), title ? title : "");
  gtk_label_set_label (GTK_LABEL (self->quote), quote ? quote : "");
  gtk_widget_set_visible (self->quote, quote != NULL && *quote != '\0');
}

/* The bar's sentence, or NULL while it is hidden. */
const char *
nexus_compose_bar_get_title (NexusComposeBar *self)
{
  g_return_val_if_fail (NEXUS_IS_COMPOSE_BAR (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return NULL;
  return gtk_label_get_label (GTK_LABEL (self->title));
}

GtkWidget *
nexus_compose_bar_get_cancel_button (NexusComposeBar *self)
{
  g_return_val_if_fail (NEXUS_IS_COMPOSE_BAR (self), NULL);

  return self->cancel;
}
