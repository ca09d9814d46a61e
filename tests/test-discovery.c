/* test-discovery.c: a host announces itself through Avahi, a guest finds
 * it by a room's code and sees the rooms it shows nearby; without Avahi,
 * a sentence and nothing else broken. (test-discovery-hostile.c: what
 * other hosts on the network may announce.)
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "nexus-code.h"
#include "test-discovery.h"

/* Shared */

void
discovery_setup (DiscoveryFixture *fixture,
                 gconstpointer     data)
{
  fixture->avahi = nexus_fake_avahi_new (GPOINTER_TO_INT (data) == AVAHI_RUNNING);
  nexus_test_server_setup (&fixture->server, NULL);
}

void
discovery_teardown (DiscoveryFixture *fixture,
                    gconstpointer     data)
{
  nexus_test_server_teardown (&fixture->server, NULL);
  nexus_fake_avahi_free (fixture->avahi);
}

static gboolean
has_service (DiscoveryFixture *fixture,
             const char       *name)
{
  g_auto(GStrv) names = nexus_fake_avahi_dup_service_names (fixture->avahi);

  return name != NULL && g_strv_contains ((const char * const *) names, name);
}

NexusAnnouncer *
discovery_announce (DiscoveryFixture *fixture)
{
  NexusAnnouncer *announcer = nexus_announcer_new (fixture->server.server);

  WAIT_UNTIL (nexus_announcer_get_status (announcer) == NEXUS_DISCOVERY_RUNNING);
  g_assert_true (has_service (fixture, nexus_announcer_get_service_name (announcer)));
  return announcer;
}

void
discovery_withdraw (DiscoveryFixture *fixture,
                    NexusAnnouncer   *announcer)
{
  g_autofree char *name = g_strdup (nexus_announcer_get_service_name (announcer));

  g_assert_finalize_object (announcer);
  WAIT_UNTIL (!has_service (fixture, name));
}

NexusDiscoveryTxt *
discovery_published (DiscoveryFixture *fixture,
                     NexusAnnouncer   *announcer)
{
  const char *name = nexus_announcer_get_service_name (announcer);
  g_autoptr(GVariant) txt = name != NULL ? nexus_fake_avahi_dup_txt (fixture->avahi, name) : NULL;
  g_autoptr(GError) error = NULL;
  NexusDiscoveryTxt *parsed;

  if (txt == NULL)
    return NULL;
  parsed = nexus_discovery_txt_parse (txt, &error);
  g_assert_no_error (error);
  return parsed;
}

gboolean
discovery_announces_code (DiscoveryFixture *fixture,
                          NexusAnnouncer   *announcer,
                          const char       *code)
{
  g_autoptr(NexusDiscoveryTxt) txt = discovery_published (fixture, announcer);
  g_autofree char *normal = nexus_code_normalize (code);

  return txt != NULL && nexus_discovery_txt_match (txt, normal) >= NEXUS_DISCOVERY_MATCH_DIGEST;
}

NexusNearby *
discovery_nearby_new (void)
{
  NexusNearby *nearby = nexus_nearby_new ();

  WAIT_UNTIL (nexus_nearby_get_status (nearby) != NEXUS_DISCOVERY_STARTING);
  g_assert_cmpint (nexus_nearby_get_status (nearby), ==, NEXUS_DISCOVERY_RUNNING);
  return nearby;
}

GPtrArray *
discovery_find (NexusNearby  *nearby,
                const char   *code,
                GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nexus_nearby_find_code_async (nearby, code, NULL, nexus_test_async_result_cb, &result);
  WAIT_UNTIL (result != NULL);
  return nexus_nearby_find_code_finish (nearby, result, error);
}

GPtrArray *
discovery_rooms (NexusNearby *nearby)
{
  GListModel *model = nexus_nearby_get_rooms (nearby);
  GPtrArray *rooms = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (rooms, g_list_model_get_item (model, i));
  return rooms;
}

NexusNearbyRoom *
discovery_find_room (NexusNearby *nearby,
                     const char  *code)
{
  GListModel *model = nexus_nearby_get_rooms (nearby);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(NexusNearbyRoom) room = g_list_model_get_item (model, i);

      if (g_strcmp0 (nexus_nearby_room_get_code (room), code) == 0)
        return room;   /* the model holds it */
    }
  return NULL;
}

