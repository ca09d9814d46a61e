/* test-frame-stream.c: NexusFrameOutputStream and NexusFrameIOStream over
 * a socket pair: frames gathered into one write, exact framing, libsoup's
 * own frames kept whole, the unread limit, closing and a vanished peer,
 * frames held until their epoch is released
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "nexus-frame-io-stream.h"
#include "nexus-frame-output-stream.h"
#include "nexus-test-utils.h"

typedef struct {
  GSocketConnection *ours;    /* the server's end */
  GSocket           *theirs;  /* the peer's end, read by the test */
  GIOStream         *stream;  /* NexusFrameIOStream over ours */
  NexusFrameOutputStream *output;
} Pair;

static void
pair_setup (Pair          *pair,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  gsize limit = data != NULL ? GPOINTER_TO_SIZE (data) : NEXUS_FRAME_OUTPUT_STREAM_DEFAULT_LIMIT;
  int fds[2];

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM, 0, fds));
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  pair->ours = g_socket_connection_factory_create_connection (socket);
  pair->theirs = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  g_socket_set_blocking (pair->theirs, FALSE);

  pair->stream = nexus_frame_io_stream_new (G_IO_STREAM (pair->ours), limit, 16384);
  pair->output = nexus_frame_io_stream_get_output (NEXUS_FRAME_IO_STREAM (pair->stream));
}

static void
pair_teardown (Pair          *pair,
               gconstpointer  data)
{
  g_io_stream_close (pair->stream, NULL, NULL);
  g_assert_finalize_object (pair->stream);
  g_assert_finalize_object (pair->ours);
  g_clear_object (&pair->theirs);
}

/* Everything the peer can read now. */
static GByteArray *
pair_read_all (Pair *pair)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 buffer[65536];
  gssize n;

  while ((n = g_socket_receive (pair->theirs, (char *) buffer, sizeof buffer, NULL, NULL)) > 0)
    g_byte_array_append (bytes, buffer, (guint) n);
  return bytes;
}

/* Reads as the stream writes, until it has written everything. */
static GByteArray *
pair_read_while_writing (Pair *pair)
{
  GByteArray *bytes = g_byte_array_new ();
  gboolean done;

  do
    {
      g_autoptr(GByteArray) some = NULL;

      done = nexus_frame_output_stream_get_pending (pair->output) == 0;
      some = pair_read_all (pair);
      g_byte_array_append (bytes, some->data, some->len);
      g_main_context_iteration (NULL, FALSE);
    }
  while (!done);
  return bytes;
}

static void
pair_wait_written (Pair *pair)
{
  WAIT_UNTIL (nexus_frame_output_stream_get_pending (pair->output) == 0);
}

/* Reads one unmasked frame at @offset; returns its payload's length and
 * moves @offset past it. */
static gsize
parse_frame (GByteArray  *bytes,
             gsize       *offset,
             guint8      *opcode,
             const char **payload)
{
  const guint8 *at = bytes->data + *offset;
  gsize length, header = 2;

  g_assert_cmpuint (*offset + 2, <=, bytes->len);
  g_assert_cmpuint (at[0] & 0x80, ==, 0x80);      /* FIN */
  g_assert_cmpuint (at[1] & 0x80, ==, 0);         /* a server never masks */
  *opcode = at[0] & 0x0f;
  length = at[1] & 0x7f;
  if (length == 126)
    {
      length = ((gsize) at[2] << 8) | at[3];
      header = 4;
      g_assert_cmpuint (length, >=, 126);
    }
  else if (length == 127)
    {
      length = 0;
      for (int i = 0; i < 8; i++)
        length = (length << 8) | at[2 + i];
      header = 10;
      g_assert_cmpuint (length, >=, 65536);
    }
  g_assert_cmpuint (*offset + header + length, <=, bytes->len);
  *payload = (const char *) at + header;
  *offset += header + length;
  return length;
}

/* The frame at @offset must be @opcode with @expected as its payload. */
static void
expect_frame (GByteArray *bytes,
              gsize      *offset,
              guint8      opcode,
              const char *expected,
              gsize       expected_length)
{
  const char *payload;
  guint8 got;
  gsize length = parse_frame (bytes, offset, &got, &payload);

  g_assert_cmpuint (got, ==, opcode);
  g_assert_cmpmem (payload, length, expected, expected_length);
}

