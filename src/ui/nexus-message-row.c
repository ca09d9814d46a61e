/* nexus-message-row.c: one event of the room's log
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-file-view.h"
#include "nexus-message-row-private.h"
#include "nexus-ui-utils.h"

#define N_NAME_COLOURS 8

struct _NexusMessageRow
{
  GtkWidget parent_instance;

  /* Owned state */
  NexusEvent *event;

  /* Template widgets */
  GtkLabel *notice;
  GtkWidget *bubble;
  GtkWidget *header;
  GtkLabel *sender;
  GtkLabel *time;
  GtkLabel *text;
  NexusFileView *file_view;
  GtkWidget *status_box;
  GtkLabel *status;
  GtkWidget *retry_button;
};

G_DEFINE_FINAL_TYPE (NexusMessageRow, nexus_message_row, GTK_TYPE_WIDGET)

static guint
name_colour (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  guint32 hash = 5381;

  /* djb2, written out so the colour never changes between GLib versions. */
  for (const char *p = folded; *p; p++)
    hash = hash * 33 + (guchar) *p;
  return hash % N_NAME_COLOURS;
}

/* Gives @label the colour of @name, the same wherever the name shows;
 * NULL takes any such colour away. */
void
nexus_message_row_style_name (GtkWidget  *label,
                              const char *name)
{
  guint colour = name != NULL ? name_colour (name) : N_NAME_COLOURS;

  g_return_if_fail (GTK_IS_WIDGET (label));

  for (guint i = 0; i < N_NAME_COLOURS; i++)
    {
      char class[24];

      g_snprintf (class, sizeof class, "nexus-name-%u", i);
      nexus_widget_set_css_class (label, class, i == colour);
    }
}

char *
nexus_message_row_linkify (const char *text)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;
  GString *markup = g_string_new (NULL);
  const char *done = text;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("\\bhttps?://[^\\s<>\"]+[^\\s<>\".,;:!?')\\]]",
                                                    G_REGEX_OPTIMIZE, 0, NULL));

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      g_autofree char *before = NULL;
      g_autofree char *url = NULL;

      g_match_info_fetch_pos (match, 0, &start, &end);
      before = g_markup_escape_text (done, text + start - done);
      url = g_markup_escape_text (text + start, end - start);
      g_string_append (markup, before);
      g_string_append_printf (markup, "<a href=\"%s\">%s</a>", url, url);
      done = text + end;
      g_match_info_next (match, NULL);
    }
  {
    g_autofree char *rest = g_markup_escape_text (done, -1);

    g_string_append (markup, rest);
  }
  return g_string_free (markup, FALSE);
}

static char *
format_time (GDateTime *timestamp,
             gboolean   full)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (timestamp);

  if (full)
    /* Translators: strftime format (see `man strftime`) of the full date and time a
     * message was sent, shown when the pointer rests on it, like
     * “Tuesday 24 November 2026, 09:15:42”. */
    return g_date_time_format (local, _("%A %e %B %Y, %H:%M:%S"));
  /* Translators: strftime format (see `man strftime`) of the time next to a message,
   * like “09:15”; use %l:%M %p for a 12-hour clock. */
  return g_date_time_format (local, _("%H:%M"));
}

static void
update_delivery (NexusMessageRow *self)
{
  NexusDelivery delivery = nexus_event_get_delivery (self->event);
  gboolean sending = delivery == NEXUS_DELIVERY_SENDING;
  gboolean failed = delivery == NEXUS_DELIVERY_FAILED;
  /* A file on its way shows its own progress, and why it failed. */
  gboolean file = nexus_event_has_file (self->event);

  gtk_widget_set_visible (self->status_box, !file && (sending || failed));
  gtk_widget_set_visible (self->retry_button, failed);
  if (sending || failed)
    gtk_label_set_label (self->status, failed ? _("Not sent") : _("Sending…"));
  nexus_widget_set_css_class (GTK_WIDGET (self->status), "error", failed);
  nexus_widget_set_css_class (GTK_WIDGET (self->status), "dim-label", !failed);
  nexus_widget_set_css_class (self->bubble, "sending", sending);
  nexus_widget_set_css_class (self->bubble, "failed", failed);
}

static void
update_time (NexusMessageRow *self)
{
  GDateTime *timestamp = nexus_event_get_timestamp (self->event);
  g_autofree char *time = format_time (timestamp, FALSE);
  g_autofree char *full = format_time (timestamp, TRUE);

  gtk_label_set_label (self->time, time);
  gtk_widget_set_tooltip_text (self->bubble, full);
}

static void
update_grouping (NexusMessageRow *self)
{
  gboolean continues = nexus_event_get_continues (self->event);

  gtk_widget_set_visible (self->header, !continues);
  nexus_widget_set_css_class (GTK_WIDGET (self), "continues", continues);
}

