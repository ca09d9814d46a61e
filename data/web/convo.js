// What the page knows of the room's messages, and the changes made to them
// since (PROTOCOL.md, Conversation): edits, deletes, reactions, replies.
// No DOM here. Applying a change is idempotent, and a message of a history
// comes with its current state, so the same change seen twice (in a
// history and live, or again after a resume) ends in the same state.

export const EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🎉'];
const EMOJI_SET = new Set(EMOJI);
// A reply's quote: the original's first line, cut to this many characters.
export const QUOTE_MAX = 100;

/** The quote of a text, as the host makes it: its first line, at most QUOTE_MAX characters. */
export function quoteOf (text) {
  const line = String(text).split('\n', 1)[0];
  const chars = Array.from(line);
  return chars.length > QUOTE_MAX ? chars.slice(0, QUOTE_MAX).join('') : line;
}

function replyOf (r) {
  if (!r || typeof r !== 'object' || !Number.isInteger(r.seq) || typeof r.name !== 'string') return null;
  return { seq: r.seq, name: r.name, text: typeof r.text === 'string' ? r.text : '' };
}

function reactionsOf (r) {
  const map = new Map();
  if (!r || typeof r !== 'object') return map;
  for (const emoji of EMOJI) {
    const names = r[emoji];
    if (Array.isArray(names)) {
      const list = [...new Set(names.filter(n => typeof n === 'string'))];
      if (list.length > 0) map.set(emoji, list);
    }
  }
  return map;
}

/**
 * One message: {seq, id, name, ts, own, text, file (the raw file member or
 * null), edited, deleted, reply: {seq, name, text} | null,
 * reactions: Map emoji → [names, oldest first]}.
 */
export class MessageStore {
  constructor () {
    this.reset();
  }

  reset () {
    this.messages = new Map();   // seq → message
    this.replies = new Map();    // seq of an original → Set of the seqs of its replies
  }

  get (seq) {
    return this.messages.get(seq) || null;
  }

  /** A `message` event; returns its record. Seen before: brought to its current state. */
  add (ev, own) {
    const known = this.messages.get(ev.seq);
    if (known) {
      this.refresh(ev);
      return known;
    }
    const m = {
      seq: ev.seq,
      id: typeof ev.id === 'string' ? ev.id : '',
      name: ev.name,
      ts: ev.ts,
      own: !!own,
      text: ev.text,
      file: ev.file && typeof ev.file === 'object' ? ev.file : null,
      edited: ev.edited === true,
      deleted: ev.deleted === true,
      reply: replyOf(ev.reply),
      reactions: reactionsOf(ev.reactions),
    };
    if (m.deleted) this.clear(m);
    this.messages.set(m.seq, m);
    if (m.reply) {
      if (!this.replies.has(m.reply.seq)) this.replies.set(m.reply.seq, new Set());
      this.replies.get(m.reply.seq).add(m.seq);
      const original = this.messages.get(m.reply.seq);
      if (original && original.deleted) m.reply.text = '';
    }
    return m;
  }

  /** A message of a history again: it reads as it does now. Returns the messages that changed. */
  refresh (ev) {
    const m = this.messages.get(ev.seq);
    if (!m || m.deleted) return [];
    if (ev.deleted === true) return this.delete(m);
    const before = JSON.stringify([m.text, m.edited, [...m.reactions]]);
    if (typeof ev.text === 'string' && !m.file) m.text = ev.text;
    if (ev.edited === true) m.edited = true;
    m.reactions = reactionsOf(ev.reactions);
    return JSON.stringify([m.text, m.edited, [...m.reactions]]) !== before ? [m] : [];
  }

  clear (m) {
    m.deleted = true;
    m.text = '';
    m.edited = false;
    m.file = null;
    m.reactions = new Map();
  }

  delete (m) {
    if (m.deleted) return [];
    this.clear(m);
    // Quotes of it in later replies lose their text.
    const changed = [m];
    for (const seq of this.replies.get(m.seq) || []) {
      const reply = this.messages.get(seq);
      if (reply && reply.reply) {
        reply.reply.text = '';
        changed.push(reply);
      }
    }
    return changed;
  }

  /**
   * An `edited`, `deleted` or `reacted` event. Returns the messages it
   * changed (the target, and for a delete the replies quoting it), or []
   * when its target is gone or already so.
   */
  apply (ev) {
    const m = this.messages.get(ev.target);
    if (!m || m.deleted) return [];
    switch (ev.type) {
      case 'edited':
        if (m.file || (m.edited && m.text === ev.text)) return [];
        m.text = ev.text;
        m.edited = true;
        return [m];
      case 'deleted':
        return this.delete(m);
      case 'reacted': {
        if (!EMOJI_SET.has(ev.emoji)) return [];
        const names = m.reactions.get(ev.emoji) || [];
        const has = names.includes(ev.name);
        if (has === ev.on) return [];
        if (ev.on) {
          m.reactions.set(ev.emoji, [...names, ev.name]);
        } else if (names.length === 1) {
          m.reactions.delete(ev.emoji);
        } else {
          m.reactions.set(ev.emoji, names.filter(n => n !== ev.name));
        }
        return [m];
      }
      default:
        return [];
    }
  }

  /** The newest own message that can still be edited (a text, not deleted), or null. */
  lastOwnText () {
    let best = null;
    for (const m of this.messages.values()) {
      if (m.own && !m.deleted && !m.file && (!best || m.seq > best.seq)) best = m;
    }
    return best;
  }
}
