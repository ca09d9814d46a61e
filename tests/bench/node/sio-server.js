// sio-server.js: the same room fan-out on Socket.IO, the way the Flask +
// Socket.IO demo did it: events with object payloads, broadcast to a
// Socket.IO room (one encode per broadcast, in Socket.IO's adapter).
'use strict';

const http = require('http');
const { Server } = require('socket.io');
const room = require('./room');

const server = http.createServer();
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false });

io.on('connection', (socket) => {
  let here = null;

  function onJoin(r) {
    if (r.error) {
      socket.emit('error_', { code: r.error });
      return socket.disconnect(true);
    }
    here = r;
    socket.to(r.room.code).emit('joined', r.joined.obj);
    socket.join(r.room.code);
    socket.emit('welcome', JSON.parse(r.welcome));
  }

  socket.on('create', (frame) => {
    if (!here) onJoin(room.create(frame && frame.name));
  });
  socket.on('join', (frame) => {
    if (!here) onJoin(room.join(frame && frame.room, frame && frame.name));
  });
  socket.on('say', (frame) => {
    if (!here) return socket.emit('error_', { code: 'not-joined' });
    const r = room.say(here.room, here.member, frame && frame.text, frame && frame.id);
    if (r.error) return socket.emit('error_', { code: r.error });
    if (r.replay) return socket.emit('message', r.replay.obj);
    io.to(here.room.code).emit('message', r.event.obj);
  });
  socket.on('disconnect', () => {
    if (here) {
      const left = room.leave(here.room, here.member);
      io.to(here.room.code).emit('left', left.obj);
      here = null;
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log('listening on port ' + server.address().port);
});
