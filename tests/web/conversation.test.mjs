// Replies, edits, deletes, reactions, mentions and unread messages, between
// pages and a raw WebSocket client that records every frame it gets;
// exactly once across a dropped connection and a page that goes offline;
// a late joiner and a reload seeing the conversation as it is now; a phone.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  startServer, launchBrowser, newPage, createRoom, joinRoom, send, messageTexts, waitForMessages, screenshotPath,
} from './helpers.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** The list item of the confirmed message whose text is `text` (exactly). */
function msg (page, text) {
  return page.locator('#events li.msg').filter({
    has: page.locator('.bubble > .text', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  });
}

async function seqOf (page, text) {
  return Number(await msg(page, text).getAttribute('data-seq'));
}

/** Hover a message and press one of its toolbar's buttons. */
async function act (page, text, action) {
  const li = msg(page, text);
  await li.locator('.bubble').hover();
  await li.locator(`.msg-action-${action}`).click();
}

/** What a message shows: its text, edited, deleted, its quote and reactions. */
function shown (page) {
  return page.$$eval('#events li.msg', nodes => nodes.map(n => ({
    seq: Number(n.dataset.seq),
    text: n.querySelector('.bubble > .text') ? n.querySelector('.bubble > .text').textContent : null,
    edited: !!n.querySelector('.bubble .edited'),
    deleted: n.classList.contains('deleted'),
    quote: n.querySelector('.quote') ? n.querySelector('.quote .quote-text').textContent : null,
    reactions: Array.from(n.querySelectorAll('.reaction'), r => `${r.dataset.emoji}${r.querySelector('.reaction-count').textContent}`),
  })));
}

function chips (page, text) {
  return msg(page, text).locator('.reaction').evaluateAll(nodes => nodes.map(n => ({
    emoji: n.dataset.emoji, count: Number(n.querySelector('.reaction-count').textContent), mine: n.getAttribute('aria-pressed') === 'true',
  })));
}

function waitChips (page, text, want, timeout = 20000) {
  return page.waitForFunction(([t, w]) => {
    const li = Array.from(document.querySelectorAll('#events li.msg')).find(n => n.querySelector('.bubble > .text')?.textContent === t);
    if (!li) return false;
    const have = Array.from(li.querySelectorAll('.reaction'), r => `${r.dataset.emoji}${r.querySelector('.reaction-count').textContent}`).join(' ');
    return have === w;
  }, [text, want], { timeout });
}

function waitConnected (page) {
  return page.waitForFunction(() => document.querySelector('#conn-status').hidden &&
    document.querySelectorAll('#pending li').length === 0 &&
    document.querySelectorAll('#events .change-status, #events .reaction.pending').length === 0, null, { timeout: 30000 });
}

function setAway (page, how) {
  return page.evaluate(h => {
    if (h === 'hidden') {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    } else {
      document.hasFocus = () => false;
      window.dispatchEvent(new Event('blur'));
    }
  }, how);
}

function setBack (page) {
  return page.evaluate(() => {
    delete document.hidden;
    delete document.visibilityState;
    delete document.hasFocus;
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('focus'));
  });
}

/**
 * A raw WebSocket member of the room, in a page of the host's origin: it
 * records every frame and resumes after a drop as the protocol says.
 */
async function rawMember (browser, server, code, name) {
  const { page, context } = await newPage(browser);
  await page.goto(`${server.origin}/api/info`);
  await page.evaluate(([room, who]) => new Promise((resolve, reject) => {
    const w = window.raw = { frames: [], lastSeq: 0, session: '', connects: 0 };
    const open = () => {
      const ws = new WebSocket(`ws://${location.host}/ws`, 'nexus-chat.v1');
      w.connects++;
      ws.onopen = () => ws.send(JSON.stringify(w.session
        ? { type: 'resume', room, session: w.session, last_seq: w.lastSeq }
        : { type: 'join', room, name: who }));
      ws.onmessage = e => {
        const f = JSON.parse(e.data);
        w.frames.push(f);
        if (f.type === 'welcome') {
          w.session = f.session;
          for (const h of f.history) w.lastSeq = Math.max(w.lastSeq, h.seq);
          resolve();
        } else if (Number.isInteger(f.seq)) {
          w.lastSeq = Math.max(w.lastSeq, f.seq);
        } else if (f.type === 'error' && !w.session) {
          reject(new Error(f.message));
        }
      };
      ws.onclose = () => { if (w.session) setTimeout(open, 200); };
    };
    open();
  }), [code, name]);
  return {
    page,
    context,
    /** Every event it got, live or in a resume's history, once per seq. */
    events: () => page.evaluate(() => {
      const bySeq = new Map();
      for (const f of window.raw.frames) {
        if (Number.isInteger(f.seq)) bySeq.set(f.seq, f);
        if (f.type === 'welcome') for (const h of f.history) bySeq.set(h.seq, h);
      }
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    }),
    /** The live event frames it got (not histories), in order. */
    live: () => page.evaluate(() => window.raw.frames.filter(f => Number.isInteger(f.seq))),
  };
}

// A stand-in for the Notification API that the page is allowed to use.
function fakeNotifications () {
  window.__notes = [];
  class FakeNotification extends EventTarget {
    constructor (title, options = {}) {
      super();
      window.__notes.push({ title, body: options.body, tag: options.tag });
    }

    close () {}
    static get permission () { return 'granted'; }
    static requestPermission () { return Promise.resolve('granted'); }
  }
  window.Notification = FakeNotification;
}

