/* nexus-client-frames.c: what NexusClient does with the server's frames:
 * a welcome into the room, its events once each, refusals as sentences
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nexus-client-private.h"
#include "nexus-code.h"
#include "nexus-server-frame.h"

static gboolean
is_own_name (NexusClient *self,
             const char  *name)
{
  return self->name != NULL && g_strcmp0 (self->name, name) == 0;
}

static NexusEventKind
event_kind (const NexusServerEvent *event)
{
  switch (event->type)
    {
    case NEXUS_SERVER_FRAME_JOINED:
      return NEXUS_EVENT_JOINED;
    case NEXUS_SERVER_FRAME_LEFT:
      return NEXUS_EVENT_LEFT;
    case NEXUS_SERVER_FRAME_MESSAGE:
    case NEXUS_SERVER_FRAME_WELCOME:
    case NEXUS_SERVER_FRAME_TYPING:
    case NEXUS_SERVER_FRAME_ERROR:
    case NEXUS_SERVER_FRAME_UPLOAD_READY:
    default:
      return NEXUS_EVENT_MESSAGE;
    }
}

/* Members */

static int
member_index (NexusClient *self,
              const char  *name)
{
  for (guint i = 0; i + 1 < self->members->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->members, i), name) == 0)
      return (int) i;
  return -1;
}

static void
set_members (NexusClient  *self,
             char        **members)
{
  g_ptr_array_set_size (self->members, 0);
  for (guint i = 0; members[i] != NULL; i++)
    g_ptr_array_add (self->members, g_strdup (members[i]));
  g_ptr_array_add (self->members, NULL);
  _nexus_client_notify_members (self);
}

static void
member_add (NexusClient *self,
            const char  *name)
{
  g_assert (self->members->len > 0);

  if (member_index (self, name) >= 0)
    return;
  g_ptr_array_insert (self->members, self->members->len - 1, g_strdup (name));
  _nexus_client_notify_members (self);
}

static void
member_remove (NexusClient *self,
               const char  *name)
{
  int index = member_index (self, name);

  if (index < 0)
    return;
  g_ptr_array_remove_index (self->members, index);
  _nexus_client_notify_members (self);
}

/* Events */

/* Takes one event (from history or live) into the log; FALSE when it was
 * seen already. */
static gboolean
apply_event (NexusClient            *self,
             const NexusServerEvent *event,
             gboolean                live)
{
  g_autoptr(NexusEvent) added = NULL;
  NexusEventKind kind = event_kind (event);
  NexusEvent *pending = NULL;

  if (kind == NEXUS_EVENT_MESSAGE && is_own_name (self, event->name))
    pending = _nexus_client_outbox_lookup (self, event->id);

  /* An own file as the host made it: its checked type, its URL. */
  if (pending != NULL && event->file != NULL)
    {
      nexus_event_set_file (pending, event->file->name, event->file->size, event->file->type,
                            event->file->url, event->file->width, event->file->height);
      nexus_event_set_text (pending, event->text);
    }

  if (event->seq <= self->last_seq)
    {
      /* A replay of an own message sent twice across a drop. */
      if (pending != NULL)
        _nexus_client_outbox_confirm (self, pending, event->seq, event->timestamp);
      return FALSE;
    }
  self->last_seq = event->seq;

  if (pending != NULL)
    {
      _nexus_client_outbox_confirm (self, pending, event->seq, event->timestamp);
      return TRUE;
    }

  added = nexus_event_new (kind, event->seq, event->timestamp, event->name, event->text,
                           event->id);
  if (event->file != NULL)
    nexus_event_set_file (added, event->file->name, event->file->size, event->file->type,
                          event->file->url, event->file->width, event->file->height);
  nexus_event_set_is_own (added, is_own_name (self, event->name));
  nexus_event_log_add_confirmed (self->log, added);
  if (kind == NEXUS_EVENT_MESSAGE)
    _nexus_client_message_added (self, added, live);

  if (live && kind == NEXUS_EVENT_MESSAGE && !nexus_event_get_is_own (added))
    _nexus_client_emit_message (self, added);
  return TRUE;
}

