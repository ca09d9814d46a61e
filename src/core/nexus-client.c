/* nexus-client.c: a WebSocket client of a Nexus Chat room
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "nexus-client.h"
#include "nexus-code.h"
#include "nexus-protocol.h"

#define CONNECT_TIMEOUT_SECONDS   10
#define KEEPALIVE_SECONDS         20
#define PONG_TIMEOUT_SECONDS      60
#define TYPING_INTERVAL_USEC      G_USEC_PER_SEC
#define GROUP_WINDOW_USEC         (5 * 60 * G_USEC_PER_SEC)
#define RATE_LIMITED_PAUSE_MS     1000
/* Welcome frames carry the whole history: up to 1000 events of 4000
 * characters each. */
#define MAX_INCOMING_FRAME        (64 * 1024 * 1024)
/* Frames kept in reserve for typing and for timer jitter against the
 * server's own bucket. */
#define BURST_MARGIN              2
#define RATE_MARGIN               0.9

struct _NexusClient
{
  GObject parent_instance;

  /* Where */
  char *host;
  guint port;

  /* The connection */
  SoupSession *session;
  SoupWebsocketConnection *connection;
  struct _ConnectAttempt *attempt;
  guint reconnect_id;
  guint backoff_ms;
  gint64 reconnecting_since;
  guint pong_check_id;
  gint64 last_pong;
  gboolean awaiting_welcome;

  /* The room */
  NexusClientState state;
  NexusClientEnd end_reason;
  char *wanted_name;
  char *wanted_room;
  char *room;
  char *name;
  char *session_token;
  gint64 last_seq;
  GPtrArray *members;
  char *error_code;
  char *error_message;

  /* The log: confirmed events in seq order, then own unconfirmed messages */
  GListStore *events;
  guint n_confirmed;
  GPtrArray *batch;        /* history being read, not yet in @events */
  GHashTable *pending;     /* id → NexusEvent, own messages not confirmed */
  GQueue outbox;           /* NexusEvent, SENDING, in send order */
  guint n_outbox_sent;     /* the head of @outbox sent on this connection */
  guint next_id;
  char *id_prefix;

  /* Pacing */
  double tokens;
  gint64 tokens_time;
  guint flush_id;
  gint64 last_typing;
};

/* One try to open the WebSocket. It outlives the client when the client
 * goes away first, so the late callback finds @client cleared. */
typedef struct _ConnectAttempt
{
  NexusClient *client;
  SoupMessage *message;
  GCancellable *cancellable;
  guint timeout_id;
  gboolean timed_out;
} ConnectAttempt;

G_DEFINE_FINAL_TYPE (NexusClient, nexus_client, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (NexusClientState, nexus_client_state,
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_STATE_JOINED, "joined"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_STATE_ENDED, "ended"))

G_DEFINE_ENUM_TYPE (NexusClientEnd, nexus_client_end,
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_END_NONE, "none"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_END_LEFT, "left"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_END_HOST_CLOSED, "host-closed"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_END_TAKEN_OVER, "taken-over"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_END_EXPIRED, "expired"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_END_UNREACHABLE, "unreachable"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_END_REFUSED, "refused"))

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_STATE,
  PROP_END_REASON,
  PROP_ROOM,
  PROP_NAME,
  PROP_ERROR_MESSAGE,
  PROP_MEMBERS,
  PROP_N_MEMBERS,
  PROP_EVENTS,
  N_PROPS
};

