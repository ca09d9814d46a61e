/* nexus-reopen-offer.c: after a crash, offer to reopen the rooms the window hosted
 *
 * A room the window hosted when Nexus Chat crashed or was killed waits in
 * the saved rooms. At the next start the window asks about it: "Reopen
 * room K7Q-X3M? 3 people were in it …" with Reopen and Discard. The
 * window is in one room at a time, so it asks about one room at a time,
 * the most recently active first: Discard deletes that room and asks
 * about the next; Reopen takes the window into the room, and the next is
 * asked about once it is back home; closing the dialog (Escape) leaves
 * them all for the next start.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-code.h"
#include "nexus-reopen-offer.h"

struct _NexusReopenOffer
{
  GObject parent_instance;

  GtkWindow        *parent;      /* weak */
  NexusApplication *app;         /* weak */
  GObject          *dialog;      /* weak: the one on screen */
  char             *code;        /* the room it asks about */
  gboolean          postponed;   /* closed without an answer: not again this time */
};

G_DEFINE_FINAL_TYPE (NexusReopenOffer, nexus_reopen_offer, G_TYPE_OBJECT)

enum {
  SIGNAL_REOPEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_next (NexusReopenOffer *self);

static void
on_response (NexusReopenOffer *self,
             const char       *response)
{
  g_autofree char *code = g_steal_pointer (&self->code);

  g_clear_weak_pointer (&self->dialog);
  if (code == NULL)
    return;
  if (g_strcmp0 (response, "reopen") == 0)
    g_signal_emit (self, signals[SIGNAL_REOPEN], 0, code);
  else if (g_strcmp0 (response, "discard") == 0)
    {
      if (self->app != NULL)
        nexus_application_discard_saved_room (self->app, code);
      show_next (self);
    }
  else
    self->postponed = TRUE;
}

#if ADW_CHECK_VERSION (1, 5, 0)
static void
on_alert_response (AdwAlertDialog   *dialog,
                   const char       *response,
                   NexusReopenOffer *self)
{
  on_response (self, response);
}
#else
static void
on_message_dialog_response (AdwMessageDialog *dialog,
                            const char       *response,
                            NexusReopenOffer *self)
{
  on_response (self, response);
}
#endif

static void
present (NexusReopenOffer          *self,
         const NexusStoredRoomInfo *room)
{
  g_autofree char *grouped = nexus_code_format (room->code);
  g_auto(GStrv) groups = g_strsplit (grouped, "-", -1);
  /* Word joiners: the code is never broken across lines at its hyphen. */
  g_autofree char *shown = g_strjoinv ("\u2060-\u2060", groups);
  /* Translators: the heading of the offer after a crash; %s is a room code, K7Q-X3M */
  g_autofree char *heading = g_strdup_printf (_("Reopen room %s?"), shown);
  g_autofree char *body =
    g_strdup_printf (ngettext ("%u person was in it when Nexus Chat stopped unexpectedly. "
                               "Reopen it to carry on the conversation, or discard it with its "
                               "messages.",
                               "%u people were in it when Nexus Chat stopped unexpectedly. "
                               "Reopen it to carry on the conversation, or discard it with its "
                               "messages.",
                               room->n_members),
                     room->n_members);

  g_free (self->code);
  self->code = g_strdup (room->code);

#if ADW_CHECK_VERSION (1, 5, 0)
  {
    AdwDialog *dialog = adw_alert_dialog_new (heading, body);

    adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog),
                                    "discard", _("_Discard"),
                                    "reopen", _("_Reopen"),
                                    NULL);
    adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
    adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "reopen",
                                              ADW_RESPONSE_SUGGESTED);
    adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "reopen");
    /* Escape decides nothing: the room is asked about at the next start. */
    adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "later");
    g_signal_connect_object (dialog, "response", G_CALLBACK (on_alert_response), self, 0);
    g_set_weak_pointer (&self->dialog, G_OBJECT (dialog));
    adw_dialog_present (dialog, GTK_WIDGET (self->parent));
  }
#else
  {
    GtkWidget *dialog = adw_message_dialog_new (self->parent, heading, body);

    adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                      "discard", _("_Discard"),
                                      "reopen", _("_Reopen"),
                                      NULL);
    adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reopen",
                                                ADW_RESPONSE_SUGGESTED);
    adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reopen");
    /* Escape decides nothing: the room is asked about at the next start. */
    adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
    g_signal_connect_object (dialog, "response", G_CALLBACK (on_message_dialog_response),
                             self, 0);
    g_set_weak_pointer (&self->dialog, G_OBJECT (dialog));
    /* Unanswered when the window goes: asked again at the next start. */
    gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
    gtk_window_present (GTK_WINDOW (dialog));
  }
#endif
}

static void
show_next (NexusReopenOffer *self)
{
  NexusStateStore *store;
  g_autoptr(GPtrArray) rooms = NULL;

  if (self->postponed || self->dialog != NULL || self->parent == NULL || self->app == NULL)
    return;
  store = nexus_application_get_state_store (self->app);
  if (store == NULL)
    return;
  rooms = nexus_state_store_list_rooms (store);
  if (rooms->len > 0)
    present (self, g_ptr_array_index (rooms, 0));
}

static void
nexus_reopen_offer_dispose (GObject *object)
{
  NexusReopenOffer *self = NEXUS_REOPEN_OFFER (object);

  g_clear_weak_pointer (&self->parent);
  g_clear_weak_pointer (&self->app);
  g_clear_weak_pointer (&self->dialog);
  g_clear_pointer (&self->code, g_free);

  G_OBJECT_CLASS (nexus_reopen_offer_parent_class)->dispose (object);
}

static void
nexus_reopen_offer_class_init (NexusReopenOfferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nexus_reopen_offer_dispose;

  /* Reopen was chosen for the room with this code. */
  signals[SIGNAL_REOPEN] =
    g_signal_new ("reopen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
nexus_reopen_offer_init (NexusReopenOffer *self)
{
}

NexusReopenOffer *
nexus_reopen_offer_new (void)
{
  return g_object_new (NEXUS_TYPE_REOPEN_OFFER, NULL);
}

/* Asks about the most recently active room @app's saved rooms hold, over
 * @parent; nothing when one is being asked about, when none is left, or
 * when the person closed the question earlier in this run. */
void
nexus_reopen_offer_show (NexusReopenOffer *self,
                         GtkWindow        *parent,
                         NexusApplication *app)
{
  g_return_if_fail (NEXUS_IS_REOPEN_OFFER (self));
  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (NEXUS_IS_APPLICATION (app));

  g_set_weak_pointer (&self->parent, parent);
  g_set_weak_pointer (&self->app, app);
  show_next (self);
}

gboolean
nexus_reopen_offer_is_shown (NexusReopenOffer *self)
{
  g_return_val_if_fail (NEXUS_IS_REOPEN_OFFER (self), FALSE);

  return self->dialog != NULL;
}

GtkWidget *
nexus_reopen_offer_get_dialog (NexusReopenOffer *self)
{
  g_return_val_if_fail (NEXUS_IS_REOPEN_OFFER (self), NULL);

  return self->dialog != NULL ? GTK_WIDGET (self->dialog) : NULL;
}
