// Reactions under a message: a chip for each emoji with its count (yours
// pressed; a tap adds or takes back yours), who reacted on hover, focus or
// a long press, and the picker of the six emoji.

import { el } from './dom.js';
import { _, ngettext, format } from './i18n.js';
import { EMOJI } from './convo.js';

// Every sentence and label this module shows, in one place.
const T = {
  you: _('You'),
  // Translators: who reacted, as in "Ada, Bob and Cy"
  names: list => {
    if (list.length <= 1) return list.join('');
    return format(_('{names} and {last}'), {
      // Translators: what separates the names in "Ada, Bob and Cy"
      names: list.slice(0, -1).join(_(', ')),
      last: list[list.length - 1],
    });
  },
  chipLabel: (emoji, count, mine) => format(mine
    ? ngettext('{emoji} {n} reaction, yours among them: press to take yours back',
      '{emoji} {n} reactions, yours among them: press to take yours back', count)
    : ngettext('{emoji} {n} reaction: press to add yours', '{emoji} {n} reactions: press to add yours', count),
  { emoji, n: count }),
  emojiName: {
    '👍': _('thumbs up'), '❤️': _('heart'), '😂': _('laughing'), '😮': _('surprised'), '😢': _('sad'), '🎉': _('celebration'),
  },
  react: emoji => format(_('React with {emoji}'), { emoji }),
  unreact: emoji => format(_('Take back your {emoji}'), { emoji }),
  picker: _('Reactions'),
  // Translators: an emoji and who reacted with it, as in "👍 You and Ada"
  reacted: (emoji, who) => format(_('{emoji} {who}'), { emoji, who }),
};

// A touch held this long on a chip shows who reacted instead of toggling.
const LONG_PRESS_MS = 500;

/** Who reacted, as a sentence: "You, Ada and Bob" (you first, then oldest first). */
export function whoReacted (names, me) {
  const list = names.includes(me) ? [T.you, ...names.filter(n => n !== me)] : names.slice();
  return T.names(list);
}

/**
 * The chips of one message, updated in place (so a chip keeps the focus).
 * shown: Map emoji → {names, mine}.
 */
export function renderReactions (row, shown, me) {
  const keep = new Set();
  for (const emoji of EMOJI) {
    const r = shown.get(emoji);
    if (!r || r.names.length === 0) continue;
    keep.add(emoji);
    let chip = row.querySelector(`button[data-emoji="${emoji}"]`);
    if (!chip) {
      chip = el('button', { class: 'reaction', type: 'button', dataset: { emoji } },
        el('span', { class: 'reaction-emoji', 'aria-hidden': 'true', text: emoji }),
        el('span', { class: 'reaction-count', 'aria-hidden': 'true' }));
      // In the order of EMOJI, whatever came first.
      const after = [...row.children].find(c => EMOJI.indexOf(c.dataset.emoji) > EMOJI.indexOf(emoji));
      row.insertBefore(chip, after || null);
    }
    const count = r.names.length;
    chip.querySelector('.reaction-count').textContent = String(count);
    chip.setAttribute('aria-pressed', r.mine ? 'true' : 'false');
    chip.setAttribute('aria-label', T.chipLabel(emoji, count, r.mine));
    chip.dataset.who = T.reacted(emoji, whoReacted(r.names, me));
    chip.classList.toggle('pending', !!r.pending);
  }
  for (const chip of [...row.children]) if (!keep.has(chip.dataset.emoji)) chip.remove();
  row.hidden = keep.size === 0;
}

/**
 * Who reacted with a chip, in a tooltip by the chip: on hover, on keyboard
 * focus, and on a long press (which then does not toggle). Screen readers
 * get it as the chip's description.
 */
