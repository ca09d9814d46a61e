// The room page: the code and invite link, the members, the messages (and
// the files shared), who is typing, and the composer.

import { $, el, appendLinkified, timeElement, parseTs, dayKey, dayLabel, avatar } from './dom.js';
import { formatCode, charCount, textProblem, TEXT_MAX } from './rules.js';
import { SAY_SENTENCES } from './client.js';
import { REACH_SENTENCES } from './probe.js';
import { fileOf, fileContent, uploadNode, updateUploadNode, uploadThumbnail } from './files.js';
import { Lightbox } from './viewer.js';
import { Attach } from './attach.js';
import { _, ngettext, format, formatNodes } from './i18n.js';
import { Conversation } from './conversation.js';
import { Unread } from './unread.js';

const GROUP_WITHIN_MS = 5 * 60 * 1000;
const TYPING_SHOWN_MS = 3000;
const COUNT_FROM = 3500;           // the character count shows from here
const AT_BOTTOM_PX = 48;
// Reconnecting, once the client says the host has not answered for a while.
const HOST_AWAY = _('The host is away — waiting for it to come back.');

export class RoomView {
  /**
   * actions: {say(text, reply), retry(id), typing(), leave(),
   *           edit(seq, text), remove(seq), react(seq, emoji, on), discard(id),
   *           upload(file, name), cancelUpload(id), retryUpload(id),
   *           canSend() → '' | 'no-files' | 'not-ready'}
   */
  constructor (actions) {
    this.actions = actions;
    this.e = {
      view: $('room'),
      code: $('room-code'),
      inviteCode: $('invite-code'),
      copy: $('copy-link'),
      copyLabel: $('copy-link-label'),
      inviteFallback: $('invite-fallback'),
      membersToggle: $('members-toggle'),
      memberBadge: $('member-badge'),
      membersPanel: $('members-panel'),
      memberCount: $('member-count'),
      memberList: $('member-list'),
      leave: $('leave-button'),
      status: $('conn-status'),
      statusText: $('conn-text'),
      statusRetry: $('conn-retry'),
      statusReason: $('conn-reason'),
      log: $('log'),
      gap: $('gap-notice'),
      events: $('events'),
      pending: $('pending'),
      newMessages: $('new-messages'),
      newMessagesLabel: $('new-messages-label'),
      typing: $('typing'),
      composer: $('composer'),
      input: $('composer-input'),
      send: $('send-button'),
      charCount: $('char-count'),
      composerError: $('composer-error'),
      toast: $('toast'),
    };
    this.onRetryNow = null;
    this.filesKey = '';
    this.lightbox = new Lightbox();
    this.attach = new Attach({
      send: (file, name) => {
        this.actions.upload(file, name);
        this.scrollToBottom(true);
      },
      canSend: () => this.actions.canSend(),
      say: sentence => this.showToast(sentence),
    });
    this.unreadState = new Unread(this.e.events);
    this.convo = new Conversation({
      events: this.e.events,
      pending: this.e.pending,
      log: this.e.log,
      input: this.e.input,
      composer: this.e.composer,
      container: this.e.view.querySelector('.conversation'),
      membersPanel: this.e.membersPanel,
      members: () => this.members,
      me: () => this.name,
      room: () => this.code,
      toast: sentence => this.showToast(sentence),
      focusComposer: () => this.e.input.focus(),
      composerChanged: () => {
        this.autoGrow();
        this.updateCount();
        this.showComposerError('');
      },
    }, actions);
    this.reset();
    this.wire();
  }

  reset () {
    this.code = '';
    this.name = '';
    this.members = [];
    this.last = null;          // the last event shown: {kind, name, own, time, day}
    this.typers = new Map();   // name -> expiry time
    clearTimeout(this.typingTimer);
    clearTimeout(this.copyTimer);
    clearTimeout(this.toastTimer);
    clearInterval(this.statusTimer);
    this.unseen = 0;
    this.unreadState.reset();
    this.convo.reset();
    this.e.events.replaceChildren();
    this.e.pending.replaceChildren();
    this.filesKey = '';
    this.lightbox.close();
    this.attach.reset();
    this.e.memberList.replaceChildren();
    this.e.gap.hidden = true;
    this.e.typing.textContent = '';
    this.e.input.value = '';
    this.e.newMessages.hidden = true;
    this.e.status.hidden = true;
    this.e.inviteFallback.hidden = true;
    this.e.toast.hidden = true;
    this.e.membersPanel.classList.remove('open');
    this.e.membersToggle.setAttribute('aria-expanded', 'false');
    this.e.copyLabel.textContent = _('Copy invite link');
    this.showComposerError('');
    this.autoGrow();
    this.updateCount();
  }

