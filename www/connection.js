// The Connection card: the base URL and API key the page's client uses (the key from the
// address bar or, when remembered, this tab's session storage), and the summary in the header.

import { showError, showMessage } from "./format.js";
import { ui, state } from "./page-state.js";
import { sky } from "./skyvern-package.js";
import { renderList, refreshNow } from "./session-list.js";

const STORAGE_KEY = "skyvern-demo.apiKey";

// A server that runs the package's edge proxy in front of Skyvern says where it is mounted and
// where the page gets live-view tickets (examples/node/server.mjs): the page then holds no key.
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute("content") || "";
const PROXY_BASE = meta("skyvern-proxy") && new URL(meta("skyvern-proxy"), window.location.origin).href;
const TICKET_ROUTE = meta("skyvern-live-tickets");

export function initConnection() {
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

export function connect() {
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

export function setSummary(text, tone) {
  ui.summary.textContent = text;
  ui.summary.dataset.tone = tone;
}

/** Whether the page has a client; if not, says so in `box`. */
export function requireClient(box) {
  if (state.client) return true;
  showMessage(box, "Not connected: check the base URL and API key, then press Connect.");
  return false;
}

export function bindConnectionForm() {
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
}
