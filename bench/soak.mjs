// `cargo xtask bench --soak`: the memory figure over a long run. 1,000,000
// `getBrowserSession` calls (8 in flight, every 10th a NotFoundError) with
// snapshots of wasm linear memory and the JS heap; fails if wasm memory grows
// after the first checkpoint (10,000 calls). Takes several minutes.
//
//   node bench/soak.mjs   (env: SKYVERN_EMULATOR_URL, SKYVERN_EMULATOR_API_KEY; BENCH_SOAK_CALLS)
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { table } from "./lib.mjs";
import { emulator } from "../tests/runtimes/helpers.mjs";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const PKG = process.env.SKYVERN_WASM_PKG ? resolve(process.env.SKYVERN_WASM_PKG) : join(ROOT, "pkg");
const total = Number(process.env.BENCH_SOAK_CALLS ?? 1_000_000);
const checkpoints = [10_000, total / 10, total / 2, total].map(Math.round).filter((n, i, a) => n > 0 && a.indexOf(n) === i)
  .sort((a, b) => a - b);

const emu = await emulator();
if (emu.skip) {
  console.error(`soak: ${emu.skip}`);
  process.exit(2);
}
// progress lines go to stderr as the run goes; the result comes on stdout
const child = spawn(process.execPath, ["--expose-gc", join(ROOT, "bench", "memory.mjs")], {
  stdio: ["ignore", "pipe", "inherit"],
  env: {
    ...process.env,
    BENCH_ENTRY: pathToFileURL(join(PKG, "node.js")).href,
    BENCH_GLUE: pathToFileURL(join(PKG, "skyvern_wasm.js")).href,
    BENCH_CHECKPOINTS: checkpoints.join(","),
    BENCH_PROGRESS: "1",
    SKYVERN_EMULATOR_URL: emu.url,
    SKYVERN_EMULATOR_API_KEY: emu.apiKey,
  },
});
let stdout = "";
child.stdout.on("data", (c) => (stdout += c));
const code = await new Promise((ok) => child.on("exit", ok));
if (code !== 0) {
  emu.stop();
  console.error(`soak: the memory run exited with ${code}`);
  process.exit(1);
}
emu.stop();
const m = JSON.parse(stdout);
const rows = m.snapshots.map((s) => [
  s.calls.toLocaleString("en"),
  `${s.wasmBytes.toLocaleString("en")} B`,
  `${(s.heapUsed / 1e6).toFixed(2)} MB`,
  `${s.seconds.toFixed(0)} s`,
]);
console.log(`### Soak (Node ${process.version})\n\n${table(["calls", "wasm linear memory", "JS heap used (after full GC)", "elapsed"], rows)}\n\n${m.failures} unexpected results.`);
const grew = m.snapshots.at(-1).wasmBytes - m.snapshots[0].wasmBytes;
if (grew > 0 || m.failures > 0) {
  console.error(`soak: wasm memory grew by ${grew} B after ${m.snapshots[0].calls} calls; ${m.failures} unexpected results`);
  process.exit(1);
}
