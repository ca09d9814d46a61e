/* nexus-protocol.h: the wire protocol of PROTOCOL.md, as C
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "nexus-json.h"

G_BEGIN_DECLS

#define NEXUS_PROTOCOL_VERSION        1
#define NEXUS_PROTOCOL_SUBPROTOCOL    "nexus-chat.v1"
#define NEXUS_PROTOCOL_MAX_FRAME      16384
#define NEXUS_NAME_MAX_CHARS          32
#define NEXUS_TEXT_MAX_CHARS          4000
#define NEXUS_ID_MAX_CHARS            64
#define NEXUS_FILE_NAME_MAX_CHARS     255
/* A reply's quote: the first line of what it answers, cut to this. */
#define NEXUS_QUOTE_MAX_CHARS         100
/* The reactions there are: 👍 ❤️ 😂 😮 😢 🎉, in this order. */
#define NEXUS_N_REACTIONS             6

/* The error codes of the protocol; the order is the table's, with those
 * of later additions at the end. */
typedef enum {
  NEXUS_ERROR_BAD_REQUEST,
  NEXUS_ERROR_ROOM_NOT_FOUND,
  NEXUS_ERROR_NAME_INVALID,
  NEXUS_ERROR_NAME_TAKEN,
  NEXUS_ERROR_ROOM_FULL,
  NEXUS_ERROR_SERVER_FULL,
  NEXUS_ERROR_SESSION_EXPIRED,
  NEXUS_ERROR_TEXT_INVALID,
  NEXUS_ERROR_RATE_LIMITED,
  NEXUS_ERROR_NOT_JOINED,
  NEXUS_ERROR_FILE_TOO_LARGE,
  NEXUS_ERROR_ROOM_STORAGE_FULL,
  NEXUS_ERROR_FILE_NAME_INVALID,
  NEXUS_ERROR_UPLOAD_NOT_FOUND,
  NEXUS_ERROR_FILES_UNAVAILABLE,
  NEXUS_ERROR_TARGET_NOT_FOUND,
  NEXUS_ERROR_NOT_ALLOWED,
} NexusErrorCode;

#define NEXUS_PROTOCOL_ERROR (nexus_protocol_error_quark ())
GQuark nexus_protocol_error_quark (void);

const char *nexus_error_code_to_string   (NexusErrorCode  code);
gboolean    nexus_error_code_from_string (const char     *string,
                                          NexusErrorCode *code);

/* Client → server frames. */
typedef enum {
  NEXUS_CLIENT_FRAME_UNKNOWN,
  NEXUS_CLIENT_FRAME_CREATE,
  NEXUS_CLIENT_FRAME_JOIN,
  NEXUS_CLIENT_FRAME_RESUME,
  NEXUS_CLIENT_FRAME_SAY,
  NEXUS_CLIENT_FRAME_TYPING,
  NEXUS_CLIENT_FRAME_LEAVE,
  NEXUS_CLIENT_FRAME_UPLOAD,
  NEXUS_CLIENT_FRAME_SHARE,
  NEXUS_CLIENT_FRAME_EDIT,
  NEXUS_CLIENT_FRAME_DELETE,
  NEXUS_CLIENT_FRAME_REACT,
} NexusClientFrameType;

typedef struct {
  NexusClientFrameType type;
  char *name;      /* create, join, upload: as received (not yet trimmed or checked) */
  char *room;      /* join, resume: normalised when it is a valid code, else as received */
  char *session;   /* resume */
  gint64 last_seq; /* resume */
  char *text;      /* say, edit: as received (not yet checked) */
  char *id;        /* say, upload, share, edit, delete, react: checked */
  gint64 size;     /* upload: 0 or more */
  char *mime;      /* upload: as received, or NULL; only ever a hint */
  gint64 target;   /* edit, delete, react: the seq of a message (not yet looked up);
                    * say: its reply_to, 0 when it answers nothing */
  gboolean has_target; /* say: it carried a reply_to; edit, delete, react: always */
  int emoji;       /* react: which of the reactions (nexus_reaction_emoji()) */
  gboolean on;     /* react: added (TRUE) or removed */
} NexusClientFrame;

/* Parses one text frame. On failure returns FALSE with a
 * NEXUS_ERROR_BAD_REQUEST error; @frame->type is still set when the frame
 * was an object with a known "type", so the caller can apply the protocol's
 * order of checks (a malformed `say` before joining is `not-joined`). */
gboolean nexus_client_frame_parse (const char       *data,
                                   gsize             length,
                                   NexusClientFrame *frame,
                                   GError          **error);
void     nexus_client_frame_clear (NexusClientFrame *frame);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NexusClientFrame, nexus_client_frame_clear)

/* The validation rules, shared by server and clients. */
char    *nexus_name_normalize (const char *name);           /* trimmed copy, or NULL when invalid */
gboolean nexus_name_is_valid  (const char *name);           /* after trimming */
char    *nexus_name_key       (const char *trimmed_name);   /* NFKC, casefolded: names are unique by it */
gboolean nexus_text_is_valid  (const char *text);
gboolean nexus_id_is_valid    (const char *id);
/* A file's name as the host keeps it: what follows the last / or \, without
 * control, format or line-separating characters, trimmed; NULL when that
 * leaves nothing, "." or "..", or more than 255 characters. */
char    *nexus_file_name_clean (const char *name);
/* The reactions: index 0 … NEXUS_N_REACTIONS - 1 to its emoji, and back
 * (-1 for anything but one of the six strings exactly). */
const char *nexus_reaction_emoji (int         index);
int         nexus_reaction_index (const char *emoji);
/* A reply's quote of @text: its first line, cut to NEXUS_QUOTE_MAX_CHARS. */
char    *nexus_quote_text     (const char *text);

/* Encoding: JSON text for frames the server and clients send. */
char *nexus_frame_encode_create (const char *name);
char *nexus_frame_encode_join   (const char *room, const char *name);
char *nexus_frame_encode_resume (const char *room, const char *session, gint64 last_seq);
char *nexus_frame_encode_say    (const char *text, const char *id);
char *nexus_frame_encode_simple (const char *type);   /* typing, leave */
char *nexus_frame_encode_upload (const char *id, const char *name, gint64 size, const char *mime);
char *nexus_frame_encode_share  (const char *id);
/* @reply_to: 0 for a say that answers nothing. */
char *nexus_frame_encode_reply  (const char *text, const char *id, gint64 reply_to);
char *nexus_frame_encode_edit   (const char *id, gint64 target, const char *text);
char *nexus_frame_encode_delete (const char *id, gint64 target);
char *nexus_frame_encode_react  (const char *id, gint64 target, const char *emoji, gboolean on);
/* ISO 8601 UTC with milliseconds, from g_get_real_time() microseconds. */
char *nexus_timestamp_format (gint64 real_time_usec);

G_END_DECLS
