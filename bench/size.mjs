// Package size: what `npm pack` ships, what a web page loads, what the server entry
// loads, the largest items of the `.wasm`, and what each optional part of it costs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PKG, ROOT, TARGET, WASM_OPT_FEATURES, addSizes, bars, fmtSizes, kb, log, shippedFiles, sizes, table } from "./lib.mjs";
import { pagePayload, serverEntryPayload } from "./payload.mjs";
import { crateTable, namedTopTable } from "./twiggy.mjs";

export const PAGE_BAR_BYTES = 100_000; // gzip -9, what a web page loads
export const PAGE_GOAL_BYTES = 60_000;

/** Sums the shipped files by kind: `.wasm`, `.js`, `.d.ts`. */
function shippedSizes(shipped) {
  const zero = { raw: 0, gzip: 0, brotli: 0 };
  const by = { wasm: zero, js: zero, types: zero };
  for (const f of shipped) {
    const s = sizes(readFileSync(join(PKG, f)));
    if (f.endsWith(".wasm")) by.wasm = addSizes(by.wasm, s);
    else if (f.endsWith(".js")) by.js = addSizes(by.js, s);
    else if (f.endsWith(".d.ts")) by.types = addSizes(by.types, s);
  }
  return by;
}

/** The page-payload row (budgeted) and the server-entry row (reported), plus summary rows. */
async function payloadRows() {
  const page = await pagePayload(PKG);
  const server = await serverEntryPayload(PKG);
  const rows = [];
  const summary = [];
  if (page) {
    const ok = page.total.gzip <= PAGE_BAR_BYTES;
    rows.push([
      `**page payload** (${page.files.join(" + ")})`,
      fmtSizes(page.total),
      `gzip ≤ ${kb(PAGE_BAR_BYTES)} (goal ${kb(PAGE_GOAL_BYTES)})`,
      bars.check(ok, `page payload ${page.total.gzip} B gzip > ${PAGE_BAR_BYTES} B`),
    ]);
    summary.push(["What a web page downloads (JS + .wasm, gzip)", kb(page.total.gzip), `≤ ${kb(PAGE_BAR_BYTES)} (goal ${kb(PAGE_GOAL_BYTES)})`, ok]);
  } else {
    rows.push(["**page payload**", "n/a (no web.js)", `gzip ≤ ${kb(PAGE_BAR_BYTES)}`, bars.check(false, "page payload: pkg/web.js is missing")]);
  }
  rows.push([
    server ? `server entry payload (${server.files.join(" + ")})` : "server entry payload (`skyvern-wasm/server`)",
    server ? fmtSizes(server.total) : "n/a",
    "reported, not budgeted",
    "",
  ]);
  return { rows, summary };
}

export async function sizeSection() {
  log("size");
  const shipped = await shippedFiles(PKG);
  const { wasm, js, types } = shippedSizes(shipped);
  const payload = await payloadRows();
  const rows = [
    [".wasm", fmtSizes(wasm), "", ""],
    [`JS (${shipped.filter((f) => f.endsWith(".js")).length} files: the runtime entries and the shared bundle)`, fmtSizes(js), "", ""],
    ["package (wasm + JS, every runtime)", fmtSizes(addSizes(wasm, js)), "", ""],
    ...payload.rows,
    ["types (.d.ts, not loaded at run time)", fmtSizes(types), "", ""],
  ];
  let md = "### Package size\n\nSizes of the files `npm pack` ships, each compressed on its own (raw / gzip -9 / brotli q11); one measurement, sizes are deterministic.\n\n";
  md += table(["what", "raw / gzip / brotli", "bar", ""], rows);
  md += `\n\n${namedTopTable(join(PKG, "skyvern_wasm_bg.wasm"))}`;
  const crates = crateTable(join(PKG, "skyvern_wasm_bg.wasm"));
  if (crates) md += `\n\n${crates}`;
  if (!process.env.SKYVERN_WASM_PKG) md += partsTable();
  return { md, summary: payload.summary, wasmFiles: shipped.filter((f) => f.endsWith(".wasm")).map((f) => join(PKG, f)) };
}

/**
 * What each part costs: the crate rebuilt with one cargo feature at a time (`client`,
 * `live-view` = the page's `.wasm`, `webhooks` (with `proxy`) = the server entry's), through the same
 * wasm-bindgen and wasm-opt steps, into its own target dir.
 */
function partsTable() {
  const wasmOpt = join(ROOT, "node_modules", ".bin", "wasm-opt");
  const targetDir = join(TARGET, "bench-parts");
  const tmp = mkdtempSync(join(tmpdir(), "skyvern-wasm-parts-"));
  const build = (feature) => {
    log(`size: the .wasm with the feature ${feature}`);
    const args = ["build", "--release", "--quiet", "--target", "wasm32-unknown-unknown", "-p", "skyvern-wasm", "--target-dir", targetDir, "--no-default-features", "--features", feature];
    execFileSync("cargo", args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    const out = join(tmp, feature);
    execFileSync("wasm-bindgen", ["--target", "web", "--out-dir", out, "--out-name", "skyvern_wasm", join(targetDir, "wasm32-unknown-unknown", "release", "skyvern_wasm.wasm")], { stdio: "ignore" });
    execFileSync(wasmOpt, ["-Oz", ...WASM_OPT_FEATURES, "--strip-debug", "--strip-producers", "--strip-target-features", join(out, "skyvern_wasm_bg.wasm"), "-o", join(out, "opt.wasm")], { stdio: "ignore" });
    return { wasm: sizes(readFileSync(join(out, "opt.wasm"))), glue: sizes(readFileSync(join(out, "skyvern_wasm.js"))) };
  };
  try {
    const client = build("client");
    const page = build("live-view");
    const server = build("webhooks");
    const shipped = (name) => sizes(readFileSync(join(PKG, name))).gzip.toLocaleString("en");
    const diff = (a, b) => ({ raw: a.raw - b.raw, gzip: a.gzip - b.gzip, brotli: a.brotli - b.brotli });
    const rows = [
      ["the client alone (sessions, runs, profiles, errors, retries, waiting)", fmtSizes(client.wasm), fmtSizes(client.glue)],
      ["+ the live view's policy (`live-view`)", fmtSizes(diff(page.wasm, client.wasm)), fmtSizes(diff(page.glue, client.glue))],
      // Builds in another target dir order functions differently: a few hundred bytes apart.
      [`= the page's .wasm (shipped: ${shipped("skyvern_wasm_bg.wasm")} B gzip)`, fmtSizes(page.wasm), fmtSizes(page.glue)],
      [`the server entry's .wasm: the proxy and the webhook check (\`webhooks\`; shipped: ${shipped("skyvern_server_bg.wasm")} B gzip)`, fmtSizes(server.wasm), fmtSizes(server.glue)],
    ];
    return `\n\nWhat each part costs: the crate rebuilt with one cargo feature at a time, each build through the same wasm-bindgen and wasm-opt steps. The glue column is wasm-bindgen's generated JS for that build, before bundling.\n\n${table(["part", ".wasm raw / gzip / brotli", "generated glue raw / gzip / brotli"], rows)}`;
  } catch (e) {
    return `\n\nThe per-part sizes could not be measured: ${String(e.message).split("\n")[0]}`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
