/* nexus-avahi.h: the system's Avahi daemon over D-Bus, as the announcer
 * and the browser use it
 *
 * The names and numbers of Avahi's D-Bus API (avahi-common/defs.h and the
 * introspection files of avahi-daemon), and a small client that finds the
 * system bus, watches org.freedesktop.Avahi come and go, and passes on only
 * the signals its current owner sent.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "nexus-announcer.h"   /* NexusDiscoveryStatus */

G_BEGIN_DECLS

#define NEXUS_AVAHI_BUS_NAME               "org.freedesktop.Avahi"
#define NEXUS_AVAHI_SERVER_PATH            "/"
#define NEXUS_AVAHI_SERVER_INTERFACE       "org.freedesktop.Avahi.Server"
#define NEXUS_AVAHI_SERVER2_INTERFACE      "org.freedesktop.Avahi.Server2"
#define NEXUS_AVAHI_ENTRY_GROUP_INTERFACE  "org.freedesktop.Avahi.EntryGroup"
#define NEXUS_AVAHI_BROWSER_INTERFACE      "org.freedesktop.Avahi.ServiceBrowser"
#define NEXUS_AVAHI_RESOLVER_INTERFACE     "org.freedesktop.Avahi.ServiceResolver"
#define NEXUS_AVAHI_ERROR_COLLISION        "org.freedesktop.Avahi.CollisionError"

#define NEXUS_AVAHI_IF_UNSPEC     (-1)
#define NEXUS_AVAHI_PROTO_UNSPEC  (-1)
#define NEXUS_AVAHI_PROTO_INET    0
#define NEXUS_AVAHI_PROTO_INET6   1

/* Lookup result flags (AvahiLookupResultFlags). */
#define NEXUS_AVAHI_RESULT_LOCAL    (1 << 3)
#define NEXUS_AVAHI_RESULT_OUR_OWN  (1 << 4)

/* How long any call to Avahi may take. */
#define NEXUS_AVAHI_CALL_TIMEOUT_MS 10000

/* AvahiServerState */
typedef enum {
  NEXUS_AVAHI_SERVER_INVALID,
  NEXUS_AVAHI_SERVER_REGISTERING,
  NEXUS_AVAHI_SERVER_RUNNING,
  NEXUS_AVAHI_SERVER_COLLISION,
  NEXUS_AVAHI_SERVER_FAILURE,
} NexusAvahiServerState;

/* AvahiEntryGroupState */
typedef enum {
  NEXUS_AVAHI_GROUP_UNCOMMITTED,
  NEXUS_AVAHI_GROUP_REGISTERING,
  NEXUS_AVAHI_GROUP_ESTABLISHED,
  NEXUS_AVAHI_GROUP_COLLISION,
  NEXUS_AVAHI_GROUP_FAILURE,
} NexusAvahiGroupState;

/* One signal a client wants, from Avahi and nobody else. */
typedef struct {
  const char          *interface;
  const char          *member;
  GDBusSignalCallback  callback;
} NexusAvahiSignal;

typedef struct _NexusAvahiClient NexusAvahiClient;

/* Avahi appeared or went: look at nexus_avahi_client_get_bus(). */
typedef void (*NexusAvahiChangedFunc) (gpointer user_data);

/* Starts at once: finds the system bus, asks for org.freedesktop.Avahi
 * (activating it if the bus can), and subscribes to @signals (which must
 * outlive the client) with @user_data. Nothing is called after _free(). */
NexusAvahiClient *nexus_avahi_client_new        (const NexusAvahiSignal *signals,
                                                 guint                   n_signals,
                                                 NexusAvahiChangedFunc   changed,
                                                 gpointer                user_data);
void              nexus_avahi_client_free       (NexusAvahiClient       *client);
/* The system bus while Avahi is on it, else NULL. */
GDBusConnection  *nexus_avahi_client_get_bus    (NexusAvahiClient       *client);
/* Avahi's unique name on the bus while it is there, else NULL. */
const char       *nexus_avahi_client_get_owner  (NexusAvahiClient       *client);
/* TRUE until the first answer: Avahi is there, or it is not. */
gboolean          nexus_avahi_client_is_looking (NexusAvahiClient       *client);
/* Why Avahi cannot be used, in English for logs, while it cannot. */
const char       *nexus_avahi_client_get_reason (NexusAvahiClient       *client);
/* A method of Avahi's, with its reply checked against @reply_type. */
void              nexus_avahi_client_call       (NexusAvahiClient       *client,
                                                 const char             *path,
                                                 const char             *interface,
                                                 const char             *method,
                                                 GVariant               *parameters,
                                                 const GVariantType     *reply_type,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data);

/* Frees the Avahi object at @path: a call nobody waits for, which keeps
 * @bus alive until it is answered. The client's sends it to the Avahi
 * that made the object, if it is still there. */
void              nexus_avahi_free_object       (GDBusConnection        *bus,
                                                 const char             *destination,
                                                 const char             *path,
                                                 const char             *interface);
void              nexus_avahi_client_free_object (NexusAvahiClient      *client,
                                                  const char            *path,
                                                  const char            *interface);
/* The D-Bus error name of @error, if Avahi sent one. */
gboolean          nexus_avahi_error_is          (const GError           *error,
                                                 const char             *name);

G_END_DECLS
