// Cloudflare Workers: a Worker module that imports the installed package by
// name runs in real workerd through miniflare 4 (no nodejs_compat, the newest
// compatibility date the installed workerd supports). The bare name is
// resolved the way Wrangler's bundler does, through the package's exports map
// with the `workerd` condition; the .wasm is loaded as a compiled module. A
// second test builds the same Worker with Wrangler (`deploy --dry-run`, which
// bundles with esbuild, as a real deploy does) and runs what it wrote.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { emulator, packAndInstall, packageNotBuilt, removeDir, uniqueId, FIXTURES, ROOT } from "./helpers.mjs";
import { assertFlow } from "./expect.mjs";

const execFileP = promisify(execFile);
const notBuilt = packageNotBuilt();
const emu = notBuilt ? null : await emulator();
const skip = notBuilt ?? emu?.skip;
if (skip) console.log(`# skipping the workerd runtime test: ${skip}`);

const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) await f();
  emu?.stop?.();
});

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The modules of the Worker: its own files, the installed package, and the package name. */
async function workerModules(app, installed) {
  // Ask Node's resolver which file `skyvern-wasm` means under the `workerd` condition.
  const { stdout } = await execFileP(
    process.execPath,
    ["--conditions=workerd", "--input-type=module", "-e", 'process.stdout.write(import.meta.resolve("skyvern-wasm"))'],
    { cwd: app },
  );
  const entry = relative(app, fileURLToPath(stdout.trim())).split(sep).join("/");
  const modules = [
    { type: "ESModule", path: join(app, "worker.mjs"), contents: readFileSync(join(FIXTURES, "worker", "worker.mjs"), "utf8") },
    { type: "ESModule", path: join(app, "flow.mjs"), contents: readFileSync(join(FIXTURES, "flow.mjs"), "utf8") },
    // The bare specifier is a module named after the package that re-exports the resolved entry.
    { type: "ESModule", path: join(app, "skyvern-wasm"), contents: `export * from "./${entry}";\n` },
  ];
  for (const file of walk(installed)) {
    if (file.endsWith(".js")) modules.push({ type: "ESModule", path: file, contents: readFileSync(file, "utf8") });
    else if (file.endsWith(".wasm")) modules.push({ type: "CompiledWasm", path: file, contents: readFileSync(file) });
  }
  return { entry, modules };
}

/** Runs a Worker (miniflare module options) in workerd and asserts the flow it answers with. */
async function assertWorkerFlow(workerOptions, label) {
  const { Miniflare, supportedCompatibilityDate } = await import("miniflare");
  const mf = new Miniflare({
    ...workerOptions,
    compatibilityDate: supportedCompatibilityDate,
    compatibilityFlags: [],
    bindings: { EMULATOR_URL: emu.url, EMULATOR_API_KEY: emu.apiKey },
    host: "127.0.0.1",
  });
  cleanup.push(() => mf.dispose());
  const testId = uniqueId(label);
  const res = await mf.dispatchFetch(`http://localhost/?testId=${encodeURIComponent(testId)}`);
  const text = await res.text();
  assert.equal(res.status, 200, `the Worker failed: ${text}`);
  const out = JSON.parse(text);
  assert.equal(out.runtime.navigator, "Cloudflare-Workers", "ran inside workerd");
  await assertFlow(out, { emuUrl: emu.url, testId, browser: false });
}

test("workerd (miniflare 4): Worker imports by name, create -> get -> list -> close", { skip }, async () => {
  const project = await packAndInstall("workerd");
  cleanup.push(() => removeDir(project.dir));
  const { entry, modules } = await workerModules(project.app, project.installed);
  assert.equal(entry, "node_modules/skyvern-wasm/workerd.js", "the `workerd` condition picks workerd.js");

  await assertWorkerFlow(
    {
      modules,
      modulesRoot: project.app,
      modulesRules: [
        { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
        { type: "CompiledWasm", include: ["**/*.wasm"] },
      ],
    },
    "workerd",
  );
});

test("Wrangler: `wrangler deploy --dry-run` bundles the Worker and its .wasm; the bundle runs in workerd", { skip }, async () => {
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  if (!existsSync(wrangler)) return assert.fail("wrangler is not installed at the repo root (npm ci)");
  const project = await packAndInstall("wrangler");
  cleanup.push(() => removeDir(project.dir));
  copyFileSync(join(FIXTURES, "worker", "worker.mjs"), join(project.app, "worker.mjs"));
  copyFileSync(join(FIXTURES, "flow.mjs"), join(project.app, "flow.mjs"));
  const { supportedCompatibilityDate } = await import("miniflare");
  writeFileSync(
    join(project.app, "wrangler.toml"),
    `name = "skyvern-wasm-test"\nmain = "worker.mjs"\ncompatibility_date = "${supportedCompatibilityDate}"\n`,
  );
  const dist = join(project.app, "dist");
  try {
    await execFileP(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", dist], {
      cwd: project.app,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
      timeout: 120_000,
    });
  } catch (e) {
    assert.fail(`wrangler deploy --dry-run failed:\n${e.stdout}${e.stderr}`);
  }
  const written = readdirSync(dist);
  assert.equal(written.filter((f) => f.endsWith(".wasm")).length, 1, `Wrangler keeps the .wasm as one module: ${written.join(", ")}`);
  const bundle = readFileSync(join(dist, "worker.js"), "utf8");
  assert.ok(!bundle.includes("node:http") && !bundle.includes("node:fs"), "no Node built-ins in the Worker bundle");

  await assertWorkerFlow(
    {
      scriptPath: join(dist, "worker.js"),
      modules: true,
      modulesRoot: dist,
      modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    },
    "wrangler",
  );
});
