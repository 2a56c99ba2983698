// The edge proxy's live-view sockets in a node:http server: `handler.upgrade`
// from the built package's Node entry, in front of the emulator, driven by a
// raw WebSocket client that sees the handshake and every byte. Checks that a
// ticketed socket streams with the key added upstream (emulator log), that
// every refusal is in-band (101, the reason as text, close 1008) and reaches
// nothing upstream, and that upstream failures never hand the key back.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { createHash } from "node:crypto";
import { emulator, packageNotBuilt } from "../runtimes/helpers.mjs";
import { TICKET_SECRET, assertNoKey, logged, ticketFor, uid } from "./proxy-cases.mjs";
import { openRaw } from "./ws-raw.mjs";

const notBuilt = packageNotBuilt();
if (notBuilt) throw new Error(notBuilt);
const { createProxyHandler } = await import("../../pkg/server-node.js");
const emu = await emulator();
if (emu.skip) throw new Error(emu.skip);
after(() => emu.stop());

const PREFIX = "/api/skyvern";
const APP = "https://app.example";
const seen = []; // everything a client received, for the key scan
const sessions = [];

/** A node:http server with the proxy on requests and upgrades; resolves to its base URL. */
async function serve(options) {
  const proxy = createProxyHandler({ apiKey: emu.apiKey, upstream: emu.url, pathPrefix: PREFIX, ticketSecret: TICKET_SECRET, allowedOrigins: [APP], ...options });
  const server = createServer(async (req, res) => {
    const r = await proxy(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers }));
    res.writeHead(r.status, Object.fromEntries(r.headers));
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  server.on("upgrade", (req, socket, head) => proxy.upgrade(req, socket, head));
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  after(() => {
    server.closeAllConnections?.();
    server.close();
  });
  return { base: `http://127.0.0.1:${server.address().port}`, proxy };
}

const main = await serve({});

async function newSession(testId) {
  const res = await fetch(`${emu.url}/v1/browser_sessions`, {
    method: "POST",
    headers: { "x-api-key": emu.apiKey, "content-type": "application/json" },
    body: JSON.stringify({ timeout: 5 }),
  });
  const s = await res.json();
  sessions.push(s.browser_session_id);
  return s.browser_session_id;
}
after(async () => {
  for (const id of sessions) {
    await fetch(`${emu.url}/v1/browser_sessions/${id}/close`, { method: "POST", headers: { "x-api-key": emu.apiKey } }).catch(() => {});
  }
});

const view = (id) => `${PREFIX}/v1/stream/browser_sessions/${id}`;
const input = (id) => `${PREFIX}/v1/stream/cdp_input/browser_session/${id}`;
const keep = (c) => {
  seen.push(`${c.status}`, JSON.stringify(c.headers), c.body ?? "", c.bytes().slice(0, 4000), ...(c.messages ?? []).map((m) => m.slice(0, 300)));
  return c;
};

test("node upgrade: only the Node entry's handler has upgrade()", () => {
  assert.equal(typeof main.proxy.upgrade, "function");
  assert.equal(typeof main.proxy.mintLiveTicket, "function");
});

test("node upgrade: a view ticket opens the screencast; frames pass; the key is added upstream, the ticket is not", async () => {
  const id = uid("up-view");
  const sid = await newSession(id);
  const ticket = main.proxy.mintLiveTicket(sid, "liveView", 60);
  const c = keep(await openRaw(`${main.base}${view(sid)}?ticket=${ticket}`, { "x-test-id": id, origin: APP }));
  assert.equal(c.status, 101);
  assert.ok(c.acceptOk, "the upstream's handshake answers this client's key");
  const frames = [];
  for (let i = 0; i < 3; i++) {
    frames.push(await c.next((m) => typeof m?.screenshot === "string" && m.screenshot.length > 100 && !frames.includes(m.screenshot)));
  }
  assert.equal(frames[0].browser_session_id, sid);
  assert.ok(frames[0].viewport_width > 0);
  c.close(1000);
  keep(c);
  const log = (await logged(emu, id)).filter((r) => r.path.includes("/stream/"));
  assert.equal(log.length, 1);
  assert.equal(log[0].path, `/v1/stream/browser_sessions/${sid}`);
  assert.equal(log[0].api_key, "valid", "apikey= added server-side");
  assert.ok(!String(log[0].query).includes("ticket"), "the ticket stays at the proxy");
  assert.equal(log[0].headers.cookie, undefined);
});

