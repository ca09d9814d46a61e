/* nexus-archive-export.c: a past room's transcript as HTML, text or JSON
 *
 * The HTML opens in any browser with nothing else: one file, its style
 * inline, no script, no request for anything (its Content-Security-Policy
 * says so too), every name and text escaped. The JSON is for programs:
 * times in ISO 8601 UTC, the file messages' files by name, size and type.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "nexus-archive.h"
#include "nexus-code.h"

static const char html_style[] =
  "body{font-family:system-ui,-apple-system,'Cantarell','Segoe UI',sans-serif;margin:0;"
  "background:#fafafa;color:#222;line-height:1.45}"
  "header,main,footer{max-width:46rem;margin:0 auto;padding:0 1rem}"
  "header{padding-top:1.5rem}h1{font-size:1.6rem;margin:0 0 .25rem}"
  ".sub{color:#666;margin:.1rem 0}"
  "main{padding-top:1rem;padding-bottom:1rem}"
  ".message{margin:.6rem 0;padding:.5rem .75rem;border-radius:.6rem;background:#fff;"
  "box-shadow:0 1px 2px rgba(0,0,0,.08)}"
  ".meta{margin:0 0 .15rem;font-size:.85rem;color:#666}.name{font-weight:bold;color:#1c71d8}"
  ".text{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}"
  ".file{margin:0;font-style:italic}.deleted{margin:0;color:#888;font-style:italic}"
  ".notice{text-align:center;color:#777;font-size:.85rem;margin:.6rem 0}"
  "footer{color:#888;font-size:.8rem;padding-bottom:1.5rem}"
  "@media (prefers-color-scheme:dark){body{background:#1e1e1e;color:#ddd}"
  ".message{background:#2a2a2a;box-shadow:none}.sub,.meta{color:#aaa}.name{color:#78aeed}}";

static GDateTime *
local_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_to_local (utc);
}

static char *
format_local (gint64 usec)
{
  g_autoptr(GDateTime) local = local_time (usec);

  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static char *
format_iso (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_format_iso8601 (utc);
}

/* "slides.pdf (2.4 MB, application/pdf)" */
static char *
describe_file (NexusArchiveEvent *event)
{
  g_autofree char *size = g_format_size (nexus_archive_event_get_file_size (event));
  const char *type = nexus_archive_event_get_file_type (event);

  if (type != NULL && *type != '\0')
    return g_strdup_printf ("%s (%s, %s)", nexus_archive_event_get_file_name (event), size, type);
  return g_strdup_printf ("%s (%s)", nexus_archive_event_get_file_name (event), size);
}

static char *
describe_notice (NexusArchiveEvent *event)
{
  const char *name = nexus_archive_event_get_name (event);

  if (nexus_archive_event_get_kind (event) == NEXUS_EVENT_JOINED)
    return g_strdup_printf (_("%s joined"), name);
  return g_strdup_printf (_("%s left"), name);
}

static char *
describe_room (NexusArchiveRoom *room)
{
  g_autofree char *grouped = nexus_code_format (nexus_archive_room_get_code (room));
  const char *code = grouped != NULL ? grouped : nexus_archive_room_get_code (room);
  g_autofree char *when = format_local (nexus_archive_room_get_started (room));

  if (nexus_archive_room_get_hosted (room))
    /* Translators: K7Q-X3M · hosted by you · 2026-11-30 10:00 */
    return g_strdup_printf (_("Room %s · hosted by you · %s"), code, when);
  /* Translators: K7Q-X3M · on 192.168.1.20:47474 · 2026-11-30 10:00 */
  return g_strdup_printf (_("Room %s · on %s:%u · %s"), code, nexus_archive_room_get_host (room),
                          nexus_archive_room_get_port (room), when);
}

static char *
describe_people (NexusArchiveRoom *room)
{
  g_autofree char *names = g_strjoinv (", ", (GStrv) nexus_archive_room_get_people (room));

  return g_strdup_printf (_("People: %s"), names);
}

/* Text */

static void
append_indented (GString    *out,
                 const char *text)
{
  /* Lines after the first are indented, so a message stays one block. */
  for (const char *p = text; *p != '\0'; p++)
    {
      g_string_append_c (out, *p);
      if (*p == '\n')
        g_string_append (out, "    ");
    }
}

