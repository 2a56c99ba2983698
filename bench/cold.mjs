// Cold start: a fresh Node process or a fresh workerd (miniflare 4) per run; a local
// server timestamps each request's arrival.
import { createServer } from "node:http";
import { join } from "node:path";
import { PKG, ROOT, bars, execFileP, log, max, median, min, ms, ratio, table, workerModules } from "./lib.mjs";

/** The Node figure is a ratio to a bare first request in the same state: at most this. */
export const NODE_COLD_BAR = 1.0;

/** A server that notes when each request arrives (absolute ms) and answers a canned session. */
async function arrivalServer() {
  const arrivals = [];
  const server = createServer((req, res) => {
    arrivals.push({ at: performance.timeOrigin + performance.now(), path: req.url });
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "access-control-allow-origin": "*" });
    res.end(JSON.stringify({ browser_session_id: "pbs_cold_start", status: "running", timeout: 60 }));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, arrivals, close: () => new Promise((ok) => server.close(ok)) };
}

/** Node: 12 processes per mode (after one round that warms the OS file cache). */
async function coldNode(entry) {
  log("cold start in Node");
  const hook = await arrivalServer();
  // "warm": after one node:http request, as in a running application; "idle": the
  // same, then 250 ms asleep; the others in a fresh process
  const runs = { "package warm": [], "http warm": [], "package idle": [], "http idle": [], package: [], fetch: [], http: [] };
  const modes = Object.keys(runs);
  const warm = (mode) => mode.endsWith(" warm") || mode.endsWith(" idle");
  for (let i = 0; i < 13; i++) {
    // rotate the order so no mode always runs first
    for (const mode of [...modes.slice(i % modes.length), ...modes.slice(0, i % modes.length)]) {
      hook.arrivals.length = 0;
      const { stdout } = await execFileP(process.execPath, [join(ROOT, "bench", "cold-node.mjs")], {
        env: { ...process.env, BENCH_MODE: mode.split(" ")[0], BENCH_WARM: warm(mode) ? "1" : "0", BENCH_IDLE_MS: mode.endsWith(" idle") ? "250" : "0", BENCH_ENTRY: entry, BENCH_BASE_URL: hook.url, BENCH_API_KEY: "cold-start-key" },
      });
      const r = JSON.parse(stdout);
      const last = hook.arrivals.at(-1);
      if (!r.ok || hook.arrivals.length !== (warm(mode) ? 2 : 1)) throw new Error(`cold start run (${mode}) failed: ${stdout}`);
      // the first round only warms the OS file cache
      if (i > 0) {
        runs[mode].push({
          arrivalMs: last.at - r.t0,
          importMs: r.tImported == null ? null : r.tImported - r.t0,
          startedMs: r.tStarted == null ? null : r.tStarted - r.t0,
        });
      }
    }
  }
  await hook.close();
  const pick = (xs, k) => xs.map((r) => r[k]);
  const stat = (xs) => ({ n: xs.length, median: median(xs), min: min(xs), max: max(xs) });
  return {
    imported: stat(pick(runs["package warm"], "importMs")),
    started: stat(pick(runs["package warm"], "startedMs")),
    arrival: stat(pick(runs["package warm"], "arrivalMs")),
    httpWarmArrival: stat(pick(runs["http warm"], "arrivalMs")),
    idleImported: stat(pick(runs["package idle"], "importMs")),
    idleArrival: stat(pick(runs["package idle"], "arrivalMs")),
    httpIdleArrival: stat(pick(runs["http idle"], "arrivalMs")),
    freshImported: stat(pick(runs.package, "importMs")),
    freshArrival: stat(pick(runs.package, "arrivalMs")),
    fetchArrival: stat(pick(runs.fetch, "arrivalMs")),
    httpArrival: stat(pick(runs.http, "arrivalMs")),
  };
}

