/* nexus-archive-thread.c: the archive's thread, which owns its database
 *
 * It does the jobs in the order they were asked for. Writes waiting
 * together are one transaction; a failed one is rolled back whole and
 * said once as the archive's problem (a full disk), and the next that
 * works clears it. Each read is answered on the asking task's own main
 * context, where its job is freed too.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "nexus-archive-private.h"

/* Writes in one transaction at most, when many wait. */
#define MERGE_MAX 256

void
_nexus_archive_job_free (NexusArchiveJob *job)
{
  if (job == NULL)
    return;
  g_free (job->key);
  g_free (job->code);
  g_free (job->host);
  g_free (job->name);
  g_free (job->text);
  g_free (job->file_name);
  g_free (job->file_type);
  g_strfreev (job->people);
  g_clear_object (&job->file);
  g_clear_object (&job->task);
  g_clear_error (&job->error);
  g_clear_object (&job->result);
  g_clear_object (&job->room);
  g_free (job);
}

static gboolean
complete_job_idle (gpointer user_data)
{
  NexusArchiveJob *job = user_data;

  if (job->room != NULL)
    g_task_set_task_data (job->task, g_steal_pointer (&job->room), g_object_unref);
  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else if (job->result != NULL)
    g_task_return_pointer (job->task, g_steal_pointer (&job->result), g_object_unref);
  else
    g_task_return_boolean (job->task, TRUE);
  _nexus_archive_job_free (job);
  return G_SOURCE_REMOVE;
}

/* Answers @job's task on its own context, where the job is freed too: a
 * task holds the archive, whose last reference must never go in the
 * archive's thread (which cannot join itself). Takes @job. */
static void
complete_job (NexusArchiveJob *job)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, complete_job_idle, job, NULL);
  g_source_set_static_name (source, "[nexus-archive] answer");
  g_source_attach (source, g_task_get_context (job->task));
  g_source_unref (source);
}

/* The thread */

static void
report (NexusArchive *self,
        gboolean      changed,
        const char   *problem,
        gboolean      set_problem)
{
  g_mutex_lock (&self->lock);
  self->changed |= changed;
  if (set_problem && g_strcmp0 (problem, self->thread_problem) != 0)
    {
      g_free (self->thread_problem);
      self->thread_problem = g_strdup (problem);
      self->problem_changed = TRUE;
    }
  g_mutex_unlock (&self->lock);
  g_source_set_ready_time (self->report_source, 0);
}

static char *
write_problem (NexusArchive *self,
               int           rc)
{
  if ((rc & 0xff) == SQLITE_FULL)
    return g_strdup (_("Conversations can’t be kept: the disk is full."));
  return g_strdup_printf (_("Conversations can’t be kept: writing to %s failed."), self->path);
}

/* Writes @first and the writes queued right behind it in one transaction,
 * and answers the deletes among them. Returns the job it stopped at. */
static NexusArchiveJob *
run_writes (NexusArchive    *self,
            NexusArchiveDb  *db,
            NexusArchiveJob *first)
{
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) _nexus_archive_job_free);
  NexusArchiveJob *next = NULL;
  int rc;

  g_ptr_array_add (jobs, first);
  while (jobs->len < MERGE_MAX && (next = g_async_queue_try_pop (self->queue)) != NULL
         && _nexus_archive_job_is_write (next))
    {
      g_ptr_array_add (jobs, next);
      next = NULL;
    }

  if (db == NULL)
    rc = SQLITE_CANTOPEN;
  else if ((rc = _nexus_archive_db_begin (db)) == SQLITE_OK)
    {
      for (guint i = 0; i < jobs->len && rc == SQLITE_OK; i++)
        rc = _nexus_archive_db_write (db, jobs->pdata[i]);
      if (rc == SQLITE_OK)
        rc = _nexus_archive_db_commit (db);
      else
        _nexus_archive_db_rollback (db);
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      NexusArchiveJob *job = jobs->pdata[i];

      if (job->task == NULL)
        continue;
      if (rc != SQLITE_OK)
        job->error = g_error_new (NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_FAILED,
                                  _("The past conversations cannot be changed: %s."),
                                  sqlite3_errstr (rc));
      complete_job (g_steal_pointer (&jobs->pdata[i]));
    }
  if (db != NULL)
    {
      g_autofree char *problem = rc == SQLITE_OK ? NULL : write_problem (self, rc);

      report (self, rc == SQLITE_OK, problem, TRUE);
    }
  return next;
}

