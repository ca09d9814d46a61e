// Files for the browser tests, made on the fly: PNG pictures (a small
// encoder over node:zlib), random bytes, and their SHA-256.

import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32 (buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk (type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A width × height RGB PNG whose pixels are pixel(x, y) → [r, g, b]. */
export function png (width, height, pixel) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let at = 0;
  for (let y = 0; y < height; y++) {
    raw[at++] = 0;   // no filter
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw[at++] = r;
      raw[at++] = g;
      raw[at++] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;   // bits per channel
  ihdr[9] = 2;   // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const mix = (a, b, t) => Math.round(a + (b - a) * t);

/** A landscape: a sky fading to the horizon, a sun, two hills and a lake. */
export function landscape (width, height, seed = 0) {
  const sunX = width * (0.68 - seed * 0.3);
  const sunY = height * 0.34;
  const sunR = Math.min(width, height) * 0.11;
  return png(width, height, (x, y) => {
    const u = x / width;
    const v = y / height;
    const hill1 = 0.62 + 0.08 * Math.sin(u * 5.1 + seed);
    const hill2 = 0.72 + 0.06 * Math.sin(u * 8.3 + 1.7 + seed);
    if (v > 0.84) {
      const t = (v - 0.84) / 0.16;
      return [mix(40, 22, t), mix(110, 70, t), mix(170, 120, t)];
    }
    if (v > hill2) return [mix(46, 30, v), mix(140, 100, v), mix(60, 40, v)];
    if (v > hill1) return [mix(90, 60, v), mix(170, 130, v), mix(90, 70, v)];
    const d = Math.hypot(x - sunX, y - sunY);
    if (d < sunR) return [255, 214, 92];
    const glow = Math.max(0, 1 - d / (sunR * 3)) * 0.35;
    return [
      Math.min(255, mix(70, 255, v * 1.2) + glow * 120),
      Math.min(255, mix(130, 190, v) + glow * 80),
      Math.min(255, mix(220, 170, v)),
    ];
  });
}

export function random (size) {
  return randomBytes(size);
}

export function sha256 (buf) {
  return createHash('sha256').update(buf).digest('hex');
}
