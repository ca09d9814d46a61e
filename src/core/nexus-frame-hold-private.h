/* nexus-frame-hold-private.h: what NexusFrameHold and the output streams
 * it holds share
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-frame-hold.h"
#include "nexus-frame-output-stream.h"

G_BEGIN_DECLS

struct _NexusFrameHold {
  grefcount  ref_count;
  guint64    epoch;      /* frames queued now wait for this epoch */
  guint64    released;   /* every epoch up to this one is on disk */
  GPtrArray *streams;    /* NexusFrameOutputStream with frames waiting; not owned */
};

/* nexus-frame-output-stream.c: lets the frames of epochs up to @released
 * go; FALSE once none of the stream's frames waits any more. */
gboolean _nexus_frame_output_stream_release (NexusFrameOutputStream *stream,
                                             guint64                 released);

G_END_DECLS
