/* test-image-probe.c: pictures told by their magic bytes, and their size
 *
 * The headers below are the first bytes of real pictures of 37×23 pixels
 * (made with ImageMagick: PNG, GIF, lossy, lossless and extended WebP, a
 * progressive JPEG); the rest are made here byte by byte.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-image-probe.h"

static const guint8 png_head[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x25, 0x00, 0x00, 0x00, 0x17,
  0x01, 0x03, 0x00, 0x00, 0x00, 0xb6, 0xe2, 0x14
};

static const guint8 gif_head[] = {
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x25, 0x00, 0x17, 0x00, 0xf0, 0x00,
  0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x00, 0x00,
};

static const guint8 webp_lossy_head[] = {
  0x52, 0x49, 0x46, 0x46, 0x4e, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50,
  0x56, 0x50, 0x38, 0x20, 0x42, 0x00, 0x00, 0x00, 0x90, 0x03, 0x00, 0x9d,
  0x01, 0x2a, 0x25, 0x00, 0x17, 0x00, 0x3e, 0x6d
};

static const guint8 webp_lossless_head[] = {
  0x52, 0x49, 0x46, 0x46, 0x1c, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50,
  0x56, 0x50, 0x38, 0x4c, 0x0f, 0x00, 0x00, 0x00, 0x2f, 0x24, 0x80, 0x05,
  0x00, 0x07, 0x10, 0xfd, 0x8f, 0xfe, 0x07, 0x22
};

static const guint8 webp_extended_head[] = {
  0x52, 0x49, 0x46, 0x46, 0x72, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50,
  0x56, 0x50, 0x38, 0x58, 0x0a, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00,
  0x24, 0x00, 0x00, 0x16, 0x00, 0x00, 0x41, 0x4c
};

/* A progressive JPEG: JFIF, two quantisation tables, then SOF2. */
static const guint8 jpeg_progressive_head[] = {
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
  0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
  0x00, 0x03, 0x02, 0x02, 0x02, 0x02, 0x02, 0x03, 0x02, 0x02, 0x02, 0x03,
  0x03, 0x03, 0x03, 0x04, 0x06, 0x04, 0x04, 0x04, 0x04, 0x04, 0x08, 0x06,
  0x06, 0x05, 0x06, 0x09, 0x08, 0x0a, 0x0a, 0x09, 0x08, 0x09, 0x09, 0x0a,
  0x0c, 0x0f, 0x0c, 0x0a, 0x0b, 0x0e, 0x0b, 0x09, 0x09, 0x0d, 0x11, 0x0d,
  0x0e, 0x0f, 0x10, 0x10, 0x11, 0x10, 0x0a, 0x0c, 0x12, 0x13, 0x12, 0x10,
  0x13, 0x0f, 0x10, 0x10, 0x10, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x03, 0x03,
  0x03, 0x04, 0x03, 0x04, 0x08, 0x04, 0x04, 0x08, 0x10, 0x0b, 0x09, 0x0b,
  0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
  0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
  0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
  0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
  0x10, 0x10, 0xff, 0xc2, 0x00, 0x11, 0x08, 0x00, 0x17, 0x00, 0x25, 0x03,
  0x01, 0x11, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00
};

static void
assert_picture (const guint8   *data,
                gsize           length,
                NexusImageKind  kind,
                guint32         width,
                guint32         height)
{
  NexusImageInfo info;

  g_assert_true (nexus_image_probe (data, length, &info));
  g_assert_cmpint (info.kind, ==, kind);
  g_assert_cmpuint (info.width, ==, width);
  g_assert_cmpuint (info.height, ==, height);
}

static void
assert_not_picture (const guint8 *data,
                    gsize         length)
{
  NexusImageInfo info = { .kind = NEXUS_IMAGE_PNG, .width = 7, .height = 7 };

  g_assert_false (nexus_image_probe (data, length, &info));
  g_assert_cmpint (info.kind, ==, NEXUS_IMAGE_NONE);
  g_assert_cmpuint (info.width, ==, 0);
  g_assert_cmpuint (info.height, ==, 0);
}

/* Every shorter beginning of @data, each copied to a buffer of its own
 * size so that a read past it is caught under AddressSanitizer, is either
 * the same picture (its size already complete) or not a picture. */
static void
assert_prefixes_safe_sized (const guint8   *data,
                            gsize           length,
                            NexusImageKind  kind,
                            guint32         width,
                            guint32         height)
{
  for (gsize n = 0; n < length; n++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, n > 0 ? n : 1);
      NexusImageInfo info;

      if (nexus_image_probe (n > 0 ? copy : NULL, n, &info))
        {
          g_assert_cmpint (info.kind, ==, kind);
          g_assert_cmpuint (info.width, ==, width);
          g_assert_cmpuint (info.height, ==, height);
        }
      else
        g_assert_cmpint (info.kind, ==, NEXUS_IMAGE_NONE);
    }
}

