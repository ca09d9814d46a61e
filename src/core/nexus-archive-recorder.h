/* nexus-archive-recorder.h: keeps what a client's room shows in the archive
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-archive.h"
#include "nexus-client.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_ARCHIVE_RECORDER (nexus_archive_recorder_get_type ())

G_DECLARE_FINAL_TYPE (NexusArchiveRecorder, nexus_archive_recorder, NEXUS, ARCHIVE_RECORDER, GObject)

NexusArchiveRecorder *nexus_archive_recorder_new       (NexusArchive         *archive,
                                                        NexusClient          *client,
                                                        gboolean              hosted);
const char           *nexus_archive_recorder_get_key   (NexusArchiveRecorder *self);
void                  nexus_archive_recorder_set_title (NexusArchiveRecorder *self,
                                                        const char           *title);

G_END_DECLS
