/* nexus-server-private.h: what the parts of NexusServer share
 *
 * The server is one object in several files, each one concern:
 *   nexus-server.c           the object, its tick, shutdown, the counts
 *   nexus-server-limits.c    the limits and their command-line flags
 *   nexus-server-listen.c    sockets, accepting, the connection budget
 *   nexus-server-http.c      HTTP routes, the Host check, the upgrade
 *   nexus-server-peer.c      one WebSocket peer: send, fail, drop, tokens
 *   nexus-server-handlers.c  what a peer's frames do: create, join, say …
 *   nexus-server-nearby.c    the rooms as the local network is told of them
 *   nexus-server-files.c     files: upload and share frames, the rooms' stores
 *   nexus-server-transfer.c  files: a transfer of bytes, how it ends, its deadline
 *   nexus-server-upload.c    files: PUT /upload/TOKEN
 *   nexus-server-download.c  files: GET and HEAD /files/FILEID/NAME
 *   nexus-server-persist.c   the rooms in the NexusStateStore, and reopening them
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "nexus-file-store.h"
#include "nexus-frame-hold.h"
#include "nexus-frame-output-stream.h"
#include "nexus-protocol.h"
#include "nexus-room.h"
#include "nexus-server-frame.h"
#include "nexus-server.h"

G_BEGIN_DECLS

/* Close codes of PROTOCOL.md and RFC 6455. */
#define NEXUS_CLOSE_NORMAL     1000
#define NEXUS_CLOSE_GOING_AWAY 1001
#define NEXUS_CLOSE_POLICY     1008
#define NEXUS_CLOSE_REPLACED   4001

/* One WebSocket connection. Its link to a member of a room is set and
 * cleared only by nexus_peer_attach() and nexus_peer_detach(). */
typedef struct {
  NexusServer             *server;
  SoupWebsocketConnection *ws;
  NexusFrameOutputStream  *output;      /* our text frames go here, not through ws */
  char                    *address;
  NexusRoom               *room;        /* set once joined */
  NexusMember             *member;      /* set once joined */
  gint64                   connected_at;
  gint64                   last_pong;
  double                   tokens;
  gint64                   tokens_at;
  gint64                   last_rate_notice;
  gboolean                 ended;       /* a fatal error or a leave: no more frames */
} NexusPeer;

/* The server's saved rooms (nexus-server-persist.c). */
typedef struct {
  NexusStateStore *store;      /* NULL when the rooms are not saved */
  NexusFrameHold  *hold;       /* frames wait here for their changes' commit */
  gboolean         failed;     /* writes failed: nothing is recorded until the retry */
  guint            retry_id;
  guint            retry_ms;
  guint64          snapshot_epoch; /* of the last snapshot: failures before it are old news */
} NexusServerPersist;

/* An accepted TCP connection that has not yet become a WebSocket. */
typedef struct _NexusPending NexusPending;

/* The server's files (nexus-server-files.c, nexus-server-transfer.c). */
typedef struct {
  NexusFileStore *store;       /* NULL until listening, or when files cannot be kept */
  GHashTable     *transfers;   /* uploads and downloads under way: NexusTransfer set */
  guint           watch_id;    /* deadlines of slots and transfers, while there are any */
} NexusServerFiles;

struct _NexusServer
{
  GObject            parent_instance;

  NexusServerLimits  limits;
  SoupServer        *soup;
  char              *bind_address;
  guint              port;
  GHashTable        *rooms;          /* code → NexusRoom */
  GHashTable        *nearby;         /* code → the public code and title of a room shown nearby */
  GHashTable        *peers;          /* NexusPeer set */
  GHashTable        *failed_joins;   /* address → GArray of monotonic µs */
  gint64             last_failed_joins_prune;
  guint              tick_id;
  gint64             last_ping_round;
  GTask             *shutdown_task;
  guint              shutdown_timeout_id;
  char              *host_name;      /* this machine's, for the Host check */
  NexusServerFiles   files;          /* nexus-server-files.c */
  NexusServerPersist persist;        /* nexus-server-persist.c */

  /* Listening (nexus-server-listen.c) */
  GPtrArray         *listeners;      /* GSocket */
  GPtrArray         *accept_sources; /* GSource, one a listener */
  guint              accept_retry_id;
  GHashTable        *pending;        /* remote "address:port" → NexusPending */
  GQueue             pending_order;  /* NexusPending, oldest first */
  guint              pending_limit;
  guint              peer_limit;     /* max-connections, within the descriptors we have */
  guint64            n_accept_failures;
};

/* nexus-server.c: counts, for tests */
guint         nexus_server_get_n_rooms           (NexusServer     *self);
guint         nexus_server_get_n_connections     (NexusServer     *self);
guint         nexus_server_get_n_pending         (NexusServer     *self);
gsize         nexus_server_get_unread_bytes      (NexusServer     *self);
guint         nexus_server_get_n_members         (NexusServer     *self);
gboolean      nexus_server_has_room              (NexusServer     *self,
                                                  const char      *code);

