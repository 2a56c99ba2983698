// End-to-end test of the demo page behind the package's edge proxy, in Debian's headless Chromium:
// what `cargo xtask demo --proxy` runs. The emulator (the "real Skyvern") is only reached through
// examples/node/server.mjs, which serves www/ and pkg/, runs createProxyHandler at /api/skyvern with
// the key from its environment, passes the live-view sockets with `proxy.upgrade`, and mints tickets
// at /app/live-ticket/{id}. The page holds no key.
//
// 1. create a session → frames on the canvas through the proxy (ticketed sockets) → take control
//    (the input socket with a control ticket) → run a task → close → "Session ended"; the emulator's
//    log shows the key added server-side on every request and socket, and nothing the browser saw
//    (URLs, response headers and bodies, socket frames, page text, console, cookies, storage)
//    contains the key;
// 2. a socket with a forged ticket is refused by the proxy before upstream, once (no reconnect
//    storm), and the page says so and falls back to the app_url frame instead of a blank box;
// 3. "Sign in by hand" through the proxy: the emulator's test site on the demo's origin (forwarded by
//    the server), typing in the hand-off view, the profile created through the proxy (the server's
//    `allow` has the profile operations), and a session from it on the signed-in page.
// Screenshots go to target/e2e/proxy-*.png.
//
//   node --test tests/e2e/demo-proxy.test.mjs
//
// Env: SKYVERN_EMULATOR_BIN (default target/debug/skyvern-emulator); SKYVERN_E2E_NO_BROWSER=1 runs the
// emulator without Chromium (drawn frames).

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { chromiumBin, emulatorBin, root, shotDir, skipReason, typeTestSiteLogin, waitFor } from "./helpers.mjs";

