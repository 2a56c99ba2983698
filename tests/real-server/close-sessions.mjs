// Closes every active browser session on the server at SKYVERN_REAL_URL.
// run.sh calls it before stopping a server it started itself (so every session there
// belongs to this test run): a live session holds a browser of about 1 GB.
const base = process.env.SKYVERN_REAL_URL;
const key = process.env.SKYVERN_REAL_API_KEY;
if (!base || !key) process.exit(0);

const headers = { "x-api-key": key };
const list = await fetch(`${base}/v1/browser_sessions`, { headers, signal: AbortSignal.timeout(30_000) });
if (!list.ok) {
  console.error(`[real-server] listing sessions gave ${list.status}`);
  process.exit(1);
}
const sessions = await list.json();
let failed = 0;
for (const s of sessions) {
  const id = s.browser_session_id;
  const res = await fetch(`${base}/v1/browser_sessions/${encodeURIComponent(id)}/close`, {
    method: "POST",
    headers,
    signal: AbortSignal.timeout(60_000),
  }).catch((e) => ({ ok: false, status: String(e) }));
  if (!res.ok) failed++;
  console.error(`[real-server] closed ${id} left open by the tests: ${res.status}`);
}
process.exit(failed ? 1 : 0);
