/* nexus-files-peer.c: a desktop host and a desktop guest in one process,
 * for the browser test of a room of three (tests/web/roomofthree.test.mjs)
 *
 * The host is what the window runs: a NexusServer on 127.0.0.1, port 0,
 * and the host's own NexusClient ("Ada") that creates a room on it over
 * loopback. The guest is a second NexusClient ("Bob") that joins the
 * room. Each shares the files it is told to with nexus_client_share_file(),
 * and downloads every file someone else shares with
 * nexus_client_download_async(), as Save… in the window does.
 *
 * It speaks in lines. Commands on standard input:
 *   share ada|bob PATH   share the file at PATH (the rest of the line)
 *   quit                 leave the room, stop the server, exit 0
 * (the end of standard input is a quit). What happens goes to standard
 * output, one JSON object a line, each with an "event" member:
 *   ready     port, code (the room's), host and guest (their names)
 *   progress  who (ada/bob), way (up/down), name, done, total: bytes so
 *             far, told at every whole percent and at the end
 *   shared    who, name, size, picture: an own file's message is in the room
 *   failed    who, name, reason: an upload or a download failed
 *   received  who, from, name, size, picture, sha256: a file of someone
 *             else's, downloaded whole, and the SHA-256 of what is on disk
 *   error     reason: anything else; the program exits 1
 *
 * It dies with its parent (PR_SET_PDEATHSIG), keeps the host's files and
 * the downloads in a temporary directory of its own, and removes it.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "nexus-client.h"
#include "nexus-server.h"

#define HOST_NAME   "Ada"
#define GUEST_NAME  "Bob"
#define JOIN_SECONDS 20

typedef struct {
  const char  *who;        /* "ada" or "bob" */
  NexusClient *client;
  char        *dir;        /* where its downloads go */
  guint        n_downloads;
} Member;

typedef struct {
  Member     *member;
  NexusEvent *event;
  gint64      told;        /* the last percent told, -1 before */
  char       *path;        /* downloads: where the bytes go */
  char       *from;
} Transfer;

static GMainLoop *loop;
static gboolean quitting;
static int exit_status;
static NexusServer *server;
static Member members[2] = { { "ada", NULL, NULL, 0 }, { "bob", NULL, NULL, 0 } };
static char *work_dir;

/* Output */

static void
say (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  printf ("%s\n", line);
  fflush (stdout);
}

static JsonBuilder *
begin (const char *event)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "event");
  json_builder_add_string_value (builder, event);
  return builder;
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
fail (const char *reason)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (quitting)
    return;
  quitting = TRUE;
  builder = begin ("error");
  add_string (builder, "reason", reason);
  say (builder);
  exit_status = 1;
  g_main_loop_quit (loop);
}

/* Progress is told at each whole percent, and at the end. */
static void
tell_progress (Transfer   *transfer,
               const char *way,
               gint64      done,
               gint64      total)
{
  g_autoptr(JsonBuilder) builder = NULL;
  gint64 percent = total > 0 ? done * 100 / total : 100;

  if (percent == transfer->told)
    return;
  transfer->told = percent;
  builder = begin ("progress");
  add_string (builder, "who", transfer->member->who);
  add_string (builder, "way", way);
  add_string (builder, "name", nexus_event_get_file_name (transfer->event));
  add_int (builder, "done", done);
  add_int (builder, "total", total);
  say (builder);
}

static void
transfer_free (Transfer *transfer)
{
  g_object_unref (transfer->event);
  g_free (transfer->path);
  g_free (transfer->from);
  g_free (transfer);
}

static Transfer *
transfer_new (Member     *member,
              NexusEvent *event)
{
  Transfer *transfer = g_new0 (Transfer, 1);

  transfer->member = member;
  transfer->event = g_object_ref (event);
  transfer->told = -1;
  return transfer;
}

/* Uploads */

static void
on_bytes_sent (NexusEvent *event,
               GParamSpec *pspec,
               Transfer   *transfer)
{
  tell_progress (transfer, "up", nexus_event_get_bytes_sent (event),
                 nexus_event_get_file_size (event));
}

