// The edge proxy in real workerd (miniflare 4): examples/worker/src/worker.js
// importing the built package by name, against the emulator. Runs the shared
// cases, then the live-view sockets through the proxy (passthrough of the
// upstream 101), a Worker without its secret, and an unreachable upstream.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { emulator, packageNotBuilt, ROOT } from "../runtimes/helpers.mjs";
import {
  APP_ORIGIN, MAX_BODY, OWN, PREFIX, TICKET_SECRET,
  assertNoKey, defineProxyTests, inBand, logged, socketsExist, ticketFor, uid,
} from "./proxy-cases.mjs";

const notBuilt = packageNotBuilt();
if (notBuilt) throw new Error(notBuilt);
const emu = await emulator();
if (emu.skip) throw new Error(emu.skip);
after(() => emu.stop());

const printed = []; // workerd's stdout and stderr
const PKG = join(ROOT, "pkg");

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function modules() {
  const rel = (p) => relative(ROOT, p).split(sep).join("/");
  const list = [
    { type: "ESModule", path: join(ROOT, "examples/worker/src/worker.js"), contents: readFileSync(join(ROOT, "examples/worker/src/worker.js"), "utf8") },
    // The bare specifier `skyvern-wasm/server`, resolved like Wrangler does (the `workerd` condition).
    { type: "ESModule", path: join(ROOT, "examples/worker/src/skyvern-wasm/server"), contents: `export * from "../../../../${rel(join(PKG, "server-workerd.js"))}";\n` },
  ];
  for (const file of walk(PKG)) {
    if (file.endsWith(".js")) list.push({ type: "ESModule", path: file, contents: readFileSync(file, "utf8") });
    else if (file.endsWith(".wasm")) list.push({ type: "CompiledWasm", path: file, contents: readFileSync(file) });
  }
  return list;
}

let mf;
async function miniflare() {
  if (mf) return mf;
  const { Miniflare, supportedCompatibilityDate } = await import("miniflare");
  const common = {
    modules: modules(),
    modulesRoot: ROOT,
    compatibilityDate: supportedCompatibilityDate,
  };
  mf = new Miniflare({
    host: "127.0.0.1",
    handleRuntimeStdio(stdout, stderr) {
      stdout.on("data", (d) => printed.push(String(d)));
      stderr.on("data", (d) => printed.push(String(d)));
    },
    workers: [
      {
        ...common,
        name: "proxy",
        bindings: {
          SKYVERN_API_KEY: emu.apiKey,
          TICKET_SECRET,
          SKYVERN_UPSTREAM: emu.url,
          ALLOWED_ORIGINS: `${APP_ORIGIN}, https://other.example`,
          MAX_BODY_BYTES: String(MAX_BODY),
        },
      },
      { ...common, name: "nokey", bindings: { TICKET_SECRET, SKYVERN_UPSTREAM: emu.url } },
      { ...common, name: "down", bindings: { SKYVERN_API_KEY: emu.apiKey, SKYVERN_UPSTREAM: "http://127.0.0.1:1" } },
    ],
  });
  await mf.ready;
  return mf;
}
after(async () => {
  await mf?.dispose();
});

const shared = defineProxyTests("workerd", emu, async () => {
  const m = await miniflare();
  return { call: (path, init) => m.dispatchFetch(OWN + path, init), close: async () => {} };
});

test("workerd: a Worker without its API key secret fails clearly and forwards nothing", async () => {
  const m = await miniflare();
  const id = uid("nokey");
  const worker = await m.getWorker("nokey");
  const r = await worker.fetch(`${OWN}${PREFIX}/v1/browser_sessions`, { headers: { "x-test-id": id } });
  assert.equal(r.status, 500);
  assert.deepEqual(await r.json(), { detail: "Proxy is not configured" });
  await new Promise((ok) => setTimeout(ok, 200));
  assert.ok(printed.join("").includes("skyvern proxy: options.apiKey: is required"), printed.join(""));
  assert.deepEqual(await logged(emu, id), []);
});

test("workerd: an unreachable upstream is a 502 with a JSON detail", async () => {
  const m = await miniflare();
  const worker = await m.getWorker("down");
  const r = await worker.fetch(`${OWN}${PREFIX}/v1/browser_sessions`);
  assert.equal(r.status, 502);
  const text = await r.text();
  assert.deepEqual(JSON.parse(text), { detail: "Upstream unreachable" });
  shared.seen.push(text);
});

const sockets = await socketsExist(emu);
const noSockets = sockets ? false : "the emulator does not accept WebSocket handshakes on /v1/stream/* yet";
if (noSockets) console.log(`# skipping workerd live-socket tests: ${noSockets}`);

