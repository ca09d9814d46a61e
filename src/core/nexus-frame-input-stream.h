/* nexus-frame-input-stream.h: a WebSocket connection's incoming bytes,
 * with a bound on a message sent in fragments
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define NEXUS_TYPE_FRAME_INPUT_STREAM (nexus_frame_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (NexusFrameInputStream, nexus_frame_input_stream, NEXUS, FRAME_INPUT_STREAM, GInputStream)

GInputStream *nexus_frame_input_stream_new (GInputStream *base,
                                            gsize         message_limit);

G_END_DECLS
