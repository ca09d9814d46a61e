// The protocol's rules for room codes, names and texts, checked before
// anything is sent so that a person gets a sentence next to the field.

import { _, format } from './i18n.js';

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 6;
export const NAME_MAX = 32;
export const TEXT_MAX = 4000;

const CODE_RE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/;
// The characters g_unichar_isspace() accepts: tab, new line, carriage
// return, form feed and the Unicode separators.
const SPACE = '[\\t\\n\\r\\f\\p{Zs}\\p{Zl}\\p{Zp}]';
const TRIM_RE = new RegExp(`^${SPACE}+|${SPACE}+$`, 'gu');
const ONLY_SPACE_RE = new RegExp(`^${SPACE}*$`, 'u');
const CONTROL_RE = /\p{Cc}/u;
// Zero-width and bidirectional marks: a name with one looks like another's.
const FORMAT_RE = /\p{Cf}/u;
const TEXT_CONTROL_RE = /[^\P{Cc}\n\t]/u;

/** Unicode characters (code points), as the server counts them. */
export function charCount (s) {
  return [...s].length;
}

/** "k7q x3m", "K7Q-X3M" → "K7QX3M". */
export function normalizeCode (input) {
  return String(input).toUpperCase().replace(/[\s-]+/g, '');
}

export function isValidCode (code) {
  return CODE_RE.test(code);
}

/** "K7QX3M" → "K7Q-X3M" (anything else is returned as it is). */
export function formatCode (code) {
  return isValidCode(code) ? `${code.slice(0, 3)}-${code.slice(3)}` : code;
}

/** A sentence saying what is wrong with a typed room code, or null. */
export function codeProblem (input) {
  const code = normalizeCode(input);
  if (code === '') return _('Enter the room code you were given, like K7Q‑X3M.');
  if (/[01ILO]/.test(code)) {
    return _('Room codes never contain 0, 1, I, L or O. Check the code you were given.');
  }
  if (!/^[A-Z0-9]*$/.test(code)) return _('A room code has only letters and digits, like K7Q‑X3M.');
  if (code.length !== CODE_LENGTH) {
    return format(_('A room code has {max} letters and digits, like K7Q‑X3M; this one has {n}.'),
      { max: CODE_LENGTH, n: code.length });
  }
  return null;
}

export function trimName (input) {
  return String(input).replace(TRIM_RE, '');
}

/** A sentence saying what is wrong with a typed name, or null. */
export function nameProblem (input) {
  const name = trimName(input);
  if (name === '') return _('Enter your name, so that the others know who is writing.');
  const n = charCount(name);
  if (n > NAME_MAX) {
    return format(_('A name can have at most {max} characters; this one has {n}.'), { max: NAME_MAX, n });
  }
  if (CONTROL_RE.test(name)) return _('A name cannot contain control characters.');
  if (FORMAT_RE.test(name)) {
    return _('A name cannot contain invisible characters such as zero-width spaces or direction marks.');
  }
  return null;
}

/** A sentence saying what is wrong with a message text, or null. */
export function textProblem (text) {
  if (ONLY_SPACE_RE.test(text)) return _('Write something first.');
  const n = charCount(text);
  if (n > TEXT_MAX) {
    return format(_('A message can have at most {max} characters; this one has {n}.'), { max: TEXT_MAX, n });
  }
  if (TEXT_CONTROL_RE.test(text)) return _('A message cannot contain control characters other than new lines and tabs.');
  return null;
}

/** Room code from a page path such as /r/k7q-x3m, or '' when there is none. */
export function codeFromPath (pathname) {
  const m = /^\/r\/([^/]{1,96})\/?$/.exec(pathname);
  if (!m) return '';
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return '';
  }
}
