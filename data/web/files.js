// Files in the log: a shared picture as a thumbnail, any other file as a
// card with its name, size, a type icon and Download, and a file on its
// way as the sender's own pending message with a progress bar. Names from
// the network go into the page as text only.

import { el } from './dom.js';
import { _, ngettext, format } from './i18n.js';

// Every sentence and label this module shows, in one place.
const T = {
  download: _('Download'),
  downloadNamed: name => format(_('Download {name}'), { name }),
  openPicture: name => format(_('Open {name} full size'), { name }),
  cancel: _('Cancel'),
  cancelNamed: name => format(_('Cancel sending {name}'), { name }),
  retry: _('Retry'),
  remove: _('Remove'),
  removeNamed: name => format(_('Remove {name}'), { name }),
  waiting: _('Waiting to send…'),
  starting: _('Sending…'),
  sharing: _('Sharing with the room…'),
  // Translators: the part of a file sent so far, as in "1.2 MB of 8.4 MB"
  progress: (done, total) => format(_('{done} of {total}'), { done, total }),
  progressLabel: name => format(_('Sending {name}'), { name }),
  bytes: n => format(ngettext('{n} byte', '{n} bytes', n), { n }),
  you: _('You'),
};

export const PICTURE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
// The largest a thumbnail is drawn in the log, in CSS pixels; narrower
// screens make it smaller still, keeping its shape.
const THUMB_MAX_WIDTH = 320;
const THUMB_MAX_HEIGHT = 280;
const MAX_DIMENSION = 1 << 20;

/** A size in decimal units, as the host writes it: 512 bytes, 2.4 MB. */
export function formatSize (n) {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1000) return T.bytes(n);
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  // In the reader's locale, as the times are: 2.4 MB, 2,4 MB.
  return `${value.toLocaleString(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ${units[unit]}`;
}

// The kind of a file by its extension, for its icon: a colour and a word.
const KINDS = {
  pdf: ['pdf'],
  image: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'tif', 'tiff', 'heic', 'heif', 'avif', 'ico', 'xcf', 'psd'],
  audio: ['mp3', 'ogg', 'oga', 'opus', 'flac', 'wav', 'm4a', 'aac', 'mid', 'midi'],
  video: ['mp4', 'mkv', 'webm', 'mov', 'avi', 'ogv', 'm4v', 'mpg', 'mpeg', 'wmv'],
  archive: ['zip', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'deb', 'rpm', 'iso', 'dmg', 'jar', 'apk', 'flatpak'],
  document: ['txt', 'md', 'rtf', 'odt', 'doc', 'docx', 'tex', 'epub', 'pages'],
  sheet: ['ods', 'xls', 'xlsx', 'csv', 'tsv', 'numbers'],
  slides: ['odp', 'ppt', 'pptx', 'key'],
  code: ['c', 'h', 'cc', 'cpp', 'hpp', 'rs', 'go', 'py', 'js', 'mjs', 'ts', 'java', 'kt', 'rb', 'php', 'sh', 'json', 'xml', 'yaml', 'yml', 'toml', 'html', 'htm', 'css', 'sql', 'ini', 'conf', 'log'],
};
const KIND_OF = new Map();
for (const [kind, exts] of Object.entries(KINDS)) for (const ext of exts) KIND_OF.set(ext, kind);

export function fileKind (name) {
  const m = /\.([0-9A-Za-z]{1,8})$/.exec(name);
  const ext = m ? m[1].toLowerCase() : '';
  return { kind: KIND_OF.get(ext) || 'other', ext };
}

/** The type icon: a page in the kind's colour with the extension on it. */
export function fileIcon (name) {
  const { kind, ext } = fileKind(name);
  return el('span', { class: `file-icon file-icon-${kind}`, 'aria-hidden': 'true' },
    el('span', { class: 'file-icon-ext', text: ext.slice(0, 4).toUpperCase() }));
}

/**
 * The file of a message event, checked, or null: only a path of this host
 * under /files/ is ever used as a link, whatever the frame says.
 */
export function fileOf (ev) {
  const f = ev && ev.file;
  if (!f || typeof f !== 'object' || typeof f.name !== 'string' || f.name === '' ||
      typeof f.url !== 'string' || !Number.isSafeInteger(f.size) || f.size < 0) {
    return null;
  }
  let url;
  try {
    url = new URL(f.url, location.origin);
  } catch {
    return null;
  }
  if (url.origin !== location.origin || !url.pathname.startsWith('/files/') || url.search !== '' || url.hash !== '') {
    return null;
  }
  const dim = v => Number.isInteger(v) && v >= 1 && v <= MAX_DIMENSION;
  const picture = PICTURE_TYPES.has(f.type) && dim(f.width) && dim(f.height);
  return {
    name: f.name,
    size: f.size,
    type: typeof f.type === 'string' ? f.type : 'application/octet-stream',
    path: url.pathname,
    picture,
    width: picture ? f.width : 0,
    height: picture ? f.height : 0,
  };
}

/** Where this member downloads a file: its path with the member's files key. */
export function fileHref (file, key) {
  return `${file.path}?key=${encodeURIComponent(key)}`;
}

