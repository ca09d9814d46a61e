// The text of index.html in the page's language. xgettext reads JavaScript,
// not HTML, so the page's fixed text is here, marked for translation, and
// put into the page before it shows (the English in index.html is the
// same text, for a page whose scripts never run). An element added to
// index.html with text of its own gets a line here.

import { $ } from './dom.js';
import { _ } from './i18n.js';

// [element id, 'text' or an attribute, the text]
const TEXT = [
  ['home-tagline', 'text', _('Chat with the people on your network, right from the browser. No account, nothing to install.')],
  ['name-label', 'text', _('Your name')],
  ['code-label', 'text', _('Room code')],
  ['code-hint', 'text', _('Enter the code you were given to join a room, or create a new room and invite others.')],
  ['join-button', 'text', _('Join')],
  // Translators: between the Join and Create a room buttons
  ['home-or', 'text', _('or')],
  ['create-button', 'text', _('Create a room')],
  ['home-footer', 'text', _('Messages stay on the host’s computer and disappear when the room ends.')],
  // Translators: before the room's code in the page's header, as in "Room K7Q-X3M"
  ['room-label', 'text', `${_('Room')} `],
  ['copy-link', 'aria-label', _('Copy invite link')],
  ['copy-link-label', 'text', _('Copy invite link')],
  ['members-toggle-label', 'text', _('Members')],
  ['leave-button', 'text', _('Leave')],
  ['invite-fallback', 'aria-label', _('Invite link')],
  ['conn-text', 'text', _('Reconnecting…')],
  ['conn-retry', 'text', _('Try now')],
  ['conversation', 'aria-label', _('Conversation')],
  ['log', 'aria-label', _('Messages')],
  ['gap-notice', 'text', _('Older messages are no longer kept.')],
  ['new-messages-label', 'text', _('New messages')],
  ['drop-zone-text', 'text', _('Drop files here to share them with the room')],
  ['attach-button', 'aria-label', _('Attach a file')],
  ['attach-button', 'title', _('Attach a file')],
  ['composer-label', 'text', _('Message')],
  ['composer-input', 'placeholder', _('Write a message…')],
  ['send-button', 'aria-label', _('Send')],
  ['composer-help', 'text', _('Enter sends, Shift+Enter starts a new line.')],
  ['members-heading-text', 'text', _('Members')],
  ['invite-title', 'text', _('Invite people')],
  ['preview-title', 'text', _('Send this picture?')],
  ['preview-cancel', 'text', _('Cancel')],
  ['preview-send', 'text', _('Send')],
  ['lightbox-download-label', 'text', _('Download')],
  ['lightbox-close', 'aria-label', _('Close')],
];

/** Put the page's fixed text into index.html's elements. */
export function localizePage () {
  for (const [id, what, text] of TEXT) {
    const node = $(id);
    if (!node) continue;
    if (what === 'text') node.textContent = text;
    else node.setAttribute(what, text);
  }
  // A sentence around an element: the room code stays where it is.
  const code = $('invite-code');
  const invite = $('invite-text');
  if (code && invite) {
    const [before, after] = _('Anyone on this network can join with the code {code} or the invite link.')
      .split('{code}');
    invite.replaceChildren(before || '', code, after || '');
  }
  // The host puts this one into the page itself (nexus-web-language.c):
  // it is for a browser that runs no script.
  _('Nexus Chat needs JavaScript to run in this browser.');
  const description = document.querySelector('meta[name="description"]');
  if (description) {
    description.setAttribute('content', _('Nexus Chat: chat with the people on your network, from any browser.'));
  }
}
