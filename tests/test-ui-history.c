/* test-ui-history.c: the window test's steps for past conversations:
 * a room's conversation in Past Rooms after leaving it (by the title its
 * host gave it, when it has one, with the code below), its transcript,
 * a search that opens it at the hit, its export in three formats, its
 * deletion, and the preferences that stop keeping history and delete all
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-past-rooms.h"
#include "nexus-preferences-window.h"
#include "nexus-room-page-private.h"
#include "nexus-share-popover-private.h"
#include "nexus-transcript-window.h"
#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

static const char evil_text[] = "History <script>alert(1)</script> is 100% \"quoted\"";
static const char german_text[] = "Grüße aus Köln";

static char *history_room;   /* the grouped code of the room kept */

static NexusPastRooms *
past_rooms (void)
{
  return nexus_home_page_get_past_rooms (ui_home ());
}

/* A window's screenshot once it has its size (slow under the sanitizers). */
static void
screenshot_window (const char *name,
                   GtkWidget  *window)
{
  WAIT_UNTIL (gtk_widget_get_mapped (window) && gtk_widget_get_width (window) > 0);
  ui_screenshot_window (name, window);
}

static GtkWindow *
toplevel_message_dialog (void)
{
  return ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

static void
answer_dialog (const char *response)
{
  GtkWindow *dialog;

  WAIT_UNTIL ((dialog = toplevel_message_dialog ()) != NULL);
  /* What a click on the response's button does. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_close (dialog);
  WAIT_UNTIL (toplevel_message_dialog () == NULL);
}

/* Home, out of whatever room an earlier step left the window in. */
static void
go_home (void)
{
  if (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0)
    return;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.leave", NULL));
  ui_settle ();
  if (toplevel_message_dialog () != NULL)
    answer_dialog ("close");
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0);
}

/* The host names its room in the Invite popover, to show it nearby. */
static void
show_room_nearby_as (const char *title)
{
  NexusSharePopover *share = nexus_room_page_get_share_popover (ui_room_page ());
  GtkSwitch *show = nexus_share_popover_get_nearby_switch (share);
  AdwEntryRow *row = nexus_share_popover_get_title_row (share);

  gtk_menu_button_popup (nexus_room_page_get_share_button (ui_room_page ()));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (share)));
  if (!gtk_switch_get_active (show))
    {
      gtk_widget_activate (GTK_WIDGET (show));
      WAIT_UNTIL (gtk_switch_get_active (show));
    }
  gtk_editable_set_text (GTK_EDITABLE (row), title);
  g_signal_emit_by_name (row, "apply");
  gtk_popover_popdown (GTK_POPOVER (share));
  ui_settle ();
}

/* Hosts a room, says @texts in it and leaves; returns its grouped code.
 * With @titles, the host names the room by the first before saying
 * anything and renames it by each next one after. */
static char *
talk_in_a_titled_room (const char * const *texts,
                       const char * const *titles)
{
  NexusClient *client;
  char *code;

  go_home ();
  nexus_window_set_name (ui.window, "Ada");
  gtk_widget_activate (nexus_home_page_get_create_button (ui_home ()));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  client = nexus_window_get_client (ui.window);
  WAIT_UNTIL (nexus_client_get_state (client) == NEXUS_CLIENT_STATE_JOINED);
  code = nexus_code_format (nexus_client_get_room (client));
  if (titles != NULL && titles[0] != NULL)
    show_room_nearby_as (titles[0]);
  for (guint i = 0; texts[i] != NULL; i++)
    {
      ui_send_from_composer (texts[i]);
      WAIT_UNTIL (nexus_client_get_n_unsent (client) == 0);
    }
  WAIT_UNTIL (ui_find_row (texts[0]) != NULL);
  for (guint i = 1; titles != NULL && titles[0] != NULL && titles[i] != NULL; i++)
    show_room_nearby_as (titles[i]);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.leave", NULL));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0);
  return code;
}

static char *
talk_in_a_room (const char * const *texts)
{
  return talk_in_a_titled_room (texts, NULL);
}

