// Webhooks in Node: the emulator's signed callbacks (over real HTTP on
// 127.0.0.1) checked by verifyWebhook, answered by createWebhookHandler behind
// a node:http server, and waitForRun resolving on the pushed event.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { EventEmitter, on } from "node:events";
import { Readable } from "node:stream";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { emulator, packageNotBuilt } from "../runtimes/helpers.mjs";

const notBuilt = packageNotBuilt();
if (notBuilt) throw new Error(notBuilt);
const { SkyvernClient, SkyvernError } = await import("../../pkg/node.js");
const { verifyWebhook, createWebhookHandler, WebhookVerificationError } = await import("../../pkg/server-node.js");
const emu = await emulator();
if (emu.skip) throw new Error(emu.skip);
const servers = [];
after(() => {
  for (const s of servers) s.close();
  emu.stop();
});

const client = new SkyvernClient({ apiKey: emu.apiKey, baseUrl: emu.url });
const hex = (key, body) => createHmac("sha256", key).update(body).digest("hex");

/** A node:http receiver on 127.0.0.1: each delivery's raw body and headers, in order. */
async function receiver(answer = (_req, res) => res.writeHead(204).end()) {
  const got = [];
  const waiting = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const delivery = { body: Buffer.concat(chunks), headers: req.headers, rawHeaders: req.rawHeaders, method: req.method, url: req.url };
    await answer(req, res, delivery);
    const w = waiting.shift();
    if (w) w(delivery);
    else got.push(delivery);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  servers.push(server);
  const next = () =>
    new Promise((ok, fail) => {
      if (got.length) return ok(got.shift());
      const t = setTimeout(() => fail(new Error("no webhook within 10 s")), 10_000);
      waiting.push((d) => (clearTimeout(t), ok(d)));
    });
  return { url: `http://127.0.0.1:${server.address().port}/webhooks/skyvern`, next, server };
}

const runTask = (prompt, webhook_url) => client.runTask({ prompt, webhook_url });
const retry = (runId) => fetch(`${emu.url}/v1/runs/${runId}/retry_webhook`, { method: "POST", headers: { "x-api-key": emu.apiKey } }).then((r) => r.json());
const tamper = (kind) => fetch(`${emu.url}/_emulator/webhooks/tamper`, { method: "POST", body: JSON.stringify({ tamper: kind }) });

async function refusal(promise, reason, delivery) {
  const e = await promise.then(() => assert.fail(`accepted; expected ${reason}`), (e) => e);
  assert.ok(e instanceof WebhookVerificationError, String(e));
  assert.ok(e instanceof SkyvernError, "a SkyvernError");
  assert.equal(e.name, "WebhookVerificationError");
  assert.equal(e.reason, reason);
  assert.equal(e.code, "webhook_verification_failed");
  assert.ok(!e.message.includes(emu.apiKey), e.message);
  if (delivery) assert.ok(!e.message.includes(hex(emu.apiKey, delivery.body)), "the expected signature is not shown");
  return e;
}

test("verifyWebhook accepts the emulator's callback as bytes, text, ArrayBuffer or a Request", async () => {
  const r = await receiver();
  const run = await runTask("Read it [steps=1] [fail]", r.url);
  const d = await r.next();
  const key = { apiKey: emu.apiKey };
  const event = await verifyWebhook({ body: d.body, headers: d.headers }, key);
  assert.equal(event.run_id, run.run_id);
  assert.equal(event.task_id, run.run_id);
  assert.equal(event.status, "failed");
  assert.equal(typeof event.failure_reason, "string");
  assert.ok(Math.abs(event.timestamp - Date.now() / 1000) < 10, String(event.timestamp));
  const text = await verifyWebhook({ body: d.body.toString("utf8"), headers: d.headers }, key);
  assert.deepEqual(text, event);
  const ab = d.body.buffer.slice(d.body.byteOffset, d.body.byteOffset + d.body.byteLength);
  assert.deepEqual(await verifyWebhook({ body: ab, headers: new Headers(d.headers) }, key), event);
  const request = new Request(`http://127.0.0.1${d.url}`, { method: "POST", body: d.body, headers: d.headers });
  assert.deepEqual(await verifyWebhook(request, key), event);
  // getRun reads the same run (the callback leaves out run_request, as the real server does).
  const { task_id, timestamp, ...rest } = event;
  const { run_request, ...fetched } = await client.getRun(run.run_id);
  assert.equal(run_request.prompt, "Read it [steps=1] [fail]");
  assert.ok(!("run_request" in event), "the callback has no run_request");
  assert.deepEqual(rest, fetched);
});

