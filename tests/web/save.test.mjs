// Saving the conversation: as a web page and as text, while the room is
// open (the card in the members panel) and after it is over (the home
// page's offer), on a wide window and on a phone. The files are read back:
// names, times, texts with their lines, files as name and size, joins and
// leaves; a message with <script> in it is text in the page and nothing of
// it runs when the saved page is opened. Screenshots go to
// NEXUS_SCREENSHOT_DIR (save-*.png).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer, launchBrowser, newPage, createRoom, joinRoom, send, waitForMessages, screenshotPath } from './helpers.mjs';

const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const HOSTILE = 'Look: <script>window.ran = 1; alert("x")</script> & <b>"bold"</b> \'quoted\'';
const TWO_LINES = 'first line\nsecond line';

/** Click `selector` and read the file the page hands the browser. */
async function saved (page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(file, 'utf8'), file };
}

/** How the page writes the time of each event in the log, by seq, as the saved files do. */
function eventTimes (page) {
  return page.$$eval('#events li[data-seq] time', nodes => nodes.map(n => ({
    seq: n.closest('li').dataset.seq,
    time: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(n.dateTime)),
  })));
}

function overflow (page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe('saving the conversation', { timeout: 180000 }, () => {
  let server, browser, ada, bob, dan, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPage(browser);
    bob = await newPage(browser);
    code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
    await send(ada.page, HOSTILE);
    await bob.page.fill('#composer-input', TWO_LINES);
    await bob.page.press('#composer-input', 'Enter');
    // A file: its name and size.
    const [chooser] = await Promise.all([bob.page.waitForEvent('filechooser'), bob.page.click('#attach-button')]);
    await chooser.setFiles([{ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(2400, 7) }]);
    await ada.page.waitForSelector('#events .file-card');
    // Someone comes and goes.
    const cy = await newPage(browser);
    await joinRoom(cy.page, server, code, 'Cy');
    await cy.page.click('#leave-button');
    await ada.page.waitForFunction(() => [...document.querySelectorAll('#events .notice')].some(n => n.dataset.name === 'Cy' && n.classList.contains('notice-left')));
    await cy.context.close();
    await waitForMessages(ada.page, [HOSTILE, TWO_LINES]);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('saves a web page while the room is open: escaped, no script, everything in it', async () => {
    const { page } = ada;
    assert.equal(await page.isVisible('#save-card'), true);
    await page.screenshot({ path: screenshotPath('save-card.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: screenshotPath('save-card-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    const { name, text, file } = await saved(page, '#save-html');
    assert.match(name, new RegExp(`^nexus-chat-${code.slice(0, 3)}-${code.slice(3)}-\\d{4}-\\d{2}-\\d{2}\\.html$`));
    assert.match(text, /^<!doctype html>/);
    assert.equal(/<script/i.test(text), false, 'no <script> element in the saved page');
    assert.ok(text.includes('Look: &lt;script&gt;window.ran = 1; alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &#39;quoted&#39;'));
    assert.ok(text.includes('<p class="text">first line\nsecond line</p>'));
    assert.ok(text.includes('<b>Ada</b>') && text.includes('<b>Bob</b>'));
    assert.ok(text.includes('File: notes.pdf (2.4 kB)'));
    for (const line of ['Ada joined the room', 'Bob joined the room', 'Cy joined the room', 'Cy left the room']) {
      assert.ok(text.includes(line), line);
    }
    assert.ok(text.includes(`Conversation in room ${code.slice(0, 3)}-${code.slice(3)}`));
    assert.ok(text.includes('Saved by Ada on '));
    for (const { time } of await eventTimes(page)) assert.ok(text.includes(`>${time}</time>`), time);
    assert.ok(text.includes("content=\"default-src 'none'; style-src 'unsafe-inline'\""));

    // Opened as a file, anywhere: the message is text, and nothing of it runs.
    const { page: viewer, context } = await newPage(browser);
    let dialogs = 0;
    viewer.on('dialog', d => { dialogs++; d.dismiss(); });
    // As a person would open it: a file named .html.
    const named = path.join(mkdtempSync(path.join(tmpdir(), 'nexus-save-')), name);
    copyFileSync(file, named);
    await viewer.goto(pathToFileURL(named).href);
    const shown = await viewer.$$eval('.text', n => n.map(x => x.textContent));
    assert.deepEqual(shown, [HOSTILE, TWO_LINES]);
    assert.equal(await viewer.evaluate(() => window.ran), undefined);
    assert.equal(await viewer.$$eval('script, b b', n => n.length), 0);
    assert.equal(dialogs, 0);
    await viewer.screenshot({ path: screenshotPath('save-opened.png') });
    await context.close();
  });

  it('saves plain text while the room is open', async () => {
    const { page } = ada;
    const { name, text } = await saved(page, '#save-text');
    assert.match(name, /\.txt$/);
    const lines = text.split('\n');
    const times = await eventTimes(page);
    const at = seq => times.find(t => t.seq === seq).time;
    const seqOf = async selector => page.$eval(selector, n => n.closest('li').dataset.seq);
    assert.ok(lines.includes(`[${at(await seqOf('#events .notice[data-name="Ada"] time'))}] Ada joined the room`));
    const hostile = await seqOf('#events .msg[data-name="Ada"] time');
    assert.ok(lines.includes(`[${at(hostile)}] Ada: ${HOSTILE}`), 'the text as it was written');
    assert.ok(text.includes('Bob: first line\n    second line\n'), 'the second line under the first');
    assert.ok(text.includes('Bob: File: notes.pdf (2.4 kB)\n'));
    assert.ok(text.includes('Cy left the room\n'));
    assert.match(lines[0], /^Conversation in room [A-Z0-9]{3}-[A-Z0-9]{3}$/);
    assert.match(lines[3], /^— .+ —$/, 'the day');
  });

  it('saves from a phone, through the members drawer', async () => {
    dan = await newPage(browser, PHONE);
    await joinRoom(dan.page, server, code, 'Dan');
    await dan.page.waitForSelector('#events .file-card');
    assert.equal(await dan.page.isVisible('#save-html'), false, 'in the drawer, closed');
    await dan.page.click('#members-toggle');
    await dan.page.waitForSelector('#members-panel.open #save-html');
    await dan.page.waitForFunction(() => {
      const r = document.querySelector('#save-html').getBoundingClientRect();
      return r.right <= window.innerWidth && r.bottom <= window.innerHeight;
    });
    assert.equal(await overflow(dan.page), 0);
    await dan.page.screenshot({ path: screenshotPath('save-phone.png') });
    const html = await saved(dan.page, '#save-html');
    assert.ok(html.text.includes('Look: &lt;script&gt;'));
    assert.ok(html.text.includes('Dan joined the room'));
    assert.ok(html.text.includes('<meta name="viewport"'));
    const text = await saved(dan.page, '#save-text');
    assert.ok(text.text.includes('Bob: first line\n    second line\n'));
  });

  it('offers the conversation after leaving, and after the host closed the room', async () => {
    await send(bob.page, 'last words');
    await waitForMessages(ada.page, ['last words']);
    assert.equal(await bob.page.isHidden('#home-save'), true);
    await bob.page.click('#leave-button');
    await bob.page.waitForSelector('#home:not([hidden])');
    await bob.page.waitForSelector('#home-save:not([hidden])');
    const left = await saved(bob.page, '#home-save-text');
    assert.ok(left.text.includes('Bob: last words\n'));
    assert.ok(left.text.includes('Bob left the room'), 'its own leaving is in it');

    await ada.page.waitForFunction(() => [...document.querySelectorAll('#events .notice-left')].some(n => n.dataset.name === 'Bob'));

    // Another room started from the same page forgets the old conversation.
    await bob.page.click('#create-button');
    await bob.page.waitForSelector('#room:not([hidden])');
    await bob.page.waitForFunction(() => document.querySelector('#conn-status').hidden);
    assert.equal(await bob.page.isHidden('#home-save'), true);
    const fresh = await saved(bob.page, '#save-text');
    assert.equal(fresh.text.includes('last words'), false);
    assert.ok(fresh.text.includes('Bob joined the room'));

    await server.stop();
    for (const { page } of [ada, dan]) {
      await page.waitForSelector('#home:not([hidden])');
      await page.waitForSelector('#home-save:not([hidden])');
      assert.match(await page.textContent('#home-save-title'), /^Save the conversation of room [A-Z0-9]{3}-[A-Z0-9]{3}:$/);
    }
    const html = await saved(ada.page, '#home-save-html');
    assert.equal(/<script/i.test(html.text), false);
    assert.ok(html.text.includes('Look: &lt;script&gt;'));
    assert.ok(html.text.includes('last words'));
    assert.ok(html.text.includes('Bob left the room'));
    const text = await saved(ada.page, '#home-save-text');
    assert.ok(text.text.includes('Ada: Look: <script>'));
    await ada.page.screenshot({ path: screenshotPath('save-after.png') });
    assert.equal(await overflow(dan.page), 0);
    await dan.page.screenshot({ path: screenshotPath('save-phone-after.png') });
    const phone = await saved(dan.page, '#home-save-text');
    assert.ok(phone.text.includes('Dan joined the room'));
    for (const p of [ada.page, bob.page, dan.page]) {
      assert.deepEqual(p.problems.filter(x => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(x)), []);
    }
  });
});
