/* nexus-application.c: the desktop app: actions, command line, the server
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <locale.h>

#include "nexus-application-internal.h"
#include "nexus-code.h"
#include "nexus-preferences-window.h"
#include "nexus-ui-resources.h"
#include "nexus-window.h"

G_DEFINE_FINAL_TYPE (NexusApplication, nexus_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_STATE_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static NexusWindow *
get_window (NexusApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (NEXUS_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static NexusWindow *
ensure_window (NexusApplication *self)
{
  NexusWindow *window = get_window (self);

  if (window == NULL)
    window = nexus_window_new (self);
  return window;
}

static void
nexus_application_activate (GApplication *application)
{
  NexusApplication *self = NEXUS_APPLICATION (application);

  gtk_window_present (GTK_WINDOW (ensure_window (self)));
}

static int
nexus_application_command_line (GApplication            *application,
                                GApplicationCommandLine *command_line)
{
  NexusApplication *self = NEXUS_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree char *link = NULL;
  g_autofree char *name = NULL;
  NexusWindow *window;

  g_variant_dict_lookup (options, "join", "s", &link);
  g_variant_dict_lookup (options, "name", "s", &name);

  window = ensure_window (self);
  gtk_window_present (GTK_WINDOW (window));
  if (link != NULL)
    nexus_window_open_invite (window, link, name);
  else if (name != NULL)
    nexus_window_set_name (window, name);

  return 0;
}

static int
nexus_application_handle_local_options (GApplication *application,
                                        GVariantDict *options)
{
  NexusApplication *self = NEXUS_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  if (self->port < NEXUS_SERVER_PORT_DEFAULT || self->port > 65535)
    {
      g_printerr ("nexus-chat: --port must be between 0 and 65535\n");
      return 2;
    }
  if (!nexus_server_limits_validate (&self->limits, &error))
    {
      g_printerr ("nexus-chat: %s\n", error->message);
      return 2;
    }
  return -1;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  NexusApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Nexus Chat authors"), NULL };
  /* The dialog from libadwaita 1.5, the window before it: the same properties. */
#if ADW_CHECK_VERSION (1, 5, 0)
  AdwDialog *about = adw_about_dialog_new ();
#else
  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                                   "transient-for", window,
                                   "modal", TRUE,
                                   NULL);
#endif

  g_object_set (about,
                "application-name", _("Nexus Chat"),
                "application-icon", APP_ID,
                "version", PACKAGE_VERSION,
                "comments", _("Chat with the people on your network: no account, no internet, "
                              "no server to set up."),
                "developer-name", _("The Nexus Chat authors"),
                "developers", developers,
                "license-type", GTK_LICENSE_GPL_3_0,
                "website", "https://github.com/nexuschat/nexus-chat",
                "issue-url", "https://github.com/nexuschat/nexus-chat/issues",
                NULL);

#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (about, GTK_WIDGET (window));
#else
  gtk_window_present (GTK_WINDOW (about));
#endif
}

/* Closing the window asks first when others would lose the room. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  NexusApplication *self = user_data;
  NexusWindow *window = get_window (self);

  if (window != NULL)
    gtk_window_close (GTK_WINDOW (window));
  else
    g_application_quit (G_APPLICATION (self));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  NexusApplication *self = user_data;

  nexus_preferences_window_present (self, GTK_WINDOW (get_window (self)));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
nexus_application_startup (GApplication *application)
{
  NexusApplication *self = NEXUS_APPLICATION (application);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };
  g_autofree char *archive_path = nexus_archive_default_path ();

  G_APPLICATION_CLASS (nexus_application_parent_class)->startup (application);

  /* Without installed settings (an uninstalled build) nothing is saved. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);

  /* Past conversations, kept unless the person turned that off. */
  self->archive = nexus_archive_new (archive_path);
  if (self->settings != NULL)
    g_settings_bind (self->settings, "keep-history", self->archive, "enabled",
                     G_SETTINGS_BIND_GET);
  gtk_window_set_default_icon_name (APP_ID);

  _nexus_application_open_state (self);
}

static void
nexus_application_shutdown (GApplication *application)
{
  NexusApplication *self = NEXUS_APPLICATION (application);

  g_clear_object (&self->announcer);
  g_clear_object (&self->nearby);
  g_clear_object (&self->server);
  _nexus_application_close_state (self);
  g_clear_object (&self->archive);

  G_APPLICATION_CLASS (nexus_application_parent_class)->shutdown (application);
}

static void
nexus_application_finalize (GObject *object)
{
  NexusApplication *self = NEXUS_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->announcer);
  g_clear_object (&self->nearby);
  g_clear_object (&self->server);
  _nexus_application_close_state (self);
  g_clear_object (&self->store);
  g_clear_object (&self->sessions);
  g_clear_pointer (&self->state_dir, g_free);
  g_clear_pointer (&self->store_unavailable, g_free);
  g_clear_object (&self->archive);
  nexus_server_limits_clear (&self->limits);
  g_clear_pointer (&self->bind_address, g_free);

  G_OBJECT_CLASS (nexus_application_parent_class)->finalize (object);
}

