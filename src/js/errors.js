// Error classes of skyvern-wasm. Every rejection of the client is an instance of
// SkyvernError (except an abort, which rejects with the signal's reason).

export class SkyvernError extends Error {
  constructor(message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SkyvernError';
    /** HTTP status, when there was a response. */
    this.statusCode = options.statusCode;
    /** The response body: parsed JSON, or the text. */
    this.body = options.body;
    /** Whether repeating the request may succeed. */
    this.retryable = options.retryable === true;
  }
}

export class BadRequestError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'BadRequestError'; }
}
export class ForbiddenError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'ForbiddenError'; }
}
export class NotFoundError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'NotFoundError'; }
}
export class ConflictError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'ConflictError'; }
}
export class GoneError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'GoneError'; }
}
export class UnprocessableEntityError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'UnprocessableEntityError'; }
}
export class TooManyRequestsError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'TooManyRequestsError'; }
}
export class InternalServerError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'InternalServerError'; }
}
export class SkyvernTimeoutError extends SkyvernError {
  constructor(message, options = {}) {
    super(message, options);
    this.name = 'SkyvernTimeoutError';
    /** The last object seen by a wait that timed out. */
    this.lastSeen = options.lastSeen;
  }
}
export class SkyvernConnectionError extends SkyvernError {
  constructor(message, options) { super(message, options); this.name = 'SkyvernConnectionError'; }
}

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