/* The row of Past Rooms whose title is @title, or -1. */
static int
find_row (const char *title)
{
  NexusPastRooms *past = past_rooms ();

  for (guint i = 0; i < nexus_past_rooms_get_n_rows (past); i++)
    {
      AdwActionRow *row = nexus_past_rooms_get_row (past, i);

      if (row != NULL && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                    title) == 0)
        return (int) i;
    }
  return -1;
}

/* Scrolls Home down to Past Rooms, as a person would to see it. */
static void
show_past_rooms (void)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (past_rooms ()),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  ui_settle ();
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment)
                                        - gtk_adjustment_get_page_size (adjustment));
}

static void
search_for (const char *text)
{
  gtk_editable_set_text (nexus_past_rooms_get_search_entry (past_rooms ()), text);
  /* The search entry waits a moment for more typing before it asks. */
  WAIT_UNTIL (nexus_past_rooms_is_searching (past_rooms ()) == (*text != '\0'));
}

static NexusTranscriptWindow *
open_row (int index)
{
  NexusTranscriptWindow *window;

  g_assert_cmpint (index, >=, 0);
  window = NEXUS_TRANSCRIPT_WINDOW (nexus_past_rooms_activate_row (past_rooms (), index));
  g_assert_nonnull (window);
  WAIT_UNTIL (nexus_transcript_window_is_loaded (window)
              && gtk_widget_get_mapped (GTK_WIDGET (window)));
  return window;
}

void
test_history_past_rooms (void)
{
  static const char * const texts[] = { evil_text, german_text, NULL };
  AdwStyleManager *style = adw_style_manager_get_default ();
  NexusTranscriptWindow *transcript;
  AdwActionRow *row;
  GListModel *events;
  int index;

  gtk_window_set_default_size (GTK_WINDOW (ui.window), 720, 640);
  history_room = talk_in_a_room (texts);

  /* Past Rooms lists it, with when and who, in the language of the run. */
  WAIT_UNTIL ((index = find_row (history_room)) >= 0);
  g_assert_nonnull (ui_find_label (GTK_WIDGET (ui_home ()),
                                   SAYS ("Past Rooms", "Vergangene Räume"), FALSE));
  row = nexus_past_rooms_get_row (past_rooms (), index);
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (row), " · Ada"));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), SAYS ("Today ", "Heute ")));
  show_past_rooms ();
  ui_screenshot ("history.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  ui_screenshot ("history-dark.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 360, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) < 500);
  show_past_rooms ();
  ui_screenshot ("history-narrow.png", NULL);
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) > 500);

  /* Its transcript, read only, as it was said. */
  transcript = open_row (index);
  g_assert_cmpstr (nexus_transcript_window_get_title_text (transcript), ==, history_room);
  events = nexus_transcript_window_get_events (transcript);
  g_assert_cmpuint (g_list_model_get_n_items (events), ==, 3);
  {
    g_autoptr(NexusArchiveEvent) joined = g_list_model_get_item (events, 0);
    g_autoptr(NexusArchiveEvent) said = g_list_model_get_item (events, 1);

    g_assert_cmpint (nexus_archive_event_get_kind (joined), ==, NEXUS_EVENT_JOINED);
    g_assert_cmpstr (nexus_archive_event_get_text (said), ==, evil_text);
    g_assert_cmpstr (nexus_archive_event_get_name (said), ==, "Ada");
  }
  g_assert_nonnull (ui_find_label (GTK_WIDGET (transcript), evil_text, FALSE));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (transcript), german_text, FALSE));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (transcript),
                                   SAYS ("Ada joined · ", "Ada ist beigetreten · "), TRUE));
  screenshot_window ("transcript.png", GTK_WIDGET (transcript));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot_window ("transcript-dark.png", GTK_WIDGET (transcript));
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (transcript), 360, 600);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (transcript)) <= 400);
  screenshot_window ("transcript-narrow.png", GTK_WIDGET (transcript));
  gtk_window_destroy (GTK_WINDOW (transcript));

  /* A room its host named in the Invite popover is listed by its latest
   * title, with the code below it. */
  {
    static const char * const titled_texts[] = { "Agenda first", NULL };
    static const char * const titles[] = { "Reading Circle", "Friday Reading Circle", NULL };
    g_autofree char *code = talk_in_a_titled_room (titled_texts, titles);

    WAIT_UNTIL ((index = find_row ("Friday Reading Circle")) >= 0);
    g_assert_cmpint (find_row (code), <, 0);
    g_assert_cmpint (find_row ("Reading Circle"), <, 0);
    row = nexus_past_rooms_get_row (past_rooms (), index);
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), code));
    g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (row), " · Ada"));
    show_past_rooms ();
    ui_screenshot ("history-titled.png", NULL);
    transcript = open_row (index);
    g_assert_cmpstr (nexus_transcript_window_get_title_text (transcript), ==,
                     "Friday Reading Circle");
    screenshot_window ("transcript-titled.png", GTK_WIDGET (transcript));
    gtk_window_destroy (GTK_WINDOW (transcript));
  }
}

