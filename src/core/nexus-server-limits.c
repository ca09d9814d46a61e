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
  };
}

/* Frees what the flags allocated (--allow-host). */
void
nexus_server_limits_clear (NexusServerLimits *limits)
{
  g_return_if_fail (limits != NULL);

  g_clear_pointer (&limits->allowed_hosts, g_strfreev);
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
    { NULL }
  };
  GOptionGroup *group;

  g_return_val_if_fail (limits != NULL, NULL);

  /* Translators: the heading of the server limits in --help-all */
  group = g_option_group_new ("limits", _("Server limits:"), _("Show the server's limits"),
                              NULL, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, entries);
  return group;
}
