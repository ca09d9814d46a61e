// Files on their way to the room (PROTOCOL.md, Files): an `upload` frame
// asks for a place, the bytes go there with PUT, and a `share` frame puts
// the file's message in the room. The bytes go by XMLHttpRequest, which
// reports upload progress (fetch does not) and takes its Content-Length
// from the File itself.
//
// Exactly once across drops: a frame sent on a connection that dropped is
// sent again after the resume with the same id, and the host answers a
// repeated `upload` with the same place, a repeated `share` (or an `upload`
// of a file already shared) with the original message. The PUT does not
// go over the WebSocket and may finish while it is down; its `share` then
// waits for the resume. A PUT answered 404 (its address used or expired) may
// still have left every byte on the host, so the file is shared to find
// out; `upload-not-found` then means it has to go again.

import { _, ngettext, format } from './i18n.js';

// Every sentence this module shows, in one place.
export const UPLOAD_SENTENCES = {
  interrupted: _('The upload was interrupted.'),
  diskFull: _('The host’s disk is full, so the file was not kept.'),
  hostFailed: _('The host could not keep the file.'),
  refused: _('The host did not take this file.'),
  tooLarge: _('The file is too large for this host.'),
  roomFull: _('This room has no space left for files.'),
  nameInvalid: _('The host did not accept this file’s name. Rename the file and send it again.'),
  unavailable: _('This host does not take files.'),
  rateLimited: _('You are sending too many files at once. Wait a moment, then try again.'),
  lost: _('The upload was interrupted when the page was reloaded. Send the file again.'),
};

/** The first group of re in the host's sentence, or ''. */
function limitIn (sentence, re) {
  const m = re.exec(sentence);
  return m ? m[1] : '';
}

// How many files may have a place or be on their way at once; the rest
// wait, so that no place given by the host runs out (60 s) unused.
const PARALLEL = 2;

// Refusals whose file may well go through when asked again.
const RETRYABLE = new Set(['rate-limited', 'upload-not-found']);

/**
 * item: {id, file, name, size, mime, state, loaded, error, sentence, retry}
 *   state: 'queued'  waits for its turn
 *          'slot'    its `upload` is sent (or waits for a frame token)
 *          'putting' its bytes are on the way (loaded of size)
 *          'share'   its bytes are there; its `share` is sent (or waits)
 *          'failed'  sentence says why; retry says whether Retry may work
 *
 * hooks: changed(item), removed(id), pump()
 */
export class UploadQueue {
  constructor (hooks) {
    this.hooks = hooks;
    this.items = new Map();
  }

  has (id) {
    return this.items.has(id);
  }

  get (id) {
    return this.items.get(id);
  }

  list () {
    return [...this.items.values()];
  }

  changed (item) {
    this.hooks.changed(item);
  }

  /** A file to share with the room; id is new for this session. */
  add (id, file, name) {
    const item = {
      id,
      file,
      name,
      size: file.size,
      mime: typeof file.type === 'string' ? file.type : '',
      state: 'queued',
      sent: false,      // the frame of the state ('slot', 'share') went out on this connection
      loaded: 0,
      xhr: null,
      error: '',
      sentence: '',
      retry: false,
    };
    this.items.set(id, item);
    this.changed(item);
    this.hooks.pump();
    return item;
  }

  /**
   * Send what waits, in order, through send(frame), which returns false
   * when no frame can go now (no connection, or the rate limit); then the
   * caller calls pump again later.
   */
  pump (send) {
    let active = 0;
    for (const item of this.items.values()) {
      if (item.state === 'slot' || item.state === 'putting') active++;
    }
    for (const item of this.items.values()) {
      if (item.state === 'queued' && active < PARALLEL) {
        item.state = 'slot';
        item.sent = false;
        active++;
        this.changed(item);
      }
      if ((item.state !== 'slot' && item.state !== 'share') || item.sent) continue;
      const frame = item.state === 'slot'
        ? { type: 'upload', id: item.id, name: item.name, size: item.size, ...(item.mime ? { mime: item.mime } : {}) }
        : { type: 'share', id: item.id };
      if (!send(frame)) return false;
      item.sent = true;
    }
    return true;
  }

  /** The connection was replaced: frames without an answer go again. */
  resumed () {
    for (const item of this.items.values()) item.sent = false;
  }

  /** upload-ready: the place for the bytes. */
  ready (id, url) {
    const item = this.items.get(id);
    if (!item || item.state !== 'slot' || typeof url !== 'string' || !url.startsWith('/upload/')) return;
    this.put(item, url);
  }

  put (item, url) {
    const xhr = new XMLHttpRequest();
    item.xhr = xhr;
    item.state = 'putting';
    item.loaded = 0;
    this.changed(item);
    xhr.open('PUT', url);
    xhr.upload.onprogress = e => {
      if (item.xhr !== xhr) return;
      item.loaded = Math.min(e.loaded, item.size);
      this.changed(item);
    };
    xhr.onload = () => {
      if (item.xhr !== xhr) return;
      item.xhr = null;
      if (xhr.status === 201 || xhr.status === 404) {
        // 404: the address was used already; the bytes may be there all the same.
        item.loaded = item.size;
        item.state = 'share';
        item.sent = false;
        item.after404 = xhr.status === 404;
        this.changed(item);
        this.hooks.pump();
      } else if (xhr.status === 507) {
        this.fail(item, 'disk-full', UPLOAD_SENTENCES.diskFull, true);
      } else if (xhr.status >= 500) {
        this.fail(item, 'host-failed', UPLOAD_SENTENCES.hostFailed, true);
      } else {
        this.fail(item, 'refused', UPLOAD_SENTENCES.refused, true);
      }
    };
    xhr.onerror = xhr.ontimeout = () => {
      if (item.xhr !== xhr) return;
      item.xhr = null;
      this.fail(item, 'interrupted', UPLOAD_SENTENCES.interrupted, true);
    };
    xhr.send(item.file);
  }

