/* nexus-json.h: the JSON the server reads and writes by hand
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Strict RFC 8259, at most 32 levels deep. With @allow_nul FALSE a \u0000
 * escape is refused too, for text that json-glib will read (it cannot
 * hold U+0000 and its error paths leak). */
gboolean nexus_json_check          (const char *data,
                                    gsize       length,
                                    gboolean    allow_nul);
gboolean nexus_json_is_well_formed (const char *data,
                                    gsize       length);

typedef enum {
  NEXUS_JSON_ABSENT,
  NEXUS_JSON_STRING,
  NEXUS_JSON_INT,
  NEXUS_JSON_OTHER,   /* null, another number, an object or an array */
  NEXUS_JSON_BOOLEAN, /* true or false, in integer as 1 or 0 */
} NexusJsonKind;

typedef struct {
  NexusJsonKind kind;
  char         *string;    /* NEXUS_JSON_STRING: decoded, NUL-terminated, owned */
  gsize         length;    /* its bytes; U+0000 inside it makes this differ from strlen() */
  gint64        integer;   /* NEXUS_JSON_INT; NEXUS_JSON_BOOLEAN: 1 or 0 */
} NexusJsonMember;

gboolean nexus_json_scan_object    (const char         *data,
                                    gsize               length,
                                    const char * const *names,
                                    guint               n_names,
                                    NexusJsonMember    *members);
void     nexus_json_members_clear  (NexusJsonMember    *members,
                                    guint               n_members);

void     nexus_json_append_string  (GString            *out,
                                    const char         *utf8);

/* A frame, written as {"type":TYPE,"member":"value",…}. */
GString *nexus_json_object_begin      (const char *type);
void     nexus_json_object_add_string (GString    *out,
                                       const char *member,
                                       const char *value);
char    *nexus_json_object_end        (GString    *out);

G_END_DECLS
