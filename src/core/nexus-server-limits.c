/* nexus-server-limits.c: the server's limits and their command-line flags
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "nexus-frame-output-stream.h"
#include "nexus-server.h"

/* A welcome carries the whole history: it must fit what a peer may leave
 * unread, with room for the member list, or a newcomer on a slow link
 * would be cut before it could read its first frame. */
#define HISTORY_BYTES_MAX (NEXUS_FRAME_OUTPUT_STREAM_DEFAULT_LIMIT - 512 * 1024)

void
nexus_server_limits_init_default (NexusServerLimits *limits)
{
  g_return_if_fail (limits != NULL);

  *limits = (NexusServerLimits) {
    .grace_seconds = 30,
    .history = 1000,
    .history_bytes = 1024 * 1024,
    .max_members = 256,
    .max_rooms = 64,
    .max_connections = 1024,
    .rate = 5.0,
    .burst = 20,
    .failed_join_limit = 10,
    .failed_join_window = 60,
    .allowed_hosts = NULL,
    .first_frame_timeout_ms = 10000,
    .request_timeout_ms = 15000,
    .exchange_timeout_ms = 60000,
    .ping_interval_seconds = 20,
    .pong_timeout_seconds = 60,
    .unread_total_bytes = 64 * 1024 * 1024,
    .max_file_size = G_GINT64_CONSTANT (100) * 1024 * 1024,
    .max_room_files = G_GINT64_CONSTANT (1024) * 1024 * 1024,
    .uploads_per_minute = 10,
    .upload_stall_seconds = 30,
    .files_dir = NULL,
    .upload_slot_timeout_ms = 60000,
  };
}

/* Frees what the flags allocated (--allow-host, --files-dir). */
void
nexus_server_limits_clear (NexusServerLimits *limits)
{
  g_return_if_fail (limits != NULL);

  g_clear_pointer (&limits->allowed_hosts, g_strfreev);
  g_clear_pointer (&limits->files_dir, g_free);
}

gboolean
nexus_server_limits_validate (const NexusServerLimits  *limits,
                              GError                  **error)
{
  const struct { const char *flag; int value; int min; int max; } checks[] = {
    { "--grace-seconds", limits->grace_seconds, 0, G_MAXINT },
    { "--history", limits->history, 1, 1000000 },
    { "--history-bytes", limits->history_bytes, 16384, HISTORY_BYTES_MAX },
    { "--max-members", limits->max_members, 1, G_MAXINT },
    { "--max-rooms", limits->max_rooms, 1, G_MAXINT },
    { "--max-connections", limits->max_connections, 1, G_MAXINT },
    { "--burst", limits->burst, 1, G_MAXINT },
    { "--failed-joins", limits->failed_join_limit, 1, G_MAXINT },
    { "first frame timeout", limits->first_frame_timeout_ms, 1, G_MAXINT },
    { "request timeout", limits->request_timeout_ms, 1, G_MAXINT },
    { "exchange timeout", limits->exchange_timeout_ms, 1, G_MAXINT },
    { "ping interval", limits->ping_interval_seconds, 1, G_MAXINT },
    { "pong timeout", limits->pong_timeout_seconds, 1, G_MAXINT },
    { "unread bytes in all", limits->unread_total_bytes, 1, G_MAXINT },
    { "--uploads-per-minute", limits->uploads_per_minute, 1, G_MAXINT },
    { "--upload-stall-seconds", limits->upload_stall_seconds, 1, G_MAXINT },
    { "upload slot timeout", limits->upload_slot_timeout_ms, 1, G_MAXINT },
  };
  const struct { const char *flag; gint64 value; } sizes[] = {
    { "--max-file-size", limits->max_file_size },
    { "--max-room-files", limits->max_room_files },
  };

  g_return_val_if_fail (limits != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    if (checks[i].value < checks[i].min || checks[i].value > checks[i].max)
      {
        if (checks[i].max == G_MAXINT)
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("%s must be %d or more"), checks[i].flag, checks[i].min);
        else
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("%s must be between %d and %d"), checks[i].flag, checks[i].min,
                       checks[i].max);
        return FALSE;
      }

  /* Sizes go into JSON numbers, which are exact up to 2^53. */
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (sizes[i].value < 1 || sizes[i].value > NEXUS_SERVER_SIZE_MAX)
      {
        g_autofree char *largest = g_strdup_printf ("%" G_GINT64_FORMAT, NEXUS_SERVER_SIZE_MAX);

        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("%s must be between 1 and %s bytes"), sizes[i].flag, largest);
        return FALSE;
      }

  if (limits->files_dir != NULL && *limits->files_dir == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--files-dir takes a directory"));
      return FALSE;
    }

  if (!(limits->rate >= 0.0 && limits->rate <= 1e6))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--rate must be between 0 (no limit) and 1000000"));
      return FALSE;
    }

  for (char **host = limits->allowed_hosts; host != NULL && *host != NULL; host++)
    if (**host == '\0' || strpbrk (*host, "/:@[] ") != NULL)
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("--allow-host takes a host name, not “%s”"), *host);
        return FALSE;
      }

  return TRUE;
}

