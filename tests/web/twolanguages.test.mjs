// Two people, one in the app and one on a phone, reply, edit, delete,
// react and mention each other, each in their own language.
//
// The app is tests/nexus-chat-peer.c: a NexusServer with the host's own
// NexusClient ("Ada"), as the window runs them, doing what the window's
// actions do with the client's calls and telling every message as her
// client holds it (text, edited, deleted, the quote, the reactions with
// names, whether it names her) and the client's sentence for a refusal,
// in English. The phone is a 360 × 740 page in a German Chromium ("Bob",
// Accept-Language: de-DE) that does everything with taps. At the end both
// sides agree message by message, the phone shows no English, and a late
// member in an English desktop browser ("Cy") sees the same conversation
// in English. Screenshots: twolanguages-phone-de.png, -menu-de.png,
// twolanguages-late-en.png.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, joinRoom, waitForMessages, screenshotPath } from './helpers.mjs';
import { germanCheck } from './l10n-check.mjs';
import { peerBin, startPeer } from './peer.mjs';

const PEER_BIN = peerBin('nexus-chat-peer', 'NEXUS_CHAT_PEER_BIN');
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// What each says, in their language.
const ADA_HELLO = 'Welcome, Bob! The agenda for Monday is on its way.';
const BOB_ASKS = 'kannst du mir die Tagesordnung schicken?';
const BOB_ASKS_AGAIN = 'kannst du mir bitte die Tagesordnung schicken?';
const ADA_ANSWERS = '@Bob here it is: plans at 10:00, the budget at 11:00.';
const ADA_ANSWERS_AGAIN = '@Bob here it is: plans at 10:00, the budget at 11:30.';
const BOB_OOPS = 'Falscher Raum, Entschuldigung';
const ADA_OOPS = 'Ignore this, wrong window';
const BOB_THANKS = 'Danke, bis Montag!';

