// The home page: checks before sending, the server's refusals as sentences,
// invite links, and the ways a room can end for a page.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, createRoom, joinRoom } from './helpers.mjs';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function otherCode (code) {
  let other;
  do {
    other = Array.from({ length: 6 }, () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join('');
  } while (other === code);
  return other;
}

async function textOf (page, selector) {
  await page.waitForSelector(`${selector}:not([hidden])`);
  return (await page.textContent(selector)).trim();
}

describe('the home page', { timeout: 120000 }, () => {
  let server, browser, host, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    host = await newPage(browser);
    code = await createRoom(host.page, server, 'Ada');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('checks the name and the code before sending, with a sentence next to the field', async () => {
    const { page, context } = await newPage(browser);
    try {
      await page.goto(`${server.origin}/`);
      await page.click('#join-button');
      assert.match(await textOf(page, '#name-error'), /Enter your name/);
      assert.equal(await page.getAttribute('#name-input', 'aria-invalid'), 'true');
      await page.fill('#name-input', 'x'.repeat(33));
      await page.click('#create-button');
      assert.match(await textOf(page, '#name-error'), /at most 32 characters; this one has 33/);
      await page.fill('#name-input', 'Ada\u200b');
      await page.click('#create-button');
      assert.match(await textOf(page, '#name-error'), /invisible characters/);
      await page.fill('#name-input', 'Bob');
      await page.click('#join-button');
      assert.match(await textOf(page, '#code-error'), /Enter the room code/);
      await page.fill('#code-input', 'K7Q-X30');
      await page.click('#join-button');
      assert.match(await textOf(page, '#code-error'), /never contain 0, 1, I, L or O/);
      await page.fill('#code-input', 'K7Q');
      await page.click('#join-button');
      assert.match(await textOf(page, '#code-error'), /has 6 letters and digits.*this one has 3/);
      assert.equal(await page.isHidden('#room'), true);
      // Typing again clears the sentence.
      await page.type('#code-input', 'X');
      assert.equal(await page.isHidden('#code-error'), true);
    } finally {
      await context.close();
    }
  });

  it('keeps the name for next time', async () => {
    const { page, context } = await newPage(browser);
    try {
      await page.goto(`${server.origin}/`);
      await page.fill('#name-input', 'Zoë');
      await page.reload();
      assert.equal(await page.inputValue('#name-input'), 'Zoë');
    } finally {
      await context.close();
    }
  });

  it('fills the code in from an invite link, in any case, with spaces or hyphens', async () => {
    const { page, context } = await newPage(browser);
    try {
      const messy = `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`;
      await page.goto(`${server.origin}/r/${encodeURIComponent(messy)}`);
      assert.equal(await page.inputValue('#code-input'), `${code.slice(0, 3)}-${code.slice(3)}`);
      // Typed by hand, in lower case with spaces and hyphens, it joins too.
      await page.fill('#code-input', ` ${code.toLowerCase().split('').join('-')} `);
      await page.fill('#name-input', 'Bob');
      await page.click('#join-button');
      await page.waitForSelector('#room:not([hidden])');
      assert.equal(await page.textContent('#room-code'), `${code.slice(0, 3)}-${code.slice(3)}`);
      await page.click('#leave-button');
      await page.waitForSelector('#home:not([hidden])');
    } finally {
      await context.close();
    }
  });

  it('says so when no room has the code, and keeps the form as typed', async () => {
    const { page, context } = await newPage(browser);
    try {
      const wrong = otherCode(code);
      await page.goto(`${server.origin}/`);
      await page.fill('#name-input', 'Bob');
      await page.fill('#code-input', wrong.toLowerCase());
      await page.click('#join-button');
      assert.equal(await textOf(page, '#code-error'),
        `There is no room with the code ${wrong.slice(0, 3)}-${wrong.slice(3)}. Check the code, or ask for a new invite link.`);
      assert.equal(await page.inputValue('#name-input'), 'Bob');
      assert.equal(await page.inputValue('#code-input'), `${wrong.slice(0, 3)}-${wrong.slice(3)}`);
      assert.equal(await page.isEnabled('#join-button'), true);
      assert.equal(await page.isHidden('#room'), true);
    } finally {
      await context.close();
    }
  });

  it('says so when the name is taken (ignoring case), and keeps the form as typed', async () => {
    const { page, context } = await newPage(browser);
    try {
      await page.goto(`${server.origin}/r/${code}`);
      await page.fill('#name-input', '  aDA ');
      await page.click('#join-button');
      assert.equal(await textOf(page, '#name-error'), 'Someone in this room is already called “aDA”. Choose another name.');
      assert.equal(await page.inputValue('#name-input'), '  aDA ');
      // Another name gets in from the same form.
      await page.fill('#name-input', 'Ada Two');
      await page.click('#join-button');
      await page.waitForSelector('#room:not([hidden])');
      await page.click('#leave-button');
      await page.waitForSelector('#home:not([hidden])');
    } finally {
      await context.close();
    }
  });

  it('goes back home with a sentence when the stored session has run out', async () => {
    const { page, context } = await newPage(browser);
    try {
      await joinRoom(page, server, code, 'Eve');
      await page.evaluate(() => {
        const s = JSON.parse(sessionStorage.getItem('nexus-chat.session'));
        s.session = 'f'.repeat(32);
        sessionStorage.setItem('nexus-chat.session', JSON.stringify(s));
      });
      await page.reload();
      assert.match(await textOf(page, '#home-notice'), /your place in the room ran out/);
      assert.equal(new URL(page.url()).pathname, '/');
      // The code stays filled in, to join again.
      assert.equal(await page.inputValue('#code-input'), `${code.slice(0, 3)}-${code.slice(3)}`);
    } finally {
      await context.close();
    }
  });

  it('goes back home with a sentence when the room has ended', async () => {
    const { page, context } = await newPage(browser);
    try {
      await joinRoom(page, server, code, 'Fay');
      const gone = otherCode(code);
      await page.evaluate(room => {
        const s = JSON.parse(sessionStorage.getItem('nexus-chat.session'));
        s.room = room;
        sessionStorage.setItem('nexus-chat.session', JSON.stringify(s));
        history.replaceState(null, '', '/');
      }, gone);
      await page.reload();
      assert.match(await textOf(page, '#home-notice'), /The room has ended|ran out/);
    } finally {
      await context.close();
    }
  });

  it('a page that is taken over by a newer one stops and says why', async () => {
    const first = await newPage(browser);
    const second = await newPage(browser);
    try {
      await joinRoom(first.page, server, code, 'Gus');
      const stored = await first.page.evaluate(() => sessionStorage.getItem('nexus-chat.session'));
      await second.page.goto(`${server.origin}/`);
      await second.page.evaluate(s => sessionStorage.setItem('nexus-chat.session', s), stored);
      await second.page.reload();
      await second.page.waitForSelector('#room:not([hidden])');
      await second.page.waitForFunction(() => document.querySelector('#conn-status').hidden);
      assert.match(await textOf(first.page, '#home-notice'), /opened again in another tab or window/);
      // The first page does not come back to take it over again.
      await second.page.fill('#composer-input', 'still here');
      await second.page.press('#composer-input', 'Enter');
      await host.page.waitForFunction(() => Array.from(document.querySelectorAll('#events .msg .text'))
        .some(n => n.textContent === 'still here'));
      assert.equal(await first.page.isVisible('#home'), true);
      const notices = await host.page.$$eval('#events .notice-text', n => n.map(x => x.textContent));
      assert.equal(notices.filter(t => t.startsWith('Gus ')).join('|'), 'Gus joined the room');
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });

  it('reported no script error', () => {
    assert.deepEqual(host.page.problems, []);
  });
});

describe('the host closing the room', { timeout: 60000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('shows "The host closed the room." and does not try to reconnect', async () => {
    const { page } = await newPage(browser);
    await createRoom(page, server, 'Ada');
    const attempts = [];
    page.on('websocket', ws => attempts.push(ws.url()));
    const result = await server.stop();
    assert.equal(result.code, 0, 'the server exits 0 on SIGTERM');
    assert.equal(await textOf(page, '#home-notice'), 'The host closed the room.');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('nexus-chat.session')), null);
    assert.deepEqual(attempts, []);
  });
});
