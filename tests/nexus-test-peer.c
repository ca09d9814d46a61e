/* nexus-test-peer.c: what the desktop peers of the browser tests share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "nexus-test-peer.h"

static GMainLoop *loop;
static gboolean stopping;
static int exit_status;

void
nexus_test_peer_init (void)
{
  setlocale (LC_ALL, "");
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Everything here talks to 127.0.0.1: no proxy to look up (libproxy is
   * C++, and its exceptions cannot pass through an ASan-built program). */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", FALSE);
  loop = g_main_loop_new (NULL, FALSE);
}

int
nexus_test_peer_run (void)
{
  g_main_loop_run (loop);
  g_clear_pointer (&loop, g_main_loop_unref);
  return exit_status;
}

void
nexus_test_peer_fail (const char *reason)
{
  JsonBuilder *builder;

  if (stopping)
    return;
  stopping = TRUE;
  builder = nexus_test_peer_begin ("error");
  nexus_test_peer_add_string (builder, "reason", reason);
  nexus_test_peer_tell (builder);
  exit_status = 1;
  g_main_loop_quit (loop);
}

static void
on_shut_down (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  nexus_server_shutdown_finish (NEXUS_SERVER (source), result, NULL);
  g_main_loop_quit (loop);
}

void
nexus_test_peer_quit (NexusServer  *server,
                 NexusClient **clients,
                 guint         n_clients)
{
  if (stopping)
    return;
  stopping = TRUE;
  for (guint i = 0; i < n_clients; i++)
    if (clients[i] != NULL)
      nexus_client_leave (clients[i]);
  nexus_server_shutdown_async (server, NULL, on_shut_down, NULL);
}

/* Output */

JsonBuilder *
nexus_test_peer_begin (const char *event)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  nexus_test_peer_add_string (builder, "event", event);
  return builder;
}

void
nexus_test_peer_add_string (JsonBuilder *builder,
                       const char  *name,
                       const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

void
nexus_test_peer_add_int (JsonBuilder *builder,
                    const char  *name,
                    gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
nexus_test_peer_add_bool (JsonBuilder *builder,
                     const char  *name,
                     gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

void
nexus_test_peer_tell (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  printf ("%s\n", line);
  fflush (stdout);
  g_object_unref (builder);
}

/* Input */

static void read_line (GDataInputStream *input,
                       NexusTestPeerLineFunc func);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  NexusTestPeerLineFunc func = (NexusTestPeerLineFunc) user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, NULL);

  /* NULL: the driver has gone, or said nothing more. */
  if (func (line) && line != NULL)
    read_line (G_DATA_INPUT_STREAM (source), func);
}

static void
read_line (GDataInputStream  *input,
           NexusTestPeerLineFunc  func)
{
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, on_line, (gpointer) func);
}

void
nexus_test_peer_read_lines (NexusTestPeerLineFunc func)
{
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) input = g_data_input_stream_new (stdin_stream);

  /* The pending read holds the stream. */
  read_line (input, func);
}

/* The server and the room */

NexusServer *
nexus_test_peer_listen (const NexusServerLimits  *limits,
                   GError                  **error)
{
  g_autoptr(NexusServer) server = nexus_server_new (limits);

  if (!nexus_server_listen (server, "127.0.0.1", NEXUS_SERVER_PORT_ANY, error))
    return NULL;
  return g_steal_pointer (&server);
}

char *
nexus_test_peer_out_of_room (NexusClient *client)
{
  NexusClientState state = nexus_client_get_state (client);

  if (state != NEXUS_CLIENT_STATE_FAILED && state != NEXUS_CLIENT_STATE_ENDED)
    return NULL;
  return g_strdup_printf ("%s is out of the room: %s", nexus_client_get_name (client),
                          nexus_client_get_error_message (client));
}

void
nexus_test_peer_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        nexus_test_peer_remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}
