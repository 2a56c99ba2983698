// Webhooks in real workerd (miniflare 4): the emulator POSTs its signed run
// callbacks to examples/worker's /webhooks/skyvern route over 127.0.0.1, and
// the route hands verified runs to its RUN_EVENTS binding (here a test double
// in Node). A second Worker calls verifyWebhook directly to show each refusal's reason.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { emulator, packageNotBuilt, ROOT } from "../runtimes/helpers.mjs";

const notBuilt = packageNotBuilt();
if (notBuilt) throw new Error(notBuilt);
const emu = await emulator();
if (emu.skip) throw new Error(emu.skip);
const PKG = join(ROOT, "pkg");

// "/parts" reads the body first and hands over { body, headers }, as a node:http
// server would; "?wrong-key" verifies with a key that is not the one that signed.
const VERIFY_WORKER = `import { verifyWebhook, WebhookVerificationError } from "skyvern-wasm/server";
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const apiKey = url.searchParams.has("wrong-key") ? "sk-not-the-key" : env.SKYVERN_API_KEY;
    const input = url.pathname === "/parts"
      ? { body: new Uint8Array(await request.arrayBuffer()), headers: Object.fromEntries(request.headers) }
      : request;
    try {
      const event = await verifyWebhook(input, { apiKey });
      return Response.json({ run_id: event.run_id, status: event.status, timestamp: event.timestamp });
    } catch (e) {
      return Response.json({ name: e.name, reason: e.reason, code: e.code, typed: e instanceof WebhookVerificationError, message: e.message }, { status: 401 });
    }
  },
};
`;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function modules(main, contents) {
  const rel = (p) => relative(ROOT, p).split(sep).join("/");
  const list = [
    { type: "ESModule", path: main, contents },
    // The bare specifier `skyvern-wasm/server`, resolved like Wrangler does (the `workerd` condition).
    { type: "ESModule", path: join(main, "..", "skyvern-wasm/server"), contents: `export * from "${"../".repeat(rel(main).split("/").length)}${rel(join(PKG, "server-workerd.js"))}";\n` },
  ];
  for (const file of walk(PKG)) {
    if (file.endsWith(".js")) list.push({ type: "ESModule", path: file, contents: readFileSync(file, "utf8") });
    else if (file.endsWith(".wasm")) list.push({ type: "CompiledWasm", path: file, contents: readFileSync(file) });
  }
  return list;
}

const received = [];
let doubleStatus = 204;
const { Miniflare, supportedCompatibilityDate } = await import("miniflare");
const workerJs = join(ROOT, "examples/worker/src/worker.js");
const mf = new Miniflare({
  host: "127.0.0.1",
  workers: [
    {
      name: "hooks",
      modules: modules(workerJs, readFileSync(workerJs, "utf8")),
      modulesRoot: ROOT,
      compatibilityDate: supportedCompatibilityDate,
      bindings: { SKYVERN_API_KEY: emu.apiKey, SKYVERN_UPSTREAM: emu.url },
      // The test double for a Durable Object or a queue.
      serviceBindings: {
        RUN_EVENTS: async (request) => {
          received.push(await request.json());
          return new Response(null, { status: doubleStatus });
        },
      },
    },
    {
      name: "verify",
      modules: modules(join(ROOT, "tests/js/verify-worker.js"), VERIFY_WORKER),
      modulesRoot: ROOT,
      compatibilityDate: supportedCompatibilityDate,
      bindings: { SKYVERN_API_KEY: emu.apiKey },
    },
  ],
});
const origin = await mf.ready;
after(async () => {
  await mf.dispose();
  emu.stop();
});
const hookUrl = new URL("/webhooks/skyvern", origin).href;

