/* test-discovery-hostile.c: other computers on the network, as they may
 * be: hosts of another version, hosts that change, and hostile ones that
 * announce garbage, thousands of services, or claim every code
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-code.h"
#include "test-discovery.h"

#define SALT "0001020304050607"

/* A host of another computer: rooms come, change, get renamed and go,
 * and the list follows, sorted by title, each row updated in place. */
static void
test_foreign_host (DiscoveryFixture *fixture,
                   gconstpointer     data)
{
  NexusNearby *nearby = discovery_nearby_new ();
  GListModel *model = nexus_nearby_get_rooms (nearby);
  g_autoptr(NexusFakeAvahiPeer) bob = nexus_fake_avahi_peer_new (fixture->avahi,
                                                                 "bob-laptop.local", "192.0.2.7");
  g_autoptr(GPtrArray) rooms = NULL;
  NexusNearbyRoom *zebra;

  nexus_fake_avahi_peer_publish (bob, "Nexus Chat on bob-laptop", 47475,
                                 discovery_txt_new (SALT, "", "room1=ZZZZZ2 1 Zebra",
                                                    "room2=AAAAA2 3 Apple", NULL));
  WAIT_UNTIL (g_list_model_get_n_items (model) == 2);
  rooms = discovery_rooms (nearby);
  g_assert_cmpstr (nexus_nearby_room_get_title (rooms->pdata[0]), ==, "Apple");
  g_assert_cmpstr (nexus_nearby_room_get_title (rooms->pdata[1]), ==, "Zebra");
  zebra = rooms->pdata[1];
  g_assert_cmpstr (nexus_nearby_room_get_host_name (zebra), ==, "bob-laptop");
  g_assert_cmpstr (nexus_nearby_room_get_address (zebra), ==, "192.0.2.7");
  g_assert_cmpuint (nexus_nearby_room_get_port (zebra), ==, 47475);
  g_clear_pointer (&rooms, g_ptr_array_unref);

  nexus_fake_avahi_peer_update_txt (bob, "Nexus Chat on bob-laptop",
                                    discovery_txt_new (SALT, "", "room1=ZZZZZ2 9 Zebra",
                                                       "room2=AAAAA2 3 Zoo", NULL));
  WAIT_UNTIL (nexus_nearby_room_get_n_members (zebra) == 9);
  g_assert_true (discovery_find_room (nearby, "ZZZZZ2") == zebra);
  rooms = discovery_rooms (nearby);
  g_assert_cmpstr (nexus_nearby_room_get_title (rooms->pdata[0]), ==, "Zebra");
  g_assert_cmpstr (nexus_nearby_room_get_title (rooms->pdata[1]), ==, "Zoo");

  nexus_fake_avahi_peer_update_txt (bob, "Nexus Chat on bob-laptop",
                                    discovery_txt_new (SALT, "", "room1=ZZZZZ2 9 Zebra", NULL));
  WAIT_UNTIL (g_list_model_get_n_items (model) == 1);
  g_assert_true (discovery_find_room (nearby, "ZZZZZ2") == zebra);

  /* The public code finds the host, as a typed code would. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) hosts = discovery_find (nearby, "zzz-zz2", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (hosts->len, ==, 1);
    g_assert_cmpstr (((NexusNearbyHost *) hosts->pdata[0])->address, ==, "192.0.2.7");
    g_assert_cmpstr (((NexusNearbyHost *) hosts->pdata[0])->host_name, ==, "bob-laptop.local");
  }

  nexus_fake_avahi_peer_withdraw (bob, "Nexus Chat on bob-laptop");
  WAIT_UNTIL (g_list_model_get_n_items (model) == 0);
  g_assert_cmpuint (nexus_nearby_get_n_hosts (nearby), ==, 0);
  g_assert_finalize_object (nearby);
}

/* An IPv6 link-local address is only good with its interface. */
static void
test_link_local (DiscoveryFixture *fixture,
                 gconstpointer     data)
{
  NexusNearby *nearby = discovery_nearby_new ();
  g_autoptr(NexusFakeAvahiPeer) peer = nexus_fake_avahi_peer_new (fixture->avahi, "v6.local",
                                                                  "fe80::1");
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GError) error = NULL;
  NexusNearbyRoom *room;

  nexus_fake_avahi_peer_publish (peer, "Nexus Chat on v6", 47474,
                                 discovery_txt_new (SALT, "", "room1=KKKKK2 1 Link", NULL));
  WAIT_UNTIL (discovery_find_room (nearby, "KKKKK2") != NULL);
  room = discovery_find_room (nearby, "KKKKK2");
  g_assert_cmpstr (nexus_nearby_room_get_address (room), ==, "fe80::1%lo");
  hosts = discovery_find (nearby, "KKKKK2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((NexusNearbyHost *) hosts->pdata[0])->address, ==, "fe80::1%lo");
  g_assert_finalize_object (nearby);
}

/* Hosts that say `more=1` to be asked for every code are asked only after
 * those that list the code's digest, and never more than three. */
static void
test_harvesting_hosts (DiscoveryFixture *fixture,
                       gconstpointer     data)
{
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_fake_avahi_peer_free);
  NexusAnnouncer *announcer = NULL;
  NexusNearby *nearby = NULL;
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GError) error = NULL;

  /* Seen first, so order alone would put them first. */
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *host = g_strdup_printf ("harvest%u.local", i);
      g_autofree char *address = g_strdup_printf ("192.0.2.%u", 100 + i);
      g_autofree char *name = g_strdup_printf ("Nexus Chat on harvest%u", i);
      NexusFakeAvahiPeer *peer = nexus_fake_avahi_peer_new (fixture->avahi, host, address);

      nexus_fake_avahi_peer_publish (peer, name, 47474,
                                     discovery_txt_new (SALT, "0000,ffff", "more=1", NULL));
      g_ptr_array_add (peers, peer);
    }
  nearby = discovery_nearby_new ();
  WAIT_UNTIL (nexus_nearby_get_n_hosts (nearby) == 5);

  announcer = discovery_announce (fixture);
  ada = nexus_test_start_room (fixture->server.port, &code);
  WAIT_UNTIL (discovery_announces_code (fixture, announcer, code));

  hosts = discovery_find (nearby, code, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hosts->len, ==, NEXUS_NEARBY_MAX_ASKED);
  g_assert_cmpstr (((NexusNearbyHost *) hosts->pdata[0])->address, ==, "127.0.0.1");
  g_assert_cmpuint (((NexusNearbyHost *) hosts->pdata[0])->port, ==, fixture->server.port);
  for (guint i = 1; i < hosts->len; i++)
    g_assert_true (g_str_has_prefix (((NexusNearbyHost *) hosts->pdata[i])->address, "192.0.2."));

  /* Any other code: three of them, no more. */
  others = discovery_find (nearby, strcmp (code, "MMMMMM") != 0 ? "MMMMMM" : "NNNNNN", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (others->len, ==, NEXUS_NEARBY_MAX_ASKED);

  g_assert_finalize_object (nearby);
  discovery_withdraw (fixture, announcer);
}

