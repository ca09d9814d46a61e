// The page in the reader's language. Every sentence and label the page
// shows goes through one of these, so that xgettext finds it for po/ and
// the translation from the same catalogue as the desktop app is shown:
//
//   _('Leave')                                   a fixed string
//   ngettext('{n} new message', '{n} new messages', n)
//                                                one of two by a count (then format it)
//   format(_('{name} is typing…'), { name })     fill {placeholders}; a string
//   formatNodes(_('{name} joined the room'), { name: strongNode })
//                                                the same, as an array of strings and
//                                                DOM nodes, for element.append(...)
//   LANGUAGE                                     the page's language ('en', 'de', …)
//
// Write whole sentences with named {placeholders} (translators move them
// around), never sentences glued from pieces; a placeholder name is
// letters, digits and '_'. Text from the network is only ever a value.
//
// The host picks the language from the browser's Accept-Language and marks
// the page <html lang="…"> (PROTOCOL.md, Transport); for any language but
// English this module loads /static/l10n/LANG.json (made from po/LANG.po at
// build time: {"plural": "C expression of n", "messages": {msgid: msgstr or
// [msgstr[0], …]}}) before any module that imports it runs, so _() may be
// called at a module's top level. Without a catalogue the page is English.

const html = typeof document === 'object' ? document.documentElement : null;
export const LANGUAGE = (html && /^[a-z]{2,3}$/.test(html.lang) ? html.lang : 'en');

let messages = Object.create(null);
let pluralIndex = n => (n === 1 ? 0 : 1);

async function load () {
  if (LANGUAGE === 'en') return;
  // A host that stops answering halfway must not keep the page from starting.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 5000);
  try {
    const response = await fetch(`/static/l10n/${LANGUAGE}.json`, { cache: 'no-cache', signal: abort.signal });
    if (!response.ok) return;
    const catalogue = await response.json();
    if (catalogue && typeof catalogue.messages === 'object' && catalogue.messages !== null) {
      messages = Object.assign(Object.create(null), catalogue.messages);
    }
    if (catalogue && typeof catalogue.plural === 'string') {
      const rule = compilePlural(catalogue.plural);
      if (rule) pluralIndex = rule;
    }
  } catch { /* no catalogue: the page stays English */ } finally {
    clearTimeout(timer);
  }
}

await load();

/** The translation of msgid, or msgid itself. */
export function _ (msgid) {
  const t = messages[msgid];
  return typeof t === 'string' && t !== '' ? t : msgid;
}

/** The translation of singular or plural for the count n (gettext's ngettext). */
export function ngettext (singular, plural, n) {
  const t = messages[singular];
  if (Array.isArray(t)) {
    const s = t[pluralIndex(Math.abs(Math.trunc(Number(n) || 0)))];
    if (typeof s === 'string' && s !== '') return s;
  }
  return n === 1 ? singular : plural;
}

const PLACEHOLDER_RE = /\{([A-Za-z0-9_]+)\}/g;

/** '{name} left' with {name: 'Ada'} → 'Ada left'. An unknown {key} stays as it is. */
export function format (str, values = {}) {
  return str.replace(PLACEHOLDER_RE, (whole, key) =>
    Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole);
}

/** Like format, but the values may be DOM nodes: returns [string | Node, …]. */
export function formatNodes (str, values = {}) {
  const parts = [];
  let at = 0;
  for (const m of str.matchAll(PLACEHOLDER_RE)) {
    if (!Object.prototype.hasOwnProperty.call(values, m[1])) continue;
    if (m.index > at) parts.push(str.slice(at, m.index));
    const v = values[m[1]];
    parts.push(typeof v === 'object' && v !== null ? v : String(v));
    at = m.index + m[0].length;
  }
  if (at < str.length) parts.push(str.slice(at));
  return parts;
}

/**
 * A gettext Plural-Forms expression ("n != 1", "n%10==1 && n%100!=11 ? 0 : …")
 * as a function of n, without eval (the page's security policy forbids it).
 * Returns null for anything it does not understand.
 */
export function compilePlural (expr) {
  const tokens = String(expr).match(/\d+|[n()?:]|[=!<>]=|[<>!%*/+-]|&&|\|\||\S/g) || [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const BINARY = [
    ['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%'],
  ];
  const apply = (op, a, b) => {
    switch (op) {
      case '||': return n => (a(n) || b(n) ? 1 : 0);
      case '&&': return n => (a(n) && b(n) ? 1 : 0);
      case '==': return n => (a(n) === b(n) ? 1 : 0);
      case '!=': return n => (a(n) !== b(n) ? 1 : 0);
      case '<': return n => (a(n) < b(n) ? 1 : 0);
      case '>': return n => (a(n) > b(n) ? 1 : 0);
      case '<=': return n => (a(n) <= b(n) ? 1 : 0);
      case '>=': return n => (a(n) >= b(n) ? 1 : 0);
      case '+': return n => a(n) + b(n);
      case '-': return n => a(n) - b(n);
      case '*': return n => a(n) * b(n);
      case '/': return n => { const d = b(n); return d === 0 ? 0 : Math.trunc(a(n) / d); };
      default: return n => { const d = b(n); return d === 0 ? 0 : a(n) % d; };
    }
  };
  const unary = () => {
    const t = next();
    if (t === 'n') return n => n;
    if (t !== undefined && /^\d+$/.test(t)) { const v = Number(t); return () => v; }
    if (t === '!') { const a = unary(); return n => (a(n) ? 0 : 1); }
    if (t === '(') {
      const a = ternary();
      if (next() !== ')') throw new Error('plural');
      return a;
    }
    throw new Error('plural');
  };
  const binary = level => {
    if (level === BINARY.length) return unary();
    let a = binary(level + 1);
    while (BINARY[level].includes(peek())) {
      const op = next();
      a = apply(op, a, binary(level + 1));
    }
    return a;
  };
  function ternary () {
    const cond = binary(0);
    if (peek() !== '?') return cond;
    next();
    const yes = ternary();
    if (next() !== ':') throw new Error('plural');
    const no = ternary();
    return n => (cond(n) ? yes(n) : no(n));
  }
  try {
    const f = ternary();
    return i === tokens.length ? f : null;
  } catch {
    return null;
  }
}
