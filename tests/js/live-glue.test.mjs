// The live view's JS glue in Node, with the real wasm core: message parsing (frames, statuses,
// bad JSON, the server's non-JSON credential texts, huge frames), socket URLs (proxy base,
// ticket, key only when allowed), and the decision functions as the glue calls them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountLiveView, SkyvernError } from '../../pkg/node.js';
import { readFileSync } from 'node:fs';
// The decision functions are internal to the package's bundle: take them from wasm-bindgen's
// unbundled glue (written by `cargo xtask build` next to the bundle's inputs), over the same .wasm.
import { initSync, liveClassify, liveRetry, liveFit, liveToViewport, liveKey } from '../../target/pkg-gen/skyvern_wasm.js';
initSync({ module: readFileSync(new URL('../../pkg/skyvern_wasm_bg.wasm', import.meta.url)) });
import { readMessage, socketUrl } from '../../src/js/live-view/stream.js';

const core = { classify: liveClassify, retry: liveRetry, fit: liveFit, toViewport: liveToViewport, key: liveKey };
const IGNORE = 0, DRAW = 1, STATUS = 2, ENDED = 3, AUTH = 4;
const read = (text) => readMessage(core, text);

test('a screencast frame is drawn, with its fields', () => {
  const text = JSON.stringify({
    browser_session_id: 'pbs_1', status: 'running', screenshot: '/9j/4AAQ', format: 'jpeg',
    viewport_width: 1920, viewport_height: 1080, url: 'http://127.0.0.1:8765/',
  });
  const { verdict, message } = read(text);
  assert.equal(verdict, DRAW);
  assert.equal(message.viewport_width, 1920);
  assert.equal(message.url, 'http://127.0.0.1:8765/');
  assert.equal(read('{"screenshot":"iVBOR","format":"png"}').verdict, DRAW);
});

test('statuses: terminal ones end the stream, others do not', () => {
  assert.equal(read('{"browser_session_id":"pbs_1","status":"completed"}').verdict, ENDED);
  assert.equal(read('{"browser_session_id":"pbs_0","status":"not_found"}').verdict, ENDED);
  assert.equal(read('{"status":"timeout"}').verdict, ENDED);
  assert.equal(read('{"status":"created"}').verdict, STATUS);
});

test("the server's credential texts and any bad JSON are a refused credential", () => {
  assert.equal(read('No valid credential provided').verdict, AUTH);
  assert.equal(read('Invalid credential provided').verdict, AUTH);
  assert.equal(read('{"screenshot":"abc"').verdict, AUTH);
  assert.equal(read('').verdict, AUTH);
});

test('JSON that is no frame or status, odd field types and binary data are ignored', () => {
  for (const text of ['{}', '[1,2]', '"text"', '42', 'null', '{"status":7}', '{"screenshot":7}',
    '{"screenshot":""}', '{"screenshot":"abc","format":"svg+xml"}', '{"kind":"ready"}']) {
    assert.equal(read(text).verdict, IGNORE, text);
  }
  assert.equal(read(new ArrayBuffer(8)).verdict, IGNORE);
});

test('huge frames: a 700 KB and a 20 MB frame are drawn, a 40 MB message is dropped', () => {
  const frame = (n) => JSON.stringify({ status: 'running', screenshot: 'A'.repeat(n), format: 'jpeg' });
  assert.equal(read(frame(700_000)).verdict, DRAW);
  assert.equal(read(frame(20_000_000)).verdict, DRAW);
  assert.equal(read(frame(40_000_000)).verdict, IGNORE);
  // Not JSON and oversized: dropped, not taken for a credential failure.
  assert.equal(read('x'.repeat(40_000_000)).verdict, IGNORE);
});

test('socket URLs: API base with a key only when allowed, proxy base with a ticket', () => {
  const id = 'pbs_123';
  assert.equal(
    socketUrl({ streamBaseUrl: 'https://api.example/', apiKey: 'k', dangerouslyAllowBrowser: true }, 'screencast', id),
    'wss://api.example/v1/stream/browser_sessions/pbs_123?apikey=k',
  );
  assert.equal(
    socketUrl({ streamBaseUrl: 'http://127.0.0.1:9/edge', apiKey: 'k' }, 'input', id, { client_id: 'c1' }),
    'ws://127.0.0.1:9/edge/v1/stream/cdp_input/browser_session/pbs_123?client_id=c1',
  );
  assert.equal(
    socketUrl({ streamBaseUrl: 'https://edge.example', streamParams: { ticket: 't.1' } }, 'screencast', id, { force_cdp: 'true' }),
    'wss://edge.example/v1/stream/browser_sessions/pbs_123?ticket=t.1&force_cdp=true',
  );
  // A builder's URL is used as given, plus the parameters.
  assert.equal(
    socketUrl({}, 'input', id, { client_id: 'c2' }, 'https://edge.example/live/pbs_123/input?ticket=x'),
    'wss://edge.example/live/pbs_123/input?ticket=x&client_id=c2',
  );
  assert.equal(
    socketUrl({ streamBaseUrl: 'http://h' }, 'screencast', 'a/b?c'),
    'ws://h/v1/stream/browser_sessions/a%2Fb%3Fc',
  );
});

test('the glue gets numbers it can use from the core', () => {
  assert.equal(liveFit(640, 640, 1280, 720), 0.5);
  assert.equal(liveFit(0, 640, 1280, 720), 0);
  const unpack = (p) => (p < 0 ? null : [p >> 14, p & 16383]);
  assert.deepEqual(unpack(liveToViewport(320, 320, 640, 640, 1280, 720, 1920, 1080)), [960, 540]);
  assert.deepEqual(unpack(liveToViewport(640, 500, 640, 640, 1280, 720, 1920, 1080)), [1919, 1079]);
  assert.deepEqual(unpack(liveToViewport(100, 100, 100, 100, 10, 10, 50_000, 50_000)), [10_000, 10_000]);
  assert.equal(liveToViewport(320, 10, 640, 640, 1280, 720, 1920, 1080), -1);
  assert.equal(liveRetry(false, 1006, 0, false), 1000);
  assert.equal(liveRetry(false, 1006, 3, false), 8000);
  assert.equal(liveRetry(false, 4404, 0, false), -1);
  assert.equal(liveRetry(false, 4001, 0, false), -2);
  assert.equal(liveRetry(true, 4410, 0, false), 2000);
  assert.equal(liveRetry(true, 1002, 0, false), -1);
  assert.equal(liveKey('a', false), 256 + 65);
  assert.equal(liveKey('!', false), 256);
  assert.equal(liveKey('Backspace', false), 8);
  assert.equal(liveKey('c', true), 67);
  assert.equal(liveKey('Dead', false), -1);
});

test('mountLiveView is exported, needs an element, and refuses a key without the flag', () => {
  assert.equal(typeof mountLiveView, 'function');
  assert.throws(() => mountLiveView(null, 'pbs_1'), TypeError);
  const fake = { appendChild() {} };
  assert.throws(() => mountLiveView(fake, 'pbs_1', { apiKey: 'secret-key' }), (e) => {
    assert.ok(e instanceof SkyvernError);
    assert.match(e.message, /dangerouslyAllowBrowser/);
    assert.ok(!e.message.includes('secret-key'));
    return true;
  });
});
