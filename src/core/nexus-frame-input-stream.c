/* nexus-frame-input-stream.c: a WebSocket connection's incoming bytes,
 * with a bound on a message sent in fragments
 *
 * libsoup bounds one frame (max-incoming-payload-size) but, before 3.8,
 * not a message sent as many fragments: it keeps every continuation until
 * the last one, and a peer that never sends the last one grows the
 * host's memory without end. This stream passes the bytes through
 * unchanged and reads the frame headers as they go by; once the fragments
 * of one message add up to more than its limit, reading fails and libsoup
 * ends the connection. A message of one frame is left to libsoup's own
 * bound (it closes with 1009).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-frame-input-stream.h"

#define WS_FIN              0x80
#define WS_OPCODE_MASK      0x0f
#define WS_OPCODE_CONTINUE  0x0
#define WS_OPCODE_CONTROL   0x8   /* and above: close, ping, pong */
#define WS_MASKED           0x80
#define WS_MAX_HEADER       14

struct _NexusFrameInputStream
{
  GInputStream  parent_instance;

  GInputStream *base;            /* the socket's pollable input */
  gsize         message_limit;
  guint8        header[WS_MAX_HEADER];
  gsize         header_length;   /* bytes of the current header seen */
  guint64       payload_left;    /* bytes of the current frame still to come */
  guint64       message_bytes;   /* of the data message under way */
  gboolean      failed;
};

static void nexus_frame_input_stream_pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NexusFrameInputStream, nexus_frame_input_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      nexus_frame_input_stream_pollable_iface_init))

/* The length of a frame header once its first two bytes are known. */
static gsize
header_size (const guint8 *header)
{
  guint8 length7 = header[1] & 0x7f;

  return 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (header[1] & WS_MASKED ? 4 : 0);
}

static guint64
header_payload_length (const guint8 *header)
{
  guint8 length7 = header[1] & 0x7f;
  guint64 length = 0;

  if (length7 < 126)
    return length7;
  for (guint i = 0; i < (length7 == 126 ? 2u : 8u); i++)
    length = length << 8 | header[2 + i];
  return length;
}

/* A whole header has been seen: account for its frame. */
static gboolean
frame_input_header_done (NexusFrameInputStream *self)
{
  guint8 opcode = self->header[0] & WS_OPCODE_MASK;
  gboolean fin = (self->header[0] & WS_FIN) != 0;
  guint64 length = header_payload_length (self->header);

  self->payload_left = length;
  self->header_length = 0;
  if (opcode >= WS_OPCODE_CONTROL)
    return TRUE;   /* control frames may come between fragments */

  if (opcode != WS_OPCODE_CONTINUE)
    self->message_bytes = 0;
  self->message_bytes += length;
  /* A single frame is libsoup's to judge; fragments are ours. */
  if (fin && opcode != WS_OPCODE_CONTINUE)
    return TRUE;
  return self->message_bytes <= self->message_limit;
}

/* Follows the frames through @count bytes just read. */
static gboolean
frame_input_scan (NexusFrameInputStream *self,
                  const guint8          *data,
                  gsize                  count)
{
  gsize i = 0;

  while (i < count)
    {
      if (self->payload_left > 0)
        {
          guint64 take = MIN (self->payload_left, (guint64) (count - i));

          self->payload_left -= take;
          i += (gsize) take;
          continue;
        }

      self->header[self->header_length++] = data[i++];
      if (self->header_length >= 2 && self->header_length == header_size (self->header)
          && !frame_input_header_done (self))
        return FALSE;
    }
  return TRUE;
}

static gssize
frame_input_account (NexusFrameInputStream  *self,
                     void                   *buffer,
                     gssize                  read,
                     GError                **error)
{
  if (read > 0 && !frame_input_scan (self, buffer, (gsize) read))
    self->failed = TRUE;
  if (self->failed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "A message of fragments longer than %" G_GSIZE_FORMAT " bytes",
                   self->message_limit);
      return -1;
    }
  return read;
}

static gssize
frame_input_read_fn (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  NexusFrameInputStream *self = NEXUS_FRAME_INPUT_STREAM (stream);
  gssize read;

  if (self->failed)
    return frame_input_account (self, buffer, 0, error);
  read = g_input_stream_read (self->base, buffer, count, cancellable, error);
  return read < 0 ? read : frame_input_account (self, buffer, read, error);
}

static gboolean
frame_input_close_fn (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  /* The base belongs to the connection, which closes it. */
  return TRUE;
}

/* GPollableInputStream: how libsoup reads. */

static gboolean
frame_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

/* The casts below are unchecked: these run for every read. */

static gboolean
frame_input_is_readable (GPollableInputStream *stream)
{
  NexusFrameInputStream *self = (NexusFrameInputStream *) stream;

  return self->failed || g_pollable_input_stream_is_readable ((GPollableInputStream *) self->base);
}

/* The socket's own source, not one wrapped around it: a wrapper is one
 * more source for GLib to visit in every iteration of the main loop, for
 * every connection (a sixth more instructions per delivery in a room of
 * 50). Its callback is handed the socket's stream rather than this one,
 * which libsoup's does not look at. */
static GSource *
frame_input_create_source (GPollableInputStream *stream,
                           GCancellable         *cancellable)
{
  NexusFrameInputStream *self = (NexusFrameInputStream *) stream;

  return g_pollable_input_stream_create_source ((GPollableInputStream *) self->base, cancellable);
}

static gssize
frame_input_read_nonblocking (GPollableInputStream  *stream,
                              void                  *buffer,
                              gsize                  count,
                              GError               **error)
{
  NexusFrameInputStream *self = (NexusFrameInputStream *) stream;
  gssize read;

  if (self->failed)
    return frame_input_account (self, buffer, 0, error);
  read = g_pollable_input_stream_read_nonblocking ((GPollableInputStream *) self->base,
                                                   buffer, count, NULL, error);
  return read < 0 ? read : frame_input_account (self, buffer, read, error);
}

static void
nexus_frame_input_stream_pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = frame_input_can_poll;
  iface->is_readable = frame_input_is_readable;
  iface->create_source = frame_input_create_source;
  iface->read_nonblocking = frame_input_read_nonblocking;
}

static void
nexus_frame_input_stream_finalize (GObject *object)
{
  NexusFrameInputStream *self = NEXUS_FRAME_INPUT_STREAM (object);

  g_clear_object (&self->base);

  G_OBJECT_CLASS (nexus_frame_input_stream_parent_class)->finalize (object);
}

static void
nexus_frame_input_stream_class_init (NexusFrameInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = nexus_frame_input_stream_finalize;

  stream_class->read_fn = frame_input_read_fn;
  stream_class->close_fn = frame_input_close_fn;
}

static void
nexus_frame_input_stream_init (NexusFrameInputStream *self)
{
}

/**
 * nexus_frame_input_stream_new:
 * @base: a pollable input stream, the socket's
 * @message_limit: the most bytes of payload one message of fragments may have
 *
 * Returns: (transfer full): a stream that reads @base and fails once a
 *   fragmented message passes @message_limit
 */
GInputStream *
nexus_frame_input_stream_new (GInputStream *base,
                              gsize         message_limit)
{
  NexusFrameInputStream *self;

  g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (base), NULL);
  g_return_val_if_fail (message_limit > 0, NULL);

  self = g_object_new (NEXUS_TYPE_FRAME_INPUT_STREAM, NULL);
  self->base = g_object_ref (base);
  self->message_limit = message_limit;
  return G_INPUT_STREAM (self);
}
