/* test-discovery-txt.c: the TXT record of PROTOCOL.md's DNS-SD section:
 * digests, what a host builds, and what a guest accepts from the network
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-code.h"
#include "nexus-discovery-txt.h"

static const guint8 salt[NEXUS_DISCOVERY_SALT_BYTES] = { 0, 1, 2, 3, 4, 5, 6, 7 };

/* A TXT record from strings that may hold NULs: each is given with its
 * length, the list ends with NULL. */
static GVariant *
txt_new (const char *first,
         ...)
{
  GVariantBuilder builder;
  va_list args;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  va_start (args, first);
  for (const char *string = first; string != NULL; string = va_arg (args, const char *))
    g_variant_builder_add_value (&builder,
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, string,
                                                            strlen (string), 1));
  va_end (args);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static NexusRoomSummary *
summary_new (const char *code,
             const char *nearby_code,
             const char *title,
             guint       n_members)
{
  NexusRoomSummary *summary = g_new0 (NexusRoomSummary, 1);

  summary->code = g_strdup (code);
  summary->nearby_code = g_strdup (nearby_code);
  summary->title = g_strdup (title);
  summary->n_members = n_members;
  return summary;
}

static GPtrArray *
summaries_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_room_summary_free);
}

/* The strings of a TXT record, as C strings (ours hold no NUL). */
static GStrv
txt_strings (GVariant *txt)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (gsize i = 0; i < g_variant_n_children (txt); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (txt, i);
      gsize length;
      const char *bytes = g_variant_get_fixed_array (child, &length, 1);
      g_autofree char *string = g_strndup (bytes, length);

      g_assert_cmpuint (strlen (string), ==, length);
      g_assert_cmpuint (length, <=, 255);
      g_strv_builder_add (builder, string);
    }
  return g_strv_builder_end (builder);
}

static void
test_digest (void)
{
  /* Computed elsewhere: HMAC-SHA-256, key 0001020304050607, first 2 bytes. */
  g_assert_cmphex (nexus_discovery_digest (salt, "K7QX3M"), ==, 0xeef8);
  g_assert_cmphex (nexus_discovery_digest (salt, "ABCDEF"), ==, 0x318d);
  g_assert_cmphex (nexus_discovery_digest (salt, "222222"), ==, 0x93a7);
}

static void
test_build (void)
{
  g_autoptr(GPtrArray) rooms = summaries_new ();
  g_autoptr(GVariant) txt = NULL;
  g_auto(GStrv) strings = NULL;
  const char *expected[] = {
    "txtvers=1", "proto=1", "app=" PACKAGE_VERSION, "salt=0001020304050607",
    "codes=93a7,318d,eef8", "room1=XYZ234 3 Ada’s room", NULL
  };

  g_ptr_array_add (rooms, summary_new ("K7QX3M", NULL, NULL, 1));
  g_ptr_array_add (rooms, summary_new ("ABCDEF", "XYZ234", "Ada’s room", 3));
  g_ptr_array_add (rooms, summary_new ("222222", NULL, NULL, 2));
  txt = g_variant_ref_sink (nexus_discovery_txt_build (salt, rooms, PACKAGE_VERSION));
  strings = txt_strings (txt);
  /* Sorted by code, so the record stays the same while the rooms do. */
  g_assert_cmpstrv (strings, expected);
}

