/* nexus-frame-io-stream.h: an accepted WebSocket's stream, with its
 * output gathered by a NexusFrameOutputStream
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-frame-output-stream.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_FRAME_IO_STREAM (nexus_frame_io_stream_get_type ())
G_DECLARE_FINAL_TYPE (NexusFrameIOStream, nexus_frame_io_stream, NEXUS, FRAME_IO_STREAM, GIOStream)

GIOStream              *nexus_frame_io_stream_new        (GIOStream          *base,
                                                          gsize               limit,
                                                          gsize               message_limit);
NexusFrameOutputStream *nexus_frame_io_stream_get_output (NexusFrameIOStream *self);

G_END_DECLS
