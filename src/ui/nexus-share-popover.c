/* nexus-share-popover.c: the room code, invite links and a QR code; for
 * the host, showing the room nearby, and what the network doctor finds
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "nexus-code.h"
#include "nexus-network-doctor.h"
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
  char *code;
  NexusServer *server;         /* while hosting: the room is ours to show */
  NexusAnnouncer *announcer;
  GCancellable *checking;      /* the network doctor at work */

  /* Template widgets */
  GtkLabel *code_label;
  GtkPicture *qr_picture;
  GtkListBox *links_box;
  GtkBox *host_box;
  GtkSwitch *nearby_switch;
  AdwEntryRow *title_row;
  GtkListBox *addresses_box;
  GtkBox *findings_box;
};

G_DEFINE_FINAL_TYPE (NexusSharePopover, nexus_share_popover, GTK_TYPE_POPOVER)

static void
on_copy_clicked (GtkButton         *button,
                 NexusSharePopover *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "nexus-link-index"));

  nexus_share_popover_copy_link (self, index);
}

/* Showing the room nearby */

static void
apply_nearby (NexusSharePopover *self)
{
  g_autoptr(GError) error = NULL;
  gboolean shown = gtk_switch_get_active (self->nearby_switch);
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));

  if (self->server == NULL || self->code == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->title_row), shown);
  if (!nexus_server_set_room_nearby (self->server, self->code, shown ? title : NULL, &error))
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-toast", "s", error->message);
}

static void
on_nearby_switched (NexusSharePopover *self)
{
  apply_nearby (self);
}

static void
on_title_applied (NexusSharePopover *self)
{
  apply_nearby (self);
}

/* The network doctor */

static const char *
interface_icon_name (NexusInterfaceKind kind)
{
  switch (kind)
    {
    case NEXUS_INTERFACE_WIFI:
      return "network-wireless-symbolic";
    case NEXUS_INTERFACE_VPN:
      return "network-vpn-symbolic";
    case NEXUS_INTERFACE_LOOPBACK:
      return "computer-symbolic";
    case NEXUS_INTERFACE_ETHERNET:
    case NEXUS_INTERFACE_VIRTUAL:
    case NEXUS_INTERFACE_OTHER:
    default:
      return "network-wired-symbolic";
    }
}

static void
show_addresses (NexusSharePopover *self)
{
  g_autoptr(GPtrArray) addresses =
    nexus_host_addresses_list (nexus_server_get_bind_address (self->server));

  nexus_list_box_remove_all (self->addresses_box);
  for (guint i = 0; i < addresses->len; i++)
    {
      NexusHostAddress *address = g_ptr_array_index (addresses, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (interface_icon_name (address->kind));
      /* Translators: under an address of this computer: the kind of network, then the
       * interface's name, like “Wi-Fi · wlp2s0” */
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s"),
                                                   nexus_interface_kind_to_string (address->kind),
                                                   address->interface);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), address->address);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "property");
      gtk_list_box_append (self->addresses_box, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->addresses_box), addresses->len > 0);
}

static void
show_findings (NexusSharePopover *self,
               GPtrArray         *findings)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->findings_box))) != NULL)
    gtk_box_remove (self->findings_box, child);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      NexusFinding *finding = g_ptr_array_index (findings, i);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      GtkWidget *label = gtk_label_new (finding->sentence);

      gtk_widget_set_valign (icon, GTK_ALIGN_START);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (box, "nexus-finding");
      gtk_box_append (GTK_BOX (box), icon);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (self->findings_box, box);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->findings_box), findings != NULL && findings->len > 0);
}

static void
doctor_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  NexusSharePopover *self = user_data;
  g_autoptr(GPtrArray) findings = nexus_network_doctor_check_finish (result, NULL);

  if (findings == NULL)
    return; /* cancelled: self may be gone */
  g_clear_object (&self->checking);
  show_findings (self, findings);
}

static gboolean
avahi_available (NexusSharePopover *self)
{
  /* Without an announcer discovery was turned off on purpose: nothing to
   * report about Avahi then. */
  if (self->announcer == NULL)
    return TRUE;
  switch (nexus_announcer_get_status (self->announcer))
    {
    case NEXUS_DISCOVERY_UNAVAILABLE:
    case NEXUS_DISCOVERY_FAILED:
      return FALSE;
    case NEXUS_DISCOVERY_STARTING:
    case NEXUS_DISCOVERY_RUNNING:
    default:
      return TRUE;
    }
}

/* Looks again: when the popover opens, and when Avahi comes or goes. */
static void
check_network (NexusSharePopover *self)
{
  if (self->server == NULL)
    return;

  show_addresses (self);
  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);
  self->checking = g_cancellable_new ();
  nexus_network_doctor_check_async (nexus_server_get_bind_address (self->server),
                                    nexus_server_get_port (self->server),
                                    avahi_available (self), self->checking, doctor_cb, self);
}

