//! The live-view page and its state.

use std::time::Duration;

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn live_view_page_and_state() {
    let emu = emu().await;
    let s = emu.create_session("{}").await;
    let sid = s["browser_session_id"].as_str().expect("id").to_string();
    let app_path = s["app_url"].as_str().unwrap_or("").replace(&emu.base, "");
    assert_eq!(app_path, format!("/browser-session/{sid}"));
    the_page_may_be_framed_and_loads_nothing_remote(&emu, &app_path, &sid).await;

    let state_path = format!("{app_path}/state");
    let st = emu.send("GET", &state_path, None, &[]).await.json();
    assert_eq!(st["found"], true);
    assert_eq!(st["ended"], false);

    wait_for(Duration::from_secs(3), || async {
        emu.send("GET", &state_path, None, &[]).await.json()["status"] == "running"
    })
    .await;
    let run = emu
        .run_task(&json!({"prompt": "Find the price [steps=4]", "url": "https://shop.example/", "browser_session_id": sid}).to_string())
        .await;
    let rid = run["run_id"].as_str().unwrap_or("").to_string();
    the_state_shows_the_step_in_progress(&emu, &state_path).await;
    let st = emu.send("GET", &state_path, None, &[]).await.json();
    assert_eq!(st["run"]["id"], json!(rid));
    assert_eq!(st["current_url"], "https://shop.example/");
    assert_eq!(st["run"]["steps"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        st["run"]["steps"][0]["label"],
        "Navigate to https://shop.example/"
    );

    let run_page = emu.send("GET", &format!("/runs/{rid}"), None, &[]).await;
    assert_eq!(run_page.status, 200);
    let rs = emu
        .send("GET", &format!("/runs/{rid}/state"), None, &[])
        .await
        .json();
    assert_eq!(rs["status"], "completed");

    emu.post(&format!("/v1/browser_sessions/{sid}/close"), "")
        .await;
    let st = emu.send("GET", &state_path, None, &[]).await.json();
    assert_eq!(st["ended"], true);
    assert_eq!(st["status"], "completed");
    assert_eq!(st["ended_reason"], "closed");
    let unknown = emu
        .send("GET", "/browser-session/pbs_0/state", None, &[])
        .await
        .json();
    assert_eq!(unknown["found"], false);
}

/// The session's page is HTML, may be framed, names the session, loads
/// nothing from elsewhere and polls its state.
async fn the_page_may_be_framed_and_loads_nothing_remote(emu: &Emu, app_path: &str, sid: &str) {
    let page = emu.send("GET", app_path, None, &[]).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.header("x-frame-options"),
        None,
        "the page may be framed"
    );
    assert!(page
        .header("content-security-policy")
        .is_none_or(|c| !c.contains("frame-ancestors 'none'")));
    assert!(page.text.contains(sid));
    assert!(!page.text.contains("src=\"http") && !page.text.contains("href=\"http"));
    assert!(page.text.contains("/state"));
}

/// While the run goes on, the page state shows a step in progress, until the run completes.
async fn the_state_shows_the_step_in_progress(emu: &Emu, state_path: &str) {
    let mut seen_active = false;
    let start = std::time::Instant::now();
    loop {
        let st = emu.send("GET", state_path, None, &[]).await.json();
        let steps = st["run"]["steps"].as_array().cloned().unwrap_or_default();
        if steps.last().is_some_and(|s| s["state"] == "active") {
            seen_active = true;
        }
        if st["run"]["status"] == "completed" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "run did not complete"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(seen_active, "the page state shows the step in progress");
}