describe('replies, edits, deletes, reactions, mentions, unread', { timeout: 300000 }, () => {
  let server, browser, ada, bob, raw, code;

  before(async () => {
    server = await startServer(['--grace-seconds', '30']);
    browser = await launchBrowser();
    ada = await newPage(browser, { colorScheme: 'light' });
    await ada.context.addInitScript(fakeNotifications);
    bob = await newPage(browser, { colorScheme: 'dark' });
    code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
    raw = await rawMember(browser, server, code, 'Raw');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('replies from the toolbar of a message: "Replying to", the quote, and a click on it shows the original', async () => {
    await send(ada.page, 'Lunch at noon?');
    for (let i = 1; i <= 10; i++) await send(ada.page, `filler ${i}\nsecond line\nthird line`);
    await waitForMessages(bob.page, ['Lunch at noon?', 'filler 10\nsecond line\nthird line']);
    await act(bob.page, 'Lunch at noon?', 'reply');
    await bob.page.waitForSelector('#composer-context:not([hidden])');
    assert.equal(await bob.page.textContent('#composer-context .context-label'), 'Replying to Ada');
    assert.equal(await bob.page.textContent('#composer-context .context-quote'), 'Lunch at noon?');
    assert.equal(await bob.page.evaluate(() => document.activeElement.id), 'composer-input');
    await bob.page.keyboard.type('Yes, at the usual place');
    await bob.page.keyboard.press('Enter');
    assert.equal(await bob.page.isHidden('#composer-context'), true, 'the banner goes once the reply is sent');
    await waitForMessages(ada.page, ['Yes, at the usual place']);
    await waitForMessages(bob.page, ['Yes, at the usual place']);
    const original = await seqOf(ada.page, 'Lunch at noon?');
    for (const [page, name] of [[ada.page, 'You'], [bob.page, 'Ada']]) {
      const reply = msg(page, 'Yes, at the usual place');
      assert.equal(await reply.locator('.quote .quote-name').textContent(), name);
      assert.equal(await reply.locator('.quote .quote-text').textContent(), 'Lunch at noon?');
      assert.equal(await reply.locator('.quote').getAttribute('data-quote'), String(original));
    }
    const frame = (await raw.events()).find(f => f.type === 'message' && f.text === 'Yes, at the usual place');
    assert.deepEqual(frame.reply, { seq: original, name: 'Ada', text: 'Lunch at noon?' });

    // The original is far above; a click on the quote brings it into view and marks it.
    const inView = () => ada.page.evaluate(s => {
      const li = document.querySelector(`#events li[data-seq="${s}"]`);
      const r = li.getBoundingClientRect();
      const l = document.querySelector('#log').getBoundingClientRect();
      return r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
    }, original);
    assert.equal(await inView(), false, 'the original starts out of view');
    await msg(ada.page, 'Yes, at the usual place').locator('.quote').click();
    await ada.page.waitForFunction(s => document.activeElement === document.querySelector(`#events li[data-seq="${s}"]`), original);
    await ada.page.waitForFunction(s => {
      const li = document.querySelector(`#events li[data-seq="${s}"]`);
      const r = li.getBoundingClientRect();
      const l = document.querySelector('#log').getBoundingClientRect();
      return r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
    }, original);
    assert.equal(await msg(ada.page, 'Lunch at noon?').evaluate(n => n.classList.contains('flash')), true);
  });

  it('cancels a reply with its button or Escape', async () => {
    await act(bob.page, 'Lunch at noon?', 'reply');
    await bob.page.waitForSelector('#composer-context:not([hidden])');
    await bob.page.keyboard.press('Escape');
    await bob.page.waitForSelector('#composer-context', { state: 'hidden' });
    await act(bob.page, 'Lunch at noon?', 'reply');
    await bob.page.click('#composer-context .context-cancel');
    await bob.page.waitForSelector('#composer-context', { state: 'hidden' });
    await send(bob.page, 'not a reply');
    await waitForMessages(ada.page, ['not a reply']);
    assert.equal(await msg(ada.page, 'not a reply').locator('.quote').count(), 0);
  });

  it('replies with the keyboard: the arrows move between messages, R replies', async () => {
    const page = bob.page;
    await page.focus('#log');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.text').textContent), 'not a reply');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.text').textContent), 'Yes, at the usual place');
    // The focused message shows its toolbar, whose buttons are in the tab order.
    await page.waitForFunction(() => getComputedStyle(document.activeElement.querySelector('.msg-actions')).opacity === '1');
    assert.equal(await page.evaluate(() => document.activeElement.querySelector('.msg-action-reply').tabIndex), 0);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('r');
    await page.waitForSelector('#composer-context:not([hidden])');
    assert.equal(await page.textContent('#composer-context .context-quote'), 'filler 10');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-input');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#composer-context', { state: 'hidden' });
  });

  it('edits one\'s own message: ArrowUp in an empty composer, then "edited" for everyone', async () => {
    await send(ada.page, 'See you at 12');
    await waitForMessages(bob.page, ['See you at 12']);
    const seq = await seqOf(ada.page, 'See you at 12');
    await ada.page.focus('#composer-input');
    await ada.page.keyboard.press('ArrowUp');
    await ada.page.waitForSelector('#composer-context:not([hidden])');
    assert.equal(await ada.page.textContent('#composer-context .context-label'), 'Editing your message');
    assert.equal(await ada.page.inputValue('#composer-input'), 'See you at 12');
    await ada.page.fill('#composer-input', 'See you at 12:30');
    await ada.page.keyboard.press('Enter');
    assert.equal(await ada.page.inputValue('#composer-input'), '', 'the composer is empty again');
    assert.equal(await ada.page.isHidden('#composer-context'), true);
    await waitForMessages(bob.page, ['See you at 12:30']);
    await waitForMessages(ada.page, ['See you at 12:30']);
    for (const page of [ada.page, bob.page]) {
      const li = page.locator(`#events li[data-seq="${seq}"]`);
      assert.equal(await li.locator('.bubble > .text').textContent(), 'See you at 12:30');
      assert.equal(await li.locator('.edited').textContent(), 'edited');
    }
    const edited = (await raw.live()).filter(f => f.type === 'edited');
    assert.deepEqual(edited.map(f => [f.name, f.target, f.text]), [['Ada', seq, 'See you at 12:30']]);
    // Only one's own messages can be changed.
    assert.equal(await msg(bob.page, 'See you at 12:30').locator('.msg-action-edit, .msg-action-delete').count(), 0);
    assert.equal(await msg(ada.page, 'See you at 12:30').locator('.msg-action-edit').count(), 1);
    assert.equal(await msg(bob.page, 'not a reply').locator('.msg-action-edit').count(), 1);
  });

  it('edits with E on a focused message, and Escape leaves the draft as it was', async () => {
    const page = bob.page;
    await page.fill('#composer-input', 'a draft');
    await msg(page, 'not a reply').focus();
    await page.keyboard.press('e');
    await page.waitForSelector('#composer-context:not([hidden])');
    assert.equal(await page.inputValue('#composer-input'), 'not a reply');
    await page.keyboard.press('Escape');
    assert.equal(await page.inputValue('#composer-input'), 'a draft');
    await page.fill('#composer-input', '');
  });

  it('deletes one\'s own message after asking: "Message deleted" in its place, and quotes of it lose their text', async () => {
    await send(ada.page, 'Typo mesage');
    await waitForMessages(bob.page, ['Typo mesage']);
    const seq = await seqOf(ada.page, 'Typo mesage');
    await act(bob.page, 'Typo mesage', 'reply');
    await bob.page.keyboard.type('What?');
    await bob.page.keyboard.press('Enter');
    await waitForMessages(ada.page, ['What?']);
    await act(ada.page, 'Typo mesage', 'delete');
    await ada.page.waitForSelector('#delete-confirm[open]');
    assert.equal(await ada.page.textContent('#delete-title'), 'Delete this message?');
    await ada.page.click('#delete-ok');
    for (const page of [ada.page, bob.page]) {
      await page.waitForSelector(`#events li[data-seq="${seq}"].deleted`);
      const li = page.locator(`#events li[data-seq="${seq}"]`);
      assert.equal(await li.locator('.bubble > .text').textContent(), 'Message deleted');
      assert.equal(await li.locator('.msg-action').count(), 0, 'nothing more to do with it');
      const quote = msg(page, 'What?').locator('.quote');
      await page.waitForFunction(q => document.querySelector(q)?.classList.contains('deleted'),
        `#events li[data-seq="${await seqOf(page, 'What?')}"] .quote`);
      assert.equal(await quote.locator('.quote-text').textContent(), 'Message deleted');
    }
    // In its place: between what came before and after it.
    const order = (await shown(bob.page)).map(m => m.seq);
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.equal((await raw.live()).filter(f => f.type === 'deleted' && f.target === seq).length, 1);
  });

  it('reactions: from the picker, toggled with the chip, counted, who reacted on hover', async () => {
    await act(bob.page, 'Lunch at noon?', 'react');
    await bob.page.waitForSelector('#react-picker:not([hidden])');
    assert.equal(await bob.page.evaluate(() => document.activeElement.dataset.emoji), '👍');
    assert.deepEqual(await bob.page.$$eval('#react-picker .emoji-choice', n => n.map(x => x.textContent)),
      ['👍', '❤️', '😂', '😮', '😢', '🎉']);
    await bob.page.click('#react-picker .emoji-choice[data-emoji="👍"]');
    await waitChips(ada.page, 'Lunch at noon?', '👍1');
    await waitChips(bob.page, 'Lunch at noon?', '👍1');
    assert.deepEqual(await chips(bob.page, 'Lunch at noon?'), [{ emoji: '👍', count: 1, mine: true }]);
    assert.deepEqual(await chips(ada.page, 'Lunch at noon?'), [{ emoji: '👍', count: 1, mine: false }]);
    // Ada taps the chip: hers is added.
    await msg(ada.page, 'Lunch at noon?').locator('.reaction').click();
    await waitChips(bob.page, 'Lunch at noon?', '👍2');
    await waitConnected(ada.page);
    assert.deepEqual(await chips(ada.page, 'Lunch at noon?'), [{ emoji: '👍', count: 2, mine: true }]);
    // Who reacted: on hover, and for screen readers in the chip's name and description.
    await msg(ada.page, 'Lunch at noon?').locator('.reaction').hover();
    await ada.page.waitForSelector('#reaction-tip:not([hidden])');
    assert.equal(await ada.page.textContent('#reaction-tip'), '👍 You and Bob');
    assert.equal(await msg(ada.page, 'Lunch at noon?').locator('.reaction').getAttribute('aria-describedby'), 'reaction-tip');
    assert.match(await msg(ada.page, 'Lunch at noon?').locator('.reaction').getAttribute('aria-label'), /2 reactions, yours among them/);
    await msg(bob.page, 'Lunch at noon?').locator('.reaction').hover();
    await bob.page.waitForSelector('#reaction-tip:not([hidden])');
    assert.equal(await bob.page.textContent('#reaction-tip'), '👍 You and Ada');
    // With the keyboard: + opens the picker on a focused message, the arrows choose.
    await msg(ada.page, 'Lunch at noon?').focus();
    await ada.page.keyboard.press('+');
    await ada.page.waitForSelector('#react-picker:not([hidden])');
    await ada.page.keyboard.press('ArrowRight');
    await ada.page.keyboard.press('Enter');
    await waitChips(bob.page, 'Lunch at noon?', '👍2 ❤️1');
    // Bob takes his 👍 back.
    await msg(bob.page, 'Lunch at noon?').locator('.reaction[data-emoji="👍"]').click();
    await waitChips(ada.page, 'Lunch at noon?', '👍1 ❤️1');
    await waitChips(bob.page, 'Lunch at noon?', '👍1 ❤️1');
    assert.deepEqual(await chips(bob.page, 'Lunch at noon?'),
      [{ emoji: '👍', count: 1, mine: false }, { emoji: '❤️', count: 1, mine: false }]);
    // The list of who reacted follows the change under the still mouse.
    await bob.page.waitForFunction(() => !document.querySelector('#reaction-tip').hidden &&
      document.querySelector('#reaction-tip').textContent === '👍 Ada');
    const reacted = (await raw.live()).filter(f => f.type === 'reacted');
    assert.deepEqual(reacted.map(f => `${f.name} ${f.emoji} ${f.on}`), ['Bob 👍 true', 'Ada 👍 true', 'Ada ❤️ true', 'Bob 👍 false']);
  });

  it('mentions: "@" offers the members, the keyboard picks one; the mention is highlighted and notified', async () => {
    const page = bob.page;
    await setAway(ada.page, 'hidden');
    await page.focus('#composer-input');
    await page.keyboard.type('@');
    await page.waitForSelector('#mention-list:not([hidden])');
    assert.deepEqual(await page.$$eval('#mention-list [role="option"]', n => n.map(x => x.textContent)), ['Ada', 'Raw']);
    assert.equal(await page.getAttribute('#composer-input', 'aria-expanded'), 'true');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('#composer-input', 'aria-activedescendant'), 'mention-option-1');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.type('a');
    assert.deepEqual(await page.$$eval('#mention-list [role="option"]', n => n.map(x => x.textContent)), ['Ada', 'Raw']);
    await page.keyboard.type('d');
    assert.deepEqual(await page.$$eval('#mention-list [role="option"]', n => n.map(x => x.textContent)), ['Ada']);
    await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#composer-input'), '@Ada ');
    assert.equal(await page.isHidden('#mention-list'), true);
    await page.keyboard.type('are you there?');
    await page.screenshot({ path: screenshotPath('web-conversation-mention-dark.png') });
    await page.keyboard.press('Enter');
    await waitForMessages(ada.page, ['@Ada are you there?']);
    const li = msg(ada.page, '@Ada are you there?');
    assert.equal(await li.evaluate(n => n.classList.contains('mentions-me')), true);
    assert.equal(await li.locator('.mention.me').textContent(), '@Ada');
    assert.equal(await msg(bob.page, '@Ada are you there?').evaluate(n => n.classList.contains('mentions-me')), false);
    await ada.page.waitForFunction(() => window.__notes.length === 1);
    assert.deepEqual(await ada.page.evaluate(() => window.__notes.map(n => [n.title, n.body])),
      [['Bob mentioned you', '@Ada are you there?']]);
    await setBack(ada.page);
    // Without notifications, the title says it until Bob looks.
    assert.notEqual(await bob.page.evaluate(() => Notification.permission), 'granted');
    await setAway(bob.page, 'hidden');
    await send(ada.page, 'yes @bob, here');
    await bob.page.waitForFunction(() => document.title === 'Ada mentioned you', null, { timeout: 10000 });
    await bob.page.waitForFunction(t => document.title === t, `(1) ${code.slice(0, 3)}-${code.slice(3)} · Nexus Chat`);
    assert.equal(await msg(bob.page, 'yes @bob, here').locator('.mention.me').textContent(), '@bob');
    await setBack(bob.page);
    await bob.page.waitForFunction(t => document.title === t, `${code.slice(0, 3)}-${code.slice(3)} · Nexus Chat`);
    // A mention of nobody in the room, or in the middle of a word, is not one.
    await send(bob.page, 'mail@Ada and @Adam');
    await waitForMessages(ada.page, ['mail@Ada and @Adam']);
    assert.equal(await msg(ada.page, 'mail@Ada and @Adam').evaluate(n => n.classList.contains('mentions-me')), false);
    assert.equal(await ada.page.evaluate(() => window.__notes.length), 1, 'no notification while looking, nor for others');
  });

  it('unread: the count in the title and a "New messages" line while the window is not in front; both go when you look', async () => {
    const title = `${code.slice(0, 3)}-${code.slice(3)} · Nexus Chat`;
    await setAway(ada.page, 'blur');
    for (const t of ['unread one', 'unread two', 'unread three']) await send(bob.page, t);
    await ada.page.waitForFunction(t => document.title === t, `(3) ${title}`);
    const before = await msg(ada.page, 'unread one').evaluate(n => n.previousElementSibling.className);
    assert.equal(before, 'unread-line');
    assert.equal(await ada.page.locator('.unread-line').count(), 1);
    assert.equal(await ada.page.textContent('.unread-line'), 'New messages');
    await ada.page.screenshot({ path: screenshotPath('web-conversation-unread.png') });
    await setBack(ada.page);
    await ada.page.waitForFunction(t => document.title === t, title);
    assert.equal(await ada.page.locator('.unread-line').count(), 1, 'the line stays where you left off');
    await send(ada.page, 'I am back');
    await waitForMessages(bob.page, ['I am back']);
    assert.equal(await ada.page.locator('.unread-line').count(), 0, 'and goes once you write');
    // Away again: the line moves to the new place.
    await setAway(ada.page, 'hidden');
    await send(bob.page, 'unread four');
    await ada.page.waitForFunction(t => document.title === t, `(1) ${title}`);
    assert.equal(await msg(ada.page, 'unread four').evaluate(n => n.previousElementSibling.className), 'unread-line');
    assert.equal(await ada.page.locator('.unread-line').count(), 1);
    await setBack(ada.page);
    await ada.page.waitForFunction(t => document.title === t, title);
  });

  it('screenshots: light with a reply being written and a message\'s toolbar, dark, the picker', async () => {
    await act(ada.page, 'unread four', 'reply');
    await ada.page.keyboard.type('On my way');
    const hovered = msg(ada.page, 'Yes, at the usual place');
    await hovered.locator('.bubble').hover();
    await hovered.locator('.msg-actions').evaluate(bar => new Promise(resolve => {
      const check = () => (getComputedStyle(bar).opacity === '1' ? resolve() : requestAnimationFrame(check));
      check();
    }));
    await ada.page.screenshot({ path: screenshotPath('web-conversation-light.png') });
    await ada.page.keyboard.press('Escape');
    await ada.page.fill('#composer-input', '');
    await bob.page.screenshot({ path: screenshotPath('web-conversation-dark.png') });
    await act(bob.page, 'yes @bob, here', 'react');
    await bob.page.waitForSelector('#react-picker:not([hidden])');
    await bob.page.screenshot({ path: screenshotPath('web-conversation-picker-dark.png') });
    await bob.page.keyboard.press('Escape');
    await bob.page.waitForSelector('#react-picker', { state: 'hidden' });
  });

  it('every change goes exactly once when the host cuts every connection while a page makes them', async () => {
    await send(ada.page, 'Drop target');
    await send(bob.page, 'Bob drop target');
    await waitForMessages(ada.page, ['Drop target', 'Bob drop target']);
    await waitForMessages(bob.page, ['Drop target', 'Bob drop target']);
    const target = await seqOf(ada.page, 'Drop target');
    const bobs = await seqOf(ada.page, 'Bob drop target');
    // Some changes go before the cut, some right after it, before the page knows.
    await act(ada.page, 'Bob drop target', 'react');
    await ada.page.click('#react-picker .emoji-choice[data-emoji="🎉"]');
    await act(ada.page, 'Bob drop target', 'reply');
    await ada.page.keyboard.type('Answer across the drop');
    await ada.page.keyboard.press('Enter');
    server.signal('SIGUSR1');
    await act(ada.page, 'Drop target', 'edit');
    await ada.page.fill('#composer-input', 'Drop target, edited');
    await ada.page.keyboard.press('Enter');
    await msg(ada.page, 'Drop target, edited').focus();
    await ada.page.keyboard.press('+');
    await ada.page.keyboard.press('End');
    await ada.page.keyboard.press('Enter');
    for (const page of [ada.page, bob.page]) {
      await waitForMessages(page, ['Answer across the drop', 'Drop target, edited'], 30000);
      await waitChips(page, 'Bob drop target', '🎉1', 30000);
      await waitChips(page, 'Drop target, edited', '🎉1', 30000);
      await waitConnected(page);
    }
    for (const page of [ada.page, bob.page]) {
      const texts = await messageTexts(page);
      assert.equal(texts.filter(t => t === 'Answer across the drop').length, 1);
      assert.equal(await msg(page, 'Drop target, edited').locator('.edited').count(), 1);
    }
    // The raw member was cut too: what it missed came in its resume's history.
    await raw.page.waitForFunction(() => window.raw.connects >= 2);
    await raw.page.waitForFunction(t => {
      const seqs = new Set();
      for (const f of window.raw.frames) {
        for (const e of f.type === 'welcome' ? f.history : [f]) if (e.name === 'Ada' && e.seq > t) seqs.add(e.seq);
      }
      return seqs.size >= 4;
    }, target);
    // The raw member saw each change once: one event per id.
    const events = (await raw.events()).filter(f => f.name === 'Ada' && f.seq > target);
    const ids = events.map(f => f.id);
    assert.equal(new Set(ids).size, ids.length, 'no id twice');
    assert.deepEqual(events.map(f => f.type === 'reacted' ? `${f.type} ${f.target} ${f.emoji}` : `${f.type} ${f.target ?? f.reply?.seq}`),
      [`reacted ${bobs} 🎉`, `message ${bobs}`, `edited ${target}`, `reacted ${target} 🎉`]);
  });

  it('changes made offline go once when the page is back, and a reaction taken back before it went goes not at all', async () => {
    const liveBefore = (await raw.live()).length;
    await bob.context.setOffline(true);
    await bob.page.waitForFunction(() => !document.querySelector('#conn-status').hidden);
    // 👍 on and off again: nothing to send.
    await act(bob.page, 'Drop target, edited', 'react');
    await bob.page.click('#react-picker .emoji-choice[data-emoji="👍"]');
    await waitChips(bob.page, 'Drop target, edited', '👍1 🎉1');
    await msg(bob.page, 'Drop target, edited').locator('.reaction[data-emoji="👍"]').click();
    await waitChips(bob.page, 'Drop target, edited', '🎉1');
    // 🎉 too, and an edit of his own.
    await msg(bob.page, 'Drop target, edited').locator('.reaction[data-emoji="🎉"]').click();
    await waitChips(bob.page, 'Drop target, edited', '🎉2');
    await act(bob.page, 'Bob drop target', 'edit');
    await bob.page.fill('#composer-input', 'Bob drop target (edited offline)');
    await bob.page.keyboard.press('Enter');
    assert.equal(await msg(bob.page, 'Bob drop target (edited offline)').locator('.change-status').textContent(), 'Saving…');
    await bob.context.setOffline(false);
    for (const page of [ada.page, bob.page]) {
      await waitChips(page, 'Drop target, edited', '🎉2');
      await waitForMessages(page, ['Bob drop target (edited offline)']);
      await waitConnected(page);
    }
    await raw.page.waitForFunction(n => window.raw.frames.filter(f => Number.isInteger(f.seq)).length >= n + 2, liveBefore);
    const live = (await raw.live()).slice(liveBefore);
    assert.deepEqual(live.map(f => `${f.type} ${f.name} ${f.emoji || f.text}`),
      ['reacted Bob 🎉', 'edited Bob Bob drop target (edited offline)']);
  });

  it('a late joiner and a reloaded page see the conversation as it is now', async () => {
    const dee = await newPage(browser);
    await joinRoom(dee.page, server, code, 'Dee');
    await waitForMessages(dee.page, ['Drop target, edited']);
    const want = await shown(ada.page);
    assert.deepEqual(await shown(dee.page), want);
    assert.deepEqual(await shown(bob.page), want);
    const deleted = want.filter(m => m.deleted);
    assert.equal(deleted.length, 1);
    assert.ok(want.some(m => m.quote === 'Message deleted'));
    assert.ok(want.some(m => m.text === 'See you at 12:30' && m.edited));
    // Dee has reacted to nothing; Ada, reloaded, still has her own reactions pressed.
    assert.deepEqual(await chips(dee.page, 'Lunch at noon?'),
      [{ emoji: '👍', count: 1, mine: false }, { emoji: '❤️', count: 1, mine: false }]);
    await ada.page.reload();
    await waitForMessages(ada.page, ['Drop target, edited']);
    await waitConnected(ada.page);
    assert.deepEqual(await shown(ada.page), want);
    assert.deepEqual(await chips(ada.page, 'Lunch at noon?'),
      [{ emoji: '👍', count: 1, mine: true }, { emoji: '❤️', count: 1, mine: true }]);
    // Her own messages can still be changed; the quote from the history still finds its original.
    assert.equal(await msg(ada.page, 'See you at 12:30').locator('.msg-action-edit').count(), 1);
    await msg(dee.page, 'Yes, at the usual place').locator('.quote').click();
    await dee.page.waitForFunction(() => document.activeElement.matches('li.msg') &&
      document.activeElement.querySelector('.text').textContent === 'Lunch at noon?');
    // Saved as text, the conversation reads as it does now, with no line for a change.
    const [download] = await Promise.all([dee.page.waitForEvent('download'), dee.page.click('#save-text')]);
    const saved = readFileSync(await download.path(), 'utf8');
    assert.match(saved, /\] Ada: See you at 12:30 \(edited\)\n/);
    assert.match(saved, /\] Ada: Message deleted\n/);
    assert.match(saved, /\] Bob: Bob drop target \(edited offline\) \(edited\)\n/);
    assert.doesNotMatch(saved, /\] *\n/, 'no empty line');
    assert.deepEqual(dee.page.problems, []);
    await dee.context.close();
  });

  it('says in a sentence what did not go through', async () => {
    await send(bob.page, 'Doomed');
    await waitForMessages(ada.page, ['Doomed']);
    await ada.context.setOffline(true);
    await ada.page.waitForFunction(() => !document.querySelector('#conn-status').hidden);
    await act(ada.page, 'Doomed', 'reply');
    await ada.page.keyboard.type('reply to the doomed');
    await ada.page.keyboard.press('Enter');
    await msg(ada.page, 'Doomed').locator('.bubble').hover();
    await act(ada.page, 'Doomed', 'react');
    await ada.page.click('#react-picker .emoji-choice[data-emoji="😮"]');
    await act(bob.page, 'Doomed', 'delete');
    await bob.page.click('#delete-ok');
    await bob.page.waitForSelector('#events li.msg.deleted >> text=Message deleted');
    await ada.context.setOffline(false);
    await ada.page.waitForFunction(() => document.querySelector('#pending li.failed .msg-status')?.textContent.includes(
      'Not sent: the message you replied to is no longer in the room.'), null, { timeout: 30000 });
    await ada.page.waitForFunction(() => document.querySelector('#toast').textContent ===
      'Your reaction did not go through: that message is no longer in the room.', null, { timeout: 30000 });
    assert.equal(await ada.page.locator('#events li.msg.deleted .reaction').count(), 0);
    assert.equal(await ada.page.locator('#pending li.failed button.retry').count(), 1);
  });

  it('reported no script error', () => {
    assert.deepEqual(ada.page.problems.filter(p => !/ERR_INTERNET_DISCONNECTED|WebSocket/.test(p)), []);
    assert.deepEqual(bob.page.problems.filter(p => !/ERR_INTERNET_DISCONNECTED|WebSocket/.test(p)), []);
  });
});