/* The same for the real pictures, all 37×23. */
static void
assert_prefixes_safe (const guint8   *data,
                      gsize           length,
                      NexusImageKind  kind)
{
  assert_prefixes_safe_sized (data, length, kind, 37, 23);
}

static void
test_real_headers (void)
{
  assert_picture (png_head, sizeof png_head, NEXUS_IMAGE_PNG, 37, 23);
  assert_picture (gif_head, sizeof gif_head, NEXUS_IMAGE_GIF, 37, 23);
  assert_picture (webp_lossy_head, sizeof webp_lossy_head, NEXUS_IMAGE_WEBP, 37, 23);
  assert_picture (webp_lossless_head, sizeof webp_lossless_head, NEXUS_IMAGE_WEBP, 37, 23);
  assert_picture (webp_extended_head, sizeof webp_extended_head, NEXUS_IMAGE_WEBP, 37, 23);
  assert_picture (jpeg_progressive_head, sizeof jpeg_progressive_head, NEXUS_IMAGE_JPEG, 37, 23);

  assert_prefixes_safe (png_head, sizeof png_head, NEXUS_IMAGE_PNG);
  assert_prefixes_safe (gif_head, sizeof gif_head, NEXUS_IMAGE_GIF);
  assert_prefixes_safe (webp_lossy_head, sizeof webp_lossy_head, NEXUS_IMAGE_WEBP);
  assert_prefixes_safe (webp_lossless_head, sizeof webp_lossless_head, NEXUS_IMAGE_WEBP);
  assert_prefixes_safe (webp_extended_head, sizeof webp_extended_head, NEXUS_IMAGE_WEBP);
  assert_prefixes_safe (jpeg_progressive_head, sizeof jpeg_progressive_head, NEXUS_IMAGE_JPEG);

  /* The size fields are where they should be: cut just before the last
   * byte of each, none is a picture. */
  assert_not_picture (png_head, 23);
  assert_not_picture (gif_head, 9);
  assert_not_picture (webp_lossless_head, 24);
  assert_not_picture (jpeg_progressive_head, 166);
  assert_picture (jpeg_progressive_head, 167, NEXUS_IMAGE_JPEG, 37, 23);
}

static void
test_mime (void)
{
  g_assert_cmpstr (nexus_image_kind_to_mime (NEXUS_IMAGE_PNG), ==, "image/png");
  g_assert_cmpstr (nexus_image_kind_to_mime (NEXUS_IMAGE_JPEG), ==, "image/jpeg");
  g_assert_cmpstr (nexus_image_kind_to_mime (NEXUS_IMAGE_GIF), ==, "image/gif");
  g_assert_cmpstr (nexus_image_kind_to_mime (NEXUS_IMAGE_WEBP), ==, "image/webp");
  g_assert_cmpstr (nexus_image_kind_to_mime (NEXUS_IMAGE_NONE), ==, "application/octet-stream");
}

/* A JPEG made of segments: SOI, JFIF, @filler bytes of APP1 in segments of
 * at most 65533, fill bytes, a Huffman table (C4, in the SOF range but not
 * one), then a baseline frame header of @width × @height. */
static GByteArray *
make_jpeg (gsize   filler,
           guint16 width,
           guint16 height)
{
  static const guint8 jfif[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0,
                                 1, 1, 0, 0, 1, 0, 1, 0, 0 };
  static const guint8 dht[] = { 0xff, 0xc4, 0x00, 0x05, 0x00, 0x00, 0x00 };
  GByteArray *jpeg = g_byte_array_new ();
  guint8 sof[] = { 0xff, 0xff, 0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff,
                   width >> 8, width & 0xff, 0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x01,
                   0x03, 0x11, 0x01 };

  g_byte_array_append (jpeg, jfif, sizeof jfif);
  while (filler > 0)
    {
      gsize n = MIN (filler, 65533);
      guint8 head[] = { 0xff, 0xe1, (n + 2) >> 8, (n + 2) & 0xff };
      g_autofree guint8 *junk = g_malloc (n);

      /* Bytes that look like markers inside a segment must not matter. */
      for (gsize i = 0; i < n; i++)
        junk[i] = (i % 3 == 0) ? 0xff : (i % 3 == 1) ? 0xc0 : 0x11;
      g_byte_array_append (jpeg, head, sizeof head);
      g_byte_array_append (jpeg, junk, (guint) n);
      filler -= n;
    }
  g_byte_array_append (jpeg, dht, sizeof dht);
  g_byte_array_append (jpeg, sof, sizeof sof);
  return jpeg;
}

