//! Which headers cross the proxy, in each direction.

/// Hop-by-hop headers (RFC 9110 §7.6.1), never forwarded either way.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "http2-settings",
];

/// Request headers the proxy drops: the caller's credentials (the proxy adds
/// its own key), browser context the upstream has no use for, and framing the
/// runtime recomputes.
const REQUEST_DROP: &[&str] = &[
    "x-api-key",
    "authorization",
    "proxy-authorization",
    "cookie",
    "host",
    "origin",
    "referer",
    "content-length",
    "accept-encoding",
    "expect",
    "forwarded",
    "x-skyvern-live-ticket",
];

/// Response headers the proxy drops: cookies of the upstream's domain, its own
/// CORS answer (the proxy answers CORS for the app), and framing.
const RESPONSE_DROP: &[&str] = &[
    "set-cookie",
    "set-cookie2",
    "content-length",
    "content-encoding",
    "x-skyvern-live-ticket",
];

fn listed(name: &str, list: &[&str]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Is `name` one of the tokens of a `Connection` header value?
fn in_connection(name: &str, connection: &str) -> bool {
    connection
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case(name))
}

/// Does this request header go upstream? `connection` is the request's
/// `Connection` value (its tokens name more hop-by-hop headers).
pub fn keep_request(name: &str, connection: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !(listed(&lower, HOP_BY_HOP)
        || listed(&lower, REQUEST_DROP)
        || lower.starts_with("sec-websocket-")
        || lower.starts_with("cf-")
        || lower.starts_with("proxy-")
        || in_connection(&lower, connection))
}

/// Does this response header go back to the caller?
pub fn keep_response(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !(listed(&lower, HOP_BY_HOP)
        || listed(&lower, RESPONSE_DROP)
        || lower.starts_with("access-control-"))
}
