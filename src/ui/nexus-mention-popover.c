/* nexus-mention-popover.c: typing `@` in the composer offers the members' names
 *
 * The popover follows the text cursor: after an `@` at the start or
 * after white space, it lists the members (but oneself) whose names begin
 * with what follows, compared as names are (PROTOCOL.md, Mentions). Up
 * and Down choose, Enter or Tab writes "@Name ", Escape closes it; the
 * composer keeps the keyboard all along.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nexus-mention.h"
#include "nexus-mention-popover.h"

/* How far back from the cursor an `@` is looked for, in characters. */
#define MAX_PREFIX_CHARS 40
#define MAX_OFFERED      8

struct _NexusMentionPopover
{
  GtkPopover parent_instance;

  GtkTextView *composer;      /* unowned: the popover is its child */
  NexusClient *client;
  GtkListBox *list;
  GStrv names;                /* offered now */
  int at_offset;              /* the `@` in the buffer, in characters */
  gboolean dismissed;         /* Escape: not again for this `@` */
};

G_DEFINE_FINAL_TYPE (NexusMentionPopover, nexus_mention_popover, GTK_TYPE_POPOVER)

static void
hide (NexusMentionPopover *self)
{
  g_clear_pointer (&self->names, g_strfreev);
  if (gtk_widget_get_visible (GTK_WIDGET (self)))
    gtk_popover_popdown (GTK_POPOVER (self));
}

/* The `@` before the cursor that a name may follow, and what is typed
 * after it. */
static gboolean
find_prefix (NexusMentionPopover  *self,
             int                  *at_offset,
             char                **prefix)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);
  GtkTextIter cursor, start, at;
  g_autofree char *before = NULL;
  const char *p;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  start = cursor;
  gtk_text_iter_backward_chars (&start, MAX_PREFIX_CHARS);
  before = gtk_text_buffer_get_text (buffer, &start, &cursor, FALSE);
  p = g_utf8_strrchr (before, -1, '@');
  if (p == NULL || strchr (p, '\n') != NULL)
    return FALSE;
  if (p != before && !g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (p))))
    return FALSE;
  if (p == before && !gtk_text_iter_is_start (&start))
    {
      GtkTextIter previous = start;

      gtk_text_iter_backward_char (&previous);
      if (!g_unichar_isspace (gtk_text_iter_get_char (&previous)))
        return FALSE;
    }
  at = start;
  gtk_text_iter_forward_chars (&at, g_utf8_pointer_to_offset (before, p));
  *at_offset = gtk_text_iter_get_offset (&at);
  *prefix = g_strdup (p + 1);
  return TRUE;
}

static void
point_at_cursor (NexusMentionPopover *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);
  GtkTextIter at;
  GdkRectangle rect;

  gtk_text_buffer_get_iter_at_offset (buffer, &at, self->at_offset);
  gtk_text_view_get_iter_location (self->composer, &at, &rect);
  gtk_text_view_buffer_to_window_coords (self->composer, GTK_TEXT_WINDOW_WIDGET, rect.x, rect.y,
                                         &rect.x, &rect.y);
  /* Above the composer, where the `@` is: never over the text. */
  rect.y = 0;
  rect.width = 1;
  rect.height = 1;
  gtk_popover_set_pointing_to (GTK_POPOVER (self), &rect);
}

static void
update (NexusMentionPopover *self)
{
  g_autofree char *prefix = NULL;
  g_auto(GStrv) matches = NULL;
  g_autoptr(GStrvBuilder) offered = NULL;
  const char *own;
  int at_offset;
  guint n = 0;

  if (self->client == NULL || !find_prefix (self, &at_offset, &prefix))
    {
      self->dismissed = FALSE;
      hide (self);
      return;
    }
  if (self->dismissed && at_offset == self->at_offset)
    return;
  self->dismissed = FALSE;
  self->at_offset = at_offset;

  own = nexus_client_get_name (self->client);
  matches = nexus_mention_complete (prefix, nexus_client_get_members (self->client));
  offered = g_strv_builder_new ();
  for (guint i = 0; matches[i] != NULL && n < MAX_OFFERED; i++)
    if (g_strcmp0 (matches[i], own) != 0)
      {
        g_strv_builder_add (offered, matches[i]);
        n++;
      }
  g_clear_pointer (&self->names, g_strfreev);
  self->names = g_strv_builder_end (offered);
  if (n == 0)
    {
      hide (self);
      return;
    }

  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
      gtk_list_box_remove (self->list, child);
  }
  for (guint i = 0; self->names[i] != NULL; i++)
    {
      GtkWidget *label = gtk_label_new (self->names[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_list_box_append (self->list, label);
    }
  gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, 0));
  point_at_cursor (self);
  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    gtk_popover_popup (GTK_POPOVER (self));
}

