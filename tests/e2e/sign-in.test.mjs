// A person in the loop, end to end in headless Chromium on the local emulator (sessions backed by
// real Chromium):
// - the demo's "Sign in by hand": the session opens the emulator's test site, the test types the
//   credentials through the live view's canvas (handOff, control already taken), presses Done, the
//   profile is saved; "New session from profile" shows the signed-in page in a later frame (the
//   test site's green band sampled from the canvas, where a signed-out session shows a grey one), and
//   the session's own browser says so over CDP. Prints the time from Done to the saved profile and
//   from the profile-based create to the signed-in frame (figures, not assertions);
// - a session with no start page shows the placeholder instead of a white box;
// - the layout: the session panel at the top of its column, nothing wider than a 390 px screen,
//   also while the hand-off view is open.
// The hand-off's other endings and the keep-alive are in hand-off.test.mjs.
//
//   node --test tests/e2e/sign-in.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { browserContext, shotDir, skipReason, startEmulator, typeTestSiteLogin, waitFor } from "./helpers.mjs";

/** The heading of the page a session's own Chromium shows, read over CDP. */
async function headingOverCdp(chromium, base, apiKey, id) {
  const s = await (await fetch(`${base}/v1/browser_sessions/${id}`, { headers: { "x-api-key": apiKey } })).json();
  const remote = await chromium.connectOverCDP(s.browser_address);
  try {
    const page = remote.contexts()[0].pages()[0];
    return await page.evaluate(() => document.querySelector("h1")?.textContent);
  } finally {
    await remote.close();
  }
}

/** In the page: the mean colour of a 12×12 patch of the live view's canvas in `selector`, in the
 * test site's band (the top 160 of 720 px), or null before a frame. */
function bandColour(selector) {
  const c = document.querySelector(selector);
  if (!c || !c.width || !c.height) return null;
  const x = Math.floor(c.width / 2) - 6;
  const y = Math.floor(c.height * 0.1) - 6;
  const d = c.getContext("2d").getImageData(x, y, 12, 12).data;
  const sum = [0, 0, 0];
  for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) sum[k] += d[i + k];
  return sum.map((v) => Math.round(v / (d.length / 4)));
}
/** The signed-in band (#1a7f37) and the signed-out one (#8a8f99), within what JPEG frames change. */
const isGreen = (c) => c && Math.abs(c[0] - 0x1a) < 30 && Math.abs(c[1] - 0x7f) < 30 && Math.abs(c[2] - 0x37) < 30;
const isGrey = (c) => c && Math.abs(c[0] - 0x8a) < 30 && Math.abs(c[1] - 0x8f) < 30 && Math.abs(c[2] - 0x99) < 30;

/** The account page in a new session without the profile (replacing session `id` in the main
 * view): the signed-out band, which is not the signed-in one. Closes that session. */
async function signedOutLook(page, base, id) {
  const main = "#live-view canvas";
  await page.fill("#opt-url", `${base}/test-site/account`);
  await page.click("#create-btn");
  await waitFor("a new session in the main view", async () => (await page.textContent("#session-id")).trim() !== id, 20_000);
  const signedOut = await waitFor("the signed-out frame on the canvas", async () => {
    const c = await page.evaluate(bandColour, main);
    return isGrey(c) && c;
  }, 30_000);
  assert.ok(!isGreen(signedOut), `a signed-out session does not show the signed-in band (${signedOut})`);
  await page.click("#close-session-btn");
  return signedOut;
}

/** A session with no start page shows the placeholder, not a white box. */
async function blankPlaceholder(page) {
  await page.fill("#opt-url", "");
  await page.click("#create-btn");
  await page.waitForSelector('#live-view .skyvern-live[data-state="live"][data-blank="true"]', { timeout: 30_000 });
  assert.ok(await page.isVisible("#live-view .skyvern-live-blank"), "the placeholder is shown");
  assert.match(await page.textContent("#live-view .skyvern-live-blank"), /blank page/);
  await page.screenshot({ path: path.join(shotDir, "signin-blank.png") });
}

/** At 390 px nothing scrolls sideways, also with the hand-off view (`view`) open; cancelling
 * the hand-off removes its view. */
