/* nexus-headless.h: serve rooms with no display
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int nexus_headless_run (int    argc,
                        char **argv);

G_END_DECLS
