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
