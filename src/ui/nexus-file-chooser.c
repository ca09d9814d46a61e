/* nexus-file-chooser.c: files to share, places to save, apps to open
 * with, through the portals where there are some
 *
 * GTK 4.10 brought GtkFileDialog and GtkFileLauncher, and deprecated what
 * came before; Debian 12 has 4.8. Each function uses the newer API where
 * it is there (the Flatpak's runtime), GtkFileChooserNative and
 * gtk_show_uri_full() where not. Both go through the file-chooser and
 * OpenURI portals inside a sandbox, so a Flatpak needs no file access of
 * its own.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-file-chooser.h"

#if GTK_CHECK_VERSION (4, 10, 0)

/* A dismissed dialog is no error: the person changed their mind. */
static gboolean
dismissed (GError **error)
{
  if (g_error_matches (*error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED)
      || g_error_matches (*error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    {
      g_clear_error (error);
      return TRUE;
    }
  return FALSE;
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GListModel *files = gtk_file_dialog_open_multiple_finish (GTK_FILE_DIALOG (source), result,
                                                            &error);

  if (files == NULL && !dismissed (&error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, files, g_object_unref);
}

void
nexus_file_chooser_open_async (GtkWindow           *parent,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  GTask *task = g_task_new (parent, cancellable, callback, user_data);

  g_task_set_source_tag (task, nexus_file_chooser_open_async);
  gtk_file_dialog_set_title (dialog, _("Attach a File"));
  gtk_file_dialog_set_accept_label (dialog, _("_Attach"));
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_open_multiple (dialog, parent, cancellable, on_opened, task);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, &error);

  if (file == NULL && !dismissed (&error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, file, g_object_unref);
}

void
nexus_file_chooser_save_async (GtkWindow           *parent,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  GTask *task = g_task_new (parent, cancellable, callback, user_data);

  g_task_set_source_tag (task, nexus_file_chooser_save_async);
  gtk_file_dialog_set_title (dialog, _("Save File"));
  gtk_file_dialog_set_modal (dialog, TRUE);
  gtk_file_dialog_set_initial_name (dialog, name);
  gtk_file_dialog_save (dialog, parent, cancellable, on_saved, task);
}

static void
on_launched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_file_launcher_launch_finish (GTK_FILE_LAUNCHER (source), result, &error)
      && !dismissed (&error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
nexus_file_launch_async (GtkWindow           *parent,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (file);
  GTask *task = g_task_new (parent, cancellable, callback, user_data);

  g_task_set_source_tag (task, nexus_file_launch_async);
  gtk_file_launcher_launch (launcher, parent, cancellable, on_launched, task);
}

#else /* GTK 4.8 */

/* The native dialog lives until it answers. */
static void
on_native_response (GtkNativeDialog *native,
                    int              response,
                    GTask           *task)
{
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (native);

  if (response != GTK_RESPONSE_ACCEPT)
    g_task_return_pointer (task, NULL, NULL);
  else if (g_task_get_source_tag (task) == nexus_file_chooser_open_async)
    g_task_return_pointer (task, gtk_file_chooser_get_files (chooser), g_object_unref);
  else
    g_task_return_pointer (task, gtk_file_chooser_get_file (chooser), g_object_unref);

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  g_object_unref (task);
}

static void
show_native (GtkFileChooserNative *native,
             GTask                *task)
{
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (on_native_response), task);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

void
nexus_file_chooser_open_async (GtkWindow           *parent,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (parent, cancellable, callback, user_data);
  GtkFileChooserNative *native;

  g_task_set_source_tag (task, nexus_file_chooser_open_async);
  native = gtk_file_chooser_native_new (_("Attach a File"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Attach"), NULL);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  show_native (native, task);
}

void
nexus_file_chooser_save_async (GtkWindow           *parent,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (parent, cancellable, callback, user_data);
  GtkFileChooserNative *native;

  g_task_set_source_tag (task, nexus_file_chooser_save_async);
  native = gtk_file_chooser_native_new (_("Save File"), parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  show_native (native, task);
}

static void
on_shown (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
nexus_file_launch_async (GtkWindow           *parent,
                         GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autofree char *uri = g_file_get_uri (file);
  GTask *task = g_task_new (parent, cancellable, callback, user_data);

  g_task_set_source_tag (task, nexus_file_launch_async);
  gtk_show_uri_full (parent, uri, GDK_CURRENT_TIME, cancellable, on_shown, task);
}

#endif

GListModel *
nexus_file_chooser_open_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nexus_file_chooser_open_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
nexus_file_chooser_save_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nexus_file_chooser_save_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
nexus_file_launch_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nexus_file_launch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
