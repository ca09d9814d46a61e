/* nexus-transcript-window.c: a past room's conversation, to read, export
 * or delete
 *
 * Read only: the archive's events in seq order, each row made from what
 * the event showed when it was kept. Export asks where (the file chooser,
 * the portal's in a sandbox) and the archive's thread writes the file.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-confirm.h"
#include "nexus-file-chooser.h"
#include "nexus-past-rooms.h"
#include "nexus-transcript-window.h"
#include "nexus-ui-utils.h"

struct _NexusTranscriptWindow
{
  AdwWindow parent_instance;

  /* Owned state */
  NexusArchive *archive;
  char *key;
  gint64 seq;               /* the event to show and mark, or 0 */
  NexusArchiveRoom *room;   /* once loaded */
  GListModel *events;
  GCancellable *cancellable;
  char *status;
  guint marked;             /* the position of the marked row, or G_MAXUINT */

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkStack *stack;
  GtkListView *list_view;
  AdwStatusPage *error_page;
};

G_DEFINE_FINAL_TYPE (NexusTranscriptWindow, nexus_transcript_window, ADW_TYPE_WINDOW)

/* Rows */

typedef struct {
  GtkWidget *header;
  GtkLabel *name;
  GtkLabel *time;
  GtkLabel *text;
  GtkLabel *notice;
} Row;

static void
on_setup_row (NexusTranscriptWindow *self,
              GtkListItem           *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  Row *row = g_new0 (Row, 1);

  gtk_widget_add_css_class (box, "nexus-transcript-row");
  row->header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  row->name = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (row->name, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (row->name), "heading");
  row->time = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (row->time), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (row->time), "caption");
  gtk_box_append (GTK_BOX (row->header), GTK_WIDGET (row->name));
  gtk_box_append (GTK_BOX (row->header), GTK_WIDGET (row->time));

  row->text = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (row->text, TRUE);
  gtk_label_set_wrap_mode (row->text, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (row->text, 0);
  gtk_label_set_selectable (row->text, TRUE);

  row->notice = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (row->notice, TRUE);
  gtk_label_set_justify (row->notice, GTK_JUSTIFY_CENTER);
  gtk_widget_set_halign (GTK_WIDGET (row->notice), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (row->notice), "nexus-notice");
  gtk_widget_add_css_class (GTK_WIDGET (row->notice), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (row->notice), "caption");

  gtk_box_append (GTK_BOX (box), row->header);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->text));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->notice));
  g_object_set_data_full (G_OBJECT (box), "nexus-row", row, g_free);
  gtk_list_item_set_child (item, box);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
on_bind_row (NexusTranscriptWindow *self,
             GtkListItem           *item)
{
  NexusArchiveEvent *event = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  Row *row = g_object_get_data (G_OBJECT (box), "nexus-row");
  g_autoptr(GDateTime) when = nexus_archive_event_dup_date_time (event);
  g_autofree char *time = g_date_time_format (when, "%H:%M");
  g_autofree char *full = g_date_time_format (when, "%c");
  gboolean is_message = nexus_archive_event_get_kind (event) == NEXUS_EVENT_MESSAGE;

  gtk_widget_set_visible (row->header, is_message);
  gtk_widget_set_visible (GTK_WIDGET (row->text), is_message);
  gtk_widget_set_visible (GTK_WIDGET (row->notice), !is_message);
  if (nexus_archive_event_get_seq (event) == self->seq && self->seq > 0)
    gtk_widget_add_css_class (box, "nexus-transcript-hit");
  else
    gtk_widget_remove_css_class (box, "nexus-transcript-hit");
  gtk_widget_set_tooltip_text (box, full);

  if (!is_message)
    {
      g_autofree char *notice =
        nexus_archive_event_get_kind (event) == NEXUS_EVENT_JOINED
        ? g_strdup_printf (_("%s joined · %s"), nexus_archive_event_get_name (event), time)
        : g_strdup_printf (_("%s left · %s"), nexus_archive_event_get_name (event), time);

      gtk_label_set_label (row->notice, notice);
      return;
    }

  gtk_label_set_label (row->name, nexus_archive_event_get_name (event));
  if (nexus_archive_event_get_edited (event) && !nexus_archive_event_get_deleted (event))
    {
      g_autofree char *edited = g_strdup_printf (_("%s · edited"), time);

      gtk_label_set_label (row->time, edited);
    }
  else
    gtk_label_set_label (row->time, time);

  nexus_widget_set_css_class (GTK_WIDGET (row->text), "dim-label",
                              nexus_archive_event_get_deleted (event));
  if (nexus_archive_event_get_deleted (event))
    gtk_label_set_label (row->text, _("This message was deleted."));
  else if (nexus_archive_event_get_file_name (event) != NULL)
    {
      g_autofree char *size = g_format_size (nexus_archive_event_get_file_size (event));
      g_autofree char *file = g_strdup_printf ("📎 %s (%s)",
                                               nexus_archive_event_get_file_name (event), size);

      gtk_label_set_label (row->text, file);
    }
  else
    gtk_label_set_label (row->text, nexus_archive_event_get_text (event));
}

