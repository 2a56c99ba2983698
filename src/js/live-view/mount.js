// `mountLiveView`: the live view of a browser session. The screencast socket is
// drawn on a canvas (screen.js), the input socket is open while the user has
// control (control.js, user-input.js), and the session's app_url is the
// fallback. What a message means, when to reconnect, where a pointer lands and
// how a key is sent are decided by the wasm core (`core`); these modules are
// the DOM and WebSocket glue.

import { SkyvernError, ForbiddenError, SkyvernConnectionError } from "../errors.js";
import { AUTH, DRAW, ENDED, FORCE_CDP, STATUS, openSocket, readMessage, str } from "./stream.js";
import { FramePump, Screen } from "./screen.js";
import { Control } from "./control.js";
import { listenToUserInput } from "./user-input.js";
import { KeepAlive } from "./keep-alive.js";
import { makeHandOff } from "./hand-off.js";

const report = (e) => (globalThis.reportError ? globalThis.reportError(e) : setTimeout(() => { throw e; }));

const KEY_WARNING =
  "mountLiveView: an apiKey in a web page can be read by anyone who can run script there. " +
  "Point streamBaseUrl at a proxy that adds the key on the server, or set dangerouslyAllowBrowser: true.";

/** One mounted live view (what `mountLiveView` returns drives it): its screen, its two sockets and its end states. */
class LiveViewController {
  constructor(element, info, opts, core, client) {
    this.info = info;
    this.client = client;
    this.keepAlive = null;
    this.id = info.browser_session_id;
    this.opts = opts;
    this.core = core;
    this.canStream =
      typeof WebSocket === "function" &&
      (typeof opts.streamUrl === "function" || typeof opts.streamBaseUrl === "string");
    this.fallback = opts.fallback === undefined ? "iframe" : opts.fallback;
    this.screen = new Screen(element, this.id, core, () => this.info.app_url);
    this.destroyed = false;
    this.stopped = false; // no socket is opened again
    this.status = str(info.status);
    this.url = "";
    this.interactive = opts.interactive === true;
    this.pump = new FramePump(this.screen, () => this.destroyed, (m) => this.onFrameShown(m));
    this.timers = new Set();
    this.screencast = null;
    this.attempt = 0; // failed screencast connections in a row
    this.forced = opts.forceCdp === true || info.stream_transport === "vnc";
    this.control = new Control(this);
    this.userInput = listenToUserInput(this);
  }

  /** Calls the option `name` (onStatus, onUrl, onEnded, onError); what it throws is reported. */
  notify(name, arg) {
    const f = this.opts[name];
    if (typeof f === "function") {
      try {
        f(arg);
      } catch (e) {
        report(e);
      }
    }
  }

