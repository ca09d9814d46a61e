// The connection to a room: one WebSocket at a time, speaking protocol 1.
// It keeps the session in sessionStorage (so a reload resumes it), resumes
// after an unexpected close with a backoff, and keeps unsent messages in an
// outbox that is sent again, with the same ids, after each resume. Events are
// taken once each: an event whose seq is not newer than the last one seen is
// dropped. When the socket cannot connect, it asks the host why (probe.js)
// and says so: at once for a first join, and after a few failed tries while
// reconnecting. It never gives up reconnecting while the page is open: a
// host that crashed or whose computer sleeps comes back with its rooms, and
// after a while without an answer from it the page says the host is away.

import { _ } from './i18n.js';
import { probeHost, REACH_SENTENCES } from './probe.js';
import { UploadQueue } from './uploads.js';

const STORE_KEY = 'nexus-chat.session';
const SUBPROTOCOL = 'nexus-chat.v1';
const TYPING_EVERY_MS = 1000;
// Tests shorten the waits by setting window.nexusTestTimeouts before the
// page's scripts run; it can only make them shorter.
const testTimeouts = (typeof window === 'object' && window.nexusTestTimeouts) || {};
function waitMs (name, ms) {
  const t = testTimeouts[name];
  return Number.isFinite(t) && t > 0 && t < ms ? t : ms;
}
// Reconnecting waits 0.5 s, then 1, 2, 4, 8 s and every 15 s from then on,
// for as long as the page is open. 15 s is half the host's default grace
// period, which a host back from a crash counts from its return: a page
// whose last try came just before the return is still in time.
const BACKOFF_MAX_MS = waitMs('backoffMax', 15000);
const BACKOFF_FIRST_MS = Math.min(500, BACKOFF_MAX_MS);
// Reconnecting this long while the host refuses or does not answer: the
// host is away (a crash, Nexus Chat closed, its computer asleep), no
// longer a short drop.
const AWAY_AFTER_MS = waitMs('away', 10000);
// A connection that has not been welcomed by then is given up and tried again.
const CONNECT_TIMEOUT_MS = waitMs('connect', 12000);
// How long the host may take to answer the question why.
const PROBE_TIMEOUT_MS = waitMs('probe', 5000);
// Reconnecting: the host is asked why once this many tries in a row failed.
const PROBE_AFTER_FAILED_TRIES = 2;
// The server allows 20 frames at once and 5 a second after that; the client
// stays a little under it so that a resent outbox is never refused.
const BUCKET_SIZE = 16;
const BUCKET_PER_SECOND = 4;

const ENDING_SENTENCES = {
  'session-expired': _('You were away too long and your place in the room ran out. Join again to go on chatting.'),
  'room-not-found': _('The room has ended: the host no longer has it.'),
  'host-closed': _('The host closed the room.'),
  'replaced': _('This chat was opened again in another tab or window, so it was closed here.'),
};

export const JOIN_SENTENCES = {
  'room-not-found': _('There is no room with this code. Check the code, or ask for a new invite link.'),
  'name-invalid': _('The server did not accept this name. Choose another one.'),
  'name-taken': _('Someone in this room already uses this name. Choose another one.'),
  'room-full': _('This room is full. Ask the host to make room, or try again later.'),
  'server-full': _('The server has as many rooms as it can hold. Try again later, or join an existing room.'),
  'rate-limited': _('Too many attempts to join from this device. Wait a minute, then try again.'),
};

export const SAY_SENTENCES = {
  'rate-limited': _('Not sent: you are sending too fast.'),
  'text-invalid': _('Not sent: the server did not accept this text.'),
  'target-not-found': _('Not sent: the message you replied to is no longer in the room.'),
};

// The room's events: what takes a seq. `edited`, `deleted` and `reacted`
// change a message that came before them (PROTOCOL.md, Conversation).
const EVENT_TYPES = new Set(['message', 'joined', 'left', 'edited', 'deleted', 'reacted']);
const CHANGE_TYPES = new Set(['edited', 'deleted', 'reacted']);
// What an outbox item of each kind sends.
const OUTBOX_KINDS = new Set(['say', 'edit', 'delete', 'react']);

function randomPrefix () {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(36).padStart(2, '0')).join('').slice(0, 12);
}

