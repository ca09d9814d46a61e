/* nexus-lan-peer.c: one computer of the two-namespace LAN test
 *
 * tests/lan/run-lan-test runs this inside a network namespace that has a
 * D-Bus system bus and an avahi-daemon of its own, so everything it finds
 * on "the network" came over the veth link as multicast DNS. Each
 * subcommand does what a person at that computer would do, and says what
 * happened in lines of `word key=value …` on standard output, which the
 * driver reads:
 *
 *   host [--show-nearby TITLE] [--hidden-room]
 *       serves rooms as the window does (a server on every interface, port 0,
 *       announced on the network), creates Ada's room through a client on
 *       127.0.0.1, and answers every message it hears. Commands on standard
 *       input: `end` (Ada leaves her room), `quit`.
 *   guest CODE NAME
 *       finds the room by its code alone, joins, says hello, waits for the
 *       answer.
 *   join-link CODE@ADDRESS:PORT NAME
 *       the same, by an invite link instead of the network.
 *   watch-nearby TITLE STEP…
 *       watches "Rooms nearby"; the steps, in order: `present`, `members=N`,
 *       `join=NAME` (a click on the room), `leave`, `gone`. Any other room
 *       that appears is a failure: the test shows one room only.
 *   discovery-status
 *       how finding hosts stands once it has settled, with its sentence.
 *   doctor [--bind ADDRESS]
 *       serves rooms as `host` does (on ADDRESS only, when given) and runs
 *       the network doctor on that server, as the Invite popover does: one
 *       `address` line for each address with its interface and kind, one
 *       `finding` line for each finding with its sentence.
 *
 * No wait lasts longer than $NEXUS_LAN_PEER_TIMEOUT seconds (60 unless
 * set), and every subcommand ends with the driver (PR_SET_PDEATHSIG), so a
 * failed run leaves nothing behind.
 * Exit status: 0 as expected, 2 when the step the test is about failed
 * (the line says how), 1 for anything else.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gunixinputstream.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "nexus-announcer.h"
#include "nexus-client.h"
#include "nexus-code.h"
#include "nexus-nearby.h"
#include "nexus-network-doctor.h"
#include "nexus-server.h"

#define HELLO_FORMAT  "hello from %s"
#define ANSWER_PREFIX "Ada got: "

static int timeout_seconds = 60;
static gint64 deadline;

/* Spins the main context until @cond holds or the subcommand's time is up;
 * then evaluates to whether it held. A timer wakes the loop so the
 * deadline is seen. */
#define WAIT_FOR(cond)                                                      \
  ({                                                                        \
    gboolean _held;                                                         \
    while (!(_held = (cond)) && g_get_monotonic_time () < deadline)        \
      g_main_context_iteration (NULL, TRUE);                               \
    _held;                                                                  \
  })

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
restart_deadline (void)
{
  deadline = g_get_monotonic_time () + (gint64) timeout_seconds * G_USEC_PER_SEC;
}

/* Runs the main context for @msec: what is queued goes out. */
static void
spin (guint msec)
{
  gint64 until = g_get_monotonic_time () + (gint64) msec * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
}

static const char *
enum_nick (GType type,
           int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *found = g_enum_get_value (klass, value);

  /* Nicks live in the class, which GLib never frees. */
  return found != NULL ? found->value_nick : "unknown";
}

static const char *
or_none (const char *text)
{
  return text != NULL && *text != '\0' ? text : "(none)";
}

/* Which step of joining failed, as the enum's nick: "timed-out", "refused"… */
static void
print_failed (NexusClient *client)
{
  g_print ("failed failure=%s error-code=%s message=%s\n",
           enum_nick (NEXUS_TYPE_CLIENT_FAILURE, nexus_client_get_failure (client)),
           or_none (nexus_client_get_error_code (client)),
           or_none (nexus_client_get_error_message (client)));
}

static gboolean
client_settled (NexusClient *client)
{
  NexusClientState state = nexus_client_get_state (client);

  return state == NEXUS_CLIENT_STATE_JOINED || state == NEXUS_CLIENT_STATE_FAILED
         || state == NEXUS_CLIENT_STATE_ENDED;
}

