/* nexus-image-probe.c: which pictures a file is, by its magic bytes
 *
 * The host shows an uploaded file inline only when its first bytes say it
 * is a PNG, JPEG, GIF or WebP picture, whatever name or type the uploader
 * gave it, and tells the room its width and height so a thumbnail has
 * its place before it loads. No image library: only the headers are
 * read, each field checked against the bytes there are, so a hostile
 * file can make it answer "not a picture" and nothing else.
 *
 * Copyright 2026 The Nexus Chat authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "nexus-image-probe.h"

static guint32
read_be16 (const guint8 *p)
{
  return ((guint32) p[0] << 8) | p[1];
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
read_le16 (const guint8 *p)
{
  return p[0] | ((guint32) p[1] << 8);
}

static guint32
read_le24 (const guint8 *p)
{
  return p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16);
}

static guint32
read_le32 (const guint8 *p)
{
  return read_le24 (p) | ((guint32) p[3] << 24);
}

static gboolean
found (NexusImageInfo *info,
       NexusImageKind  kind,
       guint32         width,
       guint32         height)
{
  /* A picture of no pixels (or PNG's forbidden 2^31 and more) is not
   * one a client could lay out. */
  if (width == 0 || height == 0 || width > G_MAXINT32 || height > G_MAXINT32)
    return FALSE;
  info->kind = kind;
  info->width = width;
  info->height = height;
  return TRUE;
}

/* The signature, then the IHDR chunk, which the format puts first. */
static gboolean
probe_png (const guint8   *data,
           gsize           length,
           NexusImageInfo *info)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (length < 24 || memcmp (data, signature, sizeof signature) != 0)
    return FALSE;
  if (read_be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return FALSE;
  return found (info, NEXUS_IMAGE_PNG, read_be32 (data + 16), read_be32 (data + 20));
}

/* The logical screen after "GIF87a" or "GIF89a". */
static gboolean
probe_gif (const guint8   *data,
           gsize           length,
           NexusImageInfo *info)
{
  if (length < 10 || (memcmp (data, "GIF87a", 6) != 0 && memcmp (data, "GIF89a", 6) != 0))
    return FALSE;
  return found (info, NEXUS_IMAGE_GIF, read_le16 (data + 6), read_le16 (data + 8));
}

/* RIFF....WEBP and its first chunk: VP8X (extended), VP8L (lossless) or
 * "VP8 " (lossy), each with the size in a place of its own. */
static gboolean
probe_webp (const guint8   *data,
            gsize           length,
            NexusImageInfo *info)
{
  const guint8 *chunk;

  if (length < 20 || memcmp (data, "RIFF", 4) != 0 || memcmp (data + 8, "WEBP", 4) != 0)
    return FALSE;
  chunk = data + 12;

  if (memcmp (chunk, "VP8X", 4) == 0)
    {
      if (length < 30)
        return FALSE;
      return found (info, NEXUS_IMAGE_WEBP, read_le24 (data + 24) + 1, read_le24 (data + 27) + 1);
    }
  if (memcmp (chunk, "VP8L", 4) == 0)
    {
      guint32 bits;

      if (length < 25 || data[20] != 0x2f)
        return FALSE;
      bits = read_le32 (data + 21);
      return found (info, NEXUS_IMAGE_WEBP, (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
    }
  if (memcmp (chunk, "VP8 ", 4) == 0)
    {
      /* A key frame (bit 0 of the frame tag clear) and its start code. */
      if (length < 30 || (data[20] & 1) != 0
          || data[23] != 0x9d || data[24] != 0x01 || data[25] != 0x2a)
        return FALSE;
      return found (info, NEXUS_IMAGE_WEBP, read_le16 (data + 26) & 0x3fff,
                    read_le16 (data + 28) & 0x3fff);
    }
  return FALSE;
}

/* Start-of-frame markers, which carry the size: every SOFn but DHT (C4),
 * JPG (C8) and DAC (CC), which share their range. */
static gboolean
is_start_of_frame (guint8 marker)
{
  return marker >= 0xc0 && marker <= 0xcf
         && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

/* SOI, then segments, each a marker and a length that counts itself,
 * until the frame header; a scan (SOS) or the end (EOI) before it means
 * there is no size to be had. */
static gboolean
probe_jpeg (const guint8   *data,
            gsize           length,
            NexusImageInfo *info)
{
  gsize pos = 2;

  if (length < 4 || data[0] != 0xff || data[1] != 0xd8 || data[2] != 0xff)
    return FALSE;

  while (pos < length)
    {
      guint8 marker;
      guint32 segment;

      if (data[pos] != 0xff)
        return FALSE;
      /* Any number of fill bytes may stand before a marker. */
      while (pos < length && data[pos] == 0xff)
        pos++;
      if (pos >= length)
        return FALSE;
      marker = data[pos++];

      /* Markers without a segment: TEM, RSTn, a repeated SOI. */
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        continue;
      if (marker == 0x00 || marker == 0xd9 || marker == 0xda)
        return FALSE;
      if (length - pos < 2)
        return FALSE;
      segment = read_be16 (data + pos);
      if (segment < 2)
        return FALSE;
      if (is_start_of_frame (marker))
        {
          /* length, precision, height, width */
          if (segment < 7 || length - pos < 7)
            return FALSE;
          return found (info, NEXUS_IMAGE_JPEG, read_be16 (data + pos + 5),
                        read_be16 (data + pos + 3));
        }
      if (length - pos < segment)
        return FALSE;
      pos += segment;
    }
  return FALSE;
}

gboolean
nexus_image_probe (const guint8   *data,
                   gsize           length,
                   NexusImageInfo *info)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  memset (info, 0, sizeof *info);
  info->kind = NEXUS_IMAGE_NONE;
  if (length > NEXUS_IMAGE_PROBE_BYTES)
    length = NEXUS_IMAGE_PROBE_BYTES;

  if (probe_png (data, length, info) || probe_jpeg (data, length, info)
      || probe_gif (data, length, info) || probe_webp (data, length, info))
    return TRUE;

  memset (info, 0, sizeof *info);
  info->kind = NEXUS_IMAGE_NONE;
  return FALSE;
}

const char *
nexus_image_kind_to_mime (NexusImageKind kind)
{
  switch (kind)
    {
    case NEXUS_IMAGE_PNG:
      return "image/png";
    case NEXUS_IMAGE_JPEG:
      return "image/jpeg";
    case NEXUS_IMAGE_GIF:
      return "image/gif";
    case NEXUS_IMAGE_WEBP:
      return "image/webp";
    case NEXUS_IMAGE_NONE:
    default:
      return "application/octet-stream";
    }
}
