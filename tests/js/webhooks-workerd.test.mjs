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

const VERIFY_WORKER = `import { verifyWebhook, WebhookVerificationError } from "skyvern-wasm/server";
export default {
  async fetch(request, env) {
    try {
      const event = await verifyWebhook(request, { apiKey: env.SKYVERN_API_KEY });
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
  // Let the emulator deliver to the verifying Worker through its replay, spoiled or not.
  const verifyUrl = new URL("/", origin);
  const deliver = async (kind) => {
    if (kind) await tamper(kind);
    const report = await api(`/v1/runs/${run.run_id}/retry_webhook`, { webhook_url: hookUrl });
    const r = await verify.fetch(verifyUrl, { method: "POST", headers: report.headers, body: report.payload });
    return { status: r.status, body: await r.json() };
  };
  // A run without webhook_url still replays to the URL given; the report carries what was sent.
  const good = await deliver();
  assert.equal(good.status, 200, JSON.stringify(good.body));
  assert.equal(good.body.run_id, run.run_id);
  for (const [kind, reason] of [["tampered_body", "bad_signature"], ["wrong_key", "bad_signature"], ["missing_signature", "missing_signature"], ["stale_timestamp", "stale"], ["not_json", "malformed_body"]]) {
    const { status, body } = await deliver(kind);
    assert.equal(status, 401);
    assert.deepEqual([body.name, body.reason, body.code, body.typed], ["WebhookVerificationError", reason, "webhook_verification_failed", true], kind);
    assert.ok(!body.message.includes(emu.apiKey));
  }
});
