// The page's record of the conversation and its mentions, without a browser:
// changes applied twice, in any mix of history and live, end in the same
// state; mentions follow PROTOCOL.md's rules.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageStore, quoteOf } from '../../data/web/convo.js';
import { findMentions, mentions, mentionAtCaret, foldName } from '../../data/web/mentions.js';

const ts = '2026-11-24T09:15:00.000Z';
const message = (seq, name, text, more = {}) => ({ type: 'message', seq, ts, name, text, id: `m${seq}`, ...more });
const edited = (seq, target, text) => ({ type: 'edited', seq, ts, name: 'Ada', id: `e${seq}`, target, text });
const deleted = (seq, target) => ({ type: 'deleted', seq, ts, name: 'Ada', id: `d${seq}`, target });
const reacted = (seq, target, name, emoji, on) => ({ type: 'reacted', seq, ts, name, id: `r${seq}`, target, emoji, on });

function state (store) {
  return [...store.messages.values()].map(m => ({
    seq: m.seq, text: m.text, edited: m.edited, deleted: m.deleted,
    quote: m.reply ? m.reply.text : null, reactions: Object.fromEntries(m.reactions),
  }));
}

describe('the record of the conversation', () => {
  const live = [
    message(1, 'Ada', 'Lunch?'),
    message(2, 'Bob', 'Yes', { reply: { seq: 1, name: 'Ada', text: 'Lunch?' } }),
    reacted(3, 1, 'Bob', '👍', true),
    reacted(4, 1, 'Cy', '👍', true),
    edited(5, 1, 'Lunch at noon?'),
    reacted(6, 1, 'Bob', '👍', false),
    reacted(7, 1, 'Bob', '🎉', true),
    message(8, 'Ada', 'typo'),
    message(9, 'Bob', 'What?', { reply: { seq: 8, name: 'Ada', text: 'typo' } }),
    deleted(10, 8),
  ];
  // The same, as the host's history has it after all of them: messages as they are now.
  const history = [
    message(1, 'Ada', 'Lunch at noon?', { edited: true, reactions: { '👍': ['Cy'], '🎉': ['Bob'] } }),
    message(2, 'Bob', 'Yes', { reply: { seq: 1, name: 'Ada', text: 'Lunch?' } }),
    ...live.slice(2, 7),
    message(8, 'Ada', '', { deleted: true }),
    message(9, 'Bob', 'What?', { reply: { seq: 8, name: 'Ada', text: '' } }),
    deleted(10, 8),
  ];
  const want = [
    { seq: 1, text: 'Lunch at noon?', edited: true, deleted: false, quote: null, reactions: { '👍': ['Cy'], '🎉': ['Bob'] } },
    { seq: 2, text: 'Yes', edited: false, deleted: false, quote: 'Lunch?', reactions: {} },
    { seq: 8, text: '', edited: false, deleted: true, quote: null, reactions: {} },
    { seq: 9, text: 'What?', edited: false, deleted: false, quote: '', reactions: {} },
  ];

  function feed (store, events) {
    for (const ev of events) {
      if (ev.type === 'message') store.add(ev, ev.name === 'Ada');
      else store.apply(ev);
    }
  }

  it('live events give the current state', () => {
    const store = new MessageStore();
    feed(store, live);
    assert.deepEqual(state(store), want);
  });

  it('a late joiner\'s history gives the same state', () => {
    const store = new MessageStore();
    feed(store, history);
    assert.deepEqual(state(store), want);
  });

  it('every change applied twice, and the history after the live events, change nothing', () => {
    const store = new MessageStore();
    for (const ev of live) feed(store, [ev, ev]);
    feed(store, history);
    for (const ev of history) if (ev.type === 'message') store.refresh(ev);
    assert.deepEqual(state(store), want);
  });

  it('a change to a message it does not know, or one deleted, is nothing', () => {
    const store = new MessageStore();
    feed(store, live);
    assert.deepEqual(store.apply(edited(11, 99, 'x')), []);
    assert.deepEqual(store.apply(edited(12, 8, 'back?')), []);
    assert.deepEqual(store.apply(reacted(13, 8, 'Bob', '👍', true)), []);
    assert.deepEqual(store.apply(reacted(14, 1, 'Bob', '👎', true)), [], 'not one of the six');
    assert.deepEqual(state(store), want);
  });

  it('a delete takes the text from the quotes of it, and says which messages changed', () => {
    const store = new MessageStore();
    feed(store, live.slice(0, 9));
    assert.deepEqual(store.apply(deleted(10, 8)).map(m => m.seq), [8, 9]);
    assert.deepEqual(store.apply(deleted(10, 8)), []);
  });

  it('the last own text is what ArrowUp edits', () => {
    const store = new MessageStore();
    feed(store, live);
    assert.equal(store.lastOwnText().seq, 1, 'the newest own message is deleted');
  });

  it('a quote is the first line, at most 100 characters', () => {
    assert.equal(quoteOf('one\ntwo'), 'one');
    assert.equal(quoteOf('😀'.repeat(150)), '😀'.repeat(100));
  });
});

describe('mentions', () => {
  const names = ['Ada', 'Ada Lovelace', 'Bob', 'Straße'];

  it('"@" and a name, at the start or after white space, before the end, white space or punctuation', () => {
    assert.deepEqual(findMentions('@Ada hi', names).map(m => m.name), ['Ada']);
    assert.deepEqual(findMentions('hi @Bob.', names).map(m => m.name), ['Bob']);
    assert.deepEqual(findMentions('hi\n@bob!', names).map(m => m.name), ['Bob']);
    assert.deepEqual(findMentions('mail@Ada @Adam @Bobby', names), []);
  });

  it('the longest name wins, compared as the host compares names', () => {
    const found = findMentions('@Ada Lovelace, and @ＡＤＡ: and @STRASSE', names);
    assert.deepEqual(found.map(m => m.name), ['Ada Lovelace', 'Ada', 'Straße']);
    assert.deepEqual(found.map(m => [m.start, m.end]), [[0, 13], [19, 23], [29, 37]]);
    assert.equal(foldName('ＡＤＡ'), foldName('ada'));
  });

  it('says whether a text names me', () => {
    assert.equal(mentions('hey @ada', ['Bob'], 'Ada'), true);
    assert.equal(mentions('hey @Ada Lovelace', ['Ada Lovelace'], 'Ada'), false, 'a longer name wins');
    assert.equal(mentions('hey ada', [], 'Ada'), false);
    assert.equal(mentions('thanks @Ada😀', ['Ada'], 'Ada'), true, 'a symbol ends a name');
    assert.equal(mentions('thanks @Adam', ['Ada'], 'Ada'), false, 'a letter does not');
  });

  it('finds what is typed at the caret', () => {
    assert.deepEqual(mentionAtCaret('hi @Ad', 6), { start: 3, query: 'Ad' });
    assert.deepEqual(mentionAtCaret('@', 1), { start: 0, query: '' });
    assert.equal(mentionAtCaret('mail@Ad', 7), null);
    assert.equal(mentionAtCaret('@Ad\nx', 5), null);
  });
});
