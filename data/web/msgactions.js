// What can be done with a message, and the ways to reach it: a toolbar on
// hover or focus (React, Reply, Edit, Delete), the picker of reactions, a
// menu (a sheet from the bottom on a phone) opened by a tap or a long
// press, a right click with a finger, or Enter on a focused message, and
// the question before a delete. Keys on a focused message: R replies, E
// edits, Delete deletes, + reacts, Enter opens the menu; the arrow keys
// move between messages, Escape goes back to the composer.

import { el } from './dom.js';
import { _, format } from './i18n.js';
import { emojiRow, arrowsMove, whoReacted } from './reactions.js';
import { EMOJI, quoteOf } from './convo.js';

// Every sentence and label this module shows, in one place.
const T = {
  toolbar: _('Message actions'),
  react: _('Add a reaction'),
  reply: _('Reply'),
  edit: _('Edit'),
  delete: _('Delete'),
  cancel: _('Cancel'),
  // Translators: a button's name and its key, as in "Reply (R)"
  withKey: (label, key) => format(_('{label} ({key})'), { label, key }),
  menuTitle: name => format(_('Message from {name}'), { name }),
  menuOwnTitle: _('Your message'),
  file: _('File'),
  confirmTitle: _('Delete this message?'),
  confirmText: _('Everyone in the room will see “Message deleted” in its place.'),
  confirmDelete: _('Delete'),
};

// The keys of a message's actions: their aria-keyshortcuts names, and as a
// keyboard shows them.
const KEYS = { react: '+', reply: 'R', edit: 'E', delete: 'Delete' };
const KEY_LABELS = {
  react: '+',
  reply: 'R',
  edit: 'E',
  // Translators: the Delete key, as keyboards write it
  delete: _('Del'),
};

// A touch held this long on a message opens its menu.
const LONG_PRESS_MS = 500;
const SVG_NS = 'http://www.w3.org/2000/svg';
const ICONS = {
  react: 'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 3a5 5 0 1 1 0 10A5 5 0 0 1 8 3zM5.8 5.5a1 1 0 1 0 0 2 1 1 0 0 0 0-2zm4.4 0a1 1 0 1 0 0 2 1 1 0 0 0 0-2zM4.9 9c.6 1.3 1.8 2.2 3.1 2.2s2.5-.9 3.1-2.2z',
  reply: 'M6.5 2.3 1.2 7.2l5.3 4.9V9c3.3 0 5.6 1 7.3 3.7-.6-3.6-2.6-6.6-7.3-7.2z',
  edit: 'M11.6 1.6a1.6 1.6 0 0 1 2.3 0l.5.5a1.6 1.6 0 0 1 0 2.3L5.8 13 2 14l1-3.8zm-1 2.1L4.3 10l-.6 2.3 2.3-.6 6.3-6.3z',
  delete: 'M6 1.5 5.5 2H2.5v1.5h11V2h-3L10 1.5zM3.5 4.5l.8 9.2A1.5 1.5 0 0 0 5.8 15h4.4a1.5 1.5 0 0 0 1.5-1.3l.8-9.2zm2 1.5h1.2l.3 7H5.8zm3.8 0h1.2l-.3 7H9z',
};

function icon (name) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'button-icon');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

function actionButton (action, label) {
  const keys = KEYS[action];
  return el('button', {
    class: `msg-action msg-action-${action}`,
    type: 'button',
    tabindex: '-1',
    dataset: { action },
    'aria-label': label,
    'aria-keyshortcuts': keys,
    title: T.withKey(label, KEY_LABELS[action]),
  }, icon(action));
}

/** The toolbar of one message; which buttons it has depends on what it allows. */
export function toolbar (allows) {
  return el('div', { class: 'msg-actions', role: 'toolbar', 'aria-label': T.toolbar },
    allows.react ? actionButton('react', T.react) : null,
    allows.reply ? actionButton('reply', T.reply) : null,
    allows.edit ? actionButton('edit', T.edit) : null,
    allows.delete ? actionButton('delete', T.delete) : null);
}

/**
 * hooks:
 *   message(seq)           the record of message seq (MessageStore), or null
 *   allows(m)              {react, reply, edit, delete} for that record
 *   reactionsOf(m)         Map emoji → {names, mine} as shown
 *   me()                   one's own name
 *   reply(seq), edit(seq), remove(seq), toggle(seq, emoji)
 *   composer()             focus the composer
 */