  wire () {
    const e = this.e;
    e.composer.addEventListener('submit', ev => {
      ev.preventDefault();
      this.submit();
    });
    e.input.addEventListener('keydown', ev => {
      if (this.convo.key(ev)) return;
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
        ev.preventDefault();
        this.submit();
      }
    });
    e.input.addEventListener('input', () => {
      this.autoGrow();
      this.updateCount();
      this.showComposerError('');
      if (e.input.value.trim() !== '' && !this.convo.editing()) this.actions.typing();
    });
    e.log.addEventListener('scroll', () => {
      if (this.atBottom()) this.seenAll();
    }, { passive: true });
    e.newMessages.addEventListener('click', () => {
      this.scrollToBottom(true);
      e.input.focus();
    });
    e.copy.addEventListener('click', () => this.copyInvite());
    e.leave.addEventListener('click', () => this.actions.leave());
    e.membersToggle.addEventListener('click', () => this.toggleMembers());
    e.membersPanel.addEventListener('keydown', ev => {
      if (ev.key === 'Escape' && e.membersPanel.classList.contains('open')) {
        this.toggleMembers(false);
        e.membersToggle.focus();
      }
    });
    e.view.querySelector('.conversation').addEventListener('click', () => {
      if (e.membersPanel.classList.contains('open')) this.toggleMembers(false);
    });
    e.statusRetry.addEventListener('click', () => { if (this.onRetryNow) this.onRetryNow(); });
    e.pending.addEventListener('click', ev => {
      const button = ev.target.closest('button[data-retry], button[data-upload-retry], button[data-upload-cancel]');
      if (!button) return;
      if (button.dataset.retry) this.actions.retry(button.dataset.retry);
      else if (button.dataset.uploadRetry) this.actions.retryUpload(button.dataset.uploadRetry);
      else this.actions.cancelUpload(button.dataset.uploadCancel);
    });
    // A picture opens in the page; with a modifier key or the middle button,
    // the browser does what it does with a link.
    e.events.addEventListener('click', ev => {
      const link = ev.target.closest('a.thumb-link');
      if (!link || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      this.lightbox.show(link);
    });
    window.addEventListener('resize', () => this.autoGrow());
  }

  // ---- the room as a whole ----

  /** The room is known (from a welcome, or from the stored session). */
  setRoom (code, name) {
    this.code = code;
    this.name = name;
    this.e.code.textContent = formatCode(code);
    this.e.inviteCode.textContent = formatCode(code);
    this.unreadState.setRoom(code);
  }

  inviteLink () {
    return `${location.origin}/r/${this.code}`;
  }

  welcome (w, { resumed, gap, filesKey }) {
    this.setRoom(w.room, w.name);
    this.filesKey = filesKey || '';
    this.attach.setEnabled(this.filesKey !== '');
    if (!resumed) this.e.events.replaceChildren();
    if (gap && this.e.events.childElementCount === 0) this.e.gap.hidden = false;
    this.setMembers(Array.isArray(w.members) ? w.members.filter(n => typeof n === 'string') : []);
    this.e.log.setAttribute('aria-busy', 'true');
    // The history follows at once; the log stops being busy after it.
    queueMicrotask(() => {
      this.e.log.setAttribute('aria-busy', 'false');
      this.scrollToBottom(true);
    });
  }

