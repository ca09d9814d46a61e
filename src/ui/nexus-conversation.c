/* nexus-conversation.c: what the room page does with replies, edits,
 * deletes, reactions, mentions and unread messages
 *
 * The page's rows and menus activate the `conv.` actions with a message's
 * seq; this turns them into the client's calls, keeps what the composer
 * is writing (a reply, an edit), and tells the client when someone looks,
 * so that the window's title counts what is unread.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-application.h"
#include "nexus-code.h"
#include "nexus-conversation.h"
#include "nexus-event-log.h"
#include "nexus-message-row-private.h"

#define NOTIFY_MAX_CHARS  120

struct _NexusConversation
{
  GObject parent_instance;

  /* The page's, unowned: the page owns this */
  GtkWidget *page;
  GtkTextView *composer;
  NexusComposeBar *bar;
  GtkListView *list_view;

  NexusClient *client;
  NexusMentionPopover *mentions;
  NexusEvent *target;         /* what the composer answers or edits */
  gboolean editing;
  GtkWindow *window;          /* whose activity says if someone looks */
  gint64 jumped_to;
  guint flash_id;             /* a tick callback of the list */
  guint flash_frames;
};

G_DEFINE_FINAL_TYPE (NexusConversation, nexus_conversation, G_TYPE_OBJECT)

static NexusEventLog *
get_log (NexusConversation *self)
{
  return self->client ? NEXUS_EVENT_LOG (nexus_client_get_events (self->client)) : NULL;
}

static NexusEvent *
lookup (NexusConversation *self,
        GVariant          *seq)
{
  NexusEventLog *log = get_log (self);

  return log ? nexus_event_log_lookup (log, g_variant_get_int64 (seq)) : NULL;
}

static void
toast (NexusConversation *self,
       const char        *sentence)
{
  gtk_widget_activate_action (self->page, "win.show-toast", "s", sentence);
}

/* Composing a reply or an edit */

static void
set_target (NexusConversation *self,
            NexusEvent        *target,
            gboolean           editing)
{
  g_autofree char *title = NULL;
  g_autofree char *quote = NULL;

  if (self->target != NULL)
    g_signal_handlers_disconnect_by_data (self->target, self);
  /* Leaving an edit leaves its text behind too. */
  if (self->editing && (target == NULL || !editing))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer), "", 0);
  g_set_object (&self->target, target);
  self->editing = target != NULL && editing;

  if (target != NULL)
    {
      quote = nexus_event_make_quote (target);
      if (editing)
        title = g_strdup (_("Editing your message"));
      else
        /* Translators: above the composer while writing an answer; %s is the name of
         * who wrote the message answered */
        title = g_strdup_printf (_("Replying to %s"), nexus_event_get_name (target));
    }
  nexus_compose_bar_show (self->bar, title, quote);
}

static void
cancel_if_target (NexusConversation *self,
                  NexusEvent        *event)
{
  if (self->target == event)
    set_target (self, NULL, FALSE);
}

static void
on_target_deleted (NexusConversation *self)
{
  if (self->target != NULL && nexus_event_get_deleted (self->target))
    set_target (self, NULL, FALSE);
}

static void
compose (NexusConversation *self,
         NexusEvent        *target,
         gboolean           editing)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);

  set_target (self, target, editing);
  if (target == NULL)
    return;
  g_signal_connect_object (target, "notify::deleted", G_CALLBACK (on_target_deleted), self,
                           G_CONNECT_SWAPPED);
  if (editing)
    {
      GtkTextIter end;

      gtk_text_buffer_set_text (buffer, nexus_event_get_text (target), -1);
      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_place_cursor (buffer, &end);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->composer));
}

gboolean
nexus_conversation_is_composing (NexusConversation *self)
{
  g_return_val_if_fail (NEXUS_IS_CONVERSATION (self), FALSE);

  return self->target != NULL;
}

gboolean
nexus_conversation_send (NexusConversation *self,
                         const char        *text)
{
  g_autoptr(NexusEvent) target = NULL;

  g_return_val_if_fail (NEXUS_IS_CONVERSATION (self), FALSE);

  if (self->target == NULL || self->client == NULL)
    return FALSE;
  target = g_object_ref (self->target);

  if (self->editing)
    {
      if (!nexus_client_edit (self->client, target, text))
        {
          toast (self, _("This message can no longer be edited."));
          return FALSE;
        }
      set_target (self, NULL, FALSE);
      return TRUE;
    }

  if (nexus_client_reply (self->client, text, target) == NULL)
    {
      toast (self, _("The message you answered is no longer in the room."));
      return FALSE;
    }
  set_target (self, NULL, FALSE);
  return TRUE;
}

