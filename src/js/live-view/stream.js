// The live view's two sockets, without the page: their URLs, what a screencast
// message means (asked of the wasm core), and opening one with a fresh URL and
// parameters on every connect.

/** The core's verdicts on a screencast message (see `liveClassify`). */
export const DRAW = 1, STATUS = 2, ENDED = 3, AUTH = 4;
/** The core's retry answer "reopen now with `force_cdp`" (see `liveRetry`). */
export const FORCE_CDP = -2;

/** `v` when it is a string, else undefined. */
export const str = (v) => (typeof v === "string" ? v : undefined);

/** Parses one screencast message; `verdict` is the core's classification. */
export function readMessage(core, text) {
  if (typeof text !== "string") return { verdict: 0, message: {} };
  let m = null;
  let parsed = true;
  try {
    m = JSON.parse(text);
  } catch {
    parsed = false;
  }
  const o = m !== null && typeof m === "object" && !Array.isArray(m) ? m : {};
  const shot = str(o.screenshot);
  const verdict = core.classify(text.length, parsed, shot?.length, str(o.status), str(o.format));
  return { verdict, message: o };
}

/** The socket URL for `kind` ("screencast" | "input"), without the builder option. */
export function socketUrl(options, kind, id, params = {}, built) {
  const here = globalThis.location?.href;
  let u;
  if (built !== undefined) u = new URL(String(built), here);
  else {
    u = new URL(options.streamBaseUrl, here);
    u.pathname =
      u.pathname.replace(/\/+$/, "") +
      (kind === "input" ? "/v1/stream/cdp_input/browser_session/" : "/v1/stream/browser_sessions/") +
      encodeURIComponent(id);
  }
  if (u.protocol === "https:") u.protocol = "wss:";
  else if (u.protocol === "http:") u.protocol = "ws:";
  const all = { ...(options.streamParams || {}), ...params };
  if (options.apiKey && options.dangerouslyAllowBrowser === true) all.apikey = options.apiKey;
  for (const k in all) if (all[k] != null) u.searchParams.set(k, String(all[k]));
  return u.href;
}

/** `value` as a URL when it is an http(s) one (relative to the page), else null. */
export function safeHttpUrl(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const u = new URL(value, globalThis.location?.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

/**
 * Opens the `kind` socket of session `id` once `options.streamUrl` and
 * `options.streamParams` (functions are called on every connect, so they can
 * fetch a fresh ticket) have given its URL. `onClose(code)` is called once,
 * unless the socket was closed here first; a URL that could not be had counts
 * as a close with 1006. Nothing is opened once `gone()` is true.
 */
export function openSocket({ kind, id, options, params, onMessage, onClose, gone }) {
  const s = {
    ws: null,
    done: false,
    close() {
      this.done = true;
      try {
        this.ws?.close(1000);
      } catch {}
    },
    send(obj) {
      if (!this.done && this.ws?.readyState === 1) this.ws.send(JSON.stringify(obj));
    },
  };
  const fresh = (f, v) => (typeof f === "function" ? f(kind, id) : v);
  Promise.resolve()
    .then(() => Promise.all([fresh(options.streamUrl), fresh(options.streamParams, options.streamParams)]))
    .then(([built, extra]) => {
      if (s.done || gone()) return;
      const ws = new WebSocket(socketUrl({ ...options, streamParams: extra }, kind, id, params, built));
      s.ws = ws;
      ws.onmessage = (e) => s.done || onMessage(e.data);
      ws.onclose = (e) => {
        if (s.done) return;
        s.done = true;
        onClose(e.code);
      };
    })
    .catch(() => {
      if (s.done) return;
      s.done = true;
      onClose(1006);
    });
  return s;
}
