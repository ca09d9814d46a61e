/* test-server-conversation.h: what the conversation tests share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-test-utils.h"

G_BEGIN_DECLS

#define THUMBS "\xf0\x9f\x91\x8d"
#define HEART  "\xe2\x9d\xa4\xef\xb8\x8f"
#define PARTY  "\xf0\x9f\x8e\x89"

/* Frames from the nexus_frame_encode_…() functions (taken). */
void        nexus_test_conv_send_encoded (NexusTestClient *client,
                                          char            *frame);
void        nexus_test_conv_send_reply   (NexusTestClient *client,
                                          const char      *text,
                                          const char      *id,
                                          gint64           reply_to);
void        nexus_test_conv_send_edit    (NexusTestClient *client,
                                          const char      *id,
                                          gint64           target,
                                          const char      *text);
void        nexus_test_conv_send_delete  (NexusTestClient *client,
                                          const char      *id,
                                          gint64           target);
void        nexus_test_conv_send_react   (NexusTestClient *client,
                                          const char      *id,
                                          gint64           target,
                                          const char      *emoji,
                                          gboolean         on);
/* The next frame, an event of @type by @name with @id about @target. */
JsonObject *nexus_test_conv_expect_change (NexusTestClient *client,
                                           const char      *type,
                                           const char      *name,
                                           const char      *id,
                                           gint64           target);
/* The next frame of @type with @id, past any other. */
JsonObject *nexus_test_conv_wait_for     (NexusTestClient *client,
                                          const char      *type,
                                          const char      *id);
/* A react that both @sender and @other see. */
void        nexus_test_conv_react_seen   (NexusTestClient *sender,
                                          NexusTestClient *other,
                                          const char      *name,
                                          const char      *id,
                                          gint64           target,
                                          const char      *emoji,
                                          gboolean         on);
char       *nexus_test_conv_object_to_string (JsonObject *object);
/* The event of @seq in a welcome's history (borrowed). */
JsonObject *nexus_test_conv_history_event (JsonObject *welcome,
                                           gint64      seq);
/* The text of the quote of the reply @seq in a welcome's history. */
const char *nexus_test_conv_quote         (JsonObject *welcome,
                                           gint64      seq);
/* The welcome of a member who joins and leaves at once; @a and @b (or
 * NULL) see it come and go. */
JsonObject *nexus_test_conv_late_joiner_welcome (guint            port,
                                                 const char      *code,
                                                 const char      *name,
                                                 NexusTestClient *a,
                                                 NexusTestClient *b);
/* Who reacted with @emoji to a history's message, comma-separated, or NULL. */
char       *nexus_test_conv_reaction_names (JsonObject *message,
                                            const char *emoji);

/* test-server-conversation-saved.c */
void        nexus_test_conv_add_file_and_saved_tests (void);

G_END_DECLS