GVariant *
discovery_txt_new (const char *salt_hex,
                   const char *codes,
                   ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *salt = g_strconcat ("salt=", salt_hex, NULL);
  g_autofree char *codes_string = g_strconcat ("codes=", codes, NULL);
  g_auto(GStrv) strings = NULL;
  GVariantBuilder txt;
  va_list args;

  g_strv_builder_add_many (builder, "txtvers=1", "proto=1", "app=9.9.9", salt, codes_string,
                           NULL);
  va_start (args, codes);
  for (const char *room = va_arg (args, const char *); room != NULL;
       room = va_arg (args, const char *))
    g_strv_builder_add (builder, room);
  va_end (args);
  strings = g_strv_builder_end (builder);

  g_variant_builder_init (&txt, G_VARIANT_TYPE ("aay"));
  for (guint i = 0; strings[i] != NULL; i++)
    g_variant_builder_add_value (&txt, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, strings[i],
                                                                  strlen (strings[i]), 1));
  return g_variant_builder_end (&txt);
}

/* The room summary of @code on the fixture's server. */
static char *
public_code_of (DiscoveryFixture *fixture,
                const char       *code)
{
  g_autoptr(GPtrArray) rooms = nexus_server_list_rooms (fixture->server.server);

  for (guint i = 0; i < rooms->len; i++)
    {
      NexusRoomSummary *summary = g_ptr_array_index (rooms, i);

      if (strcmp (summary->code, code) == 0)
        return g_strdup (summary->nearby_code);
    }
  g_assert_not_reached ();
}

/* Announcing */

static void
test_announce (DiscoveryFixture *fixture,
               gconstpointer     data)
{
  NexusAnnouncer *announcer = discovery_announce (fixture);
  const char *name = nexus_announcer_get_service_name (announcer);
  g_autoptr(NexusDiscoveryTxt) txt = discovery_published (fixture, announcer);
  g_autoptr(NexusTestClient) ada = NULL;
  g_autofree char *code = NULL;

  g_assert_true (g_str_has_prefix (name, "Nexus Chat on "));
  g_assert_cmpuint (nexus_fake_avahi_get_port (fixture->avahi, name), ==, fixture->server.port);
  g_assert_null (nexus_announcer_get_message (announcer));
  g_assert_nonnull (txt);
  g_assert_cmpuint (txt->proto, ==, 1);
  g_assert_cmpstr (txt->app_version, ==, PACKAGE_VERSION);
  g_assert_cmpuint (txt->n_digests, ==, 0);

  /* A new room shows in the record. */
  ada = nexus_test_start_room (fixture->server.port, &code);
  WAIT_UNTIL (discovery_announces_code (fixture, announcer, code));

  /* Withdrawn with the announcer, its entry group freed. */
  discovery_withdraw (fixture, announcer);
  WAIT_UNTIL (nexus_fake_avahi_get_n_objects (fixture->avahi) == 0);
}

/* Any number of room changes: at most one TXT update a second. */
static void
test_txt_debounced (DiscoveryFixture *fixture,
                    gconstpointer     data)
{
  NexusAnnouncer *announcer = discovery_announce (fixture);
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_test_client_free);
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  guint updates_before = nexus_fake_avahi_get_n_txt_updates (fixture->avahi);
  gint64 start = g_get_monotonic_time ();
  guint updates, seconds;

  for (guint i = 0; i < 8; i++)
    {
      char *code = NULL;

      g_ptr_array_add (clients, nexus_test_start_room (fixture->server.port, &code));
      g_ptr_array_add (codes, code);
      nexus_test_spin (100);
    }
  for (guint i = 0; i < codes->len; i++)
    WAIT_UNTIL (discovery_announces_code (fixture, announcer, g_ptr_array_index (codes, i)));

  updates = nexus_fake_avahi_get_n_txt_updates (fixture->avahi) - updates_before;
  seconds = (guint) ((g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  g_test_message ("%u updates in %u s for 8 rooms", updates, seconds);
  g_assert_cmpuint (updates, >=, 1);
  g_assert_cmpuint (updates, <=, seconds + 1);
  g_assert_cmpuint (updates, <, 8);
  discovery_withdraw (fixture, announcer);
}

/* Dropped while Avahi's answer is on its way: what Avahi made for them
 * (an entry group, a browser) is freed all the same. */
static void
test_dropped_at_once (DiscoveryFixture *fixture,
                      gconstpointer     data)
{
  for (guint i = 0; i < 3; i++)
    {
      NexusAnnouncer *announcer = nexus_announcer_new (fixture->server.server);
      NexusNearby *nearby = nexus_nearby_new ();
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      /* Not WAIT_UNTIL: the main context runs only until Avahi has made
       * both, so the answers naming them are likely still unread. */
      while (nexus_fake_avahi_get_n_objects (fixture->avahi) < 2)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (100);
        }
      g_assert_finalize_object (nearby);
      g_assert_finalize_object (announcer);
      WAIT_UNTIL (nexus_fake_avahi_get_n_objects (fixture->avahi) == 0);
    }
}

