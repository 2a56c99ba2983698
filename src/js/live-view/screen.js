// What the live view shows in its element: a stage (the screencast drawn on a
// canvas, the framed app_url fallback, a note with the state) and a bar with the
// remote page's URL and a link to open the live view in a new tab.

import { safeHttpUrl } from "./stream.js";

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text) n.textContent = text;
  return n;
}

/** The view's elements, appended to a fresh root. */
function buildElements(id) {
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
  // Over a blank page (`about:blank`), instead of a white box; input still reaches the canvas.
  const blank = node("div", "skyvern-live-blank");
  blank.style.cssText = "position:absolute;inset:0;display:none;place-content:center;justify-items:center;gap:6px;padding:16px;text-align:center;background:#0e1116;pointer-events:none";
  blank.append(
    node("p", "skyvern-live-title", "No page open yet"),
    node("p", "skyvern-live-text", "The browser is on a blank page. Run a task or open a URL to see it here."),
  );
  const bar = node("div", "skyvern-live-bar");
  bar.style.cssText = "display:flex;gap:10px;justify-content:space-between;align-items:center;min-width:0";
  const urlText = node("span", "skyvern-live-url");
  urlText.style.cssText = "overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0";
  const link = node("a", "skyvern-live-link", "Open live view in a new tab");
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  link.referrerPolicy = "no-referrer";
  bar.append(urlText, link);
  stage.append(canvas, blank, note);
  root.append(stage, bar);
  return { root, stage, canvas, note, blank, urlText, link };
}

/**
 * The live view's screen in `element` (which it replaces the children of).
 * `core.fit` places a frame; `appUrl()` is the session's current `app_url`.
 * `mode` is "starting", "live", "fallback" or "ended" (also in `data-state`).
 */
export class Screen {
  constructor(element, id, core, appUrl) {
    this.element = element;
    this.id = id;
    this.core = core;
    this.appUrl = appUrl;
    Object.assign(this, buildElements(id));
    element.replaceChildren(this.root);
    this.ctx = this.canvas.getContext("2d");
    this.mode = "";
    this.shown = null; // the last drawn image
    this.vw = 0; // the remote viewport's size
    this.vh = 0;
    this.resize = typeof ResizeObserver === "function" ? new ResizeObserver(() => this.draw()) : null;
    this.resize?.observe(this.canvas);
  }

  /** Switches to mode `m`, with a note (`title`, `text`, a spinner) over the stage or none. */
  setMode(m, title, text, spinner) {
    const { root, element, note, link } = this;
    this.mode = m;
    if (m !== "live") this.blank.style.display = "none";
    root.dataset.state = m;
    element.dataset.state = m;
    note.replaceChildren();
    note.hidden = !title;
    // Its inline `display` beats `[hidden]`: hide it by style too, or it covers the canvas.
    note.style.display = title ? "grid" : "none";
    if (spinner) note.append(node("span", "spinner skyvern-live-spinner"));
    if (title) note.append(node("p", "skyvern-live-title", title));
    if (text) note.append(node("p", "skyvern-live-text", text));
    const app = safeHttpUrl(this.appUrl());
    link.hidden = !app || m === "ended";
    // A page's own `a { display: … }` would beat `[hidden]` as well.
    link.style.display = link.hidden ? "none" : "";
    if (app) link.href = app.href;
    else link.removeAttribute("href");
  }

  /** Draws the last frame letterboxed at the device's pixel ratio. */
  draw() {
    const { shown, ctx, canvas } = this;
    if (!shown || !ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    const cw = canvas.clientWidth, ch = canvas.clientHeight;
    const w = Math.max(1, Math.round(cw * dpr)), h = Math.max(1, Math.round(ch * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    ctx.clearRect(0, 0, w, h);
    const k = this.core.fit(cw, ch, shown.naturalWidth, shown.naturalHeight);
    const iw = shown.naturalWidth * k, ih = shown.naturalHeight * k;
    if (k > 0) ctx.drawImage(shown, ((cw - iw) / 2) * dpr, ((ch - ih) / 2) * dpr, iw * dpr, ih * dpr);
  }

  /** Shows a decoded frame `img` of screencast message `m`. */
  showFrame(img, m) {
    this.shown = img;
    const w = +m.viewport_width, h = +m.viewport_height;
    this.vw = w > 0 ? w : img.naturalWidth;
    this.vh = h > 0 ? h : img.naturalHeight;
    this.stage.style.aspectRatio = `${this.vw} / ${this.vh}`;
    if (this.mode !== "live") this.setMode("live");
    const isBlank = m.url === "about:blank";
    this.blank.style.display = isBlank ? "grid" : "none";
    this.root.dataset.blank = String(isBlank);
    this.draw();
  }

  /** Shows the remote page's URL in the bar. */
  showUrl(u) {
    this.urlText.textContent = u;
    this.urlText.title = u;
  }

  /** What is shown when the stream cannot be: `fallback` is the option of that name. */
  showFallback(fallback) {
    const app = safeHttpUrl(this.appUrl());
    this.stage.querySelector("iframe")?.remove();
    if (fallback === "iframe" && app) {
      this.setMode("fallback");
      const f = node("iframe", "skyvern-live-frame");
      f.style.cssText = "position:absolute;inset:0;width:100%;height:100%;border:0;background:#fff";
      f.title = `Live view of browser session ${this.id}`;
      f.setAttribute(
        "sandbox",
        app.origin === globalThis.location?.origin
          ? "allow-scripts"
          : "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox",
      );
      f.referrerPolicy = "no-referrer";
      f.src = app.href;
      this.stage.append(f);
    } else if (app && fallback !== "none") {
      this.setMode("fallback", "The live view cannot be shown here", "Open it in a new tab with the link below.");
    } else {
      this.setMode("fallback", "No live view for this session", "");
    }
  }

  /** Takes the view out of the element. */
  remove() {
    this.resize?.disconnect();
    this.root.remove();
    delete this.element.dataset.state;
  }
}

/**
 * Draws the newest screencast frame, one per animation frame: a frame that
 * arrives while one is being decoded replaces any that waits. `onShown(m)` runs
 * after each drawn message; nothing is drawn once `gone()` is true or the
 * screen has ended or fallen back.
 */
export class FramePump {
  constructor(screen, gone, onShown) {
    this.screen = screen;
    this.gone = gone;
    this.onShown = onShown;
    this.pending = null;
    this.busy = false;
  }

  push(message) {
    this.pending = message;
    if (!this.busy) this.run();
  }

  clear() {
    this.pending = null;
  }

  async run() {
    const screen = this.screen;
    this.busy = true;
    while (this.pending && !this.gone()) {
      const m = this.pending;
      this.pending = null;
      const img = new Image();
      img.src = `data:image/${m.format === "jpg" || !m.format ? "jpeg" : m.format};base64,${m.screenshot}`;
      try {
        await img.decode();
      } catch {
        continue;
      }
      await new Promise((r) => requestAnimationFrame(r));
      if (this.gone() || screen.mode === "ended" || screen.mode === "fallback") break;
      screen.showFrame(img, m);
      this.onShown(m);
    }
    this.busy = false;
  }
}
