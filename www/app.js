// skyvern-wasm demo page: browser sessions, their live view and tasks, from a web page.
// Everything talks to Skyvern through the package's SkyvernClient.

import {
  el,
  showError,
  showMessage,
  formatTime,
  statusTone,
  statusLabel,
  toText,
  TERMINAL_RUN,
  ENDED_SESSION,
} from "./format.js";
import { mountSessionView } from "./live-view.js";
import { initSignIn } from "./sign-in.js";
import { createRunCard } from "./run-card.js";

const REFRESH_MS = 2500;
const POLL_OPTIONS = { maxRetries: 0, timeoutInSeconds: 15 };
const STORAGE_KEY = "skyvern-demo.apiKey";
const GEO_COUNTRIES = ["US", "AR", "AU", "BR", "CA", "DE", "ES", "FR", "GB", "IE", "IN", "IT", "JP", "MX", "NL", "NZ", "PH", "KR", "SA", "TR", "ZA"];

const $ = (id) => {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing element #${id}`);
  return node;
};

const ui = {
  summary: $("conn-summary"),
  connectionForm: $("connection-form"),
  baseUrl: $("base-url"),
  apiKey: $("api-key"),
  toggleKey: $("toggle-key"),
  remember: $("remember-key"),
  connectionError: $("connection-error"),
  createForm: $("create-form"),
  createBtn: $("create-btn"),
  createError: $("create-error"),
  proxy: $("opt-proxy"),
  geo: $("geo-fields"),
  country: $("opt-country"),
  list: $("session-list"),
  listEmpty: $("sessions-empty"),
  listUpdated: $("sessions-updated"),
  listError: $("sessions-error"),
  refreshBtn: $("refresh-btn"),
  panel: $("session-panel"),
  sessionEmpty: $("session-empty"),
  sessionDetail: $("session-detail"),
  sessionId: $("session-id"),
  sessionStatus: $("session-status"),
  sessionMeta: $("session-meta"),
  closeBtn: $("close-session-btn"),
  live: $("live-view"),
  controlBtn: $("control-btn"),
  liveError: $("live-error"),
  runForm: $("run-form"),
  runPrompt: $("run-prompt"),
  runUrl: $("run-url"),
  runBtn: $("run-btn"),
  cancelBtn: $("cancel-run-btn"),
  runError: $("run-error"),
  runsTitle: $("runs-title"),
  runs: $("runs"),
  itemTemplate: /** @type {HTMLTemplateElement} */ ($("session-item")),
};

const state = {
  client: null,
  /** Last list from the server, by id. */
  sessions: new Map(),
  /** List items, by id. */
  items: new Map(),
  selectedId: null,
  selected: null,
  view: null,
  /** Whether the user has taken control of the selected session's browser. */
  control: false,
  /** Where the live view's sockets go: the client's base URL, its key if the page has one, and
   * the ticket route of the server that serves the page when it runs an edge proxy. */
  stream: { baseUrl: "", apiKey: "", tickets: "" },
  /** Run cards per session id, newest first. */
  runCards: new Map(),
  /** Tasks being run, by session id: { runId, controller }. */
  activeRuns: new Map(),
  refreshTimer: 0,
  refreshing: false,
  /** A refresh was asked for while one was in flight (e.g. with the previous connection). */
  refreshAgain: false,
  /** "host · key mode", for the header. */
  connection: "",
  closing: new Set(),
  /** Options this page asked for, by session id (the session object does not echo the proxy). */
  requested: new Map(),
};

// ---------------------------------------------------------------------------------------------
// Loading the package

