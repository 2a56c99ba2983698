// Waiting by push: `waitForRun(runId, { webhooks })` fed by a node:http receiver
// that checks each callback with `verifyWebhook`, side by side with the polling
// wait on identical runs. Push is timed from the moment the emulator sent the
// webhook (its `sent_at_ms` in /_emulator/webhooks) to the wait resolving;
// polling from the run's `finished_at` to the wait resolving.
import { createServer } from "node:http";
import { EventEmitter } from "node:events";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { PKG, bars, log, max, median, min, ms, table } from "./lib.mjs";

const RUNS = 10;
// The bar for the median time from the webhook being sent to the wait resolving.
const PUSH_BAR_MS = 100;

export async function pushWaitSection(SkyvernClient, emu) {
  log(`waiting by push (${RUNS} runs of 2 s each way, about 5 s)`);
  const { verifyWebhook } = await import(pathToFileURL(join(PKG, "server-node.js")).href);
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    try {
      bus.emit("run", await verifyWebhook({ body: Buffer.concat(chunks), headers: req.headers }, { apiKey: emu.apiKey }));
      res.writeHead(204).end();
    } catch {
      res.writeHead(401).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const hook = `http://127.0.0.1:${server.address().port}/webhooks/skyvern`;
  const webhooks = (listener) => {
    bus.on("run", listener);
    return () => bus.off("run", listener);
  };
  const utc = (t) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
  const c = new SkyvernClient({ apiKey: emu.apiKey, baseUrl: emu.url });
  async function once(push) {
    const run = await c.runTask({ prompt: "[duration=2s] benchmark push wait", webhook_url: push ? hook : null });
    const done = await c.waitForRun(run.run_id, push ? { webhooks, timeout: 60 } : { timeout: 60 });
    return { runId: run.run_id, push, at: Date.now(), byEvent: typeof done.timestamp === "number", finished: utc(done.finished_at ?? "") };
  }
  let results;
  try {
    const jobs = [];
    for (let i = 0; i < RUNS; i++) jobs.push(once(true), once(false));
    results = await Promise.all(jobs);
  } finally {
    server.close();
  }
  const sent = await (await fetch(`${emu.url}/_emulator/webhooks`)).json();
  const pushed = results.filter((r) => r.push);
  const polled = results.filter((r) => !r.push);
  const fromSend = [];
  const fromEnd = [];
  for (const r of pushed) {
    const s = sent.find((d) => d.run_id === r.runId && d.tamper === null);
    if (!s || !r.byEvent) throw new Error(`push wait of ${r.runId} did not resolve on its webhook`);
    fromSend.push(r.at - s.sent_at_ms);
    if (r.finished) fromEnd.push(r.at - r.finished);
  }
  const pollEnd = polled.map((r) => r.at - r.finished);
  const span = (xs) => `${ms(median(xs), 1)} (${ms(min(xs), 1)}–${ms(max(xs), 1)})`;
  const rows = [
    ["`waitForRun(id, { webhooks })`: webhook sent → resolved", span(fromSend)],
    ["`waitForRun(id, { webhooks })`: run finished → resolved", span(fromEnd)],
    ["`waitForRun(id)` (polling): run finished → resolved", span(pollEnd)],
  ];
  let md = `### Waiting by push\n\n${RUNS} runs of 2 s with a \`webhook_url\` to a node:http receiver on loopback that checks each callback with \`verifyWebhook\` and hands it to \`waitForRun\` through an EventEmitter, and ${RUNS} identical runs waited for by polling, all at once. Values: median (min–max).\n\n`;
  md += table(["wait", "time"], rows);
  md += "\n\n\"Run finished\" is the run's own `finished_at` (the emulator notices a run's end within 5 ms and then sends).";
  const sentToResolved = median(fromSend);
  const ok = sentToResolved <= PUSH_BAR_MS;
  bars.check(ok, `push wait: webhook sent → resolved median ${ms(sentToResolved, 1)} > ${PUSH_BAR_MS} ms`);
  return {
    md,
    summary: [["`waitForRun` with webhooks: webhook sent → resolved (median)", ms(sentToResolved, 1), `≤ ${PUSH_BAR_MS} ms`, ok]],
  };
}
