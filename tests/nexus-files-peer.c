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

#include <glib/gstdio.h>
#include <stdio.h>

#include "nexus-test-peer.h"

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

static NexusServer *server;
static Member members[2] = { { "ada", NULL, NULL, 0 }, { "bob", NULL, NULL, 0 } };
static char *work_dir;

/* Progress is told at each whole percent, and at the end. */
static void
tell_progress (Transfer   *transfer,
               const char *way,
               gint64      done,
               gint64      total)
{
  JsonBuilder *builder = NULL;
  gint64 percent = total > 0 ? done * 100 / total : 100;

  if (percent == transfer->told)
    return;
  transfer->told = percent;
  builder = nexus_test_peer_begin ("progress");
  nexus_test_peer_add_string (builder, "who", transfer->member->who);
  nexus_test_peer_add_string (builder, "way", way);
  nexus_test_peer_add_string (builder, "name", nexus_event_get_file_name (transfer->event));
  nexus_test_peer_add_int (builder, "done", done);
  nexus_test_peer_add_int (builder, "total", total);
  nexus_test_peer_tell (builder);
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
  JsonBuilder *builder = NULL;

  switch (nexus_event_get_delivery (event))
    {
    case NEXUS_DELIVERY_SENT:
      builder = nexus_test_peer_begin ("shared");
      nexus_test_peer_add_string (builder, "who", transfer->member->who);
      nexus_test_peer_add_string (builder, "name", nexus_event_get_file_name (event));
      nexus_test_peer_add_int (builder, "size", nexus_event_get_file_size (event));
      nexus_test_peer_add_bool (builder, "picture", nexus_event_is_picture (event));
      break;
    case NEXUS_DELIVERY_FAILED:
      builder = nexus_test_peer_begin ("failed");
      nexus_test_peer_add_string (builder, "who", transfer->member->who);
      nexus_test_peer_add_string (builder, "name", nexus_event_get_file_name (event));
      nexus_test_peer_add_string (builder, "reason", nexus_event_get_failure (event));
      break;
    case NEXUS_DELIVERY_SENDING:
    default:
      return;
    }
  nexus_test_peer_tell (builder);
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
      nexus_test_peer_fail ("the room keeps no files");
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
  JsonBuilder *builder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;

  if (nexus_client_download_finish (NEXUS_CLIENT (source), result, &error)
      && (sha256 = sha256_of (transfer->path, &error)) != NULL)
    {
      builder = nexus_test_peer_begin ("received");
      nexus_test_peer_add_string (builder, "who", transfer->member->who);
      nexus_test_peer_add_string (builder, "from", transfer->from);
      nexus_test_peer_add_string (builder, "name", nexus_event_get_file_name (transfer->event));
      nexus_test_peer_add_int (builder, "size", nexus_event_get_file_size (transfer->event));
      nexus_test_peer_add_bool (builder, "picture", nexus_event_is_picture (transfer->event));
      nexus_test_peer_add_string (builder, "sha256", sha256);
    }
  else
    {
      builder = nexus_test_peer_begin ("failed");
      nexus_test_peer_add_string (builder, "who", transfer->member->who);
      nexus_test_peer_add_string (builder, "name", nexus_event_get_file_name (transfer->event));
      nexus_test_peer_add_string (builder, "reason", error->message);
    }
  nexus_test_peer_tell (builder);
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

static void
quit (void)
{
  NexusClient *clients[] = { members[0].client, members[1].client };

  nexus_test_peer_quit (server, clients, G_N_ELEMENTS (clients));
}

static Member *
member_named (const char *who)
{
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (g_strcmp0 (members[i].who, who) == 0)
      return &members[i];
  return NULL;
}

static gboolean
on_line (const char *line)
{
  g_auto(GStrv) words = NULL;
  Member *member;

  if (line == NULL || g_str_equal (line, "quit"))
    {
      quit ();
      return FALSE;
    }
  words = g_strsplit (line, " ", 3);
  if (g_strcmp0 (words[0], "share") == 0 && words[1] != NULL && words[2] != NULL
      && (member = member_named (words[1])) != NULL)
    share (member, words[2]);
  else
    {
      g_autofree char *reason = g_strdup_printf ("not a command: %s", line);

      nexus_test_peer_fail (reason);
      return FALSE;
    }
  return TRUE;
}

/* The room */

static guint join_timeout_id;

static gboolean
on_join_timeout (gpointer user_data)
{
  join_timeout_id = 0;
  nexus_test_peer_fail ("the host and the guest were not both in the room in time");
  return G_SOURCE_REMOVE;
}

static void
on_state (NexusClient *client,
          GParamSpec  *pspec,
          gpointer     user_data)
{
  NexusClient *host = members[0].client;
  NexusClient *guest = members[1].client;
  JsonBuilder *builder;
  g_autofree char *out = nexus_test_peer_out_of_room (client);

  if (out != NULL)
    {
      nexus_test_peer_fail (out);
      return;
    }
  if (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_JOINED)
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
  builder = nexus_test_peer_begin ("ready");
  nexus_test_peer_add_int (builder, "port", nexus_server_get_port (server));
  nexus_test_peer_add_string (builder, "code", nexus_client_get_room (host));
  nexus_test_peer_add_string (builder, "host", nexus_client_get_name (host));
  nexus_test_peer_add_string (builder, "guest", nexus_client_get_name (guest));
  nexus_test_peer_tell (builder);
  nexus_test_peer_read_lines (on_line);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  NexusServerLimits limits;
  int status;

  nexus_test_peer_init ();

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
  server = nexus_test_peer_listen (&limits, &error);
  nexus_server_limits_clear (&limits);
  if (server == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      nexus_test_peer_remove_tree (work_dir);
      return 1;
    }

  members[0].client = nexus_client_new ("127.0.0.1", nexus_server_get_port (server));
  g_signal_connect (members[0].client, "notify::state", G_CALLBACK (on_state), NULL);
  g_signal_connect (members[0].client, "message", G_CALLBACK (on_message), &members[0]);
  nexus_client_create (members[0].client, HOST_NAME);
  join_timeout_id = g_timeout_add_seconds (JOIN_SECONDS, on_join_timeout, NULL);

  status = nexus_test_peer_run ();

  g_clear_handle_id (&join_timeout_id, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_clear_object (&members[i].client);
      g_free (members[i].dir);
    }
  g_clear_object (&server);
  nexus_test_peer_remove_tree (work_dir);
  g_free (work_dir);
  return status;
}