/** Spawns a server that prints `listening on http://127.0.0.1:PORT` first; resolves to that URL. */
function start(name, cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const lines = createInterface({ input: child.stdout });
  const out = [];
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 20 s\n${stderr}`)), 20_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      if (match) resolve(match[1]);
      else reject(new Error(`unexpected first line from ${name}: ${line}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited early (${code})\n${stderr}`));
    });
  });
  lines.on("line", (l) => out.push(l));
  return { child, ready, printed: () => [...out, stderr] };
}

const TEST_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Proxy test page</title></head>
<body style="margin:0;background:#fff;font:24px sans-serif"><h1 style="padding:20px 40px">Through the proxy</h1></body></html>`;

// One emulator, one demo server, one browser for both tests.
const apiKey = `emu_proxy_e2e_${randomBytes(12).toString("hex")}`;
let env;
async function setup() {
  if (env) return env;
  const emu = start("the emulator", emulatorBin, [
    "--host", "127.0.0.1", "--port", "0", "--api-key", apiKey,
    "--test-controls", "--time-scale", "600", "--start-delay-ms", "200", "--step-ms", "100",
    ...(process.env.SKYVERN_E2E_NO_BROWSER ? ["--no-browser"] : []),
  ]);
  const emuUrl = await emu.ready;
  // The key reaches the demo server only through its environment, as in `cargo xtask demo --proxy`.
  const server = start("the demo server", process.execPath, ["examples/node/server.mjs", "--port", "0", "--upstream", emuUrl], {
    SKYVERN_API_KEY: apiKey,
    TICKET_SECRET: "",
  });
  const base = await server.ready;
  const testPage = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(TEST_PAGE);
  });
  await new Promise((ok) => testPage.listen(0, "127.0.0.1", ok));
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(path.join(tmpdir(), "skyvern-proxy-e2e-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumBin,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  env = { emu, emuUrl, server, base, testPage, testUrl: `http://127.0.0.1:${testPage.address().port}/`, browser, profile };
  return env;
}
after(async () => {
  if (!env) return;
  await env.browser.close().catch(() => {});
  env.server.child.kill("SIGTERM");
  env.emu.child.kill("SIGTERM");
  env.testPage.close();
  rmSync(env.profile, { recursive: true, force: true });
});

/** The emulator's request log (every request that reached "Skyvern"). */
async function upstreamLog() {
  const res = await fetch(`${env.emuUrl}/_emulator/requests`);
  return res.json();
}

/** A page that records everything the browser sees: URLs, responses, socket frames, console. */
async function watchedPage() {
  const page = await env.browser.newPage();
  const seen = { urls: [], sockets: [], texts: [], console: [], frames: 0, socketMessages: [] };
  page.on("request", (r) => seen.urls.push(r.url()));
  page.on("console", (m) => seen.console.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => seen.console.push(`pageerror: ${e}`));
  page.on("response", async (r) => {
    const headers = await r.allHeaders().catch(() => ({}));
    seen.texts.push(`${r.status()} ${r.url()}`, JSON.stringify(headers));
    if (!/wasm|image|font/.test(headers["content-type"] ?? "")) seen.texts.push(await r.text().catch(() => ""));
  });
  page.on("websocket", (ws) => {
    seen.sockets.push(ws.url());
    ws.on("framereceived", (f) => {
      const text = typeof f.payload === "string" ? f.payload : "";
      if (text.includes('"screenshot"')) seen.frames += 1;
      seen.socketMessages.push(text);
    });
    ws.on("framesent", (f) => seen.socketMessages.push(typeof f.payload === "string" ? f.payload : ""));
  });
  return { page, seen };
}

// In the page: whether the canvas shows a drawn frame (alpha 255 in the middle).
const drawn = () => {
  const c = document.querySelector("#live-view canvas");
  if (!c || !c.width) return false;
  return c.getContext("2d").getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data[3] === 255;
};

test("demo through the edge proxy: no key in the page; REST, live view, control and a task through the proxy", { skip: skipReason(), timeout: 240_000 }, async (t) => {
  await setup();
  mkdirSync(shotDir, { recursive: true });
  const { page, seen } = await watchedPage();
  const started = (await upstreamLog()).length;

  await page.goto(`${env.base}/`);
  await page.waitForSelector('#conn-summary[data-tone="ok"]', { timeout: 20_000 });
  assert.equal(await page.inputValue("#api-key"), "", "the page has no key");
  assert.equal(await page.inputValue("#base-url"), `${env.base}/api/skyvern`);
  assert.match(await page.textContent("#conn-summary"), /no key \(edge proxy, live-view tickets\)/);

  // --- create: frames through the proxy, with a view ticket ---------------------------------------------
  await page.click("#create-btn");
  await page.waitForSelector("#live-view .skyvern-live");
  const sessionId = (await page.textContent("#session-id")).trim();
  assert.match(sessionId, /^pbs_\d+$/);
  await page.waitForSelector('#live-view[data-state="live"]', { timeout: 30_000 });
  await waitFor("a frame drawn on the canvas", () => page.evaluate(drawn));
  const viewSocket = seen.sockets.find((u) => u.includes(`/api/skyvern/v1/stream/browser_sessions/${sessionId}?`));
  assert.ok(viewSocket, `the screencast went through the proxy (${seen.sockets.join(", ")})`);
  assert.match(new URL(viewSocket).searchParams.get("ticket") ?? "", /^v1\.view\.\d+\./, "with a view ticket");
  await page.screenshot({ path: path.join(shotDir, "proxy-1-live.png") });

  // --- take control: the input socket with a control ticket, `ready` came through ------------------------
  await page.click("#control-btn");
  await page.waitForSelector('#live-view .skyvern-live[data-control="true"]', { timeout: 15_000 });
  const inputSocket = seen.sockets.find((u) => u.includes(`/api/skyvern/v1/stream/cdp_input/browser_session/${sessionId}?`));
  assert.match(new URL(inputSocket).searchParams.get("ticket") ?? "", /^v1\.control\.\d+\./, "with a control ticket");
  assert.ok(seen.socketMessages.some((m) => m.includes('"take-control"')), "take-control was sent");
  await page.click("#control-btn");

  // --- a task through the proxy ------------------------------------------------------------------------
  await page.fill("#run-prompt", "Open the test page and read its heading");
  await page.fill("#run-url", env.testUrl);
  await page.click("#run-btn");
  await page.waitForSelector('#runs > li:nth-child(1)[data-status="completed"]', { timeout: 90_000 });
  await page.screenshot({ path: path.join(shotDir, "proxy-2-task.png") });

  // --- close ---------------------------------------------------------------------------------------------
  await page.click("#close-session-btn");
  await page.waitForSelector('#live-view[data-state="ended"]', { timeout: 20_000 });
  assert.match(await page.textContent("#live-view"), /Session ended/);
  t.diagnostic(`frames received through the proxy: ${seen.frames}; sockets: ${seen.sockets.length}`);
  assert.ok(seen.frames >= 1, "frames came through the proxy");
  await page.screenshot({ path: path.join(shotDir, "proxy-3-ended.png") });

  // --- upstream saw the key on everything, added server-side; never the ticket ----------------------------
  const log = (await upstreamLog()).slice(started);
  const paths = log.map((r) => `${r.method} ${r.path}`);
  for (const want of ["POST /v1/browser_sessions", "GET /v1/browser_sessions", `GET /v1/browser_sessions/${sessionId}`,
    `GET /v1/stream/browser_sessions/${sessionId}`, `GET /v1/stream/cdp_input/browser_session/${sessionId}`,
    "POST /v1/run/tasks", `POST /v1/browser_sessions/${sessionId}/close`]) {
    assert.ok(paths.includes(want), `upstream saw ${want} (${[...new Set(paths)].join(", ")})`);
  }
  assert.ok(paths.some((p) => p.startsWith("GET /v1/runs/")), "the run was polled through the proxy");
  assert.deepEqual(log.filter((r) => r.api_key !== "valid").map((r) => `${r.method} ${r.path}: ${r.api_key}`), [],
    "every request upstream carried the key");
  assert.ok(log.every((r) => r.headers.cookie === undefined && r.headers.origin === undefined), "the page's cookie and origin stay at the proxy");
  assert.ok(log.filter((r) => r.path.includes("/stream/")).every((r) => !String(r.query).includes("ticket")), "tickets stay at the proxy");
  t.diagnostic(`upstream requests: ${log.length} (${log.filter((r) => r.path.includes("/stream/")).length} sockets), all with the key`);

  // --- and the browser never saw it ------------------------------------------------------------------------
  const storage = await page.evaluate(() => JSON.stringify({ c: document.cookie, l: { ...localStorage }, s: { ...sessionStorage } }));
  const everything = [...seen.urls, ...seen.sockets, ...seen.texts, ...seen.console, ...seen.socketMessages, await page.content(), storage];
  const hits = everything.filter((s) => s.includes(apiKey));
  assert.deepEqual(hits.map((s) => s.slice(0, 200)), [], "the key appears nowhere the browser can see");
  assert.ok(seen.texts.length > 20 && seen.socketMessages.length >= seen.frames, "the scan covered responses and socket frames");
  assert.deepEqual(seen.console.filter((l) => l.startsWith("error") || l.startsWith("pageerror")), [], "no console errors");
  assertNoKeyPrinted();
  await page.close();
});

test("demo through the edge proxy: a socket without a valid ticket is refused before upstream; the page says so", { skip: skipReason(), timeout: 120_000 }, async () => {
  await setup();
  mkdirSync(shotDir, { recursive: true });
  // Without the page's cookie the ticket route refuses (the app's own authorization).
  const anon = await fetch(`${env.base}/app/live-ticket/pbs_1?op=liveView`);
  assert.equal(anon.status, 401);
  const { page, seen } = await watchedPage();
  // The page gets a forged ticket instead of a minted one.
  const forged = `v1.view.${Math.floor(Date.now() / 1000) + 300}.${"A".repeat(43)}`;
  await page.route("**/app/live-ticket/**", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ ticket: forged }) }));
  await page.goto(`${env.base}/`);
  await page.waitForSelector('#conn-summary[data-tone="ok"]', { timeout: 20_000 });
  const before = (await upstreamLog()).length;
  await page.click("#create-btn");
  await page.waitForSelector("#live-view .skyvern-live");
  const sessionId = (await page.textContent("#session-id")).trim();
  await page.waitForSelector('#live-view[data-state="fallback"]', { timeout: 15_000 });
  await page.waitForSelector("#live-error:not([hidden])", { timeout: 5_000 });
  const error = await page.textContent("#live-error");
  assert.match(error, /refused/i, `the page says the live view was refused: ${error}`);
  assert.ok(!error.includes(apiKey));
  // Not a blank box: the app_url frame and a new-tab link.
  assert.ok(await page.isVisible("#live-view iframe.skyvern-live-frame"), "the fallback frame is shown");
  assert.ok(await page.isVisible("#live-view a.skyvern-live-link"), "the new-tab link is shown");
  await page.screenshot({ path: path.join(shotDir, "proxy-4-refused.png") });
  await new Promise((r) => setTimeout(r, 3000));
  const tries = seen.sockets.filter((u) => u.includes(`/stream/browser_sessions/${sessionId}`));
  assert.equal(tries.length, 1, `one try, no reconnect storm (${tries.length})`);
  assert.equal(new URL(tries[0]).searchParams.get("ticket"), forged);
  const streams = (await upstreamLog()).slice(before).filter((r) => r.path.includes("/stream/"));
  assert.deepEqual(streams, [], "the refused socket never reached upstream");
  assert.ok(seen.texts.every((s) => !s.includes(apiKey)) && seen.urls.every((s) => !s.includes(apiKey)));
  await page.click("#close-session-btn");
  await page.close();
});

