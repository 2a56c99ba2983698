// The live view's keep-alive decisions in Node, with a scripted client and a fast clock (an
// emulated minute of 20 ms): no extension for an idle view, none after stop, never past the
// server's 360-minute cap, and a `warning` answer read back instead of repeated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeepAlive } from '../../src/js/live-view/keep-alive.js';

const MINUTE = 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const iso = (ms) => new Date(ms).toISOString().replace('Z', '');

/** A view as mount.js hands it over, and a client that records its calls. */
function setup({ timeout = 5, extend, get } = {}) {
  const calls = { extend: [], get: 0 };
  const notified = [];
  const view = {
    id: 'pbs_1',
    info: { browser_session_id: 'pbs_1', started_at: iso(Date.now()), timeout },
    screen: { root: new EventTarget() },
    notify: (name, arg) => notified.push([name, arg]),
  };
  let total = timeout;
  const client = {
    async extendBrowserSession(id, body) {
      calls.extend.push(body.additional_minutes);
      if (extend) return extend(body, total);
      total += body.additional_minutes;
      return { ...view.info, timeout: total };
    },
    async getBrowserSession() {
      calls.get += 1;
      return get ? get() : { ...view.info, timeout: total };
    },
  };
  return { view, client, calls, notified };
}

test('an idle view is not extended; using it again resumes the keep-alive', async () => {
  const { view, client, calls } = setup({ timeout: 8 });
  // Idle after 20 ms without input; the deadline is 160 ms away and the margin 60 ms, so an
  // extension would be due at 100 ms, long after the view went idle.
  const ka = new KeepAlive(view, client, { minuteMs: MINUTE, idleMinutes: 20 / 60_000 });
  try {
    await sleep(300);
    assert.deepEqual(calls.extend, [], 'nobody used the view: no extension');
    view.screen.root.dispatchEvent(new Event('pointerdown'));
    await sleep(50);
    assert.ok(calls.extend.length >= 1, 'the person is back: extended');
  } finally {
    ka.stop();
  }
});

test('stop() ends the extensions, also one that was under way', async () => {
  let release;
  const { view, client, calls, notified } = setup({
    timeout: 5,
    extend: (body, total) => new Promise((r) => (release = () => r({ timeout: total + body.additional_minutes }))),
  });
  const ka = new KeepAlive(view, client, { minuteMs: MINUTE, extendMinutes: 2 });
  await sleep(80);
  assert.equal(calls.extend.length, 1, 'extension sent before the margin');
  ka.stop();
  release();
  await sleep(300);
  assert.equal(calls.extend.length, 1, 'nothing sent after stop');
  assert.deepEqual(notified, [], 'a stopped keep-alive reports nothing');
});

test("never past the server's 360-minute cap", async () => {
  const near = setup({ timeout: 355 });
  near.view.info.started_at = iso(Date.now() - 353 * MINUTE);
  const ka = new KeepAlive(near.view, near.client, { minuteMs: MINUTE, extendMinutes: 10 });
  await sleep(200);
  ka.stop();
  assert.deepEqual(near.calls.extend, [5], 'asked only up to 360, then stopped');
  assert.equal(near.notified.at(-1)?.[1]?.timeout, 360);

  const full = setup({ timeout: 360 });
  full.view.info.started_at = iso(Date.now() - 358 * MINUTE);
  const at = new KeepAlive(full.view, full.client, { minuteMs: MINUTE });
  await sleep(150);
  at.stop();
  assert.deepEqual(full.calls.extend, [], 'a session at the cap is not extended');
});

test('a `warning` answer is read back with GET, not repeated', async () => {
  const warning = 'The extension was requested but its effect could not be confirmed yet';
  const { view, client, calls, notified } = setup({
    timeout: 5,
    extend: () => ({ warning, timeout: 5 }),
    get: () => ({ ...view.info, timeout: 15 }),
  });
  const ka = new KeepAlive(view, client, { minuteMs: MINUTE, extendMinutes: 10 });
  await sleep(150);
  ka.stop();
  assert.deepEqual(calls.extend, [10], 'one extension, not retried');
  assert.ok(calls.get >= 1, 'the session was read back');
  const reported = notified.filter(([name]) => name === 'onKeepAlive').map(([, s]) => s);
  assert.equal(reported.length, 1);
  assert.equal(reported[0].warning, warning);
  assert.equal(reported[0].timeout, 15, 'with the confirmed timeout');
});
