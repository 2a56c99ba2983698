// The error classes of skyvern-wasm, one module shared by the client and the
// server entry, so `instanceof SkyvernError` holds for an error from either.
// Every rejection of the client is an instance of SkyvernError (except an
// abort, which rejects with the signal's reason).

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
    /** A stable code to branch on (`not_found`, `attempt_timeout`, `invalid_argument`, …). */
    this.code = options.code;
    /** The error response's headers (lower-case names), as far as the runtime may read them. */
    this.headers = options.headers;
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
/** A webhook delivery refused by `verifyWebhook` (the server entry). */
export class WebhookVerificationError extends SkyvernError {
  constructor(message, options = {}) {
    super(message, { ...options, code: "webhook_verification_failed" });
    /** Why: `missing_signature`, `bad_signature`, `stale` or `malformed_body`. */
    this.reason = options.reason;
  }
}

const CLASSES = {
  SkyvernError, BadRequestError, ForbiddenError, NotFoundError, ConflictError, GoneError,
  UnprocessableEntityError, TooManyRequestsError, InternalServerError, SkyvernTimeoutError,
  SkyvernConnectionError, WebhookVerificationError,
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

export function makeError(name, code, message, statusCode, bodyText, retryable, lastSeenText, headers) {
  const Class = CLASSES[name] || SkyvernError;
  return new Class(message, {
    code,
    statusCode: statusCode === null ? undefined : statusCode,
    body: parseBody(bodyText),
    retryable,
    lastSeen: parseBody(lastSeenText),
    headers: headers ?? undefined,
  });
}