test("demo through the edge proxy: sign in by hand, the profile is saved through the proxy, a session from it starts signed in", { skip: skipReason(), timeout: 180_000 }, async () => {
  await setup();
  mkdirSync(shotDir, { recursive: true });
  // The test site is reachable on the demo's origin, its cookie passes, the app's own does not.
  const form = await fetch(`${env.base}/test-site/login`, { headers: { cookie: "skyvern-demo=secret" } });
  assert.equal(form.status, 200);
  assert.match(await form.text(), /Sign in to the test site/);
  const signIn = await fetch(`${env.base}/test-site/login`, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "username=demo&password=let-me-in",
  });
  assert.match(signIn.headers.getSetCookie().join("\n"), /^test_site_session=demo\./, "the site's cookie comes back");
  const { page, seen } = await watchedPage();
  await page.goto(`${env.base}/`);
  await page.waitForSelector('#conn-summary[data-tone="ok"]', { timeout: 20_000 });
  assert.equal(await page.inputValue("#signin-url"), `${env.base}/test-site/login`);
  const before = (await upstreamLog()).length;

  await page.click("#signin-btn");
  const view = "#signin-view .skyvern-live";
  await page.waitForSelector(`${view}[data-state="live"][data-control="true"]`, { timeout: 30_000 });
  const real = !process.env.SKYVERN_E2E_NO_BROWSER;
  if (real) {
    await waitFor("the sign-in page in the view", async () => (await page.textContent(`${view} .skyvern-live-url`)).endsWith("/test-site/login"), 20_000);
    await typeTestSiteLogin(page, view);
    await waitFor("the account page", async () => (await page.textContent(`${view} .skyvern-live-url`)).endsWith("/test-site/account"), 20_000);
  }
  await page.click("#signin-view .skyvern-handoff-done");
  await page.waitForSelector("#profile-session-btn:not([hidden])", { timeout: 30_000 });
  const profileId = await page.getAttribute("#profile-session-btn", "data-profile");
  assert.match(profileId, /^bp_/);
  assert.equal(await page.isVisible("#signin-error"), false, await page.textContent("#signin-error"));

  await page.click("#profile-session-btn");
  await page.waitForSelector("#session-detail:not([hidden])");
  if (real) {
    await waitFor("the signed-in page in the main view", async () => (await page.textContent("#live-view .skyvern-live-url"))?.endsWith("/test-site/account"), 30_000);
  }
  await page.screenshot({ path: path.join(shotDir, "proxy-5-signed-in.png") });
  const log = (await upstreamLog()).slice(before);
  const create = log.find((r) => r.method === "POST" && r.path === "/v1/browser_profiles");
  assert.ok(create, `the profile was created through the proxy (${[...new Set(log.map((r) => `${r.method} ${r.path}`))].join(", ")})`);
  assert.equal(create.api_key, "valid", "with the key added server-side");
  const fromProfile = log.filter((r) => r.method === "POST" && r.path === "/v1/browser_sessions").map((r) => (typeof r.body === "string" ? JSON.parse(r.body) : r.body));
  assert.equal(fromProfile.at(-1)?.browser_profile_id, profileId, "the next session was created from the profile");
  assert.deepEqual(seen.console.filter((l) => l.startsWith("error") || l.startsWith("pageerror")), [], "no console errors");
  await page.click("#close-session-btn");
  await page.close();
});

function assertNoKeyPrinted() {
  const printed = env.server.printed().join("\n");
  assert.ok(!printed.includes(apiKey), "the demo server never printed the key");
}
