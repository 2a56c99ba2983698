// A plain Node server (node:http, no dependencies) that lets a web page use
// Skyvern — REST and the live view — without ever holding the API key:
//
//   /api/skyvern/*          skyvern-wasm's edge proxy (createProxyHandler): the
//                           key is added here; the live-view sockets pass through
//                           `proxy.upgrade` with a ticket
//   /app/live-ticket/{id}   this app's ticket route: after the app's own check,
//                           a short-lived ticket for one session and one socket
//   /webhooks/skyvern       Skyvern's signed callbacks (a run's `webhook_url`),
//                           checked by createWebhookHandler; each verified run is
//                           printed as `webhook: run ID STATUS` (hand it to a queue)
//   /test-site/*            with --upstream, passed to it as it is (no key added): the local
//                           emulator's sign-in test site, so the demo's "Sign in by
//                           hand" works on this origin too
//   everything else         the page (--www, default: the repository's demo page)
//                           and the package for the browser at /pkg/
//
// `cargo xtask demo --proxy` runs it in front of the local emulator. By hand:
//
//   SKYVERN_API_KEY=... node examples/node/server.mjs [--upstream https://api.skyvern.com]
//       [--port 8080] [--host 127.0.0.1] [--www DIR] [--pkg DIR]
//
// TICKET_SECRET (32+ bytes) signs the tickets; without it a random one is made
// at start (tickets then die with the process). The first line printed is
// `listening on http://HOST:PORT`.
//
// "Signed in" here is a cookie the server sets with the page: a stand-in for
// your own users. A real app checks its user in `signedIn` and, in
// `authorize` and the ticket route, that the user may use that session.
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
// In your app: import { createProxyHandler, createWebhookHandler } from "skyvern-wasm/server";
import { createProxyHandler, createWebhookHandler } from "../../pkg/server-node.js";

const PREFIX = "/api/skyvern";
const TICKETS = "/app/live-ticket/";
const WEBHOOKS = "/webhooks/skyvern";
const TEST_SITE = "/test-site";
const COOKIE = "skyvern-demo";
const here = fileURLToPath(new URL(".", import.meta.url));

function options(argv) {
  const o = { port: "8080", host: "127.0.0.1", upstream: undefined, www: join(here, "../../www"), pkg: join(here, "../../pkg") };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, "");
    if (!(name in o) || argv[i + 1] === undefined) throw new Error(`unknown option or missing value: ${argv[i]}`);
    o[name] = argv[i + 1];
  }
  return o;
}

const opts = options(process.argv.slice(2));
const apiKey = process.env.SKYVERN_API_KEY;
if (!apiKey) {
  console.error("server: set SKYVERN_API_KEY (the key the proxy adds upstream)");
  process.exit(2);
}

// ---- the app's own sign-in (a stand-in) --------------------------------------
const signedInTokens = new Set();
function newToken() {
  const t = randomBytes(24).toString("base64url");
  signedInTokens.add(t);
  if (signedInTokens.size > 1000) signedInTokens.delete(signedInTokens.values().next().value);
  return t;
}
function signedIn(cookieHeader) {
  for (const part of String(cookieHeader ?? "").split(";")) {
    const [k, v] = part.trim().split("=");
    if (k === COOKIE && signedInTokens.has(v)) return true;
  }
  return false;
}

// ---- the proxy ---------------------------------------------------------------
let proxy;
try {
  proxy = createProxyHandler({
    apiKey,
    upstream: opts.upstream,
    pathPrefix: PREFIX,
    ticketSecret: process.env.TICKET_SECRET || randomBytes(32).toString("base64url"),
    // The default operations plus the browser profiles ("Sign in by hand" saves one, "New
    // session from profile" uses it) and the live view's two sockets.
    allow: [
      "createBrowserSession", "getBrowserSessions", "getBrowserSession", "updateBrowserSession",
      "closeBrowserSession", "extendBrowserSession", "runTask", "runWorkflow", "getRun", "cancelRun",
      "getRuns", "bulkCancelRuns", "getRunTimeline", "getRunArtifacts", "getArtifactContent",
      "downloadFiles", "uploadFile",
      "createBrowserProfile", "listBrowserProfiles", "getBrowserProfile",
      "liveView", "liveControl",
    ],
    // Every operation, REST and sockets, only for signed-in users.
    authorize: (request) => signedIn(request.headers.get("cookie")),
  });
} catch (e) {
  // The message names the option and never contains the key.
  console.error(`server: ${e.message}`);
  process.exit(2);
}

// ---- Skyvern's callbacks ----------------------------------------------------
// 401 for a bad signature, 400 for a body that is not JSON, 405 for anything
// but POST, 204 once onEvent resolved (500 when it throws, so Skyvern retries).
const webhooks = createWebhookHandler({
  apiKey,
  onEvent: (run) => console.log(`webhook: run ${run.run_id} ${run.status}`),
});

function toRequest(req, base) {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : Readable.toWeb(req);
  return new Request(new URL(req.url, base), { method: req.method, headers, body, duplex: "half" });
}

async function send(res, response) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) for await (const chunk of response.body) res.write(chunk);
  res.end();
}

