/* test-file-store.c: the rooms' files on disk, without a server: slots,
 * quotas, the records' states, deletion, and the sweep of what crashed
 * servers left
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "nexus-code.h"
#include "nexus-file-store.h"
#include "nexus-test-utils.h"

#define KIB 1024

typedef struct {
  char           *base;
  NexusFileStore *store;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
wait_for_io (NexusFileStore *store)
{
  WAIT_UNTIL (nexus_file_store_get_n_pending_io (store) == 0);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->base = g_dir_make_tmp ("nexus-file-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = nexus_file_store_new (fixture->base, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
  wait_for_io (fixture->store);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  wait_for_io (fixture->store);
  g_assert_finalize_object (fixture->store);
  remove_tree (fixture->base);
  g_free (fixture->base);
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
is_hex (const char *text,
        gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      return FALSE;
  return TRUE;
}

/* Writes @length bytes where the upload's bytes go, as the server would. */
static void
put_bytes (NexusStoredFile *file,
           gsize            length)
{
  g_autofree char *path = g_file_get_path (nexus_stored_file_get_file (file));
  g_autofree char *bytes = g_malloc0 (MAX (length, 1));

  g_assert_true (g_file_set_contents (path, bytes, (gssize) length, NULL));
}

static gboolean
on_disk (NexusStoredFile *file)
{
  return g_file_query_exists (nexus_stored_file_get_file (file), NULL);
}

