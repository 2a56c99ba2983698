// Webhooks against the real open-source Skyvern server (and the emulator, for shape parity):
// a task with `webhook_url` pointing at a receiver on 127.0.0.1 fails without an LLM, the server
// POSTs the run, and the delivery is checked with the package's `verifyWebhook` (pkg/server-node.js)
// keyed with the server's API key; a flipped byte is refused; `retryRunWebhook` (pkg/node.js)
// makes the server send it again, and that delivery verifies too. The first callback is also
// checked in real workerd (pkg/server-workerd.js in miniflare). Finally the emulator's callback
// and replay answer are compared with the real ones (headers, body shape).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { REAL, EMULATOR, TERMINAL_RUN_STATUSES, startLocalPage } from "./targets.mjs";
import { diffBodies } from "./shape.mjs";
import { startWebhookReceiver, flipByte } from "./webhook-receiver.mjs";
import { startVerifyWorker } from "./workerd-verify.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const built = existsSync(new URL("skyvern_server_bg.wasm", PKG)) && existsSync(new URL("skyvern_wasm_bg.wasm", PKG));
const skip = !REAL
  ? "SKYVERN_REAL_URL / SKYVERN_REAL_API_KEY not set (run tests/real-server/run.sh)"
  : !built
    ? "pkg/ is not built: run `cargo xtask build` first"
    : false;
const client = skip ? null : await import(new URL("node.js", PKG).href);
const server = skip ? null : await import(new URL("server-node.js", PKG).href);

const HEX64 = /^[0-9a-f]{64}$/;
const SECONDS = /^\d{10}$/;

/**
 * Fields of the real callback the emulator does not send: the real server merges its legacy
 * task response (`TaskResponse`, without `request`) into the run (without `run_request`); the
 * emulator sends the run plus `task_id`. All are null on a task that failed without an LLM, but
 * for `screenshot_url` (a file:// URL on the server's disk), `max_steps_per_run` (10) and
 * `failure_category` (the server's classification of the failure).
 */
const REAL_ONLY_FIELDS = new Set([
  "extracted_information",
  "action_screenshot_urls",
  "screenshot_url",
  "browser_console_log_url",
  "downloaded_file_urls",
  "failure_category",
  "webhook_failure_reason",
  "max_steps_per_run",
  "workflow_run_id",
]);

let receiver;
let page;
let workerd; // started by the first test that needs it
const seen = {}; // per target name: { run, first, event, replay, second }

before(async () => {
  if (skip) return;
  receiver = await startWebhookReceiver();
  page = await startLocalPage();
});

after(async () => {
  await receiver?.close();
  await page?.close();
  await workerd?.dispose();
});

async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("verifyWebhook accepted a delivery it should refuse");
}

function checkHeaders(t, d) {
  assert.equal(d.method, "POST");
  assert.match(d.headers["x-skyvern-signature"] ?? "", HEX64, `${t.name}: x-skyvern-signature is lowercase hex SHA-256`);
  assert.match(d.headers["x-skyvern-timestamp"] ?? "", SECONDS, `${t.name}: x-skyvern-timestamp is Unix seconds`);
  assert.ok(Math.abs(Number(d.headers["x-skyvern-timestamp"]) - d.receivedAt / 1000) < 120, `${t.name}: the timestamp is now`);
  assert.equal(d.headers["content-type"], "application/json");
}

function checkCompact(t, d) {
  const text = d.body.toString("utf8");
  assert.equal(text, JSON.stringify(JSON.parse(text)), `${t.name}: the body is compact JSON`);
}

