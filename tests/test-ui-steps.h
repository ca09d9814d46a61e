/* test-ui-steps.h: the window test's steps, in the files that hold them
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-fake-avahi.h"

#include <glib.h>

G_BEGIN_DECLS

/* test-ui-home.c: Home, the menu's windows, the window's size */
void test_home          (void);
void test_menu          (void);
void test_bad_input     (void);
void test_window_state  (void);

/* test-ui-room.c: hosting a room, with Bob and a second process in it */
void test_create_room   (void);
void test_bob_joins     (void);
void test_input_method  (void);
void test_second_process (void);
void test_reconnect     (void);
/* The second process itself: its own app, joining by @link. */
int  test_run_child     (const char *link);

/* test-ui-files.c: files and pictures in the room */
void test_files_attach_button (void);
void test_files_progress (void);
void test_files_preview (void);
void test_files_drop    (void);
void test_files_from_bob (void);

/* test-ui-conversation.c: replies, edits, deletes, reactions, mentions, unread */
void test_conversation  (void);
void test_conversation_looks (void);

/* test-ui-share.c: looking at the room, sharing it, and its end */
void test_dark          (void);
void test_narrow        (void);
void test_share         (void);
void test_close_room    (void);
void test_guest_room_ends (void);
void test_nearby_host   (void);
void test_code_only_join (void);
void test_rooms_nearby  (void);
void test_no_avahi      (void);

/* test-ui-away.c: a guest's host crashes, is away, and comes back */
void test_host_away     (void);

/* test-ui-history.c: past conversations, their search, export and deletion */
void test_history_past_rooms (void);
void test_history_search (void);
void test_history_export_delete (void);
void test_history_show_all (void);
void test_history_preferences (void);
void test_history_set_aside (void);

/* test-ui-nearby.c: the fake Avahi on the window's system bus */
extern NexusFakeAvahi *ui_fake_avahi;

G_END_DECLS