/** workerd: the package's first request after `await import()`, against a bare `fetch`. */
async function coldWorkerd() {
  log("cold start in workerd");
  try {
    const { Miniflare, supportedCompatibilityDate } = await import("miniflare");
    const hook = await arrivalServer();
    const pkgModules = workerModules(PKG);
    // Clocks stand still inside a Worker, so the local server timestamps four
    // requests: a mark, the package's first request right after a dynamic
    // import, a second mark, and a bare fetch as the baseline for one request.
    const source = `export default { async fetch(req, env) {
  await fetch(env.HOOK + "/mark-1");
  const { SkyvernClient } = await import("./workerd.js");
  const client = new SkyvernClient({ apiKey: "cold-start-key", baseUrl: env.HOOK, maxRetries: 0 });
  const s = await client.getBrowserSession("pbs_cold_start");
  await fetch(env.HOOK + "/mark-2");
  const r = await (await fetch(env.HOOK + "/v1/browser_sessions/pbs_cold_start", { headers: { "x-api-key": "cold-start-key" } })).json();
  return Response.json({ ok: s.browser_session_id === "pbs_cold_start" && r.browser_session_id === "pbs_cold_start" });
} };`;
    async function once() {
      hook.arrivals.length = 0;
      const mf = new Miniflare({
        modules: [{ type: "ESModule", path: join(PKG, "__bench_worker.mjs"), contents: source }, ...pkgModules],
        modulesRoot: PKG,
        compatibilityDate: supportedCompatibilityDate,
        bindings: { HOOK: hook.url },
        host: "127.0.0.1",
      });
      try {
        await mf.ready;
        const body = await (await mf.dispatchFetch("http://localhost/")).json();
        const at = hook.arrivals;
        if (!body.ok || at.length !== 4) throw new Error(`the Worker answered ${JSON.stringify(body)} after ${at.length} requests`);
        return { pkg: at[1].at - at[0].at, base: at[3].at - at[2].at };
      } finally {
        await mf.dispose();
      }
    }
    await once(); // warms the OS caches and miniflare's own start-up
    const diffs = [];
    const pkgTimes = [];
    const baseTimes = [];
    for (let i = 0; i < 9; i++) {
      const r = await once();
      pkgTimes.push(r.pkg);
      baseTimes.push(r.base);
      diffs.push(r.pkg - r.base);
    }
    await hook.close();
    return { runs: diffs.length, median: median(diffs), min: min(diffs), max: max(diffs), pkgMedian: median(pkgTimes), baseMedian: median(baseTimes) };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
}

export async function coldSection(entry) {
  const c = await coldNode(entry);
  const coldW = await coldWorkerd();
  const spread = (x) => `${x.n} processes, ${ms(x.min)}–${ms(x.max)}`;
  const toFetch = c.freshArrival.median / c.fetchArrival.median;
  const toHttp = c.freshArrival.median / c.httpArrival.median;
  const ok = toFetch <= NODE_COLD_BAR;
  const rows = [
    ["**Node, fresh process: the package's first call ÷ a bare `fetch`** (start → request reaches the server)", ratio(toFetch), `medians ${ms(c.freshArrival.median)} ÷ ${ms(c.fetchArrival.median)}`, `≤ ${NODE_COLD_BAR.toFixed(2)}×`,
      bars.check(ok, `Node cold start ${ratio(toFetch)} a bare fetch > ${NODE_COLD_BAR.toFixed(2)}×`)],
    ["Node, fresh process: the package's first call ÷ a bare node:http request", ratio(toHttp), `medians ${ms(c.freshArrival.median)} ÷ ${ms(c.httpArrival.median)}`, "", ""],
    ["Node, fresh process: `import` → the package's first request reaches the server", `median ${ms(c.freshArrival.median)}`, spread(c.freshArrival), "", ""],
    ["Node, fresh process: of which `import`", `median ${ms(c.freshImported.median)}`, spread(c.freshImported), "", ""],
    ["Node, fresh process, no package: a bare `fetch` → reaches the server (Node sets up its fetch first)", `median ${ms(c.fetchArrival.median)}`, spread(c.fetchArrival), "", ""],
    ["Node, fresh process, no package: a bare node:http request → reaches the server", `median ${ms(c.httpArrival.median)}`, spread(c.httpArrival), "", ""],
    ["Node, after one request: `import` → the package's first request reaches the server", `median ${ms(c.arrival.median)}`, spread(c.arrival), "", ""],
    ["Node, after one request: of which `import` (read + compile + instantiate the .wasm)", `median ${ms(c.imported.median)}`, spread(c.imported), "", ""],
    ["Node, after one request: `import` → the package starts its first request (node:http)", `median ${ms(c.started.median)}`, spread(c.started), "", ""],
    ["Node, after one request, no package: a bare node:http request → reaches the server", `median ${ms(c.httpWarmArrival.median)}`, spread(c.httpWarmArrival), "", ""],
    ["Node, after 250 ms idle: `import` → the package's first request reaches the server", `median ${ms(c.idleArrival.median)}`, spread(c.idleArrival), "", ""],
    ["Node, after 250 ms idle: of which `import`", `median ${ms(c.idleImported.median)}`, spread(c.idleImported), "", ""],
    ["Node, after 250 ms idle, no package: a bare node:http request → reaches the server", `median ${ms(c.httpIdleArrival.median)}`, spread(c.httpIdleArrival), "", ""],
  ];
  const summary = [["Node cold start: first call ÷ a bare `fetch` (fresh process)", ratio(toFetch), `≤ ${NODE_COLD_BAR.toFixed(2)}×`, ok]];
  if (coldW.error) {
    rows.push(["workerd: package cost before the first request", "not measured", coldW.error, "", ""]);
  } else {
    rows.push([
      "workerd: `import()` → the package's first request, minus one bare `fetch`",
      `median ${ms(coldW.median)}`,
      `${coldW.runs} fresh workerd instances, ${ms(coldW.min)}–${ms(coldW.max)} (with the package ${ms(coldW.pkgMedian)}, bare fetch ${ms(coldW.baseMedian)})`,
      "",
      "",
    ]);
    summary.push(["workerd cold start: what `import()` adds before the first request", ms(coldW.median), "reported", null]);
  }
  let md = "### Cold start\n\nA fresh Node process or a fresh workerd per run; a local server timestamps each request's arrival.\n\n";
  md += table(["figure", "value", "runs, range", "bar", ""], rows);
  return { md, summary };
}