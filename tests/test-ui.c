/* test-ui.c: the real window, driven the way a person would drive it
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under `xvfb-run -a dbus-run-session --`. The steps build on each
 * other, like a person's afternoon: look at Home, make mistakes, create a
 * room, let Bob (a raw WebSocket client) and Cy (a second process with its
 * own window, joining by `--join LINK`) in, lose the connection, share
 * files and pictures, share the room, and close it. Screenshots land in --screenshots DIR.
 *
 * With --lang de the window speaks German (the catalogue from
 * $NEXUS_LOCALEDIR): the labels are checked in that language, and the
 * screenshots are named home-de.png and so on. That run takes only the
 * steps that do not check English sentences.
 *
 * The harness is in nexus-ui-harness.c, the steps in test-ui-*.c.
 */

#include "config.h"

#include <string.h>

#include "nexus-fake-avahi.h"
#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

/* In order: each step builds on the ones before it. */
static const struct
{
  const char *path;
  GTestFunc func;
  gboolean translated;   /* in the translated run too: needs no English, nor Bob */
} steps[] = {
  { "/ui/home", test_home, TRUE },
  { "/ui/menu", test_menu, TRUE },
  { "/ui/bad-input", test_bad_input, FALSE },
  { "/ui/create-room", test_create_room, TRUE },
  { "/ui/bob-joins", test_bob_joins, FALSE },
  { "/ui/input-method", test_input_method, FALSE },
  { "/ui/second-process", test_second_process, FALSE },
  { "/ui/reconnect", test_reconnect, FALSE },
  { "/ui/dark", test_dark, FALSE },
  { "/ui/narrow", test_narrow, FALSE },
  { "/ui/files-attach-button", test_files_attach_button, TRUE },
  { "/ui/files-progress", test_files_progress, FALSE },
  { "/ui/files-preview", test_files_preview, FALSE },
  { "/ui/files-drop", test_files_drop, FALSE },
  { "/ui/files-from-bob", test_files_from_bob, FALSE },
  { "/ui/conversation", test_conversation, TRUE },
  { "/ui/conversation-looks", test_conversation_looks, TRUE },
  { "/ui/share", test_share, TRUE },
  { "/ui/nearby-host", test_nearby_host, TRUE },
  { "/ui/close-room", test_close_room, FALSE },
  { "/ui/guest-room-ends", test_guest_room_ends, FALSE },
  { "/ui/host-away", test_host_away, TRUE },
  { "/ui/code-only-join", test_code_only_join, FALSE },
  { "/ui/rooms-nearby", test_rooms_nearby, FALSE },
  { "/ui/no-avahi", test_no_avahi, FALSE },
  { "/ui/window-state", test_window_state, FALSE },
  { "/ui/history/past-rooms", test_history_past_rooms, TRUE },
  { "/ui/history/search", test_history_search, TRUE },
  { "/ui/history/export-delete", test_history_export_delete, TRUE },
  { "/ui/history/show-all", test_history_show_all, TRUE },
  { "/ui/history/preferences", test_history_preferences, TRUE },
  { "/ui/history/set-aside", test_history_set_aside, TRUE },
};

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_setup_environment (argc, argv);
  if (argc == 3 && strcmp (argv[1], "--child") == 0)
    return test_run_child (argv[2]);

  g_test_init (&argc, &argv, NULL);
  /* The window's system bus, with Avahi on it, before the window looks. */
  ui_fake_avahi = nexus_fake_avahi_new (TRUE);
  ui_start_app ();

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (ui.lang == NULL || steps[i].translated)
      g_test_add_func (steps[i].path, steps[i].func);

  status = g_test_run ();

  ui_stop_app ();
  nexus_fake_avahi_free (ui_fake_avahi);
  return status;
}
