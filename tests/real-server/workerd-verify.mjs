// A Worker in real workerd (miniflare) that checks a webhook delivery with the package's
// `verifyWebhook` (pkg/server-workerd.js), so the contract tests can hand it the callback a
// server really sent: `verify(key, delivery)` POSTs the delivery's raw body and its Skyvern
// headers to the Worker and resolves with its answer: 200 `{ run_id, status, timestamp }`, or
// 401 `{ name, reason, code }`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PKG = join(ROOT, "pkg");

// The key travels in a header of the test's own request to the Worker (loopback, never logged),
// so one Worker serves both servers' keys.
const WORKER = `import { verifyWebhook, WebhookVerificationError } from "../../pkg/server-workerd.js";
export default {
  async fetch(request) {
    const apiKey = request.headers.get("x-test-api-key") ?? "";
    try {
      const event = await verifyWebhook(request, { apiKey });
      return Response.json({ run_id: event.run_id, status: event.status, timestamp: event.timestamp });
    } catch (e) {
      const typed = e instanceof WebhookVerificationError;
      return Response.json({ name: e.name, reason: e.reason, code: e.code, typed, leaked: apiKey !== "" && e.message.includes(apiKey) }, { status: 401 });
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

function modules() {
  const list = [{ type: "ESModule", path: join(ROOT, "tests/real-server/verify-worker.js"), contents: WORKER }];
  for (const file of walk(PKG)) {
    if (file.endsWith(".js")) list.push({ type: "ESModule", path: file, contents: readFileSync(file, "utf8") });
    else if (file.endsWith(".wasm")) list.push({ type: "CompiledWasm", path: file, contents: readFileSync(file) });
  }
  return list;
}

/** Starts the Worker; `dispose()` stops workerd. */
export async function startVerifyWorker() {
  const { Miniflare, supportedCompatibilityDate } = await import("miniflare");
  const mf = new Miniflare({
    host: "127.0.0.1",
    modules: modules(),
    modulesRoot: ROOT,
    compatibilityDate: supportedCompatibilityDate,
  });
  await mf.ready;
  return {
    /** `delivery`: `{ body: Buffer, headers }` as the webhook receiver kept it. */
    async verify(apiKey, delivery) {
      const headers = { "x-test-api-key": apiKey };
      for (const [name, value] of Object.entries(delivery.headers)) {
        if (name.startsWith("x-skyvern-") || name === "content-type") headers[name] = value;
      }
      const r = await mf.dispatchFetch("http://verify.test/webhooks/skyvern", { method: "POST", headers, body: delivery.body });
      return { status: r.status, body: await r.json() };
    },
    dispose: () => mf.dispose(),
  };
}
