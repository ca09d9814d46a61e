/* nexus-past-rooms.c: the rooms this app was in, and a search across them
 *
 * Home's list of past rooms (title or code, when, who), newest first, and
 * a search box whose hits replace the list while it has text. A click
 * opens the room's transcript, at the hit for a search's row. The list is
 * read from the archive again when it changes, once Home is shown.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-code.h"
#include "nexus-past-rooms.h"
#include "nexus-transcript-window.h"
#include "nexus-ui-utils.h"

/* Rooms listed before "Show All": Home stays short after months of use. */
#define N_SHOWN 20

struct _NexusPastRooms
{
  AdwBin parent_instance;

  /* Owned state */
  NexusArchive *archive;
  GCancellable *list_cancellable;
  GCancellable *search_cancellable;
  guint n_rooms;
  gboolean searching;
  gboolean dirty;          /* the archive changed while Home was not shown */
  gboolean show_all;       /* every room, not only the newest N_SHOWN */

  /* Template widgets */
  GtkWidget *group;
  GtkSearchEntry *search_entry;
  GtkListBox *list_box;
  GtkLabel *status_label;
};

G_DEFINE_FINAL_TYPE (NexusPastRooms, nexus_past_rooms, ADW_TYPE_BIN)

static GDateTime *
local_time (gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_to_local (utc);
}

char *
nexus_past_rooms_format_when (gint64 usec)
{
  g_autoptr(GDateTime) when = local_time (usec);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  int y, m, d, ny, nm, nd, yy, ym, yd;

  g_date_time_get_ymd (when, &y, &m, &d);
  g_date_time_get_ymd (now, &ny, &nm, &nd);
  g_date_time_get_ymd (yesterday, &yy, &ym, &yd);
  if (y == ny && m == nm && d == nd)
    /* Translators: when a past room was, today: a g_date_time_format() format */
    return g_date_time_format (when, _("Today %H:%M"));
  if (y == yy && m == ym && d == yd)
    /* Translators: when a past room was, yesterday: a g_date_time_format() format */
    return g_date_time_format (when, _("Yesterday %H:%M"));
  if (y == ny)
    /* Translators: when a past room was, this year: a g_date_time_format() format */
    return g_date_time_format (when, _("%-d %B %H:%M"));
  /* Translators: when a past room was, another year: a g_date_time_format() format */
  return g_date_time_format (when, _("%-d %B %Y"));
}

char *
nexus_past_rooms_describe (NexusArchiveRoom *room)
{
  g_autofree char *when = nexus_past_rooms_format_when (nexus_archive_room_get_started (room));
  g_autofree char *people = g_strjoinv (", ", (GStrv) nexus_archive_room_get_people (room));

  /* A room named by its title still says its code, the other way to
   * know it again. */
  if (nexus_archive_room_get_title (room) != NULL)
    {
      g_autofree char *code = nexus_code_format (nexus_archive_room_get_code (room));
      g_autofree char *dated = NULL;

      /* Translators: a past room with a title: its code, then when it was */
      dated = g_strdup_printf (_("%s · %s"), code != NULL ? code : nexus_archive_room_get_code (room),
                               when);
      g_free (when);
      when = g_steal_pointer (&dated);
    }
  if (*people == '\0')
    return g_steal_pointer (&when);
  /* Translators: a past room: when it was, then who was in it */
  return g_strdup_printf (_("%s · %s"), when, people);
}

/* Rows */

