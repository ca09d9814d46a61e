// A room of three: a desktop host, a desktop guest and a phone. Each shares
// a picture and a file with the others, its progress is seen, and everyone
// ends up with the same bytes, compared by SHA-256 on all three sides.
//
// The desktop side is tests/nexus-files-peer.c: a NexusServer with the
// host's own NexusClient ("Ada") joined to it, as the window runs them, and
// a second NexusClient ("Bob"), sharing with nexus_client_share_file() and
// saving every file of the others with nexus_client_download_async(). It
// says what happens in JSON lines. The phone is a 360 × 740 page in
// Chromium ("Cy").

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, newPage, joinRoom, screenshotPath } from './helpers.mjs';
import { peerBin, startPeer } from './peer.mjs';
import { landscape, random, sha256 } from './pictures.mjs';

const PEER_BIN = peerBin('nexus-files-peer', 'NEXUS_FILES_PEER_BIN');

/** Attach files through the page's attach button and file chooser. */
async function attach (page, files) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#attach-button')]);
  await chooser.setFiles(files);
}

/** Record, in the page, each value every upload's progress bar shows. */
function watchProgress (page) {
  return page.evaluate(() => {
    window.__progress = [];
    const seen = () => {
      for (const p of document.querySelectorAll('#pending .upload-progress')) {
        const id = p.closest('li').dataset.upload;
        const last = window.__progress.filter(v => v.id === id).pop();
        if (!last || last.value !== p.value) window.__progress.push({ id, value: p.value, max: p.max });
      }
    };
    new MutationObserver(seen).observe(document.querySelector('#pending'),
      { attributes: true, childList: true, subtree: true, characterData: true });
  });
}

function waitForFile (page, name, timeout = 30000) {
  return page.waitForFunction(wanted => Array.from(document.querySelectorAll('#events .msg'))
    .some(n => (n.querySelector('img.thumb') && n.querySelector('img.thumb').alt === wanted) ||
      (n.querySelector('.file-name') && n.querySelector('.file-name').textContent === wanted)), name, { timeout });
}

/** Click what starts a download and return the bytes the browser saved. */
async function download (page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  assert.equal(await dl.failure(), null);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

/** Progress told in steps that never go back and end at the size. */
function assertProgress (values, size, what, minSteps) {
  assert.ok(values.length >= minSteps, `${what}: progress in steps: ${values.join(', ')}`);
  for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1], `${what}: never backwards: ${values.join(', ')}`);
  assert.equal(values[values.length - 1], size, `${what}: reaches the end`);
}

const MB = 1000 * 1000;
// Who shares what: a picture (a PNG that the host measures) and a file each.
const FILES = {
  Ada: [
    { name: 'garden.png', picture: true, width: 900, height: 600, bytes: landscape(900, 600, 0.5) },
    { name: 'minutes.pdf', picture: false, bytes: random(Math.round(1.6 * MB)) },
  ],
  Bob: [
    { name: 'harbour.png', picture: true, width: 480, height: 720, bytes: landscape(480, 720, 1.5) },
    { name: 'budget.ods', picture: false, bytes: random(Math.round(0.9 * MB)) },
  ],
  Cy: [
    { name: 'sunset.png', picture: true, width: 800, height: 600, bytes: landscape(800, 600, 2) },
    { name: 'voice memo.m4a', picture: false, bytes: random(Math.round(2.4 * MB)) },
  ],
};
const WHO = { ada: 'Ada', bob: 'Bob' };

