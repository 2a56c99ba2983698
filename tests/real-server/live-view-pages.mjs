// What the real-server live-view test (live-view.test.mjs) runs on: the two local pages (the
// test page the remote browser opens, and the page that hosts the view, served with pkg/), what
// the view's canvas shows, waiting for a condition, and what went over the view's sockets.
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "./targets.mjs";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const pkgDir = path.resolve(process.env.SKYVERN_WASM_PKG_DIR || path.join(root, "pkg"));

// ---------------------------------------------------------------- the two local pages

// What the remote browser opens: a red page whose big button turns it green and counts clicks.
// The button sits at CSS (40..520, 140..380) of the remote viewport.
export const BUTTON = { x: 40, y: 140, w: 480, h: 240 };
export const TEST_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Real live view test page</title>
<style>
  html, body { margin: 0; height: 100%; font: 28px sans-serif; }
  body { background: #c8282d; color: #fff; }
  body.clicked { background: #0a8a3a; }
  h1 { margin: 0; padding: 24px 40px; font-size: 40px; }
  #btn { position: absolute; left: ${BUTTON.x}px; top: ${BUTTON.y}px; width: ${BUTTON.w}px; height: ${BUTTON.h}px;
         box-sizing: border-box; font-size: 40px; background: #1f4fd1; color: #fff; border: 4px solid #fff; }
</style></head><body>
<h1 id="h">Not clicked</h1>
<button id="btn" type="button">Click me</button>
<script>
  window.clicks = [];
  document.getElementById("btn").addEventListener("click", (e) => {
    clicks.push({ x: e.clientX, y: e.clientY, trusted: e.isTrusted, detail: e.detail });
    document.getElementById("h").textContent = "CLICKED " + clicks.length;
    document.body.className = "clicked";
  });
</script></body></html>`;

// The page that hosts the view, served with pkg/ from one local origin (the server's sockets do
// not check Origin, and WebSockets are not subject to CORS).
const HARNESS = `<!doctype html><html><head><meta charset="utf-8"><title>mountLiveView on a real Skyvern</title>
<link rel="icon" href="data:,">
<style>body { margin: 0; padding: 20px; background: #eef0f3; font: 14px sans-serif; } #view { width: 960px; height: 580px; }</style>
</head><body><div id="view"></div></body></html>`;

const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

export async function startHarness() {
  const server = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, "http://127.0.0.1");
    try {
      if (pathname === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        res.end(HARNESS);
        return;
      }
      if (pathname.startsWith("/pkg/")) {
        const file = path.resolve(pkgDir, "." + decodeURIComponent(pathname.slice("/pkg".length)));
        if (file.startsWith(pkgDir + path.sep)) {
          const body = await readFile(file);
          res.writeHead(200, {
            "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
            "cache-control": "no-store",
          });
          res.end(body);
          return;
        }
      }
    } catch {
      // fall through to the 404
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

// ---------------------------------------------------------------- in the page

// What the canvas shows, `null` before the canvas was sized. The picture is the remote viewport
// (`vw`×`vh`) fitted into the canvas, letterboxed; `at` is the RGB at a fraction (fx, fy) of it,
// `colours` the distinct colours on a 16×9 grid over it, `alpha` 0 while nothing was drawn.
export const canvasStats = ([fx, fy, vw, vh]) => {
  const c = document.querySelector("#view canvas");
  if (!c || !c.width || !c.height) return null;
  const ctx = c.getContext("2d");
  const k = Math.min(c.width / vw, c.height / vh);
  const w = vw * k, h = vh * k, x0 = (c.width - w) / 2, y0 = (c.height - h) / 2;
  const px = (u, v) => ctx.getImageData(Math.floor(x0 + u * w), Math.floor(y0 + v * h), 1, 1).data;
  const colours = new Set();
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 9; j++) {
      const d = px((i + 0.5) / 16, (j + 0.5) / 9);
      colours.add(`${d[0] >> 3},${d[1] >> 3},${d[2] >> 3}`);
    }
  }
  const d = px(fx, fy);
  return { colours: colours.size, at: [d[0], d[1], d[2]], alpha: d[3], w: c.width, h: c.height };
};

export const isRed = ([r, g, b]) => r > 150 && g < 100 && b < 100;
export const isGreen = ([r, g, b]) => g > 100 && r < 80 && b < 120;
// A spot of the remote page well away from the heading and the button: the page's background.
export const BACKGROUND = [0.8, 0.8];

/** Polls `fn` until it returns something truthy; `context()` adds to the timeout's message. */
export async function waitFor(what, fn, { timeoutMs = 30_000, context } = {}) {
  const deadline = Date.now() + timeoutMs;
  let error;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      error = undefined;
    } catch (err) {
      error = err;
    }
    if (Date.now() > deadline) {
      const more = context ? `; ${await context()}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${error ? ` (last error: ${error})` : ""}${more}`);
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------- the sockets, seen from Node

/** Records what goes over the page's live-view sockets into `screencast` (`sockets`, `paths`,
 * `keyInQuery`, `frames`, `statuses`) and `input` (`sockets`, `sent`, `received`); `key` is the
 * API key the screencast socket is expected to carry as `?apikey=`. */
export function recordStreamSockets(page, key, screencast, input) {
  page.on("websocket", (ws) => {
    const u = new URL(ws.url());
    if (u.pathname.startsWith("/v1/stream/browser_sessions/")) {
      screencast.sockets++;
      screencast.paths.push(u.pathname);
      screencast.keyInQuery.push(u.searchParams.get("apikey") === key);
      ws.on("framereceived", ({ payload }) => {
        let m;
        try {
          m = JSON.parse(typeof payload === "string" ? payload : payload.toString());
        } catch {
          screencast.statuses.push("(not JSON)");
          return;
        }
        if (typeof m.screenshot === "string") {
          screencast.frames.push({
            at: Date.now(),
            bytes: payload.length,
            vw: Number(m.viewport_width),
            vh: Number(m.viewport_height),
            url: m.url,
            status: m.status,
            format: m.format,
          });
        } else {
          screencast.statuses.push(m.status);
        }
      });
    } else if (u.pathname.startsWith("/v1/stream/cdp_input/browser_session/")) {
      input.sockets++;
      const kind = (payload) => {
        try {
          const m = JSON.parse(payload);
          return m.kind ?? m.type;
        } catch {
          return "(not JSON)";
        }
      };
      ws.on("framesent", ({ payload }) => {
        const m = JSON.parse(payload);
        input.sent.push(m.kind === "mouseEvent" ? { kind: m.kind, eventType: m.eventType, x: m.x, y: m.y, button: m.button } : { kind: m.kind });
      });
      ws.on("framereceived", ({ payload }) => input.received.push(kind(payload)));
    }
  });
}
