/* nexus-home-page.c: pick a name, then create a room or join one
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "nexus-code.h"
#include "nexus-home-page-private.h"
#include "nexus-nearby-list.h"
#include "nexus-past-rooms.h"
#include "nexus-protocol.h"
#include "nexus-ui-utils.h"

struct _NexusHomePage
{
  AdwBin parent_instance;

  /* Owned state */
  gboolean busy;
  gboolean joining;        /* the last request was a join, not a create */
  gboolean host_wanted;    /* the code alone was not enough: ask for the address */

  /* Template widgets */
  GtkRevealer *create_error_revealer;
  GtkLabel *create_error_label;
  GtkRevealer *join_error_revealer;
  GtkLabel *join_error_label;
  AdwEntryRow *name_row;
  GtkLabel *name_hint;
  GtkButton *create_button;
  AdwEntryRow *invite_row;
  AdwEntryRow *host_row;
  GtkLabel *join_hint;
  GtkButton *join_button;
  GtkSpinner *join_spinner;
  GtkLabel *join_label;
  NexusNearbyList *nearby_list;
  NexusPastRooms *past_rooms;
};

G_DEFINE_FINAL_TYPE (NexusHomePage, nexus_home_page, ADW_TYPE_BIN)

enum {
  SIGNAL_CREATE_ROOM,
  SIGNAL_JOIN_ROOM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
get_valid_name (NexusHomePage *self)
{
  return nexus_name_normalize (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
}

/* A bare code wants the host's address too; a link or CODE@HOST has it. */
static gboolean
looks_like_bare_code (const char *text)
{
  return *text != '\0' && strchr (text, '/') == NULL && strchr (text, '@') == NULL
         && !g_str_has_prefix (text, "http");
}

/* What is typed so far could still become a code: no sentence in red yet. */
static gboolean
is_code_prefix (const char *text)
{
  gsize n = 0;

  for (const char *p = text; *p; p++)
    {
      if (*p == ' ' || *p == '-')
        continue;
      if (strchr (NEXUS_CODE_ALPHABET, g_ascii_toupper (*p)) == NULL)
        return FALSE;
      n++;
    }
  return n < NEXUS_CODE_LENGTH;
}

static void
set_hint (GtkLabel   *label,
          const char *sentence,
          gboolean    is_error)
{
  gtk_label_set_label (label, sentence ? sentence : "");
  gtk_widget_set_visible (GTK_WIDGET (label), sentence != NULL);
  nexus_widget_set_css_class (GTK_WIDGET (label), "error", is_error);
  nexus_widget_set_css_class (GTK_WIDGET (label), "dim-label", !is_error);
}

/* Checks the form against the protocol's rules, as the person types. */
static void
validate (NexusHomePage *self)
{
  g_autofree char *name = get_valid_name (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *trimmed =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->invite_row))));
  const char *name_text = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *host = gtk_editable_get_text (GTK_EDITABLE (self->host_row));
  gboolean bare = looks_like_bare_code (trimmed);
  g_autofree char *code = NULL;
  gboolean name_invalid = name == NULL && *name_text != '\0';
  gboolean invite_ok = FALSE;

  if (name_invalid)
    set_hint (self->name_hint, g_utf8_strlen (name_text, -1) > NEXUS_NAME_MAX_CHARS
              ? _("A name has at most 32 characters.")
              : _("A name needs at least one letter, and no control or invisible characters."),
              TRUE);
  else
    set_hint (self->name_hint, NULL, FALSE);
  nexus_widget_set_css_class (GTK_WIDGET (self->name_row), "error", name_invalid);

  /* The host's address is asked for only once the code alone was not
   * enough (nexus_home_page_ask_for_host()), or when one is typed. */
  gtk_widget_set_visible (GTK_WIDGET (self->host_row),
                          bare && (self->host_wanted || *host != '\0'));

  if (*trimmed == '\0')
    set_hint (self->join_hint, NULL, FALSE);
  else if (bare && *host == '\0' && (code = nexus_code_normalize (trimmed)) != NULL)
    {
      /* The code alone: the hosts on the network are asked who holds it. */
      set_hint (self->join_hint, NULL, FALSE);
      invite_ok = TRUE;
    }
  else if (nexus_invite_parse (trimmed, bare ? host : NULL, NULL, NULL, NULL, &error))
    {
      set_hint (self->join_hint, NULL, FALSE);
      invite_ok = TRUE;
    }
  else if (g_error_matches (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_NO_HOST))
    set_hint (self->join_hint, error->message, FALSE);
  else if (g_error_matches (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_BAD_CODE)
           && bare && is_code_prefix (trimmed))
    set_hint (self->join_hint, error->message, FALSE);
  else
    set_hint (self->join_hint, error->message, TRUE);

  nexus_widget_set_css_class (GTK_WIDGET (self->invite_row), "error",
                              !invite_ok
                              && gtk_widget_has_css_class (GTK_WIDGET (self->join_hint), "error"));

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), name != NULL && !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->join_button),
                            name != NULL && invite_ok && !self->busy);
}

