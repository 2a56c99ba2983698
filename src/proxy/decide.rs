//! [`ProxyConfig::decide`]: one incoming request checked against the origin
//! rules, the allowlisted routes, live-view tickets and the body limit.

use super::routes::{self, Op};
use super::{seconds, ticket, Decision, Forward, Incoming, ProxyConfig};
use crate::endpoints::{Endpoint, ENDPOINTS};
use crate::request::Method;

/// The allowlisted routes whose path matches a request.
struct RouteMatch<'r, 's> {
    /// Their methods, comma-separated, each once.
    methods: String,
    /// The route with the request's method, and the id in the path.
    hit: Option<(&'r Endpoint, Option<&'s str>)>,
}

impl ProxyConfig {
    /// Decides what to do with one incoming request.
    pub fn decide(&self, req: &Incoming) -> Decision {
        // A browser's cross-origin request from an origin that is not allowed
        // gets no CORS headers and never reaches upstream.
        let cors = match req.origin {
            Some(o) if self.origin_allowed(o, req.own_origin) => Some(o.to_string()),
            Some(_) => return Decision::answer(403, "Origin not allowed", None),
            None => None,
        };
        let not_found = || Decision::answer(404, "Not Found", cors.clone());
        let Some(segs) = routes::segments(req.path, &self.prefix) else {
            return not_found();
        };
        let RouteMatch { methods, hit } = self.match_routes(&segs, req.method);
        if methods.is_empty() {
            return not_found();
        }
        if req.preflight {
            return match cors {
                Some(origin) => Decision::Preflight { origin, methods },
                None => Decision::answer(403, "Origin not allowed", None),
            };
        }
        let Some((route, id)) = hit else {
            return Decision::Answer {
                status: 405,
                detail: "Method Not Allowed",
                allow: Some(methods),
                cors,
            };
        };
        let op = route.op;
        let id = id.map(str::to_string);
        let mut url = self.upstream_url(&segs);
        if op.is_live() {
            if let Err((status, detail)) = self.check_live_socket(req, op, id.as_deref()) {
                return Decision::answer(status, detail, cors);
            }
            push_live_query(&mut url, req, op);
        } else {
            push_operation_query(&mut url, req.query, op);
        }
        let body = matches!(route.method, Method::Post | Method::Patch);
        if body && req.content_length.is_some_and(|n| n > self.max_body) {
            return Decision::answer(413, "Request body too large", cors);
        }
        let mint = match op {
            Op::CreateBrowserSession | Op::GetBrowserSession => self.auto_grant(),
            _ => None,
        };
        Decision::Forward(Forward {
            op,
            url,
            id,
            cors,
            socket: op.is_live(),
            body,
            mint,
        })
    }

    /// Matches the path against the allowed operations of the endpoint table;
    /// only those are forwarded, to the matched path itself.
    fn match_routes<'s>(&self, segs: &[&'s str], method: &str) -> RouteMatch<'static, 's> {
        let mut seen: Vec<Method> = Vec::new();
        let mut methods = String::new();
        let mut hit = None;
        for route in ENDPOINTS.iter().filter(|r| self.allows(r.op)) {
            if let Some(id) = routes::matches(route, segs) {
                if !seen.contains(&route.method) {
                    if !seen.is_empty() {
                        methods.push_str(", ");
                    }
                    methods.push_str(route.method.as_str());
                    seen.push(route.method);
                }
                if route.method.as_str() == method {
                    hit = Some((route, id));
                }
            }
        }
        RouteMatch { methods, hit }
    }

    /// The upstream URL of the matched path, without a query.
    fn upstream_url(&self, segs: &[&str]) -> String {
        let mut url = self.upstream.clone();
        for seg in segs {
            url.push('/');
            url.push_str(seg);
        }
        url
    }

    /// A live socket needs an upgrade, a ticket secret, a session id and a
    /// valid ticket for that session and operation; otherwise the status and
    /// detail of the refusal.
    fn check_live_socket(
        &self,
        req: &Incoming,
        op: Op,
        session: Option<&str>,
    ) -> Result<(), (u16, &'static str)> {
        if !req.upgrade {
            return Err((426, "This route only accepts WebSocket upgrades"));
        }
        let (Some(secret), Some(session)) = (&self.secret, session) else {
            return Err((404, "Not Found"));
        };
        let now = seconds(req.now_ms);
        let ticket = query_param(req.query, "ticket");
        ticket::verify(&secret.0, ticket, session, op, now)
            .map_err(|refusal| (403, refusal.detail()))
    }
}

/// The value of `name` in a query string, not decoded.
fn query_param<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// The operation's own query parameters (`?page=2&status=failed`) go
/// upstream as they came; any other key is dropped.
fn push_operation_query(url: &mut String, query: &str, op: Op) {
    let keys = op.query_keys();
    let mut sep = '?';
    for pair in query.split('&') {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        if keys.contains(&key) {
            url.push(sep);
            url.push_str(pair);
            sep = '&';
        }
    }
}

/// A live socket's query: the input socket's client id (the caller's when it
/// is well formed, else a fresh one), or the view socket's `force_cdp=true`;
/// then `apikey=`, for the adapter to complete.
fn push_live_query(url: &mut String, req: &Incoming, op: Op) {
    let mut sep = '?';
    if op == Op::LiveControl {
        let client = query_param(req.query, "client_id")
            .filter(|c| is_client_id(c))
            .unwrap_or(req.client_id);
        url.push_str("?client_id=");
        url.push_str(client);
        sep = '&';
    } else if query_param(req.query, "force_cdp") == Some("true") {
        url.push_str("?force_cdp=true");
        sep = '&';
    }
    url.push(sep);
    url.push_str("apikey=");
}

/// 1–64 ASCII letters, digits, `-` or `_`.
fn is_client_id(c: &str) -> bool {
    !c.is_empty()
        && c.len() <= 64
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
