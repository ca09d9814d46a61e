/* nexus-code.c: room codes, session tokens and invite links
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "nexus-address.h"
#include "nexus-code.h"

G_DEFINE_QUARK (nexus-invite-error-quark, nexus_invite_error)

/* GLib has no cryptographic generator, so codes and tokens come straight
 * from the kernel's CSPRNG. getrandom(2) only fails on a kernel without it
 * or when interrupted; there is no safe fallback for secrets, so abort. */
void
nexus_random_bytes (void  *buffer,
                    gsize  length)
{
  guint8 *out = buffer;

  while (length > 0)
    {
      ssize_t n = getrandom (out, length, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom() failed: %s", g_strerror (errno));
        }
      out += n;
      length -= (gsize) n;
    }
}

char *
nexus_code_generate (void)
{
  const gsize alphabet_size = sizeof NEXUS_CODE_ALPHABET - 1;
  /* Largest multiple of the alphabet size that fits a byte: bytes at or
   * above it are rejected so every character is equally likely. */
  const guint limit = 256 - (256 % alphabet_size);
  char *code = g_malloc (NEXUS_CODE_LENGTH + 1);
  gsize filled = 0;

  while (filled < NEXUS_CODE_LENGTH)
    {
      guint8 bytes[16];

      nexus_random_bytes (bytes, sizeof bytes);
      for (gsize i = 0; i < sizeof bytes && filled < NEXUS_CODE_LENGTH; i++)
        if (bytes[i] < limit)
          code[filled++] = NEXUS_CODE_ALPHABET[bytes[i] % alphabet_size];
    }
  code[NEXUS_CODE_LENGTH] = '\0';

  return code;
}

/* "k7q x3m", "K7Q-X3M" → "K7QX3M"; NULL when it is not a code. */
char *
nexus_code_normalize (const char *input)
{
  char code[NEXUS_CODE_LENGTH + 1];
  gsize n = 0;

  g_return_val_if_fail (input != NULL, NULL);

  for (const char *p = input; *p; p++)
    {
      char c = *p;

      if (c == ' ' || c == '-' || c == '\t')
        continue;
      c = g_ascii_toupper (c);
      if (c == '\0' || strchr (NEXUS_CODE_ALPHABET, c) == NULL)
        return NULL;
      if (n == NEXUS_CODE_LENGTH)
        return NULL;
      code[n++] = c;
    }

  if (n != NEXUS_CODE_LENGTH)
    return NULL;
  code[n] = '\0';

  return g_strdup (code);
}

char *
nexus_code_format (const char *code)
{
  g_autofree char *normal = NULL;

  g_return_val_if_fail (code != NULL, NULL);

  normal = nexus_code_normalize (code);
  if (normal == NULL)
    return g_strdup (code);

  return g_strdup_printf ("%.3s-%s", normal, normal + 3);
}

char *
nexus_session_token_new (void)
{
  guint8 bytes[NEXUS_SESSION_TOKEN_BITS / 8];
  GString *token = g_string_sized_new (sizeof bytes * 2);

  nexus_random_bytes (bytes, sizeof bytes);
  for (gsize i = 0; i < sizeof bytes; i++)
    g_string_append_printf (token, "%02x", bytes[i]);

  return g_string_free (token, FALSE);
}

/* Compares in time that depends only on the length of @b (the secret), so
 * a guesser learns nothing from how long a wrong token takes to refuse. */
gboolean
nexus_token_equal (const char *a,
                   const char *b)
{
  gsize a_len, b_len;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;

  a_len = strlen (a);
  b_len = strlen (b);
  diff = a_len != b_len;
  for (gsize i = 0; i < b_len; i++)
    diff |= (guint8) b[i] ^ (guint8) (i < a_len ? a[i] : 0);

  return diff == 0;
}

/* What is kept of a session token where it must outlive the process (the
 * host's database): its SHA-256, never the token. 128 random bits need no
 * salt or slow hash: nobody can try them all. */