export class MessageActions {
  constructor (log, events, container, hooks) {
    this.log = log;
    this.events = events;
    this.hooks = hooks;
    this.current = null;       // the message whose controls are in the tab order
    this.pressTimer = 0;
    this.pressed = false;      // a long press opened the menu: the click after it is not a tap
    this.lastPointer = '';
    this.picker = el('div', { id: 'react-picker', class: 'react-picker', hidden: true });
    container.append(this.picker);
    this.pickerSeq = 0;
    this.buildMenu();
    this.buildConfirm();
    this.wire();
  }

  // ---- the log ----

  messages () {
    return [...this.events.querySelectorAll('li.msg[data-seq]')];
  }

  wire () {
    const events = this.events;
    events.addEventListener('click', ev => {
      const li = ev.target.closest('li.msg[data-seq]');
      if (!li) return;
      const seq = Number(li.dataset.seq);
      const action = ev.target.closest('.msg-action');
      if (action) {
        ev.stopPropagation();
        this.act(action.dataset.action, seq, action);
        return;
      }
      if (this.pressed) {
        this.pressed = false;
        ev.preventDefault();
        return;
      }
      // A tap with a finger on a message (not on a link, a picture, a quote
      // or a reaction) opens its menu.
      if (ev.pointerType === 'touch' && !ev.target.closest('a, button, .thumb')) this.openMenu(seq);
    });
    events.addEventListener('pointerdown', ev => {
      this.lastPointer = ev.pointerType;
      const li = ev.target.closest('li.msg[data-seq]');
      clearTimeout(this.pressTimer);
      this.pressed = false;
      if (!li || ev.pointerType === 'mouse' || ev.target.closest('.reaction')) return;
      this.pressTimer = setTimeout(() => {
        this.pressed = true;
        this.openMenu(Number(li.dataset.seq));
      }, LONG_PRESS_MS);
    });
    const stop = () => clearTimeout(this.pressTimer);
    events.addEventListener('pointerup', stop);
    events.addEventListener('pointercancel', stop);
    events.addEventListener('pointermove', ev => {
      if (Math.abs(ev.movementX) + Math.abs(ev.movementY) > 6) stop();
    });
    // A long press on Android comes as a context menu: ours, not the browser's.
    events.addEventListener('contextmenu', ev => {
      const li = ev.target.closest('li.msg[data-seq]');
      if (!li || this.lastPointer !== 'touch' || ev.target.closest('a, .thumb')) return;
      ev.preventDefault();
      if (!this.menu.open) {
        this.pressed = true;
        this.openMenu(Number(li.dataset.seq));
      }
    });
    events.addEventListener('focusin', ev => {
      const li = ev.target.closest('li.msg[data-seq]');
      if (li) this.makeCurrent(li);
    });
    this.log.addEventListener('keydown', ev => this.key(ev));
    this.picker.addEventListener('click', ev => {
      const b = ev.target.closest('.emoji-choice');
      if (!b) return;
      const seq = this.pickerSeq;
      this.closePicker(true);
      this.hooks.toggle(seq, b.dataset.emoji);
    });
    this.picker.addEventListener('keydown', ev => {
      if (arrowsMove(this.picker, ev)) return;
      if (ev.key === 'Escape' || ev.key === 'Tab') {
        ev.preventDefault();
        this.closePicker(true);
      }
    });
    document.addEventListener('pointerdown', ev => {
      if (!this.picker.hidden && !this.picker.contains(ev.target) && !ev.target.closest('.msg-action-react')) {
        this.closePicker(false);
      }
    }, true);
  }

  /** The focused message's controls join the tab order; the others' leave it. */
  makeCurrent (li) {
    if (this.current === li) return;
    if (this.current) for (const b of this.current.querySelectorAll('.msg-action, .reaction, .quote')) b.tabIndex = -1;
    this.current = li;
    for (const b of li.querySelectorAll('.msg-action, .reaction, .quote')) b.tabIndex = 0;
  }

  /** Controls rebuilt in a message keep its place in the tab order. */
  refreshTabOrder (li) {
    const tab = li === this.current ? 0 : -1;
    for (const b of li.querySelectorAll('.msg-action, .reaction, .quote')) b.tabIndex = tab;
  }