static char *
format_text (NexusArchiveRoom *room,
             GListModel       *events)
{
  GString *out = g_string_new (NULL);
  g_autofree char *about = describe_room (room);
  g_autofree char *people = describe_people (room);

  g_string_append_printf (out, "%s\n%s\n%s\n\n", nexus_archive_room_get_label (room), about,
                          people);
  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusArchiveEvent) event = g_list_model_get_item (events, i);
      g_autofree char *when = format_local (nexus_archive_event_get_time (event));

      g_string_append_printf (out, "[%s] ", when);
      if (nexus_archive_event_get_kind (event) != NEXUS_EVENT_MESSAGE)
        {
          g_autofree char *notice = describe_notice (event);

          g_string_append_printf (out, "— %s\n", notice);
          continue;
        }
      g_string_append_printf (out, "%s: ", nexus_archive_event_get_name (event));
      if (nexus_archive_event_get_deleted (event))
        g_string_append (out, _("This message was deleted."));
      else if (nexus_archive_event_get_file_name (event) != NULL)
        {
          g_autofree char *file = describe_file (event);

          g_string_append_printf (out, "📎 %s", file);
        }
      else
        append_indented (out, nexus_archive_event_get_text (event));
      if (nexus_archive_event_get_edited (event) && !nexus_archive_event_get_deleted (event))
        g_string_append_printf (out, " %s", _("(edited)"));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* HTML */

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (out, escaped);
}

static char *
format_html (NexusArchiveRoom *room,
             GListModel       *events)
{
  GString *out = g_string_new ("<!DOCTYPE html>\n");
  g_autofree char *about = describe_room (room);
  g_autofree char *people = describe_people (room);
  g_autofree char *now = format_local (g_get_real_time ());
  g_autofree char *saved = g_strdup_printf (_("Saved from Nexus Chat on %s."), now);

  /* Translators: the language of a saved conversation, for its HTML file's lang="": your
   * language's code, such as "de" */
  g_string_append_printf (out, "<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                          C_("html lang", "en"));
  g_string_append (out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        "<meta http-equiv=\"Content-Security-Policy\" "
                        "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                        "<meta name=\"generator\" content=\"Nexus Chat " PACKAGE_VERSION "\">\n"
                        "<title>");
  append_escaped (out, nexus_archive_room_get_label (room));
  g_string_append_printf (out, " — Nexus Chat</title>\n<style>%s</style>\n</head>\n<body>\n"
                               "<header>\n<h1>", html_style);
  append_escaped (out, nexus_archive_room_get_label (room));
  g_string_append (out, "</h1>\n<p class=\"sub\">");
  append_escaped (out, about);
  g_string_append (out, "</p>\n<p class=\"sub\">");
  append_escaped (out, people);
  g_string_append (out, "</p>\n</header>\n<main>\n");

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusArchiveEvent) event = g_list_model_get_item (events, i);
      g_autofree char *when = format_local (nexus_archive_event_get_time (event));
      g_autofree char *iso = format_iso (nexus_archive_event_get_time (event));

      if (nexus_archive_event_get_kind (event) != NEXUS_EVENT_MESSAGE)
        {
          g_autofree char *notice = describe_notice (event);

          g_string_append (out, "<p class=\"notice\">");
          append_escaped (out, notice);
          g_string_append_printf (out, " · <time datetime=\"%s\">%s</time></p>\n", iso, when);
          continue;
        }
      g_string_append (out, "<article class=\"message\">\n<p class=\"meta\"><span class=\"name\">");
      append_escaped (out, nexus_archive_event_get_name (event));
      g_string_append_printf (out, "</span> <time datetime=\"%s\">%s</time>", iso, when);
      if (nexus_archive_event_get_edited (event) && !nexus_archive_event_get_deleted (event))
        {
          g_string_append_c (out, ' ');
          append_escaped (out, _("(edited)"));
        }
      g_string_append (out, "</p>\n");
      if (nexus_archive_event_get_deleted (event))
        {
          g_string_append (out, "<p class=\"deleted\">");
          append_escaped (out, _("This message was deleted."));
        }
      else if (nexus_archive_event_get_file_name (event) != NULL)
        {
          g_autofree char *file = describe_file (event);

          g_string_append (out, "<p class=\"file\">📎 ");
          append_escaped (out, file);
        }
      else
        {
          g_string_append (out, "<p class=\"text\">");
          append_escaped (out, nexus_archive_event_get_text (event));
        }
      g_string_append (out, "</p>\n</article>\n");
    }
  g_string_append (out, "</main>\n<footer><p>");
  append_escaped (out, saved);
  g_string_append (out, "</p></footer>\n</body>\n</html>\n");
  return g_string_free (out, FALSE);
}

