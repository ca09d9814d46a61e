/* test-network-doctor-firewall.c: firewalld and ufw, as the doctor sees them
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "nexus-fake-firewalld.h"
#include "nexus-test-utils.h"
#include "test-network-doctor.h"

/* firewalld */

static NexusFakeFirewalld *
fake_firewalld_new (void)
{
  NexusFakeFirewalld *firewalld = nexus_fake_firewalld_new ();

  /* Fedora Workstation's zones, roughly. */
  nexus_fake_firewalld_add_zone (firewalld, "public", "default");
  nexus_fake_firewalld_add_zone (firewalld, "home", "default");
  nexus_fake_firewalld_add_zone (firewalld, "trusted", "ACCEPT");
  nexus_fake_firewalld_add_zone (firewalld, "drop", "DROP");
  nexus_fake_firewalld_add_service (firewalld, "public", "ssh");
  nexus_fake_firewalld_add_service (firewalld, "public", "dhcpv6-client");
  nexus_fake_firewalld_add_service_port (firewalld, "ssh", "22", "tcp");
  nexus_fake_firewalld_add_service_port (firewalld, "dhcpv6-client", "546", "udp");
  nexus_fake_firewalld_add_port (firewalld, "public", "1025-47473", "tcp");
  nexus_fake_firewalld_add_port (firewalld, "public", "47474", "udp");
  nexus_fake_firewalld_add_rich_rule (firewalld, "public",
                                      "rule family=\"ipv4\" port port=\"47474\" "
                                      "protocol=\"tcp\" reject");
  nexus_fake_firewalld_add_rich_rule (firewalld, "public",
                                      "rule family=\"ipv4\" port port=\"8080\" "
                                      "protocol=\"tcp\" accept");
  nexus_fake_firewalld_add_service (firewalld, "home", "ssh");
  return firewalld;
}

static void
start_firewalld (NexusFakeFirewalld *firewalld)
{
  nexus_fake_firewalld_start (firewalld, g_test_dbus_get_bus_address (test_bus));
}

static gboolean
calls_have (GStrv       calls,
            const char *call)
{
  return g_strv_contains ((const char * const *) calls, call);
}

/* The laptop's Wi-Fi in no zone of its own: the default zone, which lets
 * other ports in, and this one over UDP, but not over TCP. */
static void
test_firewalld_closed (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(NexusFakeFirewalld) firewalld = fake_firewalld_new ();
  g_autoptr(GPtrArray) findings = NULL;
  g_auto(GStrv) calls = NULL;

  start_firewalld (firewalld);
  set_addresses_laptop ();
  findings = run_check (NULL, TRUE);

  g_assert_cmpuint (findings->len, ==, 1);
  assert_finding (findings, 0, NEXUS_FINDING_FIREWALL_BLOCKS, "zone “public”");
  assert_finding (findings, 0, NEXUS_FINDING_FIREWALL_BLOCKS, "port 47474 in");
  assert_finding (findings, 0, NEXUS_FINDING_FIREWALL_BLOCKS,
                  "Allow it with: sudo firewall-cmd --zone=public --add-port=47474/tcp");
  g_assert_true (g_str_has_suffix (((NexusFinding *) g_ptr_array_index (findings, 0))->sentence,
                                   "--add-port=47474/tcp"));

  /* Asked about the Wi-Fi once, not docker's bridge; looked at every way
   * the port could be let in. */
  calls = nexus_fake_firewalld_dup_calls (firewalld);
  g_assert_true (calls_have (calls, "getZoneOfInterface wlp2s0"));
  g_assert_false (calls_have (calls, "getZoneOfInterface docker0"));
  g_assert_true (calls_have (calls, "getDefaultZone"));
  g_assert_true (calls_have (calls, "queryPort public 47474 tcp"));
  g_assert_true (calls_have (calls, "getZoneSettings2 public"));
  g_assert_true (calls_have (calls, "getServiceSettings2 ssh"));
  g_assert_true (calls_have (calls, "getServiceSettings2 dhcpv6-client"));
  g_assert_cmpuint (g_strv_length (calls), ==, 6);
}

