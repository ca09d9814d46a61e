/* test-ui-nearby.c: the window test's steps on the network: a room shown
 * nearby, the network doctor, joining with the code alone and from the
 * list of rooms nearby, and the window without Avahi
 *
 * The window's system bus is a fake Avahi's (tests/nexus-fake-avahi.h),
 * so whatever the window announces, a NexusNearby of the test sees, and
 * a second server in this process plays another host on the network.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-announcer.h"
#include "nexus-code.h"
#include "nexus-fake-avahi.h"
#include "nexus-nearby.h"
#include "nexus-nearby-list.h"
#include "nexus-past-rooms.h"
#include "nexus-share-popover-private.h"
#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

/* The fake Avahi the window sees, made by test-ui.c before the app. */
NexusFakeAvahi *ui_fake_avahi;

static NexusNearbyRoom *
find_nearby_room (NexusNearby *nearby,
                  const char  *title)
{
  GListModel *rooms = nexus_nearby_get_rooms (nearby);

  for (guint i = 0; i < g_list_model_get_n_items (rooms); i++)
    {
      g_autoptr(NexusNearbyRoom) room = g_list_model_get_item (rooms, i);

      if (g_strcmp0 (nexus_nearby_room_get_title (room), title) == 0)
        return room; /* the model keeps it */
    }
  return NULL;
}

static GtkWidget *
find_list_row (GtkListBox *box,
               const char *title)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (box)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_PREFERENCES_ROW (row)
        && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
      return row;
  return NULL;
}

static void
scroll_to_end (GtkWidget *scrolled_window)
{
  GtkAdjustment *adjustment =
    gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled_window));

  ui_settle ();
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

/* The host shows its room nearby from the Invite popover, and the network
 * doctor says who can reach it: bound to loopback (the test's --bind),
 * only this computer. */
void
test_nearby_host (void)
{
  NexusSharePopover *share = nexus_room_page_get_share_popover (ui_room_page ());
  NexusClient *client = nexus_window_get_client (ui.window);
  g_autoptr(NexusNearby) nearby = nexus_nearby_new ();
  GtkSwitch *show = nexus_share_popover_get_nearby_switch (share);
  AdwEntryRow *title = nexus_share_popover_get_title_row (share);
  NexusNearbyRoom *room;
  g_autofree char *findings = NULL;

  g_assert_true (nexus_window_is_hosting (ui.window));
  gtk_menu_button_popup (nexus_room_page_get_share_button (ui_room_page ()));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (share)));

  /* The doctor: this computer's addresses, and why nobody else can join. */
  WAIT_UNTIL ((findings = nexus_share_popover_get_findings_text (share)) != NULL);
  g_assert_nonnull (strstr (findings, "--bind 127.0.0.1"));
  g_assert_nonnull (find_list_row (nexus_share_popover_get_addresses_box (share), "127.0.0.1"));

  /* Hidden until the host says otherwise; then under the host's name. */
  g_assert_false (gtk_switch_get_active (show));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (title)));
  gtk_widget_activate (GTK_WIDGET (show));
  WAIT_UNTIL (gtk_switch_get_active (show));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (title)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title)), ==, "Ada");
  WAIT_UNTIL ((room = find_nearby_room (nearby, "Ada")) != NULL);
  g_assert_cmpuint (nexus_nearby_room_get_n_members (room), ==,
                    nexus_client_get_n_members (client));
  g_assert_cmpstr (nexus_nearby_room_get_address (room), ==, "127.0.0.1");

  /* A title of the host's own choosing. */
  gtk_editable_set_text (GTK_EDITABLE (title), "Team Standup");
  g_signal_emit_by_name (title, "apply");
  WAIT_UNTIL (find_nearby_room (nearby, "Team Standup") != NULL);
  g_assert_null (find_nearby_room (nearby, "Ada"));
  /* The popover scrolls on a small screen: its end, the doctor, in view. */
  scroll_to_end (gtk_popover_get_child (GTK_POPOVER (share)));
  ui_screenshot ("share-nearby.png", GTK_WIDGET (share));
  gtk_popover_popdown (GTK_POPOVER (share));
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 360, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) < 500);
  gtk_menu_button_popup (nexus_room_page_get_share_button (ui_room_page ()));
  WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (share)));
  scroll_to_end (gtk_popover_get_child (GTK_POPOVER (share)));
  ui_screenshot ("share-nearby-narrow.png", GTK_WIDGET (share));
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) > 500);

  /* Hidden again: gone from the list of every guest. */
  gtk_widget_activate (GTK_WIDGET (show));
  WAIT_UNTIL (!gtk_switch_get_active (show));
  WAIT_UNTIL (find_nearby_room (nearby, "Team Standup") == NULL);
  gtk_popover_popdown (GTK_POPOVER (share));
  ui_settle ();
}

