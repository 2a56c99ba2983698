//! `createProxyHandler`: validates the options in the core and hands the
//! decisions (`ProxyCore`) to the adapter in `proxy-handler.js`, which owns
//! Request, Response and fetch.

use wasm_bindgen::prelude::*;

use super::errors::to_js;
use super::value::get;
use crate::proxy::headers::{keep_request, keep_response};
use crate::proxy::{Incoming, ProxyConfig};

#[wasm_bindgen(module = "/src/js/proxy-handler.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeProxyHandler)]
    fn make_proxy_handler(
        core: ProxyCore,
        key: &str,
        authorize: &JsValue,
        max_body: f64,
    ) -> JsValue;
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** An operation the edge proxy can forward: the client's method names, plus
 * `liveView` (the screencast socket) and `liveControl` (the input socket). */
export type ProxyOperation =
  | "createBrowserSession" | "getBrowserSessions" | "getBrowserSession" | "updateBrowserSession"
  | "closeBrowserSession" | "extendBrowserSession" | "runTask" | "runWorkflow" | "getRun" | "cancelRun"
  | "retryRunWebhook" | "getRunsV2" | "getRuns" | "bulkCancelRuns" | "getRunTimeline"
  | "getRunArtifacts" | "getArtifactContent" | "login" | "downloadFiles" | "uploadFile" | "sendTotpCode"
  | "createBrowserProfile" | "listBrowserProfiles" | "getBrowserProfiles" | "getBrowserProfile"
  | "updateBrowserProfile" | "deleteBrowserProfile"
  | "liveView" | "liveControl";
export interface ProxyOptions {
  /** The Skyvern API key the proxy adds upstream (in a Worker: a secret binding). Required. */
  apiKey: string;
  /** The Skyvern API. Default `https://api.skyvern.com`. */
  upstream?: string;
  /** Operations to forward. Default: the browser-session and run operations (runs,
   * their timelines and artifacts, `downloadFiles`, `uploadFile`), plus `liveView`
   * and `liveControl` when `ticketSecret` is set. Not by default: `login` and
   * `sendTotpCode` (credentials and one-time codes), `retryRunWebhook` and the
   * browser profiles. Anything not allowed is 404. */
  allow?: ProxyOperation[];
  /** Exact origins (`https://app.example`) allowed to call the proxy from a page,
   * besides the proxy's own origin. Requests from other origins get 403. */
  allowedOrigins?: string[];
  /** Where the proxy is mounted, e.g. `/api/skyvern`: `/api/skyvern/v1/...` is forwarded as `/v1/...`. */
  pathPrefix?: string;
  /** Called before anything is forwarded; must resolve to `true`, anything else is a 403.
   * `details.id` is the session, run or profile id in the path. */
  authorize?: (request: Request, operation: ProxyOperation, details: { id?: string }) => boolean | Promise<boolean>;
  /** Largest request body forwarded; larger is a 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Signs live-view tickets (at least 32 bytes). Needed for `liveView` / `liveControl`. */
  ticketSecret?: string;
  /** Lifetime of minted tickets. Default 300 s. */
  ticketTtlSeconds?: number;
}
/** A `fetch`-style handler: `(request) => Promise<Response>`. */
export interface ProxyHandler {
  (request: Request): Promise<Response>;
  /** Mints a live-view ticket for one session after the app's own authorization.
   * `operation` defaults to `liveControl` when allowed, else `liveView`; the ticket
   * goes in the socket URL as `?ticket=`. */
  mintLiveTicket(sessionId: string, operation?: "liveView" | "liveControl", ttlSeconds?: number): string;
  /** Node only (the `node` entry): passes the live-view sockets of a `node:http(s)` server,
   * whose `fetch` cannot open WebSockets. Call it from the server's `"upgrade"` event:
   * `server.on("upgrade", (req, socket, head) => proxy.upgrade?.(req, socket, head))`.
   * The same checks as for any request decide; a refused socket is accepted and closed
   * with 1008 after the reason as a text message, so a page can show why. */
  upgrade?(request: ProxyUpgradeRequest, socket: ProxyUpgradeSocket, head?: Uint8Array): void;
}
/** The parts of Node's `IncomingMessage` that `ProxyHandler.upgrade` reads. */
export interface ProxyUpgradeRequest {
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
}
/** The parts of Node's `net.Socket` (or `tls.TLSSocket`) that `ProxyHandler.upgrade` uses. */
export interface ProxyUpgradeSocket {
  write(chunk: Uint8Array | string): boolean;
  end(): unknown;
  destroy(): unknown;
}
"#;

/// The proxy's decisions, held by the adapter's closure.
#[wasm_bindgen(skip_typescript)]
pub struct ProxyCore(ProxyConfig);

#[wasm_bindgen]
impl ProxyCore {
    /// The decision for one request, as JSON (see `Decision::to_json`).
    /// `parts`: method, path, query, origin (empty when absent), own origin and
    /// a fresh client id, joined with newlines (none of them can hold one).
    /// `flags`: 1 = CORS preflight, 2 = WebSocket upgrade.
    #[wasm_bindgen(skip_typescript)]
    pub fn decide(
        &self,
        parts: &str,
        flags: u32,
        content_length: Option<f64>,
        now_ms: f64,
    ) -> String {
        let mut p = parts.split('\n');
        let mut next = || p.next().unwrap_or_default();
        let (method, path, query, origin, own_origin, client_id) =
            (next(), next(), next(), next(), next(), next());
        self.0
            .decide(&Incoming {
                method,
                path,
                query,
                origin: (!origin.is_empty()).then_some(origin),
                own_origin,
                preflight: flags & 1 != 0,
                upgrade: flags & 2 != 0,
                content_length: content_length.filter(|n| n.is_finite()),
                now_ms,
                client_id,
            })
            .to_json()
    }

    /// Does this header cross the proxy (a response header when `response`)?
    #[wasm_bindgen(js_name = keepHeader, skip_typescript)]
    pub fn keep_header(&self, name: &str, connection: &str, response: bool) -> bool {
        if response {
            keep_response(name)
        } else {
            keep_request(name, connection)
        }
    }

    /// `handler.mintLiveTicket(sessionId, operation?, ttlSeconds?)`; the adapter
    /// converts the arguments (a session id that is not a string is `undefined`).
    #[wasm_bindgen(js_name = mintLiveTicket, skip_typescript)]
    pub fn mint_live_ticket(
        &self,
        session: Option<String>,
        operation: Option<String>,
        ttl: Option<f64>,
        now_ms: f64,
    ) -> Result<String, JsValue> {
        self.0
            .mint_for(session.as_deref(), operation.as_deref(), ttl, now_ms)
            .map_err(|e| to_js(&e))
    }
}

/// Creates the edge proxy: a `fetch`-style handler that forwards allowlisted
/// Skyvern requests with the API key added server-side.
#[wasm_bindgen(js_name = createProxyHandler, unchecked_return_type = "ProxyHandler")]
pub fn create_proxy_handler(
    #[wasm_bindgen(unchecked_param_type = "ProxyOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let cfg = ProxyConfig::from_options(Some(&options.clone())).map_err(|e| to_js(&e))?;
    let key = get(&options, "apiKey").as_string().unwrap_or_default();
    let max_body = cfg.max_body;
    Ok(make_proxy_handler(
        ProxyCore(cfg),
        &key,
        &get(&options, "authorize"),
        max_body,
    ))
}
