//! Updating a session and extending its timeout.

use std::time::Duration;

use serde_json::Value;

use crate::common::*;

#[tokio::test]
async fn patch_updates_and_refuses_ended_sessions() {
    let emu = emu().await;
    let s = emu.create_session("{}").await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    let path = format!("/v1/browser_sessions/{id}");
    let h = [("x-api-key", KEY), ("content-type", "application/json")];
    let r = emu
        .send(
            "PATCH",
            &path,
            Some(r#"{"generate_browser_profile": true}"#),
            &h,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["generate_browser_profile"], true);
    assert_eq!(
        emu.get(&path).await.json()["generate_browser_profile"],
        true
    );

    let r = emu.send("PATCH", &path, Some("{}"), &h).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"missing","loc":["body","generate_browser_profile"],"msg":"Field required","input":{}}]}"#
    );
    let r = emu
        .send(
            "PATCH",
            &path,
            Some(r#"{"generate_browser_profile": "maybe"}"#),
            &h,
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["detail"][0]["type"], "bool_parsing");
    let r = emu
        .send(
            "PATCH",
            "/v1/browser_sessions/pbs_000000000000000000",
            Some(r#"{"generate_browser_profile": true}"#),
            &h,
        )
        .await;
    assert_eq!(r.status, 404);

    emu.post(&format!("{path}/close"), "").await;
    let r = emu
        .send(
            "PATCH",
            &path,
            Some(r#"{"generate_browser_profile": false}"#),
            &h,
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.json()["detail"],
        format!("Browser session {id} has already ended and can no longer be updated.")
    );
    let r = emu
        .post(&format!("{path}/extend"), r#"{"additional_minutes": 10}"#)
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.json()["detail"],
        format!("Browser session {id} has already ended and can no longer be extended.")
    );
}

#[tokio::test]
async fn extend_rules() {
    // Real minutes here, so deadlines are far away.
    let emu = emu_with(|c| c.time_scale_ms = 60_000).await;
    let s = emu.create_session(r#"{"timeout": 60}"#).await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    let ext = format!("/v1/browser_sessions/{id}/extend");

    // before the browser is up: accepted but unconfirmed
    let r = emu.post(&ext, r#"{"additional_minutes": 10}"#).await;
    assert_eq!(r.status, 202, "{}", r.text);
    let v = r.json();
    assert_eq!(v["timeout"], 70);
    assert!(v["warning"].as_str().is_some_and(|w| !w.is_empty()));

    wait_for(Duration::from_secs(3), || async {
        emu.get(&format!("/v1/browser_sessions/{id}")).await.json()["status"] == "running"
    })
    .await;
    let r = emu.post(&ext, r#"{"additional_minutes": 30}"#).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["timeout"], 100);
    assert_eq!(v["warning"], Value::Null);

    // more than the headroom: granted the remainder, with a warning
    let r = emu.post(&ext, r#"{"additional_minutes": 1000}"#).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["timeout"], 360);
    assert!(v["warning"].as_str().is_some_and(|w| w.contains("360")));

    // at the maximum lifetime
    let r = emu.post(&ext, r#"{"additional_minutes": 1}"#).await;
    assert_eq!(r.status, 409);

    // validation
    let r = emu.post(&ext, r#"{"additional_minutes": 0}"#).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"greater_than_equal","loc":["body","additional_minutes"],"msg":"Input should be greater than or equal to 1","input":0,"ctx":{"ge":1}}]}"#
    );
    let r = emu.post(&ext, "{}").await;
    assert_eq!(r.json()["detail"][0]["type"], "missing");
    let r = emu
        .post(
            "/v1/browser_sessions/pbs_000000000000000000/extend",
            r#"{"additional_minutes": 5}"#,
        )
        .await;
    assert_eq!(r.status, 404);

    // ended
    emu.post(&format!("/v1/browser_sessions/{id}/close"), "")
        .await;
    let r = emu.post(&ext, r#"{"additional_minutes": 5}"#).await;
    assert_eq!(r.status, 409);
}

#[tokio::test]
async fn extend_refused_near_expiry() {
    // one emulated minute = 400 ms: 120 s = 800 ms; timeout 5 = 2000 ms
    let emu = emu_with(|c| c.time_scale_ms = 400).await;
    let s = emu.create_session(r#"{"timeout": 5}"#).await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    let path = format!("/v1/browser_sessions/{id}");
    wait_for(Duration::from_secs(1), || async {
        emu.get(&path).await.json()["status"] == "running"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let r = emu
        .post(&format!("{path}/extend"), r#"{"additional_minutes": 5}"#)
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.json()["detail"]
        .as_str()
        .is_some_and(|d| d.contains("120 seconds")));
}