static GtkWidget *
row_new (const char *title,
         const char *subtitle,
         const char *key,
         gint64      seq)
{
  GtkWidget *row = adw_action_row_new ();

  /* Titles, names and texts come from the network: text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "nexus-key", g_strdup (key), g_free);
  g_object_set_data (G_OBJECT (row), "nexus-seq", GINT_TO_POINTER ((int) MIN (seq, G_MAXINT)));
  return row;
}

static void
set_status (NexusPastRooms *self,
            const char     *sentence)
{
  gtk_label_set_label (self->status_label, sentence != NULL ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), sentence != NULL);
}

/* A file set aside, writes failing: said where the past rooms would be. */
static const char *
archive_problem (NexusPastRooms *self)
{
  return self->archive != NULL ? nexus_archive_get_problem (self->archive) : NULL;
}

static void
update_visible (NexusPastRooms *self)
{
  gtk_widget_set_visible (self->group, self->n_rooms > 0 || self->searching
                                       || archive_problem (self) != NULL);
}

static void
on_problem (NexusPastRooms *self)
{
  update_visible (self);
  if (!self->searching)
    set_status (self, archive_problem (self));
}

static void
rooms_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  NexusPastRooms *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rooms = nexus_archive_list_rooms_finish (NEXUS_ARCHIVE (source), result,
                                                                 &error);

  if (rooms == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->list_cancellable);
  self->n_rooms = rooms != NULL ? g_list_model_get_n_items (rooms) : 0;
  update_visible (self);
  if (self->searching)
    return;

  nexus_list_box_remove_all (self->list_box);
  set_status (self, error != NULL ? error->message : archive_problem (self));
  for (guint i = 0; i < self->n_rooms && (self->show_all || i < N_SHOWN); i++)
    {
      g_autoptr(NexusArchiveRoom) room = g_list_model_get_item (rooms, i);
      g_autofree char *subtitle = nexus_past_rooms_describe (room);

      gtk_list_box_append (self->list_box, row_new (nexus_archive_room_get_label (room), subtitle,
                                                    nexus_archive_room_get_key (room), 0));
    }
  if (!self->show_all && self->n_rooms > N_SHOWN)
    {
      g_autofree char *label = g_strdup_printf (ngettext ("Show All %u Room", "Show All %u Rooms",
                                                          self->n_rooms), self->n_rooms);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *text = gtk_label_new (label);

      gtk_widget_add_css_class (text, "nexus-show-all");
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), text);
      g_object_set_data (G_OBJECT (row), "nexus-show-all", GINT_TO_POINTER (TRUE));
      gtk_list_box_append (self->list_box, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list_box), self->n_rooms > 0);
}

static void
reload (NexusPastRooms *self)
{
  self->dirty = FALSE;
  if (self->archive == NULL)
    return;
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_cancellable = g_cancellable_new ();
  /* The cancellable stops the answer before self goes (dispose cancels). */
  nexus_archive_list_rooms_async (self->archive, self->list_cancellable, rooms_cb, self);
}

static void
on_archive_changed (NexusPastRooms *self)
{
  /* No reading for every message while a room is shown instead of Home. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
  else
    self->dirty = TRUE;
}

static void
on_map (NexusPastRooms *self)
{
  if (self->dirty)
    reload (self);
}

/* Search */

static void
hits_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  NexusPastRooms *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) hits = nexus_archive_search_finish (NEXUS_ARCHIVE (source), result,
                                                            &error);
  guint n;

  if (hits == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->search_cancellable);
  if (!self->searching)
    return;

  nexus_list_box_remove_all (self->list_box);
  n = hits != NULL ? g_list_model_get_n_items (hits) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NexusArchiveEvent) hit = g_list_model_get_item (hits, i);
      g_autofree char *when = nexus_past_rooms_format_when (nexus_archive_event_get_time (hit));
      /* Translators: a search hit: who said it, in which room, when */
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s · %s"),
                                                   nexus_archive_event_get_name (hit),
                                                   nexus_archive_event_get_room_label (hit), when);
      const char *text = nexus_archive_event_get_file_name (hit) != NULL
                         ? nexus_archive_event_get_file_name (hit)
                         : nexus_archive_event_get_text (hit);

      gtk_list_box_append (self->list_box,
                           row_new (text, subtitle, nexus_archive_event_get_room_key (hit),
                                    nexus_archive_event_get_seq (hit)));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->list_box), n > 0);
  if (error != NULL)
    set_status (self, error->message);
  else if (n == 0)
    set_status (self, _("No message holds that text."));
  else
    set_status (self, NULL);
}

static void
on_search_changed (NexusPastRooms *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  if (*text == '\0' || self->archive == NULL)
    {
      self->searching = FALSE;
      reload (self);
      return;
    }
  self->searching = TRUE;
  update_visible (self);
  self->search_cancellable = g_cancellable_new ();
  nexus_archive_search_async (self->archive, text, self->search_cancellable, hits_cb, self);
}

