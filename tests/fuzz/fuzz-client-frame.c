/* fuzz-client-frame.c: a client frame through parsing, validation and a room
 *
 * Each input is one frame, applied to a room that lives across inputs the
 * way the server applies it, so sequences of frames reach deep states:
 * full rooms, dedupe replays, resumes with gaps.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-json.h"
#include "nexus-protocol.h"
#include "nexus-room.h"

#define MAX_MEMBERS 8

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static NexusRoom *room;
static guint64 frames_seen;

static NexusMember *
pick_member (const uint8_t *data,
             size_t         size)
{
  guint n = nexus_room_get_n_members (room);

  if (n == 0)
    return NULL;
  return nexus_room_get_member (room, (size > 0 ? data[0] : 0) % n);
}

static void
check_event (NexusRoomEvent *event)
{
  /* Every encoded event must be valid UTF-8, or libsoup would refuse it. */
  g_assert (g_utf8_validate (event->json, (gssize) event->json_length, NULL));
  g_assert (event->seq == nexus_room_get_last_seq (room));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto(NexusClientFrame) frame = { 0, };
  NexusMember *member;
  NexusRoomEvent *event = NULL;
  g_autofree char *name = NULL;
  NexusErrorCode code;

  if (room == NULL)
    room = nexus_room_new ("K7QX3M", 16, 4096);
  /* Start afresh now and then, so the room does not only ever grow. */
  if (++frames_seen % 5000 == 0)
    {
      nexus_room_free (room);
      room = nexus_room_new ("K7QX3M", 16, 4096);
    }

  if (size > NEXUS_PROTOCOL_MAX_FRAME)
    return 0;
  if (!nexus_client_frame_parse ((const char *) data, size, &frame, NULL))
    return 0;

  switch (frame.type)
    {
    case NEXUS_CLIENT_FRAME_CREATE:
    case NEXUS_CLIENT_FRAME_JOIN:
      name = nexus_name_normalize (frame.name);
      if (name == NULL || nexus_room_has_name (room, name))
        break;
      if (nexus_room_get_n_members (room) >= MAX_MEMBERS)
        nexus_room_remove_member (room, nexus_room_get_member (room, 0), &event);
      member = nexus_room_add_member (room, name, &event);
      check_event (event);
      g_assert (nexus_room_find_session (room, nexus_member_get_session (member)) == member);
      break;

    case NEXUS_CLIENT_FRAME_RESUME:
      {
        g_autoptr(GPtrArray) history = NULL;
        gboolean gap;

        member = nexus_room_find_session (room, frame.session);
        history = nexus_room_history_since (room, frame.last_seq, &gap);
        for (guint i = 1; i < history->len; i++)
          g_assert (((NexusRoomEvent *) history->pdata[i])->seq
                    == ((NexusRoomEvent *) history->pdata[i - 1])->seq + 1);
        if (member != NULL)
          nexus_room_attach_member (room, member, NULL);
      }
      break;

    case NEXUS_CLIENT_FRAME_SAY:
      member = pick_member (data, size);
      if (member == NULL)
        break;
      if (nexus_room_has_said (room, member, frame.id))
        {
          g_autoptr(NexusRoomEvent) replay = nexus_room_replay_said (room, member, frame.id, frame.text);

          g_assert (g_utf8_validate (replay->json, (gssize) replay->json_length, NULL));
          break;
        }
      if (frame.has_target && !nexus_room_check_target (room, member, frame.type, frame.target,
                                                         &code))
        break;
      if (!nexus_text_is_valid (frame.text))
        break;
      event = nexus_room_append_reply (room, member, frame.text, frame.id,
                                       frame.has_target ? frame.target : 0);
      check_event (event);
      g_assert (nexus_room_has_said (room, member, frame.id));
      break;

    case NEXUS_CLIENT_FRAME_EDIT:
    case NEXUS_CLIENT_FRAME_DELETE:
    case NEXUS_CLIENT_FRAME_REACT:
      /* A change as the server makes it: the message made again in the
       * history stays well-formed, and the history within its bytes. */
      member = pick_member (data, size);
      if (member == NULL)
        break;
      if (nexus_room_has_said (room, member, frame.id))
        {
          g_autoptr(NexusRoomEvent) replay = nexus_room_replay_frame (room, member, &frame);

          g_assert (nexus_json_is_well_formed (replay->json, replay->json_length));
          break;
        }
      if (!nexus_room_check_target (room, member, frame.type, frame.target, &code)
          || (frame.type == NEXUS_CLIENT_FRAME_EDIT && !nexus_text_is_valid (frame.text)))
        break;
      {
        g_autoptr(GPtrArray) changed =
          g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_room_event_unref);
        g_autofree char *file_url = NULL;

        if (frame.type == NEXUS_CLIENT_FRAME_EDIT)
          event = nexus_room_append_edit (room, member, frame.id, frame.target, frame.text,
                                          changed);
        else if (frame.type == NEXUS_CLIENT_FRAME_DELETE)
          event = nexus_room_append_delete (room, member, frame.id, frame.target, changed,
                                            &file_url);
        else
          event = nexus_room_append_react (room, member, frame.id, frame.target, frame.emoji,
                                           frame.on, changed);
        check_event (event);
        g_assert (nexus_json_is_well_formed (event->json, event->json_length));
        for (guint i = 0; i < changed->len; i++)
          {
            NexusRoomEvent *message = g_ptr_array_index (changed, i);

            g_assert (g_utf8_validate (message->json, (gssize) message->json_length, NULL));
            g_assert (nexus_json_is_well_formed (message->json, message->json_length));
          }
        g_assert (nexus_room_get_history_bytes (room) <= 4096
                  || nexus_room_get_history_length (room) == 1);
      }
      break;

    case NEXUS_CLIENT_FRAME_UPLOAD:
    case NEXUS_CLIENT_FRAME_SHARE:
      /* A file message as the share of this upload would make it: the
       * name cleaned, the URL escaped, the event well-formed. */
      member = pick_member (data, size);
      name = frame.name != NULL ? nexus_file_name_clean (frame.name) : NULL;
      if (member == NULL || name == NULL || nexus_room_has_said (room, member, frame.id))
        break;
      {
        g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);
        g_autofree char *url = g_strconcat ("/files/0123456789abcdef0123456789abcdef/", escaped, NULL);
        NexusFileInfo file = { name, (guint64) frame.size, "image/png", url, 1, (guint32) size };

        g_assert (g_utf8_strlen (name, -1) <= NEXUS_FILE_NAME_MAX_CHARS);
        g_assert (strpbrk (name, "/\\") == NULL);
        event = nexus_room_append_file (room, member, frame.id, &file);
        check_event (event);
        g_assert (nexus_json_is_well_formed (event->json, event->json_length));
      }
      break;

    case NEXUS_CLIENT_FRAME_TYPING:
      member = pick_member (data, size);
      if (member != NULL)
        nexus_room_detach_member (room, member, (gint64) size);
      break;

    case NEXUS_CLIENT_FRAME_LEAVE:
      member = pick_member (data, size);
      if (member != NULL)
        {
          nexus_room_remove_member (room, member, &event);
          check_event (event);
        }
      break;

    case NEXUS_CLIENT_FRAME_UNKNOWN:
    default:
      g_assert_not_reached ();
    }

  /* Grace expiry at a time derived from the input. */
  {
    g_autoptr(GPtrArray) expired = nexus_room_expired_members (room, (gint64) size * 7, 100);

    for (guint i = 0; i < expired->len; i++)
      nexus_room_remove_member (room, expired->pdata[i], NULL);
  }

  return 0;
}
