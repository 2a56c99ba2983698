//! Injected faults: status, headers and body, order and matching, delays, hangs and resets.

use std::time::{Duration, Instant};

use crate::common::*;

#[tokio::test]
async fn fault_with_status_headers_and_body() {
    let emu = emu().await;
    emu.fault(r#"{"method": "GET", "path": "/v1/browser_sessions", "status": 503, "headers": {"retry-after": "1", "content-type": "text/html"}, "body": "<html>busy</html>"}"#).await;
    let r = emu
        .send(
            "GET",
            "/v1/browser_sessions",
            None,
            &[("x-api-key", KEY), ("origin", "http://a.test")],
        )
        .await;
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.text, "<html>busy</html>");
    // consumed: the next request is normal
    let r = emu.get("/v1/browser_sessions").await;
    assert_eq!(r.status, 200);
    // empty and malformed bodies are sent verbatim
    emu.fault(r#"{"path_prefix": "/v1/runs/", "status": 500, "body": "{\"detail\": "}"#)
        .await;
    let r = emu.get("/v1/runs/tsk_1").await;
    assert_eq!((r.status, r.text.as_str()), (500, "{\"detail\": "));
    emu.fault(r#"{"path": "/v1/browser_sessions", "status": 502}"#)
        .await;
    let r = emu.get("/v1/browser_sessions").await;
    assert_eq!((r.status, r.text.as_str()), (502, ""));
}

#[tokio::test]
async fn faults_in_order_with_times_and_matching() {
    let emu = emu().await;
    emu.fault(r#"{"method": "POST", "path": "/v1/browser_sessions", "status": 429, "times": 2}"#)
        .await;
    emu.fault(r#"{"path": "/v1/browser_sessions", "status": 500}"#)
        .await;
    // GET does not match the first (POST) fault but matches the second
    let r = emu.get("/v1/browser_sessions").await;
    assert_eq!(r.status, 500);
    assert_eq!(emu.post("/v1/browser_sessions", "{}").await.status, 429);
    assert_eq!(emu.post("/v1/browser_sessions", "{}").await.status, 429);
    assert_eq!(emu.post("/v1/browser_sessions", "{}").await.status, 200);
    // exact path: no match on another path, and the query does not matter
    emu.fault(r#"{"path": "/v1/browser_sessions", "status": 418}"#)
        .await;
    assert_eq!(emu.get("/v1/browser_profiles").await.status, 200);
    assert_eq!(emu.get("/v1/browser_sessions?x=1").await.status, 418);
    // a preflight does not consume a fault without method OPTIONS
    emu.fault(r#"{"path": "/v1/browser_sessions", "status": 503}"#)
        .await;
    let r = emu
        .send(
            "OPTIONS",
            "/v1/browser_sessions",
            None,
            &[
                ("origin", "http://a.test"),
                ("access-control-request-method", "GET"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(emu.get("/v1/browser_sessions").await.status, 503);
    // invalid fault definitions are refused
    for bad in [
        r#"{"status": 42}"#,
        r#"{"times": 0}"#,
        r#"{"bogus": 1}"#,
        "[]",
        "nope",
    ] {
        let r = emu
            .send(
                "POST",
                "/_emulator/faults",
                Some(bad),
                &[("content-type", "application/json")],
            )
            .await;
        assert_eq!(r.status, 400, "{bad}");
    }
}

#[tokio::test]
async fn fault_delay_hang_and_reset() {
    let emu = emu().await;
    // delay only: then the request is handled normally
    emu.fault(r#"{"path": "/v1/browser_sessions", "delay_ms": 300}"#)
        .await;
    let t = Instant::now();
    let r = emu.get("/v1/browser_sessions").await;
    assert_eq!(r.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    // delay with a status
    emu.fault(r#"{"path": "/v1/browser_sessions", "delay_ms": 200, "status": 504}"#)
        .await;
    let t = Instant::now();
    assert_eq!(emu.get("/v1/browser_sessions").await.status, 504);
    assert!(t.elapsed() >= Duration::from_millis(200));

    // hang: the client gives up
    emu.fault(r#"{"path": "/v1/browser_sessions", "hang": true}"#)
        .await;
    let t = Instant::now();
    let res = emu
        .client
        .get(format!("{}/v1/browser_sessions", emu.base))
        .header("x-api-key", KEY)
        .timeout(Duration::from_millis(400))
        .send()
        .await;
    let err = res.expect_err("hang must not answer");
    assert!(err.is_timeout(), "{err:?}");
    assert!(t.elapsed() >= Duration::from_millis(400));

    // reset: a connection error, no response
    emu.fault(r#"{"path": "/v1/browser_sessions", "reset": true}"#)
        .await;
    let res = emu
        .client
        .get(format!("{}/v1/browser_sessions", emu.base))
        .header("x-api-key", KEY)
        .send()
        .await;
    let err = res.expect_err("reset must not answer");
    assert!(
        !err.is_timeout() && (err.is_request() || err.is_connect()),
        "{err:?}"
    );
    // the server is still fine afterwards
    assert_eq!(emu.get("/v1/browser_sessions").await.status, 200);
    // faulted requests are in the log
    let log = emu.requests().await;
    assert_eq!(
        log.iter()
            .filter(|e| e["path"] == "/v1/browser_sessions")
            .count(),
        5
    );
}

#[tokio::test]
async fn reset_is_a_real_tcp_reset() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = emu().await;
    emu.fault(r#"{"path": "/v1/browser_sessions", "reset": true}"#)
        .await;
    let addr = emu.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    s.write_all(b"GET /v1/browser_sessions HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .expect("write");
    let mut buf = Vec::new();
    let res = s.read_to_end(&mut buf).await;
    assert!(buf.is_empty(), "no response bytes");
    let err = res.expect_err("an RST is a read error, not a clean EOF");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
}
