/* nexus-nearby-list.c: the rooms people nearby show, to join with a click
 *
 * A live view of NexusNearby's model: rows come and go as hosts show and
 * hide rooms, and their counts follow the members. When discovery cannot
 * work (no Avahi), one sentence says so instead of an empty list.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-nearby-list.h"

struct _NexusNearbyList
{
  AdwBin parent_instance;

  /* Owned state */
  NexusNearby *nearby;

  /* Template widgets */
  GtkListBox *list_box;
  GtkLabel *status_label;
};

G_DEFINE_FINAL_TYPE (NexusNearbyList, nexus_nearby_list, ADW_TYPE_BIN)

enum {
  SIGNAL_ROOM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_row (AdwActionRow    *row,
            NexusNearbyRoom *room)
{
  guint n = nexus_nearby_room_get_n_members (room);
  g_autofree char *people =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person", "%u people", n), n);
  /* Translators: a room nearby: the computer that hosts it, then how many are in it */
  g_autofree char *subtitle = g_strdup_printf (_("On %s · %s"),
                                               nexus_nearby_room_get_host_name (room), people);
  g_autofree char *label = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), nexus_nearby_room_get_title (room));
  adw_action_row_set_subtitle (row, subtitle);
  /* Translators: what a screen reader says for a room nearby: its title, then the line below it */
  label = g_strdup_printf (_("Join %s, %s"), nexus_nearby_room_get_title (room), subtitle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
on_room_notify (AdwActionRow    *row,
                GParamSpec      *pspec,
                NexusNearbyRoom *room)
{
  update_row (row, room);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  NexusNearbyRoom *room = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("go-next-symbolic");

  /* Titles and host names come from the network: text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  g_object_set_data_full (G_OBJECT (row), "nexus-nearby-room", g_object_ref (room),
                          g_object_unref);
  update_row (ADW_ACTION_ROW (row), room);
  g_signal_connect_object (room, "notify", G_CALLBACK (on_room_notify), row,
                           G_CONNECT_SWAPPED);
  return row;
}

static void
update_status (NexusNearbyList *self)
{
  const char *sentence = NULL;

  if (self->nearby == NULL)
    return;

  switch (nexus_nearby_get_status (self->nearby))
    {
    case NEXUS_DISCOVERY_UNAVAILABLE:
    case NEXUS_DISCOVERY_FAILED:
      sentence = nexus_nearby_get_message (self->nearby);
      break;
    case NEXUS_DISCOVERY_STARTING:
    case NEXUS_DISCOVERY_RUNNING:
    default:
      if (g_list_model_get_n_items (nexus_nearby_get_rooms (self->nearby)) == 0)
        sentence = _("No room is shown nearby right now. Rooms appear here when their host "
                     "chooses to show them.");
      break;
    }

  gtk_label_set_label (self->status_label, sentence ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), sentence != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->list_box),
                          g_list_model_get_n_items (nexus_nearby_get_rooms (self->nearby)) > 0);
}

static void
on_row_activated (NexusNearbyList *self,
                  GtkListBoxRow   *row)
{
  NexusNearbyRoom *room = g_object_get_data (G_OBJECT (row), "nexus-nearby-room");

  if (room != NULL)
    g_signal_emit (self, signals[SIGNAL_ROOM_ACTIVATED], 0, room);
}

static void
nexus_nearby_list_dispose (GObject *object)
{
  NexusNearbyList *self = NEXUS_NEARBY_LIST (object);

  if (self->nearby != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->nearby, self);
      g_signal_handlers_disconnect_by_data (nexus_nearby_get_rooms (self->nearby), self);
    }
  g_clear_object (&self->nearby);
  gtk_widget_dispose_template (GTK_WIDGET (self), NEXUS_TYPE_NEARBY_LIST);

  G_OBJECT_CLASS (nexus_nearby_list_parent_class)->dispose (object);
}

static void
nexus_nearby_list_class_init (NexusNearbyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_nearby_list_dispose;

  signals[SIGNAL_ROOM_ACTIVATED] =
    g_signal_new ("room-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, NEXUS_TYPE_NEARBY_ROOM);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/nexuschat/NexusChat/nexus-nearby-list.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusNearbyList, list_box);
  gtk_widget_class_bind_template_child (widget_class, NexusNearbyList, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
nexus_nearby_list_init (NexusNearbyList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

void
nexus_nearby_list_set_nearby (NexusNearbyList *self,
                              NexusNearby     *nearby)
{
  g_return_if_fail (NEXUS_IS_NEARBY_LIST (self));
  g_return_if_fail (nearby == NULL || NEXUS_IS_NEARBY (nearby));

  if (self->nearby == nearby)
    return;

  if (self->nearby != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->nearby, self);
      g_signal_handlers_disconnect_by_data (nexus_nearby_get_rooms (self->nearby), self);
    }
  g_set_object (&self->nearby, nearby);
  gtk_widget_set_visible (GTK_WIDGET (self), nearby != NULL);
  if (nearby == NULL)
    {
      gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
      return;
    }

  gtk_list_box_bind_model (self->list_box, nexus_nearby_get_rooms (nearby), create_row,
                           NULL, NULL);
  g_signal_connect_object (nearby, "notify::status", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (nexus_nearby_get_rooms (nearby), "items-changed",
                           G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  update_status (self);
}

GtkListBox *
nexus_nearby_list_get_list_box (NexusNearbyList *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY_LIST (self), NULL);

  return self->list_box;
}

const char *
nexus_nearby_list_get_status (NexusNearbyList *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY_LIST (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->status_label))
         ? gtk_label_get_label (self->status_label) : NULL;
}
