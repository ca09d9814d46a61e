/* nexus-json-object.c: typed members of a json-glib object
 *
 * json-glib's own getters warn and answer a default when a member is of
 * another type; a peer's frame must not make the app warn, so these look
 * at the type first.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "nexus-json-object.h"

static JsonNode *
get_value (JsonObject *object,
           const char *member,
           GType       type)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

const char *
nexus_json_get_string (JsonObject *object,
                       const char *member)
{
  JsonNode *node = get_value (object, member, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

gboolean
nexus_json_get_int (JsonObject *object,
                    const char *member,
                    gint64     *value)
{
  JsonNode *node = get_value (object, member, G_TYPE_INT64);

  if (node == NULL)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* 1 for true, 0 for false, -1 when it is no boolean. */
int
nexus_json_get_boolean (JsonObject *object,
                        const char *member)
{
  JsonNode *node = get_value (object, member, G_TYPE_BOOLEAN);

  if (node == NULL)
    return -1;
  return json_node_get_boolean (node) ? 1 : 0;
}

JsonArray *
nexus_json_get_array (JsonObject *object,
                      const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

JsonObject *
nexus_json_get_object (JsonObject *object,
                       const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}
