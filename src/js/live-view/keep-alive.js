// Keeping a watched session alive: while the live view is visible (Page
// Visibility) and a person used it recently, the session is extended shortly
// before its timeout runs out. Nobody watching (hidden tab, idle view,
// unmounted view) means no extension, so the session ends on its own.

const MINUTE_MS = 60_000;
/** The server refuses to extend a session with less than 120 s left: extend earlier. */
const MARGIN_MINUTES = 3;
/** The server's cap on a session's whole lifetime, in minutes. */
const MAX_LIFETIME = 360;
const USE_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"];

/** `2026-11-25T03:19:29.623708` (naive UTC, as Skyvern prints it) or with an offset, in ms. */
export function parseTime(s) {
  if (typeof s !== "string" || !s) return NaN;
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`;
  return Date.parse(zoned);
}

function positive(v, fallback) {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fallback;
}

/** The `keepAlive` of a live view (see mount.js): extends `view.id` through `client`. */
export class KeepAlive {
  constructor(view, client, options) {
    const o = typeof options === "object" && options !== null ? options : {};
    this.view = view;
    this.client = client;
    this.idleMs = positive(o.idleMinutes, 10) * MINUTE_MS;
    this.extendMinutes = Math.max(1, Math.round(positive(o.extendMinutes, 10)));
    this.minuteMs = positive(o.minuteMs, MINUTE_MS);
    this.lastUse = Date.now();
    this.timer = null;
    this.busy = false;
    this.stopped = false;
    this.info = view.info;
    const root = view.screen.root;
    this.onUse = () => {
      this.lastUse = Date.now();
      if (!this.timer && !this.busy) this.schedule(0);
    };
    this.onVisibility = () => this.schedule(0);
    for (const e of USE_EVENTS) root.addEventListener(e, this.onUse, { capture: true, passive: true });
    globalThis.document?.addEventListener?.("visibilitychange", this.onVisibility);
    this.schedule(0);
  }

  watched() {
    const doc = globalThis.document;
    const visible = !doc || doc.visibilityState === undefined || doc.visibilityState === "visible";
    return visible && Date.now() - this.lastUse < this.idleMs;
  }

  schedule(ms) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick();
    }, Math.max(0, ms));
  }

  /** Real ms until the session's deadline, or NaN before the browser has started. */
  remaining() {
    const started = parseTime(this.info.started_at);
    const timeout = typeof this.info.timeout === "number" ? this.info.timeout : 60;
    return started + timeout * this.minuteMs - Date.now();
  }

  async tick() {
    if (this.stopped || this.busy) return;
    // Hidden or idle: wait for the next use or visibility change (they reschedule).
    if (!this.watched()) return;
    this.busy = true;
    try {
      if (!this.info.started_at) this.info = await this.client.getBrowserSession(this.view.id);
      // Unmounted or stopped while the session was read: nobody is watching any more.
      if (this.stopped || !this.watched()) return;
      const left = this.remaining();
      const margin = MARGIN_MINUTES * this.minuteMs;
      if (Number.isNaN(left)) return this.schedule(Math.min(5000, this.minuteMs / 4));
      if (left > margin) return this.schedule(Math.min(left - margin, 30_000, this.idleMs));
      await this.extend();
    } catch (error) {
      if (this.stopped) return;
      this.stop();
      this.view.notify("onError", error);
    } finally {
      this.busy = false;
    }
  }

  async extend() {
    const timeout = typeof this.info.timeout === "number" ? this.info.timeout : 60;
    const add = Math.min(this.extendMinutes, MAX_LIFETIME - timeout);
    if (add < 1 || this.stopped) return this.stop();
    let session = await this.client.extendBrowserSession(this.view.id, { additional_minutes: add });
    // A `warning` may mean the extension was not confirmed (202): read it back, never repeat it.
    if (session && session.warning) session = { ...(await this.client.getBrowserSession(this.view.id)), warning: session.warning };
    if (this.stopped) return;
    this.info = { ...this.info, ...session };
    this.view.notify("onKeepAlive", session);
    if (this.info.completed_at || (this.info.timeout ?? 0) >= MAX_LIFETIME) return this.stop();
    this.schedule(0);
  }

  stop() {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    for (const e of USE_EVENTS) this.view.screen.root.removeEventListener(e, this.onUse, { capture: true });
    globalThis.document?.removeEventListener?.("visibilitychange", this.onVisibility);
  }
}