static void
update (NexusMessageRow *self)
{
  NexusEvent *event = self->event;
  gboolean own;

  nexus_message_row_style_name (GTK_WIDGET (self->sender), NULL);

  if (event == NULL)
    {
      nexus_file_view_set_event (self->file_view, NULL);
      return;
    }

  own = nexus_event_get_is_own (event);

  if (nexus_event_get_kind (event) != NEXUS_EVENT_MESSAGE)
    {
      g_autofree char *time = format_time (nexus_event_get_timestamp (event), FALSE);
      gboolean joined = nexus_event_get_kind (event) == NEXUS_EVENT_JOINED;
      g_autofree char *notice = NULL;

      if (nexus_event_get_kind (event) == NEXUS_EVENT_GAP)
        /* Translators: a quiet notice in the log where messages are missing: while the
         * connection was lost, more was said than the host keeps */
        notice = g_strdup (_("Older messages are no longer kept."));
      else if (own && joined)
        /* Translators: a quiet notice in the log: you entered the room; %s is the time,
         * like 09:15 */
        notice = g_strdup_printf (_("You joined · %s"), time);
      else if (own)
        /* Translators: a quiet notice in the log: you left the room; %s is the time,
         * like 09:15 */
        notice = g_strdup_printf (_("You left · %s"), time);
      else if (joined)
        /* Translators: a quiet notice in the log: someone entered the room; the first
         * %s is their name, the second the time, like “Bob joined · 09:15” */
        notice = g_strdup_printf (_("%s joined · %s"), nexus_event_get_name (event), time);
      else
        /* Translators: a quiet notice in the log: someone left the room; the first %s
         * is their name, the second the time, like “Bob left · 09:15” */
        notice = g_strdup_printf (_("%s left · %s"), nexus_event_get_name (event), time);

      nexus_file_view_set_event (self->file_view, NULL);
      gtk_label_set_label (self->notice, notice);
      gtk_widget_set_visible (GTK_WIDGET (self->notice), TRUE);
      gtk_widget_set_visible (self->bubble, FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (self), "notice");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "continues");
      return;
    }

  {
    gboolean file = nexus_event_has_file (event);
    g_autofree char *markup = file ? NULL
                                   : nexus_message_row_linkify (nexus_event_get_text (event));

    nexus_message_row_style_name (GTK_WIDGET (self->sender), nexus_event_get_name (event));
    gtk_label_set_label (self->sender, nexus_event_get_name (event));
    gtk_label_set_markup (self->text, markup ? markup : "");
    /* A file's text is the line for clients that know no files. */
    gtk_widget_set_visible (GTK_WIDGET (self->text), !file);
    gtk_widget_set_visible (GTK_WIDGET (self->file_view), file);
    nexus_widget_set_css_class (self->bubble, "file", file);
  }
  nexus_file_view_set_event (self->file_view, nexus_event_has_file (event) ? event : NULL);

  gtk_widget_remove_css_class (GTK_WIDGET (self), "notice");
  gtk_widget_set_visible (GTK_WIDGET (self->notice), FALSE);
  gtk_widget_set_visible (self->bubble, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->sender), !own);
  gtk_widget_set_halign (self->bubble, own ? GTK_ALIGN_END : GTK_ALIGN_START);
  gtk_widget_set_halign (self->header, own ? GTK_ALIGN_END : GTK_ALIGN_START);
  nexus_widget_set_css_class (self->bubble, "own", own);

  /* Disabled with the action when the room is over. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->retry_button),
                                          g_variant_new_string (nexus_event_get_id (event)));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "room.retry");

  update_time (self);
  update_grouping (self);
  update_delivery (self);
}

static void
nexus_message_row_dispose (GObject *object)
{
  NexusMessageRow *self = NEXUS_MESSAGE_ROW (object);

  nexus_message_row_set_event (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), NEXUS_TYPE_MESSAGE_ROW);

  G_OBJECT_CLASS (nexus_message_row_parent_class)->dispose (object);
}

static void
nexus_message_row_class_init (NexusMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_message_row_dispose;

  g_type_ensure (NEXUS_TYPE_FILE_VIEW);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/nexuschat/NexusChat/nexus-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, notice);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, bubble);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, header);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, sender);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, time);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, text);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, file_view);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, status_box);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, status);
  gtk_widget_class_bind_template_child (widget_class, NexusMessageRow, retry_button);
  gtk_widget_class_set_css_name (widget_class, "nexusmessagerow");
}

static void
nexus_message_row_init (NexusMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
nexus_message_row_new (void)
{
  return g_object_new (NEXUS_TYPE_MESSAGE_ROW, NULL);
}

void
nexus_message_row_set_event (NexusMessageRow *self,
                             NexusEvent      *event)
{
  g_return_if_fail (NEXUS_IS_MESSAGE_ROW (self));
  g_return_if_fail (event == NULL || NEXUS_IS_EVENT (event));

  if (self->event == event)
    return;

  if (self->event != NULL)
    g_signal_handlers_disconnect_by_data (self->event, self);
  g_set_object (&self->event, event);

  if (event != NULL)
    {
      g_signal_connect_object (event, "notify::delivery", G_CALLBACK (update_delivery), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::continues", G_CALLBACK (update_grouping), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (event, "notify::timestamp", G_CALLBACK (update_time), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
}

/* The room's files, for the pictures and files of messages. */
void
nexus_message_row_set_file_cache (NexusMessageRow *self,
                                  NexusFileCache  *cache)
{
  g_return_if_fail (NEXUS_IS_MESSAGE_ROW (self));

  nexus_file_view_set_cache (self->file_view, cache);
}

NexusFileView *
nexus_message_row_get_file_view (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return self->file_view;
}

NexusEvent *
nexus_message_row_get_event (NexusMessageRow *self)
{
  g_return_val_if_fail (NEXUS_IS_MESSAGE_ROW (self), NULL);

  return self->event;
}
