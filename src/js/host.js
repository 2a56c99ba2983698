// The JavaScript side of the client's calls: how a failed attempt is described,
// and the timers and abort races of its waits. The error classes are errors.js,
// the live view's DOM and WebSocket glue live-view/, the edge proxy's
// Request/Response adapter proxy-handler.js. The decisions stay in Rust.


// ============================================================================
// Transport: how a failed attempt is described (src/transport/fetch.rs sends)
// ============================================================================

/**
 * Aborts `controller` after `ms`, or as soon as `caller` (an AbortSignal, or
 * undefined) aborts. Returns the function that cancels both.
 */
export function abortAfter(controller, ms, caller) {
  const abort = () => controller.abort();
  const timer = setTimeout(abort, ms);
  if (caller) caller.addEventListener("abort", abort);
  return () => {
    clearTimeout(timer);
    if (caller) caller.removeEventListener("abort", abort);
  };
}

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
