// The JavaScript side of the wasm module: the error classes, the transport, the
// timers of the client's waits and the driver of its tasks. The live view's DOM
// and WebSocket glue is live-view/, the edge proxy's Request/Response adapter
// proxy-handler.js. The decisions stay in Rust; each section says what it
// carries out.


// ============================================================================
// Errors
// ============================================================================

// Error classes of skyvern-wasm. Every rejection of the client is an instance of
// SkyvernError (except an abort, which rejects with the signal's reason).

export class SkyvernError extends Error {
  constructor(message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // The class's own name: `NotFoundError` for a NotFoundError.
    this.name = new.target.name;
    /** HTTP status, when there was a response. */
    this.statusCode = options.statusCode;
    /** The response body: parsed JSON, or the text. */
    this.body = options.body;
    /** Whether repeating the request may succeed. */
    this.retryable = options.retryable === true;
  }
}

export class BadRequestError extends SkyvernError {}
export class ForbiddenError extends SkyvernError {}
export class NotFoundError extends SkyvernError {}
export class ConflictError extends SkyvernError {}
export class GoneError extends SkyvernError {}
export class UnprocessableEntityError extends SkyvernError {}
export class TooManyRequestsError extends SkyvernError {}
export class InternalServerError extends SkyvernError {}
export class SkyvernTimeoutError extends SkyvernError {
  constructor(message, options = {}) {
    super(message, options);
    /** The last object seen by a wait that timed out. */
    this.lastSeen = options.lastSeen;
  }
}
export class SkyvernConnectionError extends SkyvernError {}

const CLASSES = {
  SkyvernError, BadRequestError, ForbiddenError, NotFoundError, ConflictError, GoneError,
  UnprocessableEntityError, TooManyRequestsError, InternalServerError, SkyvernTimeoutError,
  SkyvernConnectionError,
};

export function errorClasses() {
  return { ...CLASSES };
}

function parseBody(text) {
  if (text === undefined || text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function makeError(name, message, statusCode, bodyText, retryable, lastSeenText) {
  const Class = CLASSES[name] || SkyvernError;
  return new Class(message, {
    statusCode: statusCode === null ? undefined : statusCode,
    body: parseBody(bodyText),
    retryable,
    lastSeen: parseBody(lastSeenText),
  });
}

// ============================================================================
// Transport: one attempt of a call (src/transport/fetch.rs)
// ============================================================================

// `send` resolves with `[status, retryAfter, body]`, or with `[-1]` when the caller
// aborted, `[-2]` when the attempt timed out and `[-3, , detail]` when no response
// came. `headers` is `name\nvalue\nname\nvalue…` (names and values are validated
// and never contain a line break). `retryAfter` is read for error statuses only,
// the ones a retry looks at. The Fetch API does it everywhere; the Node entry
// installs node:http instead (entries/node-http.js), a third faster per call there.
let transport = fetchSend;

/**
 * Replaces the transport (the Node entry's node:http one). It is called as
 * `(url, method, headers, body, ms, caller, describe)` with the headers as a fresh
 * plain object and `describe` to turn an error into `send`'s one-line detail.
 */
export function setTransport(fn) {
  transport = fn;
}

export function send(url, method, headers, body, ms, caller) {
  const h = {};
  if (headers) {
    const p = headers.split("\n");
    for (let i = 0; i < p.length; i += 2) h[p[i]] = p[i + 1];
  }
  return transport(url, method, h, body, ms, caller, describe);
}

// The caller's AbortSignal is never handed to fetch: its `reason` may be any value,
// and fetch would reject with it. The attempt has one controller of its own, aborted
// with a plain AbortError when the caller's signal fires or its timer ends.
async function fetchSend(url, method, headers, body, ms, caller) {
  if (caller && caller.aborted) return [-1];
  const own = new AbortController(), abort = () => own.abort();
  let late = false;
  const timer = setTimeout(() => { late = true; abort(); }, ms);
  if (caller) caller.addEventListener("abort", abort);
  try {
    const init = { method, headers, signal: own.signal };
    if (body !== undefined) init.body = body;
    const r = await fetch(url, init);
    const status = r.status;
    return [status, status >= 400 ? r.headers.get("retry-after") : null, await r.text()];
  } catch (e) {
    if (caller && caller.aborted) return [-1];
    if (late) return [-2];
    return [-3, , describe(e)];
  } finally {
    clearTimeout(timer);
    if (caller) caller.removeEventListener("abort", abort);
  }
}

/** What went wrong, as one line: `TypeError: fetch failed (ECONNREFUSED)`. */
function describe(e) {
  if (!(e instanceof Error)) return typeof e == "string" ? e : "the request failed";
  const code = e.cause && typeof e.cause.code == "string" ? e.cause.code : typeof e.code == "string" ? e.code : "";
  const line = e.name + ": " + e.message;
  return code && !line.includes(code) ? line + " (" + code + ")" : line;
}

// ============================================================================
// Timers and abort races (the client's waits)
// ============================================================================

// Written where the engine provides them.
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal) signal.addEventListener("abort", done);
  });
}
export async function untilAbort(value, signal) {
  if (!signal) return value;
  let stop;
  const aborted = new Promise((_, reject) => {
    stop = reject;
    signal.addEventListener("abort", reject);
  });
  try {
    return await Promise.race([value, aborted]);
  } catch (e) {
    throw signal.aborted ? signal.reason : e;
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

// ============================================================================
// Tasks: the driver of the client's Rust futures (src/js/task.rs)
// ============================================================================

// Polls task `id` until it finishes: each poll returns [0, a promise to wait
// for], [1, the result] or [2, the error]; the next poll gets that promise's outcome.
export async function drive(id, poll) {
  await null; // start once the calling method has returned, like any promise job
  let ok = true;
  let value;
  for (;;) {
    const [stage, v] = poll(id, ok, value);
    if (stage === 1) return v;
    if (stage === 2) throw v;
    try {
      value = await v;
      ok = true;
    } catch (e) {
      value = e;
      ok = false;
    }
  }
}

// ============================================================================
// Live view
// ============================================================================

// The live view is src/js/live-view/ (mount.js holds `mountLiveView`). Its
// message and socket-URL helpers are also offered here.
export { readMessage, socketUrl } from "./live-view/stream.js";
