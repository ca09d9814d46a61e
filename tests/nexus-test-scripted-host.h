/* nexus-test-scripted-host.h: a host that says what the test tells it to,
 * on 127.0.0.1: for what a real server only does by chance of timing
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "nexus-client.h"

G_BEGIN_DECLS

typedef struct {
  GSocketService          *service;
  SoupServer              *server;
  guint                    port;
  SoupWebsocketConnection *ws;         /* the newest connection */
  GQueue                   frames;     /* JsonObject, received, oldest first */
  /* PUT /upload/…: each answered put_status, its path and body kept */
  guint                    put_status;
  GPtrArray               *put_paths;
  GPtrArray               *put_bodies; /* GBytes */
} NexusTestHost;

NexusTestHost *nexus_test_host_new    (void);
void           nexus_test_host_free   (NexusTestHost *host);
/* The next frame the client sent, which must be of @type. */
JsonObject    *nexus_test_host_expect (NexusTestHost *host,
                                       const char    *type);
void           nexus_test_host_send   (NexusTestHost *host,
                                       const char    *frame);
/* Cuts the connection as a failing network would, then expects the
 * client's resume of room K7QX3M, session s1, from @last_seq and answers
 * with @welcome. */
void           nexus_test_host_resume (NexusTestHost *host,
                                       NexusClient   *client,
                                       gint64         last_seq,
                                       const char    *welcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusTestHost, nexus_test_host_free)

G_END_DECLS