typedef enum {
  FIND_ANY,          /* takes replies and reactions */
  FIND_OTHERS,       /* the same, of someone else */
  FIND_OWN_TEXT,     /* an own text that can be edited */
} Find;

/* The newest message before position @before that is what @find says. */
static NexusEvent *
find_message (NexusConversation *self,
              guint              before,
              Find               find)
{
  GListModel *events = self->client ? nexus_client_get_events (self->client) : NULL;

  if (events == NULL)
    return NULL;
  for (guint i = MIN (before, g_list_model_get_n_items (events)); i > 0; i--)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i - 1);

      gboolean found;

      switch (find)
        {
        case FIND_OWN_TEXT:
          found = nexus_client_can_edit (self->client, event) && !nexus_event_has_file (event);
          break;
        case FIND_OTHERS:
          found = nexus_client_can_react (self->client, event) && !nexus_event_get_is_own (event);
          break;
        case FIND_ANY:
        default:
          found = nexus_client_can_react (self->client, event);
          break;
        }
      if (found)
        return g_steal_pointer (&event);
    }
  return NULL;
}

static int
position_of (NexusConversation *self,
             NexusEvent        *event)
{
  NexusEventLog *log = get_log (self);

  return log && event ? nexus_event_log_get_position (log, event) : -1;
}

/* Alt+Up answers the message before the one answered (the newest first),
 * Alt+Down the one after, and past the newest it stops answering. */
static void
move_reply (NexusConversation *self,
            int                direction)
{
  GListModel *events = nexus_client_get_events (self->client);
  int position = self->target && !self->editing ? position_of (self, self->target) : -1;
  g_autoptr(NexusEvent) next = NULL;

  if (direction < 0)
    next = find_message (self, position >= 0 ? (guint) position
                                             : g_list_model_get_n_items (events), FIND_ANY);
  else if (position >= 0)
    for (guint i = position + 1; i < g_list_model_get_n_items (events) && next == NULL; i++)
      {
        g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

        if (nexus_client_can_react (self->client, event))
          next = g_steal_pointer (&event);
      }
  if (next != NULL || direction > 0)
    compose (self, next, FALSE);
}

gboolean
nexus_conversation_key_pressed (NexusConversation *self,
                                guint              keyval,
                                GdkModifierType    state)
{
  GtkTextBuffer *buffer;
  GdkModifierType modifiers = state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK);

  g_return_val_if_fail (NEXUS_IS_CONVERSATION (self), FALSE);

  if (self->client == NULL)
    return FALSE;
  if (nexus_mention_popover_key_pressed (self->mentions, keyval, state))
    return TRUE;

  buffer = gtk_text_view_get_buffer (self->composer);
  if (keyval == GDK_KEY_Escape && modifiers == 0 && self->target != NULL)
    {
      set_target (self, NULL, FALSE);
      return TRUE;
    }
  /* Up in an empty composer edits the newest own message. */
  if ((keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up) && modifiers == 0
      && gtk_text_buffer_get_char_count (buffer) == 0 && self->target == NULL)
    {
      g_autoptr(NexusEvent) own = find_message (self, G_MAXUINT, FIND_OWN_TEXT);

      if (own == NULL)
        return FALSE;
      compose (self, own, TRUE);
      return TRUE;
    }
  if ((keyval == GDK_KEY_r || keyval == GDK_KEY_R) && modifiers == GDK_CONTROL_MASK)
    {
      g_autoptr(NexusEvent) newest = find_message (self, G_MAXUINT, FIND_OTHERS);

      if (newest == NULL)
        newest = find_message (self, G_MAXUINT, FIND_ANY);

      if (newest != NULL)
        compose (self, newest, FALSE);
      return TRUE;
    }
  if ((keyval == GDK_KEY_Up || keyval == GDK_KEY_Down) && modifiers == GDK_ALT_MASK)
    {
      move_reply (self, keyval == GDK_KEY_Up ? -1 : 1);
      return TRUE;
    }
  return FALSE;
}

/* Jumping to a message */

