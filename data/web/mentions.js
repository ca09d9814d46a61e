// Mentions (PROTOCOL.md, Mentions): "@" and a member's name in a text.
// Finding them, showing them, offering the members' names while typing "@"
// in the composer, and telling a person that a message named them.

import { el, appendLinkified } from './dom.js';
import { _, format } from './i18n.js';

// Every sentence and label this module shows, in one place.
const T = {
  suggestions: _('Members'),
  mentionedYou: name => format(_('{name} mentioned you'), { name }),
  notifyTitle: _('When someone mentions you'),
  notifyAsk: _('Get a notification when someone mentions you while this page is in the background.'),
  notifyButton: _('Turn on notifications'),
  notifyOn: _('You get a notification when someone mentions you while this page is in the background.'),
  notifyOff: _('Notifications are turned off for this page in the browser; the tab’s title tells you instead.'),
};

// A name has at most 32 characters; its folded form may be longer.
const LONGEST = 64;
const BEFORE_RE = /\s/u;
const AFTER_RE = /[\s\p{P}\p{S}]/u;

/** A name as the host compares it: NFKC, then case folded. */
export function foldName (name) {
  // Upper then lower case folds what lower case alone keeps (ß → ss).
  return String(name).normalize('NFKC').toUpperCase().toLowerCase();
}

/**
 * The mentions in a text: [{start, end, name}] in code units of `text`,
 * where name is the member's name as `names` spells it. The longest name
 * that matches wins.
 */
export function findMentions (text, names) {
  const folded = new Map();
  for (const n of names) if (typeof n === 'string' && n !== '') folded.set(foldName(n), n);
  const found = [];
  if (folded.size === 0) return found;
  const chars = Array.from(text);
  // Where each character starts, in code units.
  const starts = [0];
  for (const ch of chars) starts.push(starts[starts.length - 1] + ch.length);
  let i = 0;
  while (i < chars.length) {
    let taken = 0;
    if (chars[i] === '@' && (i === 0 || BEFORE_RE.test(chars[i - 1]))) {
      for (let len = Math.min(LONGEST, chars.length - i - 1); len >= 1 && taken === 0; len--) {
        const next = chars[i + 1 + len];
        if (next !== undefined && !AFTER_RE.test(next)) continue;
        const name = folded.get(foldName(chars.slice(i + 1, i + 1 + len).join('')));
        if (name === undefined) continue;
        found.push({ start: starts[i], end: starts[i + 1 + len], name });
        taken = len;
      }
    }
    i += 1 + taken;
  }
  return found;
}

/** Whether the text mentions `me`, among the room's `names`. */
export function mentions (text, names, me) {
  const mine = foldName(me);
  return findMentions(text, [...names, me]).some(m => foldName(m.name) === mine);
}

/** Append a message's text: its mentions set apart, its web links as links. */
export function appendMessageText (parent, text, names, me) {
  const mine = foldName(me);
  let at = 0;
  for (const m of findMentions(text, [...names, me])) {
    if (m.start > at) appendLinkified(parent, text.slice(at, m.start));
    const self = foldName(m.name) === mine;
    parent.append(el('span', { class: self ? 'mention me' : 'mention', text: text.slice(m.start, m.end) }));
    at = m.end;
  }
  if (at < text.length) appendLinkified(parent, text.slice(at));
}

/**
 * What is being typed at the caret, if it is a mention: {start, query}
 * with start at the "@", or null.
 */
export function mentionAtCaret (value, caret) {
  const before = value.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || (at > 0 && !BEFORE_RE.test(before[at - 1]))) return null;
  const query = before.slice(at + 1);
  // A name has no line break, and is not that long.
  if (query.includes('\n') || Array.from(query).length > 32) return null;
  return { start: at, query };
}

/**
 * The list of members offered while "@" is typed in the composer: a
 * combobox's listbox (the textarea is the combobox), navigated with the
 * arrow keys, taken with Enter or Tab, closed with Escape.
 *
 * hooks: names() → the members to offer (not oneself)
 */
