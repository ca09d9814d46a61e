/* fuzz-discovery-txt.c: TXT records from the network through the parser
 *
 * An input is a record as DNS carries it: each string one length byte and
 * that many bytes (a last string cut short is taken as it is). What the
 * parser accepts must keep every rule, match any code without harm, and
 * survive being built again and read back unchanged.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "nexus-code.h"
#include "nexus-discovery-txt.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static GVariant *
record_new (const uint8_t *data,
            size_t         size)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  for (size_t at = 0; at < size;)
    {
      size_t length = MIN ((size_t) data[at], size - at - 1);

      g_variant_builder_add_value (&builder,
                                   g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data + at + 1,
                                                              length, 1));
      at += 1 + length;
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
check_rules (const NexusDiscoveryTxt *txt)
{
  g_assert (txt->proto >= 1);
  g_assert (txt->n_digests <= NEXUS_DISCOVERY_MAX_CODES);
  g_assert (txt->n_rooms <= NEXUS_DISCOVERY_MAX_ROOMS);
  for (guint i = 0; i < txt->n_rooms; i++)
    {
      g_autofree char *normal = nexus_code_normalize (txt->rooms[i].code);

      g_assert (g_strcmp0 (normal, txt->rooms[i].code) == 0);
      g_assert (nexus_discovery_title_is_valid (txt->rooms[i].title));
      g_assert (txt->rooms[i].n_members <= NEXUS_DISCOVERY_MAX_MEMBERS);
      g_assert (nexus_discovery_txt_match (txt, txt->rooms[i].code) ==
                NEXUS_DISCOVERY_MATCH_PUBLIC);
    }
}

/* The rooms it shows, built into a record of our own and read again. */
static void
check_round_trip (const NexusDiscoveryTxt *txt)
{
  g_autoptr(GPtrArray) summaries =
    g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_room_summary_free);
  g_autoptr(GVariant) built = NULL;
  g_autoptr(NexusDiscoveryTxt) again = NULL;

  for (guint i = 0; i < txt->n_rooms; i++)
    {
      NexusRoomSummary *summary = g_new0 (NexusRoomSummary, 1);

      /* Its own code: any, as long as it differs from the others. */
      summary->code = g_strdup_printf ("%c%c%c%c%c%c", 'A' + i, 'B', 'C', 'D', 'E', 'F');
      summary->nearby_code = g_strdup (txt->rooms[i].code);
      summary->title = g_strdup (txt->rooms[i].title);
      summary->n_members = txt->rooms[i].n_members;
      g_ptr_array_add (summaries, summary);
    }
  built = g_variant_ref_sink (nexus_discovery_txt_build (txt->salt, summaries, "0.1.0"));
  again = nexus_discovery_txt_parse (built, NULL);
  g_assert (again != NULL);
  g_assert (again->n_rooms == txt->n_rooms);
  g_assert (memcmp (again->salt, txt->salt, sizeof txt->salt) == 0);
  for (guint i = 0; i < summaries->len; i++)
    {
      NexusRoomSummary *summary = g_ptr_array_index (summaries, i);

      /* Its own code may also be one of the public codes: then PUBLIC. */
      g_assert (nexus_discovery_txt_match (again, summary->code) >=
                NEXUS_DISCOVERY_MATCH_DIGEST);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GVariant) record = record_new (data, size);
  g_autoptr(NexusDiscoveryTxt) txt = NULL;
  g_autoptr(GError) error = NULL;

  txt = nexus_discovery_txt_parse (record, &error);
  if (txt == NULL)
    {
      g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  check_rules (txt);
  nexus_discovery_txt_match (txt, "K7QX3M");
  check_round_trip (txt);
  return 0;
}