  key (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.isComposing) return;
    const focused = document.activeElement;
    const list = this.messages();
    if (focused === this.log) {
      // From the log itself the arrows go to the newest message.
      if ((ev.key === 'ArrowUp' || ev.key === 'End') && list.length > 0) {
        ev.preventDefault();
        list[list.length - 1].focus();
      } else if (ev.key === 'Home' && list.length > 0) {
        ev.preventDefault();
        list[0].focus();
      }
      return;
    }
    if (!focused || !focused.matches('li.msg[data-seq]')) return;
    const i = list.indexOf(focused);
    const seq = Number(focused.dataset.seq);
    const m = this.hooks.message(seq);
    const allows = m ? this.hooks.allows(m) : {};
    let handled = true;
    switch (ev.key) {
      case 'ArrowUp': if (i > 0) list[i - 1].focus(); break;
      case 'ArrowDown':
        if (i >= 0 && i < list.length - 1) list[i + 1].focus();
        else this.hooks.composer();
        break;
      case 'Home': if (list.length) list[0].focus(); break;
      case 'End': if (list.length) list[list.length - 1].focus(); break;
      case 'Escape': this.hooks.composer(); break;
      case 'Enter':
      case 'ContextMenu':
        this.openMenu(seq);
        break;
      case 'F10':
        if (ev.shiftKey) this.openMenu(seq);
        else handled = false;
        break;
      case 'r': case 'R':
        if (allows.reply) this.hooks.reply(seq);
        else handled = false;
        break;
      case 'e': case 'E':
        if (allows.edit) this.hooks.edit(seq);
        else handled = false;
        break;
      case 'Delete': case 'Backspace':
        if (allows.delete) this.confirmDelete(seq);
        else handled = false;
        break;
      case '+': case '=':
        if (allows.react) this.openPicker(seq, focused.querySelector('.msg-action-react') || focused);
        else handled = false;
        break;
      default: handled = false;
    }
    if (handled) ev.preventDefault();
  }

  act (action, seq, button) {
    switch (action) {
      case 'react': this.openPicker(seq, button); break;
      case 'reply': this.hooks.reply(seq); break;
      case 'edit': this.hooks.edit(seq); break;
      case 'delete': this.confirmDelete(seq); break;
      default: break;
    }
  }

  // ---- the picker ----

  openPicker (seq, anchor) {
    const m = this.hooks.message(seq);
    if (!m) return;
    if (!this.picker.hidden && this.pickerSeq === seq) {
      this.closePicker(true);
      return;
    }
    this.pickerSeq = seq;
    this.pickerAnchor = anchor;
    const mine = new Set([...this.hooks.reactionsOf(m)].filter(([, r]) => r.mine).map(([e]) => e));
    this.picker.replaceChildren(emojiRow(mine, 'emoji-row picker-row'));
    this.picker.hidden = false;
    const box = this.picker.offsetParent.getBoundingClientRect();
    const r = anchor.getBoundingClientRect();
    const w = this.picker.offsetWidth;
    const h = this.picker.offsetHeight;
    const left = Math.max(4, Math.min(r.right - box.left - w, box.width - w - 4));
    let top = r.top - box.top - h - 6;
    if (top < 4) top = r.bottom - box.top + 6;
    this.picker.style.left = `${Math.round(left)}px`;
    this.picker.style.top = `${Math.round(top)}px`;
    this.picker.querySelector('.emoji-choice').focus();
  }

  closePicker (refocus) {
    if (this.picker.hidden) return;
    this.picker.hidden = true;
    const li = this.events.querySelector(`li.msg[data-seq="${this.pickerSeq}"]`);
    if (refocus && li) li.focus();
  }

  // ---- the menu ----

  buildMenu () {
    this.menuTitle = el('h2', { id: 'msg-menu-title', class: 'sheet-title menu-title' });
    this.menuQuote = el('p', { class: 'menu-quote' });
    this.menuEmoji = el('div', { class: 'menu-emoji' });
    this.menuWho = el('ul', { class: 'menu-who' });
    this.menuActions = el('div', { class: 'menu-actions' });
    this.menu = el('dialog', { id: 'msg-menu', class: 'sheet msg-menu', 'aria-labelledby': 'msg-menu-title' },
      this.menuTitle, this.menuQuote, this.menuEmoji, this.menuWho, this.menuActions,
      el('div', { class: 'sheet-actions' },
        el('button', { class: 'button', type: 'button', dataset: { menu: 'cancel' }, text: T.cancel })));
    document.getElementById('room').append(this.menu);
    // The finger that opened the menu with a long press is lifted over it:
    // that is no choice. The next touch starts afresh.
    this.menu.addEventListener('pointerdown', () => { this.pressed = false; });
    this.menu.addEventListener('click', ev => {
      if (this.pressed) {
        this.pressed = false;
        return;
      }
      if (ev.target === this.menu) {
        this.closeMenu();   // the backdrop
        return;
      }
      const b = ev.target.closest('button');
      if (!b) return;
      const seq = this.menuSeq;
      if (b.dataset.emoji) {
        this.closeMenu();
        this.hooks.toggle(seq, b.dataset.emoji);
        return;
      }
      const what = b.dataset.menu;
      this.closeMenu(what === 'cancel');
      if (what === 'reply') this.hooks.reply(seq);
      else if (what === 'edit') this.hooks.edit(seq);
      else if (what === 'delete') this.confirmDelete(seq);
    });
    this.menu.addEventListener('keydown', ev => arrowsMove(this.menuEmoji, ev));
    this.menu.addEventListener('close', () => {
      if (this.menuReturn) {
        const li = this.events.querySelector(`li.msg[data-seq="${this.menuSeq}"]`);
        if (li) li.focus({ preventScroll: true });
      }
    });
  }

  openMenu (seq) {
    const m = this.hooks.message(seq);
    if (!m || m.deleted) return;
    clearTimeout(this.pressTimer);
    this.closePicker(false);
    this.menuSeq = seq;
    this.menuReturn = true;
    const me = this.hooks.me();
    const allows = this.hooks.allows(m);
    this.menuTitle.textContent = m.own ? T.menuOwnTitle : T.menuTitle(m.name);
    this.menuQuote.textContent = m.file ? quoteOf(m.file.name || T.file) : quoteOf(m.text);
    const shown = this.hooks.reactionsOf(m);
    const mine = new Set([...shown].filter(([, r]) => r.mine).map(([e]) => e));
    this.menuEmoji.replaceChildren(allows.react ? emojiRow(mine) : '');
    this.menuWho.replaceChildren(...EMOJI.filter(e => shown.has(e) && shown.get(e).names.length > 0).map(e =>
      el('li', {},
        el('span', { class: 'menu-who-emoji', text: e }),
        el('span', { class: 'menu-who-names', text: whoReacted(shown.get(e).names, me) }))));
    this.menuWho.hidden = this.menuWho.childElementCount === 0;
    const item = (what, label) => el('button', { class: 'button flat menu-item', type: 'button', dataset: { menu: what } },
      icon(what), el('span', { text: label }));
    this.menuActions.replaceChildren(
      allows.reply ? item('reply', T.reply) : '',
      allows.edit ? item('edit', T.edit) : '',
      allows.delete ? item('delete', T.delete) : '');
    if (!this.menu.open) this.menu.showModal();
    const first = this.menu.querySelector('.emoji-choice, .menu-item');
    if (first) first.focus();
  }

  closeMenu (refocus = false) {
    this.menuReturn = refocus;
    if (this.menu.open) this.menu.close();
  }

  // ---- deleting ----

  buildConfirm () {
    this.confirmSeq = 0;
    this.confirm = el('dialog', { id: 'delete-confirm', class: 'sheet confirm', 'aria-labelledby': 'delete-title',
      'aria-describedby': 'delete-text' },
    el('h2', { id: 'delete-title', class: 'sheet-title', text: T.confirmTitle }),
    el('p', { id: 'delete-text', class: 'confirm-text', text: T.confirmText }),
    el('div', { class: 'sheet-actions' },
      el('button', { id: 'delete-cancel', class: 'button', type: 'button', text: T.cancel }),
      el('button', { id: 'delete-ok', class: 'button destructive', type: 'button', text: T.confirmDelete })));
    document.getElementById('room').append(this.confirm);
    this.confirm.querySelector('#delete-cancel').addEventListener('click', () => this.confirm.close());
    this.confirm.querySelector('#delete-ok').addEventListener('click', () => {
      const seq = this.confirmSeq;
      this.confirm.close();
      this.hooks.remove(seq);
    });
    this.confirm.addEventListener('click', ev => { if (ev.target === this.confirm) this.confirm.close(); });
    this.confirm.addEventListener('close', () => {
      const li = this.events.querySelector(`li.msg[data-seq="${this.confirmSeq}"]`);
      if (!this.confirmReturn) return;
      if (li) li.focus({ preventScroll: true });
      else this.hooks.composer();
    });
  }

  confirmDelete (seq) {
    this.confirmSeq = seq;
    this.confirmReturn = true;
    if (!this.confirm.open) this.confirm.showModal();
    this.confirm.querySelector('#delete-ok').focus();
  }

  /** Close whatever is open over the room (it is left, or reset). */
  closeAll () {
    this.closePicker(false);
    this.menuReturn = false;
    if (this.menu.open) this.menu.close();
    this.confirmReturn = false;
    if (this.confirm.open) this.confirm.close();
    this.current = null;
  }
}
