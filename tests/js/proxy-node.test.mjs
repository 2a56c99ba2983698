// The edge proxy in Node: createProxyHandler from the built package, called
// with standard Requests, against the emulator (SKYVERN_EMULATOR_URL /
// SKYVERN_EMULATOR_API_KEY, or one started from target/debug). Also served
// over node:http so a keyless SkyvernClient can use it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { emulator, packageNotBuilt } from "../runtimes/helpers.mjs";
import {
  APP_ORIGIN, MAX_BODY, OWN, PREFIX, TICKET_SECRET,
  assertNoKey, defineProxyTests, logged, socketsExist, ticketFor, uid,
} from "./proxy-cases.mjs";

const notBuilt = packageNotBuilt();
if (notBuilt) throw new Error(notBuilt);
const { SkyvernClient, SkyvernError } = await import("../../pkg/node.js");
const { createProxyHandler } = await import("../../pkg/server-node.js");
const emu = await emulator();
if (emu.skip) throw new Error(emu.skip);
after(() => emu.stop());

// Everything the process prints while the tests run, for the key scan.
const printed = [];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = (chunk, ...rest) => {
    printed.push(String(chunk));
    return write(chunk, ...rest);
  };
}

const options = {
  apiKey: emu.apiKey,
  upstream: emu.url,
  pathPrefix: PREFIX,
  allowedOrigins: [APP_ORIGIN],
  ticketSecret: TICKET_SECRET,
  maxBodyBytes: MAX_BODY,
};
const handler = createProxyHandler(options);

const shared = defineProxyTests("node", emu, async () => ({
  call: (path, init) => handler(new Request(OWN + path, init)),
  close: async () => {},
}));

test("node: missing or bad options are clear errors at construction", () => {
  for (const [opts, message] of [
    [undefined, /^options\.apiKey: is required/],
    [{}, /^options\.apiKey: is required/],
    [{ apiKey: undefined, upstream: emu.url }, /^options\.apiKey: is required/],
    [{ apiKey: "" }, /^options\.apiKey: is empty/],
    [{ apiKey: "k", allow: ["liveView"] }, /^options\.ticketSecret: is required/],
    [{ apiKey: "k", ticketSecret: "short" }, /at least 32 bytes/],
    [{ apiKey: "k", allow: ["getCredentials"] }, /"getCredentials" is not a known operation/],
    [{ apiKey: "k", allowedOrigins: ["*"] }, /^options\.allowedOrigins/],
    [{ apiKey: "k", upstream: "ftp://x" }, /^options\.upstream/],
    [{ apiKey: "k", apikey: "x" }, /options\.apikey/],
  ]) {
    assert.throws(() => createProxyHandler(opts), (e) => e instanceof SkyvernError && message.test(e.message), String(message));
  }
});

