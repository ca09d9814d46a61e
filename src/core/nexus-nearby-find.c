/* nexus-nearby-find.c: which hosts on the local network may hold a code
 *
 * A search answers from the hosts the browser knows once Avahi has
 * reported them all (AllForNow) and each has been resolved, or after
 * NEXUS_NEARBY_FIND_TIMEOUT_MS with what it has. It begins with a round
 * trip to Avahi, so that everything Avahi said before the search (a host's
 * new TXT record, say) has been heard when it answers.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "nexus-code.h"
#include "nexus-nearby-private.h"

typedef struct {
  NexusNearby  *nearby;        /* the task holds it */
  GTask        *task;
  guint         id;
  char         *code;          /* normal form */
  gboolean      sync_sent;
  gboolean      synced;
  guint         timeout_id;
  gulong        cancelled_id;
} Find;

/* Names a search from outside: from a cancellable's handler, or a reply
 * that may come after the search (or the object) is over. */
typedef struct {
  GWeakRef      nearby;
  guint         id;
  GMainContext *context;
} FindRef;

static FindRef *
find_ref_new (Find *find)
{
  FindRef *ref = g_new0 (FindRef, 1);

  g_weak_ref_init (&ref->nearby, find->nearby);
  ref->id = find->id;
  ref->context = g_main_context_ref (g_task_get_context (find->task));
  return ref;
}

static void
find_ref_free (gpointer data)
{
  FindRef *ref = data;

  g_weak_ref_clear (&ref->nearby);
  g_main_context_unref (ref->context);
  g_free (ref);
}

static Find *
lookup_find (NexusNearby *self,
             guint        id)
{
  for (guint i = 0; i < self->finds->len; i++)
    {
      Find *find = g_ptr_array_index (self->finds, i);

      if (find->id == id)
        return find;
    }
  return NULL;
}

/* Takes the search out of the list; the caller then returns its result. */
static void
detach_find (Find *find)
{
  g_ptr_array_remove (find->nearby->finds, find);
  g_clear_handle_id (&find->timeout_id, g_source_remove);
  if (find->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (find->task), find->cancelled_id);
  find->cancelled_id = 0;
}

