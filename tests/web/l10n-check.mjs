// Whether a page is German with no English left: every visible text and
// label (aria-label, title, placeholder) is checked against the English
// catalogue (xgettext over data/web/*.js) and the German one the host
// serves. A text may be a German string of the catalogue, the test's own
// (a name, a message, a file name: where USER_CONTENT shows it), or
// neutral (a number, size, time, code, an emoji); none may be English,
// except what people wrote (WRITTEN: messages and quotes of them, which
// are in their writer's language).
// Used by l10n.test.mjs and twolanguages.test.mjs.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/** The English catalogue: every msgid (and plural) that xgettext finds in data/web/*.js. */
function englishCatalogue () {
  const potfiles = readFileSync(path.join(root, 'po', 'POTFILES.in'), 'utf8')
    .split('\n').filter(l => /^data\/web\/.*\.js$/.test(l));
  const dir = mkdtempSync(path.join(tmpdir(), 'nexus-l10n-'));
  try {
    const pot = path.join(dir, 'web.pot');
    execFileSync('xgettext', ['--language=JavaScript', '--from-code=UTF-8', '--keyword=_',
      '--keyword=ngettext:1,2', '-o', pot, ...potfiles], { cwd: root });
    const text = readFileSync(pot, 'utf8');
    const ids = [];
    const all = [];
    for (const m of text.matchAll(/^msgid(_plural)? ((?:".*"\n)+)/gm)) {
      const id = [...m[2].matchAll(/"(.*)"/g)].map(x => x[1]).join('')
        .replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      if (id === '') continue;
      all.push(id);
      if (!m[1]) ids.push(id);
    }
    return { ids, all };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A catalogue string as a pattern for the text of one element: {placeholders} match anything. */
function pattern (str) {
  const parts = str.split(/\{[A-Za-z0-9_]+\}/).map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*?')}$`, 's');
}

// Texts that are no language's: numbers, sizes, times, codes, the app's
// name, the reactions' emoji.
const NEUTRAL = [
  /^[\d\s.,:×·()/+-]*$/,
  /^[\d.,]+\s(kB|MB|GB|TB)$/,
  /^[A-Z0-9]{3}-[A-Z0-9]{3}$/,
  /^Nexus Chat$/,
  /^[A-Z0-9]{1,4}$/,     // a file icon's extension
  /^(👍|❤️|😂|😮|😢|🎉)$/u,
];

// Where the test's own names, texts and file names show.
const USER_CONTENT = '.text, .member-name, .notice-name, .sender, .file-name, .avatar, time, ' +
  '#room-code, #invite-code, .preview-name, .lightbox-name, .preview-picture, .lightbox-picture, ' +
  '#name-input, #code-input, .quote-name, .quote-text, .context-quote, .menu-quote, #mention-list';

// What people wrote, in their own language; "Message deleted" in its
// place is the page's.
const WRITTEN = '.bubble > .text:not(.deleted-text), .quote:not(.deleted) .quote-text, .context-quote, .menu-quote';

/**
 * Every visible text of the page, one per element (its own text, with
 * child elements as "{}"), and its labels: aria-label, title, placeholder.
 */
function visibleTexts (page) {
  return page.evaluate(([userContent, written]) => {
    const out = [];
    const visible = el => el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0;
    for (const el of document.body.querySelectorAll('*')) {
      if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'svg', 'path'].includes(el.tagName) || el.closest('svg')) continue;
      if (!visible(el)) continue;
      const user = !!el.closest(userContent);
      const theirs = !!el.closest(written);
      let own = '';
      for (const child of el.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) own += child.data;
        else if (child.nodeType === Node.ELEMENT_NODE) own += '{}';
      }
      own = own.replace(/\s+/g, ' ').trim();
      if (own.replace(/\{\}/g, '').trim() !== '') out.push({ text: own, user, theirs, where: el.id || el.className || el.tagName });
      for (const attr of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(attr);
        if (v && v.trim() !== '' && !(attr === 'title' && el.tagName === 'TIME')) {
          out.push({ text: v.trim(), user, theirs, where: `${el.id || el.className || el.tagName}[${attr}]` });
        }
      }
    }
    return out;
  }, [USER_CONTENT, WRITTEN]);
}

/**
 * The German catalogue of the host at origin, and the check.
 * Returns {ids (the English msgids), catalogue, _ (a msgid's German),
 * assertGerman(page, state)}.
 */
export async function germanCheck (origin) {
  const response = await fetch(`${origin}/static/l10n/de.json`);
  assert.equal(response.status, 200);
  const catalogue = await response.json();
  const { ids, all } = englishCatalogue();
  const german = [];
  const same = new Set();
  for (const [msgid, msgstr] of Object.entries(catalogue.messages)) {
    for (const s of Array.isArray(msgstr) ? msgstr : [msgstr]) {
      german.push(s);
      if (s === msgid) same.add(msgid);
    }
  }
  // Strings that German writes the same ("{width} × {height}") say nothing of the language.
  const englishPatterns = all.filter(s => !same.has(s)).map(s => ({ s, re: pattern(s) }));
  const germanPatterns = german.map(pattern);

  /** No English left, and every text German, the test's own or neutral. */
  async function assertGerman (page, state) {
    const texts = await visibleTexts(page);
    assert.ok(texts.length > 3, `${state}: texts found`);
    const english = [];
    const unexplained = [];
    for (const { text, user, theirs, where } of texts) {
      const hit = !theirs && englishPatterns.find(p => p.re.test(text));
      if (hit) english.push(`${where}: “${text}” (English “${hit.s}”)`);
      if (user) continue;
      const parts = text.split(' · ');
      const explained = parts.every(part => NEUTRAL.some(re => re.test(part)) || germanPatterns.some(re => re.test(part)));
      if (!explained) unexplained.push(`${where}: “${text}”`);
    }
    assert.deepEqual(english, [], `${state}: English left`);
    assert.deepEqual(unexplained, [], `${state}: text that is not from the German catalogue`);
  }

  const _ = msgid => {
    const t = catalogue.messages[msgid];
    assert.equal(typeof t, 'string', `“${msgid}” has a German translation`);
    return t;
  };
  return { ids, catalogue, _, assertGerman };
}
