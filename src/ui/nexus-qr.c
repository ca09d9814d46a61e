/* nexus-qr.c: QR codes as crisp textures
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <qrencode.h>
#include <string.h>

#include "nexus-qr.h"

/* Paints @text as a QR code, dark on white, with a quiet zone of four
 * modules, at the largest whole number of pixels per module that fits in
 * @target_size (at least one), so every module edge is sharp. */
GdkTexture *
nexus_qr_texture_new (const char *text,
                      int         target_size)
{
  g_autoptr(GBytes) bytes = NULL;
  QRcode *code;
  guint8 *pixels;
  int modules, scale, size, stride;

  g_return_val_if_fail (text != NULL, NULL);

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    return NULL;

  modules = code->width + 2 * NEXUS_QR_QUIET_ZONE;
  scale = MAX (1, target_size / modules);
  size = modules * scale;
  stride = size * 4;
  pixels = g_malloc (stride * size);
  memset (pixels, 0xff, stride * size);

  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      {
        if (!(code->data[y * code->width + x] & 1))
          continue;
        for (int dy = 0; dy < scale; dy++)
          {
            guint8 *row = pixels + ((NEXUS_QR_QUIET_ZONE + y) * scale + dy) * stride;

            for (int dx = 0; dx < scale; dx++)
              {
                guint8 *pixel = row + ((NEXUS_QR_QUIET_ZONE + x) * scale + dx) * 4;

                pixel[0] = pixel[1] = pixel[2] = 0x00;
                pixel[3] = 0xff;
              }
          }
      }
  QRcode_free (code);

  bytes = g_bytes_new_take (pixels, stride * size);
  return gdk_memory_texture_new (size, size, GDK_MEMORY_R8G8B8A8, bytes, stride);
}
