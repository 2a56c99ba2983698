// One run at a time per session handle, against the emulator: runs started at once on one handle
// reach the server one after another, each only after the previous one is terminal; a queued run
// aborted before it is sent leaves the others alone; the client's own runTask is not queued.
// Failed polls (503, reset connections) while a run goes on do not release the queue early; a 404
// for the run or closing the handle does.
// Needs SKYVERN_EMULATOR_URL and SKYVERN_EMULATOR_API_KEY (set by `cargo xtask test`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SkyvernClient } from '../../pkg/node.js';
import { emulator } from './emulator-log.mjs';

const URL_ = process.env.SKYVERN_EMULATOR_URL;
const KEY = process.env.SKYVERN_EMULATOR_API_KEY;
if (!URL_) throw new Error('SKYVERN_EMULATOR_URL is not set (cargo xtask test sets it)');

const client = new SkyvernClient({ apiKey: KEY, baseUrl: URL_ });
const testId = (name) => `${name}-${Math.random().toString(36).slice(2)}`;
const naive = (s) => Date.parse(/Z$|[+-]\d\d:\d\d$/.test(s) ? s : `${s}Z`);

/** The run-creating requests tagged `id`, oldest first. */
async function posts(id) {
  const log = await (await fetch(`${URL_}/_emulator/requests`)).json();
  return log
    .filter((r) => r.headers['x-test-id'] === id && r.method === 'POST' && r.path === '/v1/run/tasks')
    .map((r) => ({ ...r, body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body }));
}

async function open(id) {
  return client.openBrowserSession({ timeout: 15 }, { headers: { 'x-test-id': id } });
}

/** A handle with two runs queued on it at once: `first` (its prompt given) and a one-step
 * `second`. No retries inside a poll, so each fault fails a whole `waitForRun`. */
async function twoQueued(id, firstPrompt) {
  const handle = await open(id);
  const ro = { headers: { 'x-test-id': id }, maxRetries: 0 };
  const first = handle.runTask({ prompt: firstPrompt }, ro);
  const second = handle.runTask({ prompt: '[steps=1] second' }, ro);
  return { handle, first, second };
}

test('three runs started at once on one handle are sent one after another', async () => {
  const id = testId('queue');
  const handle = await open(id);
  const ro = { headers: { 'x-test-id': id } };
  try {
    const runs = await Promise.all(
      ['first', 'second', 'third'].map((p) => handle.runTask({ prompt: `[steps=2] ${p}` }, ro)),
    );
    const sent = await posts(id);
    assert.deepEqual(sent.map((r) => r.body.prompt), ['[steps=2] first', '[steps=2] second', '[steps=2] third']);
    const done = await Promise.all(runs.map((r) => client.waitForRun(r.run_id)));
    for (const r of done) assert.equal(r.status, 'completed', JSON.stringify(r));
    for (let i = 1; i < done.length; i++) {
      assert.ok(
        naive(done[i].created_at) >= naive(done[i - 1].finished_at),
        `run ${i + 1} was created (${done[i].created_at}) before run ${i} finished (${done[i - 1].finished_at})`,
      );
    }
  } finally {
    await handle.close();
  }
});

test('polling errors while a run goes on do not let the next run out early', async () => {
  const id = testId('queue-faults');
  const { handle, first, second } = await twoQueued(id, '[duration=3s] first');
  try {
    const r1 = await first;
    const path = `/v1/runs/${r1.run_id}`;
    await emulator('POST', '/_emulator/faults', { method: 'GET', path, status: 503, body: '{"detail":"busy"}', times: 2 });
    await emulator('POST', '/_emulator/faults', { method: 'GET', path, reset: true, times: 2 });
    const r2 = await second;
    const pending = (await emulator('GET', '/_emulator/faults')).filter((f) => f.path === path);
    assert.deepEqual(pending, [], 'every fault was hit while the first run was going');
    const log = (await (await fetch(`${URL_}/_emulator/requests`)).json()).filter((r) => r.headers['x-test-id'] === id);
    const secondSent = log.find((r) => r.method === 'POST' && r.path === '/v1/run/tasks' && JSON.stringify(r.body).includes('second'));
    const polls = log.filter((r) => r.method === 'GET' && r.path === path);
    assert.ok(polls.length >= 5, `the first run was polled through the faults (${polls.length} polls)`);
    assert.ok(polls[polls.length - 1].seq < secondSent.seq, 'the second run was sent after the last poll of the first');
    const [d1, d2] = await Promise.all([client.waitForRun(r1.run_id), client.waitForRun(r2.run_id)]);
    assert.equal(d1.status, 'completed', JSON.stringify(d1));
    assert.equal(d2.status, 'completed', JSON.stringify(d2));
    assert.ok(naive(d2.created_at) >= naive(d1.finished_at), `run 2 created ${d2.created_at}, run 1 finished ${d1.finished_at}`);
  } finally {
    await handle.close();
  }
});

