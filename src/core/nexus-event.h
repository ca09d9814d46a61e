/* nexus-event.h: one event of a room's log, as a GObject for GListModel
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "nexus-protocol.h"

G_BEGIN_DECLS

typedef enum {
  NEXUS_EVENT_MESSAGE,
  NEXUS_EVENT_JOINED,
  NEXUS_EVENT_LEFT,
  NEXUS_EVENT_GAP,      /* not a room event: some before it are no longer kept */
} NexusEventKind;

/* Only own messages are ever SENDING or FAILED. An own file is SENDING
 * from the moment it is chosen until its message is in the room: its slot
 * asked for, its bytes uploading (bytes-sent of file-size), then shared. */
typedef enum {
  NEXUS_DELIVERY_SENT,
  NEXUS_DELIVERY_SENDING,
  NEXUS_DELIVERY_FAILED,
} NexusDelivery;

#define NEXUS_TYPE_EVENT_KIND (nexus_event_kind_get_type ())
#define NEXUS_TYPE_DELIVERY   (nexus_delivery_get_type ())
GType nexus_event_kind_get_type (void);
GType nexus_delivery_get_type   (void);

#define NEXUS_TYPE_EVENT (nexus_event_get_type ())

G_DECLARE_FINAL_TYPE (NexusEvent, nexus_event, NEXUS, EVENT, GObject)

NexusEvent     *nexus_event_new              (NexusEventKind  kind,
                                              gint64          seq,
                                              GDateTime      *timestamp,
                                              const char     *name,
                                              const char     *text,
                                              const char     *id);
NexusEventKind  nexus_event_get_kind         (NexusEvent     *self);
gint64          nexus_event_get_seq          (NexusEvent     *self);
GDateTime      *nexus_event_get_timestamp    (NexusEvent     *self);
const char     *nexus_event_get_name         (NexusEvent     *self);
const char     *nexus_event_get_text         (NexusEvent     *self);
void            nexus_event_set_text         (NexusEvent     *self,
                                              const char     *text);
const char     *nexus_event_get_id           (NexusEvent     *self);
gboolean        nexus_event_get_is_own       (NexusEvent     *self);
void            nexus_event_set_is_own       (NexusEvent     *self,
                                              gboolean        is_own);
NexusDelivery   nexus_event_get_delivery     (NexusEvent     *self);
void            nexus_event_set_delivery     (NexusEvent     *self,
                                              NexusDelivery   delivery);
gboolean        nexus_event_get_continues    (NexusEvent     *self);
void            nexus_event_set_continues    (NexusEvent     *self,
                                              gboolean        continues);
/* Called when the server acknowledges an own message. */
void            nexus_event_confirm          (NexusEvent     *self,
                                              gint64          seq,
                                              GDateTime      *timestamp);

/* A file message's file (PROTOCOL.md, Files). The url is the host's path,
 * without its key: nexus_client_get_file_uri() makes the address to
 * download from. Width and height are those of a picture the host
 * checked, else 0. */
gboolean        nexus_event_has_file         (NexusEvent     *self);
void            nexus_event_set_file         (NexusEvent     *self,
                                              const char     *name,
                                              gint64          size,
                                              const char     *type,
                                              const char     *url,
                                              gint64          width,
                                              gint64          height);
const char     *nexus_event_get_file_name    (NexusEvent     *self);
gint64          nexus_event_get_file_size    (NexusEvent     *self);
const char     *nexus_event_get_file_type    (NexusEvent     *self);
const char     *nexus_event_get_file_url     (NexusEvent     *self);
gint64          nexus_event_get_file_width   (NexusEvent     *self);
gint64          nexus_event_get_file_height  (NexusEvent     *self);
/* A PNG, JPEG, GIF or WebP the host looked at, with its size known. */
gboolean        nexus_event_is_picture       (NexusEvent     *self);

/* Conversation (PROTOCOL.md, Conversation): the message this one answers,
 * whether it was edited or deleted, and its reactions. Each change is
 * notified ("notify::reply-seq", "notify::edited", "notify::deleted",
 * "notify::text", "notify::reactions"), so whoever shows or records the
 * message follows it. */
/* The emoji are nexus_reaction_emoji() of nexus-protocol.h. */
void            nexus_event_set_reply        (NexusEvent     *self,
                                              gint64          seq,
                                              const char     *name,
                                              const char     *quote);
gint64          nexus_event_get_reply_seq    (NexusEvent     *self);
const char     *nexus_event_get_reply_name   (NexusEvent     *self);
const char     *nexus_event_get_reply_quote  (NexusEvent     *self);
gboolean        nexus_event_get_edited       (NexusEvent     *self);
void            nexus_event_set_edited_text  (NexusEvent     *self,
                                              const char     *text);
gboolean        nexus_event_get_deleted      (NexusEvent     *self);
void            nexus_event_set_deleted      (NexusEvent     *self);
/* Returns TRUE when it changed anything. */
gboolean        nexus_event_set_reaction     (NexusEvent     *self,
                                              const char     *emoji,
                                              const char     *name,
                                              gboolean        on);
/* Replaces every reaction with @reactions (emoji → names, oldest first),
 * as a history's message has them now. */
void            nexus_event_set_reactions    (NexusEvent     *self,
                                              GHashTable     *reactions);
/* Who reacted with @emoji, oldest first; NULL when nobody did. */
const char * const *nexus_event_get_reactors (NexusEvent     *self,
                                              const char     *emoji);
guint           nexus_event_get_n_reactors   (NexusEvent     *self,
                                              const char     *emoji);
gboolean        nexus_event_has_reacted      (NexusEvent     *self,
                                              const char     *emoji,
                                              const char     *name);
/* The quote a reply to this message carries: its first line, cut to 100
 * characters (a file's name for a file). */
char           *nexus_event_make_quote       (NexusEvent     *self);

/* Set by the client: the message names this person (PROTOCOL.md,
 * Mentions), and the first message that came while nobody looked. */
gboolean        nexus_event_get_mentions_me  (NexusEvent     *self);
void            nexus_event_set_mentions_me  (NexusEvent     *self,
                                              gboolean        mentions_me);
gboolean        nexus_event_get_first_unread (NexusEvent     *self);
void            nexus_event_set_first_unread (NexusEvent     *self,
                                              gboolean        first_unread);

/* An own file on its way: the bytes of it sent so far, and why it failed
 * (a sentence for a person) while it is FAILED. */
gint64          nexus_event_get_bytes_sent   (NexusEvent     *self);
void            nexus_event_set_bytes_sent   (NexusEvent     *self,
                                              gint64          bytes_sent);
const char     *nexus_event_get_failure      (NexusEvent     *self);
void            nexus_event_set_failure      (NexusEvent     *self,
                                              const char     *failure);

G_END_DECLS