static void
on_name_changed (NexusHomePage *self)
{
  validate (self);
}

static void
on_invite_changed (NexusHomePage *self)
{
  /* A sentence about what was typed before is stale once it changes. */
  if (self->joining && !self->busy)
    gtk_revealer_set_reveal_child (self->join_error_revealer, FALSE);
  validate (self);
}

static void
on_name_activated (NexusHomePage *self)
{
  const char *invite = gtk_editable_get_text (GTK_EDITABLE (self->invite_row));

  if (*invite != '\0')
    nexus_home_page_activate_join (self);
  else if (gtk_widget_get_sensitive (GTK_WIDGET (self->create_button)))
    gtk_widget_activate (GTK_WIDGET (self->create_button));
}

static void
on_create_clicked (NexusHomePage *self)
{
  g_autofree char *name = get_valid_name (self);

  if (self->busy)
    return;
  if (name == NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }

  nexus_home_page_set_error (self, NULL);
  self->joining = FALSE;
  g_signal_emit (self, signals[SIGNAL_CREATE_ROOM], 0, name);
}

/* A room nearby, picked: joined with its public code at its host. */
static void
on_nearby_room_activated (NexusHomePage   *self,
                          NexusNearbyRoom *room)
{
  g_autofree char *name = get_valid_name (self);

  if (self->busy)
    return;
  if (name == NULL)
    {
      set_hint (self->name_hint, _("Type your name first: it is what the others see."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return;
    }

  nexus_home_page_set_error (self, NULL);
  self->joining = TRUE;
  g_signal_emit (self, signals[SIGNAL_JOIN_ROOM], 0, nexus_nearby_room_get_code (room),
                 nexus_nearby_room_get_address (room), nexus_nearby_room_get_port (room), name);
}

static void
on_join_clicked (NexusHomePage *self)
{
  nexus_home_page_activate_join (self);
}

/* Once the sentence has slid in: focus the button below it, which scrolls
 * both into view, and Enter tries again. */
static void
on_error_revealed (NexusHomePage *self)
{
  if (gtk_revealer_get_child_revealed (self->join_error_revealer))
    gtk_widget_grab_focus (GTK_WIDGET (self->join_button));
  else if (gtk_revealer_get_child_revealed (self->create_error_revealer))
    gtk_widget_grab_focus (GTK_WIDGET (self->create_button));
}

static void
nexus_home_page_class_init (NexusHomePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* The person asked for a new room, with a valid name. */
  signals[SIGNAL_CREATE_ROOM] =
    g_signal_new ("create-room", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* The person asked to join: code, host, port, name, all checked; host
   * NULL (and port 0) for a code alone, to be looked for on the network. */
  signals[SIGNAL_JOIN_ROOM] =
    g_signal_new ("join-room", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);

  g_type_ensure (NEXUS_TYPE_NEARBY_LIST);
  g_type_ensure (NEXUS_TYPE_PAST_ROOMS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/nexuschat/NexusChat/nexus-home-page.ui");
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, create_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, create_error_label);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, join_error_revealer);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, join_error_label);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, name_row);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, name_hint);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, create_button);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, invite_row);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, host_row);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, join_hint);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, join_button);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, join_spinner);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, join_label);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, nearby_list);
  gtk_widget_class_bind_template_child (widget_class, NexusHomePage, past_rooms);
  gtk_widget_class_bind_template_callback (widget_class, on_nearby_room_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_name_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_invite_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_create_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_join_clicked);
}

static void
nexus_home_page_init (NexusHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->join_error_revealer, "notify::child-revealed",
                           G_CALLBACK (on_error_revealed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->create_error_revealer, "notify::child-revealed",
                           G_CALLBACK (on_error_revealed), self, G_CONNECT_SWAPPED);
}

void
nexus_home_page_set_name (NexusHomePage *self,
                          const char    *name)
{
  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
}

/* The text of the name entry, as typed. */
const char *
nexus_home_page_get_name (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->name_row));
}

void
nexus_home_page_set_invite (NexusHomePage *self,
                            const char    *invite)
{
  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->invite_row), invite ? invite : "");
}

void
nexus_home_page_set_busy (NexusHomePage *self,
                          gboolean       busy)
{
  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  nexus_home_page_set_progress (self, busy ? _("Connecting…") : NULL);
}

/* Busy, with @label on the join button saying what happens (“Looking on
 * the network…”); NULL: not busy. */
void
nexus_home_page_set_progress (NexusHomePage *self,
                              const char    *label)
{
  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  self->busy = label != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->join_spinner), self->busy);
  gtk_spinner_set_spinning (self->join_spinner, self->busy);
  gtk_label_set_label (self->join_label, self->busy ? label : _("_Join"));
  validate (self);
}

/* The code alone was not enough: says why in @sentence, and asks for the
 * host's address under the code. */
