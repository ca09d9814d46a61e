/* nexus-room-page-state.c: what NexusRoomPage shows of the room's state:
 * the header's code and member count, the members popover, the banner
 * (reconnecting, the host away, the room ended) and who is typing
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-code.h"
#include "nexus-message-row.h"
#include "nexus-room-page-internal.h"
#include "nexus-ui-utils.h"

/* How long "is typing" shows after the last typing frame. */
#define TYPING_SHOWN_USEC  (4 * G_USEC_PER_SEC)

/* Typing */

static gboolean
typing_tick (gpointer user_data)
{
  NexusRoomPage *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *sentence = NULL;

  g_hash_table_iter_init (&iter, self->typing);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (*(gint64 *) value < now)
        g_hash_table_iter_remove (&iter);
      else
        g_ptr_array_add (names, key);
    }
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  if (names->len == 1)
    sentence = g_strdup_printf (_("%s is typing…"), (char *) names->pdata[0]);
  else if (names->len == 2)
    sentence = g_strdup_printf (_("%s and %s are typing…"), (char *) names->pdata[0],
                                (char *) names->pdata[1]);
  else if (names->len > 2)
    sentence = g_strdup (_("Several people are typing…"));

  if (sentence != NULL)
    gtk_label_set_label (self->typing_label, sentence);
  gtk_revealer_set_reveal_child (self->typing_revealer, sentence != NULL);

  if (names->len == 0)
    {
      self->typing_timeout_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_typing (NexusRoomPage *self,
           const char    *name)
{
  gint64 *until = g_new (gint64, 1);

  *until = g_get_monotonic_time () + TYPING_SHOWN_USEC;
  g_hash_table_insert (self->typing, g_strdup (name), until);
  typing_tick (self);
  if (self->typing_timeout_id == 0)
    self->typing_timeout_id = g_timeout_add (500, typing_tick, self);
}

static void
on_message (NexusRoomPage *self,
            NexusEvent    *event)
{
  if (g_hash_table_remove (self->typing, nexus_event_get_name (event)))
    typing_tick (self);
}

/* State */

static void
update_members (NexusRoomPage *self)
{
  const char * const *members = nexus_client_get_members (self->client);
  guint n = nexus_client_get_n_members (self->client);
  const char *own = nexus_client_get_name (self->client);
  g_autofree char *heading = NULL;

  /* Translators: the heading of the list of people in the room (title case) */
  heading = g_strdup_printf (ngettext ("%u Member", "%u Members", n), n);

  gtk_label_set_label (self->members_heading, heading);

  nexus_list_box_remove_all (self->members_list);

  for (guint i = 0; members[i] != NULL; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (members[i]);

      gtk_widget_add_css_class (label, "nexus-sender");
      nexus_message_row_style_name (label, members[i]);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (box), label);
      if (g_strcmp0 (members[i], own) == 0)
        {
          /* Translators: after your own name in the list of people in the room */
          GtkWidget *you = gtk_label_new (_("(you)"));

          gtk_widget_add_css_class (you, "dim-label");
          gtk_box_append (GTK_BOX (box), you);
        }
      gtk_list_box_append (self->members_list, box);
    }
}

static void
update_state (NexusRoomPage *self)
{
  NexusClientState state = nexus_client_get_state (self->client);
  guint n = nexus_client_get_n_members (self->client);
  g_autofree char *subtitle = NULL;
  const char *banner = NULL;
  gboolean spinning = FALSE;
  gboolean ended = FALSE;
  gboolean away = FALSE;
  gboolean can_write = TRUE;

  switch (state)
    {
    case NEXUS_CLIENT_STATE_JOINED:
      /* Translators: the subtitle under the room code in the header bar */
      subtitle = g_strdup_printf (ngettext ("%u member", "%u members", n), n);
      break;
    case NEXUS_CLIENT_STATE_RECONNECTING:
      subtitle = g_strdup (_("Reconnecting…"));
      /* The client keeps waiting for an away host; leaving is the way out. */
      away = nexus_client_get_host_away (self->client);
      if (away)
        banner = _("The host is away — waiting for it to come back. Messages you write now are "
                   "sent when it is back.");
      else
        banner = _("The connection was lost. Reconnecting… Messages you write now are sent "
                   "when it is back.");
      spinning = TRUE;
      break;
    case NEXUS_CLIENT_STATE_ENDED:
    case NEXUS_CLIENT_STATE_FAILED:
      subtitle = g_strdup (_("Room ended"));
      banner = nexus_client_get_error_message (self->client);
      if (banner == NULL)
        banner = _("The room has ended.");
      ended = TRUE;
      can_write = FALSE;
      break;
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_CONNECTING:
    default:
      subtitle = g_strdup (_("Connecting…"));
      break;
    }

  adw_window_title_set_subtitle (self->window_title, subtitle);
  if (banner != NULL)
    gtk_label_set_label (self->banner_label, banner);
  gtk_revealer_set_reveal_child (self->banner_revealer, banner != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_spinner), spinning);
  gtk_spinner_set_spinning (self->banner_spinner, spinning);
  gtk_widget_set_visible (self->banner_button, ended || away);
  gtk_button_set_label (GTK_BUTTON (self->banner_button),
                        away ? _("_Leave Room") : _("_Back to Home"));
  nexus_widget_set_css_class (self->banner, "ended", ended);
  gtk_widget_set_visible (self->leave_button, !ended);

  gtk_widget_set_sensitive (self->composer_bar, can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.retry", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.attach",
                                 can_write && nexus_client_get_can_share_files (self->client));
  gtk_widget_set_sensitive (GTK_WIDGET (self->share_button), !ended);
  gtk_widget_set_sensitive (GTK_WIDGET (self->members_button), !ended);
  if (ended)
    {
      g_hash_table_remove_all (self->typing);
      typing_tick (self);
    }
}

static void
update_title (NexusRoomPage *self)
{
  const char *room = nexus_client_get_room (self->client);
  g_autofree char *grouped = room ? nexus_code_format (room) : NULL;

  adw_window_title_set_title (self->window_title, grouped ? grouped : "");
}

/* Follows @client's state, members, code and typing from now on. */
void
_nexus_room_page_watch_state (NexusRoomPage *self,
                              NexusClient   *client)
{
  g_signal_connect_object (client, "notify::state", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "notify::host-away", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "notify::members", G_CALLBACK (update_members), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "notify::members", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "notify::room", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "typing", G_CALLBACK (on_typing), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (client, "message", G_CALLBACK (on_message), self, G_CONNECT_SWAPPED);
}

/* Shows the client's state as it is now. */
void
_nexus_room_page_show_state (NexusRoomPage *self)
{
  update_title (self);
  update_members (self);
  update_state (self);
}

/* Nobody is typing: a new room, or none. */
void
_nexus_room_page_clear_typing (NexusRoomPage *self)
{
  if (self->typing != NULL)
    g_hash_table_remove_all (self->typing);
  g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->typing_revealer, FALSE);
}
