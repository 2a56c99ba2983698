// The Node entry's node:http transport, against local servers on 127.0.0.1 that
// answer exactly what each test needs: compressed and BOM-prefixed bodies,
// kept-alive connections, idle sockets that must not hold the process, time
// limits and aborts that close the connection, a connection cut mid-body,
// request bodies with their byte length, Retry-After, and https.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { execFileSync, spawn } from 'node:child_process';
import { gzipSync, deflateSync, brotliCompressSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SkyvernClient, SkyvernConnectionError, SkyvernTimeoutError } from '../../pkg/node.js';

const ENTRY = fileURLToPath(new URL('../../pkg/node.js', import.meta.url));
const KEY = 'sk-node-transport-secret';
const ID = 'pbs_transport_1';
const SESSION = JSON.stringify({ browser_session_id: ID, status: 'running', note: 'naïve ✓' });

/** A server on 127.0.0.1 whose requests go to `handle`; counts connections and records requests. */
async function serve(handle, create = createServer, options = {}) {
  const seen = { connections: 0, closed: 0, requests: [] };
  const sockets = new Set();
  const server = create(options, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.requests.push(r);
      handle(r, res, req);
    });
  });
  server.on(create === createServer ? 'connection' : 'secureConnection', (s) => {
    seen.connections++;
    sockets.add(s);
    s.on('close', () => {
      seen.closed++;
      sockets.delete(s);
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const scheme = create === createServer ? 'http' : 'https';
  return {
    url: `${scheme}://127.0.0.1:${server.address().port}`,
    seen,
    close: () =>
      new Promise((ok) => {
        for (const s of sockets) s.destroy();
        server.close(ok);
      }),
  };
}

/** Runs a Node child process (without blocking this one's servers); resolves with its output. */
function node(args, env = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => child.kill(), 20_000);
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      code === 0 ? ok(out) : fail(new Error(`node ${args.at(-1)} exited with ${code}`));
    });
  });
}

const json = (res, body, headers = {}, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};
const until = async (cond, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((ok) => setTimeout(ok, 10));
  }
  return true;
};

test('gzip, deflate and br bodies are decoded; a BOM is dropped; the key and accept-encoding are sent', async () => {
  const bodies = [
    ['gzip', gzipSync(SESSION)],
    ['deflate', deflateSync(SESSION)],
    ['br', brotliCompressSync(SESSION)],
    ['identity', Buffer.from('\ufeff' + SESSION)],
  ];
  let i = 0;
  const srv = await serve((r, res) => {
    const [coding, bytes] = bodies[i++];
    json(res, bytes, coding === 'identity' ? {} : { 'content-encoding': coding });
  });
  try {
    const client = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
    for (const [coding] of bodies) {
      const s = await client.getBrowserSession(ID);
      assert.deepEqual(s, JSON.parse(SESSION), coding);
    }
    for (const r of srv.seen.requests) {
      assert.equal(r.headers['x-api-key'], KEY);
      assert.match(r.headers['accept-encoding'], /gzip/);
      assert.equal(r.url, `/v1/browser_sessions/${ID}`);
    }
  } finally {
    await srv.close();
  }
});

test('a body that does not decode is a connection error naming the coding, not a crash', async () => {
  const srv = await serve((r, res) => json(res, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }));
  try {
    const client = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
    const e = await client.getBrowserSession(ID).catch((e) => e);
    assert.ok(e instanceof SkyvernConnectionError, String(e));
    assert.match(e.message, /could not decode the gzip response body/);
    assert.ok(!e.message.includes(KEY));
  } finally {
    await srv.close();
  }
});

