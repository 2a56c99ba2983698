// The list of active sessions: refreshed every few seconds while the page is visible (and at
// once when it comes back), each item with its status, times, and buttons to open or close it.

import { showError, formatTime, statusTone, statusLabel } from "./format.js";
import { ui, state } from "./page-state.js";
import { setSummary } from "./connection.js";
import { isEnded, selectSession, renderSelected, closeSession } from "./selected-session.js";

const REFRESH_MS = 2500;
const POLL_OPTIONS = { maxRetries: 0, timeoutInSeconds: 15 };

function sessionTimes(session) {
  const parts = [`Created ${formatTime(session.created_at)}`];
  if (session.started_at) parts.push(`started ${formatTime(session.started_at)}`);
  if (session.completed_at) parts.push(`ended ${formatTime(session.completed_at)}`);
  if (typeof session.timeout === "number") parts.push(`${session.timeout} min`);
  return parts.join(" · ");
}

export function setBadge(badge, status) {
  badge.textContent = statusLabel(status);
  badge.dataset.tone = statusTone(status);
}

export function renderList() {
  const sessions = [...state.sessions.values()].sort((a, b) =>
    String(b.created_at ?? "").localeCompare(String(a.created_at ?? "")),
  );
  const seen = new Set();
  let previous = null;
  for (const session of sessions) {
    const id = session.browser_session_id;
    if (typeof id !== "string") continue;
    seen.add(id);
    let item = state.items.get(id);
    if (!item) {
      item = /** @type {HTMLLIElement} */ (ui.itemTemplate.content.firstElementChild.cloneNode(true));
      item.dataset.id = id;
      item.querySelector(".sid").textContent = id;
      const open = item.querySelector(".select-btn");
      open.setAttribute("aria-label", `Open session ${id}`);
      open.addEventListener("click", () => selectSession(id, state.sessions.get(id), true));
      const close = item.querySelector(".close-btn");
      close.setAttribute("aria-label", `Close session ${id}`);
      close.addEventListener("click", () => closeSession(id, ui.listError));
      state.items.set(id, item);
    }
    setBadge(item.querySelector(".badge"), session.status);
    item.dataset.status = String(session.status ?? "");
    item.querySelector(".times").textContent = sessionTimes(session);
    const selected = id === state.selectedId;
    item.classList.toggle("selected", selected);
    if (selected) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
    item.querySelector(".close-btn").disabled = state.closing.has(id);
    // Keep the order without re-inserting nodes that are already in place (keeps keyboard focus).
    const expectedNext = previous ? previous.nextElementSibling : ui.list.firstElementChild;
    if (expectedNext !== item) {
      if (previous) previous.after(item);
      else ui.list.prepend(item);
    }
    previous = item;
  }
  for (const [id, item] of state.items) {
    if (!seen.has(id)) {
      item.remove();
      state.items.delete(id);
    }
  }
  ui.listEmpty.hidden = state.items.size > 0;
}

async function refreshSessions() {
  if (!state.client) return;
  if (state.refreshing) {
    state.refreshAgain = true;
    return;
  }
  state.refreshing = true;
  const client = state.client;
  try {
    // The next tick is the retry: report a failure at once instead of backing off.
    const list = await client.getBrowserSessions(POLL_OPTIONS);
    if (client !== state.client) return;
    state.sessions = new Map(
      (Array.isArray(list) ? list : [])
        .filter((s) => s && typeof s.browser_session_id === "string")
        .map((s) => [s.browser_session_id, s]),
    );
    showError(ui.listError, null);
    setSummary(`Connected to ${state.connection}`, "ok");
    ui.listUpdated.textContent = `Updated ${formatTime(new Date().toISOString())}`;
    renderList();
    await refreshSelected(client);
  } catch (err) {
    if (client === state.client) {
      const hint = err && err.statusCode === 403 ? "Listing sessions · check the API key under Connection" : "Listing sessions";
      showError(ui.listError, err, hint);
      setSummary(`${state.connection} · the last request failed`, "bad");
    }
  } finally {
    state.refreshing = false;
  }
  if (state.refreshAgain) {
    state.refreshAgain = false;
    await refreshSessions();
  }
}

export async function refreshSelected(client) {
  const id = state.selectedId;
  if (!id || (state.selected && isEnded(state.selected))) return;
  const listed = state.sessions.get(id);
  try {
    // The single-session GET carries the most detail (and says when a session left the active list).
    const session = await client.getBrowserSession(id, POLL_OPTIONS);
    if (id === state.selectedId) renderSelected(session);
  } catch (err) {
    if (listed && id === state.selectedId) renderSelected(listed);
    if (id === state.selectedId) showError(ui.runError, err, "Refreshing the session");
  }
}

export function refreshNow() {
  window.clearTimeout(state.refreshTimer);
  refreshSessions().finally(scheduleRefresh);
}

function scheduleRefresh() {
  window.clearTimeout(state.refreshTimer);
  state.refreshTimer = window.setTimeout(() => {
    if (document.visibilityState === "hidden") scheduleRefresh();
    else refreshNow();
  }, REFRESH_MS);
}

export function bindSessionList() {
  ui.refreshBtn.addEventListener("click", refreshNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refreshNow();
  });
}