/* Each zone that keeps the port out is a finding, with its own command. */
static void
test_firewalld_closed_zones (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(NexusFakeFirewalld) firewalld = fake_firewalld_new ();
  g_autoptr(GPtrArray) findings = NULL;
  g_auto(GStrv) calls = NULL;

  nexus_fake_firewalld_set_interface_zone (firewalld, "wlp2s0", "home");
  nexus_fake_firewalld_set_interface_zone (firewalld, "enp3s0", "drop");
  nexus_fake_firewalld_set_interface_zone (firewalld, "eth1", "home");
  start_firewalld (firewalld);
  set_addresses ("192.168.1.20", "wlp2s0", NEXUS_INTERFACE_WIFI,
                 "10.0.0.20", "enp3s0", NEXUS_INTERFACE_ETHERNET,
                 "10.0.1.20", "eth1", NEXUS_INTERFACE_ETHERNET,
                 NULL);
  findings = run_check (NULL, TRUE);

  g_assert_cmpuint (findings->len, ==, 2);
  assert_finding (findings, 0, NEXUS_FINDING_FIREWALL_BLOCKS,
                  "sudo firewall-cmd --zone=home --add-port=47474/tcp");
  assert_finding (findings, 1, NEXUS_FINDING_FIREWALL_BLOCKS,
                  "sudo firewall-cmd --zone=drop --add-port=47474/tcp");

  calls = nexus_fake_firewalld_dup_calls (firewalld);
  g_assert_false (calls_have (calls, "getDefaultZone"));
  g_assert_false (calls_have (calls, "queryPort public 47474 tcp"));
}

/* Where only virtual interfaces carry addresses (a network namespace, a
 * container), guests come in through them. */
static void
test_firewalld_closed_virtual (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(NexusFakeFirewalld) firewalld = fake_firewalld_new ();
  g_autoptr(GPtrArray) findings = NULL;
  g_auto(GStrv) calls = NULL;

  start_firewalld (firewalld);
  set_addresses ("10.200.0.1", "veth-host", NEXUS_INTERFACE_VIRTUAL, NULL);
  findings = run_check (NULL, TRUE);

  g_assert_cmpuint (findings->len, ==, 1);
  assert_finding (findings, 0, NEXUS_FINDING_FIREWALL_BLOCKS, "--zone=public");
  calls = nexus_fake_firewalld_dup_calls (firewalld);
  g_assert_true (calls_have (calls, "getZoneOfInterface veth-host"));
}

typedef void (*OpenFunc) (NexusFakeFirewalld *firewalld);

static void
open_with_port (NexusFakeFirewalld *firewalld)
{
  nexus_fake_firewalld_add_port (firewalld, "public", "47474", "tcp");
}

static void
open_with_range (NexusFakeFirewalld *firewalld)
{
  nexus_fake_firewalld_add_port (firewalld, "public", "47000-48000", "tcp");
}

static void
open_with_service (NexusFakeFirewalld *firewalld)
{
  nexus_fake_firewalld_add_service (firewalld, "public", "nexus-chat");
  nexus_fake_firewalld_add_service_port (firewalld, "nexus-chat", "47474", "tcp");
}

static void
open_with_included_service (NexusFakeFirewalld *firewalld)
{
  nexus_fake_firewalld_add_service (firewalld, "public", "chat-apps");
  nexus_fake_firewalld_add_service_include (firewalld, "chat-apps", "nexus-chat");
  nexus_fake_firewalld_add_service_port (firewalld, "nexus-chat", "47400-47500", "tcp");
}

static void
open_with_trusted_zone (NexusFakeFirewalld *firewalld)
{
  nexus_fake_firewalld_set_interface_zone (firewalld, "wlp2s0", "trusted");
}

static void
open_with_rich_rule (NexusFakeFirewalld *firewalld)
{
  nexus_fake_firewalld_add_rich_rule (firewalld, "public",
                                      "rule family=\"ipv4\" source address=\"192.168.1.0/24\" "
                                      "port port=\"47474\" protocol=\"tcp\" accept");
}

static void
open_with_source_rule (NexusFakeFirewalld *firewalld)
{
  nexus_fake_firewalld_add_rich_rule (firewalld, "public",
                                      "rule family=\"ipv4\" source address=\"192.168.1.0/24\" "
                                      "accept");
}

