/* nexus-json-object.h: typed members of a json-glib object
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Each is NULL, FALSE or -1 when @member is missing or of another type:
 * frames from the network are read without trusting their shape. */
const char *nexus_json_get_string  (JsonObject *object,
                                    const char *member);
gboolean    nexus_json_get_int     (JsonObject *object,
                                    const char *member,
                                    gint64     *value);
int         nexus_json_get_boolean (JsonObject *object,
                                    const char *member);
JsonArray  *nexus_json_get_array   (JsonObject *object,
                                    const char *member);
JsonObject *nexus_json_get_object  (JsonObject *object,
                                    const char *member);

G_END_DECLS