/* Joins @code at @address:@port as @name; NULL (with the failure printed)
 * when the client did not get in. */
static NexusClient *
join_room (const char *address,
           guint       port,
           const char *code,
           const char *name)
{
  g_autoptr(NexusClient) client = nexus_client_new (address, port);

  nexus_client_join (client, code, name);
  if (!WAIT_FOR (client_settled (client)))
    {
      g_print ("failed failure=no-answer-in-time state=%s\n",
               enum_nick (NEXUS_TYPE_CLIENT_STATE, nexus_client_get_state (client)));
      return NULL;
    }
  if (nexus_client_get_state (client) != NEXUS_CLIENT_STATE_JOINED)
    {
      print_failed (client);
      return NULL;
    }
  g_print ("joined room=%s address=%s port=%u members=%u\n",
           nexus_client_get_room (client), address, port, nexus_client_get_n_members (client));
  return g_steal_pointer (&client);
}

/* The host's answer to @name's hello, once it is in @client's log (which
 * keeps it). */
static NexusEvent *
find_answer (NexusClient *client,
             const char  *name)
{
  GListModel *events = nexus_client_get_events (client);
  g_autofree char *expected = g_strdup_printf (ANSWER_PREFIX HELLO_FORMAT, name);

  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(NexusEvent) event = g_list_model_get_item (events, i);

      if (nexus_event_get_kind (event) == NEXUS_EVENT_MESSAGE
          && !nexus_event_get_is_own (event)
          && g_strcmp0 (nexus_event_get_text (event), expected) == 0)
        return event;
    }
  return NULL;
}

/* Says hello in the room and waits for the host to answer it: both
 * directions of the link carry a message. */
static int
exchange_messages (NexusClient *client)
{
  const char *name = nexus_client_get_name (client);
  g_autofree char *hello = g_strdup_printf (HELLO_FORMAT, name);
  NexusEvent *said = nexus_client_say (client, hello);
  NexusEvent *answer = NULL;

  g_assert (said != NULL);
  restart_deadline ();
  if (!WAIT_FOR ((answer = find_answer (client, name)) != NULL))
    {
      g_print ("failed failure=no-answer delivery=%s\n",
               enum_nick (NEXUS_TYPE_DELIVERY, nexus_event_get_delivery (said)));
      return 2;
    }
  g_print ("answer from=%s text=%s\n", nexus_event_get_name (answer), nexus_event_get_text (answer));
  g_print ("said text=%s delivery=%s\n", hello,
           enum_nick (NEXUS_TYPE_DELIVERY, nexus_event_get_delivery (said)));
  nexus_client_leave (client);
  /* The host sees the guest leave now rather than after its grace. */
  spin (200);
  return 0;
}

/* host */

typedef struct {
  NexusServer *server;
  NexusAnnouncer *announcer;
  NexusClient *ada;           /* her room: the one a guest is given */
  NexusClient *eve;           /* --hidden-room: a room nobody shows */
  gboolean quit;
} Host;

static void
on_host_message (NexusClient *client,
                 NexusEvent  *event,
                 gpointer     user_data)
{
  g_autofree char *answer = g_strconcat (ANSWER_PREFIX, nexus_event_get_text (event), NULL);

  g_print ("message room=%s from=%s text=%s\n", nexus_client_get_room (client),
           nexus_event_get_name (event), nexus_event_get_text (event));
  nexus_client_say (client, answer);
}

static void
on_host_members (NexusClient *client,
                 GParamSpec  *pspec,
                 gpointer     user_data)
{
  g_print ("members room=%s n=%u\n", nexus_client_get_room (client),
           nexus_client_get_n_members (client));
}

static void
on_announcer_status (NexusAnnouncer *announcer,
                     GParamSpec     *pspec,
                     gpointer        user_data)
{
  g_print ("announcer status=%s name=%s message=%s\n",
           enum_nick (NEXUS_TYPE_DISCOVERY_STATUS, nexus_announcer_get_status (announcer)),
           or_none (nexus_announcer_get_service_name (announcer)),
           or_none (nexus_announcer_get_message (announcer)));
}

static void host_read_command (Host *host, GDataInputStream *input);

