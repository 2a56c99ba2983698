// The servers the contract tests talk to, read from the environment, and small helpers
// shared by the suites (raw requests, polling, a local page for the browser to open).
import http from "node:http";

function target(name, urlVar, keyVar) {
  const url = process.env[urlVar];
  const key = process.env[keyVar];
  if (!url || !key) return null;
  return { name, url: url.replace(/\/+$/, ""), key };
}

/** The open-source server run.sh started (SKYVERN_REAL_URL, SKYVERN_REAL_API_KEY). */
export const REAL = target("real", "SKYVERN_REAL_URL", "SKYVERN_REAL_API_KEY");
/** The emulator (SKYVERN_EMULATOR_URL, SKYVERN_EMULATOR_API_KEY). */
export const EMULATOR = target("emulator", "SKYVERN_EMULATOR_URL", "SKYVERN_EMULATOR_API_KEY");
/** Any Skyvern, e.g. Cloud (SKYVERN_BASE_URL, SKYVERN_API_KEY). */
export const ANY = target("configured", "SKYVERN_BASE_URL", "SKYVERN_API_KEY");

export const UNKNOWN_SESSION = "pbs_000000000000000000";
export const UNKNOWN_RUN = "tsk_000000000000000000";
export const TERMINAL_RUN_STATUSES = new Set(["completed", "failed", "terminated", "canceled", "timed_out"]);

/** A JWT-shaped key whose signature cannot verify. */
export const BAD_JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvXzEiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLWRvZXMtbm90LXZlcmlmeQ";

/**
 * One HTTP request with full control over headers and body.
 * `auth`: "valid" (default), "missing", "empty", "wrong", "bearer" or "badjwt".
 */
export async function send(t, { method = "GET", path, auth = "valid", json, raw, contentType, headers = {}, timeoutMs = 60_000 }) {
  const h = {};
  if (auth === "valid") h["x-api-key"] = t.key;
  else if (auth === "empty") h["x-api-key"] = "";
  else if (auth === "wrong") h["x-api-key"] = "wrong-key";
  else if (auth === "badjwt") h["x-api-key"] = BAD_JWT;
  else if (auth === "bearer") h.authorization = `Bearer ${t.key}`;
  let body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    h["content-type"] = "application/json";
  } else if (raw !== undefined) {
    body = raw;
    h["content-type"] = contentType ?? "application/json";
  }
  Object.assign(h, headers);
  const started = performance.now();
  const res = await fetch(t.url + path, { method, headers: h, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return {
    status: res.status,
    headers: Object.fromEntries(res.headers),
    text,
    json: parsed,
    ms: Math.round(performance.now() - started),
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls GET `path` until `done(json)` or the deadline; returns the last response. */
export async function pollUntil(t, path, done, { timeoutMs = 90_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await send(t, { path });
    if (res.status === 200 && done(res.json)) return res;
    if (Date.now() > deadline) {
      throw new Error(`${t.name}: GET ${path} did not reach the expected state within ${timeoutMs} ms (last: ${res.status} ${res.text.slice(0, 300)})`);
    }
    await sleep(intervalMs);
  }
}

/** Closes sessions by id, ignoring failures (cleanup must never throw). */
export async function closeQuietly(t, ids) {
  for (const id of ids) {
    try {
      await send(t, { method: "POST", path: `/v1/browser_sessions/${encodeURIComponent(id)}/close` });
    } catch {
      // The server may be gone already; run.sh closes what is left.
    }
  }
}

const DEFAULT_PAGE =
  "<!doctype html><title>Contract test page</title><h1>Hello from the contract tests</h1><p>Nothing to do here.</p>";

/** A page on 127.0.0.1 for the servers' browsers to open (no outbound network here); `html` is
 * served for every path. */
export async function startLocalPage(html = DEFAULT_PAGE) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(html);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}
