// A page that cannot reach its room says which step failed: the host's port
// closed (the host was killed), the host gone quiet (stopped with SIGSTOP),
// the device offline, or no such room. Screenshots go to NEXUS_SCREENSHOT_DIR.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, createRoom, joinRoom, screenshotPath } from './helpers.mjs';

const REFUSED = 'The host isn’t answering on its port: the room may have ended, or Nexus Chat was closed on that computer.';
const TIMED_OUT = 'The host did not answer in time. Check that you are on the same Wi‑Fi as the host; guest networks often keep devices apart.';
const OFFLINE = 'This device is not connected to a network. Connect to the same Wi‑Fi as the host, then try again.';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
// A stopped host would take the page's real waits (12 s to connect, 5 s to
// ask why) several times over; the page honours shorter ones set this way.
const SHORT_WAITS = { connect: 2000, probe: 1500 };

async function shortenWaits (context) {
  await context.addInitScript(waits => { window.nexusTestTimeouts = waits; }, SHORT_WAITS);
}

function reasonShown (page, sentence, timeout = 30000) {
  return page.waitForFunction(s => {
    const reason = document.querySelector('#conn-reason');
    return !document.querySelector('#conn-status').hidden && !reason.hidden && reason.textContent === s;
  }, sentence, { timeout });
}

function formErrorShown (page, sentence, timeout = 30000) {
  return page.waitForFunction(s => {
    const error = document.querySelector('#form-error');
    return !error.hidden && error.textContent === s;
  }, sentence, { timeout });
}

/** Nothing in the page is wider than the window. */
function overflow (page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Problems other than the failed connections the test itself caused. */
function scriptProblems (page) {
  return page.problems.filter(p => !/WebSocket|ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(p));
}

describe('the host killed while pages are in its room', { timeout: 90000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('after the reconnect attempts, says the host is not answering on its port', async () => {
    const ada = await newPage(browser);
    const bob = await newPage(browser, PHONE);
    const code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');

    server.signal('SIGKILL');
    await server.exited;
    for (const { page } of [ada, bob]) {
      await reasonShown(page, REFUSED);
      // Still trying: the room is kept on screen and the page says so
      // (after 10 s that the host is away, hostaway.test.mjs).
      assert.match(await page.textContent('#conn-text'), /^(Reconnecting…|The host is away)/);
      assert.equal(await page.isHidden('#room'), false);
    }
    assert.equal(await overflow(bob.page), 0);
    await ada.page.screenshot({ path: screenshotPath('reconnect-refused.png') });
    await bob.page.screenshot({ path: screenshotPath('phone-reconnect-refused.png') });
    assert.deepEqual(scriptProblems(ada.page), []);
    assert.deepEqual(scriptProblems(bob.page), []);
  });
});

describe('a host that stops answering', { timeout: 120000 }, () => {
  let server, browser, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    server.signal('SIGCONT');
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('a first join: says the host did not answer in time', async () => {
    const ada = await newPage(browser);
    code = await createRoom(ada.page, server, 'Ada');
    const bob = await newPage(browser);
    const cy = await newPage(browser, PHONE);
    for (const { context } of [bob, cy]) await shortenWaits(context);
    for (const { page } of [bob, cy]) {
      await page.goto(`${server.origin}/r/${code}`);
      await page.waitForSelector('#home:not([hidden])');
    }

    server.signal('SIGSTOP');
    try {
      for (const [{ page }, name] of [[bob, 'Bob'], [cy, 'Cy']]) {
        await page.fill('#name-input', name);
        await page.click('#join-button');
      }
      for (const { page } of [bob, cy]) {
        await formErrorShown(page, TIMED_OUT);
        // The form is kept, ready for another try.
        assert.equal(await page.isEnabled('#join-button'), true);
        assert.equal(await page.isHidden('#room'), true);
      }
      assert.equal(await overflow(cy.page), 0);
      await bob.page.screenshot({ path: screenshotPath('join-timed-out.png') });
      await cy.page.screenshot({ path: screenshotPath('phone-join-timed-out.png') });
    } finally {
      server.signal('SIGCONT');
    }

    // Answering again, the same form gets in.
    await bob.page.click('#join-button');
    await bob.page.waitForSelector('#room:not([hidden])');
    assert.deepEqual(scriptProblems(bob.page), []);
    assert.deepEqual(scriptProblems(cy.page), []);
  });

  it('while reconnecting: says offline, then that the host did not answer in time', async () => {
    const dan = await newPage(browser);
    await shortenWaits(dan.context);
    await joinRoom(dan.page, server, code, 'Dan');

    server.signal('SIGSTOP');
    try {
      // A drop: this device loses its network, and while it is away the
      // host stops answering.
      await dan.context.setOffline(true);
      await reasonShown(dan.page, OFFLINE);
      await dan.context.setOffline(false);
      await reasonShown(dan.page, TIMED_OUT);
      assert.match(await dan.page.textContent('#conn-text'), /^(Reconnecting…|The host is away)/);
      await dan.page.screenshot({ path: screenshotPath('reconnect-timed-out.png') });
    } finally {
      server.signal('SIGCONT');
    }

    // The host answers again: back in the room, and the reason is gone.
    await dan.page.waitForFunction(() => document.querySelector('#conn-status').hidden, null, { timeout: 30000 });
    assert.equal(await dan.page.isHidden('#conn-reason'), true);
    assert.deepEqual(scriptProblems(dan.page), []);
  });
});

describe('an invite link to a room that is not there', { timeout: 60000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('says there is no room with that code, next to the code', async () => {
    const { page } = await newPage(browser, PHONE);
    await page.goto(`${server.origin}/r/K7QX3M`);
    await page.fill('#name-input', 'Bob');
    await page.click('#join-button');
    await page.waitForSelector('#code-error:not([hidden])');
    assert.equal(await page.textContent('#code-error'),
      'There is no room with the code K7Q-X3M. Check the code, or ask for a new invite link.');
    assert.equal(await page.isHidden('#form-error'), true);
    assert.equal(await overflow(page), 0);
    await page.screenshot({ path: screenshotPath('phone-join-no-room.png') });
    assert.deepEqual(page.problems, []);
  });
});
