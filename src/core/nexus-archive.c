/* nexus-archive.c: every room this app was in, kept in a database
 *
 * The main loop never waits for the disk: every call hands a job to the
 * archive's thread (nexus-archive-thread.c), which does the jobs in the
 * order they were asked for, so a list asked for after a recording sees
 * it.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "nexus-archive-private.h"


G_DEFINE_FINAL_TYPE (NexusArchive, nexus_archive, G_TYPE_OBJECT)

G_DEFINE_QUARK (nexus-archive-error-quark, nexus_archive_error)

enum {
  PROP_0,
  PROP_PATH,
  PROP_ENABLED,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The main loop's side */

static gboolean
report_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs report_source_funcs = {
  .dispatch = report_source_dispatch,
};

static gboolean
on_report (gpointer user_data)
{
  NexusArchive *self = user_data;
  gboolean changed, problem_changed;
  g_autofree char *problem = NULL;

  g_mutex_lock (&self->lock);
  changed = self->changed;
  problem_changed = self->problem_changed;
  self->changed = self->problem_changed = FALSE;
  if (problem_changed)
    problem = g_strdup (self->thread_problem);
  g_mutex_unlock (&self->lock);

  if (problem_changed)
    {
      g_free (self->problem);
      self->problem = g_steal_pointer (&problem);
      if (self->problem != NULL)
        g_message ("%s", self->problem);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
    }
  if (changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_CONTINUE;
}

static void
push (NexusArchive    *self,
      NexusArchiveJob *job)
{
  g_async_queue_push (self->queue, job);
}

static NexusArchiveJob *
job_new (NexusArchiveJobKind  kind,
         const char          *key)
{
  NexusArchiveJob *job = g_new0 (NexusArchiveJob, 1);

  job->kind = kind;
  job->key = g_strdup (key);
  return job;
}

static void
nexus_archive_constructed (GObject *object)
{
  NexusArchive *self = NEXUS_ARCHIVE (object);

  G_OBJECT_CLASS (nexus_archive_parent_class)->constructed (object);

  g_assert (self->path != NULL);
  self->report_source = g_source_new (&report_source_funcs, sizeof (GSource));
  g_source_set_callback (self->report_source, on_report, self, NULL);
  g_source_set_static_name (self->report_source, "[nexus-archive] report");
  g_source_attach (self->report_source, g_main_context_get_thread_default ());
  self->queue = g_async_queue_new ();
  self->thread = g_thread_new ("nexus-archive", _nexus_archive_thread_main, self);
}

static void
nexus_archive_finalize (GObject *object)
{
  NexusArchive *self = NEXUS_ARCHIVE (object);

  /* What was recorded is written before the thread ends. */
  push (self, job_new (NEXUS_ARCHIVE_JOB_STOP, NULL));
  g_thread_join (self->thread);
  g_async_queue_unref (self->queue);
  g_source_destroy (self->report_source);
  g_source_unref (self->report_source);
  g_mutex_clear (&self->lock);
  g_free (self->thread_problem);
  g_free (self->problem);
  g_free (self->path);

  G_OBJECT_CLASS (nexus_archive_parent_class)->finalize (object);
}

static void
nexus_archive_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NexusArchive *self = NEXUS_ARCHIVE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_archive_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  NexusArchive *self = NEXUS_ARCHIVE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_ENABLED:
      nexus_archive_set_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nexus_archive_class_init (NexusArchiveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = nexus_archive_constructed;
  object_class->finalize = nexus_archive_finalize;
  object_class->get_property = nexus_archive_get_property;
  object_class->set_property = nexus_archive_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* A sentence: a file set aside, writes failing. */
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Rooms were recorded, changed or deleted. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
nexus_archive_init (NexusArchive *self)
{
  self->enabled = TRUE;
  self->use_fts = TRUE;
  g_mutex_init (&self->lock);
}

/* $XDG_DATA_HOME/nexus-chat/history.sqlite */
char *
nexus_archive_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "nexus-chat", NEXUS_ARCHIVE_FILE_NAME, NULL);
}

