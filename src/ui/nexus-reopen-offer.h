/* nexus-reopen-offer.h: after a crash, offer to reopen the rooms the window hosted
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-application.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_REOPEN_OFFER (nexus_reopen_offer_get_type ())

G_DECLARE_FINAL_TYPE (NexusReopenOffer, nexus_reopen_offer, NEXUS, REOPEN_OFFER, GObject)

NexusReopenOffer *nexus_reopen_offer_new        (void);
void              nexus_reopen_offer_show       (NexusReopenOffer *self,
                                                 GtkWindow        *parent,
                                                 NexusApplication *app);
gboolean          nexus_reopen_offer_is_shown   (NexusReopenOffer *self);
/* The dialog on screen, if any: for the window test. */
GtkWidget        *nexus_reopen_offer_get_dialog (NexusReopenOffer *self);

G_END_DECLS
