//! CORS, test controls (faults, request log, reset) and profiles.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

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

#[tokio::test]
async fn request_log_without_the_key() {
    let emu = emu().await;
    let r = emu
        .send(
            "POST",
            "/v1/browser_sessions?a=b",
            Some(r#"{"timeout": 30}"#),
            &[
                ("x-api-key", KEY),
                ("content-type", "application/json"),
                ("x-test-id", "log-1"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    emu.send("GET", "/v1/browser_sessions", None, &[]).await;
    emu.send("GET", "/v1/browser_sessions", None, &[("x-api-key", "")])
        .await;
    emu.send(
        "GET",
        "/v1/browser_sessions",
        None,
        &[("x-api-key", "nope")],
    )
    .await;
    emu.send("GET", "/api/v1/heartbeat", None, &[]).await;
    emu.send("GET", "/browser-session/x/state", None, &[]).await;
    let log = emu.requests().await;
    assert_eq!(log.len(), 5, "only /v1 and /api requests: {log:?}");
    let first = &log[0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/v1/browser_sessions");
    assert_eq!(first["query"], "a=b");
    assert_eq!(first["api_key"], "valid");
    assert_eq!(first["body"], r#"{"timeout": 30}"#);
    assert_eq!(first["headers"]["x-test-id"], "log-1");
    assert_eq!(first["headers"]["content-type"], "application/json");
    assert!(first["headers"].get("x-api-key").is_none());
    let text = serde_json::to_string(&log).unwrap_or_default();
    assert!(!text.contains(KEY), "the key never appears in the log");
    let kinds: Vec<&Value> = log.iter().map(|e| &e["api_key"]).collect();
    assert_eq!(kinds, vec!["valid", "missing", "empty", "wrong", "missing"]);
    assert_eq!(log[1]["body"], Value::Null);
    assert_eq!(log[1]["query"], Value::Null);
    assert_eq!(log[4]["seq"], 5);

    let r = emu.send("DELETE", "/_emulator/requests", None, &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(emu.requests().await, Vec::<Value>::new());
}

#[tokio::test]
async fn reset_clears_everything() {
    let emu = emu().await;
    emu.create_session("{}").await;
    emu.run_task(r#"{"prompt": "x"}"#).await;
    emu.post("/v1/browser_profiles", r#"{"name": "p"}"#).await;
    emu.fault(r#"{"path": "/v1/browser_profiles", "status": 500}"#)
        .await;
    let r = emu.send("POST", "/_emulator/reset", None, &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(emu.get("/v1/browser_sessions").await.json(), json!([]));
    let r = emu.get("/v1/browser_profiles").await;
    assert_eq!(r.status, 200, "fault cleared");
    assert_eq!(r.json(), json!([]));
    let log = emu.requests().await;
    assert_eq!(log.len(), 2, "log restarted: {log:?}");
    assert_eq!(log[0]["seq"], 1);
}

#[tokio::test]
async fn controls_only_when_enabled() {
    let emu = emu_with(|c| c.test_controls = false).await;
    for (m, p) in [
        ("GET", "/_emulator/requests"),
        ("POST", "/_emulator/faults"),
        ("POST", "/_emulator/reset"),
    ] {
        let r = emu.send(m, p, Some("{}"), &[]).await;
        assert_eq!(r.status, 404, "{m} {p}");
    }
}

#[tokio::test]
async fn browser_profiles() {
    let emu = emu().await;
    let sid = emu.create_session(r#"{"browser_type": "chrome"}"#).await["browser_session_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let r = emu
        .post(
            "/v1/browser_profiles",
            &json!({"name": "Logged in", "description": "after login", "browser_session_id": sid})
                .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let p = r.json();
    let keys: Vec<&String> = p.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        vec![
            "browser_profile_id",
            "organization_id",
            "name",
            "description",
            "source_browser_type",
            "proxy_location",
            "proxy_session_id",
            "is_managed",
            "workflow_permanent_id",
            "browser_profile_key_digest",
            "created_at",
            "modified_at",
            "deleted_at",
            "last_verified_login_at",
            "linked_credential_name"
        ]
    );
    assert!(is_id(&p["browser_profile_id"], "bp_"));
    assert_eq!(p["source_browser_type"], "chrome");
    assert_eq!(p["is_managed"], false);
    let pid = p["browser_profile_id"].as_str().unwrap_or("").to_string();

    let blank = emu
        .post("/v1/browser_profiles", r#"{"name": "Blank"}"#)
        .await
        .json();
    let list = emu.get("/v1/browser_profiles").await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert_eq!(list[0]["browser_profile_id"], blank["browser_profile_id"]);
    let found = emu
        .get("/v1/browser_profiles?search_key=LOGGED")
        .await
        .json();
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    let paged = emu
        .get("/v1/browser_profiles?page=2&page_size=1")
        .await
        .json();
    assert_eq!(paged[0]["browser_profile_id"], json!(pid));
    assert_eq!(emu.get("/v1/browser_profiles?page=0").await.status, 422);

    assert_eq!(
        emu.get(&format!("/v1/browser_profiles/{pid}")).await.json(),
        p
    );
    // a session can start from it
    let s = emu
        .create_session(&json!({"browser_profile_id": pid}).to_string())
        .await;
    assert_eq!(s["browser_profile_id"], json!(pid));

    let r = emu
        .send(
            "DELETE",
            &format!("/v1/browser_profiles/{pid}"),
            None,
            &[("x-api-key", KEY)],
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (204, ""));
    // FastAPI keeps the JSON content type on the empty 204.
    assert_eq!(r.header("content-type"), Some("application/json"));
    let org = p["organization_id"].as_str().unwrap_or("");
    let r = emu.get(&format!("/v1/browser_profiles/{pid}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        format!(r#"{{"detail":"Browser profile {pid} not found for organization {org}"}}"#)
    );
    let r = emu
        .send(
            "DELETE",
            &format!("/v1/browser_profiles/{pid}"),
            None,
            &[("x-api-key", KEY)],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json()["detail"],
        format!("Browser profile {pid} not found for organization {org}")
    );
    assert_eq!(
        emu.get("/v1/browser_profiles")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // errors
    let r = emu.post("/v1/browser_profiles", "{}").await;
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{}}]}"#
    );
    let r = emu.post("/v1/browser_profiles", r#"{"name": ""}"#).await;
    assert_eq!(r.json()["detail"][0]["type"], "string_too_short");
    let r = emu
        .post("/v1/browser_profiles", r#"{"name": "Blank"}"#)
        .await;
    assert_eq!(r.status, 409);
    let r = emu
        .post(
            "/v1/browser_profiles",
            r#"{"name": "x", "browser_session_id": "pbs_000000000000000000"}"#,
        )
        .await;
    assert_eq!(r.status, 400);
    let r = emu.send("GET", "/v1/browser_profiles", None, &[]).await;
    assert_eq!(r.status, 403);
}
