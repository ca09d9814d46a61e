// Ways to share a file with the room: the attach button (a hidden file
// input behind a real button), dropping files onto the room, and pasting a
// picture. A picture is previewed first, with Send and Cancel; any other
// file goes at once (its pending message has Cancel).

import { $ } from './dom.js';
import { _, format } from './i18n.js';
import { PICTURE_TYPES } from './files.js';
import { PreviewDialog } from './viewer.js';

// Every sentence this module shows, in one place.
const T = {
  noFiles: _('This host does not take files.'),
  notYet: _('Files can be sent once the room is connected.'),
  folder: _('Folders cannot be sent. Send the files in it, or a zip of it.'),
};

const EXTENSION_OF = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

function two (n) {
  return String(n).padStart(2, '0');
}

/** A name for a pasted picture, which has none of its own (or "image.png"). */
export function pastedName (file, now = new Date()) {
  const ext = EXTENSION_OF[file.type] || 'png';
  const stamp = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ` +
    `${two(now.getHours())}.${two(now.getMinutes())}.${two(now.getSeconds())}`;
  // Translators: the name a pasted picture is sent with; {date} is like 2026-11-24 09.15.02
  return `${format(_('Pasted picture {date}'), { date: stamp })}.${ext}`;
}

function hasFiles (dataTransfer) {
  return !!dataTransfer && Array.from(dataTransfer.types || []).includes('Files');
}

/**
 * hooks:
 *   send(file, name)    share this file now
 *   canSend()           '' when files can go, else 'no-files' | 'not-ready'
 *   say(sentence)       tell the person something (a toast)
 */
export class Attach {
  constructor (hooks) {
    this.hooks = hooks;
    this.e = {
      room: $('room'),
      button: $('attach-button'),
      input: $('file-input'),
      dropZone: $('drop-zone'),
    };
    this.preview = new PreviewDialog();
    this.queue = [];          // pictures waiting for their preview
    this.previewing = false;
    this.dragDepth = 0;
    this.wire();
  }

  wire () {
    const e = this.e;
    e.button.addEventListener('click', () => {
      if (!this.allowed()) return;
      e.input.value = '';
      e.input.click();
    });
    e.input.addEventListener('change', () => {
      const files = Array.from(e.input.files || []);
      e.input.value = '';
      this.offer(files, false);
    });

    // Dragging files over the room shows where they can go.
    e.room.addEventListener('dragenter', ev => {
      if (!hasFiles(ev.dataTransfer)) return;
      ev.preventDefault();
      this.dragDepth++;
      e.dropZone.hidden = false;
    });
    e.room.addEventListener('dragover', ev => {
      if (!hasFiles(ev.dataTransfer)) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = this.hooks.canSend() === '' ? 'copy' : 'none';
      e.dropZone.hidden = false;
    });
    e.room.addEventListener('dragleave', ev => {
      if (!hasFiles(ev.dataTransfer)) return;
      this.dragDepth = Math.max(0, this.dragDepth - 1);
      if (this.dragDepth === 0) e.dropZone.hidden = true;
    });
    e.room.addEventListener('drop', ev => {
      if (!hasFiles(ev.dataTransfer)) return;
      ev.preventDefault();
      this.dragDepth = 0;
      e.dropZone.hidden = true;
      // A dropped folder is a File too, whose bytes cannot be read: leave it out.
      const items = Array.from(ev.dataTransfer.items || []).filter(i => i.kind === 'file');
      let files;
      let folder = false;
      if (items.length > 0) {
        files = [];
        for (const item of items) {
          const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
          const file = item.getAsFile();
          if (entry && entry.isDirectory) folder = true;
          else if (file) files.push(file);
        }
      } else {
        files = Array.from(ev.dataTransfer.files || []);
      }
      if (folder) this.hooks.say(T.folder);
      if (files.length > 0 && this.allowed()) this.offer(files, false);
    });
    // Files dropped beside the room must not replace the page.
    for (const type of ['dragover', 'drop']) {
      window.addEventListener(type, ev => {
        if (hasFiles(ev.dataTransfer)) ev.preventDefault();
      });
    }

    // A picture on the clipboard (Ctrl+V), wherever the focus is in the room.
    document.addEventListener('paste', ev => {
      if (e.room.hidden || this.preview.open) return;
      const data = ev.clipboardData;
      if (!data) return;
      // Text wins: a spreadsheet's cells come with a picture of them too.
      if (Array.from(data.types || []).includes('text/plain')) return;
      const files = Array.from(data.files || []);
      if (files.length === 0) return;
      ev.preventDefault();
      if (this.allowed()) this.offer(files, true);
    });
  }

  allowed () {
    const why = this.hooks.canSend();
    if (why === '') return true;
    this.hooks.say(why === 'no-files' ? T.noFiles : T.notYet);
    return false;
  }

  /** Files chosen, dropped or pasted: pictures wait for their preview, the rest go. */
  offer (files, pasted) {
    for (const file of files) {
      const picture = PICTURE_TYPES.has(file.type);
      const name = pasted && picture ? pastedName(file) : file.name || pastedName(file);
      if (picture) this.queue.push({ file, name });
      else this.hooks.send(file, name);
    }
    this.nextPreview();
  }

  async nextPreview () {
    if (this.previewing) return;
    this.previewing = true;
    let index = 0;
    let count = this.queue.length;
    while (this.queue.length > 0) {
      const { file, name } = this.queue.shift();
      index++;
      count = Math.max(count, index + this.queue.length);
      const send = await this.preview.ask(file, name, { index, count });
      if (send && this.hooks.canSend() === '') this.hooks.send(file, name);
    }
    this.preview.close();
    this.previewing = false;
  }

  /** The room is gone: forget what waits, close the preview. */
  reset () {
    this.queue = [];
    this.preview.close();
    this.dragDepth = 0;
    this.e.dropZone.hidden = true;
  }

  /** Files can (or cannot) be sent in this room. */
  setEnabled (enabled) {
    this.e.button.disabled = !enabled;
  }
}