static void
on_command (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GDataInputStream *input = G_DATA_INPUT_STREAM (object);
  Host *host = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (input, result, NULL, &error);

  /* The end of standard input is the driver gone or done: quit. */
  if (line == NULL || g_str_equal (line, "quit"))
    {
      host->quit = TRUE;
      return;
    }

  if (g_str_equal (line, "end"))
    {
      g_print ("leaving room=%s\n", nexus_client_get_room (host->ada));
      nexus_client_leave (host->ada);
    }
  else
    g_printerr ("host: unknown command: %s\n", line);

  host_read_command (host, input);
}

static void
host_read_command (Host             *host,
                   GDataInputStream *input)
{
  g_data_input_stream_read_line_async (input, G_PRIORITY_DEFAULT, NULL, on_command, host);
}

static NexusClient *
host_create_room (Host       *host,
                  const char *name)
{
  g_autoptr(NexusClient) client = nexus_client_new ("127.0.0.1", nexus_server_get_port (host->server));

  g_signal_connect (client, "message", G_CALLBACK (on_host_message), NULL);
  nexus_client_create (client, name);
  if (!WAIT_FOR (client_settled (client))
      || nexus_client_get_state (client) != NEXUS_CLIENT_STATE_JOINED)
    {
      g_printerr ("host: %s could not create a room: %s\n", name,
                  or_none (nexus_client_get_error_message (client)));
      return NULL;
    }
  g_signal_connect (client, "notify::n-members", G_CALLBACK (on_host_members), NULL);
  return g_steal_pointer (&client);
}

static void
on_shutdown (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;

  nexus_server_shutdown_finish (NEXUS_SERVER (object), result, NULL);
  *done = TRUE;
}

