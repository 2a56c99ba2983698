//! Proxy mode: `/v1/*` goes to a real Skyvern server with the key from the
//! environment, so a page can drive real Skyvern without ever holding the key.

use crate::app::{App, Req, Resp};
use crate::config::Upstream;

/// Request headers that are never forwarded: hop-by-hop ones, the caller's
/// credentials (replaced by the upstream key) and browser-origin headers.
const DROP_REQUEST: &[&str] = &[
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    "accept-encoding",
    "x-api-key",
    "authorization",
    "cookie",
    "origin",
    "referer",
];

/// Response headers replaced by the emulator's own (CORS is answered locally).
fn drop_response(name: &str) -> bool {
    matches!(
        name,
        "connection"
            | "keep-alive"
            | "transfer-encoding"
            | "content-length"
            | "trailer"
            | "upgrade"
            | "set-cookie"
    ) || name.starts_with("access-control-")
}

pub async fn forward(app: &App, up: &Upstream, req: &Req) -> Resp {
    let Some(client) = &app.http else {
        return Resp::detail(502, "Upstream client is not available");
    };
    let mut url = format!("{}{}", up.base_url, req.path);
    if let Some(q) = &req.query {
        url.push('?');
        url.push_str(q);
    }
    let Ok(method) = reqwest::Method::from_bytes(req.method.as_bytes()) else {
        return Resp::detail(405, "Method Not Allowed");
    };
    let mut rb = client.request(method, &url);
    for (n, v) in &req.headers {
        if !DROP_REQUEST.contains(&n.as_str()) {
            rb = rb.header(n.as_str(), v.as_str());
        }
    }
    rb = rb.header("x-api-key", up.api_key.as_str());
    if !req.body.is_empty() {
        rb = rb.body(req.body.clone());
    }
    let resp = match rb.send().await {
        Ok(r) => r,
        Err(e) => {
            let why = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "could not connect"
            } else {
                "failed"
            };
            return Resp::detail(502, &format!("Upstream request {why}"));
        }
    };
    let status = resp.status().as_u16();
    let headers: Vec<(String, String)> = resp
        .headers()
        .iter()
        .filter(|(n, _)| !drop_response(n.as_str()))
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    match resp.bytes().await {
        Ok(body) => Resp {
            status,
            headers,
            body,
        },
        Err(_) => Resp::detail(502, "Upstream response could not be read"),
    }
}
