// What the package adds to `BrowserSessionHandle` in JavaScript: one run at a
// time (a session holds one run, and a second one sent too early fails with
// "session is occupied"), `runWorkflow`, `login`, `downloadFiles`, `handOff`, and the client that opened
// each handle (for the hand-off and the live view's keep-alive).
//
// `SkyvernClient.runTask` with a `browser_session_id` is not queued: it stays
// the raw API call.

const TERMINAL = new Set(["completed", "failed", "terminated", "canceled", "timed_out"]);

/** The client that opened each handle. */
const clients = new WeakMap();
/** Per handle: a Promise that settles once the last queued run is terminal (or was never sent). */
const tails = new WeakMap();

export const clientOf = (handle) => clients.get(handle);

/** Resolves when `prior` settles; rejects with the signal's reason if it aborts first. */
function waitTurn(prior, signal) {
  if (!signal) return prior;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    prior.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

/**
 * How the queue learns that a run is over. It waits as long as the run takes
 * (no overall timeout: a run may last hours) and keeps asking through
 * transient failures (no response, timeouts, 429, 5xx, odd bodies), pausing
 * `RETRY_PAUSE_MS` between tries, so the next run is never sent while this one
 * may still hold the session. It stops early only when asking again cannot
 * help: the server says the run is not there or the request is not allowed
 * (`DEFINITIVE`), or the handle was closed (the session's runs end with it).
 */
const DEFINITIVE = new Set([
  "not_found",
  "gone",
  "forbidden",
  "bad_request",
  "unprocessable_entity",
  "invalid_argument",
  "browser_api_key",
]);
const RETRY_PAUSE_MS = 1000;
/** One `waitForRun` lasts at most this long (seconds); another follows while the run goes on. */
const WAIT_CHUNK_S = 3600;

/** Per handle: an AbortController aborted when the handle is closed. */
const closers = new WeakMap();

function closer(handle) {
  let c = closers.get(handle);
  if (!c) closers.set(handle, (c = new AbortController()));
  return c;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Settles once `run` has a terminal status (polling it when needed); never rejects. */
async function untilTerminal(handle, run, requestOptions) {
  const client = clients.get(handle);
  if (!client || !run || typeof run.run_id !== "string" || TERMINAL.has(run.status)) return;
  // The caller's signal was for sending the run; the wait belongs to the queue.
  const { abortSignal: _sent, ...rest } = requestOptions || {};
  const closed = closer(handle).signal;
  while (!closed.aborted) {
    try {
      await client.waitForRun(run.run_id, { timeout: WAIT_CHUNK_S, abortSignal: closed }, rest);
      return;
    } catch (e) {
      if (closed.aborted || DEFINITIVE.has(e?.code)) return;
      await pause(RETRY_PAUSE_MS, closed);
    }
  }
}

/**
 * Sends `send()` once every run queued on `handle` before it is terminal; while
 * waiting, the caller's `abortSignal` takes it out of the queue without
 * touching the others.
 */
function enqueue(handle, requestOptions, send) {
  const prior = tails.get(handle) ?? Promise.resolve();
  let release;
  tails.set(handle, new Promise((r) => (release = r)));
  const signal = requestOptions?.abortSignal;
  return waitTurn(prior, signal).then(
    async () => {
      let run;
      try {
        run = await send();
      } catch (e) {
        release();
        throw e;
      }
      untilTerminal(handle, run, requestOptions).then(release);
      return run;
    },
    (reason) => {
      prior.then(release); // the next in line still waits for the one before this
      throw reason;
    },
  );
}

/**
 * `client[method]` in the handle's session (`browser_session_id` filled in, also
 * inside the `{ body }` wrapper form), queued behind the handle's other runs.
 */
function inSession(handle, method, request, requestOptions) {
  const client = clients.get(handle);
  const wrapped = request !== null && typeof request === "object" && typeof request.body === "object" && request.body !== null;
  const body = wrapped ? request.body : request;
  const own = body?.browser_session_id;
  if (!client || (own !== undefined && own !== null && own !== handle.id)) {
    const why = client ? "request.browser_session_id differs from this handle's session" : "the handle was not opened by a SkyvernClient";
    return Promise.reject(new ErrorClass(`${method}: ${why}`, { code: "invalid_argument" }));
  }
  const inThisSession = { ...body, browser_session_id: handle.id };
  const sent = wrapped ? { ...request, body: inThisSession } : inThisSession;
  return enqueue(handle, requestOptions, () => client[method](sent, requestOptions));
}

/** The error class for refusals made here (set by `installSessionRuns`). */
let ErrorClass = Error;

/** Adds the queue (and its end on `close`), `runWorkflow`, `login`, `downloadFiles`, `handOff` and the client registry to the classes. */
export function installSessionRuns(SkyvernClient, BrowserSessionHandle, handOff, SkyvernError) {
  ErrorClass = SkyvernError;
  const proto = BrowserSessionHandle.prototype;
  if (proto.runWorkflow) return;
  const open = SkyvernClient.prototype.openBrowserSession;
  SkyvernClient.prototype.openBrowserSession = function openBrowserSession(...args) {
    return open.apply(this, args).then((handle) => {
      clients.set(handle, this);
      return handle;
    });
  };
  const runTask = proto.runTask;
  const close = proto.close;
  const methods = {
    close(...args) {
      const closing = close.apply(this, args);
      // Once the session is closed its runs are over: the queue stops waiting on them.
      const stop = () => closer(this).abort();
      closing.then(stop, stop);
      return closing;
    },
    runTask(request, requestOptions) {
      return enqueue(this, requestOptions, () => runTask.call(this, request, requestOptions));
    },
    runWorkflow(request, requestOptions) {
      return inSession(this, "runWorkflow", request, requestOptions);
    },
    login(request, requestOptions) {
      return inSession(this, "login", request, requestOptions);
    },
    downloadFiles(request, requestOptions) {
      return inSession(this, "downloadFiles", request, requestOptions);
    },
    handOff(element, options) {
      return handOff(this, element, options);
    },
  };
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value, writable: true, configurable: true });
  }
}