  setStatus (state, detail) {
    const e = this.e;
    clearInterval(this.statusTimer);
    if (state === 'ready' || state === 'closed') {
      e.status.hidden = true;
      e.view.classList.remove('offline');
      return;
    }
    e.status.hidden = false;
    e.view.classList.toggle('offline', state === 'reconnecting');
    // Why reconnecting fails, once the host was asked.
    const reason = state === 'reconnecting' && detail ? REACH_SENTENCES[detail.reason] || '' : '';
    e.statusReason.textContent = reason;
    e.statusReason.hidden = reason === '';
    if (state === 'connecting') {
      e.statusText.textContent = _('Connecting…');
      e.statusRetry.hidden = true;
      return;
    }
    const show = () => {
      const left = detail && detail.retryAt ? Math.ceil((detail.retryAt - Date.now()) / 1000) : 0;
      if (detail && detail.away) {
        e.statusText.textContent = HOST_AWAY;
      } else {
        e.statusText.textContent = left >= 2
          ? format(ngettext('Reconnecting… Trying again in {n} second.',
            'Reconnecting… Trying again in {n} seconds.', left), { n: left })
          : _('Reconnecting…');
      }
      e.statusRetry.hidden = left < 2;
    };
    show();
    this.statusTimer = setInterval(show, 1000);
  }

  // ---- members ----

  setMembers (names) {
    this.members = names.slice();
    this.renderMembers();
  }

  renderMembers () {
    const list = this.e.memberList;
    list.replaceChildren(...this.members.map(n => {
      const me = n === this.name;
      return el('li', { class: me ? 'member me' : 'member' },
        avatar(n),
        el('span', { class: 'member-name', text: n }),
        me ? el('span', { class: 'member-you', text: _('(you)') }) : null);
    }));
    const n = String(this.members.length);
    this.e.memberCount.textContent = n;
    this.e.memberBadge.textContent = n;
    this.e.membersToggle.setAttribute('aria-label',
      format(ngettext('Members: {n} person', 'Members: {n} people', this.members.length), { n }));
  }

  toggleMembers (open = !this.e.membersPanel.classList.contains('open')) {
    this.e.membersPanel.classList.toggle('open', open);
    this.e.membersToggle.setAttribute('aria-expanded', String(open));
    if (open && getComputedStyle(this.e.membersToggle).display !== 'none') this.e.membersPanel.focus();
  }

  // ---- events ----

  atBottom () {
    const l = this.e.log;
    return l.scrollHeight - l.scrollTop - l.clientHeight <= AT_BOTTOM_PX;
  }

  scrollToBottom (force = false) {
    const l = this.e.log;
    l.scrollTop = l.scrollHeight;
    if (force) this.seenAll();
  }

  seenAll () {
    this.unseen = 0;
    this.e.newMessages.hidden = true;
  }

  /** Add nodes at the end of the log, following them if the reader is at the bottom. */
  appendToLog (list, node, { live, own }) {
    const follow = !live || own || this.atBottom();
    list.append(node);
    if (follow) {
      this.scrollToBottom();
    } else {
      this.unseen++;
      this.e.newMessagesLabel.textContent =
        format(ngettext('{n} new message', '{n} new messages', this.unseen), { n: this.unseen });
      this.e.newMessages.hidden = false;
    }
  }

  event (ev, { live, own }) {
    if (ev.type === 'edited' || ev.type === 'deleted' || ev.type === 'reacted') {
      this.convo.change(ev);
      return;
    }
    const date = parseTs(ev.ts);
    const day = dayKey(date);
    if (!this.last || this.last.day !== day) {
      this.e.events.append(el('li', { class: 'day-divider', role: 'separator' },
        el('span', { text: dayLabel(date) })));
      this.last = { kind: 'day', day };
    }
    if (ev.type === 'message') {
      // Where the reader left off, a new group begins.
      const apart = live && !own && this.unreadState.startsLine();
      const li = this.showMessage(ev, date, own, live, apart);
      const { notify } = this.convo.message(li, ev, own, live);
      this.typers.delete(ev.name);
      this.renderTyping();
      if (live && !own && this.unreadState.message(li) && notify && !this.convo.notify(ev)) {
        this.unreadState.flash(ev.name);
      }
    } else {
      this.showNotice(ev, date, own, live);
      if (live) {
        if (ev.type === 'joined' && !this.members.includes(ev.name)) this.members.push(ev.name);
        if (ev.type === 'left') {
          this.members = this.members.filter(n => n !== ev.name);
          this.typers.delete(ev.name);
          this.renderTyping();
        }
        this.renderMembers();
      }
    }
  }

