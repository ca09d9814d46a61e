// Small DOM helpers. Every string that comes from the network goes into the
// page through textContent or a text node, never as HTML.

import { _ } from './i18n.js';

export const $ = id => document.getElementById(id);

/** el('p', {class: 'x', text: 'hello', title: '…'}, child, …) */
export function el (tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// http(s) links in message text. The end of a link drops the punctuation
// that usually follows one in a sentence.
const LINK_RE = /\bhttps?:\/\/[^\s<>"]+/giu;
const TRAILING_RE = /[.,;:!?'"’”)\]}*_]$/u;

function trimLink (url) {
  while (TRAILING_RE.test(url)) {
    const last = url.slice(-1);
    if (last === ')') {
      const open = url.split('(').length - 1;
      const close = url.split(')').length - 1;
      if (close <= open) break;
    }
    url = url.slice(0, -1);
  }
  return url;
}

/** Append `text` to `parent` as text, with its web links as <a> elements. */
export function appendLinkified (parent, text) {
  let at = 0;
  for (const m of text.matchAll(LINK_RE)) {
    const url = trimLink(m[0]);
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch { /* not a link after all */ }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || url.length < 10) continue;
    if (m.index > at) parent.append(document.createTextNode(text.slice(at, m.index)));
    parent.append(el('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer', text: url }));
    at = m.index + url.length;
  }
  if (at < text.length) parent.append(document.createTextNode(text.slice(at)));
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const dayYearFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

export function parseTs (ts) {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

/** <time> with the local time, and the full date and time on hover. */
export function timeElement (date, iso, className = 'time') {
  return el('time', {
    class: className,
    datetime: iso,
    title: fullFmt.format(date),
    text: timeFmt.format(date),
  });
}

export function dayKey (date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export function dayLabel (date, now = new Date()) {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const that = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const days = Math.round((today - that) / 86400000);
  if (days === 0) return _('Today');
  if (days === 1) return _('Yesterday');
  return date.getFullYear() === now.getFullYear() ? dayFmt.format(date) : dayYearFmt.format(date);
}

// A colour for each name, from the GNOME palette, for the avatars.
const AVATAR_COLOURS = ['blue', 'green', 'yellow', 'orange', 'red', 'purple', 'brown', 'teal', 'pink'];

export function avatar (name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  const first = Array.from(name.trim())[0] || '?';
  return el('span', {
    class: `avatar avatar-${AVATAR_COLOURS[h % AVATAR_COLOURS.length]}`,
    'aria-hidden': 'true',
    text: first.toLocaleUpperCase(),
  });
}