static void
nexus_application_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  NexusApplication *self = NEXUS_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STATE_READY:
      g_value_set_boolean (value, self->state_ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_application_class_init (NexusApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = nexus_application_finalize;
  object_class->get_property = nexus_application_get_property;

  /* The saved rooms have been read (or there are none to read). */
  properties[PROP_STATE_READY] =
    g_param_spec_boolean ("state-ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  nexus_ui_register_resource ();

  app_class->startup = nexus_application_startup;
  app_class->shutdown = nexus_application_shutdown;
  app_class->activate = nexus_application_activate;
  app_class->command_line = nexus_application_command_line;
  app_class->handle_local_options = nexus_application_handle_local_options;
}

static void
nexus_application_init (NexusApplication *self)
{
  const GOptionEntry entries[] = {
    { "join", 'j', 0, G_OPTION_ARG_STRING, NULL,
      /* Translators: --help text; CODE, HOST and PORT are placeholders, like LINK below */
      N_("Join a room: its code alone, an invite link, or CODE@HOST:PORT"),
      /* Translators: the placeholder for --join's value in --help: an invite link */
      N_("LINK") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, NULL,
      N_("The name to join with"),
      /* Translators: the placeholder for --name's value in --help: a person's name */
      N_("NAME") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &self->port,
      N_("Host rooms on this port; 0 picks any free port (default: 47474, or the next free one "
         "up to 47483)"),
      /* Translators: the placeholder for --port's value in --help: a TCP port number */
      N_("PORT") },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &self->bind_address,
      N_("Host rooms on this address only (default: all addresses)"),
      /* Translators: the placeholder for --bind's value in --help: a network address */
      N_("ADDRESS") },
    { "no-discovery", 0, 0, G_OPTION_ARG_NONE, &self->no_discovery,
      N_("Neither announce hosted rooms on the network nor look for others (DNS-SD)"), NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &self->state_dir,
      N_("Keep hosted rooms in this folder, so that they survive a crash (default: "
         "$XDG_STATE_HOME/nexus-chat)"),
      /* Translators: the placeholder for --state-dir's value in --help: a folder */
      N_("DIR") },
    { "no-persistence", 0, 0, G_OPTION_ARG_NONE, &self->no_persistence,
      N_("Keep hosted rooms in memory only: a crash ends them"), NULL },
    { "headless", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Serve rooms to browsers without a window"), NULL },
    { NULL }
  };

  self->port = NEXUS_SERVER_PORT_DEFAULT;
  nexus_server_limits_init_default (&self->limits);

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Host or join a chat room on your network."));
  g_application_add_option_group (G_APPLICATION (self),
                                  nexus_server_limits_option_group (&self->limits));
}

NexusApplication *
nexus_application_new (GApplicationFlags extra_flags)
{
  return g_object_new (NEXUS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | extra_flags,
                       "resource-base-path", "/io/github/nexuschat/NexusChat",
                       NULL);
}

/* Past conversations; NULL before startup and after shutdown. */
NexusArchive *
nexus_application_get_archive (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  return self->archive;
}

/* NULL when the settings schema is not installed. */
GSettings *
nexus_application_get_settings (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  return self->settings;
}

void
nexus_application_set_listen (NexusApplication *self,
                              const char       *bind_address,
                              int               port)
{
  g_return_if_fail (NEXUS_IS_APPLICATION (self));
  g_return_if_fail (port >= NEXUS_SERVER_PORT_DEFAULT && port <= 65535);

  g_free (self->bind_address);
  self->bind_address = g_strdup (bind_address);
  self->port = port;
}

/* Listens where --bind and --port say; on @saved_port first when it is
 * free and no port was asked for (the reopened room's links stay right). */
static gboolean
listen_server (NexusApplication  *self,
               NexusServer       *server,
               guint              saved_port,
               GError           **error)
{
  if (saved_port > 0 && (self->port == NEXUS_SERVER_PORT_DEFAULT
                         || self->port == NEXUS_SERVER_PORT_ANY)
      && nexus_server_listen (server, self->bind_address, (int) saved_port, NULL))
    return TRUE;
  return nexus_server_listen (server, self->bind_address, self->port, error);
}

static NexusServer *
ensure_server (NexusApplication  *self,
               guint              saved_port,
               GError           **error)
{
  g_autoptr(NexusServer) server = NULL;

  if (self->server != NULL)
    return self->server;

  server = nexus_server_new (&self->limits);
  if (self->store != NULL)
    nexus_server_set_state_store (server, self->store);
  if (!listen_server (self, server, saved_port, error))
    return NULL;

  self->server = g_steal_pointer (&server);
  if (!self->no_discovery)
    self->announcer = nexus_announcer_new (self->server);
  return self->server;
}

/* Starts hosting in this process's main loop, or returns the server that
 * already runs. Its rooms are saved as they change, when the saved rooms
 * could be opened. */
NexusServer *
nexus_application_start_server (NexusApplication  *self,
                                GError           **error)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  return ensure_server (self, 0, error);
}

/**
 * nexus_application_reopen_room:
 * @code: a room the saved rooms offer (nexus_application_get_state_store())
 *
 * Hosts the saved room @code again, as it was when the app stopped: its
 * code, history and members, on its port when that is free.
 *
 * Returns: (transfer none) (nullable): the server, or NULL with @error set
 * to a sentence
 */
NexusServer *
nexus_application_reopen_room (NexusApplication  *self,
                               const char        *code,
                               GError           **error)
{
  g_autoptr(GPtrArray) rooms = NULL;
  g_autofree char *shown = NULL;
  g_auto(GStrv) reopened = NULL;
  const char *codes[] = { code, NULL };
  NexusServer *server;
  guint port = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  shown = nexus_code_format (code);
  if (self->store != NULL)
    {
      rooms = nexus_state_store_list_rooms (self->store);
      for (guint i = 0; i < rooms->len && !found; i++)
        {
          NexusStoredRoomInfo *info = g_ptr_array_index (rooms, i);

          found = g_str_equal (info->code, code);
          port = info->port;
        }
    }
  if (!found)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Room %s is no longer saved on this computer."), shown);
      return NULL;
    }

  server = ensure_server (self, port, error);
  if (server == NULL)
    return NULL;
  reopened = nexus_server_reopen_rooms (server, codes);
  if (reopened[0] == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Room %s could not be reopened: this computer already hosts as many rooms "
                     "as it may."), shown);
      return NULL;
    }
  return server;
}