test('sequential calls reuse one kept-alive connection; a second burst of 300 parallel calls reuses the first burst\'s', async () => {
  const srv = await serve((r, res) => json(res, SESSION));
  try {
    const client = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
    for (let n = 0; n < 20; n++) assert.equal((await client.getBrowserSession(ID)).browser_session_id, ID);
    assert.equal(srv.seen.connections, 1);
    const burst = async () => {
      const all = await Promise.all(Array.from({ length: 300 }, () => client.getBrowserSession(ID)));
      assert.equal(all.filter((s) => s.browser_session_id === ID).length, 300);
    };
    await burst();
    const opened = srv.seen.connections;
    assert.ok(opened > 256, `the first burst opened ${opened} connections`);
    await burst();
    assert.equal(srv.seen.connections, opened, 'the second burst opened no new connection');
    assert.equal(srv.seen.requests.length, 620);
  } finally {
    await srv.close();
  }
});

test('an idle kept-alive connection does not keep the process alive', async () => {
  // The server would keep the connection open for a minute.
  const srv = await serve((r, res) => json(res, SESSION, { 'keep-alive': 'timeout=60' }));
  try {
    const script = `
      const { SkyvernClient } = await import(${JSON.stringify(ENTRY)});
      const c = new SkyvernClient({ apiKey: ${JSON.stringify(KEY)}, baseUrl: ${JSON.stringify(srv.url)} });
      const s = await c.getBrowserSession(${JSON.stringify(ID)});
      console.log(s.browser_session_id);`;
    const t0 = Date.now();
    const out = await node(['--input-type=module', '-e', script]);
    const took = Date.now() - t0;
    assert.equal(out.trim(), ID);
    assert.equal(srv.seen.requests.length, 1);
    assert.ok(took < 3000, `the process exited after ${took} ms`);
    assert.ok(await until(() => srv.seen.closed === 1), 'the connection closed with the process');
  } finally {
    await srv.close();
  }
});

test('a time limit and an abort each close the connection of the attempt', async () => {
  const srv = await serve(() => {}); // never answers
  try {
    const client = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
    const t0 = Date.now();
    const e = await client.getBrowserSession(ID, { timeoutInSeconds: 0.3 }).catch((e) => e);
    assert.ok(e instanceof SkyvernTimeoutError, String(e));
    assert.ok(Date.now() - t0 < 2000);
    assert.ok(await until(() => srv.seen.closed === 1), 'the timed-out connection was closed');

    const ac = new AbortController();
    const reason = new Error('caller left');
    const p = client.getBrowserSession(ID, { abortSignal: ac.signal });
    assert.ok(await until(() => srv.seen.requests.length === 2));
    ac.abort(reason);
    assert.equal(await p.catch((e) => e), reason);
    assert.ok(await until(() => srv.seen.closed === 2), 'the aborted connection was closed');
  } finally {
    await srv.close();
  }
});

test('a connection cut in the middle of the body is a connection error, retried for a read', async () => {
  let n = 0;
  const srv = await serve((r, res) => {
    if (n++ === 0) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(SESSION.length + 100) });
      res.write(SESSION.slice(0, 10));
      setTimeout(() => res.socket.destroy(), 20);
    } else {
      json(res, SESSION);
    }
  });
  try {
    const once = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
    const e = await once.getBrowserSession(ID).catch((e) => e);
    assert.ok(e instanceof SkyvernConnectionError, String(e));
    assert.equal(e.retryable, true);
    n = 0;
    const retrying = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 1 });
    assert.equal((await retrying.getBrowserSession(ID)).browser_session_id, ID);
    assert.equal(srv.seen.requests.length, 3);
  } finally {
    await srv.close();
  }
});

test('a request body goes out whole with its length in bytes; Retry-After is honoured', async () => {
  let n = 0;
  const srv = await serve((r, res) => {
    if (r.method === 'PATCH' && n++ === 0) return json(res, '{"detail":"busy"}', { 'retry-after': '0' }, 503);
    json(res, SESSION);
  });
  try {
    const client = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 2 });
    const s = await client.updateBrowserSession(ID, { generate_browser_profile: true }).catch((e) => e);
    assert.equal(s.browser_session_id, ID, String(s));
    const posts = srv.seen.requests.filter((r) => r.method !== 'GET');
    assert.equal(posts.length, 2, 'the 503 with Retry-After was sent again once');
    for (const r of posts) {
      assert.equal(r.headers['content-length'], String(Buffer.byteLength(r.body)));
      assert.equal(r.headers['transfer-encoding'], undefined);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(r.body), { generate_browser_profile: true });
    }
  } finally {
    await srv.close();
  }
});

