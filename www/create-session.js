// The "New session" form: its options (timeout, proxy location down to a city, browser,
// extensions, start URL) become a `createBrowserSession` request; the new session is selected.

import { showError } from "./format.js";
import { ui, state } from "./page-state.js";
import { requireClient } from "./connection.js";
import { renderList } from "./session-list.js";
import { selectSession } from "./selected-session.js";

const GEO_COUNTRIES = ["US", "AR", "AU", "BR", "CA", "DE", "ES", "FR", "GB", "IE", "IN", "IT", "JP", "MX", "NL", "NZ", "PH", "KR", "SA", "TR", "ZA"];

export function initCreateForm() {
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

export function bindCreateForm() {
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
}
