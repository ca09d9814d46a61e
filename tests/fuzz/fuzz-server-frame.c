/* fuzz-server-frame.c: a server frame through the protocol layer's parser,
 * then through the desktop client
 *
 * The parser's result must keep its promises (every member a frame of its
 * type needs is there, events have a seq and a time). One client lives
 * across inputs (renewed now and then, and when a frame ended it), so a
 * fuzzed welcome can be followed by fuzzed events, errors and resumes.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "nexus-client-private.h"
#include "nexus-server-frame.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static NexusClient *client;
static guint64 frames_seen;

static void
check_event (const NexusServerEvent *event)
{
  g_assert (event->type == NEXUS_SERVER_FRAME_MESSAGE
            || event->type == NEXUS_SERVER_FRAME_JOINED
            || event->type == NEXUS_SERVER_FRAME_LEFT);
  g_assert (event->seq >= 1);
  g_assert (event->timestamp != NULL);
  g_assert (event->name != NULL);
  g_assert ((event->text != NULL) == (event->type == NEXUS_SERVER_FRAME_MESSAGE));
  g_assert ((event->id != NULL) == (event->type == NEXUS_SERVER_FRAME_MESSAGE));
}

static void
check_frame (const uint8_t *data,
             size_t         size)
{
  g_auto(NexusServerFrame) frame = { 0 };

  if (!nexus_server_frame_parse ((const char *) data, size, &frame))
    {
      g_assert (frame.members == NULL && frame.history == NULL && frame.name == NULL);
      return;
    }

  switch (frame.type)
    {
    case NEXUS_SERVER_FRAME_WELCOME:
      g_assert (frame.room != NULL && frame.name != NULL && frame.session != NULL);
      g_assert (frame.members != NULL);
      for (guint i = 0; i < frame.n_history; i++)
        check_event (&frame.history[i]);
      break;
    case NEXUS_SERVER_FRAME_MESSAGE:
    case NEXUS_SERVER_FRAME_JOINED:
    case NEXUS_SERVER_FRAME_LEFT:
      g_assert (frame.event.type == frame.type);
      check_event (&frame.event);
      break;
    case NEXUS_SERVER_FRAME_TYPING:
      g_assert (frame.name != NULL);
      break;
    case NEXUS_SERVER_FRAME_ERROR:
      g_assert (nexus_error_code_to_string (frame.code) != NULL);
      break;
    case NEXUS_SERVER_FRAME_UPLOAD_READY:
      g_assert (frame.id != NULL && g_str_has_prefix (frame.url, "/upload/"));
      break;
    default:
      g_assert_not_reached ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  NexusClientState state;

  check_frame (data, size);

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
