/* test-client-files.h: what the parts of the client-files test share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-test-utils.h"

G_BEGIN_DECLS

typedef NexusTestServer Fixture;

#define MIB (1024 * 1024)

/* A directory of the test's own, and away with it and its files. */
char  *test_files_make_dir   (void);
void   test_files_remove_dir (const char *path);
/* @size bytes of a sequence of @seed as @dir/@name. */
GFile *test_files_write      (const char *dir,
                              const char *name,
                              gsize       size,
                              guint32     seed);
char  *test_files_sha256     (GFile      *file);

/* Cuts every upload and download of the host, as a failing network would. */
void         test_files_cut_transfers  (NexusServer *server);
/* A client in a room of the fixture's server: its creator, or one more. */
NexusClient *test_files_create_room    (Fixture     *fixture,
                                        const char  *name);
NexusClient *test_files_join_room      (Fixture     *fixture,
                                        NexusClient *host,
                                        const char  *name);
/* The event of @client's log with @id, which is there once at most. */
NexusEvent  *test_files_find_event     (NexusClient *client,
                                        const char  *id);
/* Downloads @event's file as @dest, from 0 to the end, with @sha256. */
void         test_files_download_whole (NexusClient *client,
                                        NexusEvent  *event,
                                        GFile       *dest,
                                        const char  *sha256);

/* Progress as an own file's event tells it: never back, except to 0 when
 * a PUT starts over. Connect test_files_on_bytes_sent() to notify::bytes-sent. */
typedef struct {
  gint64 last;
  guint  n_changes;
  guint  n_restarts;
  gint64 max_rss_kib;    /* of this process, sampled every MiB */
} TestFilesProgress;

void         test_files_on_bytes_sent  (NexusEvent        *event,
                                        GParamSpec        *pspec,
                                        TestFilesProgress *progress);

/* test-client-files-scripted.c */
void   test_client_files_add_scripted (void);
/* test-client-files-drops.c */
void   test_client_files_add_drops    (void);

G_END_DECLS
