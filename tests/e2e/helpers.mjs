// Shared by the end-to-end tests.

/** Polls `fn` every 100 ms until it returns something truthy (which is returned), or throws
 * naming `what` and the last value or error once `timeoutMs` has passed. */
export async function waitFor(what, fn, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
