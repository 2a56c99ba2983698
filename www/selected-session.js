// The selected session: its details, its live view (with "Take control" to use the remote
// browser from this page), and closing it.

import { el, showError, formatTime, toText, ENDED_SESSION } from "./format.js";
import { mountSessionView } from "./live-view.js";
import { ui, state } from "./page-state.js";
import { sky } from "./skyvern-package.js";
import { requireClient } from "./connection.js";
import { setBadge, renderList, refreshSelected, refreshNow } from "./session-list.js";
import { renderRunControls } from "./task-runs.js";

export function isEnded(session) {
  return ENDED_SESSION.has(session.status) || Boolean(session.completed_at);
}

export function selectSession(id, session, moveFocus) {
  if (state.selectedId !== id) {
    state.view?.destroy();
    state.view = null;
    setControl(false);
    showError(ui.liveError, null);
    state.selected = null;
    state.selectedId = id;
    showError(ui.runError, null);
    ui.runs.replaceChildren(...(state.runCards.get(id) ?? []));
    ui.runsTitle.hidden = ui.runs.childElementCount === 0;
    renderRunControls();
  }
  ui.sessionEmpty.hidden = true;
  ui.sessionDetail.hidden = false;
  ui.panel.setAttribute("aria-labelledby", "session-title");
  if (session) renderSelected(session);
  renderList();
  if (moveFocus) ui.panel.focus();
  if (state.client) refreshSelected(state.client);
}

function describeProxy(proxy) {
  if (proxy === null || proxy === undefined || proxy === "") return "default";
  if (typeof proxy === "string") return proxy;
  if (typeof proxy === "object" && typeof proxy.country === "string") {
    return [proxy.city, proxy.subdivision, proxy.country].filter(Boolean).join(", ");
  }
  if (typeof proxy === "object" && typeof proxy.url === "string") return "custom proxy";
  return toText(proxy, 80);
}

export function renderSelected(session) {
  if (!session || session.browser_session_id !== state.selectedId) return;
  state.selected = session;
  ui.sessionId.textContent = session.browser_session_id;
  setBadge(ui.sessionStatus, session.status);

  const requested = state.requested.get(session.browser_session_id);
  const rows = [["Browser", session.browser_type || "default"]];
  if ("proxy_location" in session) rows.push(["Proxy", describeProxy(session.proxy_location)]);
  else if (requested) rows.push(["Proxy", describeProxy(requested.proxy_location)]);
  rows.push(
    ["Timeout", typeof session.timeout === "number" ? `${session.timeout} min` : "—"],
    ["Extensions", Array.isArray(session.extensions) && session.extensions.length ? session.extensions.join(", ") : "none"],
    ["Created", formatTime(session.created_at)],
    ["Started", session.started_at ? formatTime(session.started_at) : "not yet"],
  );
  if (session.completed_at) rows.push(["Ended", formatTime(session.completed_at)]);
  if (session.warning) rows.push(["Warning", toText(session.warning)]);
  ui.sessionMeta.replaceChildren(
    ...rows.map(([term, value]) => {
      const row = el("div", "meta-row");
      row.append(el("dt", "", term), el("dd", "", value));
      return row;
    }),
  );

  if (state.view) state.view.update(session);
  else {
    state.view = mountSessionView(sky.mountLiveView, ui.live, session, state.stream, {
      onError: (err) => showError(ui.liveError, err, "Live view"),
      onEnded: () => setControl(false),
    });
  }

  const ended = isEnded(session);
  ui.panel.dataset.ended = String(ended);
  ui.closeBtn.hidden = ended;
  ui.controlBtn.hidden = ended;
  if (ended) setControl(false);
  ui.closeBtn.disabled = state.closing.has(session.browser_session_id);
  ui.runPrompt.disabled = ended;
  ui.runUrl.disabled = ended;
  ui.runEngine.disabled = ended;
  renderRunControls();
}

/** Takes or gives back control of the selected session's browser. */
function setControl(on) {
  state.control = on;
  ui.controlBtn.setAttribute("aria-pressed", String(on));
  ui.controlBtn.textContent = on ? "Give back control" : "Take control";
  ui.live.classList.toggle("live-control", on);
  state.view?.setInteractive(on);
}

export async function closeSession(id, errorBox) {
  if (!requireClient(errorBox)) return;
  showError(errorBox, null);
  state.closing.add(id);
  renderList();
  if (id === state.selectedId && state.selected) renderSelected(state.selected);
  const client = state.client;
  try {
    await client.closeBrowserSession(id);
    state.sessions.delete(id);
    if (id === state.selectedId) {
      const session = await client.getBrowserSession(id);
      renderSelected(session);
    }
  } catch (err) {
    showError(errorBox, err, `Closing ${id}`);
  } finally {
    state.closing.delete(id);
    renderList();
    if (id === state.selectedId && state.selected) renderSelected(state.selected);
    refreshNow();
  }
}

export function bindControlButton() {
  ui.controlBtn.addEventListener("click", () => {
    setControl(!state.control);
    // Keys go to the remote page once the view has focus.
    if (state.control) ui.live.querySelector("canvas")?.focus({ preventScroll: true });
  });
}

export function bindCloseButton() {
  ui.closeBtn.addEventListener("click", () => {
    if (state.selectedId) closeSession(state.selectedId, ui.runError);
  });
}
