// data/web/i18n.js on its own, in Node: placeholders, and gettext's
// Plural-Forms expressions worked out without eval.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { _, ngettext, format, formatNodes, compilePlural, LANGUAGE } from '../../data/web/i18n.js';

describe('i18n.js', () => {
  it('is English without a page, and gives back what it is given', () => {
    assert.equal(LANGUAGE, 'en');
    assert.equal(_('Leave'), 'Leave');
    assert.equal(ngettext('{n} new message', '{n} new messages', 1), '{n} new message');
    assert.equal(ngettext('{n} new message', '{n} new messages', 0), '{n} new messages');
    assert.equal(ngettext('{n} new message', '{n} new messages', 7), '{n} new messages');
  });

  it('fills named placeholders, and only those it is given', () => {
    assert.equal(format('{name} joined the room', { name: 'Ada' }), 'Ada joined the room');
    assert.equal(format('{n} of {max} characters', { n: 3600, max: 4000 }), '3600 of 4000 characters');
    assert.equal(format('{a}{a} {b}', { a: 'x' }), 'xx {b}');
    // A value is text, never a pattern: "$&" and braces stay as they are.
    assert.equal(format('{name} left', { name: '$& {name} <b>' }), '$& {name} <b> left');
    assert.equal(format('{toString} {__proto__}', {}), '{toString} {__proto__}');
  });

  it('fills placeholders with nodes for append()', () => {
    const node = { node: true };
    assert.deepEqual(formatNodes('{name} joined the room', { name: node }), [node, ' joined the room']);
    assert.deepEqual(formatNodes('Mit dem Code {code} beitreten.', { code: node }), ['Mit dem Code ', node, ' beitreten.']);
    assert.deepEqual(formatNodes('{a} and {b}', { a: 'x', b: 2 }), ['x', ' and ', '2']);
    assert.deepEqual(formatNodes('nothing here', {}), ['nothing here']);
  });

  it('works out the plural forms of gettext catalogues', () => {
    const cases = [
      ['(n != 1)', [0, 1, 2, 5, 21], [1, 0, 1, 1, 1]],
      ['n != 1', [1, 2], [0, 1]],
      ['(n > 1)', [0, 1, 2], [0, 0, 1]],
      ['0', [0, 1, 99], [0, 0, 0]],
      // Polish
      ['(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)',
        [1, 2, 4, 5, 12, 22, 25, 112, 122], [0, 1, 1, 2, 2, 1, 2, 2, 1]],
      // Russian
      ['(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)',
        [1, 11, 21, 2, 12, 22, 5, 111], [0, 2, 0, 1, 2, 1, 2, 2]],
      // Arabic
      ['(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)',
        [0, 1, 2, 3, 11, 100, 102], [0, 1, 2, 3, 4, 5, 5]],
      // Slovenian
      ['(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3)', [1, 2, 3, 5, 101], [0, 1, 2, 3, 0]],
    ];
    for (const [expr, ns, want] of cases) {
      const rule = compilePlural(expr);
      assert.ok(rule, expr);
      assert.deepEqual(ns.map(rule), want, expr);
    }
  });

  it('refuses what is not a plural expression, rather than run it', () => {
    for (const expr of ['', 'n >', '(n', 'alert(1)', 'n ? 1', 'n; 1', 'window', 'n != 1)', '1 +']) {
      assert.equal(compilePlural(expr), null, expr);
    }
    // Dividing by zero gives 0, not NaN.
    assert.equal(compilePlural('n % 0')(5), 0);
    assert.equal(compilePlural('n / 0')(5), 0);
  });
});
