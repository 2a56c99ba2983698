// Per-call cost in workerd (miniflare 4) and in headless Chromium: the client's
// `getBrowserSession` against a bare `fetch` of the same URL given the same time
// limit (`AbortSignal.timeout(60 s)`, the client's default per attempt), and against
// the design's floor: bench/floor, one GET from async Rust with gloo-net, its own
// AbortController and timer, and `JSON.parse` (`cargo xtask bench` builds it and
// names its directory in BENCH_FLOOR_DIR; without it the floor is not measured).
//
// Clocks stand still inside a Worker while it computes, so the times come from a
// local server that timestamps each request's arrival. The same loop runs in both
// runtimes: rounds of two calls of each kind, one kind after another (the order
// rotating by round). Between two consecutive arrivals of the same kind lies
// exactly one call of that kind (its answer, its decoding, and the start of the
// next one), so each such gap is one sample.
import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize, relative, resolve } from "node:path";
import { CALL_BAR } from "./call-node.mjs";
import { PKG, bars, log, median, ms, percentile, ratio, table, workerModules } from "./lib.mjs";

const SESSION = "pbs_bench";
const KEY = "bench-key";
const FLOOR = process.env.BENCH_FLOOR_DIR && existsSync(join(process.env.BENCH_FLOOR_DIR, "floor.js"))
  ? resolve(process.env.BENCH_FLOOR_DIR)
  : null;

/** The loop both runtimes run; `SkyvernClient`, `base` and the floor's `get` (or null) are handed in. */
const LOOP = `async function benchCalls(SkyvernClient, floorGet, base, rounds) {
  const client = new SkyvernClient({ apiKey: "${KEY}", baseUrl: base, maxRetries: 0, dangerouslyAllowBrowser: true, headers: { "x-bench-kind": "client" } });
  const url = base + "/v1/browser_sessions/${SESSION}";
  const kinds = [
    () => client.getBrowserSession("${SESSION}"),
    async () => {
      const res = await fetch(url, { headers: { "x-api-key": "${KEY}", "x-bench-kind": "fetch" }, signal: AbortSignal.timeout(60000) });
      if (!res.ok) throw new Error("bare fetch: " + res.status);
      return res.json();
    },
  ];
  if (floorGet) kinds.push(() => floorGet(url, ["x-api-key", "${KEY}", "x-bench-kind", "floor"], 60000));
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < kinds.length; j++) {
      const fn = kinds[(i + j) % kinds.length];
      for (let k = 0; k < 2; k++) {
        const s = await fn();
        if (s.browser_session_id !== "${SESSION}") throw new Error("wrong session " + s.browser_session_id);
      }
    }
  }
  return { ok: true };
}`;

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module">
import { SkyvernClient } from "/pkg/web.js";
${FLOOR ? `import initFloor, { get as floorGet } from "/floor/floor.js";
await initFloor({ module_or_path: "/floor/floor_bg.wasm" });` : "const floorGet = null;"}
${LOOP}
window.benchCalls = (rounds) => benchCalls(SkyvernClient, floorGet, location.origin, rounds);
window.benchReady = true;
</script>`;

/** The file a page path names: the package under /pkg/, the floor under /floor/. */
function fileFor(path) {
  for (const [prefix, dir] of [["/pkg/", PKG], ["/floor/", FLOOR]]) {
    if (!dir || !path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    return file.startsWith(dir) && existsSync(file) ? file : null;
  }
  return null;
}

/** Answers the session, serves the bench page and the package (one origin), notes arrivals. */
async function callServer() {
  const arrivals = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === `/v1/browser_sessions/${SESSION}`) {
      arrivals.push({ at: performance.timeOrigin + performance.now(), kind: req.headers["x-bench-kind"] });
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ browser_session_id: SESSION, status: "running", timeout: 60 }));
      return;
    }
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
      return;
    }
    const file = fileFor(path);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, arrivals, close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }) };
}

/** Gaps between consecutive arrivals of the same kind, added to `samples`. */
function collect(arrivals, samples) {
  for (let i = 1; i < arrivals.length; i++) {
    const [a, b] = [arrivals[i - 1], arrivals[i]];
    if (a.kind === b.kind && samples[b.kind]) samples[b.kind].push(b.at - a.at);
  }
  arrivals.length = 0;
}

/** Runs `rounds` rounds per batch, `batches` times after one warm-up batch. */
async function sample(server, runBatch, rounds, batches) {
  await runBatch(rounds);
  server.arrivals.length = 0;
  const samples = { client: [], fetch: [], floor: [] };
  for (let b = 0; b < batches; b++) {
    await runBatch(rounds);
    collect(server.arrivals, samples);
  }
  return samples;
}

async function inWorkerd(server) {
  const { Miniflare, supportedCompatibilityDate } = await import("miniflare");
  const floorPath = FLOOR && relative(PKG, join(FLOOR, "floor.js")).replaceAll("\\", "/");
  const source = `import { SkyvernClient } from "./workerd.js";