static int
run_host (int    argc,
          char **argv)
{
  g_autofree char *show_title = NULL;
  gboolean hidden_room = FALSE;
  const GOptionEntry entries[] = {
    { "show-nearby", 0, 0, G_OPTION_ARG_STRING, &show_title, "Show Ada's room nearby", "TITLE" },
    { "hidden-room", 0, 0, G_OPTION_ARG_NONE, &hidden_room, "Eve's room too, not shown", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- serve rooms");
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stdin_stream = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autofree char *code = NULL;
  NexusServerLimits limits;
  Host host = { 0 };
  gboolean shut_down = FALSE;
  int status = 1;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("host: %s\n", error->message);
      return 1;
    }

  nexus_server_limits_init_default (&limits);
  host.server = nexus_server_new (&limits);
  nexus_server_limits_clear (&limits);
  /* Every interface, as the window and --headless listen by default. */
  if (!nexus_server_listen (host.server, NULL, NEXUS_SERVER_PORT_ANY, &error))
    {
      g_printerr ("host: cannot listen: %s\n", error->message);
      goto out;
    }
  g_print ("listening port=%u\n", nexus_server_get_port (host.server));

  /* The rooms exist before the announcement starts, so its first TXT
   * record already holds them. */
  if ((host.ada = host_create_room (&host, "Ada")) == NULL)
    goto out;
  if (hidden_room && (host.eve = host_create_room (&host, "Eve")) == NULL)
    goto out;
  if (show_title != NULL
      && !nexus_server_set_room_nearby (host.server, nexus_client_get_room (host.ada), show_title,
                                        &error))
    {
      g_printerr ("host: cannot show the room: %s\n", error->message);
      goto out;
    }

  host.announcer = nexus_announcer_new (host.server);
  g_signal_connect (host.announcer, "notify::status", G_CALLBACK (on_announcer_status), NULL);
  if (!WAIT_FOR (nexus_announcer_get_status (host.announcer) != NEXUS_DISCOVERY_STARTING)
      || nexus_announcer_get_status (host.announcer) != NEXUS_DISCOVERY_RUNNING)
    {
      on_announcer_status (host.announcer, NULL, NULL);
      goto out;
    }

  code = nexus_code_format (nexus_client_get_room (host.ada));
  if (host.eve != NULL)
    {
      g_autofree char *eve_code = nexus_code_format (nexus_client_get_room (host.eve));

      g_print ("hidden-room code=%s\n", eve_code);
    }
  g_print ("ready code=%s port=%u service=%s\n", code, nexus_server_get_port (host.server),
           or_none (nexus_announcer_get_service_name (host.announcer)));

  stdin_stream = g_unix_input_stream_new (0, FALSE);
  input = g_data_input_stream_new (stdin_stream);
  host_read_command (&host, input);
  restart_deadline ();
  if (!WAIT_FOR (host.quit))
    {
      g_printerr ("host: nobody said quit within %d s\n", timeout_seconds);
      goto out;
    }
  status = 0;

out:
  g_clear_object (&host.announcer);
  g_clear_object (&host.ada);
  g_clear_object (&host.eve);
  nexus_server_shutdown_async (host.server, NULL, on_shutdown, &shut_down);
  restart_deadline ();
  WAIT_FOR (shut_down);
  g_clear_object (&host.server);
  g_print ("quit status=%d\n", status);
  return status;
}

/* guest and join-link */

static void
on_found (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static int
run_guest (int    argc,
           char **argv)
{
  g_autoptr(NexusNearby) nearby = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = NULL;

  if (argc != 3)
    {
      g_printerr ("usage: nexus-lan-peer guest CODE NAME\n");
      return 1;
    }

  nearby = nexus_nearby_new ();
  timer = g_timer_new ();
  nexus_nearby_find_code_async (nearby, argv[1], NULL, on_found, &result);
  if (!WAIT_FOR (result != NULL))
    {
      g_print ("not-found error=no-answer-in-time\n");
      return 2;
    }
  hosts = nexus_nearby_find_code_finish (nearby, result, &error);
  if (hosts == NULL)
    {
      const char *nick = error->domain == NEXUS_NEARBY_ERROR
                         ? (error->code == NEXUS_NEARBY_ERROR_NOT_FOUND ? "not-found"
                            : error->code == NEXUS_NEARBY_ERROR_UNAVAILABLE ? "unavailable"
                            : error->code == NEXUS_NEARBY_ERROR_BAD_CODE ? "bad-code" : "other")
                         : "other";

      g_print ("not-found error=%s seconds=%.1f message=%s\n", nick,
               g_timer_elapsed (timer, NULL), error->message);
      return 2;
    }

  for (guint i = 0; i < hosts->len; i++)
    {
      NexusNearbyHost *host = g_ptr_array_index (hosts, i);

      g_print ("found address=%s port=%u host-name=%s seconds=%.1f\n", host->address, host->port,
               or_none (host->host_name), g_timer_elapsed (timer, NULL));
    }

  /* Best first; a host whose digest matched by chance answers
   * room-not-found, and the next is asked. */
  for (guint i = 0; i < hosts->len; i++)
    {
      NexusNearbyHost *host = g_ptr_array_index (hosts, i);
      g_autoptr(NexusClient) client = NULL;

      restart_deadline ();
      client = join_room (host->address, host->port, argv[1], argv[2]);
      if (client != NULL)
        return exchange_messages (client);
    }
  return 2;
}

static int
run_join_link (int    argc,
               char **argv)
{
  g_autoptr(NexusClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *address = NULL;
  guint port = 0;

  if (argc != 3)
    {
      g_printerr ("usage: nexus-lan-peer join-link CODE@ADDRESS:PORT NAME\n");
      return 1;
    }
  if (!nexus_invite_parse (argv[1], NULL, &code, &address, &port, &error))
    {
      g_printerr ("join-link: %s\n", error->message);
      return 1;
    }

  client = join_room (address, port, code, argv[2]);
  if (client == NULL)
    return 2;
  return exchange_messages (client);
}

/* watch-nearby */

typedef struct {
  GListModel *rooms;
  const char *title;
  gboolean stranger;       /* a room with another title was seen */
} Watch;

static NexusNearbyRoom *
watch_find (Watch *watch)
{
  for (guint i = 0; i < g_list_model_get_n_items (watch->rooms); i++)
    {
      g_autoptr(NexusNearbyRoom) room = g_list_model_get_item (watch->rooms, i);

      if (g_strcmp0 (nexus_nearby_room_get_title (room), watch->title) == 0)
        return room;   /* the model keeps it */
    }
  return NULL;
}

static void
print_room (const char      *what,
            NexusNearbyRoom *room)
{
  g_print ("%s title=%s host=%s members=%u code=%s address=%s port=%u\n", what,
           nexus_nearby_room_get_title (room), nexus_nearby_room_get_host_name (room),
           nexus_nearby_room_get_n_members (room), nexus_nearby_room_get_code (room),
           nexus_nearby_room_get_address (room), nexus_nearby_room_get_port (room));
}

static void
on_room_changed (NexusNearbyRoom *room,
                 GParamSpec      *pspec,
                 gpointer         user_data)
{
  print_room ("room-changed", room);
}

/* Every room that comes is logged, and one with another title than the
 * one shown is remembered: a room that was not shown got out. */
static void
on_rooms_changed (GListModel *rooms,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Watch *watch = user_data;

  if (removed > 0)
    g_print ("rooms-removed count=%u\n", removed);
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(NexusNearbyRoom) room = g_list_model_get_item (rooms, i);

      print_room ("room-added", room);
      g_signal_connect (room, "notify::n-members", G_CALLBACK (on_room_changed), NULL);
      if (g_strcmp0 (nexus_nearby_room_get_title (room), watch->title) != 0)
        watch->stranger = TRUE;
    }
}

static gboolean
parse_members (const char *step,
               guint      *members)
{
  guint64 value;

  if (!g_str_has_prefix (step, "members=")
      || !g_ascii_string_to_unsigned (step + strlen ("members="), 10, 0, 1000, &value, NULL))
    return FALSE;
  *members = (guint) value;
  return TRUE;
}

static int
run_watch_nearby (int    argc,
                  char **argv)
{
  g_autoptr(NexusNearby) nearby = NULL;
  g_autoptr(NexusClient) client = NULL;
  Watch watch = { 0 };
  NexusNearbyRoom *room;

  if (argc < 3)
    {
      g_printerr ("usage: nexus-lan-peer watch-nearby TITLE STEP…\n");
      return 1;
    }

  nearby = nexus_nearby_new ();
  watch.rooms = nexus_nearby_get_rooms (nearby);
  watch.title = argv[1];
  g_signal_connect (watch.rooms, "items-changed", G_CALLBACK (on_rooms_changed), &watch);
  on_rooms_changed (watch.rooms, 0, 0, g_list_model_get_n_items (watch.rooms), &watch);

  for (int i = 2; i < argc; i++)
    {
      const char *step = argv[i];
      guint members = 0;
      gboolean done = FALSE;

      restart_deadline ();
      if (g_str_equal (step, "present"))
        done = WAIT_FOR (watch_find (&watch) != NULL);
      else if (parse_members (step, &members))
        done = WAIT_FOR ((room = watch_find (&watch)) != NULL
                         && nexus_nearby_room_get_n_members (room) == members);
      else if (g_str_has_prefix (step, "join="))
        {
          /* What a click on the row does: join with the room's public
           * code at the host it came from. */
          if ((room = watch_find (&watch)) != NULL)
            client = join_room (nexus_nearby_room_get_address (room),
                                nexus_nearby_room_get_port (room),
                                nexus_nearby_room_get_code (room), step + strlen ("join="));
          done = client != NULL;
        }
      else if (g_str_equal (step, "leave") && client != NULL)
        {
          nexus_client_leave (client);
          done = TRUE;
        }
      else if (g_str_equal (step, "gone"))
        done = WAIT_FOR (watch_find (&watch) == NULL);
      else
        {
          g_printerr ("watch-nearby: not a step here: %s\n", step);
          return 1;
        }

      if (watch.stranger)
        {
          g_print ("step %s failed reason=a-room-not-shown-appeared\n", step);
          return 2;
        }
      if (!done)
        {
          g_print ("step %s failed status=%s message=%s\n", step,
                   enum_nick (NEXUS_TYPE_DISCOVERY_STATUS, nexus_nearby_get_status (nearby)),
                   or_none (nexus_nearby_get_message (nearby)));
          return 2;
        }
      if ((room = watch_find (&watch)) != NULL)
        {
          g_autofree char *what = g_strconcat ("step ", step, " ok", NULL);

          print_room (what, room);
        }
      else
        g_print ("step %s ok\n", step);
    }
  return 0;
}

/* discovery-status */

static int
run_discovery_status (int    argc,
                      char **argv)
{
  g_autoptr(NexusNearby) nearby = nexus_nearby_new ();

  WAIT_FOR (nexus_nearby_get_status (nearby) != NEXUS_DISCOVERY_STARTING);
  g_print ("discovery status=%s message=%s\n",
           enum_nick (NEXUS_TYPE_DISCOVERY_STATUS, nexus_nearby_get_status (nearby)),
           or_none (nexus_nearby_get_message (nearby)));
  return 0;
}

/* doctor */

static const char *
finding_name (NexusFindingKind kind)
{
  switch (kind)
    {
    case NEXUS_FINDING_LOOPBACK_ONLY:
      return "loopback-only";
    case NEXUS_FINDING_NO_NETWORK:
      return "no-network";
    case NEXUS_FINDING_FIREWALL_BLOCKS:
      return "firewall-blocks";
    case NEXUS_FINDING_AVAHI_MISSING:
      return "avahi-missing";
    case NEXUS_FINDING_VPN_ONLY:
      return "vpn-only";
    default:
      return "unknown";
    }
}

static int
run_doctor (int    argc,
            char **argv)
{
  const char *bind = argc == 3 && g_str_equal (argv[1], "--bind") ? argv[2] : NULL;
  g_autoptr(NexusServer) server = nexus_server_new (NULL);
  g_autoptr(NexusAnnouncer) announcer = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean avahi;

  if (!nexus_server_listen (server, bind, NEXUS_SERVER_PORT_ANY, &error))
    {
      g_print ("error listen=%s\n", error->message);
      return 1;
    }
  /* Whether Avahi is there, as the window learns it: from its announcer. */
  announcer = nexus_announcer_new (server);
  if (!WAIT_FOR (nexus_announcer_get_status (announcer) != NEXUS_DISCOVERY_STARTING))
    return 1;
  avahi = nexus_announcer_get_status (announcer) == NEXUS_DISCOVERY_RUNNING;

  addresses = nexus_host_addresses_list (nexus_server_get_bind_address (server));
  for (guint i = 0; i < addresses->len; i++)
    {
      NexusHostAddress *address = g_ptr_array_index (addresses, i);

      g_print ("address %s interface=%s kind=%s\n", address->address, address->interface,
               nexus_interface_kind_to_string (address->kind));
    }

  nexus_network_doctor_check_async (nexus_server_get_bind_address (server),
                                    nexus_server_get_port (server), avahi, NULL,
                                    on_found, &result);
  if (!WAIT_FOR (result != NULL))
    return 1;
  findings = nexus_network_doctor_check_finish (result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < findings->len; i++)
    {
      NexusFinding *finding = g_ptr_array_index (findings, i);

      g_print ("finding %s sentence=%s\n", finding_name (finding->kind), finding->sentence);
    }
  g_print ("doctor done findings=%u\n", findings->len);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  const struct {
    const char *name;
    int (*run) (int argc, char **argv);
  } commands[] = {
    { "host", run_host },
    { "guest", run_guest },
    { "join-link", run_join_link },
    { "watch-nearby", run_watch_nearby },
    { "discovery-status", run_discovery_status },
    { "doctor", run_doctor },
  };
  const char *seconds = g_getenv ("NEXUS_LAN_PEER_TIMEOUT");

  /* The sentences are UTF-8 on a UTF-8 terminal, not "?" for "’". */
  setlocale (LC_ALL, "");
  /* Ends with the driver, a killed one too. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (seconds != NULL)
    timeout_seconds = MAX (1, atoi (seconds));
  restart_deadline ();
  g_timeout_add (100, wake_cb, NULL);

  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      if (g_str_equal (argv[1], commands[i].name))
        return commands[i].run (argc - 1, argv + 1);

  g_printerr ("usage: nexus-lan-peer host|guest|join-link|watch-nearby|discovery-status|doctor …\n");
  return 1;
}
