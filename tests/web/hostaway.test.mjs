// A host that crashes and comes back: the pages in its room say the host is
// away, keep trying, keep what is written meanwhile, and once the host is
// back on the same state directory every page has every message exactly once,
// in order. A host back without the room ends it for the pages in a sentence.
// Screenshots go to NEXUS_SCREENSHOT_DIR.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, launchBrowser, newPage, createRoom, joinRoom, send, messageTexts, waitForMessages,
  noticeTexts, screenshotPath,
} from './helpers.mjs';

const AWAY = 'The host is away — waiting for it to come back.';
const REFUSED = 'The host isn’t answering on its port: the room may have ended, or Nexus Chat was closed on that computer.';
const GONE = 'The room has ended: the host no longer has it.';
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
// The page's real waits (away after 10 s, up to 15 s between tries) made
// short, so that a long outage takes seconds.
const SHORT_WAITS = { away: 1500, backoffMax: 800, connect: 2000, probe: 1500 };

async function page (browser, options = {}) {
  const p = await newPage(browser, options);
  await p.context.addInitScript(waits => { window.nexusTestTimeouts = waits; }, SHORT_WAITS);
  // Every WebSocket the page opens: one per try.
  p.sockets = 0;
  p.page.on('websocket', () => { p.sockets++; });
  return p;
}

/** Record, in the page, each different line the connection status showed. */
function watchStatus (page) {
  return page.evaluate(() => {
    window.__statusLines = [];
    const status = document.querySelector('#conn-status');
    const text = document.querySelector('#conn-text');
    new MutationObserver(() => {
      const line = status.hidden ? '' : text.textContent.replace(/ Trying again in \d+ seconds\./, '');
      if (window.__statusLines[window.__statusLines.length - 1] !== line) window.__statusLines.push(line);
    }).observe(status, { attributes: true, childList: true, subtree: true, characterData: true });
  });
}

function awayShown (page, timeout = 30000) {
  return page.waitForFunction(s => !document.querySelector('#conn-status').hidden &&
    document.querySelector('#conn-text').textContent === s, AWAY, { timeout });
}

function waitConnected (page) {
  return page.waitForFunction(() => document.querySelector('#conn-status').hidden &&
    document.querySelectorAll('#pending li').length === 0, null, { timeout: 30000 });
}

