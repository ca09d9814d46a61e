/* nexus-ui-harness.h: what the window test's steps share: the app and its
 * window, waiting, screenshots, and finding what a person looks for
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-application.h"
#include "nexus-home-page-private.h"
#include "nexus-message-row-private.h"
#include "nexus-room-page-private.h"
#include "nexus-share-popover-private.h"
#include "nexus-test-utils.h"
#include "nexus-window-private.h"

G_BEGIN_DECLS

typedef struct {
  NexusApplication *app;
  NexusWindow      *window;          /* the one the steps drive */
  const char       *lang;            /* NULL: English */
  char             *screenshot_dir;
  char             *self_path;       /* this program, to start a second one */
  char             *state_dir;       /* the app's saved rooms: set before ui_start_app, or a
                                      * fresh one removed by ui_stop_app */
  gboolean          own_state_dir;
  char             *app_id;          /* NULL: the app's own; another for an app started again
                                      * in this process, as the first stays on the bus */

  /* What the notification server on the test's session bus was sent */
  GPtrArray        *notifications;   /* "summary: body" */
  GDBusConnection  *notification_bus;

  /* Shared by the steps in a room */
  char             *room;
  char             *first_link;
  NexusTestClient  *bob;
  char             *bob_session;
} NexusUiTest;

extern NexusUiTest ui;

/* What the window says, in the language of this run. */
#define SAYS(english, german) (ui.lang == NULL ? (english) : (german))

/* Before g_test_init: the environment, the language and where
 * screenshots go. */
void             ui_setup_environment  (int          argc,
                                        char        *argv[]);
/* The app, hosting on loopback only, with its window mapped. */
void             ui_start_app          (void);
void             ui_stop_app           (void);

void             ui_settle             (void);
char            *ui_screenshot_path    (const char *name);
void             ui_screenshot         (const char *name,
                                        GtkWidget  *popover);
void             ui_screenshot_narrow  (const char *name);
void             ui_screenshot_window  (const char *name,
                                        GtkWidget  *window);

GtkLabel        *ui_find_label         (GtkWidget  *widget,
                                        const char *text,
                                        gboolean    prefix);
GtkWindow       *ui_find_toplevel      (GType       type);
NexusMessageRow *ui_find_row           (const char *text);
NexusHomePage   *ui_home               (void);
NexusRoomPage   *ui_room_page          (void);

GtkTextBuffer   *ui_composer_buffer    (NexusRoomPage *page);
void             ui_type_into_composer (const char *text);
void             ui_send_from_composer (const char *text);
gboolean         ui_press_enter        (GdkModifierType state);
gboolean         ui_can_press_keys     (void);
void             ui_press_key          (guint           keyval,
                                        GdkModifierType modifiers);
void             ui_type_invite        (const char *invite,
                                        const char *host);

G_END_DECLS
