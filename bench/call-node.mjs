// Per-call cost in Node: the client against a bare `fetch` and a bare node:http request,
// interleaved in blocks on the emulator.
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { bars, log, max, median, min, ms, percentile, ratio, table } from "./lib.mjs";

/** The client's median call ÷ the bare request's: at most this, in every runtime. */
export const CALL_BAR = 1.1;

export async function nodeCallSection(client, emu) {
  log("per-call cost");
  const session = await client.createBrowserSession({ timeout: 30 });
  const id = session.browser_session_id;
  const rawUrl = `${emu.url}/v1/browser_sessions/${encodeURIComponent(id)}`;
  const viaRaw = async () => {
    const res = await fetch(rawUrl, { headers: { "x-api-key": emu.apiKey } });
    if (!res.ok) throw new Error(`raw fetch: ${res.status}`);
    return res.json();
  };
  // The same request over node:http with a kept-alive connection, the transport the
  // package's Node entry uses: what the package adds on top of its own transport.
  const agent = new HttpAgent({ keepAlive: true });
  const viaRawHttp = () =>
    new Promise((ok, fail) => {
      httpRequest(rawUrl, { agent, headers: { "x-api-key": emu.apiKey } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => (res.statusCode === 200 ? ok(JSON.parse(text)) : fail(new Error(`raw http: ${res.statusCode}`))));
      })
        .on("error", fail)
        .end();
    });
  const viaClient = () => client.getBrowserSession(id);
  const samples = { client: [], raw: [], rawHttp: [] };
  const blockRatios = [];
  async function block(kind, fn, n, keep) {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const s = await fn();
      out.push(performance.now() - t);
      if (s.browser_session_id !== id) throw new Error(`${kind}: wrong session ${s.browser_session_id}`);
    }
    if (keep) samples[kind].push(...out);
    return out;
  }
  await block("client", viaClient, 200, false);
  await block("raw", viaRaw, 200, false);
  await block("rawHttp", viaRawHttp, 200, false);
  const BLOCK = 100;
  const ways = [["client", viaClient], ["raw", viaRaw], ["rawHttp", viaRawHttp]];
  for (let b = 0; b < 20; b++) {
    // rotate which goes first so none always runs on a warmer machine
    const order = b % 2 ? [...ways].reverse() : ways;
    const got = {};
    for (const [kind, fn] of order) got[kind] = await block(kind, fn, BLOCK, true);
    blockRatios.push(median(got.client) / median(got.raw));
  }
  await client.closeBrowserSession(id);
  agent.destroy();
  const c = samples.client;
  const r = samples.raw;
  const rt = samples.rawHttp;
  const callRatio = median(c) / median(r);
  const rows = [
    ["client `getBrowserSession`", ms(median(c), 3), ms(percentile(c, 99), 3), `${c.length} calls, p10–p90 ${ms(percentile(c, 10), 3)}–${ms(percentile(c, 90), 3)}`, "", ""],
    ["raw `fetch` + `response.json()`", ms(median(r), 3), ms(percentile(r, 99), 3), `${r.length} calls, p10–p90 ${ms(percentile(r, 10), 3)}–${ms(percentile(r, 90), 3)}`, "", ""],
    ["**ratio client / raw**", `${callRatio.toFixed(3)}×`, `${(percentile(c, 99) / percentile(r, 99)).toFixed(3)}×`,
      `${blockRatios.length} block pairs of ${BLOCK}: ${min(blockRatios).toFixed(3)}×–${max(blockRatios).toFixed(3)}×`, `median ≤ ${CALL_BAR.toFixed(2)}×`,
      bars.check(callRatio <= CALL_BAR, `Node per-call median ratio ${callRatio.toFixed(3)} > ${CALL_BAR}`)],
    ["raw node:http (kept-alive connection) + `JSON.parse`", ms(median(rt), 3), ms(percentile(rt, 99), 3), `${rt.length} calls, p10–p90 ${ms(percentile(rt, 10), 3)}–${ms(percentile(rt, 90), 3)}`, "", ""],
    ["ratio client / raw node:http (what the package adds to its transport)", `${(median(c) / median(rt)).toFixed(3)}×`, `${(percentile(c, 99) / percentile(rt, 99)).toFixed(3)}×`, "", "", ""],
  ];
  let md = `### Per-call cost (Node ${process.version}, emulator on loopback)\n\n2,000 sequential \`GET /v1/browser_sessions/{id}\` each way after 200 warm-up calls each, interleaved in blocks of ${BLOCK} (order alternating). The client (whose Node entry sends over node:http) gives each attempt its time limit (\`timeoutInSeconds\`, 60 s by default); the budget compares it with a bare \`fetch\`, and the last two rows with a bare node:http request, which has no time limit.\n\n`;
  md += table(["", "median", "p99", "runs, spread", "bar", ""], rows);
  return { md, summary: [["Per call in Node: the client ÷ a bare `fetch` (median)", ratio(callRatio), `≤ ${CALL_BAR.toFixed(2)}×`, callRatio <= CALL_BAR]] };
}