test('a run prompt with non-ASCII text arrives byte for byte', async () => {
  const prompt = 'Öffne die Seite ✓ and read 価格';
  const srv = await serve((r, res) =>
    json(res, JSON.stringify({ run_id: 'tsk_1', status: 'created', run_type: 'task_v2' })),
  );
  try {
    const client = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
    await client.runTask({ prompt });
    const [r] = srv.seen.requests;
    assert.equal(JSON.parse(r.body).prompt, prompt);
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body));
  } finally {
    await srv.close();
  }
});

test('https: a call over TLS to a server whose certificate the process trusts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skyvern-tls-'));
  try {
    try {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not available to make a test certificate');
      return;
    }
    const srv = await serve((r, res) => json(res, gzipSync(SESSION), { 'content-encoding': 'gzip' }), createTlsServer, {
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
    });
    try {
      const script = `
        const { SkyvernClient } = await import(${JSON.stringify(ENTRY)});
        const c = new SkyvernClient({ apiKey: ${JSON.stringify(KEY)}, baseUrl: ${JSON.stringify(srv.url)}, maxRetries: 0 });
        const a = await c.getBrowserSession(${JSON.stringify(ID)});
        const b = await c.getBrowserSession(${JSON.stringify(ID)});
        console.log(JSON.stringify([a, b]));`;
      writeFileSync(join(dir, 'run.mjs'), script);
      const out = await node([join(dir, 'run.mjs')], { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') });
      assert.deepEqual(JSON.parse(out), [JSON.parse(SESSION), JSON.parse(SESSION)]);
      assert.equal(srv.seen.requests.length, 2);
      assert.equal(srv.seen.connections, 1, 'the TLS connection is kept alive and reused');
      assert.equal(srv.seen.requests[0].headers['x-api-key'], KEY);

      // Without trusting the certificate: a connection error that says why.
      const untrusted = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
      const e = await untrusted.getBrowserSession(ID).catch((e) => e);
      assert.ok(e instanceof SkyvernConnectionError, String(e));
      assert.match(e.message, /self[- ]signed|certificate/i);
      assert.ok(!e.message.includes(KEY));
    } finally {
      await srv.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a create over node:http is sent once under a hang, a reset, a 500 and a 502; twice after a 503 with Retry-After', async (t) => {
  const base = process.env.SKYVERN_EMULATOR_URL;
  const key = process.env.SKYVERN_EMULATOR_API_KEY;
  if (!base) {
    t.skip('needs the emulator (cargo xtask test sets SKYVERN_EMULATOR_URL)');
    return;
  }
  const control = (path, body) =>
    fetch(base + path, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body && JSON.stringify(body),
    }).then((r) => r.json());
  const cases = [
    [{ hang: true }, SkyvernTimeoutError, 1],
    [{ reset: true }, SkyvernConnectionError, 1],
    [{ status: 500, body: '{"error":"boom"}' }, Error, 1],
    [{ status: 502, body: '<html>bad gateway</html>' }, Error, 1],
    [{ status: 503, headers: { 'retry-after': '0' }, body: '{"detail":"busy"}' }, null, 2],
  ];
  for (const [fault, rejects, sent] of cases) {
    const id = `node-create-${Math.random().toString(36).slice(2)}`;
    await control('/_emulator/faults', { method: 'POST', path: '/v1/browser_sessions', times: 1, ...fault });
    const client = new SkyvernClient({ apiKey: key, baseUrl: base, maxRetries: 3, headers: { 'x-test-id': id } });
    const out = await client.createBrowserSession({ timeout: 5 }, { timeoutInSeconds: 0.5 }).catch((e) => e);
    if (rejects) assert.ok(out instanceof rejects, `${JSON.stringify(fault)}: ${out}`);
    else assert.ok(out.browser_session_id, `${JSON.stringify(fault)}: ${out}`);
    const log = (await control('/_emulator/requests')).filter((r) => r.headers['x-test-id'] === id && r.method === 'POST');
    assert.equal(log.length, sent, `${JSON.stringify(fault)} reached the server ${log.length} times`);
    if (!rejects) await client.closeBrowserSession(out.browser_session_id);
  }
});

test('redirects: followed on the same host as fetch does (307/308 keep the body, 303 turns into a GET), never to another origin, at most 5 hops', async () => {
  const other = await serve((r, res) => json(res, SESSION));
  const srv = await serve((r, res) => {
    const to = (status, location) => {
      res.writeHead(status, { location });
      res.end();
    };
    if (r.url === '/v1/browser_sessions/pbs_moved') return to(308, `/v1/browser_sessions/${ID}`);
    if (r.url === '/v1/browser_sessions/pbs_away') return to(302, `${other.url}/v1/browser_sessions/${ID}`);
    if (r.url.startsWith('/v1/browser_sessions/pbs_loop')) return to(307, `/v1/browser_sessions/pbs_loop${r.url.length}`);
    if (r.url === '/v1/browser_sessions' && r.method === 'POST') return to(307, '/v2/browser_sessions');
    if (r.url === '/v2/browser_sessions' && r.method === 'POST') return json(res, JSON.stringify({ browser_session_id: 'pbs_made', echo: JSON.parse(r.body) }));
    if (r.url === `/v1/browser_sessions/${ID}/close`) return to(303, `/v1/browser_sessions/${ID}`);
    json(res, SESSION);
  });
  try {
    const client = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
    assert.equal((await client.getBrowserSession('pbs_moved')).browser_session_id, ID);

    const made = await client.createBrowserSession({ timeout: 15 });
    assert.equal(made.browser_session_id, 'pbs_made');
    assert.equal(made.echo.timeout, 15, 'the 307 kept the body');
    const second = srv.seen.requests.find((r) => r.url === '/v2/browser_sessions');
    assert.equal(second.headers['x-api-key'], KEY);
    assert.equal(second.headers['content-length'], String(Buffer.byteLength(second.body)));

    await client.closeBrowserSession(ID);
    const after303 = srv.seen.requests.at(-1);
    assert.deepEqual([after303.method, after303.url, after303.body], ['GET', `/v1/browser_sessions/${ID}`, '']);
    assert.equal(after303.headers['content-type'], undefined);

    const away = await client.getBrowserSession('pbs_away').catch((e) => e);
    assert.equal(away.statusCode, 302, String(away));
    assert.equal(other.seen.requests.length, 0, 'the key never went to another origin');

    const before = srv.seen.requests.length;
    const loop = await client.getBrowserSession('pbs_loop').catch((e) => e);
    assert.equal(loop.statusCode, 307, String(loop));
    assert.equal(srv.seen.requests.length - before, 6, 'the first request and 5 redirects');
  } finally {
    await srv.close();
    await other.close();
  }
});

test('a response slower than the 4 s idle limit of kept-alive connections still arrives', async () => {
  const srv = await serve((r, res) => setTimeout(() => json(res, SESSION), 4500));
  try {
    const client = new SkyvernClient({ apiKey: KEY, baseUrl: srv.url, maxRetries: 0 });
    const t0 = Date.now();
    assert.equal((await client.getBrowserSession(ID)).browser_session_id, ID);
    assert.ok(Date.now() - t0 >= 4400);
    assert.equal(srv.seen.requests.length, 1);
  } finally {
    await srv.close();
  }
});