const api = (path, body) =>
  fetch(`${emu.url}${path}`, {
    method: "POST",
    headers: { "x-api-key": emu.apiKey, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((r) => r.json());
const tamper = (kind) => fetch(`${emu.url}/_emulator/webhooks/tamper`, { method: "POST", body: JSON.stringify({ tamper: kind }) });

/** Whether run `runId` reaches a terminal status within 10 s. */
async function ended(runId) {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    const run = await fetch(`${emu.url}/v1/runs/${runId}`, { headers: { "x-api-key": emu.apiKey } }).then((r) => r.json());
    if (["completed", "failed", "terminated", "canceled", "timed_out"].includes(run.status)) return true;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  return false;
}

async function until(check, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((ok) => setTimeout(ok, 20));
  return check();
}

test("workerd: the Worker's /webhooks/skyvern route takes the emulator's callback and answers as specified", async () => {
  const run = await api("/v1/run/tasks", { prompt: "[steps=1] [fail]", webhook_url: hookUrl });
  assert.ok(await until(() => received.some((e) => e.run_id === run.run_id)), "the run reached RUN_EVENTS");
  const event = received.find((e) => e.run_id === run.run_id);
  assert.equal(event.task_id, run.run_id);
  assert.equal(event.status, "failed");
  assert.equal(typeof event.timestamp, "number");
  const retry = () => api(`/v1/runs/${run.run_id}/retry_webhook`);
  assert.equal((await retry()).status_code, 204);
  for (const [kind, status] of [["tampered_body", 401], ["wrong_key", 401], ["missing_signature", 401], ["stale_timestamp", 401], ["not_json", 400]]) {
    await tamper(kind);
    assert.equal((await retry()).status_code, status, kind);
  }
  assert.equal(received.filter((e) => e.run_id === run.run_id).length, 2, "refused deliveries never reach RUN_EVENTS");
  doubleStatus = 503;
  assert.equal((await retry()).status_code, 500, "a failing hand-off asks Skyvern to retry");
  doubleStatus = 204;
  const get = await fetch(hookUrl);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
});

test("workerd: verifyWebhook accepts the emulator's callback and names each refusal", async () => {
  const verify = await mf.getWorker("verify");
  const run = await api("/v1/run/tasks", { prompt: "[steps=1]" });
  // A replay needs a finished run.
  assert.ok(await ended(run.run_id), "the run ended");
  const post = async (path, headers, body) => {
    const r = await verify.fetch(new URL(path, origin), { method: "POST", headers, body });
    return { status: r.status, body: await r.json() };
  };
  // Let the emulator deliver to the verifying Worker through its replay, spoiled or not.
  const deliver = async (kind, path = "/") => {
    if (kind) await tamper(kind);
    const report = await api(`/v1/runs/${run.run_id}/retry_webhook`, { webhook_url: hookUrl });
    return { report, ...(await post(path, report.headers, report.payload)) };
  };
  // A run without webhook_url still replays to the URL given; the report carries what was sent.
  const good = await deliver();
  assert.equal(good.status, 200, JSON.stringify(good.body));
  assert.equal(good.body.run_id, run.run_id);
  // The same delivery as { body, headers } (the body's bytes read by the Worker first).
  const parts = await post("/parts", good.report.headers, good.report.payload);
  assert.deepEqual([parts.status, parts.body.run_id, parts.body.timestamp], [200, run.run_id, good.body.timestamp]);
  // The genuine delivery with one byte of its body flipped, anywhere: bad_signature.
  const bytes = new TextEncoder().encode(good.report.payload);
  for (const at of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
    const flipped = bytes.slice();
    flipped[at] ^= 0x01;
    for (const path of ["/", "/parts"]) {
      const { status, body } = await post(path, good.report.headers, flipped);
      assert.deepEqual([status, body.reason, body.typed], [401, "bad_signature", true], `byte ${at} via ${path}`);
    }
  }
  // The genuine delivery checked with another key: bad_signature, and the key is not shown.
  const wrong = await post("/?wrong-key", good.report.headers, good.report.payload);
  assert.deepEqual([wrong.status, wrong.body.reason, wrong.body.code], [401, "bad_signature", "webhook_verification_failed"]);
  assert.ok(!wrong.body.message.includes("sk-not-the-key") && !wrong.body.message.includes(emu.apiKey), wrong.body.message);
  for (const [kind, reason] of [["tampered_body", "bad_signature"], ["wrong_key", "bad_signature"], ["missing_signature", "missing_signature"], ["stale_timestamp", "stale"], ["not_json", "malformed_body"]]) {
    const { status, body } = await deliver(kind);
    assert.equal(status, 401);
    assert.deepEqual([body.name, body.reason, body.code, body.typed], ["WebhookVerificationError", reason, "webhook_verification_failed", true], kind);
    assert.ok(!body.message.includes(emu.apiKey));
  }
});
