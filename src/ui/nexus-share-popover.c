/* nexus-share-popover.c: the room code, invite links and a QR code
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "nexus-code.h"
#include "nexus-qr.h"
#include "nexus-share-popover-private.h"
#include "nexus-ui-utils.h"

#define QR_SIZE 220

struct _NexusSharePopover
{
  GtkPopover parent_instance;

  /* Owned state */
  GStrv links;
  GdkTexture *qr_texture;

  /* Template widgets */
  GtkLabel *code_label;
  GtkPicture *qr_picture;
  GtkListBox *links_box;
  GtkLabel *note_label;
};

G_DEFINE_FINAL_TYPE (NexusSharePopover, nexus_share_popover, GTK_TYPE_POPOVER)

static void
on_copy_clicked (GtkButton         *button,
                 NexusSharePopover *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "nexus-link-index"));

  nexus_share_popover_copy_link (self, index);
}

static void
nexus_share_popover_dispose (GObject *object)
{
  NexusSharePopover *self = NEXUS_SHARE_POPOVER (object);

  g_clear_pointer (&self->links, g_strfreev);
  g_clear_object (&self->qr_texture);
  gtk_widget_dispose_template (GTK_WIDGET (self), NEXUS_TYPE_SHARE_POPOVER);

  G_OBJECT_CLASS (nexus_share_popover_parent_class)->dispose (object);
}

static void
nexus_share_popover_class_init (NexusSharePopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_share_popover_dispose;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/nexuschat/NexusChat/nexus-share-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, code_label);
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, links_box);
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, note_label);
}

static void
nexus_share_popover_init (NexusSharePopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* @links: one invite link per address the host can be reached at, the
 * best first; the QR code shows the first. @note: a warning about who can
 * reach them, or NULL. */
void
nexus_share_popover_set_room (NexusSharePopover  *self,
                              const char         *code,
                              const char * const *links,
                              const char         *note)
{
  g_autofree char *grouped = NULL;

  g_return_if_fail (NEXUS_IS_SHARE_POPOVER (self));

  g_clear_pointer (&self->links, g_strfreev);
  g_clear_object (&self->qr_texture);
  nexus_list_box_remove_all (self->links_box);

  grouped = code ? nexus_code_format (code) : NULL;
  gtk_label_set_label (self->code_label, grouped ? grouped : "");
  gtk_label_set_label (self->note_label, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL);

  if (links == NULL || links[0] == NULL)
    {
      gtk_picture_set_paintable (self->qr_picture, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->links_box), FALSE);
      return;
    }

  self->links = g_strdupv ((char **) links);
  self->qr_texture = nexus_qr_texture_new (links[0], QR_SIZE);
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (self->qr_texture));
  gtk_widget_set_visible (GTK_WIDGET (self->links_box), TRUE);

  for (guint i = 0; links[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

      /* A host typed by a person or read from the system is text, not markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), links[i]);
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "nexus-link-row");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Copy Link"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy Link"), -1);
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data (G_OBJECT (button), "nexus-link-index", GUINT_TO_POINTER (i));
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_copy_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->links_box, row);
    }
}

GdkTexture *
nexus_share_popover_get_qr_texture (NexusSharePopover *self)
{
  g_return_val_if_fail (NEXUS_IS_SHARE_POPOVER (self), NULL);

  return self->qr_texture;
}

const char *
nexus_share_popover_get_first_link (NexusSharePopover *self)
{
  g_return_val_if_fail (NEXUS_IS_SHARE_POPOVER (self), NULL);

  return self->links ? self->links[0] : NULL;
}

/* Puts a link on the clipboard, and a toast says so. */
void
nexus_share_popover_copy_link (NexusSharePopover *self,
                               guint              index)
{
  g_return_if_fail (NEXUS_IS_SHARE_POPOVER (self));

  if (self->links == NULL || index >= g_strv_length (self->links))
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->links[index]);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", _("Invite link copied"));
}
