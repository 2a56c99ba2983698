// One cold start in a fresh Node process. BENCH_MODE=package: time from the
// `import` of the package to the first request it sends; BENCH_MODE=raw: the
// same request with a bare `fetch` and no package, as the baseline for Node's
// own first-`fetch` set-up. The receiving server in the parent timestamps the
// arrival; this process reports its clock as absolute times, and when
// `fetch` was first called.
const t0 = performance.timeOrigin + performance.now();
let tFetch;
const realFetch = globalThis.fetch;
globalThis.fetch = function (...args) {
  tFetch ??= performance.timeOrigin + performance.now();
  return realFetch.apply(this, args);
};
const baseUrl = process.env.BENCH_BASE_URL;
let tImported = null;
let session;
if (process.env.BENCH_MODE === "raw") {
  const res = await fetch(`${baseUrl}/v1/browser_sessions/pbs_cold_start`, { headers: { "x-api-key": process.env.BENCH_API_KEY } });
  session = await res.json();
} else {
  const { SkyvernClient } = await import(process.env.BENCH_ENTRY);
  tImported = performance.timeOrigin + performance.now();
  const client = new SkyvernClient({ apiKey: process.env.BENCH_API_KEY, baseUrl, maxRetries: 0 });
  session = await client.getBrowserSession("pbs_cold_start");
}
process.stdout.write(JSON.stringify({ t0, tImported, tFetch: tFetch ?? null, ok: session.browser_session_id === "pbs_cold_start" }));