/** The server's output has said that it reopened a room. */
async function reopened (server) {
  const deadline = Date.now() + 10000;
  while (!/reopened room /.test(server.output().stdout)) {
    if (Date.now() > deadline) throw new Error(`no room reopened: ${server.output().stdout}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** Problems other than the failed connections the test itself caused. */
function scriptProblems (page) {
  return page.problems.filter(p => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p));
}

function overflow (page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe('the host killed and back on its state directory', { timeout: 180000 }, () => {
  let server, browser, stateDir;

  before(async () => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'nexus-hostaway-'));
    server = await startServer(['--state-dir', stateDir]);
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('says the host is away, keeps trying, and loses or repeats nothing', async () => {
    const ada = await page(browser, { colorScheme: 'light' });
    const bob = await page(browser, { ...PHONE, colorScheme: 'light' });
    const cy = await page(browser, { colorScheme: 'dark' });
    const pages = [ada, bob, cy];
    const code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
    await joinRoom(cy.page, server, code, 'Cy');
    const before = ['Ada before the crash', 'Bob before the crash', 'Cy before the crash'];
    for (const [i, p] of pages.entries()) await send(p.page, before[i]);
    for (const p of pages) await waitForMessages(p.page, before);
    for (const p of pages) await watchStatus(p.page);

    const port = server.port;
    server.signal('SIGKILL');
    await server.exited;
    for (const p of pages) {
      await awayShown(p.page);
      // Not at once: a drop first, and why the host does not answer.
      const lines = await p.page.evaluate(() => window.__statusLines);
      assert.equal(lines[0], 'Reconnecting…', `first a drop like any other: ${lines}`);
      assert.equal(lines[lines.length - 1], AWAY);
      assert.equal(await p.page.textContent('#conn-reason'), REFUSED);
      assert.equal(await p.page.isVisible('#leave-button'), true, 'a way out while waiting');
      assert.equal(await p.page.isHidden('#room'), false, 'the room stays on screen');
    }

    // Written while the host is away: waiting, shown as being sent.
    const away = ['Ada while the host was away 1', 'Ada while the host was away 2',
      'Bob while the host was away', 'Cy while the host was away'];
    await send(ada.page, away[0]);
    await send(ada.page, away[1]);
    await send(bob.page, away[2]);
    await send(cy.page, away[3]);
    assert.equal(await ada.page.locator('#pending li').count(), 2);
    assert.equal(await bob.page.textContent('#pending li .msg-status'), 'Sending…');
    assert.equal(await overflow(bob.page), 0);
    await ada.page.screenshot({ path: screenshotPath('page-host-away.png') });
    await bob.page.screenshot({ path: screenshotPath('phone-host-away.png') });
    await cy.page.screenshot({ path: screenshotPath('page-host-away-dark.png') });

    // Down for many times the longest wait between tries: still trying,
    // still in the room.
    const tries = pages.map(p => p.sockets);
    for (const [i, p] of pages.entries()) {
      const deadline = Date.now() + 30000;
      while (p.sockets < tries[i] + 6) {
        assert.ok(Date.now() < deadline, 'the page keeps trying');
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      assert.equal(await p.page.textContent('#conn-text'), AWAY);
      assert.equal(await p.page.isHidden('#room'), false);
    }

    // Back on the same port and directory: everyone resumes.
    server = await startServer(['--state-dir', stateDir, '--port', String(port)]);
    assert.equal(server.port, port);
    await reopened(server);
    const all = [...before, ...away];
    for (const p of pages) {
      await waitForMessages(p.page, all, 30000);
      await waitConnected(p.page);
    }
    const after = ['Ada after', 'Bob after', 'Cy after'];
    for (const [i, p] of pages.entries()) await send(p.page, after[i]);
    for (const p of pages) await waitForMessages(p.page, [...all, ...after]);

    const shown = await messageTexts(ada.page);
    for (const p of pages) {
      const texts = await messageTexts(p.page);
      assert.deepEqual(texts, shown, 'the same conversation on every page');
      for (const t of [...all, ...after]) assert.equal(texts.filter(x => x === t).length, 1, `"${t}" shown once`);
      assert.equal(texts.length, all.length + after.length);
      // Ada's own in the order she wrote them.
      assert.deepEqual(texts.filter(t => t.startsWith('Ada ')), ['Ada before the crash', away[0], away[1], 'Ada after']);
      const seqs = await p.page.$$eval('#events [data-seq]', n => n.map(x => Number(x.dataset.seq)));
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'events in seq order');
      assert.equal(new Set(seqs).size, seqs.length, 'no event twice');
      assert.equal((await noticeTexts(p.page)).filter(t => / left /.test(t)).length, 0, 'nobody left');
      assert.equal(await p.page.isHidden('#conn-status'), true);
    }
    for (const p of pages) assert.deepEqual(scriptProblems(p.page), []);
  });
});

describe('the host back without the room', { timeout: 120000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('ends the room for the pages in a sentence; Leave works while waiting', async () => {
    const ada = await page(browser);
    const bob = await page(browser, PHONE);
    const code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
    const port = server.port;
    server.signal('SIGKILL');
    await server.exited;
    await awayShown(ada.page);
    await awayShown(bob.page);

    // Bob does not wait.
    await bob.page.click('#leave-button');
    await bob.page.waitForSelector('#home:not([hidden])');
    assert.match(await bob.page.textContent('#home-notice'), /^You left the room/);

    // The host comes back, but kept nothing: Ada's room has ended.
    server = await startServer(['--port', String(port)]);
    await ada.page.waitForSelector('#home:not([hidden])', { timeout: 30000 });
    assert.equal(await ada.page.textContent('#home-notice'), GONE);
    for (const p of [ada, bob]) assert.deepEqual(scriptProblems(p.page), []);
  });
});
