// Every session- and run-related operation of the built package in Node, as the
// emulator sees it (its request log: method, path, query, headers, body or
// multipart part), the @skyvern/client call shapes (header keys, `template`, the
// `{ body }` wrapper, requestOptions.queryParams / apiKey / extraBody), `null` as
// absent, and the retry class of the operations that create things.
// Needs the emulator: SKYVERN_EMULATOR_URL and SKYVERN_EMULATOR_API_KEY (set by `cargo xtask test`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { SkyvernClient, SkyvernError, BadRequestError, NotFoundError, SkyvernTimeoutError } from '../../pkg/node.js';

import { URL_, KEY, testId, withId, emulator, logged } from './emulator-log.mjs';

const client = new SkyvernClient({ apiKey: KEY, baseUrl: URL_ });
/** The one request a call with this test id made. */
async function only(id) {
  const log = await logged(id);
  assert.equal(log.length, 1, JSON.stringify(log.map((r) => `${r.method} ${r.path}`)));
  return log[0];
}

test('list, record and cancel operations send their paths, queries and bodies', async () => {
  let id = testId('runs');
  const done = await client.runTask({ prompt: 'two steps [steps=2]', waitForCompletion: true, pollIntervalMs: 50 });
  assert.equal(done.status, 'completed');
  const runs = await client.getRunsV2({ page_size: 5, status: ['completed', 'failed'], run_type: 'task_v1' }, withId(id));
  let r = await only(id);
  assert.equal(r.method, 'GET');
  assert.equal(r.path, '/v1/runs');
  assert.equal(r.query, 'page_size=5&status=completed&status=failed&run_type=task_v1');
  assert.ok(runs.some((x) => x.run_id === done.run_id && x.task_run_type === 'task_v1'));
  assert.ok(runs.every((x) => ['completed', 'failed'].includes(x.status)));

  id = testId('alias');
  assert.ok(Array.isArray(await client.getRuns({ search_key: done.run_id }, withId(id))));
  assert.equal((await only(id)).query, `search_key=${done.run_id}`);
  await assert.rejects(client.getRunsV2({ page: 101 }), /request\.page: must be an integer from 1 to 100/);
  await assert.rejects(client.getRunsV2({ search_key: 'ab' }), /request\.search_key/);

  id = testId('artifacts');
  const shots = await client.getRunArtifacts(done.run_id, { artifact_type: ['screenshot_final', 'screenshot_action'] }, withId(id));
  r = await only(id);
  assert.equal(r.path, `/v1/runs/${done.run_id}/artifacts`);
  assert.equal(r.query, 'artifact_type=screenshot_final&artifact_type=screenshot_action');
  assert.deepEqual(shots.map((a) => a.artifact_type).sort(), ['screenshot_action', 'screenshot_action', 'screenshot_final']);
  const final = shots.find((a) => a.artifact_type === 'screenshot_final');
  id = testId('content');
  const blob = await client.getArtifactContent(final.artifact_id, withId(id));
  assert.equal((await only(id)).path, `/v1/artifacts/${final.artifact_id}/content`);
  assert.ok(blob instanceof Blob, String(blob));
  assert.equal(blob.type, 'image/svg+xml');
  assert.match(await blob.text(), /^<svg[\s\S]*Step 2 of 2/);
  await assert.rejects(client.getArtifactContent('a_0000'), NotFoundError);
  // A log artifact comes back as text and the element tree as a parsed JSON value,
  // as the real server's content types for those artifact types say.
  const records = await client.getRunArtifacts(done.run_id, { artifact_type: ['skyvern_log', 'visible_elements_tree'] });
  assert.deepEqual(records.map((a) => a.artifact_type), ['skyvern_log', 'visible_elements_tree']);
  id = testId('log');
  const log = await client.getArtifactContent(records[0].artifact_id, withId(id));
  assert.equal((await only(id)).path, `/v1/artifacts/${records[0].artifact_id}/content`);
  assert.equal(typeof log, 'string');
  assert.match(log, /step 2 of 2: .*\n.* run \S+ completed\n$/);
  const tree = await client.getArtifactContent(records[1].artifact_id);
  assert.ok(Array.isArray(tree), typeof tree);
  assert.equal(tree[0].tagName, 'body');
  assert.equal(tree[0].children.length, 2);

  // A task's timeline is refused (400) as on the real server; a workflow run has one.
  await assert.rejects(client.getRunTimeline(done.run_id), (e) => e instanceof BadRequestError && /task_v1/.test(e.message));
  const wf = await client.runWorkflow({ workflow_id: 'wpid_emulator_timeline', title: 'wf [steps=1]', waitForCompletion: true, pollIntervalMs: 50 });
  id = testId('timeline');
  const timeline = await client.getRunTimeline(wf.run_id, withId(id));
  assert.equal((await only(id)).path, `/v1/runs/${wf.run_id}/timeline`);
  assert.equal(timeline[0].type, 'block');
  assert.equal(timeline[0].block.status, 'completed');

  const running = await client.runTask({ prompt: 'hold [pause]' });
  id = testId('bulk');
  const bulk = await client.bulkCancelRuns({ run_ids: [running.run_id, done.run_id] }, withId(id));
  r = await only(id);
  assert.equal(r.method, 'POST');
  assert.equal(r.path, '/v1/runs/cancel');
  assert.deepEqual(JSON.parse(r.body), { run_ids: [running.run_id, done.run_id] });
  assert.deepEqual(bulk, { cancelled: [running.run_id], failed: [done.run_id] });
  await assert.rejects(client.bulkCancelRuns({ run_ids: Array(101).fill('tsk_1') }), /request\.run_ids: .*at most 100/);
  await assert.rejects(client.bulkCancelRuns({ run_ids: ['../x'] }), /request\.run_ids\[0\]/);
  // Cancelling a canceled task again answers 400, as the real server does.
  await assert.rejects(client.cancelRun(running.run_id), (e) => e instanceof BadRequestError && /already canceled/.test(e.message));
});