for (const t of [REAL, EMULATOR].filter(Boolean)) {
  const path = `/hook/${t.name}`;
  describe(`webhooks: ${t.name === "real" ? "the real Skyvern server" : "the emulator"}`, { skip }, () => {
    const state = (seen[t.name] = {});
    let sky;

    before(() => {
      sky = new client.SkyvernClient({ baseUrl: t.url, apiKey: t.key, timeoutInSeconds: 60 });
    });

    test("a task with webhook_url: the callback verifies with the API key", async () => {
      state.run = await sky.runTask({
        prompt: "[fail] Read the heading of the page",
        url: page.url,
        webhook_url: receiver.url(path),
      });
      assert.match(state.run.run_id, /^tsk_\d+$/);
      assert.equal(state.run.run_request.webhook_url, receiver.url(path), "the run keeps the webhook_url");
      const d = (state.first = await receiver.nth(path, 1, 180_000));
      checkHeaders(t, d);
      checkCompact(t, d);
      const event = (state.event = await server.verifyWebhook({ body: d.body, headers: d.headers }, { apiKey: t.key }));
      assert.equal(event.run_id, state.run.run_id);
      assert.equal(event.task_id, state.run.run_id, "a task's callback also carries task_id");
      assert.equal(event.run_type, "task_v1");
      assert.ok(TERMINAL_RUN_STATUSES.has(event.status), `terminal: ${event.status}`);
      assert.equal(event.status, "failed", "without an LLM ([fail] on the emulator) the task fails");
      assert.equal(typeof event.failure_reason, "string");
      assert.equal(event.timestamp, Number(d.headers["x-skyvern-timestamp"]));
      // The callback is sent once the run is over: GET says the same.
      const run = await sky.getRun(state.run.run_id);
      assert.equal(run.status, event.status);
      assert.equal(run.finished_at, event.finished_at);
    });

    test("verifyWebhook refuses a flipped byte, a wrong key and a missing signature", async () => {
      const d = state.first;
      assert.ok(d, "the first delivery arrived");
      const flipped = await refusal(server.verifyWebhook({ body: flipByte(d.body), headers: d.headers }, { apiKey: t.key }));
      assert.ok(flipped instanceof server.WebhookVerificationError, String(flipped));
      assert.equal(flipped.reason, "bad_signature");
      assert.ok(!flipped.message.includes(t.key), "the message never holds the key");
      const wrong = await refusal(server.verifyWebhook({ body: d.body, headers: d.headers }, { apiKey: `${t.key}x` }));
      assert.equal(wrong.reason, "bad_signature");
      const { "x-skyvern-signature": _, ...unsigned } = d.headers;
      const missing = await refusal(server.verifyWebhook({ body: d.body, headers: unsigned }, { apiKey: t.key }));
      assert.equal(missing.reason, "missing_signature");
    });

    test("in workerd too: the callback verifies, a flipped byte or another key is refused", async () => {
      const d = state.first;
      assert.ok(d && state.event, "the first delivery arrived and verified in Node");
      workerd ??= await startVerifyWorker();
      const good = await workerd.verify(t.key, d);
      assert.equal(good.status, 200, JSON.stringify(good.body));
      assert.deepEqual(good.body, { run_id: state.run.run_id, status: state.event.status, timestamp: state.event.timestamp });
      const flipped = await workerd.verify(t.key, { ...d, body: flipByte(d.body) });
      assert.deepEqual([flipped.status, flipped.body.reason, flipped.body.typed, flipped.body.leaked], [401, "bad_signature", true, false]);
      const wrong = await workerd.verify(`${t.key}x`, d);
      assert.deepEqual([wrong.status, wrong.body.reason, wrong.body.leaked], [401, "bad_signature", false]);
    });

    test("retryRunWebhook sends it again, and the second delivery verifies", async () => {
      assert.ok(state.run, "the task ran");
      const before = receiver.count(path);
      assert.equal(before, 1, "the run's callback was sent once");
      const replay = (state.replay = await sky.retryRunWebhook(state.run.run_id));
      assert.equal(replay.run_id, state.run.run_id);
      assert.equal(replay.run_type, "task_v1");
      assert.equal(replay.default_webhook_url, receiver.url(path));
      assert.equal(replay.target_webhook_url, receiver.url(path));
      assert.equal(replay.status_code, 200, "the receiver's answer is reported");
      assert.equal(replay.response_body, '{"ok":true}');
      assert.equal(replay.error, null);
      assert.equal(typeof replay.latency_ms, "number");
      assert.match(replay.headers["x-skyvern-signature"], HEX64);
      const d = (state.second = await receiver.nth(path, before + 1, 60_000));
      checkHeaders(t, d);
      assert.equal(d.body.toString("utf8"), replay.payload, "the answer's payload is the body sent");
      assert.equal(d.headers["x-skyvern-signature"], replay.headers["x-skyvern-signature"]);
      const event = await server.verifyWebhook({ body: d.body, headers: d.headers }, { apiKey: t.key });
      assert.equal(event.run_id, state.run.run_id);
      assert.equal(event.status, state.event.status);
      const refused = await refusal(server.verifyWebhook({ body: flipByte(d.body), headers: d.headers }, { apiKey: t.key }));
      assert.equal(refused.reason, "bad_signature");
    });

    test("retryRunWebhook with webhook_url sends to that URL instead", async () => {
      assert.ok(state.run, "the task ran");
      const other = `${path}/other`;
      const replay = await sky.retryRunWebhook(state.run.run_id, { webhook_url: receiver.url(other) });
      assert.equal(replay.default_webhook_url, receiver.url(path));
      assert.equal(replay.target_webhook_url, receiver.url(other));
      assert.equal(replay.status_code, 200);
      const d = await receiver.nth(other, 1, 60_000);
      const event = await server.verifyWebhook({ body: d.body, headers: d.headers }, { apiKey: t.key });
      assert.equal(event.run_id, state.run.run_id);
    });
  });
}

describe("webhooks: the emulator's callback against the real one", { skip: skip || (!EMULATOR && "no emulator") }, () => {
  test("the same headers, and a body with task_id and run_id of the same kinds", () => {
    const real = seen.real?.first;
    const emu = seen.emulator?.first;
    assert.ok(real && emu, "both servers delivered");
    const names = (d) => Object.keys(d.headers).filter((h) => h.startsWith("x-skyvern-") || h === "content-type").sort();
    assert.deepEqual(names(emu), names(real));
    const [r, e] = [JSON.parse(real.body), JSON.parse(emu.body)];
    for (const body of [r, e]) assert.deepEqual([body.task_id, body.run_type], [body.run_id, "task_v1"]);
    assert.ok(!("run_request" in r) && !("run_request" in e), "neither sends the run's request");
    const diffs = diffBodies(r, e);
    const unexpected = diffs.filter((d) => !(d.kind === "missing" && REAL_ONLY_FIELDS.has(d.path.slice(2))));
    // The parity suite's allow-list: differences of type allowed in every scenario.
    const allow = JSON.parse(readFileSync(new URL("./parity-allowlist.json", import.meta.url), "utf8")).allow;
    const allowedTypes = new Set(allow.filter((a) => a.scenario === "*" && a.kind === "type").map((a) => a.path));
    const left = unexpected.filter((d) => !(d.kind === "type" && allowedTypes.has(d.path)));
    assert.deepEqual(left, [], "the emulator's callback differs from the real one");
  });

  test("retryRunWebhook answers have the same shape", () => {
    const real = seen.real?.replay;
    const emu = seen.emulator?.replay;
    assert.ok(real && emu, "both servers replayed");
    const diffs = diffBodies({ ...real, payload: "", response_body: "" }, { ...emu, payload: "", response_body: "" });
    assert.deepEqual(diffs, []);
    assert.deepEqual(Object.keys(emu.headers).sort(), Object.keys(real.headers).sort(), "the same headers are reported");
  });
});