enum {
  SIGNAL_MESSAGE,
  SIGNAL_TYPING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_connection (NexusClient *self);
static void flush_outbox     (NexusClient *self);

/* State */

static void
set_state (NexusClient      *self,
           NexusClientState  state)
{
  if (self->state == state)
    return;
  g_debug ("client %s:%u: %s → %s", self->host, self->port,
           g_enum_get_value (g_type_class_peek (NEXUS_TYPE_CLIENT_STATE), self->state)->value_nick,
           g_enum_get_value (g_type_class_peek (NEXUS_TYPE_CLIENT_STATE), state)->value_nick);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static gboolean
set_str (char       **target,
         const char  *value)
{
  if (g_strcmp0 (*target, value) == 0)
    return FALSE;
  g_free (*target);
  *target = g_strdup (value);
  return TRUE;
}

static void
set_error (NexusClient *self,
           const char  *code,
           const char  *message)
{
  g_free (self->error_code);
  self->error_code = g_strdup (code);
  if (set_str (&self->error_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

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
  g_clear_handle_id (&self->flush_id, g_source_remove);
  self->awaiting_welcome = FALSE;
}

static void
connect_attempt_abandon (NexusClient *self)
{
  ConnectAttempt *attempt = g_steal_pointer (&self->attempt);

  if (attempt == NULL)
    return;
  attempt->client = NULL;
  g_clear_handle_id (&attempt->timeout_id, g_source_remove);
  g_cancellable_cancel (attempt->cancellable);
}

static void
stop_everything (NexusClient *self)
{
  connect_attempt_abandon (self);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  connection_detach (self, TRUE);
}

/* Own messages that can no longer be sent wait for the person to retry. */
static void
fail_outbox (NexusClient *self)
{
  NexusEvent *event;

  while ((event = g_queue_pop_head (&self->outbox)) != NULL)
    {
      nexus_event_set_delivery (event, NEXUS_DELIVERY_FAILED);
      g_object_unref (event);
    }
  self->n_outbox_sent = 0;
}

static void
fail (NexusClient *self,
      const char  *code,
      const char  *message)
{
  stop_everything (self);
  fail_outbox (self);
  set_error (self, code, message);
  set_state (self, NEXUS_CLIENT_STATE_FAILED);
}

static void
end (NexusClient    *self,
     NexusClientEnd  reason,
     const char     *code,
     const char     *message)
{
  stop_everything (self);
  fail_outbox (self);
  set_error (self, code, message);
  if (self->end_reason != reason)
    {
      self->end_reason = reason;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_REASON]);
    }
  set_state (self, NEXUS_CLIENT_STATE_ENDED);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  NexusClient *self = user_data;

  self->reconnect_id = 0;
  start_connection (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (NexusClient *self)
{
  gint64 now = g_get_monotonic_time ();

  connection_detach (self, TRUE);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);

  if (self->reconnecting_since == 0)
    self->reconnecting_since = now;
  else if (now - self->reconnecting_since > NEXUS_CLIENT_GIVE_UP_SECONDS * G_USEC_PER_SEC)
    {
      end (self, NEXUS_CLIENT_END_UNREACHABLE, NULL,
           _("The host can no longer be reached, so the room has ended for you."));
      return;
    }

  set_state (self, NEXUS_CLIENT_STATE_RECONNECTING);
  g_debug ("client: reconnecting in %u ms", self->backoff_ms);
  self->reconnect_id = g_timeout_add (self->backoff_ms, reconnect_cb, self);
  self->backoff_ms = MIN (self->backoff_ms * 2, NEXUS_CLIENT_BACKOFF_MAX_MS);
}

/* Pacing: a token bucket a little slower than the server's. */

static void
refill_tokens (NexusClient *self)
{
  gint64 now = g_get_monotonic_time ();
  double capacity = NEXUS_CLIENT_BURST - BURST_MARGIN;

  self->tokens += (now - self->tokens_time) * (NEXUS_CLIENT_RATE * RATE_MARGIN) / G_USEC_PER_SEC;
  self->tokens = MIN (self->tokens, capacity);
  self->tokens_time = now;
}

static gboolean
send_frame (NexusClient *self,
            const char  *frame)
{
  if (self->connection == NULL
      || soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return FALSE;

  refill_tokens (self);
  self->tokens -= 1;
  soup_websocket_connection_send_text (self->connection, frame);
  return TRUE;
}

static gboolean
flush_cb (gpointer user_data)
{
  NexusClient *self = user_data;

  self->flush_id = 0;
  flush_outbox (self);
  return G_SOURCE_REMOVE;
}

static void
flush_outbox (NexusClient *self)
{
  if (self->state != NEXUS_CLIENT_STATE_JOINED || self->connection == NULL
      || self->flush_id != 0)
    return;

  refill_tokens (self);
  while (self->n_outbox_sent < self->outbox.length && self->tokens >= 1)
    {
      NexusEvent *event = g_queue_peek_nth (&self->outbox, self->n_outbox_sent);
      g_autofree char *frame = nexus_frame_encode_say (nexus_event_get_text (event),
                                                       nexus_event_get_id (event));

      if (!send_frame (self, frame))
        return;
      self->n_outbox_sent++;
    }

  if (self->n_outbox_sent < self->outbox.length)
    {
      double wait = (1 - self->tokens) / (NEXUS_CLIENT_RATE * RATE_MARGIN);

      self->flush_id = g_timeout_add ((guint) (wait * 1000) + 1, flush_cb, self);
    }
}

/* The log */

static gboolean
follows_in_group (NexusEvent *event,
                  NexusEvent *previous)
{
  if (previous == NULL
      || nexus_event_get_kind (event) != NEXUS_EVENT_MESSAGE
      || nexus_event_get_kind (previous) != NEXUS_EVENT_MESSAGE
      || g_strcmp0 (nexus_event_get_name (event), nexus_event_get_name (previous)) != 0)
    return FALSE;

  return g_date_time_difference (nexus_event_get_timestamp (event),
                                 nexus_event_get_timestamp (previous)) < GROUP_WINDOW_USEC;
}

static void
update_continues (NexusClient *self,
                  guint        position)
{
  g_autoptr(NexusEvent) event = g_list_model_get_item (G_LIST_MODEL (self->events), position);
  g_autoptr(NexusEvent) previous = NULL;

  if (event == NULL)
    return;
  if (position > 0)
    previous = g_list_model_get_item (G_LIST_MODEL (self->events), position - 1);

  nexus_event_set_continues (event, follows_in_group (event, previous));
}

/* A welcome brings up to the whole history: one splice, not a thousand
 * items-changed. */
static void
flush_batch (NexusClient *self)
{
  guint n;

  if (self->batch == NULL || self->batch->len == 0)
    return;

  n = self->batch->len;
  g_list_store_splice (self->events, self->n_confirmed, 0, self->batch->pdata, n);
  self->n_confirmed += n;
  g_ptr_array_set_size (self->batch, 0);
  update_continues (self, self->n_confirmed);
}

static void
insert_confirmed (NexusClient *self,
                  NexusEvent  *event)
{
  guint position = self->n_confirmed;

  if (self->batch != NULL)
    {
      g_autoptr(NexusEvent) previous = NULL;

      if (self->batch->len > 0)
        previous = g_object_ref (g_ptr_array_index (self->batch, self->batch->len - 1));
      else if (position > 0)
        previous = g_list_model_get_item (G_LIST_MODEL (self->events), position - 1);
      nexus_event_set_continues (event, follows_in_group (event, previous));
      g_ptr_array_add (self->batch, g_object_ref (event));
      return;
    }

  g_list_store_insert (self->events, position, event);
  self->n_confirmed++;
  update_continues (self, position);
  update_continues (self, position + 1);
}

static gboolean
is_own_name (NexusClient *self,
             const char  *name)
{
  return self->name != NULL && g_strcmp0 (self->name, name) == 0;
}

static void
outbox_remove (NexusClient *self,
               NexusEvent  *event)
{
  int index = g_queue_index (&self->outbox, event);

  if (index < 0)
    return;
  if ((guint) index < self->n_outbox_sent)
    self->n_outbox_sent--;
  g_queue_pop_nth (&self->outbox, index);
  g_object_unref (event);
}

static void
confirm_pending (NexusClient *self,
                 NexusEvent  *event,
                 gint64       seq,
                 GDateTime   *timestamp)
{
  guint position;

  flush_batch (self);
  g_object_ref (event);
  g_hash_table_remove (self->pending, nexus_event_get_id (event));
  outbox_remove (self, event);
  nexus_event_confirm (event, seq, timestamp);

  if (g_list_store_find (self->events, event, &position))
    {
      if (position == self->n_confirmed)
        {
          self->n_confirmed++;
          update_continues (self, position);
          update_continues (self, position + 1);
        }
      else
        {
          g_list_store_remove (self->events, position);
          update_continues (self, position);
          insert_confirmed (self, event);
        }
    }
  else
    insert_confirmed (self, event);

  g_object_unref (event);
}

/* Applies one event (from history or live); FALSE when it was seen already. */
static gboolean
apply_event (NexusClient    *self,
             NexusEventKind  kind,
             gint64          seq,
             GDateTime      *timestamp,
             const char     *name,
             const char     *text,
             const char     *id,
             gboolean        live)
{
  g_autoptr(NexusEvent) event = NULL;
  NexusEvent *pending = NULL;

  if (kind == NEXUS_EVENT_MESSAGE && is_own_name (self, name))
    pending = g_hash_table_lookup (self->pending, id);

  if (seq <= self->last_seq)
    {
      /* A replay of an own message sent twice across a drop. */
      if (pending != NULL)
        confirm_pending (self, pending, seq, timestamp);
      return FALSE;
    }
  self->last_seq = seq;

  if (pending != NULL)
    {
      confirm_pending (self, pending, seq, timestamp);
      return TRUE;
    }

  event = nexus_event_new (kind, seq, timestamp, name, text, id);
  nexus_event_set_is_own (event, is_own_name (self, name));
  insert_confirmed (self, event);

  if (live)
    {
      if (kind == NEXUS_EVENT_MESSAGE && !nexus_event_get_is_own (event))
        g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, event);
    }
  return TRUE;
}

/* Members */

static void
set_members (NexusClient  *self,
             JsonArray    *array)
{
  g_ptr_array_set_size (self->members, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (self->members, json_node_dup_string (node));
    }
  g_ptr_array_add (self->members, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
}

static void
member_add (NexusClient *self,
            const char  *name)
{
  g_assert (self->members->len > 0);

  for (guint i = 0; i + 1 < self->members->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->members, i), name) == 0)
      return;
  g_ptr_array_insert (self->members, self->members->len - 1, g_strdup (name));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
}

static void
member_remove (NexusClient *self,
               const char  *name)
{
  for (guint i = 0; i + 1 < self->members->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->members, i), name) == 0)
      {
        g_ptr_array_remove_index (self->members, i);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBERS]);
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
        return;
      }
}