static void
on_visible_changed (NexusSharePopover *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    check_network (self);
}

static void
nexus_share_popover_dispose (GObject *object)
{
  NexusSharePopover *self = NEXUS_SHARE_POPOVER (object);

  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);
  g_clear_object (&self->server);
  if (self->announcer != NULL)
    g_signal_handlers_disconnect_by_data (self->announcer, self);
  g_clear_object (&self->announcer);
  g_clear_pointer (&self->code, g_free);
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
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, host_box);
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, nearby_switch);
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, title_row);
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, addresses_box);
  gtk_widget_class_bind_template_child (widget_class, NexusSharePopover, findings_box);
  gtk_widget_class_bind_template_callback (widget_class, on_nearby_switched);
  gtk_widget_class_bind_template_callback (widget_class, on_title_applied);
}

static void
nexus_share_popover_init (NexusSharePopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::visible", G_CALLBACK (on_visible_changed), NULL);
}

/* @links: one invite link per address the host can be reached at, the
 * best first; the QR code shows the first. */
void
nexus_share_popover_set_room (NexusSharePopover  *self,
                              const char         *code,
                              const char * const *links)
{
  g_autofree char *grouped = NULL;

  g_return_if_fail (NEXUS_IS_SHARE_POPOVER (self));

  g_clear_pointer (&self->links, g_strfreev);
  g_clear_object (&self->qr_texture);
  nexus_list_box_remove_all (self->links_box);

  g_free (self->code);
  self->code = g_strdup (code);
  grouped = code ? nexus_code_format (code) : NULL;
  gtk_label_set_label (self->code_label, grouped ? grouped : "");

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

/* While hosting: @server holds the room, @announcer (NULL with discovery
 * off) tells the network about it, @title is what “Show to People Nearby”
 * offers first. All NULL for a guest: then only the code and links show. */
void
nexus_share_popover_set_host (NexusSharePopover *self,
                              NexusServer       *server,
                              NexusAnnouncer    *announcer,
                              const char        *title)
{
  g_return_if_fail (NEXUS_IS_SHARE_POPOVER (self));
  g_return_if_fail (server == NULL || NEXUS_IS_SERVER (server));
  g_return_if_fail (announcer == NULL || NEXUS_IS_ANNOUNCER (announcer));

  if (self->announcer != NULL)
    g_signal_handlers_disconnect_by_data (self->announcer, self);
  g_set_object (&self->server, server);
  g_set_object (&self->announcer, announcer);
  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);

  gtk_widget_set_visible (GTK_WIDGET (self->host_box), server != NULL);
  /* A new room starts hidden: showing it is a choice made each time. */
  g_signal_handlers_block_by_func (self->nearby_switch, on_nearby_switched, self);
  gtk_switch_set_active (self->nearby_switch, FALSE);
  g_signal_handlers_unblock_by_func (self->nearby_switch, on_nearby_switched, self);
  gtk_widget_set_visible (GTK_WIDGET (self->title_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->title_row), title ? title : "");
  /* Without discovery the room cannot be shown anywhere. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->nearby_switch), announcer != NULL);

  if (announcer != NULL)
    g_signal_connect_object (announcer, "notify::status", G_CALLBACK (check_network), self,
                             G_CONNECT_SWAPPED);
  check_network (self);
}

GtkSwitch *
nexus_share_popover_get_nearby_switch (NexusSharePopover *self)
{
  g_return_val_if_fail (NEXUS_IS_SHARE_POPOVER (self), NULL);

  return self->nearby_switch;
}

AdwEntryRow *
nexus_share_popover_get_title_row (NexusSharePopover *self)
{
  g_return_val_if_fail (NEXUS_IS_SHARE_POPOVER (self), NULL);

  return self->title_row;
}

GtkListBox *
nexus_share_popover_get_addresses_box (NexusSharePopover *self)
{
  g_return_val_if_fail (NEXUS_IS_SHARE_POPOVER (self), NULL);

  return self->addresses_box;
}

/* The findings shown, as one text, or NULL while there are none. */
char *
nexus_share_popover_get_findings_text (NexusSharePopover *self)
{
  g_autoptr(GString) text = NULL;

  g_return_val_if_fail (NEXUS_IS_SHARE_POPOVER (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->findings_box)))
    return NULL;
  text = g_string_new (NULL);
  for (GtkWidget *box = gtk_widget_get_first_child (GTK_WIDGET (self->findings_box));
       box != NULL; box = gtk_widget_get_next_sibling (box))
    {
      GtkWidget *label = gtk_widget_get_last_child (box);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, gtk_label_get_text (GTK_LABEL (label)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
