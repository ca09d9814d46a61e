/* nexus-client-connection.c: NexusClient into a room and out of it, over
 * its WebSocket: connect, resume with back-off after a drop, close, a host
 * that stops answering, and one that is away for a while
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-address.h"
#include "nexus-client-private.h"
#include "nexus-code.h"

#define KEEPALIVE_SECONDS         20
#define PONG_TIMEOUT_SECONDS      60
/* Welcome frames carry the whole history: up to 1000 events of 4000
 * characters each. */
#define MAX_INCOMING_FRAME        (64 * 1024 * 1024)
/* The close code of a session taken over by a newer connection. */
#define CLOSE_TAKEN_OVER          4001

/* One try to open the WebSocket. It outlives the client when the client
 * goes away first, so the late callback finds @client cleared. */
struct _NexusConnectAttempt
{
  NexusClient *client;
  SoupMessage *message;
  GCancellable *cancellable;
  guint timeout_id;
  gboolean timed_out;
  gboolean reached;      /* a TCP connection to the host's port was made */
};

static void
connection_detach (NexusClient *self,
                   gboolean     close)
{
  if (self->connection == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->connection, self);
  if (close && soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      /* The connection lives until its close handshake is done (at most
       * 5 s), so what was queued before, a `leave` say, still goes out. */
      soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_signal_connect (g_steal_pointer (&self->connection), "closed",
                        G_CALLBACK (g_object_unref), NULL);
    }
  g_clear_object (&self->connection);
  g_clear_handle_id (&self->pong_check_id, g_source_remove);
  g_clear_handle_id (&self->welcome_timeout_id, g_source_remove);
  /* Nothing more goes out until the next connection. */
  g_clear_handle_id (&self->flush_id, g_source_remove);
}

static void
connect_attempt_abandon (NexusClient *self)
{
  NexusConnectAttempt *attempt = g_steal_pointer (&self->attempt);

  if (attempt == NULL)
    return;
  attempt->client = NULL;
  g_clear_handle_id (&attempt->timeout_id, g_source_remove);
  g_cancellable_cancel (attempt->cancellable);
}

static void
connect_attempt_free (NexusConnectAttempt *attempt)
{
  g_assert (attempt->timeout_id == 0);
  g_signal_handlers_disconnect_by_data (attempt->message, attempt);
  g_clear_object (&attempt->message);
  g_clear_object (&attempt->cancellable);
  g_free (attempt);
}

/* Stops connecting, reconnecting, and closes the connection. */
void
_nexus_client_disconnect (NexusClient *self)
{
  connect_attempt_abandon (self);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  g_clear_handle_id (&self->away_id, g_source_remove);
  connection_detach (self, TRUE);
}

/* Reconnecting */

static gboolean
reconnect_cb (gpointer user_data)
{
  NexusClient *self = user_data;

  self->reconnect_id = 0;
  self->n_reconnects++;
  _nexus_client_connect (self);
  return G_SOURCE_REMOVE;
}

/* The host is away once reconnecting has lasted away_after_ms and the last
 * try did not reach it (refused, timed out, unreachable): a host that
 * answers and says not now (too busy, too many tries) is there. A host
 * that crashed, or whose computer sleeps, is waited for: nothing but
 * leaving the room, or the host's own word when it is back
 * (session-expired, room-not-found), ends the room for this client. */
static void
update_host_away (NexusClient *self)
{
  gboolean away = FALSE;

  if (self->state == NEXUS_CLIENT_STATE_RECONNECTING && self->reconnecting_since != 0
      && !self->host_answered)
    away = g_get_monotonic_time () - self->reconnecting_since
           >= (gint64) self->away_after_ms * 1000;
  _nexus_client_set_host_away (self, away);
}

static gboolean
away_cb (gpointer user_data)
{
  NexusClient *self = user_data;

  self->away_id = 0;
  update_host_away (self);
  return G_SOURCE_REMOVE;
}

