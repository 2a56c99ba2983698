// Bundles the package's JavaScript with rolldown (`cargo xtask build`).
//
// Input: a directory holding wasm-bindgen's output for both modules (the page's
// `skyvern_wasm` and the server entry's `skyvern_server`: glue + snippets) and the
// hand-written entries from src/js/entries/. Output, in the package directory:
// one small module per runtime (node.js, web.js, workerd.js) over one shared,
// minified module (skyvern.js) that holds the glue, the client's API and the
// live view; the server entry's modules (server-node.js, server-web.js,
// server-workerd.js) over its own (skyvern_server.js: its glue and the proxy
// adapter);
// and the error classes both share (errors.js). The `.wasm` files stay separate:
// entries load them with `new URL(…, import.meta.url)` (web), `readFileSync`
// (Node) or a module import (Workers).
//
//   node xtask/bundle.mjs <generated dir> <package dir> [--no-minify]
import { build } from "rolldown";
import { join } from "node:path";

const [gen, out, flag] = process.argv.slice(2);
if (!gen || !out) {
  console.error("usage: node xtask/bundle.mjs <generated dir> <package dir> [--no-minify]");
  process.exit(2);
}
const minify = flag !== "--no-minify";

const result = await build({
  input: {
    node: join(gen, "node.js"),
    web: join(gen, "web.js"),
    workerd: join(gen, "workerd.js"),
    "server-node": join(gen, "server-node.js"),
    "server-web": join(gen, "server-web.js"),
    "server-workerd": join(gen, "server-workerd.js"),
  },
  // The .wasm is loaded at run time by each entry in its own way; node: modules
  // are Node's own.
  external: [/\.wasm$/, /^node:/],
  platform: "neutral",
  treeshake: true,
  logLevel: "warn",
  output: {
    dir: out,
    format: "esm",
    minify,
    // Class and function names stay readable (`SkyvernClient`, `mountLiveView`)
    // in stack traces and `constructor.name`.
    keepNames: true,
    comments: false,
    entryFileNames: "[name].js",
    chunkFileNames: "[name].js",
  },
});

// The package ships exactly these modules (pkg/package.json `files`).
const written = result.output.map((o) => o.fileName).sort();
const expected = [
  "errors.js",
  "node.js",
  "server-node.js",
  "server-web.js",
  "server-workerd.js",
  "skyvern.js",
  "skyvern_server.js",
  "web.js",
  "workerd.js",
];
if (JSON.stringify(written) !== JSON.stringify(expected)) {
  console.error(`bundle: wrote ${written.join(", ")}; expected ${expected.join(", ")}`);
  process.exit(1);
}
