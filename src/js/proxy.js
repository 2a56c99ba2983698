// The edge proxy's Request/Response adapter. The Rust core decides (route,
// CORS, body limit, tickets, which headers cross); this file reads the Request,
// carries the decision out with fetch and builds the Response. The API key
// lives only in this closure, the upstream `x-api-key` header and the upstream
// socket URL; it is never part of a response, and fetch's own error messages
// (which can hold the URL) are never returned.
const EXPOSE = "retry-after, x-skyvern-live-ticket";
// The hook src/js/entries/node-proxy.js uses to pass sockets through in node:http servers.
const RELAY = Symbol.for("skyvern-wasm.proxy.relay");

async function readLimited(stream, max) {
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

export function makeProxyHandler(core, key, authorize, maxBody) {
  const cors = (h, origin) => {
    if (!origin) return;
    h.set("access-control-allow-origin", origin);
    h.set("access-control-expose-headers", EXPOSE);
    h.append("vary", "Origin");
  };
  const reply = (status, detail, origin, extra) => {
    const h = new Headers(extra);
    if (detail) h.set("content-type", "application/json");
    cors(h, origin);
    return new Response(detail ? JSON.stringify({ detail }) : null, { status, headers: h });
  };

  // `relay` (Node): instead of fetching, a socket that may pass resolves to
  // `{ url, headers }` and a refused upgrade to `{ status, detail }`.
  async function handle(request, relay) {
    const url = new URL(request.url);
    const h = request.headers;
    const method = request.method;
    const upgrade = /^websocket$/i.test(h.get("upgrade") ?? "");
    const length = h.get("content-length");
    const d = JSON.parse(
      core.decide(
        [method, url.pathname, url.search.slice(1), h.get("origin") ?? "", url.origin, upgrade ? crypto.randomUUID() : ""].join("\n"),
        (method === "OPTIONS" && h.has("access-control-request-method") ? 1 : 0) | (upgrade ? 2 : 0),
        length === null ? undefined : Number(length),
        Date.now(),
      ),
    );
    const origin = d.origin;
    // A page cannot read the status of a refused WebSocket handshake (it sees
    // 1006 and retries), so a refused upgrade is accepted and closed at once
    // with 1008 after the reason as text, the way Skyvern refuses a credential.
    const refuse = (status, detail, extra) => {
      if (relay) return { status, detail };
      if (upgrade && typeof WebSocketPair === "function") {
        const [client, server] = Object.values(new WebSocketPair());
        server.accept();
        server.send(detail);
        server.close(1008, detail);
        return new Response(null, { status: 101, webSocket: client });
      }
      return reply(status, detail, origin, extra);
    };
    if (d.methods) {
      return reply(204, null, origin, {
        "access-control-allow-methods": d.methods,
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "600",
      });
    }
    if (d.status) return refuse(+d.status, d.detail, d.allow ? { allow: d.allow } : undefined);
    if (relay && !d.socket) return refuse(400, "Not a live-view socket");
    if (authorize) {
      let ok = false;
      try {
        ok = await authorize(request.clone(), d.op, d.id ? { id: d.id } : {});
      } catch {
        return refuse(500, "Authorization check failed");
      }
      if (ok !== true) return refuse(403, "Forbidden");
    }
    const out = new Headers();
    const connection = h.get("connection") ?? "";
    for (const [name, value] of h) if (core.keepHeader(name, connection, false)) out.append(name, value);
    let target = d.url;
    let body;
    if (d.socket) {
      out.set("upgrade", "websocket");
      target += encodeURIComponent(key);
      if (relay) return { url: target, headers: out };
    } else {
      out.set("x-api-key", key);
    }
    if (d.body && request.body) {
      body = await readLimited(request.body, maxBody);
      if (!body) return reply(413, "Request body too large", origin);
    }
    let up;
    try {
      up = await fetch(target, { method, headers: out, body, redirect: "manual" });
    } catch {
      return reply(
        502,
        d.socket ? "Upstream socket could not be opened" : "Upstream unreachable",
        origin,
      );
    }
    // A WebSocket handshake passes through untouched (the runtime bridges it).
    if (up.status === 101) return up;
    const rh = new Headers();
    for (const [name, value] of up.headers) {
      if (core.keepHeader(name, "", true) && !value.includes(key)) rh.append(name, value);
    }
    cors(rh, origin);
    const text = up.status === 204 || up.status === 304 ? null : (await up.text()).split(key).join("[redacted]");
    if (d.mint && up.ok && text) {
      let id = d.id;
      if (!id) {
        try {
          id = JSON.parse(text).browser_session_id;
        } catch {}
      }
      let ticket;
      try {
        if (typeof id === "string") ticket = core.mintLiveTicket(id, d.mint, undefined, Date.now());
      } catch {}
      if (ticket) rh.set("x-skyvern-live-ticket", ticket);
    }
    return new Response(text, { status: up.status, statusText: up.statusText, headers: rh });
  }

  const handler = (request) => handle(request).catch(() => reply(500, "Proxy error"));
  handler[RELAY] = (request) => handle(request, true).catch(() => ({ status: 500, detail: "Proxy error" }));
  handler.mintLiveTicket = (sessionId, operation, ttlSeconds) =>
    core.mintLiveTicket(
      typeof sessionId === "string" ? sessionId : undefined,
      operation === undefined ? undefined : String(operation),
      ttlSeconds === undefined ? undefined : Number(ttlSeconds),
      Date.now(),
    );
  return handler;
}
