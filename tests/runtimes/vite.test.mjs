// Vite: a production build of a tiny app that imports the installed package
// by name, served from its dist/ and run in headless Debian chromium; the
// same app under Vite's dev server (dependency pre-bundling included).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pageSuite, runPage, serveStatic, uniqueId } from "./helpers.mjs";
import { assertFlow } from "./expect.mjs";

const suite = await pageSuite("Vite runtime test");
const { emu, chrome, skip, cleanup } = suite;

const app = () =>
  suite.app("vite", [["vite-app/index.html", "index.html"], ["vite-app/main.js", "main.js"], ["flow.mjs", "flow.mjs"]]);

test("Vite production build: import by name, create -> get -> list -> close", { skip }, async () => {
  const project = await app();

  const { build } = await import("vite");
  await build({
    root: project.app,
    configFile: false,
    logLevel: "warn",
    mode: "production",
    build: { outDir: join(project.app, "dist"), emptyOutDir: true },
  });
  const assets = readdirSync(join(project.app, "dist", "assets"));
  const wasm = assets.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `the build emits the .wasm once as an asset: ${assets.join(", ")}`);
  const js = assets.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(project.app, "dist", "assets", f), "utf8")).join("\n");
  assert.ok(!js.includes("node:fs"), "the browser build does not pull in the Node entry");

  const server = await serveStatic({ "/": join(project.app, "dist") });
  cleanup.push(() => server.close());
  const testId = uniqueId("vite");
  const q = new URLSearchParams({ emulator: emu.url, key: emu.apiKey, testId });
  const { state, result, logs } = await runPage(chrome.browser, `${server.url}/?${q}`);
  assert.equal(state, "done", `page failed: ${JSON.stringify(result)}\n${logs.join("\n")}`);
  await assertFlow(result, { emuUrl: emu.url, testId, browser: true });
});

test("Vite dev server: import by name, create -> get -> list -> close", { skip }, async () => {
  const project = await app();
  const { createServer } = await import("vite");
  const server = await createServer({
    root: project.app,
    configFile: false,
    logLevel: "warn",
    server: { host: "127.0.0.1", port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  cleanup.push(() => server.close());
  const base = server.resolvedUrls.local[0];
  const testId = uniqueId("vite-dev");
  const q = new URLSearchParams({ emulator: emu.url, key: emu.apiKey, testId });
  const { state, result, logs } = await runPage(chrome.browser, `${base}?${q}`);
  assert.equal(state, "done", `page failed: ${JSON.stringify(result)}\n${logs.join("\n")}`);
  await assertFlow(result, { emuUrl: emu.url, testId, browser: true });
});
