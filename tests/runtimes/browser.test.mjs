// Browser without a bundler: a static page whose <script type="module">
// imports the installed package by name (an import map points the name at the
// package's web entry), driven in headless Debian chromium; the flow's
// results are read from the DOM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { packAndInstall, pageSuite, removeDir, runPage, serveStatic, uniqueId, FIXTURES } from "./helpers.mjs";
import { assertFlow } from "./expect.mjs";

const { emu, chrome, skip, cleanup } = await pageSuite("browser (no bundler) runtime test");

test("static page, no bundler: import by name, create -> get -> list -> close", { skip }, async () => {
  const project = await packAndInstall("static");
  cleanup.push(() => removeDir(project.dir));
  const server = await serveStatic({
    "/node_modules/": join(project.app, "node_modules"),
    "/flow.mjs": join(FIXTURES, "flow.mjs"),
    "/": join(FIXTURES, "static"),
  });
  cleanup.push(() => server.close());

  const testId = uniqueId("static");
  const q = new URLSearchParams({ emulator: emu.url, key: emu.apiKey, testId });
  const { state, result, logs } = await runPage(chrome.browser, `${server.url}/?${q}`);
  assert.equal(state, "done", `page failed: ${JSON.stringify(result)}\n${logs.join("\n")}`);
  await assertFlow(result, { emuUrl: emu.url, testId, browser: true });
});
