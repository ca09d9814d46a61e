/* nexus-code.h: room codes, session tokens and invite links
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NEXUS_CODE_ALPHABET      "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
#define NEXUS_CODE_LENGTH        6
#define NEXUS_DEFAULT_PORT       47474
#define NEXUS_SESSION_TOKEN_BITS 128
/* A token's SHA-256, as 64 lowercase hex digits. */
#define NEXUS_TOKEN_HASH_LENGTH  64

void      nexus_random_bytes        (void       *buffer,
                                     gsize       length);
char     *nexus_code_generate       (void);
char     *nexus_code_normalize      (const char *input);
char     *nexus_code_format         (const char *code);
char     *nexus_session_token_new   (void);
gboolean  nexus_token_equal         (const char *a,
                                     const char *b);
char     *nexus_token_hash          (const char *token);

char     *nexus_invite_link_build   (const char *host,
                                     guint       port,
                                     const char *code);

typedef enum {
  NEXUS_INVITE_ERROR_EMPTY,
  NEXUS_INVITE_ERROR_BAD_LINK,
  NEXUS_INVITE_ERROR_BAD_CODE,
  NEXUS_INVITE_ERROR_NO_HOST,
  NEXUS_INVITE_ERROR_BAD_HOST,
} NexusInviteError;

#define NEXUS_INVITE_ERROR (nexus_invite_error_quark ())
GQuark nexus_invite_error_quark (void);

gboolean  nexus_invite_parse        (const char  *input,
                                     const char  *fallback_host,
                                     char       **code,
                                     char       **host,
                                     guint       *port,
                                     GError     **error);

G_END_DECLS
