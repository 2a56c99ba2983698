// End-to-end test of the live view (the package's mountLiveView, in the demo page) on the local
// emulator, in Debian's headless Chromium.
//
// Starts its own emulator (test controls, www/ and pkg/ on one origin; sessions backed by a real
// headless Chromium when the emulator has one) and a tiny test page on 127.0.0.1, then: create a
// session → the canvas shows frames → a task opens the test page (output shown) → take control and
// click a button on it → the next frame shows the change → type into a field → a second task reads
// the page the user changed → close → "Session ended". Also: a refused key stops the stream at once
// (no reconnect storm) and falls back to the framed app_url with a new-tab link.
// Screenshots go to target/e2e/live-*.png.
//
//   node --test tests/e2e/live-view.test.mjs
//
// Env: SKYVERN_EMULATOR_BIN (default target/debug/skyvern-emulator); SKYVERN_E2E_NO_BROWSER=1 runs the
// emulator without Chromium (drawn frames; the click-changes-the-page part is skipped with a message).

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromiumBin, root, shotDir, skipReason, startEmulator as startWith, waitFor } from "./helpers.mjs";

/** The emulator with the clock these tests use, and without Chromium when SKYVERN_E2E_NO_BROWSER is set. */
function startEmulator(apiKey, www = path.join(root, "www"), extra = []) {
  const noBrowser = process.env.SKYVERN_E2E_NO_BROWSER ? ["--no-browser"] : [];
  return startWith(apiKey, ["--time-scale", "600", ...noBrowser, ...extra], www);
}


