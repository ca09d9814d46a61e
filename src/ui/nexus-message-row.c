/* nexus-message-row.c: one event of the room's log
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-file-view.h"
#include "nexus-message-menu.h"
#include "nexus-message-row-private.h"
#include "nexus-reactions-bar.h"
#include "nexus-ui-utils.h"

#define N_NAME_COLOURS 8
#define FLASH_MS       1600

struct _NexusMessageRow
{
  GtkWidget parent_instance;

  /* Owned state */
  NexusEvent *event;
  char *own_name;
  GtkWidget *menu;            /* NexusMessageMenu, made when first asked for */
  GtkEventController *motion;
  GtkEventController *focus;
  guint flash_id;

  /* Template widgets */
  GtkWidget *divider;
  GtkLabel *notice;
  GtkWidget *line;
  GtkWidget *bubble;
  GtkWidget *header;
  GtkLabel *sender;
  GtkLabel *time;
  GtkWidget *quote_button;
  GtkLabel *quote_name;
  GtkLabel *quote_text;
  GtkLabel *text;
  NexusFileView *file_view;
  GtkLabel *edited;
  NexusReactionsBar *reactions;
  GtkWidget *status_box;
  GtkLabel *status;
  GtkWidget *retry_button;
  GtkWidget *actions;
  GtkWidget *reply_button;
  GtkMenuButton *more_button;
};

G_DEFINE_FINAL_TYPE (NexusMessageRow, nexus_message_row, GTK_TYPE_WIDGET)

static void update_conversation (NexusMessageRow *self);
static void update_actions      (NexusMessageRow *self);

static guint
name_colour (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  guint32 hash = 5381;

  /* djb2, written out so the colour never changes between GLib versions. */
  for (const char *p = folded; *p; p++)
    hash = hash * 33 + (guchar) *p;
  return hash % N_NAME_COLOURS;
}

/* Gives @label the colour of @name, the same wherever the name shows;
 * NULL takes any such colour away. */
void
nexus_message_row_style_name (GtkWidget  *label,
                              const char *name)
{
  guint colour = name != NULL ? name_colour (name) : N_NAME_COLOURS;

  g_return_if_fail (GTK_IS_WIDGET (label));

  for (guint i = 0; i < N_NAME_COLOURS; i++)
    {
      char class[24];

      g_snprintf (class, sizeof class, "nexus-name-%u", i);
      nexus_widget_set_css_class (label, class, i == colour);
    }
}

char *
nexus_message_row_linkify (const char *text)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;
  GString *markup = g_string_new (NULL);
  const char *done = text;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("\\bhttps?://[^\\s<>\"]+[^\\s<>\".,;:!?')\\]]",
                                                    G_REGEX_OPTIMIZE, 0, NULL));

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      g_autofree char *before = NULL;
      g_autofree char *url = NULL;

      g_match_info_fetch_pos (match, 0, &start, &end);
      before = g_markup_escape_text (done, text + start - done);
      url = g_markup_escape_text (text + start, end - start);
      g_string_append (markup, before);
      g_string_append_printf (markup, "<a href=\"%s\">%s</a>", url, url);
      done = text + end;
      g_match_info_next (match, NULL);
    }
  {
    g_autofree char *rest = g_markup_escape_text (done, -1);

    g_string_append (markup, rest);
  }
  return g_string_free (markup, FALSE);
}

static char *
format_time (GDateTime *timestamp,
             gboolean   full)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (timestamp);

  if (full)
    /* Translators: strftime format (see `man strftime`) of the full date and time a
     * message was sent, shown when the pointer rests on it, like
     * “Tuesday 24 November 2026, 09:15:42”. */
    return g_date_time_format (local, _("%A %e %B %Y, %H:%M:%S"));
  /* Translators: strftime format (see `man strftime`) of the time next to a message,
   * like “09:15”; use %l:%M %p for a 12-hour clock. */
  return g_date_time_format (local, _("%H:%M"));
}

static void
update_delivery (NexusMessageRow *self)
{
  NexusDelivery delivery = nexus_event_get_delivery (self->event);
  gboolean sending = delivery == NEXUS_DELIVERY_SENDING;
  gboolean failed = delivery == NEXUS_DELIVERY_FAILED;
  /* A file on its way shows its own progress, and why it failed. */
  gboolean file = nexus_event_has_file (self->event);

  gtk_widget_set_visible (self->status_box, !file && (sending || failed));
  gtk_widget_set_visible (self->retry_button, failed);
  if (sending || failed)
    gtk_label_set_label (self->status, failed ? _("Not sent") : _("Sending…"));
  nexus_widget_set_css_class (GTK_WIDGET (self->status), "error", failed);
  nexus_widget_set_css_class (GTK_WIDGET (self->status), "dim-label", !failed);
  nexus_widget_set_css_class (self->bubble, "sending", sending);
  nexus_widget_set_css_class (self->bubble, "failed", failed);
}

