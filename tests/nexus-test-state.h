/* nexus-test-state.h: what the tests of saved rooms share: a state
 * directory of their own, a look into its database, a server that keeps
 * its rooms there
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "nexus-server.h"
#include "nexus-state-store.h"

G_BEGIN_DECLS

/* A directory to give --state-dir or nexus_state_store_open(): not made
 * yet, inside a temporary one that nexus_test_state_dir_remove() removes
 * with everything in it. */
char      *nexus_test_state_dir          (void);
void       nexus_test_state_dir_remove   (const char  *dir);
/* The database of @dir, opened beside its owner as another reader would. */
sqlite3   *nexus_test_state_db_open      (const char  *dir);
gint64     nexus_test_state_query_int    (sqlite3     *db,
                                          const char  *sql);
/* Whether any file of @dir holds @needle anywhere in its bytes. */
gboolean   nexus_test_state_dir_contains (const char  *dir,
                                          const char  *needle);
/* How many rooms @store offers to reopen. */
guint      nexus_test_state_n_offered    (NexusStateStore *store);
/* A "committed" handler: keeps the newest epoch in *@epoch. */
void       nexus_test_state_store_epoch  (guint64         *epoch,
                                          guint64          committed,
                                          NexusStateStore *store);
/* A server on 127.0.0.1, port 0 (or @port), that keeps its rooms in @store. */
NexusServer *nexus_test_state_server_new (NexusStateStore         *store,
                                          const NexusServerLimits *limits,
                                          guint                    port);

/* A headless host on 127.0.0.1 without discovery, keeping its rooms in
 * @state_dir, with @extra_args (or NULL) after those. With @room NULL it
 * starts on any port, put in *@port; else without a port, and it must
 * come back on *@port with @room reopened, holding @n_members (0: any
 * number). Returns once it has said so on its standard output. */
GSubprocess *nexus_test_state_host_start (const char         *state_dir,
                                          const char * const *extra_args,
                                          const char         *room,
                                          guint               n_members,
                                          guint              *port);
/* Kills *@host as a crash would (SIGKILL), waits for it and clears it. */
void         nexus_test_state_host_kill  (GSubprocess       **host);
/* The server goes as a killed process would: no close frames, no left
 * events, nothing deleted; the store writes what it was given. */
void         nexus_test_state_crash      (NexusServer        *server,
                                          NexusStateStore    *store);
NexusStateStore *nexus_test_state_store_open (const char     *dir);

/* test-state-store-server.c */
void       nexus_test_state_add_server_tests (void);

G_END_DECLS
