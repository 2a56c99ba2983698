// A Cloudflare Worker that lets web pages use Skyvern without holding the API
// key: everything under /api/skyvern/ goes through skyvern-wasm's edge proxy,
// which adds the key server-side and forwards only the allowed operations.
//
// Bindings (wrangler.toml `[vars]` and `wrangler secret put`):
//   SKYVERN_API_KEY   secret: the Skyvern API key
//   TICKET_SECRET     secret: 32+ random bytes that sign live-view tickets
//   SKYVERN_UPSTREAM  var: the Skyvern API (default https://api.skyvern.com)
//   ALLOWED_ORIGINS   var: comma-separated origins of pages on other origins
//   RUN_EVENTS        optional: where verified run webhooks go (see below)
//
// POST /webhooks/skyvern receives Skyvern's signed run callbacks (give it as a
// run's `webhook_url`): createWebhookHandler checks the signature and the
// timestamp with the same API key, then hands the run on.
import { createProxyHandler, createWebhookHandler } from "skyvern-wasm/server";

let proxy;
let webhooks;

function buildWebhooks(env) {
  return createWebhookHandler({
    apiKey: env.SKYVERN_API_KEY,
    // Runs only after the signature checked out. Hand the run to whoever waits:
    // - a Durable Object that holds the waiters of a run (their
    //   `waitForRun(runId, { webhooks })` subscribe function resolves at once):
    //     env.RUNS.get(env.RUNS.idFromName(event.run_id)).fetch("https://runs/event", { method: "POST", body: JSON.stringify(event) })
    // - or a queue: `await env.RUN_QUEUE.send(event)`.
    // Here RUN_EVENTS is any binding with `fetch` (a Durable Object stub or a
    // service). A throw answers 500, so Skyvern delivers again.
    onEvent: async (event) => {
      if (!env.RUN_EVENTS) return console.log(`skyvern webhook: ${event.run_id} ${event.status}`);
      const r = await env.RUN_EVENTS.fetch("https://run-events/", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
      });
      if (!r.ok) throw new Error(`RUN_EVENTS answered ${r.status}`);
    },
  });
}

function build(env) {
  return createProxyHandler({
    apiKey: env.SKYVERN_API_KEY,
    upstream: env.SKYVERN_UPSTREAM || undefined,
    pathPrefix: "/api/skyvern",
    allowedOrigins: (env.ALLOWED_ORIGINS || "").split(",").map((o) => o.trim()).filter(Boolean),
    ticketSecret: env.TICKET_SECRET || undefined,
    maxBodyBytes: env.MAX_BODY_BYTES ? Number(env.MAX_BODY_BYTES) : undefined,
    // Tie requests to your own users here, e.g. check a session cookie:
    // authorize: async (request, operation, { id }) => isSignedIn(request),
  });
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/webhooks/skyvern") {
      try {
        webhooks ??= buildWebhooks(env);
      } catch (e) {
        console.error(`skyvern webhooks: ${e.message}`);
        return new Response(null, { status: 500 });
      }
      return webhooks(request);
    }
    if (pathname !== "/api/skyvern" && !pathname.startsWith("/api/skyvern/")) {
      return new Response("Not Found", { status: 404 });
    }
    if (!proxy) {
      try {
        proxy = build(env);
      } catch (e) {
        // A configuration mistake (e.g. the secret is not set). The message
        // names the option; it never contains the key.
        console.error(`skyvern proxy: ${e.message}`);
        return Response.json({ detail: "Proxy is not configured" }, { status: 500 });
      }
    }
    return proxy(request);
  },
};
