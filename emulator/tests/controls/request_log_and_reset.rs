//! The request log, resetting the emulator, and test controls only when enabled.

use serde_json::{json, Value};

use crate::common::*;

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