static NexusMessageRow *
find_row (NexusConversation *self,
          gint64             seq)
{
  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       item != NULL; item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *child = gtk_widget_get_first_child (item);
      NexusEvent *event;

      if (!NEXUS_IS_MESSAGE_ROW (child))
        continue;
      event = nexus_message_row_get_event (NEXUS_MESSAGE_ROW (child));
      if (event != NULL && nexus_event_get_seq (event) == seq
          && nexus_event_get_kind (event) == NEXUS_EVENT_MESSAGE)
        return NEXUS_MESSAGE_ROW (child);
    }
  return NULL;
}

/* The row exists once the list has scrolled to it and laid it out: a
 * few frames at most. */
#define FLASH_FRAMES 10

static gboolean
flash_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  NexusConversation *self = user_data;
  NexusMessageRow *row = find_row (self, self->jumped_to);

  if (row == NULL && ++self->flash_frames < FLASH_FRAMES)
    return G_SOURCE_CONTINUE;
  self->flash_id = 0;
  if (row != NULL)
    nexus_message_row_flash (row);
  return G_SOURCE_REMOVE;
}

static void
jump_to_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  NexusConversation *self = user_data;
  NexusEvent *event = lookup (self, parameter);
  int position = position_of (self, event);

  if (position < 0)
    {
      toast (self, _("That message is no longer kept."));
      return;
    }
  self->jumped_to = nexus_event_get_seq (event);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                              (guint) position);
  self->flash_frames = 0;
  if (self->flash_id == 0)
    self->flash_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), flash_tick, self,
                                                   NULL);
}

/* Actions */

static void
reply_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  NexusConversation *self = user_data;
  NexusEvent *event = lookup (self, parameter);

  if (event != NULL && nexus_client_can_react (self->client, event))
    compose (self, event, FALSE);
}

static void
edit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  NexusConversation *self = user_data;
  NexusEvent *event = lookup (self, parameter);

  if (event != NULL && nexus_client_can_edit (self->client, event)
      && !nexus_event_has_file (event))
    compose (self, event, TRUE);
}

static void
delete_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  NexusConversation *self = user_data;
  NexusEvent *event = lookup (self, parameter);

  if (event == NULL)
    return;
  cancel_if_target (self, event);
  if (!nexus_client_delete (self->client, event))
    toast (self, _("This message can no longer be deleted."));
}

static void
react_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  NexusConversation *self = user_data;
  gint64 seq;
  const char *emoji;
  gboolean on;
  NexusEventLog *log = get_log (self);
  NexusEvent *event;

  g_variant_get (parameter, "(x&sb)", &seq, &emoji, &on);
  event = log ? nexus_event_log_lookup (log, seq) : NULL;
  if (event != NULL)
    nexus_client_react (self->client, event, emoji, on);
}

static void
cancel_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  NexusConversation *self = user_data;

  set_target (self, NULL, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->composer));
}

static const GActionEntry actions[] = {
  { .name = "reply", .activate = reply_action, .parameter_type = "x" },
  { .name = "edit", .activate = edit_action, .parameter_type = "x" },
  { .name = "delete", .activate = delete_action, .parameter_type = "x" },
  { .name = "react", .activate = react_action, .parameter_type = "(xsb)" },
  { .name = "jump-to", .activate = jump_to_action, .parameter_type = "x" },
  { .name = "cancel", .activate = cancel_action },
};

/* Someone looking, unread messages, mentions */

static gboolean
is_looking (NexusConversation *self)
{
  return self->window != NULL && gtk_window_is_active (self->window)
         && gtk_widget_get_mapped (self->page);
}

static void
update_title (NexusConversation *self)
{
  const char *room;
  g_autofree char *code = NULL;
  g_autofree char *title = NULL;
  guint unread;

  if (self->window == NULL)
    return;
  room = self->client ? nexus_client_get_room (self->client) : NULL;
  if (room == NULL)
    {
      gtk_window_set_title (self->window, _("Nexus Chat"));
      return;
    }
  code = nexus_code_format (room);
  unread = nexus_client_get_unread (self->client);
  if (unread > 0)
    /* Translators: the window's title while messages are unread: the count, then the
     * room's code, like “(3) K7Q-X3M” */
    title = g_strdup_printf (_("(%u) %s"), unread, code);
  gtk_window_set_title (self->window, title ? title : code);
}

static void
update_looking (NexusConversation *self)
{
  if (self->client != NULL)
    nexus_client_set_looking (self->client, is_looking (self));
}