test('browser profiles: list with paging and search, update, the deprecated alias', async () => {
  let id = testId('profiles');
  const list = await client.listBrowserProfiles({ page: 2, page_size: 5, include_deleted: true, search_key: 'a b', managed: false }, withId(id));
  assert.ok(Array.isArray(list));
  let r = await only(id);
  assert.equal(r.path, '/v1/browser_profiles');
  assert.equal(r.query, 'page=2&page_size=5&include_deleted=true&search_key=a%20b&managed=false');
  id = testId('old');
  assert.ok(Array.isArray(await client.getBrowserProfiles(withId(id))));
  assert.equal((await only(id)).query, null);
  id = testId('patch');
  const e = await client.updateBrowserProfile('bp_000000000000000000', { name: 'renamed', description: null }, withId(id)).catch((e) => e);
  assert.ok(e instanceof NotFoundError, String(e));
  r = await only(id);
  assert.equal(r.method, 'PATCH');
  assert.equal(r.path, '/v1/browser_profiles/bp_000000000000000000');
  assert.deepEqual(JSON.parse(r.body), { name: 'renamed' });
  const made = await client.createBrowserProfile({ name: `blank ${id}` });
  id = testId('patch-ok');
  const updated = await client.updateBrowserProfile(made.browser_profile_id, { name: `renamed ${id}`, description: 'described', proxy_session_id: null }, withId(id));
  r = await only(id);
  assert.equal(r.method, 'PATCH');
  assert.equal(r.path, `/v1/browser_profiles/${made.browser_profile_id}`);
  assert.deepEqual(JSON.parse(r.body), { name: `renamed ${id}`, description: 'described' });
  assert.equal(updated.browser_profile_id, made.browser_profile_id);
  assert.equal(updated.name, `renamed ${id}`);
  assert.equal(updated.description, 'described');
  assert.equal((await client.getBrowserProfile(made.browser_profile_id)).name, `renamed ${id}`);
  await client.deleteBrowserProfile(made.browser_profile_id);
  await assert.rejects(client.updateBrowserProfile('bp_1', { name: '' }), /request\.name/);
});

