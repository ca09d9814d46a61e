// Nexus Chat in the browser: picks the home page or the room, and connects
// the room page to the room's connection.

import { _, format } from './i18n.js';
import { localizePage } from './page-text.js';
import { SaveConversation } from './save.js';
import { RoomClient, loadSession, clearSession } from './client.js';
import { HomeView } from './home.js';
import { RoomView } from './room.js';
import { codeFromPath, normalizeCode } from './rules.js';

let client = null;

// The text of index.html in the page's language, before anything shows.
localizePage();
// The conversation kept for saving, before and after the room ends (save.js).
const save = new SaveConversation();

const room = new RoomView({
  say: (text, reply) => client && client.say(text, reply),
  edit: (seq, text) => client && client.edit(seq, text),
  remove: seq => client && client.remove(seq),
  react: (seq, emoji, on) => client && client.react(seq, emoji, on),
  discard: id => client && client.discard(id),
  retry: id => client && client.retry(id),
  typing: () => client && client.typing(),
  leave: () => client && client.leave(),
  upload: (file, name) => client && client.upload(file, name),
  cancelUpload: id => client && client.cancelUpload(id),
  retryUpload: id => client && client.retryUpload(id),
  canSend: () => {
    if (!client || !client.joined || !client.welcomed) return 'not-ready';
    return client.filesKey ? '' : 'no-files';
  },
});
room.onRetryNow = () => client && client.reconnectNow();

const home = new HomeView({
  create: name => start(c => c.create(name)),
  join: (code, name) => start(c => c.join(code, name)),
});

function showRoom () {
  home.hide();
  room.e.view.hidden = false;
}

function showHome (options) {
  room.e.view.hidden = true;
  room.reset();
  home.show(options);
}

function setPath (path) {
  if (location.pathname !== path) history.replaceState(null, '', path);
}

function start (begin, stored = null) {
  if (client) client.dispose();
  const c = new RoomClient({
    welcome (w, info) {
      if (c !== client) return;
      if (!info.resumed) {
        save.start(w.room, w.name);
        room.reset();
        showRoom();
        room.e.input.focus();
      }
      room.welcome(w, { ...info, filesKey: c.filesKey });
      setPath(`/r/${w.room}`);
    },
    event (ev, info) {
      if (c !== client) return;
      save.event(ev);
      room.event(ev, info);
    },
    typing (name) { if (c === client) room.typing(name); },
    hasDraft () { return room.e.input.value.trim() !== ''; },
    outbox (item) { if (c === client) room.outbox(item); },
    confirmed (id) { if (c === client) room.confirmed(id); },
    discarded (item) { if (c === client) room.discarded(item); },
    current (ev) { if (c === client) room.current(ev); },
    upload (item) { if (c === client) room.upload(item); },
    uploadGone (id) { if (c === client) room.uploadGone(id); },
    status (state, detail) { if (c === client) room.setStatus(state, detail); },
    joinFailed (code, sentence) { if (c === client) home.refused(code, sentence); },
    ended (reason, sentence) {
      if (c !== client) return;
      client = null;
      const notice = reason === 'left'
        ? format(_('You left the room {code}.'), { code: room.e.code.textContent }) : sentence;
      // A session that ran out can join its room again, which may still be there.
      const code = reason === 'session-expired' ? room.code : '';
      setPath('/');
      showHome({ code, notice });
      save.ended(reason);
    },
  });
  client = c;
  if (stored) {
    save.start(stored.room, stored.name);
    room.reset();
    room.setRoom(stored.room, stored.name);
    showRoom();
  }
  begin(c);
}

const pathCode = codeFromPath(location.pathname);
let stored = loadSession();
if (stored && pathCode !== '' && normalizeCode(pathCode) !== stored.room) {
  // This tab was opened on another room's link: that one wins.
  clearSession();
  stored = null;
}
if (stored) {
  start(c => c.restore(stored), stored);
} else {
  home.show({ code: pathCode, notice: '' });
}