/* Loading */

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(NexusTranscriptWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusArchiveRoom) room = NULL;
  g_autoptr(GListModel) events = nexus_archive_load_finish (NEXUS_ARCHIVE (source), result,
                                                            &room, &error);
  g_autoptr(GtkNoSelection) selection = NULL;
  g_autofree char *subtitle = NULL;

  if (events == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "transcript.export", FALSE);
      return;
    }

  self->room = g_steal_pointer (&room);
  self->events = g_object_ref (events);
  adw_window_title_set_title (self->window_title, nexus_archive_room_get_label (self->room));
  gtk_window_set_title (GTK_WINDOW (self), nexus_archive_room_get_label (self->room));
  subtitle = nexus_past_rooms_describe (self->room);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  selection = gtk_no_selection_new (g_object_ref (events));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->stack, "log");

  for (guint i = 0; self->seq > 0 && i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusArchiveEvent) event = g_list_model_get_item (events, i);

      if (nexus_archive_event_get_seq (event) == self->seq)
        {
          self->marked = i;
          gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
          break;
        }
    }
}

/* Export */

static NexusArchiveFormat
format_from_name (const char *name)
{
  if (g_strcmp0 (name, "html") == 0)
    return NEXUS_ARCHIVE_FORMAT_HTML;
  if (g_strcmp0 (name, "text") == 0)
    return NEXUS_ARCHIVE_FORMAT_TEXT;
  return NEXUS_ARCHIVE_FORMAT_JSON;
}

static void
set_status (NexusTranscriptWindow *self,
            char                  *status)
{
  g_free (self->status);
  self->status = status;
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (status));
}

typedef struct {
  NexusTranscriptWindow *self;
  GFile *file;
} Export;

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Export *export = user_data;
  g_autoptr(NexusTranscriptWindow) self = export->self;
  g_autoptr(GFile) file = export->file;
  g_autoptr(GError) error = NULL;

  g_free (export);
  if (!nexus_archive_export_finish (NEXUS_ARCHIVE (source), result, &error))
    {
      set_status (self, g_strdup (error->message));
      return;
    }
  {
    g_autofree char *name = g_file_get_basename (file);

    set_status (self, g_strdup_printf (_("Saved as %s"), name));
  }
}

void
nexus_transcript_window_export_to (NexusTranscriptWindow *self,
                                   NexusArchiveFormat     format,
                                   GFile                 *file)
{
  Export *export;

  g_return_if_fail (NEXUS_IS_TRANSCRIPT_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  export = g_new0 (Export, 1);
  export->self = g_object_ref (self);
  export->file = g_object_ref (file);
  nexus_archive_export_async (self->archive, self->key, format, file, NULL, exported_cb, export);
}

typedef struct {
  NexusTranscriptWindow *self;
  NexusArchiveFormat format;
} Chosen;

static void
chosen_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Chosen *chosen = user_data;
  g_autoptr(NexusTranscriptWindow) self = chosen->self;
  NexusArchiveFormat format = chosen->format;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = nexus_file_chooser_save_finish (result, &error);

  g_free (chosen);
  if (file != NULL)
    nexus_transcript_window_export_to (self, format, file);
  else if (error != NULL)
    set_status (self, g_strdup (error->message));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  NexusTranscriptWindow *self = NEXUS_TRANSCRIPT_WINDOW (widget);
  NexusArchiveFormat format = format_from_name (g_variant_get_string (parameter, NULL));
  g_autofree char *name = NULL;
  Chosen *chosen;

  if (self->room == NULL)
    return;
  name = nexus_archive_export_file_name (self->room, format);
  chosen = g_new0 (Chosen, 1);
  chosen->self = g_object_ref (self);
  chosen->format = format;
  nexus_file_chooser_save_async (GTK_WINDOW (self), name, NULL, chosen_cb, chosen);
}

