// The edge proxy's test cases, shared by the Node run (the handler called
// in-process) and the workerd run (examples/worker in miniflare 4). Each case
// goes through a `target` against the emulator and checks what upstream saw in
// the emulator's request log, filtered by a unique `x-test-id` header.
// The constants and helpers the cases use are in proxy-fixtures.mjs (re-exported here).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { APP_ORIGIN, MAX_BODY, OWN, PREFIX, inBand, logged, ticketFor, uid } from "./proxy-fixtures.mjs";

export {
  APP_ORIGIN,
  MAX_BODY,
  OWN,
  PREFIX,
  TICKET_SECRET,
  assertNoKey,
  inBand,
  logged,
  socketsExist,
  ticketFor,
  uid,
} from "./proxy-fixtures.mjs";

/**
 * Registers the shared tests. `makeTarget()` resolves to
 * `{ call(path, init) -> Response, logs() -> string[], close(), sockets: bool }`
 * (`sockets`: the runtime's fetch can pass WebSocket upgrades through).
 */
export function defineProxyTests(runtime, emu, makeTarget) {
  const h = proxyHarness(emu, makeTarget);
  for (const define of [forwardingTests, passThroughTests, refusalTests, headerTests, liveTicketTests]) define(runtime, emu, h);
  return h;
}

/** The target, its calls (every answer kept in `seen` for the key scan) and the sessions to close. */
function proxyHarness(emu, makeTarget) {
  const seen = []; // every response status line, header and body, for the key scan
  let target;
  const sessions = [];
  const getTarget = async () => (target ??= await makeTarget());

  async function call(path, init = {}, testId) {
    const t = await getTarget();
    const headers = new Headers(init.headers);
    if (testId) headers.set("x-test-id", testId);
    const res = await t.call(path, { ...init, headers });
    const text = res.status === 101 ? "" : await res.text();
    seen.push(`${res.status} ${path}`, ...[...res.headers].map(([k, v]) => `${k}: ${v}`), text);
    let json;
    try {
      json = JSON.parse(text);
    } catch {}
    return { res, text, json };
  }
  const post = (path, body, testId, headers = {}) =>
    call(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }, testId);

  async function nothingUpstream(testId) {
    assert.deepEqual(await logged(emu, testId), [], "upstream received nothing");
  }

  after(async () => {
    for (const id of sessions) {
      await fetch(`${emu.url}/v1/browser_sessions/${id}/close`, { method: "POST", headers: { "x-api-key": emu.apiKey } }).catch(() => {});
    }
    await target?.close();
  });

  async function newSession(testId) {
    const { res, json } = await post(`${PREFIX}/v1/browser_sessions`, { timeout: 5 }, testId);
    assert.equal(res.status, 200);
    sessions.push(json.browser_session_id);
    return { id: json.browser_session_id, ticket: res.headers.get("x-skyvern-live-ticket") };
  }


  const socketPath = (kind, sid) =>
    kind === "view" ? `${PREFIX}/v1/stream/browser_sessions/${sid}` : `${PREFIX}/v1/stream/cdp_input/browser_session/${sid}`;
  const upgrade = (path, testId) => call(path, { headers: { upgrade: "websocket" } }, testId);

  return { call, post, nothingUpstream, newSession, socketPath, upgrade, seen, getTarget, sessions };
}

