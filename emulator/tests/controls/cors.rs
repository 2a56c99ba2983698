//! CORS preflights and the headers on actual responses.

use crate::common::*;

#[tokio::test]
async fn cors_preflight_and_actual_responses() {
    let emu = emu().await;
    for path in [
        "/v1/browser_sessions",
        "/v1/browser_sessions/pbs_000000000000000000",
        "/_emulator/faults",
    ] {
        let r = emu
            .send(
                "OPTIONS",
                path,
                None,
                &[
                    ("origin", "http://example.test:3000"),
                    ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "x-api-key, content-type"),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.text, "OK");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            r.header("access-control-allow-methods"),
            Some("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY")
        );
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("x-api-key, content-type")
        );
        assert_eq!(r.header("access-control-max-age"), Some("600"));
        assert_eq!(
            r.header("vary"),
            Some("Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network")
        );
        assert_eq!(r.header("access-control-allow-credentials"), None);
        // the real server's security headers wrap CORS, so preflights carry them too
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            r.header("content-security-policy"),
            Some("frame-ancestors 'none'")
        );
    }
    // without Origin: 405 with the odd `allow: POST`
    let r = emu.send("OPTIONS", "/v1/browser_sessions", None, &[]).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.text, r#"{"detail":"Method Not Allowed"}"#);
    assert_eq!(r.header("allow"), Some("POST"));

    // actual responses, success and 403 alike
    for key in [KEY, "wrong"] {
        let r = emu
            .send(
                "GET",
                "/v1/browser_sessions",
                None,
                &[("origin", "http://example.test:3000"), ("x-api-key", key)],
            )
            .await;
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(r.header("access-control-expose-headers"), None);
        assert_eq!(r.header("access-control-allow-credentials"), None);
    }
    let r = emu.get("/v1/browser_sessions").await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        None,
        "only with Origin"
    );
}