/* Writes "@Name " in place of what was typed after the `@`. */
static void
complete (NexusMentionPopover *self,
          int                  index)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer);
  GtkTextIter at, cursor;
  g_autofree char *text = NULL;

  if (self->names == NULL || index < 0 || (guint) index >= g_strv_length (self->names))
    return;
  text = g_strdup_printf ("@%s ", self->names[index]);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_get_iter_at_offset (buffer, &at, self->at_offset);
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  gtk_text_buffer_delete (buffer, &at, &cursor);
  gtk_text_buffer_insert (buffer, &at, text, -1);
  gtk_text_buffer_end_user_action (buffer);
  hide (self);
}

static void
on_row_activated (NexusMentionPopover *self,
                  GtkListBoxRow       *row)
{
  complete (self, gtk_list_box_row_get_index (row));
  gtk_widget_grab_focus (GTK_WIDGET (self->composer));
}

static void
move_selection (NexusMentionPopover *self,
                int                  delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);
  int n = (int) g_strv_length (self->names);
  int index = row ? gtk_list_box_row_get_index (row) : 0;

  index = (index + delta + n) % n;
  gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, index));
}

gboolean
nexus_mention_popover_key_pressed (NexusMentionPopover *self,
                                   guint                keyval,
                                   GdkModifierType      state)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (NEXUS_IS_MENTION_POPOVER (self), FALSE);

  if (!gtk_widget_get_visible (GTK_WIDGET (self)) || self->names == NULL
      || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_Tab:
      row = gtk_list_box_get_selected_row (self->list);
      complete (self, row ? gtk_list_box_row_get_index (row) : 0);
      return TRUE;
    case GDK_KEY_Escape:
      self->dismissed = TRUE;
      hide (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
nexus_mention_popover_dispose (GObject *object)
{
  NexusMentionPopover *self = NEXUS_MENTION_POPOVER (object);

  g_clear_object (&self->client);
  g_clear_pointer (&self->names, g_strfreev);

  G_OBJECT_CLASS (nexus_mention_popover_parent_class)->dispose (object);
}

static void
nexus_mention_popover_class_init (NexusMentionPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_mention_popover_dispose;
}

static void
nexus_mention_popover_init (NexusMentionPopover *self)
{
  GtkWidget *list = gtk_list_box_new ();

  self->list = GTK_LIST_BOX (list);
  gtk_widget_set_size_request (list, 180, -1);
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_BROWSE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_widget_set_focusable (list, FALSE);
  gtk_widget_add_css_class (list, "nexus-mentions");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Members to mention"), -1);
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_row_activated), self,
                           G_CONNECT_SWAPPED);
  gtk_popover_set_child (GTK_POPOVER (self), list);
  /* The composer keeps the keyboard: typing goes on while it shows. */
  gtk_popover_set_autohide (GTK_POPOVER (self), FALSE);
  gtk_popover_set_has_arrow (GTK_POPOVER (self), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self), GTK_POS_TOP);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
}

NexusMentionPopover *
nexus_mention_popover_new (GtkTextView *composer)
{
  NexusMentionPopover *self;
  GtkTextBuffer *buffer;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (composer), NULL);

  self = g_object_new (NEXUS_TYPE_MENTION_POPOVER, NULL);
  self->composer = composer;
  gtk_widget_set_parent (GTK_WIDGET (self), GTK_WIDGET (composer));
  buffer = gtk_text_view_get_buffer (composer);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "notify::cursor-position", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
nexus_mention_popover_set_client (NexusMentionPopover *self,
                                  NexusClient         *client)
{
  g_return_if_fail (NEXUS_IS_MENTION_POPOVER (self));

  g_set_object (&self->client, client);
  hide (self);
}

GStrv
nexus_mention_popover_get_names (NexusMentionPopover *self)
{
  g_return_val_if_fail (NEXUS_IS_MENTION_POPOVER (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return NULL;
  return self->names;
}
