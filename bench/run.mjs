// `cargo xtask bench`: size, cold start, per-call cost, concurrency, waiting and
// memory figures for the built package. Prints the full report, then a one-minute
// summary, then `twiggy top -n 15` of each shipped `.wasm`; writes the summary into
// the README's Performance section and the report into docs/performance.md. Exits
// non-zero when a bar is missed.
//
//   node bench/run.mjs   (env: SKYVERN_EMULATOR_URL, SKYVERN_EMULATOR_API_KEY;
//                         without them it starts target/debug/skyvern-emulator)
//
// BENCH_ONLY=size,cold,call,runtimes,concurrency,wait,push-wait,memory runs only those sections
// (bars are then checked for those only, and no file is written).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { emulator } from "../tests/runtimes/helpers.mjs";
import { nodeCallSection } from "./call-node.mjs";
import { runtimeCallSection } from "./call-runtimes.mjs";
import { coldSection } from "./cold.mjs";
import { PKG, ROOT, bars, log, table } from "./lib.mjs";
import { concurrencySection, memorySection } from "./load.mjs";
import { sizeSection } from "./size.mjs";
import { haveTwiggy, twiggyTopText } from "./twiggy.mjs";
import { waitSection } from "./wait.mjs";
import { pushWaitSection } from "./push-wait.mjs";

const ENTRY = pathToFileURL(join(PKG, "node.js")).href;
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : null;
const want = (name) => !ONLY || ONLY.has(name);

if (!existsSync(join(PKG, "skyvern_wasm_bg.wasm")) || !existsSync(join(PKG, "skyvern.js"))) {
  console.error(`bench: the package is not built (no ${PKG}/skyvern_wasm_bg.wasm); run \`cargo xtask build\``);
  process.exit(2);
}
const emu = await emulator();
if (emu.skip) {
  console.error(`bench: ${emu.skip}`);
  process.exit(2);
}
const { SkyvernClient } = await import(ENTRY);
const client = new SkyvernClient({ apiKey: emu.apiKey, baseUrl: emu.url, maxRetries: 0 });
const started = performance.now();

const sections = [];
let wasmFiles = [];
const run = async (name, f) => {
  if (!want(name)) return;
  const section = await f();
  sections.push(section);
  if (section.wasmFiles) wasmFiles = section.wasmFiles;
};
await run("size", () => sizeSection());
await run("cold", () => coldSection(ENTRY));
await run("call", () => nodeCallSection(client, emu));
await run("runtimes", () => runtimeCallSection());
await run("concurrency", () => concurrencySection(client));
await run("wait", () => waitSection(SkyvernClient, emu));
await run("push-wait", () => pushWaitSection(SkyvernClient, emu));
await run("memory", () => memorySection(ENTRY, emu));
emu.stop();

const cpu = (() => {
  try {
    return (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
})();
const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu} (${(await import("node:os")).cpus().length} cores), Node ${process.version}, with \`cargo xtask bench\` (release build, wasm-opt -Oz; emulator on loopback).`;
const mark = (ok) => (ok === null ? "" : ok ? "ok" : "**missed**");
const summary = table(["", "measured", "bar", ""], sections.flatMap((s) => s.summary ?? []).map(([what, value, bar, ok]) => [what, value, bar, mark(ok)]));
const report = `${header}\n\n${sections.map((s) => s.md).join("\n\n")}\n`;
console.log(report);
console.log(`### Summary\n\n${summary}\n`);
if (wasmFiles.length && haveTwiggy()) {
  for (const file of wasmFiles) console.log(`twiggy top -n 15 ${file}\n\n${twiggyTopText(file)}\n`);
}
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

/** Replaces what lies between `<!-- bench:start -->` and `<!-- bench:end -->` in `file`. */
function writeBetweenMarkers(file, text) {
  const path = join(ROOT, file);
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  const [start, end] = ["<!-- bench:start -->", "<!-- bench:end -->"];
  const a = old.indexOf(start);
  const b = old.indexOf(end);
  if (a < 0 || b <= a) {
    log(`${file} has no bench markers; not written`);
    return;
  }
  writeFileSync(path, `${old.slice(0, a + start.length)}\n${text}${old.slice(b)}`);
  log(`wrote ${file}`);
}
if (process.env.SKYVERN_WASM_PKG || ONLY) {
  log("SKYVERN_WASM_PKG or BENCH_ONLY is set: README.md and docs/performance.md not written");
} else {
  writeBetweenMarkers("README.md", `${header}\n\n${summary}\n`);
  writeBetweenMarkers("docs/performance.md", report);
}

if (bars.missed.length) {
  console.error(`bench: ${bars.missed.length} bar(s) missed:\n  - ${bars.missed.join("\n  - ")}`);
  process.exit(1);
}
