// Two people chat through the headless server, each in their own browser.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, createRoom, joinRoom, send,
  messageTexts, waitForMessages, noticeTexts,
} from './helpers.mjs';

describe('chatting in the browser', { timeout: 120000 }, () => {
  let server, browser, ada, bob, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPage(browser);
    bob = await newPage(browser);
    code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('shows the room code grouped and an invite link to copy', async () => {
    assert.match(code, /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);
    assert.equal(await ada.page.textContent('#room-code'), `${code.slice(0, 3)}-${code.slice(3)}`);
    assert.equal(new URL(ada.page.url()).pathname, `/r/${code}`);
    await ada.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await ada.page.click('#copy-link');
    await ada.page.waitForFunction(() => document.querySelector('#copy-link-label').textContent === 'Link copied');
    const copied = await ada.page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, `${server.origin}/r/${code}`);
  });

  it('copies the invite link without the Clipboard API too', async () => {
    const { page, context } = await newPage(browser);
    try {
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'clipboard', { configurable: true, get: () => undefined });
      });
      await joinRoom(page, server, code, 'Dee');
      await page.click('#copy-link');
      await page.waitForFunction(() => !document.querySelector('#toast').hidden);
      const shown = await page.evaluate(() => ({
        label: document.querySelector('#copy-link-label').textContent,
        fallback: document.querySelector('#invite-fallback').hidden ? '' : document.querySelector('#invite-fallback').value,
      }));
      // Either the copy through a selection worked, or the link is shown, selected, to copy by hand.
      assert.ok(shown.label === 'Link copied' || shown.fallback === `${server.origin}/r/${code}`, JSON.stringify(shown));
      await page.click('#leave-button');
      await page.waitForSelector('#home:not([hidden])');
    } finally {
      await context.close();
    }
  });

  it('two pages chat both ways', async () => {
    await send(ada.page, 'Hello Bob');
    await waitForMessages(bob.page, ['Hello Bob']);
    await send(bob.page, 'Hi Ada!');
    await waitForMessages(ada.page, ['Hello Bob', 'Hi Ada!']);
    await waitForMessages(bob.page, ['Hi Ada!']);
    assert.deepEqual(await messageTexts(ada.page), ['Hello Bob', 'Hi Ada!']);
    assert.deepEqual(await messageTexts(bob.page), ['Hello Bob', 'Hi Ada!']);
    // Own messages are set apart, and each message names its sender.
    const adaView = await ada.page.$$eval('#events .msg', nodes => nodes.map(n => ({
      own: n.classList.contains('own'), sender: n.querySelector('.sender').textContent,
    })));
    assert.deepEqual(adaView, [{ own: true, sender: 'You' }, { own: false, sender: 'Bob' }]);
    // Nothing is left waiting for its echo.
    assert.equal(await ada.page.locator('#pending li').count(), 0);
  });

  it('shows the members with their count', async () => {
    await ada.page.waitForFunction(() => document.querySelector('#member-count').textContent === '2');
    const names = await ada.page.$$eval('#member-list .member-name', n => n.map(x => x.textContent));
    assert.deepEqual(names, ['Ada', 'Bob']);
  });

  it('keeps line breaks, makes web links clickable and shows the local time', async () => {
    const text = 'two\nlines and a link: https://example.org/a?b=1.';
    await ada.page.fill('#composer-input', 'two');
    await ada.page.press('#composer-input', 'Shift+Enter');
    await ada.page.type('#composer-input', 'lines and a link: https://example.org/a?b=1.');
    assert.equal(await ada.page.inputValue('#composer-input'), text);
    await ada.page.press('#composer-input', 'Enter');
    await waitForMessages(bob.page, [text]);
    const link = await bob.page.$eval('#events .msg:last-child .text a', a => ({
      href: a.getAttribute('href'), text: a.textContent, rel: a.rel, target: a.target,
    }));
    assert.deepEqual(link, {
      href: 'https://example.org/a?b=1', text: 'https://example.org/a?b=1', rel: 'noopener noreferrer', target: '_blank',
    });
    const time = await bob.page.$eval('#events .msg:last-child time', t => ({
      datetime: t.getAttribute('datetime'), title: t.title, text: t.textContent,
    }));
    assert.match(time.datetime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(time.title.length > time.text.length, 'the full date and time is shown on hover');
    assert.equal(await ada.page.inputValue('#composer-input'), '', 'the composer is emptied after sending');
  });

  it('groups consecutive messages from one sender', async () => {
    await send(bob.page, 'one');
    await send(bob.page, 'two');
    await waitForMessages(ada.page, ['one', 'two']);
    const grouped = await ada.page.$$eval('#events .msg', nodes => nodes.slice(-2).map(n => n.classList.contains('grouped')));
    assert.deepEqual(grouped, [false, true]);
  });

  it('shows who is typing, and stops after a few seconds', async () => {
    await bob.page.type('#composer-input', 'thinking');
    await ada.page.waitForFunction(() => document.querySelector('#typing').textContent === 'Bob is typing…');
    const shownAt = Date.now();
    await ada.page.waitForFunction(() => document.querySelector('#typing').textContent === '', null, { timeout: 10000 });
    const shownFor = Date.now() - shownAt;
    assert.ok(shownFor >= 1500 && shownFor < 6000, `shown for ${shownFor} ms`);
    await bob.page.fill('#composer-input', '');
  });

  it('grows the composer with its text and counts characters near the limit', async () => {
    const page = ada.page;
    const oneLine = await page.$eval('#composer-input', t => t.getBoundingClientRect().height);
    await page.fill('#composer-input', 'a\nb\nc\nd');
    const fourLines = await page.$eval('#composer-input', t => t.getBoundingClientRect().height);
    assert.ok(fourLines > oneLine * 2, `grew from ${oneLine} to ${fourLines}`);
    assert.equal(await page.isHidden('#char-count'), true);
    await page.fill('#composer-input', 'x'.repeat(3990));
    assert.equal(await page.textContent('#char-count'), '3990 of 4000 characters');
    await page.fill('#composer-input', 'x'.repeat(4005));
    assert.match(await page.textContent('#char-count'), /^5 characters too many/);
    await page.press('#composer-input', 'Enter');
    assert.match(await page.textContent('#composer-error'), /at most 4000 characters/);
    await page.fill('#composer-input', '');
  });

  it('a late joiner sees the history, and everyone sees joined and left notices', async () => {
    const cy = await newPage(browser);
    try {
      await joinRoom(cy.page, server, code, 'Cy');
      await waitForMessages(cy.page, ['Hello Bob', 'Hi Ada!', 'one', 'two']);
      assert.deepEqual(await noticeTexts(cy.page), [
        'Ada joined the room', 'Bob joined the room', 'Dee joined the room', 'Dee left the room', 'You joined the room',
      ]);
      await ada.page.waitForFunction(() => Array.from(document.querySelectorAll('#events .notice-text'))
        .some(n => n.textContent === 'Cy joined the room'));
      await cy.page.click('#leave-button');
      await cy.page.waitForSelector('#home:not([hidden])');
      assert.match(await cy.page.textContent('#home-notice'), /You left the room/);
      await ada.page.waitForFunction(() => Array.from(document.querySelectorAll('#events .notice-text'))
        .some(n => n.textContent === 'Cy left the room'));
      await bob.page.waitForFunction(() => Array.from(document.querySelectorAll('#events .notice-text'))
        .some(n => n.textContent === 'Cy left the room'));
      await ada.page.waitForFunction(() => document.querySelector('#member-count').textContent === '2');
    } finally {
      await cy.context.close();
    }
  });

  it('counts unread messages in the title of a hidden tab', async () => {
    await ada.page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    });
    await send(bob.page, 'are you there?');
    await send(bob.page, 'hello?');
    await ada.page.waitForFunction(() => document.title.startsWith('(2) '));
    assert.equal(await ada.page.title(), `(2) ${code.slice(0, 3)}-${code.slice(3)} · Nexus Chat`);
    await ada.page.evaluate(() => {
      delete document.hidden;
      delete document.visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await ada.page.waitForFunction(() => !document.title.startsWith('('));
  });

  it('shows a "New messages" button instead of scrolling when reading older messages', async () => {
    const page = bob.page;
    for (let i = 0; i < 12; i++) await send(ada.page, `filler ${i}\nwith a second line`);
    await waitForMessages(page, ['filler 11\nwith a second line']);
    await page.$eval('#log', l => { l.scrollTop = 0; });
    await send(ada.page, 'while you were reading');
    await page.waitForSelector('#new-messages:not([hidden])');
    assert.equal(await page.$eval('#log', l => l.scrollTop), 0, 'the log did not move');
    await page.click('#new-messages');
    await page.waitForFunction(() => {
      const l = document.querySelector('#log');
      return l.scrollHeight - l.scrollTop - l.clientHeight < 50;
    });
    assert.equal(await page.isHidden('#new-messages'), true);
  });

  it('reported no script error and no refused resource', () => {
    assert.deepEqual(ada.page.problems, []);
    assert.deepEqual(bob.page.problems, []);
  });
});

