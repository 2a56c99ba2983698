//! The edge proxy's decisions, kept pure: options, the route allowlist, path
//! rules, CORS, body limits, header rules and live-view tickets. The
//! JavaScript adapter (`js/proxy.rs`, `js/proxy-handler.js`) turns a `Request` into an
//! [`Incoming`], asks [`ProxyConfig::decide`], and does what the [`Decision`] says.

mod decide;
pub mod headers;
mod options;
pub mod routes;
pub mod ticket;

use std::fmt;

use crate::error::Error;
use routes::{bit, Op};
use ticket::Grant;

/// Skyvern Cloud, the default upstream.
pub const DEFAULT_UPSTREAM: &str = "https://api.skyvern.com";
/// Default `maxBodyBytes`: 1 MiB.
pub const DEFAULT_MAX_BODY: f64 = 1_048_576.0;
/// Default `ticketTtlSeconds`: 5 minutes.
pub const DEFAULT_TICKET_TTL: u64 = 300;
/// The response header that carries a freshly minted live-view ticket.
pub const TICKET_HEADER: &str = "x-skyvern-live-ticket";
/// A ticket secret shorter than this is refused.
pub const MIN_SECRET_BYTES: usize = 32;

/// The ticket secret; `Debug` never shows it.
#[derive(Clone, PartialEq)]
pub struct Secret(Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Validated `createProxyHandler` options (the API key stays with the adapter).
#[derive(Clone, Debug, PartialEq)]
pub struct ProxyConfig {
    /// `http(s)://host[:port][/base]`, no trailing slash.
    pub upstream: String,
    /// `""` or `/a/b`, no trailing slash.
    pub prefix: String,
    /// Bit set of allowed [`Op`]s.
    allow: u32,
    /// Exact origins allowed for CORS (besides the proxy's own).
    pub origins: Vec<String>,
    /// The largest request body forwarded, in bytes.
    pub max_body: f64,
    secret: Option<Secret>,
    /// How long a minted live-view ticket lasts, in seconds.
    pub ticket_ttl: u64,
}

impl ProxyConfig {
    /// Does the allowlist let `op` through?
    pub fn allows(&self, op: Op) -> bool {
        self.allow & bit(op) != 0
    }

    /// The grant of tickets minted automatically: control when the input
    /// socket is allowed, else view, else none.
    pub fn auto_grant(&self) -> Option<Grant> {
        self.secret.as_ref()?;
        if self.allows(Op::LiveControl) {
            Some(Grant::Control)
        } else if self.allows(Op::LiveView) {
            Some(Grant::View)
        } else {
            None
        }
    }

    /// A ticket for `session` minted at `now_ms`, or `None` without a secret or
    /// for something that is not a session id.
    pub fn mint(&self, session: &str, grant: Grant, ttl_s: u64, now_ms: f64) -> Option<String> {
        let secret = self.secret.as_ref()?;
        if !routes::is_id(routes::Seg::Session, session) {
            return None;
        }
        ticket::mint(&secret.0, session, grant, seconds(now_ms) + ttl_s)
    }

    /// The app's `mintLiveTicket(sessionId, operation?, ttlSeconds?)`.
    pub fn mint_for(
        &self,
        session: Option<&str>,
        operation: Option<&str>,
        ttl: Option<f64>,
        now_ms: f64,
    ) -> Result<String, Error> {
        if self.secret.is_none() {
            return Err(Error::invalid(
                "options.ticketSecret",
                "is required to mint live-view tickets",
            ));
        }
        let grant = match operation {
            None => self.auto_grant().ok_or_else(|| {
                Error::invalid("operation", "neither liveView nor liveControl is allowed")
            })?,
            Some(name) => {
                let op = Op::from_name(name);
                let grant = op.and_then(Grant::for_op).ok_or_else(|| {
                    Error::invalid("operation", "must be \"liveView\" or \"liveControl\"")
                })?;
                if !op.is_some_and(|op| self.allows(op)) {
                    return Err(Error::invalid("operation", "is not in options.allow"));
                }
                grant
            }
        };
        let ttl = match ttl {
            None => self.ticket_ttl,
            Some(n) if n.fract() == 0.0 && (1.0..=86_400.0).contains(&n) => n as u64,
            Some(_) => {
                return Err(Error::invalid(
                    "ttlSeconds",
                    "must be an integer from 1 to 86400",
                ))
            }
        };
        session
            .and_then(|s| self.mint(s, grant, ttl, now_ms))
            .ok_or_else(|| Error::invalid("sessionId", "must be a browser session id (pbs_…)"))
    }

    fn origin_allowed(&self, origin: &str, own: &str) -> bool {
        origin == own || self.origins.iter().any(|o| o == origin)
    }
}

fn seconds(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        (ms / 1000.0) as u64
    } else {
        0
    }
}