/** The list item of the confirmed message whose text is `text` (exactly). */
function msg (page, text) {
  return page.locator('#events li.msg').filter({
    has: page.locator('.bubble > .text', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  });
}

/** Open a message's menu with a tap on its text. */
async function openMenu (page, text) {
  await msg(page, text).locator('.bubble > .text').tap();
  await page.waitForSelector('#msg-menu[open]');
}

/** What the page shows of every message, in order. */
function shown (page) {
  return page.$$eval('#events li.msg', nodes => nodes.map(n => {
    const quote = n.querySelector('.bubble > .quote');
    return {
      seq: Number(n.dataset.seq),
      name: n.dataset.name,
      text: n.querySelector('.bubble > .text').textContent,
      edited: n.querySelector('.bubble .edited') ? n.querySelector('.bubble .edited').textContent : null,
      deleted: n.classList.contains('deleted'),
      quote: quote ? {
        seq: Number(quote.dataset.quote),
        name: quote.querySelector('.quote-name').textContent,
        text: quote.querySelector('.quote-text').textContent,
      } : null,
      reactions: Object.fromEntries(Array.from(n.querySelectorAll('.reaction'), r => [r.dataset.emoji, {
        count: Number(r.querySelector('.reaction-count').textContent),
        mine: r.getAttribute('aria-pressed') === 'true',
        who: r.dataset.who,
      }])),
      mentionsMe: n.classList.contains('mentions-me'),
    };
  }));
}

/**
 * What a page of `me` in a language (T: a msgid's translation) must show
 * of the messages the desktop told.
 */
function expected (messages, me, T) {
  const who = names => {
    const list = names.includes(me) ? [T('You'), ...names.filter(n => n !== me)] : names;
    return list.length <= 1
      ? list.join('')
      : T('{names} and {last}').replace('{names}', list.slice(0, -1).join(T(', '))).replace('{last}', list[list.length - 1]);
  };
  return messages.map(m => ({
    seq: m.seq,
    name: m.name,
    text: m.deleted ? T('Message deleted') : m.text,
    edited: m.edited && !m.deleted ? T('edited') : null,
    deleted: m.deleted,
    quote: m.reply && !m.deleted ? {
      seq: m.reply.seq,
      name: m.reply.name === me ? T('You') : m.reply.name,
      text: m.reply.quote === '' ? T('Message deleted') : m.reply.quote,
    } : null,
    reactions: Object.fromEntries(Object.entries(m.reactions).map(([emoji, names]) => [emoji, {
      count: names.length, mine: names.includes(me), who: `${emoji} ${who(names)}`,
    }])),
    mentionsMe: m.name !== me && !m.deleted && new RegExp(`(^|\\s)@${me}\\b`, 'i').test(m.text),
  }));
}

describe('two people in two languages: the app and a German phone', { timeout: 180000 }, () => {
  let peer, browser, bob, german, origin, ready;

  before(async () => {
    // Ada's app in English, whatever the machine's language.
    peer = startPeer(PEER_BIN, { env: { LANGUAGE: 'en', LC_ALL: 'C.UTF-8' } });
    browser = await launchBrowser();
    bob = await newPage(browser, { ...PHONE, locale: 'de-DE' });
  });

  after(async () => {
    if (browser) await browser.close();
    if (peer) await peer.stop();
  });

  /** The desktop's message with `text`, once it is told with it. */
  function desktop (pred, what) {
    return peer.waitFor(e => e.event === 'message' && pred(e), what);
  }

  /** The message seq as the desktop holds it now. */
  function now (seq) {
    return peer.events.filter(e => e.event === 'message' && e.seq === seq).pop();
  }

  it('replies, edits, deletes, reacts and mentions, each side in its language', async () => {
    ready = await peer.ready;
    assert.equal(ready.event, 'ready', JSON.stringify(ready));
    assert.equal(ready.host, 'Ada');
    origin = `http://127.0.0.1:${ready.port}`;
    german = await germanCheck(origin);
    const T = german._;
    const { page } = bob;
    await joinRoom(page, { origin }, ready.code, 'Bob');
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    await peer.waitFor(e => e.event === 'member' && e.name === 'Bob' && e.joined, 'Bob joining');

    // Ada greets Bob.
    peer.send(`say ${ADA_HELLO}`);
    const hello = await desktop(e => e.own && e.text === ADA_HELLO, 'Ada\'s greeting');
    await waitForMessages(page, [ADA_HELLO]);

    // Bob mentions Ada: "@" offers her name, a tap takes it.
    await page.tap('#composer-input');
    await page.keyboard.type('@');
    await page.waitForSelector('#mention-list:not([hidden])');
    assert.deepEqual(await page.$$eval('#mention-list [role="option"]', n => n.map(x => x.textContent)), ['Ada']);
    await page.tap('#mention-list [role="option"]');
    assert.equal(await page.inputValue('#composer-input'), '@Ada ');
    await page.keyboard.type(BOB_ASKS);
    await page.tap('#send-button');
    const asks = await desktop(e => e.name === 'Bob' && e.text === `@Ada ${BOB_ASKS}`, 'Bob\'s question');
    assert.equal(asks.mentions_me, true, 'the desktop marks the message that names Ada');
    assert.equal(asks.own, false);
    assert.equal(hello.mentions_me, false);

    // Ada answers Bob's question, naming him: the phone highlights it and shows the quote.
    peer.send(`reply ${asks.seq} ${ADA_ANSWERS}`);
    const answer = await desktop(e => e.own && e.text === ADA_ANSWERS, 'Ada\'s answer');
    assert.deepEqual(answer.reply, { seq: asks.seq, name: 'Bob', quote: `@Ada ${BOB_ASKS}` });
    await waitForMessages(page, [ADA_ANSWERS]);
    const li = msg(page, ADA_ANSWERS);
    assert.equal(await li.evaluate(n => n.classList.contains('mentions-me')), true);
    assert.equal(await li.locator('.mention.me').textContent(), '@Bob');
    assert.equal(await li.locator('.quote-name').textContent(), T('You'));
    assert.equal(await li.locator('.quote-text').textContent(), `@Ada ${BOB_ASKS}`);
    assert.equal(await li.locator('.quote').getAttribute('data-quote'), String(asks.seq));

    // Bob reacts ❤️ to Ada's answer from its menu, Ada 👍 to Bob's question.
    await openMenu(page, ADA_ANSWERS);
    assert.equal(await page.textContent('#msg-menu-title'), T('Message from {name}').replace('{name}', 'Ada'));
    await german.assertGerman(page, 'the menu of Ada\'s message');
    await page.screenshot({ path: screenshotPath('twolanguages-menu-de.png') });
    await page.tap('#msg-menu .emoji-choice[data-emoji="❤️"]');
    peer.send(`react ${asks.seq} 👍 on`);
    await desktop(e => e.seq === answer.seq && JSON.stringify(e.reactions) === '{"❤️":["Bob"]}', 'Bob\'s ❤️');
    await desktop(e => e.seq === asks.seq && JSON.stringify(e.reactions) === '{"👍":["Ada"]}', 'Ada\'s 👍');
    await page.waitForFunction(() => document.querySelectorAll('#events .reaction:not(.pending)').length === 2);

    // Ada cannot edit Bob's message: her client does not even ask.
    peer.send(`edit ${asks.seq} hijacked`);
    await peer.waitFor(e => e.event === 'not-done' && e.command === `edit ${asks.seq} hijacked`, 'the edit of Bob\'s message refused');

    // Ada edits her answer: the phone shows the new text, "bearbeitet", still highlighted.
    peer.send(`edit ${answer.seq} ${ADA_ANSWERS_AGAIN}`);
    await desktop(e => e.seq === answer.seq && e.edited && e.text === ADA_ANSWERS_AGAIN, 'Ada\'s edit');
    await waitForMessages(page, [ADA_ANSWERS_AGAIN]);
    const edited = msg(page, ADA_ANSWERS_AGAIN);
    assert.equal(await edited.locator('.edited').textContent(), 'bearbeitet');
    assert.equal(await edited.evaluate(n => n.classList.contains('mentions-me')), true);

    // Bob edits his question from its menu: the desktop has the new text, still naming Ada.
    await openMenu(page, `@Ada ${BOB_ASKS}`);
    assert.equal(await page.textContent('#msg-menu-title'), T('Your message'));
    await page.tap('#msg-menu .menu-item[data-menu="edit"]');
    await page.waitForSelector('#composer-context:not([hidden])');
    assert.equal(await page.textContent('#composer-context .context-label'), T('Editing your message'));
    await german.assertGerman(page, 'editing on the phone');
    await page.fill('#composer-input', `@Ada ${BOB_ASKS_AGAIN}`);
    await page.tap('#send-button');
    const asked = await desktop(e => e.seq === asks.seq && e.edited && e.text === `@Ada ${BOB_ASKS_AGAIN}`, 'Bob\'s edit');
    assert.equal(asked.mentions_me, true);
    // A quote is the original as it read when the answer was sent, on both sides.
    assert.equal(now(answer.seq).reply.quote, `@Ada ${BOB_ASKS}`);
    assert.equal(await msg(page, ADA_ANSWERS_AGAIN).locator('.quote-text').textContent(), `@Ada ${BOB_ASKS}`);

    // Bob deletes a message Ada had reacted to: the desktop sees it deleted, its reaction gone.
    await page.fill('#composer-input', BOB_OOPS);
    await page.tap('#send-button');
    const oops = await desktop(e => e.name === 'Bob' && e.text === BOB_OOPS, 'Bob\'s slip');
    peer.send(`react ${oops.seq} 😂 on`);
    await desktop(e => e.seq === oops.seq && JSON.stringify(e.reactions) === '{"😂":["Ada"]}', 'Ada\'s 😂');
    await page.waitForSelector(`#events li[data-seq="${oops.seq}"] .reaction:not(.pending)`);
    await openMenu(page, BOB_OOPS);
    await page.tap('#msg-menu .menu-item[data-menu="delete"]');
    await page.waitForSelector('#delete-confirm[open]');
    assert.equal(await page.textContent('#delete-title'), T('Delete this message?'));
    await german.assertGerman(page, 'asking before deleting');
    await page.tap('#delete-ok');
    const gone = await desktop(e => e.seq === oops.seq && e.deleted, 'Bob\'s deletion');
    assert.deepEqual({ text: gone.text, reactions: gone.reactions }, { text: '', reactions: {} });

    // Ada deletes one of hers, and reacts to it before she has seen it go:
    // the host refuses the reaction, and her app says why, in English.
    peer.send(`say ${ADA_OOPS}`);
    const slip = await desktop(e => e.own && e.text === ADA_OOPS, 'Ada\'s slip');
    await waitForMessages(page, [ADA_OOPS]);
    peer.send(`delete ${slip.seq} ; react ${slip.seq} 😮 on`);
    await desktop(e => e.seq === slip.seq && e.deleted, 'Ada\'s deletion');
    const refused = await peer.waitFor(e => e.event === 'refused', 'the refusal of the reaction');
    assert.deepEqual(refused, {
      event: 'refused',
      seq: slip.seq,
      sentence: 'That message is no longer in the room: it was deleted, or the host keeps no more of the history.',
    });
    const slipped = page.locator(`#events li[data-seq="${slip.seq}"]`);
    await page.waitForSelector(`#events li[data-seq="${slip.seq}"].deleted`);
    assert.equal(await slipped.locator('.bubble > .text').textContent(), 'Nachricht gelöscht');
    assert.equal(await slipped.locator('.reaction').count(), 0);

    // Bob answers Ada's greeting.
    await openMenu(page, ADA_HELLO);
    await page.tap('#msg-menu .menu-item[data-menu="reply"]');
    await page.waitForSelector('#composer-context:not([hidden])');
    assert.equal(await page.textContent('#composer-context .context-label'), T('Replying to {name}').replace('{name}', 'Ada'));
    await page.keyboard.type(BOB_THANKS);
    await page.tap('#send-button');
    const thanks = await desktop(e => e.name === 'Bob' && e.text === BOB_THANKS, 'Bob\'s thanks');
    assert.deepEqual(thanks.reply, { seq: hello.seq, name: 'Ada', quote: ADA_HELLO });
    await waitForMessages(page, [BOB_THANKS]);
    await page.waitForFunction(() => document.querySelectorAll('#pending li, #events .change-status, #events .reaction.pending').length === 0);

    // Both sides agree, message by message.
    peer.send('state');
    const state = await peer.waitFor(e => e.event === 'state', 'the desktop\'s state');
    assert.deepEqual(state.messages.map(m => m.seq), [hello.seq, asks.seq, answer.seq, oops.seq, slip.seq, thanks.seq]);
    assert.deepEqual(state.messages.map(m => [m.name, m.mentions_me]),
      [['Ada', false], ['Bob', true], ['Ada', false], ['Bob', false], ['Ada', false], ['Bob', false]]);
    assert.deepEqual(await shown(page), expected(state.messages, 'Bob', T));
    assert.deepEqual(state.members, ['Ada', 'Bob']);
    for (const m of state.messages) assert.deepEqual({ event: 'message', ...m }, now(m.seq), 'the state is what was told last');

    // No English on the phone; a screenshot of it in German.
    await german.assertGerman(page, 'the conversation on the phone');
    await page.evaluate(() => { document.querySelector('#log').scrollTop = 1e9; });
    await page.screenshot({ path: screenshotPath('twolanguages-phone-de.png') });
    assert.deepEqual(page.problems, []);
  });

  it('a late member in an English browser sees the same conversation, in English', async () => {
    const cy = await newPage(browser, { locale: 'en-US' });
    await joinRoom(cy.page, { origin }, ready.code, 'Cy');
    await peer.waitFor(e => e.event === 'member' && e.name === 'Cy' && e.joined, 'Cy joining');
    assert.equal(await cy.page.getAttribute('html', 'lang'), 'en');
    await waitForMessages(cy.page, [BOB_THANKS]);
    peer.send('state');
    const state = await peer.waitFor(e => e.event === 'state' && e.members.includes('Cy'), 'the desktop\'s state with Cy');
    const english = msgid => msgid;
    assert.deepEqual(await shown(cy.page), expected(state.messages, 'Cy', english));
    assert.equal(await cy.page.locator('#events li.msg.deleted .text', { hasText: 'Message deleted' }).count(), 2);
    assert.equal(await cy.page.locator('#events .edited', { hasText: /^edited$/ }).count(), 2);
    // Bob's phone has nothing new but Cy.
    const T = german._;
    assert.deepEqual(await shown(bob.page), expected(state.messages, 'Bob', T));
    await cy.page.screenshot({ path: screenshotPath('twolanguages-late-en.png') });
    assert.deepEqual(cy.page.problems, []);
    await cy.context.close();
    assert.deepEqual(await peer.stop(), { code: 0, signal: null });
  });
});
