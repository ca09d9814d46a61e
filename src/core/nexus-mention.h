/* nexus-mention.h: who a text mentions (PROTOCOL.md, Mentions)
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One mention in a text: the bytes of "@Name", and which of the names. */
typedef struct {
  gsize start;                  /* the byte offset of the `@` */
  gsize end;                    /* just after the name */
  guint name_index;             /* into the names given */
} NexusMention;

/* Every mention of one of @names (NULL-terminated) in @text, in order.
 * Names compare as the server compares them (NFKC, case folded); where
 * names overlap, the longest that matches wins. */
GArray   *nexus_mentions_find      (const char         *text,
                                    const char * const *names);
/* TRUE when @text mentions @name, with @names the room's members (@name
 * need not be among them). */
gboolean  nexus_mentions_name      (const char         *text,
                                    const char * const *names,
                                    const char         *name);
/* The names that complete @prefix (what follows an `@` so far), in the
 * order of @names; "" gives them all. */
GStrv     nexus_mention_complete   (const char         *prefix,
                                    const char * const *names);

G_END_DECLS
