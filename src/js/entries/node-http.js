// The Node entry's transport: each attempt over node:http (node:https for https
// URLs), the contract of `setTransport` in src/transport/fetch.rs. A loopback request over Node's
// `fetch` takes about 1.5 to 2 times as long as over node:http, and the first
// `fetch` of a process first sets up its HTTP stack (about 30 ms); node:http is
// part of Node itself.
//
// Connections are kept alive and reused, as fetch does (all of them: a burst of
// 1,000 calls leaves 1,000 to reuse, not Node's default 256), and closed after
// 4 s idle (or sooner when the server's `Keep-Alive` header says so), before the
// common server idle limit of 5 s, so a request is not sent on a connection the
// server is closing. Idle connections never keep the process alive.
// Compressed bodies (gzip, deflate, br) are decoded, as fetch does.
import { Agent, request as httpRequest } from "node:http";
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);
const options = { keepAlive: true, timeout: 4000, scheduling: "lifo", maxFreeSockets: 1024 };
const http = { request: httpRequest, agent: new Agent(options) };
let https; // node:https and node:zlib load on first use
let zlib;

function secure() {
  if (!https) {
    const m = load("node:https");
    https = { request: m.request, agent: new m.Agent(options) };
  }
  return https;
}

/** A decoder for a `content-encoding`, or null to keep the bytes as they came. */
function decoder(coding) {
  zlib ??= load("node:zlib");
  switch (coding.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case "deflate":
      return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case "br":
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      return null;
  }
}

/**
 * Where a redirect leads, when it is followed: as fetch does (at most 5 hops; a 303,
 * or a 301/302 of a POST, becomes a GET without a body), but only within the same
 * origin or from http to its https form, because the API key goes with every
 * request. Any other redirect is the response itself: the call fails with its status.
 */
function redirect(url, method, body, status, location, hops) {
  if (!(status === 301 || status === 302 || status === 303 || status === 307 || status === 308)) return null;
  if (!location || hops >= 5) return null;
  let from, to;
  try {
    from = new URL(url);
    to = new URL(location, from);
  } catch {
    return null;
  }
  const upgrade = from.protocol === "http:" && to.protocol === "https:";
  if (to.hostname !== from.hostname || !(to.protocol === from.protocol || upgrade)) return null;
  if (to.protocol === from.protocol && to.port !== from.port) return null;
  const get = status === 303 || ((status === 301 || status === 302) && method === "POST");
  return { url: to.href, method: get ? "GET" : method, body: get ? undefined : body };
}

const ABORTED = { failure: "aborted" };
const TIMEOUT = { failure: "timeout" };

/**
 * A `FormData` body as bytes and its content type (with the boundary), written by
 * Node's own `Request`, as fetch would send it.
 */
async function encodeForm(form) {
  const r = new Request("http://localhost/", { method: "POST", body: form });
  return { type: r.headers.get("content-type"), bytes: Buffer.from(await r.arrayBuffer()) };
}

/**
 * The transport the client calls (src/transport/fetch.rs): `h` is a fresh object this
 * attempt may change; `body` is JSON text or a `FormData` (a file upload). Resolves
 * with `{ status, retryAfter, body }` (with `binary`, a 2xx brings `bytes` and
 * `contentType` instead of `body`), or with `{ failure: "aborted" | "timeout" | "network", detail }`.
 */
export function nodeSend(url, method, h, body, ms, caller, describe, binary) {
  if (caller && caller.aborted) return Promise.resolve(ABORTED);
  // Not `instanceof FormData`: reading Node's `FormData` global loads its fetch
  // stack (undici), which this transport exists to keep out of a cold start.
  if (body !== null && typeof body === "object" && Object.prototype.toString.call(body) === "[object FormData]") {
    return encodeForm(body).then(
      ({ type, bytes }) => {
        h["content-type"] = type;
        return nodeSend(url, method, h, bytes, ms, caller, describe, binary);
      },
      (e) => ({ failure: "network", detail: describe(e) }),
    );
  }
  return new Promise((resolve) => {
    let done = false;
    let req;
    const finish = (outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (caller) caller.removeEventListener("abort", onAbort);
      resolve(outcome);
      if (outcome.failure && req) req.destroy();
    };
    const onAbort = () => finish(ABORTED);
    const fail = (e) => finish(caller && caller.aborted ? ABORTED : { failure: "network", detail: describe(e) });
    const timer = setTimeout(() => finish(TIMEOUT), ms);
    if (caller) caller.addEventListener("abort", onAbort);

    h["accept-encoding"] ??= "gzip, deflate, br";

    const send = (url, method, body, hops) => {
      if (body !== undefined) h["content-length"] = Buffer.byteLength(body);
      else if (h["content-length"] !== undefined) {
        // a POST turned into a GET by a redirect
        delete h["content-length"];
        delete h["content-type"];
      }
      const via = url.startsWith("https:") ? secure() : http;
      try {
        req = via.request(url, { method, headers: h, agent: via.agent }, (res) => {
          const status = res.statusCode;
          const next = redirect(url, method, body, status, res.headers.location, hops);
          if (next) {
            res.resume();
            return send(next.url, next.method, next.body, hops + 1);
          }
          const coding = res.headers["content-encoding"];
          let stream = res;
          if (coding && coding !== "identity") {
            const d = decoder(coding);
            if (d) {
              stream = res.pipe(d);
              d.on("error", (e) => fail(new Error(`could not decode the ${coding} response body: ${e.message}`)));
            }
          }
          const chunks = [];
          stream.on("data", (c) => chunks.push(c));
          stream.on("end", () => {
            if (binary && status >= 200 && status < 300) {
              const bytes = Buffer.concat(chunks);
              const contentType = res.headers["content-type"];
              return finish({ status, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), contentType });
            }
            let text = chunks.length === 1 ? chunks[0].toString() : Buffer.concat(chunks).toString();
            if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
            const failed = status >= 400;
            const retryAfter = failed ? res.headers["retry-after"] : undefined;
            finish({ status, retryAfter, headers: failed ? flatHeaders(res.headers) : undefined, body: text });
          });
          res.on("error", fail);
          res.on("close", () => {
            if (!res.complete) fail(new Error("the connection closed before the response ended"));
          });
        });
      } catch (e) {
        fail(e);
        return;
      }
      req.on("error", fail);
      req.end(body);
    };
    send(url, method, body, 0);
  });
}

/** node:http's headers as `name: value` strings (repeated headers joined with ", "). */
function flatHeaders(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}