static GVariant *
bytes_txt (guint n_strings,
           gsize length,
           guint seed)
{
  GVariantBuilder builder;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *bytes = g_malloc (length);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  for (guint i = 0; i < n_strings; i++)
    {
      for (gsize j = 0; j < length; j++)
        bytes[j] = (guint8) g_rand_int (rand);
      g_variant_builder_add_value (&builder, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes,
                                                                        length, 1));
    }
  return g_variant_builder_end (&builder);
}

/* Garbage, oversized records and a thousand services: ignored or bounded,
 * and the one honest host still shows. */
static void
test_hostile_services (DiscoveryFixture *fixture,
                       gconstpointer     data)
{
  NexusNearby *nearby = discovery_nearby_new ();
  GListModel *model = nexus_nearby_get_rooms (nearby);
  g_autoptr(NexusFakeAvahiPeer) bob = nexus_fake_avahi_peer_new (fixture->avahi, "bob.local",
                                                                 "192.0.2.7");
  NexusFakeAvahiPeer *evil = nexus_fake_avahi_peer_new (fixture->avahi, "evil.local",
                                                        "192.0.2.66");
  g_autofree char *long_title = g_strdup_printf ("room1=EEEEE2 1 %s", "12345678901234567890123456789012345678901");
  GVariant *records[] = {
    bytes_txt (60, 255, 1),
    bytes_txt (1, 4000, 2),
    bytes_txt (0, 0, 3),
    discovery_txt_new ("", "", NULL),
    discovery_txt_new (SALT, "", "room1=EEEEE2 1 Bell\a", NULL),
    discovery_txt_new (SALT, "", long_title, NULL),
    discovery_txt_new (SALT, "", "room1=EEEEE2 1 Bad \xff UTF-8", NULL),
    discovery_txt_new (SALT, "", "room1=EEEEE2 1 A", "room2=EEEEE2 1 B", NULL),
    discovery_txt_new (SALT, "", "room1=EEEEE2 999999999999 Many", NULL),
    discovery_txt_new (SALT, "", "room1=EEEEE2 1 RTL\u202Eoverride", NULL),
    /* Well formed: eight rooms, the most a host can show. */
    discovery_txt_new (SALT, "", "room1=EEEEE2 1 a", "room2=EEEEE3 1 b", "room3=EEEEE4 1 c",
                       "room4=EEEEE5 1 d", "room5=EEEEE6 1 e", "room6=EEEEE7 1 f",
                       "room7=EEEEE8 1 g", "room8=EEEEE9 1 h", "room9=EEEEEA 1 i", NULL),
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GPtrArray) rooms = NULL;

  nexus_fake_avahi_peer_publish (bob, "Nexus Chat on bob", 47474,
                                 discovery_txt_new (SALT, "", "room1=BBBBB2 2 Bob’s room", NULL));
  WAIT_UNTIL (discovery_find_room (nearby, "BBBBB2") != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autofree char *name = g_strdup_printf ("evil %u", i);

      nexus_fake_avahi_peer_publish (evil, name, 47474, records[i]);
    }
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("flood %u", i);

      nexus_fake_avahi_peer_publish (evil, name, 1 + i, bytes_txt (1 + i % 8, i % 256, i));
    }

  WAIT_UNTIL (nexus_nearby_get_n_hosts (nearby) == NEXUS_NEARBY_MAX_HOSTS);
  /* A search waits until every host kept has answered. */
  hosts = discovery_find (nearby, "BBBBB2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((NexusNearbyHost *) hosts->pdata[0])->address, ==, "192.0.2.7");
  g_assert_cmpuint (nexus_nearby_get_n_hosts (nearby), ==, NEXUS_NEARBY_MAX_HOSTS);
  /* Resolvers for the hosts kept only: groups of the peers, one browser. */
  g_assert_cmpuint (nexus_fake_avahi_get_n_objects (fixture->avahi), <=,
                    2 + 1 + G_N_ELEMENTS (records) + 1000 + 1 + NEXUS_NEARBY_MAX_HOSTS);

  /* Bob's room and the eight well-formed ones: nothing else got in. */
  rooms = discovery_rooms (nearby);
  g_assert_cmpuint (rooms->len, ==, 1 + NEXUS_DISCOVERY_MAX_ROOMS);
  for (guint i = 0; i < rooms->len; i++)
    {
      g_autofree char *normal = nexus_code_normalize (nexus_nearby_room_get_code (rooms->pdata[i]));

      g_assert_cmpstr (normal, ==, nexus_nearby_room_get_code (rooms->pdata[i]));
      g_assert_true (nexus_discovery_title_is_valid (nexus_nearby_room_get_title (rooms->pdata[i])));
    }

  /* The flood leaves; Bob stays. */
  nexus_fake_avahi_peer_free (evil);
  WAIT_UNTIL (nexus_nearby_get_n_hosts (nearby) == 1);
  WAIT_UNTIL (g_list_model_get_n_items (model) == 1);
  g_assert_nonnull (discovery_find_room (nearby, "BBBBB2"));

  g_assert_finalize_object (nearby);
  /* Its browser and resolver freed: Bob's two groups are all that is left. */
  WAIT_UNTIL (nexus_fake_avahi_get_n_objects (fixture->avahi) == 2);
}

void
discovery_add_hostile_tests (void)
{
  DISCOVERY_TEST_ADD ("/discovery/foreign-host", test_foreign_host, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/link-local", test_link_local, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/harvesting-hosts", test_harvesting_hosts, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/hostile-services", test_hostile_services, AVAHI_RUNNING);
}