/* Delete */

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NexusTranscriptWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nexus_archive_delete_finish (NEXUS_ARCHIVE (source), result, &error))
    set_status (self, g_strdup (error->message));
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
delete_confirmed (GObject *owner)
{
  NexusTranscriptWindow *self = NEXUS_TRANSCRIPT_WINDOW (owner);

  nexus_archive_delete_async (self->archive, self->key, NULL, deleted_cb, g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  NexusTranscriptWindow *self = NEXUS_TRANSCRIPT_WINDOW (widget);

  nexus_confirm_destructive (widget, _("Delete This Conversation?"),
                             _("It is deleted from this computer. This cannot be undone."),
                             _("_Delete"), delete_confirmed, G_OBJECT (self));
}

/* The class */

static void
nexus_transcript_window_dispose (GObject *object)
{
  NexusTranscriptWindow *self = NEXUS_TRANSCRIPT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->events);
  g_clear_object (&self->room);
  g_clear_object (&self->archive);

  G_OBJECT_CLASS (nexus_transcript_window_parent_class)->dispose (object);
}

static void
nexus_transcript_window_finalize (GObject *object)
{
  NexusTranscriptWindow *self = NEXUS_TRANSCRIPT_WINDOW (object);

  g_free (self->key);
  g_free (self->status);

  G_OBJECT_CLASS (nexus_transcript_window_parent_class)->finalize (object);
}

static void
nexus_transcript_window_class_init (NexusTranscriptWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_transcript_window_dispose;
  object_class->finalize = nexus_transcript_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nexuschat/NexusChat/"
                                               "nexus-transcript-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusTranscriptWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NexusTranscriptWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NexusTranscriptWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, NexusTranscriptWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, NexusTranscriptWindow, error_page);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_row);
  gtk_widget_class_bind_template_callback (widget_class, on_bind_row);

  gtk_widget_class_install_action (widget_class, "transcript.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "transcript.delete", NULL, delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
nexus_transcript_window_init (NexusTranscriptWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->marked = G_MAXUINT;
}

NexusTranscriptWindow *
nexus_transcript_window_new (NexusArchive *archive,
                             const char   *key,
                             gint64        seq,
                             GtkWindow    *parent)
{
  NexusTranscriptWindow *self;

  g_return_val_if_fail (NEXUS_IS_ARCHIVE (archive), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (NEXUS_TYPE_TRANSCRIPT_WINDOW, "transient-for", parent, NULL);
  if (parent != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  self->archive = g_object_ref (archive);
  self->key = g_strdup (key);
  self->seq = seq;
  nexus_archive_load_async (archive, key, self->cancellable, loaded_cb, g_object_ref (self));
  return self;
}

gboolean
nexus_transcript_window_is_loaded (NexusTranscriptWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_TRANSCRIPT_WINDOW (self), FALSE);

  return self->events != NULL;
}

const char *
nexus_transcript_window_get_key (NexusTranscriptWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_TRANSCRIPT_WINDOW (self), NULL);

  return self->key;
}

const char *
nexus_transcript_window_get_title_text (NexusTranscriptWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_TRANSCRIPT_WINDOW (self), NULL);

  return adw_window_title_get_title (self->window_title);
}

GListModel *
nexus_transcript_window_get_events (NexusTranscriptWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_TRANSCRIPT_WINDOW (self), NULL);

  return self->events;
}

GtkWidget *
nexus_transcript_window_get_list_view (NexusTranscriptWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_TRANSCRIPT_WINDOW (self), NULL);

  return GTK_WIDGET (self->list_view);
}

guint
nexus_transcript_window_get_marked (NexusTranscriptWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_TRANSCRIPT_WINDOW (self), G_MAXUINT);

  return self->marked;
}

const char *
nexus_transcript_window_get_status (NexusTranscriptWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_TRANSCRIPT_WINDOW (self), NULL);

  return self->status;
}