/* Two hosts of one name, and a name another computer takes: Avahi's
 * alternative names. */
static void
test_collision (DiscoveryFixture *fixture,
                gconstpointer     data)
{
  NexusTestServer second = { 0, };
  NexusAnnouncer *first_announcer = discovery_announce (fixture);
  NexusAnnouncer *second_announcer = NULL;
  g_autofree char *first_name = g_strdup (nexus_announcer_get_service_name (first_announcer));
  g_autofree char *second_name = NULL;
  g_autofree char *expected = g_strconcat (first_name, " #2", NULL);
  g_autoptr(NexusFakeAvahiPeer) peer = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autofree char *code = NULL;

  nexus_test_server_setup (&second, NULL);
  second_announcer = nexus_announcer_new (second.server);
  WAIT_UNTIL (nexus_announcer_get_status (second_announcer) == NEXUS_DISCOVERY_RUNNING);
  second_name = g_strdup (nexus_announcer_get_service_name (second_announcer));
  g_assert_cmpstr (second_name, ==, expected);
  g_assert_cmpuint (nexus_fake_avahi_get_port (fixture->avahi, second_name), ==, second.port);
  discovery_withdraw (fixture, second_announcer);
  nexus_test_server_teardown (&second, NULL);

  /* Another computer claims the first name: the host moves aside. */
  ada = nexus_test_start_room (fixture->server.port, &code);
  WAIT_UNTIL (discovery_announces_code (fixture, first_announcer, code));
  peer = nexus_fake_avahi_peer_new (fixture->avahi, "bob-laptop.local", "192.0.2.7");
  nexus_fake_avahi_peer_publish (peer, first_name, 47474,
                                 discovery_txt_new ("0001020304050607", "", NULL));
  WAIT_UNTIL (g_strcmp0 (nexus_announcer_get_service_name (first_announcer), expected) == 0);
  WAIT_UNTIL (discovery_announces_code (fixture, first_announcer, code));
  g_assert_cmpuint (nexus_fake_avahi_get_port (fixture->avahi, expected), ==,
                    fixture->server.port);
  discovery_withdraw (fixture, first_announcer);
}

/* Finding a room by its code */