char *
nexus_token_hash (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

char *
nexus_invite_link_build (const char *host,
                         guint       port,
                         const char *code)
{
  g_autofree char *url_host = NULL;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  url_host = nexus_address_url_host (host);
  return g_strdup_printf ("http://%s:%u/r/%s", url_host, port, code);
}

/* "HOST", "HOST:PORT", "[v6]:PORT" → host and port. */
static gboolean
parse_host_and_port (const char  *text,
                     char       **host,
                     guint       *port,
                     GError     **error)
{
  g_autofree char *uri_string = g_strconcat ("http://", text, "/", NULL);
  g_autoptr(GUri) uri = g_uri_parse (uri_string, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || strpbrk (text, " \t/?#@") != NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || g_uri_get_userinfo (uri) != NULL || strcmp (g_uri_get_path (uri), "/") != 0)
    {
      g_set_error (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_BAD_HOST,
                   /* Translators: %s is what was typed as the host's address */
                   _("“%s” is not a host address. Type it as the host shows it, "
                     "like 192.168.1.20:47474."), text);
      return FALSE;
    }

  *host = g_strdup (g_uri_get_host (uri));
  *port = g_uri_get_port (uri) > 0 ? (guint) g_uri_get_port (uri) : NEXUS_DEFAULT_PORT;
  return TRUE;
}

static gboolean
set_code (const char  *text,
          char       **code,
          GError     **error)
{
  *code = nexus_code_normalize (text);
  if (*code == NULL)
    {
      g_set_error_literal (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_BAD_CODE,
                           _("A room code has six letters and digits, like K7Q-X3M. "
                             "Check the code and try again."));
      return FALSE;
    }
  return TRUE;
}

/* Accepts an invite link (http://HOST:PORT/r/CODE, with or without the
 * scheme), CODE@HOST[:PORT], or a bare CODE joined with @fallback_host. */
gboolean
nexus_invite_parse (const char  *input,
                    const char  *fallback_host,
                    char       **code,
                    char       **host,
                    guint       *port,
                    GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *out_code = NULL;
  g_autofree char *out_host = NULL;
  guint out_port = NEXUS_DEFAULT_PORT;
  const char *at;

  g_return_val_if_fail (input != NULL, FALSE);

  trimmed = g_strstrip (g_strdup (input));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_EMPTY,
                           _("Paste an invite link or type a room code."));
      return FALSE;
    }

  if (strstr (trimmed, "/r/") != NULL || g_str_has_prefix (trimmed, "http"))
    {
      g_autofree char *with_scheme = strstr (trimmed, "://") ? g_strdup (trimmed)
                                                             : g_strconcat ("http://", trimmed, NULL);
      g_autoptr(GUri) uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
      const char *path;

      if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
          || !g_str_has_prefix ((path = g_uri_get_path (uri)), "/r/"))
        {
          g_set_error_literal (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_BAD_LINK,
                               _("This is not a Nexus Chat invite link. A link looks like "
                                 "http://192.168.1.20:47474/r/K7QX3M."));
          return FALSE;
        }
      {
        g_autofree char *unescaped = g_uri_unescape_string (path + 3, "/");

        if (!set_code (unescaped ? unescaped : "", &out_code, error))
          return FALSE;
      }
      out_host = g_strdup (g_uri_get_host (uri));
      if (g_uri_get_port (uri) > 0)
        out_port = (guint) g_uri_get_port (uri);
    }
  else if ((at = strchr (trimmed, '@')) != NULL)
    {
      g_autofree char *code_part = g_strndup (trimmed, (gsize) (at - trimmed));

      if (!set_code (code_part, &out_code, error)
          || !parse_host_and_port (at + 1, &out_host, &out_port, error))
        return FALSE;
    }
  else
    {
      g_autofree char *fallback = fallback_host ? g_strstrip (g_strdup (fallback_host)) : NULL;

      if (!set_code (trimmed, &out_code, error))
        return FALSE;
      if (fallback == NULL || *fallback == '\0')
        {
          g_set_error_literal (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_NO_HOST,
                               _("Type the host’s address too, as shown in the host’s Share "
                                 "panel."));
          return FALSE;
        }
      if (!parse_host_and_port (fallback, &out_host, &out_port, error))
        return FALSE;
    }

  if (code)
    *code = g_steal_pointer (&out_code);
  if (host)
    *host = g_steal_pointer (&out_host);
  if (port)
    *port = out_port;
  return TRUE;
}