/* The connection dropped, or a try to resume failed; @host_answered when
 * Nexus Chat on the host answered it. */
static void
schedule_reconnect (NexusClient *self,
                    gboolean     host_answered)
{
  connection_detach (self, TRUE);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);

  if (self->reconnecting_since == 0)
    {
      self->reconnecting_since = g_get_monotonic_time ();
      self->n_reconnects = 0;
      g_clear_handle_id (&self->away_id, g_source_remove);
      self->away_id = g_timeout_add (self->away_after_ms, away_cb, self);
    }
  self->host_answered = host_answered;

  _nexus_client_set_state (self, NEXUS_CLIENT_STATE_RECONNECTING);
  update_host_away (self);
  g_debug ("client: reconnecting in %u ms", self->backoff_ms);
  self->reconnect_id = g_timeout_add (self->backoff_ms, reconnect_cb, self);
  self->backoff_ms = MIN (self->backoff_ms * 2, self->backoff_max_ms);
}

void
_nexus_client_set_reconnect_timing (NexusClient *self,
                                    guint        backoff_first_ms,
                                    guint        backoff_max_ms,
                                    guint        away_after_ms)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));
  g_return_if_fail (backoff_first_ms > 0 && backoff_first_ms <= backoff_max_ms);
  g_return_if_fail (away_after_ms > 0);

  self->backoff_first_ms = backoff_first_ms;
  self->backoff_max_ms = backoff_max_ms;
  self->away_after_ms = away_after_ms;
  if (self->reconnecting_since == 0)
    self->backoff_ms = backoff_first_ms;
}

/* The open connection */

/* Too slow before the host's port answered, or after (@reached): the first
 * is the network, the second Nexus Chat on the host. */
static char *
sentence_for_timeout (NexusClient *self,
                      gboolean     reached)
{
  if (reached)
    return g_strdup_printf (_("%s answered, but Nexus Chat there did not respond in time. Try "
                              "again in a moment, or ask the host to restart Nexus Chat."),
                            self->host);

  return g_strdup_printf (_("%s did not answer in time. Check that you’re on the same network "
                            "as the host; a firewall may be dropping the connection."),
                          self->host);
}

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *message,
            NexusClient             *self)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;

  g_object_ref (self);
  nexus_client_handle_frame (self, data, length);
  g_object_unref (self);
}

static void
on_pong (SoupWebsocketConnection *connection,
         GBytes                  *message,
         NexusClient             *self)
{
  self->last_pong = g_get_monotonic_time ();
}