/* Parsing server frames */

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_int (JsonObject *object,
         const char *member,
         gint64     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static JsonArray *
get_array (JsonObject *object,
           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static gboolean
get_bool (JsonObject *object,
          const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN
         && json_node_get_boolean (node);
}

/* A `message`, `joined` or `left` object, live or from `history`. */
static gboolean
handle_event_object (NexusClient *self,
                     JsonObject  *object,
                     gboolean     live)
{
  const char *type = get_string (object, "type");
  const char *ts = get_string (object, "ts");
  const char *name = get_string (object, "name");
  const char *text = NULL;
  const char *id = NULL;
  g_autoptr(GDateTime) timestamp = NULL;
  NexusEventKind kind;
  gint64 seq;

  if (type == NULL || ts == NULL || name == NULL || !get_int (object, "seq", &seq) || seq < 1)
    return FALSE;

  if (strcmp (type, "message") == 0)
    {
      kind = NEXUS_EVENT_MESSAGE;
      text = get_string (object, "text");
      id = get_string (object, "id");
      if (text == NULL || id == NULL)
        return FALSE;
    }
  else if (strcmp (type, "joined") == 0)
    kind = NEXUS_EVENT_JOINED;
  else if (strcmp (type, "left") == 0)
    kind = NEXUS_EVENT_LEFT;
  else
    return FALSE;

  timestamp = g_date_time_new_from_iso8601 (ts, NULL);
  if (timestamp == NULL)
    return FALSE;

  if (!apply_event (self, kind, seq, timestamp, name, text, id, live))
    return FALSE;

  if (live && self->members->len > 0)
    {
      if (kind == NEXUS_EVENT_JOINED)
        member_add (self, name);
      else if (kind == NEXUS_EVENT_LEFT)
        member_remove (self, name);
    }
  return TRUE;
}

static gboolean
handle_welcome (NexusClient *self,
                JsonObject  *object)
{
  const char *room = get_string (object, "room");
  const char *name = get_string (object, "name");
  const char *session = get_string (object, "session");
  JsonArray *members = get_array (object, "members");
  JsonArray *history = get_array (object, "history");
  gint64 last_seq;

  if (room == NULL || name == NULL || session == NULL || members == NULL || history == NULL
      || !get_int (object, "last_seq", &last_seq))
    return FALSE;

  switch (self->state)
    {
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_RECONNECTING:
      break;
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    default:
      return FALSE;
    }

  /* A resume must land in the same room as the same person. */
  if (self->room != NULL && (strcmp (self->room, room) != 0 || g_strcmp0 (self->name, name) != 0))
    return FALSE;

  self->awaiting_welcome = FALSE;
  if (set_str (&self->room, room))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROOM]);
  if (set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  set_str (&self->session_token, session);
  set_members (self, members);

  if (get_bool (object, "gap"))
    g_debug ("client: some events were missed while away");

  self->batch = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (history); i++)
    {
      JsonNode *node = json_array_get_element (history, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        handle_event_object (self, json_node_get_object (node), FALSE);
    }
  flush_batch (self);
  g_clear_pointer (&self->batch, g_ptr_array_unref);
  self->last_seq = MAX (self->last_seq, last_seq);

  self->backoff_ms = NEXUS_CLIENT_BACKOFF_FIRST_MS;
  self->reconnecting_since = 0;
  set_error (self, NULL, NULL);
  set_state (self, NEXUS_CLIENT_STATE_JOINED);
  flush_outbox (self);
  return TRUE;
}

static char *
sentence_for_error (NexusClient    *self,
                    NexusErrorCode  code,
                    const char     *server_message)
{
  g_autofree char *room = self->wanted_room ? nexus_code_format (self->wanted_room) : NULL;

  switch (code)
    {
    case NEXUS_ERROR_ROOM_NOT_FOUND:
      return g_strdup_printf (_("There is no room %s at %s. Check the code; the room may "
                                "have ended."),
                              room ? room : "", self->host);
    case NEXUS_ERROR_NAME_INVALID:
      return g_strdup (_("That name cannot be used. Choose a name of 1 to 32 characters."));
    case NEXUS_ERROR_NAME_TAKEN:
      return g_strdup_printf (_("Someone in this room is already called “%s”. Choose another "
                                "name."),
                              self->wanted_name ? self->wanted_name : "");
    case NEXUS_ERROR_ROOM_FULL:
      return g_strdup (_("This room is full. Ask the host to make room, or create a room of "
                         "your own."));
    case NEXUS_ERROR_SERVER_FULL:
      return g_strdup (_("This host has too many rooms open. Try again later, or join a room "
                         "instead."));
    case NEXUS_ERROR_SESSION_EXPIRED:
      return g_strdup (_("You were away too long and left the room."));
    case NEXUS_ERROR_RATE_LIMITED:
      return g_strdup (_("Too many tries from this computer. Wait a minute, then try again."));
    case NEXUS_ERROR_BAD_REQUEST:
    case NEXUS_ERROR_TEXT_INVALID:
    case NEXUS_ERROR_NOT_JOINED:
    default:
      return g_strdup (server_message ? server_message : _("The host refused the request."));
    }
}

static gboolean
handle_error (NexusClient *self,
              JsonObject  *object)
{
  const char *code_string = get_string (object, "code");
  const char *message = get_string (object, "message");
  const char *id = get_string (object, "id");
  g_autofree char *sentence = NULL;
  NexusErrorCode code;

  if (code_string == NULL || !nexus_error_code_from_string (code_string, &code))
    return FALSE;

  if (id != NULL)
    {
      NexusEvent *event = g_hash_table_lookup (self->pending, id);
      int index;

      if (event == NULL)
        return FALSE;

      if (code == NEXUS_ERROR_RATE_LIMITED)
        {
          /* Not delivered: send it again, with the same id, after a pause. */
          index = g_queue_index (&self->outbox, event);
          if (index >= 0 && (guint) index < self->n_outbox_sent)
            {
              g_queue_pop_nth (&self->outbox, index);
              self->n_outbox_sent--;
              g_queue_push_nth (&self->outbox, event, self->n_outbox_sent);
            }
          self->tokens = MIN (self->tokens, 0);
          if (self->flush_id == 0 && self->state == NEXUS_CLIENT_STATE_JOINED)
            self->flush_id = g_timeout_add (RATE_LIMITED_PAUSE_MS, flush_cb, self);
          return TRUE;
        }

      outbox_remove (self, event);
      nexus_event_set_delivery (event, NEXUS_DELIVERY_FAILED);
      return TRUE;
    }

  switch (code)
    {
    case NEXUS_ERROR_ROOM_NOT_FOUND:
    case NEXUS_ERROR_NAME_INVALID:
    case NEXUS_ERROR_NAME_TAKEN:
    case NEXUS_ERROR_ROOM_FULL:
    case NEXUS_ERROR_SERVER_FULL:
    case NEXUS_ERROR_SESSION_EXPIRED:
    case NEXUS_ERROR_RATE_LIMITED:
      break;
    case NEXUS_ERROR_BAD_REQUEST:
    case NEXUS_ERROR_TEXT_INVALID:
    case NEXUS_ERROR_NOT_JOINED:
    default:
      g_debug ("client: server said %s: %s", code_string, message ? message : "");
      return TRUE;
    }

  /* A refused create/join/resume; the server closes the connection next. */
  sentence = sentence_for_error (self, code, message);
  switch (self->state)
    {
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_CONNECTING:
      fail (self, code_string, sentence);
      break;
    case NEXUS_CLIENT_STATE_RECONNECTING:
      /* Too many tries is passing: keep trying; anything else is the end. */
      if (code != NEXUS_ERROR_RATE_LIMITED)
        end (self, code == NEXUS_ERROR_SESSION_EXPIRED ? NEXUS_CLIENT_END_EXPIRED
                                                       : NEXUS_CLIENT_END_REFUSED,
             code_string, sentence);
      break;
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    default:
      return FALSE;
    }
  return TRUE;
}

gboolean
nexus_client_handle_frame (NexusClient *self,
                           const char  *data,
                           gsize        length)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *type;

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (length == 0 || length > G_MAXSSIZE || !g_utf8_validate (data, (gssize) length, NULL))
    return FALSE;
  /* json-glib's error paths leak: it only ever sees well-formed JSON. */
  if (!nexus_json_is_well_formed (data, length))
    return FALSE;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  type = get_string (object, "type");
  if (type == NULL)
    return FALSE;

  if (strcmp (type, "welcome") == 0)
    return handle_welcome (self, object);

  if (strcmp (type, "error") == 0)
    return handle_error (self, object);

  /* Everything else only makes sense inside a room. */
  if (self->state != NEXUS_CLIENT_STATE_JOINED)
    return FALSE;

  if (strcmp (type, "message") == 0 || strcmp (type, "joined") == 0
      || strcmp (type, "left") == 0)
    return handle_event_object (self, object, TRUE);

  if (strcmp (type, "typing") == 0)
    {
      const char *name = get_string (object, "name");

      if (name == NULL || is_own_name (self, name))
        return FALSE;
      g_signal_emit (self, signals[SIGNAL_TYPING], 0, name);
      return TRUE;
    }

  return FALSE;
}

