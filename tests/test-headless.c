/* test-headless.c: the nexus-chat binary in --headless mode
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "nexus-test-utils.h"

static void
test_serve_and_sigterm (void)
{
  const char *args[] = { "--port", "0", "--bind", "127.0.0.1", NULL };
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autofree char *code = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *page = NULL;
  g_autoptr(GAsyncResult) exited = NULL;
  guint port = 0;

  process = nexus_test_spawn_headless (args, 0, &port, lines);
  g_assert_cmpuint (port, >, 0);
  /* With --bind, the one address printed is that one. */
  expected = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpstr (lines->pdata[0], ==, expected);

  g_assert_cmpuint (nexus_test_http (port, "GET", "/", NULL, &page), ==, 200);
  ada = nexus_test_start_room (port, &code);
  g_assert_cmpuint (strlen (code), ==, 6);

  g_subprocess_send_signal (process, SIGTERM);
  nexus_test_client_wait_closed (ada);
  g_assert_cmpuint (ada->close_code, ==, 1001);
  g_subprocess_wait_async (process, NULL, nexus_test_async_result_cb, &exited);
  WAIT_UNTIL (exited != NULL);
  g_assert_true (g_subprocess_wait_finish (process, exited, NULL));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_sigint_and_all_interfaces (void)
{
  const char *args[] = { "--port", "0", NULL };
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  guint port = 0;

  process = nexus_test_spawn_headless (args, 0, &port, lines);
  /* One line per LAN address (at least loopback when there is none). */
  g_assert_cmpuint (lines->len, >=, 1);
  g_assert_cmpuint (nexus_test_http (port, "GET", "/api/info", NULL, NULL), ==, 200);
  g_subprocess_send_signal (process, SIGINT);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_sigusr1_drops_connections (void)
{
  const char *args[] = { "--port", "0", "--bind", "127.0.0.1", "--grace-seconds", "5", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(NexusTestClient) ada = NULL;
  g_autoptr(NexusTestClient) again = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) resumed = NULL;
  g_autoptr(GError) error = NULL;
  guint port = 0;

  process = nexus_test_spawn_headless (args, 0, &port, NULL);
  ada = nexus_test_start_room_full (port, &welcome, NULL);
  g_subprocess_send_signal (process, SIGUSR1);
  nexus_test_client_wait_closed (ada);
  g_assert_cmpuint (ada->close_code, ==, 0);

  again = nexus_test_client_new_resumed (port, welcome, 1, &resumed);
  g_assert_true (json_object_get_boolean_member (resumed, "resumed"));

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* Runs nexus-chat --headless @args to completion; returns its exit status. */
static int
run (const char * const *args,
     char              **out,
     char              **err)
{
  const GSubprocessFlags pipes = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  g_autoptr(GSubprocess) process = nexus_test_headless_new (args, pipes, 0);
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (process);
}

static void
test_version_and_help (void)
{
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;

  g_assert_cmpint (run ((const char *[]) { "--version", NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "nexus-chat " PACKAGE_VERSION "\n");
  g_assert_cmpint (run ((const char *[]) { "--help-all", NULL }, &out2, NULL), ==, 0);
  for (const char *flag = "--port\0--bind\0--grace-seconds\0--history\0--max-members\0--max-rooms\0"
                          "--max-connections\0--rate\0--burst\0--failed-joins\0";
       *flag; flag += strlen (flag) + 1)
    g_assert_nonnull (strstr (out2, flag));
}

static void
test_errors_are_one_line (void)
{
  const char *bad_port[] = { "--port", "70000", NULL };
  const char *bad_bind[] = { "--port", "0", "--bind", "nowhere", NULL };
  const char *bad_limit[] = { "--history", "0", NULL };
  const char *bad_flag[] = { "--frobnicate", NULL };
  const char * const *cases[] = { bad_port, bad_bind, bad_limit, bad_flag };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run (cases[i], NULL, &err), ==, 1);
      g_test_message ("stderr: %s", err);
      g_assert_true (g_str_has_prefix (err, "nexus-chat: "));
      g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);
    }
}

static void
test_port_taken (void)
{
  const char *args[] = { "--port", "0", "--bind", "127.0.0.1", NULL };
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *err = NULL;
  guint port = 0;

  first = nexus_test_spawn_headless (args, 0, &port, NULL);
  port_text = g_strdup_printf ("%u", port);
  g_assert_cmpint (run ((const char *[]) { "--bind", "127.0.0.1", "--port", port_text, NULL },
                        NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "cannot listen"));
  g_subprocess_send_signal (first, SIGTERM);
  g_assert_true (g_subprocess_wait (first, NULL, &error));
}

/* The network doctor speaks at start: a server bound to loopback says
 * that only this computer can join, and how to let others in. */
static void
test_doctor_at_start (void)
{
  const char *args[] = { "--port", "0", "--bind", "127.0.0.1", "--no-discovery", NULL };
  g_autoptr(GSubprocess) process =
    nexus_test_headless_new (args, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                   | G_SUBPROCESS_FLAGS_STDERR_PIPE, 0);
  GInputStream *err = g_subprocess_get_stderr_pipe (process);
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (err);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_cmpstr (line, ==, "nexus-chat: Only this computer can join: Nexus Chat was started "
                             "with --bind 127.0.0.1. Start it without --bind to let others on "
                             "your network in.");
  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/headless/serve-and-sigterm", test_serve_and_sigterm);
  g_test_add_func ("/headless/sigint-all-interfaces", test_sigint_and_all_interfaces);
  g_test_add_func ("/headless/sigusr1-drops-connections", test_sigusr1_drops_connections);
  g_test_add_func ("/headless/version-and-help", test_version_and_help);
  g_test_add_func ("/headless/errors-are-one-line", test_errors_are_one_line);
  g_test_add_func ("/headless/port-taken", test_port_taken);
  g_test_add_func ("/headless/doctor-at-start", test_doctor_at_start);

  return g_test_run ();
}
