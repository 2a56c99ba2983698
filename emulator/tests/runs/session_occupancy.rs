//! Runs and their browser session: cancel, a busy session, session errors, closing.

use super::task;

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

#[tokio::test]
async fn cancel_frees_the_session() {
    let emu = emu().await;
    let sid = emu.running_session().await;
    let a = emu.run_task(&task("long [duration=10s]", &sid)).await;
    let aid = a["run_id"].as_str().expect("id").to_string();
    wait_for(Duration::from_secs(2), || async {
        emu.get(&format!("/v1/runs/{aid}")).await.json()["status"] == "running"
    })
    .await;
    let r = emu.post(&format!("/v1/runs/{aid}/cancel"), "").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, "null");
    let v = emu.get(&format!("/v1/runs/{aid}")).await.json();
    assert_eq!(v["status"], "canceled");
    assert!(is_naive_ts(&v["finished_at"]));
    let s = emu.get(&format!("/v1/browser_sessions/{sid}")).await.json();
    assert_eq!(s["runnable_id"], Value::Null);
    assert_eq!(s["status"], "running");
    // cancelling again answers 400, as the real server does, and the status stays
    assert_eq!(
        emu.post(&format!("/v1/runs/{aid}/cancel"), "").await.status,
        400
    );
    // the next run gets the session
    let b = emu.run_task(&task("next", &sid)).await;
    let (_, last) = emu
        .follow_run(b["run_id"].as_str().unwrap_or(""), Duration::from_secs(5))
        .await;
    assert_eq!(last["status"], "completed");
}

#[tokio::test]
async fn occupied_session_fails_the_second_run() {
    let emu = emu().await;
    let sid = emu.running_session().await;
    let a = emu.run_task(&task("first [duration=3s]", &sid)).await;
    let aid = a["run_id"].as_str().expect("id").to_string();
    let b = emu.run_task(&task("second", &sid)).await;
    assert_eq!(b["status"], "created", "the run is created first");
    let (_, last) = emu
        .follow_run(b["run_id"].as_str().unwrap_or(""), Duration::from_secs(5))
        .await;
    assert_eq!(last["status"], "failed");
    assert_eq!(
        last["failure_reason"],
        json!(format!(
            "Browser session {sid} is already occupied by {aid}. Wait for that run to finish or cancel it, then retry."
        ))
    );
    let s = emu.get(&format!("/v1/browser_sessions/{sid}")).await.json();
    assert_eq!(s["runnable_id"], json!(aid), "the first run still holds it");
    emu.post(&format!("/v1/runs/{aid}/cancel"), "").await;
}

#[tokio::test]
async fn login_and_download_files_in_an_occupied_session_answer_like_a_task() {
    let emu = emu().await;
    let sid = emu.running_session().await;
    let a = emu.run_task(&task("first [duration=10s]", &sid)).await;
    let aid = a["run_id"].as_str().expect("id").to_string();
    let occupied = json!(format!(
        "Browser session {sid} is already occupied by {aid}. Wait for that run to finish or cancel it, then retry."
    ));
    let second = [
        ("/v1/run/tasks", task("second", &sid)),
        (
            "/v1/run/tasks/login",
            json!({"credential_type": "bitwarden", "url": "http://127.0.0.1:8765/", "browser_session_id": sid})
                .to_string(),
        ),
        (
            "/v1/run/tasks/download_files",
            json!({"navigation_goal": "download the report", "browser_session_id": sid}).to_string(),
        ),
    ];
    let mut answers = Vec::new();
    for (path, body) in second {
        let r = emu.post(path, &body).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        let v = r.json();
        assert_eq!(v["status"], "created", "{path}: the run is created first");
        assert_eq!(v["run_request"]["browser_session_id"], json!(sid), "{path}");
        let id = v["run_id"].as_str().unwrap_or("").to_string();
        let (_, last) = emu.follow_run(&id, Duration::from_secs(5)).await;
        answers.push((path, last["status"].clone(), last["failure_reason"].clone()));
    }
    for (path, status, reason) in answers {
        assert_eq!(status, "failed", "{path}");
        assert_eq!(reason, occupied, "{path}");
    }
    let s = emu.get(&format!("/v1/browser_sessions/{sid}")).await.json();
    assert_eq!(s["runnable_id"], json!(aid), "the first run still holds it");
    emu.post(&format!("/v1/runs/{aid}/cancel"), "").await;
}

#[tokio::test]
async fn session_errors_and_unknown_runs() {
    let emu = emu().await;
    let r = emu
        .post("/v1/run/tasks", &task("x", "pbs_000000000000000000"))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        r#"{"detail":"Browser session pbs_000000000000000000 does not exist or is not live."}"#
    );
    let sid = emu.create_session("{}").await["browser_session_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    emu.post(&format!("/v1/browser_sessions/{sid}/close"), "")
        .await;
    let r = emu.post("/v1/run/tasks", &task("x", &sid)).await;
    assert_eq!(r.status, 410);
    assert_eq!(
        r.text,
        format!(
            r#"{{"detail":"Browser session {sid} is no longer usable (status: completed). Create a new browser session and retry."}}"#
        )
    );
    let r = emu.get("/v1/runs/tsk_000000000000000000").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        r#"{"detail":"Task run not found tsk_000000000000000000"}"#
    );
    let r = emu.post("/v1/runs/tsk_000000000000000000/cancel", "").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.text,
        r#"{"detail":"Run not found tsk_000000000000000000"}"#
    );
}

#[tokio::test]
async fn closing_the_session_stops_its_run() {
    let emu = emu().await;
    let sid = emu.running_session().await;
    let a = emu.run_task(&task("long [duration=10s]", &sid)).await;
    let aid = a["run_id"].as_str().expect("id").to_string();
    emu.post(&format!("/v1/browser_sessions/{sid}/close"), "")
        .await;
    let v = emu.get(&format!("/v1/runs/{aid}")).await.json();
    assert_eq!(v["status"], "failed");
    assert!(v["failure_reason"]
        .as_str()
        .is_some_and(|r| r.contains(&sid)));
}