/* The connection */

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
    schedule_reconnect (self);
  else
    fail (self, NULL, _("The host stopped answering. Check your network and try again."));
  return G_SOURCE_REMOVE;
}

static void
handle_closed (NexusClient *self,
               gushort      code)
{
  switch (self->state)
    {
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    case NEXUS_CLIENT_STATE_IDLE:
      return;
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_RECONNECTING:
    default:
      break;
    }

  if (code == SOUP_WEBSOCKET_CLOSE_GOING_AWAY)
    end (self, NEXUS_CLIENT_END_HOST_CLOSED, NULL, _("The host closed the room."));
  else if (code == 4001)
    end (self, NEXUS_CLIENT_END_TAKEN_OVER, NULL,
         _("This room was opened again somewhere else with your name, so it was closed "
           "here."));
  else if (self->state == NEXUS_CLIENT_STATE_CONNECTING)
    fail (self, NULL, _("The host closed the connection. Try again in a moment."));
  else
    schedule_reconnect (self);
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

static char *
sentence_for_connect_error (NexusClient    *self,
                            ConnectAttempt *attempt,
                            const GError   *error)
{
  if (attempt->timed_out)
    return g_strdup_printf (_("The host %s did not answer. Check that you are on the same "
                              "network as the host, and that the address is right."), self->host);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_strdup_printf (_("Nobody is hosting a room at %s, port %u. Check the address, and "
                              "that Nexus Chat is open on the host."), self->host, self->port);

  if (error->domain == G_RESOLVER_ERROR
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    return g_strdup_printf (_("The host “%s” could not be found. Check the address in the "
                              "invite link."), self->host);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    return g_strdup_printf (_("The host %s cannot be reached from here. Check that you are on "
                              "the same network as the host."), self->host);

  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET)
      || g_error_matches (error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_BAD_HANDSHAKE))
    {
      guint status = soup_message_get_status (attempt->message);

      if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
        return g_strdup (_("The host has too many people connected right now. Try again in a "
                           "moment."));
      return g_strdup_printf (_("%s, port %u, is not a Nexus Chat host. Check the address."),
                              self->host, self->port);
    }

  return g_strdup_printf (_("Could not connect to %s, port %u. Check the address and your "
                            "network, then try again."), self->host, self->port);
}

