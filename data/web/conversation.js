// The conversation's own features in the room page (PROTOCOL.md,
// Conversation): replies with their quotes, edits and deletes of one's own
// messages, reactions, and mentions. room.js shows each message and hands
// it here; this module keeps what is known of it (convo.js) and what of
// one's own changes is still on its way (the client's outbox), and draws
// the message as the two make it.

import { el } from './dom.js';
import { _ } from './i18n.js';
import { MessageStore, EMOJI, quoteOf } from './convo.js';
import { appendMessageText, mentions, MentionPicker, NotifySetting, notifyMention } from './mentions.js';
import { renderReactions, ReactionTip } from './reactions.js';
import { quoteNode, jumpTo, ComposerContext, REPLY_SENTENCES } from './reply.js';
import { MessageActions, toolbar } from './msgactions.js';

// Every sentence and label this module shows, in one place.
const T = {
  // Translators: said of a message whose text was changed after it was sent
  edited: _('edited'),
  editedTitle: _('This message was edited.'),
  deleted: _('Message deleted'),
  saving: _('Saving…'),
  deleting: _('Deleting…'),
  retry: _('Retry'),
  discard: _('Discard'),
  dismiss: _('Dismiss'),
  editFailed: {
    'text-invalid': _('Not saved: the server did not accept this text.'),
    'target-not-found': _('Not saved: this message is no longer in the room.'),
    'not-allowed': _('Not saved: only your own messages can be changed.'),
    'rate-limited': _('Not saved: you are changing things too fast.'),
    other: _('Not saved.'),
  },
  deleteFailed: {
    'target-not-found': _('Not deleted: this message is no longer in the room.'),
    'not-allowed': _('Not deleted: only your own messages can be deleted.'),
    'rate-limited': _('Not deleted: you are changing things too fast.'),
    other: _('Not deleted.'),
  },
  reactFailed: {
    'target-not-found': _('Your reaction did not go through: that message is no longer in the room.'),
    'rate-limited': _('Your reaction did not go through: you are reacting too fast.'),
    other: _('Your reaction did not go through.'),
  },
  emptyEdit: _('A message cannot be empty. To remove it, delete it instead.'),
  replyGone: _('The message you were replying to was deleted.'),
  editGone: _('The message you were editing was deleted.'),
};

export const CONVERSATION_SENTENCES = T;

/**
 * view: {events, pending, log, input, composer, container, membersPanel, members() → names,
 *        me() → own name, room() → code, toast(sentence), focusComposer(),
 *        composerChanged()}
 * actions: {say(text, reply), edit(seq, text), remove(seq), react(seq, emoji, on),
 *           retry(id), discard(id)}
 */
export class Conversation {
  constructor (view, actions) {
    this.view = view;
    this.actions = actions;
    this.store = new MessageStore();
    this.pending = new Map();      // id → an own change on its way (outbox item)
    this.mode = null;              // {kind: 'reply' | 'edit', message}
    this.draft = '';               // the composer's text before an edit took it
    this.context = new ComposerContext(view.composer, { cancelled: () => this.cancelMode() });
    this.picker = new MentionPicker(view.input, {
      names: () => this.view.members().filter(n => n !== this.view.me()),
    });
    this.tip = new ReactionTip(view.container);
    this.notifySetting = new NotifySetting(view.membersPanel);
    this.menu = new MessageActions(view.log, view.events, view.container, {
      message: seq => this.store.get(seq),
      allows: m => this.allows(m),
      reactionsOf: m => this.shownReactions(m),
      me: () => this.view.me(),
      reply: seq => this.startReply(seq),
      edit: seq => this.startEdit(seq),
      remove: seq => this.remove(seq),
      toggle: (seq, emoji) => this.toggle(seq, emoji),
      composer: () => this.view.focusComposer(),
    });
    view.events.addEventListener('click', ev => this.click(ev));
    view.pending.addEventListener('click', ev => {
      const quote = ev.target.closest('.quote');
      if (quote) this.jump(Number(quote.dataset.quote));
    });
  }

