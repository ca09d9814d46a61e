/* nexus-server-frame.h: server → client frames of PROTOCOL.md, as C
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "nexus-protocol.h"

G_BEGIN_DECLS

typedef enum {
  NEXUS_SERVER_FRAME_WELCOME,
  NEXUS_SERVER_FRAME_MESSAGE,
  NEXUS_SERVER_FRAME_JOINED,
  NEXUS_SERVER_FRAME_LEFT,
  NEXUS_SERVER_FRAME_TYPING,
  NEXUS_SERVER_FRAME_ERROR,
  NEXUS_SERVER_FRAME_UPLOAD_READY,
} NexusServerFrameType;

/* The file of a file message, as a client reads it. */
typedef struct {
  char  *name;                  /* to show and to save under; never a path */
  gint64 size;                  /* bytes */
  char  *type;                  /* "image/png" … or "application/octet-stream" */
  char  *url;                   /* "/files/FILEID/NAME": add ?key=FILES_KEY */
  gint64 width;                 /* pictures only, else 0 */
  gint64 height;
} NexusServerFile;

/* One of the room's events: a `message`, `joined` or `left`, live or in a
 * welcome's history. */
typedef struct {
  NexusServerFrameType type;    /* MESSAGE, JOINED or LEFT */
  gint64 seq;                   /* 1 or more */
  GDateTime *timestamp;
  char *name;
  char *text;                   /* MESSAGE only */
  char *id;                     /* MESSAGE only */
  NexusServerFile *file;        /* MESSAGE with a well-formed `file`, else NULL */
} NexusServerEvent;

typedef struct {
  NexusServerFrameType type;

  /* WELCOME */
  char *room;
  char *session;
  char **members;               /* the strings of `members`, in order; NULL-terminated */
  NexusServerEvent *history;    /* the well-formed events of `history`, oldest first */
  guint n_history;
  gint64 last_seq;
  gboolean resumed;
  gboolean gap;                 /* a resume missed events that are no longer kept */
  char *files_key;              /* the key of this member's downloads, or NULL */

  /* WELCOME (the name as the server stored it) and TYPING (who) */
  char *name;

  /* MESSAGE, JOINED, LEFT */
  NexusServerEvent event;

  /* ERROR */
  NexusErrorCode code;
  char *message;                /* may be NULL */
  char *id;                     /* may be NULL: set when a `say` was refused */

  /* UPLOAD_READY: @id, and where the bytes go */
  char *url;                    /* "/upload/TOKEN" */
} NexusServerFrame;

/* Encoding, for the server. */
char *nexus_frame_encode_error  (NexusErrorCode code, const char *message, const char *id);
char *nexus_frame_encode_typing_from (const char *name);

/* The room's events, in the order of the protocol's table. */
typedef enum {
  NEXUS_WIRE_EVENT_MESSAGE,
  NEXUS_WIRE_EVENT_JOINED,
  NEXUS_WIRE_EVENT_LEFT,
  NEXUS_WIRE_EVENT_EDITED,
  NEXUS_WIRE_EVENT_DELETED,
  NEXUS_WIRE_EVENT_REACTED,
} NexusWireEvent;

/* @text and @id for a message only; @real_time in µs since the epoch. */
GString *nexus_frame_encode_event (NexusWireEvent  kind,
                                   gint64          seq,
                                   gint64          real_time,
                                   const char     *name,
                                   const char     *text,
                                   const char     *id);

/* What a file message says of its file, for encoding. */
typedef struct {
  const char *name;             /* cleaned (nexus_file_name_clean) */
  guint64     size;
  const char *type;             /* the verified picture type or application/octet-stream */
  const char *url;              /* /files/FILEID/ENCODED-NAME */
  guint32     width;            /* pictures only, else 0 */
  guint32     height;
} NexusFileInfo;

/* A file message: a `message` whose @text is the line version 1 clients
 * show, with a member `file`. */
GString *nexus_frame_encode_file_event (gint64               seq,
                                        gint64               real_time,
                                        const char          *name,
                                        const char          *text,
                                        const char          *id,
                                        const NexusFileInfo *file);
/* "2.4 MB", "512 bytes": decimal units, the same in every locale. */
char    *nexus_file_size_format        (guint64              size);
/* The text of a file message: "📎 slides.pdf (2.4 MB)". */
char    *nexus_file_fallback_text      (const char          *file_name,
                                        guint64              size);
/* A message as the history holds it now (PROTOCOL.md, "Conversation"):
 * its reply's quote, and its edits, deletion and reactions so far. */
typedef struct {
  gint64               seq;
  gint64               real_time;
  const char          *name;
  const char          *text;         /* "" once deleted */
  const char          *id;
  const NexusFileInfo *file;         /* NULL: no file, or deleted */
  gint64               reply_seq;    /* 0: it answers nothing */
  const char          *reply_name;
  const char          *reply_text;
  gboolean             edited;
  gboolean             deleted;
  GPtrArray * const   *reactions;    /* NEXUS_N_REACTIONS arrays of names, oldest first, or NULL */
} NexusMessageFrame;

GString *nexus_frame_encode_message    (const NexusMessageFrame *message);
/* An edited (@text), deleted, or reacted (@emoji, @on) event. */
GString *nexus_frame_encode_change     (NexusWireEvent       kind,
                                        gint64               seq,
                                        gint64               real_time,
                                        const char          *name,
                                        const char          *id,
                                        gint64               target,
                                        const char          *text,
                                        const char          *emoji,
                                        gboolean             on);
char    *nexus_frame_encode_upload_ready (const char        *id,
                                          const char        *url);

/* A welcome: its history is events already encoded. */
typedef struct {
  const char         *room;
  const char         *name;
  const char         *session;
  const char * const *members;          /* in order of joining */
  guint               n_members;
  const char * const *history;          /* each an encoded event ... */
  const gsize        *history_lengths;  /* ... of this many bytes */
  guint               n_history;
  gint64              last_seq;
  gboolean            resumed;
  gboolean            gap;
  const char         *files_key;        /* NULL when the host takes no files */
} NexusWelcome;

GString *nexus_frame_encode_welcome (const NexusWelcome *welcome);

/* Parses one text frame from the server. Any bytes are safe here. Returns
 * FALSE, with @frame cleared, when the frame does not follow the protocol:
 * not UTF-8 or not JSON, no known "type", or a member it needs missing or
 * of the wrong type. Unknown members are ignored, and so are the elements
 * of `members` and `history` that are not names or events. */
gboolean nexus_server_frame_parse (const char       *data,
                                   gsize             length,
                                   NexusServerFrame *frame);
void     nexus_server_frame_clear (NexusServerFrame *frame);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NexusServerFrame, nexus_server_frame_clear)

G_END_DECLS