${FLOOR ? `import { initSync as initFloor, get as floorGet } from "./${floorPath}";
import floorWasm from "./${floorPath.replace(/floor\.js$/, "floor_bg.wasm")}";
initFloor({ module: floorWasm });` : "const floorGet = null;"}
${LOOP}
export default { async fetch(req, env) {
  try {
    return Response.json(await benchCalls(SkyvernClient, floorGet, env.HOOK, Number(new URL(req.url).searchParams.get("rounds"))));
  } catch (e) {
    return Response.json({ ok: false, error: String(e && e.stack || e) });
  }
} };`;
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: join(PKG, "__bench_calls.mjs"), contents: source }, ...workerModules(PKG), ...(FLOOR ? workerModules(FLOOR) : [])],
    modulesRoot: "/",
    compatibilityDate: supportedCompatibilityDate,
    bindings: { HOOK: server.url },
    host: "127.0.0.1",
  });
  try {
    await mf.ready;
    // 25 rounds = 100 requests per Worker invocation, well inside a Worker's subrequest limit.
    return await sample(server, async (rounds) => {
      const body = await (await mf.dispatchFetch(`http://localhost/?rounds=${rounds}`)).json();
      if (!body.ok) throw new Error(`the Worker failed: ${body.error}`);
    }, 25, 12);
  } finally {
    await mf.dispose();
  }
}

async function inChromium(server) {
  const { launchChromium } = await import("../tests/runtimes/helpers.mjs");
  const chrome = await launchChromium();
  if (chrome.skip) throw new Error(chrome.skip);
  try {
    const page = await chrome.browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });
    return await sample(server, (rounds) => page.evaluate((r) => window.benchCalls(r), rounds), 50, 6);
  } finally {
    await chrome.browser.close();
  }
}

/** One table row and the summary rows for a runtime's samples (or its error). */
function rowsFor(name, result) {
  const what = `Per call in ${name}: the client ÷ a bare \`fetch\` (median)`;
  if (result.error) {
    const missing = `${name} per-call ratio not measured: ${result.error}`;
    const row = [name, "not measured", "", "", result.error.split("\n")[0], "", `≤ ${CALL_BAR.toFixed(2)}×`, bars.check(false, missing)];
    return { row, summary: [[what, "not measured", `≤ ${CALL_BAR.toFixed(2)}×`, false]] };
  }
  const { client, fetch, floor } = result.samples;
  const r = median(client) / median(fetch);
  const ok = r <= CALL_BAR;
  const floorRatio = floor.length ? median(floor) / median(fetch) : null;
  const row = [
    name,
    ms(median(client), 3),
    ms(median(fetch), 3),
    `**${ratio(r)}**`,
    floorRatio === null ? "not built" : `${ratio(floorRatio)} (${ms(median(floor), 3)})`,
    `${client.length} + ${fetch.length} + ${floor.length} calls; p90 ${ms(percentile(client, 90), 3)} / ${ms(percentile(fetch, 90), 3)}`,
    `median ≤ ${CALL_BAR.toFixed(2)}×`,
    bars.check(ok, `${name} per-call median ratio ${r.toFixed(3)} > ${CALL_BAR}`),
  ];
  const summary = [[what, ratio(r), `≤ ${CALL_BAR.toFixed(2)}×`, ok]];
  if (floorRatio !== null) {
    summary.push([`Per call in ${name}: the design's floor (bench/floor) ÷ a bare \`fetch\``, ratio(floorRatio), "reported", null]);
  }
  return { row, summary };
}

export async function runtimeCallSection() {
  const server = await callServer();
  const results = [];
  for (const [name, run] of [["workerd", inWorkerd], ["headless Chromium", inChromium]]) {
    log(`per-call cost in ${name}`);
    try {
      results.push([name, { samples: await run(server) }]);
    } catch (e) {
      results.push([name, { error: String(e && e.message ? e.message : e) }]);
    }
  }
  await server.close();
  const built = results.map(([name, result]) => rowsFor(name, result));
  let md = "### Per-call cost in workerd and Chromium\n\n`getBrowserSession` against a bare `fetch` of the same URL with the same 60 s `AbortSignal`, interleaved in one run; times from a local server's arrival stamps. The floor is bench/floor: one GET from async Rust through gloo-net with its own `AbortController` and timer and `JSON.parse`, the least the design's transport does.\n\n";
  md += table(["runtime", "client median", "bare fetch median", "ratio", "floor ÷ fetch", "samples", "bar", ""], built.map((b) => b.row));
  return { md, summary: built.flatMap((b) => b.summary) };
}