static void
return_find (Find      *find,
             GPtrArray *hosts,
             GError    *error)
{
  g_autoptr(GTask) task = find->task;

  g_free (find->code);
  g_free (find);
  if (hosts != NULL)
    g_task_return_pointer (task, hosts, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static int
compare_hosts_by_order (gconstpointer a,
                        gconstpointer b)
{
  const NexusNearbyHostEntry *host_a = *(NexusNearbyHostEntry * const *) a;
  const NexusNearbyHostEntry *host_b = *(NexusNearbyHostEntry * const *) b;

  return host_a->order < host_b->order ? -1 : host_a->order > host_b->order ? 1 : 0;
}

/* At most NEXUS_NEARBY_MAX_ASKED hosts: those showing the code as a
 * public one, then those listing its digest, then those with more rooms
 * than they list; each group in the order the hosts were seen. */
static GPtrArray *
collect_matches (NexusNearby *self,
                 const char  *code)
{
  g_autoptr(GPtrArray) hosts = g_ptr_array_new ();
  GPtrArray *matches = g_ptr_array_new_with_free_func ((GDestroyNotify) nexus_nearby_host_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (hosts, value);
  g_ptr_array_sort (hosts, compare_hosts_by_order);
  for (int rank = NEXUS_DISCOVERY_MATCH_PUBLIC; rank > NEXUS_DISCOVERY_MATCH_NONE; rank--)
    for (guint i = 0; i < hosts->len && matches->len < NEXUS_NEARBY_MAX_ASKED; i++)
      {
        NexusNearbyHostEntry *host = g_ptr_array_index (hosts, i);
        NexusNearbyHost *match;

        if (host->address == NULL || host->txt == NULL ||
            (int) nexus_discovery_txt_match (host->txt, code) != rank)
          continue;
        match = g_new0 (NexusNearbyHost, 1);
        match->address = g_strdup (host->address);
        match->port = host->port;
        match->host_name = g_strdup (host->host_name);
        g_ptr_array_add (matches, match);
      }
  return matches;
}

/* The hosts that may hold the code, or NOT_FOUND. */
static void
answer (Find      *find,
        GPtrArray *found,
        GError   **error)
{
  g_autofree char *display = NULL;

  if (found->len > 0)
    return;
  display = nexus_code_format (find->code);
  g_set_error (error, NEXUS_NEARBY_ERROR, NEXUS_NEARBY_ERROR_NOT_FOUND,
               _("No computer on this network has announced a room with the code %s. Check "
                 "the code, or ask for an invite link."), display);
}

static void
finish_find (Find *find)
{
  g_autoptr(GPtrArray) found = collect_matches (find->nearby, find->code);
  GError *error = NULL;

  answer (find, found, &error);
  detach_find (find);
  return_find (find, error == NULL ? g_steal_pointer (&found) : NULL, error);
}

static gboolean
on_find_timeout (gpointer user_data)
{
  Find *find = user_data;

  find->timeout_id = 0;
  finish_find (find);
  return G_SOURCE_REMOVE;
}

static gboolean
on_find_cancelled_idle (gpointer user_data)
{
  FindRef *ref = user_data;
  g_autoptr(NexusNearby) self = g_weak_ref_get (&ref->nearby);
  Find *find = self != NULL ? lookup_find (self, ref->id) : NULL;

  if (find != NULL)
    {
      detach_find (find);
      return_find (find, NULL,
                   g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled"));
    }
  return G_SOURCE_REMOVE;
}

/* May run in any thread, and inside g_cancellable_connect(): the search
 * ends on its own context, later. */
static void
on_find_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  FindRef *ref = user_data;
  FindRef *copy = g_new0 (FindRef, 1);
  g_autoptr(GSource) idle = g_idle_source_new ();
  g_autoptr(NexusNearby) self = g_weak_ref_get (&ref->nearby);

  g_weak_ref_init (&copy->nearby, self);
  copy->id = ref->id;
  copy->context = g_main_context_ref (ref->context);
  g_source_set_callback (idle, on_find_cancelled_idle, copy, find_ref_free);
  g_source_attach (idle, ref->context);
}

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  FindRef *ref = user_data;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  g_autoptr(NexusNearby) self = g_weak_ref_get (&ref->nearby);
  Find *find = self != NULL ? lookup_find (self, ref->id) : NULL;

  /* An error is an answer too: Avahi going away shows in the status. */
  g_clear_pointer (&reply, g_variant_unref);
  if (find != NULL)
    {
      find->synced = TRUE;
      _nexus_nearby_check_finds (self);
    }
  find_ref_free (ref);
}

static gboolean
any_host_unanswered (NexusNearby *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->hosts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      NexusNearbyHostEntry *host = value;

      if (host->resolving && !host->answered)
        return TRUE;
    }
  return FALSE;
}

void
_nexus_nearby_check_finds (NexusNearby *self)
{
  g_autoptr(GPtrArray) done = g_ptr_array_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new ();
  g_autoptr(GPtrArray) errors = g_ptr_array_new ();

  /* In steps: the callers' callbacks may run inside g_task_return_*(),
   * start or end other searches, or drop the last reference to us; so
   * every result is made before the first is returned. */
  for (guint i = 0; i < self->finds->len; i++)
    {
      Find *find = g_ptr_array_index (self->finds, i);
      GPtrArray *found = NULL;
      GError *error = NULL;

      switch (self->status)
        {
        case NEXUS_DISCOVERY_UNAVAILABLE:
        case NEXUS_DISCOVERY_FAILED:
          error = g_error_new_literal (NEXUS_NEARBY_ERROR, NEXUS_NEARBY_ERROR_UNAVAILABLE,
                                       nexus_nearby_get_message (self));
          break;
        case NEXUS_DISCOVERY_RUNNING:
          if (!find->sync_sent)
            {
              find->sync_sent = TRUE;
              nexus_avahi_client_call (self->avahi, NEXUS_AVAHI_SERVER_PATH,
                                       NEXUS_AVAHI_SERVER2_INTERFACE, "GetState", NULL, NULL,
                                       NULL, on_synced, find_ref_new (find));
            }
          if (!find->synced || !self->all_for_now || any_host_unanswered (self))
            continue;
          found = collect_matches (self, find->code);
          answer (find, found, &error);
          if (error != NULL)
            g_clear_pointer (&found, g_ptr_array_unref);
          break;
        case NEXUS_DISCOVERY_STARTING:
        default:
          continue;
        }
      g_ptr_array_add (done, find);
      g_ptr_array_add (results, found);
      g_ptr_array_add (errors, error);
    }

  for (guint i = 0; i < done->len; i++)
    detach_find (g_ptr_array_index (done, i));
  for (guint i = 0; i < done->len; i++)
    return_find (g_ptr_array_index (done, i), g_ptr_array_index (results, i),
                 g_ptr_array_index (errors, i));
}

void
_nexus_nearby_clear_finds (NexusNearby *self)
{
  while (self->finds->len > 0)
    {
      Find *find = g_ptr_array_index (self->finds, 0);

      detach_find (find);
      return_find (find, NULL,
                   g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled"));
    }
}

void
nexus_nearby_find_code_async (NexusNearby         *self,
                              const char          *code,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *normal = NULL;
  Find *find;

  g_return_if_fail (NEXUS_IS_NEARBY (self));
  g_return_if_fail (code != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nexus_nearby_find_code_async);

  normal = nexus_code_normalize (code);
  if (normal == NULL)
    {
      g_task_return_new_error (task, NEXUS_NEARBY_ERROR, NEXUS_NEARBY_ERROR_BAD_CODE,
                               _("That is not a room code. A room code has six letters and "
                                 "digits, like K7Q-X3M."));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  find = g_new0 (Find, 1);
  find->nearby = self;
  find->task = g_steal_pointer (&task);
  find->id = ++self->next_find_id;
  find->code = g_steal_pointer (&normal);
  find->timeout_id = g_timeout_add (NEXUS_NEARBY_FIND_TIMEOUT_MS, on_find_timeout, find);
  g_ptr_array_add (self->finds, find);
  if (cancellable != NULL)
    find->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_find_cancelled),
                                                find_ref_new (find), find_ref_free);
  _nexus_nearby_check_finds (self);
}

GPtrArray *
nexus_nearby_find_code_finish (NexusNearby   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (NEXUS_IS_NEARBY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