void
test_history_search (void)
{
  NexusTranscriptWindow *transcript;
  AdwActionRow *row;
  GtkLabel *status;

  /* Any case, across rooms; a click opens the room at the hit. */
  search_for ("KÖLN");
  WAIT_UNTIL (nexus_past_rooms_get_n_rows (past_rooms ()) == 1);
  row = nexus_past_rooms_get_row (past_rooms (), 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, german_text);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), "Ada · "));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), history_room));
  show_past_rooms ();
  ui_screenshot ("history-search.png", NULL);

  transcript = open_row (0);
  g_assert_cmpuint (nexus_transcript_window_get_marked (transcript), ==, 2);
  screenshot_window ("transcript-hit.png", GTK_WIDGET (transcript));
  gtk_window_destroy (GTK_WINDOW (transcript));

  /* What LIKE and FTS5 would read as syntax is only itself. */
  search_for ("100% \"quoted\"");
  WAIT_UNTIL (nexus_past_rooms_get_n_rows (past_rooms ()) == 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
                     nexus_past_rooms_get_row (past_rooms (), 0))), ==, evil_text);

  /* Nothing found is a sentence. */
  search_for ("nowhere to be found");
  WAIT_UNTIL ((status = ui_find_label (GTK_WIDGET (past_rooms ()),
                                       SAYS ("No message holds that text.",
                                             "Keine Nachricht enthält diesen Text."),
                                       FALSE)) != NULL);
  g_assert_cmpuint (nexus_past_rooms_get_n_rows (past_rooms ()), ==, 0);

  /* Cleared, the rooms are back. */
  search_for ("");
  WAIT_UNTIL (find_row (history_room) >= 0);
}

static char *
export_as (NexusTranscriptWindow *transcript,
           NexusArchiveFormat     format,
           const char            *dir)
{
  g_autofree char *name = g_strdup_printf ("room.%s", nexus_archive_format_extension (format));
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *said = g_strdup_printf (SAYS ("Saved as %s", "Gespeichert als %s"), name);
  char *contents = NULL;

  nexus_transcript_window_export_to (transcript, format, file);
  WAIT_UNTIL (g_strcmp0 (nexus_transcript_window_get_status (transcript), said) == 0);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

void
test_history_export_delete (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nexus-export-XXXXXX", NULL);
  g_autofree char *html = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  NexusTranscriptWindow *transcript;
  JsonArray *events;
  int index;

  WAIT_UNTIL ((index = find_row (history_room)) >= 0);
  transcript = open_row (index);

  /* The three formats, each what it claims, the script never a tag. */
  html = export_as (transcript, NEXUS_ARCHIVE_FORMAT_HTML, dir);
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_null (strstr (html, "<script"));
  g_assert_nonnull (strstr (html, "History &lt;script&gt;alert(1)&lt;/script&gt; is 100% "
                                  "&quot;quoted&quot;"));
  g_assert_nonnull (strstr (html, german_text));
  text = export_as (transcript, NEXUS_ARCHIVE_FORMAT_TEXT, dir);
  g_assert_true (g_str_has_prefix (text, history_room));
  g_assert_nonnull (strstr (text, "] Ada: History <script>alert(1)</script> is 100% \"quoted\"\n"));
  json = export_as (transcript, NEXUS_ARCHIVE_FORMAT_JSON, dir);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "events");
  g_assert_cmpuint (json_array_get_length (events), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 2),
                                                  "text"), ==, german_text);

  /* Deleting asks first; the room is gone from Past Rooms. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (transcript), "transcript.delete", NULL));
  WAIT_UNTIL (toplevel_message_dialog () != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (toplevel_message_dialog ())),
                   ==, SAYS ("Delete This Conversation?", "Dieses Gespräch löschen?"));
  screenshot_window ("transcript-delete.png", GTK_WIDGET (toplevel_message_dialog ()));
  answer_dialog ("confirm");
  WAIT_UNTIL (ui_find_toplevel (NEXUS_TYPE_TRANSCRIPT_WINDOW) == NULL);
  WAIT_UNTIL (nexus_past_rooms_get_n_rows (past_rooms ()) > 0 || find_row (history_room) < 0);
  WAIT_UNTIL (find_row (history_room) < 0);

  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *entry;

    while ((entry = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, entry, NULL);

        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

/* The rooms the archive lists, asked after everything recorded so far. */
static GListModel *
archive_rooms (NexusArchive *archive)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *rooms;

  nexus_archive_list_rooms_async (archive, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  rooms = nexus_archive_list_rooms_finish (archive, result, &error);
  g_assert_no_error (error);
  return rooms;
}

