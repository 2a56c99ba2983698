// Memory after many calls, in a child started with --expose-gc: wasm linear
// memory (from the instance's exports) and the JS heap after a full GC, at
// each checkpoint of BENCH_CHECKPOINTS (default: after 1,000 and 100,000 calls). Calls go 8 at a time; every 10th asks for a
// missing session so the error path (a NotFoundError each time) is covered.
import { wasmMemory } from "./wasm-memory.mjs";
const { SkyvernClient, NotFoundError } = await import(process.env.BENCH_ENTRY);
const memory = wasmMemory();
const url = process.env.SKYVERN_EMULATOR_URL;
const key = process.env.SKYVERN_EMULATOR_API_KEY;
const client = new SkyvernClient({ apiKey: key, baseUrl: url, maxRetries: 0 });
const session = await client.createBrowserSession({ timeout: 30 });
const id = session.browser_session_id;

let done = 0;
let failures = 0;
async function worker(total) {
  while (done < total) {
    const n = done++;
    try {
      if (n % 10 === 9) {
        await client.getBrowserSession("pbs_missing_memory_bench").then(
          () => failures++,
          (e) => { if (!(e instanceof NotFoundError)) failures++; },
        );
      } else {
        const s = await client.getBrowserSession(id);
        if (s.browser_session_id !== id) failures++;
      }
    } catch {
      failures++;
    }
  }
}
async function runUntil(total) {
  await Promise.all(Array.from({ length: 8 }, () => worker(total)));
}
function snapshot(calls) {
  globalThis.gc();
  globalThis.gc();
  return { calls, wasmBytes: memory.buffer.byteLength, heapUsed: process.memoryUsage().heapUsed };
}

const checkpoints = (process.env.BENCH_CHECKPOINTS ?? "1000,100000").split(",").map(Number);
const t0 = performance.now();
const snapshots = [];
for (const n of checkpoints) {
  await runUntil(n);
  snapshots.push({ ...snapshot(n), seconds: (performance.now() - t0) / 1000 });
  if (process.env.BENCH_PROGRESS) console.error(`memory: ${JSON.stringify(snapshots.at(-1))}`);
}
const seconds = (performance.now() - t0) / 1000;
await client.closeBrowserSession(id);
process.stdout.write(JSON.stringify({ snapshots, at1k: snapshots[0], at100k: snapshots.at(-1), failures, seconds }));
