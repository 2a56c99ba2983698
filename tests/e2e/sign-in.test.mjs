// A person in the loop, end to end in headless Chromium on the local emulator (sessions backed by
// real Chromium):
// - the demo's "Sign in by hand": the session opens the emulator's test site, the test types the
//   credentials through the live view's canvas (handOff, control already taken), presses Done, the
//   profile is saved; "New session from profile" shows the signed-in page in a later frame, and the
//   session's own browser says so over CDP. Prints the time from Done to the saved profile and from
//   the profile-based create to the signed-in frame (figures, not assertions);
// - the layout: the session panel at the top of its column, nothing wider than a 390 px screen;
// - keepAlive with a scaled clock (--time-scale 300: an emulated minute is 0.3 s): a 5-minute session
//   watched for 8 minutes is still running; the same session in a hidden tab ended at 5.
//
//   node --test tests/e2e/sign-in.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { chromiumBin, emulatorBin, root, shotDir, skipReason, waitFor } from "./helpers.mjs";

function startEmulator(apiKey, extra) {
  const child = spawn(
    emulatorBin,
    ["--host", "127.0.0.1", "--port", "0", "--www", path.join(root, "www"), "--pkg", path.join(root, "pkg"),
      "--test-controls", "--start-delay-ms", "200", "--step-ms", "100", "--api-key", apiKey, ...extra],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-20_000)));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 20 s\n${stderr}`)), 20_000);
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      if (match) resolve(match[1]);
      else reject(new Error(`unexpected first line from the emulator: ${line}`));
    });
  });
  return { child, ready };
}

async function browserContext(t, viewport) {
  const { chromium } = await import("playwright-core");
  const dir = mkdtempSync(path.join(tmpdir(), "skyvern-signin-e2e-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: chromiumBin,
    headless: true,
    viewport,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  t.after(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  return { chromium, page, errors };
}

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
  // Type through the canvas (the username field has the remote page's focus).
  await page.focus(`${view} canvas`);
  await page.keyboard.type("demo");
  await page.keyboard.press("Tab");
  await page.keyboard.type("let-me-in");
  await page.keyboard.press("Enter");
  await waitFor("the account page in a later frame", async () => (await page.textContent(`${view} .skyvern-live-url`)).endsWith("/test-site/account"), 20_000);
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

  // New session from the profile: signed in, in a later frame and over CDP.
  const createAt = Date.now();
  await page.click("#profile-session-btn");
  await page.waitForSelector("#session-detail:not([hidden])");
  await waitFor("the signed-in page in the main view", async () => (await page.textContent("#live-view .skyvern-live-url"))?.endsWith("/test-site/account"), 30_000);
  const signedInMs = Date.now() - createAt;
  const id = (await page.textContent("#session-id")).trim();
  assert.equal(await headingOverCdp(chromium, base, apiKey, id), "Signed in as demo");
  await page.screenshot({ path: path.join(shotDir, "signin-from-profile.png") });
  t.diagnostic(`Done → saved profile: ${savedMs} ms; profile-based create → signed-in frame: ${signedInMs} ms`);

  // At 390 px nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(widths[0] <= widths[1], `page ${widths[0]} px wide in a ${widths[1]} px viewport`);
  await page.screenshot({ path: path.join(shotDir, "signin-390.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("keepAlive: a watched session outlives its timeout, a hidden one does not", { skip: skipReason(), timeout: 60_000 }, async (t) => {
  const apiKey = `sk-keep-${randomBytes(12).toString("hex")}`;
  const emulator = startEmulator(apiKey, ["--no-browser", "--time-scale", "300"]);
  t.after(() => emulator.child.kill());
  const base = await emulator.ready;
  const { page, errors } = await browserContext(t, { width: 900, height: 700 });
  await page.goto(`${base}/test-site/login`);
  const result = await page.evaluate(async ([apiKey]) => {
    const sky = await import("/pkg/web.js");
    const client = new sky.SkyvernClient({ apiKey, baseUrl: location.origin, dangerouslyAllowBrowser: true });
    const minute = 300;
    const mount = async (hidden) => {
      const handle = await client.openBrowserSession({ timeout: 5 });
      const el = document.body.appendChild(document.createElement("div"));
      const extended = [];
      const view = sky.mountLiveView(el, handle, {
        streamBaseUrl: location.origin, apiKey, dangerouslyAllowBrowser: true,
        keepAlive: { minuteMs: minute }, onKeepAlive: (s) => extended.push(s.timeout),
      });
      if (hidden) {
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
        document.dispatchEvent(new Event("visibilitychange"));
      }
      return { handle, view, extended };
    };
    const watched = await mount(false);
    await new Promise((r) => setTimeout(r, 8 * minute));
    const w = await client.getBrowserSession(watched.handle.id);
    watched.view.destroy();
    await watched.handle.close();
    const unwatched = await mount(true);
    await new Promise((r) => setTimeout(r, 8 * minute));
    const u = await client.getBrowserSession(unwatched.handle.id);
    unwatched.view.destroy();
    return { watched: [w.status, w.timeout, watched.extended], unwatched: [u.status, u.timeout, unwatched.extended] };
  }, [apiKey]);
  assert.equal(result.watched[0], "running", JSON.stringify(result));
  assert.ok(result.watched[1] > 5 && result.watched[2].length >= 1, JSON.stringify(result));
  assert.equal(result.unwatched[0], "completed", JSON.stringify(result));
  assert.deepEqual([result.unwatched[1], result.unwatched[2]], [5, []]);
  assert.deepEqual(errors, []);
});
