/* nexus-message-row-private.h: what the window test reads in a row of the log
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-file-view-private.h"
#include "nexus-message-row.h"

G_BEGIN_DECLS

NexusEvent    *nexus_message_row_get_event     (NexusMessageRow *self);
NexusFileView *nexus_message_row_get_file_view (NexusMessageRow *self);

G_END_DECLS