/* JSON */

static char *
format_json (NexusArchiveRoom *room,
             GListModel       *events)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *started = format_iso (nexus_archive_room_get_started (room));
  const char * const *people = nexus_archive_room_get_people (room);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "nexus-chat-transcript");
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);

  json_builder_set_member_name (builder, "room");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, nexus_archive_room_get_code (room));
  json_builder_set_member_name (builder, "title");
  if (nexus_archive_room_get_title (room) != NULL)
    json_builder_add_string_value (builder, nexus_archive_room_get_title (room));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, nexus_archive_room_get_host (room));
  json_builder_set_member_name (builder, "port");
  json_builder_add_int_value (builder, nexus_archive_room_get_port (room));
  json_builder_set_member_name (builder, "hosted");
  json_builder_add_boolean_value (builder, nexus_archive_room_get_hosted (room));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, nexus_archive_room_get_own_name (room));
  json_builder_set_member_name (builder, "started");
  json_builder_add_string_value (builder, started);
  json_builder_set_member_name (builder, "ended");
  if (nexus_archive_room_get_ended (room) > 0)
    {
      g_autofree char *ended = format_iso (nexus_archive_room_get_ended (room));

      json_builder_add_string_value (builder, ended);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  for (guint i = 0; people[i] != NULL; i++)
    json_builder_add_string_value (builder, people[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusArchiveEvent) event = g_list_model_get_item (events, i);
      g_autofree char *time = format_iso (nexus_archive_event_get_time (event));
      NexusEventKind kind = nexus_archive_event_get_kind (event);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, nexus_archive_event_get_seq (event));
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, kind == NEXUS_EVENT_JOINED ? "joined"
                                              : kind == NEXUS_EVENT_LEFT ? "left" : "message");
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, time);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, nexus_archive_event_get_name (event));
      if (kind == NEXUS_EVENT_MESSAGE)
        {
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, nexus_archive_event_get_text (event));
          if (nexus_archive_event_get_file_name (event) != NULL)
            {
              json_builder_set_member_name (builder, "file");
              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "name");
              json_builder_add_string_value (builder, nexus_archive_event_get_file_name (event));
              json_builder_set_member_name (builder, "size");
              json_builder_add_int_value (builder, nexus_archive_event_get_file_size (event));
              json_builder_set_member_name (builder, "type");
              json_builder_add_string_value (builder, nexus_archive_event_get_file_type (event));
              json_builder_end_object (builder);
            }
          json_builder_set_member_name (builder, "edited");
          json_builder_add_boolean_value (builder, nexus_archive_event_get_edited (event));
          json_builder_set_member_name (builder, "deleted");
          json_builder_add_boolean_value (builder, nexus_archive_event_get_deleted (event));
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

char *
nexus_archive_format_transcript (NexusArchiveRoom   *room,
                                 GListModel         *events,
                                 NexusArchiveFormat  format)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (room), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (events), NULL);

  switch (format)
    {
    case NEXUS_ARCHIVE_FORMAT_HTML:
      return format_html (room, events);
    case NEXUS_ARCHIVE_FORMAT_TEXT:
      return format_text (room, events);
    case NEXUS_ARCHIVE_FORMAT_JSON:
    default:
      return format_json (room, events);
    }
}

const char *
nexus_archive_format_extension (NexusArchiveFormat format)
{
  switch (format)
    {
    case NEXUS_ARCHIVE_FORMAT_HTML:
      return "html";
    case NEXUS_ARCHIVE_FORMAT_TEXT:
      return "txt";
    case NEXUS_ARCHIVE_FORMAT_JSON:
    default:
      return "json";
    }
}

/* "Nexus Chat K7Q-X3M 2026-11-30.html": a name to offer in the file chooser. */
char *
nexus_archive_export_file_name (NexusArchiveRoom   *room,
                                NexusArchiveFormat  format)
{
  g_autoptr(GDateTime) started = NULL;
  g_autofree char *day = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (NEXUS_IS_ARCHIVE_ROOM (room), NULL);

  started = local_time (nexus_archive_room_get_started (room));
  day = g_date_time_format (started, "%Y-%m-%d");
  /* A title may hold what a file name cannot. */
  label = g_strdelimit (g_strdup (nexus_archive_room_get_label (room)), "/\\:*?\"<>|\n\r\t", '-');
  return g_strdup_printf ("Nexus Chat %s %s.%s", label, day, nexus_archive_format_extension (format));
}
