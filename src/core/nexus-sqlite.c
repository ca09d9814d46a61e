/* nexus-sqlite.c: small helpers shared by the SQLite files of the app
 *
 * The saved rooms (nexus-state-store) and the past conversations
 * (nexus-archive) are each a database of their own; both read single
 * numbers of their header and set a file aside that is not theirs.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "nexus-sqlite.h"

/* The first column of the first row of @sql in @value. Returns SQLite's
 * code: SQLITE_OK when there was such a row. */
int
nexus_sqlite_query_int (sqlite3    *db,
                        const char *sql,
                        gint64     *value)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* The database at @path and what SQLite keeps beside it (-wal, -shm) are
 * renamed with the time: nothing is deleted, someone may want it. Returns
 * the new name. */
char *
nexus_sqlite_set_aside (const char *path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = NULL;

  for (guint n = 0; target == NULL || g_file_test (target, G_FILE_TEST_EXISTS); n++)
    {
      g_free (target);
      target = n == 0 ? g_strdup_printf ("%s.set-aside-%s", path, stamp)
                      : g_strdup_printf ("%s.set-aside-%s-%u", path, stamp, n);
    }
  for (guint i = 0; i < 3; i++)
    {
      static const char * const suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        g_unlink (from);
    }
  return g_steal_pointer (&target);
}

/* Steps a prepared statement that writes, then readies it for its next
 * use. Returns SQLITE_OK or SQLite's error code. */
int
nexus_sqlite_run (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}
