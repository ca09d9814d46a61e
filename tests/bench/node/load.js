// load.js: C clients in one room, each sending M messages at R a second,
// against a server it starts: the Nexus headless binary, ws-server.js or
// sio-server.js. The same clients for all three: `ws` for the two plain
// WebSocket servers, socket.io-client for Socket.IO (which speaks its own
// protocol on top). Prints one JSON object with the figures.
//
//   node load.js --server nexus|ws|socketio [--nexus-bin PATH]
//                [--clients C] [--messages M] [--rate R]
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const args = { server: 'ws', clients: 50, messages: 20, rate: 20, 'nexus-bin': null };
for (let i = 2; i < process.argv.length; i += 2)
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const C = Number(args.clients), M = Number(args.messages), R = Number(args.rate);
const PADDING = 'the quick brown fox jumps over the lazy dog';

function debug(text) {
  if (process.env.BENCH_DEBUG) console.error('load.js: ' + text);
}

function now() {
  return Number(process.hrtime.bigint() / 1000n);   // µs
}

function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;   // utime + stime, in USER_HZ
}

function startServer() {
  let argv;
  if (args.server === 'nexus')
    argv = [args['nexus-bin'], '--headless', '--bind', '127.0.0.1', '--port', '0', '--rate', '0'];
  else
    argv = [process.execPath, path.join(__dirname, args.server === 'ws' ? 'ws-server.js' : 'sio-server.js')];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^listening on port (\d+)/.exec(line);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on('exit', () => reject(new Error('the server ended')));
  });
}

// A client: connect(), send(type, payload), and on(type, fn) with the
// server's frames as { type, text } (only what the benchmark reads).
function wsClient(port) {
  const WebSocket = require('ws');
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'nexus-chat.v1', { perMessageDeflate: false });
  const handlers = {};
  ws.on('message', (data) => {
    const s = data.toString();
    // Like nexus-bench: no JSON parser on the hot path.
    const type = s.slice(9, s.indexOf('"', 9));
    const h = handlers[type];
    if (h) h(s);
  });
  return {
    ready: new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); }),
    send: (type, payload) => ws.send(JSON.stringify(Object.assign({ type }, payload))),
    on: (type, fn) => { handlers[type] = fn; },
    textOf: (s) => { const i = s.indexOf('"text":"b:'); return i < 0 ? null : s.slice(i + 8); },
    roomOf: (s) => JSON.parse(s).room,
    close: () => ws.terminate(),
  };
}

function sioClient(port) {
  const { io } = require('socket.io-client');
  const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  return {
    ready: new Promise((resolve, reject) => { socket.on('connect', resolve); socket.on('connect_error', reject); }),
    send: (type, payload) => socket.emit(type, payload),
    on: (type, fn) => socket.on(type === 'error' ? 'error_' : type, fn),
    textOf: (o) => o.text,
    roomOf: (o) => o.room,
    close: () => socket.disconnect(),
  };
}

async function main() {
  const { child, port } = await startServer();
  const make = args.server === 'socketio' ? sioClient : wsClient;
  const clients = [];
  let welcomed = 0, joinedSeen = 0, errors = 0;
  let delivered = 0, unique = 0, duplicated = 0, lastDelivery = 0;
  const latencies = [];
  const seen = [];

  function connect(i) {
    const c = make(port);
    c.index = i;
    clients.push(c);
    seen.push(new Uint8Array(C * M));
    c.on('welcome', (f) => { c.room = c.roomOf(f); welcomed++; });
    c.on('joined', () => { if (i === 0) joinedSeen++; });
    c.on('error', (f) => { if (errors++ === 0) debug('first error: ' + (typeof f === 'string' ? f : JSON.stringify(f))); });
    c.on('message', (f) => {
      const t = c.textOf(f);
      if (!t) return;
      const [sender, n, sentAt] = t.slice(2).split(':', 3).map(Number);
      const at = now();
      lastDelivery = at;
      delivered++;
      latencies.push(at - sentAt);
      const k = sender * M + n;
      if (seen[i][k]++ === 0) unique++;
      else duplicated++;
    });
    return c;
  }

  const until = (cond, ms) => new Promise((resolve) => {
    const t0 = Date.now();
    const check = () => (cond() || Date.now() - t0 > ms) ? resolve(cond()) : setTimeout(check, 2);
    check();
  });

  // The first client creates the room; the others join as soon as each is
  // connected (the server closes a connection that has not joined within
  // 10 s), in batches of 20: the servers' listen backlogs are short
  // (libsoup's is 10).
  const first = connect(0);
  await first.ready;
  first.send('create', { name: 'c0' });
  await until(() => welcomed === 1, 10000);
  debug('created ' + first.room);
  for (let i = 1; i < C; i += 20) {
    const batch = [];
    for (let j = i; j < Math.min(C, i + 20); j++) {
      const c = connect(j);
      batch.push(c.ready.then(() => c.send('join', { room: first.room, name: 'c' + j })));
    }
    await Promise.all(batch);
  }
  await until(() => welcomed === C && joinedSeen >= C - 1, 60000);
  debug(`joined: ${welcomed} welcomed, ${joinedSeen} joined seen, ${errors} errors`);
  await new Promise(r => setTimeout(r, 300));

  const cpuBefore = cpuSeconds(child.pid);
  const sent = new Array(C).fill(0);
  const start = now();
  let firstSend = 0, done = 0, lastSend = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const t = now();
      const elapsed = (t - start) / 1e6;
      for (let i = 0; i < C; i++) {
        if (sent[i] >= M) continue;
        let due = M;
        if (R > 0) {
          const offset = i / C / R;
          if (elapsed < offset) continue;
          due = Math.min(M, Math.floor((elapsed - offset) * R) + 1);
        }
        while (sent[i] < due) {
          const n = sent[i]++;
          clients[i].send('say', { text: `b:${i}:${n}:${now()}: ${PADDING}`, id: String(n) });
        }
        if (sent[i] === M) { done++; lastSend = t; }
      }
      if (!firstSend) firstSend = t;
      if (done < C) setTimeout(tick, 1); else resolve();
    };
    tick();
  });
  const expected = C * C * M;
  await until(() => unique === expected || now() - Math.max(lastDelivery, lastSend) > 5e6, 600000);
  const serverCpu = cpuSeconds(child.pid) - cpuBefore;

  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p / 100 * latencies.length))] / 1000 : 0;
  const seconds = (lastDelivery - firstSend) / 1e6;
  const result = {
    server: args.server,
    clients_program: args.server === 'socketio' ? 'node load.js (socket.io-client)' : 'node load.js (ws)',
    clients: C, messages_each: M, rate_each: R,
    complete: unique === expected,
    seconds, expected, delivered, lost: expected - unique, duplicated,
    deliveries_per_second: seconds > 0 ? delivered / seconds : 0,
    latency_p50_ms: pct(50), latency_p99_ms: pct(99),
    latency_max_ms: latencies.length ? latencies[latencies.length - 1] / 1000 : 0,
    server_cpu_seconds: serverCpu,
    server_cpu_us_per_delivery: delivered ? serverCpu * 1e6 / delivered : 0,
    error_frames: errors,
  };
  console.log(JSON.stringify(result));
  for (const c of clients) c.close();
  child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 200);
}

main().catch((e) => { console.error(e); process.exit(1); });
