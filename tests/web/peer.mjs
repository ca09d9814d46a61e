// A desktop peer of the browser tests: a C program of tests/ (built with
// the C tests, next to NEXUS_CHAT_BIN's build) that takes commands on
// standard input and tells what happens in JSON lines on standard output.
// tests/nexus-files-peer.c (roomofthree.test.mjs) and
// tests/nexus-chat-peer.c (twolanguages.test.mjs) are such.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SERVER_BIN } from './helpers.mjs';

const peers = new Set();
process.on('exit', () => {
  for (const proc of peers) {
    try { proc.kill('SIGKILL'); } catch { /* gone already */ }
  }
});

/** Where the peer `name` is: $envVar, or tests/name in the build. */
export function peerBin (name, envVar) {
  return process.env[envVar] || path.join(path.dirname(path.dirname(SERVER_BIN)), 'tests', name);
}

/**
 * Start the peer at bin. Returns {ready, events, waitFor(pred), send(line),
 * stop()}; events are every JSON line told so far, ready the first
 * "ready" or "error" line.
 */
export function startPeer (bin, { env } = {}) {
  const proc = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
  peers.add(proc);
  const events = [];
  const waiting = new Set();
  let stderr = '';
  let gone = null;
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', d => { stderr += d; });
  const exited = new Promise(resolve => proc.on('exit', (code, signal) => {
    peers.delete(proc);
    gone = new Error(`the desktop peer exited (${code ?? signal})\nstderr: ${stderr}`);
    for (const w of waiting) w.reject(gone);
    resolve({ code, signal });
  }));
  proc.on('error', e => {
    gone = new Error(`cannot start ${bin}: ${e.message} (build it with meson compile)`);
    for (const w of waiting) w.reject(gone);
  });
  createInterface({ input: proc.stdout }).on('line', line => {
    const event = JSON.parse(line);
    events.push(event);
    for (const w of waiting) {
      if (w.pred(event)) { waiting.delete(w); w.resolve(event); }
    }
  });

  /** The first event, told or to come, for which pred holds. */
  function waitFor (pred, what, timeout = 30000) {
    const found = events.find(pred);
    if (found) return Promise.resolve(found);
    if (gone) return Promise.reject(gone);
    return new Promise((resolve, reject) => {
      const w = {
        pred,
        resolve: e => { clearTimeout(w.timer); resolve(e); },
        reject: e => { clearTimeout(w.timer); reject(e); },
      };
      w.timer = setTimeout(() => {
        waiting.delete(w);
        reject(new Error(`no ${what} from the desktop peer within ${timeout} ms; it said:\n` +
          events.filter(e => e.event !== 'progress').map(e => JSON.stringify(e)).join('\n') + `\nstderr: ${stderr}`));
      }, timeout);
      waiting.add(w);
    });
  }

  const ready = waitFor(e => e.event === 'ready' || e.event === 'error', 'ready line', 20000);
  // Told to the test when it awaits it, not as an unhandled rejection before.
  ready.catch(() => {});
  return {
    events,
    waitFor,
    ready,
    send: line => proc.stdin.write(`${line}\n`),
    async stop () {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      proc.stdin.end('quit\n');
      const t = setTimeout(() => proc.kill('SIGKILL'), 8000);
      const result = await exited;
      clearTimeout(t);
      return result;
    },
  };
}