/* nexus-server.c */
void          _nexus_server_update_tick          (NexusServer     *self);
void          _nexus_server_check_shutdown_done  (NexusServer     *self);
GPtrArray    *_nexus_server_list_peers           (NexusServer     *self);
void          _nexus_server_enforce_unread_budget (NexusServer    *self);

/* nexus-server-listen.c */
void          _nexus_server_stop_listening       (NexusServer     *self);
void          _nexus_server_pending_init         (NexusServer     *self);
void          _nexus_server_pending_clear        (NexusServer     *self);
void          _nexus_server_pending_tick         (NexusServer     *self,
                                                  gint64           now);
void          _nexus_server_pending_served       (NexusServer     *self,
                                                  SoupServerMessage *msg);
void          _nexus_server_pending_upgraded     (NexusServer     *self,
                                                  SoupServerMessage *msg);
guint         _nexus_server_get_n_pending        (NexusServer     *self);
GSocketConnection *_nexus_server_pending_start_transfer (NexusServer       *self,
                                                      SoupServerMessage *msg);

/* nexus-server-nearby.c */
void          _nexus_server_nearby_init          (NexusServer     *self);
void          _nexus_server_nearby_clear         (NexusServer     *self);
void          _nexus_server_rooms_changed        (NexusServer     *self);
void          _nexus_server_forget_room          (NexusServer     *self,
                                                  const char      *code);
NexusRoom    *_nexus_server_lookup_room          (NexusServer     *self,
                                                  const char      *code);
gboolean      _nexus_server_code_in_use          (NexusServer     *self,
                                                  const char      *code);
void          _nexus_server_nearby_restore       (NexusServer     *self,
                                                  const char      *code,
                                                  const char      *nearby_code,
                                                  const char      *title);

/* nexus-server-persist.c */
void          _nexus_server_persist_init         (NexusServer     *self);
void          _nexus_server_persist_clear        (NexusServer     *self);
void          _nexus_server_persist_room         (NexusServer     *self,
                                                  NexusRoom       *room,
                                                  NexusMember     *member,
                                                  NexusRoomEvent  *joined);
void          _nexus_server_persist_member       (NexusServer     *self,
                                                  NexusRoom       *room,
                                                  NexusMember     *member,
                                                  NexusRoomEvent  *joined);
void          _nexus_server_persist_left         (NexusServer     *self,
                                                  NexusRoom       *room,
                                                  const char      *name,
                                                  const char      *session_hash,
                                                  NexusRoomEvent  *left);
void          _nexus_server_persist_said         (NexusServer     *self,
                                                  NexusRoom       *room,
                                                  NexusMember     *member,
                                                  const char      *id,
                                                  NexusRoomEvent  *event);
void          _nexus_server_persist_changed      (NexusServer     *self,
                                                  NexusRoom       *room,
                                                  GPtrArray       *changed);
void          _nexus_server_persist_room_gone    (NexusServer     *self,
                                                  const char      *code);
void          _nexus_server_persist_nearby       (NexusServer     *self,
                                                  const char      *code,
                                                  const char      *nearby_code,
                                                  const char      *title);
/* For tests: how long after a failed write the server tries again. */
void          _nexus_server_set_persist_retry_ms (NexusServer     *self,
                                                  guint            retry_ms);

/* nexus-server-http.c */
void          _nexus_server_add_handlers         (NexusServer     *self);
gboolean      _nexus_server_host_allowed         (NexusServer       *self,
                                                  SoupServerMessage *msg);
void          _nexus_server_add_common_headers   (SoupServerMessage *msg);
void          _nexus_server_respond_text         (SoupServerMessage *msg,
                                                  guint              status,
                                                  const char        *text);

/* nexus-server-upload.c, nexus-server-download.c */
void          _nexus_server_uploads_add_handlers   (NexusServer   *self);
void          _nexus_server_downloads_add_handlers (NexusServer   *self);

/* nexus-server-files.c */
void          _nexus_server_files_init           (NexusServer     *self);
void          _nexus_server_files_start          (NexusServer     *self);
void          _nexus_server_files_clear          (NexusServer     *self);
void          _nexus_server_files_handle_frame   (NexusPeer        *peer,
                                                  NexusClientFrame *frame,
                                                  gboolean          parsed,
                                                  const GError     *error,
                                                  gboolean          have_token);
void          _nexus_server_files_member_left    (NexusServer     *self,
                                                  NexusRoom       *room,
                                                  NexusMember     *member);
void          _nexus_server_files_delete         (NexusServer     *self,
                                                  NexusRoom       *room,
                                                  const char      *url);
const char   *_nexus_server_files_key            (NexusServer     *self,
                                                  NexusMember     *member);
void          _nexus_server_files_watch          (NexusServer     *self);
/* For tests: the store (NULL when files cannot be kept), the transfers. */
NexusFileStore *nexus_server_get_file_store      (NexusServer     *self);
guint         nexus_server_get_n_transfers       (NexusServer     *self);

/* The priority a transfer goes on at after each turn, and of its disk
 * work's answers: below GTK's redraw (G_PRIORITY_HIGH_IDLE + 20) and the
 * rooms' frames (+ 30), so a file moving never holds up the host's window
 * or the chat; above the default idle. */