/* A size: bytes, or a number followed by K, M or G (binary: 100M is
 * 100 MiB), as people write them. */
static gboolean
parse_size (const char  *option_name,
            const char  *value,
            gint64      *size,
            GError     **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (value));
  gsize length = strlen (copy);
  guint64 number, multiplier = 1;

  if (length > 0)
    switch (g_ascii_toupper (copy[length - 1]))
      {
      case 'K': multiplier = G_GUINT64_CONSTANT (1) << 10; break;
      case 'M': multiplier = G_GUINT64_CONSTANT (1) << 20; break;
      case 'G': multiplier = G_GUINT64_CONSTANT (1) << 30; break;
      case 'T': multiplier = G_GUINT64_CONSTANT (1) << 40; break;
      default: break;
      }
  if (multiplier > 1)
    copy[--length] = '\0';

  if (length == 0 || !g_ascii_isdigit (copy[0])
      || !g_ascii_string_to_unsigned (copy, 10, 1, NEXUS_SERVER_SIZE_MAX, &number, NULL)
      || number > (guint64) NEXUS_SERVER_SIZE_MAX / multiplier)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s takes a size in bytes, or with K, M or G, not “%s”"), option_name,
                   value);
      return FALSE;
    }
  *size = (gint64) (number * multiplier);
  return TRUE;
}

static gboolean
parse_max_file_size (const char  *option_name,
                     const char  *value,
                     gpointer     data,
                     GError     **error)
{
  NexusServerLimits *limits = data;

  return parse_size (option_name, value, &limits->max_file_size, error);
}

static gboolean
parse_max_room_files (const char  *option_name,
                      const char  *value,
                      gpointer     data,
                      GError     **error)
{
  NexusServerLimits *limits = data;

  return parse_size (option_name, value, &limits->max_room_files, error);
}

/* The limits' flags, in a group of their own (translated, so that --help
 * speaks the user's language). */
GOptionGroup *
nexus_server_limits_option_group (NexusServerLimits *limits)
{
  const GOptionEntry entries[] = {
    { "grace-seconds", 0, 0, G_OPTION_ARG_INT, &limits->grace_seconds,
      N_("How long a dropped member may resume before it has left (default 30)"), N_("SECONDS") },
    { "history", 0, 0, G_OPTION_ARG_INT, &limits->history,
      N_("Events each room keeps for late joiners (default 1000)"), N_("N") },
    { "history-bytes", 0, 0, G_OPTION_ARG_INT, &limits->history_bytes,
      N_("Bytes of events each room keeps at most (default 1048576)"), N_("BYTES") },
    { "max-members", 0, 0, G_OPTION_ARG_INT, &limits->max_members,
      N_("Members per room (default 256)"), N_("N") },
    { "max-rooms", 0, 0, G_OPTION_ARG_INT, &limits->max_rooms,
      N_("Rooms at once (default 64)"), N_("N") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &limits->max_connections,
      N_("Open WebSocket connections (default 1024)"), N_("N") },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &limits->rate,
      N_("Frames a second per connection after the burst; 0 turns the limit off (default 5)"), N_("N") },
    { "burst", 0, 0, G_OPTION_ARG_INT, &limits->burst,
      N_("Frames a connection may send at once (default 20)"), N_("N") },
    { "failed-joins", 0, 0, G_OPTION_ARG_INT, &limits->failed_join_limit,
      N_("Failed joins per address per minute before it is refused (default 10)"), N_("N") },
    { "allow-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &limits->allowed_hosts,
      N_("Another name this host may be reached by, beside its addresses and its own name"),
      N_("NAME") },
    { "max-file-size", 0, 0, G_OPTION_ARG_CALLBACK, parse_max_file_size,
      N_("Bytes a shared file may have; K, M, G for KiB, MiB, GiB (default 100M)"), N_("SIZE") },
    { "max-room-files", 0, 0, G_OPTION_ARG_CALLBACK, parse_max_room_files,
      N_("Bytes of files a room may hold until it ends (default 1G)"), N_("SIZE") },
    { "uploads-per-minute", 0, 0, G_OPTION_ARG_INT, &limits->uploads_per_minute,
      N_("Files each member may start sending a minute (default 10)"), N_("N") },
    { "upload-stall-seconds", 0, 0, G_OPTION_ARG_INT, &limits->upload_stall_seconds,
      N_("How long a file upload or download may pause before it is cut (default 30)"),
      N_("SECONDS") },
    { "files-dir", 0, 0, G_OPTION_ARG_FILENAME, &limits->files_dir,
      N_("Where shared files are kept while their room lasts (default: the cache directory)"),
      N_("DIRECTORY") },
    { NULL }
  };
  GOptionGroup *group;

  g_return_val_if_fail (limits != NULL, NULL);

  /* Translators: the heading of the server limits in --help-all */
  group = g_option_group_new ("limits", _("Server limits:"), _("Show the server's limits"),
                              limits, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);
  return group;
}
