// `cargo xtask bench`: size, per-call cost, cold start, memory, concurrency and
// waiting figures for the built package, printed as Markdown and written into
// the README's Performance section. Exits non-zero when a budget is exceeded.
//
//   node bench/run.mjs   (env: SKYVERN_EMULATOR_URL, SKYVERN_EMULATOR_API_KEY;
//                         without them it starts target/debug/skyvern-emulator)
import { execFile, execFileSync } from "node:child_process";
import { Agent as HttpAgent, createServer, request as httpRequest } from "node:http";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { addSizes, fmtSizes, kb, max, median, min, ms, percentile, sizes, sleep, table } from "./lib.mjs";
import { emulator } from "../tests/runtimes/helpers.mjs";

const execFileP = promisify(execFile);
const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const PKG = process.env.SKYVERN_WASM_PKG ? resolve(process.env.SKYVERN_WASM_PKG) : join(ROOT, "pkg");
const ENTRY = pathToFileURL(join(PKG, "node.js")).href;

// The same wasm-opt features `cargo xtask build` enables.
const WASM_OPT_FEATURES = [
  "--enable-bulk-memory",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-reference-types",
  "--enable-multivalue",
];

const BUDGET = {
  gzipBytes: 40_000, // whole package (wasm + JS), gzip -9
  gzipAimBytes: 30_000,
  perCallRatio: 1.1, // client median / raw fetch median
  coldStartMs: 10,
};

// BENCH_ONLY=size,cold,call,concurrency,wait,memory runs only those sections
// (budgets are then checked for those only, and the README is not written).
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : null;
const want = (name) => !ONLY || ONLY.has(name);

const failures = [];

