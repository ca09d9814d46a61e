/* nexus-network-doctor-ufw.c: does ufw let the port in?
 *
 * ufw has no service to ask; its own files say it: ufw.conf whether it is
 * on, /etc/default/ufw what happens to what comes in unasked, and
 * user.rules and user6.rules (the iptables rules `ufw allow` writes) what
 * is let in anyway. Any file that cannot be read means nothing to report:
 * a finding must be true.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-network-doctor-private.h"

static char *
read_file (const char *etc_root,
           const char *first,
           const char *second)
{
  g_autofree char *path = g_build_filename (etc_root, first, second, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

/* The value of KEY=value in a shell-style file, its quotes taken off. */
static char *
shell_file_value (const char *contents,
                  const char *key)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  char *value = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      gsize key_length = strlen (key);
      gsize length;

      if (*line == '#' || strncmp (line, key, key_length) != 0 || line[key_length] != '=')
        continue;

      /* The last one counts, as when the shell reads the file. */
      g_free (value);
      value = g_strdup (line + key_length + 1);
      length = strlen (value);
      if (length >= 2 && (value[0] == '"' || value[0] == '\'') && value[length - 1] == value[0])
        {
          memmove (value, value + 1, length - 2);
          value[length - 2] = '\0';
        }
    }

  return value;
}

/* "47474", "47000:48000" or a list of them, as iptables' --dport(s) take. */
static gboolean
ports_contain (const char *ports,
               guint       port)
{
  g_auto(GStrv) items = g_strsplit (ports, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    if (nexus_port_range_contains (items[i], ':', port))
      return TRUE;
  return FALSE;
}

/* One rule of user.rules, such as
 *   -A ufw-user-input -p tcp --dport 47474 -j ACCEPT
 *   -A ufw-user-input -p tcp -m multiport --dports 47000:48000 -j ACCEPT
 *   -A ufw-user-input -s 192.168.1.0/24 -j ACCEPT
 * Whether it lets @port/tcp in, from somewhere at least: a rule for one
 * source or one interface counts too, as it may be the guests'. */
static gboolean
rule_lets_in (const char *line,
              guint       port)
{
  g_auto(GStrv) words = g_strsplit_set (line, " \t", -1);
  const char *chain = NULL;
  const char *protocol = NULL;
  const char *ports = NULL;
  const char *target = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *next = words[i + 1];

      if (next == NULL)
        break;
      if (g_str_equal (words[i], "-A"))
        chain = next;
      else if (g_str_equal (words[i], "-p"))
        protocol = next;
      else if (g_str_equal (words[i], "--dport") || g_str_equal (words[i], "--dports"))
        ports = next;
      else if (g_str_equal (words[i], "-j"))
        target = next;
    }

  if (chain == NULL
      || !(g_str_equal (chain, "ufw-user-input") || g_str_equal (chain, "ufw6-user-input")))
    return FALSE;
  /* `ufw limit` accepts through a chain of its own. */
  if (target == NULL
      || !(g_str_equal (target, "ACCEPT") || g_str_has_suffix (target, "-user-limit-accept")))
    return FALSE;
  if (protocol != NULL && !g_str_equal (protocol, "tcp") && !g_str_equal (protocol, "all"))
    return FALSE;
  return ports == NULL || ports_contain (ports, port);
}

static gboolean
rules_let_in (const char *rules,
              guint       port)
{
  g_auto(GStrv) lines = g_strsplit (rules, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "-A ") && rule_lets_in (g_strstrip (lines[i]), port))
      return TRUE;
  return FALSE;
}

gboolean
nexus_ufw_blocks_port (const char *etc_root,
                       guint       port)
{
  g_autofree char *conf = NULL;
  g_autofree char *enabled = NULL;
  g_autofree char *defaults = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *rules6 = NULL;

  g_return_val_if_fail (etc_root != NULL, FALSE);

  conf = read_file (etc_root, "ufw", "ufw.conf");
  if (conf == NULL)
    return FALSE;
  enabled = shell_file_value (conf, "ENABLED");
  if (enabled == NULL || g_ascii_strcasecmp (enabled, "yes") != 0)
    return FALSE;

  defaults = read_file (etc_root, "default", "ufw");
  if (defaults == NULL)
    return FALSE;
  policy = shell_file_value (defaults, "DEFAULT_INPUT_POLICY");
  if (policy == NULL
      || !(g_str_equal (policy, "DROP") || g_str_equal (policy, "REJECT")))
    return FALSE;

  /* Readable by root only on most systems: then there is no telling. */
  rules = read_file (etc_root, "ufw", "user.rules");
  if (rules == NULL || rules_let_in (rules, port))
    return FALSE;
  rules6 = read_file (etc_root, "ufw", "user6.rules");
  if (rules6 != NULL && rules_let_in (rules6, port))
    return FALSE;

  return TRUE;
}
