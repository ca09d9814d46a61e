/* nexus-confirm.h: a question before something that cannot be undone
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef void (*NexusConfirmFunc) (GObject *owner);

/* Asks @heading with @body over @parent's window; @confirmed runs with
 * @owner if the person picks @action_label, and not once @owner is gone. */
void nexus_confirm_destructive (GtkWidget        *parent,
                                const char       *heading,
                                const char       *body,
                                const char       *action_label,
                                NexusConfirmFunc  confirmed,
                                GObject          *owner);

G_END_DECLS