describe('a room of three: desktop host, desktop guest, phone', { timeout: 180000 }, () => {
  let peer, browser, phone, dir;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nexus-roomofthree-'));
    peer = startPeer(PEER_BIN);
    browser = await launchBrowser();
    phone = await newPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  });

  after(async () => {
    if (browser) await browser.close();
    if (peer) await peer.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shares a picture and a file from each, with progress, and all get the same bytes', async () => {
    const ready = await peer.ready;
    assert.equal(ready.event, 'ready', JSON.stringify(ready));
    assert.deepEqual([ready.host, ready.guest], ['Ada', 'Bob']);
    const { page } = phone;
    await joinRoom(page, { origin: `http://127.0.0.1:${ready.port}` }, ready.code, 'Cy');

    // The desktop members share theirs, as files on their disks.
    for (const who of ['ada', 'bob']) {
      await mkdir(path.join(dir, who));
      for (const f of FILES[WHO[who]]) {
        const file = path.join(dir, who, f.name);
        await writeFile(file, f.bytes);
        peer.send(`share ${who} ${file}`);
      }
    }

    // The phone shares its picture (previewed, then Send) and its file,
    // over a slowed network so that the bars are seen moving.
    await watchProgress(page);
    const cdp = await phone.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024,
    });
    const [picture, file] = FILES.Cy;
    await attach(page, [{ name: picture.name, mimeType: 'image/png', buffer: picture.bytes }]);
    await page.waitForSelector('#preview[open] canvas.preview-picture');
    await page.tap('#preview-send');
    await attach(page, [{ name: file.name, mimeType: 'audio/mp4', buffer: file.bytes }]);
    await page.waitForFunction(() => {
      const p = document.querySelector('#pending .upload-progress');
      return p && p.value > 0 && p.value < p.max;
    }, null, { timeout: 20000 });
    await page.screenshot({ path: screenshotPath('roomofthree-phone-progress.png') });
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0, null, { timeout: 60000 });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
    });
    await cdp.detach();

    // The phone's progress: each bar moved up to its file's size.
    const bars = await page.evaluate(() => window.__progress);
    for (const f of FILES.Cy) {
      const values = bars.filter(v => v.max === f.bytes.length).map(v => v.value);
      assertProgress(values, f.bytes.length, `the phone's ${f.name}`, f.picture ? 2 : 5);
    }

    // Every share is in the room: the desktop's own, and the phone's own.
    for (const who of ['ada', 'bob']) {
      for (const f of FILES[WHO[who]]) {
        const shared = await peer.waitFor(e => (e.event === 'shared' || e.event === 'failed') && e.who === who && e.name === f.name,
          `${WHO[who]}'s share of ${f.name}`);
        assert.equal(shared.event, 'shared', JSON.stringify(shared));
        assert.deepEqual({ size: shared.size, picture: shared.picture }, { size: f.bytes.length, picture: f.picture });
      }
    }
    for (const f of FILES.Cy) await waitForFile(page, f.name);

    // The phone sees the desktop's files, pictures as pictures, and
    // saves each: a file card's Download, a picture's full view and its
    // Download.
    const got = { Ada: {}, Bob: {}, Cy: {} };
    for (const who of ['ada', 'bob']) {
      for (const f of FILES[WHO[who]]) {
        const name = f.name;
        await waitForFile(page, name);
        if (f.picture) {
          const thumb = page.locator(`#events .msg img.thumb[alt="${name}"]`);
          await thumb.scrollIntoViewIfNeeded();
          await page.waitForFunction(n => {
            const i = document.querySelector(`#events .msg img.thumb[alt="${CSS.escape(n)}"]`);
            return i && i.complete && i.naturalWidth > 0;
          }, name);
          assert.deepEqual(await thumb.evaluate(i => [i.naturalWidth, i.naturalHeight]), [f.width, f.height]);
          await thumb.tap();
          await page.waitForFunction(w => {
            const i = document.querySelector('#lightbox[open] img.lightbox-picture');
            return i && i.complete && i.naturalWidth === w;
          }, f.width);
          const saved = await download(page, page.locator('#lightbox-download'));
          assert.equal(saved.name, name);
          got.Cy[name] = sha256(saved.bytes);
          await page.tap('#lightbox-close');
          await page.waitForFunction(() => !document.querySelector('#lightbox').open);
        } else {
          const card = page.locator('#events .msg', { has: page.locator('.file-name', { hasText: name }) });
          const saved = await download(page, card.locator('.file-download'));
          assert.equal(saved.name, name);
          got.Cy[name] = sha256(saved.bytes);
        }
      }
    }
    await page.evaluate(() => { document.querySelector('#log').scrollTop = 1e9; });
    await page.screenshot({ path: screenshotPath('roomofthree-phone.png') });

    // The desktop members save every file of the others, with progress.
    const receipts = [];
    for (const [who, sender] of [['ada', 'Bob'], ['ada', 'Cy'], ['bob', 'Ada'], ['bob', 'Cy']]) {
      for (const f of FILES[sender]) {
        const name = f.name;
        const r = await peer.waitFor(e => (e.event === 'received' || e.event === 'failed') && e.who === who && e.name === name,
          `${WHO[who]}'s download of ${name}`);
        assert.equal(r.event, 'received', JSON.stringify(r));
        assert.deepEqual({ from: r.from, size: r.size, picture: r.picture }, { from: sender, size: f.bytes.length, picture: f.picture });
        got[WHO[who]][name] = r.sha256;
        receipts.push(r);
        const down = peer.events.filter(e => e.event === 'progress' && e.way === 'down' && e.who === who && e.name === name)
          .map(e => e.done);
        assertProgress(down, f.bytes.length, `${WHO[who]}'s download of ${name}`, 1);
      }
    }
    assert.equal(peer.events.filter(e => e.event === 'received').length, 8, 'each desktop member saved four files, once each');
    // The desktop's uploads told their progress too.
    for (const who of ['ada', 'bob']) {
      for (const f of FILES[WHO[who]]) {
        const up = peer.events.filter(e => e.event === 'progress' && e.way === 'up' && e.who === who && e.name === f.name)
          .map(e => e.done);
        assertProgress(up, f.bytes.length, `${WHO[who]}'s upload of ${f.name}`, f.picture ? 1 : 5);
      }
    }

    // Six files, each on the two other sides, byte for byte.
    const expected = { Ada: {}, Bob: {}, Cy: {} };
    for (const [sender, files] of Object.entries(FILES)) {
      for (const f of files) {
        const name = f.name;
        for (const member of Object.keys(expected)) {
          if (member !== sender) expected[member][name] = sha256(f.bytes);
        }
      }
    }
    assert.deepEqual(got, expected);
    assert.equal(Object.values(got).reduce((n, m) => n + Object.keys(m).length, 0), 12);

    assert.deepEqual(phone.page.problems, []);
    assert.deepEqual(await peer.stop(), { code: 0, signal: null });
  });
});
