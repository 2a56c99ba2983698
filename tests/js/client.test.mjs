// The built package in Node: error classes, handles, withBrowserSession, the browser-key guard.
// Needs the emulator: SKYVERN_EMULATOR_URL and SKYVERN_EMULATOR_API_KEY (set by `cargo xtask test`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SkyvernClient,
  BrowserSessionHandle,
  SkyvernError,
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  GoneError,
  UnprocessableEntityError,
  TooManyRequestsError,
  InternalServerError,
  SkyvernTimeoutError,
  SkyvernConnectionError,
} from '../../pkg/node.js';

import { URL_, KEY, testId, withId, emulator, logged } from './emulator-log.mjs';

const client = new SkyvernClient({ apiKey: KEY, baseUrl: URL_ });

test('every error class is a real Error subclass with instanceof', async () => {
  const cases = [
    [400, BadRequestError, '{"detail":"bad proxy"}'],
    [403, ForbiddenError, '{"detail":"Invalid credentials"}'],
    [404, NotFoundError, '{"detail":"Browser session pbs_x not found"}'],
    [409, ConflictError, '{"detail":"Browser session has ended"}'],
    [410, GoneError, '{"detail":"Browser session is no longer usable"}'],
    [422, UnprocessableEntityError, '{"detail":[{"type":"int_parsing","loc":["body","timeout"],"msg":"Input should be a valid integer","input":"abc"}]}'],
    [429, TooManyRequestsError, '{"detail":"Rate limit exceeded"}'],
    [500, InternalServerError, '{"error":"Unexpected error: RuntimeError"}'],
    [502, InternalServerError, '<html><head><title>502 Bad Gateway</title></head><body></body></html>'],
  ];
  for (const [status, Class, body] of cases) {
    const path = `/v1/browser_sessions/pbs_fault_${Math.random().toString(36).slice(2)}`;
    await emulator('POST', '/_emulator/faults', { method: 'GET', path, times: 1, status, body });
    const id = path.split('/').pop();
    const e = await client.getBrowserSession(id, { maxRetries: 0 }).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.ok(e instanceof Class, `${status}: ${e}`);
    assert.ok(e instanceof SkyvernError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, Class.name);
    assert.equal(e.statusCode, status);
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.startsWith(String(status)), e.message);
    assert.equal(typeof e.retryable, 'boolean');
    assert.equal(e.retryable, status >= 429);
    assert.equal(e.code, { 400: 'bad_request', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 410: 'gone', 422: 'unprocessable_entity', 429: 'too_many_requests' }[status] ?? (status >= 500 ? 'server_error' : 'http_error'));
    if (body.startsWith('{')) assert.deepEqual(e.body, JSON.parse(body));
    else assert.equal(e.body, body);
    assert.ok(typeof e.stack === 'string');
    assert.equal(e.headers?.['content-length'], String(Buffer.byteLength(body)), `${status}: headers ${JSON.stringify(e.headers)}`);
  }

  // The error response's headers, as sent.
  const limited = `/v1/browser_sessions/pbs_limited_${Math.random().toString(36).slice(2)}`;
  await emulator('POST', '/_emulator/faults', {
    method: 'GET', path: limited, times: 1, status: 429,
    headers: { 'retry-after': '7', 'x-ratelimit-remaining': '0' }, body: '{"detail":"Rate limit exceeded"}',
  });
  const r = await client.getBrowserSession(limited.split('/').pop(), { maxRetries: 0 }).catch((e) => e);
  assert.ok(r instanceof TooManyRequestsError, String(r));
  assert.equal(r.headers['retry-after'], '7');
  assert.equal(r.headers['x-ratelimit-remaining'], '0');

  // A timeout, a connection error and an invalid argument.
  const path = `/v1/browser_sessions/pbs_hang_${Math.random().toString(36).slice(2)}`;
  await emulator('POST', '/_emulator/faults', { method: 'GET', path, times: 1, hang: true });
  const t = await client.getBrowserSession(path.split('/').pop(), { timeoutInSeconds: 0.3 }).catch((e) => e);
  assert.ok(t instanceof SkyvernTimeoutError && t instanceof SkyvernError && t instanceof Error, String(t));
  assert.equal(t.name, 'SkyvernTimeoutError');
  assert.equal(t.statusCode, undefined);
  assert.equal(t.code, 'attempt_timeout');

  const offline = new SkyvernClient({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
  const c = await offline.getBrowserSessions().catch((e) => e);
  assert.ok(c instanceof SkyvernConnectionError && c instanceof SkyvernError, String(c));
  assert.equal(c.retryable, true);
  assert.equal(c.code, 'connection_error');

  const v = await client.runTask({ prompt: '' }).catch((e) => e);
  assert.ok(v instanceof SkyvernError);
  assert.equal(v.constructor, SkyvernError);
  assert.match(v.message, /^request\.prompt/);
  assert.equal(v.code, 'invalid_argument');

  assert.throws(() => new SkyvernClient({ apiKey: KEY, maxRetries: 'two' }), (e) => e instanceof SkyvernError && /options\.maxRetries/.test(e.message));
  assert.throws(() => new SkyvernClient({ apikey: KEY }), /options\.apikey: is not a known field/);
});

test('a wait that times out carries the last seen object and does not cancel the run', async () => {
  const run = await client.runTask({ prompt: 'hold [pause]' });
  const e = await client.waitForRun(run.run_id, { timeout: 2 }).catch((e) => e);
  assert.ok(e instanceof SkyvernTimeoutError);
  assert.equal(e.lastSeen.run_id, run.run_id);
  assert.equal(e.lastSeen.status, 'paused');
  assert.equal((await client.getRun(run.run_id)).status, 'paused');
  await client.cancelRun(run.run_id);
});

test('an abort rejects with the signal reason', async () => {
  const ac = new AbortController();
  const reason = new Error('caller gave up');
  const p = client.waitForBrowserSession('pbs_000000000000000000', { abortSignal: ac.signal });
  ac.abort(reason);
  assert.equal(await p.catch((e) => e), reason);
  const ac2 = new AbortController();
  ac2.abort('plain string');
  assert.equal(await client.getBrowserSessions({ abortSignal: ac2.signal }).catch((e) => e), 'plain string');
});

test('openBrowserSession handle: Symbol.asyncDispose closes it (await using)', async () => {
  const id = testId('dispose');
  const handle = await client.openBrowserSession({ timeout: 10 }, withId(id));
  assert.ok(handle instanceof BrowserSessionHandle);
  assert.match(handle.id, /^pbs_/);
  assert.equal(handle.session.status, 'running');
  assert.equal(typeof handle[Symbol.asyncDispose], 'function');
  const run = await handle.runTask({ prompt: 'in the session', waitForCompletion: true });
  assert.equal(run.status, 'completed');
  const refreshed = await handle.refresh();
  assert.equal(refreshed.browser_session_id, handle.id);
  assert.equal(handle.session, refreshed);

  // What `await using handle = …` does at the end of its block:
  await handle[Symbol.asyncDispose]();
  assert.equal((await client.getBrowserSession(handle.id)).status, 'completed');
  await handle.close(); // idempotent: no second request
  const closes = (await logged(id)).filter((r) => r.path === `/v1/browser_sessions/${handle.id}/close`);
  assert.equal(closes.length, 1);
});

test('withBrowserSession closes the session when the callback throws', async () => {
  const id = testId('with-throw');
  let seen;
  const boom = new Error('callback failed');
  const e = await client
    .withBrowserSession({ timeout: 10 }, async (session) => {
      seen = session;
      assert.equal(session.status, 'running');
      throw boom;
    }, withId(id))
    .catch((e) => e);
  assert.equal(e, boom);
  const log = await logged(id);
  assert.ok(log.some((r) => r.method === 'POST' && r.path === `/v1/browser_sessions/${seen.browser_session_id}/close`), JSON.stringify(log.map((r) => r.path)));
  assert.equal((await client.getBrowserSession(seen.browser_session_id)).status, 'completed');

  // And resolves with the callback's value on success, closing too.
  let sid;
  const value = await client.withBrowserSession(undefined, (s) => {
    sid = s.browser_session_id;
    return 'done';
  });
  assert.equal(value, 'done');
  assert.equal((await client.getBrowserSession(sid)).status, 'completed');
});

test('withBrowserSession closes the session on abort during the callback', async () => {
  const ac = new AbortController();
  let sid;
  const p = client.withBrowserSession(undefined, (s) => {
    sid = s.browser_session_id;
    setTimeout(() => ac.abort(new Error('stop')), 50);
    return new Promise(() => {}); // never settles
  }, { abortSignal: ac.signal });
  const e = await p.catch((e) => e);
  assert.equal(e.message, 'stop');
  assert.equal((await client.getBrowserSession(sid)).status, 'completed');
});

test('calls made inside a running call (a withBrowserSession callback, onStatus) run and settle on their own', async () => {
  // The callback starts two calls at once, before the outer call has reached its next await.
  const out = await client.withBrowserSession(undefined, (s) =>
    Promise.all([client.getBrowserSession(s.browser_session_id), client.getBrowserSessions()]).then(([again, list]) => ({
      id: s.browser_session_id,
      again,
      listed: list.some((x) => x.browser_session_id === s.browser_session_id),
    })),
  );
  assert.equal(out.again.browser_session_id, out.id);
  assert.equal(out.again.status, 'running');
  assert.ok(out.listed);
  assert.equal((await client.getBrowserSession(out.id)).status, 'completed');

  // onStatus starts a call for every status a wait reports.
  const run = await client.runTask({ prompt: '[steps=2] nested calls', url: 'https://example.com' });
  const nested = [];
  const done = await client.waitForRun(run.run_id, {
    pollIntervalMs: 50,
    onStatus: (r) => nested.push(client.getRun(r.run_id)),
  });
  assert.equal(done.run_id, run.run_id);
  assert.ok(nested.length >= 2, `statuses seen: ${nested.length}`);
  for (const got of await Promise.all(nested)) assert.equal(got.run_id, run.run_id);
});

test('browser-key guard: an apiKey in a web page needs dangerouslyAllowBrowser', () => {
  assert.equal(globalThis.document, undefined);
  globalThis.document = {};
  try {
    assert.throws(
      () => new SkyvernClient({ apiKey: 'sk-live-secret' }),
      (e) => e instanceof SkyvernError && /dangerouslyAllowBrowser/.test(e.message) && /proxy/.test(e.message) && !e.message.includes('sk-live-secret'),
    );
    assert.ok(new SkyvernClient({ apiKey: 'sk-live-secret', dangerouslyAllowBrowser: true }));
    assert.ok(new SkyvernClient({ baseUrl: 'https://my-proxy.example/skyvern' }));
  } finally {
    delete globalThis.document;
  }
  assert.ok(new SkyvernClient({ apiKey: 'sk-live-secret' }), 'Node is not a browser');
});

test('responses keep unknown fields; 20 calls in parallel', async () => {
  const s = await client.createBrowserSession();
  assert.ok('source' in s && 'remaining_lifetime_seconds' in s);
  const results = await Promise.all(Array.from({ length: 20 }, () => client.getBrowserSession(s.browser_session_id)));
  assert.ok(results.every((r) => r.browser_session_id === s.browser_session_id));
  assert.deepEqual(await client.closeBrowserSession(s.browser_session_id), { message: 'Browser session closed' });
});