static void
test_jpeg_segments (void)
{
  g_autoptr(GByteArray) small = make_jpeg (0, 640, 480);
  g_autoptr(GByteArray) exif = make_jpeg (200000, 4032, 3024);
  g_autoptr(GByteArray) far = make_jpeg (NEXUS_IMAGE_PROBE_BYTES, 100, 100);
  g_autoptr(GByteArray) no_size = make_jpeg (0, 0, 480);
  static const guint8 scan_first[] = { 0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6,
                                       0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10 };
  static const guint8 short_segment[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01,
                                          0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10 };
  static const guint8 restart_markers[] = { 0xff, 0xd8, 0xff, 0xd0, 0xff, 0x01, 0xff, 0xc1, 0x00,
                                            0x0b, 0x08, 0x00, 0x02, 0x00, 0x03, 0x01, 0x01,
                                            0x11, 0x00 };

  assert_picture (small->data, small->len, NEXUS_IMAGE_JPEG, 640, 480);
  assert_picture (exif->data, exif->len, NEXUS_IMAGE_JPEG, 4032, 3024);
  assert_prefixes_safe_sized (small->data, small->len, NEXUS_IMAGE_JPEG, 640, 480);
  /* Behind more metadata than the probe reads: a file, not a picture. */
  g_assert_cmpuint (far->len, >, NEXUS_IMAGE_PROBE_BYTES);
  assert_not_picture (far->data, far->len);
  assert_not_picture (no_size->data, no_size->len);
  assert_not_picture (scan_first, sizeof scan_first);
  assert_not_picture (short_segment, sizeof short_segment);
  assert_picture (restart_markers, sizeof restart_markers, NEXUS_IMAGE_JPEG, 3, 2);
}

static void
test_not_pictures (void)
{
  const char *html = "<!DOCTYPE html><html><script>alert(1)</script></html>";
  const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
  /* Magic bytes alone are not enough: each has a broken size part. */
  static const guint8 png_bad_chunk[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                          0, 0, 0, 13, 'I', 'D', 'A', 'T',
                                          0, 0, 0, 1, 0, 0, 0, 1 };
  static const guint8 png_zero_width[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                           0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                           0, 0, 0, 0, 0, 0, 0, 1 };
  static const guint8 png_huge[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                     0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                     0x80, 0, 0, 0, 0, 0, 0, 1 };
  static const guint8 gif_old_magic[] = { 'G', 'I', 'F', '8', '8', 'a', 1, 0, 1, 0 };
  static const guint8 webp_other_chunk[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P',
                                             'A', 'N', 'I', 'M', 0, 0, 0, 0, 0, 0, 0, 0,
                                             0, 0, 0, 0, 0, 0 };
  static const guint8 webp_interframe[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P',
                                            'V', 'P', '8', ' ', 0, 0, 0, 0, 0x91, 0, 0, 0x9d,
                                            0x01, 0x2a, 0x10, 0, 0x10, 0 };
  static const guint8 riff_wave[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E',
                                      'f', 'm', 't', ' ', 0, 0, 0, 0, 0, 0, 0, 0 };
  guint8 noise[4096];
  GRand *rand = g_rand_new_with_seed (13);

  assert_not_picture ((const guint8 *) html, strlen (html));
  assert_not_picture ((const guint8 *) svg, strlen (svg));
  assert_not_picture (png_bad_chunk, sizeof png_bad_chunk);
  assert_not_picture (png_zero_width, sizeof png_zero_width);
  assert_not_picture (png_huge, sizeof png_huge);
  assert_not_picture (gif_old_magic, sizeof gif_old_magic);
  assert_not_picture (webp_other_chunk, sizeof webp_other_chunk);
  assert_not_picture (webp_interframe, sizeof webp_interframe);
  assert_not_picture (riff_wave, sizeof riff_wave);
  assert_not_picture (NULL, 0);

  /* Noise after each magic number: an answer, never a read out of bounds. */
  for (guint round = 0; round < 2000; round++)
    {
      static const char * const magics[] = { "\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "GIF89a",
                                              "RIFF\x10\0\0\0WEBP" };
      const char *magic = magics[round % G_N_ELEMENTS (magics)];
      gsize magic_length = round % 4 == 3 ? 12 : strlen (magic);
      gsize length = g_rand_int_range (rand, 0, sizeof noise);
      g_autofree guint8 *copy = NULL;
      NexusImageInfo info;

      for (gsize i = 0; i < sizeof noise; i++)
        noise[i] = (guint8) g_rand_int_range (rand, 0, 256);
      memcpy (noise, magic, magic_length);
      copy = g_memdup2 (noise, MAX (length, 1));
      if (nexus_image_probe (copy, length, &info))
        {
          g_assert_cmpint (info.kind, !=, NEXUS_IMAGE_NONE);
          g_assert_cmpuint (info.width, >=, 1);
          g_assert_cmpuint (info.height, >=, 1);
        }
    }
  g_rand_free (rand);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/image-probe/real-headers", test_real_headers);
  g_test_add_func ("/image-probe/mime", test_mime);
  g_test_add_func ("/image-probe/jpeg-segments", test_jpeg_segments);
  g_test_add_func ("/image-probe/not-pictures", test_not_pictures);

  return g_test_run ();
}
