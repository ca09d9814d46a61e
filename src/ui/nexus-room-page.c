/* nexus-room-page.c: the log, following its end, the composer and files
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-attach.h"
#include "nexus-conversation.h"
#include "nexus-file-cache.h"
#include "nexus-message-row.h"
#include "nexus-protocol.h"
#include "nexus-room-page-internal.h"

/* How close to the end still counts as "at the bottom". */
#define BOTTOM_SLACK       48.0
/* Below this width the header has no room for Invite's label beside the
 * centred code (German's "Einladen" is the widest): the label goes, so
 * the code is never cut short. */
#define NARROW_WIDTH       600

G_DEFINE_FINAL_TYPE (NexusRoomPage, nexus_room_page, ADW_TYPE_BIN)

/* Following the newest event */

static gboolean
is_at_bottom (NexusRoomPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  return gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         >= gtk_adjustment_get_upper (adjustment) - BOTTOM_SLACK;
}

static void
set_value_to_bottom (NexusRoomPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  self->scrolling = TRUE;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                        - gtk_adjustment_get_page_size (adjustment));
  self->scrolling = FALSE;
}

/* The list only knows the height of rows it has made, and on GTK 4.8 it
 * measures a new row at the end only after it was asked to show it
 * (gtk_list_view_scroll_to is 4.12). So, frame by frame: bring the last
 * row in, and once it is measured, bring it in again and sit at the end. */
static gboolean
scroll_tick (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  NexusRoomPage *self = NEXUS_ROOM_PAGE (user_data);
  guint n = self->events ? g_list_model_get_n_items (self->events) : 0;

  if (!self->follow || self->scroll_passes == 0)
    {
      self->scroll_tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  self->scroll_passes--;

  self->scrolling = TRUE;
  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", n - 1);
  self->scrolling = FALSE;
  set_value_to_bottom (self);
  return G_SOURCE_CONTINUE;
}

/* Follows the newest event again, and shows it. */
static void
scroll_to_bottom (NexusRoomPage *self)
{
  self->follow = TRUE;
  self->scroll_passes = 3;
  if (self->scroll_tick_id == 0)
    self->scroll_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), scroll_tick,
                                                         self, NULL);
  gtk_revealer_set_reveal_child (self->jump_revealer, FALSE);
}

static void
on_scrolled (NexusRoomPage *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  double value = gtk_adjustment_get_value (adjustment);

  /* Only the person scrolling up stops the following: the list grows and
   * re-measures its rows under a view that stays put. */
  if (!self->scrolling)
    {
      if (is_at_bottom (self))
        self->follow = TRUE;
      else if (value < self->last_value)
        self->follow = FALSE;
    }
  self->last_value = value;
  gtk_revealer_set_reveal_child (self->jump_revealer, !self->follow);
}

static void
on_adjustment_changed (NexusRoomPage *self)
{
  if (self->follow)
    set_value_to_bottom (self);
}

static void
on_events_changed (NexusRoomPage *self,
                   guint          position,
                   guint          removed,
                   guint          added)
{
  if (added > 0 && self->follow)
    scroll_to_bottom (self);
  else if (added > 0)
    gtk_revealer_set_reveal_child (self->jump_revealer, TRUE);
}

static void
on_jump_clicked (NexusRoomPage *self)
{
  scroll_to_bottom (self);
}

/* Composer */

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NexusRoomPage *self = NEXUS_ROOM_PAGE (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);
  GtkTextIter start, end;
  g_autofree char *raw = NULL;
  g_autoptr(GString) text = NULL;

  if (self->client == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  raw = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  /* Pasted text may bring carriage returns, which the protocol refuses. */
  text = g_string_new (g_strstrip (raw));
  g_string_replace (text, "\r\n", "\n", 0);
  g_string_replace (text, "\r", "\n", 0);
  if (text->len == 0)
    return;

  if (g_utf8_strlen (text->str, -1) > NEXUS_TEXT_MAX_CHARS)
    {
      gtk_widget_activate_action (widget, "win.show-toast", "s",
                                  _("This message is too long: a message has at most 4000 "
                                    "characters."));
      return;
    }
  if (nexus_conversation_is_composing (self->conversation))
    {
      if (!nexus_conversation_send (self->conversation, text->str))
        return;
    }
  else if (nexus_client_say (self->client, text->str) == NULL)
    {
      gtk_widget_activate_action (widget, "win.show-toast", "s",
                                  _("This message has characters that cannot be sent."));
      return;
    }

  gtk_text_buffer_set_text (buffer, "", 0);
  scroll_to_bottom (self);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  NexusRoomPage *self = NEXUS_ROOM_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  guint n;

  if (self->events == NULL)
    return;

  /* Failed messages sit at the end of the log. */
  n = g_list_model_get_n_items (self->events);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (self->events, i - 1);

      if (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT)
        break;
      if (g_strcmp0 (nexus_event_get_id (event), id) == 0)
        {
          nexus_client_retry (self->client, event);
          return;
        }
    }
}

