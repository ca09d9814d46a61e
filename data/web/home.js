// The home page: your name, a room code, Join and Create a room.

import { $ } from './dom.js';
import { _, format } from './i18n.js';
import { codeProblem, nameProblem, normalizeCode, formatCode, isValidCode, trimName } from './rules.js';

const NAME_KEY = 'nexus-chat.name';

function loadName () {
  try { return localStorage.getItem(NAME_KEY) || ''; } catch { return ''; }
}

function saveName (name) {
  try { localStorage.setItem(NAME_KEY, name); } catch { /* storage off */ }
}

export class HomeView {
  /** actions: {create(name), join(code, name)} */
  constructor (actions) {
    this.actions = actions;
    this.e = {
      view: $('home'),
      notice: $('home-notice'),
      form: $('home-form'),
      name: $('name-input'),
      nameError: $('name-error'),
      code: $('code-input'),
      codeError: $('code-error'),
      formError: $('form-error'),
      join: $('join-button'),
      create: $('create-button'),
    };
    this.busy = false;
    this.e.name.value = loadName();
    this.wire();
  }

  wire () {
    const e = this.e;
    e.form.addEventListener('submit', ev => {
      ev.preventDefault();
      this.submit('join');
    });
    e.create.addEventListener('click', () => this.submit('create'));
    // Enter in the name field creates a room when no code is given.
    e.name.addEventListener('keydown', ev => {
      if (ev.key === 'Enter' && !ev.isComposing) {
        ev.preventDefault();
        this.submit(e.code.value.trim() === '' ? 'create' : 'join');
      }
    });
    e.name.addEventListener('input', () => {
      this.fieldError('name', '');
      this.formError('');
      saveName(e.name.value);
    });
    e.code.addEventListener('input', () => {
      this.fieldError('code', '');
      this.formError('');
    });
    e.code.addEventListener('blur', () => {
      const code = normalizeCode(e.code.value);
      if (isValidCode(code)) e.code.value = formatCode(code);
    });
  }

  show ({ code = '', notice = '' } = {}) {
    this.setBusy(false);
    if (code !== null) {
      this.e.code.value = code;
      const normal = normalizeCode(code);
      if (isValidCode(normal)) this.e.code.value = formatCode(normal);
      else if (code !== '') this.fieldError('code', codeProblem(code));
    }
    this.e.notice.textContent = notice;
    this.e.notice.hidden = notice === '';
    document.title = 'Nexus Chat';
    this.e.view.hidden = false;
    const target = this.e.name.value.trim() !== '' && isValidCode(normalizeCode(this.e.code.value))
      ? this.e.join : this.e.name;
    requestAnimationFrame(() => target.focus());
  }

  hide () {
    this.e.view.hidden = true;
  }

  fieldError (field, sentence) {
    const input = field === 'name' ? this.e.name : this.e.code;
    const out = field === 'name' ? this.e.nameError : this.e.codeError;
    out.textContent = sentence || '';
    out.hidden = !sentence;
    input.setAttribute('aria-invalid', sentence ? 'true' : 'false');
  }

  formError (sentence) {
    this.e.formError.textContent = sentence || '';
    this.e.formError.hidden = !sentence;
  }

  submit (kind) {
    if (this.busy) return;
    const e = this.e;
    this.e.notice.hidden = true;
    this.formError('');
    const nameSentence = nameProblem(e.name.value);
    const codeSentence = kind === 'join' ? codeProblem(e.code.value) : null;
    this.fieldError('name', nameSentence);
    this.fieldError('code', codeSentence);
    if (nameSentence) {
      e.name.focus();
      return;
    }
    if (codeSentence) {
      e.code.focus();
      return;
    }
    const name = trimName(e.name.value);
    saveName(name);
    this.setBusy(kind);
    if (kind === 'join') {
      const code = normalizeCode(e.code.value);
      e.code.value = formatCode(code);
      this.actions.join(code, name);
    } else {
      this.actions.create(name);
    }
  }

  setBusy (kind) {
    this.busy = !!kind;
    this.e.form.setAttribute('aria-busy', this.busy ? 'true' : 'false');
    this.e.join.disabled = this.busy;
    this.e.create.disabled = this.busy;
    this.e.join.textContent = kind === 'join' ? _('Joining…') : _('Join');
    this.e.create.textContent = kind === 'create' ? _('Creating…') : _('Create a room');
  }

  /** The server refused a create or join: say why, next to the field it concerns. */
  refused (code, sentence) {
    this.setBusy(false);
    const name = trimName(this.e.name.value);
    if (code === 'name-taken') {
      this.fieldError('name', format(_('Someone in this room is already called “{name}”. Choose another name.'), { name }));
      this.e.name.focus();
    } else if (code === 'name-invalid') {
      this.fieldError('name', sentence);
      this.e.name.focus();
    } else if (code === 'room-not-found' || code === 'room-full') {
      this.fieldError('code', code === 'room-not-found'
        ? format(_('There is no room with the code {code}. Check the code, or ask for a new invite link.'),
          { code: formatCode(normalizeCode(this.e.code.value)) })
        : sentence);
      this.e.code.focus();
    } else {
      this.formError(sentence);
    }
  }
}
