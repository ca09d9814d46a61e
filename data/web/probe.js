// Why the page cannot reach its room. The page itself came from the host, so
// a plain request to the host tells the steps apart: no answer at once means
// nothing listens on the port any more; no answer in time means the host, or
// the network between, has gone quiet; an answer means the host is there and
// it is the chat connection itself that was turned away on the way.

import { _ } from './i18n.js';

export const REACH_SENTENCES = {
  'offline': _('This device is not connected to a network. Connect to the same Wi‑Fi as the host, then try again.'),
  'refused': _('The host isn’t answering on its port: the room may have ended, or Nexus Chat was closed on that computer.'),
  'timed-out': _('The host did not answer in time. Check that you are on the same Wi‑Fi as the host; guest networks often keep devices apart.'),
  'blocked': _('The host is there but refused the chat connection: it may have too many people connected, or something on the way, such as a proxy, lets pages through but not chats. Try again in a moment.'),
};

/** Resolves to one of the keys of REACH_SENTENCES; never rejects. */
export async function probeHost (timeoutMs) {
  if (navigator.onLine === false) return 'offline';
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    await fetch('/api/info', { cache: 'no-store', signal: abort.signal });
    return 'blocked';
  } catch {
    return abort.signal.aborted ? 'timed-out' : 'refused';
  } finally {
    clearTimeout(timer);
  }
}
