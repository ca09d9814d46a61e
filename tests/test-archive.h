/* test-archive.h: what the archive's tests share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-archive-private.h"

G_BEGIN_DECLS

/* A new archive in a temporary directory of its own. */
char         *test_archive_path        (void);
void          test_archive_remove      (const char   *path);
void          test_archive_sync        (NexusArchive *archive);
GListModel   *test_archive_list        (NexusArchive *archive);
GListModel   *test_archive_load        (NexusArchive *archive,
                                        const char   *key,
                                        NexusArchiveRoom **room);
/* The first room listed with @code. */
NexusArchiveRoom *test_archive_find    (GListModel   *rooms,
                                        const char   *code);

/* Recorded as the tests' rooms are: an event a second apart in seq order;
 * a room Ada hosted with Bob (joined, said, a file, left). */
void          test_archive_add_event   (NexusArchive   *archive,
                                        const char     *key,
                                        NexusEventKind  kind,
                                        gint64          seq,
                                        const char     *name,
                                        const char     *text);
char         *test_archive_record_room (NexusArchive *archive,
                                        const char   *code,
                                        const char   *bob_says);

/* test-archive-export.c */
void          test_archive_export      (void);

/* test-archive-recorder.c */
void          test_archive_add_recorder_tests (void);

G_END_DECLS
