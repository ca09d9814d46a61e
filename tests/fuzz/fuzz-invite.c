/* fuzz-invite.c: invite links and room codes through their parsers
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "nexus-code.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;
  g_autofree char *host = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *grouped = NULL;
  const char *fallback;
  guint port = 0;

  /* The first line is the link or code, the rest the host field. */
  text = g_strndup ((const char *) data, size);
  fallback = strchr (text, '\n');
  if (fallback != NULL)
    *(char *) fallback++ = '\0';

  normal = nexus_code_normalize (text);
  if (normal != NULL)
    {
      g_autofree char *again = nexus_code_normalize (normal);

      g_assert (strlen (normal) == NEXUS_CODE_LENGTH);
      g_assert (g_strcmp0 (again, normal) == 0);
      grouped = nexus_code_format (normal);
      g_assert (strlen (grouped) == NEXUS_CODE_LENGTH + 1);
    }

  if (nexus_invite_parse (text, fallback, &code, &host, &port, NULL))
    {
      g_autofree char *link = nexus_invite_link_build (host, port, code);
      g_autofree char *code2 = NULL;
      g_autofree char *host2 = NULL;
      guint port2 = 0;

      /* What was parsed builds a link that parses back to the same. */
      g_autofree char *code_again = nexus_code_normalize (code);

      g_assert (code_again != NULL);
      g_assert (port > 0 && port <= 65535);
      if (nexus_invite_parse (link, NULL, &code2, &host2, &port2, NULL))
        {
          g_assert (strcmp (code, code2) == 0);
          g_assert (port == port2);
        }
    }

  return 0;
}