  fail (item, error, sentence, retry) {
    item.state = 'failed';
    item.error = error;
    item.sentence = sentence;
    item.retry = retry && item.file !== null;
    item.loaded = 0;
    this.changed(item);
    this.hooks.pump();   // the next file may go
  }

  /** An error frame with the id of one of these uploads. */
  refused (frame) {
    const item = this.items.get(frame.id);
    if (!item || item.state === 'failed' || item.state === 'putting') return;
    const code = typeof frame.code === 'string' ? frame.code : 'bad-request';
    const said = typeof frame.message === 'string' ? frame.message : '';
    // The host's sentences are English; only its limits are taken from them.
    const tooLarge = limitIn(said, /at most ([0-9][0-9.]* ?[A-Za-z]+)/);
    const roomSpace = limitIn(said, /\(([0-9][0-9.]* ?[A-Za-z]+)\)/);
    const perMinute = limitIn(said, /at most ([0-9]+) files a minute/);
    let sentence;
    switch (code) {
      case 'file-too-large':
        sentence = tooLarge ? format(_('Files can be at most {limit}.'), { limit: tooLarge }) : UPLOAD_SENTENCES.tooLarge;
        break;
      case 'room-storage-full':
        sentence = roomSpace
          ? format(_("This room's files have used up its space ({limit}). Files are deleted when the room ends."),
            { limit: roomSpace })
          : UPLOAD_SENTENCES.roomFull;
        break;
      case 'file-name-invalid': sentence = UPLOAD_SENTENCES.nameInvalid; break;
      case 'files-unavailable': sentence = UPLOAD_SENTENCES.unavailable; break;
      case 'rate-limited':
        sentence = perMinute
          ? format(ngettext('You can send at most {n} file a minute. Wait a moment and send it again.',
            'You can send at most {n} files a minute. Wait a moment and send it again.', Number(perMinute)),
          { n: perMinute })
          : UPLOAD_SENTENCES.rateLimited;
        break;
      case 'upload-not-found':
        sentence = item.file ? UPLOAD_SENTENCES.interrupted : UPLOAD_SENTENCES.lost;
        break;
      default: sentence = UPLOAD_SENTENCES.refused; break;
    }
    this.fail(item, code, sentence, RETRYABLE.has(code));
  }

  /** Its message arrived: the file is in the room. */
  confirmed (id) {
    const item = this.items.get(id);
    if (!item) return false;
    if (item.xhr) {
      const xhr = item.xhr;
      item.xhr = null;
      xhr.abort();
    }
    this.items.delete(id);
    this.hooks.removed(id);
    this.hooks.pump();
    return true;
  }

  /**
   * Stop an upload, or take a failed one away. Once the bytes are there
   * and the share is on its way it is too late: the message may be in the
   * room already.
   */
  cancel (id) {
    const item = this.items.get(id);
    if (!item || item.state === 'share') return;
    if (item.xhr) {
      // The host sees the request end early: it keeps nothing and frees the id.
      const xhr = item.xhr;
      item.xhr = null;
      xhr.abort();
    }
    this.items.delete(id);
    this.hooks.removed(id);
    this.hooks.pump();
  }

  /** Try a failed upload again: a new `upload` with the same id. */
  retry (id) {
    const item = this.items.get(id);
    if (!item || item.state !== 'failed' || !item.retry) return;
    item.state = 'queued';
    item.error = '';
    item.sentence = '';
    item.retry = false;
    this.changed(item);
    this.hooks.pump();
  }

  /** What a reload can carry on: files whose bytes are on the host. */
  persisted () {
    return this.list()
      .filter(i => i.state === 'share')
      .map(({ id, name, size, mime }) => ({ id, name, size, mime }));
  }

  /** After a reload: share what had arrived; the rest is gone with the page. */
  restore (stored) {
    if (!Array.isArray(stored)) return;
    for (const s of stored) {
      if (!s || typeof s.id !== 'string' || typeof s.name !== 'string' || !Number.isSafeInteger(s.size)) continue;
      const item = {
        id: s.id,
        file: null,
        name: s.name,
        size: s.size,
        mime: typeof s.mime === 'string' ? s.mime : '',
        state: 'share',
        sent: false,
        loaded: s.size,
        xhr: null,
        error: '',
        sentence: '',
        retry: false,
      };
      this.items.set(item.id, item);
      this.changed(item);
    }
  }

  /** The page leaves the room: stop everything on its way. */
  clear () {
    for (const item of this.items.values()) {
      if (item.xhr) {
        const xhr = item.xhr;
        item.xhr = null;
        xhr.abort();
      }
    }
    this.items.clear();
  }
}
