/* nexus-frame-output-stream.c: a WebSocket connection's outgoing bytes,
 * gathered and written in rounds
 *
 * libsoup 3.2 writes every frame with its own send(2) and formats a few
 * debug strings for it. A room of 200 members where each sends 5 messages
 * a second is 200 000 frames a second: the host's loop would spend its
 * time in the kernel's send path and the window would stutter.
 *
 * So the server's text frames do not go through
 * soup_websocket_connection_send_text(): nexus_frame_output_stream_send_text()
 * appends the frame to this stream's buffer, and the sources below write
 * each buffer with one call. The more that happens between two rounds,
 * the more each write carries. A server frame is not masked, so the bytes
 * are the same for every member and are only copied. The server's pings
 * come the same way (nexus_frame_output_stream_send_ping()).
 *
 * libsoup keeps the rest of the connection: reading, pongs and the close
 * frame. Its own frames come through the pollable interface and join the
 * same buffer, whole, so frames never interleave.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-frame-hold-private.h"
#include "nexus-frame-output-stream.h"

#define WS_OPCODE_TEXT      0x1
#define WS_OPCODE_PING      0x9
#define WS_FIN              0x80
#define WS_MAX_HEADER       10

struct _NexusFrameOutputStream
{
  GOutputStream  parent_instance;

  GOutputStream *base;            /* the socket's pollable output */
  GMainContext  *context;
  gsize          limit;
  guint8        *buffer;
  gsize          buffer_size;     /* allocated */
  gsize          end;             /* bytes in the buffer */
  gsize          start;           /* bytes of it already written */
  GSource       *writable_source; /* waiting for the socket to take more */
  GError        *error;           /* the first write error: nothing is written after it */
  gboolean       queued;          /* in this thread's list of streams to write */
  guint64        n_writes;
  gsize          counted;         /* of the pending bytes, what total_pending has */
  NexusFrameMarks marks;          /* where frames that wait for the disk begin (nexus-frame-hold.c) */
};

/* The bytes waiting in every stream of the process: the server bounds
 * what all its peers leave unread together. */
static gsize total_pending;

static void nexus_frame_output_stream_pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NexusFrameOutputStream, nexus_frame_output_stream, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      nexus_frame_output_stream_pollable_iface_init))

static void frame_output_write_out (NexusFrameOutputStream *self);

/* The streams of this thread with bytes waiting, and the two sources
 * that write them.
 *
 * After a round of writes the next one waits FLUSH_GAP_PER_STREAM_US for
 * each stream written, up to FLUSH_INTERVAL_US: a write costs the kernel
 * several microseconds however little it carries, and a loop that wrote
 * to 200 members after every message it read would stay busy as long as
 * messages keep coming. What arrives meanwhile goes out together. A round
 * of one or two streams (a welcome, a quiet room) barely waits.
 *
 * The turn source runs below GTK's redraw (GDK_PRIORITY_REDRAW, itself
 * below every socket), and a turn writes for at most FLUSH_SLICE_US: the
 * host's window draws its frame first, then the room's frames go out, in
 * slices if they are many. So that reading can never starve writing, the
 * overdue source, at the sockets' priority, takes a turn whenever none
 * has come for FLUSH_MAX_WAIT_US while streams wait. */

#define FLUSH_TURN_PRIORITY (G_PRIORITY_HIGH_IDLE + 30)
#define FLUSH_INTERVAL_US   (8 * G_TIME_SPAN_MILLISECOND)
#define FLUSH_GAP_PER_STREAM_US 40
#define FLUSH_SLICE_US      (2 * G_TIME_SPAN_MILLISECOND)
#define FLUSH_MAX_WAIT_US   (16 * G_TIME_SPAN_MILLISECOND)

typedef struct {
  GPtrArray *streams;   /* NexusFrameOutputStream, not owned: each leaves on dispose */
  GSource   *turn;
  GSource   *overdue;
  gint64     next_round;  /* the earliest time a new round may start */
} Flusher;

