// Files and pictures in the room: attaching through the file chooser,
// pasting a picture, the progress of an upload and its Cancel, a picture
// and a file arriving for the other member byte for byte, the picture full
// size, a phone, refusals as sentences, exactly once across a drop, and
// uploaded HTML and SVG that never run in the host's origin.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  startServer, launchBrowser, newPage, createRoom, joinRoom, send, waitForMessages, screenshotPath, SCREENSHOT_DIR,
} from './helpers.mjs';
import { landscape, random, sha256 } from './pictures.mjs';

const MB = 1000 * 1000;

/** Attach files through the attach button and the browser's file chooser. */
async function attach (page, files) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#attach-button')]);
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles(files);
}

/** Slow this page's uploads down, so that their progress can be watched. */
async function throttleUploads (context, page, bytesPerSecond) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond,
  });
  return cdp;
}

async function unthrottle (cdp) {
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
  });
  await cdp.detach();
}

/** Record, in the page, every value the progress bars of uploads show. */
function watchProgress (page) {
  return page.evaluate(() => {
    window.__progress = [];
    const seen = () => {
      for (const p of document.querySelectorAll('#pending .upload-progress')) {
        const last = window.__progress[window.__progress.length - 1];
        const text = p.closest('li').querySelector('.upload-bytes').textContent;
        if (!last || last.value !== p.value) window.__progress.push({ value: p.value, max: p.max, text });
      }
    };
    new MutationObserver(seen).observe(document.querySelector('#pending'),
      { attributes: true, childList: true, subtree: true, characterData: true });
  });
}

/** The file messages in the log: name, whether a picture, the link. */
function fileMessages (page) {
  return page.$$eval('#events .msg', nodes => nodes
    .filter(n => n.querySelector('.thumb-link, .file-card'))
    .map(n => {
      const img = n.querySelector('img.thumb');
      const link = n.querySelector('.thumb-link, .file-download');
      return {
        id: n.dataset.id,
        name: img ? img.alt : n.querySelector('.file-name').textContent,
        picture: !!img,
        href: link.getAttribute('href'),
        size: n.querySelector('.file-size') ? n.querySelector('.file-size').textContent : null,
      };
    }));
}

function waitForFile (page, name, timeout = 30000) {
  return page.waitForFunction(wanted => Array.from(document.querySelectorAll('#events .msg'))
    .some(n => (n.querySelector('img.thumb') && n.querySelector('img.thumb').alt === wanted) ||
      (n.querySelector('.file-name') && n.querySelector('.file-name').textContent === wanted)), name, { timeout });
}

