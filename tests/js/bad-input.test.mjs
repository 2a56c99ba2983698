// Hostile input through the built package: every public method with missing,
// wrong-typed, out-of-range, unknown, null/undefined and unsendable values. Each
// must reject (or throw) a SkyvernError whose message starts with the field's
// name, and no request may reach the emulator (checked in its request log).
// Needs SKYVERN_EMULATOR_URL and SKYVERN_EMULATOR_API_KEY (set by `cargo xtask test`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = process.env.SKYVERN_WASM_PKG
  ? pathToFileURL(join(resolve(process.env.SKYVERN_WASM_PKG), 'node.js')).href
  : '../../pkg/node.js';
const { SkyvernClient, SkyvernError } = await import(entry);

const URL_ = process.env.SKYVERN_EMULATOR_URL;
const KEY = process.env.SKYVERN_EMULATOR_API_KEY;
if (!URL_) throw new Error('SKYVERN_EMULATOR_URL is not set (cargo xtask test sets it)');

const TEST_ID = `bad-input-${Math.random().toString(36).slice(2)}`;
const client = new SkyvernClient({ apiKey: KEY, baseUrl: URL_, headers: { 'x-test-id': TEST_ID } });
const ro = { headers: { 'x-test-id': TEST_ID } };

const SID = 'pbs_000000000000000001';
const long = 'a'.repeat(10 * 1024);
const circular = { prompt: 'x', data_extraction_schema: {} };
circular.data_extraction_schema.self = circular.data_extraction_schema;

const badIds = [
  ['empty', ''],
  ['whitespace', '  \t'],
  ['slash', 'pbs_1/close'],
  ['question mark', 'pbs_1?a=b'],
  ['hash', 'pbs_1#x'],
  ['percent', 'pbs_%2e%2e'],
  ['dot dot', '..'],
  ['dot dot slash', '../credentials'],
  ['non-ASCII', 'pbs_ü'],
  ['10 KB', long],
  ['null', null],
  ['undefined', undefined],
  ['number', 42],
  ['object', { id: 'pbs_1' }],
];

/** [label, () => Promise | value (may throw), field the message must start with] */
const cases = [];
const idMethods = [
  ['getBrowserSession', 'browserSessionId', (id) => client.getBrowserSession(id, ro)],
  ['closeBrowserSession', 'browserSessionId', (id) => client.closeBrowserSession(id, ro)],
  ['updateBrowserSession', 'browserSessionId', (id) => client.updateBrowserSession(id, { generate_browser_profile: true }, ro)],
  ['extendBrowserSession', 'browserSessionId', (id) => client.extendBrowserSession(id, { additional_minutes: 5 }, ro)],
  ['waitForBrowserSession', 'browserSessionId', (id) => client.waitForBrowserSession(id, {}, ro)],
  ['getRun', 'runId', (id) => client.getRun(id, ro)],
  ['cancelRun', 'runId', (id) => client.cancelRun(id, ro)],
  ['waitForRun', 'runId', (id) => client.waitForRun(id, {}, ro)],
  ['getBrowserProfile', 'profileId', (id) => client.getBrowserProfile(id, ro)],
  ['deleteBrowserProfile', 'profileId', (id) => client.deleteBrowserProfile(id, ro)],
];
for (const [method, field, f] of idMethods) {
  for (const [label, id] of badIds) cases.push([`${method} id ${label}`, () => f(id), field]);
}