static void
on_delivery (NexusEvent *event,
             GParamSpec *pspec,
             Transfer   *transfer)
{
  g_autoptr(JsonBuilder) builder = NULL;

  switch (nexus_event_get_delivery (event))
    {
    case NEXUS_DELIVERY_SENT:
      builder = begin ("shared");
      add_string (builder, "who", transfer->member->who);
      add_string (builder, "name", nexus_event_get_file_name (event));
      add_int (builder, "size", nexus_event_get_file_size (event));
      add_bool (builder, "picture", nexus_event_is_picture (event));
      break;
    case NEXUS_DELIVERY_FAILED:
      builder = begin ("failed");
      add_string (builder, "who", transfer->member->who);
      add_string (builder, "name", nexus_event_get_file_name (event));
      add_string (builder, "reason", nexus_event_get_failure (event));
      break;
    case NEXUS_DELIVERY_SENDING:
    default:
      return;
    }
  say (builder);
  g_signal_handlers_disconnect_by_data (event, transfer);
  transfer_free (transfer);
}

static void
share (Member     *member,
       const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NexusEvent *event = nexus_client_share_file (member->client, file, NULL);
  Transfer *transfer;

  if (event == NULL)
    {
      fail ("the room keeps no files");
      return;
    }
  transfer = transfer_new (member, event);
  g_signal_connect (event, "notify::bytes-sent", G_CALLBACK (on_bytes_sent), transfer);
  g_signal_connect (event, "notify::delivery", G_CALLBACK (on_delivery), transfer);
}

/* Downloads */

static char *
sha256_of (const char  *path,
           GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) input = g_file_read (file, NULL, error);
  guint8 buffer[64 * 1024];
  gssize n;

  if (input == NULL)
    return NULL;
  while ((n = g_input_stream_read (G_INPUT_STREAM (input), buffer, sizeof buffer, NULL, error)) > 0)
    g_checksum_update (checksum, buffer, n);
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (checksum));
}

static void
on_download_progress (goffset  received,
                      goffset  total,
                      gpointer user_data)
{
  tell_progress (user_data, "down", received, total);
}

static void
on_downloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Transfer *transfer = user_data;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;

  if (nexus_client_download_finish (NEXUS_CLIENT (source), result, &error)
      && (sha256 = sha256_of (transfer->path, &error)) != NULL)
    {
      builder = begin ("received");
      add_string (builder, "who", transfer->member->who);
      add_string (builder, "from", transfer->from);
      add_string (builder, "name", nexus_event_get_file_name (transfer->event));
      add_int (builder, "size", nexus_event_get_file_size (transfer->event));
      add_bool (builder, "picture", nexus_event_is_picture (transfer->event));
      add_string (builder, "sha256", sha256);
    }
  else
    {
      builder = begin ("failed");
      add_string (builder, "who", transfer->member->who);
      add_string (builder, "name", nexus_event_get_file_name (transfer->event));
      add_string (builder, "reason", error->message);
    }
  say (builder);
  transfer_free (transfer);
}

/* Someone else's message: a file is saved as Save… does. */
static void
on_message (NexusClient *client,
            NexusEvent  *event,
            Member      *member)
{
  Transfer *transfer;
  g_autoptr(GFile) destination = NULL;
  g_autofree char *base = NULL;

  if (!nexus_event_has_file (event))
    return;
  transfer = transfer_new (member, event);
  transfer->from = g_strdup (nexus_event_get_name (event));
  /* Under a name of its own: the file's name is the sender's to choose. */
  base = g_strdup_printf ("%u.download", ++member->n_downloads);
  transfer->path = g_build_filename (member->dir, base, NULL);
  destination = g_file_new_for_path (transfer->path);
  nexus_client_download_async (client, event, destination, NULL,
                               on_download_progress, transfer, NULL,
                               on_downloaded, transfer);
}

/* Commands */

static void read_command (GDataInputStream *input);

static void
on_left (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  nexus_server_shutdown_finish (NEXUS_SERVER (source), result, NULL);
  g_main_loop_quit (loop);
}

static void
quit (void)
{
  if (quitting)
    return;
  quitting = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (members[i].client != NULL)
      nexus_client_leave (members[i].client);
  nexus_server_shutdown_async (server, NULL, on_left, NULL);
}

