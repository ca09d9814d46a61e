/* nexus-client-private.h: what the parts of NexusClient share
 *
 * nexus-client.c             the object, its state and what it tells watchers
 * nexus-client-connection.c  create, join, leave; connect, resume with
 *                            back-off after a drop, close, pongs
 * nexus-client-frames.c      the server's frames: welcome, members, events,
 *                            refusals as sentences
 * nexus-client-outbox.c      own messages: say, retry, pacing; typing
 * nexus-client-upload.c      own files: a slot, the bytes by PUT, the share
 * nexus-client-download.c    files of the room, to disk
 * nexus-client-conversation.c replies, edits, deletes, reactions sent
 *                            exactly once; refusals; unread messages
 * nexus-client-changes.c     the server's edits, deletes, reactions and
 *                            replies, applied to the log idempotently
 *
 * Tests may include this header.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "nexus-client.h"
#include "nexus-event-log.h"
#include "nexus-protocol.h"

G_BEGIN_DECLS

/* How long connecting may take, and then again how long the first
 * welcome may take once the WebSocket is open. */
#define NEXUS_CLIENT_CONNECT_TIMEOUT_MS (10 * 1000)

typedef struct _NexusConnectAttempt NexusConnectAttempt;
typedef struct _NexusUpload NexusUpload;

struct _NexusClient
{
  GObject parent_instance;

  /* Where */
  char *host;
  guint port;

  /* The connection */
  SoupSession *session;
  SoupWebsocketConnection *connection;
  NexusConnectAttempt *attempt;
  guint connect_timeout_ms;
  guint welcome_timeout_id;
  guint reconnect_id;
  guint backoff_ms;        /* the wait before the next try */
  gint64 reconnecting_since;
  guint n_reconnects;      /* tries since the connection dropped */
  gboolean host_answered;  /* the last try reached Nexus Chat, which said not now */
  gboolean host_away;
  guint away_id;
  /* NEXUS_CLIENT_BACKOFF_FIRST_MS, _MAX_MS, _AWAY_AFTER_MS, or a test's */
  guint backoff_first_ms;
  guint backoff_max_ms;
  guint away_after_ms;
  guint pong_check_id;
  gint64 last_pong;

  /* The room */
  NexusClientState state;
  NexusClientEnd end_reason;
  NexusClientFailure failure;
  char *wanted_name;
  char *wanted_room;
  char *room;
  char *name;
  char *session_token;
  gint64 last_seq;
  GPtrArray *members;      /* names, NULL-terminated */
  char *error_code;
  char *error_message;

  /* The log, and own messages on their way */
  NexusEventLog *log;
  GHashTable *pending;     /* id → NexusEvent, own messages not confirmed */
  GQueue outbox;           /* NexusEvent, SENDING, in send order */
  guint n_outbox_sent;     /* the head of @outbox sent on this connection */
  guint next_id;
  char *id_prefix;

  /* Pacing */
  double tokens;
  gint64 tokens_time;
  guint flush_id;
  gint64 last_typing;

  /* Files */
  char *files_key;         /* this member's, for downloads; NULL when the host keeps none */
  SoupSession *files_session;  /* uploads and downloads, apart from the WebSocket's */
  GHashTable *uploads;     /* id → NexusUpload, own files not yet in the room */

  /* Conversation */
  GQueue changes;          /* NexusChange: edits, deletes, reactions not confirmed */
  guint n_changes_sent;    /* the head of @changes sent on this connection */
  gboolean looking;        /* someone looks at the room */
  guint unread;            /* messages of others since someone last looked */
  NexusEvent *first_unread;
  gboolean resuming;       /* the welcome being read is a resume's */
};

/* Handles one text frame from the server as if it had arrived on the
 * connection. Any bytes are safe here; what does not follow the protocol is
 * ignored. Returns FALSE when the frame was ignored. */
gboolean nexus_client_handle_frame          (NexusClient      *self,
                                             const char       *data,
                                             gsize             length);

/* nexus-client.c */
gboolean _nexus_client_is_in_room           (NexusClient      *self);
void     _nexus_client_set_state            (NexusClient      *self,
                                             NexusClientState  state);
void     _nexus_client_set_host_away        (NexusClient      *self,
                                             gboolean          away);
void     _nexus_client_set_error            (NexusClient      *self,
                                             const char       *code,
                                             const char       *message);
void     _nexus_client_fail                 (NexusClient      *self,
                                             NexusClientFailure failure,
                                             const char       *code,
                                             const char       *message);
void     _nexus_client_end                  (NexusClient      *self,
                                             NexusClientEnd    reason,
                                             const char       *code,
                                             const char       *message);
void     _nexus_client_set_identity         (NexusClient      *self,
                                             const char       *room,
                                             const char       *name,
                                             const char       *session);
