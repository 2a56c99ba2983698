//! Which request and response headers pass through the proxy.

use crate::proxy::headers::{keep_request, keep_response};

#[test]
fn request_header_rules() {
    for name in [
        "x-api-key",
        "X-API-Key",
        "authorization",
        "Authorization",
        "proxy-authorization",
        "cookie",
        "host",
        "origin",
        "referer",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "proxy-connection",
        "content-length",
        "accept-encoding",
        "sec-websocket-key",
        "sec-websocket-version",
        "cf-connecting-ip",
        "x-skyvern-live-ticket",
    ] {
        assert!(!keep_request(name, ""), "{name}");
    }
    for name in [
        "content-type",
        "accept",
        "user-agent",
        "x-test-id",
        "x-request-id",
        "accept-language",
    ] {
        assert!(keep_request(name, "keep-alive"), "{name}");
    }
    // Headers named in Connection are hop-by-hop too.
    assert!(!keep_request("x-test-id", "keep-alive, X-Test-Id"));
}

#[test]
fn response_header_rules() {
    for name in [
        "set-cookie",
        "Set-Cookie",
        "connection",
        "transfer-encoding",
        "content-length",
        "content-encoding",
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "x-skyvern-live-ticket",
        "upgrade",
        "keep-alive",
    ] {
        assert!(!keep_response(name), "{name}");
    }
    for name in [
        "content-type",
        "retry-after",
        "x-frame-options",
        "vary",
        "allow",
        "location",
    ] {
        assert!(keep_response(name), "{name}");
    }
}