static void
on_message (NexusConversation *self,
            NexusEvent        *event)
{
  GtkApplication *app;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  const char *text = nexus_event_get_text (event);

  if (!nexus_event_get_mentions_me (event) || is_looking (self) || self->window == NULL)
    return;
  app = gtk_window_get_application (self->window);
  if (!NEXUS_IS_APPLICATION (app))
    return;
  /* Translators: the title of a desktop notification; %s is who wrote your name */
  title = g_strdup_printf (_("%s mentioned you"), nexus_event_get_name (event));
  if (g_utf8_strlen (text, -1) > NOTIFY_MAX_CHARS)
    {
      g_autofree char *start = g_utf8_substring (text, 0, NOTIFY_MAX_CHARS);

      body = g_strconcat (start, "…", NULL);
    }
  else
    body = g_strdup (text);
  /* The same notification as the window's for any message: this one
   * takes its place. */
  nexus_application_notify (NEXUS_APPLICATION (app), title, body);
}

static void
on_refused (NexusConversation *self,
            NexusEvent        *target,
            const char        *sentence)
{
  toast (self, sentence);
}

static void
watch_window (NexusConversation *self)
{
  GtkRoot *root = gtk_widget_get_root (self->page);
  GtkWindow *window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  if (window == self->window)
    return;
  if (self->window != NULL)
    g_signal_handlers_disconnect_by_data (self->window, self);
  g_set_weak_pointer (&self->window, window);
  if (window != NULL)
    g_signal_connect_object (window, "notify::is-active", G_CALLBACK (update_looking), self,
                             G_CONNECT_SWAPPED);
}

/* GObject */

static void
nexus_conversation_dispose (GObject *object)
{
  NexusConversation *self = NEXUS_CONVERSATION (object);

  nexus_conversation_set_client (self, NULL);
  if (self->flash_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->flash_id);
  self->flash_id = 0;
  if (self->window != NULL)
    g_signal_handlers_disconnect_by_data (self->window, self);
  g_clear_weak_pointer (&self->window);
  if (self->mentions != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->mentions));
  self->mentions = NULL;

  G_OBJECT_CLASS (nexus_conversation_parent_class)->dispose (object);
}

static void
nexus_conversation_class_init (NexusConversationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nexus_conversation_dispose;
}

static void
nexus_conversation_init (NexusConversation *self)
{
}

NexusConversation *
nexus_conversation_new (GtkWidget       *page,
                        GtkTextView     *composer,
                        NexusComposeBar *bar,
                        GtkListView     *list_view)
{
  NexusConversation *self = g_object_new (NEXUS_TYPE_CONVERSATION, NULL);
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  self->page = page;
  self->composer = composer;
  self->bar = bar;
  self->list_view = list_view;
  self->mentions = nexus_mention_popover_new (composer);

  g_action_map_add_action_entries (G_ACTION_MAP (group), actions, G_N_ELEMENTS (actions), self);
  gtk_widget_insert_action_group (page, "conv", G_ACTION_GROUP (group));
  g_signal_connect_object (page, "map", G_CALLBACK (update_looking), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "unmap", G_CALLBACK (update_looking), self, G_CONNECT_SWAPPED);
  return self;
}

void
nexus_conversation_set_client (NexusConversation *self,
                               NexusClient       *client)
{
  g_return_if_fail (NEXUS_IS_CONVERSATION (self));

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  set_target (self, NULL, FALSE);
  g_set_object (&self->client, client);
  if (self->mentions != NULL)
    nexus_mention_popover_set_client (self->mentions, client);
  self->jumped_to = 0;

  watch_window (self);
  if (client != NULL)
    {
      g_signal_connect_object (client, "notify::unread", G_CALLBACK (update_title), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "notify::room", G_CALLBACK (update_title), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "message", G_CALLBACK (on_message), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      g_signal_connect_object (client, "refused", G_CALLBACK (on_refused), self,
                               G_CONNECT_SWAPPED);
      update_looking (self);
    }
  update_title (self);
}

NexusEvent *
nexus_conversation_get_target (NexusConversation *self)
{
  g_return_val_if_fail (NEXUS_IS_CONVERSATION (self), NULL);

  return self->target;
}

NexusMentionPopover *
nexus_conversation_get_mentions (NexusConversation *self)
{
  g_return_val_if_fail (NEXUS_IS_CONVERSATION (self), NULL);

  return self->mentions;
}

/* The seq of the message last jumped to, or 0. */
gint64
nexus_conversation_get_jumped_to (NexusConversation *self)
{
  g_return_val_if_fail (NEXUS_IS_CONVERSATION (self), 0);

  return self->jumped_to;
}
