/* test-ui-files.c: the window test's steps with files: the attach button,
 * a file on its way with its progress and Cancel, a picture previewed
 * before it goes (attached, pasted), files dropped on the log, Bob's
 * picture and file in the log, the viewer, and Save…
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "nexus-file-view-private.h"
#include "nexus-picture-preview.h"
#include "nexus-picture-viewer.h"
#include "nexus-test-files.h"
#include "nexus-ui-harness.h"
#include "test-ui-steps.h"

#define MB (1000 * 1000)

static char *files_dir;

/* Files to attach */

/* A picture worth a screenshot: a sky, a sea and a sun, in @variant's
 * colours, as PNG bytes. */
static GBytes *
make_picture (int   width,
              int   height,
              guint variant)
{
  static const guint8 skies[][6] = {
    { 0x1c, 0x71, 0xd8, 0xf6, 0xd3, 0x2d },
    { 0x61, 0x35, 0x83, 0xff, 0xa3, 0x48 },
    { 0x26, 0xa2, 0x69, 0xf9, 0xf0, 0x6b },
  };
  const guint8 *sky = skies[variant % G_N_ELEMENTS (skies)];
  g_autofree guint8 *pixels = g_malloc ((gsize) width * height * 3);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + ((gsize) y * width + x) * 3;
        double t = (double) y / height;
        double dx = x - width * 0.7, dy = y - height * 0.35;
        gboolean sun = dx * dx + dy * dy < (height * 0.12) * (height * 0.12);
        gboolean sea = y > height * 0.62;

        for (int c = 0; c < 3; c++)
          {
            double value = sky[c] * (1 - t) + sky[3 + c] * t;

            if (sea)
              value = sky[c] * 0.55;
            if (sun)
              value = c == 2 ? 0x70 : 0xff;
            p[c] = (guint8) value;
          }
      }
  bytes = g_bytes_new_take (g_steal_pointer (&pixels), (gsize) width * height * 3);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, width * 3);
  return gdk_texture_save_to_png_bytes (texture);
}

static GFile *
write_file (const char *name,
            GBytes     *bytes)
{
  g_autofree char *path = NULL;

  if (files_dir == NULL)
    files_dir = g_dir_make_tmp ("nexus-ui-files-XXXXXX", NULL);
  g_assert_nonnull (files_dir);
  path = g_build_filename (files_dir, name, NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      (gssize) g_bytes_get_size (bytes), NULL));
  return g_file_new_for_path (path);
}