static gboolean
handle_live_event (NexusClient            *self,
                   const NexusServerEvent *event)
{
  if (!apply_event (self, event, TRUE))
    return FALSE;

  if (self->members->len > 0)
    {
      if (event->type == NEXUS_SERVER_FRAME_JOINED)
        member_add (self, event->name);
      else if (event->type == NEXUS_SERVER_FRAME_LEFT)
        member_remove (self, event->name);
    }
  return TRUE;
}

/* Welcome */

/* TRUE when a create, join or resume may be on its way: the only times a
 * welcome or a refusal of one makes sense. */
static gboolean
awaits_welcome (NexusClient *self)
{
  switch (self->state)
    {
    case NEXUS_CLIENT_STATE_IDLE:
    case NEXUS_CLIENT_STATE_CONNECTING:
    case NEXUS_CLIENT_STATE_RECONNECTING:
      return TRUE;
    case NEXUS_CLIENT_STATE_JOINED:
    case NEXUS_CLIENT_STATE_FAILED:
    case NEXUS_CLIENT_STATE_ENDED:
    default:
      return FALSE;
    }
}

static gboolean
handle_welcome (NexusClient            *self,
                const NexusServerFrame *frame,
                const char             *data,
                gsize                   length)
{
  if (!awaits_welcome (self))
    return FALSE;

  /* A resume must land in the same room as the same person. */
  if (self->room != NULL
      && (strcmp (self->room, frame->room) != 0 || g_strcmp0 (self->name, frame->name) != 0))
    return FALSE;

  _nexus_client_welcomed (self);
  _nexus_client_set_identity (self, frame->room, frame->name, frame->session);
  g_free (self->files_key);
  self->files_key = g_strdup (frame->files_key);
  set_members (self, frame->members);

  nexus_event_log_begin_batch (self->log);
  /* What was missed and is no longer kept shows as a notice where it is
   * missing, before the kept history that follows it. */
  if (frame->gap)
    nexus_event_log_add_gap (self->log);
  /* What a resume brings was missed: it may be unread. */
  self->resuming = frame->resumed;
  for (guint i = 0; i < frame->n_history; i++)
    apply_event (self, &frame->history[i], FALSE);
  self->resuming = FALSE;
  nexus_event_log_end_batch (self->log);
  self->last_seq = MAX (self->last_seq, frame->last_seq);

  self->backoff_ms = self->backoff_first_ms;
  self->reconnecting_since = 0;
  _nexus_client_set_error (self, NULL, NULL);
  _nexus_client_set_state (self, NEXUS_CLIENT_STATE_JOINED);
  /* The history's edits and reactions, own ones among them, before the
   * outbox sends again what they may already confirm. */
  _nexus_client_apply_conversation (self, data, length, TRUE);
  _nexus_client_outbox_flush (self);
  _nexus_client_uploads_resume (self);
  return TRUE;
}

/* Errors */

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
    case NEXUS_ERROR_FILE_TOO_LARGE:
    case NEXUS_ERROR_ROOM_STORAGE_FULL:
    case NEXUS_ERROR_FILE_NAME_INVALID:
    case NEXUS_ERROR_UPLOAD_NOT_FOUND:
    case NEXUS_ERROR_FILES_UNAVAILABLE:
    case NEXUS_ERROR_TARGET_NOT_FOUND:
    case NEXUS_ERROR_NOT_ALLOWED:
    default:
      return g_strdup (server_message ? server_message : _("The host refused the request."));
    }
}

