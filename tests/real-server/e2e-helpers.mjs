// What the end-to-end tests (e2e.test.mjs) run with: the built npm package (pkg/node.js), the
// Skyvern servers configured to test against, the order of run statuses, an assertion on the
// package's typed errors, and the request shapes a session is created with.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { REAL, ANY, TERMINAL_RUN_STATUSES } from "./targets.mjs";

// ---------------------------------------------------------------- the package

const PKG = process.env.SKYVERN_WASM_PKG_DIR
  ? pathToFileURL(resolve(process.env.SKYVERN_WASM_PKG_DIR) + "/")
  : new URL("../../pkg/", import.meta.url);
/** Why the end-to-end tests are skipped (the package is not built), or `false`. */
export const pkgSkip =
  !existsSync(new URL("skyvern_wasm_bg.wasm", PKG)) || !existsSync(new URL("skyvern.js", PKG))
    ? "pkg/ is not built: run `cargo xtask build` first"
    : false;
/** The package's Node entry, `null` when it is not built. */
export const pkg = pkgSkip ? null : await import(new URL("node.js", PKG).href);

// ---------------------------------------------------------------- targets

const isLoopback = (url) => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(url);
/** The servers to test against: `{ url, key, label, local, noLlm }`. */
export const targets = [];
if (REAL) targets.push({ ...REAL, label: "open-source Skyvern server (run.sh)", local: true, noLlm: true });
if (ANY) {
  targets.push({
    ...ANY,
    label: `Skyvern at ${new URL(ANY.url).host} (SKYVERN_BASE_URL)`,
    local: isLoopback(ANY.url),
    // Set when the server has no LLM (like the open-source server run.sh starts): tasks then fail.
    noLlm: process.env.SKYVERN_E2E_NO_LLM === "1",
  });
}

// ---------------------------------------------------------------- runs and errors

const RUN_ORDER = { created: 0, queued: 1, running: 2, paused: 2 };
/** Where a run status is in a run's life: terminal statuses last, unknown ones -1. */
export const rank = (status) => (TERMINAL_RUN_STATUSES.has(status) ? 3 : (RUN_ORDER[status] ?? -1));
export const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

/** Asserts `promise` rejects with `Class` carrying `status` and, when given, the server's detail. */
export async function rejectsWith(promise, Class, status, detail) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected a ${Class.name}, but the call succeeded`);
  assert.ok(error instanceof Class, `expected ${Class.name}, got ${error?.constructor?.name}: ${error?.message}`);
  assert.ok(error instanceof pkg.SkyvernError, "every error is a SkyvernError");
  assert.ok(error instanceof Error, "every error is an Error");
  assert.equal(error.statusCode, status);
  if (typeof detail === "string") {
    assert.equal(error.body?.detail, detail, "the body keeps the server's detail");
    assert.ok(error.message.includes(detail), `the message carries the detail: ${error.message}`);
  } else if (detail instanceof RegExp) {
    assert.match(String(error.body?.detail), detail);
    assert.match(error.message, detail);
  }
  return error;
}

// ---------------------------------------------------------------- create: option shapes

/** `[name, request, fields echoed in the answer]`; `pageUrl()` is the local test page's address. */
export function createShapes(pageUrl) {
  return [
    ["no request", undefined, {}],
    ["an empty request", {}, { timeout: 60 }],
    ["timeout", { timeout: 30 }, { timeout: 30 }],
    ["timeout null", { timeout: null }, { timeout: null }],
    ["a start url", () => ({ url: pageUrl() }), {}],
    ["extensions", { extensions: ["ad-blocker", "captcha-solver"] }, { extensions: ["ad-blocker", "captcha-solver"] }],
    ["browser_type", { browser_type: "chrome" }, { browser_type: "chrome" }],
    ["proxy_location NONE", { proxy_location: "NONE" }, {}],
    ["a GeoTarget proxy", { proxy_location: { country: "US", subdivision: "CA" } }, {}],
    ["proxy_session_id", { proxy_location: "RESIDENTIAL_ISP", proxy_session_id: "contract-test" }, {}],
    [
      "browser_settings",
      { browser_settings: { timezone_id: "America/New_York" } },
      { browser_settings: { timezone_id: "America/New_York" } },
    ],
    ["needs_live_view", { needs_live_view: true }, {}],
    ["generate_browser_profile", { generate_browser_profile: true }, { generate_browser_profile: true }],
  ];
}