  showNotice (ev, date, own, live) {
    const who = el('strong', { class: 'notice-name', text: own ? _('You') : ev.name });
    let sentence;
    if (ev.type === 'joined') sentence = own ? _('{you} joined the room') : _('{name} joined the room');
    else sentence = own ? _('{you} left the room') : _('{name} left the room');
    const li = el('li', { class: `notice notice-${ev.type}`, dataset: { seq: String(ev.seq), name: ev.name } },
      el('span', { class: 'notice-text' }, ...formatNodes(sentence, { you: who, name: who })),
      timeElement(date, ev.ts));
    this.last = { kind: 'notice', day: dayKey(date) };
    this.appendToLog(this.e.events, li, { live, own });
  }

  /** A message: its text, or (file) what a shared file shows. */
  messageNode (name, text, own, grouped, timeNode, file = null) {
    let content;
    if (file) {
      content = fileContent(file, this.filesKey);
    } else {
      content = el('p', { class: 'text' });
      appendLinkified(content, text);
    }
    const kind = file ? (content.classList.contains('thumb-link') ? ' media' : ' file') : '';
    const li = el('li', { class: `msg${own ? ' own' : ''}${grouped ? ' grouped' : ''}` },
      own ? null : (grouped ? el('span', { class: 'avatar-space', 'aria-hidden': 'true' }) : avatar(name)),
      el('div', { class: 'msg-body' },
        el('span', { class: grouped || own ? 'sender visually-hidden' : 'sender', text: own ? _('You') : name }),
        el('div', { class: `bubble${kind}` }, content, timeNode)));
    return li;
  }

  showMessage (ev, date, own, live, apart = false) {
    const last = this.last;
    const grouped = !apart && !!last && last.kind === 'message' && last.name === ev.name && last.own === own &&
      date - last.time < GROUP_WITHIN_MS;
    const li = this.messageNode(ev.name, ev.text, own, grouped, timeElement(date, ev.ts), fileOf(ev));
    li.dataset.seq = String(ev.seq);
    li.dataset.name = ev.name;
    if (typeof ev.id === 'string') li.dataset.id = ev.id;
    this.last = { kind: 'message', name: ev.name, own, time: date.getTime(), day: dayKey(date) };
    this.appendToLog(this.e.events, li, { live, own });
    return li;
  }

  /** A message of a history, already shown: it reads as it does now. */
  current (ev) {
    this.convo.current(ev);
  }

  // ---- the outbox ----

  pendingNode (id) {
    return this.e.pending.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  }

  outbox (item) {
    if (item.kind && item.kind !== 'say') {
      this.convo.outbox(item);
      return;
    }
    let li = this.pendingNode(item.id);
    if (!li) {
      li = this.messageNode(this.name, item.text, true, false, null);
      li.classList.add('pending');
      li.dataset.id = item.id;
      li.querySelector('.msg-body').append(el('p', { class: 'msg-status' }));
      this.convo.pendingSay(li, item);
      this.appendToLog(this.e.pending, li, { live: true, own: true });
    }
    const status = li.querySelector('.msg-status');
    li.classList.toggle('failed', item.state === 'failed');
    if (item.state === 'failed') {
      status.replaceChildren(
        el('span', { text: SAY_SENTENCES[item.error] || _('Not sent.') }),
        el('button', { class: 'button flat small retry', type: 'button', dataset: { retry: item.id }, text: _('Retry') }));
    } else {
      status.replaceChildren(el('span', { text: _('Sending…') }));
    }
  }

  confirmed (id) {
    const li = this.pendingNode(id);
    if (li) li.remove();
    this.convo.settled(id);
  }

  /** An outbox item was given up. */
  discarded (item) {
    this.confirmed(item.id);
  }

  // ---- files on their way ----

  upload (item) {
    let li = this.pendingNode(item.id);
    if (!li) {
      li = uploadNode(item, null);
      this.appendToLog(this.e.pending, li, { live: true, own: true });
      // A picture shows itself while it goes, once the browser has decoded it.
      uploadThumbnail(item.file, item.name).then(thumb => {
        if (!thumb || !li.isConnected) return;
        const follow = this.atBottom();
        li.querySelector('.file-card').replaceWith(thumb);
        li.querySelector('.bubble').classList.add('media');
        if (follow) this.scrollToBottom();
      });
    }
    updateUploadNode(li, item);
  }

  uploadGone (id) {
    this.confirmed(id);
  }

  // ---- typing ----

