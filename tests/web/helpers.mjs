// Shared helpers for the browser tests: start the headless server on a free
// port, start Debian's Chromium through playwright-core, and drive pages.

import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

export const SERVER_BIN = process.env.NEXUS_CHAT_BIN || path.join(root, '_build', 'src', 'nexus-chat');
export const SCREENSHOT_DIR = process.env.NEXUS_SCREENSHOT_DIR || path.join(root, '_build', 'screenshots');
export const CHROMIUM = process.env.NEXUS_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Every server this process started; killed when the process ends, however it ends.
const running = new Set();
function killAll () {
  for (const proc of running) {
    try { proc.kill('SIGKILL'); } catch { /* gone already */ }
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { killAll(); process.exit(130); });
}

/**
 * Start `nexus-chat --headless` on 127.0.0.1 and a free port.
 * Returns {port, origin, proc, output(), stop(), signal(name), exited}.
 */
export function startServer (extraArgs = []) {
  // Nothing is saved unless a test asks for a state directory: servers of
  // tests that run one after the other must not reopen each other's rooms.
  const keep = extraArgs.includes('--state-dir') ? [] : ['--no-persistence'];
  const args = ['--headless', '--bind', '127.0.0.1', '--port', '0', ...keep, ...extraArgs];
  const proc = spawn(SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  let err = '';
  const exited = new Promise(resolve => {
    proc.on('exit', (code, signal) => {
      running.delete(proc);
      resolve({ code, signal });
    });
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', d => { err += d; });
  proc.stdout.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the server printed no port within 10 s\nstdout: ${out}\nstderr: ${err}`));
    }, 10000);
    proc.on('error', e => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${SERVER_BIN}: ${e.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening\nstdout: ${out}\nstderr: ${err}`));
    });
    proc.stdout.on('data', d => {
      out += d;
      const m = /listening on port (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const port = Number(m[1]);
        resolve({
          port,
          origin: `http://127.0.0.1:${port}`,
          proc,
          exited,
          output: () => ({ stdout: out, stderr: err }),
          signal: name => proc.kill(name),
          async stop () {
            if (proc.exitCode !== null || proc.signalCode !== null) return exited;
            proc.kill('SIGTERM');
            const t = setTimeout(() => proc.kill('SIGKILL'), 8000);
            const result = await exited;
            clearTimeout(t);
            return result;
          },
        });
      }
    });
  });
}

export async function launchBrowser () {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

export function screenshotPath (name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, name);
}

/**
 * A new browser context and page. Problems a page reports (uncaught errors,
 * console errors, CSP violations) are collected in page.problems.
 */
export async function newPage (browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', e => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', m => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
  });
  return { context, page };
}

export async function createRoom (page, server, name) {
  await page.goto(`${server.origin}/`);
  await page.fill('#name-input', name);
  await page.click('#create-button');
  await page.waitForSelector('#room:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#conn-status').hidden);
  const shown = await page.textContent('#room-code');
  return shown.replace('-', '');
}

export async function joinRoom (page, server, code, name) {
  await page.goto(`${server.origin}/r/${code}`);
  await page.fill('#name-input', name);
  await page.click('#join-button');
  await page.waitForSelector('#room:not([hidden])');
  await page.waitForFunction(() => document.querySelector('#conn-status').hidden);
}

export async function send (page, text) {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
}

/** Texts of the confirmed messages in the log, in order. */
export function messageTexts (page) {
  return page.$$eval('#events .msg .text', nodes => nodes.map(n => n.textContent));
}

/** Wait until the confirmed messages include every one of `texts`. */
export function waitForMessages (page, texts, timeout = 15000) {
  return page.waitForFunction(wanted => {
    const have = new Set(Array.from(document.querySelectorAll('#events .msg .text'), n => n.textContent));
    return wanted.every(t => have.has(t));
  }, texts, { timeout });
}

/** The notices ("Ada joined the room") in the log, as text. */
export function noticeTexts (page) {
  return page.$$eval('#events .notice .notice-text', nodes => nodes.map(n => n.textContent));
}