/* Writes the queued streams in order, for about @budget µs. */
static void
flusher_write (Flusher *flusher,
               gint64   budget)
{
  g_autoptr(GPtrArray) streams = g_steal_pointer (&flusher->streams);
  gint64 start = g_get_monotonic_time ();
  guint i = 0;

  flusher->streams = g_ptr_array_new ();

  while (i < streams->len)
    {
      NexusFrameOutputStream *stream = g_ptr_array_index (streams, i++);

      stream->queued = FALSE;
      frame_output_write_out (stream);
      if (g_get_monotonic_time () - start > budget)
        break;
    }
  flusher->next_round = start + MIN (FLUSH_INTERVAL_US, (gint64) i * FLUSH_GAP_PER_STREAM_US);

  /* The rest goes first in the next turn. */
  for (; i < streams->len; i++)
    g_ptr_array_add (flusher->streams, g_ptr_array_index (streams, i));
  if (flusher->streams->len > 0)
    {
      g_source_set_ready_time (flusher->turn, 0);
      g_source_set_ready_time (flusher->overdue, g_get_monotonic_time () + FLUSH_MAX_WAIT_US);
    }
  else
    {
      g_source_set_ready_time (flusher->turn, -1);
      g_source_set_ready_time (flusher->overdue, -1);
    }
}

static gboolean
on_flusher_turn (gpointer user_data)
{
  flusher_write (user_data, FLUSH_SLICE_US);
  return G_SOURCE_CONTINUE;
}

/* A source that is ready at its ready time and calls its callback. */
static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs ready_time_funcs = {
  .dispatch = ready_time_dispatch,
};

static GSource *
flusher_source_new (Flusher      *flusher,
                    GMainContext *context,
                    int           priority,
                    GSourceFunc   callback,
                    const char   *name)
{
  GSource *source = g_source_new (&ready_time_funcs, sizeof (GSource));

  g_source_set_priority (source, priority);
  g_source_set_static_name (source, name);
  g_source_set_callback (source, callback, flusher, NULL);
  g_source_attach (source, context);
  return source;
}

static void
flusher_free (gpointer data)
{
  Flusher *flusher = data;

  g_source_destroy (flusher->turn);
  g_source_unref (flusher->turn);
  g_source_destroy (flusher->overdue);
  g_source_unref (flusher->overdue);
  g_ptr_array_unref (flusher->streams);
  g_free (flusher);
}

static GPrivate flusher_key = G_PRIVATE_INIT (flusher_free);

/* This thread's flusher, made for the first stream's main context. */
static Flusher *
flusher_get (GMainContext *context)
{
  Flusher *flusher = g_private_get (&flusher_key);

  if (flusher == NULL)
    {
      flusher = g_new0 (Flusher, 1);
      flusher->streams = g_ptr_array_new ();
      flusher->turn = flusher_source_new (flusher, context, FLUSH_TURN_PRIORITY, on_flusher_turn,
                                          "NexusFrameOutputStream turn");
      flusher->overdue = flusher_source_new (flusher, context, G_PRIORITY_DEFAULT, on_flusher_turn,
                                             "NexusFrameOutputStream overdue");
      g_private_set (&flusher_key, flusher);
    }
  return g_source_get_context (flusher->turn) == context ? flusher : NULL;
}

static void
frame_output_queue (NexusFrameOutputStream *self)
{
  Flusher *flusher;

  if (self->queued || self->writable_source != NULL)
    return;

  flusher = flusher_get (self->context);
  if (flusher == NULL)
    {
      /* A second main context in this thread: no gathering there. */
      frame_output_write_out (self);
      return;
    }

  self->queued = TRUE;
  g_ptr_array_add (flusher->streams, self);
  if (flusher->streams->len == 1)
    {
      gint64 now = g_get_monotonic_time ();

      g_source_set_ready_time (flusher->turn, MAX (now, flusher->next_round));
      g_source_set_ready_time (flusher->overdue, now + FLUSH_MAX_WAIT_US);
    }
}

static void
frame_output_unqueue (NexusFrameOutputStream *self)
{
  Flusher *flusher;

  if (!self->queued)
    return;
  flusher = g_private_get (&flusher_key);
  g_ptr_array_remove_fast (flusher->streams, self);
  self->queued = FALSE;
}

/* Buffer */

static gsize
frame_output_pending (NexusFrameOutputStream *self)
{
  return self->end - self->start;
}

/* Where the bytes that may be written now end: at the first frame that
 * waits for its epoch. */
static gsize
frame_output_writable_end (NexusFrameOutputStream *self)
{
  return _nexus_frame_marks_limit (&self->marks, self->end);
}

/* Brings total_pending up to date with this stream's pending bytes. */
static void
frame_output_recount (NexusFrameOutputStream *self)
{
  gsize pending = frame_output_pending (self);

  if (pending >= self->counted)
    g_atomic_pointer_add (&total_pending, pending - self->counted);
  else
    g_atomic_pointer_add (&total_pending, -(gssize) (self->counted - pending));
  self->counted = pending;
}

