// The page in the browser's language: a Chromium whose locale is German
// (so it sends Accept-Language: de-DE) gets the page in German, from the
// catalogue built from po/de.po, in every state a guest meets: home and its
// errors, the room with messages, typing, files, the preview and the full
// picture, reconnecting, leaving, the host closing the room, a host that is
// gone. In each, no English is left: no visible text or label matches a
// string of the English catalogue (xgettext over data/web/*.js), and each
// one is a German string of the catalogue, a name or text typed by the
// test, a number, a size, a time or a code. Screenshots go to
// NEXUS_SCREENSHOT_DIR (l10n-*.png). The check is l10n-check.mjs.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshotPath } from './helpers.mjs';
import { germanCheck } from './l10n-check.mjs';
import { png } from './pictures.mjs';

const GERMAN = { locale: 'de-DE' };
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const SHORT_WAITS = { connect: 2000, probe: 1500 };

describe('the page in German', { timeout: 240000 }, () => {
  let server, browser, check;

  before(async () => {
    server = await startServer(['--max-file-size', '64K']);
    browser = await launchBrowser();
    check = await germanCheck(server.origin);
    assert.ok(check.ids.length > 100, `the English catalogue has ${check.ids.length} strings`);
    // Every English string has its German: the catalogue is complete for the page.
    assert.deepEqual(check.ids.filter(s => !(s in check.catalogue.messages)), []);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  /** No English left, and every text German, the test's own or neutral. */
  function assertGerman (page, state) {
    return check.assertGerman(page, state);
  }

  async function germanPage (options = {}) {
    const p = await newPage(browser, { ...GERMAN, ...options });
    await p.context.addInitScript(waits => { window.nexusTestTimeouts = waits; }, SHORT_WAITS);
    return p;
  }

  let ada, bob, code;

  it('serves the home page in German to a German browser, and its errors', async () => {
    ada = await germanPage();
    const { page } = ada;
    await page.goto(`${server.origin}/`);
    await page.waitForSelector('#home:not([hidden])');
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.textContent('#join-button'), 'Beitreten');
    assert.equal(await page.textContent('#create-button'), 'Raum erstellen');
    await assertGerman(page, 'home');
    await page.screenshot({ path: screenshotPath('l10n-home-de.png') });

    // Nothing typed: both fields say what is missing.
    await page.fill('#code-input', 'K7Q-X3');
    await page.click('#join-button');
    await page.waitForSelector('#name-error:not([hidden])');
    assert.equal(await page.textContent('#name-error'),
      'Geben Sie Ihren Namen ein, damit die anderen wissen, wer schreibt.');
    assert.equal(await page.isHidden('#code-error'), false);
    await assertGerman(page, 'home with field errors');

    // A code no room has: the server's refusal, in German.
    await page.fill('#name-input', 'Ada');
    await page.fill('#code-input', 'K7Q-X3M');
    await page.click('#join-button');
    await page.waitForFunction(() => /K7Q-X3M/.test(document.querySelector('#code-error').textContent));
    assert.match(await page.textContent('#code-error'), /^Es gibt keinen Raum mit dem Code K7Q-X3M\./);
    await assertGerman(page, 'home after room-not-found');
    await page.screenshot({ path: screenshotPath('l10n-home-error-de.png') });
  });

  it('shows the room in German: messages, notices, members, typing, counts', async () => {
    const { page } = ada;
    await page.fill('#code-input', '');
    await page.click('#create-button');
    await page.waitForSelector('#room:not([hidden])');
    await page.waitForFunction(() => document.querySelector('#conn-status').hidden);
    code = (await page.textContent('#room-code')).replace('-', '');

    bob = await germanPage();
    await bob.page.goto(`${server.origin}/r/${code}`);
    await bob.page.fill('#name-input', 'Bob');
    await bob.page.click('#join-button');
    await bob.page.waitForSelector('#room:not([hidden])');
    await bob.page.waitForFunction(() => document.querySelector('#conn-status').hidden);

    // Bob types (his first typing, which the host relays at once): Ada reads it in German.
    await bob.page.type('#composer-input', 'Hallo Ada');
    await page.waitForFunction(() => document.querySelector('#typing').textContent === 'Bob schreibt …');
    await assertGerman(page, 'room with Bob typing');
    await bob.page.press('#composer-input', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#events .msg').length === 1);
    await page.fill('#composer-input', 'Hallo Bob, schön dass du da bist');
    await page.press('#composer-input', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('#events .msg').length === 2);
    assert.deepEqual(await page.$$eval('#events .notice .notice-text', n => n.map(x => x.textContent)),
      ['Sie sind dem Raum beigetreten', 'Bob ist dem Raum beigetreten']);
    assert.deepEqual(await page.$$eval('#events .msg .text', n => n.map(x => x.textContent)),
      ['Hallo Ada', 'Hallo Bob, schön dass du da bist']);
    assert.equal(await page.textContent('.day-divider'), 'Heute');

    // A long draft shows its count.
    await page.fill('#composer-input', 'x'.repeat(3600));
    await page.waitForSelector('#char-count:not([hidden])');
    assert.equal(await page.textContent('#char-count'), '3600 von 4000 Zeichen');
    await assertGerman(page, 'room');
    await page.screenshot({ path: screenshotPath('l10n-room-de.png') });
    await page.fill('#composer-input', 'x'.repeat(4002));
    assert.equal(await page.textContent('#char-count'), '2 Zeichen zu viel (4002 von 4000)');
    await page.fill('#composer-input', '');
    await assertGerman(bob.page, 'room (Bob)');

    // Copying the invite link: the label and the toast.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    await page.click('#copy-link');
    await page.waitForFunction(() => document.querySelector('#copy-link-label').textContent === 'Link kopiert');
    assert.equal(await page.textContent('#toast'), 'Der Einladungslink wurde kopiert.');
    await assertGerman(page, 'room after copying the link');
  });

  it('shows files, the preview and a refused file in German', async () => {
    const { page } = bob;
    // A file other than a picture: a card with Download for Ada.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#attach-button')]);
    await chooser.setFiles([{ name: 'bericht.txt', mimeType: 'text/plain', buffer: Buffer.from('Bericht\n'.repeat(300)) }]);
    await ada.page.waitForSelector('#events .file-card .file-download');
    assert.equal(await ada.page.textContent('#events .file-download'), 'Herunterladen');
    assert.equal(await ada.page.textContent('#events .file-size'), '2,4 kB');

    // A picture: the preview asks first.
    const picture = png(320, 200, (x, y) => (((x >> 4) + (y >> 4)) % 2 ? [53, 132, 228] : [246, 211, 45]));
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), page.click('#attach-button')]);
    await chooser2.setFiles([{ name: 'bild.png', mimeType: 'image/png', buffer: picture }]);
    await page.waitForSelector('#preview[open] canvas');
    assert.equal(await page.textContent('#preview-title'), 'Dieses Bild senden?');
    await assertGerman(page, 'the preview');
    await page.screenshot({ path: screenshotPath('l10n-preview-de.png') });
    await page.click('#preview-send');
    await ada.page.waitForSelector('#events .thumb-link img');
    await ada.page.click('#events .thumb-link');
    await ada.page.waitForSelector('#lightbox[open]');
    await assertGerman(ada.page, 'the full picture');
    await ada.page.click('#lightbox-close');

    // Too large for this host (64 KiB): the host's limit in a German sentence.
    const [chooser3] = await Promise.all([page.waitForEvent('filechooser'), page.click('#attach-button')]);
    await chooser3.setFiles([{ name: 'gross.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(65 * 1024) }]);
    await page.waitForSelector('#pending .msg.upload.failed');
    assert.equal(await page.textContent('#pending .msg-status-text'), 'Dateien dürfen höchstens 64 KiB groß sein.');
    await assertGerman(page, 'a refused file');
    await page.screenshot({ path: screenshotPath('l10n-files-de.png') });
    await page.click('#pending button[data-upload-cancel]');
    await assertGerman(ada.page, 'room with files');
  });

  it('shows the room in German on a phone, with its members', async () => {
    const cy = await germanPage(PHONE);
    await cy.page.goto(`${server.origin}/r/${code}`);
    await cy.page.fill('#name-input', 'Cy');
    await cy.page.click('#join-button');
    await cy.page.waitForSelector('#room:not([hidden])');
    await cy.page.waitForFunction(() => document.querySelector('#conn-status').hidden);
    await cy.page.waitForSelector('#events .thumb-link img');
    await assertGerman(cy.page, 'phone room');
    await cy.page.screenshot({ path: screenshotPath('l10n-phone-room-de.png') });
    assert.equal(await cy.page.getAttribute('#members-toggle', 'aria-label'), 'Mitglieder: 3 Personen');
    await cy.page.click('#members-toggle');
    await cy.page.waitForSelector('#members-panel.open');
    await assertGerman(cy.page, 'phone members');
    await cy.page.screenshot({ path: screenshotPath('l10n-phone-members-de.png') });
    await cy.page.click('#leave-button');
    await cy.page.waitForSelector('#home:not([hidden])');
    assert.match(await cy.page.textContent('#home-notice'), /^Sie haben den Raum [A-Z0-9]{3}-[A-Z0-9]{3} verlassen\.$/);
    await assertGerman(cy.page, 'phone home after leaving');
    await cy.context.close();
    await ada.page.waitForFunction(() => /^Cy hat den Raum verlassen$/.test(
      [...document.querySelectorAll('#events .notice-text')].pop().textContent));
  });

  it('says reconnecting, and why, in German', async () => {
    server.signal('SIGSTOP');
    try {
      // A stopped host lets the socket hang; the page gives it up, tries again and asks why.
      await ada.page.evaluate(() => window.dispatchEvent(new Event('offline')));
      await ada.page.waitForFunction(() => {
        const reason = document.querySelector('#conn-reason');
        return !document.querySelector('#conn-status').hidden && !reason.hidden;
      }, null, { timeout: 60000 });
      assert.match(await ada.page.textContent('#conn-text'), /^Verbindung wird wiederhergestellt …/);
      await assertGerman(ada.page, 'reconnecting');
      await ada.page.screenshot({ path: screenshotPath('l10n-reconnecting-de.png') });
    } finally {
      server.signal('SIGCONT');
    }
    await ada.page.evaluate(() => document.querySelector('#conn-retry').click());
    await ada.page.waitForFunction(() => document.querySelector('#conn-status').hidden, null, { timeout: 30000 });
  });

  it('says the host closed the room, and that a gone host does not answer, in German', async () => {
    await server.stop();
    for (const { page } of [ada, bob]) {
      await page.waitForSelector('#home:not([hidden])');
      assert.equal(await page.textContent('#home-notice'), 'Der Host hat den Raum geschlossen.');
      await assertGerman(page, 'home after the host closed the room');
    }
    await ada.page.screenshot({ path: screenshotPath('l10n-ended-de.png') });
    await ada.page.click('#create-button');
    await ada.page.waitForSelector('#form-error:not([hidden])', { timeout: 30000 });
    assert.match(await ada.page.textContent('#form-error'), /^Der Host antwortet nicht auf seinem Port/);
    await assertGerman(ada.page, 'home with the host gone');
    const problems = p => p.problems.filter(x => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(x));
    assert.deepEqual(problems(ada.page), []);
    assert.deepEqual(problems(bob.page), []);
  });
});

describe('the page in English', { timeout: 60000 }, () => {
  let server, browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const locale of ['en-US', 'fr-FR']) {
    it(`is what a browser in ${locale} gets, without a catalogue`, async () => {
      const { page, context } = await newPage(browser, { locale });
      const catalogues = [];
      page.on('request', r => { if (r.url().includes('/l10n/')) catalogues.push(r.url()); });
      await page.goto(`${server.origin}/`);
      await page.waitForSelector('#home:not([hidden])');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(await page.textContent('#join-button'), 'Join');
      assert.equal(await page.textContent('#home-tagline'),
        'Chat with the people on your network, right from the browser. No account, nothing to install.');
      assert.deepEqual(catalogues, []);
      assert.deepEqual(page.problems, []);
      await context.close();
    });
  }

  it('stays English when the catalogue cannot be had', async () => {
    const { page, context } = await newPage(browser, GERMAN);
    await page.route('**/static/l10n/*', route => route.fulfill({ status: 404, body: 'Not found.' }));
    await page.goto(`${server.origin}/`);
    await page.waitForSelector('#home:not([hidden])');
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.equal(await page.textContent('#join-button'), 'Join');
    await context.close();
  });
});
