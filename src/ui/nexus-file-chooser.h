/* nexus-file-chooser.h: files to share, places to save, apps to open
 * with, through the portals where there are some
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Files to share: a GListModel of GFile; NULL without an error when the
 * person changed their mind. */
void        nexus_file_chooser_open_async   (GtkWindow           *parent,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GListModel *nexus_file_chooser_open_finish  (GAsyncResult        *result,
                                             GError             **error);

/* Where to save a file called @name; NULL without an error when the
 * person changed their mind. */
void        nexus_file_chooser_save_async   (GtkWindow           *parent,
                                             const char          *name,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GFile      *nexus_file_chooser_save_finish  (GAsyncResult        *result,
                                             GError             **error);

/* Opens @file with its default app (the OpenURI portal in a sandbox). */
void        nexus_file_launch_async         (GtkWindow           *parent,
                                             GFile               *file,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean    nexus_file_launch_finish        (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
