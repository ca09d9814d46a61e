/* test-client-files.h: what the parts of the client-files test share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A directory of the test's own, and away with it and its files. */
char  *test_files_make_dir   (void);
void   test_files_remove_dir (const char *path);
/* @size bytes of a sequence of @seed as @dir/@name. */
GFile *test_files_write      (const char *dir,
                              const char *name,
                              gsize       size,
                              guint32     seed);
char  *test_files_sha256     (GFile      *file);

/* test-client-files-scripted.c */
void   test_client_files_add_scripted (void);

G_END_DECLS