for (const [label, t] of [['3', 3], ['0', 0], ['-1', -1], ['60.5', 60.5], ['NaN', NaN], ['Infinity', Infinity], ['"abc"', 'abc'], ['null-ish object', {}]]) {
  cases.push([`createBrowserSession timeout ${label}`, () => client.createBrowserSession({ timeout: t }, ro), 'request.timeout']);
}
cases.push(
  ['createBrowserSession proxy_location number', () => client.createBrowserSession({ proxy_location: 5 }, ro), 'request.proxy_location'],
  ['createBrowserSession extensions object', () => client.createBrowserSession({ extensions: { 0: 'ad-blocker' } }, ro), 'request.extensions'],
  ['createBrowserSession extensions with a number', () => client.createBrowserSession({ extensions: ['ad-blocker', 7] }, ro), 'request.extensions[1]'],
  ['createBrowserSession unknown field', () => client.createBrowserSession({ timeOut: 10 }, ro), 'request.timeOut'],
  ['createBrowserSession request string', () => client.createBrowserSession('fast', ro), 'request'],
  ['createBrowserSession a symbol', () => client.createBrowserSession({ url: Symbol('x') }, ro), 'request.url'],
  ['createBrowserSession a bigint', () => client.createBrowserSession({ timeout: 10n }, ro), 'request.timeout'],
  ['updateBrowserSession missing field', () => client.updateBrowserSession(SID, {}, ro), 'request.generate_browser_profile'],
  ['updateBrowserSession null field', () => client.updateBrowserSession(SID, { generate_browser_profile: null }, ro), 'request.generate_browser_profile'],
  ['updateBrowserSession request undefined', () => client.updateBrowserSession(SID, undefined, ro), 'request.generate_browser_profile'],
  ['extendBrowserSession additional_minutes "5"', () => client.extendBrowserSession(SID, { additional_minutes: '5' }, ro), 'request.additional_minutes'],
  ['extendBrowserSession additional_minutes 0', () => client.extendBrowserSession(SID, { additional_minutes: 0 }, ro), 'request.additional_minutes'],
  ['runTask missing prompt', () => client.runTask({}, ro), 'request.prompt'],
  ['runTask request undefined', () => client.runTask(undefined, ro), 'request.prompt'],
  ['runTask request null', () => client.runTask(null, ro), 'request.prompt'],
  ['runTask prompt number', () => client.runTask({ prompt: 42 }, ro), 'request.prompt'],
  ['runTask prompt undefined', () => client.runTask({ prompt: undefined }, ro), 'request.prompt'],
  ['runTask timeout 1e9', () => client.runTask({ prompt: 'x', timeout: 1e9 }, ro), 'request.timeout'],
  ['runTask timeout NaN', () => client.runTask({ prompt: 'x', timeout: NaN }, ro), 'request.timeout'],
  ['runTask timeout -1', () => client.runTask({ prompt: 'x', timeout: -1 }, ro), 'request.timeout'],
  ['runTask max_steps "10"', () => client.runTask({ prompt: 'x', max_steps: '10' }, ro), 'request.max_steps'],
  ['runTask file_ids object', () => client.runTask({ prompt: 'x', file_ids: { a: 'f' } }, ro), 'request.file_ids'],
  ['runTask onStatus string', () => client.runTask({ prompt: 'x', onStatus: 'console.log' }, ro), 'request.onStatus'],
  ['runTask onStatus object', () => client.runTask({ prompt: 'x', onStatus: {} }, ro), 'request.onStatus'],
  ['runTask unknown field', () => client.runTask({ prompt: 'x', wait_for_completion: true }, ro), 'request.wait_for_completion'],
  ['runTask NaN in a schema', () => client.runTask({ prompt: 'x', data_extraction_schema: { n: NaN } }, ro), 'request.data_extraction_schema.n'],
  ['runTask a circular schema', () => client.runTask(circular, ro), 'request.data_extraction_schema.self'],
  ['runTask a function in a header map', () => client.runTask({ prompt: 'x', extra_http_headers: { a: () => 1 } }, ro), 'request.extra_http_headers.a'],
  ['runWorkflow neither workflow_id nor agent_id', () => client.runWorkflow({ parameters: {} }, ro), 'request.workflow_id'],
  ['runWorkflow parameters array', () => client.runWorkflow({ workflow_id: 'wpid_1', parameters: [] }, ro), 'request.parameters'],
  ['waitForRun timeout Infinity', () => client.waitForRun('tsk_1', { timeout: Infinity }, ro), 'options.timeout'],
  ['waitForRun timeout 0', () => client.waitForRun('tsk_1', { timeout: 0 }, ro), 'options.timeout'],
  ['waitForRun onStatus number', () => client.waitForRun('tsk_1', { onStatus: 1 }, ro), 'options.onStatus'],
  ['waitForRun abortSignal lookalike', () => client.waitForRun('tsk_1', { abortSignal: { aborted: false } }, ro), 'options.abortSignal'],
  ['waitForBrowserSession pollIntervalMs "fast"', () => client.waitForBrowserSession(SID, { pollIntervalMs: 'fast' }, ro), 'options.pollIntervalMs'],
  ['createBrowserProfile missing name', () => client.createBrowserProfile({}, ro), 'request.name'],
  ['createBrowserProfile name number', () => client.createBrowserProfile({ name: 5 }, ro), 'request.name'],
  ['openBrowserSession waitUntilReady "yes"', () => client.openBrowserSession({}, { waitUntilReady: 'yes', headers: ro.headers }), 'options.waitUntilReady'],
  ['openBrowserSession abortSignal string', () => client.openBrowserSession({}, { abortSignal: 'stop', headers: ro.headers }), 'options.abortSignal'],
  ['openBrowserSession timeout 3 in the request', () => client.openBrowserSession({ timeout: 3 }, { headers: ro.headers }), 'request.timeout'],
  ['withBrowserSession callback not a function', () => client.withBrowserSession({}, 'not a function', { headers: ro.headers }), 'callback'],
  ['withBrowserSession unknown option', () => client.withBrowserSession({}, async () => 1, { wait: true, headers: ro.headers }), 'options.wait'],
  ['getBrowserSessions abortSignal lookalike', () => client.getBrowserSessions({ ...ro, abortSignal: { aborted: false, addEventListener() {} } }), 'requestOptions.abortSignal'],
  ['getBrowserSessions abortSignal string', () => client.getBrowserSessions({ ...ro, abortSignal: 'abort' }), 'requestOptions.abortSignal'],
  ['getBrowserSessions timeoutInSeconds NaN', () => client.getBrowserSessions({ ...ro, timeoutInSeconds: NaN }), 'requestOptions.timeoutInSeconds'],
  ['getBrowserSessions timeoutInSeconds -1', () => client.getBrowserSessions({ ...ro, timeoutInSeconds: -1 }), 'requestOptions.timeoutInSeconds'],
  ['getBrowserSessions maxRetries 1.5', () => client.getBrowserSessions({ ...ro, maxRetries: 1.5 }), 'requestOptions.maxRetries'],
  ['getBrowserSessions headers array', () => client.getBrowserSessions({ headers: ['x'] }), 'requestOptions.headers'],
  ['getBrowserSessions header with a line break', () => client.getBrowserSessions({ headers: { 'x-test-id': TEST_ID, 'x-a': 'v\r\nx-api-key: k' } }), 'requestOptions.headers.x-a'],
  ['getBrowserProfiles unknown option', () => client.getBrowserProfiles({ ...ro, retries: 2 }), 'requestOptions.retries'],
  ['getBrowserProfiles options string', () => client.getBrowserProfiles('fast'), 'requestOptions'],
  ['new SkyvernClient timeoutInSeconds "60"', () => new SkyvernClient({ timeoutInSeconds: '60' }), 'options.timeoutInSeconds'],
  ['new SkyvernClient maxRetries -1', () => new SkyvernClient({ maxRetries: -1 }), 'options.maxRetries'],
  ['new SkyvernClient baseUrl number', () => new SkyvernClient({ baseUrl: 8000 }), 'options.baseUrl'],
  ['new SkyvernClient unknown apikey', () => new SkyvernClient({ apikey: 'k' }), 'options.apikey'],
  ['new SkyvernClient headers x-api-key', () => new SkyvernClient({ headers: { 'X-API-Key': 'k' } }), 'options.headers.X-API-Key'],
);

