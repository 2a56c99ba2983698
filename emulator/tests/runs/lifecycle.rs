//! A run's shape and its way from created through queued to running and done.

use super::{task, REAL_RUN};

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn run_task_returns_the_real_shape_and_completes() {
    let emu = emu().await;
    let sid = emu.running_session().await;
    let v = emu
        .run_task(&task("Read the heading of the page", &sid))
        .await;
    let real: Value = serde_json::from_str(REAL_RUN).expect("fixture");
    assert_shape(
        &v,
        &real,
        &[
            "run_id",
            "created_at",
            "modified_at",
            "app_url",
            "run_request",
        ],
    );
    let mut req_expected = real["run_request"].clone();
    req_expected["browser_session_id"] = json!(sid);
    assert_eq!(v["run_request"], req_expected);
    let rid = v["run_id"].as_str().expect("id").to_string();
    assert!(is_id(&v["run_id"], "tsk_"));
    assert_eq!(v["app_url"], json!(format!("{}/runs/{rid}", emu.base)));

    // while it runs, the session shows who holds it
    let s = emu.get(&format!("/v1/browser_sessions/{sid}")).await.json();
    assert_eq!(s["runnable_type"], "task");
    assert_eq!(s["runnable_id"], json!(rid));

    let (seen, last) = emu.follow_run(&rid, Duration::from_secs(5)).await;
    let statuses: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    assert!(statuses.contains(&"running"), "{seen:?}");
    assert_eq!(statuses.last(), Some(&"completed"));
    let steps: Vec<i64> = seen
        .iter()
        .filter(|(s, _)| s == "running")
        .filter_map(|(_, n)| n.as_i64())
        .collect();
    assert!(
        steps.windows(2).all(|w| w[0] < w[1]),
        "steps grow: {seen:?}"
    );
    assert!(steps.len() >= 2, "saw several steps: {seen:?}");
    assert_eq!(last["step_count"], 3);
    assert!(last["output"].is_object());
    assert_eq!(last["output"]["url"], "http://127.0.0.1:8765/");
    let shots = last["screenshot_urls"].as_array().expect("screenshots");
    assert_eq!(shots.len(), 3);
    assert!(
        shots[0].as_str().is_some_and(|u| u.ends_with("/3.svg")),
        "newest first"
    );
    for k in ["queued_at", "started_at", "finished_at"] {
        assert!(is_naive_ts(&last[k]), "{k}");
    }
    assert_eq!(last["failure_reason"], Value::Null);
    assert_eq!(last["browser_session_id"], Value::Null);
    assert_eq!(last["run_request"]["browser_session_id"], Value::Null);
    // the screenshot is served
    let shot = shots[0].as_str().unwrap_or("").replace(&emu.base, "");
    let r = emu.send("GET", &shot, None, &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("image/svg+xml"));
    assert!(r.text.starts_with("<svg"));
}

#[tokio::test]
async fn created_then_queued_then_running() {
    let emu = emu_with(|c| c.step_ms = 300).await;
    let sid = emu.running_session().await;
    let v = emu.run_task(&task("slow", &sid)).await;
    assert_eq!(v["status"], "created");
    let rid = v["run_id"].as_str().expect("id").to_string();
    let (seen, _) = emu.follow_run(&rid, Duration::from_secs(5)).await;
    let statuses: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    let pos = |s: &str| statuses.iter().position(|x| *x == s);
    assert!(
        pos("queued") < pos("running") && pos("running") < pos("completed"),
        "{seen:?}"
    );
    assert_eq!(statuses[0], "created");
}

#[tokio::test]
async fn run_waits_for_the_browser() {
    let emu = emu_with(|c| c.start_delay_ms = 400).await;
    let sid = emu.create_session("{}").await["browser_session_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let v = emu.run_task(&task("x", &sid)).await;
    let rid = v["run_id"].as_str().unwrap_or("").to_string();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mid = emu.get(&format!("/v1/runs/{rid}")).await.json();
    assert_eq!(
        mid["status"], "queued",
        "not running before the browser is up"
    );
    let (_, last) = emu.follow_run(&rid, Duration::from_secs(5)).await;
    assert_eq!(last["status"], "completed");
}