test('login and downloadFiles start workflow runs; header keys become headers, in either call shape', async () => {
  let id = testId('login');
  const run = await client.login(
    { credential_type: 'skyvern', credential_id: 'cred_emulator_demo', url: 'https://example.com', 'x-user-agent': 'ua/1', waitForCompletion: true, pollIntervalMs: 50 },
    withId(id),
  );
  assert.match(run.run_id, /^wr_/);
  assert.equal(run.status, 'completed');
  const post = (await logged(id)).find((x) => x.method === 'POST');
  assert.equal(post.path, '/v1/run/tasks/login');
  assert.equal(post.headers['x-user-agent'], 'ua/1');
  assert.deepEqual(JSON.parse(post.body), { credential_type: 'skyvern', url: 'https://example.com', credential_id: 'cred_emulator_demo' });
  await assert.rejects(client.login({}), /request\.credential_type: is required|request\.credential_type/);

  id = testId('download');
  const dl = await client.downloadFiles({ body: { navigation_goal: 'get the file' }, 'x-user-agent': 'ua/2' }, withId(id));
  const r = await only(id);
  assert.equal(r.path, '/v1/run/tasks/download_files');
  assert.equal(r.headers['x-user-agent'], 'ua/2');
  assert.deepEqual(JSON.parse(r.body), { navigation_goal: 'get the file' });
  assert.equal(dl.run_request.title, 'File Download');
  await assert.rejects(client.downloadFiles({ body: { navigation_goal: 'x' }, 'x-user-agnt': 'u' }), /did you mean `x-user-agent`/);
  await assert.rejects(client.downloadFiles({ body: {} }), /request\.body\.navigation_goal/);

  id = testId('task-ua');
  await client.runTask({ prompt: 'ua', 'x-user-agent': 'ua/3' }, withId(id));
  let t = await only(id);
  assert.equal(t.headers['x-user-agent'], 'ua/3');
  assert.deepEqual(JSON.parse(t.body), { prompt: 'ua' });
  id = testId('task-wrap');
  await client.runTask({ 'x-user-agent': 'ua/4', body: { prompt: 'wrapped' } }, withId(id));
  t = await only(id);
  assert.equal(t.headers['x-user-agent'], 'ua/4');
  assert.deepEqual(JSON.parse(t.body), { prompt: 'wrapped' });

  id = testId('workflow');
  await client.runWorkflow({ workflow_id: 'wpid_emulator_x', 'x-max-steps-override': 7, template: true }, withId(id));
  const w = await only(id);
  assert.equal(w.path, '/v1/run/agents');
  assert.equal(w.query, 'template=true');
  assert.equal(w.headers['x-max-steps-override'], '7');
  assert.deepEqual(JSON.parse(w.body), { workflow_id: 'wpid_emulator_x' });
  id = testId('workflow-wrap');
  await client.runWorkflow({ body: { workflow_id: 'wpid_emulator_x' }, template: false, 'x-user-agent': 'ua/5' }, withId(id));
  const ww = await only(id);
  assert.equal(ww.query, 'template=false');
  assert.equal(ww.headers['x-user-agent'], 'ua/5');
  await assert.rejects(client.runTask({ prompt: 'x', 'x-user-agent': 'a\nb' }), /request\.x-user-agent/);
});