static gboolean
on_composer_key_pressed (NexusRoomPage         *self,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         GtkEventControllerKey *controller)
{
  GdkEvent *event;

  if (nexus_conversation_key_pressed (self->conversation, keyval, state))
    return GDK_EVENT_STOP;
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return GDK_EVENT_PROPAGATE;
  if (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK))
    return GDK_EVENT_PROPAGATE;

  /* An input method that is composing takes Enter to finish: it sees the
   * key first, and only a key it leaves alone sends. */
  event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  if (event != NULL && gtk_text_view_im_context_filter_keypress (self->composer, event))
    return GDK_EVENT_STOP;

  gtk_widget_activate_action (GTK_WIDGET (self), "room.send", NULL);
  return GDK_EVENT_STOP;
}

static void
on_buffer_changed (NexusRoomPage *self,
                   GtkTextBuffer *buffer)
{
  gboolean empty = gtk_text_buffer_get_char_count (buffer) == 0;

  gtk_widget_set_visible (self->placeholder, empty);
  if (!empty && self->client != NULL)
    nexus_client_typing (self->client);
}

/* Files */

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  nexus_attach_choose (NEXUS_ROOM_PAGE (widget)->attach);
}

static void
scroll_to_bottom_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  scroll_to_bottom (NEXUS_ROOM_PAGE (widget));
}

/* The list */

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, nexus_message_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  NexusRoomPage *self = user_data;

  nexus_message_row_set_file_cache (NEXUS_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                    self->file_cache);
  nexus_message_row_set_own_name (NEXUS_MESSAGE_ROW (gtk_list_item_get_child (item)),
                                  self->client ? nexus_client_get_name (self->client) : NULL);
  nexus_message_row_set_event (NEXUS_MESSAGE_ROW (gtk_list_item_get_child (item)),
                               gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  nexus_message_row_set_event (NEXUS_MESSAGE_ROW (gtk_list_item_get_child (item)), NULL);
}

/* The header at narrow widths */

static gboolean
apply_narrow (gpointer user_data)
{
  NexusRoomPage *self = user_data;

  self->narrow_idle_id = 0;
  if (self->narrow)
    gtk_menu_button_set_icon_name (self->share_button, "contact-new-symbolic");
  else
    gtk_menu_button_set_child (self->share_button, self->share_content);
  return G_SOURCE_REMOVE;
}

/* The page lays its child out itself, as AdwBin's layout manager would,
 * to learn its width. */
static void
nexus_room_page_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline,
                        natural_baseline);
}

/* The button changes after this allocation, not during it: a change now
 * would ask for a new size in the middle of handing sizes out. */
static void
nexus_room_page_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  NexusRoomPage *self = NEXUS_ROOM_PAGE (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));
  gboolean narrow = width < NARROW_WIDTH;

  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_allocate (child, width, height, baseline, NULL);
  if (narrow == self->narrow)
    return;
  self->narrow = narrow;
  if (self->narrow_idle_id == 0)
    self->narrow_idle_id = g_idle_add (apply_narrow, self);
}

/* GObject */

static void
nexus_room_page_dispose (GObject *object)
{
  NexusRoomPage *self = NEXUS_ROOM_PAGE (object);

  nexus_room_page_set_client (self, NULL, NULL);
  g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  if (self->scroll_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->scroll_tick_id);
  self->scroll_tick_id = 0;
  g_clear_pointer (&self->typing, g_hash_table_unref);
  g_clear_object (&self->attach);
  g_clear_object (&self->conversation);
  g_clear_handle_id (&self->narrow_idle_id, g_source_remove);
  g_clear_object (&self->share_content);
  gtk_widget_dispose_template (GTK_WIDGET (self), NEXUS_TYPE_ROOM_PAGE);

  G_OBJECT_CLASS (nexus_room_page_parent_class)->dispose (object);
}

static void
nexus_room_page_class_init (NexusRoomPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_room_page_dispose;
  widget_class->measure = nexus_room_page_measure;
  widget_class->size_allocate = nexus_room_page_size_allocate;

  g_type_ensure (NEXUS_TYPE_SHARE_POPOVER);
  g_type_ensure (NEXUS_TYPE_COMPOSE_BAR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nexuschat/NexusChat/nexus-room-page.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, leave_button);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, share_button);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, share_popover);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, share_button_content);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, members_button);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, members_heading);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, members_list);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, banner);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, banner_spinner);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, banner_button);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, log_overlay);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, drop_revealer);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, jump_revealer);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, jump_button);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, typing_revealer);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, typing_label);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, compose_bar);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, composer_bar);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, attach_button);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, composer);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, placeholder);
  gtk_widget_class_bind_template_child (widget_class, NexusRoomPage, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_jump_clicked);

  gtk_widget_class_install_action (widget_class, "room.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "room.retry", "s", retry_action);
  gtk_widget_class_install_action (widget_class, "room.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "room.scroll-to-bottom", NULL,
                                   scroll_to_bottom_action);
}

