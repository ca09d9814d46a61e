/* nexus-fake-avahi-private.h: what the files of the fake Avahi share
 *
 * nexus-fake-avahi.c runs the bus, the thread and the test's side;
 * nexus-fake-avahi-objects.c is Avahi's side: the server object, entry
 * groups, browsers and resolvers.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "nexus-fake-avahi.h"

G_BEGIN_DECLS

#define AVAHI_NAME           "org.freedesktop.Avahi"
#define SERVER2_INTERFACE    "org.freedesktop.Avahi.Server2"
#define GROUP_INTERFACE      "org.freedesktop.Avahi.EntryGroup"
#define BROWSER_INTERFACE    "org.freedesktop.Avahi.ServiceBrowser"
#define RESOLVER_INTERFACE   "org.freedesktop.Avahi.ServiceResolver"
#define SERVICE_TYPE         "_nexus-chat._tcp"
#define CALL_TIMEOUT_MS      5000

/* avahi-common/defs.h */
enum { GROUP_UNCOMMITTED, GROUP_REGISTERING, GROUP_ESTABLISHED, GROUP_COLLISION };
enum { SERVER_RUNNING = 2 };
#define RESULT_MULTICAST  (1 << 2)
#define RESULT_LOCAL      (1 << 3)
#define RESULT_OUR_OWN    (1 << 4)

typedef enum { FAKE_GROUP, FAKE_BROWSER, FAKE_RESOLVER } FakeKind;

typedef struct {
  FakeKind   kind;
  char      *path;
  char      *owner;          /* the client's unique name */
  guint      registration;
  /* entry group */
  int        state;
  GPtrArray *services;       /* FakeService */
  GPtrArray *addresses;      /* "HOST\nADDRESS" */
  /* browser and resolver */
  gboolean   started;
  char      *type;
  /* resolver */
  char      *name;
  int        interface;
  int        protocol;
  int        aprotocol;
} FakeObject;

typedef struct {
  FakeObject *group;
  int         interface;
  int         protocol;
  char       *name;
  char       *type;
  char       *host;          /* "" for this computer */
  guint16     port;
  GVariant   *txt;
} FakeService;

struct _NexusFakeAvahi {
  GSubprocess      *daemon;
  char             *address;
  char             *config_path;
  GDBusConnection  *system_bus;   /* the process's, held while the fake lives */
  GThread          *thread;
  GMainContext     *context;
  GMainLoop        *loop;
  GDBusNodeInfo    *introspection;
  int               loopback;     /* interface index of lo */

  GMutex            lock;
  GCond             cond;
  /* The fake's thread changes these, under the lock */
  GDBusConnection  *connection;   /* Avahi's, while it runs */
  guint             owner_changed_id;
  GHashTable       *objects;      /* path → FakeObject */
  GHashTable       *remote;       /* unique names of peers */
  guint             next_object;
  guint             n_txt_updates;
};

struct _NexusFakeAvahiPeer {
  NexusFakeAvahi   *fake;
  GDBusConnection  *connection;
  char             *host_name;
  char             *host_group;
  GHashTable       *groups;       /* service name → group path */
};


extern const char _nexus_fake_avahi_introspection_xml[];
extern const GDBusInterfaceVTable _nexus_fake_avahi_server_vtable;

void         _nexus_fake_avahi_object_free      (FakeObject     *object);
/* The service @name of @type in any entry group, and its group. */
FakeService *_nexus_fake_avahi_find_service     (NexusFakeAvahi *fake,
                                                 const char     *name,
                                                 const char     *type,
                                                 FakeObject    **group);
/* Subscribed on Avahi's connection: a client's objects die with it. */
void         _nexus_fake_avahi_on_owner_changed (GDBusConnection *connection,
                                                 const char      *sender,
                                                 const char      *path,
                                                 const char      *interface,
                                                 const char      *member,
                                                 GVariant        *parameters,
                                                 gpointer         user_data);

G_END_DECLS
