/* nexus-test-peer.h: what the desktop peers of the browser tests share
 * (tests/nexus-files-peer.c, tests/nexus-chat-peer.c): lines of JSON on
 * standard output, commands read line by line from standard input, a
 * server on 127.0.0.1 and a port of its own choosing
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "nexus-client.h"
#include "nexus-server.h"

G_BEGIN_DECLS

/* Called with each line of standard input, and with NULL at its end.
 * Returns whether to read on. */
typedef gboolean (*NexusTestPeerLineFunc) (const char *line);

/* The locale of the environment; death with the parent; no proxy; the
 * main loop that nexus_test_peer_run() runs until nexus_test_peer_fail()
 * or the end of nexus_test_peer_quit(). */
void         nexus_test_peer_init        (void);
/* Returns the exit status: 0, or 1 after nexus_test_peer_fail(). */
int          nexus_test_peer_run         (void);
/* Tells an "error" line with @reason and stops, with exit status 1. */
void         nexus_test_peer_fail        (const char               *reason);
/* Takes @clients out of the room and shuts @server down, then stops. */
void         nexus_test_peer_quit        (NexusServer              *server,
                                          NexusClient             **clients,
                                          guint                     n_clients);

/* An output line: begin() an object with its "event" member, add to it,
 * then tell() it (which ends the object and frees the builder). */
JsonBuilder *nexus_test_peer_begin       (const char               *event);
void         nexus_test_peer_add_string  (JsonBuilder              *builder,
                                          const char               *name,
                                          const char               *value);
void         nexus_test_peer_add_int     (JsonBuilder              *builder,
                                          const char               *name,
                                          gint64                    value);
void         nexus_test_peer_add_bool    (JsonBuilder              *builder,
                                          const char               *name,
                                          gboolean                  value);
void         nexus_test_peer_tell        (JsonBuilder              *builder);

void         nexus_test_peer_read_lines  (NexusTestPeerLineFunc     func);

/* A server of @limits listening on 127.0.0.1, at a port of its own. */
NexusServer *nexus_test_peer_listen      (const NexusServerLimits  *limits,
                                          GError                  **error);
/* Why @client is out of its room, or NULL while it is in it or on its way. */
char        *nexus_test_peer_out_of_room (NexusClient              *client);

void         nexus_test_peer_remove_tree (const char               *path);

G_END_DECLS
