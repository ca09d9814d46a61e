/* nexus-window-internal.h: what the parts of NexusWindow share
 *
 * nexus-window.c       the window: home page or room page, the client, leaving
 * nexus-window-host.c  the window as host: creating, reopening after a crash,
 *                      rooms that are not being saved
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-archive-recorder.h"
#include "nexus-reopen-offer.h"
#include "nexus-window-private.h"

G_BEGIN_DECLS

struct _NexusWindow
{
  AdwApplicationWindow parent_instance;

  /* Owned state */
  NexusClient *client;
  NexusArchiveRecorder *recorder;   /* keeps the client's room in the archive */
  gboolean hosting;
  gboolean close_confirmed;
  gboolean close_after_leaving;
  AdwToast *toast;          /* the one shown, if any */
  GCancellable *finding;    /* a search of the network for a code */
  GPtrArray *candidates;    /* NexusNearbyHost: where else the code may be */
  char *wanted_code;        /* the code being joined, and with which name */
  char *wanted_name;
  NexusReopenOffer *offer;  /* rooms hosted before a crash */
  char *create_name;        /* Create Room, waiting for the saved rooms to be read */

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  NexusHomePage *home_page;
  NexusRoomPage *room_page;
};

/* nexus-window.c */
void              _nexus_window_start_client  (NexusWindow *self,
                                               const char  *host,
                                               guint        port,
                                               const char  *code,
                                               const char  *name,
                                               const char  *session);
void              _nexus_window_show_toast_for (NexusWindow *self,
                                                const char  *title,
                                                guint        seconds);

/* nexus-window-host.c */
void              _nexus_window_create_room   (NexusWindow      *self,
                                               const char       *name,
                                               NexusHomePage    *page);
void              _nexus_window_reopen        (NexusWindow      *self,
                                               const char       *code,
                                               NexusReopenOffer *offer);
void              _nexus_window_offer_saved_rooms (NexusWindow  *self);
void              _nexus_window_watch_state   (NexusWindow      *self,
                                               NexusApplication *app);
void              _nexus_window_keep_host_session (NexusWindow  *self);

G_END_DECLS
