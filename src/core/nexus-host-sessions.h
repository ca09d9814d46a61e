/* nexus-host-sessions.h: the sessions of a host's own members, kept so
 * that after a crash the window resumes in its room as itself
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Beside the saved rooms, mode 0600: the tokens themselves, which the
 * rooms' database never holds. */
#define NEXUS_HOST_SESSIONS_FILE_NAME "host-sessions.ini"

#define NEXUS_TYPE_HOST_SESSIONS (nexus_host_sessions_get_type ())

G_DECLARE_FINAL_TYPE (NexusHostSessions, nexus_host_sessions, NEXUS, HOST_SESSIONS, GObject)

NexusHostSessions *nexus_host_sessions_new          (const char          *directory);
const char        *nexus_host_sessions_get_path     (NexusHostSessions   *self);
void               nexus_host_sessions_load_async   (NexusHostSessions   *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean           nexus_host_sessions_load_finish  (NexusHostSessions   *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
gboolean           nexus_host_sessions_lookup       (NexusHostSessions   *self,
                                                     const char          *code,
                                                     char               **name,
                                                     char               **session);
void               nexus_host_sessions_remember     (NexusHostSessions   *self,
                                                     const char          *code,
                                                     const char          *name,
                                                     const char          *session);
void               nexus_host_sessions_forget       (NexusHostSessions   *self,
                                                     const char          *code);
void               nexus_host_sessions_keep_only    (NexusHostSessions   *self,
                                                     const char * const  *codes);
gboolean           nexus_host_sessions_is_saved     (NexusHostSessions   *self);

G_END_DECLS