/** Nothing in the page is wider than the window. */
function overflow (page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter(n => n.getClientRects().length > 0 && !n.closest('.members-panel:not(.open)') && !n.closest('.visually-hidden'))
      .filter(n => n.getBoundingClientRect().right > width + 0.5 || n.getBoundingClientRect().left < -0.5)
      .map(n => `${n.tagName.toLowerCase()}#${n.id}.${n.className}`);
    return { scroll: document.documentElement.scrollWidth - width, wide };
  });
}

/** A finger held on an element until `until` holds in the page, then lifted. */
async function longPress (page, locator, until) {
  const box = await locator.boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point] });
  await page.waitForFunction(until);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

describe('on a 360 px phone', { timeout: 180000 }, () => {
  let server, browser, ada, cy, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPage(browser);
    cy = await newPage(browser, PHONE);
    code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(cy.page, server, code, 'Cy');
    await send(ada.page, 'Who brings the cake?');
    await waitForMessages(cy.page, ['Who brings the cake?']);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('a tap opens a message\'s menu: reactions and Reply', async () => {
    const page = cy.page;
    await msg(page, 'Who brings the cake?').locator('.bubble').tap();
    await page.waitForSelector('#msg-menu[open]');
    assert.equal(await page.textContent('#msg-menu-title'), 'Message from Ada');
    assert.deepEqual(await page.$$eval('#msg-menu .emoji-choice', n => n.map(x => x.textContent)),
      ['👍', '❤️', '😂', '😮', '😢', '🎉']);
    assert.deepEqual(await page.$$eval('#msg-menu .menu-item', n => n.map(x => x.textContent)), ['Reply']);
    await page.screenshot({ path: screenshotPath('web-conversation-phone-menu.png') });
    await page.tap('#msg-menu .emoji-choice[data-emoji="🎉"]');
    await page.waitForSelector('#msg-menu', { state: 'hidden' });
    await waitChips(ada.page, 'Who brings the cake?', '🎉1');
    await waitChips(page, 'Who brings the cake?', '🎉1');
    // Reply from the menu.
    await msg(page, 'Who brings the cake?').locator('.bubble').tap();
    await page.waitForSelector('#msg-menu[open]');
    await page.tap('#msg-menu .menu-item[data-menu="reply"]');
    await page.waitForSelector('#composer-context:not([hidden])');
    assert.equal(await page.textContent('#composer-context .context-label'), 'Replying to Ada');
    await page.fill('#composer-input', 'I do, @Ada');
    await page.tap('#send-button');
    await waitForMessages(ada.page, ['I do, @Ada']);
    assert.equal(await msg(ada.page, 'I do, @Ada').locator('.quote-text').textContent(), 'Who brings the cake?');
    assert.equal(await msg(ada.page, 'I do, @Ada').evaluate(n => n.classList.contains('mentions-me')), true);
  });

  it('a long press opens the menu too, with Edit and Delete for one\'s own message', async () => {
    const page = cy.page;
    await waitForMessages(page, ['I do, @Ada']);
    await longPress(page, msg(page, 'I do, @Ada').locator('.bubble'), () => !!document.querySelector('#msg-menu[open]'));
    assert.equal(await page.textContent('#msg-menu-title'), 'Your message');
    assert.deepEqual(await page.$$eval('#msg-menu .menu-item', n => n.map(x => x.textContent)), ['Reply', 'Edit', 'Delete']);
    // The finger lifted on the sheet's own place must not have done anything.
    assert.equal(await page.isVisible('#msg-menu'), true);
    await page.tap('#msg-menu .menu-item[data-menu="edit"]');
    await page.waitForSelector('#composer-context:not([hidden])');
    await page.fill('#composer-input', 'I do, @Ada, a big one');
    await page.tap('#send-button');
    await waitForMessages(ada.page, ['I do, @Ada, a big one']);
    assert.equal(await msg(ada.page, 'I do, @Ada, a big one').locator('.edited').count(), 1);
    await page.screenshot({ path: screenshotPath('web-conversation-phone.png') });
    assert.deepEqual(await overflow(page), { scroll: 0, wide: [] });
  });

  it('a long press on a reaction shows who reacted, without taking it back', async () => {
    const page = cy.page;
    await msg(ada.page, 'Who brings the cake?').locator('.reaction').click();
    await waitChips(page, 'Who brings the cake?', '🎉2');
    const chip = msg(page, 'Who brings the cake?').locator('.reaction');
    await longPress(page, chip, () => !document.querySelector('#reaction-tip').hidden);
    assert.equal(await page.textContent('#reaction-tip'), '🎉 You and Ada');
    await waitConnected(page);
    assert.deepEqual(await chips(page, 'Who brings the cake?'), [{ emoji: '🎉', count: 2, mine: true }]);
    await page.screenshot({ path: screenshotPath('web-conversation-phone-who.png') });
  });

  it('"@" offers the names on the phone too, within its width', async () => {
    const page = cy.page;
    await page.tap('#composer-input');
    await page.keyboard.type('@');
    await page.waitForSelector('#mention-list:not([hidden])');
    assert.deepEqual(await page.$$eval('#mention-list [role="option"]', n => n.map(x => x.textContent)), ['Ada']);
    await page.tap('#mention-list [role="option"]');
    assert.equal(await page.inputValue('#composer-input'), '@Ada ');
    assert.equal(await page.isHidden('#mention-list'), true);
    await page.keyboard.type('@');
    await page.waitForSelector('#mention-list:not([hidden])');
    assert.deepEqual(await overflow(page), { scroll: 0, wide: [] });
    await page.screenshot({ path: screenshotPath('web-conversation-phone-mention.png') });
    await page.fill('#composer-input', '');
    await page.waitForSelector('#mention-list', { state: 'hidden' });
  });

  it('deletes from the menu, after asking', async () => {
    const page = cy.page;
    await msg(page, 'I do, @Ada, a big one').locator('.bubble > .text').tap();
    await page.waitForSelector('#msg-menu[open]');
    await page.tap('#msg-menu .menu-item[data-menu="delete"]');
    await page.waitForSelector('#delete-confirm[open]');
    await page.screenshot({ path: screenshotPath('web-conversation-phone-delete.png') });
    await page.tap('#delete-ok');
    await ada.page.waitForSelector('#events li.msg.deleted');
    await page.waitForSelector('#events li.msg.deleted');
    assert.deepEqual(await overflow(page), { scroll: 0, wide: [] });
  });

  it('reported no script error', () => {
    assert.deepEqual(ada.page.problems, []);
    assert.deepEqual(cy.page.problems, []);
  });
});

