// room.js: the room logic both Node.js servers share, the same work the
// Nexus server does for a fan-out: check the frame, give the event a seq
// and a time, keep it in a bounded history, remember the sender's id for
// dedupe, encode it once and send it to every member.
'use strict';

const crypto = require('crypto');

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const HISTORY = 1000;
const MAX_MEMBERS = 256;
const DEDUPE = 1024;

const rooms = new Map();

function newCode() {
  for (;;) {
    const bytes = crypto.randomBytes(6);
    let code = '';
    for (const b of bytes) code += ALPHABET[b % ALPHABET.length];
    if (!rooms.has(code)) return code;
  }
}

function textIsValid(text) {
  if (typeof text !== 'string') return false;
  const chars = [...text];
  if (chars.length < 1 || chars.length > 4000) return false;
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text)) return false;
  return text.trim().length > 0;
}

function nameIsValid(name) {
  if (typeof name !== 'string') return null;
  const trimmed = name.trim();
  const n = [...trimmed].length;
  if (n < 1 || n > 32 || /[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) return null;
  return trimmed;
}

function idIsValid(id) {
  return typeof id === 'string' && /^[\x21-\x7e]{1,64}$/.test(id);
}

function append(room, event) {
  event.seq = ++room.lastSeq;
  event.ts = new Date().toISOString();
  const obj = Object.assign({ type: event.type, seq: event.seq, ts: event.ts }, event.fields);
  const json = JSON.stringify(obj);
  room.history.push(json);
  if (room.history.length > HISTORY) room.history.shift();
  return { obj, json };
}

// Events come back as { obj, json }: the object for Socket.IO, the JSON
// text (made once) for plain WebSockets.
function create(name) {
  const trimmed = nameIsValid(name);
  if (!trimmed) return { error: 'name-invalid' };
  const room = { code: newCode(), members: [], history: [], lastSeq: 0 };
  rooms.set(room.code, room);
  return join(room.code, trimmed);
}

function join(code, name) {
  const room = rooms.get(code);
  if (!room) return { error: 'room-not-found' };
  const trimmed = nameIsValid(name);
  if (!trimmed) return { error: 'name-invalid' };
  const key = trimmed.toLowerCase();
  if (room.members.some(m => m.key === key)) return { error: 'name-taken' };
  if (room.members.length >= MAX_MEMBERS) return { error: 'room-full' };
  const member = { name: trimmed, key, said: new Map(), session: crypto.randomBytes(16).toString('hex') };
  const joined = append(room, { type: 'joined', fields: { name: trimmed } });
  room.members.push(member);
  const welcome = '{"type":"welcome","room":' + JSON.stringify(room.code) +
    ',"name":' + JSON.stringify(trimmed) + ',"session":"' + member.session +
    '","members":' + JSON.stringify(room.members.map(m => m.name)) +
    ',"history":[' + room.history.join(',') + '],"last_seq":' + room.lastSeq + ',"resumed":false}';
  return { room, member, joined, welcome };
}

function say(room, member, text, id) {
  if (!idIsValid(id)) return { error: 'bad-request' };
  const old = member.said.get(id);
  if (old) return { replay: old };
  if (!textIsValid(text)) return { error: 'text-invalid' };
  const event = append(room, { type: 'message', fields: { name: member.name, text, id } });
  member.said.set(id, event);
  if (member.said.size > DEDUPE) member.said.delete(member.said.keys().next().value);
  return { event };
}

function leave(room, member) {
  room.members.splice(room.members.indexOf(member), 1);
  const left = append(room, { type: 'left', fields: { name: member.name } });
  if (room.members.length === 0) rooms.delete(room.code);
  return left;
}

module.exports = { create, join, say, leave };