static void
test_build_empty (void)
{
  g_autoptr(GPtrArray) rooms = summaries_new ();
  g_autoptr(GVariant) txt = g_variant_ref_sink (nexus_discovery_txt_build (salt, rooms, "1.2.3"));
  g_auto(GStrv) strings = txt_strings (txt);
  g_autoptr(NexusDiscoveryTxt) parsed = nexus_discovery_txt_parse (txt, NULL);

  g_assert_true (g_strv_contains ((const char * const *) strings, "codes="));
  g_assert_nonnull (parsed);
  g_assert_cmpuint (parsed->n_digests, ==, 0);
  g_assert_cmpuint (parsed->n_rooms, ==, 0);
  g_assert_false (parsed->more);
  g_assert_cmpstr (parsed->app_version, ==, "1.2.3");
  g_assert_cmpint (nexus_discovery_txt_match (parsed, "K7QX3M"), ==, NEXUS_DISCOVERY_MATCH_NONE);
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) rooms = summaries_new ();
  g_autoptr(GVariant) txt = NULL;
  g_autoptr(NexusDiscoveryTxt) parsed = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (rooms, summary_new ("K7QX3M", "HJK234", "Lunch 🍕 plans", 12));
  g_ptr_array_add (rooms, summary_new ("ABCDEF", NULL, NULL, 1));
  g_ptr_array_add (rooms, summary_new ("MNPQRS", "TUVWXY", "Kitchen", 0));
  txt = g_variant_ref_sink (nexus_discovery_txt_build (salt, rooms, PACKAGE_VERSION));
  parsed = nexus_discovery_txt_parse (txt, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (parsed->proto, ==, 1);
  g_assert_cmpmem (parsed->salt, sizeof parsed->salt, salt, sizeof salt);
  g_assert_cmpuint (parsed->n_digests, ==, 3);
  g_assert_false (parsed->more);
  g_assert_cmpuint (parsed->n_rooms, ==, 2);
  g_assert_cmpstr (parsed->rooms[0].code, ==, "HJK234");
  g_assert_cmpstr (parsed->rooms[0].title, ==, "Lunch 🍕 plans");
  g_assert_cmpuint (parsed->rooms[0].n_members, ==, 12);
  g_assert_cmpstr (parsed->rooms[1].code, ==, "TUVWXY");
  g_assert_cmpuint (parsed->rooms[1].n_members, ==, 0);

  for (guint i = 0; i < rooms->len; i++)
    g_assert_cmpint (nexus_discovery_txt_match (parsed,
                                                ((NexusRoomSummary *) rooms->pdata[i])->code),
                     ==, NEXUS_DISCOVERY_MATCH_DIGEST);
  g_assert_cmpint (nexus_discovery_txt_match (parsed, "HJK234"), ==, NEXUS_DISCOVERY_MATCH_PUBLIC);
  /* Not one of its digests under this salt. */
  g_assert_cmphex (nexus_discovery_digest (salt, "ZZZZZZ"), !=, nexus_discovery_digest (salt, "K7QX3M"));
  g_assert_cmpint (nexus_discovery_txt_match (parsed, "ZZZZZZ"), ==, NEXUS_DISCOVERY_MATCH_NONE);
}

/* More rooms than `codes` holds: 48 digests, `more=1`, and a code left
 * out still makes the host worth asking. */
static void
test_build_many (void)
{
  g_autoptr(GPtrArray) rooms = summaries_new ();
  g_autoptr(GVariant) txt = NULL;
  g_autoptr(NexusDiscoveryTxt) parsed = NULL;
  g_auto(GStrv) strings = NULL;
  guint n_matched = 0;

  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *code = nexus_code_generate ();
      g_autofree char *nearby = nexus_code_generate ();
      g_autofree char *title = g_strdup_printf ("%-40u", i);   /* 40 characters */

      g_ptr_array_add (rooms, summary_new (code, nearby, title, 99999 + i));
    }
  txt = g_variant_ref_sink (nexus_discovery_txt_build (salt, rooms, PACKAGE_VERSION));
  strings = txt_strings (txt);
  g_assert_true (g_strv_contains ((const char * const *) strings, "more=1"));
  parsed = nexus_discovery_txt_parse (txt, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpuint (parsed->n_digests, ==, NEXUS_DISCOVERY_MAX_CODES);
  g_assert_true (parsed->more);
  g_assert_cmpuint (parsed->n_rooms, ==, NEXUS_DISCOVERY_MAX_ROOMS);
  for (guint i = 0; i < parsed->n_rooms; i++)
    g_assert_cmpuint (parsed->rooms[i].n_members, ==, NEXUS_DISCOVERY_MAX_MEMBERS);
  for (guint i = 0; i < rooms->len; i++)
    {
      NexusDiscoveryMatch match =
        nexus_discovery_txt_match (parsed, ((NexusRoomSummary *) rooms->pdata[i])->code);

      g_assert_cmpint (match, >=, NEXUS_DISCOVERY_MATCH_MORE);
      n_matched += match == NEXUS_DISCOVERY_MATCH_DIGEST;
    }
  g_assert_cmpuint (n_matched, >=, NEXUS_DISCOVERY_MAX_CODES);
}

