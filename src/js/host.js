// The JavaScript side of the wasm module: the error classes, the transport, the
// timers of the client's waits and the live view's DOM and WebSocket glue. The
// edge proxy's Request/Response adapter is proxy-handler.js. The decisions stay
// in Rust; each section says what it carries out.


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

// The live view of a browser session: the screencast socket drawn on a canvas, the input socket
// while the user has control, and the app_url fallbacks. What a message means, when to reconnect,
// where a pointer lands and how a key is sent are decided by the wasm core (`core`); this section is
// the DOM and WebSocket glue.

const DRAW = 1, STATUS = 2, ENDED = 3, AUTH = 4;
const FORCE_CDP = -2;
const MOVE_MS = 33;

const str = (v) => (typeof v === "string" ? v : undefined);

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

function safeHttpUrl(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const u = new URL(value, globalThis.location?.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text) n.textContent = text;
  return n;
}

const report = (e) => (globalThis.reportError ? globalThis.reportError(e) : setTimeout(() => { throw e; }));

const KEY_WARNING =
  "mountLiveView: an apiKey in a web page can be read by anyone who can run script there. " +
  "Point streamBaseUrl at a proxy that adds the key on the server, or set dangerouslyAllowBrowser: true.";

/** Returns `mountLiveView` bound to the core's decision functions. */
export function makeLiveView(core) {
  return function mountLiveView(element, session, options) {
    if (!element || typeof element.appendChild !== "function") {
      throw new TypeError("mountLiveView: element must be a DOM element");
    }
    const opts = options || {};
    if (opts.apiKey && opts.dangerouslyAllowBrowser !== true) throw new SkyvernError(KEY_WARNING);
    let info = typeof session === "string" ? { browser_session_id: session } : { ...(session || {}) };
    const id = info.browser_session_id;
    if (typeof id !== "string" || !id) {
      throw new TypeError("mountLiveView: session must be a browser session or its id");
    }
    const call = (name, arg) => {
      const f = opts[name];
      if (typeof f === "function") {
        try {
          f(arg);
        } catch (e) {
          report(e);
        }
      }
    };
    const canStream =
      typeof WebSocket === "function" &&
      (typeof opts.streamUrl === "function" || typeof opts.streamBaseUrl === "string");
    const fallback = opts.fallback === undefined ? "iframe" : opts.fallback;

    // DOM: stage (canvas, iframe, note) and a bar with the page URL and the new-tab link.
    const root = node("div", "skyvern-live");
    root.style.cssText = "display:flex;flex-direction:column;width:100%;height:100%;min-height:0";
    const stage = node("div", "skyvern-live-stage");
    stage.style.cssText = "position:relative;flex:1 1 auto;min-height:0;aspect-ratio:16/9;background:#0e1116;color:#d5dbe4";
    const canvas = node("canvas", "skyvern-live-canvas");
    canvas.style.cssText = "position:absolute;inset:0;width:100%;height:100%;display:block;touch-action:none";
    canvas.setAttribute("aria-label", `Live view of browser session ${id}`);
    canvas.setAttribute("role", "img");
    const note = node("div", "skyvern-live-note");
    note.style.cssText = "position:absolute;inset:0;display:grid;place-content:center;justify-items:center;gap:6px;padding:16px;text-align:center";
    note.setAttribute("role", "status");
    const bar = node("div", "skyvern-live-bar");
    bar.style.cssText = "display:flex;gap:10px;justify-content:space-between;align-items:center;min-width:0";
    const urlText = node("span", "skyvern-live-url");
    urlText.style.cssText = "overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0";
    const link = node("a", "skyvern-live-link", "Open live view in a new tab");
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.referrerPolicy = "no-referrer";
    bar.append(urlText, link);
    stage.append(canvas, note);
    root.append(stage, bar);
    element.replaceChildren(root);
    const ctx = canvas.getContext("2d");

    let destroyed = false;
    let stopped = false;
    let mode = "";
    let status = str(info.status);
    let url = "";
    let shown = null; // the last drawn image
    let vw = 0, vh = 0;
    let interactive = opts.interactive === true;

    function setMode(m, title, text, spinner) {
      mode = m;
      root.dataset.state = m;
      element.dataset.state = m;
      note.replaceChildren();
      note.hidden = !title;
      // Its inline `display` beats `[hidden]`: hide it by style too, or it covers the canvas.
      note.style.display = title ? "grid" : "none";
      if (spinner) note.append(node("span", "spinner skyvern-live-spinner"));
      if (title) note.append(node("p", "skyvern-live-title", title));
      if (text) note.append(node("p", "skyvern-live-text", text));
      const app = safeHttpUrl(info.app_url);
      link.hidden = !app || m === "ended";
      // A page's own `a { display: … }` would beat `[hidden]` as well.
      link.style.display = link.hidden ? "none" : "";
      if (app) link.href = app.href;
      else link.removeAttribute("href");
    }

    // ---- drawing: the newest frame, one draw per animation frame ----
    let pending = null;
    let busy = false;
    function draw() {
      if (!shown || !ctx) return;
      const dpr = globalThis.devicePixelRatio || 1;
      const cw = canvas.clientWidth, ch = canvas.clientHeight;
      const w = Math.max(1, Math.round(cw * dpr)), h = Math.max(1, Math.round(ch * dpr));
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      ctx.clearRect(0, 0, w, h);
      const k = core.fit(cw, ch, shown.naturalWidth, shown.naturalHeight);
      const iw = shown.naturalWidth * k, ih = shown.naturalHeight * k;
      if (k > 0) ctx.drawImage(shown, ((cw - iw) / 2) * dpr, ((ch - ih) / 2) * dpr, iw * dpr, ih * dpr);
    }
    async function pump() {
      busy = true;
      while (pending && !destroyed) {
        const m = pending;
        pending = null;
        const img = new Image();
        img.src = `data:image/${m.format === "jpg" || !m.format ? "jpeg" : m.format};base64,${m.screenshot}`;
        try {
          await img.decode();
        } catch {
          continue;
        }
        await new Promise((r) => requestAnimationFrame(r));
        if (destroyed || mode === "ended" || mode === "fallback") break;
        shown = img;
        const w = +m.viewport_width, h = +m.viewport_height;
        vw = w > 0 ? w : img.naturalWidth;
        vh = h > 0 ? h : img.naturalHeight;
        stage.style.aspectRatio = `${vw} / ${vh}`;
        if (mode !== "live") setMode("live");
        draw();
        setStatus(str(m.status));
        const u = str(m.url);
        if (u !== undefined && u !== url) {
          url = u;
          urlText.textContent = u;
          urlText.title = u;
          call("onUrl", u);
        }
      }
      busy = false;
    }
    const resize = typeof ResizeObserver === "function" ? new ResizeObserver(() => draw()) : null;
    resize?.observe(canvas);

    function setStatus(s) {
      if (s !== undefined && s !== status) {
        status = s;
        call("onStatus", s);
      }
    }

    // ---- sockets ----
    const timers = new Set();
    const later = (f, ms) => {
      const t = setTimeout(() => {
        timers.delete(t);
        f();
      }, ms);
      timers.add(t);
    };
    function socket(kind, params, onMessage, onClose) {
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
        .then(() => Promise.all([fresh(opts.streamUrl), fresh(opts.streamParams, opts.streamParams)]))
        .then(([built, extra]) => {
          if (s.done || destroyed) return;
          const ws = new WebSocket(socketUrl({ ...opts, streamParams: extra }, kind, id, params, built));
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

    let view = null;
    let attempt = 0;
    let forced = opts.forceCdp === true || info.stream_transport === "vnc";
    function openView() {
      if (stopped) return;
      view = socket("screencast", forced ? { force_cdp: "true" } : {}, onViewMessage, onViewClose);
    }
    function onViewMessage(text) {
      const { verdict, message } = readMessage(core, text);
      if (verdict === DRAW) {
        attempt = 0;
        pending = message;
        if (!busy) pump();
      } else if (verdict === STATUS) setStatus(message.status);
      else if (verdict === ENDED) end(message.status);
      else if (verdict === AUTH) {
        fail(new ForbiddenError("The live view was refused: the API key or the proxy's ticket was not accepted."));
      }
    }
    function onViewClose(code) {
      view = null;
      if (stopped) return;
      const r = core.retry(false, code, attempt++, forced);
      if (r === FORCE_CDP) {
        forced = true;
        attempt = 0;
        openView();
      } else if (r >= 0) {
        later(openView, r);
      } else {
        fail(new SkyvernConnectionError(`The live view closed (code ${code}) and cannot be reopened.`));
      }
    }

    // ---- input ----
    let input = null;
    let ready = false;
    let controlled = false;
    let inputAttempt = 0;
    const queue = [];
    function openInput() {
      if (input || stopped || !canStream) return;
      ready = false;
      ctl(false);
      input = socket(
        "input",
        { client_id: globalThis.crypto?.randomUUID?.() ?? `c${Math.random().toString(36).slice(2)}` },
        onInputMessage,
        onInputClose,
      );
    }
    function ctl(on) {
      controlled = on;
      root.dataset.control = String(on);
    }
    function take(on) {
      if (ready && on !== controlled) {
        input.send({ kind: on ? "take-control" : "cede-control" });
        ctl(on);
      }
    }
    function flush() {
      if (!ready || !queue.length) return;
      take(true);
      while (queue.length) input.send(queue.shift());
      take(interactive);
    }
    function onInputMessage(text) {
      let m;
      try {
        m = JSON.parse(text);
      } catch {
        return;
      }
      const kind = m && (m.kind ?? m.type);
      if (kind === "ready") {
        ready = true;
        inputAttempt = 0;
        take(interactive);
        flush();
      } else if (kind === "navigate-error") {
        call("onError", new SkyvernError(`The browser could not open that URL (${str(m.reason) ?? "failed"}).`));
      }
    }
    function onInputClose(code) {
      input = null;
      ready = false;
      ctl(false);
      if (stopped || (!interactive && !queue.length)) return;
      const r = core.retry(true, code, inputAttempt++, false);
      if (r >= 0) later(openInput, r);
      else {
        queue.length = 0;
        call("onError", new SkyvernConnectionError(`The input connection closed (code ${code}); the view is read-only.`));
      }
    }
    function command(evt) {
      if (stopped || !canStream) return false;
      queue.push(evt);
      if (ready) flush();
      else openInput();
      return true;
    }

    // ---- pointer, wheel and keys, while in control ----
    const mods = (e) => (e.altKey ? 1 : 0) | (e.ctrlKey ? 2 : 0) | (e.metaKey ? 4 : 0) | (e.shiftKey ? 8 : 0);
    const BUTTONS = ["left", "middle", "right"];
    function point(e) {
      if (!shown) return null;
      const b = canvas.getBoundingClientRect();
      const p = core.toViewport(
        e.clientX - b.left, e.clientY - b.top, b.width, b.height,
        shown.naturalWidth, shown.naturalHeight, vw, vh,
      );
      return p < 0 ? null : [p >> 14, p & 16383];
    }
    const live = () => interactive && controlled && mode === "live";
    let clicks = 0, lastDown = -1e9, downX = 0, downY = 0;
    let move = null, moveTimer = 0;
    function mouse(type, e, button, count) {
      const p = point(e);
      if (p) {
        input.send({ kind: "mouseEvent", eventType: type, x: p[0], y: p[1], button, clickCount: count, modifiers: mods(e) });
      }
    }
    function sendMove() {
      moveTimer = 0;
      if (move && live()) {
        const e = move;
        move = null;
        const b = e.buttons;
        mouse("mouseMoved", e, b & 1 ? "left" : b & 2 ? "right" : b & 4 ? "middle" : "none", 0);
        moveTimer = setTimeout(sendMove, MOVE_MS);
      }
    }
    const on = (type, f, o) => canvas.addEventListener(type, f, o);
    on("pointerdown", (e) => {
      if (!live()) return;
      e.preventDefault();
      canvas.focus({ preventScroll: true });
      const near = Math.abs(e.clientX - downX) < 5 && Math.abs(e.clientY - downY) < 5;
      clicks = near && e.timeStamp - lastDown < 400 ? Math.min(clicks + 1, 3) : 1;
      lastDown = e.timeStamp;
      downX = e.clientX;
      downY = e.clientY;
      canvas.setPointerCapture?.(e.pointerId);
      mouse("mousePressed", e, BUTTONS[e.button] ?? "left", clicks);
    });
    on("pointerup", (e) => {
      if (!live()) return;
      mouse("mouseReleased", e, BUTTONS[e.button] ?? "left", clicks);
    });
    on("pointermove", (e) => {
      if (!live()) return;
      move = e;
      if (!moveTimer) sendMove();
    });
    on(
      "wheel",
      (e) => {
        if (!live()) return;
        e.preventDefault();
        const p = point(e);
        const k = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1;
        if (p) input.send({ kind: "wheelEvent", x: p[0], y: p[1], deltaX: e.deltaX * k, deltaY: e.deltaY * k, modifiers: mods(e) });
      },
      { passive: false },
    );
    on("contextmenu", (e) => interactive && e.preventDefault());
    function key(e, down) {
      if (!live() || e.isComposing) return;
      const c = core.key(e.key, e.ctrlKey || e.metaKey);
      if (c < 0) return;
      e.preventDefault();
      const text = c >= 256;
      const msg = {
        kind: "keyEvent",
        eventType: !down ? "keyUp" : text ? "keyDown" : "rawKeyDown",
        key: e.key,
        code: e.code || "",
        windowsVirtualKeyCode: c & 255,
        modifiers: mods(e),
      };
      if (down && text) msg.text = e.key;
      input.send(msg);
    }
    on("keydown", (e) => key(e, true));
    on("keyup", (e) => key(e, false));

    function setInteractive(value) {
      interactive = value === true;
      root.dataset.interactive = String(interactive);
      canvas.tabIndex = interactive ? 0 : -1;
      canvas.style.cursor = interactive ? "default" : "";
      canvas.setAttribute("role", interactive ? "application" : "img");
      if (interactive) {
        if (ready) take(true);
        else openInput();
      } else if (input) {
        take(false);
        if (!queue.length) {
          const s = input;
          input = null;
          ready = false;
          ctl(false);
          s.close();
        }
      }
    }

    // ---- end states ----
    function closeAll() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      clearTimeout(moveTimer);
      view?.close();
      input?.close();
      view = input = null;
      ready = false;
      ctl(false);
      pending = null;
    }
    function end(s) {
      if (destroyed || mode === "ended") return;
      stopped = true;
      closeAll();
      setStatus(s);
      setMode("ended", "Session ended", s ? `Final status: ${s.replace(/_/g, " ")}.` : "");
      call("onEnded", s);
    }
    function showFallback() {
      const app = safeHttpUrl(info.app_url);
      stage.querySelector("iframe")?.remove();
      if (fallback === "iframe" && app) {
        setMode("fallback");
        const f = node("iframe", "skyvern-live-frame");
        f.style.cssText = "position:absolute;inset:0;width:100%;height:100%;border:0;background:#fff";
        f.title = `Live view of browser session ${id}`;
        f.setAttribute(
          "sandbox",
          app.origin === globalThis.location?.origin
            ? "allow-scripts"
            : "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox",
        );
        f.referrerPolicy = "no-referrer";
        f.src = app.href;
        stage.append(f);
      } else if (app && fallback !== "none") {
        setMode("fallback", "The live view cannot be shown here", "Open it in a new tab with the link below.");
      } else {
        setMode("fallback", "No live view for this session", "");
      }
    }
    function fail(error) {
      if (stopped) return;
      stopped = true;
      closeAll();
      call("onError", error);
      showFallback();
    }

    function update(next) {
      if (destroyed || !next || typeof next !== "object") return;
      info = { ...info, ...next };
      const s = str(next.status);
      if (s !== undefined && core.classify(1, true, undefined, s, undefined) === ENDED) return end(s);
      setStatus(s);
      if (mode === "fallback") showFallback();
      else if (mode === "starting") setMode("starting", ...startText());
    }
    const startText = () =>
      status === "created" || !status
        ? ["Starting the browser…", "The live view appears once the browser is up.", true]
        : ["Connecting to the live view…", "", true];

    function destroy() {
      if (destroyed) return;
      destroyed = stopped = true;
      closeAll();
      resize?.disconnect();
      root.remove();
      delete element.dataset.state;
    }

    setInteractive(interactive);
    if (canStream) {
      setMode("starting", ...startText());
      openView();
    } else {
      stopped = true;
      showFallback();
    }
    update(info);

    return {
      destroy,
      update,
      setInteractive,
      navigate: (u) => command({ kind: "navigateEvent", url: String(u) }),
      back: () => command({ kind: "goBackEvent" }),
      forward: () => command({ kind: "goForwardEvent" }),
      reload: () => command({ kind: "reloadEvent" }),
    };
  };
}

/** The factory, handed out by the wasm module (see `liveView()` in src/js/entries/skyvern.js). */
export function liveViewFactory() {
  return makeLiveView;
}