static void
write_export (NexusArchive    *self,
              NexusArchiveDb  *db,
              NexusArchiveJob *job)
{
  g_autoptr(NexusArchiveRoom) room = NULL;
  g_autoptr(GListStore) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  events = _nexus_archive_db_load (db, job->key, &room, &error);
  if (events == NULL)
    {
      job->error = g_steal_pointer (&error);
      return;
    }
  contents = nexus_archive_format_transcript (room, G_LIST_MODEL (events), job->format);
  if (!g_file_replace_contents (job->file, contents, strlen (contents), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
    {
      g_autofree char *where = g_file_get_parse_name (job->file);

      job->error = g_error_new (NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_FAILED,
                                _("The conversation could not be saved as %s: %s."), where,
                                error->message);
    }
}

/* Does @job and answers it; takes @job. */
static void
run_read (NexusArchive    *self,
          NexusArchiveDb  *db,
          NexusArchiveJob *job)
{
  if (db == NULL && job->kind != NEXUS_ARCHIVE_JOB_SYNC)
    job->error = g_error_new_literal (NEXUS_ARCHIVE_ERROR, NEXUS_ARCHIVE_ERROR_FAILED,
                                      _("Past conversations cannot be read."));
  else
    switch (job->kind)
      {
      case NEXUS_ARCHIVE_JOB_LIST:
        job->result = _nexus_archive_db_list (db, NULL, &job->error);
        break;
      case NEXUS_ARCHIVE_JOB_LOAD:
        job->result = _nexus_archive_db_load (db, job->key, &job->room, &job->error);
        break;
      case NEXUS_ARCHIVE_JOB_SEARCH:
        job->result = _nexus_archive_db_search (db, job->text,
                                                g_atomic_int_get (&self->use_fts), &job->error);
        break;
      case NEXUS_ARCHIVE_JOB_EXPORT:
        write_export (self, db, job);
        break;
      case NEXUS_ARCHIVE_JOB_SYNC:
        break;
      case NEXUS_ARCHIVE_JOB_BEGIN_ROOM:
      case NEXUS_ARCHIVE_JOB_TITLE:
      case NEXUS_ARCHIVE_JOB_PEOPLE:
      case NEXUS_ARCHIVE_JOB_EVENT:
      case NEXUS_ARCHIVE_JOB_UPDATE_EVENT:
      case NEXUS_ARCHIVE_JOB_END_ROOM:
      case NEXUS_ARCHIVE_JOB_DELETE:
      case NEXUS_ARCHIVE_JOB_STOP:
      default:
        g_assert_not_reached ();
      }
  complete_job (job);
}

gpointer
_nexus_archive_thread_main (gpointer user_data)
{
  NexusArchive *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *set_aside = NULL;
  NexusArchiveDb *db = _nexus_archive_db_open (self->path, &set_aside, &error);
  NexusArchiveJob *job = NULL;

  if (db == NULL)
    report (self, FALSE, error->message, TRUE);
  else if (set_aside != NULL)
    report (self, TRUE, set_aside, TRUE);

  for (;;)
    {
      if (job == NULL)
        job = g_async_queue_pop (self->queue);
      if (job->kind == NEXUS_ARCHIVE_JOB_STOP)
        break;
      if (_nexus_archive_job_is_write (job))
        job = run_writes (self, db, job);
      else
        {
          run_read (self, db, g_steal_pointer (&job));
        }
    }
  _nexus_archive_job_free (job);
  _nexus_archive_db_close (db);
  return NULL;
}