/// What the adapter read from one `Request`.
#[derive(Clone, Debug, Default)]
pub struct Incoming<'a> {
    /// The request's method, upper case.
    pub method: &'a str,
    /// `new URL(request.url).pathname`, not decoded.
    pub path: &'a str,
    /// The query without `?`, not decoded.
    pub query: &'a str,
    /// The `Origin` header.
    pub origin: Option<&'a str>,
    /// The proxy's own origin (`new URL(request.url).origin`).
    pub own_origin: &'a str,
    /// `OPTIONS` with `Access-Control-Request-Method`: a CORS preflight.
    pub preflight: bool,
    /// `Upgrade: websocket`.
    pub upgrade: bool,
    /// The `Content-Length` header, when it is a number.
    pub content_length: Option<f64>,
    /// `Date.now()`.
    pub now_ms: f64,
    /// A fresh random id for the input socket when the caller sent none.
    pub client_id: &'a str,
}

/// The proxy's answer to one request.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Answer locally with `{"detail": …}`; upstream is not contacted.
    Answer {
        /// The HTTP status.
        status: u16,
        /// The `detail` text.
        detail: &'static str,
        /// The `Allow` header of a 405.
        allow: Option<String>,
        /// The origin to allow in CORS headers.
        cors: Option<String>,
    },
    /// Answer a CORS preflight with 204.
    Preflight {
        /// The origin to allow.
        origin: String,
        /// The methods to allow, comma-separated.
        methods: String,
    },
    /// Send the request upstream, with the key added.
    Forward(Forward),
}

/// A request to send upstream.
#[derive(Clone, Debug, PartialEq)]
pub struct Forward {
    /// The operation it matched.
    pub op: Op,
    /// The upstream URL. For sockets it ends with `apikey=`: the adapter
    /// appends the encoded key.
    pub url: String,
    /// The id in the path, if any.
    pub id: Option<String>,
    /// The origin to allow in the response's CORS headers.
    pub cors: Option<String>,
    /// A WebSocket upgrade to pass through.
    pub socket: bool,
    /// The method carries a body (read with the size limit).
    pub body: bool,
    /// Mint a ticket with this grant into the response (on success).
    pub mint: Option<Grant>,
}

impl Decision {
    fn answer(status: u16, detail: &'static str, cors: Option<String>) -> Decision {
        Decision::Answer {
            status,
            detail,
            allow: None,
            cors,
        }
    }

    /// The decision as a JSON object for the adapter.
    pub fn to_json(&self) -> String {
        let mut out = DecisionFields::default();
        match self {
            Decision::Answer {
                status,
                detail,
                allow,
                cors,
            } => {
                out.status = Some(status.to_string());
                out.detail = Some(detail);
                out.allow = allow.as_deref();
                out.origin = cors.as_deref();
            }
            Decision::Preflight { origin, methods } => {
                out.methods = Some(methods);
                out.origin = Some(origin);
            }
            Decision::Forward(f) => {
                out.op = Some(f.op.name());
                out.url = Some(&f.url);
                out.id = f.id.as_deref();
                out.origin = f.cors.as_deref();
                out.socket = f.socket.then_some("1");
                out.body = f.body.then_some("1");
                out.mint = f.mint.map(|g| g.op().name());
            }
        }
        crate::codec::to_text(&out).unwrap_or_default()
    }
}

/// A decision as the adapter reads it; absent fields are left out.
#[serde_with::skip_serializing_none]
#[derive(Default, serde::Serialize)]
struct DecisionFields<'a> {
    status: Option<String>,
    detail: Option<&'a str>,
    allow: Option<&'a str>,
    methods: Option<&'a str>,
    op: Option<&'static str>,
    url: Option<&'a str>,
    id: Option<&'a str>,
    origin: Option<&'a str>,
    socket: Option<&'static str>,
    body: Option<&'static str>,
    mint: Option<&'static str>,
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
