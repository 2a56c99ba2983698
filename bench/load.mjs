// Load: 1,000 calls in flight at once, and memory over 100,000 calls in a child process.
import { join } from "node:path";
import { ROOT, bars, execFileP, log, max, median, min, ms, table } from "./lib.mjs";

export async function concurrencySection(client) {
  log("concurrency");
  const session = await client.createBrowserSession({ timeout: 30 });
  const id = session.browser_session_id;
  const runs = [];
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => client.getBrowserSession(id)));
    const wall = performance.now() - t;
    const ok = results.filter((x) => x.status === "fulfilled" && x.value.browser_session_id === id).length;
    const firstError = results.find((x) => x.status === "rejected");
    runs.push({ ok, wall, firstError: firstError ? String(firstError.reason) : null });
  }
  await client.closeBrowserSession(id);
  const allOk = runs.every((r) => r.ok === 1000);
  const walls = runs.map((r) => r.wall);
  const rows = [[
    "1,000 `getBrowserSession` in flight at once",
    runs.map((r) => `${r.ok}/1000`).join(", "),
    `${runs.length} runs, wall ${ms(min(walls), 0)}–${ms(max(walls), 0)} (median ${ms(median(walls), 0)})`,
    "all succeed",
    bars.check(allOk, `concurrency: ${runs.map((r) => r.ok).join("/")} of 1000 succeeded${runs.find((r) => r.firstError)?.firstError ? ` (${runs.find((r) => r.firstError).firstError})` : ""}`),
  ]];
  return { md: `### Concurrency\n\n${table(["figure", "succeeded", "runs, spread", "bar", ""], rows)}`, summary: [["1,000 calls in flight at once", `${runs.filter((r) => r.ok === 1000).length} of ${runs.length} runs all succeeded`, "all succeed", allOk]] };
}

export async function memorySection(entry, emu) {
  log("memory (100,000 calls, up to a minute)");
  const { stdout } = await execFileP(process.execPath, ["--expose-gc", join(ROOT, "bench", "memory.mjs")], {
    env: { ...process.env, BENCH_ENTRY: entry, SKYVERN_EMULATOR_URL: emu.url, SKYVERN_EMULATOR_API_KEY: emu.apiKey },
    maxBuffer: 1 << 20,
    timeout: 240_000,
  });
  const m = JSON.parse(stdout);
  const grew = m.at100k.wasmBytes - m.at1k.wasmBytes;
  const rows = [
    ["wasm linear memory", `${m.at1k.wasmBytes.toLocaleString("en")} B`, `${m.at100k.wasmBytes.toLocaleString("en")} B`, "must not grow",
      bars.check(grew <= 0 && m.failures === 0, grew > 0 ? `wasm memory grew by ${grew} B between 1,000 and 100,000 calls` : `${m.failures} calls failed in the memory run`)],
    ["JS heap used (after full GC)", `${(m.at1k.heapUsed / 1e6).toFixed(2)} MB`, `${(m.at100k.heapUsed / 1e6).toFixed(2)} MB`, "", ""],
  ];
  let md = `### Memory (Node)\n\nOne process, 100,000 \`getBrowserSession\` calls 8 at a time, every 10th for a missing session (a \`NotFoundError\`); ${m.failures} unexpected results; ${m.seconds.toFixed(1)} s.\n\n`;
  md += table(["figure", "after 1,000 calls", "after 100,000 calls", "bar", ""], rows);
  const flat = grew <= 0 && m.failures === 0;
  return { md, summary: [["wasm memory from 1,000 to 100,000 calls", `${grew > 0 ? "+" : ""}${grew.toLocaleString("en")} B`, "must not grow", flat]] };
}
