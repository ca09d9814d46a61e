/* bench-swarm.c: many light WebSocket clients of one server
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE   /* memmem */

#include "config.h"

#include <string.h>

#include "bench-common.h"
#include "bench-swarm.h"
#include "nexus-protocol.h"

/* A SoupSession keeps its upgraded WebSockets in its list of connections
 * and connecting slows down with every one it holds (1000 clients in one
 * session took 15 s to connect, in sessions of 50 under 3 s). */
#define CLIENTS_PER_SESSION 50

/* A text of ordinary chat length that carries who sent it, which one it
 * is and when it was sent, so every receiver can check and time it. */
#define TEXT_PADDING "the quick brown fox jumps over the lazy dog"

static char *
bench_text (guint sender, guint n, gint64 sent_at)
{
  return g_strdup_printf ("b:%u:%u:%" G_GINT64_FORMAT ": " TEXT_PADDING, sender, n, sent_at);
}

static const char *
find (const char *data, gsize length, const char *needle)
{
  return memmem (data, length, needle, strlen (needle));
}

static gboolean
has_prefix (const char *data, gsize length, const char *prefix)
{
  gsize n = strlen (prefix);

  return length >= n && memcmp (data, prefix, n) == 0;
}

static void
client_on_bench_message (Client     *client,
                         const char *data,
                         gsize       length)
{
  Swarm *swarm = client->swarm;
  const char *t = find (data, length, "\"text\":\"b:");
  guint64 sender, n;
  gint64 sent_at;
  char *end;

  if (t == NULL)
    return;
  t += strlen ("\"text\":\"b:");
  sender = g_ascii_strtoull (t, &end, 10);
  n = g_ascii_strtoull (end + 1, &end, 10);
  sent_at = g_ascii_strtoll (end + 1, &end, 10);
  swarm->last_delivery = g_get_monotonic_time ();
  swarm->delivered++;
  client->received++;
  if (sender < swarm->n_senders && n < swarm->m)
    {
      guint8 *count = &client->seen[sender * swarm->m + n];

      if (*count == 0)
        swarm->unique++;
      else
        swarm->duplicated++;
      if (*count < 255)
        (*count)++;
    }
  if (swarm->record_latency)
    {
      guint32 latency = (guint32) MIN (swarm->last_delivery - sent_at, G_MAXUINT32);

      g_array_append_val (swarm->latencies, latency);
    }
}

static void
client_on_welcome (Client     *client,
                   const char *data,
                   gsize       length)
{
  const char *room = find (data, length, "\"room\":\"");

  client->welcome_at = g_get_monotonic_time ();
  client->welcome_bytes = length;
  if (room != NULL)
    {
      room += strlen ("\"room\":\"");
      for (guint i = 0; i < sizeof client->room - 1 && room < data + length && *room != '"'; i++)
        client->room[i] = *room++;
    }
  if (!client->welcomed)
    client->swarm->n_welcomed++;
  client->welcomed = TRUE;
}

/* Frames are told apart by their first bytes, without a JSON parser: the
 * clients must not be the bottleneck of what they measure. */
static void
client_on_message (SoupWebsocketConnection *ws,
                   int                      type,
                   GBytes                  *message,
                   Client                  *client)
{
  Swarm *swarm = client->swarm;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  if (has_prefix (data, length, "{\"type\":\"message\""))
    client_on_bench_message (client, data, length);
  else if (has_prefix (data, length, "{\"type\":\"joined\""))
    client->joined_seen++;
  else if (has_prefix (data, length, "{\"type\":\"welcome\""))
    client_on_welcome (client, data, length);
  else if (has_prefix (data, length, "{\"type\":\"error\""))
    {
      if (swarm->n_errors++ == 0)
        g_snprintf (swarm->first_error, sizeof swarm->first_error, "%.*s",
                    (int) MIN (length, 200), data);
    }
}

static void
client_on_closed (SoupWebsocketConnection *ws,
                  Client                  *client)
{
  client->closed = TRUE;
  client->close_code = soup_websocket_connection_get_close_code (ws);
  client->swarm->n_closed++;
}

static void
client_on_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Client *client = user_data;
  Swarm *swarm = client->swarm;
  g_autoptr(GError) error = NULL;

  swarm->connecting--;
  client->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (client->ws == NULL)
    {
      if (swarm->n_failed++ == 0)
        g_printerr ("nexus-bench: a client could not connect: %s\n", error->message);
      client->failed = TRUE;
      return;
    }
  swarm->n_connected++;
  /* A welcome with 1000 events of history is larger than libsoup's
   * default limit of 128 KiB. */
  soup_websocket_connection_set_max_incoming_payload_size (client->ws, 0);
  g_signal_connect (client->ws, "message", G_CALLBACK (client_on_message), client);
  g_signal_connect (client->ws, "closed", G_CALLBACK (client_on_closed), client);
}

static void
client_free (Client *client)
{
  if (client->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->ws, client);
      if (soup_websocket_connection_get_state (client->ws) != SOUP_WEBSOCKET_STATE_CLOSED)
        g_io_stream_close (soup_websocket_connection_get_io_stream (client->ws), NULL, NULL);
      g_object_unref (client->ws);
    }
  g_free (client->seen);
  g_free (client);
}

Swarm *
swarm_new (GMainContext *context,
           guint         port)
{
  Swarm *swarm = g_new0 (Swarm, 1);

  swarm->context = g_main_context_ref (context);
  swarm->port = port;
  swarm->sessions = g_ptr_array_new_with_free_func (g_object_unref);
  swarm->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  swarm->latencies = g_array_new (FALSE, FALSE, sizeof (guint32));
  return swarm;
}

