// Dropped connections: a reload, the server cutting every connection, a page
// going offline. Each message must appear exactly once on every page.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, createRoom, joinRoom, send, messageTexts, waitForMessages, noticeTexts,
} from './helpers.mjs';

/** Record, in the page, whether the "Reconnecting…" line was ever shown. */
function watchReconnecting (page) {
  return page.evaluate(() => {
    window.__sawReconnecting = false;
    const status = document.querySelector('#conn-status');
    new MutationObserver(() => {
      if (!status.hidden && status.textContent.includes('Reconnecting')) window.__sawReconnecting = true;
    }).observe(status, { attributes: true, childList: true, subtree: true, characterData: true });
  });
}

function waitConnected (page) {
  return page.waitForFunction(() => document.querySelector('#conn-status').hidden &&
    document.querySelectorAll('#pending li').length === 0, null, { timeout: 20000 });
}

function count (list, text) {
  return list.filter(t => t === text).length;
}

describe('dropped connections', { timeout: 180000 }, () => {
  let server, browser, ada, bob, code;

  before(async () => {
    server = await startServer(['--grace-seconds', '20']);
    browser = await launchBrowser();
    ada = await newPage(browser);
    bob = await newPage(browser);
    code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
    await send(ada.page, 'before anything');
    await waitForMessages(bob.page, ['before anything']);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('a reload resumes the session with no left or joined notice', async () => {
    const adaNotices = await noticeTexts(ada.page);
    await bob.page.reload();
    await bob.page.waitForSelector('#room:not([hidden])');
    await waitForMessages(bob.page, ['before anything']);
    await waitConnected(bob.page);
    assert.deepEqual(await noticeTexts(bob.page), ['Ada joined the room', 'You joined the room']);
    assert.deepEqual(await messageTexts(bob.page), ['before anything']);
    await send(bob.page, 'back after a reload');
    await waitForMessages(ada.page, ['back after a reload']);
    assert.deepEqual(await noticeTexts(ada.page), adaNotices);
    // Still the same person: own messages are still set apart after the reload.
    assert.deepEqual(await bob.page.$$eval('#events .msg', n => n.map(x => x.classList.contains('own'))), [false, true]);
  });

  it('the server dropping every connection while a page sends loses and repeats nothing', async () => {
    await watchReconnecting(ada.page);
    await watchReconnecting(bob.page);
    const texts = Array.from({ length: 8 }, (_, i) => `drop test ${i + 1}`);
    // Two go before the cut, the others right after it, before the page can know.
    await send(ada.page, texts[0]);
    await send(ada.page, texts[1]);
    server.signal('SIGUSR1');
    for (const t of texts.slice(2, 5)) await send(ada.page, t);
    // And some once the page knows it is disconnected.
    await ada.page.waitForFunction(() => window.__sawReconnecting || document.querySelectorAll('#pending li').length === 0);
    for (const t of texts.slice(5)) await send(ada.page, t);
    await send(bob.page, 'bob during the cut');
    await waitForMessages(ada.page, [...texts, 'bob during the cut'], 30000);
    await waitForMessages(bob.page, [...texts, 'bob during the cut'], 30000);
    await waitConnected(ada.page);
    await waitConnected(bob.page);
    for (const page of [ada.page, bob.page]) {
      const shown = await messageTexts(page);
      for (const t of [...texts, 'bob during the cut']) assert.equal(count(shown, t), 1, `"${t}" shown once`);
      // Ada's messages keep the order they were written in.
      assert.deepEqual(shown.filter(t => t.startsWith('drop test')), texts);
      const seqs = await page.$$eval('#events [data-seq]', n => n.map(x => Number(x.dataset.seq)));
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'events in seq order');
      assert.equal(new Set(seqs).size, seqs.length, 'no event twice');
    }
    assert.equal(await bob.page.evaluate(() => window.__sawReconnecting), true, 'Bob saw "Reconnecting…"');
    assert.equal(await ada.page.evaluate(() => window.__sawReconnecting), true, 'Ada saw "Reconnecting…"');
    for (const page of [ada.page, bob.page]) {
      assert.equal((await noticeTexts(page)).filter(t => / left /.test(t)).length, 0, 'nobody left');
    }
  });

  it('a page that goes offline while it sends loses and repeats nothing', async () => {
    await watchReconnecting(bob.page);
    await bob.context.setOffline(true);
    await bob.page.waitForFunction(() => window.__sawReconnecting);
    const texts = ['offline 1', 'offline 2\nwith two lines', 'offline 3'];
    for (const t of texts) await send(bob.page, t);
    assert.equal(await bob.page.locator('#pending li').count(), 3, 'shown at once as waiting to be sent');
    assert.equal(await bob.page.textContent('#pending li:first-child .msg-status'), 'Sending…');
    await send(ada.page, 'ada while bob is away');
    await bob.context.setOffline(false);
    await waitForMessages(ada.page, texts);
    await waitForMessages(bob.page, [...texts, 'ada while bob is away']);
    await waitConnected(bob.page);
    for (const page of [ada.page, bob.page]) {
      const shown = await messageTexts(page);
      for (const t of [...texts, 'ada while bob is away']) assert.equal(count(shown, t), 1, `"${t}" shown once`);
    }
    for (const page of [ada.page, bob.page]) {
      assert.equal((await noticeTexts(page)).filter(t => / left /.test(t)).length, 0, 'nobody left');
    }
  });

  it('messages waiting to be sent survive a reload, and go once', async () => {
    await watchReconnecting(bob.page);
    await bob.context.setOffline(true);
    await bob.page.waitForFunction(() => window.__sawReconnecting);
    await send(bob.page, 'kept across a reload');
    await bob.page.waitForSelector('#pending li');
    await bob.context.setOffline(false);
    await bob.page.reload();
    await waitForMessages(ada.page, ['kept across a reload']);
    await waitForMessages(bob.page, ['kept across a reload']);
    await waitConnected(bob.page);
    for (const page of [ada.page, bob.page]) {
      assert.equal(count(await messageTexts(page), 'kept across a reload'), 1);
    }
  });

  it('reported no script error', () => {
    assert.deepEqual(ada.page.problems, []);
    assert.deepEqual(bob.page.problems.filter(p => !/ERR_INTERNET_DISCONNECTED|WebSocket/.test(p)), []);
  });
});

describe('a page away for longer than the grace period', { timeout: 60000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer(['--grace-seconds', '1']);
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('is told that its place ran out, and the others see it leave', async () => {
    const ada = await newPage(browser);
    const bob = await newPage(browser);
    const code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
    await bob.context.setOffline(true);
    await ada.page.waitForFunction(() => Array.from(document.querySelectorAll('#events .notice-text'))
      .some(n => n.textContent === 'Bob left the room'), null, { timeout: 20000 });
    await bob.context.setOffline(false);
    await bob.page.waitForSelector('#home:not([hidden])', { timeout: 20000 });
    assert.match(await bob.page.textContent('#home-notice'), /your place in the room ran out/);
  });
});
