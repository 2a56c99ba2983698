// `waitForRun(runId, { webhooks })`: the wait resolves as soon as the run's
// verified webhook event arrives from the caller's source, while the client's
// own poll keeps going every 30 s as a safety net (the core sets that interval
// when `webhooks` is given). Whichever comes first wins; the other is stopped.
//
// A source is an async iterable of events (read by this wait only and closed
// when it ends) or a subscribe function `(listener) => unsubscribe` — which
// fits a Node EventEmitter, a BroadcastChannel or a Durable Object's listeners.

// As RUN_TERMINAL and the retry rule in src/wait.rs.
const TERMINAL = new Set(["completed", "failed", "terminated", "canceled", "timed_out"]);
// The reason the safety-net poll is stopped with once the event won.
const PUSHED = Symbol("skyvern-wasm.pushed");

function finished(run) {
  const workflow = String(run.run_id ?? "").startsWith("wr_") || run.run_type === "workflow_run";
  return TERMINAL.has(run.status) && !(workflow && run.retry_pending === true);
}

const isRun = (event, runId) =>
  event !== null &&
  typeof event === "object" &&
  (event.run_id === runId || event.task_id === runId || event.workflow_run_id === runId);

const isSource = (s) => typeof s === "function" || typeof s?.[Symbol.asyncIterator] === "function";

/** Calls `onEvent` with each event of `source`; returns the function that stops listening. */
function listen(source, onEvent) {
  if (typeof source === "function") {
    const off = source(onEvent);
    return () => {
      if (typeof off === "function") off();
      else if (typeof off?.then === "function") off.then((f) => typeof f === "function" && f(), () => {});
    };
  }
  const it = source[Symbol.asyncIterator]();
  let stopped = false;
  (async () => {
    for (;;) {
      const { done, value } = await it.next();
      if (done || stopped) return;
      onEvent(value);
    }
  })().catch(() => {});
  return () => {
    stopped = true;
    Promise.resolve(it.return?.()).catch(() => {});
  };
}

/** The push wait, over `poll` (the client's own waitForRun). */
function pushWait(client, poll, runId, options, requestOptions) {
  const outer = requestOptions?.abortSignal ?? options.abortSignal;
  const onStatus = options.onStatus;
  const controller = new AbortController();
  const follow = () => controller.abort(outer.reason);
  outer?.addEventListener("abort", follow, { once: true });
  let lastStatus;
  const opts = {
    ...options,
    abortSignal: controller.signal,
    onStatus: (run) => {
      lastStatus = run?.status;
      return onStatus?.(run);
    },
  };
  const ro = requestOptions === undefined ? undefined : { ...requestOptions, abortSignal: controller.signal };
  return new Promise((resolve, reject) => {
    let settled = false;
    let stop;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      stop?.();
      outer?.removeEventListener("abort", follow);
      fn(value);
    };
    stop = listen(options.webhooks, (event) => {
      if (settled || !isRun(event, runId) || !finished(event)) return;
      try {
        if (event.status !== lastStatus) onStatus?.(event);
      } catch (e) {
        return settle(reject, e);
      }
      settle(resolve, event);
      controller.abort(PUSHED);
    });
    if (settled) stop();
    poll.call(client, runId, opts, ro).then(
      (run) => settle(resolve, run),
      (e) => settle(reject, e),
    );
  });
}

/** Makes `SkyvernClient.prototype.waitForRun` take `webhooks`. A `webhooks` that
 * is not a source rejects naming it; anything else it cannot use as given (a bad
 * id, signal or callback) goes to the client's own wait, which rejects naming it. */
export function installPushWait(proto, SkyvernError) {
  const poll = proto.waitForRun;
  Object.defineProperty(proto, "waitForRun", {
    value: function waitForRun(runId, options, requestOptions) {
      const plain = (v) => v === undefined || (typeof v === "object" && v !== null);
      const outer = requestOptions?.abortSignal ?? options?.abortSignal;
      const usable =
        typeof runId === "string" &&
        plain(options) &&
        isSource(options?.webhooks) &&
        plain(requestOptions) &&
        (outer === undefined || (outer instanceof AbortSignal && !outer.aborted)) &&
        (options.onStatus === undefined || typeof options.onStatus === "function");
      const given = plain(options) && options?.webhooks != null;
      if (given && !isSource(options.webhooks)) {
        const message = "options.webhooks: must be an async iterable or a subscribe function (listener) => unsubscribe";
        return Promise.reject(new SkyvernError(message, { code: "invalid_argument" }));
      }
      if (!usable) return poll.call(this, runId, options, requestOptions);
      return pushWait(this, poll, runId, options, requestOptions);
    },
    writable: true,
    configurable: true,
  });
}