static void
test_find_by_code (DiscoveryFixture *fixture,
                   gconstpointer     data)
{
  NexusAnnouncer *announcer = discovery_announce (fixture);
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->server.port, &code);
  g_autofree char *formatted = nexus_code_format (code);
  g_autofree char *lower = g_ascii_strdown (formatted, -1);
  g_autofree char *spaced = g_strdup_printf (" %.3s %s ", code, code + 3);
  const char *spellings[] = { code, lower, spaced };
  NexusNearby *nearby = nexus_nearby_new ();
  g_autoptr(GAsyncResult) early = NULL;
  g_autoptr(GPtrArray) early_hosts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(JsonObject) welcome = NULL;

  g_assert_nonnull (ada);
  WAIT_UNTIL (discovery_announces_code (fixture, announcer, code));

  /* Asked before the browser has even started: it waits for it. */
  nexus_nearby_find_code_async (nearby, code, NULL, nexus_test_async_result_cb, &early);
  WAIT_UNTIL (early != NULL);
  early_hosts = nexus_nearby_find_code_finish (nearby, early, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (early_hosts->len, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    {
      g_autoptr(GPtrArray) hosts = discovery_find (nearby, spellings[i], &error);
      NexusNearbyHost *host;

      g_assert_no_error (error);
      g_assert_cmpuint (hosts->len, ==, 1);
      host = g_ptr_array_index (hosts, 0);
      g_assert_cmpstr (host->address, ==, "127.0.0.1");
      g_assert_cmpuint (host->port, ==, fixture->server.port);
      g_assert_cmpstr (host->host_name, ==, NEXUS_FAKE_AVAHI_HOST_NAME ".local");
    }

  /* The host found is the one that holds the room. */
  bob = nexus_test_client_new (fixture->server.port, NULL);
  welcome = nexus_test_client_join (bob, code, "Bob");
  g_assert_cmpstr (nexus_test_str (welcome, "room"), ==, code);

  g_assert_null (discovery_find (nearby, "K7Q-X3", &error));
  g_assert_error (error, NEXUS_NEARBY_ERROR, NEXUS_NEARBY_ERROR_BAD_CODE);
  g_clear_object (&early);   /* it holds the search, which holds the nearby */
  g_assert_finalize_object (nearby);
  discovery_withdraw (fixture, announcer);
}

/* No host holds the code: said once Avahi has reported every host, not
 * after the whole timeout. */
static void
test_not_found (DiscoveryFixture *fixture,
                gconstpointer     data)
{
  NexusAnnouncer *announcer = discovery_announce (fixture);
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->server.port, &code);
  NexusNearby *nearby = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GError) error = NULL;
  const char *absent = strcmp (code, "ZZZZZZ") != 0 ? "ZZZZZZ" : "YYYYYY";
  gint64 start;

  g_assert_nonnull (ada);
  WAIT_UNTIL (discovery_announces_code (fixture, announcer, code));
  nearby = discovery_nearby_new ();
  start = g_get_monotonic_time ();
  hosts = discovery_find (nearby, absent, &error);
  g_assert_null (hosts);
  g_assert_error (error, NEXUS_NEARBY_ERROR, NEXUS_NEARBY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, absent + 3));
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   NEXUS_NEARBY_FIND_TIMEOUT_MS / 2 * G_TIME_SPAN_MILLISECOND);
  g_assert_finalize_object (nearby);
  discovery_withdraw (fixture, announcer);
}

/* A room's code is a secret: no code is ever in the announcement, nor the
 * public code of a room no longer shown. */
static void
test_codes_never_announced (DiscoveryFixture *fixture,
                            gconstpointer     data)
{
  NexusAnnouncer *announcer = discovery_announce (fixture);
  g_autofree char *shown = NULL;
  g_autofree char *hidden = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->server.port, &shown);
  g_autoptr(NexusTestClient) cy = nexus_test_start_room (fixture->server.port, &hidden);
  g_autofree char *shown_public = NULL;
  g_autofree char *hidden_public = NULL;
  g_autoptr(GVariant) txt = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  const char *secrets[3];

  g_assert_nonnull (ada);
  g_assert_nonnull (cy);
  g_assert_true (nexus_server_set_room_nearby (fixture->server.server, shown, "Ada", &error));
  g_assert_true (nexus_server_set_room_nearby (fixture->server.server, hidden, "Cy", &error));
  shown_public = public_code_of (fixture, shown);
  hidden_public = public_code_of (fixture, hidden);
  g_assert_true (nexus_server_set_room_nearby (fixture->server.server, hidden, NULL, &error));
  g_assert_no_error (error);

  /* Once the record has settled: both digests, one room. */
  WAIT_UNTIL (discovery_announces_code (fixture, announcer, shown) &&
              discovery_announces_code (fixture, announcer, hidden) &&
              discovery_announces_code (fixture, announcer, shown_public));
  nexus_test_spin (1100);
  txt = nexus_fake_avahi_dup_txt (fixture->avahi, nexus_announcer_get_service_name (announcer));
  for (gsize i = 0; i < g_variant_n_children (txt); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (txt, i);
      gsize length;
      const guint8 *string = g_variant_get_fixed_array (child, &length, 1);

      g_byte_array_append (bytes, string, (guint) length);
      g_byte_array_append (bytes, (const guint8 *) "\n", 1);
    }
  g_byte_array_append (bytes, (const guint8 *) "", 1);

  /* The scan finds what is there: the public code of the shown room. */
  g_assert_nonnull (strstr ((const char *) bytes->data, shown_public));
  secrets[0] = shown;
  secrets[1] = hidden;
  secrets[2] = hidden_public;
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autofree char *lower = g_ascii_strdown (secrets[i], -1);

      g_assert_null (strstr ((const char *) bytes->data, secrets[i]));
      g_assert_null (strstr ((const char *) bytes->data, lower));
    }
  discovery_withdraw (fixture, announcer);
}

