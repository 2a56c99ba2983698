// Small helpers for the benchmark: statistics, formatting, compression sizes, paths and bars.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

export function sorted(xs) {
  return [...xs].sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(xs, p) {
  const s = sorted(xs);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

export const median = (xs) => {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const min = (xs) => Math.min(...xs);
export const max = (xs) => Math.max(...xs);

export function sizes(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  };
}

export function addSizes(a, b) {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli };
}

export const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
export const ms = (x, digits = 2) => `${x.toFixed(digits)} ms`;
export const fmtSizes = (s) => `${s.raw.toLocaleString("en")} B / ${s.gzip.toLocaleString("en")} B / ${s.brotli.toLocaleString("en")} B`;

export const sleep = (t) => new Promise((ok) => setTimeout(ok, t));

/** A Markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const esc = (c) => String(c).replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `| ${header.map(esc).join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

// ---------------------------------------------------------------- shared by the sections

export const execFileP = promisify(execFile);
export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
export const PKG = process.env.SKYVERN_WASM_PKG ? resolve(process.env.SKYVERN_WASM_PKG) : join(ROOT, "pkg");
export const TARGET = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, "target");
export const log = (...a) => console.error("bench:", ...a);

// The same wasm-opt features `cargo xtask build` enables.
export const WASM_OPT_FEATURES = [
  "--enable-bulk-memory",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-mutable-globals",
  "--enable-reference-types",
  "--enable-multivalue",
];

/** Every bar the run checks; `missed` lists those it did not meet. */
export const bars = {
  missed: [],
  /** Records one bar; returns the cell that says whether it was met. */
  check(ok, what) {
    if (!ok) this.missed.push(what);
    return ok ? "ok" : "**missed**";
  },
};

/** The files `npm pack` ships from the package directory, relative to it. */
export async function shippedFiles(pkg) {
  const { stdout } = await execFileP("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: pkg });
  return JSON.parse(stdout)[0].files.map((f) => f.path);
}

/** `n` formatted as a ratio: "0.950×". */
export const ratio = (n) => `${n.toFixed(3)}×`;

/** The package's files as miniflare modules: `.js` as ES modules, `.wasm` compiled. */
export function workerModules(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) workerModules(p, out);
    else if (/\.m?js$/.test(name)) out.push({ type: "ESModule", path: p, contents: readFileSync(p, "utf8") });
    else if (name.endsWith(".wasm")) out.push({ type: "CompiledWasm", path: p, contents: readFileSync(p) });
  }
  return out;
}