test("node: profiles are forwarded only when allowed", async () => {
  const id = uid("profiles");
  const h = createProxyHandler({ ...options, allow: ["createBrowserProfile", "getBrowserProfiles", "getBrowserProfile", "deleteBrowserProfile"] });
  const req = (method, path, body) =>
    h(new Request(OWN + PREFIX + path, {
      method,
      headers: { "x-test-id": id, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }));
  const created = await req("POST", "/v1/browser_profiles", { name: id });
  assert.equal(created.status, 200);
  const profile = await created.json();
  assert.equal((await req("GET", "/v1/browser_profiles")).status, 200);
  assert.equal((await req("GET", `/v1/browser_profiles/${profile.browser_profile_id}`)).status, 200);
  const del = await req("DELETE", `/v1/browser_profiles/${profile.browser_profile_id}`);
  assert.equal(del.status, 204);
  assert.equal(await del.text(), "");
  // Sessions are not in this allowlist.
  assert.equal((await req("POST", "/v1/browser_sessions", {})).status, 404);
  const log = await logged(emu, id);
  assert.deepEqual(log.map((r) => `${r.method} ${r.api_key}`), ["POST valid", "GET valid", "GET valid", "DELETE valid"]);
});

test("node: authorize decides per operation, before upstream", async () => {
  const id = uid("authorize");
  const calls = [];
  const h = createProxyHandler({
    ...options,
    authorize: async (request, operation, details) => {
      calls.push([operation, details.id ?? null, request.headers.get("x-user")]);
      if (operation === "closeBrowserSession") throw new Error("boom " + emu.apiKey);
      return request.headers.get("x-user") === "alice";
    },
  });
  const send = (user, method, path) =>
    h(new Request(OWN + PREFIX + path, { method, headers: { "x-test-id": id, "x-user": user } }));
  const denied = await send("mallory", "GET", "/v1/runs/tsk_1");
  assert.equal(denied.status, 403);
  assert.deepEqual(await denied.json(), { detail: "Forbidden" });
  const allowed = await send("alice", "GET", "/v1/runs/tsk_000000000000000001");
  assert.equal(allowed.status, 404, "forwarded (and the emulator does not know the run)");
  const thrown = await send("alice", "POST", "/v1/browser_sessions/pbs_1/close");
  assert.equal(thrown.status, 500);
  const body = await thrown.text();
  assert.ok(!body.includes(emu.apiKey) && !body.includes("boom"));
  assert.deepEqual(calls, [
    ["getRun", "tsk_1", "mallory"],
    ["getRun", "tsk_000000000000000001", "alice"],
    ["closeBrowserSession", "pbs_1", "alice"],
  ]);
  assert.deepEqual((await logged(emu, id)).map((r) => r.path), ["/v1/runs/tsk_000000000000000001"]);
});

test("node: a streamed body over the limit is 413 before upstream; Connection-listed headers are dropped", async () => {
  const id = uid("stream-body");
  const chunks = Readable.toWeb(Readable.from([Buffer.alloc(3000, 97), Buffer.alloc(3000, 97)]));
  const r = await handler(new Request(OWN + PREFIX + "/v1/run/tasks", { method: "POST", body: chunks, duplex: "half", headers: { "x-test-id": id } }));
  assert.equal(r.status, 413);
  const ok = await handler(new Request(OWN + PREFIX + "/v1/browser_sessions", {
    headers: { "x-test-id": id, connection: "x-drop-me", "x-drop-me": "1" },
  }));
  assert.equal(ok.status, 200);
  const log = await logged(emu, id);
  assert.equal(log.length, 1);
  assert.equal(log[0].headers["x-drop-me"], undefined);
});

test("node: an unreachable upstream is a 502 with a JSON detail and no key", async () => {
  const h = createProxyHandler({ ...options, upstream: "http://127.0.0.1:1" });
  const r = await h(new Request(OWN + PREFIX + "/v1/browser_sessions"));
  assert.equal(r.status, 502);
  assert.deepEqual(await r.json(), { detail: "Upstream unreachable" });
  const t = await handler.mintLiveTicket("pbs_1");
  const s = await h(new Request(`${OWN}${PREFIX}/v1/stream/browser_sessions/pbs_1?ticket=${t}`, { headers: { upgrade: "websocket" } }));
  assert.equal(s.status, 502);
  const text = await s.text();
  assert.ok(!text.includes(emu.apiKey), "fetch's error (which names the URL with the key) is not returned");
});

test("node: mintLiveTicket matches the documented HMAC format and checks its arguments", () => {
  const t = handler.mintLiveTicket("pbs_600850236505758830", "liveView", 60);
  const [, grant, exp] = t.split(".");
  assert.equal(grant, "view");
  assert.ok(Math.abs(Number(exp) - (Date.now() / 1000 + 60)) < 3);
  assert.equal(t, ticketFor("pbs_600850236505758830", "view", exp), "same as node:crypto's HMAC-SHA-256");
  assert.match(handler.mintLiveTicket("pbs_1"), /^v1\.control\./);
  assert.throws(() => handler.mintLiveTicket("../x"), /sessionId/);
  assert.throws(() => handler.mintLiveTicket(42), /sessionId/);
  assert.throws(() => handler.mintLiveTicket("pbs_1", "getRun"), /operation/);
  assert.throws(() => handler.mintLiveTicket("pbs_1", "liveView", 0), /ttlSeconds/);
  const viewOnly = createProxyHandler({ ...options, allow: ["getBrowserSession", "liveView"] });
  assert.match(viewOnly.mintLiveTicket("pbs_1"), /^v1\.view\./);
  assert.throws(() => viewOnly.mintLiveTicket("pbs_1", "liveControl"), /not in options\.allow/);
  assert.throws(() => createProxyHandler({ apiKey: "k" }).mintLiveTicket("pbs_1"), /ticketSecret/);
});

test("node: a valid ticket gets past the proxy's checks (Node's fetch cannot open the socket: 502, no key)", async () => {
  const id = uid("node-socket");
  const s = await shared.newSession(id);
  const r = await handler(new Request(`${OWN}${shared.socketPath("view", s.id)}?ticket=${s.ticket}`, { headers: { upgrade: "websocket", "x-test-id": id } }));
  const text = await r.text();
  assert.ok(r.status === 502 || r.status === 101, `${r.status} ${text}`);
  assert.ok(!text.includes(emu.apiKey));
});

test("node: a keyless SkyvernClient works through the proxy served over HTTP", async () => {
  const id = uid("client");
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const url = `http://127.0.0.1:${server.address().port}${req.url}`;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (k !== "connection" && k !== "host") headers.set(k, String(v));
    const r = await handler(new Request(url, { method: req.method, headers, body }));
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  try {
    const client = new SkyvernClient({ baseUrl: `http://127.0.0.1:${server.address().port}${PREFIX}`, headers: { "x-test-id": id } });
    const session = await client.createBrowserSession({ timeout: 5 });
    shared.sessions.push(session.browser_session_id);
    const again = await client.getBrowserSession(session.browser_session_id);
    assert.equal(again.browser_session_id, session.browser_session_id);
    await client.closeBrowserSession(session.browser_session_id);
    await assert.rejects(client.getBrowserProfiles(), (e) => e.name === "NotFoundError");
    const log = await logged(emu, id);
    assert.deepEqual(log.map((r) => r.api_key), ["valid", "valid", "valid"]);
  } finally {
    server.closeAllConnections?.();
    await new Promise((ok) => server.close(ok));
  }
});

test("node: the key appears in no response, header or printed line", async () => {
  assert.ok(shared.seen.length > 50, "responses were collected");
  assertNoKey(emu.apiKey, shared.seen, "a response");
  assertNoKey(emu.apiKey, printed, "the test output");
  assertNoKey(TICKET_SECRET, [...shared.seen, ...printed], "a response (the ticket secret)");
});

void socketsExist;