export class ReactionTip {
  constructor (container) {
    this.tip = el('div', { id: 'reaction-tip', class: 'reaction-tip', role: 'tooltip', hidden: true });
    container.append(this.tip);
    this.chip = null;
    this.pressTimer = 0;
    this.pressed = null;      // the chip a long press showed, whose click is swallowed
    this.by = '';             // what showed the tip
    // Over a chip (also one that was just drawn under a still mouse).
    const over = ev => {
      if (ev.pointerType !== 'mouse') return;
      const chip = ev.target.closest('.reaction');
      if (this.by === 'press') return;
      if (chip !== this.chip || (chip && this.tip.textContent !== chip.dataset.who)) this.show(chip, 'mouse');
    };
    container.addEventListener('pointerover', over);
    container.addEventListener('pointermove', over);
    container.addEventListener('pointerout', ev => {
      if (ev.pointerType === 'mouse' && this.by === 'mouse' && !ev.relatedTarget?.closest?.('.reaction')) this.hide();
    });
    container.addEventListener('focusin', ev => {
      const chip = ev.target.closest('.reaction');
      // A chip focused by a touch or a click keeps what the pointer showed.
      if (chip && chip.matches(':focus-visible')) this.show(chip, 'focus');
    });
    container.addEventListener('focusout', ev => {
      if (this.by === 'focus' && ev.target === this.chip) this.hide();
    });
    // What a long press showed stays until the next touch.
    document.addEventListener('pointerdown', ev => {
      if (this.by === 'press' && ev.pointerType !== 'mouse') this.hide();
    }, true);
    container.addEventListener('pointerdown', ev => {
      const chip = ev.target.closest('.reaction');
      if (!chip || ev.pointerType === 'mouse') return;
      clearTimeout(this.pressTimer);
      this.pressTimer = setTimeout(() => {
        this.pressed = chip;
        this.show(chip, 'press');
      }, LONG_PRESS_MS);
    });
    for (const type of ['pointerup', 'pointercancel', 'pointermove']) {
      container.addEventListener(type, ev => {
        if (type === 'pointermove' && (Math.abs(ev.movementX) + Math.abs(ev.movementY) < 6)) return;
        clearTimeout(this.pressTimer);
      });
    }
    document.addEventListener('keydown', ev => { if (ev.key === 'Escape') this.hide(); });
    document.addEventListener('scroll', () => this.hide(), true);
  }

  /** A click that ends a long press shows who reacted and does not toggle. */
  swallows (chip) {
    if (this.pressed !== chip) return false;
    this.pressed = null;
    return true;
  }

  /** by: 'mouse', 'focus' or 'press': what showed it, and so what hides it. */
  show (chip, by) {
    if (!chip || !chip.dataset.who) {
      this.hide();
      return;
    }
    this.chip = chip;
    this.by = by;
    this.tip.textContent = chip.dataset.who;
    this.tip.hidden = false;
    chip.setAttribute('aria-describedby', 'reaction-tip');
    const r = chip.getBoundingClientRect();
    const box = this.tip.offsetParent ? this.tip.offsetParent.getBoundingClientRect() : { left: 0, top: 0, width: innerWidth };
    const w = this.tip.offsetWidth;
    const left = Math.max(4, Math.min(r.left - box.left + r.width / 2 - w / 2, box.width - w - 4));
    this.tip.style.left = `${Math.round(left)}px`;
    this.tip.style.top = `${Math.round(r.top - box.top - this.tip.offsetHeight - 6)}px`;
  }

  /** The chips were drawn again: the tip follows its chip, or goes with it. */
  refresh () {
    if (!this.chip) return;
    if (!this.chip.isConnected || !this.chip.dataset.who) this.hide();
    else if (this.tip.textContent !== this.chip.dataset.who) this.show(this.chip, this.by);
  }

  hide () {
    if (this.chip) this.chip.removeAttribute('aria-describedby');
    this.chip = null;
    this.by = '';
    this.tip.hidden = true;
  }
}

/**
 * The six emoji in a row of toggle buttons: in the picker by a message's
 * "Add reaction", and in its menu. mine: Set of the emoji that are yours.
 */
export function emojiRow (mine, className = 'emoji-row') {
  return el('div', { class: className, role: 'group', 'aria-label': T.picker },
    ...EMOJI.map(emoji => el('button', {
      class: 'emoji-choice',
      type: 'button',
      dataset: { emoji },
      'aria-pressed': mine.has(emoji) ? 'true' : 'false',
      'aria-label': mine.has(emoji) ? T.unreact(emoji) : T.react(emoji),
      title: T.emojiName[emoji],
      text: emoji,
    })));
}

/** Left and right arrows move between the buttons of a row. */
export function arrowsMove (row, ev) {
  if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight' && ev.key !== 'Home' && ev.key !== 'End') return false;
  const buttons = [...row.querySelectorAll('button')];
  const i = buttons.indexOf(document.activeElement);
  if (i < 0) return false;
  let j = i;
  if (ev.key === 'ArrowLeft') j = (i + buttons.length - 1) % buttons.length;
  else if (ev.key === 'ArrowRight') j = (i + 1) % buttons.length;
  else if (ev.key === 'Home') j = 0;
  else j = buttons.length - 1;
  buttons[j].focus();
  ev.preventDefault();
  return true;
}

export const REACTION_SENTENCES = T;
