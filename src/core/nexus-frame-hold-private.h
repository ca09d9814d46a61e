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

/* What a stream keeps of its waiting frames: where in its buffer the
 * frames of each epoch begin, oldest first. */
typedef struct {
  NexusFrameHold *hold;    /* NULL when frames never wait */
  GArray         *marks;   /* NexusFrameMark */
  gboolean        held;    /* in the hold's list of streams */
} NexusFrameMarks;

void     _nexus_frame_marks_add     (NexusFrameMarks *marks,
                                     gpointer         stream,
                                     gsize            offset);
gsize    _nexus_frame_marks_limit   (NexusFrameMarks *marks,
                                     gsize            end);
void     _nexus_frame_marks_shift   (NexusFrameMarks *marks,
                                     gsize            moved);
gboolean _nexus_frame_marks_release (NexusFrameMarks *marks,
                                     guint64          released);
void     _nexus_frame_marks_clear   (NexusFrameMarks *marks,
                                     gpointer         stream);
void     _nexus_frame_marks_finish  (NexusFrameMarks *marks,
                                     gpointer         stream);

/* nexus-frame-output-stream.c: lets the frames of epochs up to @released
 * go; FALSE once none of the stream's frames waits any more. */
gboolean _nexus_frame_output_stream_release (NexusFrameOutputStream *stream,
                                             guint64                 released);

G_END_DECLS
