/* nexus-test-state.c: what the tests of saved rooms share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "nexus-code.h"
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

GSubprocess *
nexus_test_state_host_start (const char         *state_dir,
                             const char * const *extra_args,
                             const char         *room,
                             guint               n_members,
                             guint              *port)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  GSubprocess *host;

  g_ptr_array_add (args, (gpointer) "--bind");
  g_ptr_array_add (args, (gpointer) "127.0.0.1");
  if (room == NULL)
    {
      g_ptr_array_add (args, (gpointer) "--port");
      g_ptr_array_add (args, (gpointer) "0");
    }
  /* Again without a port: the saved rooms' port is the one to have. */
  g_ptr_array_add (args, (gpointer) "--state-dir");
  g_ptr_array_add (args, (gpointer) state_dir);
  g_ptr_array_add (args, (gpointer) "--no-discovery");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra_args[i]);
  g_ptr_array_add (args, NULL);

  host = nexus_test_headless_new ((const char * const *) args->pdata,
                                  G_SUBPROCESS_FLAGS_STDOUT_PIPE, 0);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (host));
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_test_message ("host: %s", line);
      if (g_str_has_prefix (line, "listening on port "))
        {
          guint listening = (guint) g_ascii_strtoull (line + strlen ("listening on port "),
                                                      NULL, 10);

          if (room == NULL)
            {
              *port = listening;
              break;
            }
          g_assert_cmpuint (listening, ==, *port);
        }
      else if (room != NULL && g_str_has_prefix (line, "reopened room "))
        {
          g_autofree char *shown = nexus_code_format (room);
          g_autofree char *expected = g_strdup_printf ("reopened room %s (%u members)", shown,
                                                       n_members);

          if (n_members > 0)
            g_assert_cmpstr (line, ==, expected);
          else
            g_assert_nonnull (strstr (line, shown));
          break;
        }
    }
  return host;
}

void
nexus_test_state_host_kill (GSubprocess **host)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_force_exit (*host);
  g_assert_true (g_subprocess_wait (*host, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (*host));
  g_assert_cmpint (g_subprocess_get_term_sig (*host), ==, SIGKILL);
  g_clear_object (host);
}

void
nexus_test_state_crash (NexusServer     *server,
                        NexusStateStore *store)
{
  nexus_test_spin (20);
  g_assert_finalize_object (server);
  nexus_state_store_close (store);
}

NexusStateStore *
nexus_test_state_store_open (const char *dir)
{
  g_autoptr(GError) error = NULL;
  NexusStateStore *store = nexus_state_store_open (dir, &error);

  g_assert_no_error (error);
  return store;
}
