/* nexus-client.h: a WebSocket client of a Nexus Chat room
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-event.h"

G_BEGIN_DECLS

typedef enum {
  NEXUS_CLIENT_STATE_IDLE,          /* nothing asked yet */
  NEXUS_CLIENT_STATE_CONNECTING,    /* first create/join under way */
  NEXUS_CLIENT_STATE_JOINED,
  NEXUS_CLIENT_STATE_RECONNECTING,  /* the connection dropped; resuming */
  NEXUS_CLIENT_STATE_FAILED,        /* never got in: see error-message */
  NEXUS_CLIENT_STATE_ENDED,         /* was in the room, and it is over */
} NexusClientState;

/* Why a room ended for this client. */
typedef enum {
  NEXUS_CLIENT_END_NONE,
  NEXUS_CLIENT_END_LEFT,            /* nexus_client_leave() */
  NEXUS_CLIENT_END_HOST_CLOSED,     /* close code 1001 */
  NEXUS_CLIENT_END_TAKEN_OVER,      /* close code 4001 */
  NEXUS_CLIENT_END_EXPIRED,         /* resume refused: session-expired */
  NEXUS_CLIENT_END_REFUSED,         /* another fatal error after joining: room-not-found */
} NexusClientEnd;

/* Which step of getting into a room failed, for a client that is FAILED. */
typedef enum {
  NEXUS_CLIENT_FAILURE_NONE,
  NEXUS_CLIENT_FAILURE_BAD_ADDRESS,     /* the host is not a name or an address */
  NEXUS_CLIENT_FAILURE_HOST_NOT_FOUND,  /* the name does not resolve */
  NEXUS_CLIENT_FAILURE_UNREACHABLE,     /* no route to the host or its network */
  NEXUS_CLIENT_FAILURE_REFUSED,         /* the host answered; nothing listens on the port */
  NEXUS_CLIENT_FAILURE_TIMED_OUT,       /* no connection, handshake or welcome in time */
  NEXUS_CLIENT_FAILURE_NOT_NEXUS,       /* something else answered on the port */
  NEXUS_CLIENT_FAILURE_BUSY,            /* the host has too many connections (503) */
  NEXUS_CLIENT_FAILURE_ROOM_NOT_FOUND,  /* no room with that code on that host */
  NEXUS_CLIENT_FAILURE_REFUSED_BY_HOST, /* turned away; error-code says why, if it was said */
  NEXUS_CLIENT_FAILURE_NETWORK,         /* another network error */
} NexusClientFailure;

#define NEXUS_TYPE_CLIENT_STATE   (nexus_client_state_get_type ())
#define NEXUS_TYPE_CLIENT_END     (nexus_client_end_get_type ())
#define NEXUS_TYPE_CLIENT_FAILURE (nexus_client_failure_get_type ())
GType nexus_client_state_get_type   (void);
GType nexus_client_end_get_type     (void);
GType nexus_client_failure_get_type (void);

/* The client's own pacing, the protocol's default limits. */
#define NEXUS_CLIENT_BURST              20
#define NEXUS_CLIENT_RATE               5.0
/* After a drop the client tries again after 0.5 s, then 1, 2, 4, 8 s and
 * every 15 s from then on, for as long as the room is open: there is no
 * time after which it gives up. 15 s is half the host's default grace
 * period, which a host back from a crash counts from its return, so a
 * member whose last try came just before that return is still in time. */
#define NEXUS_CLIENT_BACKOFF_FIRST_MS   500
#define NEXUS_CLIENT_BACKOFF_MAX_MS     15000
/* Reconnecting this long with no answer from the host: the host is away
 * (the host-away property), no longer a short drop. */
#define NEXUS_CLIENT_AWAY_AFTER_MS      10000

#define NEXUS_TYPE_CLIENT (nexus_client_get_type ())

G_DECLARE_FINAL_TYPE (NexusClient, nexus_client, NEXUS, CLIENT, GObject)

NexusClient      *nexus_client_new               (const char  *host,
                                                  guint        port);
