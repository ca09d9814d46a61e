// Replies and edits in the composer: "Replying to NAME" or "Editing your
// message" above it, with Cancel (and Escape); the quote a reply shows in
// its bubble, which takes you to the original.

import { el } from './dom.js';
import { _, format } from './i18n.js';
import { quoteOf } from './convo.js';

// Every sentence and label this module shows, in one place.
const T = {
  replyingTo: name => format(_('Replying to {name}'), { name }),
  editing: _('Editing your message'),
  cancelReply: _('Cancel the reply'),
  cancelEdit: _('Cancel editing'),
  deleted: _('Message deleted'),
  file: _('File'),
  quoteLabel: (name, text) => format(_('In reply to {name}: {text}. Show the original message.'), { name, text }),
  you: _('You'),
  gone: _('The original message is no longer kept in this room.'),
};

/** The quote in a reply's bubble: a button that takes you to the original. */
export function quoteNode (reply, me) {
  const name = reply.name === me ? T.you : reply.name;
  const deleted = reply.text === '';
  const text = deleted ? T.deleted : reply.text;
  return el('button', {
    class: deleted ? 'quote deleted' : 'quote',
    type: 'button',
    dataset: { quote: String(reply.seq) },
    'aria-label': T.quoteLabel(name, text),
  },
  el('span', { class: 'quote-name', text: name }),
  el('span', { class: 'quote-text', text }));
}

/** Scroll to message `seq` and mark it for a moment; returns false when it is not in the page. */
export function jumpTo (seq) {
  const li = document.querySelector(`#events li.msg[data-seq="${seq}"]`);
  if (!li) return false;
  const reduce = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  li.scrollIntoView({ block: 'center', behavior: reduce ? 'auto' : 'smooth' });
  li.classList.remove('flash');
  // Restart the animation when it is still running.
  void li.offsetWidth;
  li.classList.add('flash');
  setTimeout(() => li.classList.remove('flash'), 2000);
  li.focus({ preventScroll: true });
  return true;
}

export const REPLY_SENTENCES = T;

/**
 * The banner over the composer. mode: null, {kind: 'reply', message} or
 * {kind: 'edit', message}, message being a MessageStore record.
 *
 * hooks: cancelled() when Cancel is pressed
 */
export class ComposerContext {
  constructor (composer, hooks) {
    this.hooks = hooks;
    this.mode = null;
    this.label = el('span', { class: 'context-label' });
    this.quote = el('span', { class: 'context-quote' });
    this.cancel = el('button', { class: 'context-cancel', type: 'button' },
      el('span', { 'aria-hidden': 'true', text: '×' }));
    this.box = el('div', { id: 'composer-context', class: 'composer-context', hidden: true },
      el('span', { class: 'context-icon', 'aria-hidden': 'true' }),
      el('span', { class: 'context-text' }, this.label, this.quote),
      this.cancel);
    composer.prepend(this.box);
    this.cancel.addEventListener('click', () => this.hooks.cancelled());
  }

  set (mode, me) {
    this.mode = mode;
    const box = this.box;
    if (!mode) {
      box.hidden = true;
      return;
    }
    const m = mode.message;
    box.classList.toggle('editing', mode.kind === 'edit');
    if (mode.kind === 'reply') {
      this.label.textContent = T.replyingTo(m.name === me ? T.you : m.name);
      this.quote.textContent = m.file ? quoteOf(m.file.name || T.file) : quoteOf(m.text);
      this.cancel.setAttribute('aria-label', T.cancelReply);
    } else {
      this.label.textContent = T.editing;
      this.quote.textContent = quoteOf(m.text);
      this.cancel.setAttribute('aria-label', T.cancelEdit);
    }
    this.cancel.title = this.cancel.getAttribute('aria-label');
    box.hidden = false;
  }
}