static void
update_time (NexusMessageRow *self)
{
  GDateTime *timestamp = nexus_event_get_timestamp (self->event);
  g_autofree char *time = format_time (timestamp, FALSE);
  g_autofree char *full = format_time (timestamp, TRUE);

  gtk_label_set_label (self->time, time);
  gtk_widget_set_tooltip_text (self->bubble, full);
}

static void
update_grouping (NexusMessageRow *self)
{
  gboolean continues = nexus_event_get_continues (self->event);

  gtk_widget_set_visible (self->header, !continues);
  nexus_widget_set_css_class (GTK_WIDGET (self), "continues", continues);
}

/* Conversation */

static void
update_divider (NexusMessageRow *self)
{
  gtk_widget_set_visible (self->divider,
                          self->event != NULL && nexus_event_get_first_unread (self->event));
}

static void
show_actions (NexusMessageRow *self,
              gboolean         shown)
{
  /* Kept in the layout while hidden, so the bubble never moves. */
  shown = shown && nexus_message_menu_can_act (self->event);
  gtk_widget_set_opacity (self->actions, shown ? 1 : 0);
  gtk_widget_set_can_target (self->actions, shown);
}

static void
update_quote (NexusMessageRow *self)
{
  gint64 seq = nexus_event_get_reply_seq (self->event);
  const char *name = nexus_event_get_reply_name (self->event);
  const char *quote = nexus_event_get_reply_quote (self->event);
  gboolean gone = quote == NULL || *quote == '\0';
  g_autofree char *description = NULL;

  gtk_widget_set_visible (self->quote_button, seq > 0 && !nexus_event_get_deleted (self->event));
  if (seq <= 0)
    return;
  gtk_label_set_label (self->quote_name, name ? name : "");
  nexus_message_row_style_name (GTK_WIDGET (self->quote_name), name);
  gtk_label_set_label (self->quote_text, gone ? _("Message deleted") : quote);
  nexus_widget_set_css_class (GTK_WIDGET (self->quote_text), "nexus-deleted", gone);
  nexus_widget_set_css_class (GTK_WIDGET (self->quote_text), "dim-label", TRUE);
  /* Translators: what a screen reader says of the quote at the top of a reply: the
   * first %s is the name of who wrote the original, the second its first line */
  description = g_strdup_printf (_("In reply to %s: %s. Show the message."), name ? name : "",
                                 gone ? _("Message deleted") : quote);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->quote_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  gtk_widget_set_tooltip_text (self->quote_button, _("Show the message this one answers"));
}

static void
on_quote_clicked (NexusMessageRow *self)
{
  if (self->event != NULL && nexus_event_get_reply_seq (self->event) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "conv.jump-to", "x",
                                nexus_event_get_reply_seq (self->event));
}

/* The text, or the file, as they are now: edited, deleted, a mention. */
static void
update_conversation (NexusMessageRow *self)
{
  NexusEvent *event = self->event;
  gboolean deleted = nexus_event_get_deleted (event);
  gboolean file = !deleted && nexus_event_has_file (event);
  g_autofree char *markup = NULL;
  GVariant *seq;

  if (deleted)
    markup = g_markup_escape_text (_("Message deleted"), -1);
  else if (!file)
    markup = nexus_message_row_linkify (nexus_event_get_text (event));
  gtk_label_set_markup (self->text, markup ? markup : "");
  /* A file's text is the line for clients that know no files. */
  gtk_widget_set_visible (GTK_WIDGET (self->text), !file);
  gtk_widget_set_visible (GTK_WIDGET (self->file_view), file);
  nexus_widget_set_css_class (self->bubble, "file", file);
  nexus_file_view_set_event (self->file_view, file ? event : NULL);
  nexus_widget_set_css_class (self->bubble, "deleted", deleted);
  nexus_widget_set_css_class (GTK_WIDGET (self->text), "nexus-deleted", deleted);
  nexus_widget_set_css_class (GTK_WIDGET (self->text), "dim-label", deleted);
  gtk_widget_set_visible (GTK_WIDGET (self->edited), nexus_event_get_edited (event) && !deleted);
  nexus_widget_set_css_class (self->bubble, "mention", nexus_event_get_mentions_me (event));
  nexus_reactions_bar_set_event (self->reactions, event, self->own_name);
  update_quote (self);

  seq = g_variant_new_int64 (nexus_event_get_seq (event));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reply_button), seq);
  if (!nexus_message_menu_can_act (event))
    {
      show_actions (self, FALSE);
      if (self->menu != NULL)
        gtk_popover_popdown (GTK_POPOVER (self->menu));
    }
}