void
swarm_free (Swarm *swarm)
{
  g_ptr_array_unref (swarm->clients);
  /* Let the closes go out before the session goes. */
  g_main_context_iteration (swarm->context, FALSE);
  g_ptr_array_unref (swarm->sessions);
  g_array_unref (swarm->latencies);
  g_main_context_unref (swarm->context);
  g_free (swarm);
}

gboolean
swarm_connect (Swarm *swarm,
               guint  n,
               guint  parallel)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/ws", swarm->port);
  const char *protocols[] = { NEXUS_PROTOCOL_SUBPROTOCOL, NULL };
  guint target = swarm->clients->len + n;

  while (swarm->clients->len < target)
    {
      Client *client = g_new0 (Client, 1);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      SoupSession *session;

      client->swarm = swarm;
      client->index = swarm->clients->len;
      g_ptr_array_add (swarm->clients, client);
      swarm->connecting++;
      if (client->index % CLIENTS_PER_SESSION == 0)
        g_ptr_array_add (swarm->sessions, soup_session_new ());
      session = g_ptr_array_index (swarm->sessions, swarm->sessions->len - 1);
      soup_session_websocket_connect_async (session, msg, NULL, (char **) protocols,
                                            G_PRIORITY_DEFAULT, NULL, client_on_connected, client);
      if (swarm->connecting >= parallel)
        SPIN_UNTIL (swarm->context, swarm->connecting < parallel, 300);
    }
  SPIN_UNTIL (swarm->context, swarm->connecting == 0, 300);
  return swarm->n_connected + swarm->n_failed == target && swarm->n_failed == 0;
}

Client *
swarm_client (Swarm *swarm,
              guint  i)
{
  return g_ptr_array_index (swarm->clients, i);
}

static void
client_send (Client     *client,
             const char *json)
{
  if (client->ws != NULL
      && soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (client->ws, json);
}

/* Sends @frame, a join or a create, notes when, and frees it. */
static void
client_send_join (Client *client,
                  char   *frame)
{
  client->join_sent_at = g_get_monotonic_time ();
  client_send (client, frame);
  g_free (frame);
}

static char *
client_name (Client *client)
{
  return g_strdup_printf ("c%u", client->index);
}

static void
client_create (Client *client)
{
  g_autofree char *name = client_name (client);

  client_send_join (client, nexus_frame_encode_create (name));
}

void
client_join (Client     *client,
             const char *room)
{
  g_autofree char *name = client_name (client);

  client_send_join (client, nexus_frame_encode_join (room, name));
}

gboolean
swarm_fill_room (Swarm *swarm,
                 guint  first,
                 guint  n)
{
  Client *creator = swarm_client (swarm, first);
  guint welcomed = swarm->n_welcomed;

  client_create (creator);
  if (!SPIN_UNTIL (swarm->context, creator->welcomed || creator->closed, 30) || !creator->welcomed)
    return FALSE;
  for (guint i = first + 1; i < first + n; i++)
    client_join (swarm_client (swarm, i), creator->room);
  return SPIN_UNTIL (swarm->context, swarm->n_welcomed == welcomed + n || swarm->n_errors > 0, 300)
         && swarm->n_errors == 0;
}

void
swarm_wait_joined (Swarm  *swarm,
                   guint   n,
                   double  seconds)
{
  SPIN_UNTIL (swarm->context, swarm_client (swarm, 0)->joined_seen >= n - 1, seconds);
}

void
swarm_expect_messages (Swarm *swarm,
                       guint  senders,
                       guint  m)
{
  swarm->n_senders = senders;
  swarm->m = m;
  for (guint i = 0; i < swarm->clients->len; i++)
    swarm_client (swarm, i)->seen = g_malloc0 ((gsize) senders * m);
}

/* Sending */

void
client_say (Client *client,
            guint   n)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *text = bench_text (client->index, n, now);
  g_autofree char *id = g_strdup_printf ("%u", n);
  g_autofree char *frame = nexus_frame_encode_say (text, id);

  client_send (client, frame);
}

/* Each client sends at the pacer's rate, the clients spread evenly over
 * each period, so the load is smooth rather than C messages at once. */
gboolean
pacer_tick (gpointer data)
{
  Pacer *pacer = data;
  Swarm *swarm = pacer->swarm;
  gint64 now = g_get_monotonic_time ();
  double elapsed = (double) (now - pacer->start) / G_USEC_PER_SEC;

  for (guint i = 0; i < swarm->n_senders; i++)
    {
      Client *client = swarm_client (swarm, i);
      guint due;

      if (client->sent >= swarm->m)
        continue;
      if (pacer->rate <= 0)
        due = swarm->m;
      else
        {
          double offset = (double) i / swarm->n_senders / pacer->rate;

          if (elapsed < offset)
            continue;
          due = MIN (swarm->m, (guint) ((elapsed - offset) * pacer->rate) + 1);
        }
      while (client->sent < due)
        client_say (client, client->sent++);
      if (client->sent == swarm->m)
        {
          pacer->done_senders++;
          pacer->last_send = now;
        }
    }
  if (pacer->first_send == 0)
    pacer->first_send = now;
  return pacer->done_senders < swarm->n_senders ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void
pacer_start (Pacer  *pacer,
             Swarm  *swarm,
             double  rate)
{
  *pacer = (Pacer) { .swarm = swarm, .rate = rate, .start = g_get_monotonic_time () };
  pacer->source = g_timeout_source_new (1);
  g_source_set_callback (pacer->source, pacer_tick, pacer, NULL);
  g_source_attach (pacer->source, swarm->context);
}

void
pacer_stop (Pacer *pacer)
{
  if (pacer->source == NULL)
    return;
  g_source_destroy (pacer->source);
  g_clear_pointer (&pacer->source, g_source_unref);
}
