/* nexus-server.h: the embedded HTTP and WebSocket server and its rooms
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-state-store.h"

G_BEGIN_DECLS

/* The largest size a limit may have: JSON numbers are exact up to 2^53. */
#define NEXUS_SERVER_SIZE_MAX G_GINT64_CONSTANT (9007199254740992)

/* Every limit of PROTOCOL.md, each settable from the command line. The
 * fields are ints (sizes gint64) so GOptionEntry can write them directly. */
typedef struct {
  int    grace_seconds;          /* --grace-seconds, 30 */
  int    history;                /* --history, 1000 events kept per room */
  int    history_bytes;          /* --history-bytes, 1 MiB of them at most */
  int    max_members;            /* --max-members, 256 per room */
  int    max_rooms;              /* --max-rooms, 64 */
  int    max_connections;        /* --max-connections, 1024 open WebSockets */
  double rate;                   /* --rate, 5 frames a second; 0 = unlimited */
  int    burst;                  /* --burst, 20 frames at once */
  int    failed_join_limit;      /* --failed-joins, 10 per address ... */
  int    failed_join_window;     /* ... within 60 s */
  char **allowed_hosts;          /* --allow-host, more names of this host */
  int    first_frame_timeout_ms; /* 10 s to send create/join/resume */
  int    request_timeout_ms;     /* 15 s to send a whole HTTP request */
  int    exchange_timeout_ms;    /* 60 s for an HTTP connection in all, unless it upgrades */
  int    ping_interval_seconds;  /* 20 s between pings */
  int    pong_timeout_seconds;   /* 60 s without a pong: dropped */
  int    unread_total_bytes;     /* 64 MiB left unread by all peers together */
  gint64 max_file_size;          /* --max-file-size, 100 MiB a file */
  gint64 max_room_files;         /* --max-room-files, 1 GiB of files a room */
  int    uploads_per_minute;     /* --uploads-per-minute, 10 a member */
  int    upload_stall_seconds;   /* --upload-stall-seconds, 30 s without a byte: cut */
  char  *files_dir;              /* --files-dir, else the user's cache directory */
  int    upload_slot_timeout_ms; /* 60 s from upload-ready to the upload's request */
} NexusServerLimits;

void     nexus_server_limits_init_default (NexusServerLimits  *limits);
void     nexus_server_limits_clear        (NexusServerLimits  *limits);
gboolean nexus_server_limits_validate     (const NexusServerLimits *limits,
                                           GError            **error);
/* The flags of the limits, writing into @limits, as an option group for a
 * GOptionContext or g_application_add_option_group(). */
GOptionGroup *nexus_server_limits_option_group (NexusServerLimits *limits);

/* Ports tried in turn when no port is given. */
#define NEXUS_SERVER_PORT_ANY      0
#define NEXUS_SERVER_PORT_DEFAULT  (-1)
#define NEXUS_SERVER_PORT_FIRST    47474
#define NEXUS_SERVER_PORT_LAST     47483

#define NEXUS_TYPE_SERVER (nexus_server_get_type ())

G_DECLARE_FINAL_TYPE (NexusServer, nexus_server, NEXUS, SERVER, GObject)

NexusServer *nexus_server_new                 (const NexusServerLimits *limits);
gboolean     nexus_server_listen              (NexusServer          *self,
                                               const char           *bind_address,
                                               int                   port,
                                               GError              **error);
guint        nexus_server_get_port            (NexusServer          *self);
const char  *nexus_server_get_bind_address    (NexusServer          *self);
/* What the server tells the local network about one of its rooms. */
typedef struct {
  char  *code;         /* the room's code: a secret, never announced as it is */
  char  *nearby_code;  /* the public code of a room shown to people nearby, or NULL */
  char  *title;        /* the title shown nearby, or NULL */
  guint  n_members;
} NexusRoomSummary;

void nexus_room_summary_free (NexusRoomSummary *summary);

/* Every live room, in no particular order: a GPtrArray of NexusRoomSummary.
 * The signal "rooms-changed" (no arguments) tells when this changes: a room
 * made or deleted, a member more or fewer, a room shown or hidden. */
GPtrArray   *nexus_server_list_rooms          (NexusServer          *self);
/* Shows room @code to people nearby under @title (1–40 characters; NULL
 * hides it again). A shown room has a second, public code of its own that
 * `join` accepts too; hiding the room retires it. Fails for a room that
 * does not exist or a bad title. */
gboolean     nexus_server_set_room_nearby     (NexusServer          *self,
                                               const char           *code,
                                               const char           *title,
                                               GError              **error);
/* Saved rooms (nexus-server-persist.c) */
void         nexus_server_set_state_store     (NexusServer          *self,
                                               NexusStateStore      *store);
NexusStateStore *nexus_server_get_state_store (NexusServer          *self);
GStrv        nexus_server_reopen_rooms        (NexusServer          *self,
                                               const char * const   *codes);
const char  *nexus_server_get_persistence_problem (NexusServer      *self);
void         nexus_server_drop_connections    (NexusServer          *self);
void         nexus_server_shutdown_async      (NexusServer          *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean     nexus_server_shutdown_finish     (NexusServer          *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
