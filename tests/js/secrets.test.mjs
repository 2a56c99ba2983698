// The API key never leaks: a sentinel key drives the built package through
// successes and failures of every class, and the test scans what a user or a
// log could see — every error's message, stack, String(), JSON.stringify(),
// util.inspect(), body and lastSeen, console output, the client and handle
// objects, and every URL, header and body the emulator logged (and its own
// stderr request log). The sentinel must be absent from all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import util from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const entry = process.env.SKYVERN_WASM_PKG
  ? pathToFileURL(join(resolve(process.env.SKYVERN_WASM_PKG), 'node.js')).href
  : '../../pkg/node.js';
const { SkyvernClient, SkyvernError } = await import(entry);

const SENTINEL = `sk-SENTINEL-${Math.random().toString(36).slice(2)}-do-not-leak`;

/** Starts an emulator of our own whose key is the sentinel. */
async function ownEmulator() {
  const bin = [process.env.SKYVERN_EMULATOR_BIN, join(ROOT, 'target/debug/skyvern-emulator')]
    .find((p) => p && existsSync(p));
  assert.ok(bin, 'no emulator binary: set SKYVERN_EMULATOR_BIN or cargo build -p skyvern-emulator');
  const child = spawn(bin, ['--port', '0', '--test-controls', '--time-scale', '600', '--start-delay-ms', '200',
    '--step-ms', '100', '--api-key', SENTINEL], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('the emulator did not start')), 20_000);
    child.stdout.on('data', (c) => {
      stdout += c;
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`the emulator exited (${code})`)); });
  });
  return { url, stop: () => child.kill(), stderr: () => stderr };
}

