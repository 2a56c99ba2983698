// What loading one entry of the package costs: the entry module, every module it
// imports (statically or with a literal `import()`, as esbuild follows them), and
// each `.wasm` of the package whose file name one of those modules names (the web
// entry fetches its `.wasm` through `new URL("…_bg.wasm", import.meta.url)`).
// Each file is compressed on its own, as a browser downloads it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { addSizes, sizes } from "./lib.mjs";

/** `{ files, total }` for `entry` (a file in `pkg`), or null when it is absent. */
export async function entryPayload(pkg, entry, platform = "browser") {
  if (!existsSync(join(pkg, entry))) return null;
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [join(pkg, entry)],
    absWorkingDir: pkg,
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform,
    // Node's own modules are not downloaded.
    external: ["node:*"],
    logLevel: "silent",
  });
  const js = Object.keys(result.metafile.inputs).map((p) => resolve(pkg, p));
  const texts = js.map((f) => readFileSync(f, "utf8"));
  const wasm = readdirSync(pkg)
    .filter((name) => name.endsWith(".wasm") && texts.some((t) => t.includes(name)))
    .map((name) => join(pkg, name));
  const files = [...js, ...wasm];
  const total = files.reduce((sum, f) => addSizes(sum, sizes(readFileSync(f))), { raw: 0, gzip: 0, brotli: 0 });
  return { files: files.map((f) => basename(f)), total };
}

/** What a web page loads: the package's browser entry (`pkg/web.js`), its imports and its `.wasm`. */
export function pagePayload(pkg) {
  return entryPayload(pkg, "web.js", "browser");
}

/** What a server loads through `skyvern-wasm/server` (its default entry, `server-web.js`): reported, not budgeted. */
export function serverEntryPayload(pkg) {
  return entryPayload(pkg, "server-web.js", "neutral");
}
