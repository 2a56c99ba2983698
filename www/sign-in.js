// "Sign in by hand": a session opens the sign-in page, the person signs in in the live view
// (`handle.handOff`, with control already taken) and presses Done; the session's cookies and local
// storage become a browser profile, and "New session from profile" starts a session from it,
// signed in, shown in the main live view.

import { showError, showMessage } from "./format.js";
import { streamOptions } from "./live-view.js";

const $ = (id) => document.getElementById(id);

/** `page`: `{ client(), stream(), adopt(session) }` from app.js. */
export function initSignIn(page) {
  const ui = {
    form: $("signin-form"),
    url: $("signin-url"),
    name: $("signin-name"),
    start: $("signin-btn"),
    cancel: $("signin-cancel"),
    view: $("signin-view"),
    status: $("signin-status"),
    fromProfile: $("profile-session-btn"),
    error: $("signin-error"),
  };
  ui.url.value = new URL("/test-site/login", location.href).href;
  ui.name.value = "Test site login";
  let profile = null;
  let controller = null;

  const say = (text) => (ui.status.textContent = text);
  const busy = (on) => {
    ui.start.disabled = on;
    ui.cancel.hidden = !on;
  };

  ui.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const client = page.client();
    if (!client) return showMessage(ui.error, "Not connected: press Connect first.");
    showError(ui.error, null);
    busy(true);
    controller = new AbortController();
    let handle;
    try {
      say("Starting a browser on the sign-in page…");
      const url = ui.url.value.trim();
      handle = await client.openBrowserSession({ timeout: 15, ...(url ? { url } : {}) });
      say("Sign in in the view below, then press Done.");
      const options = streamOptions(page.stream(), { onError: (e) => showError(ui.error, e, "Live view") });
      profile = await handle.handOff(ui.view, {
        ...options,
        signal: controller.signal,
        prompt: "Sign in, then press Done.",
        saveProfile: { name: `${ui.name.value.trim() || "Signed in"} ${new Date().toLocaleTimeString()}` },
      });
      ui.fromProfile.hidden = false;
      ui.fromProfile.dataset.profile = profile.browser_profile_id;
      say(`Saved as profile ${profile.browser_profile_id} (“${profile.name}”).`);
    } catch (err) {
      say("");
      showError(ui.error, err, "Signing in by hand");
      handle?.close().catch(() => {});
    } finally {
      controller = null;
      busy(false);
    }
  });

  ui.cancel.addEventListener("click", () => controller?.abort(new Error("Sign-in cancelled.")));

  ui.fromProfile.addEventListener("click", async () => {
    const client = page.client();
    if (!client || !profile) return;
    showError(ui.error, null);
    ui.fromProfile.disabled = true;
    try {
      const account = new URL("/test-site/account", ui.url.value || location.href).href;
      const request = { browser_profile_id: profile.browser_profile_id, timeout: 15 };
      if (ui.url.value.includes("/test-site/")) request.url = account;
      const session = await client.createBrowserSession(request);
      page.adopt(session);
    } catch (err) {
      showError(ui.error, err, "Starting a session from the profile");
    } finally {
      ui.fromProfile.disabled = false;
    }
  });
}