/* However the port is let in, there is nothing to report. */
static void
test_firewalld_open (Fixture       *fixture,
                     gconstpointer  data)
{
  const struct {
    OpenFunc    open;
    const char *last_call;    /* where the check learns that it is open */
  } cases[] = {
    { open_with_port, "queryPort public 47474 tcp" },
    { open_with_range, "queryPort public 47474 tcp" },
    { open_with_service, "getServiceSettings2 nexus-chat" },
    { open_with_included_service, "getServiceSettings2 nexus-chat" },
    { open_with_trusted_zone, "getZoneSettings2 trusted" },
    { open_with_rich_rule, "getZoneSettings2 public" },
    { open_with_source_rule, "getZoneSettings2 public" },
  };

  set_addresses_laptop ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NexusFakeFirewalld) firewalld = fake_firewalld_new ();
      g_autoptr(GPtrArray) findings = NULL;
      g_auto(GStrv) calls = NULL;
      guint n_calls;

      cases[i].open (firewalld);
      start_firewalld (firewalld);
      findings = run_check (NULL, TRUE);

      g_assert_cmpuint (findings->len, ==, 0);
      calls = nexus_fake_firewalld_dup_calls (firewalld);
      n_calls = g_strv_length (calls);
      g_assert_cmpuint (n_calls, >, 0);
      g_assert_cmpstr (calls[n_calls - 1], ==, cases[i].last_call);
    }
}

/* Whatever cannot be asked is not a finding: no firewalld on the bus, a
 * question refused (no permission, an older firewalld). */
static void
test_firewalld_unknown (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *refused[] = { "getZoneOfInterface", "getDefaultZone", "queryPort",
                            "getZoneSettings2", "getServiceSettings2" };

  set_addresses_laptop ();
  {
    g_autoptr(GPtrArray) findings = run_check (NULL, TRUE);

    g_assert_cmpuint (findings->len, ==, 0);
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(NexusFakeFirewalld) firewalld = fake_firewalld_new ();
      g_autoptr(GPtrArray) findings = NULL;
      g_auto(GStrv) calls = NULL;

      nexus_fake_firewalld_set_denied (firewalld, refused[i]);
      start_firewalld (firewalld);
      findings = run_check (NULL, TRUE);

      g_assert_cmpuint (findings->len, ==, 0);
      calls = nexus_fake_firewalld_dup_calls (firewalld);
      g_assert_true (g_str_has_prefix (calls[g_strv_length (calls) - 1], refused[i]));
    }
}

/* A firewalld that never answers costs the check its deadline, no more,
 * and is not a finding. */
static void
test_firewalld_hangs (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(NexusFakeFirewalld) firewalld = fake_firewalld_new ();
  g_autoptr(GPtrArray) findings = NULL;
  g_auto(GStrv) calls = NULL;
  gint64 start;
  gint64 elapsed_msec;

  nexus_fake_firewalld_set_hangs (firewalld, TRUE);
  start_firewalld (firewalld);
  set_addresses_laptop ();

  start = g_get_monotonic_time ();
  findings = run_check (NULL, FALSE);
  elapsed_msec = (g_get_monotonic_time () - start) / 1000;

  /* The other findings still come. */
  g_assert_cmpuint (findings->len, ==, 1);
  assert_finding (findings, 0, NEXUS_FINDING_AVAHI_MISSING, "Share an invite link");
  g_assert_cmpint (elapsed_msec, >=, 1900);
  g_assert_cmpint (elapsed_msec, <, 3500);
  calls = nexus_fake_firewalld_dup_calls (firewalld);
  g_assert_cmpstrv (calls, ((const char *[]) { "getZoneOfInterface wlp2s0", NULL }));
}

/* Cancelled while waiting for firewalld: done at once. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(NexusFakeFirewalld) firewalld = fake_firewalld_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  nexus_fake_firewalld_set_hangs (firewalld, TRUE);
  start_firewalld (firewalld);
  set_addresses_laptop ();

  start = g_get_monotonic_time ();
  nexus_network_doctor_check_async (NULL, PORT, TRUE, cancellable,
                                    nexus_test_async_result_cb, &result);
  nexus_test_spin (300);
  g_assert_null (result);
  g_cancellable_cancel (cancellable);
  WAIT_UNTIL (result != NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500 * 1000);

  findings = nexus_network_doctor_check_finish (result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (findings);
}

/* ufw */

