/* nexus-event-log.h: a room's log as the client shows it, a GListModel
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-event.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_EVENT_LOG (nexus_event_log_get_type ())

G_DECLARE_FINAL_TYPE (NexusEventLog, nexus_event_log, NEXUS, EVENT_LOG, GObject)

NexusEventLog *nexus_event_log_new            (void);
void           nexus_event_log_add_confirmed  (NexusEventLog *self,
                                               NexusEvent    *event);
void           nexus_event_log_add_gap        (NexusEventLog *self);
void           nexus_event_log_add_pending    (NexusEventLog *self,
                                               NexusEvent    *event);
void           nexus_event_log_remove_pending (NexusEventLog *self,
                                               NexusEvent    *event);
void           nexus_event_log_confirm        (NexusEventLog *self,
                                               NexusEvent    *event,
                                               gint64         seq,
                                               GDateTime     *timestamp);
NexusEvent    *nexus_event_log_lookup         (NexusEventLog *self,
                                               gint64         seq);
int            nexus_event_log_get_position   (NexusEventLog *self,
                                               NexusEvent    *event);
void           nexus_event_log_begin_batch    (NexusEventLog *self);
void           nexus_event_log_end_batch      (NexusEventLog *self);

G_END_DECLS