/* Whether the archive lists a room of grouped code @code. */
static gboolean
archive_has_room (NexusArchive *archive,
                  const char   *code)
{
  g_autoptr(GListModel) rooms = archive_rooms (archive);

  for (guint i = 0; i < g_list_model_get_n_items (rooms); i++)
    {
      g_autoptr(NexusArchiveRoom) room = g_list_model_get_item (rooms, i);

      if (g_strcmp0 (nexus_archive_room_get_label (room), code) == 0)
        return TRUE;
    }
  return FALSE;
}

/* After months of use Home lists the newest 20 rooms, and "Show All". */
void
test_history_show_all (void)
{
  NexusArchive *archive = nexus_application_get_archive (ui.app);
  g_autoptr(GListModel) rooms = NULL;
  guint n;

  for (guint i = 0; i < 21; i++)
    {
      g_autofree char *code = g_strdup_printf ("OLD%03u", i);
      g_autofree char *key = nexus_archive_room_key (code, "10.0.0.9", 47474);
      g_autoptr(GDateTime) when = g_date_time_new_now_utc ();
      g_autoptr(NexusEvent) said = nexus_event_new (NEXUS_EVENT_MESSAGE, 1, when, "Old", "old", NULL);

      nexus_archive_begin_room (archive, key, code, "10.0.0.9", 47474, "Ada", FALSE);
      nexus_archive_add_event (archive, key, said);
    }
  /* However many earlier steps left. */
  rooms = archive_rooms (archive);
  n = g_list_model_get_n_items (rooms);
  g_assert_cmpuint (n, >=, 21);
  WAIT_UNTIL (nexus_past_rooms_get_n_rows (past_rooms ()) == 21
              && nexus_past_rooms_get_row (past_rooms (), 20) == NULL);
  {
    g_autofree char *label = g_strdup_printf (SAYS ("Show All %u Rooms", "Alle %u Räume zeigen"),
                                              n);

    show_past_rooms ();
    /* Drawn once the scrolled list has laid it out. */
    WAIT_UNTIL (ui_find_label (GTK_WIDGET (past_rooms ()), label, FALSE) != NULL);
  }
  ui_screenshot ("history-show-all.png", NULL);
  g_assert_null (nexus_past_rooms_activate_row (past_rooms (), 20));
  WAIT_UNTIL (nexus_past_rooms_get_n_rows (past_rooms ()) == n);
  g_assert_nonnull (nexus_past_rooms_get_row (past_rooms (), n - 1));
}