static gboolean
handle_error (NexusClient            *self,
              const NexusServerFrame *frame)
{
  const char *code = nexus_error_code_to_string (frame->code);
  g_autofree char *sentence = NULL;

  if (frame->id != NULL)
    {
      NexusEvent *event;

      if (_nexus_client_change_refused (self, frame->id, code, frame->message))
        return TRUE;
      event = _nexus_client_outbox_lookup (self, frame->id);

      if (event == NULL)
        return FALSE;
      if (nexus_event_has_file (event))
        return _nexus_client_upload_refused (self, frame->id, frame->code, frame->message);
      _nexus_client_outbox_refused (self, event, frame->code);
      return TRUE;
    }

  switch (frame->code)
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
    case NEXUS_ERROR_FILE_TOO_LARGE:
    case NEXUS_ERROR_ROOM_STORAGE_FULL:
    case NEXUS_ERROR_FILE_NAME_INVALID:
    case NEXUS_ERROR_UPLOAD_NOT_FOUND:
    case NEXUS_ERROR_FILES_UNAVAILABLE:
    case NEXUS_ERROR_TARGET_NOT_FOUND:
    case NEXUS_ERROR_NOT_ALLOWED:
    default:
      g_debug ("client: server said %s: %s", code, frame->message ? frame->message : "");
      return TRUE;
    }

  /* A refused create/join/resume; the server closes the connection next. */
  if (!awaits_welcome (self))
    return FALSE;
  sentence = sentence_for_error (self, frame->code, frame->message);
  if (self->state != NEXUS_CLIENT_STATE_RECONNECTING)
    _nexus_client_fail (self, frame->code == NEXUS_ERROR_ROOM_NOT_FOUND
                              ? NEXUS_CLIENT_FAILURE_ROOM_NOT_FOUND
                              : NEXUS_CLIENT_FAILURE_REFUSED_BY_HOST,
                        code, sentence);
  /* The host came back without the room (it kept no rooms, or everyone's
   * grace ran out): not a code typed wrong. */
  else if (frame->code == NEXUS_ERROR_ROOM_NOT_FOUND)
    {
      g_autofree char *shown = nexus_code_format (self->room);
      g_autofree char *gone =
        g_strdup_printf (_("Room %s is no longer on the host: it ended while you were away."),
                         shown ? shown : self->room);

      _nexus_client_end (self, NEXUS_CLIENT_END_REFUSED, code, gone);
    }
  /* Too many tries is passing: keep trying; anything else is the end. */
  else if (frame->code != NEXUS_ERROR_RATE_LIMITED)
    _nexus_client_end (self, frame->code == NEXUS_ERROR_SESSION_EXPIRED
                             ? NEXUS_CLIENT_END_EXPIRED : NEXUS_CLIENT_END_REFUSED,
                       code, sentence);
  return TRUE;
}

gboolean
nexus_client_handle_frame (NexusClient *self,
                           const char  *data,
                           gsize        length)
{
  g_auto(NexusServerFrame) frame = { 0 };

  g_return_val_if_fail (NEXUS_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  /* Conversation's events and errors are not version 1's. */
  if (!nexus_server_frame_parse (data, length, &frame))
    return _nexus_client_apply_conversation (self, data, length, FALSE);

  switch (frame.type)
    {
    case NEXUS_SERVER_FRAME_WELCOME:
      return handle_welcome (self, &frame, data, length);
    case NEXUS_SERVER_FRAME_ERROR:
      return handle_error (self, &frame);
    case NEXUS_SERVER_FRAME_MESSAGE:
    case NEXUS_SERVER_FRAME_JOINED:
    case NEXUS_SERVER_FRAME_LEFT:
    case NEXUS_SERVER_FRAME_TYPING:
    case NEXUS_SERVER_FRAME_UPLOAD_READY:
    default:
      break;
    }

  /* Everything else only makes sense inside a room. */
  if (self->state != NEXUS_CLIENT_STATE_JOINED)
    return FALSE;

  if (frame.type == NEXUS_SERVER_FRAME_UPLOAD_READY)
    return _nexus_client_upload_ready (self, frame.id, frame.url);

  if (frame.type == NEXUS_SERVER_FRAME_TYPING)
    {
      if (is_own_name (self, frame.name))
        return FALSE;
      _nexus_client_emit_typing (self, frame.name);
      return TRUE;
    }
  if (!handle_live_event (self, &frame.event))
    {
      /* Still the reply of an own message confirmed by its replay. */
      _nexus_client_apply_conversation (self, data, length, TRUE);
      return FALSE;
    }
  _nexus_client_apply_conversation (self, data, length, TRUE);
  return TRUE;
}
