// Node: the package installed from its `npm pack` tarball into a fresh ESM
// project, imported by name, runs create -> get -> list -> close against the
// emulator. Also checks what the tarball ships and that its types resolve.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { emulator, packAndInstall, packageNotBuilt, removeDir, uniqueId, FIXTURES, ROOT } from "./helpers.mjs";
import { assertFlow } from "./expect.mjs";

const execFileP = promisify(execFile);
const notBuilt = packageNotBuilt();
const emu = notBuilt ? null : await emulator();
const skip = notBuilt ?? emu?.skip;
if (skip) console.log(`# skipping the Node runtime tests: ${skip}`);

let project;
after(() => {
  emu?.stop?.();
  if (project) removeDir(project.dir);
});

test("npm pack ships exactly the package files", { skip: notBuilt ?? false }, async () => {
  project ??= await packAndInstall("node");
  assert.deepEqual([...project.files].sort(), [
    "README.md",
    "errors.js",
    "index.d.ts",
    "node.js",
    "package.json",
    "server-node.js",
    "server-web.js",
    "server-workerd.js",
    "server.d.ts",
    "skyvern.js",
    "skyvern_server.d.ts",
    "skyvern_server.js",
    "skyvern_server_bg.wasm",
    "skyvern_wasm.d.ts",
    "skyvern_wasm_bg.wasm",
    "web.js",
    "workerd.js",
  ]);
  const pkg = JSON.parse(readFileSync(join(project.installed, "package.json"), "utf8"));
  assert.equal(pkg.dependencies, undefined, "zero runtime dependencies");
  // Every file the exports map names is in the tarball.
  // (values only: the keys are subpaths such as "./server")
  const targets = JSON.stringify(pkg.exports).match(/:"\.\/[^"]+"/g).map((s) => s.slice(4, -1));
  for (const t of new Set(targets)) assert.ok(project.files.includes(t), `exports names ${t}, which ships`);
  // Every relative import of the shipped modules resolves inside the tarball.
  for (const file of project.files.filter((f) => f.endsWith(".js"))) {
    const source = readFileSync(join(project.installed, file), "utf8");
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*["'`]\.\/([^"'`]+)["'`]/g)) {
      assert.ok(project.files.includes(spec), `${file} imports ./${spec}, which ships`);
    }
  }
});

test("Node ESM project: `skyvern-wasm/server` is the server entry; its proxy forwards to the emulator with the key", { skip }, async () => {
  project ??= await packAndInstall("node");
  const script = `
    const server = await import("skyvern-wasm/server");
    const { createProxyHandler } = server;
    const proxy = createProxyHandler({ apiKey: process.env.EMULATOR_API_KEY, upstream: process.env.EMULATOR_URL, pathPrefix: "/api" });
    const response = await proxy(new Request("http://127.0.0.1/api/v1/browser_sessions"));
    const main = await import("skyvern-wasm");
    console.log(JSON.stringify({
      resolved: import.meta.resolve("skyvern-wasm/server"),
      exports: Object.keys(server),
      status: response.status,
      isList: Array.isArray(await response.json()),
      mainHasProxy: "createProxyHandler" in main,
    }));`;
  const { stdout } = await execFileP(process.execPath, ["--input-type=module", "-e", script], {
    cwd: project.app,
    env: { ...process.env, EMULATOR_URL: emu.url, EMULATOR_API_KEY: emu.apiKey },
    timeout: 60_000,
  });
  const out = JSON.parse(stdout);
  assert.equal(out.resolved, pathToFileURL(join(project.installed, "server-node.js")).href, "the `node` condition picks server-node.js");
  assert.deepEqual(out.exports, ["WebhookVerificationError", "createProxyHandler", "createWebhookHandler", "verifyWebhook"]);
  assert.equal(out.status, 200, "the proxy added the key: the emulator answered");
  assert.equal(out.isList, true);
  assert.equal(out.mainHasProxy, false, "the client entry does not carry the proxy");
  assert.ok(!stdout.includes(emu.apiKey), "the key is never printed");
});

test("Node ESM project: import by name, create -> get -> list -> close", { skip }, async () => {
  project ??= await packAndInstall("node");
  copyFileSync(join(FIXTURES, "flow.mjs"), join(project.app, "flow.mjs"));
  copyFileSync(join(FIXTURES, "node-app.mjs"), join(project.app, "app.mjs"));
  const testId = uniqueId("node");
  const { stdout, stderr } = await execFileP(process.execPath, ["app.mjs"], {
    cwd: project.app,
    env: { ...process.env, EMULATOR_URL: emu.url, EMULATOR_API_KEY: emu.apiKey, TEST_ID: testId },
    timeout: 60_000,
  });
  let out;
  try {
    out = JSON.parse(stdout);
  } catch {
    assert.fail(`app.mjs printed no JSON\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
  assert.equal(out.resolved, pathToFileURL(join(project.installed, "node.js")).href, "the `node` condition picks node.js");
  assert.ok(!stdout.includes(emu.apiKey) && !stderr.includes(emu.apiKey), "the key is never printed");
  await assertFlow(out, { emuUrl: emu.url, testId, browser: false });
});

test("types resolve for Node (node16) and bundler resolution under --strict", { skip: notBuilt ?? false }, async () => {
  project ??= await packAndInstall("node");
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) return assert.fail("typescript is not installed at the repo root (npm ci)");
  copyFileSync(join(FIXTURES, "consumer.ts"), join(project.app, "consumer.ts"));
  for (const [module, moduleResolution] of [["node16", "node16"], ["esnext", "bundler"]]) {
    const args = ["--strict", "--noEmit", "--target", "es2022", "--lib", "es2022,dom,esnext.disposable",
      "--module", module, "--moduleResolution", moduleResolution, "consumer.ts"];
    try {
      await execFileP(process.execPath, [tsc, ...args], { cwd: project.app, timeout: 120_000 });
    } catch (e) {
      assert.fail(`tsc ${args.join(" ")} failed:\n${e.stdout}${e.stderr}`);
    }
  }
});