  reset () {
    this.store.reset();
    this.pending.clear();
    this.menu.closeAll();
    this.picker.close();
    this.tip.hide();
    this.mode = null;
    this.draft = '';
    this.context.set(null);
    this.notifySetting.update();
  }

  // ---- what a message allows ----

  allows (m) {
    const ok = !m.deleted;
    return {
      react: ok,
      reply: ok,
      edit: ok && m.own && !m.file && !this.deleting(m.seq),
      delete: ok && m.own && !this.deleting(m.seq),
    };
  }

  deleting (seq) {
    for (const item of this.pending.values()) {
      if (item.kind === 'delete' && item.target === seq && item.state !== 'failed') return true;
    }
    return false;
  }

  /** The reactions as shown: the room's, with one's own still on their way. */
  shownReactions (m) {
    const me = this.view.me();
    const shown = new Map();
    for (const emoji of EMOJI) {
      const names = m.reactions.get(emoji) || [];
      let mine = names.includes(me);
      let pending = false;
      for (const item of this.pending.values()) {
        if (item.kind === 'react' && item.target === m.seq && item.emoji === emoji && item.state !== 'failed') {
          mine = item.on;
          pending = true;
        }
      }
      const list = names.filter(n => n !== me);
      if (mine) list.push(me);
      if (list.length > 0) shown.set(emoji, { names: list, mine, pending });
    }
    return shown;
  }

  // ---- messages ----

  /** A message event is shown as li (room.js made it): add what this module shows. */
  message (li, ev, own, live) {
    const m = this.store.add(ev, own);
    this.render(li, m);
    const mine = !own && !m.deleted && mentions(m.text, this.view.members(), this.view.me());
    return { mentionsMe: mine, notify: mine && live };
  }

  /** Tell of a message that names you while you are away; returns whether a notification was shown. */
  notify (ev) {
    return notifyMention(ev, { room: this.view.room(), onClick: () => this.jump(ev.seq) });
  }

  /** An `edited`, `deleted` or `reacted` event. */
  change (ev) {
    for (const m of this.store.apply(ev)) this.update(m);
    if (ev.type === 'deleted' && this.mode && this.mode.message.seq === ev.target) {
      this.view.toast(this.mode.kind === 'edit' ? T.editGone : T.replyGone);
      this.cancelMode();
    }
  }

  /** A message of a history, already shown: it reads as it does now. */
  current (ev) {
    for (const m of this.store.refresh(ev)) this.update(m);
  }

  node (seq) {
    return this.view.events.querySelector(`li.msg[data-seq="${seq}"]`);
  }

  update (m) {
    const li = this.node(m.seq);
    if (li) this.render(li, m);
  }