/* Opens (or makes) the database at @path, in the archive's thread. */
NexusArchive *
nexus_archive_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (NEXUS_TYPE_ARCHIVE, "path", path, NULL);
}

const char *
nexus_archive_get_path (NexusArchive *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE (self), NULL);

  return self->path;
}

gboolean
nexus_archive_get_enabled (NexusArchive *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE (self), FALSE);

  return self->enabled;
}

/* Off: nothing is recorded; what is kept stays, to read and delete. */
void
nexus_archive_set_enabled (NexusArchive *self,
                           gboolean      enabled)
{
  g_return_if_fail (NEXUS_IS_ARCHIVE (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

/* A sentence when the database could not be used as it was, else NULL. */
const char *
nexus_archive_get_problem (NexusArchive *self)
{
  g_return_val_if_fail (NEXUS_IS_ARCHIVE (self), NULL);

  return self->problem;
}

void
_nexus_archive_set_use_fts (NexusArchive *self,
                            gboolean      use)
{
  g_atomic_int_set (&self->use_fts, use);
}

/* Recording */

char *
nexus_archive_room_key (const char *code,
                        const char *host,
                        guint       port)
{
  g_return_val_if_fail (code != NULL && host != NULL, NULL);

  return g_strdup_printf ("%s@%s:%u", code, host, port);
}

void
nexus_archive_begin_room (NexusArchive *self,
                          const char   *key,
                          const char   *code,
                          const char   *host,
                          guint         port,
                          const char   *own_name,
                          gboolean      hosted)
{
  NexusArchiveJob *job;

  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (key != NULL && code != NULL && host != NULL);

  if (!self->enabled)
    return;
  job = job_new (NEXUS_ARCHIVE_JOB_BEGIN_ROOM, key);
  job->code = g_strdup (code);
  job->host = g_strdup (host);
  job->port = port;
  job->name = g_strdup (own_name);
  job->flag = hosted;
  job->time = g_get_real_time ();
  push (self, job);
}

void
nexus_archive_set_title (NexusArchive *self,
                         const char   *key,
                         const char   *title)
{
  NexusArchiveJob *job;

  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (key != NULL);

  if (!self->enabled)
    return;
  job = job_new (NEXUS_ARCHIVE_JOB_TITLE, key);
  job->text = g_strdup (title);
  push (self, job);
}

void
nexus_archive_set_people (NexusArchive       *self,
                          const char         *key,
                          const char * const *people)
{
  NexusArchiveJob *job;

  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (key != NULL && people != NULL);

  if (!self->enabled)
    return;
  job = job_new (NEXUS_ARCHIVE_JOB_PEOPLE, key);
  job->people = g_strdupv ((GStrv) people);
  push (self, job);
}

/* What @event shows now, edited or deleted included; one already kept
 * under its seq is left as it is (nexus_archive_update_event() changes it). */
void
nexus_archive_add_event (NexusArchive *self,
                         const char   *key,
                         NexusEvent   *event)
{
  NexusArchiveJob *job;
  NexusEventKind kind;

  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (NEXUS_IS_EVENT (event));

  kind = nexus_event_get_kind (event);
  if (!self->enabled || nexus_event_get_seq (event) <= 0
      || (kind != NEXUS_EVENT_MESSAGE && kind != NEXUS_EVENT_JOINED && kind != NEXUS_EVENT_LEFT))
    return;
  job = job_new (NEXUS_ARCHIVE_JOB_EVENT, key);
  job->seq = nexus_event_get_seq (event);
  job->event_kind = kind;
  job->time = g_date_time_to_unix (nexus_event_get_timestamp (event)) * G_USEC_PER_SEC
              + g_date_time_get_microsecond (nexus_event_get_timestamp (event));
  job->name = g_strdup (nexus_event_get_name (event));
  job->flag = nexus_event_get_edited (event);
  job->deleted = nexus_event_get_deleted (event);
  /* A deleted message keeps neither its text nor its file. */
  job->text = g_strdup (job->deleted ? "" : nexus_event_get_text (event));
  if (nexus_event_has_file (event) && !job->deleted)
    {
      job->file_name = g_strdup (nexus_event_get_file_name (event));
      job->file_size = nexus_event_get_file_size (event);
      job->file_type = g_strdup (nexus_event_get_file_type (event));
    }
  push (self, job);
}

/* The event (@key, @seq) now reads @text, or was deleted. */
void
nexus_archive_update_event (NexusArchive *self,
                            const char   *key,
                            gint64        seq,
                            const char   *text,
                            gboolean      edited,
                            gboolean      deleted)
{
  NexusArchiveJob *job;

  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (key != NULL);

  if (!self->enabled || seq <= 0)
    return;
  job = job_new (NEXUS_ARCHIVE_JOB_UPDATE_EVENT, key);
  job->seq = seq;
  job->text = g_strdup (text);
  job->flag = edited;
  job->deleted = deleted;
  push (self, job);
}

void
nexus_archive_end_room (NexusArchive *self,
                        const char   *key)
{
  NexusArchiveJob *job;

  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (key != NULL);

  if (!self->enabled)
    return;
  job = job_new (NEXUS_ARCHIVE_JOB_END_ROOM, key);
  job->time = g_get_real_time ();
  push (self, job);
}

/* Reading */

static void
push_task (NexusArchive        *self,
           NexusArchiveJob     *job,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  push (self, job);
}

void
nexus_archive_list_rooms_async (NexusArchive        *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (NEXUS_IS_ARCHIVE (self));

  push_task (self, job_new (NEXUS_ARCHIVE_JOB_LIST, NULL), nexus_archive_list_rooms_async,
             cancellable, callback, user_data);
}

GListModel *
nexus_archive_list_rooms_finish (NexusArchive  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nexus_archive_load_async (NexusArchive        *self,
                          const char          *key,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (key != NULL);

  push_task (self, job_new (NEXUS_ARCHIVE_JOB_LOAD, key), nexus_archive_load_async,
             cancellable, callback, user_data);
}

/* The room's events in seq order, and the room itself in @room. */
GListModel *
nexus_archive_load_finish (NexusArchive      *self,
                           GAsyncResult      *result,
                           NexusArchiveRoom **room,
                           GError           **error)
{
  GListModel *events;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  events = g_task_propagate_pointer (G_TASK (result), error);
  if (events != NULL && room != NULL)
    *room = g_object_ref (g_task_get_task_data (G_TASK (result)));
  return events;
}

void
nexus_archive_search_async (NexusArchive        *self,
                            const char          *text,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  NexusArchiveJob *job;

  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (text != NULL);

  job = job_new (NEXUS_ARCHIVE_JOB_SEARCH, NULL);
  job->text = g_strstrip (g_strdup (text));
  push_task (self, job, nexus_archive_search_async, cancellable, callback, user_data);
}

GListModel *
nexus_archive_search_finish (NexusArchive  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nexus_archive_export_async (NexusArchive        *self,
                            const char          *key,
                            NexusArchiveFormat   format,
                            GFile               *destination,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  NexusArchiveJob *job;

  g_return_if_fail (NEXUS_IS_ARCHIVE (self));
  g_return_if_fail (key != NULL);
  g_return_if_fail (G_IS_FILE (destination));

  job = job_new (NEXUS_ARCHIVE_JOB_EXPORT, key);
  job->format = format;
  job->file = g_object_ref (destination);
  push_task (self, job, nexus_archive_export_async, cancellable, callback, user_data);
}

gboolean
nexus_archive_export_finish (NexusArchive  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
nexus_archive_delete_async (NexusArchive        *self,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (NEXUS_IS_ARCHIVE (self));

  push_task (self, job_new (NEXUS_ARCHIVE_JOB_DELETE, key), nexus_archive_delete_async,
             cancellable, callback, user_data);
}

gboolean
nexus_archive_delete_finish (NexusArchive  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
nexus_archive_sync_async (NexusArchive        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (NEXUS_IS_ARCHIVE (self));

  push_task (self, job_new (NEXUS_ARCHIVE_JOB_SYNC, NULL), nexus_archive_sync_async,
             cancellable, callback, user_data);
}

gboolean
nexus_archive_sync_finish (NexusArchive  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