function parseCsvLine(line) {
  const out = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { out.push(cur); cur = ""; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}
function budget(ok, what) {
  if (!ok) failures.push(what);
  return ok ? "ok" : "**over budget**";
}
const log = (...a) => console.error("bench:", ...a);

if (!existsSync(join(PKG, "skyvern_wasm_bg.wasm")) || !existsSync(join(PKG, "skyvern.js"))) {
  console.error(`bench: the package is not built (no ${PKG}/skyvern_wasm_bg.wasm); run \`cargo xtask build\``);
  process.exit(2);
}
const emu = await emulator();
if (emu.skip) {
  console.error(`bench: ${emu.skip}`);
  process.exit(2);
}
const { SkyvernClient } = await import(ENTRY);
const sections = [];
const started = performance.now();

// ---------------------------------------------------------------- size
if (want("size")) {
  log("size");
  const { stdout } = await execFileP("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PKG });
  const shipped = JSON.parse(stdout)[0].files.map((f) => f.path);
  const zero = { raw: 0, gzip: 0, brotli: 0 };
  let wasm = zero;
  let js = zero;
  let types = zero;
  for (const f of shipped) {
    const s = sizes(readFileSync(join(PKG, f)));
    if (f.endsWith(".wasm")) wasm = addSizes(wasm, s);
    else if (f.endsWith(".js")) js = addSizes(js, s);
    else if (f.endsWith(".d.ts")) types = addSizes(types, s);
  }
  const total = addSizes(wasm, js);
  const rows = [
    [".wasm", fmtSizes(wasm), "", ""],
    [`JS (${shipped.filter((f) => f.endsWith(".js")).length} files: three runtime entries and the shared bundle)`, fmtSizes(js), "", ""],
    ["**package (wasm + JS)**", fmtSizes(total), `gzip ≤ ${kb(BUDGET.gzipBytes)} (aim ${kb(BUDGET.gzipAimBytes)})`,
      budget(total.gzip <= BUDGET.gzipBytes, `package ${total.gzip} B gzip > ${BUDGET.gzipBytes} B`)],
    ["types (.d.ts, not loaded at run time)", fmtSizes(types), "", ""],
  ];
  let md = `### Package size\n\nSizes of the files \`npm pack\` ships, each compressed on its own (raw / gzip -9 / brotli q11); one measurement, sizes are deterministic.\n\n`;
  md += table(["what", "raw / gzip / brotli", "budget", ""], rows);

  const twiggy = (() => {
    try {
      execFileSync("twiggy", ["--version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  if (twiggy) {
    const shippedWasm = join(PKG, "skyvern_wasm_bg.wasm");
    const top = (file, n = 40) =>
      execFileSync("twiggy", ["top", "-n", String(n), "-f", "csv", file], { encoding: "utf8" })
        .trim()
        .split("\n")
        .slice(1)
        .map(parseCsvLine)
        .map(([name, bytes, share]) => ({ name, bytes: Number(bytes), share: Number(share) }))
        .filter((i) => i.name && !i.name.startsWith("Σ"));
    const isMeta = (i) => /^custom section|subsection$/.test(i.name);
    let file = shippedWasm;
    let items = top(shippedWasm);
    let note = "the shipped .wasm";
    if (!items.some((i) => i.name.includes("::"))) {
      // The shipped module has no names. Rebuild the same release module with
      // names kept (wasm-bindgen, then wasm-opt -Oz -g) and use it if its code
      // is the shipped size (within 3 %), i.e. it is the same build.
      note = "the shipped .wasm (it has no function names)";
      const targetDir = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, "target");
      const release = join(targetDir, "wasm32-unknown-unknown", "release", "skyvern_wasm.wasm");
      const wasmOpt = join(ROOT, "node_modules", ".bin", "wasm-opt");
      if (existsSync(release) && existsSync(wasmOpt)) {
        const tmp = mkdtempSync(join(tmpdir(), "skyvern-wasm-twiggy-"));
        try {
          execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", tmp, "--out-name", "skyvern_wasm", release], { stdio: "ignore" });
          const named = join(tmp, "named.wasm");
          execFileSync(wasmOpt, ["-Oz", "-g", ...WASM_OPT_FEATURES, join(tmp, "skyvern_wasm_bg.wasm"), "-o", named], { stdio: "ignore" });
          const namedItems = top(named, 60);
          const meta = namedItems.filter(isMeta).reduce((n, i) => n + i.bytes, 0);
          const codeSize = statSync(named).size - meta;
          const shippedSize = statSync(shippedWasm).size;
          if (Math.abs(codeSize - shippedSize) <= shippedSize * 0.03) {
            file = named;
            items = namedItems.filter((i) => !isMeta(i));
            note = "the release module rebuilt with names kept (wasm-bindgen, wasm-opt -Oz -g; the shipped file strips them, custom sections left out)";
          } else {
            note += `; ${release} is a different build (${codeSize} B vs ${shippedSize} B), so no names`;
          }
        } catch (e) {
          note += `; naming it failed: ${String(e.message).split("\n")[0]}`;
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      }
    }
    const trows = items.slice(0, 15).map((i) => [i.name.length > 90 ? `${i.name.slice(0, 87)}…` : i.name, i.bytes.toLocaleString("en"), `${i.share.toFixed(2)} %`]);
    md += `\n\n\`twiggy top\`, the 15 largest items of ${note}:\n\n`;
    md += table(["item", "shallow bytes", "share of that file"], trows);
  } else {
    md += "\n\n`twiggy` is not on PATH, so the largest items are not listed (`cargo install twiggy` adds them).";
  }
  if (!process.env.SKYVERN_WASM_PKG) md += partsTable();
  sections.push(md);
}

/**
 * What each part of the `.wasm` costs: the crate rebuilt without its optional
 * parts (cargo features `proxy` and `live-view`, both in the shipped build),
 * through the same wasm-bindgen and wasm-opt steps, into its own target dir.
 */
function partsTable() {
  const wasmOpt = join(ROOT, "node_modules", ".bin", "wasm-opt");
  const targetDir = join(process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, "target"), "bench-parts");
  const tmp = mkdtempSync(join(tmpdir(), "skyvern-wasm-parts-"));
  const build = (features) => {
    log(`size: the .wasm with features [${features.join(", ")}]`);
    const args = ["build", "--release", "--quiet", "--target", "wasm32-unknown-unknown", "-p", "skyvern-wasm", "--target-dir", targetDir, "--no-default-features"];
    if (features.length) args.push("--features", features.join(","));
    execFileSync("cargo", args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    const out = join(tmp, features.join("-") || "client");
    execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", out, "--out-name", "skyvern_wasm", join(targetDir, "wasm32-unknown-unknown", "release", "skyvern_wasm.wasm")], { stdio: "ignore" });
    execFileSync(wasmOpt, ["-Oz", ...WASM_OPT_FEATURES, "--strip-debug", "--strip-producers", "--strip-target-features", join(out, "skyvern_wasm_bg.wasm"), "-o", join(out, "opt.wasm")], { stdio: "ignore" });
    return { wasm: sizes(readFileSync(join(out, "opt.wasm"))), glue: sizes(readFileSync(join(out, "skyvern_wasm.js"))) };
  };
  try {
    const client = build([]);
    const withLive = build(["live-view"]);
    const full = build(["proxy", "live-view"]);
    const shipped = sizes(readFileSync(join(PKG, "skyvern_wasm_bg.wasm")));
    const diff = (a, b) => ({ raw: a.raw - b.raw, gzip: a.gzip - b.gzip, brotli: a.brotli - b.brotli });
    const rows = [
      ["the client alone (sessions, runs, profiles, errors, retries, waiting)", fmtSizes(client.wasm), fmtSizes(client.glue)],
      ["+ the live view's policy (`live-view`)", fmtSizes(diff(withLive.wasm, client.wasm)), fmtSizes(diff(withLive.glue, client.glue))],
      ["+ the proxy (`proxy`)", fmtSizes(diff(full.wasm, withLive.wasm)), fmtSizes(diff(full.glue, withLive.glue))],
      // Builds in another target dir order functions differently: a few hundred bytes apart.
      [`= all of it (the shipped .wasm: ${shipped.raw.toLocaleString("en")} B raw, ${shipped.gzip.toLocaleString("en")} B gzip)`, fmtSizes(full.wasm), fmtSizes(full.glue)],
    ];
    return `\n\nWhat each part of the \`.wasm\` costs: the crate rebuilt without its optional parts (cargo features), each build through the same wasm-bindgen and wasm-opt steps. The glue column is wasm-bindgen's generated JS for that build, before bundling; the hand-written JS (errors, transports, the live view's element, the proxy's request adapter) ships in one bundle whatever the build.\n\n${table(["part", ".wasm raw / gzip / brotli", "generated glue raw / gzip / brotli"], rows)}`;
  } catch (e) {
    return `\n\nThe per-part sizes could not be measured: ${String(e.message).split("\n")[0]}`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- cold start
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

let coldNode;
let coldWorkerd;
if (want("cold")) {
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
        env: { ...process.env, BENCH_MODE: mode.split(" ")[0], BENCH_WARM: warm(mode) ? "1" : "0", BENCH_IDLE_MS: mode.endsWith(" idle") ? "250" : "0", BENCH_ENTRY: ENTRY, BENCH_BASE_URL: hook.url, BENCH_API_KEY: "cold-start-key" },
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
  coldNode = {
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

if (want("cold")) {
  log("cold start in workerd");
  try {
    const { Miniflare, supportedCompatibilityDate } = await import("miniflare");
    const hook = await arrivalServer();
    const pkgModules = [];
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.m?js$/.test(name)) pkgModules.push({ type: "ESModule", path: p, contents: readFileSync(p, "utf8") });
        else if (name.endsWith(".wasm")) pkgModules.push({ type: "CompiledWasm", path: p, contents: readFileSync(p) });
      }
    };
    walk(PKG);
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
    coldWorkerd = { runs: diffs.length, median: median(diffs), min: min(diffs), max: max(diffs), pkgMedian: median(pkgTimes), baseMedian: median(baseTimes) };
  } catch (e) {
    coldWorkerd = { error: String(e && e.message ? e.message : e) };
  }
}

if (want("cold")) {
  const c = coldNode;
  const spread = (x) => `${x.n} processes, ${ms(x.min)}–${ms(x.max)}`;
  const rows = [
    ["Node: `import` → the package's first request reaches the server", `median ${ms(c.arrival.median)}`, spread(c.arrival), `≤ ${BUDGET.coldStartMs} ms`,
      budget(c.arrival.median <= BUDGET.coldStartMs, `Node cold start ${c.arrival.median.toFixed(2)} ms > ${BUDGET.coldStartMs} ms`)],
    ["Node: of which `import` (read + compile + instantiate the .wasm)", `median ${ms(c.imported.median)}`, spread(c.imported), "", ""],
    ["Node: `import` → the package starts its first request (node:http)", `median ${ms(c.started.median)}`, spread(c.started), "", ""],
    ["Node, no package: a bare node:http request → reaches the server", `median ${ms(c.httpWarmArrival.median)}`, spread(c.httpWarmArrival), "", ""],
    ["Node, after 250 ms idle: `import` → the package's first request reaches the server", `median ${ms(c.idleArrival.median)}`, spread(c.idleArrival), "", ""],
    ["Node, after 250 ms idle: of which `import`", `median ${ms(c.idleImported.median)}`, spread(c.idleImported), "", ""],
    ["Node, after 250 ms idle, no package: a bare node:http request → reaches the server", `median ${ms(c.httpIdleArrival.median)}`, spread(c.httpIdleArrival), "", ""],
    ["Node, fresh process: `import` → the package's first request reaches the server", `median ${ms(c.freshArrival.median)}`, spread(c.freshArrival), "", ""],
    ["Node, fresh process: of which `import`", `median ${ms(c.freshImported.median)}`, spread(c.freshImported), "", ""],
    ["Node, fresh process, no package: a bare `fetch` → reaches the server (Node sets up its fetch first)", `median ${ms(c.fetchArrival.median)}`, spread(c.fetchArrival), "", ""],
    ["Node, fresh process, no package: a bare node:http request → reaches the server", `median ${ms(c.httpArrival.median)}`, spread(c.httpArrival), "", ""],
  ];
  if (coldWorkerd.error) {
    rows.push(["workerd: package cost before the first request", "not measured", coldWorkerd.error, "", ""]);
  } else {
    rows.push([
      "workerd: `import()` → the package's first request, minus one bare `fetch`",
      `median ${ms(coldWorkerd.median)}`,
      `${coldWorkerd.runs} fresh workerd instances, ${ms(coldWorkerd.min)}–${ms(coldWorkerd.max)} (with the package ${ms(coldWorkerd.pkgMedian)}, bare fetch ${ms(coldWorkerd.baseMedian)})`,
      `≤ ${BUDGET.coldStartMs} ms`,
      budget(coldWorkerd.median <= BUDGET.coldStartMs, `workerd cold start ${coldWorkerd.median.toFixed(2)} ms > ${BUDGET.coldStartMs} ms`),
    ]);
  }
  let md = "### Cold start\n\nEach run starts a fresh Node process or a fresh workerd (miniflare 4); a local server timestamps each request's arrival. The package's Node entry sends over node:http. The budgeted Node figure is what the package costs an application that is already running: the process first sends one node:http request, then the clock starts, the package is imported and its first call made. The idle rows do the same after 250 ms asleep: on this machine (a small VM) the first work after an idle spell runs slower whatever it is (a 116 KB file read just before takes 0.3 ms to read again at once and about 7 ms after 1 s asleep, in Python as in Node), so those rows show the machine as much as the package; the bare request after the same idle is their baseline. The fresh-process rows start the clock with nothing loaded, with the same first request sent by hand (`fetch`, node:http) as the baseline. Clocks stand still inside a Worker, so in workerd a local server timestamps a mark request, the package's first request after `await import()`, then a bare `fetch` as the cost of one request; the figure excludes workerd compiling the `.wasm` module at start-up.\n\n";
  md += table(["figure", "value", "runs, range", "budget", ""], rows);
  sections.push(md);
}

// ---------------------------------------------------------------- per-call cost
const client = new SkyvernClient({ apiKey: emu.apiKey, baseUrl: emu.url, maxRetries: 0 });
if (want("call")) {
  log("per-call cost");
  const session = await client.createBrowserSession({ timeout: 30 });
  const id = session.browser_session_id;
  const rawUrl = `${emu.url}/v1/browser_sessions/${encodeURIComponent(id)}`;
  const viaRaw = async () => {
    const res = await fetch(rawUrl, { headers: { "x-api-key": emu.apiKey } });
    if (!res.ok) throw new Error(`raw fetch: ${res.status}`);
    return res.json();
  };
  // The same request over node:http with a kept-alive connection, the transport the
  // package's Node entry uses: what the package adds on top of its own transport.
  const agent = new HttpAgent({ keepAlive: true });
  const viaRawHttp = () =>
    new Promise((ok, fail) => {
      httpRequest(rawUrl, { agent, headers: { "x-api-key": emu.apiKey } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => (res.statusCode === 200 ? ok(JSON.parse(text)) : fail(new Error(`raw http: ${res.statusCode}`))));
      })
        .on("error", fail)
        .end();
    });
  const viaClient = () => client.getBrowserSession(id);
  const samples = { client: [], raw: [], rawHttp: [] };
  const blockRatios = [];
  async function block(kind, fn, n, keep) {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const s = await fn();
      out.push(performance.now() - t);
      if (s.browser_session_id !== id) throw new Error(`${kind}: wrong session ${s.browser_session_id}`);
    }
    if (keep) samples[kind].push(...out);
    return out;
  }
  await block("client", viaClient, 200, false);
  await block("raw", viaRaw, 200, false);
  await block("rawHttp", viaRawHttp, 200, false);
  const BLOCK = 100;
  const ways = [["client", viaClient], ["raw", viaRaw], ["rawHttp", viaRawHttp]];
  for (let b = 0; b < 20; b++) {
    // rotate which goes first so none always runs on a warmer machine
    const order = b % 2 ? [...ways].reverse() : ways;
    const got = {};
    for (const [kind, fn] of order) got[kind] = await block(kind, fn, BLOCK, true);
    blockRatios.push(median(got.client) / median(got.raw));
  }
  await client.closeBrowserSession(id);
  agent.destroy();
  const c = samples.client;
  const r = samples.raw;
  const rt = samples.rawHttp;
  const ratio = median(c) / median(r);
  const rows = [
    ["client `getBrowserSession`", ms(median(c), 3), ms(percentile(c, 99), 3), `${c.length} calls, p10–p90 ${ms(percentile(c, 10), 3)}–${ms(percentile(c, 90), 3)}`, "", ""],
    ["raw `fetch` + `response.json()`", ms(median(r), 3), ms(percentile(r, 99), 3), `${r.length} calls, p10–p90 ${ms(percentile(r, 10), 3)}–${ms(percentile(r, 90), 3)}`, "", ""],
    ["**ratio client / raw**", `${ratio.toFixed(3)}×`, `${(percentile(c, 99) / percentile(r, 99)).toFixed(3)}×`,
      `${blockRatios.length} block pairs of ${BLOCK}: ${min(blockRatios).toFixed(3)}×–${max(blockRatios).toFixed(3)}×`, `median ≤ ${BUDGET.perCallRatio}×`,
      budget(ratio <= BUDGET.perCallRatio, `per-call median ratio ${ratio.toFixed(3)} > ${BUDGET.perCallRatio}`)],
    ["raw node:http (kept-alive connection) + `JSON.parse`", ms(median(rt), 3), ms(percentile(rt, 99), 3), `${rt.length} calls, p10–p90 ${ms(percentile(rt, 10), 3)}–${ms(percentile(rt, 90), 3)}`, "", ""],
    ["ratio client / raw node:http (what the package adds to its transport)", `${(median(c) / median(rt)).toFixed(3)}×`, `${(percentile(c, 99) / percentile(rt, 99)).toFixed(3)}×`, "", "", ""],
  ];
  let md = `### Per-call cost (Node ${process.version}, emulator on loopback)\n\n2,000 sequential \`GET /v1/browser_sessions/{id}\` each way after 200 warm-up calls each, interleaved in blocks of ${BLOCK} (order alternating). The client (whose Node entry sends over node:http) gives each attempt its time limit (\`timeoutInSeconds\`, 60 s by default); the budget compares it with a bare \`fetch\`, and the last two rows with a bare node:http request, which has no time limit.\n\n`;
  md += table(["", "median", "p99", "runs, spread", "budget", ""], rows);
  sections.push(md);
}

// ---------------------------------------------------------------- concurrency
if (want("concurrency")) {
  log("concurrency");
  const session = await client.createBrowserSession({ timeout: 30 });
  const id = session.browser_session_id;
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => client.getBrowserSession(id)));
    const wall = performance.now() - t;
    const ok = results.filter((x) => x.status === "fulfilled" && x.value.browser_session_id === id).length;
    const firstError = results.find((x) => x.status === "rejected");
    runs.push({ ok, wall, firstError: firstError ? String(firstError.reason) : null });
  }
  await client.closeBrowserSession(id);
  const allOk = runs.every((r) => r.ok === 1000);
  const walls = runs.map((r) => r.wall);
  const rows = [[
    "1,000 `getBrowserSession` in flight at once",
    runs.map((r) => `${r.ok}/1000`).join(", "),
    `${runs.length} runs, wall ${ms(min(walls), 0)}–${ms(max(walls), 0)} (median ${ms(median(walls), 0)})`,
    "all succeed",
    budget(allOk, `concurrency: ${runs.map((r) => r.ok).join("/")} of 1000 succeeded${runs.find((r) => r.firstError)?.firstError ? ` (${runs.find((r) => r.firstError).firstError})` : ""}`),
  ]];
  sections.push(`### Concurrency\n\n${table(["figure", "succeeded", "runs, spread", "budget", ""], rows)}`);
}

// ---------------------------------------------------------------- waiting
if (want("wait")) {
  log("waiting (about 40 s)");
  const TERMINAL = new Set(["completed", "failed", "terminated", "canceled", "timed_out"]);
  const utc = (t) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  async function waitOnce(seconds) {
    const testId = `bench-wait-${seconds}s-${randomBytes(4).toString("hex")}`;
    const c = new SkyvernClient({ apiKey: emu.apiKey, baseUrl: emu.url, headers: { "x-test-id": testId } });
    const run = await c.runTask({ prompt: `[duration=${seconds}s] benchmark wait`, url: "https://example.com" });
    const runId = run.run_id;
    const done = await c.waitForRun(runId, { timeout: seconds + 60 });
    const tNoticed = Date.now();
    if (!TERMINAL.has(done.status) || !done.finished_at || !run.created_at) {
      throw new Error(`run ${runId} ended as ${done.status} without created_at/finished_at`);
    }
    // The run's own timeline (the emulator stamps it in real time).
    const tCreated = utc(run.created_at);
    const tTerminal = utc(done.finished_at);
    // A fixed 10 s poll: GET right after creating, then every 10 s.
    const d = tTerminal - tCreated;
    const k = Math.ceil(d / 10_000);
    return { seconds, testId, runId, status: done.status, notice: tNoticed - tTerminal, fixedNotice: k * 10_000 - d, fixedPolls: k + 1 };
  }
  const jobs = [];
  for (const s of [2, 10, 30]) for (let i = 0; i < 5; i++) jobs.push(waitOnce(s));
  const results = await Promise.all(jobs);
  // Count each wait's polls in the emulator's request log, once all are done
  // (reading a long log while waits run would stall their timers).
  const requestLog = await (await fetch(`${emu.url}/_emulator/requests`)).json();
  for (const r of results) {
    r.polls = requestLog.filter((q) => q.headers?.["x-test-id"] === r.testId && q.method === "GET" && q.path === `/v1/runs/${r.runId}`).length;
  }
  const rows = [];
  for (const s of [2, 10, 30]) {
    const rs = results.filter((r) => r.seconds === s);
    const notice = rs.map((r) => r.notice);
    const polls = rs.map((r) => r.polls);
    const fixed = rs.map((r) => r.fixedNotice);
    const fixedPolls = rs.map((r) => r.fixedPolls);
    rows.push([
      `${s} s run`,
      `${ms(median(notice), 0)} (${ms(min(notice), 0)}–${ms(max(notice), 0)})`,
      `${median(polls)} (${min(polls)}–${max(polls)})`,
      `${ms(median(fixed), 0)} (${ms(min(fixed), 0)}–${ms(max(fixed), 0)})`,
      `${median(fixedPolls)} (${min(fixedPolls)}–${max(fixedPolls)})`,
      `${rs.length} runs, all ${[...new Set(rs.map((r) => r.status))].join("/")}`,
    ]);
  }
  let md = "### Waiting for a run\n\n`waitForRun` with its default (adaptive) polling, all runs in parallel. The terminal moment is the run's own `finished_at` (the emulator stamps its timeline in real time); the fixed 10 s poll (GET at `created_at`, then every 10 s) is computed from the same timeline. Values: median (min–max).\n\n";
  md += table(["run", "waitForRun notices after", "its polls", "fixed 10 s poll notices after", "its polls", "runs"], rows);
  md += "\n\nNo budget in the benchmark; the client aims to notice short runs within about a second.";
  sections.push(md);
}

// ---------------------------------------------------------------- memory
if (want("memory")) {
  log("memory (100,000 calls, up to a minute)");
  const { stdout } = await execFileP(process.execPath, ["--expose-gc", join(ROOT, "bench", "memory.mjs")], {
    env: { ...process.env, BENCH_ENTRY: ENTRY, SKYVERN_EMULATOR_URL: emu.url, SKYVERN_EMULATOR_API_KEY: emu.apiKey },
    maxBuffer: 1 << 20,
    timeout: 240_000,
  });
  const m = JSON.parse(stdout);
  const grew = m.at100k.wasmBytes - m.at1k.wasmBytes;
  const rows = [
    ["wasm linear memory", `${m.at1k.wasmBytes.toLocaleString("en")} B`, `${m.at100k.wasmBytes.toLocaleString("en")} B`, "must not grow",
      budget(grew <= 0 && m.failures === 0, grew > 0 ? `wasm memory grew by ${grew} B between 1,000 and 100,000 calls` : `${m.failures} calls failed in the memory run`)],
    ["JS heap used (after full GC)", `${(m.at1k.heapUsed / 1e6).toFixed(2)} MB`, `${(m.at100k.heapUsed / 1e6).toFixed(2)} MB`, "", ""],
  ];
  let md = `### Memory (Node)\n\nOne process, 100,000 \`getBrowserSession\` calls 8 at a time, every 10th for a missing session (a \`NotFoundError\`); ${m.failures} unexpected results; ${m.seconds.toFixed(1)} s.\n\n`;
  md += table(["figure", "after 1,000 calls", "after 100,000 calls", "budget", ""], rows);
  sections.push(md);
}

emu.stop();

const when = new Date().toISOString().slice(0, 10);
const cpu = (() => {
  try {
    return (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
})();
const header = `Measured ${when} on ${cpu}, Node ${process.version}, with \`cargo xtask bench\` (release build, wasm-opt -Oz; emulator on loopback). The command fails when a budget is exceeded.`;
const output = `${header}\n\n${sections.join("\n\n")}\n`;
console.log(output);
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);

const readme = join(ROOT, "README.md");
if (process.env.SKYVERN_WASM_PKG || ONLY) {
  log("SKYVERN_WASM_PKG or BENCH_ONLY is set: README.md not written");
} else if (existsSync(readme)) {
  const text = readFileSync(readme, "utf8");
  const start = "<!-- bench:start -->";
  const end = "<!-- bench:end -->";
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) {
    writeFileSync(readme, `${text.slice(0, a + start.length)}\n${output}${text.slice(b)}`);
    log("wrote the table into README.md");
  } else {
    log("README.md has no bench markers; not written");
  }
}

if (failures.length) {
  console.error(`bench: ${failures.length} budget(s) exceeded:\n  - ${failures.join("\n  - ")}`);
  process.exit(1);
}