test("verifyWebhook reads a node-style headers record whose values are string arrays", async () => {
  const r = await receiver();
  const run = await runTask("[steps=1]", r.url);
  const d = await r.next();
  const key = { apiKey: emu.apiKey };
  const sig = d.headers["x-skyvern-signature"];
  const stamp = d.headers["x-skyvern-timestamp"];
  const event = await verifyWebhook({ body: d.body, headers: { "x-skyvern-signature": [sig], "x-skyvern-timestamp": [stamp] } }, key);
  assert.equal(event.run_id, run.run_id);
  assert.equal(event.timestamp, Number(stamp));
  // Any case; of several values the first is the one checked.
  const upper = await verifyWebhook({ body: d.body, headers: { "X-Skyvern-Signature": [sig, "0".repeat(64)], "X-Skyvern-Timestamp": stamp } }, key);
  assert.equal(upper.run_id, run.run_id);
  await refusal(verifyWebhook({ body: d.body, headers: { "x-skyvern-signature": ["0".repeat(64), sig], "x-skyvern-timestamp": stamp } }, key), "bad_signature", d);
  await refusal(verifyWebhook({ body: d.body, headers: { "x-skyvern-signature": [], "x-skyvern-timestamp": stamp } }, key), "missing_signature", d);
});

test("verifyWebhook refuses a flipped byte, a wrong key, a missing header, a stale timestamp and a non-JSON body", async () => {
  const r = await receiver();
  const run = await runTask("[steps=1]", r.url);
  const d = await r.next();
  const key = { apiKey: emu.apiKey };
  for (let i = 0; i < d.body.length; i += 97) {
    const body = Buffer.from(d.body);
    body[i] ^= 1;
    await refusal(verifyWebhook({ body, headers: d.headers }, key), "bad_signature", d);
  }
  await refusal(verifyWebhook({ body: d.body, headers: d.headers }, { apiKey: "sk-wrong" }), "bad_signature", d);
  // The emulator's own spoiled deliveries.
  const cases = [
    ["tampered_body", "bad_signature"],
    ["wrong_key", "bad_signature"],
    ["missing_signature", "missing_signature"],
    ["stale_timestamp", "stale"],
    ["not_json", "malformed_body"],
  ];
  for (const [kind, reason] of cases) {
    await tamper(kind);
    await retry(run.run_id);
    const spoiled = await r.next();
    await refusal(verifyWebhook({ body: spoiled.body, headers: spoiled.headers }, key), reason, spoiled);
    if (kind === "stale_timestamp") {
      // With the freshness check off, the same delivery passes.
      for (const toleranceSeconds of [0, Infinity]) {
        const e = await verifyWebhook({ body: spoiled.body, headers: spoiled.headers }, { ...key, toleranceSeconds });
        assert.equal(e.run_id, run.run_id);
      }
    }
  }
  // Options: named, never echoing the key.
  for (const [options, field] of [[{}, "options.apiKey"], [{ apiKey: emu.apiKey, tolerance: 5 }, "options.tolerance"], [{ apiKey: emu.apiKey, toleranceSeconds: -1 }, "options.toleranceSeconds"]]) {
    const e = await verifyWebhook({ body: d.body, headers: d.headers }, options).then(() => assert.fail("accepted"), (e) => e);
    assert.ok(e instanceof SkyvernError && !(e instanceof WebhookVerificationError));
    assert.equal(e.code, "invalid_argument");
    assert.ok(e.message.startsWith(field), e.message);
    assert.ok(!e.message.includes(emu.apiKey));
  }
  const e = await verifyWebhook({ body: 5, headers: {} }, key).then(() => assert.fail("accepted"), (e) => e);
  assert.equal(e.code, "invalid_argument");
});

