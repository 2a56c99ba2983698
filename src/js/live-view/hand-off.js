// `handle.handOff(element, options)`: a person takes over the session's
// browser (to sign in, type a 2FA code, solve a captcha) in the live view,
// with control already taken, and presses "Done". With `saveProfile`, the
// session is then kept as a browser profile, the way the Skyvern API makes
// one: the session is asked to export its browser data, closed (the server
// saves that data as the session ends), and the profile is created from it.

import { SkyvernError } from "../errors.js";

const ENDED = new Set(["completed", "failed", "terminated", "canceled", "timed_out", "timeout", "session_expired", "not_found"]);
/** Profile creation answers this while the closing session's data is still being saved. */
const NOT_SAVED_YET = /persisted profile archive/i;

function node(tag, cls, text) {
  const n = document.createElement(tag);
  n.className = cls;
  if (text) n.textContent = text;
  return n;
}

/** The hand-off's element: a bar with the prompt and the "Done" button, and the live view under it. */
function buildElements(element, prompt, doneLabel) {
  const root = node("div", "skyvern-handoff");
  root.style.cssText = "display:flex;flex-direction:column;gap:8px;width:100%;min-width:0";
  const bar = node("div", "skyvern-handoff-bar");
  bar.style.cssText = "display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;justify-content:space-between";
  const text = node("p", "skyvern-handoff-prompt", prompt);
  text.style.margin = "0";
  text.setAttribute("role", "status");
  const done = node("button", "skyvern-handoff-done", doneLabel);
  done.type = "button";
  bar.append(text, done);
  const view = node("div", "skyvern-handoff-view");
  view.style.cssText = "width:100%;min-width:0";
  root.append(bar, view);
  element.replaceChildren(root);
  return { root, text, done, view };
}

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** Keeps the closed session as a profile (see the top of this file). */
async function saveProfile(client, handle, profile, signal) {
  const id = handle.id;
  const ro = signal ? { abortSignal: signal } : undefined;
  const s = handle.session;
  if (!s.generate_browser_profile && !s.browser_profile_id) {
    await client.updateBrowserSession(id, { generate_browser_profile: true }, ro);
  }
  await handle.close();
  const request = { ...profile, browser_session_id: id };
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.createBrowserProfile(request, ro);
    } catch (e) {
      // The save may still be under way: wait and ask again (never past the signal).
      if (attempt >= 10 || !NOT_SAVED_YET.test(String(e?.message)) || signal?.aborted) throw e;
      await wait(500 * (attempt + 1));
    }
  }
}

/** `handOff` for a `mountLiveView`; `clientOf(handle)` is the client that opened the handle. */
export function makeHandOff(mountLiveView, clientOf) {
  return function handOff(handle, element, options) {
    const { saveProfile: profile, signal, prompt, doneLabel, ...liveOptions } = options || {};
    const client = clientOf(handle);
    if (!client) return Promise.reject(new TypeError("handOff: the handle was not opened by a SkyvernClient"));
    if (!element || typeof element.appendChild !== "function") {
      return Promise.reject(new TypeError("handOff: element must be a DOM element"));
    }
    if (profile !== undefined && (typeof profile !== "object" || profile === null || typeof profile.name !== "string" || !profile.name)) {
      return Promise.reject(new TypeError("handOff: saveProfile.name must be a non-empty string"));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const ui = buildElements(element, prompt ?? "You have control of the browser. Press Done when you have finished.", doneLabel ?? "Done");
    let view;
    let over = false;
    let settle;
    const finished = new Promise((resolve, reject) => {
      settle = (error) => {
        settle = () => {};
        over = true;
        signal?.removeEventListener("abort", onAbort);
        view?.destroy();
        ui.root.remove();
        if (error === undefined) resolve();
        else reject(error);
      };
    });
    const onAbort = () => settle(signal.reason);
    const ended = (status) => settle(new SkyvernError(`The session ended before the hand-off was done (status ${status ?? "unknown"}).`, { code: "session_ended" }));
    signal?.addEventListener("abort", onAbort, { once: true });
    ui.done.addEventListener("click", () => settle(undefined));
    view = mountLiveView(ui.view, handle, {
      keepAlive: true,
      ...liveOptions,
      interactive: true,
      onEnded: (status) => {
        liveOptions.onEnded?.(status);
        ended(status);
      },
      onStatus: (status) => {
        liveOptions.onStatus?.(status);
        if (ENDED.has(status)) ended(status);
      },
    });
    if (over) view.destroy();
    else ui.view.querySelector("canvas")?.focus?.();
    return finished.then(() => (profile === undefined ? undefined : saveProfile(client, handle, profile, signal)));
  };
}
