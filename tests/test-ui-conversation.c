/* test-ui-conversation.c: the window test's steps for the conversation:
 * unread messages and a mention while another window is in front, a
 * reply and its quote, editing with Up, reactions, a delete, and `@`
 * completion; in English and in German
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "nexus-code.h"
#include "nexus-event-log.h"
#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

#define THUMBS "\xF0\x9F\x91\x8D"
#define PARTY "\xF0\x9F\x8E\x89"

/* Brings @window to the front. gtk_window_present() on X11 asks with the
 * time of the last input, which an X server without a window manager
 * refuses once another window took the focus since: ask with the
 * server's time now. */
static void
bring_to_front (GtkWindow *window)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  if (GDK_IS_X11_SURFACE (surface))
    {
      gtk_window_present_with_time (window, gdk_x11_get_server_time (surface));
      return;
    }
#endif
  gtk_window_present (window);
}

/* The German run has no Bob yet: this step brings its own, and sends
 * him away again at the end. */
static gboolean own_bob;

static JsonObject *
bob_expects (const char *type)
{
  for (;;)
    {
      JsonObject *frame = nexus_test_client_next (ui.bob);

      if (g_strcmp0 (json_object_get_string_member (frame, "type"), type) == 0)
        return frame;
      json_object_unref (frame);
    }
}

/* Bob says @text (no quotes or backslashes in it); returns its seq. */
static gint64
bob_says (const char *text,
          const char *id)
{
  g_autoptr(JsonObject) message = NULL;

  g_assert_null (strpbrk (text, "\"\\"));
  nexus_test_client_sendf (ui.bob, "{\"type\":\"say\",\"text\":\"%s\",\"id\":\"%s\"}", text, id);
  for (;;)
    {
      g_clear_pointer (&message, json_object_unref);
      message = bob_expects ("message");
      if (g_strcmp0 (json_object_get_string_member (message, "id"), id) == 0)
        return json_object_get_int_member (message, "seq");
    }
}

/* A key pressed in the composer, through its own controller. */
static gboolean
press_in_composer (guint           keyval,
                   GdkModifierType state)
{
  GtkWidget *composer = GTK_WIDGET (nexus_room_page_get_composer (ui_room_page ()));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (composer);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      gboolean handled = FALSE;

      if (!GTK_IS_EVENT_CONTROLLER_KEY (controller)
          || gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_CAPTURE)
        continue;
      g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
      return handled;
    }
  g_assert_not_reached ();
}

static char *
composer_text (void)
{
  GtkTextBuffer *buffer = ui_composer_buffer (ui_room_page ());
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
compose_title (void)
{
  return nexus_compose_bar_get_title (nexus_room_page_get_compose_bar (ui_room_page ()));
}

static NexusMessageRow *
row_of (NexusEvent *event)
{
  GtkWidget *list = GTK_WIDGET (nexus_room_page_get_list_view (ui_room_page ()));

  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *child = gtk_widget_get_first_child (item);

      if (NEXUS_IS_MESSAGE_ROW (child) && gtk_widget_get_mapped (child)
          && nexus_message_row_get_event (NEXUS_MESSAGE_ROW (child)) == event)
        return NEXUS_MESSAGE_ROW (child);
    }
  return NULL;
}

static gboolean
has_notification (const char *text)
{
  for (guint i = 0; i < ui.notifications->len; i++)
    if (g_strcmp0 (ui.notifications->pdata[i], text) == 0)
      return TRUE;
  return FALSE;
}

static NexusEvent *
event_of (gint64 seq)
{
  NexusClient *client = nexus_window_get_client (ui.window);
  NexusEvent *event;

  WAIT_UNTIL ((event = nexus_event_log_lookup (NEXUS_EVENT_LOG (nexus_client_get_events (client)),
                                               seq)) != NULL);
  return event;
}

/* While another window is in front, Bob's messages count in the title,
 * the first of them has the "New messages" line, and the one that names
 * Ada is highlighted and notified; looking clears the count. */
