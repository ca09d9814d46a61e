/* nexus-client.c: a WebSocket client of a Nexus Chat room
 *
 * The object, its state and what it tells its watchers. The connection,
 * the server's frames and the outbox are in nexus-client-*.c.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-client-private.h"
#include "nexus-code.h"

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
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_END_REFUSED, "refused"))

G_DEFINE_ENUM_TYPE (NexusClientFailure, nexus_client_failure,
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_NONE, "none"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_BAD_ADDRESS, "bad-address"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_HOST_NOT_FOUND, "host-not-found"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_UNREACHABLE, "unreachable"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_REFUSED, "refused"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_TIMED_OUT, "timed-out"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_NOT_NEXUS, "not-nexus"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_BUSY, "busy"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_ROOM_NOT_FOUND, "room-not-found"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_REFUSED_BY_HOST, "refused-by-host"),
  G_DEFINE_ENUM_VALUE (NEXUS_CLIENT_FAILURE_NETWORK, "network"))

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_STATE,
  PROP_HOST_AWAY,
  PROP_END_REASON,
  PROP_FAILURE,
  PROP_ROOM,
  PROP_NAME,
  PROP_ERROR_MESSAGE,
  PROP_MEMBERS,
  PROP_N_MEMBERS,
  PROP_EVENTS,
  PROP_UNREAD,
  N_PROPS
};

enum {
  SIGNAL_MESSAGE,
  SIGNAL_TYPING,
  SIGNAL_REFUSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* State */

/* TRUE from create or join until the room is over for this client. */
gboolean
_nexus_client_is_in_room (NexusClient *self)
{
  switch (self->state)
    {
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_RECONNECTING:
      return TRUE;
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    default:
      return FALSE;
    }
}

void
_nexus_client_set_state (NexusClient      *self,
                         NexusClientState  state)
{
  GEnumClass *states = g_type_class_peek (NEXUS_TYPE_CLIENT_STATE);

  if (self->state == state)
    return;
  g_debug ("client %s:%u: %s → %s", self->host, self->port,
           g_enum_get_value (states, self->state)->value_nick,
           g_enum_get_value (states, state)->value_nick);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  /* Back in the room, or out of it: the host is no longer awaited. */
  if (state != NEXUS_CLIENT_STATE_RECONNECTING)
    {
      g_clear_handle_id (&self->away_id, g_source_remove);
      _nexus_client_set_host_away (self, FALSE);
    }
}

void
_nexus_client_set_host_away (NexusClient *self,
                             gboolean     away)
{
  if (self->host_away == away)
    return;
  g_debug ("client %s:%u: the host is %s", self->host, self->port, away ? "away" : "back");
  self->host_away = away;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST_AWAY]);
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

void
_nexus_client_set_error (NexusClient *self,
                         const char  *code,
                         const char  *message)
{
  set_str (&self->error_code, code);
  if (set_str (&self->error_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

/* Never got in, because of @failure. */
void
_nexus_client_fail (NexusClient        *self,
                    NexusClientFailure  failure,
                    const char         *code,
                    const char         *message)
{
  g_assert (failure != NEXUS_CLIENT_FAILURE_NONE);

  _nexus_client_disconnect (self);
  _nexus_client_outbox_fail (self);
  _nexus_client_uploads_fail (self);
  _nexus_client_set_error (self, code, message);
  /* Before the state, so whoever watches the state finds it set. */
  if (self->failure != failure)
    {
      self->failure = failure;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
    }
  _nexus_client_set_state (self, NEXUS_CLIENT_STATE_FAILED);
}

/* Was in the room, and it is over. */
void
_nexus_client_end (NexusClient    *self,
                   NexusClientEnd  reason,
                   const char     *code,
                   const char     *message)
{
  _nexus_client_disconnect (self);
  _nexus_client_outbox_fail (self);
  _nexus_client_uploads_fail (self);
  _nexus_client_set_error (self, code, message);
  if (self->end_reason != reason)
    {
      self->end_reason = reason;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END_REASON]);
    }
  _nexus_client_set_state (self, NEXUS_CLIENT_STATE_ENDED);
}

/* From a welcome: which room, as whom, and the token to resume with. */
void
_nexus_client_set_identity (NexusClient *self,
                            const char  *room,
                            const char  *name,
                            const char  *session)
{
  if (set_str (&self->room, room))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROOM]);
  if (set_str (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  set_str (&self->session_token, session);
}

/* Who is in the room: the property and its count. */
void
_nexus_client_notify_members (NexusClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMBERS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
}

void
_nexus_client_emit_message (NexusClient *self,
                            NexusEvent  *event)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, event);
}