NexusServer *
nexus_application_get_server (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  return self->server;
}

/* The announcement of the hosted rooms; NULL while not hosting, or with
 * --no-discovery. */
NexusAnnouncer *
nexus_application_get_announcer (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  return self->announcer;
}

/* The hosts and rooms on the network, browsed from the first call on;
 * NULL with --no-discovery. */
NexusNearby *
nexus_application_get_nearby (NexusApplication *self)
{
  g_return_val_if_fail (NEXUS_IS_APPLICATION (self), NULL);

  if (self->nearby == NULL && !self->no_discovery)
    self->nearby = nexus_nearby_new ();
  return self->nearby;
}

void
nexus_application_set_discovery (NexusApplication *self,
                                 gboolean          enabled)
{
  g_return_if_fail (NEXUS_IS_APPLICATION (self));

  self->no_discovery = !enabled;
  if (!enabled)
    {
      g_clear_object (&self->announcer);
      g_clear_object (&self->nearby);
    }
}

static void
server_shutdown_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(NexusApplication) self = user_data;

  nexus_server_shutdown_finish (NEXUS_SERVER (object), result, NULL);
  g_application_release (G_APPLICATION (self));
}

/* Says goodbye to everyone still connected (close code 1001), then stops.
 * The app stays alive until the goodbyes are out. */
void
nexus_application_stop_server (NexusApplication *self)
{
  g_autoptr(NexusServer) server = NULL;

  g_return_if_fail (NEXUS_IS_APPLICATION (self));

  g_clear_object (&self->announcer);
  server = g_steal_pointer (&self->server);
  if (server == NULL)
    return;

  /* Its rooms end now, on purpose: nothing is left to resume. */
  if (self->sessions != NULL)
    {
      g_autoptr(GPtrArray) rooms = nexus_server_list_rooms (server);

      for (guint i = 0; i < rooms->len; i++)
        nexus_host_sessions_forget (self->sessions,
                                    ((NexusRoomSummary *) rooms->pdata[i])->code);
    }

  g_application_hold (G_APPLICATION (self));
  nexus_server_shutdown_async (server, NULL, server_shutdown_cb, g_object_ref (self));
}

/* A desktop notification; skipped without a session bus, where there is
 * nobody to show it. */
void
nexus_application_notify (NexusApplication *self,
                          const char       *title,
                          const char       *body)
{
  g_autoptr(GNotification) notification = NULL;

  g_return_if_fail (NEXUS_IS_APPLICATION (self));

  if (g_application_get_dbus_connection (G_APPLICATION (self)) == NULL)
    return;

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_application_send_notification (G_APPLICATION (self), "new-message", notification);
}

/* The locale from the environment, the catalogues from LOCALEDIR or,
 * for a build that is not installed (the tests), from $NEXUS_LOCALEDIR. */
void
nexus_application_init_i18n (void)
{
  const char *localedir = g_getenv ("NEXUS_LOCALEDIR");

  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
nexus_desktop_run (int    argc,
                   char **argv)
{
  g_autoptr(NexusApplication) app = NULL;

  nexus_application_init_i18n ();

  app = nexus_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