static void
step_unread_and_mention (gint64 *question)
{
  g_autofree char *code = nexus_code_format (ui.room);
  g_autofree char *title = NULL;
  g_autofree char *notified = NULL;
  NexusEvent *first;
  NexusMessageRow *row;
  GtkWidget *other;

  /* Looked at: nothing unread, the code alone in the title. */
  bring_to_front (GTK_WINDOW (ui.window));
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (ui.window)));
  g_assert_cmpuint (nexus_client_get_unread (nexus_window_get_client (ui.window)), ==, 0);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (ui.window)), ==, code);

  other = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (other));
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (other))
              && !gtk_window_is_active (GTK_WINDOW (ui.window)));

  first = event_of (bob_says (SAYS ("Ada, did you get the budget?",
                                    "Ada, hast du das Budget bekommen?"), "cv1"));
  *question = bob_says (SAYS ("@ada the numbers for March, please",
                              "@ada die Zahlen für März, bitte"), "cv2");
  title = g_strdup_printf ("(2) %s", code);
  WAIT_UNTIL (g_strcmp0 (gtk_window_get_title (GTK_WINDOW (ui.window)), title) == 0);
  WAIT_UNTIL ((row = row_of (event_of (*question))) != NULL);
  g_assert_true (gtk_widget_has_css_class (nexus_message_row_get_bubble (row), "mention"));
  WAIT_UNTIL (row_of (first) != NULL);
  g_assert_true (nexus_message_row_shows_divider (row_of (first)));
  g_assert_false (nexus_message_row_shows_divider (row));
  g_assert_false (gtk_widget_has_css_class (nexus_message_row_get_bubble (row_of (first)),
                                            "mention"));
  notified = g_strdup_printf ("%s: %s", SAYS ("Bob mentioned you", "Bob hat Sie erwähnt"),
                              SAYS ("@ada the numbers for March, please",
                                    "@ada die Zahlen für März, bitte"));
  WAIT_UNTIL (has_notification (notified));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (ui_room_page ()),
                                   SAYS ("New messages", "Neue Nachrichten"), FALSE));
  ui_screenshot ("conversation-unread.png", NULL);

  /* Looking: the count goes, the line stays where it was. */
  gtk_window_destroy (GTK_WINDOW (other));
  bring_to_front (GTK_WINDOW (ui.window));
  WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (ui.window)));
  WAIT_UNTIL (g_strcmp0 (gtk_window_get_title (GTK_WINDOW (ui.window)), code) == 0);
  g_assert_cmpuint (nexus_client_get_unread (nexus_window_get_client (ui.window)), ==, 0);
  g_assert_true (nexus_message_row_shows_divider (row_of (first)));
}

/* Reply from the row's button, the quote in the log, and a click on it
 * jumps to the original; Ctrl+R and Alt+Up choose, Escape cancels. */
static NexusEvent *
step_reply (gint64 question)
{
  NexusConversation *conversation = nexus_room_page_get_conversation (ui_room_page ());
  NexusMessageRow *row = row_of (event_of (question));
  g_autoptr(JsonObject) message = NULL;
  JsonObject *reply;
  const char *answer = SAYS ("1200 in total, see the sheet", "1200 insgesamt, siehe Tabelle");
  NexusEvent *mine;
  NexusMessageRow *mine_row;
  g_autofree char *replying = NULL;

  replying = g_strdup_printf (SAYS ("Replying to %s", "Antwort an %s"), "Bob");
  /* A button's activation clicks it once it has shown itself pressed. */
  g_assert_true (gtk_widget_activate (nexus_message_row_get_reply_button (row)));
  WAIT_UNTIL (g_strcmp0 (compose_title (), replying) == 0);
  ui_screenshot ("conversation-replying.png", NULL);
  ui_type_into_composer (answer);
  g_assert_true (press_in_composer (GDK_KEY_Return, 0));
  g_assert_null (compose_title ());

  message = bob_expects ("message");
  g_assert_cmpstr (json_object_get_string_member (message, "text"), ==, answer);
  reply = json_object_get_object_member (message, "reply");
  g_assert_nonnull (reply);
  g_assert_cmpint (json_object_get_int_member (reply, "seq"), ==, question);
  mine = event_of (json_object_get_int_member (message, "seq"));
  WAIT_UNTIL ((mine_row = row_of (mine)) != NULL);
  g_assert_nonnull (nexus_message_row_get_quote_button (mine_row));
  g_assert_nonnull (ui_find_label (nexus_message_row_get_quote_button (mine_row),
                                   SAYS ("@ada the numbers for March, please",
                                         "@ada die Zahlen für März, bitte"), FALSE));
  g_assert_true (gtk_widget_activate (nexus_message_row_get_quote_button (mine_row)));
  WAIT_UNTIL (nexus_conversation_get_jumped_to (conversation) == question);
  /* The original lights up for a moment. */
  WAIT_UNTIL (row_of (event_of (question)) != NULL
              && nexus_message_row_is_flashing (row_of (event_of (question))));

  /* Ctrl+R answers the newest message of someone else; Alt+Up the one
   * before; Escape stops. */
  g_assert_true (press_in_composer (GDK_KEY_r, GDK_CONTROL_MASK));
  g_assert_true (nexus_conversation_get_target (conversation) == event_of (question));
  g_assert_true (press_in_composer (GDK_KEY_Up, GDK_ALT_MASK));
  g_assert_cmpint (nexus_event_get_seq (nexus_conversation_get_target (conversation)), <,
                   question);
  g_assert_true (press_in_composer (GDK_KEY_Escape, 0));
  g_assert_null (compose_title ());
  g_assert_null (nexus_conversation_get_target (conversation));
  return mine;
}