void
_nexus_client_emit_typing (NexusClient *self,
                           const char  *name)
{
  g_signal_emit (self, signals[SIGNAL_TYPING], 0, name);
}

/* The host refused a reply, an edit, a delete or a reaction (@target,
 * when known): @sentence says why, for a person. */
void
_nexus_client_emit_refused (NexusClient *self,
                            NexusEvent  *target,
                            const char  *sentence)
{
  g_signal_emit (self, signals[SIGNAL_REFUSED], 0, target, sentence);
}

void
_nexus_client_notify_unread (NexusClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
}

/* GObject */

static void
nexus_client_dispose (GObject *object)
{
  NexusClient *self = NEXUS_CLIENT (object);

  _nexus_client_disconnect (self);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  _nexus_client_uploads_clear (self);
  g_queue_clear_full (&self->outbox, g_object_unref);
  _nexus_client_changes_clear (self);
  g_clear_object (&self->first_unread);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_object (&self->log);
  g_clear_object (&self->session);
  if (self->files_session != NULL)
    soup_session_abort (self->files_session);
  g_clear_object (&self->files_session);

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
  g_clear_pointer (&self->files_key, g_free);

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
    case PROP_HOST_AWAY:
      g_value_set_boolean (value, self->host_away);
      break;
    case PROP_END_REASON:
      g_value_set_enum (value, self->end_reason);
      break;
    case PROP_FAILURE:
      g_value_set_enum (value, self->failure);
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
      g_value_set_object (value, self->log);
      break;
    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_client_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  NexusClient *self = NEXUS_CLIENT (object);

  switch (prop_id)
    {
    case PROP_HOST:
      self->host = g_value_dup_string (value);
      break;
    case PROP_PORT:
      self->port = g_value_get_uint (value);
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
  object_class->set_property = nexus_client_set_property;

  /* A name or an IP address, without brackets for IPv6. */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, NEXUS_TYPE_CLIENT_STATE, NEXUS_CLIENT_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Reconnecting, and the host has not answered for a while (it crashed,
   * was closed, or its computer went to sleep): not a short drop. The
   * client keeps trying until the room is left. */
  properties[PROP_HOST_AWAY] =
    g_param_spec_boolean ("host-away", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_END_REASON] =
    g_param_spec_enum ("end-reason", NULL, NULL, NEXUS_TYPE_CLIENT_END, NEXUS_CLIENT_END_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILURE] =
    g_param_spec_enum ("failure", NULL, NULL, NEXUS_TYPE_CLIENT_FAILURE,
                       NEXUS_CLIENT_FAILURE_NONE,
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
  /* Messages of others since someone last looked (nexus_client_set_looking). */
  properties[PROP_UNREAD] =
    g_param_spec_uint ("unread", NULL, NULL, 0, G_MAXUINT, 0,
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
  /* A reply, edit, delete or reaction was refused: the message it was
   * for (or NULL) and a sentence for a person. */
  signals[SIGNAL_REFUSED] =
    g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, NEXUS_TYPE_EVENT, G_TYPE_STRING);
}

static void
nexus_client_init (NexusClient *self)
{
  guint8 bytes[4];

  self->log = nexus_event_log_new ();
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_queue_init (&self->outbox);
  g_queue_init (&self->changes);
  self->looking = TRUE;
  self->members = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->members, NULL);
  self->backoff_first_ms = NEXUS_CLIENT_BACKOFF_FIRST_MS;
  self->backoff_max_ms = NEXUS_CLIENT_BACKOFF_MAX_MS;
  self->away_after_ms = NEXUS_CLIENT_AWAY_AFTER_MS;
  self->backoff_ms = self->backoff_first_ms;
  self->connect_timeout_ms = NEXUS_CLIENT_CONNECT_TIMEOUT_MS;
  self->session = soup_session_new ();
  /* Files move over HTTP of their own: a large upload never waits behind
   * pictures being fetched, or they behind it. */
  self->files_session = soup_session_new_with_options ("max-conns-per-host", 6,
                                                       "timeout", 60,
                                                       NULL);
  _nexus_client_uploads_init (self);

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
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port > 0 && port <= G_MAXUINT16, NULL);

  return g_object_new (NEXUS_TYPE_CLIENT, "host", host, "port", port, NULL);
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

/* TRUE while reconnecting when the host has not answered for
 * NEXUS_CLIENT_AWAY_AFTER_MS: a person is told the host is away, and the
 * client waits for it to come back. */
gboolean
nexus_client_get_host_away (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);

  return self->host_away;
}