void
test_history_preferences (void)
{
  static const char * const texts[] = { "said while history is off", NULL };
  NexusArchive *archive = nexus_application_get_archive (ui.app);
  NexusPreferencesWindow *preferences;
  GtkSwitch *keep;
  g_autofree char *code = NULL;

  g_assert_true (nexus_archive_get_enabled (archive));
  g_action_group_activate_action (G_ACTION_GROUP (ui.app), "preferences", NULL);
  WAIT_UNTIL ((preferences = NEXUS_PREFERENCES_WINDOW (
                 ui_find_toplevel (NEXUS_TYPE_PREFERENCES_WINDOW))) != NULL
              && gtk_widget_get_mapped (GTK_WIDGET (preferences)));
  keep = nexus_preferences_window_get_keep_switch (preferences);
  g_assert_true (gtk_switch_get_active (keep));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (preferences),
                                   SAYS ("_Keep Conversations", "Gespräche _behalten"), FALSE));
  screenshot_window ("preferences.png", GTK_WIDGET (preferences));

  /* Off: a room's conversation is not kept. */
  gtk_switch_set_active (keep, FALSE);
  g_assert_false (nexus_archive_get_enabled (archive));
  g_assert_false (g_settings_get_boolean (nexus_application_get_settings (ui.app), "keep-history"));
  gtk_window_close (GTK_WINDOW (preferences));
  code = talk_in_a_room (texts);
  search_for ("history is off");
  WAIT_UNTIL (ui_find_label (GTK_WIDGET (past_rooms ()),
                             SAYS ("No message holds that text.",
                                   "Keine Nachricht enthält diesen Text."), FALSE) != NULL);
  search_for ("");
  g_assert_false (archive_has_room (archive, code));

  /* On again, and Delete All asks, then leaves nothing. */
  g_action_group_activate_action (G_ACTION_GROUP (ui.app), "preferences", NULL);
  WAIT_UNTIL ((preferences = NEXUS_PREFERENCES_WINDOW (
                 ui_find_toplevel (NEXUS_TYPE_PREFERENCES_WINDOW))) != NULL);
  keep = nexus_preferences_window_get_keep_switch (preferences);
  gtk_switch_set_active (keep, TRUE);
  g_assert_true (nexus_archive_get_enabled (archive));
  gtk_widget_activate (nexus_preferences_window_get_delete_button (preferences));
  WAIT_UNTIL (toplevel_message_dialog () != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (toplevel_message_dialog ())),
                   ==, SAYS ("Delete All History?", "Den ganzen Verlauf löschen?"));
  screenshot_window ("preferences-delete.png", GTK_WIDGET (toplevel_message_dialog ()));
  answer_dialog ("confirm");
  WAIT_UNTIL (ui_find_label (GTK_WIDGET (preferences),
                             SAYS ("All history was deleted", "Der ganze Verlauf wurde gelöscht"),
                             FALSE) != NULL);
  gtk_window_close (GTK_WINDOW (preferences));
  WAIT_UNTIL (!gtk_widget_get_visible (gtk_widget_get_first_child (GTK_WIDGET (past_rooms ()))));
  g_clear_pointer (&history_room, g_free);
}

/* A history file that cannot be read is set aside, and Home says so. */
void
test_history_set_aside (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nexus-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.sqlite", NULL);
  g_autoptr(NexusArchive) archive = NULL;
  GtkWidget *window = gtk_window_new ();
  NexusPastRooms *past = g_object_new (NEXUS_TYPE_PAST_ROOMS, NULL);
  GtkLabel *said = NULL;

  g_assert_true (g_file_set_contents (path, "not a database, not at all", -1, NULL));
  archive = nexus_archive_new (path);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (past));
  gtk_window_set_default_size (GTK_WINDOW (window), 420, 300);
  gtk_window_present (GTK_WINDOW (window));
  nexus_past_rooms_set_archive (past, archive);
  WAIT_UNTIL ((said = ui_find_label (GTK_WIDGET (past), SAYS ("The past conversations in ",
                                                               "Die vergangenen Gespräche in "),
                                     TRUE)) != NULL);
  g_assert_nonnull (strstr (gtk_label_get_label (said),
                            SAYS ("could not be read, so the file was set aside as",
                                  "konnten nicht gelesen werden, daher wurde die Datei als")));
  screenshot_window ("history-set-aside.png", window);
  gtk_window_destroy (GTK_WINDOW (window));

  g_clear_object (&archive);
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *entry;

    while ((entry = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *file = g_build_filename (dir, entry, NULL);

        g_unlink (file);
      }
  }
  g_rmdir (dir);
}