let sky;
try {
  sky = await import("/pkg/web.js");
} catch (err) {
  ui.summary.textContent = "The skyvern-wasm package could not be loaded.";
  ui.summary.dataset.tone = "bad";
  showError(ui.connectionError, err, "Loading /pkg/web.js (build it with `cargo xtask build`)");
  for (const form of [ui.connectionForm, ui.createForm, ui.runForm]) {
    for (const control of form.elements) control.disabled = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Connection

// A server that runs the package's edge proxy in front of Skyvern says where it is mounted and
// where the page gets live-view tickets (examples/node/server.mjs): the page then holds no key.
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") || "";
const PROXY_BASE = meta("skyvern-proxy") && new URL(meta("skyvern-proxy"), window.location.origin).href;
const TICKET_ROUTE = meta("skyvern-live-tickets");

function initConnection() {
  ui.baseUrl.value = PROXY_BASE || window.location.origin;
  ui.baseUrl.placeholder = ui.baseUrl.value;

  const params = new URLSearchParams(window.location.search);
  const keyFromUrl = params.get("key");
  if (keyFromUrl !== null) {
    ui.apiKey.value = keyFromUrl;
    // Keep the key out of the address bar, history and bookmarks.
    params.delete("key");
    const query = params.toString();
    history.replaceState(null, "", `${window.location.pathname}${query ? `?${query}` : ""}${window.location.hash}`);
  } else {
    try {
      const stored = sessionStorage.getItem(STORAGE_KEY);
      if (stored) {
        ui.apiKey.value = stored;
        ui.remember.checked = true;
      }
    } catch {
      // storage unavailable (privacy mode): the key stays in memory only
    }
  }
  const baseFromUrl = params.get("base");
  if (baseFromUrl) ui.baseUrl.value = baseFromUrl;
}

function persistKey() {
  try {
    if (ui.remember.checked && ui.apiKey.value) sessionStorage.setItem(STORAGE_KEY, ui.apiKey.value);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable: nothing to do
  }
}

function connect() {
  showError(ui.connectionError, null);
  const baseUrl = ui.baseUrl.value.trim() || window.location.origin;
  const apiKey = ui.apiKey.value.trim();
  const options = { baseUrl };
  if (apiKey) {
    options.apiKey = apiKey;
    // The page is a browser: the client only accepts a key here when told the risk is understood.
    options.dangerouslyAllowBrowser = true;
  }
  try {
    state.client = new sky.SkyvernClient(options);
  } catch (err) {
    state.client = null;
    showError(ui.connectionError, err, "Creating the client");
    setSummary("Not connected", "bad");
    return;
  }
  // Tickets come from the page's own server, for its own proxy only.
  const tickets = !apiKey && PROXY_BASE && baseUrl === PROXY_BASE ? TICKET_ROUTE : "";
  state.stream = { baseUrl, apiKey, tickets };
  let host = baseUrl;
  try {
    const url = new URL(baseUrl);
    host = url.origin === window.location.origin ? `this origin${url.pathname.replace(/\/+$/, "")}` : url.host;
  } catch {
    // keep the text as typed
  }
  state.connection = `${host} · ${apiKey ? "key in this page" : tickets ? "no key (edge proxy, live-view tickets)" : "no key (proxy)"}`;
  // Sessions of the previous connection are not this one's.
  state.sessions = new Map();
  renderList();
  ui.listUpdated.textContent = "";
  showError(ui.listError, null);
  setSummary(`Connecting to ${state.connection}…`, "");
  refreshNow();
}

function setSummary(text, tone) {
  ui.summary.textContent = text;
  ui.summary.dataset.tone = tone;
}

ui.connectionForm.addEventListener("submit", (event) => {
  event.preventDefault();
  persistKey();
  connect();
});
ui.baseUrl.addEventListener("change", connect);
ui.apiKey.addEventListener("change", () => {
  persistKey();
  connect();
});
ui.remember.addEventListener("change", persistKey);
ui.toggleKey.addEventListener("click", () => {
  const show = ui.apiKey.type === "password";
  ui.apiKey.type = show ? "text" : "password";
  ui.toggleKey.textContent = show ? "Hide" : "Show";
  ui.toggleKey.setAttribute("aria-pressed", String(show));
});

// ---------------------------------------------------------------------------------------------
// Creating a session

function initCreateForm() {
  let names = null;
  try {
    names = new Intl.DisplayNames(undefined, { type: "region" });
  } catch {
    names = null;
  }
  for (const code of GEO_COUNTRIES) {
    const option = document.createElement("option");
    option.value = code;
    option.textContent = names ? `${names.of(code)} (${code})` : code;
    ui.country.append(option);
  }
  ui.proxy.addEventListener("change", () => {
    ui.geo.hidden = ui.proxy.value !== "geo";
  });
}

function createRequest() {
  const data = new FormData(ui.createForm);
  const request = {};
  const timeout = String(data.get("timeout") ?? "").trim();
  // The client validates the value and names the field if it is out of range.
  if (timeout !== "") request.timeout = Number(timeout);
  const proxy = String(data.get("proxy_location") ?? "");
  if (proxy === "geo") {
    const geo = { country: String(data.get("country") ?? "") };
    const subdivision = String(data.get("subdivision") ?? "").trim();
    const city = String(data.get("city") ?? "").trim();
    if (subdivision) geo.subdivision = subdivision;
    if (city) geo.city = city;
    request.proxy_location = geo;
  } else if (proxy) {
    request.proxy_location = proxy;
  }
  const browser = String(data.get("browser_type") ?? "");
  if (browser) request.browser_type = browser;
  const extensions = data.getAll("extensions").map(String);
  if (extensions.length) request.extensions = extensions;
  const url = String(data.get("url") ?? "").trim();
  if (url) request.url = url;
  return request;
}

ui.createForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!requireClient(ui.createError)) return;
  showError(ui.createError, null);
  ui.createBtn.disabled = true;
  ui.createBtn.textContent = "Creating…";
  try {
    const request = createRequest();
    const session = await state.client.createBrowserSession(request);
    state.requested.set(session.browser_session_id, request);
    state.sessions.set(session.browser_session_id, session);
    renderList();
    selectSession(session.browser_session_id, session, true);
  } catch (err) {
    showError(ui.createError, err, "Creating the session");
  } finally {
    ui.createBtn.disabled = false;
    ui.createBtn.textContent = "Create session";
  }
});