static void
send_first_frame (NexusClient *self)
{
  g_autofree char *frame = NULL;

  if (self->session_token != NULL)
    frame = nexus_frame_encode_resume (self->room, self->session_token, self->last_seq);
  else if (self->wanted_room != NULL)
    frame = nexus_frame_encode_join (self->wanted_room, self->wanted_name);
  else
    frame = nexus_frame_encode_create (self->wanted_name);

  self->awaiting_welcome = TRUE;
  send_frame (self, frame);
}

static void
connect_attempt_free (ConnectAttempt *attempt)
{
  g_assert (attempt->timeout_id == 0);
  g_clear_object (&attempt->message);
  g_clear_object (&attempt->cancellable);
  g_free (attempt);
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectAttempt *attempt = user_data;
  NexusClient *self = attempt->client;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) connection = NULL;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);

  /* Given up by dispose, leave or a newer attempt. */
  if (self == NULL)
    {
      connect_attempt_free (attempt);
      return;
    }

  g_assert (self->attempt == attempt);
  self->attempt = NULL;
  g_clear_handle_id (&attempt->timeout_id, g_source_remove);

  if (connection == NULL)
    {
      g_autofree char *sentence = sentence_for_connect_error (self, attempt, error);

      g_debug ("client: connecting failed: %s", error->message);
      connect_attempt_free (attempt);
      if (self->state == NEXUS_CLIENT_STATE_RECONNECTING)
        schedule_reconnect (self);
      else
        fail (self, NULL, sentence);
      return;
    }
  connect_attempt_free (attempt);

  self->connection = g_steal_pointer (&connection);
  soup_websocket_connection_set_max_incoming_payload_size (self->connection, MAX_INCOMING_FRAME);
  soup_websocket_connection_set_keepalive_interval (self->connection, KEEPALIVE_SECONDS);
  g_signal_connect (self->connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (self->connection, "closed", G_CALLBACK (on_closed), self);
  g_signal_connect (self->connection, "pong", G_CALLBACK (on_pong), self);
  self->last_pong = g_get_monotonic_time ();
  self->pong_check_id = g_timeout_add_seconds (KEEPALIVE_SECONDS / 2, pong_check_cb, self);

  self->tokens = NEXUS_CLIENT_BURST - BURST_MARGIN;
  self->tokens_time = g_get_monotonic_time ();
  self->n_outbox_sent = 0;
  send_first_frame (self);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  ConnectAttempt *attempt = user_data;

  attempt->timeout_id = 0;
  attempt->timed_out = TRUE;
  g_cancellable_cancel (attempt->cancellable);
  return G_SOURCE_REMOVE;
}