static GBytes *
random_bytes (gsize size)
{
  guint8 *data = g_malloc (size);
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

/* What the log shows of a file: its row by the text every client knows. */
static NexusMessageRow *
find_file_row (const char *name,
               gsize       size)
{
  g_autofree char *text = nexus_file_fallback_text (name, size);

  return ui_find_row (text);
}

/* Reads Bob's frames until the message of a file called @name. */
static JsonObject *
bob_expects_file (const char *name)
{
  for (;;)
    {
      JsonObject *frame = nexus_test_client_next (ui.bob);
      JsonObject *file;

      if (g_strcmp0 (json_object_get_string_member (frame, "type"), "message") == 0
          && json_object_has_member (frame, "file")
          && (file = json_object_get_object_member (frame, "file")) != NULL
          && g_strcmp0 (json_object_get_string_member (file, "name"), name) == 0)
        return frame;
      json_object_unref (frame);
    }
}

/* The host reading an upload, held and let go: so the window can be
 * looked at halfway. The host's own pause for a turn is what holds it,
 * with a turn that ends only when the test says. */

static NexusTransfer *held;

static gboolean
never (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
hold_upload (void)
{
  NexusServer *server = nexus_application_get_server (ui.app);
  g_autoptr(GList) transfers = g_hash_table_get_keys (server->files.transfers);

  for (GList *l = transfers; l != NULL; l = l->next)
    {
      NexusTransfer *transfer = l->data;

      if (transfer->upload && !transfer->finished && !transfer->paused
          && transfer->turn_id == 0 && !transfer->body_done)
        {
          transfer->turn_id = g_timeout_add_seconds (3600, never, NULL);
          transfer->paused = TRUE;
          soup_server_message_pause (transfer->msg);
          held = transfer;
          return TRUE;
        }
    }
  return FALSE;
}

static void
release_upload (void)
{
  g_clear_handle_id (&held->turn_id, g_source_remove);
  held->turn_bytes = 0;
  held->paused = FALSE;
  soup_server_message_unpause (held->msg);
  held = NULL;
}

/* Steps */

/* In the language of the run: the button, its tooltip and its name. */
void
test_files_attach_button (void)
{
  GtkWidget *button = nexus_room_page_get_attach_button (ui_room_page ());

  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (button)), ==,
                   "mail-attachment-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   SAYS ("Attach a File", "Datei anhängen"));
}

/* A file on its way: a progress bar with the bytes and Cancel; then in
 * the room for Bob. Another is cancelled halfway, and is nowhere. */
void
test_files_progress (void)
{
  NexusAttach *attach = nexus_room_page_get_attach (ui_room_page ());
  NexusServer *server = nexus_application_get_server (ui.app);
  g_autoptr(GBytes) minutes = random_bytes (12 * MB);
  g_autoptr(GFile) file = NULL;
  g_autoptr(JsonObject) seen = NULL;
  NexusMessageRow *row;
  NexusFileView *view;
  NexusEvent *event;
  const char *progress;

  file = write_file ("minutes.pdf", minutes);
  nexus_attach_add_file (attach, file);
  WAIT_UNTIL ((row = find_file_row ("minutes.pdf", 12 * MB)) != NULL);
  view = nexus_message_row_get_file_view (row);
  event = nexus_message_row_get_event (row);
  WAIT_UNTIL (hold_upload ());
  /* g_format_size() puts a no-break space before the unit. */
  WAIT_UNTIL ((progress = nexus_file_view_get_progress (view)) != NULL
              && g_regex_match_simple ("^[0-9.]+\xc2\xa0(kB|MB) of 12\\.0\xc2\xa0MB$",
                                       progress, 0, 0));
  g_assert_cmpint (nexus_event_get_delivery (event), ==, NEXUS_DELIVERY_SENDING);
  g_assert_cmpstr (gtk_button_get_label (nexus_file_view_get_cancel_button (view)), ==,
                   "_Cancel");
  g_assert_false (nexus_file_view_offers_save (view));
  ui_screenshot ("file-progress.png", NULL);

  release_upload ();
  WAIT_UNTIL (nexus_event_get_delivery (event) == NEXUS_DELIVERY_SENT);
  WAIT_UNTIL (nexus_file_view_get_progress (view) == NULL);
  g_assert_true (nexus_file_view_offers_save (view));
  seen = bob_expects_file ("minutes.pdf");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (seen, "file"),
                                               "size"), ==, 12 * MB);

  /* Cancelled halfway: the row goes, and the host keeps nothing of it.
   * Larger than loopback's socket buffers together, so that the body
   * cannot already be all on its way when Cancel is pressed (a sparse
   * file: nothing of it is held in memory). */
  {
    g_autofree char *draft_path = g_build_filename (files_dir, "draft.pdf", NULL);
    g_autoptr(GFile) draft = g_file_new_for_path (draft_path);
    int draft_fd = open (draft_path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

    g_assert_cmpint (draft_fd, >=, 0);
    g_assert_cmpint (ftruncate (draft_fd, (off_t) (64 * MB)), ==, 0);
    close (draft_fd);
    nexus_attach_add_file (attach, draft);
    WAIT_UNTIL ((row = find_file_row ("draft.pdf", 64 * MB)) != NULL);
    view = nexus_message_row_get_file_view (row);
    WAIT_UNTIL (hold_upload ());
    WAIT_UNTIL (nexus_file_view_get_cancel_button (view) != NULL);
    gtk_widget_activate (GTK_WIDGET (nexus_file_view_get_cancel_button (view)));
    WAIT_UNTIL (find_file_row ("draft.pdf", 64 * MB) == NULL);
    /* Reading again, the host finds the connection gone. */
    release_upload ();
    WAIT_UNTIL (nexus_server_get_n_transfers (server) == 0);
    nexus_test_assert_store_holds (server, 1);
  }

  /* Too large for the host: why, Retry, and Remove. (A sparse file: the
   * host refuses it before a byte is read.) */
  {
    g_autofree char *path = g_build_filename (files_dir, "huge.iso", NULL);
    g_autoptr(GFile) huge = g_file_new_for_path (path);
    gsize size = 100 * 1024 * 1024 + 1;
    int fd = open (path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (ftruncate (fd, (off_t) size), ==, 0);
    close (fd);
    nexus_attach_add_file (attach, huge);
    WAIT_UNTIL ((row = find_file_row ("huge.iso", size)) != NULL
                && nexus_event_get_delivery (nexus_message_row_get_event (row))
                   == NEXUS_DELIVERY_FAILED);
    view = nexus_message_row_get_file_view (row);
    ui_settle ();
    g_assert_nonnull (ui_find_label (GTK_WIDGET (row), "“huge.iso” is too large: the host "
                                     "takes files of at most 100 MiB.", FALSE));
    g_assert_nonnull (ui_find_label (GTK_WIDGET (view), "_Retry", FALSE));
    g_assert_cmpstr (gtk_button_get_label (nexus_file_view_get_cancel_button (view)), ==,
                     "_Remove");
    ui_screenshot ("file-failed.png", NULL);
    gtk_widget_activate (GTK_WIDGET (nexus_file_view_get_cancel_button (view)));
    WAIT_UNTIL (find_file_row ("huge.iso", size) == NULL);
  }
}

/* A picture is previewed: Send shares it, Cancel does not; pasted ones
 * too, under a name of their own. */
void
test_files_preview (void)
{
  NexusAttach *attach = nexus_room_page_get_attach (ui_room_page ());
  GtkTextView *composer = nexus_room_page_get_composer (ui_room_page ());
  g_autoptr(GBytes) harbour = make_picture (1200, 800, 0);
  g_autoptr(GFile) file = write_file ("harbour.png", harbour);
  g_autoptr(JsonObject) seen = NULL;
  g_autofree char *pasted_name = NULL;
  NexusMessageRow *row;
  GtkWindow *preview;
  JsonObject *seen_file;

  nexus_attach_add_file (attach, file);
  WAIT_UNTIL ((preview = nexus_attach_get_preview (attach)) != NULL
              && gtk_widget_get_mapped (GTK_WIDGET (preview)));
  g_assert_cmpstr (nexus_picture_preview_get_name (NEXUS_PICTURE_PREVIEW (preview)), ==,
                   "harbour.png");
  g_assert_null (find_file_row ("harbour.png", g_bytes_get_size (harbour)));
  ui_screenshot_window ("preview.png", GTK_WIDGET (preview));
  nexus_picture_preview_respond (NEXUS_PICTURE_PREVIEW (preview), TRUE);
  g_assert_null (nexus_attach_get_preview (attach));

  seen = bob_expects_file ("harbour.png");
  seen_file = json_object_get_object_member (seen, "file");
  g_assert_cmpstr (json_object_get_string_member (seen_file, "type"), ==, "image/png");
  g_assert_cmpint (json_object_get_int_member (seen_file, "width"), ==, 1200);
  g_assert_cmpint (json_object_get_int_member (seen_file, "height"), ==, 800);
  WAIT_UNTIL ((row = find_file_row ("harbour.png", g_bytes_get_size (harbour))) != NULL
              && nexus_file_view_get_texture (nexus_message_row_get_file_view (row)) != NULL);
  g_assert_true (nexus_file_view_shows_picture (nexus_message_row_get_file_view (row)));

  /* Pasted: Cancel sends nothing. */
  {
    g_autoptr(GBytes) png = make_picture (900, 600, 1);
    g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (png, NULL);
    GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (composer));

    gdk_clipboard_set_texture (clipboard, texture);
    g_signal_emit_by_name (composer, "paste-clipboard");
    WAIT_UNTIL ((preview = nexus_attach_get_preview (attach)) != NULL);
    g_assert_true (g_str_has_prefix (nexus_picture_preview_get_name (NEXUS_PICTURE_PREVIEW (preview)),
                                     "Pasted picture "));
    nexus_picture_preview_respond (NEXUS_PICTURE_PREVIEW (preview), FALSE);
    g_assert_null (nexus_attach_get_preview (attach));

    /* And Send sends it, as a PNG. */
    g_signal_emit_by_name (composer, "paste-clipboard");
    WAIT_UNTIL ((preview = nexus_attach_get_preview (attach)) != NULL);
    pasted_name = g_strdup (nexus_picture_preview_get_name (NEXUS_PICTURE_PREVIEW (preview)));
    g_assert_true (g_str_has_suffix (pasted_name, ".png"));
    nexus_picture_preview_respond (NEXUS_PICTURE_PREVIEW (preview), TRUE);
  }
  g_clear_pointer (&seen, json_object_unref);
  seen = bob_expects_file (pasted_name);
  seen_file = json_object_get_object_member (seen, "file");
  g_assert_cmpint (json_object_get_int_member (seen_file, "width"), ==, 900);
  g_assert_cmpint (gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (composer)), ==, 0);
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller)
          && gdk_content_formats_contain_gtype (
               gtk_drop_target_get_formats (GTK_DROP_TARGET (controller)), GDK_TYPE_FILE_LIST))
        return GTK_DROP_TARGET (controller);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkDropTarget *found = find_drop_target (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Files dropped on the log are shared. (The highlight while they are
 * dragged over it needs a real drag, which the X server of the test does
 * not make.) */
void
test_files_drop (void)
{
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (ui_room_page ()));
  g_autoptr(GBytes) notes = random_bytes (12345);
  g_autoptr(GFile) file = write_file ("notes.txt", notes);
  g_autoptr(JsonObject) seen = NULL;
  GValue value = G_VALUE_INIT;
  gboolean dropped = FALSE;

  g_assert_nonnull (target);
  /* What a drag over the log shows, as it looks. */
  gtk_revealer_set_reveal_child (nexus_room_page_get_drop_hint (ui_room_page ()), TRUE);
  ui_screenshot ("drop.png", NULL);
  gtk_revealer_set_reveal_child (nexus_room_page_get_drop_hint (ui_room_page ()), FALSE);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (&file, 1));
  g_signal_emit_by_name (target, "drop", &value, 100.0, 100.0, &dropped);
  g_value_unset (&value);
  g_assert_true (dropped);
  seen = bob_expects_file ("notes.txt");
  WAIT_UNTIL (find_file_row ("notes.txt", 12345) != NULL);
}

