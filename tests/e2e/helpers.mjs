// Shared by the end-to-end tests.
import { existsSync } from "node:fs";
import path from "node:path";
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