async function narrowScreen(page, view) {
  await page.setViewportSize({ width: 390, height: 844 });
  const fits = () => page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  let widths = await fits();
  assert.ok(widths[0] <= widths[1], `page ${widths[0]} px wide in a ${widths[1]} px viewport`);
  await page.screenshot({ path: path.join(shotDir, "signin-390.png"), fullPage: true });
  await page.click("#signin-btn");
  await page.waitForSelector(`${view}[data-state="live"]`, { timeout: 30_000 });
  widths = await fits();
  assert.ok(widths[0] <= widths[1], `with the hand-off open: page ${widths[0]} px wide in a ${widths[1]} px viewport`);
  await page.screenshot({ path: path.join(shotDir, "signin-390-handoff.png"), fullPage: true });
  // Cancel: the hand-off ends and its view goes away.
  await page.click("#signin-cancel");
  await waitFor("the hand-off view to go", async () => (await page.$$eval("#signin-view > *", (els) => els.length)) === 0);
  assert.match(await page.textContent("#signin-error"), /cancelled/i);
}

test("demo: sign in by hand, keep it as a profile, start signed in", { skip: skipReason(), timeout: 180_000 }, async (t) => {
  const apiKey = `sk-signin-${randomBytes(12).toString("hex")}`;
  const emulator = startEmulator(apiKey, ["--max-browsers", "3"]);
  t.after(() => emulator.child.kill());
  const base = await emulator.ready;
  const { chromium, page, errors } = await browserContext(t, { width: 1280, height: 900 });
  mkdirSync(shotDir, { recursive: true });

  await page.goto(`${base}/?key=${encodeURIComponent(apiKey)}`);
  await page.waitForSelector('#conn-summary[data-tone="ok"]', { timeout: 20_000 });
  assert.equal(await page.inputValue("#signin-url"), `${base}/test-site/login`);

  // Layout: the session panel starts at the top of its column.
  const tops = await page.evaluate(() => [
    document.querySelector(".column-side").getBoundingClientRect().top,
    document.querySelector("#session-panel").getBoundingClientRect().top,
  ]);
  assert.ok(Math.abs(tops[0] - tops[1]) < 2, `session panel top ${tops[1]} vs column top ${tops[0]}`);

  // The hand-off: the live view with control taken, on the sign-in page.
  await page.click("#signin-btn");
  const view = "#signin-view .skyvern-live";
  await page.waitForSelector(`${view}[data-state="live"][data-control="true"]`, { timeout: 30_000 });
  await waitFor("the sign-in page in the view", async () => (await page.textContent(`${view} .skyvern-live-url`)).endsWith("/test-site/login"), 20_000);
  // Type through the canvas.
  await typeTestSiteLogin(page, view);
  await waitFor("the account page in a later frame", async () => (await page.textContent(`${view} .skyvern-live-url`)).endsWith("/test-site/account"), 20_000);
  await waitFor("the signed-in band in the hand-off view", async () => isGreen(await page.evaluate(bandColour, "#signin-view canvas")), 20_000);
  const signInId = await page.evaluate(() => document.querySelector("#signin-view canvas").getAttribute("aria-label").split(" ").pop());
  assert.equal(await headingOverCdp(chromium, base, apiKey, signInId), "Signed in as demo");
  await page.screenshot({ path: path.join(shotDir, "signin-handoff.png") });

  // Done → the profile is saved.
  const doneAt = Date.now();
  await page.click("#signin-view .skyvern-handoff-done");
  await page.waitForSelector("#profile-session-btn:not([hidden])", { timeout: 30_000 });
  const savedMs = Date.now() - doneAt;
  const profileId = await page.getAttribute("#profile-session-btn", "data-profile");
  assert.match(profileId, /^bp_/);
  assert.equal(await page.$$eval("#signin-view > *", (els) => els.length), 0, "the hand-off view is gone");

  // New session from the profile: signed in, in a later frame (the green band on the canvas) and
  // over CDP.
  const main = "#live-view canvas";
  const createAt = Date.now();
  await page.click("#profile-session-btn");
  await page.waitForSelector("#session-detail:not([hidden])");
  await waitFor("the signed-in page in the main view", async () => (await page.textContent("#live-view .skyvern-live-url"))?.endsWith("/test-site/account"), 30_000);
  const signedIn = await waitFor("the signed-in frame on the canvas", async () => {
    const c = await page.evaluate(bandColour, main);
    return isGreen(c) && c;
  }, 30_000);
  const signedInMs = Date.now() - createAt;
  const id = (await page.textContent("#session-id")).trim();
  assert.equal(await headingOverCdp(chromium, base, apiKey, id), "Signed in as demo");
  await page.screenshot({ path: path.join(shotDir, "signin-from-profile.png") });
  t.diagnostic(`Done → saved profile: ${savedMs} ms; profile-based create → signed-in frame: ${signedInMs} ms`);

  const signedOut = await signedOutLook(page, base, id);
  t.diagnostic(`band colour signed in ${signedIn}, signed out ${signedOut}`);
  await blankPlaceholder(page);
  await narrowScreen(page, view);
  assert.deepEqual(errors, []);
});