static void
open_menu (NexusMessageRow *self,
           double           x,
           double           y)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  if (!nexus_message_menu_can_act (self->event))
    return;
  if (self->menu == NULL)
    {
      self->menu = nexus_message_menu_new ();
      gtk_widget_set_parent (self->menu, self->bubble);
      g_signal_connect_object (self->menu, "closed", G_CALLBACK (update_actions), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  nexus_message_menu_set_event (NEXUS_MESSAGE_MENU (self->menu), self->event, self->own_name);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
on_secondary_click (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    NexusMessageRow *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  open_menu (self, x, y);
}

static void
on_long_press (GtkGestureLongPress *gesture,
               double               x,
               double               y,
               NexusMessageRow     *self)
{
  open_menu (self, x, y);
}

/* Each time the More button opens its menu, with the message as it is. */
static void
fill_more_menu (GtkMenuButton *button,
                gpointer       user_data)
{
  NexusMessageRow *self = user_data;
  GtkPopover *popover = gtk_menu_button_get_popover (self->more_button);

  if (popover == NULL)
    {
      popover = GTK_POPOVER (nexus_message_menu_new ());
      gtk_menu_button_set_popover (self->more_button, GTK_WIDGET (popover));
      g_signal_connect_object (popover, "closed", G_CALLBACK (update_actions), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  nexus_message_menu_set_event (NEXUS_MESSAGE_MENU (popover), self->event, self->own_name);
}

static gboolean
is_open (GtkWidget *popover)
{
  return popover != NULL && gtk_widget_get_visible (popover);
}

/* The actions show while the pointer is on the message, the keyboard in
 * them, or one of its menus is open. */
static void
update_actions (NexusMessageRow *self)
{
  show_actions (self,
                gtk_event_controller_motion_contains_pointer (
                  GTK_EVENT_CONTROLLER_MOTION (self->motion))
                || gtk_event_controller_focus_contains_focus (
                  GTK_EVENT_CONTROLLER_FOCUS (self->focus))
                || is_open (GTK_WIDGET (gtk_menu_button_get_popover (self->more_button)))
                || is_open (self->menu));
}

static void
update (NexusMessageRow *self)
{
  NexusEvent *event = self->event;
  gboolean own;

  nexus_message_row_style_name (GTK_WIDGET (self->sender), NULL);

  if (event == NULL)
    {
      nexus_file_view_set_event (self->file_view, NULL);
      nexus_reactions_bar_set_event (self->reactions, NULL, NULL);
      return;
    }
  update_divider (self);

  own = nexus_event_get_is_own (event);

  if (nexus_event_get_kind (event) != NEXUS_EVENT_MESSAGE)
    {
      g_autofree char *time = format_time (nexus_event_get_timestamp (event), FALSE);
      gboolean joined = nexus_event_get_kind (event) == NEXUS_EVENT_JOINED;
      g_autofree char *notice = NULL;

      if (nexus_event_get_kind (event) == NEXUS_EVENT_GAP)
        /* Translators: a quiet notice in the log where messages are missing: while the
         * connection was lost, more was said than the host keeps */
        notice = g_strdup (_("Older messages are no longer kept."));
      else if (own && joined)
        /* Translators: a quiet notice in the log: you entered the room; %s is the time,
         * like 09:15 */
        notice = g_strdup_printf (_("You joined · %s"), time);
      else if (own)
        /* Translators: a quiet notice in the log: you left the room; %s is the time,
         * like 09:15 */
        notice = g_strdup_printf (_("You left · %s"), time);
      else if (joined)
        /* Translators: a quiet notice in the log: someone entered the room; the first
         * %s is their name, the second the time, like “Bob joined · 09:15” */
        notice = g_strdup_printf (_("%s joined · %s"), nexus_event_get_name (event), time);
      else
        /* Translators: a quiet notice in the log: someone left the room; the first %s
         * is their name, the second the time, like “Bob left · 09:15” */
        notice = g_strdup_printf (_("%s left · %s"), nexus_event_get_name (event), time);

      nexus_file_view_set_event (self->file_view, NULL);
      nexus_reactions_bar_set_event (self->reactions, NULL, NULL);
      gtk_label_set_label (self->notice, notice);
      gtk_widget_set_visible (GTK_WIDGET (self->notice), TRUE);
      gtk_widget_set_visible (self->line, FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (self), "notice");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "continues");
      return;
    }

  nexus_message_row_style_name (GTK_WIDGET (self->sender), nexus_event_get_name (event));
  gtk_label_set_label (self->sender, nexus_event_get_name (event));
  update_conversation (self);

  gtk_widget_remove_css_class (GTK_WIDGET (self), "notice");
  gtk_widget_set_visible (GTK_WIDGET (self->notice), FALSE);
  gtk_widget_set_visible (self->line, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->sender), !own);
  gtk_widget_set_halign (self->bubble, own ? GTK_ALIGN_END : GTK_ALIGN_START);
  gtk_widget_set_halign (self->line, own ? GTK_ALIGN_END : GTK_ALIGN_START);
  gtk_widget_set_halign (self->header, own ? GTK_ALIGN_END : GTK_ALIGN_START);
  /* The actions sit on the side of the log's middle. */
  if (own)
    gtk_box_reorder_child_after (GTK_BOX (self->line), self->actions, NULL);
  else
    gtk_box_reorder_child_after (GTK_BOX (self->line), self->actions, self->bubble);
  nexus_widget_set_css_class (self->bubble, "own", own);

  /* Disabled with the action when the room is over. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button),
                                          g_variant_new_string (nexus_event_get_id (event)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "room.retry");

  update_time (self);
  update_grouping (self);
  update_delivery (self);
}

static void
nexus_message_row_dispose (GObject *object)
{
  NexusMessageRow *self = NEXUS_MESSAGE_ROW (object);

  nexus_message_row_set_event (self, NULL);
  g_clear_handle_id (&self->flash_id, g_source_remove);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_pointer (&self->own_name, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), NEXUS_TYPE_MESSAGE_ROW);

  G_OBJECT_CLASS (nexus_message_row_parent_class)->dispose (object);
}

static void
nexus_message_row_class_init (NexusMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_message_row_dispose;

  g_type_ensure (NEXUS_TYPE_FILE_VIEW);
  g_type_ensure (NEXUS_TYPE_REACTIONS_BAR);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/nexuschat/NexusChat/nexus-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, divider);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, notice);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, line);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, header);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, sender);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, time);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, quote_button);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, quote_name);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, quote_text);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, text);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, file_view);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, edited);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, reactions);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, status_box);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, status);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, actions);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, reply_button);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, more_button);
  gtk_widget_class_bind_template_callback (widget_class, on_quote_clicked);
  gtk_widget_class_set_css_name (widget_class, "nexusmessagerow");
}

static void
nexus_message_row_init (NexusMessageRow *self)
{
  GtkEventController *motion;
  GtkGesture *click;
  GtkGesture *press;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The action takes a seq: a target first, so it is never asked for
   * without one. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->reply_button), "x", (gint64) 0);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reply_button), "conv.reply");

  /* The Reply and More buttons show while the pointer is on the message
   * or the keyboard is in them; a right click or a long press opens the
   * menu where it happened. */
  self->motion = motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "notify::contains-pointer", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->line, motion);
  self->focus = motion = gtk_event_controller_focus_new ();
  g_signal_connect_object (motion, "notify::contains-focus", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->actions, motion);
  /* Before the text's own menu of selection: this one has Copy Text. */
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_secondary_click), self, 0);
  gtk_widget_add_controller (self->bubble, GTK_EVENT_CONTROLLER (click));
  press = gtk_gesture_long_press_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (press), GTK_PHASE_CAPTURE);
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
  g_signal_connect_object (press, "pressed", G_CALLBACK (on_long_press), self, 0);
  gtk_widget_add_controller (self->bubble, GTK_EVENT_CONTROLLER (press));
  gtk_menu_button_set_create_popup_func (self->more_button, fill_more_menu, self, NULL);
}

