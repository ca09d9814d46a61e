/* nexus-attach.h: files into the room: chosen with the attach button,
 * dropped on the log, or pasted, and a picture previewed before it goes
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "nexus-client.h"
#include "nexus-file-cache.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_ATTACH (nexus_attach_get_type ())

G_DECLARE_FINAL_TYPE (NexusAttach, nexus_attach, NEXUS, ATTACH, GObject)

NexusAttach   *nexus_attach_new             (GtkWidget      *owner);
void           nexus_attach_set_client      (NexusAttach    *self,
                                             NexusClient    *client,
                                             NexusFileCache *cache);
void           nexus_attach_choose          (NexusAttach    *self);
void           nexus_attach_add_file        (NexusAttach    *self,
                                             GFile          *file);
void           nexus_attach_add_texture     (NexusAttach    *self,
                                             GdkTexture     *texture);
gboolean       nexus_attach_paste           (NexusAttach    *self,
                                             GdkClipboard   *clipboard);
void           nexus_attach_watch           (NexusAttach    *self,
                                             GtkWidget      *log,
                                             GtkRevealer    *hint,
                                             GtkTextView    *composer,
                                             GtkWidget      *button);
GtkWindow     *nexus_attach_get_preview     (NexusAttach    *self);

G_END_DECLS
