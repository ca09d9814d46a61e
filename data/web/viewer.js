// Two dialogs over the room: the preview of a picture before it is sent
// (Send or Cancel), and a shared picture full size in the page (Download,
// Close, Escape).

import { $, el } from './dom.js';
import { formatSize, drawPicture } from './files.js';
import { _, format } from './i18n.js';

// Every sentence and label this module shows, in one place.
const T = {
  previewTitle: _('Send this picture?'),
  previewTitleOf: (n, total) => format(_('Send this picture? ({n} of {total})'), { n, total }),
  previewNoPicture: _('This picture cannot be shown here, but it can be sent.'),
  // Translators: a picture's width and height in pixels
  dimensions: (w, h) => format(_('{width} × {height}'), { width: w, height: h }),
  downloadNamed: name => format(_('Download {name}'), { name }),
};

// The preview's picture is drawn at most this large (device pixels); the
// stylesheet shrinks it to the dialog.
const PREVIEW_MAX_WIDTH = 960;
const PREVIEW_MAX_HEIGHT = 720;

/** The preview of a picture to send: ask(file) resolves true (Send) or false. */
export class PreviewDialog {
  constructor () {
    this.e = {
      dialog: $('preview'),
      title: $('preview-title'),
      frame: $('preview-frame'),
      name: $('preview-name'),
      size: $('preview-size'),
      send: $('preview-send'),
      cancel: $('preview-cancel'),
    };
    this.resolve = null;
    this.e.send.addEventListener('click', () => this.finish(true));
    this.e.cancel.addEventListener('click', () => this.finish(false));
    // Escape, or the browser's own way of dismissing a dialog.
    this.e.dialog.addEventListener('cancel', ev => {
      ev.preventDefault();
      this.finish(false);
    });
    this.e.dialog.addEventListener('click', ev => {
      if (ev.target === this.e.dialog) this.finish(false);   // the backdrop
    });
  }

  get open () {
    return this.e.dialog.open;
  }

  async ask (file, name, { index = 1, count = 1 } = {}) {
    const e = this.e;
    this.finish(false);
    e.title.textContent = count > 1 ? T.previewTitleOf(index, count) : T.previewTitle;
    e.name.textContent = name;
    e.size.textContent = formatSize(file.size);
    e.frame.replaceChildren();
    e.frame.classList.add('loading');
    const answer = new Promise(resolve => { this.resolve = resolve; });
    if (!e.dialog.open) e.dialog.showModal();
    e.send.focus();
    const canvas = await drawPicture(file, PREVIEW_MAX_WIDTH, PREVIEW_MAX_HEIGHT, 'preview-picture');
    if (e.dialog.open && this.resolve) {
      e.frame.classList.remove('loading');
      if (canvas) {
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', name);
        e.frame.replaceChildren(canvas);
        e.size.textContent = `${formatSize(file.size)} · ${T.dimensions(canvas.dataset.width, canvas.dataset.height)}`;
      } else {
        e.frame.replaceChildren(el('p', { class: 'preview-none', text: T.previewNoPicture }));
      }
    }
    return answer;
  }

  finish (send) {
    const resolve = this.resolve;
    this.resolve = null;
    if (resolve) resolve(send);
  }

  close () {
    this.finish(false);
    if (this.e.dialog.open) this.e.dialog.close();
    this.e.frame.replaceChildren();
  }
}

/** A shared picture, full size in the page. */
export class Lightbox {
  constructor () {
    this.e = {
      dialog: $('lightbox'),
      stage: $('lightbox-stage'),
      name: $('lightbox-name'),
      size: $('lightbox-size'),
      download: $('lightbox-download'),
      close: $('lightbox-close'),
    };
    this.returnFocus = null;
    this.e.close.addEventListener('click', () => this.close());
    this.e.dialog.addEventListener('close', () => this.closed());
    // A click beside the picture closes it, like Escape.
    this.e.stage.addEventListener('click', ev => {
      if (ev.target === this.e.stage) this.close();
    });
  }

  get open () {
    return this.e.dialog.open;
  }

  /** link: the thumbnail's .thumb-link, whose href is the file's and whose data says the rest. */
  show (link) {
    const e = this.e;
    const name = link.dataset.name || '';
    const img = el('img', {
      class: 'lightbox-picture',
      src: link.getAttribute('href'),
      alt: name,
      width: link.dataset.width,
      height: link.dataset.height,
      decoding: 'async',
    });
    e.stage.replaceChildren(img);
    e.name.textContent = name;
    e.size.textContent = `${formatSize(Number(link.dataset.size))} · ${T.dimensions(link.dataset.width, link.dataset.height)}`;
    e.download.setAttribute('href', link.getAttribute('href'));
    e.download.setAttribute('download', name);
    e.download.setAttribute('aria-label', T.downloadNamed(name));
    this.returnFocus = link;
    if (!e.dialog.open) e.dialog.showModal();
    e.close.focus();
  }

  close () {
    if (this.e.dialog.open) this.e.dialog.close();
  }

  closed () {
    // The picture and the link go with the dialog: nothing of the file stays in the page.
    this.e.stage.replaceChildren();
    this.e.download.removeAttribute('href');
    const back = this.returnFocus;
    this.returnFocus = null;
    if (back && back.isConnected) back.focus();
  }
}
