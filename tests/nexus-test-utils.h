/* nexus-test-utils.h: what the tests share: main-loop waiting, a real
 * server on 127.0.0.1, real WebSocket and HTTP clients, a raw-socket client,
 * checks of a client's log, the headless binary
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "nexus-client.h"
#include "nexus-server-private.h"   /* the counts tests look at */

G_BEGIN_DECLS

/* Spins the default main context until @cond holds. The deadline is a
 * safety net against a hang, not a timing assertion. The timer that wakes
 * the loop to look again runs below every other source: on a slow machine
 * it must not starve the work being waited for (file transfers run at idle
 * priority). */
#define WAIT_UNTIL(cond)                                                    \
  G_STMT_START {                                                            \
    gint64 _deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;       \
    guint _wake = g_timeout_add_full (G_PRIORITY_LOW, 10, nexus_test_wake,  \
                                      NULL, NULL);                          \
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

/* Frames and their members. A frame must be one JSON object; a member
 * must be there with its type, or the test ends with the frame shown. */
JsonObject *nexus_test_parse_frame (const char *data,
                                    gsize       length);
const char *nexus_test_str         (JsonObject *object,
                                    const char *member);
gint64      nexus_test_int         (JsonObject *object,
                                    const char *member);

/* A real NexusServer on 127.0.0.1, port 0, as a GTest fixture. */
typedef struct {
  NexusServerLimits limits;
  NexusServer      *server;
  guint             port;
} NexusTestServer;

/* Changes the default limits before the server starts: the test data of
 * NEXUS_TEST_ADD_SERVER. */
typedef void (*NexusTestLimitsFunc) (NexusServerLimits *limits);

void nexus_test_server_setup    (NexusTestServer *fixture,
                                 gconstpointer    limits_func);
void nexus_test_server_teardown (NexusTestServer *fixture,
                                 gconstpointer    data);

/* Limits small enough for a test to reach them. */
void nexus_test_limits_small    (NexusServerLimits *limits);
/* No rate limit: a client may send as fast as the server reads. */
void nexus_test_limits_no_rate  (NexusServerLimits *limits);

#define NEXUS_TEST_ADD_SERVER(path, test_func, limits_func)                 \
  g_test_add (path, NexusTestServer, (gconstpointer) (limits_func),        \
              nexus_test_server_setup, test_func, nexus_test_server_teardown)

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
/* An error with @code that carries @id, or no id when @id is NULL. */
void             nexus_test_client_expect_error_id (NexusTestClient  *client,
                                                    const char       *code,
                                                    const char       *id);
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
void             nexus_test_client_send_join    (NexusTestClient  *client,
                                                 const char       *room,
                                                 const char       *name);
/* Resumes @session; returns the welcome. */
JsonObject      *nexus_test_client_resume       (NexusTestClient  *client,
                                                 const char       *room,
                                                 const char       *session,
                                                 gint64            last_seq);
void             nexus_test_client_send_resume  (NexusTestClient  *client,
                                                 const char       *room,
                                                 const char       *session,
                                                 gint64            last_seq);
void             nexus_test_client_send_say     (NexusTestClient  *client,
                                                 const char       *text,
                                                 const char       *id);
/* Says @text; returns the sender's own copy of the message. */
JsonObject      *nexus_test_client_say          (NexusTestClient  *client,
                                                 const char       *text,
                                                 const char       *id);
/* Says @text @count times, with the ids @id_prefix0, @id_prefix1…, each
 * time until the sender's own copy is back. */
void             nexus_test_client_say_n        (NexusTestClient  *client,
                                                 guint             count,
                                                 const char       *text,
                                                 const char       *id_prefix);
/* Drops the frames received so far. */
void             nexus_test_client_clear        (NexusTestClient  *client);

/* A room with Ada in it; returns Ada's client, and the code unless @code
 * is NULL. */
NexusTestClient *nexus_test_start_room          (guint             port,
                                                 char            **code);
/* Ada's room with Bob in it too (unless @bob is NULL); Ada has seen Bob
 * join. */
NexusTestClient *nexus_test_start_room_with_bob (guint             port,
                                                 char            **code,
                                                 NexusTestClient **bob);
/* The same, with Ada's welcome in @welcome when it is not NULL. */
NexusTestClient *nexus_test_start_room_full     (guint             port,
                                                 JsonObject      **welcome,
                                                 NexusTestClient **bob);
/* A new connection that resumes the session of @welcome, having seen up
 * to @last_seq; returns it, and the welcome of the resume in @resumed. */
NexusTestClient *nexus_test_client_new_resumed  (guint             port,
                                                 JsonObject       *welcome,
                                                 gint64            last_seq,
                                                 JsonObject      **resumed);
/* Runs the main context for @msec, then checks that none of the clients
 * (a list ending with NULL) has received anything unread. */
void             nexus_test_assert_quiet        (guint             msec,
                                                 NexusTestClient  *client,
                                                 ...) G_GNUC_NULL_TERMINATED;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusTestClient, nexus_test_client_free)

