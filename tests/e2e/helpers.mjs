// Shared by the end-to-end tests.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const emulatorBin = path.resolve(root, process.env.SKYVERN_EMULATOR_BIN || "target/debug/skyvern-emulator");
export const chromiumBin = "/usr/bin/chromium";
/** Where the tests leave their screenshots. */
export const shotDir = path.join(root, "target/e2e");

/** Why the end-to-end tests cannot run here, or false. */
export function skipReason() {
  if (!existsSync(path.join(root, "pkg/skyvern_wasm_bg.wasm"))) return "pkg/skyvern_wasm_bg.wasm is missing: build the package first (cargo xtask build)";
  if (!existsSync(emulatorBin)) return `emulator binary ${emulatorBin} is missing: cargo build -p skyvern-emulator`;
  if (!existsSync(chromiumBin)) return `${chromiumBin} is missing: apt-get install chromium`;
  return false;
}

/** Polls `fn` every 100 ms until it returns something truthy (which is returned), or throws
 * naming `what` and the last value or error once `timeoutMs` has passed. */
export async function waitFor(what, fn, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the emulator on a free loopback port serving `www` (the demo by default) and pkg/, with
 * test controls and `extra` options; `ready` resolves to its address once it is listening, and
 * rejects if it exits first. */
export function startEmulator(apiKey, extra = [], www = path.join(root, "www")) {
  const child = spawn(
    emulatorBin,
    ["--host", "127.0.0.1", "--port", "0", "--www", www, "--pkg", path.join(root, "pkg"),
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
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited early (${code})\n${stderr}`));
    });
  });
  return { child, ready, stderr: () => stderr };
}

/** Debian's headless Chromium with a fresh profile (removed after the test); its first page
 * collects uncaught page errors in `errors`. */
export async function browserContext(t, viewport) {
  const { chromium } = await import("playwright-core");
  const dir = mkdtempSync(path.join(tmpdir(), "skyvern-e2e-"));
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

/** Types the emulator's test-site credentials (docs/emulator.md) into the remote sign-in form
 * through the live view's canvas in `view`; the username field has the remote page's focus. */
export async function typeTestSiteLogin(page, view) {
  await page.focus(`${view} canvas`);
  await page.keyboard.type("demo");
  await page.keyboard.press("Tab");
  await page.keyboard.type("let-me-in");
  await page.keyboard.press("Enter");
}