GtkWidget *
nexus_message_row_new (void)
{
  return g_object_new (NEXUS_TYPE_MESSAGE_ROW, NULL);
}

void
nexus_message_row_set_event (NexusMessageRow *self,
                             NexusEvent      *event)
{
  g_return_if_fail (NEXUS_IS_MESSAGE_ROW (self));
  g_return_if_fail (event == NULL || NEXUS_IS_EVENT (event));

  if (self->event == event)
    return;

  if (self->event != NULL)
    g_signal_handlers_disconnect_by_data (self->event, self);
  g_set_object (&self->event, event);
  /* A row shows another message now: not the one that was flashed. */
  g_clear_handle_id (&self->flash_id, g_source_remove);
  gtk_widget_remove_css_class (self->bubble, "flash");

  if (event != NULL)
    {
      g_signal_connect_object (event, "notify::delivery", G_CALLBACK (update_delivery), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::continues", G_CALLBACK (update_grouping), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::timestamp", G_CALLBACK (update_time), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::first-unread", G_CALLBACK (update_divider), self,
                               G_CONNECT_SWAPPED);
      if (nexus_event_get_kind (event) == NEXUS_EVENT_MESSAGE)
        {
          static const char * const changes[] = {
            "notify::text", "notify::edited", "notify::deleted", "notify::reply-seq",
            "notify::reply-quote", "notify::mentions-me", "notify::seq",
          };

          for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
            g_signal_connect_object (event, changes[i], G_CALLBACK (update_conversation), self,
                                     G_CONNECT_SWAPPED);
        }
    }
  update (self);
  update_actions (self);
}

