/* nexus-test-utils.h: a real WebSocket client and main-loop waiting for tests
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "nexus-client.h"

G_BEGIN_DECLS

/* Spins the default main context until @cond holds. The deadline is a
 * safety net against a hang, not a timing assertion. */
#define WAIT_UNTIL(cond)                                                    \
  G_STMT_START {                                                            \
    gint64 _deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;       \
    guint _wake = g_timeout_add (10, nexus_test_wake, NULL);                \
    while (!(cond))                                                         \
      {                                                                     \
        if (g_get_monotonic_time () > _deadline)                            \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        g_main_context_iteration (NULL, TRUE);                              \
      }                                                                     \
    g_source_remove (_wake);                                                \
  } G_STMT_END

gboolean nexus_test_wake (gpointer data);

/* Runs the main context for @msec, for checks that something does NOT
 * happen (a frame that must not arrive). */
void nexus_test_spin (guint msec);

/* A GAsyncReadyCallback that keeps the result for the _finish call:
 * @user_data is a GAsyncResult ** that starts NULL; WAIT_UNTIL it is set. */
void nexus_test_async_result_cb (GObject      *source,
                                 GAsyncResult *result,
                                 gpointer      user_data);

/* How many events in @client's log carry @text. */
guint nexus_test_count_text      (NexusClient *client,
                                  const char  *text);
/* Every delivered event of @client's log once, in seq order, with no gap. */
void  nexus_test_assert_log_clean (NexusClient *client);

typedef struct {
  SoupSession             *session;
  SoupWebsocketConnection *ws;
  GQueue                   frames;      /* JsonObject, oldest first */
  gboolean                 done;        /* connect finished, well or not */
  gboolean                 closed;
  gushort                  close_code;
  guint                    http_status; /* when the upgrade was refused */
  GError                  *error;
} NexusTestClient;

NexusTestClient *nexus_test_client_new          (guint             port,
                                                 const char       *origin);
NexusTestClient *nexus_test_client_new_full     (guint             port,
                                                 const char       *origin,
                                                 const char       *host_header,
                                                 gboolean          offer_protocol);
void             nexus_test_client_free         (NexusTestClient  *client);
void             nexus_test_client_send         (NexusTestClient  *client,
                                                 const char       *json);
void             nexus_test_client_sendf        (NexusTestClient  *client,
                                                 const char       *format,
                                                 ...) G_GNUC_PRINTF (2, 3);
JsonObject      *nexus_test_client_next         (NexusTestClient  *client);
JsonObject      *nexus_test_client_expect       (NexusTestClient  *client,
                                                 const char       *type);
void             nexus_test_client_expect_error (NexusTestClient  *client,
                                                 const char       *code);
void             nexus_test_client_expect_fatal (NexusTestClient  *client,
                                                 const char       *code);
void             nexus_test_client_wait_closed  (NexusTestClient  *client);
void             nexus_test_client_cut          (NexusTestClient  *client);
guint            nexus_test_client_pending      (NexusTestClient  *client);
/* Creates a room as @name; returns the welcome. */
JsonObject      *nexus_test_client_create       (NexusTestClient  *client,
                                                 const char       *name);
JsonObject      *nexus_test_client_join         (NexusTestClient  *client,
                                                 const char       *room,
                                                 const char       *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusTestClient, nexus_test_client_free)

/* An HTTP GET (or other method) on the server; returns the status. */
guint nexus_test_http (guint               port,
                       const char         *method,
                       const char         *path,
                       SoupMessageHeaders **response_headers,
                       char              **body);

G_END_DECLS
