// The skyvern-wasm package (`/pkg/web.js`), loaded once for the whole page. When it cannot be
// loaded, the page says so under Connection, its forms are disabled and `sky` is undefined.

import { showError } from "./format.js";
import { ui } from "./page-state.js";

async function loadPackage() {
  try {
    return await import("/pkg/web.js");
  } catch (err) {
    ui.summary.textContent = "The skyvern-wasm package could not be loaded.";
    ui.summary.dataset.tone = "bad";
    showError(ui.connectionError, err, "Loading /pkg/web.js (build it with `cargo xtask build`)");
    for (const form of [ui.connectionForm, ui.createForm, ui.runForm]) {
      for (const control of form.elements) control.disabled = true;
    }
    return undefined;
  }
}

export const sky = await loadPackage();