static void
test_gathered_into_one_write (Pair          *pair,
                              gconstpointer  data)
{
  g_autoptr(GByteArray) bytes = NULL;
  gsize offset = 0;

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"type\":\"message\",\"n\":%u}", i);

      g_assert_true (nexus_frame_output_stream_send_text (pair->output, text, strlen (text)));
    }

  /* Nothing is written while the caller is still running... */
  g_assert_cmpuint (nexus_frame_output_stream_get_n_writes (pair->output), ==, 0);
  bytes = pair_read_all (pair);
  g_assert_cmpuint (bytes->len, ==, 0);
  g_byte_array_unref (bytes);

  /* ...then all of it, with one write, in order. */
  pair_wait_written (pair);
  g_assert_cmpuint (nexus_frame_output_stream_get_n_writes (pair->output), ==, 1);
  bytes = pair_read_all (pair);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *expected = g_strdup_printf ("{\"type\":\"message\",\"n\":%u}", i);

      expect_frame (bytes, &offset, 0x1, expected, strlen (expected));
    }
  g_assert_cmpuint (offset, ==, bytes->len);
}

/* A quiet stream does not wait for the gathering interval: its frame goes
 * out in the next iteration once the previous write is that long ago. */
static void
test_quiet_frame_goes_at_once (Pair          *pair,
                               gconstpointer  data)
{
  g_usleep (20 * G_TIME_SPAN_MILLISECOND);   /* past the gathering interval */
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "hi", 2));
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (nexus_frame_output_stream_get_pending (pair->output), ==, 0);
  g_assert_cmpuint (nexus_frame_output_stream_get_n_writes (pair->output), ==, 1);
}

/* Each header form of RFC 6455 5.2 at its edges. */
static void
test_frame_lengths (Pair          *pair,
                    gconstpointer  data)
{
  static const gsize lengths[] = { 0, 1, 125, 126, 127, 65535, 65536, 200000 };
  g_autoptr(GByteArray) bytes = NULL;
  gsize offset = 0;

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *text = g_malloc (lengths[i] + 1);

      memset (text, 'a' + (char) i, lengths[i]);
      g_assert_true (nexus_frame_output_stream_send_text (pair->output, text, lengths[i]));
    }

  /* The socket pair holds less than all of it: reading makes room. */
  bytes = pair_read_while_writing (pair);

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      const char *payload;
      guint8 opcode;
      gsize length = parse_frame (bytes, &offset, &opcode, &payload);

      g_assert_cmpuint (length, ==, lengths[i]);
      for (gsize j = 0; j < length; j++)
        g_assert_cmpint (payload[j], ==, 'a' + (char) i);
    }
  g_assert_cmpuint (offset, ==, bytes->len);
}

/* libsoup's frames (a ping here) come through the pollable interface:
 * taken whole, written at once, after what was queued before them. */
static void
test_control_frames_stay_whole (Pair          *pair,
                                gconstpointer  data)
{
  static const guint8 ping[] = { 0x89, 0x04, 'p', 'i', 'n', 'g' };
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize offset = 0;
  gssize written;

  g_assert_true (g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (pair->output)));
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "first", 5));
  written = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (pair->output),
                                                        ping, sizeof ping, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (written, ==, sizeof ping);
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "second", 6));
  /* The server's own pings are queued like its text. */
  g_assert_true (nexus_frame_output_stream_send_ping (pair->output));
  pair_wait_written (pair);

  bytes = pair_read_all (pair);
  expect_frame (bytes, &offset, 0x1, "first", 5);
  expect_frame (bytes, &offset, 0x9, "ping", 4);
  expect_frame (bytes, &offset, 0x1, "second", 6);
  expect_frame (bytes, &offset, 0x9, "", 0);
  g_assert_cmpuint (offset, ==, bytes->len);
}

/* A peer that leaves more than the limit unread is refused more frames,
 * and libsoup's writes wait; one frame larger than the limit still goes
 * out on its own. */
static void
test_unread_limit (Pair          *pair,
                   gconstpointer  data)
{
  static const guint8 ping[] = { 0x89, 0x04, 'p', 'i', 'n', 'g' };
  GSocket *socket = g_socket_connection_get_socket (pair->ours);
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *large = g_malloc (5000);
  char filler[4096], text[100];
  gsize filled = 0, offset;
  guint accepted = 0;

  /* The peer stops reading: its socket fills up. */
  memset (filler, 0, sizeof filler);
  while (g_socket_send_with_blocking (socket, filler, sizeof filler, FALSE, NULL, NULL) > 0)
    filled += sizeof filler;
  g_assert_cmpuint (filled, >, 0);

  memset (text, 'x', sizeof text);
  while (nexus_frame_output_stream_send_text (pair->output, text, sizeof text))
    {
      accepted++;
      g_assert_cmpuint (accepted, <, 100);
    }
  /* 102 bytes a frame under a limit of 1024. */
  g_assert_cmpuint (accepted, ==, 10);

  g_assert_cmpuint (nexus_frame_output_stream_get_pending (pair->output), ==, 1020);

  /* Under the limit libsoup's frame is taken whole (the socket takes none
   * of it); over the limit, it waits. */
  g_assert_cmpint (g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (pair->output),
                                                               ping, sizeof ping, NULL, &error), ==, sizeof ping);
  g_assert_no_error (error);
  g_assert_false (g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (pair->output)));
  g_assert_cmpint (g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (pair->output),
                                                               ping, sizeof ping, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);

  /* The peer reads again: everything arrives, in order, once. */
  bytes = pair_read_while_writing (pair);
  offset = filled;
  for (guint i = 0; i < accepted; i++)
    expect_frame (bytes, &offset, 0x1, text, sizeof text);
  expect_frame (bytes, &offset, 0x9, "ping", 4);
  g_assert_cmpuint (offset, ==, bytes->len);

  g_assert_true (g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (pair->output)));
  memset (large, 'y', 4999);
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, large, 4999));
  g_assert_false (nexus_frame_output_stream_send_text (pair->output, text, sizeof text));
}