/* Rooms nearby */

static void
test_nearby_rooms (DiscoveryFixture *fixture,
                   gconstpointer     data)
{
  NexusAnnouncer *announcer = discovery_announce (fixture);
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->server.port, &code);
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *public_code = NULL;
  g_autofree char *second_public = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  NexusNearby *nearby = discovery_nearby_new ();
  GListModel *model = nexus_nearby_get_rooms (nearby);
  NexusNearbyRoom *room;

  /* Hidden: not there, though its host is seen. */
  WAIT_UNTIL (discovery_announces_code (fixture, announcer, code));
  hosts = discovery_find (nearby, code, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nexus_nearby_get_n_hosts (nearby), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_assert_true (nexus_server_set_room_nearby (fixture->server.server, code, "Ada’s room",
                                               &error));
  public_code = public_code_of (fixture, code);
  WAIT_UNTIL (g_list_model_get_n_items (model) == 1);
  room = discovery_find_room (nearby, public_code);
  g_assert_nonnull (room);
  g_assert_cmpstr (nexus_nearby_room_get_title (room), ==, "Ada’s room");
  g_assert_cmpstr (nexus_nearby_room_get_host_name (room), ==, NEXUS_FAKE_AVAHI_HOST_NAME);
  g_assert_cmpuint (nexus_nearby_room_get_n_members (room), ==, 1);
  g_assert_cmpstr (nexus_nearby_room_get_address (room), ==, "127.0.0.1");
  g_assert_cmpuint (nexus_nearby_room_get_port (room), ==, fixture->server.port);

  /* Bob joins with the public code, as a click would: the same row counts two. */
  bob = nexus_test_client_new (nexus_nearby_room_get_port (room), NULL);
  welcome = nexus_test_client_join (bob, nexus_nearby_room_get_code (room), "Bob");
  g_assert_cmpstr (nexus_test_str (welcome, "room"), ==, code);
  WAIT_UNTIL (nexus_nearby_room_get_n_members (room) == 2);
  g_assert_true (discovery_find_room (nearby, public_code) == room);

  /* Hidden again: gone. Shown again: back, with a new public code. */
  g_assert_true (nexus_server_set_room_nearby (fixture->server.server, code, NULL, &error));
  WAIT_UNTIL (g_list_model_get_n_items (model) == 0);
  g_assert_true (nexus_server_set_room_nearby (fixture->server.server, code, "Lunch", &error));
  second_public = public_code_of (fixture, code);
  g_assert_cmpstr (second_public, !=, public_code);
  WAIT_UNTIL (discovery_find_room (nearby, second_public) != NULL);

  /* Everyone leaves: the room ends, and leaves the list. */
  nexus_test_client_send (bob, "{\"type\":\"leave\"}");
  nexus_test_client_send (ada, "{\"type\":\"leave\"}");
  WAIT_UNTIL (!nexus_server_has_room (fixture->server.server, code));
  WAIT_UNTIL (g_list_model_get_n_items (model) == 0);

  g_assert_finalize_object (nearby);
  discovery_withdraw (fixture, announcer);
}

/* Without Avahi */

static void
test_unavailable (DiscoveryFixture *fixture,
                  gconstpointer     data)
{
  NexusAnnouncer *announcer = nexus_announcer_new (fixture->server.server);
  NexusNearby *nearby = nexus_nearby_new ();
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) bob = NULL;
  g_autoptr(JsonObject) welcome = NULL;

  WAIT_UNTIL (nexus_announcer_get_status (announcer) == NEXUS_DISCOVERY_UNAVAILABLE);
  WAIT_UNTIL (nexus_nearby_get_status (nearby) == NEXUS_DISCOVERY_UNAVAILABLE);
  g_test_message ("%s (%s)", nexus_announcer_get_message (announcer),
                  nexus_announcer_get_reason (announcer));
  g_assert_nonnull (strstr (nexus_announcer_get_message (announcer), "Avahi"));
  g_assert_nonnull (nexus_announcer_get_reason (announcer));
  g_assert_null (nexus_announcer_get_service_name (announcer));
  g_assert_nonnull (strstr (nexus_nearby_get_message (nearby), "Invite links still work"));

  hosts = discovery_find (nearby, "K7Q-X3M", &error);
  g_assert_null (hosts);
  g_assert_error (error, NEXUS_NEARBY_ERROR, NEXUS_NEARBY_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==, nexus_nearby_get_message (nearby));

  /* The server serves as ever. */
  ada = nexus_test_start_room (fixture->server.port, &code);
  bob = nexus_test_client_new (fixture->server.port, NULL);
  welcome = nexus_test_client_join (bob, code, "Bob");
  g_assert_cmpstr (nexus_test_str (welcome, "room"), ==, code);

  g_assert_finalize_object (nearby);
  g_assert_finalize_object (announcer);
}

