// Waiting: how soon `waitForRun` notices runs of 2, 10 and 30 s, against a fixed 10 s poll.
import { randomBytes } from "node:crypto";
import { log, max, median, min, ms, table } from "./lib.mjs";

export async function waitSection(SkyvernClient, emu) {
  log("waiting (about 40 s)");
  const TERMINAL = new Set(["completed", "failed", "terminated", "canceled", "timed_out"]);
  const utc = (t) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  async function waitOnce(seconds) {
    const testId = `bench-wait-${seconds}s-${randomBytes(4).toString("hex")}`;
    const c = new SkyvernClient({ apiKey: emu.apiKey, baseUrl: emu.url, headers: { "x-test-id": testId } });
    const run = await c.runTask({ prompt: `[duration=${seconds}s] benchmark wait`, url: "https://example.com" });
    const runId = run.run_id;
    const done = await c.waitForRun(runId, { timeout: seconds + 60 });
    const tNoticed = Date.now();
    if (!TERMINAL.has(done.status) || !done.finished_at || !run.created_at) {
      throw new Error(`run ${runId} ended as ${done.status} without created_at/finished_at`);
    }
    // The run's own timeline (the emulator stamps it in real time).
    const tCreated = utc(run.created_at);
    const tTerminal = utc(done.finished_at);
    // A fixed 10 s poll: GET right after creating, then every 10 s.
    const d = tTerminal - tCreated;
    const k = Math.ceil(d / 10_000);
    return { seconds, testId, runId, status: done.status, notice: tNoticed - tTerminal, fixedNotice: k * 10_000 - d, fixedPolls: k + 1 };
  }
  const jobs = [];
  for (const s of [2, 10, 30]) for (let i = 0; i < 5; i++) jobs.push(waitOnce(s));
  const results = await Promise.all(jobs);
  // Count each wait's polls in the emulator's request log, once all are done
  // (reading a long log while waits run would stall their timers).
  const requestLog = await (await fetch(`${emu.url}/_emulator/requests`)).json();
  for (const r of results) {
    r.polls = requestLog.filter((q) => q.headers?.["x-test-id"] === r.testId && q.method === "GET" && q.path === `/v1/runs/${r.runId}`).length;
  }
  const rows = [];
  for (const s of [2, 10, 30]) {
    const rs = results.filter((r) => r.seconds === s);
    const notice = rs.map((r) => r.notice);
    const polls = rs.map((r) => r.polls);
    const fixed = rs.map((r) => r.fixedNotice);
    const fixedPolls = rs.map((r) => r.fixedPolls);
    rows.push([
      `${s} s run`,
      `${ms(median(notice), 0)} (${ms(min(notice), 0)}–${ms(max(notice), 0)})`,
      `${median(polls)} (${min(polls)}–${max(polls)})`,
      `${ms(median(fixed), 0)} (${ms(min(fixed), 0)}–${ms(max(fixed), 0)})`,
      `${median(fixedPolls)} (${min(fixedPolls)}–${max(fixedPolls)})`,
      `${rs.length} runs, all ${[...new Set(rs.map((r) => r.status))].join("/")}`,
    ]);
  }
  let md = "### Waiting for a run\n\n`waitForRun` with its default (adaptive) polling, all runs in parallel. The terminal moment is the run's own `finished_at` (the emulator stamps its timeline in real time); the fixed 10 s poll (GET at `created_at`, then every 10 s) is computed from the same timeline. Values: median (min–max).\n\n";
  md += table(["run", "waitForRun notices after", "its polls", "fixed 10 s poll notices after", "its polls", "runs"], rows);
  md += "\n\nNo budget in the benchmark; the client aims to notice short runs within about a second.";
  const two = results.filter((r) => r.seconds === 2).map((r) => r.notice);
  return { md, summary: [["`waitForRun` notices a 2 s run finished after (median)", ms(median(two), 0), "reported (aim ≈ 1 s)", null]] };
}
