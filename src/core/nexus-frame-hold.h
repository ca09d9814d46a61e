/* nexus-frame-hold.h: frames that wait until what they tell of is on disk
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NexusFrameHold NexusFrameHold;

NexusFrameHold *nexus_frame_hold_new           (void);
NexusFrameHold *nexus_frame_hold_ref           (NexusFrameHold *hold);
void            nexus_frame_hold_unref         (NexusFrameHold *hold);
void            nexus_frame_hold_begin         (NexusFrameHold *hold,
                                                guint64         epoch);
void            nexus_frame_hold_release       (NexusFrameHold *hold,
                                                guint64         epoch);
gboolean        nexus_frame_hold_is_holding    (NexusFrameHold *hold);
guint           nexus_frame_hold_get_n_streams (NexusFrameHold *hold);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NexusFrameHold, nexus_frame_hold_unref)

G_END_DECLS