  /** Draw message m into its list item as it is now. */
  render (li, m) {
    const me = this.view.me();
    const body = li.querySelector('.msg-body');
    const bubble = li.querySelector('.bubble');
    const time = bubble.querySelector(':scope > time, :scope > .meta > time');
    const edit = this.lastChange(m.seq, 'edit');
    const del = this.lastChange(m.seq, 'delete');
    // Focused with the arrow keys, it is read as its sender and its bubble.
    li.tabIndex = -1;
    const sender = body.querySelector(':scope > .sender');
    if (sender && !li.hasAttribute('aria-labelledby')) {
      sender.id = `msg-${m.seq}-from`;
      bubble.id = `msg-${m.seq}-bubble`;
      li.setAttribute('aria-labelledby', `${sender.id} ${bubble.id}`);
    }
    li.classList.toggle('deleted', m.deleted);
    li.classList.toggle('deleting', !!del && del.state !== 'failed');
    li.classList.toggle('mentions-me', !m.own && !m.deleted && mentions(m.text, this.view.members(), me));

    // The quote of the message it answers.
    let quote = bubble.querySelector(':scope > .quote');
    if (m.reply && !m.deleted) {
      const fresh = quoteNode(m.reply, me);
      if (quote) quote.replaceWith(fresh);
      else bubble.prepend(fresh);
    } else if (quote) {
      quote.remove();
    }
    quote = null;

    // The text, as edited (one's own edit on its way included), or its deletion.
    if (m.deleted) {
      bubble.classList.remove('media', 'file');
      bubble.replaceChildren(el('p', { class: 'text deleted-text', text: T.deleted }), time || '');
    } else if (!m.file) {
      const text = edit ? edit.text : m.text;
      const p = bubble.querySelector(':scope > .text');
      if (p && p.dataset.shown !== text) {
        p.replaceChildren();
        appendMessageText(p, text, this.view.members(), me);
        p.dataset.shown = text;
      }
    }
    // "edited" goes with the time, so that the two wrap together.
    const meta = bubble.querySelector(':scope > .meta');
    const edited = !m.deleted && (m.edited || !!edit);
    if (edited && !meta && time) {
      const box = el('span', { class: 'meta' });
      time.before(box);
      box.append(el('span', { class: 'edited', title: T.editedTitle, text: T.edited }), time);
    } else if (!edited && meta) {
      meta.replaceWith(time);
    }

    // Reactions.
    let row = body.querySelector(':scope > .reactions');
    if (!row) {
      row = el('div', { class: 'reactions', hidden: true });
      bubble.after(row);
    }
    renderReactions(row, m.deleted ? new Map() : this.shownReactions(m), me);
    this.tip.refresh();

    // The toolbar, with what this message allows now.
    const old = li.querySelector('.msg-actions');
    const allows = this.allows(m);
    const key = JSON.stringify(allows);
    if (!old || old.dataset.key !== key) {
      const bar = toolbar(allows);
      bar.dataset.key = key;
      if (old) old.replaceWith(bar);
      else body.append(bar);
    }

    // One's own change on its way, or why it did not go through.
    this.renderStatus(body, edit || del);
    this.menu.refreshTabOrder(li);
  }

  lastChange (seq, kind) {
    let last = null;
    for (const item of this.pending.values()) if (item.kind === kind && item.target === seq) last = item;
    return last;
  }

  renderStatus (body, item) {
    let status = body.querySelector(':scope > .change-status');
    if (!item) {
      if (status) status.remove();
      return;
    }
    if (!status) {
      status = el('p', { class: 'msg-status change-status' });
      body.insertBefore(status, body.querySelector(':scope > .msg-actions'));
    }
    const failed = item.state === 'failed';
    status.classList.toggle('failed', failed);
    const sentences = item.kind === 'edit' ? T.editFailed : T.deleteFailed;
    const line = failed ? (sentences[item.error] || sentences.other) : (item.kind === 'edit' ? T.saving : T.deleting);
    const key = `${item.id}|${item.state}|${line}`;
    if (status.dataset.key === key) return;
    status.dataset.key = key;
    status.setAttribute('role', failed ? 'alert' : 'status');
    status.replaceChildren(el('span', { text: line }),
      failed ? el('button', { class: 'button flat small retry', type: 'button', dataset: { changeRetry: item.id }, text: T.retry }) : '',
      failed ? el('button', { class: 'button flat small', type: 'button', dataset: { changeDiscard: item.id },
        text: item.kind === 'edit' ? T.discard : T.dismiss }) : '');
  }

  click (ev) {
    const quote = ev.target.closest('.quote');
    if (quote) {
      ev.stopPropagation();
      this.jump(Number(quote.dataset.quote));
      return;
    }
    const chip = ev.target.closest('.reaction');
    if (chip) {
      const li = chip.closest('li.msg[data-seq]');
      if (!this.tip.swallows(chip) && li) this.toggle(Number(li.dataset.seq), chip.dataset.emoji);
      return;
    }
    const retry = ev.target.closest('button[data-change-retry]');
    if (retry) {
      this.actions.retry(retry.dataset.changeRetry);
      return;
    }
    const discard = ev.target.closest('button[data-change-discard]');
    if (discard) this.actions.discard(discard.dataset.changeDiscard);
  }

  jump (seq) {
    if (!jumpTo(seq)) this.view.toast(REPLY_SENTENCES.gone);
  }

  // ---- one's own changes ----

  toggle (seq, emoji) {
    const m = this.store.get(seq);
    if (!m || m.deleted) return;
    const shown = this.shownReactions(m).get(emoji);
    this.actions.react(seq, emoji, !(shown && shown.mine));
    // A toggle undone before it went leaves no outbox item to say so.
    this.update(m);
  }

