/* nexus-discovery-txt.h: the TXT record a host announces, built and read
 *
 * The layout is PROTOCOL.md's, section "Finding hosts on the local network
 * (DNS-SD)". What is read here comes from anyone on the network, so every
 * value is checked and a record that breaks a rule is refused whole.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "nexus-server.h"   /* NexusRoomSummary */

G_BEGIN_DECLS

#define NEXUS_DISCOVERY_SERVICE_TYPE     "_nexus-chat._tcp"
#define NEXUS_DISCOVERY_TXT_VERSION      1
#define NEXUS_DISCOVERY_SALT_BYTES       8
#define NEXUS_DISCOVERY_MAX_CODES        48    /* digests in `codes` */
#define NEXUS_DISCOVERY_MAX_ROOMS        8     /* `room1` … `room8` */
#define NEXUS_DISCOVERY_TITLE_MAX_CHARS  40
#define NEXUS_DISCOVERY_MAX_MEMBERS      99999
#define NEXUS_DISCOVERY_TXT_MAX_STRINGS  64    /* a record with more is refused */
#define NEXUS_DISCOVERY_TXT_MAX_BYTES    8192  /* all strings together, at most */
#define NEXUS_DISCOVERY_APP_MAX_CHARS    32

/* One room a host shows to people nearby, as its TXT record says. */
typedef struct {
  char  *code;        /* the room's public code, in normal form */
  char  *title;
  guint  n_members;
} NexusDiscoveryRoom;

/* A host's TXT record, checked. */
typedef struct {
  guint               proto;
  char               *app_version;     /* NULL when the host did not say */
  guint8              salt[NEXUS_DISCOVERY_SALT_BYTES];
  guint16             digests[NEXUS_DISCOVERY_MAX_CODES];
  guint               n_digests;
  gboolean            more;
  NexusDiscoveryRoom  rooms[NEXUS_DISCOVERY_MAX_ROOMS];
  guint               n_rooms;
} NexusDiscoveryTxt;

/* How likely a host is to hold a code, from least to most. */
typedef enum {
  NEXUS_DISCOVERY_MATCH_NONE,
  NEXUS_DISCOVERY_MATCH_MORE,      /* not listed, but the host has more rooms than it lists */
  NEXUS_DISCOVERY_MATCH_DIGEST,    /* the code's digest is listed */
  NEXUS_DISCOVERY_MATCH_PUBLIC,    /* it is the public code of a room the host shows */
} NexusDiscoveryMatch;

/* The digest of @normal_code under @salt: the first 2 bytes of
 * HMAC-SHA-256 keyed with the salt, as a number. */
guint16              nexus_discovery_digest         (const guint8      *salt,
                                                     const char        *normal_code);
/* Whether @title may be shown nearby: valid UTF-8, 1–40 characters, not
 * only spaces, no control or format characters. */
gboolean             nexus_discovery_title_is_valid (const char        *title);

/* The TXT strings (a GVariant "aay", floating) for the live rooms
 * @summaries (NexusRoomSummary) of a host with @salt. Rooms shown nearby
 * whose public code or title would not pass nexus_discovery_txt_parse()
 * are left out rather than spoil the record. */
GVariant            *nexus_discovery_txt_build      (const guint8      *salt,
                                                     GPtrArray         *summaries,
                                                     const char        *app_version);
/* Reads a TXT record ("aay") from the network; NULL with @error when it
 * breaks any rule. */
NexusDiscoveryTxt   *nexus_discovery_txt_parse      (GVariant          *txt,
                                                     GError           **error);
void                 nexus_discovery_txt_free       (NexusDiscoveryTxt *txt);
NexusDiscoveryMatch  nexus_discovery_txt_match      (const NexusDiscoveryTxt *txt,
                                                     const char        *normal_code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusDiscoveryTxt, nexus_discovery_txt_free)

G_END_DECLS
