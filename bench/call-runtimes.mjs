// Per-call cost in workerd (miniflare 4) and in headless Chromium: the client's
// `getBrowserSession` against a bare `fetch` of the same URL given the same time
// limit (`AbortSignal.timeout(60 s)`, the client's default per attempt).
//
// Clocks stand still inside a Worker while it computes, so the times come from a
// local server that timestamps each request's arrival. The same loop runs in both
// runtimes: rounds of two client calls then two bare fetches (the order alternating
// by round), one after another. Between two consecutive arrivals of the same kind
// lies exactly one call of that kind (its answer, its decoding, and the start of the
// next one), so each such gap is one sample.
import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { CALL_BAR } from "./call-node.mjs";
import { PKG, bars, log, median, ms, percentile, ratio, table, workerModules } from "./lib.mjs";

const SESSION = "pbs_bench";
const KEY = "bench-key";

/** The loop both runtimes run; `SkyvernClient` and `base` are handed in. */
const LOOP = `async function benchCalls(SkyvernClient, base, rounds) {
  const client = new SkyvernClient({ apiKey: "${KEY}", baseUrl: base, maxRetries: 0, dangerouslyAllowBrowser: true, headers: { "x-bench-kind": "client" } });
  const url = base + "/v1/browser_sessions/${SESSION}";
  const viaClient = () => client.getBrowserSession("${SESSION}");
  const viaFetch = async () => {
    const res = await fetch(url, { headers: { "x-api-key": "${KEY}", "x-bench-kind": "fetch" }, signal: AbortSignal.timeout(60000) });
    if (!res.ok) throw new Error("bare fetch: " + res.status);
    return res.json();
  };
  for (let i = 0; i < rounds; i++) {
    for (const fn of i % 2 ? [viaFetch, viaClient] : [viaClient, viaFetch]) {
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
${LOOP}
window.benchCalls = (rounds) => benchCalls(SkyvernClient, location.origin, rounds);
window.benchReady = true;
</script>`;

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
    const file = normalize(join(PKG, path.replace(/^\/pkg\//, "")));
    if (!path.startsWith("/pkg/") || !file.startsWith(PKG) || !existsSync(file)) {
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
  const samples = { client: [], fetch: [] };
  for (let b = 0; b < batches; b++) {
    await runBatch(rounds);
    collect(server.arrivals, samples);
  }
  return samples;
}

async function inWorkerd(server) {
  const { Miniflare, supportedCompatibilityDate } = await import("miniflare");
  const source = `import { SkyvernClient } from "./workerd.js";
${LOOP}
export default { async fetch(req, env) {
  try {
    return Response.json(await benchCalls(SkyvernClient, env.HOOK, Number(new URL(req.url).searchParams.get("rounds"))));
  } catch (e) {
    return Response.json({ ok: false, error: String(e && e.stack || e) });
  }
} };`;
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: join(PKG, "__bench_calls.mjs"), contents: source }, ...workerModules(PKG)],
    modulesRoot: PKG,
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

/** One table row and one summary row for a runtime's samples (or its error). */
function rowsFor(name, result) {
  if (result.error) {
    const what = `${name} per-call ratio not measured: ${result.error}`;
    return { row: [name, "not measured", "", result.error.split("\n")[0], "", `≤ ${CALL_BAR.toFixed(2)}×`, bars.check(false, what)], summary: [`Per call in ${name}: the client ÷ a bare \`fetch\` (median)`, "not measured", `≤ ${CALL_BAR.toFixed(2)}×`, false] };
  }
  const { client, fetch } = result.samples;
  const r = median(client) / median(fetch);
  const ok = r <= CALL_BAR;
  const row = [
    name,
    ms(median(client), 3),
    ms(median(fetch), 3),
    `**${ratio(r)}**`,
    `${client.length} + ${fetch.length} calls; p90 ${ms(percentile(client, 90), 3)} / ${ms(percentile(fetch, 90), 3)}`,
    `median ≤ ${CALL_BAR.toFixed(2)}×`,
    bars.check(ok, `${name} per-call median ratio ${r.toFixed(3)} > ${CALL_BAR}`),
  ];
  return { row, summary: [`Per call in ${name}: the client ÷ a bare \`fetch\` (median)`, ratio(r), `≤ ${CALL_BAR.toFixed(2)}×`, ok] };
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
  let md = "### Per-call cost in workerd and Chromium\n\n`getBrowserSession` against a bare `fetch` of the same URL with the same 60 s `AbortSignal`, interleaved in one run; times from a local server's arrival stamps.\n\n";
  md += table(["runtime", "client median", "bare fetch median", "ratio", "samples", "bar", ""], built.map((b) => b.row));
  return { md, summary: built.map((b) => b.summary) };
}
