/* nexus-frame-output-stream.h: a WebSocket connection's outgoing bytes,
 * gathered and written in rounds
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-frame-hold.h"

G_BEGIN_DECLS

/* Unwritten bytes a peer may leave behind before it counts as not reading. */
#define NEXUS_FRAME_OUTPUT_STREAM_DEFAULT_LIMIT (4 * 1024 * 1024)

#define NEXUS_TYPE_FRAME_OUTPUT_STREAM (nexus_frame_output_stream_get_type ())
G_DECLARE_FINAL_TYPE (NexusFrameOutputStream, nexus_frame_output_stream, NEXUS, FRAME_OUTPUT_STREAM, GOutputStream)

GOutputStream *nexus_frame_output_stream_new         (GOutputStream          *base,
                                                      gsize                   limit);
gboolean       nexus_frame_output_stream_send_text   (NexusFrameOutputStream *self,
                                                      const char             *text,
                                                      gsize                   length);
gboolean       nexus_frame_output_stream_send_ping   (NexusFrameOutputStream *self);
gsize          nexus_frame_output_stream_get_pending (NexusFrameOutputStream *self);
guint64        nexus_frame_output_stream_get_n_writes (NexusFrameOutputStream *self);
gsize          nexus_frame_output_stream_get_total_pending (void);
void           nexus_frame_output_stream_set_hold    (NexusFrameOutputStream *self,
                                                      NexusFrameHold         *hold);

G_END_DECLS