/* Closing writes what the socket takes (the close frame, most often),
 * closes the connection, and later frames are let go quietly. */
static void
test_close_writes_what_is_queued (Pair          *pair,
                                  gconstpointer  data)
{
  g_autoptr(GByteArray) bytes = NULL;
  gsize offset = 0;
  char byte;

  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "bye", 3));
  g_assert_true (g_io_stream_close (pair->stream, NULL, NULL));
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "late", 4));

  bytes = pair_read_all (pair);
  expect_frame (bytes, &offset, 0x1, "bye", 3);
  g_assert_cmpuint (offset, ==, bytes->len);
  /* The peer sees the end of the stream. */
  g_socket_set_blocking (pair->theirs, TRUE);
  g_assert_cmpint (g_socket_receive (pair->theirs, &byte, 1, NULL, NULL), ==, 0);
}

/* A peer that is gone: the write error is kept, libsoup gets it on its
 * next write, and nothing more is tried. */
static void
test_peer_gone (Pair          *pair,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 writes;

  g_assert_true (g_socket_close (pair->theirs, NULL));
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "anyone?", 7));
  pair_wait_written (pair);
  writes = nexus_frame_output_stream_get_n_writes (pair->output);

  g_assert_cmpint (g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (pair->output),
                                                               "\x89\x00", 2, NULL, &error), ==, -1);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "still?", 6));
  g_assert_cmpuint (nexus_frame_output_stream_get_pending (pair->output), ==, 0);
  g_assert_cmpuint (nexus_frame_output_stream_get_n_writes (pair->output), ==, writes);
}

/* Reading passes the connection's bytes through unchanged. */
static void
test_input_passes_through (Pair          *pair,
                           gconstpointer  data)
{
  GInputStream *input = g_io_stream_get_input_stream (pair->stream);
  g_autoptr(GError) error = NULL;
  char buffer[8] = { 0, };
  gssize n;

  g_assert_true (G_IS_POLLABLE_INPUT_STREAM (input));
  g_assert_cmpint (g_socket_send (pair->theirs, "hello", 5, NULL, &error), ==, 5);
  g_assert_no_error (error);
  n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, n, "hello", 5);
}

/* A client frame: masked (with a zero mask), @length bytes of 'x'. */
static GByteArray *
client_frame (guint8 first_byte,
              gsize  length)
{
  GByteArray *frame = g_byte_array_new ();
  guint8 header[8] = { first_byte, 0x80 | 126, (guint8) (length >> 8), (guint8) length, 0, 0, 0, 0 };
  guint8 x = 'x';

  g_assert_cmpuint (length, >=, 126);
  g_assert_cmpuint (length, <, 65536);
  g_byte_array_append (frame, header, sizeof header);
  for (gsize i = 0; i < length; i++)
    g_byte_array_append (frame, &x, 1);
  return frame;
}

/* Sends @frame (split in two writes, so headers straddle reads) and reads
 * it all back; FALSE when reading failed. */
static gboolean
pass_frame (Pair       *pair,
            GByteArray *frame_taken)
{
  g_autoptr(GByteArray) frame = frame_taken;
  GInputStream *input = g_io_stream_get_input_stream (pair->stream);
  gsize half = frame->len / 2 + 3;
  gsize got = 0;

  g_assert_cmpint (g_socket_send (pair->theirs, (char *) frame->data, half, NULL, NULL), ==, (gssize) half);
  g_assert_cmpint (g_socket_send (pair->theirs, (char *) frame->data + half, frame->len - half, NULL, NULL),
                   ==, (gssize) (frame->len - half));
  while (got < frame->len)
    {
      g_autoptr(GError) error = NULL;
      char buffer[5000];
      gssize n = g_input_stream_read (input, buffer, MIN (sizeof buffer, frame->len - got), NULL, &error);

      if (n < 0)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
          return FALSE;
        }
      got += (gsize) n;
    }
  return TRUE;
}

