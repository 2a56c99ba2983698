// Parity: the same requests against the real open-source Skyvern server and the emulator,
// comparing status codes, body shapes (field names and JSON types; ids and timestamps by
// pattern; contract fields such as `detail` by value) and selected headers.
// A difference fails its scenario unless parity-allowlist.json lists it with a reason.
// Each scenario also checks the real server against the behaviour the emulator was built
// from (skyvern-api/real-server.md), so a change of the real server shows up here too.
// The scenarios that need no running session are in parity-requests.mjs.
import assert from "node:assert/strict";
import { parityTests, remember, validation } from "./parity-harness.mjs";
import { requestScenarios, sessionPath } from "./parity-requests.mjs";
import {
  UNKNOWN_SESSION,
  UNKNOWN_RUN,
  TERMINAL_RUN_STATUSES,
  send,
  pollUntil,
  startLocalPage,
} from "./targets.mjs";

const CORS_HEADERS = [
  "access-control-allow-origin",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-allow-credentials",
  "access-control-max-age",
  "access-control-expose-headers",
  "vary",
];
const ORIGIN = "http://example.test:3000";

let page;

// ---------------------------------------------------------------- the scenarios
// (their fields: see parity-harness.mjs)

const scenarios = [
  ...requestScenarios(() => page.url),

  // One session through its life
  {
    name: "create {timeout: 60}",
    req: { method: "POST", path: "/v1/browser_sessions", json: { timeout: 60 } },
    expect: { status: 200, body: { status: "created", timeout: 60, browser_address: null, started_at: null } },
    then: async (s, res) => {
      s.ids.session = remember(s, res);
    },
  },
  {
    name: "get session once running",
    prepare: (s) => pollUntil(s.t, sessionPath(s.ids.session), (j) => j.status === "running", { timeoutMs: 90_000 }),
    req: (ids) => ({ path: sessionPath(ids.session) }),
    expect: { status: 200, body: { status: "running", stream_transport: "cdp", vnc_streaming_supported: true } },
    check: (res) =>
      assert.match(res.json.browser_address, /^ws:\/\/127\.0\.0\.1:\d+\/devtools\/browser\/[0-9a-f-]{36}$/, "a CDP WebSocket URL"),
  },
  { name: "list sessions", req: { path: "/v1/browser_sessions" }, expect: { status: 200 }, check: isArrayWith("session") },
  {
    name: "list sessions with a trailing slash",
    req: { path: "/v1/browser_sessions/" },
    expect: { status: 200 },
    check: isArrayWith("session"),
  },
  {
    name: "DELETE a session",
    req: (ids) => ({ method: "DELETE", path: sessionPath(ids.session) }),
    expect: { status: 405, body: { detail: "Method Not Allowed" } },
  },
  {
    name: "OPTIONS without Origin",
    req: { method: "OPTIONS", path: "/v1/browser_sessions" },
    expect: { status: 405, body: { detail: "Method Not Allowed" } },
    headers: ["allow"],
  },
  ...["/v1/browser_sessions", "/v1/browser_sessions/{session}"].map((path) => ({
    name: `CORS preflight ${path}`,
    req: (ids) => ({
      method: "OPTIONS",
      path: path.replace("{session}", ids.session),
      auth: "missing",
      headers: {
        origin: ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-api-key, content-type",
      },
    }),
    expect: { status: 200 },
    headers: CORS_HEADERS,
  })),
  {
    name: "GET with Origin",
    req: (ids) => ({ path: sessionPath(ids.session), headers: { origin: ORIGIN } }),
    expect: { status: 200 },
    headers: CORS_HEADERS,
  },
  {
    name: "403 with Origin",
    req: { path: "/v1/browser_sessions", auth: "missing", headers: { origin: ORIGIN } },
    expect: { status: 403 },
    headers: CORS_HEADERS,
  },
  {
    name: "update generate_browser_profile",
    req: (ids) => ({ method: "PATCH", path: sessionPath(ids.session), json: { generate_browser_profile: true } }),
    expect: { status: 200, body: { generate_browser_profile: true } },
  },
  {
    name: "update without generate_browser_profile",
    req: (ids) => ({ method: "PATCH", path: sessionPath(ids.session), json: {} }),
    expect: { status: 422 },
  },
  {
    name: "extend by 10 minutes",
    req: (ids) => ({ method: "POST", path: `${sessionPath(ids.session)}/extend`, json: { additional_minutes: 10 } }),
    expect: { status: 200, body: { timeout: 70 } },
  },
  {
    name: "extend by 0 minutes",
    req: (ids) => ({ method: "POST", path: `${sessionPath(ids.session)}/extend`, json: { additional_minutes: 0 } }),
    expect: { status: 422 },
  },
  {
    name: "extend unknown session",
    req: { method: "POST", path: `${sessionPath(UNKNOWN_SESSION)}/extend`, json: { additional_minutes: 10 } },
    expect: { status: 404, body: { detail: `Browser session ${UNKNOWN_SESSION} not found` } },
  },

  // A task in the session (no LLM on the real server: it fails; "[fail]" makes the emulator fail too)
  {
    name: "run a task in the session",
    req: (ids) => ({
      method: "POST",
      path: "/v1/run/tasks",
      json: { prompt: "[fail] Read the heading of the page", url: page.url, browser_session_id: ids.session },
    }),
    expect: { status: 200, body: { status: "created", run_type: "task_v1", browser_session_id: null } },
    then: async (s, res) => {
      s.ids.run = res.json?.run_id;
    },
  },
  {
    name: "get the run once terminal",
    prepare: async (s) => {
      await pollUntil(s.t, `/v1/runs/${s.ids.run}`, (j) => TERMINAL_RUN_STATUSES.has(j.status), { timeoutMs: 180_000, intervalMs: 1000 });
    },
    req: (ids) => ({ path: `/v1/runs/${ids.run}` }),
    expect: { status: 200, body: { status: "failed", run_type: "task_v1" } },
    check: (res) => {
      assert.equal(typeof res.json.failure_reason, "string");
      assert.ok(Array.isArray(res.json.errors) && res.json.errors.length > 0, "errors are listed");
      assert.ok(res.json.step_count >= 1, "at least one step ran");
    },
  },
  {
    name: "get session after the run",
    req: (ids) => ({ path: sessionPath(ids.session) }),
    expect: { status: 200, body: { status: "running", runnable_type: "task" } },
  },
  {
    name: "a second task in the session after the first finished",
    prepare: async (s) => {
      const res = await send(s.t, {
        method: "POST",
        path: "/v1/run/tasks",
        json: { prompt: "[fail] Read the heading again", url: page.url, browser_session_id: s.ids.session },
      });
      assert.equal(res.status, 200, `${s.t.name}: ${res.text.slice(0, 300)}`);
      s.ids.second = res.json.run_id;
      await pollUntil(s.t, `/v1/runs/${s.ids.second}`, (j) => TERMINAL_RUN_STATUSES.has(j.status), {
        timeoutMs: 180_000,
        intervalMs: 1000,
      });
    },
    req: (ids) => ({ path: `/v1/runs/${ids.second}` }),
    expect: { status: 200, body: { status: "failed" } },
    // Open-source 1.0.56 keeps the session held by its first (finished) task.
    checkReal: (res, s) =>
      assert.equal(
        res.json.failure_reason,
        `Browser session ${s.ids.session} is already occupied by ${s.ids.run}. Wait for that run to finish or cancel it, then retry.`,
      ),
  },
  {
    name: "cancel the finished run",
    req: (ids) => ({ method: "POST", path: `/v1/runs/${ids.run}/cancel` }),
    expect: { status: 400 },
    check: (res, s) => assert.equal(res.json.detail, `Invalid task status transition from failed to canceled for ${s.ids.run}`),
  },
  {
    name: "cancel unknown run",
    req: { method: "POST", path: `/v1/runs/${UNKNOWN_RUN}/cancel` },
    expect: { status: 404, body: { detail: `Run not found ${UNKNOWN_RUN}` } },
  },

  {
    name: "cancel a running task",
    prepare: async (s) => {
      // A fresh session: on the open-source server a session stays held by its first task.
      const created = await send(s.t, { method: "POST", path: "/v1/browser_sessions", json: { timeout: 10 } });
      s.ids.other = remember(s, created);
      await pollUntil(s.t, sessionPath(s.ids.other), (j) => j.status === "running", { timeoutMs: 90_000 });
      // "[duration=…]" keeps the emulator's run going; the real server is still on its first step.
      const res = await send(s.t, {
        method: "POST",
        path: "/v1/run/tasks",
        json: { prompt: "[fail] [duration=20s] Read the heading", url: page.url, browser_session_id: s.ids.other },
      });
      assert.equal(res.status, 200, `${s.t.name}: ${res.text.slice(0, 300)}`);
      s.ids.running = res.json.run_id;
      await pollUntil(s.t, `/v1/runs/${s.ids.running}`, (j) => j.status === "running", { timeoutMs: 60_000, intervalMs: 200 });
    },
    req: (ids) => ({ method: "POST", path: `/v1/runs/${ids.running}/cancel` }),
    expect: { status: 200 },
    check: (res) => assert.equal(res.json, null, "the body is JSON null"),
  },
  {
    name: "get the canceled run",
    prepare: (s) => pollUntil(s.t, `/v1/runs/${s.ids.running}`, (j) => j.status !== "running", { timeoutMs: 30_000 }),
    req: (ids) => ({ path: `/v1/runs/${ids.running}` }),
    expect: { status: 200, body: { status: "canceled" } },
  },
  {
    name: "cancel the canceled run",
    req: (ids) => ({ method: "POST", path: `/v1/runs/${ids.running}/cancel` }),
    expect: { status: 400 },
    check: (res, s) =>
      assert.equal(res.json.detail, `Invalid task status transition to canceled for ${s.ids.running} because task is already canceled`),
    then: async (s) => {
      await send(s.t, { method: "POST", path: `${sessionPath(s.ids.other)}/close` });
    },
  },
  {
    name: "run a workflow that does not exist",
    req: { method: "POST", path: "/v1/run/agents", json: { agent_id: "wpid_000000000000000000" } },
    expect: { status: 404, body: { detail: "Workflow not found. workflow_permanent_id=wpid_000000000000000000" } },
  },
  {
    name: "run a workflow by its older route and field name",
    req: { method: "POST", path: "/v1/run/workflows", json: { workflow_id: "wpid_000000000000000000" } },
    expect: { status: 404, body: { detail: "Workflow not found. workflow_permanent_id=wpid_000000000000000000" } },
  },
  {
    name: "run a workflow without agent_id",
    req: { method: "POST", path: "/v1/run/agents", json: {} },
    expect: { status: 422, body: validation("missing", ["body", "agent_id"], "Field required", {}) },
  },

  // Closing
  {
    name: "close the session",
    req: (ids) => ({ method: "POST", path: `${sessionPath(ids.session)}/close` }),
    expect: { status: 200, body: { message: "Browser session closed" } },
  },
  {
    name: "close again (idempotent)",
    req: (ids) => ({ method: "POST", path: `${sessionPath(ids.session)}/close`, json: {} }),
    expect: { status: 200, body: { message: "Browser session closed" } },
  },
  {
    name: "get after close",
    req: (ids) => ({ path: sessionPath(ids.session) }),
    expect: { status: 200, body: { status: "completed" } },
    check: (res) => {
      assert.notEqual(res.json.completed_at, null);
      assert.match(res.json.browser_address, /\/devtools\/browser\/[0-9a-f-]{36}::closed::[0-9a-f]{32}$/, "the address is marked closed");
    },
  },
  {
    name: "list after close",
    req: { path: "/v1/browser_sessions" },
    expect: { status: 200 },
    check: (res, s) => assert.ok(!res.json.some((x) => x.browser_session_id === s.ids.session), "closed sessions drop out of the list"),
  },
  {
    name: "run in a closed session",
    req: (ids) => ({
      method: "POST",
      path: "/v1/run/tasks",
      json: { prompt: "[fail] Read the heading", url: page.url, browser_session_id: ids.session },
    }),
    expect: { status: 410 },
    check: (res, s) =>
      assert.equal(
        res.json.detail,
        `Browser session ${s.ids.session} is no longer usable (status: completed). Create a new browser session and retry.`,
      ),
  },
  {
    name: "extend a closed session",
    req: (ids) => ({ method: "POST", path: `${sessionPath(ids.session)}/extend`, json: { additional_minutes: 10 } }),
    expect: { status: 409 },
    check: (res, s) =>
      assert.equal(res.json.detail, `Browser session ${s.ids.session} has already ended and can no longer be extended.`),
  },
  {
    name: "update a closed session",
    req: (ids) => ({ method: "PATCH", path: sessionPath(ids.session), json: { generate_browser_profile: false } }),
    expect: { status: 409 },
    check: (res, s) =>
      assert.equal(res.json.detail, `Browser session ${s.ids.session} has already ended and can no longer be updated.`),
  },

  // Browser profiles
  {
    name: "create a profile from the closed session",
    req: (ids) => ({ method: "POST", path: "/v1/browser_profiles", json: { name: `parity-${Date.now()}`, browser_session_id: ids.session } }),
    expect: { status: 200 },
    then: async (s, res) => {
      s.ids.profile = res.json?.browser_profile_id;
    },
  },
  { name: "list profiles", req: { path: "/v1/browser_profiles" }, expect: { status: 200 } },
  {
    name: "get the profile",
    req: (ids) => ({ path: `/v1/browser_profiles/${ids.profile}` }),
    expect: { status: 200 },
  },
  {
    name: "get unknown profile",
    req: { path: "/v1/browser_profiles/bp_000000000000000000" },
    expect: { status: 404 },
    check: (res) => assert.match(res.json.detail, /^Browser profile bp_000000000000000000 not found for organization o_\d+$/),
  },
  {
    name: "delete the profile",
    req: (ids) => ({ method: "DELETE", path: `/v1/browser_profiles/${ids.profile}` }),
    expect: { status: 204 },
  },
];

function isArrayWith(idName) {
  return (res, s) => {
    assert.ok(Array.isArray(res.json), "a JSON array");
    assert.ok(res.json.some((x) => x.browser_session_id === s.ids[idName]), `the list has the ${idName}`);
  };
}

parityTests(scenarios, {
  title: "Sessions, runs and profiles",
  ownsWildcards: true,
  setup: async () => {
    page = await startLocalPage();
  },
  teardown: () => page?.close(),
});
