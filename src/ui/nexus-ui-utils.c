/* nexus-ui-utils.c: small widget helpers GTK 4.8 lacks
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-ui-utils.h"

/* Adds @css_class when @set, removes it otherwise. */
void
nexus_widget_set_css_class (GtkWidget  *widget,
                            const char *css_class,
                            gboolean    set)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (css_class != NULL);

  if (set)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

/* gtk_list_box_remove_all() is GTK 4.12. */
void
nexus_list_box_remove_all (GtkListBox *box)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_LIST_BOX (box));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
}