static guint8 *
frame_output_reserve (NexusFrameOutputStream *self,
                      gsize                   length)
{
  guint8 *at;

  if (self->start > 0 && self->start == self->end)
    self->start = self->end = 0;

  if (self->end + length > self->buffer_size)
    {
      gsize pending = frame_output_pending (self);

      /* Move what is left to the front before growing. */
      if (self->start > 0)
        {
          memmove (self->buffer, self->buffer + self->start, pending);
          _nexus_frame_marks_shift (&self->marks, self->start);
          self->start = 0;
          self->end = pending;
        }
      if (pending + length > self->buffer_size)
        {
          gsize size = MAX (self->buffer_size, 1024);

          while (size < pending + length)
            size *= 2;
          self->buffer = g_realloc (self->buffer, size);
          self->buffer_size = size;
        }
    }

  at = self->buffer + self->end;
  _nexus_frame_marks_add (&self->marks, self, self->end);
  self->end += length;
  frame_output_recount (self);
  return at;
}

/* An empty buffer is given back: an idle connection holds none. */
static void
frame_output_release (NexusFrameOutputStream *self)
{
  _nexus_frame_marks_clear (&self->marks, self);
  self->start = self->end = 0;
  g_clear_pointer (&self->buffer, g_free);
  self->buffer_size = 0;
}

/* Writing */

static gboolean
on_base_writable (GObject  *base,
                  gpointer  user_data)
{
  NexusFrameOutputStream *self = user_data;

  g_clear_pointer (&self->writable_source, g_source_unref);
  frame_output_write_out (self);
  return G_SOURCE_REMOVE;
}

static void
frame_output_wait_writable (NexusFrameOutputStream *self)
{
  if (self->writable_source != NULL)
    return;

  self->writable_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->base), NULL);
  g_source_set_static_name (self->writable_source, "NexusFrameOutputStream writable");
  g_source_set_callback (self->writable_source, G_SOURCE_FUNC (on_base_writable), self, NULL);
  g_source_attach (self->writable_source, self->context);
}

/* Writes what the socket takes now; the rest waits for it to take more,
 * and frames held for their epoch wait for it (nexus-frame-hold.c). */
static void
frame_output_write_out (NexusFrameOutputStream *self)
{
  while (frame_output_writable_end (self) > self->start && self->error == NULL)
    {
      g_autoptr(GError) error = NULL;
      gssize written;

      written = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->base),
                                                            self->buffer + self->start,
                                                            frame_output_writable_end (self) - self->start,
                                                            NULL, &error);
      if (written < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              frame_output_wait_writable (self);
              return;
            }
          /* The peer is gone; libsoup hears of it from its next read
           * or write and closes the connection. */
          self->error = g_steal_pointer (&error);
          break;
        }
      self->start += (gsize) written;
      self->n_writes++;
    }

  if (self->error != NULL || frame_output_pending (self) == 0)
    frame_output_release (self);
  frame_output_recount (self);
}

/* Builds an unmasked frame header (RFC 6455 5.2) into @header. */
static gsize
ws_frame_header (guint8 *header,
                 guint8  opcode,
                 gsize   length)
{
  header[0] = WS_FIN | opcode;
  if (length < 126)
    {
      header[1] = (guint8) length;
      return 2;
    }
  if (length < 65536)
    {
      header[1] = 126;
      header[2] = (guint8) (length >> 8);
      header[3] = (guint8) length;
      return 4;
    }
  header[1] = 127;
  for (int i = 0; i < 8; i++)
    header[2 + i] = (guint8) ((guint64) length >> (56 - 8 * i));
  return 10;
}

static gboolean
frame_output_send (NexusFrameOutputStream *self,
                   guint8                  opcode,
                   const char             *payload,
                   gsize                   length)
{
  guint8 header[WS_MAX_HEADER];
  gsize header_length;
  guint8 *at;

  if (self->error != NULL || g_output_stream_is_closed (G_OUTPUT_STREAM (self)))
    return TRUE;   /* the connection is going; its closing is under way */

  header_length = ws_frame_header (header, opcode, length);
  /* One frame bigger than the limit (a long history) still goes out
   * alone; the limit is for frames piling up. */
  if (frame_output_pending (self) > 0
      && frame_output_pending (self) + header_length + length > self->limit)
    return FALSE;

  at = frame_output_reserve (self, header_length + length);
  memcpy (at, header, header_length);
  if (length > 0)
    memcpy (at + header_length, payload, length);
  frame_output_queue (self);
  return TRUE;
}

