// Save the conversation: a guest keeps a copy of the room's messages, as a
// web page that opens anywhere (one HTML file, its text escaped, no script)
// or as plain text, downloaded through a Blob link. It works while the room
// is open (a card in the members panel, a drawer on phones) and after it
// ended or was left (on the home page, until another room starts).
//
// The conversation is kept here, apart from the room's page, as the events
// arrive (each once, in seq order: client.js sees to it): names, times,
// texts, files as their name and size, joins and leaves.

import { $, el, parseTs } from './dom.js';
import { fileOf, formatSize } from './files.js';
import { formatCode } from './rules.js';
import { _, format, formatNodes, LANGUAGE } from './i18n.js';

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full' });
const savedFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

/** The events of one room, as this page saw them. */
export class Conversation {
  constructor () {
    this.start('', '');
  }

  /** A new room (or this page's first look at one): forget the last. */
  start (room, name) {
    this.room = room;
    this.name = name;
    this.events = [];
    this.over = false;
  }

  /** A room event (welcome history or live), taken once each. */
  event (ev) {
    // An edit or a delete changes the message it names (PROTOCOL.md, Conversation).
    if (ev.type === 'edited' || ev.type === 'deleted' || ev.type === 'reacted') {
      const m = this.events.find(e => e.type === 'message' && e.seq === ev.target);
      if (!m || m.deleted || ev.type === 'reacted') return;
      if (ev.type === 'edited' && !m.file) {
        m.text = ev.text;
        m.edited = true;
      } else if (ev.type === 'deleted') {
        Object.assign(m, { deleted: true, edited: false, text: '', file: null });
      }
      return;
    }
    if (ev.type !== 'message' && ev.type !== 'joined' && ev.type !== 'left') return;
    if (this.events.length > 0 && ev.seq <= this.events[this.events.length - 1].seq) return;
    const deleted = ev.type === 'message' && ev.deleted === true;
    const file = ev.type === 'message' && !deleted ? fileOf(ev) : null;
    this.events.push({
      seq: ev.seq,
      type: ev.type,
      name: ev.name,
      date: parseTs(ev.ts),
      text: ev.type === 'message' && !file && !deleted ? ev.text : '',
      file: file ? { name: file.name, size: file.size } : null,
      edited: ev.type === 'message' && ev.edited === true && !deleted,
      deleted,
    });
  }

  /** What a message says: its text (edited or not), its file, or that it was deleted. */
  static body (e) {
    if (e.deleted) return _('Message deleted');
    if (e.file) return Conversation.fileText(e.file);
    return e.edited ? format(_('{text} (edited)'), { text: e.text }) : e.text;
  }

  get empty () {
    return this.events.length === 0;
  }

  /** A name for the file: nexus-chat-K7Q-X3M-2026-11-30.html */
  fileName (extension, now = new Date()) {
    const two = n => String(n).padStart(2, '0');
    const day = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
    return `nexus-chat-${formatCode(this.room)}-${day}.${extension}`;
  }

  title () {
    return format(_('Conversation in room {code}'), { code: formatCode(this.room) });
  }

  savedLine (now) {
    return format(_('Saved by {name} on {date}.'), { name: this.name, date: savedFmt.format(now) });
  }

  /** One line of an event, without its time: "Ada joined the room", "Bob shared a file: x.pdf (2.4 MB)". */
  static noticeText (e) {
    if (e.type === 'joined') return format(_('{name} joined the room'), { name: e.name });
    if (e.type === 'left') return format(_('{name} left the room'), { name: e.name });
    return '';
  }

  static fileText (file) {
    return format(_('File: {name} ({size})'), { name: file.name, size: formatSize(file.size) });
  }

  /** The conversation as plain text, one event a paragraph. */
  toText (now = new Date()) {
    const lines = [this.title(), this.savedLine(now), ''];
    let day = '';
    for (const e of this.events) {
      const d = dayFmt.format(e.date);
      if (d !== day) {
        if (day !== '') lines.push('');
        lines.push(`— ${d} —`);
        day = d;
      }
      const time = timeFmt.format(e.date);
      if (e.type !== 'message') {
        lines.push(`[${time}] ${Conversation.noticeText(e)}`);
      } else {
        const body = Conversation.body(e);
        // A message's own lines stay under its first, indented.
        lines.push(`[${time}] ${e.name}: ${body.replace(/\r\n?/g, '\n').replace(/\n/g, '\n    ')}`);
      }
    }
    if (this.events.length === 0) lines.push(_('No messages yet.'));
    return `${lines.join('\n')}\n`;
  }