// The page the remote browser opens. The button turns the whole page green and counts clicks in the
// heading; the field writes what was typed into the title (which a task reports as output).
const TEST_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Live view test page</title>
<style>
  html, body { margin: 0; height: 100%; background: #ffffff; font: 24px sans-serif; }
  body.clicked { background: #0a8a3a; }
  h1 { margin: 0; padding: 20px 40px; height: 60px; }
  #btn { position: absolute; left: 40px; top: 120px; width: 400px; height: 200px; font-size: 32px;
         background: #1f4fd1; color: #fff; border: 0; }
  #field { position: absolute; left: 40px; top: 380px; width: 400px; height: 60px; font-size: 28px; }
</style></head><body>
<h1 id="h">Not clicked</h1>
<button id="btn" type="button">Click me</button>
<input id="field" aria-label="Field" autocomplete="off">
<script>
  let n = 0;
  document.getElementById("btn").addEventListener("click", () => {
    n += 1;
    document.getElementById("h").textContent = "CLICKED " + n;
    document.body.className = "clicked";
  });
  document.getElementById("field").addEventListener("input", (e) => { document.title = "typed:" + e.target.value; });
</script></body></html>`;

function startTestPage() {
  const server = createServer((req, res) => {
    if (req.url === "/" || req.url.startsWith("/?")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(TEST_PAGE);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Debian's headless Chromium with a throw-away profile (a persistent context: a page and its viewport). */
function launch(chromium, profile, viewport) {
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumBin,
    headless: true,
    viewport,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

// In the page: what the canvas shows. `colours`: distinct colours on a 16×9 grid; `alpha`: 0 until a
// frame was drawn (about:blank is a drawn, opaque white frame);
// `at(fx, fy)`: the RGB at a fraction of the remote viewport (the picture fills the canvas, whose box
// has the viewport's aspect ratio).
const canvasStats = ([fx, fy]) => {
  const c = document.querySelector("#live-view canvas");
  if (!c || !c.width) return null;
  const ctx = c.getContext("2d");
  const colours = new Set();
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 9; j++) {
      const d = ctx.getImageData(Math.floor(((i + 0.5) * c.width) / 16), Math.floor(((j + 0.5) * c.height) / 9), 1, 1).data;
      colours.add(`${d[0] >> 3},${d[1] >> 3},${d[2] >> 3}`);
    }
  }
  const d = ctx.getImageData(Math.floor(fx * c.width), Math.floor(fy * c.height), 1, 1).data;
  return { colours: colours.size, at: [d[0], d[1], d[2]], alpha: d[3], w: c.width, h: c.height };
};

test("live view: frames, take control and click, tasks, session ended", { skip: skipReason(), timeout: 240_000 }, async (t) => {
  const { chromium } = await import("playwright-core");
  mkdirSync(shotDir, { recursive: true });
  const apiKey = `emu_e2e_${randomBytes(6).toString("hex")}`;
  const emu = startEmulator(apiKey);
  const testPage = await startTestPage();
  const testUrl = `http://127.0.0.1:${testPage.address().port}/`;
  const profile = mkdtempSync(path.join(tmpdir(), "skyvern-live-e2e-"));
  let browser;
  t.after(async () => {
    await browser?.close().catch(() => {});
    emu.child.kill("SIGTERM");
    testPage.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const base = await emu.ready;

  browser = await launch(chromium, profile, { width: 1280, height: 800 });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const sockets = [];
  // Image formats of the screencast: a real browser streams JPEG, the emulator's drawn frames are PNG.
  const formats = new Set();
  page.on("websocket", (ws) => {
    sockets.push(ws.url());
    ws.on("framereceived", (f) => {
      const m = /"format":"(\w+)"/.exec(typeof f.payload === "string" ? f.payload.slice(0, 300) + f.payload.slice(-400) : "");
      if (m) formats.add(m[1]);
    });
  });
  const httpUrls = [];
  page.on("request", (r) => httpUrls.push(r.url()));

  await page.goto(`${base}/?key=${encodeURIComponent(apiKey)}`);
  await page.waitForSelector('#conn-summary[data-tone="ok"]', { timeout: 15_000 });

  // --- Create: the placeholder, then frames on the canvas ------------------------------------------------
  await page.click("#create-btn");
  await page.waitForSelector("#live-view .skyvern-live");
  const sessionId = (await page.textContent("#session-id")).trim();
  assert.match(sessionId, /^pbs_\d+$/);
  await page.waitForSelector('#live-view[data-state="live"]', { timeout: 30_000 });
  assert.ok(await page.isVisible("#live-view canvas"), "the stream is drawn on a canvas");
  const first = await waitFor("a drawn frame", async () => {
    const s = await page.evaluate(canvasStats, [0.5, 0.5]);
    return s && s.alpha === 255 ? s : null;
  });
  t.diagnostic(`first frame: ${first.colours} colours on the grid, canvas ${first.w}×${first.h}`);
  assert.ok(sockets.some((u) => u.includes(`/v1/stream/browser_sessions/${sessionId}`)), "the screencast socket was opened");
  await page.screenshot({ path: path.join(shotDir, "live-1-first-frame.png") });

  const real = formats.has("jpeg");
  t.diagnostic(real ? "the session is backed by a real Chromium" : "the session streams the emulator's drawn frames");

  // --- Task 1 opens the test page; its output is shown and the URL bar follows ------------------------------
  await page.fill("#run-prompt", "Open the test page and read its heading");
  await page.fill("#run-url", testUrl);
  await page.click("#run-btn");
  await page.waitForSelector('#runs > li:nth-child(1)[data-status="completed"]', { timeout: 60_000 });
  const out1 = await page.textContent("#runs > li:nth-child(1)");
  if (real) assert.match(out1, /Live view test page/, "task 1 output shows the page title");
  await waitFor("the URL bar to show the test page", async () =>
    ((await page.textContent("#live-view .skyvern-live-url")) ?? "").includes(testUrl));

  if (!real) {
    t.diagnostic("SKIPPED: click-changes-the-page: this emulator streams drawn frames (no Chromium), so a click cannot change a page");
  } else {
    // The page is white below the field until the button is clicked.
    const below = [0.5, 0.92];
    await waitFor("the test page in the frame", async () => {
      const s = await page.evaluate(canvasStats, below);
      return s && s.at.every((v) => v > 230);
    });
    const shown = await page.evaluate(canvasStats, below);
    assert.ok(shown.colours >= 3, `the test page's frame is not blank (${shown.colours} colours)`);
    await page.screenshot({ path: path.join(shotDir, "live-2-test-page.png") });

    // --- Take control and click the button through the canvas ----------------------------------------------
    await page.click("#control-btn");
    assert.equal(await page.getAttribute("#control-btn", "aria-pressed"), "true");
    await page.waitForSelector('#live-view .skyvern-live[data-control="true"]', { timeout: 15_000 });
    const box = await page.locator("#live-view canvas").boundingBox();
    const vp = await page.$eval("#live-view .skyvern-live-stage", (s) => s.style.aspectRatio);
    const [vw, vh] = vp.split("/").map((v) => Number(v.trim()));
    assert.ok(vw > 0 && vh > 0, `the stage has the viewport's aspect ratio (${vp})`);
    const at = (x, y) => [box.x + (x / vw) * box.width, box.y + (y / vh) * box.height];
    const clickedAt = Date.now();
    await page.mouse.click(...at(240, 220));
    await waitFor("the next frame to show the clicked page", async () => {
      const s = await page.evaluate(canvasStats, below);
      return s && s.at[1] > 100 && s.at[0] < 60 && s.at[2] < 100;
    });
    t.diagnostic(`click → changed frame in ${Date.now() - clickedAt} ms`);
    await page.screenshot({ path: path.join(shotDir, "live-3-clicked.png") });

    // --- Type into the field: printable keys as text; arrows and Backspace as raw keys --------------------
    await page.mouse.click(...at(240, 410));
    await page.keyboard.type("Hiy!");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("End");
    // The page itself never got these keys.
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "CANVAS");

    await page.click("#control-btn");
    assert.equal(await page.getAttribute("#control-btn", "aria-pressed"), "false");
    await page.waitForSelector('#live-view .skyvern-live[data-control="false"]', { timeout: 5_000 });
  }

  // --- Task 2 in the same session reads the page as the user left it -----------------------------------------
  await page.fill("#run-prompt", "Read the heading of the current page");
  await page.fill("#run-url", "");
  await page.click("#run-btn");
  await waitFor("the second run", async () => (await page.$$("#runs > li")).length === 2);
  await page.waitForSelector('#runs > li:nth-child(1)[data-status="completed"]', { timeout: 60_000 });
  const out2 = await page.textContent("#runs > li:nth-child(1)");
  if (real) {
    assert.match(out2, /CLICKED 1/, "the click reached the page");
    // "Hiy!", two steps left, Backspace: the "i" before the caret goes.
    assert.match(out2, /typed:Hy!/, "the keys reached the field");
  }
  await page.screenshot({ path: path.join(shotDir, "live-4-second-task.png") });

  // --- Close: "Session ended", sockets closed, no reconnects -----------------------------------------------------
  await page.click("#close-session-btn");
  await page.waitForSelector('#live-view[data-state="ended"]', { timeout: 15_000 });
  assert.match(await page.textContent("#live-view"), /Session ended/);
  assert.match(await page.textContent("#live-view"), /completed/);
  assert.ok(await page.isHidden("#control-btn"), "no control of an ended session");
  const socketsAtEnd = sockets.length;
  await page.screenshot({ path: path.join(shotDir, "live-5-ended.png") });
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(sockets.length, socketsAtEnd, "no socket is opened after the session ended");

  // The key travels only in the stream sockets' URLs (the protocol's only credential); never in HTTP URLs.
  assert.deepEqual(httpUrls.slice(1).filter((u) => u.includes(apiKey)), []);
  assert.deepEqual(consoleErrors, [], "no console errors");
});

/** An emulator serving only a blank page (which hosts the view), one session on it, and a
 * Chromium profile; all removed when `t` ends. `extra` are emulator flags. */
async function bareSetup(t, title, extra = []) {
  const apiKey = `emu_e2e_${randomBytes(6).toString("hex")}`;
  const blank = mkdtempSync(path.join(tmpdir(), "skyvern-live-www-"));
  writeFileSync(path.join(blank, "index.html"), `<!doctype html><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">`);
  const emu = startEmulator(apiKey, blank, extra);
  const profile = mkdtempSync(path.join(tmpdir(), "skyvern-live-e2e-"));
  const state = { browser: null };
  t.after(async () => {
    await state.browser?.close().catch(() => {});
    emu.child.kill("SIGTERM");
    rmSync(profile, { recursive: true, force: true });
    rmSync(blank, { recursive: true, force: true });
  });
  const base = await emu.ready;
  const created = await fetch(`${base}/v1/browser_sessions`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: "{}",
  });
  return { apiKey, emu, base, profile, state, session: await created.json() };
}