test("node upgrade: a control ticket opens the input socket; client frames reach upstream", async () => {
  const id = uid("up-input");
  const sid = await newSession(id);
  const ticket = main.proxy.mintLiveTicket(sid, "liveControl", 60);
  const c = keep(await openRaw(`${main.base}${input(sid)}?ticket=${ticket}&client_id=node-up-1`, { "x-test-id": id }));
  assert.equal(c.status, 101);
  assert.ok(c.acceptOk);
  assert.equal((await c.next((m) => m?.kind === "ready")).kind, "ready");
  c.send(JSON.stringify({ kind: "take-control" }));
  c.send(JSON.stringify({ kind: "navigateEvent", url: "not a url at all" }));
  const answer = await c.next((m) => m?.kind === "navigate-error");
  assert.equal(answer.reason, "invalid_url", "a message the client sent went through and came back");
  c.close(1000);
  const [entry] = (await logged(emu, id)).filter((r) => r.path.includes("/stream/"));
  assert.equal(entry.path, `/v1/stream/cdp_input/browser_session/${sid}`);
  assert.equal(entry.api_key, "valid");
  assert.match(entry.query, /client_id=node-up-1/);
});

test("node upgrade: refusals are in-band (101, the reason as text, close 1008) and reach nothing upstream", async () => {
  const id = uid("up-refused");
  const sid = await newSession(id);
  const other = await newSession(id);
  const now = Math.floor(Date.now() / 1000);
  const denying = await serve({ authorize: () => false });
  const cases = [
    [main.base, view(sid), {}, "A live-view ticket is required"],
    [main.base, `${view(sid)}?ticket=${ticketFor(sid, "view", now - 5)}`, {}, "expired"],
    [main.base, `${input(sid)}?ticket=${ticketFor(sid, "view", now + 60)}`, {}, "does not allow controlling"],
    [main.base, `${view(sid)}?ticket=${ticketFor(other, "view", now + 60)}`, {}, "not valid for this browser session"],
    [main.base, `${view(sid)}?ticket=${ticketFor(sid, "view", now + 60, "another-secret-another-secret-123")}`, {}, "not valid"],
    [main.base, `${view(sid)}?ticket=${ticketFor(sid, "view", now + 60)}`, { origin: "https://evil.example" }, "Origin not allowed"],
    [main.base, `${PREFIX}/v1/stream/vnc/browser_session/${sid}`, {}, "Not Found"],
    [main.base, `${PREFIX}/v1/browser_sessions`, {}, "Not a live-view socket"],
    [denying.base, `${view(sid)}?ticket=${ticketFor(sid, "view", now + 60)}`, {}, "Forbidden"],
  ];
  for (const [base, path, headers, detail] of cases) {
    const c = keep(await openRaw(base + path, { "x-test-id": id, ...headers }));
    assert.equal(c.status, 101, path);
    assert.ok(c.acceptOk, `${path}: a valid handshake, so a page sees the reason`);
    await c.closed;
    assert.equal(c.messages.length, 1, path);
    assert.match(c.messages[0], new RegExp(detail), path);
    assert.throws(() => JSON.parse(c.messages[0]), "not JSON: the live view reads it as a refused credential");
    assert.equal(c.closeCode, 1008, path);
    assert.equal(c.closeReason, c.messages[0]);
  }
  assert.deepEqual((await logged(emu, id)).filter((r) => r.path.includes("/stream/")), [], "no socket reached upstream");
});

