/* test-client-failures.h: the client test's joins that fail, in their own file
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* test-client-failures.c: adds /client/fail/… */
void test_client_add_failures (void);

G_END_DECLS