/**
 * nexus_frame_output_stream_send_text:
 * @self: a #NexusFrameOutputStream
 * @text: UTF-8 text, the frame's payload
 * @length: its length in bytes
 *
 * Queues one WebSocket text frame. It is written in the next main-loop
 * iteration, or at most FLUSH_INTERVAL_US after the previous round of
 * writes, together with everything queued by then.
 *
 * Returns: %FALSE when the peer has left more than the stream's limit
 *   unread: it is not reading, and the caller should let it go. Nothing
 *   was queued then.
 */
gboolean
nexus_frame_output_stream_send_text (NexusFrameOutputStream *self,
                                     const char             *text,
                                     gsize                   length)
{
  g_return_val_if_fail (NEXUS_IS_FRAME_OUTPUT_STREAM (self), FALSE);
  g_return_val_if_fail (text != NULL || length == 0, FALSE);

  return frame_output_send (self, WS_OPCODE_TEXT, text, length);
}

/**
 * nexus_frame_output_stream_send_ping:
 * @self: a #NexusFrameOutputStream
 *
 * Queues a WebSocket ping with no payload, like a text frame. The server
 * pings all its peers from one timer rather than libsoup's timer per
 * connection: with thousands of connections those timers woke the loop
 * hundreds of times a second, and each wake-up costs GLib a pass over
 * every source.
 *
 * Returns: as nexus_frame_output_stream_send_text()
 */
gboolean
nexus_frame_output_stream_send_ping (NexusFrameOutputStream *self)
{
  g_return_val_if_fail (NEXUS_IS_FRAME_OUTPUT_STREAM (self), FALSE);

  return frame_output_send (self, WS_OPCODE_PING, NULL, 0);
}

/**
 * nexus_frame_output_stream_get_pending:
 *
 * Returns: how many bytes are waiting to be written
 */
gsize
nexus_frame_output_stream_get_pending (NexusFrameOutputStream *self)
{
  g_return_val_if_fail (NEXUS_IS_FRAME_OUTPUT_STREAM (self), 0);

  return frame_output_pending (self);
}

/**
 * nexus_frame_output_stream_get_total_pending:
 *
 * Returns: how many bytes wait in all the streams of the process
 */
gsize
nexus_frame_output_stream_get_total_pending (void)
{
  return (gsize) g_atomic_pointer_get (&total_pending);
}

/**
 * nexus_frame_output_stream_get_n_writes:
 *
 * Returns: how many writes reached the socket so far
 */
guint64
nexus_frame_output_stream_get_n_writes (NexusFrameOutputStream *self)
{
  g_return_val_if_fail (NEXUS_IS_FRAME_OUTPUT_STREAM (self), 0);

  return self->n_writes;
}

/* GPollableOutputStream: how libsoup's own frames come in. A frame is
 * taken whole or not at all, so one of ours never lands inside it. */

static gboolean
frame_output_can_poll (GPollableOutputStream *stream)
{
  return TRUE;
}

static gboolean
frame_output_is_writable (GPollableOutputStream *stream)
{
  NexusFrameOutputStream *self = NEXUS_FRAME_OUTPUT_STREAM (stream);

  return self->error != NULL || frame_output_pending (self) < self->limit;
}

static GSource *
frame_output_create_source (GPollableOutputStream *stream,
                            GCancellable          *cancellable)
{
  NexusFrameOutputStream *self = NEXUS_FRAME_OUTPUT_STREAM (stream);
  g_autoptr(GSource) child = NULL;

  if (frame_output_is_writable (stream))
    child = g_timeout_source_new (0);
  else
    child = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->base), NULL);
  return g_pollable_source_new_full (stream, child, cancellable);
}

static gssize
frame_output_write_nonblocking (GPollableOutputStream  *stream,
                                const void             *buffer,
                                gsize                   count,
                                GError                **error)
{
  NexusFrameOutputStream *self = NEXUS_FRAME_OUTPUT_STREAM (stream);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return -1;
    }
  if (!frame_output_is_writable (stream))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                           "The peer has not read what was sent before");
      return -1;
    }

  memcpy (frame_output_reserve (self, count), buffer, count);
  /* Control frames (pings, pongs, the close frame) are few: they go out
   * at once, with whatever was queued before them. */
  frame_output_write_out (self);
  return (gssize) count;
}

static void
nexus_frame_output_stream_pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = frame_output_can_poll;
  iface->is_writable = frame_output_is_writable;
  iface->create_source = frame_output_create_source;
  iface->write_nonblocking = frame_output_write_nonblocking;
}

/* GOutputStream */

static gssize
frame_output_write_fn (GOutputStream  *stream,
                       const void     *buffer,
                       gsize           count,
                       GCancellable   *cancellable,
                       GError        **error)
{
  NexusFrameOutputStream *self = NEXUS_FRAME_OUTPUT_STREAM (stream);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return -1;
    }
  memcpy (frame_output_reserve (self, count), buffer, count);
  frame_output_write_out (self);
  return (gssize) count;
}

