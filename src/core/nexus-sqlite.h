/* nexus-sqlite.h: small helpers shared by the SQLite files of the app
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

int   nexus_sqlite_query_int (sqlite3      *db,
                              const char   *sql,
                              gint64       *value);
char *nexus_sqlite_set_aside (const char *path);
int   nexus_sqlite_run       (sqlite3_stmt *stmt);

G_END_DECLS
