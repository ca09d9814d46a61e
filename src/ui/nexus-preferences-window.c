/* nexus-preferences-window.c: the app's preferences: keeping history
 *
 * Keeping conversations is the "keep-history" setting, which the
 * application binds to its archive; deleting all of them asks first.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-confirm.h"
#include "nexus-preferences-window.h"

struct _NexusPreferencesWindow
{
  AdwWindow parent_instance;

  /* Owned state */
  NexusApplication *application;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkSwitch *keep_switch;
  GtkWidget *delete_button;
};

G_DEFINE_FINAL_TYPE (NexusPreferencesWindow, nexus_preferences_window, ADW_TYPE_WINDOW)

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NexusPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nexus_archive_delete_finish (NEXUS_ARCHIVE (source), result, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  else
    adw_toast_overlay_add_toast (self->toast_overlay,
                                 adw_toast_new (_("All history was deleted")));
}

static void
delete_all (GObject *owner)
{
  NexusPreferencesWindow *self = NEXUS_PREFERENCES_WINDOW (owner);
  NexusArchive *archive = nexus_application_get_archive (self->application);

  if (archive != NULL)
    nexus_archive_delete_async (archive, NULL, NULL, deleted_cb, g_object_ref (self));
}

static void
on_delete_clicked (NexusPreferencesWindow *self)
{
  nexus_confirm_destructive (GTK_WIDGET (self), _("Delete All History?"),
                             _("Every past conversation kept on this computer is deleted. "
                               "This cannot be undone."),
                             _("_Delete All"), delete_all, G_OBJECT (self));
}

static void
nexus_preferences_window_dispose (GObject *object)
{
  NexusPreferencesWindow *self = NEXUS_PREFERENCES_WINDOW (object);

  g_clear_object (&self->application);

  G_OBJECT_CLASS (nexus_preferences_window_parent_class)->dispose (object);
}

static void
nexus_preferences_window_class_init (NexusPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nexus_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nexuschat/NexusChat/"
                                               "nexus-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusPreferencesWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NexusPreferencesWindow, keep_switch);
  gtk_widget_class_bind_template_child (widget_class, NexusPreferencesWindow, delete_button);
  gtk_widget_class_bind_template_callback (widget_class, on_delete_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nexus_preferences_window_init (NexusPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

NexusPreferencesWindow *
nexus_preferences_window_present (NexusApplication *application,
                                  GtkWindow        *parent)
{
  NexusPreferencesWindow *self = NULL;
  GSettings *settings;
  NexusArchive *archive;

  g_return_val_if_fail (NEXUS_IS_APPLICATION (application), NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l; l = l->next)
    if (NEXUS_IS_PREFERENCES_WINDOW (l->data))
      self = l->data;

  if (self == NULL)
    {
      self = g_object_new (NEXUS_TYPE_PREFERENCES_WINDOW, "application", application,
                           "transient-for", parent, NULL);
      self->application = g_object_ref (application);
      settings = nexus_application_get_settings (application);
      archive = nexus_application_get_archive (application);
      /* Without installed settings (an uninstalled build), for this run only. */
      if (settings != NULL)
        g_settings_bind (settings, "keep-history", self->keep_switch, "active",
                         G_SETTINGS_BIND_DEFAULT);
      else if (archive != NULL)
        g_object_bind_property (archive, "enabled", self->keep_switch, "active",
                                G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
    }
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

GtkSwitch *
nexus_preferences_window_get_keep_switch (NexusPreferencesWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_PREFERENCES_WINDOW (self), NULL);

  return self->keep_switch;
}

GtkWidget *
nexus_preferences_window_get_delete_button (NexusPreferencesWindow *self)
{
  g_return_val_if_fail (NEXUS_IS_PREFERENCES_WINDOW (self), NULL);

  return self->delete_button;
}