/* A room the parser would refuse is left out, not the whole record. */
static void
test_build_skips_bad_rooms (void)
{
  g_autoptr(GPtrArray) rooms = summaries_new ();
  g_autoptr(GVariant) txt = NULL;
  g_autoptr(NexusDiscoveryTxt) parsed = NULL;

  g_ptr_array_add (rooms, summary_new ("AAAAAA", "BBBBBB", "Bell\a", 1));
  g_ptr_array_add (rooms, summary_new ("CCCCCC", "bad code", "Fine", 1));
  g_ptr_array_add (rooms, summary_new ("DDDDDD", "EEEEEE", "Fine", 1));
  g_ptr_array_add (rooms, summary_new ("FFFFFF", "GGGGGG", NULL, 1));
  txt = g_variant_ref_sink (nexus_discovery_txt_build (salt, rooms, PACKAGE_VERSION));
  parsed = nexus_discovery_txt_parse (txt, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpuint (parsed->n_digests, ==, 4);
  g_assert_cmpuint (parsed->n_rooms, ==, 1);
  g_assert_cmpstr (parsed->rooms[0].code, ==, "EEEEEE");
}

#define BASE "txtvers=1", "proto=1", "salt=0001020304050607"

/* What a record from another program, or a later version, may hold. */
static void
test_parse_accepts (void)
{
  g_autoptr(GVariant) unknown = txt_new (BASE, "codes=eef8", "future=yes", "room9=junk",
                                         "room0=junk", "room01=junk", "flag", "", "=odd", NULL);
  g_autoptr(GVariant) first_wins = txt_new (BASE, "codes=eef8", "salt=zz", "codes=bad", NULL);
  g_autoptr(GVariant) any_case = txt_new ("TXTVERS=1", "Proto=7", "SALT=0001020304050607",
                                          "Codes=", "MORE=1", "ROOM2=K7QX3M 5 A", NULL);
  g_autoptr(GVariant) gaps = txt_new (BASE, "codes=", "room3=ABCDEF 0 Only room",
                                      "room8=HJKMNP 99999 1234567890123456789012345678901234567ü",
                                      NULL);
  NexusDiscoveryTxt *txt;

  txt = nexus_discovery_txt_parse (unknown, NULL);
  g_assert_nonnull (txt);
  g_assert_null (txt->app_version);
  g_assert_cmpint (nexus_discovery_txt_match (txt, "K7QX3M"), ==, NEXUS_DISCOVERY_MATCH_DIGEST);
  g_assert_cmpuint (txt->n_rooms, ==, 0);
  nexus_discovery_txt_free (txt);

  txt = nexus_discovery_txt_parse (first_wins, NULL);
  g_assert_nonnull (txt);
  g_assert_cmpuint (txt->n_digests, ==, 1);
  nexus_discovery_txt_free (txt);

  txt = nexus_discovery_txt_parse (any_case, NULL);
  g_assert_nonnull (txt);
  g_assert_cmpuint (txt->proto, ==, 7);
  g_assert_true (txt->more);
  g_assert_cmpint (nexus_discovery_txt_match (txt, "K7QX3M"), ==, NEXUS_DISCOVERY_MATCH_PUBLIC);
  g_assert_cmpint (nexus_discovery_txt_match (txt, "ABCDEF"), ==, NEXUS_DISCOVERY_MATCH_MORE);
  nexus_discovery_txt_free (txt);

  txt = nexus_discovery_txt_parse (gaps, NULL);
  g_assert_nonnull (txt);
  g_assert_cmpuint (txt->n_rooms, ==, 2);
  g_assert_cmpstr (txt->rooms[0].title, ==, "Only room");
  g_assert_cmpuint (txt->rooms[1].n_members, ==, 99999);
  nexus_discovery_txt_free (txt);
}

/* Takes @txt, floating or not. */
static void
assert_refused (GVariant   *txt,
                const char *what)
{
  g_autoptr(GVariant) owned = g_variant_take_ref (txt);
  g_autoptr(GError) error = NULL;
  g_autoptr(NexusDiscoveryTxt) parsed = NULL;
  g_autofree char *shown = g_strescape (what, NULL);

  g_test_message ("refused: %s", shown);
  parsed = nexus_discovery_txt_parse (owned, &error);
  g_assert_null (parsed);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static GVariant *
with_room (const char *room)
{
  return txt_new (BASE, "codes=", room, NULL);
}

static void
test_parse_refuses (void)
{
  struct { const char *what; const char *strings[4]; } missing[] = {
    { "no txtvers", { "proto=1", "salt=0001020304050607", "codes=", NULL } },
    { "no proto", { "txtvers=1", "salt=0001020304050607", "codes=", NULL } },
    { "no salt", { "txtvers=1", "proto=1", "codes=", NULL } },
    { "no codes", { "txtvers=1", "proto=1", "salt=0001020304050607", NULL } },
  };
  const char *bad_values[] = {
    "txtvers=2", "txtvers=01", "txtvers=", "txtvers",
    "proto=0", "proto=-1", "proto=x", "proto=99999999999", "proto=+1", "proto",
    "salt=000102030405060", "salt=00010203040506070", "salt=000102030405060A",
    "salt=00010203040506zz", "salt",
    "codes=abc", "codes=abcd,", "codes=ABCD", "codes=abcd;1234", "codes=,abcd", "codes=abcde",
    "codes",
    "more=2", "more=yes", "more=", "more",
    "app=", "app=1 2", "app=123456789012345678901234567890123", "app=1.0\n", "app",
  };
  const char *bad_rooms[] = {
    "room1=k7qx3m 1 Lower", "room1=K7QX3I 1 Not the alphabet", "room1=K7QX30 1 Zero",
    "room1=K7QX3M1 1 Long", "room1=K7QX3 1 Short", "room1=K7QX3M  Title", "room1=K7QX3M 01 T",
    "room1=K7QX3M 100000 T", "room1=K7QX3M -1 T", "room1=K7QX3M x T", "room1=K7QX3M 1 ",
    "room1=K7QX3M 1", "room1=K7QX3M", "room1=", "room1",
    "room1=K7QX3M 1 12345678901234567890123456789012345678901",
    "room1=K7QX3M 1 Line\nbreak", "room1=K7QX3M 1 Zero\u200Bwidth", "room1=K7QX3M 1 Bidi\u202E",
    "room1=K7QX3M 1 Bad \xff UTF-8", "room1=K7QX3M 1 \xc3", "room1=K7QX3M 1    ",
    "room1=K7QX3M\t1 Tab",
  };
  GVariantBuilder builder;

  for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
    assert_refused (txt_new (missing[i].strings[0], missing[i].strings[1],
                             missing[i].strings[2], NULL), missing[i].what);
  for (guint i = 0; i < G_N_ELEMENTS (bad_values); i++)
    {
      /* Before the good one, so it is the first occurrence. */
      assert_refused (txt_new (bad_values[i], "txtvers=1", "proto=1", "salt=0001020304050607",
                               "codes=", NULL), bad_values[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_rooms); i++)
    assert_refused (with_room (bad_rooms[i]), bad_rooms[i]);

  assert_refused (txt_new (BASE, "codes=", "room1=K7QX3M 1 A", "room2=K7QX3M 2 B", NULL),
                  "the same public code twice");

  /* A NUL inside a title. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  for (const char * const *s = (const char *[]) { BASE, "codes=", NULL }; *s != NULL; s++)
    g_variant_builder_add_value (&builder, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, *s,
                                                                      strlen (*s), 1));
  g_variant_builder_add_value (&builder,
                               g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                          "room1=K7QX3M 1 A\0B", 18, 1));
  assert_refused (g_variant_builder_end (&builder), "a NUL in a title");

  assert_refused (g_variant_new_strv ((const char *[]) { BASE, "codes=" }, 4), "not aay");
}

/* Size: too many strings, one too long, all too long together. */
static void
test_parse_refuses_size (void)
{
  g_autofree char *long_string = g_strnfill (256, 'x');
  g_autofree char *almost = g_strnfill (250, 'y');
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  for (guint i = 0; i <= NEXUS_DISCOVERY_TXT_MAX_STRINGS; i++)
    g_variant_builder_add_value (&builder, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "a=b",
                                                                      3, 1));
  assert_refused (g_variant_builder_end (&builder), "too many strings");

  assert_refused (txt_new (BASE, "codes=", long_string, NULL), "a string of 256 bytes");

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aay"));
  for (const char * const *s = (const char *[]) { BASE, "codes=", NULL }; *s != NULL; s++)
    g_variant_builder_add_value (&builder, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, *s,
                                                                      strlen (*s), 1));
  for (guint i = 0; i < NEXUS_DISCOVERY_TXT_MAX_BYTES / 250 + 1; i++)
    g_variant_builder_add_value (&builder, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, almost,
                                                                      250, 1));
  assert_refused (g_variant_builder_end (&builder), "too many bytes");

  /* 49 digests: one more than `codes` may hold. */
  {
    g_autoptr(GString) codes = g_string_new ("codes=");
    g_autoptr(GVariant) txt = NULL;
    g_autoptr(NexusDiscoveryTxt) parsed = NULL;

    for (guint i = 0; i < NEXUS_DISCOVERY_MAX_CODES + 1; i++)
      g_string_append_printf (codes, i == 0 ? "%04x" : ",%04x", i);
    assert_refused (txt_new (BASE, codes->str, NULL), "49 digests");
    g_string_truncate (codes, codes->len - 5);
    txt = txt_new (BASE, codes->str, NULL);
    parsed = nexus_discovery_txt_parse (txt, NULL);
    g_assert_nonnull (parsed);
    g_assert_cmpuint (parsed->n_digests, ==, NEXUS_DISCOVERY_MAX_CODES);
  }
}

static void
test_title_is_valid (void)
{
  g_assert_true (nexus_discovery_title_is_valid ("Ada"));
  g_assert_true (nexus_discovery_title_is_valid ("Ünïcödé 🎉 room"));
  g_assert_true (nexus_discovery_title_is_valid ("1234567890123456789012345678901234567890"));
  g_assert_false (nexus_discovery_title_is_valid (""));
  g_assert_false (nexus_discovery_title_is_valid ("   "));
  g_assert_false (nexus_discovery_title_is_valid ("12345678901234567890123456789012345678901"));
  g_assert_false (nexus_discovery_title_is_valid ("tab\there"));
  g_assert_false (nexus_discovery_title_is_valid ("soft\u00ADhyphen"));
  g_assert_false (nexus_discovery_title_is_valid ("\xfe"));
  g_assert_false (nexus_discovery_title_is_valid (NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/discovery-txt/digest", test_digest);
  g_test_add_func ("/discovery-txt/build", test_build);
  g_test_add_func ("/discovery-txt/build-empty", test_build_empty);
  g_test_add_func ("/discovery-txt/round-trip", test_round_trip);
  g_test_add_func ("/discovery-txt/build-many", test_build_many);
  g_test_add_func ("/discovery-txt/build-skips-bad-rooms", test_build_skips_bad_rooms);
  g_test_add_func ("/discovery-txt/parse-accepts", test_parse_accepts);
  g_test_add_func ("/discovery-txt/parse-refuses", test_parse_refuses);
  g_test_add_func ("/discovery-txt/parse-refuses-size", test_parse_refuses_size);
  g_test_add_func ("/discovery-txt/title-is-valid", test_title_is_valid);

  return g_test_run ();
}
