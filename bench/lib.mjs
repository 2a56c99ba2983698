// Small helpers for the benchmark: statistics, formatting, compression sizes.
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