/* Bob's picture shows as a picture, his file as a card; Save… writes the
 * same bytes; a click opens the picture in a viewer. */
void
test_files_from_bob (void)
{
  guint port = nexus_server_get_port (nexus_application_get_server (ui.app));
  g_autoptr(GBytes) lighthouse = make_picture (640, 900, 2);
  g_autoptr(GBytes) budget = random_bytes (300 * 1000 + 17);
  g_autoptr(JsonObject) picture_message = NULL;
  g_autoptr(JsonObject) file_message = NULL;
  g_autofree char *saved_path = NULL;
  g_autoptr(GFile) saved = NULL;
  g_autofree char *part_path = NULL;
  NexusMessageRow *picture_row, *file_row;
  NexusFileView *picture_view, *file_view;
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWindow *viewer;

  g_clear_object (&saved);
  saved = write_file ("budget copy.ods", budget);
  saved_path = g_file_get_path (saved);
  part_path = g_strconcat (saved_path, ".part", NULL);
  /* Saved over: the place chosen may hold a file of that name already. */
  g_assert_true (g_file_set_contents (saved_path, "old", 3, NULL));
  nexus_test_client_clear (ui.bob);
  picture_message = nexus_test_share_bytes (port, ui.bob, "bf1", "lighthouse.png",
                                            g_bytes_get_data (lighthouse, NULL),
                                            g_bytes_get_size (lighthouse));
  file_message = nexus_test_share_bytes (port, ui.bob, "bf2", "budget.ods",
                                         g_bytes_get_data (budget, NULL),
                                         g_bytes_get_size (budget));

  WAIT_UNTIL ((file_row = find_file_row ("budget.ods", g_bytes_get_size (budget))) != NULL);
  file_view = nexus_message_row_get_file_view (file_row);
  g_assert_false (nexus_file_view_shows_picture (file_view));
  g_assert_true (nexus_file_view_offers_save (file_view));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (file_view), "budget.ods", FALSE));
  WAIT_UNTIL ((picture_row = find_file_row ("lighthouse.png",
                                            g_bytes_get_size (lighthouse))) != NULL);
  picture_view = nexus_message_row_get_file_view (picture_row);
  g_assert_true (nexus_file_view_shows_picture (picture_view));
  WAIT_UNTIL (nexus_file_view_get_texture (picture_view) != NULL);
  /* Sized to the log before it came, and drawn at that size. */
  WAIT_UNTIL (gtk_widget_get_height (nexus_file_view_get_picture_button (picture_view)) > 0);
  g_assert_cmpint (gtk_widget_get_height (nexus_file_view_get_picture_button (picture_view)),
                   <=, 290);
  g_assert_cmpint (gtk_widget_get_height (nexus_file_view_get_picture_button (picture_view)),
                   >=, 270);

  ui_screenshot ("room-files.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  ui_screenshot ("room-files-dark.png", NULL);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  ui_screenshot_narrow ("room-files-narrow.png");

  /* Save…, the place chosen: the same bytes, and no part left over. */
  nexus_file_view_save_to (file_view, saved);
  WAIT_UNTIL (g_file_test (saved_path, G_FILE_TEST_EXISTS)
              && nexus_file_view_get_progress (file_view) == NULL);
  {
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (saved_path, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, g_bytes_get_data (budget, NULL),
                     g_bytes_get_size (budget));
  }
  g_assert_false (g_file_test (part_path, G_FILE_TEST_EXISTS));

  /* The picture, full size. */
  gtk_widget_activate (nexus_file_view_get_picture_button (picture_view));
  WAIT_UNTIL ((viewer = ui_find_toplevel (NEXUS_TYPE_PICTURE_VIEWER)) != NULL
              && gtk_widget_get_mapped (GTK_WIDGET (viewer)));
  WAIT_UNTIL (nexus_picture_viewer_get_paintable (NEXUS_PICTURE_VIEWER (viewer)) != NULL);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (
                     nexus_picture_viewer_get_paintable (NEXUS_PICTURE_VIEWER (viewer))), ==, 640);
  ui_screenshot_window ("viewer.png", GTK_WIDGET (viewer));
  gtk_window_destroy (viewer);
  ui_settle ();

  {
    g_autoptr(GDir) dir = g_dir_open (files_dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (files_dir, name, NULL);

        g_assert_cmpint (g_unlink (path), ==, 0);
      }
    g_assert_cmpint (g_rmdir (files_dir), ==, 0);
    g_clear_pointer (&files_dir, g_free);
  }
}