function isEvent (frame) {
  if (!EVENT_TYPES.has(frame.type) || !Number.isInteger(frame.seq) || typeof frame.name !== 'string' ||
      typeof frame.ts !== 'string') {
    return false;
  }
  if (frame.type === 'message') return typeof frame.text === 'string';
  if (!CHANGE_TYPES.has(frame.type)) return true;
  if (!Number.isInteger(frame.target)) return false;
  if (frame.type === 'edited') return typeof frame.text === 'string';
  if (frame.type === 'reacted') return typeof frame.emoji === 'string' && typeof frame.on === 'boolean';
  return true;
}

/** The frame an outbox item sends. */
function outboxFrame (item) {
  switch (item.kind) {
    case 'edit': return { type: 'edit', id: item.id, target: item.target, text: item.text };
    case 'delete': return { type: 'delete', id: item.id, target: item.target };
    case 'react': return { type: 'react', id: item.id, target: item.target, emoji: item.emoji, on: item.on };
    default: {
      const frame = { type: 'say', text: item.text, id: item.id };
      if (Number.isInteger(item.reply_to)) frame.reply_to = item.reply_to;
      return frame;
    }
  }
}

/** An outbox item as kept in sessionStorage, or null when it makes no sense. */
function storedItem (i) {
  if (!i || typeof i.id !== 'string') return null;
  const kind = OUTBOX_KINDS.has(i.kind) ? i.kind : 'say';
  const item = { kind, id: i.id, state: i.state === 'failed' ? 'failed' : 'queued', error: i.error || '' };
  if (kind !== 'say' && !Number.isInteger(i.target)) return null;
  if (kind === 'say' || kind === 'edit') {
    if (typeof i.text !== 'string') return null;
    item.text = i.text;
  }
  if (kind === 'say' && Number.isInteger(i.reply_to)) {
    item.reply_to = i.reply_to;
    if (i.reply && typeof i.reply === 'object') item.reply = i.reply;
  }
  if (kind !== 'say') item.target = i.target;
  if (kind === 'react') {
    if (typeof i.emoji !== 'string' || typeof i.on !== 'boolean') return null;
    item.emoji = i.emoji;
    item.on = i.on;
  }
  return item;
}

/** The stored session of this tab, or null. */
export function loadSession () {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
    if (s && typeof s.room === 'string' && typeof s.session === 'string' && typeof s.name === 'string' &&
        Number.isInteger(s.last_seq) && Array.isArray(s.outbox)) {
      return s;
    }
  } catch { /* unreadable: start over */ }
  return null;
}

export function clearSession () {
  try { sessionStorage.removeItem(STORE_KEY); } catch { /* storage off */ }
}

/**
 * hooks (all optional):
 *   welcome(frame, {resumed})       a welcome arrived (history not yet given)
 *   event(event, {live, own})       a new room event, in seq order
 *   typing(name)                    someone else is typing
 *   outbox(item)                    an outbox item was added or changed state
 *   outbox item: {kind: 'say'|'edit'|'delete'|'react', id, state, error, …}
 *   confirmed(id, event)            the server echoed the outbox item `id`
 *   discarded(item)                 an outbox item was given up, never to be sent
 *   current(message)                a message of a history again, already shown:
 *                                   it carries its current state
 *   upload(item)                    a file on its way was added or changed
 *   uploadGone(id)                  a file on its way was shared, cancelled or dropped
 *   hasDraft()                      whether the composer holds text (for typing)
 *   status(state, detail)           'connecting' | 'ready' | 'reconnecting' | 'closed';
 *                                   detail: {retryAt, reason, away} while reconnecting
 *   joinFailed(code, sentence)      a create/join was refused or could not
 *                                   connect (the form stays)
 *   ended(reason, sentence)         the room is over for this tab
 */