static void
start_connection (NexusClient *self)
{
  g_autofree char *uri = NULL;
  ConnectAttempt *attempt;
  SoupMessage *message;
  const char *protocols[] = { NEXUS_PROTOCOL_SUBPROTOCOL, NULL };
  gboolean ipv6 = strchr (self->host, ':') != NULL;

  g_assert (self->connection == NULL);
  connect_attempt_abandon (self);

  uri = g_strdup_printf ("ws://%s%s%s:%u/ws", ipv6 ? "[" : "", self->host, ipv6 ? "]" : "",
                         self->port);
  message = soup_message_new (SOUP_METHOD_GET, uri);
  if (message == NULL)
    {
      g_autofree char *sentence =
        g_strdup_printf (_("“%s” is not a host address. Check the invite link."), self->host);

      fail (self, NULL, sentence);
      return;
    }

  attempt = g_new0 (ConnectAttempt, 1);
  attempt->client = self;
  attempt->message = message;
  attempt->cancellable = g_cancellable_new ();
  attempt->timeout_id = g_timeout_add_seconds (CONNECT_TIMEOUT_SECONDS, connect_timeout_cb,
                                               attempt);
  self->attempt = attempt;
  soup_session_websocket_connect_async (self->session, message, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, attempt->cancellable,
                                        on_connected, attempt);
}