NexusClientEnd
nexus_client_get_end_reason (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NEXUS_CLIENT_END_NONE);

  return self->end_reason;
}

/* Which step failed, once the state is FAILED; NONE before. The error
 * message says it in a sentence. */
NexusClientFailure
nexus_client_get_failure (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NEXUS_CLIENT_FAILURE_NONE);

  return self->failure;
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

/* TRUE when the host keeps files (its welcome gave a files key), or
 * before the room is open. */
gboolean
nexus_client_get_can_share_files (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);

  if (self->state == NEXUS_CLIENT_STATE_JOINED || self->state == NEXUS_CLIENT_STATE_RECONNECTING)
    return self->files_key != NULL;
  return _nexus_client_is_in_room (self);
}

/* A GListModel of NexusEvent: the room's events in order, then own
 * messages still on their way. */
GListModel *
nexus_client_get_events (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return G_LIST_MODEL (self->log);
}

/* The token the host gave this member, to resume with: NULL until the
 * first welcome. A secret, like a password to this member. */
const char *
nexus_client_get_session (NexusClient *self)
{
  g_return_val_if_fail (NEXUS_IS_CLIENT (self), NULL);

  return self->session_token;
}

/**
 * nexus_client_resume:
 * @room: the room's code
 * @name: the member's name, as its welcome gave it
 * @session: the member's session token (nexus_client_get_session())
 *
 * Back into @room as the member this client was in another process: a
 * host's window after a crash, say. It goes as a first join does: JOINED
 * with the room's whole history, or FAILED with a sentence when the host
 * no longer knows the session.
 */
void
nexus_client_resume (NexusClient *self,
                     const char  *room,
                     const char  *name,
                     const char  *session)
{
  g_autofree char *code = NULL;

  g_return_if_fail (NEXUS_IS_CLIENT (self));
  g_return_if_fail (room != NULL && name != NULL && session != NULL);
  g_return_if_fail (self->state == NEXUS_CLIENT_STATE_IDLE);

  code = nexus_code_normalize (room);
  g_free (self->wanted_name);
  self->wanted_name = g_strdup (name);
  g_free (self->wanted_room);
  self->wanted_room = g_strdup (code != NULL ? code : room);
  /* With a session the first frame is a resume, into this room as @name. */
  _nexus_client_set_identity (self, self->wanted_room, name, session);
  _nexus_client_set_state (self, NEXUS_CLIENT_STATE_CONNECTING);
  _nexus_client_connect (self);
}
