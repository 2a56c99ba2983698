// The live view (the package's `mountLiveView`, imported from the built pkg/web.js) against the
// real open-source Skyvern server run.sh starts (SKYVERN_REAL_URL + SKYVERN_REAL_API_KEY; cdp
// streaming, a real headless Chromium per session), in Debian's headless Chromium driven by
// playwright-core:
//
//   a session, ready → a page on 127.0.0.1 mounts the view straight on the server's sockets
//   (`apiKey` + `dangerouslyAllowBrowser`, `interactive: true`) → frames are drawn on the canvas
//   and the callbacks report the stream → `navigate(url)` opens a local test page in the remote
//   browser → a click through the canvas at the button's mapped position reaches the remote page:
//   seen in a later frame (the page turns from red to green) and, independently, over CDP on the
//   session's `browser_address` (Runtime.evaluate: the click count, `isTrusted`, where it landed)
//   → closing the session ends the view without reconnects.
//
// The session is closed in `after`, whatever happened (it holds a browser of about 1 GB).
// Screenshots: target/e2e/real-live-*.png.
//
//   bash tests/real-server/run.sh tests/real-server/live-view.test.mjs
//
// The local pages, the canvas probe and the socket recorder are in live-view-pages.mjs.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REAL, send, pollUntil, closeQuietly, startLocalPage, sleep } from "./targets.mjs";
import {
  root,
  pkgDir,
  BUTTON,
  TEST_PAGE,
  BACKGROUND,
  startHarness,
  canvasStats,
  isRed,
  isGreen,
  waitFor,
  recordStreamSockets,
} from "./live-view-pages.mjs";

const shotDir = path.join(root, "target/e2e");
const CHROMIUM = "/usr/bin/chromium";

let playwright = null;
try {
  playwright = await import("playwright-core");
} catch {
  // reported as the skip reason below
}

