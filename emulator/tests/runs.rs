//! Runs: creation, lifecycle, outcome tags, occupancy, cancel, errors.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

/// The run-task response observed on the real 1.0.56 server (real-server.md).
const REAL_RUN: &str = r#"{"run_id":"tsk_600840587220373212","status":"created","output":null,"downloaded_files":null,"recording_url":null,"recording_archived":false,"screenshot_urls":null,"failure_reason":null,"created_at":"2026-11-25T03:21:00.000001","modified_at":"2026-11-25T03:21:00.000001","queued_at":null,"started_at":null,"finished_at":null,"app_url":"http://localhost:8080/runs/tsk_600840587220373212","browser_session_id":null,"browser_profile_id":null,"max_screenshot_scrolls":null,"script_run":null,"errors":null,"step_count":null,"run_type":"task_v1","run_request":{"prompt":"Read the heading of the page","url":"http://127.0.0.1:8765/","engine":"skyvern-1.0","title":null,"proxy_location":"RESIDENTIAL","data_extraction_schema":null,"error_code_mapping":null,"max_steps":null,"webhook_url":null,"totp_identifier":null,"totp_url":null,"browser_session_id":"pbs_600840454076387034","browser_profile_id":null,"start_fresh_browser":false,"model":null,"extra_http_headers":null,"cdp_connect_headers":null,"publish_workflow":false,"include_action_history_in_verification":false,"max_screenshot_scrolls":null,"browser_address":null,"run_with":null,"file_ids":null}}"#;

fn task(prompt: &str, session: &str) -> String {
    json!({"prompt": prompt, "url": "http://127.0.0.1:8765/", "browser_session_id": session})
        .to_string()
}

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
async fn outcome_tags() {
    let emu = emu().await;
    for (prompt, status) in [
        ("Do it [fail]", "failed"),
        ("Do it [TERMINATE]", "terminated"),
        ("Do it [timed_out]", "timed_out"),
        ("Do it [pause]", "paused"),
    ] {
        let v = emu
            .run_task(&json!({"prompt": prompt, "url": "https://example.com"}).to_string())
            .await;
        let rid = v["run_id"].as_str().expect("id").to_string();
        let (_, last) = emu.follow_run(&rid, Duration::from_secs(5)).await;
        assert_eq!(last["status"], status, "{prompt}");
        match status {
            "failed" => {
                assert!(last["failure_reason"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("Max retries per step (3) exceeded.")));
                assert_eq!(last["errors"][0]["error_code"], "REACH_MAX_RETRIES");
                assert_eq!(last["output"], Value::Null);
            }
            "terminated" | "timed_out" => assert!(last["failure_reason"].is_string()),
            _ => {
                assert_eq!(last["finished_at"], Value::Null);
                // paused stays paused until canceled
                tokio::time::sleep(Duration::from_millis(200)).await;
                assert_eq!(
                    emu.get(&format!("/v1/runs/{rid}")).await.json()["status"],
                    "paused"
                );
                let r = emu.post(&format!("/v1/runs/{rid}/cancel"), "").await;
                assert_eq!((r.status, r.text.as_str()), (200, "null"));
                assert_eq!(
                    emu.get(&format!("/v1/runs/{rid}")).await.json()["status"],
                    "canceled"
                );
            }
        }
        // Once a step ran, the real server reads the task back: files, errors
        // and the step limit are filled in.
        let last = emu.get(&format!("/v1/runs/{rid}")).await.json();
        assert_eq!(last["downloaded_files"], json!([]), "{prompt}");
        assert_eq!(last["run_request"]["max_steps"], 10, "{prompt}");
        assert!(last["errors"].is_array(), "{prompt}");
        // Cancelling a finished task is refused as a status transition.
        let r = emu.post(&format!("/v1/runs/{rid}/cancel"), "").await;
        match status {
            "failed" | "terminated" => {
                assert_eq!(r.status, 400, "{prompt}");
                assert_eq!(
                    r.json()["detail"],
                    format!("Invalid task status transition from {status} to canceled for {rid}")
                );
            }
            "timed_out" => {
                assert_eq!(r.status, 500);
                assert_eq!(
                    r.json(),
                    json!({"error": "Unexpected error: TaskAlreadyTimeout"})
                );
            }
            // canceled (was paused): 400, as the real server
            _ => {
                assert_eq!(r.status, 400);
                assert!(
                    r.text.contains("because task is already canceled"),
                    "{}",
                    r.text
                );
            }
        }
        assert_eq!(
            emu.get(&format!("/v1/runs/{rid}")).await.json()["status"],
            if status == "paused" {
                "canceled"
            } else {
                status
            }
        );
    }
}

