// One cold start in a fresh Node process. BENCH_MODE=package: time from the
// `import` of the package to the first request it sends; BENCH_MODE=fetch or
// http: the same request with a bare `fetch` (which first sets up Node's fetch
// stack) or a bare node:http request, and no package: what one first request
// costs without us. With BENCH_WARM=1 the process first sends one node:http
// request, as an application that is already running has: then only what the
// package itself costs is left. BENCH_IDLE_MS then sleeps that long before the
// clock starts (this machine runs the next work after an idle spell slower).
// The receiving server in the parent timestamps arrivals; this process reports
// its clock as absolute times.
import { subscribe } from "node:diagnostics_channel";

const baseUrl = process.env.BENCH_BASE_URL;
const url = `${baseUrl}/v1/browser_sessions/pbs_cold_start`;
const headers = { "x-api-key": process.env.BENCH_API_KEY };
const now = () => performance.timeOrigin + performance.now();

function httpGet(request, target) {
  return new Promise((ok, fail) => {
    request(target, { headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => ok(JSON.parse(text)));
    })
      .on("error", fail)
      .end();
  });
}

if (process.env.BENCH_WARM === "1") {
  const { request } = await import("node:http");
  await httpGet(request, `${baseUrl}/warm-up`);
  const idle = Number(process.env.BENCH_IDLE_MS || 0);
  // the warm-up's own clean-up runs first, then the idle spell if any
  await new Promise((resolve) => (idle > 0 ? setTimeout(resolve, idle) : setImmediate(resolve)));
}

// When node:http starts the package's first request (Node publishes it on this channel).
let tStarted = null;
subscribe("http.client.request.start", () => {
  tStarted ??= now();
});

const t0 = now();
let tImported = null;
let session;
if (process.env.BENCH_MODE === "fetch") {
  session = await (await fetch(url, { headers })).json();
} else if (process.env.BENCH_MODE === "http") {
  const { request } = await import("node:http");
  session = await httpGet(request, url);
} else {
  const { SkyvernClient } = await import(process.env.BENCH_ENTRY);
  tImported = now();
  const client = new SkyvernClient({ apiKey: process.env.BENCH_API_KEY, baseUrl, maxRetries: 0 });
  session = await client.getBrowserSession("pbs_cold_start");
}
process.stdout.write(JSON.stringify({ t0, tImported, tStarted, ok: session.browser_session_id === "pbs_cold_start" }));