/* One frame is libsoup's to judge, whatever its size; a message of
 * fragments may not pass the limit (16384 here) in all, and pings between
 * its fragments do not count. */
static void
test_input_bounds_fragments (Pair          *pair,
                             gconstpointer  data)
{
  g_assert_true (pass_frame (pair, client_frame (0x81, 20000)));     /* text, FIN */
  g_assert_true (pass_frame (pair, client_frame (0x01, 8000)));      /* text, more to come */
  g_assert_true (pass_frame (pair, client_frame (0x89, 200)));       /* a ping between */
  g_assert_true (pass_frame (pair, client_frame (0x80, 8384)));      /* last: 16384 in all */
  g_assert_true (pass_frame (pair, client_frame (0x01, 10000)));
  g_assert_true (pass_frame (pair, client_frame (0x00, 6000)));
  g_assert_false (pass_frame (pair, client_frame (0x00, 500)));      /* 16500: refused */
}

/* Frames queued while a hold holds wait for their epoch, in their place;
 * those queued before go at once; closing drops what still waits. */
static void
test_hold_until_released (Pair          *pair,
                          gconstpointer  data)
{
  g_autoptr(NexusFrameHold) hold = nexus_frame_hold_new ();
  g_autoptr(GByteArray) bytes = NULL;
  gsize offset = 0;

  nexus_frame_output_stream_set_hold (pair->output, hold);
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "before", 6));
  nexus_frame_hold_begin (hold, 1);
  g_assert_true (nexus_frame_hold_is_holding (hold));
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "one", 3));
  nexus_frame_hold_begin (hold, 2);
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "two", 3));
  g_assert_cmpuint (nexus_frame_hold_get_n_streams (hold), ==, 1);

  nexus_test_spin (30);
  bytes = pair_read_all (pair);
  expect_frame (bytes, &offset, 0x1, "before", 6);
  g_assert_cmpuint (offset, ==, bytes->len);
  g_assert_cmpuint (nexus_frame_output_stream_get_pending (pair->output), >, 0);

  /* Epoch 1 is on disk: its frame goes, epoch 2's still waits. */
  nexus_frame_hold_release (hold, 1);
  nexus_test_spin (30);
  g_byte_array_unref (bytes);
  bytes = pair_read_all (pair);
  offset = 0;
  expect_frame (bytes, &offset, 0x1, "one", 3);
  g_assert_cmpuint (offset, ==, bytes->len);

  nexus_frame_hold_release (hold, 2);
  g_assert_false (nexus_frame_hold_is_holding (hold));
  pair_wait_written (pair);
  g_byte_array_unref (bytes);
  bytes = pair_read_all (pair);
  offset = 0;
  expect_frame (bytes, &offset, 0x1, "two", 3);
  g_assert_cmpuint (nexus_frame_hold_get_n_streams (hold), ==, 0);

  /* Nothing waits once everything is released. */
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "after", 5));
  pair_wait_written (pair);

  /* A frame still held when the stream closes never goes. */
  nexus_frame_hold_begin (hold, 3);
  g_assert_true (nexus_frame_output_stream_send_text (pair->output, "never", 5));
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (pair->output), NULL, NULL));
  g_byte_array_unref (bytes);
  bytes = pair_read_all (pair);
  offset = 0;
  expect_frame (bytes, &offset, 0x1, "after", 5);
  g_assert_cmpuint (offset, ==, bytes->len);
  g_assert_cmpuint (nexus_frame_hold_get_n_streams (hold), ==, 0);
}

/* A test on a fresh pair whose unread limit is @limit, or the default for 0. */
#define PAIR_ADD(path, func, limit) \
  g_test_add (path, Pair, GSIZE_TO_POINTER (limit), pair_setup, func, pair_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  PAIR_ADD ("/frame-stream/gathered-into-one-write", test_gathered_into_one_write, 0);
  PAIR_ADD ("/frame-stream/quiet-frame-goes-at-once", test_quiet_frame_goes_at_once, 0);
  PAIR_ADD ("/frame-stream/frame-lengths", test_frame_lengths, 0);
  PAIR_ADD ("/frame-stream/control-frames-stay-whole", test_control_frames_stay_whole, 0);
  PAIR_ADD ("/frame-stream/unread-limit", test_unread_limit, 1024);
  PAIR_ADD ("/frame-stream/close-writes-what-is-queued", test_close_writes_what_is_queued, 0);
  PAIR_ADD ("/frame-stream/peer-gone", test_peer_gone, 0);
  PAIR_ADD ("/frame-stream/input-passes-through", test_input_passes_through, 0);
  PAIR_ADD ("/frame-stream/input-bounds-fragments", test_input_bounds_fragments, 0);
  PAIR_ADD ("/frame-stream/hold-until-released", test_hold_until_released, 0);

  return g_test_run ();
}
