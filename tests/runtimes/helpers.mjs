// Shared plumbing for the runtime tests: is the package built, where is the
// emulator, pack + install the package from its tarball, serve files on
// 127.0.0.1, drive Debian's chromium.
import { spawn, execFile } from "node:child_process";
import { createServer } from "node:http";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createReadStream, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { after } from "node:test";

const execFileP = promisify(execFile);

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
// SKYVERN_WASM_PKG points the tests at another build of the package directory.
export const PKG = process.env.SKYVERN_WASM_PKG ? resolve(process.env.SKYVERN_WASM_PKG) : join(ROOT, "pkg");
export const FIXTURES = join(ROOT, "tests", "runtimes", "fixtures");

/** Null when the package has been built, else a message saying how to build it. */
export function packageNotBuilt() {
  const missing = [
    "node.js",
    "skyvern.js",
    "skyvern_wasm_bg.wasm",
    "skyvern_wasm.d.ts",
    "server-node.js",
    "skyvern_server_bg.wasm",
  ].filter(
    (f) => !existsSync(join(PKG, f)),
  );
  if (missing.length === 0) return null;
  return `skyvern-wasm is not built (missing pkg/${missing.join(", pkg/")}); run \`cargo xtask build\` first`;
}

function emulatorBinary() {
  const candidates = [];
  if (process.env.SKYVERN_EMULATOR_BIN) candidates.push(process.env.SKYVERN_EMULATOR_BIN);
  candidates.push(join(ROOT, "target", "debug", "skyvern-emulator"));
  if (process.env.CARGO_TARGET_DIR) candidates.push(join(resolve(ROOT, process.env.CARGO_TARGET_DIR), "debug", "skyvern-emulator"));
  return candidates.find((p) => existsSync(p)) ?? null;
}

/**
 * The emulator to test against: SKYVERN_EMULATOR_URL/SKYVERN_EMULATOR_API_KEY
 * when set, else a fresh one started from target/debug/skyvern-emulator.
 * Resolves to `{ url, apiKey, stop() }` or `{ skip: message }`.
 */
export async function emulator() {
  const url = process.env.SKYVERN_EMULATOR_URL;
  if (url) {
    const apiKey = process.env.SKYVERN_EMULATOR_API_KEY;
    if (!apiKey) return { skip: "SKYVERN_EMULATOR_URL is set but SKYVERN_EMULATOR_API_KEY is not" };
    return { url: url.replace(/\/+$/, ""), apiKey, stop() {} };
  }
  const bin = emulatorBinary();
  if (!bin) {
    return {
      skip: "no emulator: set SKYVERN_EMULATOR_URL and SKYVERN_EMULATOR_API_KEY, or build target/debug/skyvern-emulator (cargo build -p skyvern-emulator)",
    };
  }
  const apiKey = `rt-${randomBytes(12).toString("hex")}`;
  const child = spawn(
    bin,
    ["--port", "0", "--test-controls", "--time-scale", "600", "--start-delay-ms", "200", "--step-ms", "100", "--api-key", apiKey],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const first = await new Promise((ok, fail) => {
    let buf = "";
    const timer = setTimeout(() => fail(new Error("the emulator did not print its address within 20 s")), 20_000);
    child.on("error", (e) => { clearTimeout(timer); fail(e); });
    child.on("exit", (code) => { clearTimeout(timer); fail(new Error(`the emulator exited early (code ${code})`)); });
    child.stdout.on("data", (chunk) => {
      buf += chunk;
      const nl = buf.indexOf("\n");
      if (nl >= 0) { clearTimeout(timer); ok(buf.slice(0, nl)); }
    });
  });
  const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first.trim());
  if (!m) { child.kill(); throw new Error(`unexpected first line from the emulator: ${first}`); }
  child.stdout.resume();
  return {
    url: m[1],
    apiKey,
    stop() { child.kill(); },
  };
}