static Member *
member_named (const char *who)
{
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (g_strcmp0 (members[i].who, who) == 0)
      return &members[i];
  return NULL;
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);
  g_auto(GStrv) words = NULL;
  Member *member;

  if (line == NULL)
    {
      /* The driver has gone, or said nothing more. */
      quit ();
      return;
    }
  words = g_strsplit (line, " ", 3);
  if (g_strcmp0 (words[0], "quit") == 0)
    {
      quit ();
      return;
    }
  if (g_strcmp0 (words[0], "share") == 0 && words[1] != NULL && words[2] != NULL
      && (member = member_named (words[1])) != NULL)
    share (member, words[2]);
  else
    {
      g_autofree char *reason = g_strdup_printf ("not a command: %s", line);

      fail (reason);
      return;
    }
  read_command (G_DATA_INPUT_STREAM (source));
}

static void
read_command (GDataInputStream *input)
{
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, on_line, NULL);
}

/* The room */

static gboolean
on_join_timeout (gpointer user_data)
{
  fail ("the host and the guest were not both in the room in time");
  return G_SOURCE_REMOVE;
}

static guint join_timeout_id;

static void
on_state (NexusClient *client,
          GParamSpec  *pspec,
          gpointer     user_data)
{
  NexusClient *host = members[0].client;
  NexusClient *guest = members[1].client;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GInputStream) stdin_stream = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  NexusClientState state = nexus_client_get_state (client);

  if (state == NEXUS_CLIENT_STATE_FAILED || state == NEXUS_CLIENT_STATE_ENDED)
    {
      g_autofree char *reason = g_strdup_printf ("%s is out of the room: %s",
                                                 nexus_client_get_name (client),
                                                 nexus_client_get_error_message (client));

      fail (reason);
      return;
    }
  if (state != NEXUS_CLIENT_STATE_JOINED)
    return;

  /* The host is in its room: the guest joins it. */
  if (client == host && guest == NULL)
    {
      guest = members[1].client = nexus_client_new ("127.0.0.1", nexus_server_get_port (server));
      g_signal_connect (guest, "notify::state", G_CALLBACK (on_state), NULL);
      g_signal_connect (guest, "message", G_CALLBACK (on_message), &members[1]);
      nexus_client_join (guest, nexus_client_get_room (host), GUEST_NAME);
      return;
    }
  if (client != guest || join_timeout_id == 0)
    return;

  g_clear_handle_id (&join_timeout_id, g_source_remove);
  builder = begin ("ready");
  add_int (builder, "port", nexus_server_get_port (server));
  add_string (builder, "code", nexus_client_get_room (host));
  add_string (builder, "host", nexus_client_get_name (host));
  add_string (builder, "guest", nexus_client_get_name (guest));
  say (builder);

  stdin_stream = g_unix_input_stream_new (0, FALSE);
  input = g_data_input_stream_new (stdin_stream);
  read_command (input);
}

static void
remove_tree (const char *path)
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
        remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  NexusServerLimits limits;

  setlocale (LC_ALL, "");
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Everything here talks to 127.0.0.1: no proxy to look up (libproxy is
   * C++, and its exceptions cannot pass through an ASan-built program). */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", FALSE);
  loop = g_main_loop_new (NULL, FALSE);

  work_dir = g_dir_make_tmp ("nexus-files-peer-XXXXXX", &error);
  if (work_dir == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      members[i].dir = g_build_filename (work_dir, members[i].who, NULL);
      g_mkdir (members[i].dir, 0700);
    }

  nexus_server_limits_init_default (&limits);
  limits.files_dir = g_build_filename (work_dir, "host", NULL);
  server = nexus_server_new (&limits);
  nexus_server_limits_clear (&limits);
  if (!nexus_server_listen (server, "127.0.0.1", NEXUS_SERVER_PORT_ANY, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      remove_tree (work_dir);
      return 1;
    }

  members[0].client = nexus_client_new ("127.0.0.1", nexus_server_get_port (server));
  g_signal_connect (members[0].client, "notify::state", G_CALLBACK (on_state), NULL);
  g_signal_connect (members[0].client, "message", G_CALLBACK (on_message), &members[0]);
  nexus_client_create (members[0].client, HOST_NAME);
  join_timeout_id = g_timeout_add_seconds (JOIN_SECONDS, on_join_timeout, NULL);

  g_main_loop_run (loop);

  g_clear_handle_id (&join_timeout_id, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_clear_object (&members[i].client);
      g_free (members[i].dir);
    }
  g_clear_object (&server);
  remove_tree (work_dir);
  g_free (work_dir);
  g_main_loop_unref (loop);
  return exit_status;
}