void     _nexus_client_notify_members       (NexusClient      *self);
void     _nexus_client_emit_message         (NexusClient      *self,
                                             NexusEvent       *event);
void     _nexus_client_emit_typing          (NexusClient      *self,
                                             const char       *name);

/* nexus-client-connection.c */
void     _nexus_client_connect              (NexusClient      *self);
void     _nexus_client_disconnect           (NexusClient      *self);
void     _nexus_client_welcomed             (NexusClient      *self);
/* Tests shorten it to see a timeout without waiting for the real one. */
void     _nexus_client_set_connect_timeout  (NexusClient      *self,
                                             guint             timeout_ms);
/* Tests shorten these to see a long outage of the host in a few seconds:
 * the first wait after a drop, the longest wait, and how long without an
 * answer makes the host away. */
void     _nexus_client_set_reconnect_timing (NexusClient      *self,
                                             guint             backoff_first_ms,
                                             guint             backoff_max_ms,
                                             guint             away_after_ms);

/* nexus-client-outbox.c */
gboolean _nexus_client_send_frame           (NexusClient      *self,
                                             const char       *frame);
void     _nexus_client_outbox_restart       (NexusClient      *self);
void     _nexus_client_outbox_flush         (NexusClient      *self);
void     _nexus_client_outbox_fail          (NexusClient      *self);
NexusEvent *_nexus_client_outbox_lookup     (NexusClient      *self,
                                             const char       *id);
void     _nexus_client_outbox_confirm       (NexusClient      *self,
                                             NexusEvent       *event,
                                             gint64            seq,
                                             GDateTime        *timestamp);
NexusEvent *_nexus_client_say              (NexusClient      *self,
                                             const char       *text,
                                             NexusEvent       *original);
char    *_nexus_client_new_id               (NexusClient      *self);
void     _nexus_client_outbox_pause         (NexusClient      *self);
void     _nexus_client_outbox_refused       (NexusClient      *self,
                                             NexusEvent       *event,
                                             NexusErrorCode    code);

/* nexus-client-conversation.c */
void     _nexus_client_changes_clear        (NexusClient      *self);
void     _nexus_client_changes_restart      (NexusClient      *self);
gboolean _nexus_client_changes_unsent       (NexusClient      *self);
gboolean _nexus_client_changes_send_next    (NexusClient      *self);
void     _nexus_client_changes_fail         (NexusClient      *self);
gboolean _nexus_client_change_confirmed     (NexusClient      *self,
                                             const char       *id);
gboolean _nexus_client_change_refused       (NexusClient      *self,
                                             const char       *id,
                                             const char       *code,
                                             const char       *message);
char    *_nexus_client_encode_say           (NexusEvent       *event);
void     _nexus_client_message_added        (NexusClient      *self,
                                             NexusEvent       *event,
                                             gboolean          live);
void     _nexus_client_update_mention       (NexusClient      *self,
                                             NexusEvent       *event);
void     _nexus_client_emit_refused         (NexusClient      *self,
                                             NexusEvent       *target,
                                             const char       *sentence);
void     _nexus_client_notify_unread        (NexusClient      *self);

/* nexus-client-changes.c */
/* The conversation's parts of a frame that nexus_server_frame_parse()
 * took (a message's reply and current state, a welcome's history), or
 * one it did not know (edited, deleted, reacted; an error with a code of
 * Conversation). Returns TRUE when it used the frame. */
gboolean _nexus_client_apply_conversation   (NexusClient      *self,
                                             const char       *data,
                                             gsize             length,
                                             gboolean          parsed);

/* nexus-client-upload.c */
void     _nexus_client_uploads_init         (NexusClient      *self);
void     _nexus_client_uploads_clear        (NexusClient      *self);
void     _nexus_client_uploads_resume       (NexusClient      *self);
void     _nexus_client_uploads_fail         (NexusClient      *self);
gboolean _nexus_client_upload_ready         (NexusClient      *self,
                                             const char       *id,
                                             const char       *url);
gboolean _nexus_client_upload_refused       (NexusClient      *self,
                                             const char       *id,
                                             NexusErrorCode    code,
                                             const char       *message);
void     _nexus_client_upload_done          (NexusClient      *self,
                                             NexusEvent       *event);
gboolean _nexus_client_upload_retry         (NexusClient      *self,
                                             NexusEvent       *event);
/* For tests: where the upload of @id stands, in words; NULL if none. */
char    *_nexus_client_upload_describe      (NexusClient      *self,
                                             const char       *id);
/* The http:// address of @path (which starts with /) on the host. */
char    *_nexus_client_http_uri             (NexusClient      *self,
                                             const char       *path);

G_END_DECLS
