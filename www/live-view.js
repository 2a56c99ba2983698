// The live view of the selected session.
//
// `mountSessionView(element, session)` returns `{ update(session), destroy() }`, the same shape as the
// package's streaming view (`mountLiveView(element, session, options)`), so the page can switch to the
// screencast without other changes. This view frames the session's `app_url` in a sandboxed iframe and
// always offers "Open live view in a new tab", so the panel is never a blank box.

import { el, statusLabel, ENDED_SESSION } from "./format.js";

/** Sandbox flags for the framed page. A page on our own origin gets scripts but never same-origin
 * rights (that pair would let it lift its own sandbox); another origin's app may keep its sign-in. */
function sandboxFor(url) {
  return url.origin === window.location.origin
    ? "allow-scripts"
    : "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox";
}

function safeUrl(value) {
  if (typeof value !== "string" || value === "") return null;
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

export function mountSessionView(element, session) {
  let frame = null;
  let frameUrl = "";
  let state = "";
  let destroyed = false;

  const stage = el("div", "live-stage");
  const bar = el("div", "live-bar");
  const caption = el("span", "live-caption muted small");
  const link = el("a", "live-link", "Open live view in a new tab");
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  link.referrerPolicy = "no-referrer";
  bar.append(caption, link);
  element.replaceChildren(stage, bar);
  element.dataset.state = "";

  function setPlaceholder(kind, title, text) {
    frame = null;
    frameUrl = "";
    const box = el("div", `live-placeholder live-${kind}`);
    if (kind === "starting") box.append(el("span", "spinner"));
    box.append(el("p", "live-title", title));
    if (text) box.append(el("p", "muted small", text));
    stage.replaceChildren(box);
  }

  function update(next) {
    if (destroyed || !next) return;
    const status = typeof next.status === "string" ? next.status : "";
    const url = safeUrl(next.app_url);
    const ended = ENDED_SESSION.has(status) || Boolean(next.completed_at);


    let nextState;
    if (ended) nextState = `ended:${status}`;
    else if (!url) nextState = "no-url";
    else if (status === "running" || next.started_at) nextState = "live";
    else nextState = "starting";

    bar.hidden = ended;
    if (url && !ended) {
      link.href = url.href;
      link.hidden = false;
    } else {
      link.removeAttribute("href");
      link.hidden = true;
    }

    if (nextState === "live") {
      caption.textContent = "Live view";
      if (!frame || frameUrl !== url.href) {
        frame = document.createElement("iframe");
        frame.className = "live-frame";
        frame.title = `Live view of session ${next.browser_session_id ?? ""}`.trim();
        frame.setAttribute("sandbox", sandboxFor(url));
        frame.referrerPolicy = "no-referrer";
        frame.loading = "eager";
        frame.src = url.href;
        frameUrl = url.href;
        stage.replaceChildren(frame);
      }
    } else if (nextState !== state) {
      if (nextState === "starting") {
        caption.textContent = "Waiting for the browser";
        setPlaceholder("starting", "Starting the browser…", "The live view appears once the session is running.");
      } else if (nextState === "no-url") {
        caption.textContent = "";
        setPlaceholder("empty", "No live view for this session", "The server did not return an app_url.");
      } else {
        caption.textContent = "";
        setPlaceholder("ended", "Session ended", `Final status: ${statusLabel(status)}.`);
      }
    }
    state = nextState;
    element.dataset.state = nextState.split(":")[0];
  }

  function destroy() {
    destroyed = true;
    frame = null;
    element.replaceChildren();
    element.dataset.state = "";
  }

  update(session);
  return { update, destroy };
}