export class MentionPicker {
  constructor (input, hooks) {
    this.input = input;
    this.hooks = hooks;
    this.list = el('ul', { id: 'mention-list', class: 'mention-list', role: 'listbox', 'aria-label': T.suggestions, hidden: true });
    input.closest('.composer').prepend(this.list);
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', 'mention-list');
    input.setAttribute('aria-expanded', 'false');
    this.at = null;
    this.options = [];
    this.active = 0;
    input.addEventListener('input', () => this.update());
    input.addEventListener('click', () => this.update());
    input.addEventListener('blur', () => this.close());
    // A click on a name must not take the focus from the composer first.
    this.list.addEventListener('pointerdown', ev => ev.preventDefault());
    this.list.addEventListener('click', ev => {
      const option = ev.target.closest('[role="option"]');
      if (option) this.take(Number(option.dataset.index));
    });
  }

  get open () {
    return !this.list.hidden;
  }

  update () {
    const input = this.input;
    const at = input.selectionStart === input.selectionEnd ? mentionAtCaret(input.value, input.selectionStart) : null;
    if (!at) {
      this.close();
      return;
    }
    const q = foldName(at.query);
    const names = this.hooks.names();
    const starts = names.filter(n => foldName(n).startsWith(q));
    const inside = names.filter(n => !starts.includes(n) && foldName(n).includes(q));
    const options = [...starts, ...inside].slice(0, 8);
    if (options.length === 0) {
      this.close();
      return;
    }
    this.at = at;
    this.options = options;
    this.active = 0;
    this.render();
  }

  render () {
    this.list.replaceChildren(...this.options.map((name, i) => el('li', {
      id: `mention-option-${i}`,
      class: 'mention-option',
      role: 'option',
      'aria-selected': i === this.active ? 'true' : 'false',
      dataset: { index: String(i) },
      text: name,
    })));
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', `mention-option-${this.active}`);
  }

  close () {
    if (this.list.hidden) return;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.at = null;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  /** Keys while the list is open; returns whether the key was taken. */
  key (ev) {
    if (!this.open || ev.isComposing) return false;
    const n = this.options.length;
    switch (ev.key) {
      case 'ArrowDown': this.active = (this.active + 1) % n; break;
      case 'ArrowUp': this.active = (this.active + n - 1) % n; break;
      case 'Enter':
      case 'Tab':
        if (ev.shiftKey) return false;
        this.take(this.active);
        break;
      case 'Escape': this.close(); break;
      default: return false;
    }
    ev.preventDefault();
    if (this.open) this.render();
    return true;
  }

  take (index) {
    const name = this.options[index];
    const at = this.at;
    if (name === undefined || !at) return;
    const input = this.input;
    const caret = input.selectionStart;
    const insert = `@${name} `;
    input.setRangeText(insert, at.start, caret, 'end');
    this.close();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.focus();
  }
}

/**
 * Tell a person, away from the page, that a message named them: a
 * notification when the browser allows them, else the tab's title.
 * Returns true when a notification was shown.
 */
export function notifyMention (ev, { room, onClick }) {
  if (typeof Notification !== 'function' || Notification.permission !== 'granted') return false;
  try {
    const n = new Notification(T.mentionedYou(ev.name), {
      body: String(ev.text).slice(0, 200),
      tag: `nexus-chat-${room}-${ev.seq}`,
      icon: '/static/icon.svg',
    });
    n.addEventListener('click', () => {
      window.focus();
      n.close();
      onClick();
    });
    return true;
  } catch {
    // Some browsers (Chrome on Android) take notifications from a service worker only.
    return false;
  }
}

/**
 * A card in the members panel that says how mentions reach you, with a
 * button to allow notifications (a browser asks only after a click).
 */
export class NotifySetting {
  constructor (panel) {
    this.text = el('p', { class: 'invite-text notify-text' });
    this.button = el('button', { id: 'notify-button', class: 'button small notify-button', type: 'button', text: T.notifyButton });
    this.card = el('div', { class: 'invite-card notify-card' },
      el('p', { class: 'invite-title', text: T.notifyTitle }), this.text, this.button);
    panel.append(this.card);
    this.button.addEventListener('click', async () => {
      try {
        await Notification.requestPermission();
      } catch { /* an old browser: the callback form; the state is read below */ }
      this.update();
    });
    this.update();
  }

  update () {
    const supported = typeof Notification === 'function';
    this.card.hidden = !supported;
    if (!supported) return;
    const state = Notification.permission;
    this.text.textContent = state === 'granted' ? T.notifyOn : state === 'denied' ? T.notifyOff : T.notifyAsk;
    this.button.hidden = state !== 'default';
  }
}

export const MENTION_SENTENCES = T;
