//! A session's shape, its way from created to running to closed, the list, and expiry.

use super::{DYNAMIC, REAL_CREATE};

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn create_returns_the_real_shape() {
    let emu = emu().await;
    let r = emu.post("/v1/browser_sessions", r#"{"timeout": 60}"#).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        r.header("content-security-policy"),
        Some("frame-ancestors 'none'")
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("vary"), Some("Origin"));
    let v = r.json();
    let real: Value = serde_json::from_str(REAL_CREATE).expect("fixture");
    assert_shape(&v, &real, DYNAMIC);
    let id = v["browser_session_id"].as_str().expect("id");
    assert!(is_id(&v["browser_session_id"], "pbs_"));
    assert!(is_id(&v["organization_id"], "o_"));
    assert!(is_naive_ts(&v["created_at"]) && is_naive_ts(&v["modified_at"]));
    assert_eq!(
        v["app_url"],
        json!(format!("{}/browser-session/{id}", emu.base))
    );
    assert_eq!(
        v["download_path"],
        json!(format!(
            "/app/downloads/{}/{id}",
            v["organization_id"].as_str().unwrap_or("")
        ))
    );
}

#[tokio::test]
async fn lifecycle_created_running_closed() {
    let emu = emu().await;
    let s = emu.create_session("{}").await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    assert_eq!(s["status"], "created");
    assert_eq!(s["timeout"], 60);
    let path = format!("/v1/browser_sessions/{id}");
    let first = emu.get(&path).await.json();
    assert_eq!(
        first["stream_transport"], "cdp",
        "single GET resolves stream_transport"
    );
    wait_for(Duration::from_secs(3), || async {
        emu.get(&path).await.json()["status"] == "running"
    })
    .await;
    let running = emu.get(&path).await.json();
    assert!(is_naive_ts(&running["started_at"]));
    let addr = running["browser_address"].as_str().expect("address");
    assert!(addr.starts_with("ws://127.0.0.1:") && addr.contains("/devtools/browser/"));
    assert_eq!(running["vnc_streaming_supported"], true);
    assert_eq!(running["completed_at"], Value::Null);

    // list shows it, with stream_transport null
    let list = emu.get("/v1/browser_sessions").await.json();
    assert_eq!(list[0]["browser_session_id"], json!(id));
    assert_eq!(list[0]["stream_transport"], Value::Null);

    let close = format!("/v1/browser_sessions/{id}/close");
    for _ in 0..2 {
        let r = emu.post(&close, "{}").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.text, r#"{"message":"Browser session closed"}"#);
    }
    let closed = emu.get(&path).await.json();
    assert_eq!(closed["status"], "completed");
    assert!(is_naive_ts(&closed["completed_at"]));
    let caddr = closed["browser_address"].as_str().expect("address");
    let (head, hex) = caddr.split_once("::closed::").expect("closed suffix");
    assert_eq!(head, addr);
    assert!(hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    let list = emu.get("/v1/browser_sessions/").await.json();
    assert_eq!(list, json!([]), "closed sessions drop out of the list");
}

#[tokio::test]
async fn list_is_active_only_newest_first() {
    let emu = emu().await;
    let a = emu.create_session("{}").await;
    let b = emu.create_session("{}").await;
    let c = emu.create_session("{}").await;
    let closed = format!(
        "/v1/browser_sessions/{}/close",
        b["browser_session_id"].as_str().unwrap_or("")
    );
    assert_eq!(emu.post(&closed, "").await.status, 200);
    let list = emu.get("/v1/browser_sessions").await.json();
    let ids: Vec<&Value> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|s| &s["browser_session_id"])
        .collect();
    assert_eq!(
        ids,
        vec![&c["browser_session_id"], &a["browser_session_id"]]
    );
    let slash = emu.get("/v1/browser_sessions/").await;
    assert_eq!(slash.status, 200);
    assert_eq!(slash.json(), list);
}

#[tokio::test]
async fn expiry_completes_the_session() {
    // one emulated minute = 100 ms: timeout 5 => ~500 ms after start
    let emu = emu().await;
    let s = emu.create_session(r#"{"timeout": 5}"#).await;
    let path = format!(
        "/v1/browser_sessions/{}",
        s["browser_session_id"].as_str().unwrap_or("")
    );
    wait_for(Duration::from_secs(1), || async {
        emu.get(&path).await.json()["status"] == "running"
    })
    .await;
    wait_for(Duration::from_secs(3), || async {
        emu.get(&path).await.json()["status"] == "completed"
    })
    .await;
    let v = emu.get(&path).await.json();
    assert!(v["browser_address"]
        .as_str()
        .is_some_and(|a| a.contains("::closed::")));
    assert!(is_naive_ts(&v["completed_at"]));
    assert_eq!(emu.get("/v1/browser_sessions").await.json(), json!([]));
}