test("live view: a refused key stops at once and falls back to app_url with a new-tab link", { skip: skipReason(), timeout: 120_000 }, async (t) => {
  const { chromium } = await import("playwright-core");
  mkdirSync(shotDir, { recursive: true });
  // A blank page on the emulator's origin hosts the view.
  const { apiKey, emu, base, profile, state, session } = await bareSetup(t, "blank");
  const browser = (state.browser = await launch(chromium, profile, { width: 900, height: 700 }));
  const page = browser.pages()[0] ?? (await browser.newPage());
  const sockets = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(`${base}/`);
  const result = await page.evaluate(async (s) => {
    const { mountLiveView, ForbiddenError, SkyvernError } = await import("/pkg/web.js");
    document.body.innerHTML = '<div id="v" style="width:640px;height:400px"></div>';
    const el = document.getElementById("v");
    const errors = [];
    // Without dangerouslyAllowBrowser a key is refused before anything is opened.
    let guard = "";
    try {
      mountLiveView(el, s, { streamBaseUrl: location.origin, apiKey: "emu_wrong" });
    } catch (e) {
      guard = e instanceof SkyvernError ? e.message : String(e);
    }
    const view = mountLiveView(el, s, {
      streamBaseUrl: location.origin,
      apiKey: "emu_wrong",
      dangerouslyAllowBrowser: true,
      onError: (e) => errors.push({ forbidden: e instanceof ForbiddenError, message: e.message }),
    });
    await new Promise((r) => setTimeout(r, 3000));
    const frame = el.querySelector("iframe");
    const link = el.querySelector("a.skyvern-live-link");
    const out = {
      guard,
      errors,
      state: el.dataset.state,
      iframe: frame && { src: frame.getAttribute("src"), sandbox: frame.getAttribute("sandbox"), referrer: frame.getAttribute("referrerpolicy") },
      link: link && !link.hidden ? { href: link.href, text: link.textContent } : null,
    };
    window.liveViewUnderTest = view;
    return out;
  }, session);
  await page.screenshot({ path: path.join(shotDir, "live-6-refused-fallback.png") });
  result.afterDestroy = await page.evaluate(() => {
    window.liveViewUnderTest.destroy();
    return document.getElementById("v").childElementCount;
  });

  assert.match(result.guard, /dangerouslyAllowBrowser/);
  assert.ok(!result.guard.includes("emu_wrong"), "the key is not in the message");
  assert.equal(result.errors.length, 1, "one error, reported once");
  assert.ok(result.errors[0].forbidden, "a refused credential is a ForbiddenError");
  assert.ok(!result.errors[0].message.includes("emu_wrong"));
  assert.equal(sockets.length, 1, `one try, no reconnect storm (${sockets.length} sockets)`);
  assert.equal(result.state, "fallback");
  assert.equal(result.iframe?.src, session.app_url);
  assert.equal(result.iframe?.referrer, "no-referrer");
  assert.ok(result.iframe?.sandbox, "the framed app is sandboxed");
  assert.equal(result.link?.href, session.app_url);
  assert.match(result.link?.text ?? "", /Open live view in a new tab/);
  assert.equal(result.afterDestroy, 0, "destroy() empties the element");
});

