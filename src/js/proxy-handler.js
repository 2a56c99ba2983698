// The edge proxy's Request/Response adapter (server-side only: the live view and
// the client never import this module). The Rust core decides (route, CORS, body
// limit, tickets, which headers cross); this module reads the Request, carries
// the decision out with fetch and builds the Response. The API key lives only in
// the handler's closure, the upstream `x-api-key` header and the upstream socket
// URL; it is never part of a response, and fetch's own error messages (which can
// hold the URL) are never returned.

const EXPOSE = "retry-after, x-skyvern-live-ticket";
// The hook src/js/entries/node-proxy.js uses to pass sockets through in node:http servers.
const RELAY = Symbol.for("skyvern-wasm.proxy.relay");

/** The body's bytes, or null (and the stream cancelled) once more than `max` arrive. */
export async function readLimited(stream, max) {
  const reader = stream.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      reader.cancel().catch(() => {});
      return null;
    }
    parts.push(value);
  }
  const all = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    all.set(p, n);
    n += p.byteLength;
  }
  return all;
}

/** Lets the page at `origin` (when the core allowed one) read the response. */
function allowOrigin(headers, origin) {
  if (!origin) return;
  headers.set("access-control-allow-origin", origin);
  headers.set("access-control-expose-headers", EXPOSE);
  headers.append("vary", "Origin");
}

/** The proxy's own answer: `{ detail }` as JSON (or no body), with CORS for `origin`. */
function reply(status, detail, origin, extra) {
  const h = new Headers(extra);
  if (detail) h.set("content-type", "application/json");
  allowOrigin(h, origin);
  return new Response(detail ? JSON.stringify({ detail }) : null, { status, headers: h });
}

/** The core's decision for `request`, and whether the request asks for a WebSocket. */
function decide(core, request) {
  const url = new URL(request.url);
  const h = request.headers;
  const method = request.method;
  const upgrade = /^websocket$/i.test(h.get("upgrade") ?? "");
  const length = h.get("content-length");
  const decision = JSON.parse(
    core.decide(
      [method, url.pathname, url.search.slice(1), h.get("origin") ?? "", url.origin, upgrade ? crypto.randomUUID() : ""].join("\n"),
      (method === "OPTIONS" && h.has("access-control-request-method") ? 1 : 0) | (upgrade ? 2 : 0),
      length === null ? undefined : Number(length),
      Date.now(),
    ),
  );
  return { decision, upgrade };
}

/**
 * A refusal. A page cannot read the status of a refused WebSocket handshake (it
 * sees 1006 and retries), so a refused upgrade is accepted and closed at once
 * with 1008 after the reason as text, the way Skyvern refuses a credential.
 * For a relayed socket (Node) the refusal is `{ status, detail }`.
 */
function refuse(asked, status, detail, extra) {
  if (asked.relay) return { status, detail };
  if (asked.upgrade && typeof WebSocketPair === "function") {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.send(detail);
    server.close(1008, detail);
    return new Response(null, { status: 101, webSocket: client });
  }
  return reply(status, detail, asked.origin, extra);
}

/** The answer to a CORS preflight the core allowed. */
function preflight(decision) {
  return reply(204, null, decision.origin, {
    "access-control-allow-methods": decision.methods,
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "600",
  });
}

/** The app's `authorize` hook: null when it resolved to `true`, else the refusal's status and detail. */
async function authorizationRefusal(authorize, request, decision) {
  let ok = false;
  try {
    ok = await authorize(request.clone(), decision.op, decision.id ? { id: decision.id } : {});
  } catch {
    return [500, "Authorization check failed"];
  }
  return ok === true ? null : [403, "Forbidden"];
}

/** The request headers that cross to the upstream, as the core says. */
function upstreamHeaders(core, headers) {
  const out = new Headers();
  const connection = headers.get("connection") ?? "";
  for (const [name, value] of headers) if (core.keepHeader(name, connection, false)) out.append(name, value);
  return out;
}

/** A live-view ticket for the session a successful create or get returned, if any. */
function ticketFor(core, decision, text) {
  let id = decision.id;
  if (!id) {
    try {
      id = JSON.parse(text).browser_session_id;
    } catch {}
  }
  let ticket;
  try {
    if (typeof id === "string") ticket = core.mintLiveTicket(id, decision.mint, undefined, Date.now());
  } catch {}
  return ticket;
}

/** Sends the request upstream and turns the answer into the client's Response, the key redacted. */
async function forward(proxy, decision, target, init) {
  const { core, key } = proxy;
  let up;
  try {
    up = await fetch(target, { ...init, redirect: "manual" });
  } catch {
    return reply(
      502,
      decision.socket ? "Upstream socket could not be opened" : "Upstream unreachable",
      decision.origin,
    );
  }
  // A WebSocket handshake passes through untouched (the runtime bridges it).
  if (up.status === 101) return up;
  const rh = new Headers();
  for (const [name, value] of up.headers) {
    if (core.keepHeader(name, "", true) && !value.includes(key)) rh.append(name, value);
  }
  allowOrigin(rh, decision.origin);
  const text = up.status === 204 || up.status === 304 ? null : (await up.text()).split(key).join("[redacted]");
  if (decision.mint && up.ok && text) {
    const ticket = ticketFor(core, decision, text);
    if (ticket) rh.set("x-skyvern-live-ticket", ticket);
  }
  return new Response(text, { status: up.status, statusText: up.statusText, headers: rh });
}

/**
 * One request through the proxy. With `relay` (Node), instead of fetching, a
 * socket that may pass resolves to `{ url, headers }` and a refused upgrade to
 * `{ status, detail }`.
 */
async function handle(proxy, request, relay) {
  const { core, key, authorize, maxBody } = proxy;
  const { decision: d, upgrade } = decide(core, request);
  const asked = { relay, upgrade, origin: d.origin };
  if (d.methods) return preflight(d);
  if (d.status) return refuse(asked, +d.status, d.detail, d.allow ? { allow: d.allow } : undefined);
  if (relay && !d.socket) return refuse(asked, 400, "Not a live-view socket");
  if (authorize) {
    const refusal = await authorizationRefusal(authorize, request, d);
    if (refusal) return refuse(asked, ...refusal);
  }
  const headers = upstreamHeaders(core, request.headers);
  let target = d.url;
  let body;
  if (d.socket) {
    headers.set("upgrade", "websocket");
    target += encodeURIComponent(key);
    if (relay) return { url: target, headers };
  } else {
    headers.set("x-api-key", key);
  }
  if (d.body && request.body) {
    body = await readLimited(request.body, maxBody);
    if (!body) return reply(413, "Request body too large", d.origin);
  }
  return forward(proxy, d, target, { method: request.method, headers, body });
}

/** The handler `createProxyHandler` returns, over the core's decisions (src/js/proxy.rs). */
export function makeProxyHandler(core, key, authorize, maxBody) {
  const proxy = { core, key, authorize, maxBody };
  const handler = (request) => handle(proxy, request).catch(() => reply(500, "Proxy error"));
  handler[RELAY] = (request) => handle(proxy, request, true).catch(() => ({ status: 500, detail: "Proxy error" }));
  handler.mintLiveTicket = (sessionId, operation, ttlSeconds) =>
    core.mintLiveTicket(
      typeof sessionId === "string" ? sessionId : undefined,
      operation === undefined ? undefined : String(operation),
      ttlSeconds === undefined ? undefined : Number(ttlSeconds),
      Date.now(),
    );
  return handler;
}
