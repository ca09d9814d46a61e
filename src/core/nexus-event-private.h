/* nexus-event-private.h: what the parts of NexusEvent share
 *
 * nexus-event.c               the object, its kind, sender, text and file
 * nexus-event-conversation.c  replies, edits, deletes, reactions, mentions
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-event.h"

G_BEGIN_DECLS

struct _NexusEvent
{
  GObject parent_instance;

  NexusEventKind kind;
  gint64 seq;
  GDateTime *timestamp;
  char *name;
  char *text;
  char *id;
  gboolean is_own;
  NexusDelivery delivery;
  gboolean continues;

  /* A file message */
  gboolean has_file;
  char *file_name;
  gint64 file_size;
  char *file_type;
  char *file_url;
  gint64 file_width;
  gint64 file_height;

  /* An own file on its way */
  gint64 bytes_sent;
  char *failure;

  /* Conversation */
  gint64 reply_seq;
  char *reply_name;
  char *reply_quote;
  gboolean edited;
  gboolean deleted;
  GPtrArray *reactors[NEXUS_N_REACTIONS];  /* names, NULL-terminated, or NULL */
  gboolean mentions_me;
  gboolean first_unread;
};

enum {
  PROP_0,
  PROP_KIND,
  PROP_SEQ,
  PROP_TIMESTAMP,
  PROP_NAME,
  PROP_TEXT,
  PROP_ID,
  PROP_IS_OWN,
  PROP_DELIVERY,
  PROP_CONTINUES,
  PROP_FILE_NAME,
  PROP_FILE_SIZE,
  PROP_FILE_TYPE,
  PROP_FILE_URL,
  PROP_FILE_WIDTH,
  PROP_FILE_HEIGHT,
  PROP_BYTES_SENT,
  PROP_FAILURE,
  PROP_REPLY_SEQ,
  PROP_REPLY_NAME,
  PROP_REPLY_QUOTE,
  PROP_EDITED,
  PROP_DELETED,
  PROP_REACTIONS,
  PROP_MENTIONS_ME,
  PROP_FIRST_UNREAD,
  N_PROPS
};

extern GParamSpec *_nexus_event_properties[N_PROPS];

/* nexus-event-conversation.c */
void _nexus_event_conversation_install (GObjectClass *object_class);
void _nexus_event_conversation_finalize (NexusEvent  *self);
gboolean _nexus_event_conversation_get_property (NexusEvent *self,
                                                 guint       prop_id,
                                                 GValue     *value);

G_END_DECLS