describe('a message the server refuses', { timeout: 60000 }, () => {
  let server, browser;

  before(async () => {
    // A tight limit, so that quick messages are refused.
    server = await startServer(['--rate', '1', '--burst', '3']);
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('is marked "not sent" with a Retry button, and Retry sends it with the same id', async () => {
    const { page } = await newPage(browser);
    await createRoom(page, server, 'Ada');
    const texts = ['quick 1', 'quick 2', 'quick 3', 'quick 4', 'quick 5'];
    await page.evaluate(t => {
      const input = document.querySelector('#composer-input');
      for (const text of t) {
        input.value = text;
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }
    }, texts);
    await page.waitForSelector('#pending li.failed');
    const failed = await page.$$eval('#pending li.failed', n => n.map(x => ({
      id: x.dataset.id, text: x.querySelector('.text').textContent, status: x.querySelector('.msg-status').textContent,
    })));
    assert.ok(failed.length >= 1);
    for (const f of failed) assert.equal(f.status, 'Not sent: you are sending too fast.Retry');
    const first = failed[0];
    // Retry until the server has a token again; each retry reuses the id.
    await page.click(`#pending li[data-id="${first.id}"] button.retry`);
    await page.waitForFunction(id => {
      const li = document.querySelector(`#pending li[data-id="${id}"]`);
      if (li && li.classList.contains('failed')) li.querySelector('button.retry').click();
      return !li;
    }, first.id, { polling: 500, timeout: 20000 });
    const confirmed = await page.$eval(`#events li[data-id="${first.id}"] .text`, n => n.textContent);
    assert.equal(confirmed, first.text);
    assert.equal((await messageTexts(page)).filter(t => t === first.text).length, 1);
  });
});
