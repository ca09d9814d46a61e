/* test-code.c: room codes, session tokens and invite links
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-code.h"

static void
test_generate_alphabet (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint counts[256] = { 0, };

  for (guint i = 0; i < 2000; i++)
    {
      char *code = nexus_code_generate ();

      g_assert_cmpuint (strlen (code), ==, NEXUS_CODE_LENGTH);
      for (const char *p = code; *p; p++)
        {
          g_assert_nonnull (strchr (NEXUS_CODE_ALPHABET, *p));
          counts[(guchar) *p]++;
        }
      g_hash_table_add (seen, code);
    }

  /* 31^6 codes: 2000 draws almost never collide, and every letter of
   * the alphabet shows up (12000 characters, ~387 expected each). */
  g_assert_cmpuint (g_hash_table_size (seen), >=, 1995);
  for (const char *p = NEXUS_CODE_ALPHABET; *p; p++)
    g_assert_cmpuint (counts[(guchar) *p], >, 250);
  for (const char *p = "01ILO"; *p; p++)
    g_assert_cmpuint (counts[(guchar) *p], ==, 0);
}

static void
test_normalize (void)
{
  const struct { const char *input; const char *expected; } cases[] = {
    { "K7QX3M", "K7QX3M" },
    { "k7q x3m", "K7QX3M" },
    { "K7Q-X3M", "K7QX3M" },
    { " k7q-X3m ", "K7QX3M" },
    { "k-7-q-x-3-m", "K7QX3M" },
    { "K7QX3", NULL },
    { "K7QX3MM", NULL },
    { "K7QX0M", NULL },   /* 0 is not in the alphabet */
    { "K7QXIM", NULL },   /* nor I */
    { "K7QX3!", NULL },
    { "", NULL },
    { "K7QX3é", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normal = nexus_code_normalize (cases[i].input);

      g_assert_cmpstr (normal, ==, cases[i].expected);
    }
}

static void
test_format (void)
{
  g_autofree char *grouped = nexus_code_format ("k7qx3m");

  g_assert_cmpstr (grouped, ==, "K7Q-X3M");
}

static void
test_tokens (void)
{
  g_autofree char *a = nexus_session_token_new ();
  g_autofree char *b = nexus_session_token_new ();
  g_autofree char *a_copy = g_strdup (a);

  g_assert_cmpuint (strlen (a), ==, NEXUS_SESSION_TOKEN_BITS / 4);
  for (const char *p = a; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p));
  g_assert_cmpstr (a, !=, b);
  g_assert_true (nexus_token_equal (a_copy, a));
  g_assert_false (nexus_token_equal (b, a));
  g_assert_false (nexus_token_equal ("", a));
  g_assert_false (nexus_token_equal (NULL, a));
  a_copy[strlen (a_copy) - 1] = '\0';
  g_assert_false (nexus_token_equal (a_copy, a));
}

static void
test_invite_link (void)
{
  g_autofree char *v4 = nexus_invite_link_build ("192.168.1.20", 47474, "K7QX3M");
  g_autofree char *v6 = nexus_invite_link_build ("fd00::5", 47475, "K7QX3M");

  g_assert_cmpstr (v4, ==, "http://192.168.1.20:47474/r/K7QX3M");
  g_assert_cmpstr (v6, ==, "http://[fd00::5]:47475/r/K7QX3M");
}

static void
test_invite_parse (void)
{
  const struct {
    const char *input;
    const char *fallback;
    const char *code;
    const char *host;
    guint port;
    int error;
  } cases[] = {
    { "http://192.168.1.20:47474/r/K7QX3M", NULL, "K7QX3M", "192.168.1.20", 47474, -1 },
    { "  http://192.168.1.20:47480/r/k7qx3m  ", NULL, "K7QX3M", "192.168.1.20", 47480, -1 },
    { "192.168.1.20:47474/r/K7Q-X3M", NULL, "K7QX3M", "192.168.1.20", 47474, -1 },
    { "http://[fd00::5]:47475/r/K7QX3M", NULL, "K7QX3M", "fd00::5", 47475, -1 },
    { "http://host.local/r/K7QX3M", NULL, "K7QX3M", "host.local", 47474, -1 },
    { "K7QX3M@192.168.1.20:47476", NULL, "K7QX3M", "192.168.1.20", 47476, -1 },
    { "k7q x3m", "192.168.1.20", "K7QX3M", "192.168.1.20", 47474, -1 },
    { "K7Q-X3M", "10.0.0.2:5000", "K7QX3M", "10.0.0.2", 5000, -1 },
    { "", NULL, NULL, NULL, 0, NEXUS_INVITE_ERROR_EMPTY },
    { "K7Q-X3M", NULL, NULL, NULL, 0, NEXUS_INVITE_ERROR_NO_HOST },
    { "K7Q-X3M", "  ", NULL, NULL, 0, NEXUS_INVITE_ERROR_NO_HOST },
    { "K7Q-X3", "10.0.0.2", NULL, NULL, 0, NEXUS_INVITE_ERROR_BAD_CODE },
    { "https://192.168.1.20/r/K7QX3M", NULL, NULL, NULL, 0, NEXUS_INVITE_ERROR_BAD_LINK },
    { "http://192.168.1.20:47474/x/K7QX3M", NULL, NULL, NULL, 0, NEXUS_INVITE_ERROR_BAD_LINK },
    { "http://192.168.1.20:47474/r/NOPE", NULL, NULL, NULL, 0, NEXUS_INVITE_ERROR_BAD_CODE },
    { "http:///r/K7QX3M", NULL, NULL, NULL, 0, NEXUS_INVITE_ERROR_BAD_LINK },
    { "K7QX3M@", NULL, NULL, NULL, 0, NEXUS_INVITE_ERROR_BAD_HOST },
    { "K7QX3M@a b", NULL, NULL, NULL, 0, NEXUS_INVITE_ERROR_BAD_HOST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *code = NULL;
      g_autofree char *host = NULL;
      guint port = 0;
      gboolean ok;

      g_test_message ("invite %u: “%s”", i, cases[i].input);
      ok = nexus_invite_parse (cases[i].input, cases[i].fallback, &code, &host, &port, &error);
      if (cases[i].error < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (code, ==, cases[i].code);
          g_assert_cmpstr (host, ==, cases[i].host);
          g_assert_cmpuint (port, ==, cases[i].port);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, NEXUS_INVITE_ERROR, cases[i].error);
          /* A sentence for a person, ending with a full stop. */
          g_assert_true (g_str_has_suffix (error->message, "."));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/code/generate-alphabet", test_generate_alphabet);
  g_test_add_func ("/code/normalize", test_normalize);
  g_test_add_func ("/code/format", test_format);
  g_test_add_func ("/code/tokens", test_tokens);
  g_test_add_func ("/code/invite-link", test_invite_link);
  g_test_add_func ("/code/invite-parse", test_invite_parse);

  return g_test_run ();
}