  remove (seq) {
    const m = this.store.get(seq);
    if (!m || !this.allows(m).delete) return;
    if (this.mode && this.mode.message.seq === seq) this.cancelMode();
    this.actions.remove(seq);
  }

  /** An outbox item of an edit, a delete or a reaction was added or changed. */
  outbox (item) {
    this.pending.set(item.id, item);
    if (item.kind === 'react' && item.state === 'failed') {
      this.view.toast(T.reactFailed[item.error] || T.reactFailed.other);
      this.actions.discard(item.id);
      return;
    }
    const m = this.store.get(item.target);
    if (m) this.update(m);
  }

  /** The outbox item `id` is done: confirmed by the room, or given up. */
  settled (id) {
    const item = this.pending.get(id);
    if (!item) return;
    this.pending.delete(id);
    const m = this.store.get(item.target);
    if (m) this.update(m);
  }

  /** A pending say that answers a message shows the quote too. */
  pendingSay (li, item) {
    if (!item.reply || li.querySelector('.quote')) return;
    li.querySelector('.bubble').prepend(quoteNode({ ...item.reply, text: quoteOf(item.reply.text) }, this.view.me()));
  }

  // ---- the composer ----

  startReply (seq) {
    const m = this.store.get(seq);
    if (!m || m.deleted) return;
    if (this.mode && this.mode.kind === 'edit') this.leaveEdit();
    this.mode = { kind: 'reply', message: m };
    this.context.set(this.mode, this.view.me());
    this.view.focusComposer();
  }

  startEdit (seq) {
    const m = this.store.get(seq);
    if (!m || !this.allows(m).edit) return;
    const input = this.view.input;
    if (!this.mode || this.mode.kind !== 'edit') this.draft = input.value;
    this.mode = { kind: 'edit', message: m };
    this.context.set(this.mode, this.view.me());
    const edit = this.lastChange(seq, 'edit');
    input.value = edit ? edit.text : m.text;
    this.view.composerChanged();
    this.view.focusComposer();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  /** ArrowUp in an empty composer: edit the newest own message. */
  editLast () {
    const m = this.store.lastOwnText();
    if (!m || !this.allows(m).edit) return false;
    this.startEdit(m.seq);
    return true;
  }

  editing () {
    return !!this.mode && this.mode.kind === 'edit';
  }

  leaveEdit () {
    this.view.input.value = this.draft;
    this.draft = '';
    this.view.composerChanged();
  }

  cancelMode () {
    if (!this.mode) return false;
    if (this.mode.kind === 'edit') this.leaveEdit();
    this.mode = null;
    this.context.set(null);
    this.view.focusComposer();
    return true;
  }

  /** Keys in the composer; returns whether the key was taken. */
  key (ev) {
    if (this.picker.key(ev)) return true;
    if (ev.isComposing || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return false;
    if (ev.key === 'Escape' && this.mode) {
      ev.preventDefault();
      this.cancelMode();
      return true;
    }
    if (ev.key === 'ArrowUp' && this.view.input.value === '' && !this.mode) {
      if (this.editLast()) {
        ev.preventDefault();
        return true;
      }
    }
    return false;
  }

  /**
   * The composer's text is sent: as an edit, as a reply, or (false) as a
   * plain message by room.js. Returns a sentence when it cannot go.
   */
  submit (text) {
    const mode = this.mode;
    if (!mode) return false;
    const m = mode.message;
    if (mode.kind === 'edit') {
      if (text.trim() === '') return T.emptyEdit;
      const edit = this.lastChange(m.seq, 'edit');
      const now = edit ? edit.text : m.text;
      if (text !== now && !m.deleted) this.actions.edit(m.seq, text);
      this.mode = null;
      this.context.set(null);
      this.leaveEdit();
      return true;
    }
    this.mode = null;
    this.context.set(null);
    if (m.deleted) {
      this.actions.say(text, null);
    } else {
      const quote = m.file ? (m.file.name || '') : m.text;
      this.actions.say(text, { seq: m.seq, name: m.name, text: quoteOf(quote) });
    }
    return true;
  }
}
