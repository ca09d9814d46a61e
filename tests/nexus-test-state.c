/* nexus-test-state.c: what the tests of saved rooms share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "nexus-test-state.h"
#include "nexus-test-utils.h"

char *
nexus_test_state_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_dir_make_tmp ("nexus-state-XXXXXX", &error);

  g_assert_no_error (error);
  return g_build_filename (parent, "state", NULL);
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

          remove_tree (child);
          g_object_unref (info);
        }
    }
  g_file_delete (file, NULL, NULL);
}

void
nexus_test_state_dir_remove (const char *dir)
{
  g_autofree char *parent = g_path_get_dirname (dir);
  g_autoptr(GFile) file = g_file_new_for_path (parent);

  remove_tree (file);
}

sqlite3 *
nexus_test_state_db_open (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, NEXUS_STATE_STORE_FILE_NAME, NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

gint64
nexus_test_state_query_int (sqlite3    *db,
                            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
bytes_contain (const char *bytes,
               gsize       length,
               const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (bytes[i] == needle[0] && memcmp (bytes + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

gboolean
nexus_test_state_dir_contains (const char *dir,
                               const char *needle)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *bytes = NULL;
      gsize length;

      if (g_file_get_contents (path, &bytes, &length, NULL)
          && bytes_contain (bytes, length, needle))
        return TRUE;
    }
  return FALSE;
}

guint
nexus_test_state_n_offered (NexusStateStore *store)
{
  g_autoptr(GPtrArray) rooms = nexus_state_store_list_rooms (store);

  return rooms->len;
}

void
nexus_test_state_store_epoch (guint64         *epoch,
                              guint64          committed,
                              NexusStateStore *store)
{
  *epoch = MAX (*epoch, committed);
}

NexusServer *
nexus_test_state_server_new (NexusStateStore         *store,
                             const NexusServerLimits *limits,
                             guint                    port)
{
  g_autoptr(GError) error = NULL;
  NexusServer *server = nexus_server_new (limits);

  nexus_server_set_state_store (server, store);
  g_assert_true (nexus_server_listen (server, "127.0.0.1", (int) port, &error));
  g_assert_no_error (error);
  return server;
}