function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(value));
}

// ---- the ticket route ----------------------------------------------------------
// GET /app/live-ticket/{sessionId}?op=liveView|liveControl → { ticket }. The page
// asks before every socket it opens (mountLiveView's `streamParams` function),
// so a ticket can be short-lived and only as strong as that socket needs.
function ticket(req, res, url) {
  if (req.method !== "GET") return json(res, 405, { detail: "Method Not Allowed" });
  if (!signedIn(req.headers.cookie)) return json(res, 401, { detail: "Not signed in: reload the page" });
  const id = decodeURIComponent(url.pathname.slice(TICKETS.length));
  const op = url.searchParams.get("op") === "liveControl" ? "liveControl" : "liveView";
  try {
    json(res, 200, { ticket: proxy.mintLiveTicket(id, op, 60) });
  } catch (e) {
    json(res, 400, { detail: e.message });
  }
}

// ---- static files ------------------------------------------------------------------
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".ts": "text/plain; charset=utf-8",
};

async function file(req, res, url) {
  if (req.method !== "GET" && req.method !== "HEAD") return json(res, 405, { detail: "Method Not Allowed" });
  let path;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return json(res, 400, { detail: "Bad path" });
  }
  const [dir, rel] = path.startsWith("/pkg/") ? [opts.pkg, path.slice(5)] : [opts.www, path.slice(1) || "index.html"];
  const root = resolve(dir);
  const full = resolve(root, rel);
  if (full !== root && !full.startsWith(root + sep)) return json(res, 404, { detail: "Not Found" });
  let body;
  try {
    if (!(await stat(full)).isFile()) throw new Error("not a file");
    body = await readFile(full);
  } catch {
    return json(res, 404, { detail: "Not Found" });
  }
  const headers = { "content-type": TYPES[extname(full)] ?? "application/octet-stream", "x-content-type-options": "nosniff", "cache-control": "no-cache" };
  if (extname(full) === ".html") {
    // The page learns where the proxy and the ticket route are, and the visitor is "signed in".
    const meta = `<meta name="skyvern-proxy" content="${PREFIX}">\n  <meta name="skyvern-live-tickets" content="${TICKETS}">\n`;
    body = Buffer.from(String(body).replace("</head>", `  ${meta}</head>`));
    headers["set-cookie"] = `${COOKIE}=${newToken()}; Path=/; HttpOnly; SameSite=Strict`;
  }
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

// ---- the emulator's test site -------------------------------------------------------
// With --upstream (`cargo xtask demo --proxy` points it at the local emulator; a real
// Skyvern has no /test-site and answers 404): the session's browser
// opens this origin's /test-site/login, and the forms, cookies and redirects (all
// same-origin paths) pass through unchanged. Nothing of the page's is added: no key.
const PASSED = ["content-type", "accept", "user-agent"];
async function testSite(req, res, url) {
  const headers = new Headers();
  for (const name of PASSED) if (req.headers[name]) headers.set(name, req.headers[name]);
  // The site's own cookie goes along; this app's sign-in cookie stays here.
  const cookies = String(req.headers.cookie ?? "").split(";").map((c) => c.trim()).filter((c) => c && !c.startsWith(`${COOKIE}=`));
  if (cookies.length) headers.set("cookie", cookies.join("; "));
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : Readable.toWeb(req);
  const target = new URL(url.pathname + url.search, opts.upstream);
  const answer = await fetch(target, { method: req.method, headers, body, duplex: "half", redirect: "manual" });
  const out = {};
  for (const name of ["content-type", "location", "cache-control"]) {
    const v = answer.headers.get(name);
    if (v) out[name] = v;
  }
  const setCookies = answer.headers.getSetCookie();
  if (setCookies.length) out["set-cookie"] = setCookies;
  res.writeHead(answer.status, out);
  res.end(Buffer.from(await answer.arrayBuffer()));
}

// ---- the server ----------------------------------------------------------------------
const server = createServer(async (req, res) => {
  try {
    const base = `http://${req.headers.host ?? `${opts.host}:${opts.port}`}`;
    const url = new URL(req.url, base);
    if (url.pathname === PREFIX || url.pathname.startsWith(`${PREFIX}/`)) await send(res, await proxy(toRequest(req, base)));
    else if (url.pathname.startsWith(TICKETS)) ticket(req, res, url);
    else if (url.pathname === WEBHOOKS) await send(res, await webhooks(toRequest(req, base)));
    else if (opts.upstream && (url.pathname === TEST_SITE || url.pathname.startsWith(`${TEST_SITE}/`))) await testSite(req, res, url);
    else await file(req, res, url);
  } catch {
    if (!res.headersSent) json(res, 500, { detail: "Server error" });
    else res.destroy();
  }
});

// The live-view sockets: Node's fetch cannot open them, `proxy.upgrade` can.
server.on("upgrade", (req, socket, head) => {
  if (req.url === PREFIX || req.url?.startsWith(`${PREFIX}/`)) proxy.upgrade(req, socket, head);
  else socket.end("HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
});

server.listen(Number(opts.port), opts.host, () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