static const char ufw_rules_head[] =
  "*filter\n"
  ":ufw-user-input - [0:0]\n"
  ":ufw-user-output - [0:0]\n"
  ":ufw-user-forward - [0:0]\n"
  ":ufw-user-limit - [0:0]\n"
  ":ufw-user-limit-accept - [0:0]\n"
  "### RULES ###\n"
  "\n"
  "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n"
  "-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n"
  "\n"
  "### tuple ### deny tcp 47474 0.0.0.0/0 any 10.0.0.0/8 in\n"
  "-A ufw-user-input -p tcp --dport 47474 -s 10.0.0.0/8 -j DROP\n"
  "\n"
  "### tuple ### allow udp 47474 0.0.0.0/0 any 0.0.0.0/0 in\n"
  "-A ufw-user-input -p udp --dport 47474 -j ACCEPT\n"
  "\n"
  "### tuple ### allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 Apache%20Full - in\n"
  "-A ufw-user-input -p tcp -m multiport --dports 80,443,47000:47473 "
  "-m comment --comment 'dapp_Apache%20Full' -j ACCEPT\n"
  "\n";

static const char ufw_rules_tail[] =
  "\n"
  "### END RULES ###\n"
  "\n"
  "### LOGGING ###\n"
  "-A ufw-after-logging-input -j LOG --log-prefix \"[UFW BLOCK] \" -m limit --limit 3/min\n"
  "-I ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix \"[UFW LIMIT BLOCK] \"\n"
  "-I ufw-user-limit -j REJECT\n"
  "-I ufw-user-limit-accept -j ACCEPT\n"
  "### END LOGGING ###\n"
  "COMMIT\n";

/* ufw's files under @etc: whether it is on, its default for what comes
 * in, and the rules `ufw allow` would have written (NULL: no file). */
static void
write_ufw (const char *etc,
           const char *enabled,
           const char *input_policy,
           const char *rules,
           const char *rules6)
{
  g_autofree char *conf_path = g_build_filename (etc, "ufw", "ufw.conf", NULL);
  g_autofree char *defaults_path = g_build_filename (etc, "default", "ufw", NULL);
  g_autofree char *rules_path = g_build_filename (etc, "ufw", "user.rules", NULL);
  g_autofree char *rules6_path = g_build_filename (etc, "ufw", "user6.rules", NULL);
  g_autofree char *conf = g_strdup_printf ("# /etc/ufw/ufw.conf\n\n"
                                           "# Set to yes to start on boot.\n"
                                           "ENABLED=%s\n\nLOGLEVEL=low\n", enabled);
  g_autofree char *defaults = g_strdup_printf ("# /etc/default/ufw\n\nIPV6=yes\n\n"
                                               "DEFAULT_INPUT_POLICY=\"%s\"\n"
                                               "DEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n"
                                               "DEFAULT_FORWARD_POLICY=\"DROP\"\n",
                                               input_policy);

  write_file (conf_path, conf);
  write_file (defaults_path, defaults);
  g_unlink (rules_path);
  g_unlink (rules6_path);
  if (rules != NULL)
    {
      g_autofree char *contents = g_strconcat (ufw_rules_head, rules, ufw_rules_tail, NULL);

      write_file (rules_path, contents);
    }
  if (rules6 != NULL)
    {
      g_autofree char *contents = g_strconcat (ufw_rules_head, rules6, ufw_rules_tail, NULL);

      write_file (rules6_path, contents);
    }
}

