/* nexus-frame-hold.c: frames that wait until what they tell of is on disk
 *
 * A host that keeps its rooms in a database must not tell anyone of an
 * event before the event is on disk: a host killed in between would come
 * back without it, and give its seq to another event, while members had
 * seen the first. So the server numbers its database's transactions
 * (epochs) and, while one is not yet committed, begins a hold on it:
 * every frame its output streams take from then on waits, in its place
 * in the stream, until that epoch is released. Frames queued before wait
 * for nothing, and a stream's frames never overtake one another, so the
 * order each member sees is the order the server sent.
 *
 * Nothing is copied: a stream remembers where in its buffer the frames of
 * each epoch begin and writes only up to the first epoch still held.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-frame-hold-private.h"

NexusFrameHold *
nexus_frame_hold_new (void)
{
  NexusFrameHold *hold = g_new0 (NexusFrameHold, 1);

  g_ref_count_init (&hold->ref_count);
  hold->streams = g_ptr_array_new ();
  return hold;
}

NexusFrameHold *
nexus_frame_hold_ref (NexusFrameHold *hold)
{
  g_return_val_if_fail (hold != NULL, NULL);

  g_ref_count_inc (&hold->ref_count);
  return hold;
}

void
nexus_frame_hold_unref (NexusFrameHold *hold)
{
  g_return_if_fail (hold != NULL);

  if (!g_ref_count_dec (&hold->ref_count))
    return;
  /* Every stream holds a reference: none can be listed now. */
  g_assert (hold->streams->len == 0);
  g_ptr_array_unref (hold->streams);
  g_free (hold);
}

/* Frames the streams take from now on wait until @epoch is released.
 * Epochs only grow. */
void
nexus_frame_hold_begin (NexusFrameHold *hold,
                        guint64         epoch)
{
  g_return_if_fail (hold != NULL);
  g_return_if_fail (epoch >= hold->epoch);

  hold->epoch = epoch;
}

/* Every frame waiting for @epoch or an earlier one goes out. */
void
nexus_frame_hold_release (NexusFrameHold *hold,
                          guint64         epoch)
{
  g_autoptr(GPtrArray) streams = NULL;

  g_return_if_fail (hold != NULL);

  if (epoch <= hold->released)
    return;
  hold->released = epoch;
  if (hold->epoch < epoch)
    hold->epoch = epoch;

  /* A stream may write, fail and so be let go while this runs: walk a
   * list of our own, and keep the streams alive meanwhile. */
  streams = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < hold->streams->len; i++)
    g_ptr_array_add (streams, g_object_ref (g_ptr_array_index (hold->streams, i)));
  for (guint i = 0; i < streams->len; i++)
    {
      NexusFrameOutputStream *stream = g_ptr_array_index (streams, i);

      if (!_nexus_frame_output_stream_release (stream, epoch))
        g_ptr_array_remove_fast (hold->streams, stream);
    }
}

/* Whether frames queued now would wait. */
gboolean
nexus_frame_hold_is_holding (NexusFrameHold *hold)
{
  g_return_val_if_fail (hold != NULL, FALSE);

  return hold->epoch > hold->released;
}

/* How many streams have frames waiting. */
guint
nexus_frame_hold_get_n_streams (NexusFrameHold *hold)
{
  g_return_val_if_fail (hold != NULL, 0);

  return hold->streams->len;
}

/* A stream's marks */

/* Frames from @offset of a stream's buffer on wait for @epoch. */
typedef struct {
  guint64 epoch;
  gsize   offset;
} NexusFrameMark;

/* The bytes at @offset of @stream's buffer are a frame queued now: while
 * the hold holds, they wait for its epoch. */
void
_nexus_frame_marks_add (NexusFrameMarks *marks,
                        gpointer         stream,
                        gsize            offset)
{
  NexusFrameHold *hold = marks->hold;
  NexusFrameMark mark;

  if (hold == NULL || hold->epoch <= hold->released)
    return;
  if (marks->marks == NULL)
    marks->marks = g_array_new (FALSE, FALSE, sizeof (NexusFrameMark));
  if (marks->marks->len > 0
      && g_array_index (marks->marks, NexusFrameMark, marks->marks->len - 1).epoch == hold->epoch)
    return;
  mark.epoch = hold->epoch;
  mark.offset = offset;
  g_array_append_val (marks->marks, mark);
  if (!marks->held)
    {
      marks->held = TRUE;
      g_ptr_array_add (hold->streams, stream);
    }
}

/* Where the bytes that may be written end: at the first frame that
 * waits, else at @end. */
gsize
_nexus_frame_marks_limit (NexusFrameMarks *marks,
                          gsize            end)
{
  if (marks->marks != NULL && marks->marks->len > 0)
    return g_array_index (marks->marks, NexusFrameMark, 0).offset;
  return end;
}

/* The buffer's bytes moved @moved towards its start. */
void
_nexus_frame_marks_shift (NexusFrameMarks *marks,
                          gsize            moved)
{
  for (guint i = 0; marks->marks != NULL && i < marks->marks->len; i++)
    g_array_index (marks->marks, NexusFrameMark, i).offset -= moved;
}

/* Forgets the marks of epochs up to @released; TRUE when some went. */
gboolean
_nexus_frame_marks_release (NexusFrameMarks *marks,
                            guint64          released)
{
  guint n = 0;

  while (marks->marks != NULL && n < marks->marks->len
         && g_array_index (marks->marks, NexusFrameMark, n).epoch <= released)
    n++;
  if (n > 0)
    g_array_remove_range (marks->marks, 0, n);
  if (marks->marks == NULL || marks->marks->len == 0)
    marks->held = FALSE;
  return n > 0;
}

/* The stream's buffer is empty, or dropped: nothing of it waits. */
void
_nexus_frame_marks_clear (NexusFrameMarks *marks,
                          gpointer         stream)
{
  if (marks->marks != NULL)
    g_array_set_size (marks->marks, 0);
  if (marks->held)
    {
      marks->held = FALSE;
      g_ptr_array_remove_fast (marks->hold->streams, stream);
    }
}

/* The stream goes. */
void
_nexus_frame_marks_finish (NexusFrameMarks *marks,
                           gpointer         stream)
{
  _nexus_frame_marks_clear (marks, stream);
  g_clear_pointer (&marks->marks, g_array_unref);
  g_clear_pointer (&marks->hold, nexus_frame_hold_unref);
}