// A host page without a `[hidden] { display: none }` rule (the demo page has one): once frames
// are drawn nothing may cover the canvas, or every pointer event misses it.
test("live view: in a bare page the pointer reaches the canvas and a click goes over the input socket", { skip: skipReason(), timeout: 120_000 }, async (t) => {
  const { chromium } = await import("playwright-core");
  // Drawn frames are enough here: what is checked is what the view sends.
  const { apiKey, emu, base, profile, state, session } = await bareSetup(t, "bare", ["--no-browser"]);
  const browser = (state.browser = await launch(chromium, profile, { width: 900, height: 700 }));
  const page = browser.pages()[0] ?? (await browser.newPage());
  const sent = [];
  page.on("websocket", (ws) => {
    if (ws.url().includes("/v1/stream/cdp_input/")) ws.on("framesent", (f) => sent.push(JSON.parse(f.payload)));
  });
  await page.goto(`${base}/`);
  await page.evaluate(async ({ s, key }) => {
    const { mountLiveView } = await import("/pkg/web.js");
    document.body.innerHTML = '<div id="v" style="width:640px;height:400px"></div>';
    mountLiveView(document.getElementById("v"), s, { streamBaseUrl: location.origin, apiKey: key, dangerouslyAllowBrowser: true, interactive: true });
  }, { s: session, key: apiKey });
  await page.waitForSelector('#v[data-state="live"] .skyvern-live[data-control="true"]', { timeout: 30_000 });
  const box = await page.locator("#v canvas").boundingBox();
  const centre = [box.x + box.width / 2, box.y + box.height / 2];
  const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.className, centre);
  assert.equal(hit, "skyvern-live-canvas", "nothing covers the canvas once it is live");
  await page.mouse.click(...centre);
  await waitFor("the click on the input socket", () => sent.some((m) => m.eventType === "mouseReleased"));
  const clicks = sent.filter((m) => m.kind === "mouseEvent" && m.eventType !== "mouseMoved").map((m) => m.eventType);
  assert.deepEqual(clicks, ["mousePressed", "mouseReleased"]);
});