export class RoomClient {
  constructor (hooks) {
    this.hooks = hooks;
    this.ws = null;
    this.state = 'idle';
    this.joined = false;    // has a session (after a welcome, or restored)
    this.first = null;      // the create/join frame while not joined
    this.room = '';
    this.session = '';
    this.name = '';
    this.lastSeq = 0;
    this.joinedSeq = 0;
    this.outbox = [];
    this.prefix = randomPrefix();
    this.counter = 0;
    this.attempt = 0;
    this.retryTimer = 0;
    this.retryAt = 0;
    this.pumpTimer = 0;
    this.fatal = null;
    this.lastTypingSent = 0;
    this.typingTimer = 0;
    this.tokens = BUCKET_SIZE;
    this.tokensAt = 0;
    this.welcomed = false;  // a welcome came on some connection: filesKey is known
    this.filesKey = '';     // welcome.files_key: '' when the host keeps no files
    this.uploads = new UploadQueue({
      changed: item => this.emit('upload', item),
      removed: id => this.emit('uploadGone', id),
      pump: () => { this.save(); this.pump(); },
    });
    this.onOnline = () => {
      if (this.reason === 'offline') this.reason = '';
      if (this.state === 'reconnecting') this.reconnectNow();
    };
    this.onOffline = () => { if (this.joined && this.ws) this.drop(); };
    // A phone wakes a page up after a while: try at once rather than at the next backoff step.
    this.onVisible = () => { if (!document.hidden && this.state === 'reconnecting') this.reconnectNow(); };
    this.connectTimer = 0;
    this.probing = false;
    this.reason = '';       // why reconnecting fails, once the host was asked
    this.reconnectingSince = 0;
    this.awayTimer = 0;
    this.away = false;      // reconnecting, and the host has not answered for a while
    this.disposed = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
  }

  emit (name, ...args) {
    const f = this.hooks[name];
    if (f) f(...args);
  }

  // ---- starting ----

  create (name) {
    this.first = { type: 'create', name };
    this.connect();
  }

  join (room, name) {
    this.first = { type: 'join', room, name };
    this.connect();
  }

  /** Resume a session kept in sessionStorage (after a reload). */
  restore (stored) {
    this.joined = true;
    this.room = stored.room;
    this.session = stored.session;
    this.name = stored.name;
    this.joinedSeq = Number.isInteger(stored.joined_seq) ? stored.joined_seq : 0;
    // The page is new and shows nothing yet: ask for the whole kept history.
    // Events already seen are not lost, and the outbox is matched by id.
    this.lastSeq = 0;
    this.prefix = typeof stored.prefix === 'string' ? stored.prefix : randomPrefix();
    this.counter = Number.isInteger(stored.counter) ? stored.counter : 0;
    this.outbox = stored.outbox.map(storedItem).filter(i => i !== null);
    for (const item of this.outbox) this.emit('outbox', item);
    this.uploads.restore(stored.uploads);
    this.connect();
  }