/** Click a download link and return the bytes the browser saved. */
async function download (page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  assert.equal(await dl.failure(), null);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

/** The page reported what a test made happen, and nothing else; forget it. */
function expectedProblems (page, re) {
  assert.ok(page.problems.length > 0 && page.problems.every(p => re.test(p)), page.problems.join('\n'));
  page.problems.length = 0;
}

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

const PICTURE = landscape(1200, 800);
const PASTED = landscape(480, 640, 1);
const BIG = random(30 * MB);
const SLIDES = random(2400 * 1000);

describe('files in the room', { timeout: 300000 }, () => {
  let server, browser, ada, bob, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPage(browser, { colorScheme: 'light' });
    bob = await newPage(browser, { colorScheme: 'dark' });
    code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
    console.log(`# screenshots in ${SCREENSHOT_DIR}`);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('attaches a 30 MB file: its progress moves, then the other member downloads the same bytes', async () => {
    const { page } = ada;
    assert.equal(await page.getAttribute('#attach-button', 'aria-label'), 'Attach a file');
    assert.equal(await page.$eval('#attach-button', n => n.tagName), 'BUTTON');
    await watchProgress(page);
    const cdp = await throttleUploads(ada.context, page, 8 * 1024 * 1024);
    await attach(page, [{ name: 'recording.flac', mimeType: 'audio/flac', buffer: BIG }]);
    // The file goes at once (only pictures are previewed), as Ada's pending message.
    await page.waitForSelector('#pending .msg.upload .upload-progress');
    await page.waitForFunction(() => {
      const p = document.querySelector('#pending .upload-progress');
      return p && p.value > 4e6 && p.value < 20e6;
    }, null, { timeout: 20000 });
    const line = await page.textContent('#pending .upload-bytes');
    assert.match(line, /^\d+\.\d MB of 30\.0 MB$/);
    assert.equal(await page.isVisible('#pending .upload-cancel'), true);
    await page.screenshot({ path: screenshotPath('files-progress.png') });
    await unthrottle(cdp);
    await waitForFile(bob.page, 'recording.flac');
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0);

    const values = await page.evaluate(() => window.__progress);
    const moving = values.map(v => v.value);
    assert.ok(moving.length >= 5, `the bar moved in steps: ${moving.join(', ')}`);
    for (let i = 1; i < moving.length; i++) assert.ok(moving[i] >= moving[i - 1], `never backwards: ${moving.join(', ')}`);
    assert.ok(moving[moving.length - 1] === BIG.length, 'and reached the end');
    assert.ok(values.every(v => v.max === BIG.length));

    const [card] = await fileMessages(bob.page);
    assert.deepEqual({ name: card.name, picture: card.picture, size: card.size },
      { name: 'recording.flac', picture: false, size: '30.0 MB' });
    assert.match(card.href, /^\/files\/[0-9a-f]{32}\/recording\.flac\?key=[0-9a-f]{32}$/);
    const got = await download(bob.page, '#events .msg:last-child .file-download');
    assert.equal(got.name, 'recording.flac');
    assert.equal(sha256(got.bytes), sha256(BIG));
    // Ada's own message is the same file, on the right.
    await waitForFile(page, 'recording.flac');
    assert.equal(await page.$eval('#events .msg:last-child', n => n.classList.contains('own')), true);
  });

  it('previews a picture from the file chooser, sends it, and the other member sees it', async () => {
    const { page } = ada;
    await attach(page, [{ name: 'holiday.png', mimeType: 'image/png', buffer: PICTURE }]);
    await page.waitForSelector('#preview[open] canvas.preview-picture');
    assert.equal(await page.textContent('#preview-name'), 'holiday.png');
    assert.match(await page.textContent('#preview-size'), /1200 × 800/);
    // Nothing goes before Send.
    assert.equal(await page.$$eval('#pending li', n => n.length), 0);
    await page.click('#preview-send');
    await page.waitForFunction(() => !document.querySelector('#preview').open);
    await waitForFile(bob.page, 'holiday.png');
    const img = await bob.page.waitForFunction(() => {
      const i = document.querySelector('#events .msg:last-child img.thumb');
      return i && i.complete && i.naturalWidth > 0 ? { w: i.naturalWidth, h: i.naturalHeight, width: i.width, height: i.height, lazy: i.loading, alt: i.alt } : null;
    });
    const shown = await img.jsonValue();
    assert.deepEqual({ w: shown.w, h: shown.h, lazy: shown.lazy, alt: shown.alt },
      { w: 1200, h: 800, lazy: 'lazy', alt: 'holiday.png' });
    // Sized to the timeline, in the picture's shape.
    assert.ok(shown.width <= 320 && Math.abs(shown.width / shown.height - 1.5) < 0.02, JSON.stringify(shown));
    await waitForFile(page, 'holiday.png');
  });

  it('sends a file card and shows the room with a picture and a file', async () => {
    await attach(bob.page, [{ name: 'Quarterly review – slides.pdf', mimeType: 'application/pdf', buffer: SLIDES }]);
    await waitForFile(ada.page, 'Quarterly review – slides.pdf');
    await send(bob.page, 'The slides for this afternoon, and a picture from the weekend above.');
    await waitForMessages(ada.page, ['The slides for this afternoon, and a picture from the weekend above.']);
    const card = (await fileMessages(ada.page)).find(f => f.name.endsWith('slides.pdf'));
    assert.equal(card.size, '2.4 MB');
    assert.equal(await ada.page.$eval('#events .msg:nth-last-child(2) .file-icon', n => n.className), 'file-icon file-icon-pdf');
    await ada.page.screenshot({ path: screenshotPath('files-room.png') });
    await bob.page.screenshot({ path: screenshotPath('files-room-dark.png') });
  });

  it('opens a picture full size in the page, downloads it, and closes with Escape', async () => {
    const { page } = bob;
    const thumb = '#events .msg img.thumb[alt="holiday.png"]';
    await page.click(thumb);
    await page.waitForSelector('#lightbox[open]');
    await page.waitForFunction(() => {
      const i = document.querySelector('#lightbox img.lightbox-picture');
      return i && i.complete && i.naturalWidth === 1200;
    });
    assert.equal(await page.textContent('#lightbox-name'), 'holiday.png');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'lightbox-close');
    await page.screenshot({ path: screenshotPath('files-lightbox.png') });
    const got = await download(page, '#lightbox-download');
    assert.equal(got.name, 'holiday.png');
    assert.equal(sha256(got.bytes), sha256(PICTURE), 'the bytes Ada sent');
    await page.keyboard.press('Escape');
    // Closed, and nothing of the picture stays in the dialog; the focus is back on the thumbnail.
    await page.waitForFunction(() => !document.querySelector('#lightbox').open &&
      document.querySelectorAll('#lightbox img').length === 0);
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('thumb-link')), true);
    // The Close button too.
    await page.click(thumb);
    await page.waitForSelector('#lightbox[open]');
    await page.click('#lightbox-close');
    await page.waitForFunction(() => !document.querySelector('#lightbox').open);
  });

  it('pastes a picture: a preview, then Send', async () => {
    const { page } = ada;
    await page.focus('#composer-input');
    await page.evaluate(bytes => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
      const ev = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
      document.activeElement.dispatchEvent(ev);
      window.__pasteTaken = ev.defaultPrevented;
    }, [...PASTED]);
    assert.equal(await page.evaluate(() => window.__pasteTaken), true);
    await page.waitForSelector('#preview[open] canvas.preview-picture');
    assert.match(await page.textContent('#preview-name'), /^Pasted picture \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/);
    assert.match(await page.textContent('#preview-size'), /480 × 640/);
    await page.screenshot({ path: screenshotPath('files-preview.png') });
    // Cancel sends nothing; a second paste and Send does.
    await page.click('#preview-cancel');
    await page.waitForFunction(() => !document.querySelector('#preview').open);
    assert.equal(await page.$$eval('#pending li', n => n.length), 0);
    await page.evaluate(bytes => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
      document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, [...PASTED]);
    await page.waitForSelector('#preview[open] canvas.preview-picture');
    const name = await page.textContent('#preview-name');
    await page.keyboard.press('Enter');   // Send has the focus
    await waitForFile(bob.page, name);
    const pictures = (await fileMessages(bob.page)).filter(f => f.name.startsWith('Pasted picture'));
    assert.equal(pictures.length, 1, 'one picture: the cancelled one never went');
    assert.equal(pictures[0].picture, true);
    const href = pictures[0].href;
    const bytes = await bob.page.evaluate(async url => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href);
    assert.equal(sha256(Buffer.from(bytes)), sha256(PASTED));
    // Text still pastes as text.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', 'pasted words');
      const ev = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
      document.activeElement.dispatchEvent(ev);
      window.__pasteTaken = ev.defaultPrevented;
    });
    assert.equal(await page.evaluate(() => window.__pasteTaken), false);
  });

  it('shows drop highlighting and takes dropped files', async () => {
    const { page } = bob;
    const data = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File(['dropped notes\n'], 'notes.txt', { type: 'text/plain' }));
      return d;
    });
    await page.dispatchEvent('.conversation', 'dragenter', { dataTransfer: data });
    await page.dispatchEvent('.conversation', 'dragover', { dataTransfer: data });
    assert.equal(await page.isVisible('#drop-zone'), true);
    await page.dispatchEvent('.conversation', 'drop', { dataTransfer: data });
    assert.equal(await page.isVisible('#drop-zone'), false);
    await waitForFile(ada.page, 'notes.txt');
  });

  it('cancels an upload midway: nothing reaches the other member', async () => {
    const { page } = ada;
    const cdp = await throttleUploads(ada.context, page, 4 * 1024 * 1024);
    await attach(page, [{ name: 'cancelled.bin', mimeType: 'application/octet-stream', buffer: BIG }]);
    await page.waitForFunction(() => {
      const p = document.querySelector('#pending .upload-progress');
      return p && p.value > 1e6;
    }, null, { timeout: 20000 });
    await page.click('#pending .upload-cancel');
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0);
    await unthrottle(cdp);
    await send(page, 'after the cancelled file');
    await waitForMessages(bob.page, ['after the cancelled file']);
    await new Promise(resolve => setTimeout(resolve, 500));
    const names = (await fileMessages(bob.page)).map(f => f.name);
    assert.equal(names.includes('cancelled.bin'), false, names.join(', '));
    assert.equal((await fileMessages(page)).some(f => f.name === 'cancelled.bin'), false);
  });

  it('goes on after the connection drops midway, and shares the file exactly once', async () => {
    const { page } = ada;
    const cdp = await throttleUploads(ada.context, page, 6 * 1024 * 1024);
    const bytes = random(12 * MB);
    await attach(page, [{ name: 'through a drop.bin', mimeType: 'application/octet-stream', buffer: bytes }]);
    await page.waitForFunction(() => {
      const p = document.querySelector('#pending .upload-progress');
      return p && p.value > 2e6;
    }, null, { timeout: 20000 });
    // Every WebSocket is cut; the PUT is plain HTTP and goes on.
    server.signal('SIGUSR1');
    await page.waitForSelector('#conn-status:not([hidden])', { timeout: 10000 });
    await unthrottle(cdp);
    await waitForFile(bob.page, 'through a drop.bin');
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0, null, { timeout: 30000 });
    await send(page, 'after the drop');
    await waitForMessages(bob.page, ['after the drop']);
    for (const p of [ada.page, bob.page]) {
      const same = (await fileMessages(p)).filter(f => f.name === 'through a drop.bin');
      assert.equal(same.length, 1, 'exactly once');
    }
    const href = (await fileMessages(bob.page)).find(f => f.name === 'through a drop.bin').href;
    const got = await bob.page.evaluate(async url => {
      const buf = await (await fetch(url)).arrayBuffer();
      return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)), b => b.toString(16).padStart(2, '0')).join('');
    }, href);
    assert.equal(got, sha256(bytes));
  });

  it('works on a 360×740 phone: a picture and a file card fit, screenshot', async () => {
    const phone = await newPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await joinRoom(phone.page, server, code, 'Cy');
    await attach(ada.page, [{ name: 'sunset.png', mimeType: 'image/png', buffer: landscape(800, 1000, 2) }]);
    await ada.page.waitForSelector('#preview[open] canvas.preview-picture');
    await ada.page.click('#preview-send');
    await attach(bob.page, [{ name: 'minutes-of-the-meeting-on-tuesday-with-a-long-name.odt', mimeType: 'application/vnd.oasis.opendocument.text', buffer: random(48200) }]);
    const { page } = phone;
    await waitForFile(page, 'sunset.png');
    await waitForFile(page, 'minutes-of-the-meeting-on-tuesday-with-a-long-name.odt');
    await page.evaluate(() => { document.querySelector('#log').scrollTop = 1e9; });
    await page.waitForFunction(() => {
      const i = document.querySelector('#events img.thumb[alt="sunset.png"]');
      return i && i.complete && i.naturalWidth > 0;
    });
    // Everything earlier in the room is there for a late joiner too.
    const names = (await fileMessages(page)).map(f => f.name);
    for (const n of ['recording.flac', 'holiday.png', 'notes.txt', 'Quarterly review – slides.pdf']) assert.ok(names.includes(n), n);
    await page.evaluate(() => { document.querySelector('#log').scrollTop = 1e9; });
    assert.deepEqual(await overflow(page), { scroll: 0, wide: [] });
    const box = await page.locator('#attach-button').boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360 && box.y + box.height <= 740, JSON.stringify(box));
    await page.screenshot({ path: screenshotPath('files-phone.png') });
    // The picture full size on the phone, and its preview sheet.
    await page.tap('#events .msg img.thumb[alt="sunset.png"]');
    await page.waitForFunction(() => {
      const i = document.querySelector('#lightbox img.lightbox-picture');
      return i && i.complete && i.naturalWidth === 800;
    });
    assert.deepEqual(await overflow(page), { scroll: 0, wide: [] });
    await page.screenshot({ path: screenshotPath('files-phone-lightbox.png') });
    await page.tap('#lightbox-close');
    await attach(page, [{ name: 'from the phone.png', mimeType: 'image/png', buffer: PASTED }]);
    await page.waitForSelector('#preview[open] canvas.preview-picture');
    await page.screenshot({ path: screenshotPath('files-phone-preview.png') });
    await page.tap('#preview-send');
    await waitForFile(ada.page, 'from the phone.png');
    assert.deepEqual(phone.page.problems, []);
    await phone.context.close();
  });

  it('never runs an uploaded HTML page or SVG in the host’s origin', async () => {
    const html = '<!doctype html><title>page</title><script>localStorage.setItem("nexus-xss","html");' +
      'document.title="XSS";try{window.opener.__xss="html"}catch(e){}try{parent.__xss="html"}catch(e){}</script>';
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="localStorage.setItem(\'nexus-xss\',\'svg\');' +
      'document.title=\'XSS\';try{parent.__xss=\'svg\'}catch(e){}"><script>localStorage.setItem("nexus-xss","svg2")</script>' +
      '<rect width="10" height="10"/></svg>';
    await attach(ada.page, [
      { name: 'invitation.html', mimeType: 'text/html', buffer: Buffer.from(html) },
      { name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) },
      { name: 'not-a-picture.png', mimeType: 'image/png', buffer: Buffer.from(html) },
    ]);
    // A .png that is not one is still previewed by its name: Send it anyway.
    await ada.page.waitForSelector('#preview[open] .preview-none');
    await ada.page.click('#preview-send');
    const { page } = bob;
    for (const n of ['invitation.html', 'logo.svg', 'not-a-picture.png']) await waitForFile(page, n);
    const files = (await fileMessages(page)).filter(f => ['invitation.html', 'logo.svg', 'not-a-picture.png'].includes(f.name));
    // None of them is a picture: the host proved no picture type, so no <img> is made of them.
    assert.deepEqual(files.map(f => f.picture), [false, false, false]);
    assert.equal(await page.$$eval('#events img.thumb', imgs => imgs.filter(i => /\.(svg|html)\?/.test(i.src)).length), 0);

    for (const f of files) {
      const headers = await page.evaluate(async url => {
        const r = await fetch(url, { method: 'HEAD' });
        return {
          status: r.status,
          type: r.headers.get('content-type'),
          disposition: r.headers.get('content-disposition'),
          csp: r.headers.get('content-security-policy'),
          nosniff: r.headers.get('x-content-type-options'),
        };
      }, f.href);
      assert.equal(headers.status, 200);
      assert.equal(headers.type, 'application/octet-stream');
      assert.match(headers.disposition, /^attachment;/);
      assert.match(headers.csp, /^sandbox/);
      assert.equal(headers.nosniff, 'nosniff');

      // Opened through its URL, it is a download, never a page of the host.
      const probe = await bob.context.newPage();
      await probe.goto(`${server.origin}/`);
      const downloaded = probe.waitForEvent('download', { timeout: 10000 });
      await probe.evaluate(url => { location.href = url; }, f.href);
      const dl = await downloaded;
      assert.equal(dl.suggestedFilename(), f.name);
      await new Promise(resolve => setTimeout(resolve, 300));
      assert.equal(await probe.title(), 'Nexus Chat');
      assert.equal(await probe.evaluate(() => window.__xss), undefined);
      // In a frame of the host's page it is no page either.
      await probe.evaluate(url => new Promise(resolve => {
        const frame = document.createElement('iframe');
        frame.src = url;
        frame.addEventListener('load', resolve);
        setTimeout(resolve, 1500);
        document.body.append(frame);
      }), f.href);
      assert.equal(await probe.evaluate(() => window.__xss), undefined);
      await probe.close();
    }
    // And as a picture (what a page could try with an <img>): it does not load.
    const asImage = await page.evaluate(url => new Promise(resolve => {
      const img = new Image();
      img.onload = () => resolve('loaded');
      img.onerror = () => resolve('refused');
      img.src = url;
    }), files.find(f => f.name === 'logo.svg').href);
    assert.equal(asImage, 'refused');
    for (const p of [ada.page, bob.page]) {
      assert.equal(await p.evaluate(() => localStorage.getItem('nexus-xss')), null);
      assert.equal(await p.evaluate(() => window.__xss), undefined);
      assert.match(await p.title(), /Nexus Chat/);
    }
  });

  it('reported no script error and nothing the security policy refused', () => {
    assert.deepEqual(ada.page.problems, []);
    assert.deepEqual(bob.page.problems, []);
  });
});

