/* nexus-web-language.h: the language of the browser page
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The language every page can be shown in: its text as written. */
#define NEXUS_WEB_LANGUAGE_DEFAULT "en"

const char * const *nexus_web_languages         (void);
const char         *nexus_web_language_choose   (const char         *accept_language,
                                                 const char * const *available);
GBytes             *nexus_web_page_localize     (GBytes             *page,
                                                 const char         *language);

G_END_DECLS