test("node upgrade: an upgrade that is not a WebSocket handshake gets a plain HTTP answer", async () => {
  const c = keep(await openRaw(`${main.base}${view("pbs_1")}`, { upgrade: "h2c", "sec-websocket-key": "" }));
  assert.equal(c.status, 426);
  assert.deepEqual(JSON.parse(c.body), { detail: "This route only accepts WebSocket upgrades" });
});

/** A raw TCP upstream: answers every request with `reply(requestText)`, records what it saw. */
async function fakeUpstream(reply) {
  const got = [];
  const server = createNetServer((s) => {
    let text = "";
    s.on("data", (d) => {
      text += d;
      if (text.includes("\r\n\r\n")) {
        got.push(text);
        s.write(Buffer.from(reply(text), "latin1"));
      }
    });
    s.on("close", () => got.push("closed"));
    s.on("error", () => {});
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  after(() => server.close());
  return { url: `http://127.0.0.1:${server.address().port}`, got };
}

test("node upgrade: an upstream that refuses is answered with its status and a fixed detail, never its body", async () => {
  const up = await fakeUpstream((req) => {
    const line = req.split("\r\n")[0];
    const body = `refused ${line}`; // echoes the URL with the key, as some servers do
    return `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nx-echo: ${line}\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
  });
  const { base, proxy } = await serve({ upstream: up.url });
  const c = keep(await openRaw(`${base}${view("pbs_7")}?ticket=${proxy.mintLiveTicket("pbs_7", "liveView", 60)}`));
  assert.equal(c.status, 403);
  assert.deepEqual(JSON.parse(c.body), { detail: "Upstream refused the live-view socket" });
  assert.ok(up.got[0].startsWith(`GET /v1/stream/browser_sessions/pbs_7?apikey=${encodeURIComponent(emu.apiKey)} HTTP/1.1`), up.got[0]);
  assert.match(up.got[0], /\r\nupgrade: websocket\r\n/i);
});

test("node upgrade: a 101 header that echoes the key is dropped; closing the client closes upstream", async () => {
  const up = await fakeUpstream((req) => {
    const key = /sec-websocket-key: (\S+)/i.exec(req)?.[1] ?? "";
    return `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${
      createHashAccept(key)}\r\nx-echo: ${req.split("\r\n")[0]}\r\n\r\n\x81\x05hello`;
  });
  const { base, proxy } = await serve({ upstream: up.url });
  const c = keep(await openRaw(`${base}${view("pbs_8")}?ticket=${proxy.mintLiveTicket("pbs_8", "liveView", 60)}`));
  assert.equal(c.status, 101);
  assert.ok(c.acceptOk);
  assert.equal(c.headers["x-echo"], undefined, "the header with the key is not passed on");
  assert.equal(await c.next((m) => m === "hello"), "hello", "bytes after the handshake pass");
  c.destroy();
  await waitFor(() => up.got.includes("closed"));
});

test("node upgrade: an unreachable upstream is a 502 with a JSON detail", async () => {
  const { base, proxy } = await serve({ upstream: "http://127.0.0.1:1" });
  const c = keep(await openRaw(`${base}${view("pbs_9")}?ticket=${proxy.mintLiveTicket("pbs_9", "liveView", 60)}`));
  assert.equal(c.status, 502);
  assert.deepEqual(JSON.parse(c.body), { detail: "Upstream socket could not be opened" });
});

test("node upgrade: the key appears in nothing a client received", () => {
  assert.ok(seen.length > 40, "responses were collected");
  assertNoKey(emu.apiKey, seen, "a socket response");
  assertNoKey(encodeURIComponent(emu.apiKey), seen, "a socket response (encoded)");
  assertNoKey(TICKET_SECRET, seen, "a socket response (the ticket secret)");
});

function createHashAccept(key) {
  return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}
async function waitFor(fn, ms = 5000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}
