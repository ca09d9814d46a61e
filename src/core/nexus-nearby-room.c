/* nexus-nearby-room.c: one room a host shows to people nearby
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-nearby-room.h"

struct _NexusNearbyRoom
{
  GObject parent_instance;

  char  *code;
  char  *title;
  char  *host_name;
  guint  n_members;
  char  *address;
  guint  port;
};

G_DEFINE_FINAL_TYPE (NexusNearbyRoom, nexus_nearby_room, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_TITLE,
  PROP_HOST_NAME,
  PROP_N_MEMBERS,
  PROP_ADDRESS,
  PROP_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NexusNearbyRoom *
nexus_nearby_room_new (const char *code,
                       const char *title,
                       const char *host_name,
                       guint       n_members,
                       const char *address,
                       guint       port)
{
  NexusNearbyRoom *self;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (host_name != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (NEXUS_TYPE_NEARBY_ROOM, NULL);
  self->code = g_strdup (code);
  self->title = g_strdup (title);
  self->host_name = g_strdup (host_name);
  self->n_members = n_members;
  self->address = g_strdup (address);
  self->port = port;
  return self;
}

const char *
nexus_nearby_room_get_code (NexusNearbyRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY_ROOM (self), NULL);
  return self->code;
}

const char *
nexus_nearby_room_get_title (NexusNearbyRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY_ROOM (self), NULL);
  return self->title;
}

const char *
nexus_nearby_room_get_host_name (NexusNearbyRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY_ROOM (self), NULL);
  return self->host_name;
}

guint
nexus_nearby_room_get_n_members (NexusNearbyRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY_ROOM (self), 0);
  return self->n_members;
}

const char *
nexus_nearby_room_get_address (NexusNearbyRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY_ROOM (self), NULL);
  return self->address;
}

guint
nexus_nearby_room_get_port (NexusNearbyRoom *self)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY_ROOM (self), 0);
  return self->port;
}

void
nexus_nearby_room_update (NexusNearbyRoom *self,
                          const char      *title,
                          guint            n_members)
{
  g_return_if_fail (NEXUS_IS_NEARBY_ROOM (self));
  g_return_if_fail (title != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->title, title) != 0)
    {
      g_free (self->title);
      self->title = g_strdup (title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
  if (self->n_members != n_members)
    {
      self->n_members = n_members;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MEMBERS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
nexus_nearby_room_finalize (GObject *object)
{
  NexusNearbyRoom *self = NEXUS_NEARBY_ROOM (object);

  g_free (self->code);
  g_free (self->title);
  g_free (self->host_name);
  g_free (self->address);

  G_OBJECT_CLASS (nexus_nearby_room_parent_class)->finalize (object);
}

static void
nexus_nearby_room_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  NexusNearbyRoom *self = NEXUS_NEARBY_ROOM (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_HOST_NAME:
      g_value_set_string (value, self->host_name);
      break;
    case PROP_N_MEMBERS:
      g_value_set_uint (value, self->n_members);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_nearby_room_class_init (NexusNearbyRoomClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = nexus_nearby_room_finalize;
  object_class->get_property = nexus_nearby_room_get_property;

  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_HOST_NAME] = g_param_spec_string ("host-name", NULL, NULL, NULL, flags);
  properties[PROP_N_MEMBERS] = g_param_spec_uint ("n-members", NULL, NULL, 0, G_MAXUINT, 0,
                                                  flags);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nexus_nearby_room_init (NexusNearbyRoom *self)
{
}