/* Another host on the network, in this process: a server, its
 * announcement, and Dee in a room of hers. */
typedef struct {
  NexusServer *server;
  NexusAnnouncer *announcer;
  NexusTestClient *dee;
  char *code;
} OtherHost;

/* Whether the fake Avahi publishes, for the service on @port, a TXT
 * record that lists a room (its `codes` are not empty). */
static gboolean
announces_a_room (guint port)
{
  g_auto(GStrv) names = nexus_fake_avahi_dup_service_names (ui_fake_avahi);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autoptr(GVariant) txt = NULL;
      GVariantIter iter;
      GVariant *item;

      if (nexus_fake_avahi_get_port (ui_fake_avahi, names[i]) != port)
        continue;
      txt = nexus_fake_avahi_dup_txt (ui_fake_avahi, names[i]);
      if (txt == NULL)
        continue;
      g_variant_iter_init (&iter, txt);
      while ((item = g_variant_iter_next_value (&iter)) != NULL)
        {
          gsize length = 0;
          const char *bytes = g_variant_get_fixed_array (item, &length, 1);
          gboolean listed = length > strlen ("codes=")
                            && strncmp (bytes, "codes=", strlen ("codes=")) == 0;

          g_variant_unref (item);
          if (listed)
            return TRUE;
        }
    }
  return FALSE;
}

static void
other_host_start (OtherHost *host)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) welcome = NULL;

  host->server = nexus_server_new (NULL);
  g_assert_true (nexus_server_listen (host->server, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error));
  g_assert_no_error (error);
  host->announcer = nexus_announcer_new (host->server);
  host->dee = nexus_test_client_new (nexus_server_get_port (host->server), NULL);
  welcome = nexus_test_client_create (host->dee, "Dee");
  host->code = g_strdup (json_object_get_string_member (welcome, "room"));
  /* The announcement follows a new room within a second: a guest that
   * looks before then rightly finds nothing. */
  WAIT_UNTIL (announces_a_room (nexus_server_get_port (host->server)));
}

static void
other_host_stop (OtherHost *host)
{
  g_clear_pointer (&host->dee, nexus_test_client_free);
  g_clear_object (&host->announcer);
  g_clear_object (&host->server);
  g_clear_pointer (&host->code, g_free);
}

static void
leave_as_guest (void)
{
  g_assert_false (nexus_window_is_hosting (ui.window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui.window), "win.leave", NULL));
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "home") == 0);
  ui_settle ();
}

/* A guest types the code alone, as it was read out to them, and is in. A
 * code nobody on the network has gets a sentence, and the host's address
 * is asked for. */
void
test_code_only_join (void)
{
  NexusHomePage *home = ui_home ();
  OtherHost host = { 0 };
  g_autofree char *lower = NULL;
  g_autofree char *spoken = NULL;
  NexusClient *client;

  other_host_start (&host);
  /* “k7q x3m”: how people type what they hear. */
  lower = g_ascii_strdown (host.code, -1);
  spoken = g_strdup_printf ("%.3s %s", lower, lower + 3);

  ui_type_invite (spoken, NULL);
  g_assert_null (nexus_home_page_get_error (home));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (nexus_home_page_get_host_entry (home))));
  g_assert_true (gtk_widget_get_sensitive (nexus_home_page_get_join_button (home)));
  gtk_widget_activate (nexus_home_page_get_join_button (home));
  /* It says that it is looking, at once. */
  {
    g_autofree char *grouped = nexus_code_format (host.code);
    g_autofree char *looking = g_strdup_printf ("Looking for %s…", grouped);

    /* (A button's activation clicks it a moment later.) */
    WAIT_UNTIL (ui_find_label (nexus_home_page_get_join_button (home), looking, FALSE) != NULL);
  }
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  client = nexus_window_get_client (ui.window);
  g_assert_cmpstr (nexus_client_get_room (client), ==, host.code);
  g_assert_cmpstr (nexus_client_get_host (client), ==, "127.0.0.1");
  g_assert_cmpuint (nexus_client_get_port (client), ==, nexus_server_get_port (host.server));
  g_assert_cmpuint (nexus_client_get_n_members (client), ==, 2);
  leave_as_guest ();

  /* A code no host on the network holds. */
  ui_type_invite ("ZZZ-ZZZ", NULL);
  gtk_widget_activate (nexus_home_page_get_join_button (home));
  WAIT_UNTIL (nexus_home_page_get_error (home) != NULL
              && strstr (nexus_home_page_get_error (home), "ZZZ-ZZZ") != NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (nexus_home_page_get_host_entry (home))));
  g_assert_cmpstr (nexus_window_get_page_name (ui.window), ==, "home");
  ui_screenshot ("join-code-not-found.png", NULL);
  ui_screenshot_narrow ("join-code-not-found-narrow.png");

  ui_type_invite ("", NULL);
  other_host_stop (&host);
}

