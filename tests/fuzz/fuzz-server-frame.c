/* fuzz-server-frame.c: a server frame through the desktop client's parser
 *
 * One client lives across inputs (renewed now and then, and when a frame
 * ended it), so a fuzzed welcome can be followed by fuzzed events, errors
 * and resumes.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "nexus-client-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static NexusClient *client;
static guint64 frames_seen;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  NexusClientState state;

  if (client == NULL || ++frames_seen % 2000 == 0)
    {
      g_clear_object (&client);
      client = nexus_client_new ("127.0.0.1", 9);
    }

  nexus_client_handle_frame (client, (const char *) data, size);

  /* The model must stay one event per seq, in order. */
  {
    GListModel *events = nexus_client_get_events (client);
    guint n = g_list_model_get_n_items (events);

    g_assert (n <= 100000);
  }

  state = nexus_client_get_state (client);
  if (state == NEXUS_CLIENT_STATE_ENDED || state == NEXUS_CLIENT_STATE_FAILED)
    g_clear_object (&client);

  /* Timers a frame started (reconnects, typing expiry) must not pile up. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return 0;
}