/* Writes what the socket takes now and lets the rest go: a peer that does
 * not read cannot hold the host's loop. The base stream stays open; it
 * belongs to the connection. */
static gboolean
frame_output_close_fn (GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  NexusFrameOutputStream *self = NEXUS_FRAME_OUTPUT_STREAM (stream);

  if (self->writable_source != NULL)
    {
      g_source_destroy (self->writable_source);
      g_clear_pointer (&self->writable_source, g_source_unref);
    }
  /* Frames still held for their epoch are dropped: what they tell of
   * may never reach the disk. */
  if (self->error == NULL && frame_output_writable_end (self) > self->start)
    {
      g_autoptr(GError) ignored = NULL;
      gssize written = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->base),
                                                                   self->buffer + self->start,
                                                                   frame_output_writable_end (self) - self->start,
                                                                   NULL, &ignored);
      if (written > 0)
        self->n_writes++;
    }
  frame_output_release (self);
  frame_output_recount (self);
  return TRUE;
}

/* Closing never blocks, so it needs no thread. */
static void
frame_output_close_async (GOutputStream       *stream,
                          int                  io_priority,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, frame_output_close_async);
  frame_output_close_fn (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
frame_output_close_finish (GOutputStream  *stream,
                           GAsyncResult   *result,
                           GError        **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
nexus_frame_output_stream_dispose (GObject *object)
{
  NexusFrameOutputStream *self = NEXUS_FRAME_OUTPUT_STREAM (object);

  frame_output_unqueue (self);
  if (self->writable_source != NULL)
    {
      g_source_destroy (self->writable_source);
      g_clear_pointer (&self->writable_source, g_source_unref);
    }
  _nexus_frame_marks_finish (&self->marks, self);

  G_OBJECT_CLASS (nexus_frame_output_stream_parent_class)->dispose (object);
}

static void
nexus_frame_output_stream_finalize (GObject *object)
{
  NexusFrameOutputStream *self = NEXUS_FRAME_OUTPUT_STREAM (object);

  self->start = self->end = 0;
  frame_output_recount (self);
  g_free (self->buffer);
  g_clear_error (&self->error);
  g_clear_object (&self->base);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (nexus_frame_output_stream_parent_class)->finalize (object);
}

static void
nexus_frame_output_stream_class_init (NexusFrameOutputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->dispose = nexus_frame_output_stream_dispose;
  object_class->finalize = nexus_frame_output_stream_finalize;

  stream_class->write_fn = frame_output_write_fn;
  stream_class->close_fn = frame_output_close_fn;
  stream_class->close_async = frame_output_close_async;
  stream_class->close_finish = frame_output_close_finish;
}

static void
nexus_frame_output_stream_init (NexusFrameOutputStream *self)
{
  self->context = g_main_context_ref_thread_default ();
}

/**
 * nexus_frame_output_stream_new:
 * @base: a pollable output stream, the socket's
 * @limit: how many unwritten bytes a peer may leave behind
 *
 * Returns: (transfer full): a stream that writes to @base once per
 *   main-loop iteration
 */
GOutputStream *
nexus_frame_output_stream_new (GOutputStream *base,
                               gsize          limit)
{
  NexusFrameOutputStream *self;

  g_return_val_if_fail (G_IS_POLLABLE_OUTPUT_STREAM (base), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  self = g_object_new (NEXUS_TYPE_FRAME_OUTPUT_STREAM, NULL);
  self->base = g_object_ref (base);
  self->limit = limit;
  return G_OUTPUT_STREAM (self);
}

/**
 * nexus_frame_output_stream_set_hold:
 * @hold: (nullable): the hold whose epochs the stream's frames wait for
 *
 * From now on, frames queued while @hold holds wait for their epoch to
 * be released (nexus-frame-hold.c).
 */
void
nexus_frame_output_stream_set_hold (NexusFrameOutputStream *self,
                                    NexusFrameHold         *hold)
{
  g_return_if_fail (NEXUS_IS_FRAME_OUTPUT_STREAM (self));
  g_return_if_fail (self->marks.hold == NULL);

  if (hold != NULL)
    self->marks.hold = nexus_frame_hold_ref (hold);
}

gboolean
_nexus_frame_output_stream_release (NexusFrameOutputStream *self,
                                    guint64                 released)
{
  if (_nexus_frame_marks_release (&self->marks, released))
    frame_output_queue (self);
  return self->marks.held;
}