/* Opening */

static GtkWindow *
open_row (NexusPastRooms *self,
          GtkListBoxRow  *row)
{
  const char *key = g_object_get_data (G_OBJECT (row), "nexus-key");
  gint64 seq = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "nexus-seq"));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  NexusTranscriptWindow *window;

  if (key == NULL || self->archive == NULL)
    return NULL;
  window = nexus_transcript_window_new (self->archive, key, seq,
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
on_row_activated (NexusPastRooms *self,
                  GtkListBoxRow  *row)
{
  if (g_object_get_data (G_OBJECT (row), "nexus-show-all") != NULL)
    {
      self->show_all = TRUE;
      reload (self);
      return;
    }
  open_row (self, row);
}

/* The class */

static void
nexus_past_rooms_dispose (GObject *object)
{
  NexusPastRooms *self = NEXUS_PAST_ROOMS (object);

  g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->search_cancellable);
  if (self->archive != NULL)
    g_signal_handlers_disconnect_by_data (self->archive, self);
  g_clear_object (&self->archive);

  G_OBJECT_CLASS (nexus_past_rooms_parent_class)->dispose (object);
}

static void
nexus_past_rooms_class_init (NexusPastRoomsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_past_rooms_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nexuschat/NexusChat/"
                                               "nexus-past-rooms.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusPastRooms, group);
  gtk_widget_class_bind_template_child (widget_class, NexusPastRooms, search_entry);
  gtk_widget_class_bind_template_child (widget_class, NexusPastRooms, list_box);
  gtk_widget_class_bind_template_child (widget_class, NexusPastRooms, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
nexus_past_rooms_init (NexusPastRooms *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

void
nexus_past_rooms_set_archive (NexusPastRooms *self,
                              NexusArchive   *archive)
{
  g_return_if_fail (NEXUS_IS_PAST_ROOMS (self));
  g_return_if_fail (archive == NULL || NEXUS_IS_ARCHIVE (archive));

  if (self->archive == archive)
    return;
  if (self->archive != NULL)
    g_signal_handlers_disconnect_by_data (self->archive, self);
  g_set_object (&self->archive, archive);
  if (archive != NULL)
    {
      g_signal_connect_swapped (archive, "changed", G_CALLBACK (on_archive_changed), self);
      g_signal_connect_swapped (archive, "notify::problem", G_CALLBACK (on_problem), self);
    }
  reload (self);
}

GtkEditable *
nexus_past_rooms_get_search_entry (NexusPastRooms *self)
{
  g_return_val_if_fail (NEXUS_IS_PAST_ROOMS (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

guint
nexus_past_rooms_get_n_rows (NexusPastRooms *self)
{
  guint n = 0;

  g_return_val_if_fail (NEXUS_IS_PAST_ROOMS (self), 0);

  /* Nothing while an answer is awaited, so a test waits for the new rows. */
  if (self->list_cancellable != NULL || self->search_cancellable != NULL)
    return 0;
  while (gtk_list_box_get_row_at_index (self->list_box, n) != NULL)
    n++;
  return n;
}

gboolean
nexus_past_rooms_is_searching (NexusPastRooms *self)
{
  g_return_val_if_fail (NEXUS_IS_PAST_ROOMS (self), FALSE);

  return self->searching;
}

AdwActionRow *
nexus_past_rooms_get_row (NexusPastRooms *self,
                          guint           index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (NEXUS_IS_PAST_ROOMS (self), NULL);

  row = gtk_list_box_get_row_at_index (self->list_box, index);
  return ADW_IS_ACTION_ROW (row) ? ADW_ACTION_ROW (row) : NULL;
}

GtkWindow *
nexus_past_rooms_activate_row (NexusPastRooms *self,
                               guint           index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (NEXUS_IS_PAST_ROOMS (self), NULL);

  row = gtk_list_box_get_row_at_index (self->list_box, index);
  if (row == NULL)
    return NULL;
  if (g_object_get_data (G_OBJECT (row), "nexus-show-all") != NULL)
    {
      on_row_activated (self, row);
      return NULL;
    }
  return open_row (self, row);
}
