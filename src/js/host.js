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
// Transport: how a failed attempt is described (src/transport/fetch.rs sends)
// ============================================================================

/** What went wrong, as one line: `TypeError: fetch failed (ECONNREFUSED)`. */
export function describe(e) {
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
// Live view
// ============================================================================

// The live view is src/js/live-view/ (mount.js holds `mountLiveView`). Its
// message and socket-URL helpers are also offered here.
export { readMessage, socketUrl } from "./live-view/stream.js";