/** Width and height that fit within the thumbnail's box, keeping the shape. */
export function fitWithin (width, height, maxWidth, maxHeight) {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

function downloadLink (file, key, className) {
  return el('a', {
    class: className,
    href: fileHref(file, key),
    download: file.name,
    'aria-label': T.downloadNamed(file.name),
    text: T.download,
  });
}

/**
 * What a file message shows in its bubble. A picture is a link to the
 * file (so it opens in a new tab with a middle click); a plain click opens
 * it in the page, which room.js handles for every .thumb-link.
 */
export function fileContent (file, key) {
  if (file.picture && key) {
    const size = fitWithin(file.width, file.height, THUMB_MAX_WIDTH, THUMB_MAX_HEIGHT);
    const img = el('img', {
      class: 'thumb',
      src: fileHref(file, key),
      alt: file.name,
      width: size.width,
      height: size.height,
      loading: 'lazy',
      decoding: 'async',
      draggable: 'false',
    });
    img.addEventListener('error', () => img.classList.add('broken'), { once: true });
    return el('a', {
      class: 'thumb-link',
      href: fileHref(file, key),
      title: T.openPicture(file.name),
      dataset: { name: file.name, size: String(file.size), width: String(file.width), height: String(file.height) },
    }, img);
  }
  return fileCard(file.name, file.size, key ? downloadLink(file, key, 'file-download') : null);
}

/** A card: icon, name, and (unless size is null) the size and an action. */
function fileCard (name, size, action) {
  return el('div', { class: 'file-card' },
    fileIcon(name),
    el('span', { class: 'file-info' },
      el('span', { class: 'file-name', text: name }),
      size === null ? null : el('span', { class: 'file-meta' },
        el('span', { class: 'file-size', text: formatSize(size) }),
        action)));
}

// ---- a file on its way ----

/** The sender's own pending message for an upload item (see uploads.js). */
export function uploadNode (item, thumbnail) {
  const progress = el('progress', { class: 'upload-progress', max: String(Math.max(1, item.size)), value: '0',
    'aria-label': T.progressLabel(item.name) });
  const bubble = el('div', { class: 'bubble upload-bubble' },
    // The size is on the progress line.
    thumbnail || fileCard(item.name, null, null),
    el('div', { class: 'upload-line' }, progress, el('span', { class: 'upload-bytes' })));
  const li = el('li', { class: 'msg own pending upload', dataset: { id: item.id, upload: item.id } },
    el('div', { class: 'msg-body' },
      el('span', { class: 'sender visually-hidden', text: T.you }),
      bubble,
      el('p', { class: 'msg-status' })));
  updateUploadNode(li, item);
  return li;
}

export function updateUploadNode (li, item) {
  const progress = li.querySelector('.upload-progress');
  const bytes = li.querySelector('.upload-bytes');
  const status = li.querySelector('.msg-status');
  const failed = item.state === 'failed';
  li.classList.toggle('failed', failed);
  li.dataset.state = item.state;
  const done = item.state === 'share' ? item.size : item.loaded;
  progress.value = item.size > 0 ? done : (item.state === 'share' ? 1 : 0);
  progress.hidden = failed;
  bytes.textContent = failed ? formatSize(item.size) : T.progress(formatSize(done), formatSize(item.size));

  const buttons = [];
  if (failed) {
    if (item.retry) {
      buttons.push(el('button', { class: 'button flat small retry', type: 'button', dataset: { uploadRetry: item.id }, text: T.retry }));
    }
    buttons.push(el('button', { class: 'button flat small', type: 'button', dataset: { uploadCancel: item.id },
      'aria-label': T.removeNamed(item.name), text: T.remove }));
  } else if (item.state !== 'share') {
    buttons.push(el('button', { class: 'button flat small upload-cancel', type: 'button', dataset: { uploadCancel: item.id },
      'aria-label': T.cancelNamed(item.name), text: T.cancel }));
  }
  let line;
  if (failed) line = item.sentence;
  else if (item.state === 'queued') line = T.waiting;
  else if (item.state === 'share') line = T.sharing;
  else line = T.starting;
  // Only what changed is replaced, so that a button keeps the focus while the bar moves.
  const key = `${item.state}|${line}|${item.retry}`;
  if (status.dataset.key !== key) {
    status.dataset.key = key;
    status.replaceChildren(el('span', { class: 'msg-status-text', text: line }), ...buttons);
  }
}

/**
 * A picture on its way, drawn from the file itself on a canvas (the page's
 * security policy takes no blob: URLs, and a canvas needs none).
 * Resolves to the canvas, or null when the browser cannot decode it.
 */
export async function drawPicture (file, maxWidth, maxHeight, className) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  const size = fitWithin(bitmap.width, bitmap.height, maxWidth, maxHeight);
  const canvas = el('canvas', { class: className, width: size.width, height: size.height });
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, size.width, size.height);
  const natural = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  canvas.dataset.width = String(natural.width);
  canvas.dataset.height = String(natural.height);
  return canvas;
}

/**
 * The thumbnail of a picture on its way, or null: drawn at twice its size
 * for sharp screens, and shown as an <img> of the same size as the one its
 * message will have, so that nothing moves when the message arrives.
 */
export async function uploadThumbnail (file, name) {
  if (!file || !PICTURE_TYPES.has(file.type)) return null;
  const canvas = await drawPicture(file, THUMB_MAX_WIDTH * 2, THUMB_MAX_HEIGHT * 2, 'upload-canvas');
  if (!canvas) return null;
  const size = fitWithin(Number(canvas.dataset.width), Number(canvas.dataset.height), THUMB_MAX_WIDTH, THUMB_MAX_HEIGHT);
  const img = el('img', {
    class: 'thumb upload-thumb',
    src: canvas.toDataURL(file.type === 'image/jpeg' ? 'image/jpeg' : 'image/png'),
    alt: name,
    width: size.width,
    height: size.height,
  });
  return el('div', { class: 'thumb-frame' }, img);
}