static gboolean
pong_check_cb (gpointer user_data)
{
  NexusClient *self = user_data;

  if (g_get_monotonic_time () - self->last_pong < PONG_TIMEOUT_SECONDS * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  /* libsoup 3.2 has no pong timeout: a silent host counts as a drop. */
  self->pong_check_id = 0;
  g_debug ("client: no pong for %d s", PONG_TIMEOUT_SECONDS);
  if (self->state == NEXUS_CLIENT_STATE_JOINED || self->state == NEXUS_CLIENT_STATE_RECONNECTING)
    schedule_reconnect (self, FALSE);
  else
    {
      g_autofree char *sentence = sentence_for_timeout (self, TRUE);

      _nexus_client_fail (self, NEXUS_CLIENT_FAILURE_TIMED_OUT, NULL, sentence);
    }
  return G_SOURCE_REMOVE;
}

static void
handle_closed (NexusClient *self,
               gushort      code)
{
  if (!_nexus_client_is_in_room (self))
    return;

  if (code == SOUP_WEBSOCKET_CLOSE_GOING_AWAY)
    _nexus_client_end (self, NEXUS_CLIENT_END_HOST_CLOSED, NULL, _("The host closed the room."));
  else if (code == CLOSE_TAKEN_OVER)
    _nexus_client_end (self, NEXUS_CLIENT_END_TAKEN_OVER, NULL,
                       _("This room was opened again somewhere else with your name, so it was "
                         "closed here."));
  else if (self->state == NEXUS_CLIENT_STATE_CONNECTING)
    {
      g_autofree char *sentence =
        g_strdup_printf (_("The host %s closed the connection before letting you in. Try again "
                           "in a moment."), self->host);

      _nexus_client_fail (self, NEXUS_CLIENT_FAILURE_REFUSED_BY_HOST, NULL, sentence);
    }
  /* A close frame is the host's answer; an abrupt end (0, or 1006 made
   * up locally) says nothing of it. */
  else
    schedule_reconnect (self, code != 0 && code != SOUP_WEBSOCKET_CLOSE_ABNORMAL);
}

static void
on_closed (SoupWebsocketConnection *connection,
           NexusClient             *self)
{
  gushort code = soup_websocket_connection_get_close_code (connection);

  g_debug ("client: connection closed with %u", code);
  g_object_ref (self);
  connection_detach (self, FALSE);
  handle_closed (self, code);
  g_object_unref (self);
}

/* The WebSocket opened, but no welcome or refusal came back. */
static gboolean
welcome_timeout_cb (gpointer user_data)
{
  NexusClient *self = user_data;
  g_autofree char *sentence = NULL;

  self->welcome_timeout_id = 0;
  g_debug ("client: no welcome within %u ms", self->connect_timeout_ms);
  if (self->state == NEXUS_CLIENT_STATE_RECONNECTING)
    {
      schedule_reconnect (self, FALSE);
      return G_SOURCE_REMOVE;
    }

  sentence = sentence_for_timeout (self, TRUE);
  _nexus_client_fail (self, NEXUS_CLIENT_FAILURE_TIMED_OUT, NULL, sentence);
  return G_SOURCE_REMOVE;
}

/* A welcome came: the room is open to this client. */
void
_nexus_client_welcomed (NexusClient *self)
{
  g_clear_handle_id (&self->welcome_timeout_id, g_source_remove);
}

void
_nexus_client_set_connect_timeout (NexusClient *self,
                                   guint        timeout_ms)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));
  g_return_if_fail (timeout_ms > 0);

  self->connect_timeout_ms = timeout_ms;
}

static void
connection_attach (NexusClient             *self,
                   SoupWebsocketConnection *connection)
{
  g_autofree char *frame = NULL;

  self->connection = connection;
  soup_websocket_connection_set_max_incoming_payload_size (connection, MAX_INCOMING_FRAME);
  soup_websocket_connection_set_keepalive_interval (connection, KEEPALIVE_SECONDS);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  g_signal_connect (connection, "pong", G_CALLBACK (on_pong), self);
  self->last_pong = g_get_monotonic_time ();
  self->pong_check_id = g_timeout_add_seconds (KEEPALIVE_SECONDS / 2, pong_check_cb, self);
  self->welcome_timeout_id = g_timeout_add (self->connect_timeout_ms, welcome_timeout_cb, self);

  /* The first frame: back into the room, or into it for the first time. */
  _nexus_client_outbox_restart (self);
  if (self->session_token != NULL)
    frame = nexus_frame_encode_resume (self->room, self->session_token, self->last_seq);
  else if (self->wanted_room != NULL)
    frame = nexus_frame_encode_join (self->wanted_room, self->wanted_name);
  else
    frame = nexus_frame_encode_create (self->wanted_name);
  _nexus_client_send_frame (self, frame);
}

/* Connecting */

