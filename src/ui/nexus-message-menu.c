/* nexus-message-menu.c: what can be done with one message: react, reply,
 * edit, delete, copy
 *
 * A popover of the message's row, opened by its More button, a right
 * click or a long press. Its buttons activate the room page's `conv.`
 * actions with the message's seq.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-message-menu.h"
#include "nexus-ui-utils.h"

struct _NexusMessageMenu
{
  GtkPopover parent_instance;

  NexusEvent *event;

  GtkWidget *emoji[NEXUS_N_REACTIONS];
  GtkWidget *reply;
  GtkWidget *edit;
  GtkWidget *delete;
  GtkWidget *copy;
};

G_DEFINE_FINAL_TYPE (NexusMessageMenu, nexus_message_menu, GTK_TYPE_POPOVER)

gboolean
nexus_message_menu_can_act (NexusEvent *event)
{
  return event != NULL && nexus_event_get_kind (event) == NEXUS_EVENT_MESSAGE
         && nexus_event_get_seq (event) > 0
         && nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT
         && !nexus_event_get_deleted (event);
}

static void
popdown (NexusMessageMenu *self)
{
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
copy_clicked (NexusMessageMenu *self)
{
  if (self->event != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                            nexus_event_get_text (self->event));
}

static GtkWidget *
menu_button (NexusMessageMenu *self,
             GtkBox           *box,
             const char       *label)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *child = gtk_label_new_with_mnemonic (label);

  gtk_label_set_xalign (GTK_LABEL (child), 0);
  gtk_button_set_child (GTK_BUTTON (button), child);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "nexus-menu-item");
  g_signal_connect_object (button, "clicked", G_CALLBACK (popdown), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  gtk_box_append (box, button);
  return button;
}

static void
nexus_message_menu_dispose (GObject *object)
{
  NexusMessageMenu *self = NEXUS_MESSAGE_MENU (object);

  g_clear_object (&self->event);

  G_OBJECT_CLASS (nexus_message_menu_parent_class)->dispose (object);
}

static void
nexus_message_menu_class_init (NexusMessageMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_message_menu_dispose;
}

static void
nexus_message_menu_init (NexusMessageMenu *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *emoji_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);

  gtk_widget_add_css_class (GTK_WIDGET (self), "menu");
  gtk_widget_add_css_class (GTK_WIDGET (self), "nexus-message-menu");
  gtk_box_append (GTK_BOX (box), emoji_box);
  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (nexus_reaction_emoji (i));
      /* Translators: the tooltip and screen reader name of an emoji button that
       * reacts to a message; %s is the emoji */
      g_autofree char *tip = g_strdup_printf (_("React with %s"), nexus_reaction_emoji (i));

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "circular");
      gtk_widget_add_css_class (button, "nexus-emoji");
      gtk_widget_set_tooltip_text (button, tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip,
                                      -1);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xsb)", (gint64) 0,
                                        nexus_reaction_emoji (i), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "conv.react");
      g_signal_connect_object (button, "clicked", G_CALLBACK (popdown), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      gtk_box_append (GTK_BOX (emoji_box), button);
      self->emoji[i] = button;
    }
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  self->reply = menu_button (self, GTK_BOX (box), _("_Reply"));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->reply), "x", (gint64) 0);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reply), "conv.reply");
  self->edit = menu_button (self, GTK_BOX (box), _("_Edit"));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->edit), "x", (gint64) 0);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->edit), "conv.edit");
  self->copy = menu_button (self, GTK_BOX (box), _("_Copy Text"));
  g_signal_connect_object (self->copy, "clicked", G_CALLBACK (copy_clicked), self,
                           G_CONNECT_SWAPPED);
  self->delete = menu_button (self, GTK_BOX (box), _("_Delete"));
  gtk_widget_add_css_class (self->delete, "error");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->delete), "x", (gint64) 0);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->delete), "conv.delete");
  gtk_popover_set_child (GTK_POPOVER (self), box);
  gtk_popover_set_has_arrow (GTK_POPOVER (self), FALSE);
}

GtkWidget *
nexus_message_menu_new (void)
{
  return g_object_new (NEXUS_TYPE_MESSAGE_MENU, NULL);
}

void
nexus_message_menu_set_event (NexusMessageMenu *self,
                              NexusEvent       *event,
                              const char       *own_name)
{
  gboolean can_act, own, text;
  GVariant *seq;

  g_return_if_fail (NEXUS_IS_MESSAGE_MENU (self));

  g_set_object (&self->event, event);
  can_act = nexus_message_menu_can_act (event);
  own = can_act && nexus_event_get_is_own (event);
  text = can_act && !nexus_event_has_file (event);
  seq = g_variant_ref_sink (g_variant_new_int64 (event ? nexus_event_get_seq (event) : 0));

  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    {
      const char *emoji = nexus_reaction_emoji (i);
      gboolean mine = can_act && nexus_event_has_reacted (event, emoji, own_name);

      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->emoji[i]), "(xsb)",
                                        event ? nexus_event_get_seq (event) : 0, emoji, !mine);
      nexus_widget_set_css_class (self->emoji[i], "own", mine);
      gtk_widget_set_sensitive (self->emoji[i], can_act);
    }
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reply), seq);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->edit), seq);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->delete), seq);
  gtk_widget_set_visible (self->reply, can_act);
  gtk_widget_set_visible (self->edit, own && text);
  gtk_widget_set_visible (self->delete, own);
  gtk_widget_set_visible (self->copy, text);
  g_variant_unref (seq);
}

GtkWidget *
nexus_message_menu_find (NexusMessageMenu *self,
                         const char       *label)
{
  GtkWidget *buttons[] = { self->reply, self->edit, self->copy, self->delete };

  g_return_val_if_fail (NEXUS_IS_MESSAGE_MENU (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (buttons[i]));

      if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), label) == 0
          && gtk_widget_get_visible (buttons[i]))
        return buttons[i];
    }
  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    if (g_strcmp0 (nexus_reaction_emoji (i), label) == 0)
      return self->emoji[i];
  return NULL;
}