  save () {
    if (!this.joined || this.state === 'closed') return;
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify({
        room: this.room,
        session: this.session,
        name: this.name,
        last_seq: this.lastSeq,
        joined_seq: this.joinedSeq,
        prefix: this.prefix,
        counter: this.counter,
        outbox: this.outbox.map(item => ({ ...item, state: item.state === 'sent' ? 'queued' : item.state })),
        uploads: this.uploads.persisted(),
      }));
    } catch { /* storage full or off: the page still works until reloaded */ }
  }

  // ---- the socket ----

  connect () {
    clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    this.fatal = null;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}/ws`, SUBPROTOCOL);
    } catch {
      this.onClose(null, { code: 1006 });
      return;
    }
    this.ws = ws;
    if (this.joined && this.attempt) {
      this.setState('reconnecting', { reason: this.reason });
    } else {
      this.setState('connecting');
    }
    ws.onopen = () => this.onOpen(ws);
    ws.onmessage = e => this.onMessage(ws, e);
    ws.onclose = e => this.onClose(ws, e);
    ws.onerror = () => { /* a close follows */ };
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      if (ws !== this.ws || this.state === 'ready') return;
      this.detach();
      if (this.joined) {
        this.scheduleReconnect();
      } else {
        this.cannotConnect();
      }
    }, CONNECT_TIMEOUT_MS);
  }

  onOpen (ws) {
    if (ws !== this.ws) return;
    this.tokens = BUCKET_SIZE;
    this.tokensAt = performance.now();
    this.takeToken();
    if (this.joined) {
      ws.send(JSON.stringify({ type: 'resume', room: this.room, session: this.session, last_seq: this.lastSeq }));
    } else {
      ws.send(JSON.stringify(this.first));
    }
  }

  /** Forget the current socket (its close event will be ignored). */
  detach () {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try { ws.close(); } catch { /* already closed */ }
    }
  }

  /** The network is known to be gone: stop waiting for the socket to notice. */
  drop () {
    this.detach();
    this.scheduleReconnect();
  }

  onClose (ws, e) {
    if (ws !== this.ws) return;
    this.ws = null;
    clearTimeout(this.pumpTimer);
    if (this.state === 'closed') return;
    if (this.fatal) {
      const code = this.fatal;
      this.fatal = null;
      if (code === 'rate-limited' && this.joined) {
        this.scheduleReconnect();
      }
      return;
    }
    if (e.code === 1001) {
      this.end('host-closed');
    } else if (e.code === 4001) {
      this.end('replaced');
    } else if (!this.joined) {
      this.cannotConnect();
    } else {
      this.scheduleReconnect();
    }
  }

  scheduleReconnect () {
    if (this.state === 'closed') return;
    clearTimeout(this.retryTimer);
    if (!this.reconnectingSince) {
      this.reconnectingSince = Date.now();
      clearTimeout(this.awayTimer);
      this.awayTimer = setTimeout(() => this.updateAway(), AWAY_AFTER_MS);
    }
    const delay = Math.min(BACKOFF_FIRST_MS * 2 ** this.attempt, BACKOFF_MAX_MS);
    this.attempt++;
    this.retryAt = Date.now() + delay;
    this.setState('reconnecting', { retryAt: this.retryAt, reason: this.reason });
    this.retryTimer = setTimeout(() => this.connect(), delay);
    // The first try after a drop does not count: it is the drop itself.
    if (this.attempt > PROBE_AFTER_FAILED_TRIES) this.askWhy();
  }

  /** Reconnecting keeps failing: find out why, and show it until a welcome. */
  async askWhy () {
    if (this.probing) return;
    this.probing = true;
    const reason = await probeHost(PROBE_TIMEOUT_MS);
    this.probing = false;
    if (this.disposed || this.state !== 'reconnecting' || !this.joined) return;
    this.reason = reason;
    this.updateAway(false);
    this.setState('reconnecting', { retryAt: this.ws ? 0 : this.retryAt, reason });
  }

  /**
   * The host is away once reconnecting has lasted AWAY_AFTER_MS and the host
   * was last found refusing or silent; not when this device is offline, nor
   * when the host answers. Tells the page when that changes, unless !tell.
   */
  updateAway (tell = true) {
    const away = this.state === 'reconnecting' && this.reconnectingSince > 0 &&
      Date.now() - this.reconnectingSince >= AWAY_AFTER_MS &&
      (this.reason === 'refused' || this.reason === 'timed-out');
    if (away === this.away) return;
    this.away = away;
    if (tell) this.setState(this.state, { retryAt: this.ws ? 0 : this.retryAt, reason: this.reason });
  }

  stopReconnecting () {
    this.reconnectingSince = 0;
    this.away = false;
    clearTimeout(this.awayTimer);
    this.awayTimer = 0;
  }

  /** A first create or join could not connect: say which step failed. */
  async cannotConnect () {
    this.setState('closed');
    const reason = await probeHost(PROBE_TIMEOUT_MS);
    if (this.disposed) return;
    this.emit('joinFailed', reason, REACH_SENTENCES[reason]);
  }

  reconnectNow () {
    if (this.state !== 'reconnecting' || this.ws) return;
    this.attempt = 0;
    this.connect();
  }

  setState (state, detail = {}) {
    this.state = state;
    this.emit('status', state, state === 'reconnecting' ? { ...detail, away: this.away } : detail);
  }

  end (reason, sentence = ENDING_SENTENCES[reason]) {
    this.stopReconnecting();
    this.setState('closed');
    clearTimeout(this.retryTimer);
    clearTimeout(this.pumpTimer);
    clearTimeout(this.typingTimer);
    clearTimeout(this.connectTimer);
    this.detach();
    this.uploads.clear();
    clearSession();
    this.dispose();
    this.emit('ended', reason, sentence);
  }

  dispose () {
    this.disposed = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
  }

  // ---- frames from the server ----

  onMessage (ws, e) {
    if (ws !== this.ws || typeof e.data !== 'string') return;
    let frame;
    try {
      frame = JSON.parse(e.data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string') return;
    switch (frame.type) {
      case 'welcome': this.onWelcome(frame); break;
      case 'message':
      case 'joined':
      case 'left':
      case 'edited':
      case 'deleted':
      case 'reacted':
        if (this.state === 'ready' && isEvent(frame)) {
          this.takeEvent(frame, true);
          this.save();
        }
        break;
      case 'typing':
        if (typeof frame.name === 'string' && frame.name !== this.name) this.emit('typing', frame.name);
        break;
      case 'error': this.onError(frame); break;
      case 'upload-ready':
        if (this.state === 'ready' && typeof frame.id === 'string') this.uploads.ready(frame.id, frame.url);
        break;
      default: break;
    }
  }

  onWelcome (w) {
    if (typeof w.session !== 'string' || typeof w.room !== 'string' || typeof w.name !== 'string') return;
    const history = Array.isArray(w.history) ? w.history.filter(isEvent) : [];
    const resumed = this.joined;
    this.room = w.room;
    this.session = w.session;
    this.name = w.name;
    this.welcomed = true;
    this.filesKey = typeof w.files_key === 'string' && /^[0-9a-f]{16,128}$/i.test(w.files_key) ? w.files_key : '';
    if (!resumed) {
      this.joined = true;
      this.first = null;
      this.prefix = randomPrefix();
      this.counter = 0;
      this.lastSeq = 0;
      let own = null;
      for (let i = history.length - 1; i >= 0 && !own; i--) {
        if (history[i].type === 'joined' && history[i].name === w.name) own = history[i];
      }
      this.joinedSeq = own ? own.seq : (Number.isInteger(w.last_seq) ? w.last_seq : 0);
    }
    this.attempt = 0;
    this.reason = '';
    this.stopReconnecting();
    clearTimeout(this.connectTimer);
    this.setState('ready');
    this.emit('welcome', w, { resumed, gap: w.gap === true });
    for (const ev of history) this.takeEvent(ev, false);
    if (Number.isInteger(w.last_seq) && w.last_seq > this.lastSeq) this.lastSeq = w.last_seq;
    // Whatever was sent on the old connection and not echoed goes again.
    for (const item of this.outbox) if (item.state === 'sent') item.state = 'queued';
    this.uploads.resumed();
    this.save();
    this.pump();
  }

  takeEvent (ev, live) {
    const own = ev.name === this.name && ev.seq > this.joinedSeq;
    if ((ev.type === 'message' || CHANGE_TYPES.has(ev.type)) && own && typeof ev.id === 'string') {
      const i = this.outbox.findIndex(item => item.id === ev.id);
      if (i >= 0) {
        this.outbox.splice(i, 1);
        this.emit('confirmed', ev.id, ev);
      }
      if (ev.type === 'message') this.uploads.confirmed(ev.id);
    }
    if (ev.seq <= this.lastSeq) {
      // Seen already; a message of a history is as it reads now, though.
      if (!live && ev.type === 'message') this.emit('current', ev);
      return;
    }
    this.lastSeq = ev.seq;
    this.emit('event', ev, { live, own: own || (ev.type === 'joined' && ev.seq === this.joinedSeq) });
  }

  onError (frame) {
    const code = typeof frame.code === 'string' ? frame.code : 'bad-request';
    if (this.state === 'ready') {
      if (typeof frame.id === 'string') {
        const item = this.outbox.find(i => i.id === frame.id);
        if (item) {
          item.state = 'failed';
          item.error = code;
          this.save();
          this.emit('outbox', item);
        } else {
          this.uploads.refused(frame);
        }
      }
      return;   // other refusals on a joined connection are not fatal
    }
    // The first frame was refused; the server closes after it.
    this.fatal = code;
    if (this.joined) {
      // rate-limited: the close that follows schedules another try. Anything
      // else means this session cannot be resumed.
      if (code !== 'rate-limited') this.end(code === 'room-not-found' ? code : 'session-expired');
    } else {
      this.setState('closed');
      this.detach();
      const sentence = JOIN_SENTENCES[code] ||
        (typeof frame.message === 'string' && frame.message) || _('The server refused to let you in.');
      this.emit('joinFailed', code, sentence);
    }
  }

  // ---- frames to the server ----

  takeToken (keep = 0) {
    const now = performance.now();
    this.tokens = Math.min(BUCKET_SIZE, this.tokens + (now - this.tokensAt) * BUCKET_PER_SECOND / 1000);
    this.tokensAt = now;
    if (this.tokens < 1 + keep) return false;
    this.tokens -= 1;
    return true;
  }

  msUntilToken () {
    return Math.max(10, Math.ceil((1 - this.tokens) * 1000 / BUCKET_PER_SECOND));
  }

  isOpen () {
    return this.state === 'ready' && this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  /** A new id for a say or an upload: unique in this session. */
  nextId () {
    this.counter++;
    return `${this.prefix}-${this.counter}`;
  }

  /**
   * Queue a message; returns its outbox item. reply: the message it
   * answers, {seq, name, text} (shown while it waits), or null.
   */
  say (text, reply = null) {
    const item = { kind: 'say', id: this.nextId(), text, state: 'queued', error: '' };
    if (reply && Number.isInteger(reply.seq)) {
      item.reply_to = reply.seq;
      item.reply = { seq: reply.seq, name: String(reply.name), text: String(reply.text) };
    }
    return this.queue(item);
  }

  /** Change the text of one's own message `target` (a seq). */
  edit (target, text) {
    return this.queue({ kind: 'edit', id: this.nextId(), target, text, state: 'queued', error: '' });
  }

  /** Delete one's own message `target`. */
  remove (target) {
    return this.queue({ kind: 'delete', id: this.nextId(), target, state: 'queued', error: '' });
  }

  /**
   * Add (on) or take back one's reaction `emoji` to message `target`. A
   * toggle that undoes one still waiting to go cancels it instead, so a
   * quick double tap sends nothing; returns the item, or null then.
   */
  react (target, emoji, on) {
    const i = this.outbox.findIndex(x => x.kind === 'react' && x.state === 'queued' &&
      x.target === target && x.emoji === emoji);
    if (i >= 0 && this.outbox[i].on !== on) {
      const [undone] = this.outbox.splice(i, 1);
      this.save();
      this.emit('discarded', undone);
      return null;
    }
    return this.queue({ kind: 'react', id: this.nextId(), target, emoji, on, state: 'queued', error: '' });
  }

  queue (item) {
    this.outbox.push(item);
    this.save();
    this.emit('outbox', item);
    this.pump();
    return item;
  }

  /** Forget an outbox item that failed (the person gave up on it). */
  discard (id) {
    const i = this.outbox.findIndex(x => x.id === id && x.state === 'failed');
    if (i < 0) return;
    const [item] = this.outbox.splice(i, 1);
    this.save();
    this.emit('discarded', item);
  }

  retry (id) {
    const item = this.outbox.find(i => i.id === id);
    if (!item || item.state !== 'failed') return;
    item.state = 'queued';
    item.error = '';
    this.save();
    this.emit('outbox', item);
    this.pump();
  }

  /** Send what waits in the outbox, in order, within the rate limit. */
  pump () {
    clearTimeout(this.pumpTimer);
    this.pumpTimer = 0;
    for (const item of this.outbox) {
      if (item.state !== 'queued') continue;
      if (!this.isOpen()) return;
      if (!this.takeToken()) {
        this.pumpTimer = setTimeout(() => this.pump(), this.msUntilToken());
        return;
      }
      this.ws.send(JSON.stringify(outboxFrame(item)));
      item.state = 'sent';
      this.emit('outbox', item);
    }
    const done = this.uploads.pump(frame => {
      if (!this.isOpen() || !this.takeToken()) return false;
      this.ws.send(JSON.stringify(frame));
      return true;
    });
    if (!done && this.isOpen()) this.pumpTimer = setTimeout(() => this.pump(), this.msUntilToken());
    this.save();
  }

  /** Share a file with the room (name: the name to give it); returns its upload item. */
  upload (file, name = file.name) {
    const item = this.uploads.add(this.nextId(), file, name);
    this.save();
    return item;
  }

  cancelUpload (id) {
    this.uploads.cancel(id);
    this.save();
  }

  retryUpload (id) {
    this.uploads.retry(id);
  }

  /**
   * The person is typing. At most one frame a second is sent; typing that
   * goes on past the second sends the next one when the second is over.
   */
  typing () {
    if (!this.isOpen()) return;
    const wait = this.lastTypingSent + TYPING_EVERY_MS - Date.now();
    if (wait > 0) {
      if (!this.typingTimer) {
        this.typingTimer = setTimeout(() => {
          this.typingTimer = 0;
          const draft = this.hooks.hasDraft ? this.hooks.hasDraft() : true;
          if (draft) this.typing();
        }, wait + 50);
      }
      return;
    }
    if (this.outbox.some(i => i.state === 'queued')) return;
    if (!this.takeToken(2)) return;   // messages come first
    this.lastTypingSent = Date.now();
    this.ws.send(JSON.stringify({ type: 'typing' }));
  }

  leave () {
    if (this.isOpen()) {
      this.ws.send(JSON.stringify({ type: 'leave' }));
    }
    this.end('left', '');
  }
}
