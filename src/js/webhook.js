// Skyvern's signed webhooks (server entry): reads a delivery — a Fetch
// `Request`, or `{ body, headers }` from a node:http server — and asks the
// core (src/js/webhook.rs, src/webhook/) whether its signature and timestamp
// hold. The body's bytes are checked as received; only then does the JS
// engine parse them. `createWebhookHandler` answers a Worker route with it.
import { SkyvernError, WebhookVerificationError } from "./errors.js";
import { readLimited } from "./proxy-handler.js";

const SIGNATURE = "x-skyvern-signature";
const TIMESTAMP = "x-skyvern-timestamp";

/** The error the core asks for (its messages never hold the key or a signature). */
export function webhookError(reason, message) {
  return new WebhookVerificationError(message, { reason });
}

const isRequest = (v) =>
  typeof v?.arrayBuffer === "function" && typeof v?.headers?.get === "function" && typeof v?.method === "string";

/** One header from `Headers` or a node-style record (any case; the first of several). */
function header(headers, name) {
  let v;
  if (typeof headers?.get === "function") v = headers.get(name);
  else if (headers && typeof headers === "object") {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    v = key === undefined ? undefined : headers[key];
    if (Array.isArray(v)) v = v[0];
  }
  return typeof v === "string" ? v : undefined;
}

/** The body's bytes as given: a string is UTF-8 encoded (its original bytes when it was read as UTF-8). */
function bytesOf(body) {
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

function invalidInput() {
  return new SkyvernError("input: must be a Request or { body: string | Uint8Array | ArrayBuffer, headers }", {
    code: "invalid_argument",
  });
}

/** The verified run, with `timestamp`; throws WebhookVerificationError. */
function verifiedEvent(core, bytes, headers) {
  const timestamp = core.check(bytes, header(headers, SIGNATURE), header(headers, TIMESTAMP), Date.now());
  let run;
  try {
    run = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {}
  if (run === null || typeof run !== "object" || Array.isArray(run)) throw core.malformed();
  run.timestamp = timestamp ?? null;
  return run;
}

/** `verifyWebhook(input, options)` after the core accepted the options. */
export async function verifyWith(core, input) {
  try {
    if (isRequest(input)) return verifiedEvent(core, new Uint8Array(await input.arrayBuffer()), input.headers);
    const bytes = input && typeof input === "object" ? bytesOf(input.body) : undefined;
    if (!bytes || !input.headers || typeof input.headers !== "object") throw invalidInput();
    return verifiedEvent(core, bytes, input.headers);
  } finally {
    core.free();
  }
}

const answer = (status, headers) => new Response(null, { status, headers });

async function handle(hook, request) {
  if (request.method !== "POST") return answer(405, { allow: "POST" });
  const length = Number(request.headers.get("content-length") ?? 0);
  const bytes = length > hook.maxBody ? null : request.body ? await readLimited(request.body, hook.maxBody) : new Uint8Array(0);
  if (!bytes) return answer(413);
  let event;
  try {
    event = verifiedEvent(hook.core, bytes, request.headers);
  } catch (e) {
    return answer(e?.reason === "malformed_body" ? 400 : 401);
  }
  try {
    await hook.onEvent(event, request);
  } catch {
    // Skyvern retries a delivery that did not get a 2xx.
    return answer(500);
  }
  return answer(204);
}

/** The handler `createWebhookHandler` returns: POST only; 401, 400, 413, 204, or 500 when `onEvent` throws. */
export function makeWebhookHandler(core, onEvent, maxBody) {
  const hook = { core, onEvent, maxBody };
  return (request) => handle(hook, request).catch(() => answer(500));
}