test('uploadFile sends one multipart part named file, from a Blob or a Buffer', async () => {
  let id = testId('upload');
  const up = await client.uploadFile({ file: new Blob(['hello upload'], { type: 'text/plain' }), filename: 'note.txt' }, withId(id));
  assert.match(up.s3_uri, /note\.txt$/);
  assert.equal(typeof up.presigned_url, 'string');
  let r = await only(id);
  assert.equal(r.method, 'POST');
  assert.equal(r.path, '/v1/upload_file');
  assert.match(r.headers['content-type'], /^multipart\/form-data; boundary=/);
  assert.match(r.body, /Content-Disposition: form-data; name="file"; filename="note\.txt"\r\nContent-Type: text\/plain\r\n\r\nhello upload\r\n/);

  id = testId('upload-buffer');
  await client.uploadFile({ file: { data: Buffer.from('from a buffer'), filename: 'b.bin', contentType: 'application/x-test' } }, withId(id));
  r = await only(id);
  assert.match(r.body, /name="file"; filename="b\.bin"\r\nContent-Type: application\/x-test\r\n\r\nfrom a buffer/);
  id = testId('upload-bare-buffer');
  await client.uploadFile({ file: Buffer.from('bare buffer'), filename: 'bare.txt' }, withId(id));
  r = await only(id);
  assert.match(r.body, /name="file"; filename="bare\.txt"\r\nContent-Type: application\/octet-stream\r\n\r\nbare buffer\r\n/);
  await assert.rejects(client.uploadFile({ file: 'just text' }), /request\.file: must be a Blob/);
  await assert.rejects(client.uploadFile({}), /request\.file: is required/);
});

test('sendTotpCode and retryRunWebhook', async () => {
  let id = testId('totp');
  const code = await client.sendTotpCode({ totp_identifier: 'a@example.com', content: '123456', source: null }, withId(id));
  assert.equal(code.code, '123456');
  let r = await only(id);
  assert.equal(r.path, '/v1/credentials/totp');
  assert.deepEqual(JSON.parse(r.body), { totp_identifier: 'a@example.com', content: '123456' });
  await assert.rejects(client.sendTotpCode({ totp_identifier: 'a' }), /request\.content/);

  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const hook = `http://127.0.0.1:${server.address().port}/hook`;
    const run = await client.runTask({ prompt: 'hooked [steps=1]', waitForCompletion: true, pollIntervalMs: 50 });
    id = testId('replay');
    const replay = await client.retryRunWebhook(run.run_id, { webhook_url: hook }, withId(id));
    r = await only(id);
    assert.equal(r.path, `/v1/runs/${run.run_id}/retry_webhook`);
    assert.deepEqual(JSON.parse(r.body), { webhook_url: hook });
    assert.equal(replay.run_id, run.run_id);
    assert.equal(replay.target_webhook_url, hook);
    assert.equal(received.length, 1);
    assert.equal(JSON.parse(received[0].body).run_id, run.run_id);
    assert.ok(received[0].headers['x-skyvern-signature']);
  } finally {
    server.close();
  }
});

test('null never produces a 422: a null field the spec does not make nullable is not sent', async () => {
  let id = testId('null-session');
  const s = await client.createBrowserSession({ timeout: 5, generate_browser_profile: null, needs_live_view: null }, withId(id));
  assert.deepEqual(JSON.parse((await only(id)).body), { timeout: 5 });
  await client.closeBrowserSession(s.browser_session_id);
  // `timeout` is nullable in the spec: null is sent, undefined is not.
  id = testId('null-timeout');
  const n = await client.createBrowserSession({ timeout: null, url: undefined }, withId(id));
  assert.deepEqual(JSON.parse((await only(id)).body), { timeout: null });
  await client.closeBrowserSession(n.browser_session_id);
  id = testId('undefined-timeout');
  const u = await client.createBrowserSession({ timeout: undefined, needs_live_view: true }, withId(id));
  assert.deepEqual(JSON.parse((await only(id)).body), { needs_live_view: true });
  await client.closeBrowserSession(u.browser_session_id);
  id = testId('null-task');
  await client.runTask({ prompt: 'nulls', engine: null, publish_workflow: null, start_fresh_browser: null, max_steps: null }, withId(id));
  assert.deepEqual(JSON.parse((await only(id)).body), { prompt: 'nulls' });
  // max_steps and max_screenshot_scrolls have no minimum in the spec.
  id = testId('ranges');
  await client.runTask({ prompt: 'ranges', max_steps: 0, max_screenshot_scrolls: 0 }, withId(id));
  assert.deepEqual(JSON.parse((await only(id)).body), { prompt: 'ranges', max_steps: 0, max_screenshot_scrolls: 0 });
  await assert.rejects(client.runTask({ prompt: 'x', max_steps: 1.5 }), /request\.max_steps: must be an integer/);
});