static void
test_ufw (Fixture       *fixture,
          gconstpointer  data)
{
  const struct {
    const char *enabled;
    const char *policy;
    const char *rules;
    const char *rules6;
    gboolean    blocks;
  } cases[] = {
    /* On, dropping what comes in, no rule for the port over TCP. */
    { "yes", "DROP", "", "", TRUE },
    { "yes", "REJECT", "", "", TRUE },
    { "yes", "DROP", "", NULL, TRUE },
    /* ufw allow 47474/tcp */
    { "yes", "DROP", "-A ufw-user-input -p tcp --dport 47474 -j ACCEPT\n", "", FALSE },
    /* ufw allow 47474 */
    { "yes", "DROP", "-A ufw-user-input -p tcp --dport 47474 -j ACCEPT\n"
                     "-A ufw-user-input -p udp --dport 47474 -j ACCEPT\n", "", FALSE },
    /* ufw allow 47000:48000/tcp */
    { "yes", "DROP", "-A ufw-user-input -p tcp -m multiport --dports 47000:48000 -j ACCEPT\n",
      "", FALSE },
    /* ufw allow in on wlp2s0 to any port 47474 proto tcp */
    { "yes", "DROP", "-A ufw-user-input -i wlp2s0 -p tcp --dport 47474 -j ACCEPT\n", "", FALSE },
    /* ufw allow from 192.168.1.0/24 */
    { "yes", "DROP", "-A ufw-user-input -s 192.168.1.0/24 -j ACCEPT\n", "", FALSE },
    /* ufw limit 47474/tcp */
    { "yes", "DROP", "-A ufw-user-input -p tcp --dport 47474 -j ufw-user-limit\n"
                     "-A ufw-user-input -p tcp --dport 47474 -j ufw-user-limit-accept\n",
      "", FALSE },
    /* For IPv6 only. */
    { "yes", "DROP", "", "-A ufw6-user-input -p tcp --dport 47474 -j ACCEPT\n", FALSE },
    /* Rules that let in something else, or keep this port out. */
    { "yes", "DROP", "-A ufw-user-input -p tcp --dport 47475 -j ACCEPT\n"
                     "-A ufw-user-input -p tcp --dport 47474 -j REJECT\n"
                     "-A ufw-user-output -p tcp --dport 47474 -j ACCEPT\n"
                     "-A ufw-user-input -p tcp -m multiport --dports 1:47473,47475:65535 "
                     "-j ACCEPT\n", "", TRUE },
    /* Off, or letting everything in. */
    { "no", "DROP", "", "", FALSE },
    { "yes", "ACCEPT", "", "", FALSE },
    /* Its rules unreadable (ufw's are root's own): no telling. */
    { "yes", "DROP", NULL, NULL, FALSE },
  };

  /* Not installed. */
  g_assert_false (nexus_ufw_blocks_port (fixture->etc, PORT));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      write_ufw (fixture->etc, cases[i].enabled, cases[i].policy, cases[i].rules,
                 cases[i].rules6);
      if (nexus_ufw_blocks_port (fixture->etc, PORT) != cases[i].blocks)
        g_error ("case %u: ufw should %s the port", i, cases[i].blocks ? "block" : "let in");
    }
}

static void
test_ufw_finding (Fixture       *fixture,
                  gconstpointer  data)
{
  set_addresses_laptop ();

  write_ufw (fixture->etc, "yes", "DROP", "", "");
  {
    g_autoptr(GPtrArray) findings = run_check (NULL, TRUE);

    g_assert_cmpuint (findings->len, ==, 1);
    assert_finding (findings, 0, NEXUS_FINDING_FIREWALL_BLOCKS, "The firewall (ufw)");
    assert_finding (findings, 0, NEXUS_FINDING_FIREWALL_BLOCKS, "port 47474 in");
    assert_finding (findings, 0, NEXUS_FINDING_FIREWALL_BLOCKS,
                    "Allow it with: sudo ufw allow 47474/tcp");
  }

  /* Bound to loopback, no guest comes anyway: only that is said. */
  {
    g_autoptr(GPtrArray) findings = run_check ("127.0.0.1", TRUE);

    g_assert_cmpuint (findings->len, ==, 1);
    assert_finding (findings, 0, NEXUS_FINDING_LOOPBACK_ONLY, "--bind");
  }

  write_ufw (fixture->etc, "yes", "DROP",
             "-A ufw-user-input -p tcp --dport 47474 -j ACCEPT\n", "");
  {
    g_autoptr(GPtrArray) findings = run_check (NULL, TRUE);

    g_assert_cmpuint (findings->len, ==, 0);
  }
}

void
add_firewall_tests (void)
{
  ADD ("/network-doctor/firewalld/closed", test_firewalld_closed);
  ADD ("/network-doctor/firewalld/closed-zones", test_firewalld_closed_zones);
  ADD ("/network-doctor/firewalld/closed-virtual", test_firewalld_closed_virtual);
  ADD ("/network-doctor/firewalld/open", test_firewalld_open);
  ADD ("/network-doctor/firewalld/unknown", test_firewalld_unknown);
  ADD ("/network-doctor/firewalld/hangs", test_firewalld_hangs);
  ADD ("/network-doctor/firewalld/cancel", test_cancel);
  ADD ("/network-doctor/ufw", test_ufw);
  ADD ("/network-doctor/ufw/finding", test_ufw_finding);
}