  typing (name) {
    this.typers.set(name, Date.now() + TYPING_SHOWN_MS);
    this.renderTyping();
  }

  renderTyping () {
    clearTimeout(this.typingTimer);
    const now = Date.now();
    let next = Infinity;
    for (const [name, until] of this.typers) {
      if (until <= now) this.typers.delete(name);
      else next = Math.min(next, until);
    }
    const names = [...this.typers.keys()];
    let line = '';
    const [first, second, third] = names;
    if (names.length === 1) line = format(_('{name} is typing…'), { name: first });
    else if (names.length === 2) line = format(_('{first} and {second} are typing…'), { first, second });
    else if (names.length === 3) {
      line = format(_('{first}, {second} and {third} are typing…'), { first, second, third });
    } else if (names.length > 3) {
      line = format(ngettext('{first}, {second} and {n} other are typing…',
        '{first}, {second} and {n} others are typing…', names.length - 2), { first, second, n: names.length - 2 });
    }
    this.e.typing.textContent = line;
    if (next !== Infinity) this.typingTimer = setTimeout(() => this.renderTyping(), next - now + 20);
  }

  // ---- the composer ----

  submit () {
    const text = this.e.input.value;
    if (text.trim() === '') return;
    const problem = textProblem(text);
    if (problem) {
      this.showComposerError(problem);
      return;
    }
    const editing = this.convo.editing();
    const taken = this.convo.submit(text);
    if (typeof taken === 'string') {
      this.showComposerError(taken);
      return;
    }
    if (!taken) this.actions.say(text, null);
    this.unreadState.wrote();
    if (editing) return;   // the composer has its draft back
    this.e.input.value = '';
    this.autoGrow();
    this.updateCount();
    this.scrollToBottom(true);
  }

  showComposerError (sentence) {
    this.e.composerError.textContent = sentence;
    this.e.composerError.hidden = sentence === '';
    this.e.input.setAttribute('aria-invalid', sentence === '' ? 'false' : 'true');
  }

  autoGrow () {
    const input = this.e.input;
    input.style.height = 'auto';
    const max = Math.max(96, Math.floor(window.innerHeight * 0.35));
    input.style.height = `${Math.min(input.scrollHeight, max)}px`;
    input.style.overflowY = input.scrollHeight > max ? 'auto' : 'hidden';
  }

  updateCount () {
    const n = charCount(this.e.input.value);
    const c = this.e.charCount;
    c.hidden = n < COUNT_FROM;
    c.classList.toggle('over', n > TEXT_MAX);
    c.textContent = n > TEXT_MAX
      ? format(ngettext('{over} character too many ({n} of {max})', '{over} characters too many ({n} of {max})',
        n - TEXT_MAX), { over: n - TEXT_MAX, n, max: TEXT_MAX })
      : format(_('{n} of {max} characters'), { n, max: TEXT_MAX });
  }

  // ---- sharing ----

  async copyInvite () {
    const link = this.inviteLink();
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(link);
        ok = true;
      } catch { /* fall back below */ }
    }
    if (!ok) ok = copyWithSelection(link);
    const fallback = this.e.inviteFallback;
    if (ok) {
      fallback.hidden = true;
      this.e.copyLabel.textContent = _('Link copied');
      this.e.copy.classList.add('copied');
      this.showToast(_('The invite link was copied.'));
    } else {
      fallback.value = link;
      fallback.hidden = false;
      fallback.focus();
      fallback.select();
      this.e.copyLabel.textContent = _('Copy the link below');
      this.showToast(_('Copying did not work here. The invite link is selected below: copy it yourself.'));
    }
    clearTimeout(this.copyTimer);
    this.copyTimer = setTimeout(() => {
      this.e.copyLabel.textContent = _('Copy invite link');
      this.e.copy.classList.remove('copied');
    }, 2500);
  }

  /** A short sentence shown for a moment, and said by screen readers. */
  showToast (sentence) {
    const toast = this.e.toast;
    toast.textContent = sentence;
    toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { toast.hidden = true; }, 3000);
  }
}

/** Copy through a selected, off-screen text field (for pages without the Clipboard API). */
function copyWithSelection (text) {
  const area = el('textarea', { class: 'copy-buffer', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  const focused = document.activeElement;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (focused && focused.focus) focused.focus();
  return ok;
}
