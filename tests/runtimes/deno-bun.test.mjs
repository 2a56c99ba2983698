// Bun and Deno: the package installed from its `npm pack` tarball, imported by
// name from the same user script as the Node test, runs create -> get -> list ->
// close against the emulator. Both resolve the `node` condition, so this proves
// the Node entry (node:http, node:fs, createRequire) in runtimes that emulate
// Node. Their binaries come from npm (optionalDependencies of the workspace,
// installed by `npm ci` on linux-x64); elsewhere the tests are skipped.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { emulator, packAndInstall, packageNotBuilt, removeDir, uniqueId, FIXTURES, ROOT } from "./helpers.mjs";
import { assertFlow } from "./expect.mjs";

const execFileP = promisify(execFile);
const notBuilt = packageNotBuilt();
const emu = notBuilt ? null : await emulator();

const RUNTIMES = [
  {
    name: "Bun",
    bin: join(ROOT, "node_modules", "@oven", "bun-linux-x64", "bin", "bun"),
    args: ["app.mjs"],
    env: {},
  },
  {
    name: "Deno",
    bin: join(ROOT, "node_modules", "@deno", "linux-x64-glibc", "deno"),
    // Only what the script needs: the emulator on loopback, reading the project and its env.
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", "app.mjs"],
    env: { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" },
  },
];

let project;
after(() => {
  emu?.stop?.();
  if (project) removeDir(project.dir);
});

for (const rt of RUNTIMES) {
  const missing = existsSync(rt.bin) ? null : `${rt.name} is not installed (npm ci installs it on linux-x64 only)`;
  const skip = notBuilt ?? emu?.skip ?? missing ?? false;
  test(`${rt.name}: import by name, create -> get -> list -> close`, { skip }, async () => {
    project ??= await packAndInstall("deno-bun");
    copyFileSync(join(FIXTURES, "flow.mjs"), join(project.app, "flow.mjs"));
    copyFileSync(join(FIXTURES, "node-app.mjs"), join(project.app, "app.mjs"));
    const testId = uniqueId(rt.name.toLowerCase());
    const env = { ...process.env, EMULATOR_URL: emu.url, EMULATOR_API_KEY: emu.apiKey, TEST_ID: testId, ...rt.env };
    let stdout;
    let stderr;
    try {
      ({ stdout, stderr } = await execFileP(rt.bin, rt.args, { cwd: project.app, env, timeout: 60_000 }));
    } catch (e) {
      assert.fail(`${rt.name} failed: ${e.message}\nstdout: ${e.stdout}\nstderr: ${e.stderr}`);
    }
    let out;
    try {
      out = JSON.parse(stdout);
    } catch {
      assert.fail(`app.mjs printed no JSON under ${rt.name}\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    assert.equal(out.resolved, pathToFileURL(join(project.installed, "node.js")).href, `${rt.name} picks the \`node\` condition`);
    assert.ok(!stdout.includes(emu.apiKey) && !stderr.includes(emu.apiKey), "the key is never printed");
    await assertFlow(out, { emuUrl: emu.url, testId, browser: false });
  });
}
