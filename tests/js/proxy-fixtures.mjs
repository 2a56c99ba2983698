// What the edge proxy's tests share (proxy-cases.mjs and the Node and workerd runs): the proxy's
// mount point, allowed origin, own origin, body limit and ticket secret; unique test ids; tickets
// computed independently of the package; the emulator's request log; and checks on sockets and
// on the API key never leaving the proxy.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";

export const PREFIX = "/api/skyvern";
export const APP_ORIGIN = "https://app.example";
export const OWN = "http://proxy.test";
export const MAX_BODY = 4096;
export const TICKET_SECRET = `proxy-test-secret-${randomBytes(16).toString("hex")}`;

export const uid = (name) => `proxy-${name}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;

/** A ticket computed with node:crypto from the documented format (cross-checks the Rust HMAC). */
export function ticketFor(sessionId, grant, expSeconds, secret = TICKET_SECRET) {
  const mac = createHmac("sha256", secret)
    .update(`skyvern-live-ticket:v1:${sessionId}:${grant}:${expSeconds}`)
    .digest("base64url");
  return `v1.${grant}.${expSeconds}.${mac}`;
}

export async function logged(emu, testId) {
  const res = await fetch(`${emu.url}/_emulator/requests`);
  const all = await res.json();
  return all.filter((r) => r.headers && r.headers["x-test-id"] === testId);
}

/** Does the emulator accept WebSocket handshakes on the screencast path? */
export function socketsExist(emu) {
  const u = new URL(`${emu.url}/v1/stream/browser_sessions/pbs_0`);
  return new Promise((resolve) => {
    const req = httpRequest({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": randomBytes(16).toString("base64"),
      },
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(true);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(false);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Reads an in-band refusal (a 101 whose socket sends one text message, then closes):
 * `{ message, code, reason }`. */
export async function inBand(res) {
  assert.equal(res.status, 101, "a refused upgrade is accepted, then closed");
  const ws = res.webSocket;
  assert.ok(ws, "the 101 carries a socket");
  const out = { message: null, code: null, reason: "" };
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the refused socket did not close in 5 s")), 5000);
    ws.addEventListener("message", (e) => { out.message ??= String(e.data); });
    ws.addEventListener("close", (e) => {
      out.code = e.code;
      out.reason = e.reason;
      clearTimeout(timer);
      resolve();
    });
    ws.accept();
  });
  return out;
}

/** Asserts that the key appears nowhere in `texts`. */
export function assertNoKey(key, texts, what) {
  const hits = texts.filter((t) => typeof t === "string" && t.includes(key));
  assert.deepEqual(hits, [], `the API key appeared in ${what}`);
}
