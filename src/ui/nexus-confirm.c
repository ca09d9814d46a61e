/* nexus-confirm.c: a question before something that cannot be undone
 *
 * AdwMessageDialog on libadwaita before 1.5, AdwAlertDialog from then
 * (the former is deprecated in 1.6).
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "nexus-confirm.h"

typedef struct {
  NexusConfirmFunc confirmed;
  GWeakRef owner;
} Confirm;

static void
confirm_free (gpointer  data,
              GClosure *closure)
{
  Confirm *confirm = data;

  g_weak_ref_clear (&confirm->owner);
  g_free (confirm);
}

static void
on_response (GObject    *dialog,
             const char *response,
             Confirm    *confirm)
{
  g_autoptr(GObject) owner = g_weak_ref_get (&confirm->owner);

  if (owner != NULL && g_strcmp0 (response, "confirm") == 0)
    confirm->confirmed (owner);
}

void
nexus_confirm_destructive (GtkWidget        *parent,
                           const char       *heading,
                           const char       *body,
                           const char       *action_label,
                           NexusConfirmFunc  confirmed,
                           GObject          *owner)
{
  Confirm *confirm = g_new0 (Confirm, 1);

  confirm->confirmed = confirmed;
  g_weak_ref_init (&confirm->owner, owner);

#if ADW_CHECK_VERSION (1, 5, 0)
  {
    AdwDialog *dialog = adw_alert_dialog_new (heading, body);

    adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "confirm", action_label,
                                    NULL);
    adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "confirm",
                                              ADW_RESPONSE_DESTRUCTIVE);
    adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "cancel");
    adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "cancel");
    g_signal_connect_data (dialog, "response", G_CALLBACK (on_response), confirm,
                           confirm_free, 0);
    adw_dialog_present (dialog, parent);
  }
#else
  {
    GtkRoot *root = gtk_widget_get_root (parent);
    GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                heading, body);

    adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                      "cancel", _("_Cancel"),
                                      "confirm", action_label,
                                      NULL);
    adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                                ADW_RESPONSE_DESTRUCTIVE);
    adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    g_signal_connect_data (dialog, "response", G_CALLBACK (on_response), confirm,
                           confirm_free, 0);
    gtk_window_present (GTK_WINDOW (dialog));
  }
#endif
}