  /** Runs `f` after `ms`, unless the view is closed first. */
  later(f, ms) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
  }

  setStatus(s) {
    if (s !== undefined && s !== this.status) {
      this.status = s;
      this.notify("onStatus", s);
    }
  }

  onFrameShown(m) {
    this.setStatus(str(m.status));
    const u = str(m.url);
    if (u !== undefined && u !== this.url) {
      this.url = u;
      this.screen.showUrl(u);
      this.notify("onUrl", u);
    }
  }

  openScreencast() {
    if (this.stopped) return;
    this.screencast = openSocket({
      kind: "screencast",
      id: this.id,
      options: this.opts,
      params: this.forced ? { force_cdp: "true" } : {},
      onMessage: (text) => this.onScreencastMessage(text),
      onClose: (code) => this.onScreencastClose(code),
      gone: () => this.destroyed,
    });
  }

  onScreencastMessage(text) {
    const { verdict, message } = readMessage(this.core, text);
    if (verdict === DRAW) {
      this.attempt = 0;
      this.pump.push(message);
    } else if (verdict === STATUS) this.setStatus(message.status);
    else if (verdict === ENDED) this.end(message.status);
    else if (verdict === AUTH) {
      this.fail(new ForbiddenError("The live view was refused: the API key or the proxy's ticket was not accepted.", { code: "forbidden" }));
    }
  }

  onScreencastClose(code) {
    this.screencast = null;
    if (this.stopped) return;
    const r = this.core.retry(false, code, this.attempt++, this.forced);
    if (r === FORCE_CDP) {
      this.forced = true;
      this.attempt = 0;
      this.openScreencast();
    } else if (r >= 0) {
      this.later(() => this.openScreencast(), r);
    } else {
      this.fail(new SkyvernConnectionError(`The live view closed (code ${code}) and cannot be reopened.`, { code: "connection_error" }));
    }
  }

  setInteractive(value) {
    const { root, canvas } = this.screen;
    this.interactive = value === true;
    root.dataset.interactive = String(this.interactive);
    canvas.tabIndex = this.interactive ? 0 : -1;
    canvas.style.cursor = this.interactive ? "default" : "";
    canvas.setAttribute("role", this.interactive ? "application" : "img");
    this.control.follow(this.interactive);
  }

  closeAll() {
    this.keepAlive?.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.userInput.stop();
    this.screencast?.close();
    this.screencast = null;
    this.control.close();
    this.pump.clear();
  }

  /** The session ended: "Session ended", and no reconnect. */
  end(s) {
    if (this.destroyed || this.screen.mode === "ended") return;
    this.stopped = true;
    this.closeAll();
    this.setStatus(s);
    this.screen.setMode("ended", "Session ended", s ? `Final status: ${s.replace(/_/g, " ")}.` : "");
    this.notify("onEnded", s);
  }

  /** The stream cannot be used: report `error` and show the fallback. */
  fail(error) {
    if (this.stopped) return;
    this.stopped = true;
    this.closeAll();
    this.notify("onError", error);
    this.screen.showFallback(this.fallback);
  }

  /** A newer copy of the session: an ended one ends the view. */
  update(next) {
    if (this.destroyed || !next || typeof next !== "object") return;
    this.info = { ...this.info, ...next };
    const s = str(next.status);
    if (s !== undefined && this.core.classify(1, true, undefined, s, undefined) === ENDED) return this.end(s);
    this.setStatus(s);
    if (this.screen.mode === "fallback") this.screen.showFallback(this.fallback);
    else if (this.screen.mode === "starting") this.screen.setMode("starting", ...this.startText());
  }

  startText() {
    return this.status === "created" || !this.status
      ? ["Starting the browser…", "The live view appears once the browser is up.", true]
      : ["Connecting to the live view…", "", true];
  }

  destroy() {
    if (this.destroyed) return;
    this.destroyed = this.stopped = true;
    this.closeAll();
    this.screen.remove();
  }

  start() {
    if (this.opts.keepAlive) this.keepAlive = new KeepAlive(this, this.client, this.opts.keepAlive);
    this.setInteractive(this.interactive);
    if (this.canStream) {
      this.screen.setMode("starting", ...this.startText());
      this.openScreencast();
    } else {
      this.stopped = true;
      this.screen.showFallback(this.fallback);
    }
    this.update(this.info);
  }
}

/** A `BrowserSessionHandle` (it has the session under `.session`), or undefined. */
function asHandle(session) {
  const inner = session && typeof session === "object" && typeof session.id === "string" ? session.session : undefined;
  return inner && typeof inner === "object" ? session : undefined;
}

/** Returns `mountLiveView` bound to the core's decision functions; `clientOf(handle)` is the client that opened a handle. */
export function makeLiveView(core, clientOf = () => undefined) {
  return function mountLiveView(element, session, options) {
    if (!element || typeof element.appendChild !== "function") {
      throw new TypeError("mountLiveView: element must be a DOM element");
    }
    const opts = options || {};
    if (opts.apiKey && opts.dangerouslyAllowBrowser !== true) throw new SkyvernError(KEY_WARNING, { code: "browser_api_key" });
    const handle = asHandle(session);
    const source = handle ? handle.session : session;
    const info = typeof source === "string" ? { browser_session_id: source } : { ...(source || {}) };
    const id = info.browser_session_id;
    if (typeof id !== "string" || !id) {
      throw new TypeError("mountLiveView: session must be a browser session, its id or a BrowserSessionHandle");
    }
    const client = (typeof opts.keepAlive === "object" && opts.keepAlive?.client) || (handle && clientOf(handle));
    if (opts.keepAlive && !client) {
      throw new TypeError("mountLiveView: keepAlive needs a BrowserSessionHandle as the session, or keepAlive: { client }");
    }
    const view = new LiveViewController(element, info, opts, core, client);
    view.start();
    return {
      destroy: () => view.destroy(),
      update: (next) => view.update(next),
      setInteractive: (value) => view.setInteractive(value),
      navigate: (u) => view.control.command({ kind: "navigateEvent", url: String(u) }),
      back: () => view.control.command({ kind: "goBackEvent" }),
      forward: () => view.control.command({ kind: "goForwardEvent" }),
      reload: () => view.control.command({ kind: "reloadEvent" }),
    };
  };
}

/** The factory, handed out by the wasm module (see `liveView()` in src/js/entries/skyvern.js):
 * `mountLiveView` and `handOff` for the core's decision functions and a handle's client. */
export function liveViewFactory() {
  return (core, clientOf) => {
    const mountLiveView = makeLiveView(core, clientOf);
    return { mountLiveView, handOff: makeHandOff(mountLiveView, clientOf) };
  };
}