/* The row of Home's Past Rooms titled @title, or NULL. */
static AdwActionRow *
find_past_room (const char *title)
{
  NexusPastRooms *past = nexus_home_page_get_past_rooms (ui_home ());

  for (guint i = 0; i < nexus_past_rooms_get_n_rows (past); i++)
    {
      AdwActionRow *row = nexus_past_rooms_get_row (past, i);

      if (row != NULL
          && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
        return row;
    }
  return NULL;
}

/* A room its host shows nearby is on Home, with its title, computer and
 * count, live; a click joins it, and Past Rooms keeps it by that title. */
void
test_rooms_nearby (void)
{
  NexusHomePage *home = ui_home ();
  NexusNearbyList *list = NEXUS_NEARBY_LIST (nexus_home_page_get_nearby_list (home));
  GtkListBox *box = nexus_nearby_list_get_list_box (list);
  OtherHost host = { 0 };
  g_autoptr(NexusTestClient) eve = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  GtkWidget *row;

  other_host_start (&host);
  g_assert_nonnull (nexus_nearby_list_get_status (list));   /* nothing shown yet */
  g_assert_true (nexus_server_set_room_nearby (host.server, host.code, "Book Club", NULL));
  WAIT_UNTIL ((row = find_list_row (box, "Book Club")) != NULL);
  g_assert_null (nexus_nearby_list_get_status (list));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "1"));

  /* Live: one more in the room, and the row says so. */
  eve = nexus_test_client_new (nexus_server_get_port (host.server), NULL);
  welcome = nexus_test_client_join (eve, host.code, "Eve");
  WAIT_UNTIL (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_list_row (box, "Book Club"))),
                      "2") != NULL);
  /* Home scrolls: the list in view, as a person would scroll to it. */
  scroll_to_end (adw_bin_get_child (ADW_BIN (home)));
  ui_screenshot ("home-nearby.png", NULL);
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 360, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) < 500);
  scroll_to_end (adw_bin_get_child (ADW_BIN (home)));
  ui_screenshot ("home-nearby-narrow.png", NULL);
  gtk_window_set_default_size (GTK_WINDOW (ui.window), 720, 640);
  WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (ui.window)) > 500);

  /* A click joins, no code needed. */
  row = find_list_row (box, "Book Club");
  g_signal_emit_by_name (box, "row-activated", row);
  WAIT_UNTIL (g_strcmp0 (nexus_window_get_page_name (ui.window), "room") == 0);
  g_assert_cmpstr (nexus_client_get_room (nexus_window_get_client (ui.window)), ==, host.code);
  g_assert_null (find_past_room ("Book Club"));
  /* Eve sees Ada come in, then says something to keep. */
  json_object_unref (nexus_test_client_expect (eve, "joined"));
  json_object_unref (nexus_test_client_say (eve, "Chapter three tonight", "eve-1"));
  WAIT_UNTIL (ui_find_row ("Chapter three tonight") != NULL);
  leave_as_guest ();
  {
    g_autofree char *code = nexus_code_format (host.code);
    AdwActionRow *past;

    WAIT_UNTIL ((past = find_past_room ("Book Club")) != NULL);
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (past), code));
  }

  /* Hidden: gone from Home. */
  g_assert_true (nexus_server_set_room_nearby (host.server, host.code, NULL, NULL));
  WAIT_UNTIL (find_list_row (box, "Book Club") == NULL);
  other_host_stop (&host);
}

/* Without Avahi, Home says once what that means, and a code alone asks for
 * the host's address; everything else works. */
void
test_no_avahi (void)
{
  NexusHomePage *home = ui_home ();
  NexusNearbyList *list = NEXUS_NEARBY_LIST (nexus_home_page_get_nearby_list (home));

  nexus_fake_avahi_stop (ui_fake_avahi);
  WAIT_UNTIL (nexus_nearby_list_get_status (list) != NULL
              && strstr (nexus_nearby_list_get_status (list), "Avahi") != NULL);

  ui_type_invite ("K7Q-X3M", NULL);
  gtk_widget_activate (nexus_home_page_get_join_button (home));
  WAIT_UNTIL (nexus_home_page_get_error (home) != NULL);
  g_assert_nonnull (strstr (nexus_home_page_get_error (home), "Avahi"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (nexus_home_page_get_host_entry (home))));
  ui_screenshot ("home-no-avahi.png", NULL);

  ui_type_invite ("", NULL);
  nexus_fake_avahi_start (ui_fake_avahi);
  WAIT_UNTIL (nexus_nearby_get_status (nexus_application_get_nearby (ui.app))
              == NEXUS_DISCOVERY_RUNNING);
}
