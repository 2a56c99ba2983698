// handOff's other endings and the live view's keep-alive, in headless Chromium on the local
// emulator (drawn frames, no real browsers):
// - handOff: an aborted signal rejects with its reason and removes the view; the session ending
//   rejects with code `session_ended`; Done without `saveProfile` resolves and leaves the session open;
// - keepAlive with a scaled clock (--time-scale 300: an emulated minute is 0.3 s): a 5-minute session
//   watched for 8 minutes is still running; the same session in a hidden tab, in an idle view and
//   in a view destroyed after a minute is never extended and ends at 5 minutes.
//
//   node --test tests/e2e/hand-off.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { browserContext, skipReason, startEmulator } from "./helpers.mjs";

const MINUTE_MS = 300;

async function setup(t, prefix) {
  const apiKey = `sk-${prefix}-${randomBytes(12).toString("hex")}`;
  const emulator = startEmulator(apiKey, ["--no-browser", "--time-scale", String(MINUTE_MS)]);
  t.after(() => emulator.child.kill());
  const base = await emulator.ready;
  const { page, errors } = await browserContext(t, { width: 900, height: 700 });
  await page.goto(`${base}/test-site/login`);
  return { apiKey, base, page, errors };
}

test("handOff: abort, the session ending, and Done without saveProfile", { skip: skipReason(), timeout: 90_000 }, async (t) => {
  const { apiKey, base, page, errors } = await setup(t, "handoff");
  const result = await page.evaluate(async ([apiKey]) => {
    const sky = await import("/pkg/web.js");
    const client = new sky.SkyvernClient({ apiKey, baseUrl: location.origin, dangerouslyAllowBrowser: true });
    const stream = { streamBaseUrl: location.origin, apiKey, dangerouslyAllowBrowser: true };
    const until = async (fn) => {
      for (let i = 0; i < 200 && !fn(); i++) await new Promise((r) => setTimeout(r, 50));
      return fn();
    };
    const start = async (options) => {
      const handle = await client.openBrowserSession({ timeout: 15 });
      const el = document.body.appendChild(document.createElement("div"));
      const ended = handle.handOff(el, { ...stream, ...options }).then((v) => ({ value: v }), (e) => ({ error: e }));
      const live = await until(() => el.querySelector('.skyvern-live[data-state="live"]'));
      return { handle, el, ended, live: Boolean(live) };
    };
    const out = {};

    const stop = new AbortController();
    const a = await start({ signal: stop.signal, saveProfile: { name: "never saved" } });
    stop.abort(new Error("the person went away"));
    const aborted = await a.ended;
    out.abort = { live: a.live, message: aborted.error?.message, left: a.el.childElementCount,
      status: (await client.getBrowserSession(a.handle.id)).status };
    await a.handle.close();

    const b = await start({ saveProfile: { name: "never saved either" } });
    await b.handle.close();
    const closed = await b.ended;
    out.closed = { live: b.live, name: closed.error?.name, code: closed.error?.code, left: b.el.childElementCount };

    const c = await start({});
    c.el.querySelector(".skyvern-handoff-done").click();
    const done = await c.ended;
    out.done = { live: c.live, value: done.value, error: done.error?.message, left: c.el.childElementCount,
      status: (await client.getBrowserSession(c.handle.id)).status, id: c.handle.id };
    await c.handle.close();
    return out;
  }, [apiKey]);
  t.diagnostic(JSON.stringify(result));
  assert.deepEqual(result.abort, { live: true, message: "the person went away", left: 0, status: "running" });
  assert.deepEqual(result.closed, { live: true, name: "SkyvernError", code: "session_ended", left: 0 });
  const { id, ...done } = result.done;
  assert.deepEqual(done, { live: true, value: undefined, error: undefined, left: 0, status: "running" });
  // Nothing was made into a profile, and the Done session was not closed by the hand-off.
  const log = await (await fetch(`${base}/_emulator/requests`)).json();
  assert.deepEqual(log.filter((r) => r.path.startsWith("/v1/browser_profiles")), []);
  const closes = log.filter((r) => r.path === `/v1/browser_sessions/${id}/close`);
  assert.equal(closes.length, 1, "closed once, by the test after Done");
  assert.deepEqual(errors, []);
});

test("keepAlive: only a watched session outlives its timeout", { skip: skipReason(), timeout: 60_000 }, async (t) => {
  const { apiKey, page, errors } = await setup(t, "keep");
  const result = await page.evaluate(async ([apiKey, minute]) => {
    const sky = await import("/pkg/web.js");
    const client = new sky.SkyvernClient({ apiKey, baseUrl: location.origin, dangerouslyAllowBrowser: true });
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const naive = (s) => (s ? Date.parse(`${s}Z`) : NaN);
    const mount = async (keepAlive) => {
      const handle = await client.openBrowserSession({ timeout: 5 });
      const el = document.body.appendChild(document.createElement("div"));
      const extended = [];
      const view = sky.mountLiveView(el, handle, {
        streamBaseUrl: location.origin, apiKey, dangerouslyAllowBrowser: true,
        keepAlive: { minuteMs: minute, ...keepAlive }, onKeepAlive: (s) => extended.push(s.timeout),
      });
      return { handle, view, extended };
    };
    const read = async ({ handle, extended }) => {
      const s = await client.getBrowserSession(handle.id);
      return { status: s.status, timeout: s.timeout, extended, lasted: (naive(s.completed_at) - naive(s.started_at)) / minute };
    };
    // Visible: one watched, one idle (no input for 0.2 emulated minutes), one destroyed after a minute.
    const [watched, idle, destroyed] = await Promise.all([mount({}), mount({ idleMinutes: (0.2 * minute) / 60_000 }), mount({})]);
    await sleep(minute);
    destroyed.view.destroy();
    await sleep(7 * minute);
    const out = { watched: await read(watched), idle: await read(idle), destroyed: await read(destroyed) };
    watched.view.destroy();
    idle.view.destroy();
    await Promise.all([watched, idle, destroyed].map((v) => v.handle.close()));
    // Hidden tab.
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
    const hidden = await mount({});
    await sleep(8 * minute);
    out.hidden = await read(hidden);
    hidden.view.destroy();
    return out;
  }, [apiKey, MINUTE_MS]);
  t.diagnostic(JSON.stringify(result));
  assert.equal(result.watched.status, "running", JSON.stringify(result.watched));
  assert.ok(result.watched.timeout > 5 && result.watched.extended.length >= 1, JSON.stringify(result.watched));
  for (const name of ["idle", "destroyed", "hidden"]) {
    const r = result[name];
    assert.equal(r.status, "completed", `${name}: ${JSON.stringify(r)}`);
    assert.deepEqual([r.timeout, r.extended], [5, []], `${name} was never extended`);
    assert.ok(r.lasted > 4.5 && r.lasted < 5.5, `${name} ended after ${r.lasted} emulated minutes, not 5`);
  }
  assert.deepEqual(errors, []);
});