void
nexus_home_page_ask_for_host (NexusHomePage *self,
                              const char    *sentence)
{
  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  self->host_wanted = TRUE;
  self->joining = TRUE;
  validate (self);
  nexus_home_page_set_error (self, sentence);
  gtk_widget_grab_focus (GTK_WIDGET (self->host_row));
}

/* The rooms shown nearby; NULL when discovery is off. */
void
nexus_home_page_set_nearby (NexusHomePage *self,
                            NexusNearby   *nearby)
{
  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  nexus_nearby_list_set_nearby (self->nearby_list, nearby);
}

/* Past rooms, below the rest, from @archive. */
void
nexus_home_page_set_archive (NexusHomePage *self,
                             NexusArchive  *archive)
{
  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  nexus_past_rooms_set_archive (self->past_rooms, archive);
}

/* Shows what went wrong and what to do, next to the button that was
 * pressed; NULL hides it. The form is kept. */
void
nexus_home_page_set_error (NexusHomePage *self,
                           const char    *sentence)
{
  GtkRevealer *revealer;
  GtkLabel *label;

  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  revealer = self->joining ? self->join_error_revealer : self->create_error_revealer;
  label = self->joining ? self->join_error_label : self->create_error_label;
  gtk_revealer_set_reveal_child (self->create_error_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->join_error_revealer, FALSE);
  if (sentence == NULL)
    return;

  gtk_label_set_label (label, sentence);
  gtk_revealer_set_reveal_child (revealer, TRUE);
  on_error_revealed (self);
}

/* The sentence shown: a failure, or else a hint under the form. */
const char *
nexus_home_page_get_error (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  if (gtk_revealer_get_reveal_child (self->join_error_revealer))
    return gtk_label_get_label (self->join_error_label);
  if (gtk_revealer_get_reveal_child (self->create_error_revealer))
    return gtk_label_get_label (self->create_error_label);
  if (gtk_widget_get_visible (GTK_WIDGET (self->join_hint)))
    return gtk_label_get_label (self->join_hint);
  if (gtk_widget_get_visible (GTK_WIDGET (self->name_hint)))
    return gtk_label_get_label (self->name_hint);
  return NULL;
}

void
nexus_home_page_focus (NexusHomePage *self)
{
  g_autofree char *name = NULL;

  g_return_if_fail (NEXUS_IS_HOME_PAGE (self));

  name = get_valid_name (self);
  if (name == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->create_button));
}

/* Joins with what the form holds, or points at what is missing. Returns
 * TRUE when the join was asked for. */
gboolean
nexus_home_page_activate_join (NexusHomePage *self)
{
  g_autofree char *name = NULL;
  g_autofree char *code = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;
  const char *invite;
  guint port = 0;

  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), FALSE);

  if (self->busy)
    return FALSE;

  validate (self);
  invite = gtk_editable_get_text (GTK_EDITABLE (self->invite_row));
  if (*gtk_editable_get_text (GTK_EDITABLE (self->host_row)) == '\0'
      && looks_like_bare_code (invite)
      && (code = nexus_code_normalize (invite)) != NULL)
    ; /* the code alone: host stays NULL, and the network is asked */
  else if (!nexus_invite_parse (invite, gtk_editable_get_text (GTK_EDITABLE (self->host_row)),
                           &code, &host, &port, &error))
    {
      set_hint (self->join_hint, error->message, TRUE);
      if (g_error_matches (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_NO_HOST)
          || g_error_matches (error, NEXUS_INVITE_ERROR, NEXUS_INVITE_ERROR_BAD_HOST))
        {
          gtk_widget_set_visible (GTK_WIDGET (self->host_row), TRUE);
          gtk_widget_grab_focus (GTK_WIDGET (self->host_row));
        }
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->invite_row));
      return FALSE;
    }

  name = get_valid_name (self);
  if (name == NULL)
    {
      set_hint (self->name_hint, _("Type your name first: it is what the others see."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
      return FALSE;
    }

  nexus_home_page_set_error (self, NULL);
  self->joining = TRUE;
  g_signal_emit (self, signals[SIGNAL_JOIN_ROOM], 0, code, host, port, name);
  return TRUE;
}

GtkEditable *
nexus_home_page_get_name_entry (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  return GTK_EDITABLE (self->name_row);
}

GtkEditable *
nexus_home_page_get_invite_entry (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  return GTK_EDITABLE (self->invite_row);
}

GtkEditable *
nexus_home_page_get_host_entry (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  return GTK_EDITABLE (self->host_row);
}

GtkWidget *
nexus_home_page_get_create_button (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  return GTK_WIDGET (self->create_button);
}

GtkWidget *
nexus_home_page_get_join_button (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  return GTK_WIDGET (self->join_button);
}

GtkWidget *
nexus_home_page_get_nearby_list (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  return GTK_WIDGET (self->nearby_list);
}

NexusPastRooms *
nexus_home_page_get_past_rooms (NexusHomePage *self)
{
  g_return_val_if_fail (NEXUS_IS_HOME_PAGE (self), NULL);

  return self->past_rooms;
}
