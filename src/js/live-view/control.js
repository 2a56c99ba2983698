// Control of the remote browser: the input socket, opened while the user has
// control or has commands waiting (navigate, back, forward, reload). Skyvern
// sends "ready" on it; the view then takes control ("take-control") while
// interactive, and takes it only to send its commands otherwise.

import { SkyvernError, SkyvernConnectionError } from "../errors.js";
import { openSocket, str } from "./stream.js";

/** The input socket of `view` (a mounted live view, see mount.js). */
export class Control {
  constructor(view) {
    this.view = view;
    this.input = null;
    this.ready = false;
    this.controlled = false;
    this.attempt = 0;
    this.queue = [];
  }

  open() {
    const view = this.view;
    if (this.input || view.stopped || !view.canStream) return;
    this.ready = false;
    this.setControlled(false);
    this.input = openSocket({
      kind: "input",
      id: view.id,
      options: view.opts,
      params: { client_id: globalThis.crypto?.randomUUID?.() ?? `c${Math.random().toString(36).slice(2)}` },
      onMessage: (text) => this.onMessage(text),
      onClose: (code) => this.onClose(code),
      gone: () => view.destroyed,
    });
  }

  setControlled(on) {
    this.controlled = on;
    this.view.screen.root.dataset.control = String(on);
  }

  /** Takes (`on`) or cedes control, once the socket is ready. */
  take(on) {
    if (this.ready && on !== this.controlled) {
      this.input.send({ kind: on ? "take-control" : "cede-control" });
      this.setControlled(on);
    }
  }

  /** Sends the waiting commands under control, then keeps control only while interactive. */
  flush() {
    if (!this.ready || !this.queue.length) return;
    this.take(true);
    while (this.queue.length) this.input.send(this.queue.shift());
    this.take(this.view.interactive);
  }

  /** Sends one input event (the socket is open and in control). */
  send(msg) {
    this.input.send(msg);
  }

  onMessage(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    const kind = m && (m.kind ?? m.type);
    if (kind === "ready") {
      this.ready = true;
      this.attempt = 0;
      this.take(this.view.interactive);
      this.flush();
    } else if (kind === "navigate-error") {
      this.view.notify("onError", new SkyvernError(`The browser could not open that URL (${str(m.reason) ?? "failed"}).`, { code: "navigation_failed" }));
    }
  }

  onClose(code) {
    const view = this.view;
    this.input = null;
    this.ready = false;
    this.setControlled(false);
    if (view.stopped || (!view.interactive && !this.queue.length)) return;
    const r = view.core.retry(true, code, this.attempt++, false);
    if (r >= 0) view.later(() => this.open(), r);
    else {
      this.queue.length = 0;
      view.notify("onError", new SkyvernConnectionError(`The input connection closed (code ${code}); the view is read-only.`, { code: "connection_error" }));
    }
  }

  /** Queues a command for the remote browser; false once the view has stopped. */
  command(evt) {
    if (this.view.stopped || !this.view.canStream) return false;
    this.queue.push(evt);
    if (this.ready) this.flush();
    else this.open();
    return true;
  }

  /** Follows the view's `interactive`: take control, or cede it and close an idle socket. */
  follow(interactive) {
    if (interactive) {
      if (this.ready) this.take(true);
      else this.open();
    } else if (this.input) {
      this.take(false);
      if (!this.queue.length) this.close();
    }
  }

  /** Closes the socket (its close is not reported). */
  close() {
    const s = this.input;
    this.input = null;
    this.ready = false;
    this.setControlled(false);
    s?.close();
  }
}
