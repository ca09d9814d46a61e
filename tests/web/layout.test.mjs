// How the page looks and works on a laptop and on a phone, in light and
// dark, with a keyboard alone; screenshots go to NEXUS_SCREENSHOT_DIR.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, createRoom, joinRoom, send, waitForMessages, screenshotPath, SCREENSHOT_DIR,
} from './helpers.mjs';

const CONVERSATION = [
  ['ada', 'Hi everyone! The slides for this afternoon are here: https://example.org/slides/q3-review'],
  ['ada', 'Shout if the link does not open.'],
  ['bob', 'Got them, thanks Ada.'],
  ['cy', 'Same here. Two questions:\n1. Do we start at three?\n2. Is the projector in room B working again?'],
  ['ada', 'Yes, three sharp. And yes, it was fixed on Monday.'],
  ['bob', 'Great, see you there'],
];

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

/** Every visible control has a name a screen reader can say. */
function unnamedControls (page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('button, input, textarea, [tabindex]'))
    .filter(n => n.getClientRects().length > 0)
    .filter(n => {
      if (n.getAttribute('aria-label') || n.getAttribute('aria-labelledby')) return false;
      if (n.labels && n.labels.length > 0) return false;
      return n.tagName !== 'BUTTON' || n.textContent.trim() === '';
    })
    .map(n => n.id || n.outerHTML.slice(0, 60)));
}

describe('layout, themes and keyboard', { timeout: 180000 }, () => {
  let server, browser, ada, bob, cy, code;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ada = await newPage(browser, { colorScheme: 'light' });
    bob = await newPage(browser, { colorScheme: 'dark' });
    cy = await newPage(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    console.log(`# screenshots in ${SCREENSHOT_DIR}`);
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('home page: labelled, keyboard usable, screenshot', async () => {
    const { page } = ada;
    await page.goto(`${server.origin}/`);
    assert.deepEqual(await unnamedControls(page), []);
    // Keyboard alone: the name field has focus, Tab reaches the code, Join, then Create.
    await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'name-input');
    await page.keyboard.type('Ada');
    const order = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement.id));
    }
    assert.deepEqual(order, ['code-input', 'join-button', 'create-button']);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'name-input');
    await page.screenshot({ path: screenshotPath('home.png') });
    // Enter in the name field with no code creates a room.
    await page.keyboard.press('Enter');
    await page.waitForSelector('#room:not([hidden])');
    code = (await page.textContent('#room-code')).replace('-', '');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-input');
  });

  it('room in light and dark: a conversation, screenshots', async () => {
    await joinRoom(bob.page, server, code, 'Bob');
    await joinRoom(cy.page, server, code, 'Cy');
    const who = { ada: ada.page, bob: bob.page, cy: cy.page };
    for (const [name, text] of CONVERSATION) {
      await send(who[name], text);
      await waitForMessages(ada.page, [text]);
    }
    const all = CONVERSATION.map(([, t]) => t);
    await waitForMessages(bob.page, all);
    await waitForMessages(cy.page, all);
    await cy.page.type('#composer-input', 'On my w');
    await ada.page.waitForFunction(() => document.querySelector('#typing').textContent === 'Cy is typing…');
    await bob.page.waitForFunction(() => document.querySelector('#typing').textContent === 'Cy is typing…');
    assert.deepEqual(await unnamedControls(ada.page), []);
    await ada.page.fill('#composer-input', 'Perfect, I will bring the');
    await ada.page.screenshot({ path: screenshotPath('room-light.png') });
    await bob.page.screenshot({ path: screenshotPath('room-dark.png') });
    const colours = await bob.page.evaluate(() => ({
      body: getComputedStyle(document.querySelector('.room-view')).backgroundColor,
      text: getComputedStyle(document.body).color,
    }));
    assert.notEqual(colours.body, 'rgb(255, 255, 255)', 'the dark theme has a dark background');
    assert.equal(colours.text, 'rgb(243, 243, 245)', 'and light text');
    await ada.page.fill('#composer-input', '');
  });

  it('room on a 360×740 phone: fits the width, everything reachable, screenshot', async () => {
    const { page } = cy;
    await page.fill('#composer-input', '');
    assert.deepEqual(await overflow(page), { scroll: 0, wide: [] });
    for (const id of ['#copy-link', '#members-toggle', '#leave-button', '#composer-input', '#send-button']) {
      const box = await page.locator(id).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360 && box.y >= 0 && box.y + box.height <= 740,
        `${id} is on screen: ${JSON.stringify(box)}`);
    }
    await page.screenshot({ path: screenshotPath('phone-room.png') });
    // The members open as a panel over the messages, and close again.
    await page.tap('#members-toggle');
    await page.waitForFunction(() => document.querySelector('#members-panel').classList.contains('open'));
    await page.waitForFunction(() => {
      const r = document.querySelector('#members-panel').getBoundingClientRect();
      return r.right <= window.innerWidth + 0.5 && r.left >= 0;
    });
    assert.deepEqual(await page.$$eval('#member-list .member-name', n => n.map(x => x.textContent)), ['Ada', 'Bob', 'Cy']);
    await page.screenshot({ path: screenshotPath('phone-members.png') });
    await page.tap('#members-toggle');
    await page.waitForFunction(() => !document.querySelector('#members-panel').classList.contains('open'));
    // Sending works from the phone with the send button.
    await page.fill('#composer-input', 'Sent from a phone');
    await page.tap('#send-button');
    await waitForMessages(ada.page, ['Sent from a phone']);
    assert.deepEqual(await overflow(page), { scroll: 0, wide: [] });
  });

  it('home on a 360×740 phone: fits the width, screenshot', async () => {
    const { context } = cy;
    const page = await context.newPage();
    await page.goto(`${server.origin}/r/${code}`);
    await page.waitForSelector('#home:not([hidden])');
    assert.deepEqual(await overflow(page), { scroll: 0, wide: [] });
    await page.screenshot({ path: screenshotPath('phone-home.png') });
    await page.close();
  });

  it('keyboard alone: send, reach the header buttons, leave', async () => {
    const { page } = bob;
    await page.focus('#composer-input');
    await page.keyboard.type('typed with the keyboard');
    await page.keyboard.press('Enter');
    await waitForMessages(ada.page, ['typed with the keyboard']);
    // Everything in the room can be reached with Tab.
    const reached = new Set();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement.id));
    }
    for (const id of ['copy-link', 'leave-button', 'log', 'composer-input', 'send-button']) {
      assert.ok(reached.has(id), `${id} is reachable with Tab (reached: ${[...reached].join(', ')})`);
    }
    await page.focus('#leave-button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#home:not([hidden])');
  });

  it('reported no script error', () => {
    for (const p of [ada, bob, cy]) assert.deepEqual(p.page.problems, []);
  });
});