/** createWebhookHandler behind node:http, through the same Request adapter as examples/node/server.mjs. */
async function handlerServer(onEvent) {
  const handler = createWebhookHandler({ apiKey: emu.apiKey, onEvent, maxBodyBytes: 64 * 1024 });
  const toRequest = (req) => {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : Readable.toWeb(req);
    return new Request(new URL(req.url, "http://127.0.0.1"), { method: req.method, headers, body, duplex: "half" });
  };
  const server = createServer(async (req, res) => {
    const response = await handler(toRequest(req));
    res.writeHead(response.status, Object.fromEntries(response.headers)).end();
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  servers.push(server);
  return `http://127.0.0.1:${server.address().port}/webhooks/skyvern`;
}

test("createWebhookHandler: 204 after onEvent, 401, 400, 405, 413, and 500 when onEvent throws", async () => {
  const events = [];
  let fail = false;
  const url = await handlerServer(async (event) => {
    if (fail) throw new Error("the queue is down");
    events.push(event);
  });
  const run = await runTask("[steps=1]", url);
  const deadline = Date.now() + 10_000;
  while (!events.length && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 20));
  assert.equal(events[0]?.run_id, run.run_id);
  assert.equal((await retry(run.run_id)).status_code, 204);
  for (const [kind, status] of [["tampered_body", 401], ["missing_signature", 401], ["stale_timestamp", 401], ["wrong_key", 401], ["not_json", 400]]) {
    await tamper(kind);
    assert.equal((await retry(run.run_id)).status_code, status, kind);
  }
  assert.equal(events.length, 2, "refused deliveries never reach onEvent");
  fail = true;
  assert.equal((await retry(run.run_id)).status_code, 500);
  const get = await fetch(url);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  const big = await fetch(url, { method: "POST", body: "x".repeat(70 * 1024) });
  assert.equal(big.status, 413);
  assert.throws(() => createWebhookHandler({ apiKey: emu.apiKey }), /options\.onEvent/);
  assert.throws(() => createWebhookHandler({ onEvent() {} }), /options\.apiKey/);
});

/** A receiver that verifies and emits each event on `bus`, as an app would. */
async function pushReceiver(bus) {
  return receiver(async (_req, res, d) => {
    try {
      bus.emit("run", await verifyWebhook({ body: d.body, headers: d.headers }, { apiKey: emu.apiKey }));
      res.writeHead(204).end();
    } catch (e) {
      console.log("refused", e.message);
      res.writeHead(401).end();
    }
  });
}

test("waitForRun({ webhooks }) resolves on the pushed event, from a subscribe function or an async iterable", async () => {
  const bus = new EventEmitter();
  const r = await pushReceiver(bus);
  const subscribe = (listener) => {
    bus.on("run", listener);
    return () => bus.off("run", listener);
  };
  for (const source of ["subscribe", "iterable"]) {
    const run = await runTask("[duration=1s]", r.url);
    const other = await runTask("[steps=1]", r.url); // its event is not this run's
    const statuses = [];
    const started = Date.now();
    const ac = new AbortController();
    // events.on yields each emit's arguments: the event is the first.
    const events = async function* () {
      for await (const [event] of on(bus, "run", { signal: ac.signal })) yield event;
    };
    const webhooks = source === "subscribe" ? subscribe : events();
    const done = await client.waitForRun(run.run_id, { webhooks, onStatus: (x) => statuses.push(x.status) });
    const took = Date.now() - started;
    assert.equal(done.run_id, run.run_id);
    assert.equal(done.status, "completed");
    // The event won: the safety-net poll runs every 30 s after the first one.
    assert.equal(typeof done.timestamp, "number", "resolved with the webhook event");
    assert.ok(took < 5000, `took ${took} ms`);
    assert.equal(statuses.at(-1), "completed");
    assert.ok(other.run_id);
    if (source === "subscribe") assert.equal(bus.listenerCount("run"), 0, "unsubscribed");
    ac.abort();
  }
});

/** The `GET /v1/runs/{runId}` requests the emulator has logged so far. */
const polls = async (runId) =>
  (await (await fetch(`${emu.url}/_emulator/requests`)).json()).filter((r) => r.method === "GET" && r.path === `/v1/runs/${runId}`).length;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

test("waitForRun({ webhooks }) polls once at the start, then only every 30 s, and never after the event", async () => {
  const bus = new EventEmitter();
  const r = await pushReceiver(bus);
  const run = await runTask("[duration=3s]", r.url);
  const statuses = [];
  let resolvedAt;
  // Silent until the emulator's webhook arrives when the run ends.
  const subscribe = (listener) => (bus.on("run", listener), () => bus.off("run", listener));
  const waiting = client.waitForRun(run.run_id, { webhooks: subscribe, onStatus: (x) => statuses.push(x.status) }).then((done) => ((resolvedAt = Date.now()), done));
  // Polling alone would have asked at 0, 0.25, 0.75 and 1.75 s by now (then every second).
  await sleep(1200);
  assert.equal(await polls(run.run_id), 1, "only the immediate first poll by 1.2 s");
  await sleep(1200);
  assert.equal(resolvedAt, undefined, "the run is still going");
  assert.equal(await polls(run.run_id), 1, "only the immediate first poll by 2.4 s");
  const done = await waiting;
  assert.equal(done.status, "completed");
  assert.equal(typeof done.timestamp, "number", "resolved by the webhook event");
  assert.equal(statuses.at(-1), "completed");
  assert.notEqual(statuses[0], "completed", "the first poll saw the run going");
  // The event stopped the poll's 30 s pause: no request follows it.
  await sleep(1000);
  assert.equal(await polls(run.run_id), 1, "no poll after the event");
});

test("waitForRun({ webhooks }): the poll is the safety net, aborts still win, bad sources are named", async () => {
  let subscribed = 0;
  let unsubscribed = 0;
  const silent = () => {
    subscribed++;
    return () => unsubscribed++;
  };
  const run = await runTask("[steps=1]", null);
  const done = await client.waitForRun(run.run_id, { webhooks: silent, pollIntervalMs: 100 });
  assert.equal(done.status, "completed");
  assert.equal(done.timestamp, undefined, "resolved by polling");
  assert.deepEqual([subscribed, unsubscribed], [1, 1]);
  const paused = await runTask("[pause]", null);
  const ac = new AbortController();
  const waiting = client.waitForRun(paused.run_id, { webhooks: silent, abortSignal: ac.signal });
  setTimeout(() => ac.abort(new Error("stop")), 100);
  await assert.rejects(waiting, /stop/);
  assert.equal(unsubscribed, 2);
  await client.cancelRun(paused.run_id);
  const e = await client.waitForRun(run.run_id, { webhooks: "ws://x" }).then(() => assert.fail("accepted"), (e) => e);
  assert.ok(e instanceof SkyvernError);
  assert.match(e.message, /options\.webhooks/);
  await assert.rejects(client.waitForBrowserSession("pbs_1", { webhooks: silent }), /waitForRun only/);
});

test("examples/node/server.mjs: /webhooks/skyvern accepts the emulator's callback and refuses a tampered one", async () => {
  const child = spawn(process.execPath, ["examples/node/server.mjs", "--port", "0", "--upstream", emu.url], {
    cwd: new URL("../..", import.meta.url),
    env: { ...process.env, SKYVERN_API_KEY: emu.apiKey },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  const seen = [];
  lines.on("line", (line) => (waiting.shift() ?? ((l) => seen.push(l)))(line));
  const nextLine = () =>
    new Promise((ok, fail) => {
      if (seen.length) return ok(seen.shift());
      const t = setTimeout(() => fail(new Error("no line from the example server within 10 s")), 10_000);
      waiting.push((l) => (clearTimeout(t), ok(l)));
    });
  try {
    const base = (await nextLine()).match(/^listening on (http:\/\/\S+)$/)?.[1];
    assert.ok(base, "the server printed its address");
    const run = await runTask("[steps=1]", `${base}/webhooks/skyvern`);
    assert.match(await nextLine(), new RegExp(`^webhook: run ${run.run_id} (completed|failed)$`));
    const forged = await fetch(`${base}/webhooks/skyvern`, {
      method: "POST",
      headers: { "x-skyvern-signature": "0".repeat(64), "x-skyvern-timestamp": String(Math.floor(Date.now() / 1000)) },
      body: JSON.stringify({ run_id: run.run_id, status: "completed" }),
    });
    assert.equal(forged.status, 401);
    assert.equal((await fetch(`${base}/webhooks/skyvern`)).status, 405);
  } finally {
    child.kill();
  }
});