static NexusClientFailure
failure_for_connect_error (NexusConnectAttempt *attempt,
                           const GError        *error)
{
  if (attempt->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return NEXUS_CLIENT_FAILURE_TIMED_OUT;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return NEXUS_CLIENT_FAILURE_REFUSED;

  if (error->domain == G_RESOLVER_ERROR
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    return NEXUS_CLIENT_FAILURE_HOST_NOT_FOUND;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return NEXUS_CLIENT_FAILURE_UNREACHABLE;

  /* An HTTP answer, but no WebSocket: 503 is our own connection limit. */
  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET)
      || g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_BAD_HANDSHAKE))
    return soup_message_get_status (attempt->message) == SOUP_STATUS_SERVICE_UNAVAILABLE
           ? NEXUS_CLIENT_FAILURE_BUSY : NEXUS_CLIENT_FAILURE_NOT_NEXUS;

  return NEXUS_CLIENT_FAILURE_NETWORK;
}

/* Which step failed, and what to try, in a sentence. */
static char *
sentence_for_connect_failure (NexusClient         *self,
                              NexusConnectAttempt *attempt,
                              NexusClientFailure   failure)
{
  switch (failure)
    {
    case NEXUS_CLIENT_FAILURE_TIMED_OUT:
      return sentence_for_timeout (self, attempt->reached);

    case NEXUS_CLIENT_FAILURE_REFUSED:
      return g_strdup_printf (_("%s answered, but nothing is listening on port %u. The room may "
                                "have ended, or a firewall on the host is in the way."),
                              self->host, self->port);

    case NEXUS_CLIENT_FAILURE_HOST_NOT_FOUND:
      return g_strdup_printf (_("No computer called “%s” was found on the network. Check the "
                                "address in the invite link."), self->host);

    case NEXUS_CLIENT_FAILURE_UNREACHABLE:
      return g_strdup_printf (_("Can’t reach %s from this computer. Check that you’re on the "
                                "same Wi-Fi or network as the host — guest networks often keep "
                                "devices apart."), self->host);

    case NEXUS_CLIENT_FAILURE_BUSY:
      return g_strdup_printf (_("The host %s has too many people connected right now. Try "
                                "again in a moment."), self->host);

    case NEXUS_CLIENT_FAILURE_NOT_NEXUS:
      return g_strdup_printf (_("Something answered at %s, port %u, but it is not Nexus Chat. "
                                "Check the address in the invite link."),
                              self->host, self->port);

    case NEXUS_CLIENT_FAILURE_NONE:
    case NEXUS_CLIENT_FAILURE_BAD_ADDRESS:
    case NEXUS_CLIENT_FAILURE_ROOM_NOT_FOUND:
    case NEXUS_CLIENT_FAILURE_REFUSED_BY_HOST:
    case NEXUS_CLIENT_FAILURE_NETWORK:
    default:
      return g_strdup_printf (_("Could not connect to %s, port %u. Check the address and your "
                                "network, then try again."), self->host, self->port);
    }
}

/* Takes @connection, which is NULL when connecting failed with @error. */
static void
connect_attempt_finish (NexusConnectAttempt     *attempt,
                        SoupWebsocketConnection *connection,
                        const GError            *error)
{
  NexusClient *self = attempt->client;
  g_autofree char *sentence = NULL;
  NexusClientFailure failure;

  /* Given up by dispose, leave or a newer attempt. */
  if (self == NULL)
    {
      g_clear_object (&connection);
      connect_attempt_free (attempt);
      return;
    }

  g_assert (self->attempt == attempt);
  self->attempt = NULL;
  g_clear_handle_id (&attempt->timeout_id, g_source_remove);

  if (connection != NULL)
    {
      connect_attempt_free (attempt);
      connection_attach (self, connection);
      return;
    }

  failure = failure_for_connect_error (attempt, error);
  sentence = sentence_for_connect_failure (self, attempt, failure);
  g_debug ("client: connecting failed%s: %s", attempt->reached ? " after reaching the host" : "",
           error->message);
  connect_attempt_free (attempt);
  if (self->state == NEXUS_CLIENT_STATE_RECONNECTING)
    schedule_reconnect (self, failure == NEXUS_CLIENT_FAILURE_BUSY
                              || failure == NEXUS_CLIENT_FAILURE_NOT_NEXUS);
  else
    _nexus_client_fail (self, failure, NULL, sentence);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  connect_attempt_finish (user_data, connection, error);
}

