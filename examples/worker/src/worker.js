// A Cloudflare Worker that lets web pages use Skyvern without holding the API
// key: everything under /api/skyvern/ goes through skyvern-wasm's edge proxy,
// which adds the key server-side and forwards only the allowed operations.
//
// Bindings (wrangler.toml `[vars]` and `wrangler secret put`):
//   SKYVERN_API_KEY   secret: the Skyvern API key
//   TICKET_SECRET     secret: 32+ random bytes that sign live-view tickets
//   SKYVERN_UPSTREAM  var: the Skyvern API (default https://api.skyvern.com)
//   ALLOWED_ORIGINS   var: comma-separated origins of pages on other origins
import { createProxyHandler } from "skyvern-wasm/server";

let proxy;

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
