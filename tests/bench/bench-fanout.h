/* bench-fanout.h: fan-out loads and rows, shared with the other modes
 * that send to a room
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "bench-common.h"

G_BEGIN_DECLS

/* C clients each send M messages at R a second. */
typedef struct {
  guint  c;
  guint  m;
  double rate;
} FanoutLoad;

typedef struct {
  const char *server;
  const char *clients;
  guint       c;
  guint       m;
  double      rate;
  gboolean    ok;
  double      seconds;
  guint64     expected;
  guint64     delivered;
  guint64     lost;
  guint64     duplicated;
  double      deliveries_per_second;
  double      p50_ms, p99_ms, max_ms;
  double      server_cpu_seconds;
  double      cpu_us_per_delivery;
  guint       errors;
  gboolean    persistence;   /* the server kept its rooms in a database */
} FanoutResult;

/* The loads the command line chose: one of its own, the quick ones or
 * the full ones. */
void fanout_loads_get    (Bench               *bench,
                          const FanoutLoad   **loads,
                          guint               *n);
void fanout_print_header (const char          *title);
/* Prints @r as a row and records it. */
void fanout_report       (Bench               *bench,
                          const FanoutResult  *r);

G_END_DECLS
