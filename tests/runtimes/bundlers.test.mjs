// webpack 5, Rollup and esbuild: production builds of the same tiny app the Vite
// test builds (it imports the installed package by name), served from their
// output directory and run in headless Debian chromium. webpack emits the .wasm
// by itself (it follows `new URL(…, import.meta.url)`); Rollup and esbuild leave
// that URL as it is, so their builds copy the .wasm next to the bundle, as
// pkg/README.md tells users to.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pageSuite, runPage, serveStatic, uniqueId } from "./helpers.mjs";
import { assertFlow } from "./expect.mjs";

const suite = await pageSuite("bundler tests");
const { emu, chrome, skip, cleanup } = suite;

const app = () => suite.app("bundlers", [["vite-app/main.js", "main.js"], ["flow.mjs", "flow.mjs"]]);

/** Writes `dist/index.html` loading `script`, serves `dist/`, runs the flow in Chromium. */
async function runBuilt(dist, script, module, name) {
  writeFileSync(
    join(dist, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>${name}</title>` +
      `<pre id="result" data-state="running">running…</pre>` +
      `<script ${module ? 'type="module" ' : ""}src="./${script}"></script>`,
  );
  const js = readdirSync(dist, { recursive: true })
    .filter((f) => String(f).endsWith(".js"))
    .map((f) => readFileSync(join(dist, String(f)), "utf8"))
    .join("\n");
  assert.ok(!js.includes("node:fs") && !js.includes("node:http"), "the browser build does not pull in the Node entry");
  const server = await serveStatic({ "/": dist });
  cleanup.push(() => server.close());
  const testId = uniqueId(name);
  const q = new URLSearchParams({ emulator: emu.url, key: emu.apiKey, testId });
  const { state, result, logs } = await runPage(chrome.browser, `${server.url}/?${q}`);
  assert.equal(state, "done", `page failed: ${JSON.stringify(result)}\n${logs.join("\n")}`);
  await assertFlow(result, { emuUrl: emu.url, testId, browser: true });
}

/** The package's .wasm, copied next to a bundle whose bundler does not emit it. */
function copyWasm(project, dist) {
  copyFileSync(join(project.installed, "skyvern_wasm_bg.wasm"), join(dist, "skyvern_wasm_bg.wasm"));
}

test("webpack 5 production build: import by name, the .wasm emitted by webpack, create -> get -> list -> close", { skip }, async () => {
  const project = await app();
  const dist = join(project.app, "dist-webpack");
  const { default: webpack } = await import("webpack");
  const stats = await new Promise((ok, fail) =>
    webpack(
      {
        mode: "production",
        context: project.app,
        entry: "./main.js",
        target: "web",
        output: { path: dist, filename: "main.js", clean: true },
        performance: { hints: false },
      },
      (err, s) => (err ? fail(err) : ok(s)),
    ),
  );
  assert.ok(!stats.hasErrors(), stats.toString("errors-only"));
  const wasm = readdirSync(dist).filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `webpack emits the .wasm once: ${readdirSync(dist).join(", ")}`);
  await runBuilt(dist, "main.js", false, "webpack");
});

test("Rollup production build (node-resolve, browser condition) with the .wasm copied next to it", { skip }, async () => {
  const project = await app();
  const dist = join(project.app, "dist-rollup");
  const { rollup } = await import("rollup");
  const { nodeResolve } = await import("@rollup/plugin-node-resolve");
  const bundle = await rollup({
    input: join(project.app, "main.js"),
    plugins: [nodeResolve({ browser: true, rootDir: project.app })],
    onwarn: () => {},
  });
  await bundle.write({ dir: dist, format: "es", entryFileNames: "main.js" });
  await bundle.close();
  assert.ok(!existsSync(join(dist, "skyvern_wasm_bg.wasm")), "Rollup does not emit the .wasm by itself");
  copyWasm(project, dist);
  await runBuilt(dist, "main.js", true, "rollup");
});

test("esbuild production build (bundle, esm, browser platform) with the .wasm copied next to it", { skip }, async () => {
  const project = await app();
  const dist = join(project.app, "dist-esbuild");
  mkdirSync(dist, { recursive: true });
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [join(project.app, "main.js")],
    absWorkingDir: project.app,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    outfile: join(dist, "main.js"),
    logLevel: "silent",
  });
  assert.deepEqual(result.errors, []);
  copyWasm(project, dist);
  await runBuilt(dist, "main.js", true, "esbuild");
});
