/* main.c: picks headless or desktop, runs the application
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-application.h"
#include "nexus-headless.h"

int
main (int   argc,
      char *argv[])
{
  /* Headless mode must not touch GTK at all (there may be no display), so
   * it is chosen here, before anything else is initialised. */
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--headless") == 0)
      return nexus_headless_run (argc, argv);

  return nexus_desktop_run (argc, argv);
}
