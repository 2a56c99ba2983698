// One cold start in a fresh Node process. BENCH_MODE=package: time from the
// `import` of the package to the first request it sends; BENCH_MODE=raw: the
// same request with a bare `fetch` and no package, the cost of one request.
// Both first make one warm-up request and let Node settle for 250 ms, so Node's
// own lazy `fetch` set-up (the same for any HTTP client) is not counted. The receiving server in the parent
// timestamps arrivals; this process reports its clock as absolute times, and
// when `fetch` was first called after the warm-up.
const baseUrl = process.env.BENCH_BASE_URL;
const now = () => performance.timeOrigin + performance.now();
const tWarm = now();
await (await fetch(`${baseUrl}/warm-up`)).text();
const warmMs = now() - tWarm;
// Node compiles and collects after that first request on its own threads for a while;
// let it settle so that work is not counted against what comes next.
await new Promise((resolve) => setTimeout(resolve, 250));

let tFetch;
const realFetch = globalThis.fetch;
globalThis.fetch = function (...args) {
  tFetch ??= now();
  return realFetch.apply(this, args);
};
const t0 = now();
let tImported = null;
let session;
if (process.env.BENCH_MODE === "raw") {
  const res = await fetch(`${baseUrl}/v1/browser_sessions/pbs_cold_start`, { headers: { "x-api-key": process.env.BENCH_API_KEY } });
  session = await res.json();
} else {
  const { SkyvernClient } = await import(process.env.BENCH_ENTRY);
  tImported = now();
  const client = new SkyvernClient({ apiKey: process.env.BENCH_API_KEY, baseUrl, maxRetries: 0 });
  session = await client.getBrowserSession("pbs_cold_start");
}
process.stdout.write(JSON.stringify({ t0, tImported, tFetch: tFetch ?? null, warmMs, ok: session.browser_session_id === "pbs_cold_start" }));