/* Tells the steps apart: a TCP connection made means the host's port
 * answered, whatever goes wrong after. */
static void
on_network_event (SoupMessage         *message,
                  GSocketClientEvent   event,
                  GIOStream           *connection,
                  NexusConnectAttempt *attempt)
{
  if (event == G_SOCKET_CLIENT_CONNECTED)
    attempt->reached = TRUE;
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  NexusConnectAttempt *attempt = user_data;

  attempt->timeout_id = 0;
  attempt->timed_out = TRUE;
  g_cancellable_cancel (attempt->cancellable);
  return G_SOURCE_REMOVE;
}

/* Opens the WebSocket, then sends create, join or resume. */
void
_nexus_client_connect (NexusClient *self)
{
  g_autofree char *url_host = nexus_address_url_host (self->host);
  g_autofree char *uri = NULL;
  NexusConnectAttempt *attempt;
  SoupMessage *message;
  const char *protocols[] = { NEXUS_PROTOCOL_SUBPROTOCOL, NULL };

  g_assert (self->connection == NULL);
  connect_attempt_abandon (self);

  uri = g_strdup_printf ("ws://%s:%u/ws", url_host, self->port);
  message = soup_message_new (SOUP_METHOD_GET, uri);
  if (message == NULL)
    {
      g_autofree char *sentence =
        g_strdup_printf (_("“%s” is not a host address. Check the invite link."), self->host);

      _nexus_client_fail (self, NEXUS_CLIENT_FAILURE_BAD_ADDRESS, NULL, sentence);
      return;
    }

  attempt = g_new0 (NexusConnectAttempt, 1);
  attempt->client = self;
  attempt->message = message;
  attempt->cancellable = g_cancellable_new ();
  attempt->timeout_id = g_timeout_add (self->connect_timeout_ms, connect_timeout_cb, attempt);
  g_signal_connect (message, "network-event", G_CALLBACK (on_network_event), attempt);
  self->attempt = attempt;
  soup_session_websocket_connect_async (self->session, message, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, attempt->cancellable,
                                        on_connected, attempt);
}

/* Into the room and out of it */

static void
begin (NexusClient *self,
       const char  *room,
       const char  *name)
{
  g_autofree char *trimmed = nexus_name_normalize (name);

  self->wanted_name = g_strdup (trimmed ? trimmed : name);
  self->wanted_room = room ? (nexus_code_normalize (room) ?: g_strdup (room)) : NULL;
  _nexus_client_set_state (self, NEXUS_CLIENT_STATE_CONNECTING);
  _nexus_client_connect (self);
}

void
nexus_client_create (NexusClient *self,
                     const char  *name)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));
  g_return_if_fail (self->host != NULL && self->port > 0);
  g_return_if_fail (name != NULL);
  g_return_if_fail (self->state == NEXUS_CLIENT_STATE_IDLE);

  begin (self, NULL, name);
}

void
nexus_client_join (NexusClient *self,
                   const char  *room,
                   const char  *name)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));
  g_return_if_fail (self->host != NULL && self->port > 0);
  g_return_if_fail (room != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (self->state == NEXUS_CLIENT_STATE_IDLE);

  begin (self, room, name);
}

void
nexus_client_leave (NexusClient *self)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));

  if (!_nexus_client_is_in_room (self))
    return;

  if (self->state == NEXUS_CLIENT_STATE_JOINED && self->connection != NULL)
    {
      g_autofree char *frame = nexus_frame_encode_simple ("leave");

      /* The server answers with `left` and a close; neither is needed. */
      soup_websocket_connection_send_text (self->connection, frame);
    }

  _nexus_client_end (self, NEXUS_CLIENT_END_LEFT, NULL, NULL);
}
