// The edge proxy's live-view sockets in node:http servers: Node's fetch cannot
// open a WebSocket, so `handler.upgrade(req, socket, head)` takes a server's
// "upgrade" event. The proxy's own checks (route, origin, ticket, authorize)
// decide as for any request; a socket that passes is piped, bytes unchanged,
// to the upstream with the key added there; a refusal is answered on the
// socket itself. The key stays in the upstream request line and is never
// written to the client.
import { request as http, STATUS_CODES } from "node:http";
import { createRequire } from "node:module";

// node:https and node:crypto (TLS) are loaded when a socket first needs them,
// not when the package is imported.
const load = createRequire(import.meta.url);

const RELAY = Symbol.for("skyvern-wasm.proxy.relay");
const PASS = ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol"];

// One unmasked frame from the server (text 1, close 8), payload < 126 bytes.
const frame = (op, payload) => Buffer.concat([Buffer.from([0x80 | op, payload.length]), payload]);

/** Answers a refused upgrade: in-band for a WebSocket handshake (the reason as
 * text, then close 1008: a page cannot read the HTTP status), else HTTP. */
function refuse(req, socket, status, detail) {
  const key = req.headers["sec-websocket-key"];
  const text = Buffer.from(String(detail)).subarray(0, 123);
  if (typeof key === "string" && key && req.headers.upgrade?.toLowerCase() === "websocket") {
    const accept = load("node:crypto").createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.end(Buffer.concat([
      Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`),
      frame(1, text),
      frame(8, Buffer.concat([Buffer.from([0x03, 0xf0]), text])),
    ]));
  } else {
    answer(socket, status, detail);
  }
  socket.resume();
  setTimeout(() => socket.destroy(), 5000).unref();
}

function answer(socket, status, detail) {
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

async function upgrade(handler, req, socket, head) {
  socket.on("error", () => socket.destroy());
  const headers = new Headers();
  const raw = req.rawHeaders ?? [];
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  let request;
  try {
    request = new Request(`${socket.encrypted ? "https" : "http"}://${req.headers.host}${req.url}`, { headers });
  } catch {
    return refuse(req, socket, 400, "Bad Request");
  }
  const r = await handler[RELAY](request);
  if (socket.destroyed) return;
  if (typeof r?.url !== "string" || !r.url) return refuse(req, socket, r?.status || 400, r?.detail || "Bad Request");
  const out = Object.fromEntries(r.headers);
  for (const name of PASS) if (typeof req.headers[name] === "string") out[name] = req.headers[name];
  out.connection = "Upgrade";
  const target = new URL(r.url);
  const up = (target.protocol === "https:" ? load("node:https").request : http)(target, { headers: out });
  const fail = (status, detail) => {
    up.destroy();
    if (!socket.destroyed) answer(socket, status, detail);
  };
  up.setTimeout(30_000, () => fail(504, "Upstream socket timed out"));
  up.on("error", () => fail(502, "Upstream socket could not be opened"));
  // An upstream that does not switch: its status, never its body (which may echo the URL).
  up.on("response", (res) => {
    res.resume();
    fail(res.statusCode >= 400 ? res.statusCode : 502, "Upstream refused the live-view socket");
  });
  up.on("upgrade", (res, upstream, upHead) => {
    up.setTimeout(0);
    const key = decodeURIComponent(r.url.slice(r.url.lastIndexOf("apikey=") + 7));
    let lines = "HTTP/1.1 101 Switching Protocols\r\n";
    const h = res.rawHeaders;
    for (let i = 0; i + 1 < h.length; i += 2) {
      if (!h[i + 1].includes(key) && !/[\r\n]/.test(h[i] + h[i + 1])) lines += `${h[i]}: ${h[i + 1]}\r\n`;
    }
    // One side gone: end the other after what is buffered (a close frame) is out.
    const kill = () => {
      upstream.destroy();
      socket.destroy();
    };
    const close = () => {
      upstream.end();
      socket.end();
      setTimeout(kill, 5000).unref();
    };
    upstream.on("error", kill).on("close", close);
    socket.on("error", kill).on("close", close);
    if (socket.destroyed) return kill();
    upstream.setNoDelay?.(true);
    socket.setNoDelay?.(true);
    socket.write(lines + "\r\n");
    if (upHead?.length) socket.write(upHead);
    if (head?.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  socket.on("close", () => up.destroy());
  up.end();
}

/** Adds `upgrade(req, socket, head)` to a handler from createProxyHandler. */
export function withUpgrade(handler) {
  handler.upgrade = (req, socket, head) => {
    upgrade(handler, req, socket, head).catch(() => socket.destroy());
  };
  return handler;
}
