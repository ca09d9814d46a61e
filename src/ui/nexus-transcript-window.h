/* nexus-transcript-window.h: a past room's conversation, to read, export
 * or delete
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "nexus-archive.h"

G_BEGIN_DECLS

#define NEXUS_TYPE_TRANSCRIPT_WINDOW (nexus_transcript_window_get_type ())

G_DECLARE_FINAL_TYPE (NexusTranscriptWindow, nexus_transcript_window, NEXUS, TRANSCRIPT_WINDOW,
                      AdwWindow)

/* The room of @key, scrolled to the event @seq (0: the start) and
 * marking it. */
NexusTranscriptWindow *nexus_transcript_window_new (NexusArchive *archive,
                                                    const char   *key,
                                                    gint64        seq,
                                                    GtkWindow    *parent);

/* For the window test */
gboolean    nexus_transcript_window_is_loaded   (NexusTranscriptWindow *self);
const char *nexus_transcript_window_get_key     (NexusTranscriptWindow *self);
const char *nexus_transcript_window_get_title_text (NexusTranscriptWindow *self);
GListModel *nexus_transcript_window_get_events  (NexusTranscriptWindow *self);
GtkWidget  *nexus_transcript_window_get_list_view (NexusTranscriptWindow *self);
guint       nexus_transcript_window_get_marked  (NexusTranscriptWindow *self);
/* What the last export said: "Saved as …", or why not; NULL before. */
const char *nexus_transcript_window_get_status  (NexusTranscriptWindow *self);
/* What Export does once the file chooser gave @file. */
void        nexus_transcript_window_export_to   (NexusTranscriptWindow *self,
                                                 NexusArchiveFormat     format,
                                                 GFile                 *file);

G_END_DECLS