/** Requests the emulator logged with header x-test-id == testId, oldest first. */
export async function requestsFor(emuUrl, testId) {
  const res = await fetch(`${emuUrl}/_emulator/requests`);
  if (!res.ok) throw new Error(`GET /_emulator/requests: ${res.status}`);
  const all = await res.json();
  return all.filter((r) => r.headers && r.headers["x-test-id"] === testId);
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `skyvern-wasm-${prefix}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** `npm pack` pkg/ into `dest`; returns { tarball, files: [paths in the tarball] }. */
export async function packPackage(dest) {
  const { stdout } = await execFileP("npm", ["pack", "--json", "--pack-destination", dest, "--ignore-scripts"], {
    cwd: PKG,
    maxBuffer: 16 << 20,
  });
  const [info] = JSON.parse(stdout);
  return { tarball: join(dest, info.filename), files: info.files.map((f) => f.path).sort() };
}

/** Installs the tarball into `dir` (a new project) like a user would. */
export async function installTarball(dir, tarball, extra = {}) {
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "runtime-test-app", private: true, type: "module", ...extra, dependencies: { "skyvern-wasm": `file:${tarball}` } }, null, 2),
  );
  await execFileP("npm", ["install", "--no-audit", "--no-fund", "--offline", "--ignore-scripts", "--no-package-lock"], {
    cwd: dir,
    maxBuffer: 16 << 20,
  });
  return join(dir, "node_modules", "skyvern-wasm");
}

/** Packs and installs in one go: returns { dir, tarball, files, installed }. */
export async function packAndInstall(prefix) {
  const dir = tempDir(prefix);
  const { tarball, files } = await packPackage(dir);
  const app = join(dir, "app");
  mkdirSync(app);
  const installed = await installTarball(app, tarball);
  return { dir, app, tarball, files, installed };
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".map": "application/json",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * A static file server on 127.0.0.1. `mounts` maps URL prefixes ("/", "/skyvern-wasm/")
 * to directories; the longest matching prefix wins. Resolves to { url, close() }.
 */
export async function serveStatic(mounts) {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const hit = entries.find(([prefix]) => path.startsWith(prefix));
    if (!hit) { res.writeHead(404).end(); return; }
    const [prefix, dir] = hit;
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(normalize(dir + sep)) && file !== normalize(dir)) { res.writeHead(403).end(); return; }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      statSync(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

export const CHROMIUM = "/usr/bin/chromium";

/** Headless Debian chromium through playwright-core, or a skip message. */
export async function launchChromium() {
  if (process.env.SKYVERN_TEST_NO_BROWSER === "1") return { skip: "browser tests disabled (--no-browser)" };
  if (!existsSync(CHROMIUM)) return { skip: `${CHROMIUM} not found (apt-get install chromium)` };
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  return { browser };
}

/**
 * Opens `url`, waits until the page sets `data-state` on #result to "done" or
 * "error", and returns { state, result (parsed #result text), logs }.
 */
export async function runPage(browser, url, timeoutMs = 30_000) {
  const page = await browser.newPage();
  const logs = [];
  page.on("console", (m) => logs.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => logs.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  try {
    await page.goto(url);
    await page.waitForSelector('#result[data-state="done"], #result[data-state="error"]', { timeout: timeoutMs });
    const state = await page.getAttribute("#result", "data-state");
    const text = await page.textContent("#result");
    let result;
    try { result = JSON.parse(text); } catch { result = text; }
    return { state, result, logs };
  } catch (e) {
    e.message += `\npage logs:\n${logs.join("\n")}`;
    throw e;
  } finally {
    await page.close();
  }
}

export function uniqueId(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/**
 * The shared set-up of a test file that runs pages in Chromium: the emulator, the
 * browser, why the file is skipped (or undefined), a list of clean-ups run after
 * the file, before the browser and the emulator stop, and `app(prefix, files)`:
 * the package installed once into a project holding the given fixtures
 * (`[fixture path, name in the project]`).
 */
export async function pageSuite(label) {
  const notBuilt = packageNotBuilt();
  const emu = notBuilt ? null : await emulator();
  const chrome = notBuilt || emu?.skip ? null : await launchChromium();
  const skip = notBuilt ?? emu?.skip ?? chrome?.skip;
  if (skip) console.log(`# skipping the ${label}: ${skip}`);
  const cleanup = [];
  after(async () => {
    for (const f of cleanup.reverse()) await f();
    await chrome?.browser?.close();
    emu?.stop?.();
  });
  let project;
  const app = async (prefix, files) => {
    if (project) return project;
    project = await packAndInstall(prefix);
    cleanup.push(() => removeDir(project.dir));
    for (const [from, to] of files) copyFileSync(join(FIXTURES, from), join(project.app, to));
    return project;
  };
  return { emu, chrome, skip, cleanup, app };
}
