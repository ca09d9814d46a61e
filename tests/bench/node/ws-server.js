// ws-server.js: the Nexus protocol's create/join/say/leave on the `ws`
// package, each event encoded once and sent to every member.
'use strict';

const { WebSocketServer } = require('ws');
const room = require('./room');

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws', perMessageDeflate: false });

function error(ws, code) {
  ws.send(JSON.stringify({ type: 'error', code, message: 'Refused.' }));
}

// One encode: the UTF-8 bytes are made once and sent as a text frame to each.
function sendAll(r, json, except) {
  const data = Buffer.from(json);
  for (const m of r.members)
    if (m !== except && m.ws) m.ws.send(data, { binary: false });
}

wss.on('connection', (ws) => {
  let here = null;   // { room, member, sockets }

  ws.on('message', (data, isBinary) => {
    let frame;
    try {
      frame = JSON.parse(data.toString());
    } catch (e) {
      return error(ws, 'bad-request');
    }
    if (frame === null || typeof frame !== 'object' || typeof frame.type !== 'string')
      return error(ws, 'bad-request');

    if (frame.type === 'create' || frame.type === 'join') {
      if (here) return error(ws, 'bad-request');
      const r = frame.type === 'create' ? room.create(frame.name) : room.join(frame.room, frame.name);
      if (r.error) {
        error(ws, r.error);
        return ws.close(1008);
      }
      sendAll(r.room, r.joined.json, r.member);
      r.member.ws = ws;
      here = r;
      ws.send(r.welcome);
    } else if (frame.type === 'say') {
      if (!here) return error(ws, 'not-joined');
      const r = room.say(here.room, here.member, frame.text, frame.id);
      if (r.error) return error(ws, r.error);
      if (r.replay) return ws.send(r.replay.json);
      sendAll(here.room, r.event.json, null);
    } else if (frame.type === 'leave' && here) {
      const left = room.leave(here.room, here.member);
      ws.send(left.json);
      sendAll(here.room, left.json, null);
      here = null;
      ws.close(1000);
    } else {
      error(ws, 'bad-request');
    }
  });

  ws.on('close', () => {
    if (here) {
      const left = room.leave(here.room, here.member);
      sendAll(here.room, left.json, null);
      here = null;
    }
  });
});

wss.on('listening', () => {
  console.log('listening on port ' + wss.address().port);
});