/* Up in the empty composer edits the newest own message. */
static void
step_edit (NexusEvent *mine)
{
  const char *edited = SAYS ("1250 in total, see the sheet", "1250 insgesamt, siehe Tabelle");
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) frame = NULL;

  ui_type_into_composer ("");
  g_assert_true (press_in_composer (GDK_KEY_Up, 0));
  text = composer_text ();
  g_assert_cmpstr (text, ==, nexus_event_get_text (mine));
  g_assert_cmpstr (compose_title (), ==, SAYS ("Editing your message", "Ihre Nachricht bearbeiten"));
  gtk_text_buffer_set_text (ui_composer_buffer (ui_room_page ()), edited, -1);
  g_assert_true (press_in_composer (GDK_KEY_Return, 0));
  frame = bob_expects ("edited");
  g_assert_cmpstr (json_object_get_string_member (frame, "text"), ==, edited);
  WAIT_UNTIL (nexus_event_get_edited (mine));
  WAIT_UNTIL (row_of (mine) != NULL && nexus_message_row_shows_edited (row_of (mine)));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (row_of (mine)),
                                   SAYS ("edited", "bearbeitet"), FALSE));
  g_clear_pointer (&text, g_free);
  text = composer_text ();
  g_assert_cmpstr (text, ==, "");
}

/* From the message's menu, then from its reactions: counts, who, and a
 * click takes one's own away again. */
static void
step_react (gint64      question,
            NexusEvent *mine)
{
  NexusEvent *event = event_of (question);
  NexusMessageMenu *menu = nexus_message_row_open_menu (row_of (event));
  NexusReactionsBar *bar;
  GtkWidget *button;
  g_autoptr(JsonObject) reacted = NULL;

  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (menu)));
  g_assert_nonnull (nexus_message_menu_find (menu, SAYS ("_Reply", "_Antworten")));
  g_assert_null (nexus_message_menu_find (menu, SAYS ("_Edit", "_Bearbeiten")));
  ui_screenshot ("conversation-menu.png", GTK_WIDGET (menu));
  g_assert_true (gtk_widget_activate (nexus_message_menu_find (menu, THUMBS)));
  reacted = bob_expects ("reacted");
  g_assert_cmpstr (json_object_get_string_member (reacted, "emoji"), ==, THUMBS);
  g_assert_true (json_object_get_boolean_member (reacted, "on"));
  WAIT_UNTIL (!gtk_widget_get_visible (GTK_WIDGET (menu)));

  nexus_test_client_sendf (ui.bob, "{\"type\":\"react\",\"id\":\"cv3\",\"target\":%" G_GINT64_FORMAT
                           ",\"emoji\":\"" THUMBS "\",\"on\":true}", question);
  nexus_test_client_sendf (ui.bob, "{\"type\":\"react\",\"id\":\"cv4\",\"target\":%" G_GINT64_FORMAT
                           ",\"emoji\":\"" PARTY "\",\"on\":true}", nexus_event_get_seq (mine));
  WAIT_UNTIL (nexus_event_get_n_reactors (event, THUMBS) == 2);
  WAIT_UNTIL (nexus_event_get_n_reactors (mine, PARTY) == 1);
  bar = nexus_message_row_get_reactions (row_of (event));
  button = nexus_reactions_bar_get_button (bar, THUMBS);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, THUMBS " 2");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Ada, Bob");
  g_assert_true (gtk_widget_has_css_class (button, "own"));
  button = nexus_reactions_bar_get_button (nexus_message_row_get_reactions (row_of (mine)), PARTY);
  g_assert_false (gtk_widget_has_css_class (button, "own"));
  gtk_widget_activate_action (GTK_WIDGET (ui_room_page ()), "room.scroll-to-bottom", NULL);
  nexus_room_page_focus_composer (ui_room_page ());
  WAIT_UNTIL (row_of (event) != NULL && !nexus_message_row_is_flashing (row_of (event)));
  ui_screenshot ("conversation.png", NULL);

  /* A click on one's own takes it away. */
  button = nexus_reactions_bar_get_button (bar, THUMBS);
  g_assert_true (gtk_widget_activate (button));
  g_clear_pointer (&reacted, json_object_unref);
  do
    {
      g_clear_pointer (&reacted, json_object_unref);
      reacted = bob_expects ("reacted");
    }
  while (g_strcmp0 (json_object_get_string_member (reacted, "name"), "Ada") != 0);
  g_assert_false (json_object_get_boolean_member (reacted, "on"));
  WAIT_UNTIL (nexus_event_get_n_reactors (event, THUMBS) == 1);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (nexus_reactions_bar_get_button (bar, THUMBS))),
                   ==, THUMBS " 1");
}

