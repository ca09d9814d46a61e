/* bench-swarm.h: many light WebSocket clients of one server
 *
 * The clients tell frames apart by their first bytes and read a message's
 * text without a JSON parser, so they cost little next to the server they
 * measure. A message's text carries its sender, its number and its send
 * time, so every receiver can check and time it.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _Swarm Swarm;

typedef struct {
  Swarm                   *swarm;
  guint                    index;
  SoupWebsocketConnection *ws;
  gboolean                 failed;
  gboolean                 welcomed;
  gboolean                 closed;
  gushort                  close_code;
  char                     room[16];
  guint                    joined_seen;
  guint                    sent;
  guint64                  received;
  guint8                  *seen;       /* per (sender, n): deliveries */
  gint64                   join_sent_at;
  gint64                   welcome_at;
  gsize                    welcome_bytes;
} Client;

struct _Swarm {
  GMainContext *context;
  GPtrArray    *sessions;    /* one per CLIENTS_PER_SESSION clients */
  guint         port;
  GPtrArray    *clients;
  guint         connecting;
  guint         n_connected;
  guint         n_failed;
  guint         n_welcomed;
  guint         n_closed;
  guint         n_errors;
  char          first_error[256];
  /* messages: clients [0, n_senders) each send m */
  guint         n_senders;
  guint         m;
  guint64       delivered;
  guint64       unique;
  guint64       duplicated;
  GArray       *latencies;   /* guint32 µs */
  gint64        last_delivery;
  gboolean      record_latency;
};

/* A swarm lives on @context, which must be the thread-default context of
 * the thread that makes and uses it. */
Swarm   *swarm_new             (GMainContext *context,
                                guint         port);
void     swarm_free            (Swarm        *swarm);
/* Opens @n more WebSockets, at most @parallel handshakes at a time. */
gboolean swarm_connect         (Swarm        *swarm,
                                guint         n,
                                guint         parallel);
Client  *swarm_client          (Swarm        *swarm,
                                guint         i);
/* Clients [first, first + n) join one room, the first of them creating it. */
gboolean swarm_fill_room       (Swarm        *swarm,
                                guint         first,
                                guint         n);
/* Waits until the first client has seen the other @n - 1 join: the
 * set-up is over. */
void     swarm_wait_joined     (Swarm        *swarm,
                                guint         n,
                                double        seconds);
/* Clients [0, @senders) will each send @m messages; every client so far
 * counts each of them it receives. */
void     swarm_expect_messages (Swarm        *swarm,
                                guint         senders,
                                guint         m);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Swarm, swarm_free)

void     client_join           (Client       *client,
                                const char   *room);
/* Sends message @n of @client, stamped with the time now. */
void     client_say            (Client       *client,
                                guint         n);

/* Sends the expected messages at @rate a second per sender (0 = at once),
 * the senders spread evenly over each period, from a 1 ms timeout on the
 * swarm's context. */
typedef struct {
  Swarm   *swarm;
  GSource *source;
  double   rate;
  gint64   start;
  gint64   first_send;
  gint64   last_send;
  guint    done_senders;
} Pacer;

void     pacer_start           (Pacer        *pacer,
                                Swarm        *swarm,
                                double        rate);
/* Sends what is due now; FALSE once every sender is done. */
gboolean pacer_tick            (gpointer      data);
void     pacer_stop            (Pacer        *pacer);

G_END_DECLS