/* Avahi appears after the app started, goes, and comes back. */
static void
test_avahi_comes_and_goes (DiscoveryFixture *fixture,
                           gconstpointer     data)
{
  NexusAnnouncer *announcer = nexus_announcer_new (fixture->server.server);
  NexusNearby *nearby = nexus_nearby_new ();
  g_autofree char *code = NULL;
  g_autoptr(NexusTestClient) ada = nexus_test_start_room (fixture->server.port, &code);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (ada);
  g_assert_true (nexus_server_set_room_nearby (fixture->server.server, code, "Ada", &error));
  WAIT_UNTIL (nexus_announcer_get_status (announcer) == NEXUS_DISCOVERY_UNAVAILABLE);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GPtrArray) hosts = NULL;

      g_test_message ("Avahi starts (%u)", round);
      nexus_fake_avahi_start (fixture->avahi);
      WAIT_UNTIL (nexus_announcer_get_status (announcer) == NEXUS_DISCOVERY_RUNNING);
      WAIT_UNTIL (nexus_nearby_get_status (nearby) == NEXUS_DISCOVERY_RUNNING);
      g_assert_true (has_service (fixture, nexus_announcer_get_service_name (announcer)));
      g_assert_true (discovery_announces_code (fixture, announcer, code));
      hosts = discovery_find (nearby, code, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (hosts->len, ==, 1);
      WAIT_UNTIL (g_list_model_get_n_items (nexus_nearby_get_rooms (nearby)) == 1);

      g_test_message ("Avahi stops (%u)", round);
      nexus_fake_avahi_stop (fixture->avahi);
      WAIT_UNTIL (nexus_announcer_get_status (announcer) == NEXUS_DISCOVERY_UNAVAILABLE);
      WAIT_UNTIL (nexus_nearby_get_status (nearby) == NEXUS_DISCOVERY_UNAVAILABLE);
      g_assert_cmpuint (g_list_model_get_n_items (nexus_nearby_get_rooms (nearby)), ==, 0);
      g_assert_cmpuint (nexus_nearby_get_n_hosts (nearby), ==, 0);
    }

  g_assert_finalize_object (nearby);
  g_assert_finalize_object (announcer);
}

static gboolean
has_service_on_port (DiscoveryFixture *fixture,
                     guint             port)
{
  g_auto(GStrv) names = nexus_fake_avahi_dup_service_names (fixture->avahi);

  for (guint i = 0; names[i] != NULL; i++)
    if (nexus_fake_avahi_get_port (fixture->avahi, names[i]) == port)
      return TRUE;
  return FALSE;
}

/* The headless mode announces, unless --no-discovery; without Avahi it
 * says so once on stderr and serves all the same. */
