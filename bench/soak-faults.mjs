// Fault soak, run by bench/soak.mjs in a child started with --expose-gc:
// BENCH_FAULT_CALLS calls (default 10,000), BENCH_FAULT_IN_FLIGHT at once
// (default 50), with BENCH_FAULT_RATE (default 0.1) of them meeting an injected
// fault. Each worker owns a session and a run, so its faults (exact paths) only
// hit its own calls and every outcome is known in advance: a retried fault must
// resolve, any other must reject with its documented class. Prints one JSON line.
import { wasmMemory } from "./wasm-memory.mjs";
const { SkyvernClient, SkyvernError } = await import(process.env.BENCH_ENTRY);
const memory = wasmMemory();
const url = process.env.SKYVERN_EMULATOR_URL;
const key = process.env.SKYVERN_EMULATOR_API_KEY;
const total = Number(process.env.BENCH_FAULT_CALLS ?? 10_000);
const inFlight = Number(process.env.BENCH_FAULT_IN_FLIGHT ?? 50);
const rate = Number(process.env.BENCH_FAULT_RATE ?? 0.1);
const warmup = Math.min(1_000, Math.floor(total / 10));

const client = new SkyvernClient({ apiKey: key, baseUrl: url, maxRetries: 2, timeoutInSeconds: 5 });

// Faults and what the client must do with each (maxRetries 2 → up to 3 attempts).
const KINDS = [
  { name: '503 + Retry-After once', spec: { status: 503, headers: { 'retry-after': '0' }, body: '{"detail":"busy"}', times: 1 }, ok: true },
  { name: '429 + Retry-After once', spec: { status: 429, headers: { 'retry-after': '0' }, body: '{"detail":"Rate limit exceeded"}', times: 1 }, ok: true },
  { name: 'reset once', spec: { reset: true, times: 1 }, ok: true },
  { name: '500 three times', spec: { status: 500, headers: { 'retry-after': '0' }, body: '{"error":"Unexpected error"}', times: 3 }, error: 'InternalServerError' },
  { name: '502 HTML three times', spec: { status: 502, headers: { 'retry-after': '0' }, body: '<html><title>502 Bad Gateway</title></html>', times: 3 }, error: 'InternalServerError' },
  { name: 'hang past the timeout', spec: { hang: true, times: 1 }, error: 'SkyvernTimeoutError', timeout: 0.3 },
  { name: 'malformed JSON 200', spec: { status: 200, body: '{"status":', times: 1 }, error: 'SkyvernError' },
  { name: 'empty 200', spec: { status: 200, body: '', times: 1 }, error: 'SkyvernError' },
  { name: '404', spec: { status: 404, body: '{"detail":"not found"}', times: 1 }, error: 'NotFoundError' },
];

async function fault(spec) {
  const r = await fetch(`${url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  if (!r.ok) throw new Error(`fault refused: ${r.status}`);
}

const counts = { calls: 0, ok: 0, faults: 0, expectedErrors: 0, unexpected: 0, untyped: 0 };
const byKind = Object.fromEntries(KINDS.map((k) => [k.name, 0]));
const byClass = {};
const unexpected = [];
let next = 0;
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

async function worker(sid, rid, upTo) {
  while (next < upTo) {
    const n = next++;
    const which = n % 10 < 7 ? 'session' : 'run';
    const path = which === 'session' ? `/v1/browser_sessions/${sid}` : `/v1/runs/${rid}`;
    let kind = null;
    if (random() < rate) {
      kind = KINDS[Math.floor(random() * KINDS.length)];
      await fault({ method: 'GET', path, ...kind.spec });
      counts.faults++;
      byKind[kind.name]++;
    }
    const opts = kind?.timeout ? { timeoutInSeconds: kind.timeout } : undefined;
    counts.calls++;
    try {
      const v = which === 'session' ? await client.getBrowserSession(sid, opts) : await client.getRun(rid, opts);
      const id = which === 'session' ? v.browser_session_id : v.run_id;
      if (kind && !kind.ok) {
        counts.unexpected++;
        unexpected.push(`${kind.name}: resolved`);
      } else if (id !== (which === 'session' ? sid : rid)) {
        counts.unexpected++;
        unexpected.push(`wrong object for ${path}`);
      } else {
        counts.ok++;
      }
    } catch (e) {
      if (!(e instanceof SkyvernError)) {
        counts.untyped++;
        unexpected.push(`untyped: ${e}`);
        continue;
      }
      byClass[e.name] = (byClass[e.name] ?? 0) + 1;
      if (kind && kind.error === e.name) counts.expectedErrors++;
      else {
        counts.unexpected++;
        if (unexpected.length < 20) unexpected.push(`${kind?.name ?? 'no fault'}: ${e.name} ${e.message}`);
      }
    }
  }
}

function snapshot(calls, t0) {
  globalThis.gc();
  globalThis.gc();
  return {
    calls,
    wasmBytes: memory.buffer.byteLength,
    heapUsed: process.memoryUsage().heapUsed,
    seconds: (performance.now() - t0) / 1000,
  };
}

const targets = [];
for (let i = 0; i < inFlight; i++) {
  const s = await client.createBrowserSession({ timeout: 60 });
  const r = await client.runTask({ prompt: 'soak [pause]' });
  targets.push([s.browser_session_id, r.run_id]);
}
const t0 = performance.now();
const snapshots = [];
for (const upTo of [warmup, Math.round(total / 2), total]) {
  await Promise.all(targets.map(([sid, rid]) => worker(sid, rid, upTo)));
  snapshots.push(snapshot(upTo, t0));
  console.error(`soak-faults: ${JSON.stringify(snapshots.at(-1))}`);
}
const seconds = (performance.now() - t0) / 1000;
for (const [sid, rid] of targets) {
  await client.cancelRun(rid).catch(() => {});
  await client.closeBrowserSession(sid).catch(() => {});
}
process.stdout.write(JSON.stringify({ total, inFlight, rate, counts, byKind, byClass, unexpected, snapshots, seconds }));