test('requestOptions: queryParams, a per-call apiKey, extraBody; unknown keys still refused', async () => {
  let id = testId('query');
  const run = await client.runTask({ prompt: 'q' });
  await client.getRun(run.run_id, withId(id, { queryParams: { a: '1', l: ['x', 'y'], n: 2, skip: null } }));
  assert.equal((await only(id)).query, 'a=1&l=x&l=y&n=2');

  const keyless = new SkyvernClient({ baseUrl: URL_ });
  id = testId('key');
  await keyless.getRun(run.run_id, withId(id, { apiKey: KEY }));
  assert.equal((await only(id)).api_key, 'valid');

  id = testId('extra');
  await client.runTask({ prompt: 'extra' }, withId(id, { extraBody: { brand_new_field: { on: true } } }));
  assert.deepEqual(JSON.parse((await only(id)).body), { prompt: 'extra', brand_new_field: { on: true } });
  // extraBody is sent as given: an explicit null the request itself would drop reaches the server.
  id = testId('extra-null');
  await client.runTask({ prompt: 'extra', webhook_url: null }, withId(id, { extraBody: { title: null } }));
  assert.deepEqual(JSON.parse((await only(id)).body), { prompt: 'extra', title: null });
  await assert.rejects(client.getRun(run.run_id, { extraBody: { a: 1 } }), /requestOptions\.extraBody/);

  const e = await client.runTask({ prompt: 'x', browser_sesion_id: 'pbs_1' }).catch((e) => e);
  assert.ok(e instanceof SkyvernError);
  assert.match(e.message, /request\.browser_sesion_id.*did you mean `browser_session_id`/);
});

test('operations that create things are never repeated after a timeout or an ambiguous 5xx', async () => {
  const cases = [
    ['POST', '/v1/run/tasks/login', (o) => client.login({ credential_type: 'bitwarden' }, o)],
    ['POST', '/v1/run/tasks/download_files', (o) => client.downloadFiles({ navigation_goal: 'g' }, o)],
    ['POST', '/v1/runs/cancel', (o) => client.bulkCancelRuns({ run_ids: ['tsk_1'] }, o)],
    ['POST', '/v1/upload_file', (o) => client.uploadFile({ file: new Blob(['x']) }, o)],
    ['POST', '/v1/credentials/totp', (o) => client.sendTotpCode({ totp_identifier: 'a', content: '1' }, o)],
  ];
  for (const [method, path, call] of cases) {
    for (const fault of [{ hang: true }, { status: 502, body: 'bad gateway' }]) {
      const id = testId('create');
      await emulator('POST', '/_emulator/faults', { method, path, times: 1, ...fault });
      const opts = withId(id, { maxRetries: 2, timeoutInSeconds: fault.hang ? 0.3 : 10 });
      const e = await call(opts).catch((e) => e);
      assert.ok(e instanceof SkyvernError, `${path}: ${e}`);
      if (fault.hang) assert.ok(e instanceof SkyvernTimeoutError, `${path}: ${e}`);
      assert.equal((await logged(id)).length, 1, `${path} ${JSON.stringify(fault)} was repeated`);
    }
  }
});