/* GObject */

static void
nexus_client_dispose (GObject *object)
{
  NexusClient *self = NEXUS_CLIENT (object);

  stop_everything (self);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_queue_clear_full (&self->outbox, g_object_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->batch, g_ptr_array_unref);
  g_clear_object (&self->events);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (nexus_client_parent_class)->dispose (object);
}

static void
nexus_client_finalize (GObject *object)
{
  NexusClient *self = NEXUS_CLIENT (object);

  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->wanted_name, g_free);
  g_clear_pointer (&self->wanted_room, g_free);
  g_clear_pointer (&self->room, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->session_token, g_free);
  g_clear_pointer (&self->members, g_ptr_array_unref);
  g_clear_pointer (&self->error_code, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->id_prefix, g_free);

  G_OBJECT_CLASS (nexus_client_parent_class)->finalize (object);
}

static void
nexus_client_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NexusClient *self = NEXUS_CLIENT (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_END_REASON:
      g_value_set_enum (value, self->end_reason);
      break;
    case PROP_ROOM:
      g_value_set_string (value, self->room);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_MEMBERS:
      g_value_set_boxed (value, nexus_client_get_members (self));
      break;
    case PROP_N_MEMBERS:
      g_value_set_uint (value, nexus_client_get_n_members (self));
      break;
    case PROP_EVENTS:
      g_value_set_object (value, self->events);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_client_class_init (NexusClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_client_dispose;
  object_class->finalize = nexus_client_finalize;
  object_class->get_property = nexus_client_get_property;

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, NEXUS_TYPE_CLIENT_STATE, NEXUS_CLIENT_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_END_REASON] =
    g_param_spec_enum ("end-reason", NULL, NULL, NEXUS_TYPE_CLIENT_END, NEXUS_CLIENT_END_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROOM] =
    g_param_spec_string ("room", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEMBERS] =
    g_param_spec_boxed ("members", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_MEMBERS] =
    g_param_spec_uint ("n-members", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EVENTS] =
    g_param_spec_object ("events", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A live message from someone else. */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, NEXUS_TYPE_EVENT);
  /* Someone else is typing. */
  signals[SIGNAL_TYPING] =
    g_signal_new ("typing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
nexus_client_init (NexusClient *self)
{
  guint8 bytes[4];

  self->events = g_list_store_new (NEXUS_TYPE_EVENT);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_queue_init (&self->outbox);
  self->members = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->members, NULL);
  self->backoff_ms = NEXUS_CLIENT_BACKOFF_FIRST_MS;
  self->session = soup_session_new ();

  /* Ids only need to be unique per session; the prefix keeps them apart
   * from another client's in logs. */
  nexus_random_bytes (bytes, sizeof bytes);
  self->id_prefix = g_strdup_printf ("%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2], bytes[3]);
}

/* Public API */

/* @host is a name or an IP address, without brackets for IPv6. */
NexusClient *
nexus_client_new (const char *host,
                  guint       port)
{
  NexusClient *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port > 0 && port <= G_MAXUINT16, NULL);

  self = g_object_new (NEXUS_TYPE_CLIENT, NULL);
  self->host = g_strdup (host);
  self->port = port;
  return self;
}

static void
begin (NexusClient *self,
       const char  *room,
       const char  *name)
{
  g_autofree char *trimmed = nexus_name_normalize (name);

  self->wanted_name = g_strdup (trimmed ? trimmed : name);
  self->wanted_room = room ? (nexus_code_normalize (room) ?: g_strdup (room)) : NULL;
  set_state (self, NEXUS_CLIENT_STATE_CONNECTING);
  start_connection (self);
}

void
nexus_client_create (NexusClient *self,
                     const char  *name)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));
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
  g_return_if_fail (room != NULL);
  g_return_if_fail (name != NULL);
  g_return_if_fail (self->state == NEXUS_CLIENT_STATE_IDLE);

  begin (self, room, name);
}