describe('files the host refuses', { timeout: 120000 }, () => {
  let server, browser, ada, bob;

  before(async () => {
    server = await startServer(['--max-file-size', '256K', '--max-room-files', '640K']);
    browser = await launchBrowser();
    ada = await newPage(browser);
    bob = await newPage(browser);
    const code = await createRoom(ada.page, server, 'Ada');
    await joinRoom(bob.page, server, code, 'Bob');
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('says a file is too large with the host’s limit', async () => {
    const { page } = ada;
    await attach(page, [{ name: 'too large.bin', mimeType: 'application/octet-stream', buffer: random(256 * 1024 + 1) }]);
    await page.waitForSelector('#pending .msg.upload.failed');
    assert.equal(await page.textContent('#pending .msg-status-text'), 'Files can be at most 256 KiB.');
    assert.equal(await page.$$eval('#pending .retry', n => n.length), 0, 'no Retry: it would fail the same way');
    await page.screenshot({ path: screenshotPath('files-too-large.png') });
    await page.click('#pending button[data-upload-cancel]');
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0);
  });

  it('says an upload was interrupted, and Retry sends it once', async () => {
    const { page } = ada;
    const bytes = random(100 * 1000);
    // The connection of the PUT is reset before the host hears of it.
    let puts = 0;
    await page.route('**/upload/*', route => {
      puts++;
      return route.abort('connectionreset');
    });
    await attach(page, [{ name: 'interrupted.bin', mimeType: 'application/octet-stream', buffer: bytes }]);
    await page.waitForSelector('#pending .msg.upload.failed');
    assert.equal(await page.textContent('#pending .msg-status-text'), 'The upload was interrupted.');
    assert.equal(puts, 1);
    await page.screenshot({ path: screenshotPath('files-interrupted.png') });
    await page.unroute('**/upload/*');
    await page.click('#pending .retry');
    await waitForFile(bob.page, 'interrupted.bin');
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0);
    const href = (await fileMessages(bob.page)).find(f => f.name === 'interrupted.bin').href;
    const got = await bob.page.evaluate(async url => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href);
    assert.equal(sha256(Buffer.from(got)), sha256(bytes));
    expectedProblems(page, /net::ERR_CONNECTION_RESET/);
  });

  it('shares a file once when the answer to its bytes was lost', async () => {
    const { page } = ada;
    const bytes = random(120 * 1000);
    // Every byte reaches the host (201), but the page hears only a reset.
    const answers = [];
    await page.route('**/upload/*', async route => {
      const response = await route.fetch();
      answers.push(response.status());
      if (answers.length === 1) return route.abort('connectionreset');
      return route.fulfill({ response });
    });
    await attach(page, [{ name: 'answer lost.bin', mimeType: 'application/octet-stream', buffer: bytes }]);
    await page.waitForSelector('#pending .msg.upload.failed');
    assert.deepEqual(answers, [201]);
    // Retry: the same id gets the same address, whose bytes are there (404 now), so the page shares it.
    await page.click('#pending .retry');
    await waitForFile(bob.page, 'answer lost.bin');
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0);
    assert.deepEqual(answers, [201, 404]);
    await page.unroute('**/upload/*');
    await send(page, 'after the lost answer');
    await waitForMessages(bob.page, ['after the lost answer']);
    for (const p of [ada.page, bob.page]) {
      assert.equal((await fileMessages(p)).filter(f => f.name === 'answer lost.bin').length, 1, 'exactly once');
    }
    const href = (await fileMessages(bob.page)).find(f => f.name === 'answer lost.bin').href;
    const got = await bob.page.evaluate(async url => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), href);
    assert.equal(sha256(Buffer.from(got)), sha256(bytes));
    expectedProblems(page, /net::ERR_CONNECTION_RESET|status of 404/);
  });

  it('says when the host’s disk is full (507), and Retry sends it', async () => {
    const { page } = ada;
    const bytes = random(30 * 1000);
    // What the host answers when its disk fills up midway (the C tests make a real one).
    await page.route('**/upload/*', route => route.fulfill({
      status: 507, contentType: 'text/plain', body: 'The host\'s disk is full. The file was not kept.\n',
    }));
    await attach(page, [{ name: 'disk full.bin', mimeType: 'application/octet-stream', buffer: bytes }]);
    await page.waitForSelector('#pending .msg.upload.failed');
    assert.equal(await page.textContent('#pending .msg-status-text'), 'The host’s disk is full, so the file was not kept.');
    await page.unroute('**/upload/*');
    // The host kept nothing of the refused request, so the same address takes it now.
    await page.click('#pending .retry');
    await waitForFile(bob.page, 'disk full.bin');
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0);
    expectedProblems(page, /status of 507/);
  });

  it('says when the room’s space is used up', async () => {
    const { page } = ada;
    await attach(page, [{ name: 'first.bin', mimeType: 'application/octet-stream', buffer: random(250 * 1000) }]);
    await waitForFile(bob.page, 'first.bin');
    await attach(page, [{ name: 'second.bin', mimeType: 'application/octet-stream', buffer: random(250 * 1000) }]);
    await page.waitForSelector('#pending .msg.upload.failed');
    assert.match(await page.textContent('#pending .msg-status-text'), /^This room's files have used up its space/);
    // A file of 0 bytes still fits.
    await attach(page, [{ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) }]);
    await waitForFile(bob.page, 'empty.txt');
    assert.equal((await fileMessages(bob.page)).find(f => f.name === 'empty.txt').size, '0 bytes');
    assert.deepEqual(ada.page.problems, []);
    assert.deepEqual(bob.page.problems, []);
  });
});