function requireClient(box) {
  if (state.client) return true;
  showMessage(box, "Not connected: check the base URL and API key, then press Connect.");
  return false;
}

// ---------------------------------------------------------------------------------------------
// The list of active sessions

function sessionTimes(session) {
  const parts = [`Created ${formatTime(session.created_at)}`];
  if (session.started_at) parts.push(`started ${formatTime(session.started_at)}`);
  if (session.completed_at) parts.push(`ended ${formatTime(session.completed_at)}`);
  if (typeof session.timeout === "number") parts.push(`${session.timeout} min`);
  return parts.join(" · ");
}

function setBadge(badge, status) {
  badge.textContent = statusLabel(status);
  badge.dataset.tone = statusTone(status);
}

function renderList() {
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

async function refreshSelected(client) {
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

function refreshNow() {
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

ui.refreshBtn.addEventListener("click", refreshNow);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refreshNow();
});

// ---------------------------------------------------------------------------------------------
// The selected session

function isEnded(session) {
  return ENDED_SESSION.has(session.status) || Boolean(session.completed_at);
}

function selectSession(id, session, moveFocus) {
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

function renderSelected(session) {
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

ui.controlBtn.addEventListener("click", () => {
  setControl(!state.control);
  // Keys go to the remote page once the view has focus.
  if (state.control) ui.live.querySelector("canvas")?.focus({ preventScroll: true });
});

async function closeSession(id, errorBox) {
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

ui.closeBtn.addEventListener("click", () => {
  if (state.selectedId) closeSession(state.selectedId, ui.runError);
});

// ---------------------------------------------------------------------------------------------
// Running tasks in the selected session

/** One task at a time per session (a session holds one run at a time). */
function renderRunControls() {
  const active = state.selectedId ? state.activeRuns.get(state.selectedId) : undefined;
  const ended = state.selected ? isEnded(state.selected) : false;
  ui.runBtn.disabled = Boolean(active) || ended;
  ui.runBtn.textContent = active ? "Running…" : "Run task";
  ui.cancelBtn.hidden = !active;
  ui.cancelBtn.disabled = Boolean(active?.canceling);
}

ui.runForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!requireClient(ui.runError)) return;
  const sessionId = state.selectedId;
  if (!sessionId || state.activeRuns.has(sessionId)) return;
  const prompt = ui.runPrompt.value.trim();
  if (!prompt) {
    ui.runPrompt.setAttribute("aria-invalid", "true");
    showMessage(ui.runError, "Enter a prompt for the task.");
    ui.runPrompt.focus();
    return;
  }
  ui.runPrompt.removeAttribute("aria-invalid");
  showError(ui.runError, null);
  const url = ui.runUrl.value.trim();

  const view = createRunCard(prompt, url, () => state.client);
  const cards = state.runCards.get(sessionId) ?? [];
  cards.unshift(view.card);
  state.runCards.set(sessionId, cards);
  ui.runs.prepend(view.card);
  ui.runsTitle.hidden = false;

  const controller = new AbortController();
  const active = { runId: null, controller, canceling: false };
  state.activeRuns.set(sessionId, active);
  renderRunControls();
  const client = state.client;
  try {
    const current = state.selected;
    if (!current || (current.status !== "running" && !current.started_at)) {
      view.note("waiting for the browser");
      const ready = await client.waitForBrowserSession(sessionId, { abortSignal: controller.signal });
      if (sessionId === state.selectedId) renderSelected(ready);
    }
    const request = { prompt, browser_session_id: sessionId };
    if (url) request.url = url;
    const created = await client.runTask(request, { abortSignal: controller.signal });
    active.runId = created.run_id;
    view.status(created);
    const run = TERMINAL_RUN.has(created.status)
      ? created
      : await client.waitForRun(created.run_id, {
          onStatus: (r) => view.status(r),
          abortSignal: controller.signal,
        });
    view.finish(run);
  } catch (err) {
    view.fail(err);
  } finally {
    if (state.activeRuns.get(sessionId) === active) state.activeRuns.delete(sessionId);
    renderRunControls();
  }
});

ui.cancelBtn.addEventListener("click", async () => {
  const active = state.selectedId ? state.activeRuns.get(state.selectedId) : undefined;
  if (!active || !state.client) return;
  active.canceling = true;
  renderRunControls();
  if (!active.runId) {
    active.controller.abort(new Error("Stopped waiting before the run was created."));
    return;
  }
  try {
    // The wait sees the run reach `canceled` and finishes the card.
    await state.client.cancelRun(active.runId);
  } catch (err) {
    showError(ui.runError, err, "Canceling the run");
    active.canceling = false;
    renderRunControls();
  }
});

// ---------------------------------------------------------------------------------------------

if (sky) {
  initConnection();
  initCreateForm();
  initSignIn({
    client: () => state.client,
    stream: () => state.stream,
    adopt: (session) => {
      state.sessions.set(session.browser_session_id, session);
      renderList();
      selectSession(session.browser_session_id, session, true);
    },
  });
  connect();
} else {
  initCreateForm();
}