/** Opens a socket through the proxy; resolves to { res, ws, messages, next(pred) }. */
async function open(path, testId) {
  const m = await miniflare();
  const res = await m.dispatchFetch(OWN + path, { headers: { upgrade: "websocket", "x-test-id": testId } });
  const ws = res.webSocket;
  const messages = [];
  const waiters = [];
  let closed = null;
  if (ws) {
    ws.accept();
    ws.addEventListener("message", (e) => {
      const text = typeof e.data === "string" ? e.data : "";
      messages.push(text);
      shared.seen.push(text.slice(0, 300));
      for (const w of [...waiters]) w();
    });
    ws.addEventListener("close", (e) => {
      closed = e.code;
      for (const w of [...waiters]) w();
    });
  }
  const next = (pred, ms = 15_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = messages.find((t) => { try { return pred(JSON.parse(t)); } catch { return false; } });
        if (hit) { clearTimeout(timer); waiters.splice(waiters.indexOf(check), 1); resolve(JSON.parse(hit)); }
        else if (closed !== null) { clearTimeout(timer); reject(new Error(`closed ${closed}; got ${messages.map((t) => t.slice(0, 80)).join(" | ")}`)); }
      };
      const timer = setTimeout(() => reject(new Error(`no matching message in ${ms} ms; got ${messages.map((t) => t.slice(0, 80)).join(" | ")}`)), ms);
      waiters.push(check);
      check();
    });
  return { res, ws, messages, next };
}

test("workerd: the screencast streams frames through the proxy with a valid ticket", { skip: noSockets }, async () => {
  const id = uid("live-view");
  const s = await shared.newSession(id);
  const view = ticketFor(s.id, "view", Math.floor(Date.now() / 1000) + 60);
  const { res, ws, next } = await open(`${shared.socketPath("view", s.id)}?ticket=${view}`, id);
  assert.equal(res.status, 101);
  try {
    const frame = await next((m) => typeof m.screenshot === "string" && m.screenshot.length > 100);
    assert.equal(frame.browser_session_id, s.id);
    assert.ok(["jpeg", "png"].includes(frame.format));
    assert.ok(frame.viewport_width > 0);
  } finally {
    ws.close(1000);
  }
  const log = (await logged(emu, id)).filter((r) => r.path.includes("/stream/"));
  assert.equal(log.length, 1);
  assert.equal(log[0].path, `/v1/stream/browser_sessions/${s.id}`);
  assert.equal(log[0].api_key, "valid", "the proxy added apikey= server-side");
  assert.ok(!String(log[0].query).includes("ticket"), "the ticket is not sent upstream");
});

test("workerd: the input socket opens with a control ticket and answers ready", { skip: noSockets }, async () => {
  const id = uid("live-input");
  const s = await shared.newSession(id);
  const { res, ws, next } = await open(`${shared.socketPath("control", s.id)}?ticket=${s.ticket}&client_id=proxy-test-1`, id);
  assert.equal(res.status, 101);
  try {
    const ready = await next((m) => m.kind === "ready");
    assert.equal(ready.kind, "ready");
    ws.send(JSON.stringify({ kind: "take-control" }));
  } finally {
    ws.close(1000);
  }
  const [entry] = (await logged(emu, id)).filter((r) => r.path.includes("/stream/"));
  assert.equal(entry.path, `/v1/stream/cdp_input/browser_session/${s.id}`);
  assert.equal(entry.api_key, "valid");
  assert.match(entry.query, /client_id=proxy-test-1/);
});

test("workerd: a ticket minted for another session opens nothing", { skip: noSockets }, async () => {
  const id = uid("live-other");
  const a = await shared.newSession(id);
  const b = await shared.newSession(id);
  const m = await miniflare();
  const refused = async (path) =>
    inBand(await m.dispatchFetch(OWN + path, { headers: { upgrade: "websocket", "x-test-id": id } }));
  const r = await refused(`${shared.socketPath("view", a.id)}?ticket=${b.ticket}`);
  assert.deepEqual([r.code, r.message, r.reason], [1008, "The live-view ticket is not valid for this browser session", r.message]);
  const v = await refused(`${shared.socketPath("control", a.id)}?ticket=${ticketFor(a.id, "view", Math.floor(Date.now() / 1000) + 60)}`);
  assert.equal(v.code, 1008);
  assert.match(v.message, /does not allow controlling/);
  shared.seen.push(r.message, v.message);
  assert.deepEqual((await logged(emu, id)).filter((x) => x.path.includes("/stream/")), []);
});

test("workerd: the key appears in no response, header, socket message or workerd log line", async () => {
  assert.ok(shared.seen.length > 50, "responses were collected");
  assertNoKey(emu.apiKey, shared.seen, "a response");
  assertNoKey(emu.apiKey, printed, "workerd's output");
  assertNoKey(TICKET_SECRET, [...shared.seen, ...printed], "a response (the ticket secret)");
});