async function outcome(f) {
  try {
    const v = f();
    if (v && typeof v.then === 'function') return { value: await v };
    return { value: v };
  } catch (e) {
    return { error: e };
  }
}

test(`${cases.length} bad inputs reject naming the field and send nothing`, async () => {
  assert.ok(cases.length >= 40);
  const problems = [];
  for (const [label, f, field] of cases) {
    const { error } = await outcome(f);
    if (!error) {
      problems.push(`${label}: accepted`);
      continue;
    }
    if (!(error instanceof SkyvernError) || error.constructor !== SkyvernError) {
      problems.push(`${label}: ${error?.name ?? typeof error} ${error?.message ?? error}`);
      continue;
    }
    const next = error.message.slice(field.length, field.length + 1);
    if (!error.message.startsWith(field) || ![':', '.', '['].includes(next)) {
      problems.push(`${label}: "${error.message}" does not name ${field}`);
    }
    if (error.statusCode !== undefined || error.retryable !== false) problems.push(`${label}: statusCode/retryable set`);
    if (error.message.length > 1000) problems.push(`${label}: message of ${error.message.length} characters`);
  }
  assert.deepEqual(problems, []);
  // Give any stray request time to land, then check the log.
  await new Promise((r) => setTimeout(r, 200));
  const log = await (await fetch(`${URL_}/_emulator/requests`)).json();
  const mine = log.filter((r) => r.headers['x-test-id'] === TEST_ID);
  assert.deepEqual(mine.map((r) => `${r.method} ${r.path}`), []);
});

test('the same client still works after every bad input', async () => {
  const list = await client.getBrowserSessions(ro);
  assert.ok(Array.isArray(list));
});