static void
test_directory (Fixture       *fixture,
                gconstpointer  data)
{
  const char *directory = nexus_file_store_get_directory (fixture->store);
  g_autofree char *name = g_path_get_basename (directory);
  g_autofree char *parent = g_path_get_dirname (directory);
  g_autofree char *lock = g_build_filename (directory, "lock", NULL);
  g_autoptr(NexusFileStore) second = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  /* BASE/instance-<128 bits>, private, with its lock. */
  g_assert_cmpstr (parent, ==, fixture->base);
  g_assert_true (g_str_has_prefix (name, "instance-"));
  g_assert_true (is_hex (name + strlen ("instance-"), 32));
  g_assert_cmpint (g_stat (directory, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_true (g_file_test (lock, G_FILE_TEST_IS_REGULAR));

  /* A second server beside it: a directory of its own, and neither sweeps
   * the other away. */
  second = nexus_file_store_new (fixture->base, &error);
  g_assert_no_error (error);
  wait_for_io (second);
  g_assert_cmpstr (nexus_file_store_get_directory (second), !=, directory);
  g_assert_true (g_file_test (directory, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (nexus_file_store_get_directory (second), G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_entries (fixture->base), ==, 2);

  /* Closing removes it at once, with what it held. */
  nexus_file_store_close (second);
  g_assert_false (g_file_test (nexus_file_store_get_directory (second), G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (fixture->base), ==, 1);
}

static void
test_records (Fixture       *fixture,
              gconstpointer  data)
{
  NexusFileRoom *room = nexus_file_store_add_room (fixture->store, GINT_TO_POINTER (7));
  NexusStoredFile *file;
  NexusImageInfo image = { NEXUS_IMAGE_PNG, 640, 480 };
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GError) error = NULL;
  NexusFileInfo info;

  g_assert_true (nexus_file_room_get_user_data (room) == GINT_TO_POINTER (7));
  file = nexus_file_room_reserve (room, "ada", "u1", "Ünïcode name/?&#.png", 1234, 4096, 0,
                                  &error);
  g_assert_no_error (error);
  g_assert_nonnull (file);

  /* Its id and token: 128 random bits each, and not the same. */
  g_assert_true (is_hex (nexus_stored_file_get_id (file), 32));
  g_assert_true (is_hex (nexus_stored_file_get_token (file), 32));
  g_assert_cmpstr (nexus_stored_file_get_id (file), !=, nexus_stored_file_get_token (file));
  g_assert_cmpint (nexus_stored_file_get_state (file), ==, NEXUS_STORED_FILE_RESERVED);
  g_assert_cmpuint (nexus_stored_file_get_size (file), ==, 1234);
  g_assert_cmpstr (nexus_stored_file_get_upload_id (file), ==, "u1");
  g_assert_true (nexus_stored_file_get_room (file) == room);

  /* The URL: the id, then the name escaped; on disk only the id. */
  g_assert_true (g_str_has_prefix (nexus_stored_file_get_url (file), "/files/"));
  g_assert_cmpstr (nexus_stored_file_get_url (file) + 7 + 32, ==,
                   "/%C3%9Cn%C3%AFcode%20name%2F%3F%26%23.png");
  path = g_file_get_path (nexus_stored_file_get_file (file));
  dir = g_path_get_dirname (path);
  g_assert_cmpstr (dir, ==, nexus_file_store_get_directory (fixture->store));
  g_assert_true (g_str_has_suffix (path, nexus_stored_file_get_id (file)));

  /* A slot is found by its token, not yet as a file. */
  g_assert_true (nexus_file_store_lookup_token (fixture->store, nexus_stored_file_get_token (file)) == file);
  g_assert_null (nexus_file_store_lookup_file (fixture->store, nexus_stored_file_get_id (file)));
  g_assert_true (nexus_file_room_lookup_upload (room, "ada", "u1") == file);
  g_assert_null (nexus_file_room_lookup_upload (room, "bob", "u1"));
  g_assert_null (nexus_file_store_lookup_token (fixture->store, "not-a-token"));
  g_assert_null (nexus_file_store_lookup_token (fixture->store, NULL));
  g_assert_cmpuint (nexus_file_store_get_n_slots (fixture->store), ==, 1);

  /* The token is good once. */
  token = g_strdup (nexus_stored_file_get_token (file));
  nexus_stored_file_begin (file);
  g_assert_cmpint (nexus_stored_file_get_state (file), ==, NEXUS_STORED_FILE_RECEIVING);
  g_assert_null (nexus_file_store_lookup_token (fixture->store, token));
  g_assert_cmpstr (nexus_stored_file_get_token (file), ==, token);
  g_assert_cmpuint (nexus_file_store_get_n_slots (fixture->store), ==, 0);
  g_assert_null (nexus_file_store_lookup_file (fixture->store, nexus_stored_file_get_id (file)));

  /* Complete: a file to download, with what its bytes showed. */
  nexus_stored_file_complete (file, &image);
  g_assert_true (nexus_file_store_lookup_file (fixture->store, nexus_stored_file_get_id (file)) == file);
  nexus_stored_file_get_info (file, &info);
  g_assert_cmpstr (info.name, ==, "Ünïcode name/?&#.png");
  g_assert_cmpuint (info.size, ==, 1234);
  g_assert_cmpstr (info.type, ==, "image/png");
  g_assert_cmpstr (info.url, ==, nexus_stored_file_get_url (file));
  g_assert_cmpuint (info.width, ==, 640);
  g_assert_cmpuint (info.height, ==, 480);

  {
    g_autoptr(GPtrArray) unshared = nexus_file_room_list_unshared (room, "ada");

    g_assert_cmpuint (unshared->len, ==, 1);
    g_assert_true (g_ptr_array_index (unshared, 0) == file);
  }
  nexus_stored_file_set_shared (file, 42, 1700000000000000);
  g_assert_cmpint (nexus_stored_file_get_state (file), ==, NEXUS_STORED_FILE_SHARED);
  g_assert_cmpint (nexus_stored_file_get_shared_seq (file), ==, 42);
  g_assert_cmpint (nexus_stored_file_get_said_at (file), ==, 1700000000000000);
  g_assert_true (nexus_file_store_lookup_file (fixture->store, nexus_stored_file_get_id (file)) == file);
  {
    g_autoptr(GPtrArray) unshared = nexus_file_room_list_unshared (room, "ada");

    g_assert_cmpuint (unshared->len, ==, 0);
  }

  nexus_file_store_remove_room (fixture->store, room);
}

static void
test_not_a_picture_info (Fixture       *fixture,
                         gconstpointer  data)
{
  NexusFileRoom *room = nexus_file_store_add_room (fixture->store, NULL);
  NexusStoredFile *file = nexus_file_room_reserve (room, "ada", "u1", "page.html", 10, 100, 0, NULL);
  NexusImageInfo none = { NEXUS_IMAGE_NONE, 0, 0 };
  NexusFileInfo info;

  nexus_stored_file_begin (file);
  nexus_stored_file_complete (file, &none);
  nexus_stored_file_get_info (file, &info);
  g_assert_cmpstr (info.type, ==, "application/octet-stream");
  g_assert_cmpuint (info.width, ==, 0);
  g_assert_cmpuint (info.height, ==, 0);
  nexus_file_store_remove_room (fixture->store, room);
}

static void
test_quota (Fixture       *fixture,
            gconstpointer  data)
{
  NexusFileRoom *room = nexus_file_store_add_room (fixture->store, NULL);
  NexusFileRoom *other = nexus_file_store_add_room (fixture->store, NULL);
  NexusStoredFile *first;
  g_autoptr(GError) error = NULL;
  guint i;

  first = nexus_file_room_reserve (room, "ada", "a", "a.bin", 600, 1000, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nexus_file_room_get_used (room), ==, 600);

  /* Slots count as much as files do: two at once cannot pass the limit. */
  g_assert_null (nexus_file_room_reserve (room, "bob", "b", "b.bin", 401, 1000, 0, &error));
  g_assert_error (error, NEXUS_FILE_STORE_ERROR, NEXUS_FILE_STORE_ERROR_ROOM_FULL);
  g_clear_error (&error);
  g_assert_nonnull (nexus_file_room_reserve (room, "bob", "b", "b.bin", 400, 1000, 0, &error));
  g_assert_cmpuint (nexus_file_room_get_used (room), ==, 1000);
  g_assert_null (nexus_file_room_reserve (room, "bob", "c", "c.bin", 1, 1000, 0, &error));
  g_clear_error (&error);
  /* Another room's space is its own. */
  g_assert_nonnull (nexus_file_room_reserve (other, "cy", "a", "a.bin", 1000, 1000, 0, NULL));

  /* A discarded upload gives its space back. */
  nexus_file_store_discard (fixture->store, first);
  g_assert_cmpuint (nexus_file_room_get_used (room), ==, 400);
  g_assert_null (nexus_file_room_lookup_upload (room, "ada", "a"));
  g_assert_nonnull (nexus_file_room_reserve (room, "ada", "a", "a.bin", 600, 1000, 0, NULL));

  /* No overflow past the limit. */
  g_assert_null (nexus_file_room_reserve (other, "cy", "big", "x", G_MAXUINT64, G_MAXUINT64 - 1,
                                          0, &error));
  g_clear_error (&error);

  /* Empty files cost no bytes, but a room holds a bounded number. */
  nexus_file_store_remove_room (fixture->store, other);
  other = nexus_file_store_add_room (fixture->store, NULL);
  for (i = 0; i < NEXUS_FILE_STORE_MAX_FILES_PER_ROOM; i++)
    {
      g_autofree char *id = g_strdup_printf ("e%u", i);

      g_assert_nonnull (nexus_file_room_reserve (other, "cy", id, "empty", 0, 1000, 0, NULL));
    }
  g_assert_null (nexus_file_room_reserve (other, "cy", "one-more", "empty", 0, 1000, 0, &error));
  g_assert_error (error, NEXUS_FILE_STORE_ERROR, NEXUS_FILE_STORE_ERROR_ROOM_FULL);
  g_assert_cmpuint (nexus_file_room_get_n_files (other), ==, NEXUS_FILE_STORE_MAX_FILES_PER_ROOM);

  nexus_file_store_remove_room (fixture->store, room);
  nexus_file_store_remove_room (fixture->store, other);
}

static void
test_uploads_per_minute (Fixture       *fixture,
                         gconstpointer  data)
{
  NexusFileRoom *room = nexus_file_store_add_room (fixture->store, NULL);
  gint64 t0 = 1000 * G_USEC_PER_SEC;

  for (guint i = 0; i < 3; i++)
    g_assert_true (nexus_file_room_take_upload (room, "ada", t0 + i, 3));
  g_assert_false (nexus_file_room_take_upload (room, "ada", t0 + 10 * G_USEC_PER_SEC, 3));
  /* Each member counts alone. */
  g_assert_true (nexus_file_room_take_upload (room, "bob", t0, 3));
  /* A minute after the first, one more. */
  g_assert_false (nexus_file_room_take_upload (room, "ada", t0 + 60 * G_USEC_PER_SEC - 1, 3));
  g_assert_true (nexus_file_room_take_upload (room, "ada", t0 + 60 * G_USEC_PER_SEC, 3));
  g_assert_false (nexus_file_room_take_upload (room, "ada", t0 + 60 * G_USEC_PER_SEC, 3));
  /* A member that leaves and another that comes with a new session. */
  nexus_file_room_forget_owner (room, "ada");
  g_assert_true (nexus_file_room_take_upload (room, "ada", t0 + 61 * G_USEC_PER_SEC, 3));
  nexus_file_store_remove_room (fixture->store, room);
}

static void
test_expire_slots (Fixture       *fixture,
                   gconstpointer  data)
{
  NexusFileRoom *room = nexus_file_store_add_room (fixture->store, NULL);
  NexusStoredFile *waiting = nexus_file_room_reserve (room, "ada", "w", "w", 100, 1000, 0, NULL);
  NexusStoredFile *started = nexus_file_room_reserve (room, "ada", "s", "s", 100, 1000, 0, NULL);
  g_autofree char *token = g_strdup (nexus_stored_file_get_token (waiting));

  nexus_stored_file_begin (started);
  g_assert_cmpuint (nexus_file_store_expire_slots (fixture->store, 59 * G_USEC_PER_SEC,
                                                   60 * G_USEC_PER_SEC), ==, 0);
  g_assert_cmpuint (nexus_file_store_expire_slots (fixture->store, 60 * G_USEC_PER_SEC,
                                                   60 * G_USEC_PER_SEC), ==, 1);
  /* Only the slot never used: a started upload has its own deadline. */
  g_assert_null (nexus_file_store_lookup_token (fixture->store, token));
  g_assert_null (nexus_file_room_lookup_upload (room, "ada", "w"));
  g_assert_true (nexus_file_room_lookup_upload (room, "ada", "s") == started);
  g_assert_cmpuint (nexus_file_room_get_used (room), ==, 100);
  nexus_file_store_remove_room (fixture->store, room);
}

static NexusStoredFile *
make_complete (NexusFileRoom *room,
               const char    *id,
               gsize          size)
{
  NexusStoredFile *file = nexus_file_room_reserve (room, "ada", id, id, size, 1 << 20, 0, NULL);
  NexusImageInfo none = { NEXUS_IMAGE_NONE, 0, 0 };

  g_assert_nonnull (file);
  nexus_stored_file_begin (file);
  put_bytes (file, size);
  nexus_stored_file_complete (file, &none);
  return file;
}

static void
test_room_end_deletes (Fixture       *fixture,
                       gconstpointer  data)
{
  NexusFileRoom *ending = nexus_file_store_add_room (fixture->store, NULL);
  NexusFileRoom *staying = nexus_file_store_add_room (fixture->store, NULL);
  NexusStoredFile *a = make_complete (ending, "a", 10 * KIB);
  NexusStoredFile *b = make_complete (ending, "b", 0);
  NexusStoredFile *kept = make_complete (staying, "c", 5);
  g_autoptr(GFile) a_file = g_object_ref (nexus_stored_file_get_file (a));
  g_autoptr(GFile) b_file = g_object_ref (nexus_stored_file_get_file (b));
  g_autofree char *a_id = g_strdup (nexus_stored_file_get_id (a));

  g_assert_true (on_disk (a));
  g_assert_true (on_disk (b));
  nexus_file_store_remove_room (fixture->store, ending);
  g_assert_null (nexus_file_store_lookup_file (fixture->store, a_id));
  wait_for_io (fixture->store);
  g_assert_false (g_file_query_exists (a_file, NULL));
  g_assert_false (g_file_query_exists (b_file, NULL));
  g_assert_true (on_disk (kept));
  /* lock + the one file left */
  g_assert_cmpuint (count_entries (nexus_file_store_get_directory (fixture->store)), ==, 2);

  /* A discarded file goes from the disk as well. */
  nexus_file_store_discard (fixture->store, kept);
  wait_for_io (fixture->store);
  g_assert_cmpuint (count_entries (nexus_file_store_get_directory (fixture->store)), ==, 1);
  nexus_file_store_remove_room (fixture->store, staying);
}

static void
test_close_removes_everything (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("nexus-file-store-XXXXXX", &error);
  NexusFileStore *store = nexus_file_store_new (base, &error);
  g_autofree char *directory = NULL;
  NexusFileRoom *room;

  g_assert_no_error (error);
  wait_for_io (store);
  directory = g_strdup (nexus_file_store_get_directory (store));
  room = nexus_file_store_add_room (store, NULL);
  make_complete (room, "a", 100);
  make_complete (room, "b", 100);
  g_assert_cmpuint (count_entries (directory), ==, 3);

  /* The store goes with its rooms still open: nothing may stay. */
  wait_for_io (store);
  g_assert_finalize_object (store);
  g_assert_false (g_file_test (directory, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (base), ==, 0);
  remove_tree (base);
}

/* A directory as a server that crashed leaves it: its lock (nobody holds
 * it), its files. */
static char *
make_abandoned (const char *base,
                const char *prefix,
                guint       n_files,
                gboolean    with_lock)
{
  g_autofree char *random = nexus_session_token_new ();
  char *path = g_strconcat (base, "/", prefix, random, NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  if (with_lock)
    {
      g_autofree char *lock = g_build_filename (path, "lock", NULL);

      g_assert_true (g_file_set_contents (lock, "", 0, NULL));
    }
  for (guint i = 0; i < n_files; i++)
    {
      g_autofree char *id = nexus_session_token_new ();
      g_autofree char *file = g_build_filename (path, id, NULL);

      g_assert_true (g_file_set_contents (file, "bytes", 5, NULL));
    }
  return path;
}

static void
age (const char *path,
     gint64      seconds)
{
  struct utimbuf times = { time (NULL) - seconds, time (NULL) - seconds };

  g_assert_cmpint (utime (path, &times), ==, 0);
}

static void
test_sweep (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("nexus-file-store-XXXXXX", &error);
  g_autofree char *crashed = make_abandoned (base, "instance-", 3, TRUE);
  g_autofree char *crashed_mixed = make_abandoned (base, "instance-", 2, TRUE);
  g_autofree char *no_lock_empty = make_abandoned (base, "instance-", 0, FALSE);
  g_autofree char *alive = make_abandoned (base, "instance-", 2, TRUE);
  g_autofree char *half_made_old = make_abandoned (base, ".new-", 0, TRUE);
  g_autofree char *half_made_new = make_abandoned (base, ".new-", 0, TRUE);
  g_autofree char *alive_lock = g_build_filename (alive, "lock", NULL);
  g_autofree char *foreign = g_build_filename (crashed_mixed, "notes.txt", NULL);
  g_autofree char *not_ours = g_build_filename (base, "instance-photos", NULL);
  g_autofree char *not_ours_file = g_build_filename (not_ours, "0123456789abcdef0123456789abcdef", NULL);
  g_autofree char *outside = g_build_filename (base, "outside.txt", NULL);
  g_autofree char *link_id = nexus_session_token_new ();
  g_autofree char *link = g_build_filename (crashed, link_id, NULL);
  NexusFileStore *store;
  int alive_fd;

  /* A live server holds its lock; ours is held from another descriptor,
   * which is as good as another process. */
  alive_fd = open (alive_lock, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (alive_fd, >=, 0);
  g_assert_cmpint (flock (alive_fd, LOCK_EX | LOCK_NB), ==, 0);
  g_assert_true (g_file_set_contents (foreign, "mine", -1, NULL));
  g_assert_cmpint (g_mkdir (not_ours, 0700), ==, 0);
  g_assert_true (g_file_set_contents (not_ours_file, "x", -1, NULL));
  g_assert_true (g_file_set_contents (outside, "precious", -1, NULL));
  /* A link named like a file id: unlinked, never followed. */
  g_assert_cmpint (symlink (outside, link), ==, 0);
  age (half_made_old, 3600);

  store = nexus_file_store_new (base, &error);
  g_assert_no_error (error);
  wait_for_io (store);

  g_assert_false (g_file_test (crashed, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (no_lock_empty, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (half_made_old, G_FILE_TEST_EXISTS));
  /* Anything that is not ours stays, and so does what holds it. */
  g_assert_true (g_file_test (crashed_mixed, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (count_entries (crashed_mixed), ==, 1);
  g_assert_true (g_file_test (foreign, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (not_ours_file, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (outside, G_FILE_TEST_IS_REGULAR));
  /* A live server's, and one being made this moment, are untouched. */
  g_assert_cmpuint (count_entries (alive), ==, 3);
  g_assert_true (g_file_test (half_made_new, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (nexus_file_store_get_directory (store), G_FILE_TEST_IS_DIR));

  g_assert_finalize_object (store);
  close (alive_fd);
  remove_tree (base);
}

static void
test_unusable_base (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("nexus-file-store-XXXXXX", &error);
  g_autofree char *file = g_build_filename (base, "a-file", NULL);
  g_autofree char *below = g_build_filename (file, "files", NULL);

  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  g_assert_null (nexus_file_store_new (below, &error));
  g_assert_error (error, NEXUS_FILE_STORE_ERROR, NEXUS_FILE_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, below));
  remove_tree (base);
}

static void
test_default_base (void)
{
  g_autofree char *base = nexus_file_store_default_base ();
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "nexus-chat", "files", NULL);

  g_assert_cmpstr (base, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/file-store/directory", test_directory);
  ADD ("/file-store/records", test_records);
  ADD ("/file-store/not-a-picture", test_not_a_picture_info);
  ADD ("/file-store/quota", test_quota);
  ADD ("/file-store/uploads-per-minute", test_uploads_per_minute);
  ADD ("/file-store/expire-slots", test_expire_slots);
  ADD ("/file-store/room-end-deletes", test_room_end_deletes);
#undef ADD
  g_test_add_func ("/file-store/close-removes-everything", test_close_removes_everything);
  g_test_add_func ("/file-store/sweep", test_sweep);
  g_test_add_func ("/file-store/unusable-base", test_unusable_base);
  g_test_add_func ("/file-store/default-base", test_default_base);

  return g_test_run ();
}