/* Whose reactions are this person's. */
void
nexus_message_row_set_own_name (NexusMessageRow *self,
                                const char      *own_name)
{
  g_return_if_fail (NEXUS_IS_MESSAGE_ROW (self));

  if (g_strcmp0 (self->own_name, own_name) == 0)
    return;
  g_free (self->own_name);
  self->own_name = g_strdup (own_name);
  if (self->event != NULL && nexus_event_get_kind (self->event) == NEXUS_EVENT_MESSAGE)
    nexus_reactions_bar_set_event (self->reactions, self->event, own_name);
}

/* The room's files, for the pictures and files of messages. */
void
nexus_message_row_set_file_cache (NexusMessageRow *self,
                                  NexusFileCache  *cache)
{
  g_return_if_fail (NEXUS_IS_MESSAGE_ROW (self));

  nexus_file_view_set_cache (self->file_view, cache);
}

NexusFileView *
nexus_message_row_get_file_view (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return self->file_view;
}

NexusEvent *
nexus_message_row_get_event (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return self->event;
}

NexusReactionsBar *
nexus_message_row_get_reactions (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return self->reactions;
}

GtkWidget *
nexus_message_row_get_quote_button (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return gtk_widget_get_visible (self->quote_button) ? self->quote_button : NULL;
}

GtkWidget *
nexus_message_row_get_reply_button (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return self->reply_button;
}

/* The menu of the More button, filled for the message, and opened. */
NexusMessageMenu *
nexus_message_row_open_menu (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  show_actions (self, TRUE);
  gtk_menu_button_popup (self->more_button);
  return NEXUS_MESSAGE_MENU (gtk_menu_button_get_popover (self->more_button));
}

/* What a person sees: the text label's, "Message deleted" included. */
const char *
nexus_message_row_get_shown_text (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return gtk_label_get_text (self->text);
}

gboolean
nexus_message_row_shows_edited (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->edited));
}

gboolean
nexus_message_row_shows_divider (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), FALSE);

  return gtk_widget_get_visible (self->divider);
}

GtkWidget *
nexus_message_row_get_bubble (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return self->bubble;
}

static gboolean
flash_done (gpointer user_data)
{
  NexusMessageRow *self = user_data;

  self->flash_id = 0;
  gtk_widget_remove_css_class (self->bubble, "flash");
  return G_SOURCE_REMOVE;
}

/* Lights the message up for a moment: the one a quote leads to. */
void
nexus_message_row_flash (NexusMessageRow *self)
{
  g_return_if_fail (NEXUS_IS_MESSAGE_ROW (self));

  g_clear_handle_id (&self->flash_id, g_source_remove);
  gtk_widget_add_css_class (self->bubble, "flash");
  self->flash_id = g_timeout_add (FLASH_MS, flash_done, self);
}

gboolean
nexus_message_row_is_flashing (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), FALSE);

  return self->flash_id != 0;
}

/* The menu a right click or a long press opened, or NULL. */
NexusMessageMenu *
nexus_message_row_get_context_menu (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return self->menu ? NEXUS_MESSAGE_MENU (self->menu) : NULL;
}