static void
test_headless (DiscoveryFixture *fixture,
               gconstpointer     data)
{
  const char *args[] = { "--port", "0", "--bind", "127.0.0.1", NULL };
  const char *quiet_args[] = { "--port", "0", "--bind", "127.0.0.1", "--no-discovery", NULL };
  g_autoptr(GSubprocess) announced = NULL;
  g_autoptr(GSubprocess) quiet = NULL;
  g_autoptr(GSubprocess) alone = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autofree char *said = NULL;
  g_autofree char *rest = NULL;
  guint port = 0;
  guint quiet_port = 0;

  announced = nexus_test_spawn_headless (args, 0, &port, NULL);
  quiet = nexus_test_spawn_headless (quiet_args, 0, &quiet_port, NULL);
  WAIT_UNTIL (has_service_on_port (fixture, port));
  nexus_test_spin (500);
  g_assert_false (has_service_on_port (fixture, quiet_port));
  g_subprocess_send_signal (announced, SIGTERM);
  g_assert_true (g_subprocess_wait (announced, NULL, &error));
  WAIT_UNTIL (!has_service_on_port (fixture, port));
  g_subprocess_send_signal (quiet, SIGTERM);
  g_assert_true (g_subprocess_wait (quiet, NULL, &error));

  nexus_fake_avahi_stop (fixture->avahi);
  alone = nexus_test_headless_new (args, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                         G_SUBPROCESS_FLAGS_STDERR_PIPE, 0);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (alone));
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (alone));
  port = 0;
  while (port == 0)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "listening on port "))
        port = (guint) g_ascii_strtoull (line + strlen ("listening on port "), NULL, 10);
    }
  ada = nexus_test_start_room (port, NULL);
  g_assert_nonnull (ada);

  /* The network doctor's findings (bound to loopback) may come first. */
  do
    {
      g_free (said);
      said = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (said);
      g_test_message ("stderr: %s", said);
    }
  while (g_str_has_prefix (said, "nexus-chat: Only this computer can join"));
  g_assert_true (g_str_has_prefix (said, "nexus-chat: rooms cannot be found by their code alone"));
  g_assert_nonnull (strstr (said, "invite links work as always"));
  g_subprocess_send_signal (alone, SIGTERM);
  rest = g_data_input_stream_read_upto (err, "", 1, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (rest != NULL ? strstr (rest, "rooms cannot be found") : NULL);
  g_assert_true (g_subprocess_wait (alone, NULL, &error));
}

/* The fake Avahi on a bus another fake runs, as a window test with more
 * than one fake service would have it. */
static void
test_fake_on_shared_bus (DiscoveryFixture *fixture,
                         gconstpointer     data)
{
  const char *address = nexus_fake_avahi_get_bus_address (fixture->avahi);
  NexusFakeAvahi *avahi = nexus_fake_avahi_new_on_bus (address, TRUE);
  NexusAnnouncer *announcer = nexus_announcer_new (fixture->server.server);

  WAIT_UNTIL (nexus_announcer_get_status (announcer) == NEXUS_DISCOVERY_RUNNING);
  g_assert_cmpuint (nexus_fake_avahi_get_port (avahi, nexus_announcer_get_service_name (announcer)),
                    ==, fixture->server.port);
  g_assert_finalize_object (announcer);
  WAIT_UNTIL (nexus_fake_avahi_get_n_objects (avahi) == 0);
  nexus_fake_avahi_free (avahi);
}

/* No system bus at all, as in a sandbox without the permission. */
static void
test_no_system_bus (NexusTestServer *fixture,
                    gconstpointer    data)
{
  NexusAnnouncer *announcer;
  NexusNearby *nearby;

  nexus_fake_avahi_point_system_bus ();
  announcer = nexus_announcer_new (fixture->server);
  nearby = nexus_nearby_new ();
  WAIT_UNTIL (nexus_announcer_get_status (announcer) == NEXUS_DISCOVERY_UNAVAILABLE);
  WAIT_UNTIL (nexus_nearby_get_status (nearby) == NEXUS_DISCOVERY_UNAVAILABLE);
  g_test_message ("%s", nexus_announcer_get_reason (announcer));
  g_assert_nonnull (strstr (nexus_announcer_get_reason (announcer), "system bus"));
  g_assert_nonnull (nexus_nearby_get_message (nearby));
  g_assert_finalize_object (nearby);
  g_assert_finalize_object (announcer);
}

void
discovery_add_announce_tests (void)
{
  DISCOVERY_TEST_ADD ("/discovery/announce", test_announce, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/txt-debounced", test_txt_debounced, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/dropped-at-once", test_dropped_at_once, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/collision", test_collision, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/find-by-code", test_find_by_code, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/not-found", test_not_found, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/codes-never-announced", test_codes_never_announced,
                      AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/nearby-rooms", test_nearby_rooms, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/unavailable", test_unavailable, AVAHI_ABSENT);
  DISCOVERY_TEST_ADD ("/discovery/avahi-comes-and-goes", test_avahi_comes_and_goes,
                      AVAHI_ABSENT);
  DISCOVERY_TEST_ADD ("/discovery/headless", test_headless, AVAHI_RUNNING);
  DISCOVERY_TEST_ADD ("/discovery/fake-on-shared-bus", test_fake_on_shared_bus, AVAHI_ABSENT);
  NEXUS_TEST_ADD_SERVER ("/discovery/no-system-bus", test_no_system_bus, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  discovery_add_announce_tests ();
  discovery_add_hostile_tests ();

  return g_test_run ();
}