/* Adds an own message to the log at once, marked as sending, and sends it
 * when the connection allows. Returns NULL when @text breaks the protocol's
 * rules or the room is over. */
NexusEvent *
nexus_client_say (NexusClient *self,
                  const char  *text)
{
  g_autoptr(NexusEvent) event = NULL;
  g_autofree char *id = NULL;
  const char *name;

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!nexus_text_is_valid (text))
    return NULL;

  switch (self->state)
    {
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_RECONNECTING:
      break;
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    default:
      return NULL;
    }

  id = g_strdup_printf ("%s-%u", self->id_prefix, ++self->next_id);
  name = self->name ? self->name : self->wanted_name;
  event = nexus_event_new (NEXUS_EVENT_MESSAGE, 0, NULL, name, text, id);
  nexus_event_set_is_own (event, TRUE);
  nexus_event_set_delivery (event, NEXUS_DELIVERY_SENDING);

  g_list_store_append (self->events, event);
  update_continues (self, g_list_model_get_n_items (G_LIST_MODEL (self->events)) - 1);
  g_hash_table_insert (self->pending, g_strdup (id), g_object_ref (event));
  g_queue_push_tail (&self->outbox, g_object_ref (event));
  flush_outbox (self);

  return event;
}

/* Sends a failed own message again, with its original id. */
void
nexus_client_retry (NexusClient *self,
                    NexusEvent  *event)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));
  g_return_if_fail (NEXUS_IS_EVENT (event));

  if (nexus_event_get_delivery (event) != NEXUS_DELIVERY_FAILED
      || g_hash_table_lookup (self->pending, nexus_event_get_id (event)) != event)
    return;

  switch (self->state)
    {
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_RECONNECTING:
      break;
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    default:
      return;
    }

  nexus_event_set_delivery (event, NEXUS_DELIVERY_SENDING);
  g_queue_push_tail (&self->outbox, g_object_ref (event));
  flush_outbox (self);
}

/* Tells the others this person is typing: at most once a second, and
 * never at the cost of a message. */
void
nexus_client_typing (NexusClient *self)
{
  g_autofree char *frame = NULL;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (NEXUS_IS_CLIENT (self));

  if (self->state != NEXUS_CLIENT_STATE_JOINED || self->connection == NULL)
    return;
  if (self->last_typing != 0 && now - self->last_typing < TYPING_INTERVAL_USEC)
    return;
  refill_tokens (self);
  if (self->tokens < 1 + BURST_MARGIN || self->n_outbox_sent < self->outbox.length)
    return;

  self->last_typing = now;
  frame = nexus_frame_encode_simple ("typing");
  send_frame (self, frame);
}

void
nexus_client_leave (NexusClient *self)
{
  g_return_if_fail (NEXUS_IS_CLIENT (self));

  switch (self->state)
    {
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_RECONNECTING:
      break;
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    default:
      return;
    }

  if (self->state == NEXUS_CLIENT_STATE_JOINED && self->connection != NULL)
    {
      g_autofree char *frame = nexus_frame_encode_simple ("leave");

      /* The server answers with `left` and a close; neither is needed. */
      soup_websocket_connection_send_text (self->connection, frame);
    }

  end (self, NEXUS_CLIENT_END_LEFT, NULL, NULL);
}

const char *
nexus_client_get_host (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return self->host;
}

guint
nexus_client_get_port (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), 0);

  return self->port;
}

NexusClientState
nexus_client_get_state (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NEXUS_CLIENT_STATE_IDLE);

  return self->state;
}

NexusClientEnd
nexus_client_get_end_reason (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NEXUS_CLIENT_END_NONE);

  return self->end_reason;
}

/* The room's code, known once joined. */
const char *
nexus_client_get_room (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return self->room;
}

/* The name as the server stored it, known once joined. */
const char *
nexus_client_get_name (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return self->name;
}

/* The protocol's error code of the last refusal, if it came from one. */
const char *
nexus_client_get_error_code (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return self->error_code;
}

/* A sentence for a person: what went wrong and what to do. */
const char *
nexus_client_get_error_message (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return self->error_message;
}

gint64
nexus_client_get_last_seq (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), 0);

  return self->last_seq;
}

/* The members' names in order of joining, NULL-terminated. */
const char * const *
nexus_client_get_members (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return (const char * const *) self->members->pdata;
}

guint
nexus_client_get_n_members (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), 0);

  return self->members->len - 1;
}

/* Own messages written but not yet acknowledged by the server. */
guint
nexus_client_get_n_unsent (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), 0);

  return self->outbox.length;
}

/* A GListModel of NexusEvent: the room's events in order, then own
 * messages still on their way. */
GListModel *
nexus_client_get_events (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return G_LIST_MODEL (self->events);
}
