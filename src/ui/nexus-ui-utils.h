/* nexus-ui-utils.h: small widget helpers GTK 4.8 lacks
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void nexus_widget_set_css_class (GtkWidget  *widget,
                                 const char *css_class,
                                 gboolean    set);
void nexus_list_box_remove_all  (GtkListBox *box);

G_END_DECLS