void              nexus_client_create            (NexusClient *self,
                                                  const char  *name);
void              nexus_client_join              (NexusClient *self,
                                                  const char  *room,
                                                  const char  *name);
NexusEvent       *nexus_client_say               (NexusClient *self,
                                                  const char  *text);
void              nexus_client_retry             (NexusClient *self,
                                                  NexusEvent  *event);
void              nexus_client_typing            (NexusClient *self);
NexusEvent       *nexus_client_share_file        (NexusClient *self,
                                                  GFile       *file,
                                                  const char  *mime);
gboolean          nexus_client_cancel_upload     (NexusClient *self,
                                                  NexusEvent  *event);
void              nexus_client_resume            (NexusClient *self,
                                                  const char  *room,
                                                  const char  *name,
                                                  const char  *session);
void              nexus_client_leave             (NexusClient *self);

/* Conversation (PROTOCOL.md): each is sent exactly once across drops;
 * a refusal comes as the "refused" signal, with a sentence. */
NexusEvent       *nexus_client_reply             (NexusClient *self,
                                                  const char  *text,
                                                  NexusEvent  *original);
gboolean          nexus_client_edit              (NexusClient *self,
                                                  NexusEvent  *event,
                                                  const char  *text);
gboolean          nexus_client_delete            (NexusClient *self,
                                                  NexusEvent  *event);
gboolean          nexus_client_react             (NexusClient *self,
                                                  NexusEvent  *event,
                                                  const char  *emoji,
                                                  gboolean     on);
gboolean          nexus_client_can_edit          (NexusClient *self,
                                                  NexusEvent  *event);
gboolean          nexus_client_can_react         (NexusClient *self,
                                                  NexusEvent  *event);
/* Whether someone looks at the room now; while nobody does, messages of
 * others count as unread, and the first of them is marked. */
void              nexus_client_set_looking       (NexusClient *self,
                                                  gboolean     looking);
guint             nexus_client_get_unread        (NexusClient *self);

const char       *nexus_client_get_host          (NexusClient *self);
guint             nexus_client_get_port          (NexusClient *self);
NexusClientState  nexus_client_get_state         (NexusClient *self);
gboolean          nexus_client_get_host_away     (NexusClient *self);
NexusClientEnd    nexus_client_get_end_reason    (NexusClient *self);
NexusClientFailure nexus_client_get_failure      (NexusClient *self);
const char       *nexus_client_get_room          (NexusClient *self);
const char       *nexus_client_get_name          (NexusClient *self);
const char       *nexus_client_get_session       (NexusClient *self);
const char       *nexus_client_get_error_code    (NexusClient *self);
const char       *nexus_client_get_error_message (NexusClient *self);
gint64            nexus_client_get_last_seq      (NexusClient *self);
const char * const *nexus_client_get_members     (NexusClient *self);
guint             nexus_client_get_n_members     (NexusClient *self);
guint             nexus_client_get_n_unsent      (NexusClient *self);
GListModel       *nexus_client_get_events        (NexusClient *self);
gboolean          nexus_client_get_can_share_files (NexusClient *self);

/* Files of the room, to disk */

/* How much of a download is on disk: @received of @total bytes. */
typedef void (*NexusDownloadProgress) (goffset  received,
                                       goffset  total,
                                       gpointer user_data);

char             *nexus_client_get_file_uri      (NexusClient           *self,
                                                  NexusEvent            *event);
void              nexus_client_download_async    (NexusClient           *self,
                                                  NexusEvent            *event,
                                                  GFile                 *destination,
                                                  GCancellable          *cancellable,
                                                  NexusDownloadProgress  progress,
                                                  gpointer               progress_data,
                                                  GDestroyNotify         progress_data_free,
                                                  GAsyncReadyCallback    callback,
                                                  gpointer               user_data);
gboolean          nexus_client_download_finish   (NexusClient           *self,
                                                  GAsyncResult          *result,
                                                  GError               **error);

G_END_DECLS