#[tokio::test]
async fn steps_and_duration_tags() {
    let emu = emu().await;
    let v = emu
        .run_task(r#"{"prompt": "go [steps=5]", "max_steps": 4}"#)
        .await;
    assert_eq!(v["run_request"]["max_steps"], 4);
    let (_, last) = emu
        .follow_run(v["run_id"].as_str().unwrap_or(""), Duration::from_secs(5))
        .await;
    assert_eq!(last["step_count"], 5);
    assert_eq!(last["run_request"]["max_steps"], 4, "a given limit stays");

    let started = std::time::Instant::now();
    let v = emu.run_task(r#"{"prompt": "go [duration=500ms]"}"#).await;
    let (_, last) = emu
        .follow_run(v["run_id"].as_str().unwrap_or(""), Duration::from_secs(5))
        .await;
    assert_eq!(last["status"], "completed");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(500), "{took:?}");
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

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

#[tokio::test]
async fn run_validation() {
    let emu = emu().await;
    let r = emu
        .post("/v1/run/tasks", r#"{"url": "https://example.com"}"#)
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"missing","loc":["body","prompt"],"msg":"Field required","input":{"url":"https://example.com"}}]}"#
    );
    // A refused URL is a 400 that ends validation (the first URL field in
    // the model's order wins, whatever else is wrong), as on the real server.
    for (body, detail) in [
        (
            r#"{"prompt": "[fail] x", "url": "not a url"}"#,
            "Invalid url: malformed.",
        ),
        (
            r#"{"prompt": "x", "url": "ftp://example.test/"}"#,
            "Invalid url: unsupported scheme.",
        ),
        (
            r#"{"prompt": "x", "webhook_url": "ftp://a", "totp_url": "nope nope", "url": "not a url"}"#,
            "Invalid url: malformed.",
        ),
        (
            r#"{"webhook_url": "ftp://a"}"#,
            "Invalid webhook_url: unsupported scheme.",
        ),
        (
            r#"{"prompt": "x", "totp_url": "http://a b/"}"#,
            "Invalid totp_url: malformed.",
        ),
    ] {
        let r = emu.post("/v1/run/tasks", body).await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(
            r.json(),
            json!({"detail": format!("{detail} Use an HTTP or HTTPS URL with at most 2083 characters.")}),
            "{body}"
        );
    }
    let r = emu.post("/v1/run/tasks", "").await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.text,
        r#"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#
    );
    let r = emu.post("/v1/run/tasks", r#"{"prompt": 5}"#).await;
    assert_eq!(r.json()["detail"][0]["type"], "string_type");
    let r = emu
        .post("/v1/run/tasks", r#"{"prompt": "x", "engine": "skyvern-9"}"#)
        .await;
    assert_eq!(r.json()["detail"][0]["type"], "enum");
    // a scheme-less URL gets https:// as on the real server
    let v = emu
        .run_task(r#"{"prompt": "x", "url": "example.com"}"#)
        .await;
    assert_eq!(v["run_request"]["url"], "https://example.com/");
    // no key: 403 before validation
    let r = emu
        .send(
            "POST",
            "/v1/run/tasks",
            Some("{}"),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(r.status, 403);
    // engine decides run_type and id
    let v = emu
        .run_task(r#"{"prompt": "x", "engine": "skyvern-2.0"}"#)
        .await;
    assert_eq!(v["run_type"], "task_v2");
    assert!(v["run_id"]
        .as_str()
        .is_some_and(|i| i.starts_with("tsk_v2_")));
}

#[tokio::test]
async fn workflow_runs() {
    let emu = emu().await;
    let sid = emu.running_session().await;
    // Only ids with the emulator's prefix exist; others are unknown, as on a
    // real server without that workflow (checked before the session).
    for (path, field) in [
        ("/v1/run/agents", "agent_id"),
        ("/v1/run/workflows", "workflow_id"),
    ] {
        for wid in ["wpid_000000000000000000", "wpid_123", "wpid_emulator_"] {
            let r = emu
                .post(
                    path,
                    &json!({field: wid, "browser_session_id": "pbs_000000000000000000"})
                        .to_string(),
                )
                .await;
            assert_eq!(r.status, 404, "{path} {wid}");
            assert_eq!(
                r.json(),
                json!({"detail": format!("Workflow not found. workflow_permanent_id={wid}")})
            );
        }
    }
    for path in ["/v1/run/agents", "/v1/run/workflows"] {
        let r = emu
            .post(
                path,
                &json!({"agent_id": "wpid_emulator_demo", "parameters": {"url": "https://example.com/"}, "browser_session_id": sid}).to_string(),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let v = r.json();
        assert!(is_id(&v["run_id"], "wr_"));
        assert_eq!(v["run_type"], "workflow_run");
        assert_eq!(v["attempt"], 1);
        assert_eq!(v["run_with"], "agent");
        assert_eq!(v["run_request"]["workflow_id"], "wpid_emulator_demo");
        let rid = v["run_id"].as_str().unwrap_or("").to_string();
        let s = emu.get(&format!("/v1/browser_sessions/{sid}")).await.json();
        assert_eq!(s["runnable_type"], "workflow_run");
        assert_eq!(s["runnable_id"], json!(rid));
        let (_, last) = emu.follow_run(&rid, Duration::from_secs(5)).await;
        assert_eq!(last["status"], "completed");
    }
    let r = emu
        .post(
            "/v1/run/agents",
            r#"{"workflow_id": "wpid_emulator_checkout", "title": "[fail]"}"#,
        )
        .await;
    let (_, last) = emu
        .follow_run(
            r.json()["run_id"].as_str().unwrap_or(""),
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(last["status"], "failed");
    let r = emu.post("/v1/run/agents", "{}").await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["detail"][0]["loc"], json!(["body", "agent_id"]));
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
