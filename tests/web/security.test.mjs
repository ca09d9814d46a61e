// Names and texts from the network are shown as text: markup in them runs
// nothing and makes no element.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, createRoom, joinRoom, send, messageTexts, waitForMessages,
} from './helpers.mjs';

const EVIL_NAME = '<img src=x onerror=__xss=1>';
const EVIL_NAME_2 = '<script>__xss=2</script>';
const EVIL_TEXT = '<img src=x onerror="window.__xss=3"><script>window.__xss=4</script>' +
  '<b>bold</b> &amp; "quotes" <a href="javascript:window.__xss=5">click</a> javascript:window.__xss=6 ' +
  'http://example.org/"><img src=x onerror=window.__xss=7>';

describe('markup from the network', { timeout: 120000 }, () => {
  let server, browser, host, evil, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    host = await newPage(browser);
    evil = await newPage(browser);
    code = await createRoom(host.page, server, EVIL_NAME_2);
    await joinRoom(evil.page, server, code, EVIL_NAME);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  async function assertNothingRan (page) {
    const state = await page.evaluate(() => ({
      xss: window.__xss,
      images: Array.from(document.images).filter(i => !i.src.endsWith('/static/icon.svg')).length,
      scripts: document.scripts.length,
      bold: document.querySelectorAll('#room b').length,
      badLinks: Array.from(document.links).filter(a => !/^https?:/.test(a.href)).length,
      handlers: Array.from(document.querySelectorAll('#room *'))
        .filter(n => Array.from(n.attributes).some(a => a.name.startsWith('on'))).length,
    }));
    assert.deepEqual(state, { xss: undefined, images: 0, scripts: 1, bold: 0, badLinks: 0, handlers: 0 });
  }

  it('shows names full of HTML as plain text', async () => {
    for (const { page } of [host, evil]) {
      await page.waitForFunction(() => document.querySelectorAll('#member-list .member').length === 2);
      const names = await page.$$eval('#member-list .member-name', n => n.map(x => x.textContent));
      assert.deepEqual(names, [EVIL_NAME_2, EVIL_NAME]);
    }
    await host.page.waitForFunction(name => Array.from(document.querySelectorAll('#events .notice-text'))
      .some(n => n.textContent === `${name} joined the room`), EVIL_NAME);
    await assertNothingRan(host.page);
    await assertNothingRan(evil.page);
  });

  it('shows a text full of HTML and script as plain text, and runs nothing', async () => {
    await send(evil.page, EVIL_TEXT);
    await waitForMessages(host.page, [EVIL_TEXT]);
    await waitForMessages(evil.page, [EVIL_TEXT]);
    assert.deepEqual(await messageTexts(host.page), [EVIL_TEXT]);
    assert.equal(await host.page.$eval('#events .msg:last-child .sender', n => n.textContent), EVIL_NAME);
    // The only link made is the http one, cut at the quote.
    const links = await host.page.$$eval('#events a', a => a.map(x => x.getAttribute('href')));
    assert.deepEqual(links, ['http://example.org/']);
    await assertNothingRan(host.page);
    await assertNothingRan(evil.page);
  });

  it('shows a typing name full of HTML as plain text', async () => {
    await evil.page.type('#composer-input', 'more');
    await host.page.waitForFunction(name => document.querySelector('#typing').textContent === `${name} is typing…`, EVIL_NAME);
    await assertNothingRan(host.page);
  });

  it('loads nothing the page security policy refuses', async () => {
    assert.deepEqual(host.page.problems, []);
    assert.deepEqual(evil.page.problems, []);
  });
});
