/* nexus-reactions-bar.c: a message's reactions, each a button to toggle one's own
 *
 * Each emoji that has reactions shows with its count; the pointer resting
 * on it says who. A click adds this person's reaction, or takes it away
 * when it is there (the `conv.react` action of the room page).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-reactions-bar.h"
#include "nexus-ui-utils.h"

struct _NexusReactionsBar
{
  GtkWidget parent_instance;

  NexusEvent *event;
  char *own_name;
  GtkWidget *buttons[NEXUS_N_REACTIONS];
};

G_DEFINE_FINAL_TYPE (NexusReactionsBar, nexus_reactions_bar, GTK_TYPE_WIDGET)

static void
on_clicked (GtkButton         *button,
            NexusReactionsBar *self)
{
  int index = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "nexus-reaction"));
  const char *emoji = nexus_reaction_emoji (index);
  gboolean mine;

  if (self->event == NULL)
    return;
  mine = nexus_event_has_reacted (self->event, emoji, self->own_name);
  gtk_widget_activate_action (GTK_WIDGET (self), "conv.react", "(xsb)",
                              nexus_event_get_seq (self->event), emoji, !mine);
}

static void
update (NexusReactionsBar *self)
{
  gboolean any = FALSE;

  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    {
      const char *emoji = nexus_reaction_emoji (i);
      GtkWidget *button = self->buttons[i];
      const char * const *names = self->event ? nexus_event_get_reactors (self->event, emoji)
                                              : NULL;
      guint n = names ? g_strv_length ((char **) names) : 0;
      gboolean mine = n > 0 && nexus_event_has_reacted (self->event, emoji, self->own_name);
      g_autofree char *label = NULL;
      g_autofree char *who = NULL;
      g_autofree char *description = NULL;

      gtk_widget_set_visible (button, n > 0);
      if (n == 0)
        continue;
      any = TRUE;
      label = g_strdup_printf ("%s %u", emoji, n);
      gtk_button_set_label (GTK_BUTTON (button), label);
      who = g_strjoinv (", ", (char **) names);
      gtk_widget_set_tooltip_text (button, who);
      nexus_widget_set_css_class (button, "own", mine);
      description = mine
        /* Translators: what a screen reader says of a reaction button: the emoji, how
         * many reacted, and who; pressing it takes your reaction away */
        ? g_strdup_printf (ngettext ("%s, %u reaction: %s. Press to take yours away.",
                                     "%s, %u reactions: %s. Press to take yours away.", n),
                           emoji, n, who)
        /* Translators: what a screen reader says of a reaction button: the emoji, how
         * many reacted, and who; pressing it adds yours */
        : g_strdup_printf (ngettext ("%s, %u reaction: %s. Press to add yours.",
                                     "%s, %u reactions: %s. Press to add yours.", n),
                           emoji, n, who);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), any);
}

static void
nexus_reactions_bar_dispose (GObject *object)
{
  NexusReactionsBar *self = NEXUS_REACTIONS_BAR (object);
  GtkWidget *child;

  nexus_reactions_bar_set_event (self, NULL, NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (nexus_reactions_bar_parent_class)->dispose (object);
}

static void
nexus_reactions_bar_finalize (GObject *object)
{
  NexusReactionsBar *self = NEXUS_REACTIONS_BAR (object);

  g_free (self->own_name);

  G_OBJECT_CLASS (nexus_reactions_bar_parent_class)->finalize (object);
}

static void
nexus_reactions_bar_class_init (NexusReactionsBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_reactions_bar_dispose;
  object_class->finalize = nexus_reactions_bar_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nexusreactions");
}

static void
nexus_reactions_bar_init (NexusReactionsBar *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
  for (guint i = 0; i < NEXUS_N_REACTIONS; i++)
    {
      GtkWidget *button = gtk_button_new ();

      g_object_set_data (G_OBJECT (button), "nexus-reaction", GINT_TO_POINTER (i));
      gtk_widget_add_css_class (button, "nexus-reaction");
      gtk_widget_set_visible (button, FALSE);
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_clicked), self, 0);
      gtk_widget_set_parent (button, GTK_WIDGET (self));
      self->buttons[i] = button;
    }
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
nexus_reactions_bar_new (void)
{
  return g_object_new (NEXUS_TYPE_REACTIONS_BAR, NULL);
}

void
nexus_reactions_bar_set_event (NexusReactionsBar *self,
                               NexusEvent        *event,
                               const char        *own_name)
{
  g_return_if_fail (NEXUS_IS_REACTIONS_BAR (self));

  g_free (self->own_name);
  self->own_name = g_strdup (own_name);
  if (self->event != event)
    {
      if (self->event != NULL)
        g_signal_handlers_disconnect_by_data (self->event, self);
      g_set_object (&self->event, event);
      if (event != NULL)
        g_signal_connect_object (event, "notify::reactions", G_CALLBACK (update), self,
                                 G_CONNECT_SWAPPED);
    }
  update (self);
}

GtkWidget *
nexus_reactions_bar_get_button (NexusReactionsBar *self,
                                const char        *emoji)
{
  int index = nexus_reaction_index (emoji);

  g_return_val_if_fail (NEXUS_IS_REACTIONS_BAR (self), NULL);

  if (index < 0 || !gtk_widget_get_visible (self->buttons[index]))
    return NULL;
  return self->buttons[index];
}