test('a sentinel API key appears in no error, log, console line or URL', async (t) => {
  const emu = await ownEmulator();
  t.after(() => emu.stop());
  const seen = [];
  const keep = (label, v) => seen.push([label, v]);

  // Capture everything written to the console while the client runs.
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
  const original = Object.fromEntries(methods.map((m) => [m, console[m]]));
  for (const m of methods) console[m] = (...args) => keep(`console.${m}`, util.format(...args));
  const writes = [process.stdout.write, process.stderr.write];
  process.stdout.write = function (chunk, ...rest) { keep('stdout', String(chunk)); return writes[0].call(this, chunk, ...rest); };
  process.stderr.write = function (chunk, ...rest) { keep('stderr', String(chunk)); return writes[1].call(this, chunk, ...rest); };
  t.after(() => {
    for (const m of methods) console[m] = original[m];
    [process.stdout.write, process.stderr.write] = writes;
  });

  const fault = (spec) => fetch(`${emu.url}/_emulator/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec),
  });
  const client = new SkyvernClient({ apiKey: SENTINEL, baseUrl: emu.url, maxRetries: 1, timeoutInSeconds: 5 });
  keep('client', util.inspect(client, { showHidden: true, depth: 5 }));
  keep('client String', String(client));
  keep('client JSON', JSON.stringify(client));

  const errors = [];
  const capture = async (label, p) => {
    try {
      const v = await p;
      keep(`${label} value`, JSON.stringify(v) ?? 'undefined');
      return v;
    } catch (e) {
      errors.push([label, e]);
      return undefined;
    }
  };

  // Successes.
  const s = await capture('create', client.createBrowserSession({ timeout: 5 }));
  assert.ok(s?.browser_session_id, 'create failed');
  await capture('get', client.getBrowserSession(s.browser_session_id));
  await capture('run', client.runTask({ prompt: 'secret scan [steps=1]', waitForCompletion: true, timeout: 30 }));
  const handle = await client.openBrowserSession({ timeout: 5 });
  keep('handle', util.inspect(handle, { showHidden: true, depth: 5 }));
  await handle.close();

  // Failures of every class.
  const sid = s.browser_session_id;
  const path = `/v1/browser_sessions/${sid}`;
  const cases = [
    [{ status: 429, headers: { 'retry-after': '0' }, body: '{"detail":"Rate limit exceeded"}', times: 2 }, 'TooManyRequestsError'],
    [{ status: 500, body: '{"error":"Unexpected error"}', times: 2 }, 'InternalServerError'],
    [{ status: 503, body: '<html><title>busy</title></html>', times: 2 }, 'InternalServerError'],
    [{ status: 400, body: '{"detail":"bad"}' }, 'BadRequestError'],
    [{ status: 403, body: '{"detail":"Invalid credentials"}' }, 'ForbiddenError'],
    [{ status: 404, body: '{"detail":"not found"}' }, 'NotFoundError'],
    [{ status: 409, body: '{"detail":"ended"}' }, 'ConflictError'],
    [{ status: 410, body: '{"detail":"gone"}' }, 'GoneError'],
    [{ status: 422, body: '{"detail":[{"loc":["body","x"],"msg":"bad","input":"y"}]}' }, 'UnprocessableEntityError'],
    [{ reset: true, times: 2 }, 'SkyvernConnectionError'],
    [{ hang: true }, 'SkyvernTimeoutError'],
    [{ status: 200, body: '{"browser_session_id":' }, 'SkyvernError'],
    [{ status: 200, body: '' }, 'SkyvernError'],
    [{ status: 200, body: '[1]' }, 'SkyvernError'],
  ];
  for (const [spec, name] of cases) {
    await fault({ method: 'GET', path, times: 1, ...spec });
    const timeoutInSeconds = spec.hang ? 0.3 : undefined;
    await capture(`fault ${name}`, client.getBrowserSession(sid, { timeoutInSeconds }));
    assert.equal(errors.at(-1)?.[1]?.name, name, `${JSON.stringify(spec)}: ${errors.at(-1)?.[1]}`);
  }
  await capture('create 500', (async () => {
    await fault({ method: 'POST', path: '/v1/browser_sessions', status: 500, body: '{"error":"x"}' });
    return client.createBrowserSession({});
  })());
  const wrongKey = new SkyvernClient({ apiKey: `${SENTINEL}-wrong`, baseUrl: emu.url });
  await capture('wrong key', wrongKey.getBrowserSessions());
  const offline = new SkyvernClient({ apiKey: SENTINEL, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
  await capture('offline', offline.getBrowserSessions());
  await capture('invalid', client.runTask({ prompt: '' }));
  await capture('invalid id', client.getRun('../x'));
  const paused = await client.runTask({ prompt: 'hold [pause]' });
  await capture('wait timeout', client.waitForRun(paused.run_id, { timeout: 0.5 }));
  await client.cancelRun(paused.run_id);
  await capture('session ended', client.waitForBrowserSession(handle.id));
  const ac = new AbortController();
  const p = client.waitForRun(paused.run_id, { abortSignal: ac.signal, timeout: 10 });
  ac.abort(new Error('stop'));
  await capture('abort', p);
  await capture('browser guard', (async () => {
    globalThis.document = {};
    try { return new SkyvernClient({ apiKey: SENTINEL }); } finally { delete globalThis.document; }
  })());
  await capture('close', client.closeBrowserSession(sid));
  for (const [label, f] of [
    ['ctor bad key', () => new SkyvernClient({ apiKey: `${SENTINEL}\n` })],
    ['ctor key in headers', () => new SkyvernClient({ headers: { 'x-api-key': SENTINEL } })],
    ['ctor timeout', () => new SkyvernClient({ apiKey: SENTINEL, timeoutInSeconds: -1 })],
  ]) {
    try { f(); } catch (e) { errors.push([label, e]); }
  }

  assert.ok(errors.length >= 25, `only ${errors.length} errors`);
  for (const [label, e] of errors) {
    if (e instanceof SkyvernError) {
      assert.ok(typeof e.stack === 'string' && e.stack.length > 0, label);
    }
    keep(`${label} message`, String(e?.message));
    keep(`${label} stack`, String(e?.stack));
    keep(`${label} String`, String(e));
    keep(`${label} JSON`, JSON.stringify(e) ?? '');
    keep(`${label} inspect`, util.inspect(e, { showHidden: true, depth: 10 }));
    keep(`${label} body`, JSON.stringify(e?.body) ?? '');
    keep(`${label} lastSeen`, JSON.stringify(e?.lastSeen) ?? '');
    keep(`${label} cause`, util.inspect(e?.cause));
  }

  // What reached the server: the key must be used (so this test means something)
  // and appear only as the x-api-key header, which the log reports as "valid".
  const log = await (await fetch(`${emu.url}/_emulator/requests`)).json();
  assert.ok(log.some((r) => r.api_key === 'valid'), 'the sentinel key was never sent');
  for (const r of log) {
    keep(`request ${r.seq} url`, `${r.path}${r.query ? `?${r.query}` : ''}`);
    keep(`request ${r.seq} headers`, JSON.stringify(r.headers));
    keep(`request ${r.seq} body`, String(r.body));
  }
  await new Promise((r) => setTimeout(r, 100));
  keep('emulator stderr', emu.stderr());

  const leaks = seen.filter(([, text]) => String(text).includes(SENTINEL)).map(([label]) => label);
  // Restore the console before asserting so a failure is readable.
  for (const m of methods) console[m] = original[m];
  [process.stdout.write, process.stderr.write] = writes;
  assert.deepEqual(leaks, []);
  console.log(`# scanned ${seen.length} texts from ${errors.length} errors and ${log.length} logged requests`);
  assert.ok(seen.length > 150, `only ${seen.length} texts scanned`);
});
