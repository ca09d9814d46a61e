/* nexus-test-raw-client.c: a WebSocket client on a raw socket, for what
 * libsoup's client will not send or will not leave undone
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "nexus-test-utils.h"

NexusTestRawClient *
nexus_test_raw_client_new_full (guint       port,
                                const char *source,
                                int         receive_buffer)
{
  NexusTestRawClient *raw = g_new0 (NexusTestRawClient, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);

  raw->bytes = g_byte_array_new ();
  raw->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                              &error);
  g_assert_no_error (error);
  if (source != NULL)
    {
      g_autoptr(GSocketAddress) local = g_inet_socket_address_new_from_string (source, 0);

      g_assert_nonnull (local);
      g_assert_true (g_socket_bind (raw->socket, local, FALSE, &error));
      g_assert_no_error (error);
    }
  if (receive_buffer > 0)
    {
      /* Before connecting, so the window it offers is small from the start. */
      g_assert_true (g_socket_set_option (raw->socket, SOL_SOCKET, SO_RCVBUF, receive_buffer,
                                          &error));
      g_assert_no_error (error);
    }
  /* The listening socket's backlog answers: this does not need the loop. */
  g_assert_true (g_socket_connect (raw->socket, address, NULL, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (raw->socket, FALSE);
  return raw;
}

NexusTestRawClient *
nexus_test_raw_client_new (guint port,
                           int   receive_buffer)
{
  return nexus_test_raw_client_new_full (port, NULL, receive_buffer);
}

void
nexus_test_raw_client_free (NexusTestRawClient *raw)
{
  g_clear_object (&raw->socket);
  g_clear_pointer (&raw->bytes, g_byte_array_unref);
  g_free (raw);
}

static gboolean
on_raw_client_ready (GSocket      *socket,
                     GIOCondition  condition,
                     gpointer      user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Wakes the main context whenever the socket is ready for @condition, so a
 * WAIT_UNTIL on it need not wait for its 10 ms tick. Only while the test
 * waits: the condition stays true until the test reads or writes. */
static GSource *
raw_client_watch (NexusTestRawClient *raw,
                  GIOCondition        condition)
{
  GSource *source = g_socket_create_source (raw->socket, condition, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (on_raw_client_ready), NULL, NULL);
  g_source_attach (source, NULL);
  return source;
}

static void
raw_client_unwatch (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static gboolean
raw_client_writable (NexusTestRawClient *raw)
{
  return g_socket_condition_check (raw->socket, G_IO_OUT | G_IO_ERR | G_IO_HUP) != 0;
}

gboolean
nexus_test_raw_client_try_send (NexusTestRawClient *raw,
                                const void         *data,
                                gsize               length)
{
  const char *next = data;
  const char *end = next + length;

  while (next < end)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (raw->socket, next, (gsize) (end - next), NULL, &error);
      GSource *watch;

      if (n >= 0)
        {
          next += n;
          continue;
        }
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
      /* The kernel's buffer is full: the server may be on this thread. */
      watch = raw_client_watch (raw, G_IO_OUT);
      WAIT_UNTIL (raw_client_writable (raw));
      raw_client_unwatch (watch);
    }
  return TRUE;
}

void
nexus_test_raw_client_send (NexusTestRawClient *raw,
                            const void         *data,
                            gsize               length)
{
  if (!nexus_test_raw_client_try_send (raw, data, length))
    g_error ("The server ended the connection while %" G_GSIZE_FORMAT " bytes were sent to it",
             length);
}

GByteArray *
nexus_test_raw_frame_new (guint8      head,
                          const void *payload,
                          gsize       length)
{
  GByteArray *frame = g_byte_array_sized_new ((guint) length + 14);
  const guint8 zero_key[4] = { 0, };
  guint8 header[10] = { head, };
  gsize header_length = 2;

  if (length < 126)
    header[1] = (guint8) (0x80 | length);
  else if (length <= G_MAXUINT16)
    {
      header[1] = 0x80 | 126;
      header[2] = (guint8) (length >> 8);
      header[3] = (guint8) length;
      header_length = 4;
    }
  else
    {
      header[1] = 0x80 | 127;
      for (guint i = 0; i < 8; i++)
        header[2 + i] = (guint8) ((guint64) length >> (56 - 8 * i));
      header_length = 10;
    }
  g_byte_array_append (frame, header, (guint) header_length);
  g_byte_array_append (frame, zero_key, sizeof zero_key);
  g_byte_array_append (frame, payload, (guint) length);
  return frame;
}

void
nexus_test_raw_client_send_frame (NexusTestRawClient *raw,
                                  guint8              head,
                                  const void         *payload,
                                  gsize               length)
{
  g_autoptr(GByteArray) frame = nexus_test_raw_frame_new (head, payload, length);

  nexus_test_raw_client_send (raw, frame->data, frame->len);
}

void
nexus_test_raw_client_send_text (NexusTestRawClient *raw,
                                 const char         *text)
{
  nexus_test_raw_client_send_frame (raw, 0x81, text, strlen (text));
}

/* Takes the whole server frames (unmasked) off the front of the bytes. */
static void
raw_client_take_frames (NexusTestRawClient *raw)
{
  for (;;)
    {
      const guint8 *b = raw->bytes->data;
      gsize have = raw->bytes->len;
      gsize header = 2;
      guint64 length;

      if (have < 2)
        return;
      g_assert_cmpuint (b[1] & 0x80, ==, 0);
      length = b[1] & 0x7f;
      if (length == 126)
        header = 4;
      else if (length == 127)
        header = 10;
      if (have < header)
        return;
      if (header > 2)
        {
          length = 0;
          for (gsize i = 2; i < header; i++)
            length = (length << 8) | b[i];
        }
      if (have - header < length)
        return;
      switch (b[0] & 0x0f)
        {
        case 0x1:
          raw->n_text++;
          break;
        case 0x8:
          if (raw->n_close++ == 0 && length >= 2)
            raw->close_code = (gushort) (b[header] << 8 | b[header + 1]);
          break;
        case 0x9:
          raw->n_pings++;
          break;
        default:
          break;
        }
      g_byte_array_remove_range (raw->bytes, 0, (guint) (header + length));
    }
}

gboolean
nexus_test_raw_client_read (NexusTestRawClient *raw,
                            gboolean            take_frames)
{
  while (!raw->eof)
    {
      guint8 chunk[16384];
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (raw->socket, (char *) chunk, sizeof chunk, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (n <= 0)
        {
          raw->eof = TRUE;
          break;
        }
      g_byte_array_append (raw->bytes, chunk, (guint) n);
      /* Frame by frame as they come, so megabytes never pile up here. */
      if (take_frames)
        raw_client_take_frames (raw);
    }
  return raw->eof;
}

static gboolean
raw_client_headers_read (NexusTestRawClient *raw)
{
  nexus_test_raw_client_read (raw, FALSE);
  return raw->eof
         || (raw->bytes->len > 0
             && g_strstr_len ((const char *) raw->bytes->data, raw->bytes->len, "\r\n\r\n"));
}

void
nexus_test_raw_client_upgrade (NexusTestRawClient *raw)
{
  g_autoptr(GInetSocketAddress) server = NULL;
  g_autofree char *request = NULL;
  const char *end;
  GSource *watch;

  server = G_INET_SOCKET_ADDRESS (g_socket_get_remote_address (raw->socket, NULL));
  g_assert_nonnull (server);
  request = g_strdup_printf ("GET /ws HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "\r\n",
                             g_inet_socket_address_get_port (server));
  nexus_test_raw_client_send (raw, request, strlen (request));
  watch = raw_client_watch (raw, G_IO_IN);
  WAIT_UNTIL (raw_client_headers_read (raw));
  raw_client_unwatch (watch);
  g_assert_false (raw->eof);
  g_assert_true (g_str_has_prefix ((const char *) raw->bytes->data, "HTTP/1.1 101"));
  end = g_strstr_len ((const char *) raw->bytes->data, raw->bytes->len, "\r\n\r\n") + 4;
  g_assert_true (end == (const char *) raw->bytes->data + raw->bytes->len);
  g_byte_array_set_size (raw->bytes, 0);
}

void
nexus_test_raw_client_wait_closed (NexusTestRawClient *raw)
{
  GSource *watch = raw_client_watch (raw, G_IO_IN);

  WAIT_UNTIL (nexus_test_raw_client_read (raw, TRUE) || raw->n_close > 0);
  raw_client_unwatch (watch);
}

void
nexus_test_raw_client_wait_ended (NexusTestRawClient *raw)
{
  GSource *watch = raw_client_watch (raw, G_IO_IN);

  WAIT_UNTIL (nexus_test_raw_client_read (raw, FALSE));
  raw_client_unwatch (watch);
}
