// `cargo xtask bench --soak`: first the fault soak (bench/soak-faults.mjs:
// 10,000 calls, 50 in flight, 10 % meeting an injected fault; fails on any
// unexpected or untyped outcome and on wasm memory growth after warm-up), then
// the memory figure over a long run (BENCH_SOAK_CALLS=0 skips it). 1,000,000
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
// ---------------------------------------------------------------- fault soak
{
  const faults = spawn(process.execPath, ["--expose-gc", join(ROOT, "bench", "soak-faults.mjs")], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      BENCH_ENTRY: pathToFileURL(join(PKG, "node.js")).href,
      SKYVERN_EMULATOR_URL: emu.url,
      SKYVERN_EMULATOR_API_KEY: emu.apiKey,
    },
  });
  let out = "";
  faults.stdout.on("data", (c) => (out += c));
  const code = await new Promise((ok) => faults.on("exit", ok));
  if (code !== 0) {
    emu.stop();
    console.error(`soak: the fault soak exited with ${code}`);
    process.exit(1);
  }
  const f = JSON.parse(out);
  const c = f.counts;
  const kinds = Object.entries(f.byKind).map(([k, n]) => [k, n.toLocaleString("en")]);
  const classes = Object.entries(f.byClass).map(([k, n]) => [k, n.toLocaleString("en")]);
  const mem = f.snapshots.map((s) => [s.calls.toLocaleString("en"), `${s.wasmBytes.toLocaleString("en")} B`,
    `${(s.heapUsed / 1e6).toFixed(2)} MB`, `${s.seconds.toFixed(1)} s`]);
  console.log(`### Fault soak (Node ${process.version})

${c.calls.toLocaleString("en")} calls, ${f.inFlight} in flight, ${c.faults.toLocaleString("en")} injected faults (${(100 * c.faults / c.calls).toFixed(1)} %), ${f.seconds.toFixed(1)} s (${Math.round(c.calls / f.seconds)} calls/s): ${c.ok.toLocaleString("en")} resolved, ${c.expectedErrors.toLocaleString("en")} rejected with the documented class, ${c.unexpected} unexpected, ${c.untyped} untyped.

${table(["injected fault", "calls"], kinds)}

${table(["rejections by class", "count"], classes)}

${table(["calls", "wasm linear memory", "JS heap used (after full GC)", "elapsed"], mem)}
`);
  const grew = f.snapshots.at(-1).wasmBytes - f.snapshots[0].wasmBytes;
  if (c.unexpected > 0 || c.untyped > 0 || grew > 0) {
    emu.stop();
    console.error(`soak: ${c.unexpected} unexpected, ${c.untyped} untyped; wasm memory grew by ${grew} B after warm-up`);
    for (const u of f.unexpected) console.error(`  ${u}`);
    process.exit(1);
  }
  if (total === 0) {
    emu.stop();
    process.exit(0);
  }
}

// progress lines go to stderr as the run goes; the result comes on stdout
const child = spawn(process.execPath, ["--expose-gc", join(ROOT, "bench", "memory.mjs")], {
  stdio: ["ignore", "pipe", "inherit"],
  env: {
    ...process.env,
    BENCH_ENTRY: pathToFileURL(join(PKG, "node.js")).href,
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