static void
nexus_room_page_init (NexusRoomPage *self)
{
  GtkListItemFactory *factory;
  GtkEventController *keys;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Its own measure and size_allocate instead of AdwBin's layout manager,
   * which would keep the width from it. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  /* Held while the icon alone stands in for it. */
  self->share_content = g_object_ref (GTK_WIDGET (self->share_button_content));
  self->typing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->follow = TRUE;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_scrolled), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (on_adjustment_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "notify::page-size", G_CALLBACK (on_adjustment_changed),
                           self, G_CONNECT_SWAPPED);

  self->conversation = nexus_conversation_new (GTK_WIDGET (self), self->composer,
                                               self->compose_bar, self->list_view);

  /* Capture, so Enter sends before the text view takes it as a newline. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_composer_key_pressed), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->composer), keys);
  g_signal_connect_object (gtk_text_view_get_buffer (self->composer), "changed",
                           G_CALLBACK (on_buffer_changed), self, G_CONNECT_SWAPPED);

  /* Files: dropped on the log, pasted into the composer. */
  self->attach = nexus_attach_new (GTK_WIDGET (self));
  nexus_attach_watch (self->attach, self->log_overlay, self->drop_revealer, self->composer,
                      self->attach_button);
}

/* Shows @client's room; NULL empties the page. @links are the invite
 * links for the Invite popover. */
void
nexus_room_page_set_client (NexusRoomPage      *self,
                            NexusClient        *client,
                            const char * const *links)
{
  g_autoptr(GtkSelectionModel) selection = NULL;

  g_return_if_fail (NEXUS_IS_ROOM_PAGE (self));
  g_return_if_fail (client == NULL || NEXUS_IS_CLIENT (client));

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_signal_handlers_disconnect_by_data (self->events, self);
    }
  g_clear_object (&self->events);
  g_set_object (&self->client, client);
  if (self->conversation != NULL)
    nexus_conversation_set_client (self->conversation, client);
  g_clear_object (&self->file_cache);
  if (client != NULL)
    self->file_cache = nexus_file_cache_new (client);
  if (self->attach != NULL)
    nexus_attach_set_client (self->attach, client, self->file_cache);
  _nexus_room_page_clear_typing (self);

  if (client == NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      return;
    }

  self->events = g_object_ref (nexus_client_get_events (client));
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (self->events)));
  gtk_list_view_set_model (self->list_view, selection);
  g_signal_connect_object (self->events, "items-changed", G_CALLBACK (on_events_changed), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  _nexus_room_page_watch_state (self, client);

  nexus_share_popover_set_room (self->share_popover, nexus_client_get_room (client), links);
  _nexus_room_page_show_state (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer), "", 0);

  scroll_to_bottom (self);
}

NexusConversation *
nexus_room_page_get_conversation (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->conversation;
}

NexusComposeBar *
nexus_room_page_get_compose_bar (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->compose_bar;
}

NexusAttach *
nexus_room_page_get_attach (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->attach;
}

/* What shows while files are dragged over the log. */
GtkRevealer *
nexus_room_page_get_drop_hint (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->drop_revealer;
}

GtkWidget *
nexus_room_page_get_attach_button (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->attach_button;
}

NexusClient *
nexus_room_page_get_client (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->client;
}

void
nexus_room_page_focus_composer (NexusRoomPage *self)
{
  g_return_if_fail (NEXUS_IS_ROOM_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->composer));
}

GtkTextView *
nexus_room_page_get_composer (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->composer;
}

GtkListView *
nexus_room_page_get_list_view (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->list_view;
}

GtkScrolledWindow *
nexus_room_page_get_scrolled_window (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->scrolled_window;
}

NexusSharePopover *
nexus_room_page_get_share_popover (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->share_popover;
}

GtkMenuButton *
nexus_room_page_get_share_button (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->share_button;
}

const char *
nexus_room_page_get_title (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return adw_window_title_get_title (self->window_title);
}

const char *
nexus_room_page_get_subtitle (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return adw_window_title_get_subtitle (self->window_title);
}

/* The banner's sentence, or NULL when no banner shows. */
const char *
nexus_room_page_get_banner (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->banner_revealer))
    return NULL;
  return gtk_label_get_label (self->banner_label);
}

const char *
nexus_room_page_get_typing (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->typing_revealer))
    return NULL;
  return gtk_label_get_label (self->typing_label);
}

/* The "Jump to latest" button, or NULL while the log follows the end. */
GtkWidget *
nexus_room_page_get_jump_button (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return gtk_revealer_get_reveal_child (self->jump_revealer) ? self->jump_button : NULL;
}

GtkMenuButton *
nexus_room_page_get_members_button (NexusRoomPage *self)
{
  g_return_val_if_fail (NEXUS_IS_ROOM_PAGE (self), NULL);

  return self->members_button;
}