/* An HTTP GET (or other method) on the server; returns the status. */
guint nexus_test_http (guint               port,
                       const char         *method,
                       const char         *path,
                       SoupMessageHeaders **response_headers,
                       char              **body);

/* Starts `nexus-chat --headless @args` (NEXUS_CHAT_BIN), a child that
 * ends with the test, a failed one too. @max_descriptors, when not 0, is
 * its limit of open descriptors, soft and hard. It keeps its rooms in
 * memory only (--no-persistence) unless @args give --state-dir. */
/* A file system of @size (mount(8)'s size=, "512k") on a new temporary
 * directory, to fill up: a tmpfs, which only root may mount. NULL when it
 * cannot be had, with the test marked skipped and why. */
char        *nexus_test_small_disk_new    (const char *size);
/* Unmounts it and removes its directory. */
void         nexus_test_small_disk_remove (const char *mountpoint);
/* Fills what is left of the file system of @dir; returns the filler's
 * path (to unlink to make room again). */
char        *nexus_test_fill_disk         (const char *dir);

GSubprocess *nexus_test_headless_new   (const char * const *args,
                                        GSubprocessFlags     flags,
                                        guint                max_descriptors);
/* The same, its output read up to its port: the addresses it serves
 * before that are each added to @lines if not NULL. */
/* Serves @server on 127.0.0.1, a port of its own (set in @port), handing it
 * each connection as NexusServer does: libsoup 3.2's own listener leaks. */
GSocketService *nexus_test_soup_serve (SoupServer *server,
                                       guint      *port);

GSubprocess *nexus_test_spawn_headless (const char * const *args,
                                        guint                max_descriptors,
                                        guint               *port,
                                        GPtrArray           *lines);

/* A WebSocket or HTTP client on a raw socket, for what libsoup's client
 * will not do: leave pings unanswered, stop reading, send invalid UTF-8,
 * endless fragments, half a request or an endless body, connect from
 * other addresses. It runs on the main thread and never blocks, so the
 * server it talks to runs on. Frames it takes are counted, not kept. */
typedef struct {
  GSocket    *socket;
  GByteArray *bytes;       /* received, not yet taken as frames */
  gboolean    eof;         /* the server's end is gone: EOF or a reset */
  guint       n_text;      /* whole frames taken, by kind */
  guint       n_pings;     /* (never answered) */
  guint       n_close;
  gushort     close_code;  /* of the first close frame; 0 if it had none */
} NexusTestRawClient;

/* Connects; a @receive_buffer other than 0 is set before connecting, so
 * the kernel cannot take much on the test's behalf. _full() connects from
 * @source, an address of this host such as 127.0.0.2, when not NULL. */
NexusTestRawClient *nexus_test_raw_client_new         (guint               port,
                                                       int                 receive_buffer);
NexusTestRawClient *nexus_test_raw_client_new_full    (guint               port,
                                                       const char         *source,
                                                       int                 receive_buffer);
void                nexus_test_raw_client_free        (NexusTestRawClient *raw);
/* Sends all the bytes as they are. While the kernel's buffer is full the
 * main context runs, so a server on this thread reads on; the connection
 * must not end meanwhile. */
void                nexus_test_raw_client_send        (NexusTestRawClient *raw,
                                                       const void         *data,
                                                       gsize               length);
/* The same to a server that may end the connection: FALSE once it has. */
gboolean            nexus_test_raw_client_try_send    (NexusTestRawClient *raw,
                                                       const void         *data,
                                                       gsize               length);
/* Sends the upgrade request and waits for the 101 and nothing more. */
void                nexus_test_raw_client_upgrade     (NexusTestRawClient *raw);
/* One masked frame (the key 0, so the payload goes as it is); @head is its
 * first byte: FIN and the opcode. */
GByteArray         *nexus_test_raw_frame_new          (guint8              head,
                                                       const void         *payload,
                                                       gsize               length);
void                nexus_test_raw_client_send_frame  (NexusTestRawClient *raw,
                                                       guint8              head,
                                                       const void         *payload,
                                                       gsize               length);
/* One whole text frame. */
void                nexus_test_raw_client_send_text   (NexusTestRawClient *raw,
                                                       const char         *text);
/* Reads what the kernel holds now, without waiting, taking whole frames
 * when @take_frames. Returns TRUE once the connection has ended. */
gboolean            nexus_test_raw_client_read        (NexusTestRawClient *raw,
                                                       gboolean            take_frames);
/* Reads and takes frames until a close frame or the end. */
void                nexus_test_raw_client_wait_closed (NexusTestRawClient *raw);
/* Reads until the end of the connection, keeping all the bytes. */
void                nexus_test_raw_client_wait_ended  (NexusTestRawClient *raw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusTestRawClient, nexus_test_raw_client_free)

G_END_DECLS