/* A right click on a message opens its menu where it was clicked. */
static void
step_context_menu (NexusEvent *mine)
{
  NexusMessageRow *row = row_of (mine);
  GtkWidget *bubble = nexus_message_row_get_bubble (row);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (bubble);
  NexusMessageMenu *menu;
  gboolean clicked = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !clicked; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller)
          && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
        {
          g_signal_emit_by_name (controller, "pressed", 1, 20.0, 10.0);
          clicked = TRUE;
        }
    }
  g_assert_true (clicked);
  menu = nexus_message_row_get_context_menu (row);
  g_assert_nonnull (menu);
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (menu)));
  /* One's own message: edit and delete too. */
  g_assert_nonnull (nexus_message_menu_find (menu, SAYS ("_Edit", "_Bearbeiten")));
  g_assert_nonnull (nexus_message_menu_find (menu, SAYS ("_Delete", "_Löschen")));
  gtk_popover_popdown (GTK_POPOVER (menu));
  WAIT_UNTIL (!gtk_widget_get_mapped (GTK_WIDGET (menu)));
}

/* Delete, from the menu: "Message deleted" in place, for everyone. */
static void
step_delete (void)
{
  NexusClient *client = nexus_window_get_client (ui.window);
  NexusEvent *doomed = nexus_client_say (client, SAYS ("Sent to the wrong room",
                                                       "Im falschen Raum gesendet"));
  NexusMessageMenu *menu;
  g_autoptr(JsonObject) frame = NULL;

  g_object_ref (doomed);
  WAIT_UNTIL (nexus_event_get_seq (doomed) > 0 && row_of (doomed) != NULL);
  menu = nexus_message_row_open_menu (row_of (doomed));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (menu)));
  g_assert_nonnull (nexus_message_menu_find (menu, SAYS ("_Edit", "_Bearbeiten")));
  g_assert_true (gtk_widget_activate (nexus_message_menu_find (menu, SAYS ("_Delete",
                                                                           "_Löschen"))));
  frame = bob_expects ("deleted");
  g_assert_cmpint (json_object_get_int_member (frame, "target"), ==, nexus_event_get_seq (doomed));
  WAIT_UNTIL (nexus_event_get_deleted (doomed));
  WAIT_UNTIL (row_of (doomed) != NULL);
  g_assert_cmpstr (nexus_message_row_get_shown_text (row_of (doomed)), ==,
                   SAYS ("Message deleted", "Nachricht gelöscht"));
  g_object_unref (doomed);
}

/* Typing `@` offers the members; Tab writes the name. */
static void
step_mention_completion (void)
{
  NexusMentionPopover *popover =
    nexus_conversation_get_mentions (nexus_room_page_get_conversation (ui_room_page ()));
  GStrv names;
  g_autofree char *text = NULL;

  ui_type_into_composer (SAYS ("Thanks @b", "Danke @b"));
  WAIT_UNTIL ((names = nexus_mention_popover_get_names (popover)) != NULL);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "Bob");
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  ui_screenshot ("conversation-mention.png", GTK_WIDGET (popover));
  g_assert_true (press_in_composer (GDK_KEY_Tab, 0));
  text = composer_text ();
  g_assert_cmpstr (text, ==, SAYS ("Thanks @Bob ", "Danke @Bob "));
  g_assert_null (nexus_mention_popover_get_names (popover));
  /* Not one's own name, and nothing after a word. */
  ui_type_into_composer ("@A");
  ui_settle ();
  g_assert_null (nexus_mention_popover_get_names (popover));
  ui_type_into_composer ("mail@b");
  ui_settle ();
  g_assert_null (nexus_mention_popover_get_names (popover));
  ui_type_into_composer ("");
}

void
test_conversation (void)
{
  NexusServer *server = nexus_application_get_server (ui.app);
  gint64 question = 0;
  NexusEvent *mine;

  if (ui.bob == NULL)
    {
      g_autoptr(JsonObject) welcome = NULL;

      ui.bob = nexus_test_client_new (nexus_server_get_port (server), NULL);
      welcome = nexus_test_client_join (ui.bob, ui.room, "Bob");
      own_bob = TRUE;
    }

  step_unread_and_mention (&question);
  mine = step_reply (question);
  step_edit (mine);
  step_react (question, mine);
  step_context_menu (mine);
  step_delete ();
  step_mention_completion ();
}

/* The same conversation, dark and on a phone's width. */
void
test_conversation_looks (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  ui_screenshot ("conversation-dark.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  ui_screenshot_narrow ("conversation-narrow.png");

  if (own_bob)
    {
      nexus_test_client_send (ui.bob, "{\"type\":\"leave\"}");
      nexus_test_client_wait_closed (ui.bob);
      g_clear_pointer (&ui.bob, nexus_test_client_free);
      own_bob = FALSE;
    }
}