#define NEXUS_TRANSFER_PRIORITY (G_PRIORITY_HIGH_IDLE + 40)

/* An upload or a download under way (nexus-server-transfer.c). */
typedef struct {
  grefcount          ref_count;
  NexusServer       *server;       /* NULL once the server's files are gone */
  SoupServerMessage *msg;
  GSocketConnection *connection;   /* to cut it */
  GCancellable      *cancellable;
  gboolean           upload;
  gboolean           finished;     /* libsoup is done with the message: never pause it again */
  gboolean           cut;
  gint64             last_progress;
  NexusFileRoom     *store_room;   /* NULL once the room has ended */

  /* An upload */
  NexusStoredFile   *file;         /* NULL once discarded */
  GFile             *path;
  GOutputStream     *output;
  gboolean           paused;       /* reading stopped until the disk catches up, or for a turn */
  gsize              turn_bytes;   /* read since the transfer last gave way */
  guint              turn_id;      /* the idle that lets it go on after giving way */
  gboolean           creating;
  gboolean           writing;
  gboolean           finishing;    /* closing and probing */
  gboolean           body_done;
  GQueue             queue;        /* GBytes for the disk */
  gsize              queued;
  GPtrArray         *batch;        /* GBytes being written ... */
  GOutputVector     *vectors;      /* ... and where they are, for writev */
  guint              failure;      /* the status to answer when the disk refused */

  /* A download */
  GInputStream      *input;
  goffset            offset;
  goffset            remaining;    /* bytes still to read */
  gboolean           reading;
  guint              ahead;        /* chunks given to libsoup, not yet written */
} NexusTransfer;

/* nexus-server-transfer.c */
NexusTransfer *_nexus_transfer_new               (NexusServer       *server,
                                                  SoupServerMessage *msg,
                                                  gboolean           upload);
NexusTransfer *_nexus_transfer_ref               (NexusTransfer     *transfer);
void          _nexus_transfer_unref              (NexusTransfer     *transfer);
void          _nexus_transfer_cut                (NexusTransfer     *transfer);
void          _nexus_socket_reset_on_close       (GSocket           *socket);
void          _nexus_transfer_answer             (NexusTransfer     *transfer,
                                                  guint              status,
                                                  const char        *text);
void          _nexus_transfer_discard_upload     (NexusTransfer     *transfer);
void          _nexus_transfer_release_streams    (NexusTransfer     *transfer);
void          _nexus_transfer_on_stream_closed   (GObject           *source,
                                                  GAsyncResult      *result,
                                                  gpointer           user_data);
void          _nexus_transfer_respond_misdirected (SoupServerMessage *msg);
void          _nexus_server_transfers_add_handlers (NexusServer   *self);
void          _nexus_server_transfers_cut_room   (NexusServer     *self,
                                                  NexusFileRoom   *room);
void          _nexus_server_transfers_cut_file   (NexusServer     *self,
                                                  NexusStoredFile *file);
void          _nexus_server_transfers_cut_all    (NexusServer     *self);
void          _nexus_server_transfers_tick       (NexusServer     *self,
                                                  gint64           now);

/* nexus-server-peer.c */
NexusPeer    *nexus_peer_new                     (NexusServer             *server,
                                                  SoupWebsocketConnection *ws,
                                                  NexusFrameOutputStream  *output,
                                                  const char              *address);
void          nexus_peer_free                    (NexusPeer       *peer);
gboolean      nexus_peer_can_send                (NexusPeer       *peer);
void          nexus_peer_send                    (NexusPeer       *peer,
                                                  const char      *json,
                                                  gsize            length);
void          nexus_peer_send_error              (NexusPeer       *peer,
                                                  NexusErrorCode   code,
                                                  const char      *message,
                                                  const char      *id);
void          nexus_peer_fail                    (NexusPeer       *peer,
                                                  NexusErrorCode   code,
                                                  const char      *message);
void          nexus_peer_end                     (NexusPeer       *peer,
                                                  gushort          code,
                                                  const char      *reason);
void          nexus_peer_drop                    (NexusPeer       *peer);
void          nexus_peer_close_now               (NexusPeer       *peer);
void          nexus_peer_attach                  (NexusPeer       *peer,
                                                  NexusRoom       *room,
                                                  NexusMember     *member);
void          nexus_peer_detach                  (NexusPeer       *peer);
void          nexus_peer_unlink                  (NexusPeer       *peer);
gboolean      nexus_peer_take_token              (NexusPeer       *peer);
void          nexus_peer_notice_rate_limited     (NexusPeer       *peer);
gsize         nexus_peer_get_unread              (NexusPeer       *peer);

/* nexus-server-handlers.c */
void          _nexus_server_handle_frame         (NexusPeer       *peer,
                                                  int              type,
                                                  const char      *data,
                                                  gsize            length);
void          _nexus_server_remove_member        (NexusServer     *self,
                                                  NexusRoom       *room,
                                                  NexusMember     *member);
void          _nexus_server_failed_joins_prune   (NexusServer     *self);

G_END_DECLS