/** Every default operation reaches upstream with the proxy's key. */
function forwardingTests(runtime, emu, h) {
  const { call, post, newSession } = h;
  test(`${runtime}: every default operation reaches upstream with the server-side key`, async () => {
    const id = uid("happy");
    const s = await newSession(id);
    assert.match(s.id, /^pbs_\d+$/);
    assert.match(s.ticket ?? "", /^v1\.control\.\d+\.[A-Za-z0-9_-]{43}$/, "create mints a ticket");

    const list = await call(`${PREFIX}/v1/browser_sessions`, {}, id);
    assert.equal(list.res.status, 200);
    assert.ok(Array.isArray(list.json));
    const got = await call(`${PREFIX}/v1/browser_sessions/${s.id}`, {}, id);
    assert.equal(got.res.status, 200);
    assert.equal(got.json.browser_session_id, s.id);
    assert.match(got.res.headers.get("x-skyvern-live-ticket") ?? "", /^v1\.control\./, "get mints a ticket");
    const upd = await call(`${PREFIX}/v1/browser_sessions/${s.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ generate_browser_profile: true }),
    }, id);
    assert.equal(upd.res.status, 200, upd.text);
    const ext = await post(`${PREFIX}/v1/browser_sessions/${s.id}/extend`, { additional_minutes: 1 }, id);
    assert.ok([200, 202].includes(ext.res.status), ext.text);
    const run = await post(`${PREFIX}/v1/run/tasks`, { prompt: "proxy check [pause]", browser_session_id: s.id }, id);
    assert.equal(run.res.status, 200, run.text);
    const runId = run.json.run_id;
    const getRun = await call(`${PREFIX}/v1/runs/${runId}`, {}, id);
    assert.equal(getRun.res.status, 200);
    assert.equal(getRun.json.run_id, runId);
    const cancel = await post(`${PREFIX}/v1/runs/${runId}/cancel`, {}, id);
    assert.equal(cancel.res.status, 200);
    const wf = await post(`${PREFIX}/v1/run/agents`, { agent_id: "wpid_emulator_demo" }, id);
    assert.equal(wf.res.status, 200, wf.text);
    const close = await post(`${PREFIX}/v1/browser_sessions/${s.id}/close`, {}, id);
    assert.equal(close.res.status, 200);
    assert.deepEqual(close.json, { message: "Browser session closed" });

    const log = await logged(emu, id);
    assert.deepEqual(
      log.map((r) => `${r.method} ${r.path}`),
      [
        "POST /v1/browser_sessions",
        "GET /v1/browser_sessions",
        `GET /v1/browser_sessions/${s.id}`,
        `PATCH /v1/browser_sessions/${s.id}`,
        `POST /v1/browser_sessions/${s.id}/extend`,
        "POST /v1/run/tasks",
        `GET /v1/runs/${runId}`,
        `POST /v1/runs/${runId}/cancel`,
        "POST /v1/run/agents",
        `POST /v1/browser_sessions/${s.id}/close`,
      ],
    );
    for (const r of log) {
      assert.equal(r.api_key, "valid", `${r.method} ${r.path} carried the server-side key`);
      assert.equal(r.query, null);
    }
    assert.equal(log[0].body, JSON.stringify({ timeout: 5 }), "the body passes through unchanged");
  });
}

/** Upstream answers and Retry-After pass through. */
function passThroughTests(runtime, emu, h) {
  const { call, post } = h;
  test(`${runtime}: upstream status and body pass through; errors keep their detail`, async () => {
    const id = uid("passthrough");
    const direct = await fetch(`${emu.url}/v1/browser_sessions/pbs_000000000000000001`, { headers: { "x-api-key": emu.apiKey } });
    const viaProxy = await call(`${PREFIX}/v1/browser_sessions/pbs_000000000000000001`, {}, id);
    assert.equal(viaProxy.res.status, 404);
    assert.equal(viaProxy.text, await direct.text());
    assert.equal(viaProxy.res.headers.get("x-skyvern-live-ticket"), null, "no ticket for a failed fetch");
    const bad = await post(`${PREFIX}/v1/browser_sessions`, { timeout: 1 }, id);
    assert.equal(bad.res.status, 422);
    assert.equal(bad.json.detail[0].loc.join("."), "body.timeout");
    assert.equal((await logged(emu, id)).length, 2);
  });

  test(`${runtime}: Retry-After is passed through and exposed to allowed origins`, async () => {
    const id = uid("retry");
    const path = `/v1/runs/tsk_${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    await fetch(`${emu.url}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ method: "GET", path, status: 429, headers: { "retry-after": "7" }, body: '{"detail":"slow down"}' }),
    });
    const r = await call(`${PREFIX}${path}`, { headers: { origin: APP_ORIGIN } }, id);
    assert.equal(r.res.status, 429);
    assert.equal(r.res.headers.get("retry-after"), "7");
    assert.equal(r.res.headers.get("access-control-allow-origin"), APP_ORIGIN);
    assert.match(r.res.headers.get("access-control-expose-headers") ?? "", /retry-after/i);
    assert.match(r.res.headers.get("access-control-expose-headers") ?? "", /x-skyvern-live-ticket/i);
    assert.equal(r.json.detail, "slow down");
  });
}

/** What never reaches upstream: disallowed operations, traversal, wrong methods. */
function refusalTests(runtime, emu, h) {
  const { call, nothingUpstream } = h;
  test(`${runtime}: disallowed operations are 404 and never reach upstream`, async () => {
    const id = uid("disallowed");
    for (const [method, path] of [
      ["GET", "/v1/credentials"],
      ["POST", "/v1/credentials"],
      ["GET", "/v1/browser_profiles"],
      ["POST", "/v1/browser_profiles"],
      ["DELETE", "/v1/browser_profiles/bp_1"],
      ["GET", "/v1/workflows"],
      ["POST", "/v1/credentials/totp"],
      ["POST", "/v1/run/tasks/login"],
      ["GET", "/api/v1/heartbeat"],
      ["GET", "/v1/stream/messages/browser_session/pbs_1"],
      ["GET", "/v1/stream/vnc/browser_session/pbs_1"],
    ]) {
      const r = await call(`${PREFIX}${path}`, { method }, id);
      assert.equal(r.res.status, 404, `${method} ${path}`);
      assert.deepEqual(r.json, { detail: "Not Found" });
    }
    // Outside the prefix nothing is proxied either.
    const r = await call("/v1/browser_sessions", {}, id);
    assert.equal(r.res.status, 404);
    await nothingUpstream(id);
  });

  test(`${runtime}: traversal in every encoding reaches nothing`, async () => {
    const id = uid("traversal");
    const paths = [
      "/v1/browser_sessions/../credentials",
      "/v1/browser_sessions/pbs_1/../../credentials",
      "/../v1/browser_sessions",
      "/v1/browser_sessions/%2e%2e/credentials",
      "/v1/browser_sessions/%2E%2E/%2E%2E/credentials",
      "/v1/browser_sessions/.%2e/credentials",
      "/v1/browser_sessions/%252e%252e/credentials",
      "/v1/browser_sessions/pbs_1%2f..%2f..%2fcredentials",
      "/v1/browser_sessions/pbs_1%2Fclose",
      "/v1/browser_sessions%2fpbs_1",
      "/v1/runs/tsk_1%5c..%5ccredentials",
      "/v1/browser_sessions/pbs_1%00",
      "/v1//browser_sessions",
      "//v1/browser_sessions",
      "/v1/browser_sessions//pbs_1",
      "/v1/browser_sessions/",
      "/v1/browser_sessions/pbs_1;x=y",
      "/v1/browser_sessions/credentials",
      "/v1/runs/pbs_1",
      "/v1/runs/tsk_1.json",
      "/v1/browser_sessions/pbs_1%3F/../credentials",
      "/v1/credentials?/v1/browser_sessions",
      "/v1/credentials#/v1/browser_sessions",
    ];
    for (const p of paths) {
      for (const method of ["GET", "POST"]) {
        const r = await call(`${PREFIX}${p}`, { method }, id);
        assert.equal(r.res.status, 404, `${method} ${p}`);
      }
    }
    await nothingUpstream(id);
  });

  test(`${runtime}: a wrong method is 405 with Allow, upstream untouched`, async () => {
    const id = uid("method");
    for (const [method, path, allow] of [
      ["DELETE", "/v1/browser_sessions/pbs_1", "GET, PATCH"],
      ["PUT", "/v1/browser_sessions", "POST, GET"],
      ["GET", "/v1/run/tasks", "POST"],
      ["GET", "/v1/browser_sessions/pbs_1/close", "POST"],
      ["DELETE", "/v1/runs/tsk_1", "GET"],
    ]) {
      const r = await call(`${PREFIX}${path}`, { method }, id);
      assert.equal(r.res.status, 405, `${method} ${path}`);
      assert.equal(r.res.headers.get("allow"), allow);
    }
    await nothingUpstream(id);
  });
}

/** CORS, injected credentials and body limits. */
function headerTests(runtime, emu, h) {
  const { call, post } = h;
  test(`${runtime}: CORS preflight is answered locally, for allowed origins only`, async () => {
    const id = uid("cors");
    const pre = (origin, path = "/v1/browser_sessions") =>
      call(`${PREFIX}${path}`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      }, id);
    const ok = await pre(APP_ORIGIN);
    assert.equal(ok.res.status, 204);
    assert.equal(ok.res.headers.get("access-control-allow-origin"), APP_ORIGIN);
    assert.equal(ok.res.headers.get("access-control-allow-methods"), "POST, GET");
    assert.equal(ok.res.headers.get("access-control-allow-headers"), "content-type");
    assert.equal(ok.res.headers.get("access-control-allow-credentials"), null);
    for (const origin of ["https://evil.example", "https://app.example.evil.example", "http://app.example", "null"]) {
      const bad = await pre(origin);
      assert.equal(bad.res.status, 403, origin);
      assert.deepEqual(
        [...bad.res.headers.keys()].filter((k) => k.startsWith("access-control-")),
        [],
        "no CORS headers for other origins",
      );
    }
    // A real request from another origin is refused too (no CSRF through the proxy).
    const cross = await post(`${PREFIX}/v1/browser_sessions`, {}, id, { origin: "https://evil.example" });
    assert.equal(cross.res.status, 403);
    // Same-origin pages need no listing.
    const same = await call(`${PREFIX}/v1/browser_sessions`, { headers: { origin: OWN } }, id);
    assert.equal(same.res.status, 200);
    assert.equal(same.res.headers.get("access-control-allow-origin"), OWN);
    const log = await logged(emu, id);
    assert.deepEqual(log.map((r) => `${r.method} ${r.path}`), ["GET /v1/browser_sessions"], "only the same-origin GET went upstream");
  });

  test(`${runtime}: injected credentials in headers and query are dropped; the proxy's key is used`, async () => {
    const id = uid("inject");
    const r = await call(`${PREFIX}/v1/browser_sessions?apikey=evil&x-api-key=evil`, {
      headers: {
        "x-api-key": "attacker-key",
        authorization: "Bearer attacker",
        "proxy-authorization": "Basic eA==",
        cookie: "session=attacker",
        "x-skyvern-live-ticket": "forged",
        "x-kept": "yes",
      },
    }, id);
    assert.equal(r.res.status, 200);
    const [entry] = await logged(emu, id);
    assert.equal(entry.api_key, "valid");
    assert.equal(entry.query, null, "no query reaches upstream");
    for (const h of ["authorization", "proxy-authorization", "cookie", "x-skyvern-live-ticket", "origin", "referer"]) {
      assert.equal(entry.headers[h], undefined, h);
    }
    assert.equal(entry.headers["x-kept"], "yes");
    assert.equal(r.res.headers.get("set-cookie"), null);
  });

  test(`${runtime}: an oversize body is 413 before upstream`, async () => {
    const id = uid("oversize");
    const big = JSON.stringify({ prompt: "x".repeat(MAX_BODY) });
    const r = await call(`${PREFIX}/v1/run/tasks`, { method: "POST", headers: { "content-type": "application/json" }, body: big }, id);
    assert.equal(r.res.status, 413);
    assert.deepEqual(r.json, { detail: "Request body too large" });
    const small = await post(`${PREFIX}/v1/run/tasks`, {}, id);
    assert.equal(small.res.status, 422, "a body under the limit goes through");
    assert.equal((await logged(emu, id)).length, 1);
  });
}

/** Live sockets and their tickets. */
function liveTicketTests(runtime, emu, h) {
  const { call, newSession, socketPath, upgrade, seen } = h;
  test(`${runtime}: live sockets are refused without a valid ticket, before upstream`, async () => {
    const id = uid("tickets");
    const s = await newSession(id);
    const other = await newSession(id);
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      ["view", "", 403, "A live-view ticket is required"],
      ["control", "", 403, "A live-view ticket is required"],
      ["view", `?ticket=${ticketFor(s.id, "view", now - 5)}`, 403, "expired"],
      ["control", `?ticket=${ticketFor(s.id, "control", now - 1)}`, 403, "expired"],
      ["control", `?ticket=${ticketFor(s.id, "view", now + 60)}`, 403, "does not allow controlling"],
      ["view", `?ticket=${other.ticket}`, 403, "not valid for this browser session"],
      ["control", `?ticket=${other.ticket}`, 403, "not valid for this browser session"],
      ["view", `?ticket=${ticketFor(s.id, "control", now + 60, "another-secret-another-secret-123")}`, 403, "not valid"],
      ["view", `?ticket=${s.ticket.replace(/\.\d+\./, `.${now + 99999}.`)}`, 403, "not valid"],
    ];
    for (const [kind, q, status, detail] of cases) {
      const r = await upgrade(socketPath(kind, s.id) + q, id);
      if (runtime === "workerd") {
        // Where the runtime can accept a socket, the refusal is in-band: a page cannot read
        // the status of a refused handshake, but it reads a message and a close code.
        const got = await inBand(r.res);
        seen.push(got.message);
        assert.equal(got.code, 1008, `${kind} ${q}`);
        assert.match(got.message, new RegExp(detail), `${kind} ${q}`);
      } else {
        assert.equal(r.res.status, status, `${kind} ${q}`);
        assert.match(r.json.detail, new RegExp(detail), `${kind} ${q}`);
      }
    }
    // A plain GET of a socket route is refused even with a ticket.
    const plain = await call(`${socketPath("view", s.id)}?ticket=${s.ticket}`, {}, id);
    assert.equal(plain.res.status, 426);
    const log = await logged(emu, id);
    assert.deepEqual(log.filter((r) => r.path.includes("/stream/")), [], "no socket request reached upstream");
  });
}
