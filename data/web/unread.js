// Unread messages while the person is away (the tab hidden, or the window
// not in front): their count in the tab's title ("(3) K7Q-X3M · Nexus
// Chat"), a "New messages" line where they left off, and, when a message
// names them and no notification could be shown, a title that alternates
// with "NAME mentioned you" until they look.

import { el } from './dom.js';
import { formatCode } from './rules.js';
import { _, format } from './i18n.js';

// Every sentence and label this module shows, in one place.
const T = {
  app: _('Nexus Chat'),
  line: _('New messages'),
  mentioned: name => format(_('{name} mentioned you'), { name }),
};

const FLASH_EVERY_MS = 1200;

export class Unread {
  /** events: the list of the log's events, where the line goes. */
  constructor (events) {
    this.events = events;
    this.code = '';
    this.count = 0;
    this.line = null;
    this.lineFresh = false;     // the line was put during the current absence
    this.flashName = '';
    this.flashTimer = 0;
    this.flashOn = false;
    const back = () => { if (!this.away()) this.seen(); };
    document.addEventListener('visibilitychange', back);
    window.addEventListener('focus', back);
    window.addEventListener('pageshow', back);
    window.addEventListener('pointerdown', back, true);
    window.addEventListener('keydown', back, true);
  }

  reset () {
    this.code = '';
    this.count = 0;
    this.line = null;
    this.lineFresh = false;
    this.stopFlash();
  }

  setRoom (code) {
    this.code = code;
    this.updateTitle();
  }

  /** Whether the person is not looking: the tab is hidden, or its window is not in front. */
  away () {
    return document.hidden || !document.hasFocus();
  }

  /** Whether a message from someone else arriving now would start a new "New messages" line. */
  startsLine () {
    return this.away() && !this.lineFresh;
  }

  /** A message from someone else arrived live; node is its list item, already in the log. */
  message (node) {
    if (!this.away()) return false;
    this.count++;
    if (!this.lineFresh) {
      // The line moves to where the person left off this time.
      if (this.line) this.line.remove();
      this.line = el('li', { class: 'unread-line', role: 'separator', 'aria-label': T.line },
        el('span', { text: T.line }));
      node.before(this.line);
      this.lineFresh = true;
    }
    this.updateTitle();
    return true;
  }

  /** Say in the title that NAME mentioned you, until the person looks. */
  flash (name) {
    if (!this.away()) return;
    this.flashName = name;
    if (this.flashTimer) return;
    this.flashOn = true;
    this.updateTitle();
    this.flashTimer = setInterval(() => {
      this.flashOn = !this.flashOn;
      this.updateTitle();
    }, FLASH_EVERY_MS);
  }

  stopFlash () {
    clearInterval(this.flashTimer);
    this.flashTimer = 0;
    this.flashOn = false;
    this.flashName = '';
  }

  /** The person looks: the count and the flashing go; the line stays until they write or leave again. */
  seen () {
    this.lineFresh = false;
    if (this.count === 0 && !this.flashTimer) return;
    this.count = 0;
    this.stopFlash();
    this.updateTitle();
  }

  /** The person wrote something: where they left off is behind them. */
  wrote () {
    if (this.line && !this.lineFresh) {
      this.line.remove();
      this.line = null;
    }
  }

  updateTitle () {
    if (!this.code) return;
    const base = `${formatCode(this.code)} · ${T.app}`;
    if (this.flashOn && this.flashName) {
      document.title = T.mentioned(this.flashName);
    } else {
      document.title = this.count > 0 ? `(${this.count}) ${base}` : base;
    }
  }
}