test('a run the server does not know (404) stops the wait: the next run goes out', async () => {
  const id = testId('queue-404');
  const { handle, first, second } = await twoQueued(id, '[duration=3s] first');
  try {
    const r1 = await first;
    await emulator('POST', '/_emulator/faults', {
      method: 'GET', path: `/v1/runs/${r1.run_id}`, status: 404, body: `{"detail":"Task run not found ${r1.run_id}"}`, times: 1,
    });
    const r2 = await second;
    const d1 = await client.getRun(r1.run_id);
    assert.ok(!['completed', 'failed'].includes(d1.status) || naive(r2.created_at) < naive(d1.finished_at),
      'the second run went out before the first finished');
  } finally {
    await handle.close();
  }
});

test('closing the handle ends the wait even while polls keep failing', async () => {
  const id = testId('queue-close');
  const { handle, first, second } = await twoQueued(id, '[duration=20s] first');
  const r1 = await first;
  // Every poll of the first run fails from now on: only the close can end the wait.
  await emulator('POST', '/_emulator/faults', { method: 'GET', path: `/v1/runs/${r1.run_id}`, status: 503, times: 100 });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await posts(id)).length, 1, 'the second run waits while the first may still be going');
  await handle.close();
  const settled = await Promise.race([
    second.then(() => 'sent', () => 'sent and refused'),
    new Promise((r) => setTimeout(() => r('still waiting'), 5000)),
  ]);
  assert.notEqual(settled, 'still waiting', 'the queue was released by the close');
});

test('aborting a queued run leaves the runs before and after it intact', async () => {
  const id = testId('queue-abort');
  const handle = await open(id);
  const ro = { headers: { 'x-test-id': id } };
  const stop = new AbortController();
  try {
    const first = handle.runTask({ prompt: '[steps=2] first' }, ro);
    const second = handle.runTask({ prompt: '[steps=2] second' }, { ...ro, abortSignal: stop.signal });
    const third = handle.runTask({ prompt: '[steps=2] third' }, ro);
    const r1 = await first;
    stop.abort(new Error('not this one'));
    await assert.rejects(second, /not this one/);
    const r3 = await third;
    const sent = await posts(id);
    assert.deepEqual(sent.map((r) => r.body.prompt), ['[steps=2] first', '[steps=2] third']);
    const [d1, d3] = await Promise.all([client.waitForRun(r1.run_id), client.waitForRun(r3.run_id)]);
    assert.equal(d1.status, 'completed');
    assert.equal(d3.status, 'completed');
    assert.ok(naive(d3.created_at) >= naive(d1.finished_at), 'the third waited for the first');
  } finally {
    await handle.close();
  }
});

test('a run whose create fails frees the queue, and runWorkflow is queued the same way', async () => {
  const id = testId('queue-fail');
  const handle = await open(id);
  const ro = { headers: { 'x-test-id': id } };
  try {
    const bad = handle.runTask({ prompt: 5 }, ro);
    const wf = handle.runWorkflow({ workflow_id: 'wpid_emulator_queue', parameters: {} }, ro);
    await assert.rejects(bad);
    const run = await wf;
    assert.match(run.run_id, /^wr_/);
    assert.equal(run.run_request?.browser_session_id ?? handle.id, handle.id);
  } finally {
    await handle.close();
  }
});

test('SkyvernClient.runTask with a browser_session_id is not queued', async () => {
  const id = testId('raw');
  const handle = await open(id);
  const ro = { headers: { 'x-test-id': id } };
  try {
    const a = await handle.runTask({ prompt: '[steps=3] held' }, ro);
    const b = await client.runTask({ prompt: 'raw', browser_session_id: handle.id }, ro);
    const sent = await posts(id);
    assert.equal(sent.length, 2, 'the raw call went out while the first run was still going');
    const first = await client.waitForRun(a.run_id);
    assert.ok(naive(b.created_at) < naive(first.finished_at), 'sent while the first run was still going');
  } finally {
    await handle.close();
  }
});

test('login and downloadFiles on a handle run in its session, one after another', async () => {
  const id = testId('queue-login');
  const handle = await open(id);
  const ro = { headers: { 'x-test-id': id } };
  try {
    const login = handle.login({ credential_type: 'skyvern', credential_id: 'cred_emulator_demo', url: 'https://example.com' }, ro);
    const download = handle.downloadFiles({ body: { navigation_goal: 'download the report', url: 'https://example.com' } }, ro);
    const [a, b] = await Promise.all([login, download]);
    const log = await (await fetch(`${URL_}/_emulator/requests`)).json();
    const sent = log.filter((r) => r.headers['x-test-id'] === id && r.method === 'POST' && r.path.startsWith('/v1/run/tasks/'));
    assert.deepEqual(sent.map((r) => r.path), ['/v1/run/tasks/login', '/v1/run/tasks/download_files']);
    for (const r of sent) {
      const body = typeof r.body === 'string' ? JSON.parse(r.body) : r.body;
      assert.equal(body.browser_session_id, handle.id);
    }
    const [first, second] = await Promise.all([client.waitForRun(a.run_id), client.waitForRun(b.run_id)]);
    assert.ok(
      naive(second.created_at) >= naive(first.finished_at),
      `the download (${second.created_at}) was created before the login run finished (${first.finished_at})`,
    );
    await assert.rejects(handle.login({ credential_type: 'skyvern', browser_session_id: 'pbs_other' }, ro), /differs from this handle/);
  } finally {
    await handle.close();
  }
});