describe('in German', { timeout: 120000 }, () => {
  let server, browser, ada, bob, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPage(browser, { ...PHONE, locale: 'de-DE' });
    bob = await newPage(browser);
    code = await createRoom(bob.page, server, 'Bob');
    await joinRoom(ada.page, server, code, 'Ada');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('replies, reactions, edits and deletes speak German', async () => {
    const page = ada.page;
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    await send(bob.page, 'Wer bringt den Kuchen?');
    await waitForMessages(page, ['Wer bringt den Kuchen?']);
    await msg(page, 'Wer bringt den Kuchen?').locator('.bubble > .text').tap();
    await page.waitForSelector('#msg-menu[open]');
    assert.equal(await page.textContent('#msg-menu-title'), 'Nachricht von Bob');
    assert.deepEqual(await page.$$eval('#msg-menu .menu-item', n => n.map(x => x.textContent)), ['Antworten']);
    assert.equal(await page.getAttribute('#msg-menu .emoji-choice[data-emoji="👍"]', 'aria-label'), 'Mit 👍 reagieren');
    await page.tap('#msg-menu .emoji-choice[data-emoji="👍"]');
    await waitChips(bob.page, 'Wer bringt den Kuchen?', '👍1');
    await waitChips(page, 'Wer bringt den Kuchen?', '👍1');
    assert.match(await msg(page, 'Wer bringt den Kuchen?').locator('.reaction').getAttribute('aria-label'),
      /^👍 1 Reaktion, Ihre darunter/);
    await msg(page, 'Wer bringt den Kuchen?').locator('.bubble > .text').tap();
    await page.tap('#msg-menu .menu-item[data-menu="reply"]');
    assert.equal(await page.textContent('#composer-context .context-label'), 'Antwort an Bob');
    await page.fill('#composer-input', 'Ich, @Bob');
    await page.tap('#send-button');
    await waitForMessages(bob.page, ['Ich, @Bob']);
    await act(bob.page, 'Wer bringt den Kuchen?', 'edit');
    await bob.page.fill('#composer-input', 'Wer bringt den großen Kuchen?');
    await bob.page.keyboard.press('Enter');
    await waitForMessages(page, ['Wer bringt den großen Kuchen?']);
    assert.equal(await msg(page, 'Wer bringt den großen Kuchen?').locator('.edited').textContent(), 'bearbeitet');
    await page.screenshot({ path: screenshotPath('web-conversation-phone-de.png') });
    await act(bob.page, 'Wer bringt den großen Kuchen?', 'delete');
    await bob.page.click('#delete-ok');
    await page.waitForSelector('#events li.msg.deleted');
    assert.equal(await page.textContent('#events li.msg.deleted .text'), 'Nachricht gelöscht');
    assert.equal(await msg(page, 'Ich, @Bob').locator('.quote-text').textContent(), 'Nachricht gelöscht');
    await page.tap('#members-toggle');
    await page.waitForFunction(() => document.querySelector('#members-panel').classList.contains('open'));
    assert.equal(await page.textContent('.notify-card .invite-title'), 'Wenn jemand Sie erwähnt');
    await page.tap('#members-toggle');
    assert.deepEqual(page.problems, []);
  });
});