function skipReason() {
  if (!REAL) return "not configured: run tests/real-server/run.sh (it sets SKYVERN_REAL_URL and SKYVERN_REAL_API_KEY)";
  for (const f of ["skyvern_wasm_bg.wasm", "skyvern.js", "web.js"]) {
    if (!existsSync(path.join(pkgDir, f))) return `pkg/${f} is missing: build the package first (cargo xtask build)`;
  }
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: apt-get install chromium`;
  if (!playwright) return "playwright-core is not installed: npm ci";
  return false;
}

// ---------------------------------------------------------------- the suite

const skip = skipReason();
if (skip) {
  test("mountLiveView against the real open-source Skyvern server", { skip }, () => {});
} else {
  describe("mountLiveView against the real open-source Skyvern server", () => {
    const opened = new Set();
    let session; // as created (status "created"): what an app hands to mountLiveView
    let ready; // the same session once its browser is up
    let remotePage;
    let harness;
    let profile;
    let browser; // the local Chromium that shows the view
    let page;
    let cdpBrowser; // playwright-core connected over CDP to the session's own browser
    let failed = null;
    const consoleErrors = [];
    // What went over the sockets, seen from Node (independent of the view's own bookkeeping).
    const screencast = { sockets: 0, paths: [], keyInQuery: [], frames: [], statuses: [] };
    const input = { sockets: 0, sent: [], received: [] };
    let mountedAt = 0;

    /** Steps depend on the one before: after a failure the rest are skipped, naming it. */
    function step(name, fn, timeout = 90_000) {
      test(name, { timeout }, async (t) => {
        if (failed) {
          t.skip(`needs the step that failed: ${failed}`);
          return;
        }
        try {
          await fn(t);
        } catch (e) {
          failed = name;
          throw e;
        }
      });
    }

    const shot = (name) => page.screenshot({ path: path.join(shotDir, `real-live-${name}.png`) });
    const stats = (fx, fy) => {
      const f = screencast.frames.at(-1);
      return page.evaluate(canvasStats, [fx, fy, f?.vw || 16, f?.vh || 9]);
    };
    const log = () => page.evaluate(() => window.liveLog);
    const viewState = () => page.evaluate(() => document.getElementById("view").dataset.state ?? null);

    /** What the view and the sockets showed, for the message of a step that timed out. */
    async function evidence() {
      const f = screencast.frames.at(-1);
      const seen = await Promise.all([viewState(), stats(...BACKGROUND), log()]).catch((e) => [String(e)]);
      return (
        `view state ${JSON.stringify(seen[0])}, canvas ${JSON.stringify(seen[1])}, callbacks ${JSON.stringify(seen[2])}; ` +
        `${screencast.frames.length} frame(s), last ${f ? `${f.vw}×${f.vh} ${f.url}` : "none"}, statuses ${JSON.stringify(screencast.statuses)}; ` +
        `input socket(s) ${input.sockets}, sent ${JSON.stringify(input.sent)}, received ${JSON.stringify(input.received)}`
      );
    }

    /** Runs `expression` in the remote page over CDP; returns its value. */
    async function remoteEval(expression) {
      const remote = cdpBrowser
        .contexts()
        .flatMap((c) => c.pages())
        .find((p) => p.url().startsWith(remotePage.url));
      assert.ok(remote, `the session's browser has a tab on the test page (tabs: ${cdpBrowser.contexts().flatMap((c) => c.pages()).map((p) => p.url()).join(", ")})`);
      const cdp = await remote.context().newCDPSession(remote);
      try {
        const r = await cdp.send("Runtime.evaluate", { expression, returnByValue: true });
        assert.equal(r.exceptionDetails, undefined, `Runtime.evaluate threw: ${JSON.stringify(r.exceptionDetails)}`);
        return r.result.value;
      } finally {
        await cdp.detach().catch(() => {});
      }
    }

    before(async () => {
      mkdirSync(shotDir, { recursive: true });
      remotePage = await startLocalPage(TEST_PAGE);
      harness = await startHarness();
      const created = await send(REAL, { method: "POST", path: "/v1/browser_sessions", json: { timeout: 10 } });
      assert.equal(created.status, 200, `create: ${created.status} ${created.text.slice(0, 300)}`);
      session = created.json;
      opened.add(session.browser_session_id);
      ready = (
        await pollUntil(
          REAL,
          `/v1/browser_sessions/${session.browser_session_id}`,
          (s) => s.status === "running" && typeof s.browser_address === "string",
          { timeoutMs: 120_000 },
        )
      ).json;

      profile = mkdtempSync(path.join(tmpdir(), "skyvern-real-live-"));
      browser = await playwright.chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1000, height: 700 },
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      });
      page = browser.pages()[0] ?? (await browser.newPage());
      page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
      page.on("pageerror", (e) => consoleErrors.push(String(e)));
      recordStreamSockets(page, REAL.key, screencast, input);
      await page.goto(harness.url);
    });

    after(async () => {
      if (failed && page) await shot("failure").catch(() => {});
      await cdpBrowser?.close().catch(() => {}); // over CDP this only disconnects
      await browser?.close().catch(() => {});
      // Close whatever this suite opened, even after a failure (run.sh also closes what is left).
      await closeQuietly(REAL, opened);
      await remotePage?.close();
      await harness?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    step("frames arrive: the canvas is drawn and the view reports the stream", async (t) => {
      const id = session.browser_session_id;
      assert.equal(session.status, "created", "mounted with the session as created");
      mountedAt = Date.now();
      await page.evaluate(
        async ({ session, base, key }) => {
          const { mountLiveView } = await import("/pkg/web.js");
          const log = (window.liveLog = { statuses: [], urls: [], ended: [], errors: [] });
          window.liveView = mountLiveView(document.getElementById("view"), session, {
            streamBaseUrl: base,
            apiKey: key,
            dangerouslyAllowBrowser: true,
            interactive: true,
            onStatus: (s) => log.statuses.push(s),
            onUrl: (u) => log.urls.push(u),
            onEnded: (s) => log.ended.push(s),
            onError: (e) => log.errors.push(`${e.name}: ${e.message}`),
          });
        },
        { session, base: REAL.url, key: REAL.key },
      );
      await waitFor("the view to go live", async () => (await viewState()) === "live", { context: evidence });
      const first = await waitFor("a frame drawn on the canvas", async () => {
        const s = await stats(0.5, 0.5);
        return s && s.alpha === 255 ? s : null;
      }, { context: evidence });
      const firstFrameMs = screencast.frames[0] ? screencast.frames[0].at - mountedAt : NaN;
      assert.ok(screencast.frames.length >= 1, "the screencast socket delivered frames");
      assert.equal(screencast.sockets, 1, "one screencast socket");
      assert.deepEqual(screencast.paths, [`/v1/stream/browser_sessions/${id}`]);
      assert.deepEqual(screencast.keyInQuery, [true], "the key goes as ?apikey= (the server reads no header)");
      const f = screencast.frames.at(-1);
      assert.equal(f.format, "jpeg", "a real browser streams JPEG");
      assert.ok(f.vw > 0 && f.vh > 0, `frames carry the viewport size (${f.vw}×${f.vh})`);
      // The browser may still be settling its window size: the stage follows the newest frame
      // once it is drawn (one per animation frame).
      await waitFor("the stage to take the remote viewport's aspect ratio", async () => {
        const last = screencast.frames.at(-1);
        const aspect = await page.$eval("#view .skyvern-live-stage", (s) => s.style.aspectRatio);
        return aspect === `${last.vw} / ${last.vh}`;
      }, { timeoutMs: 10_000, context: async () => `stage ${await page.$eval("#view .skyvern-live-stage", (s) => s.style.aspectRatio)}, frames ${screencast.frames.map((x) => `${x.vw}x${x.vh}`).join(" ")}` });
      const l = await log();
      assert.ok(l.statuses.includes("running"), `onStatus reported the stream running (${l.statuses.join(", ")})`);
      assert.deepEqual(l.errors, [], "no errors");
      // With interactive: true the view opens the input socket and takes control on `ready`.
      await waitFor("control to be taken", () =>
        page.evaluate(() => document.querySelector("#view .skyvern-live")?.dataset.control === "true"), { context: evidence });
      assert.equal(input.received[0], "ready", "the input socket said ready first");
      assert.deepEqual(input.sent.map((m) => m.kind), ["take-control"], "take-control, and nothing else yet");
      await shot("1-frames");
      t.diagnostic(
        `first frame ${firstFrameMs} ms after mounting; ${screencast.frames.length} frame(s) so far ` +
          `(${f.vw}×${f.vh} viewport, last ${f.bytes} B); canvas ${first.w}×${first.h}, ${first.colours} colour(s) on the grid; url ${f.url}`,
      );
    });

    step("navigate(url) over the input socket opens the test page; its frames are drawn", async (t) => {
      const asked = Date.now();
      assert.equal(await page.evaluate((u) => window.liveView.navigate(u), remotePage.url), true, "navigate() was accepted");
      await waitFor("onUrl to report the test page", async () => (await log()).urls.includes(remotePage.url), { context: evidence });
      const shown = await waitFor("the test page's frame on the canvas", async () => {
        const s = await stats(...BACKGROUND);
        return s && isRed(s.at) && s.colours >= 3 ? s : null;
      }, { context: evidence });
      const navMs = Date.now() - asked;
      assert.ok(input.sent.some((m) => m.kind === "navigateEvent"), "a navigateEvent went over the input socket");
      const bar = await page.textContent("#view .skyvern-live-url");
      assert.ok(bar.startsWith(remotePage.url), `the URL bar shows the test page (${bar})`);
      // The remote page, read over CDP, before anything was clicked.
      cdpBrowser = await playwright.chromium.connectOverCDP(ready.browser_address, { timeout: 30_000 });
      const initial = await remoteEval(`({ heading: document.getElementById("h").textContent, clicks: clicks.length, w: innerWidth, h: innerHeight })`);
      assert.deepEqual({ heading: initial.heading, clicks: initial.clicks }, { heading: "Not clicked", clicks: 0 });
      const f = screencast.frames.at(-1);
      assert.deepEqual([initial.w, initial.h], [f.vw, f.vh], "the frames' viewport size is the remote page's");
      await shot("2-test-page");
      t.diagnostic(`navigate → test page drawn in ${navMs} ms; ${shown.colours} colours on the grid; remote viewport ${initial.w}×${initial.h}`);
    });

    step("a click through the canvas at the button's mapped position reaches the remote page", async (t) => {
      const box = await page.locator("#view canvas").boundingBox();
      const { vw, vh } = screencast.frames.at(-1);
      // The picture is the viewport fitted (letterboxed) into the canvas's box.
      const k = Math.min(box.width / vw, box.height / vh);
      const ox = box.x + (box.width - vw * k) / 2;
      const oy = box.y + (box.height - vh * k) / 2;
      const target = { x: BUTTON.x + BUTTON.w / 2, y: BUTTON.y + BUTTON.h / 2 };
      const at = [ox + target.x * k, oy + target.y * k];
      const hit = await page.evaluate(([x, y]) => {
        const e = document.elementFromPoint(x, y);
        return e ? `${e.tagName.toLowerCase()}.${e.className}` : null;
      }, at);
      assert.equal(hit, "canvas.skyvern-live-canvas", "the pointer lands on the canvas, nothing covers it");
      const framesBefore = screencast.frames.length;
      const clickedAt = Date.now();
      await page.mouse.click(...at);

      // 1. A later frame shows the change.
      await waitFor("a frame showing the clicked (green) page", async () => {
        const s = await stats(...BACKGROUND);
        return s && isGreen(s.at) ? s : null;
      }, { context: evidence });
      const frameMs = Date.now() - clickedAt;
      assert.ok(screencast.frames.length > framesBefore, "a new frame arrived after the click");

      // 2. What went over the input socket: a press and a release, in control, near the target.
      const mouse = input.sent.filter((m) => m.kind === "mouseEvent" && m.eventType !== "mouseMoved");
      assert.deepEqual(mouse.map((m) => `${m.eventType}:${m.button}`), ["mousePressed:left", "mouseReleased:left"]);
      const tolerance = Math.ceil(1 / k) + 1; // one canvas pixel in viewport pixels, plus rounding
      for (const m of mouse) {
        assert.ok(Math.abs(m.x - target.x) <= tolerance && Math.abs(m.y - target.y) <= tolerance,
          `sent at (${m.x}, ${m.y}), expected (${target.x}, ${target.y}) ± ${tolerance}`);
      }

      // 3. Independently, over CDP: the page counted exactly one trusted click where it was aimed.
      const state = await remoteEval(`({ heading: document.getElementById("h").textContent, body: document.body.className, clicks })`);
      assert.equal(state.heading, "CLICKED 1");
      assert.equal(state.body, "clicked");
      assert.equal(state.clicks.length, 1, "exactly one click");
      const [c] = state.clicks;
      assert.equal(c.trusted, true, "a real (trusted) input event, not a script");
      assert.ok(Math.abs(c.x - target.x) <= tolerance && Math.abs(c.y - target.y) <= tolerance,
        `landed at (${c.x}, ${c.y}), aimed at (${target.x}, ${target.y})`);
      assert.deepEqual((await log()).errors, [], "no errors");
      await shot("3-clicked");
      t.diagnostic(`click → green frame in ${frameMs} ms; landed at (${c.x}, ${c.y}) for (${target.x}, ${target.y}); ${screencast.frames.length} frames so far`);
    });

    step("closing the session ends the view: onEnded(completed), no reconnects", async (t) => {
      await cdpBrowser?.close().catch(() => {});
      cdpBrowser = null;
      const id = session.browser_session_id;
      const closedAt = Date.now();
      const res = await send(REAL, { method: "POST", path: `/v1/browser_sessions/${id}/close` });
      assert.equal(res.status, 200, `close: ${res.status} ${res.text.slice(0, 200)}`);
      opened.delete(id);
      await waitFor("the view to show the end", async () => (await viewState()) === "ended", { context: evidence });
      const endedMs = Date.now() - closedAt;
      const l = await log();
      assert.deepEqual(l.ended, ["completed"], "onEnded once, with the final status");
      assert.match(await page.textContent("#view"), /Session ended/);
      const sockets = screencast.sockets + input.sockets;
      await sleep(3000);
      assert.equal(screencast.sockets + input.sockets, sockets, "no socket is opened after the end");
      assert.equal(screencast.sockets, 1, "the screencast never reconnected");
      assert.deepEqual((await log()).errors, [], "no errors, also not from the input socket going away");
      assert.deepEqual(consoleErrors, [], "no console errors");
      await shot("4-ended");
      const total = screencast.frames.reduce((n, f) => n + f.bytes, 0);
      t.diagnostic(
        `session closed → view ended in ${endedMs} ms; ${screencast.frames.length} frames in all (${total} B), ` +
          `statuses ${JSON.stringify(screencast.statuses)}, input socket(s) ${input.sockets}, received ${JSON.stringify(input.received)}`,
      );
    });
  });
}