  /** The conversation as one self-contained web page: escaped, no script. */
  toHTML (now = new Date()) {
    const rows = [];
    let day = '';
    for (const e of this.events) {
      const d = dayFmt.format(e.date);
      if (d !== day) {
        rows.push(`<li class="day">${escapeHTML(d)}</li>`);
        day = d;
      }
      const time = `<time datetime="${escapeHTML(e.date.toISOString())}">${escapeHTML(timeFmt.format(e.date))}</time>`;
      if (e.type !== 'message') {
        rows.push(`<li class="notice">${time} ${escapeHTML(Conversation.noticeText(e))}</li>`);
      } else {
        const body = e.file
          ? `<p class="file">${escapeHTML(Conversation.fileText(e.file))}</p>`
          : `<p class="text">${escapeHTML(Conversation.body(e))}</p>`;
        rows.push(`<li class="msg">${time} <b>${escapeHTML(e.name)}</b>${body}</li>`);
      }
    }
    if (this.events.length === 0) rows.push(`<li class="notice">${escapeHTML(_('No messages yet.'))}</li>`);
    return `<!doctype html>
<html lang="${escapeHTML(LANGUAGE)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="color-scheme" content="light dark">
<title>${escapeHTML(this.title())}</title>
<style>
body { margin: 0 auto; max-width: 46rem; padding: 1.5rem 1rem; font: 16px/1.45 system-ui, sans-serif; }
h1 { font-size: 1.4rem; margin: 0 0 0.25rem; }
.saved { margin: 0 0 1.5rem; opacity: 0.7; font-size: 0.9rem; }
ol { list-style: none; margin: 0; padding: 0; }
li { margin: 0 0 0.75rem; overflow-wrap: anywhere; }
.day { margin: 1.5rem 0 0.75rem; font-weight: 700; text-align: center; opacity: 0.7; }
.notice { font-size: 0.9rem; opacity: 0.7; }
time { font-size: 0.85rem; opacity: 0.7; font-variant-numeric: tabular-nums; }
.text, .file { margin: 0.15rem 0 0; white-space: pre-wrap; }
.file { font-style: italic; }
</style>
</head>
<body>
<h1>${escapeHTML(this.title())}</h1>
<p class="saved">${escapeHTML(this.savedLine(now))}</p>
<ol>
${rows.join('\n')}
</ol>
</body>
</html>
`;
  }
}

/** Text for HTML, in an element or an attribute. */
export function escapeHTML (s) {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Hand the browser a file to download, made in the page (a Blob link). */
export function download (name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its bytes once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

/** Two buttons that save `conversation` as a web page or as text. */
function saveButtons (conversation, idPrefix) {
  const html = el('button', { id: `${idPrefix}-html`, class: 'button small', type: 'button', text: _('Web page') });
  const text = el('button', { id: `${idPrefix}-text`, class: 'button small', type: 'button', text: _('Text') });
  html.addEventListener('click', () =>
    download(conversation.fileName('html'), 'text/html;charset=utf-8', conversation.toHTML()));
  text.addEventListener('click', () =>
    download(conversation.fileName('txt'), 'text/plain;charset=utf-8', conversation.toText()));
  return el('div', { class: 'save-buttons', role: 'group', 'aria-label': _('Save conversation') }, html, text);
}

/**
 * The places to save from: a card in the room's members panel, and a line
 * on the home page once the room is over.
 */
export class SaveConversation {
  constructor () {
    this.conversation = new Conversation();
    this.card = el('div', { id: 'save-card', class: 'invite-card save-card' },
      el('p', { class: 'invite-title', text: _('Save conversation') }),
      el('p', { class: 'invite-text', text: _('Keep a copy of the messages so far, as a web page or as text.') }),
      saveButtons(this.conversation, 'save'));
    const panel = $('members-panel');
    if (panel) panel.append(this.card);
    this.after = el('div', { id: 'home-save', class: 'home-save', hidden: true },
      el('p', { id: 'home-save-title', class: 'home-save-title' }),
      saveButtons(this.conversation, 'home-save'));
    const notice = $('home-notice');
    if (notice) notice.after(this.after);
  }

  /** A room starts for this page: its conversation is new. */
  start (room, name) {
    this.conversation.start(room, name);
    this.after.hidden = true;
  }

  event (ev) {
    this.conversation.event(ev);
  }

  /**
   * The room is over for this page (reason as client.js's ended): offer
   * the conversation on the home page. One's own leaving is told by the
   * room to the others only, so it is written in here.
   */
  ended (reason) {
    const c = this.conversation;
    if (reason === 'left' && !c.over && !c.empty) {
      const last = c.events[c.events.length - 1];
      c.events.push({ seq: last.seq + 1, type: 'left', name: c.name, date: new Date(), text: '', file: null });
    }
    c.over = true;
    if (c.room === '' || c.empty) return;
    $('home-save-title').replaceChildren(...formatNodes(_('Save the conversation of room {code}:'),
      { code: el('strong', { class: 'home-save-code', text: formatCode(c.room) }) }));
    this.after.hidden = false;
  }

  /** The home page starts something else: the offer goes. */
  dismiss () {
    this.after.hidden = true;
  }
}
