/* nexus-frame-io-stream.c: an accepted WebSocket's stream, with its
 * output gathered by a NexusFrameOutputStream
 *
 * The server hands this to soup_websocket_connection_new() in place of
 * the stream it took over from the HTTP connection: reading goes through
 * a NexusFrameInputStream, which bounds a message sent in fragments, and
 * writing through the gathering stream (see nexus-frame-output-stream.c
 * for why).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-frame-input-stream.h"
#include "nexus-frame-io-stream.h"

struct _NexusFrameIOStream
{
  GIOStream      parent_instance;

  GIOStream     *base;
  GInputStream  *input;    /* NexusFrameInputStream over base's input */
  GOutputStream *output;   /* NexusFrameOutputStream over base's output */
};

G_DEFINE_FINAL_TYPE (NexusFrameIOStream, nexus_frame_io_stream, G_TYPE_IO_STREAM)

static GInputStream *
frame_io_get_input_stream (GIOStream *stream)
{
  NexusFrameIOStream *self = NEXUS_FRAME_IO_STREAM (stream);

  return self->input;
}

static GOutputStream *
frame_io_get_output_stream (GIOStream *stream)
{
  NexusFrameIOStream *self = NEXUS_FRAME_IO_STREAM (stream);

  return self->output;
}

/* What is queued goes out if the socket takes it now (the close frame, most
 * often), then the connection closes. Nothing here blocks. */
static gboolean
frame_io_close_fn (GIOStream     *stream,
                   GCancellable  *cancellable,
                   GError       **error)
{
  NexusFrameIOStream *self = NEXUS_FRAME_IO_STREAM (stream);

  g_output_stream_close (self->output, NULL, NULL);
  return g_io_stream_close (self->base, cancellable, error);
}

static void
frame_io_close_async (GIOStream           *stream,
                      int                  io_priority,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, frame_io_close_async);
  if (frame_io_close_fn (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
frame_io_close_finish (GIOStream     *stream,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
nexus_frame_io_stream_finalize (GObject *object)
{
  NexusFrameIOStream *self = NEXUS_FRAME_IO_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (nexus_frame_io_stream_parent_class)->finalize (object);
}

static void
nexus_frame_io_stream_class_init (NexusFrameIOStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = nexus_frame_io_stream_finalize;

  stream_class->get_input_stream = frame_io_get_input_stream;
  stream_class->get_output_stream = frame_io_get_output_stream;
  stream_class->close_fn = frame_io_close_fn;
  stream_class->close_async = frame_io_close_async;
  stream_class->close_finish = frame_io_close_finish;
}

static void
nexus_frame_io_stream_init (NexusFrameIOStream *self)
{
}

/**
 * nexus_frame_io_stream_new:
 * @base: the connection's stream; its output must be pollable
 * @limit: how many unwritten bytes the peer may leave behind
 * @message_limit: the most bytes a message the peer sends in fragments may have
 *
 * Returns: (transfer full): a stream over @base whose writes are gathered
 */
GIOStream *
nexus_frame_io_stream_new (GIOStream *base,
                           gsize      limit,
                           gsize      message_limit)
{
  NexusFrameIOStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  self = g_object_new (NEXUS_TYPE_FRAME_IO_STREAM, NULL);
  self->base = g_object_ref (base);
  self->input = nexus_frame_input_stream_new (g_io_stream_get_input_stream (base), message_limit);
  self->output = nexus_frame_output_stream_new (g_io_stream_get_output_stream (base), limit);
  return G_IO_STREAM (self);
}

/**
 * nexus_frame_io_stream_get_output:
 *
 * Returns: (transfer none): the gathering output stream
 */
NexusFrameOutputStream *
nexus_frame_io_stream_get_output (NexusFrameIOStream *self)
{
  g_return_val_if_fail (NEXUS_IS_FRAME_IO_STREAM (self), NULL);

  return NEXUS_FRAME_OUTPUT_STREAM (self->output);
}
