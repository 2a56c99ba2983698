//! Outcome tags in the prompt, and the steps and duration they ask for.

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::*;

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
        the_outcome_matches_its_tag(&emu, &last, &rid, status).await;
        // Once a step ran, the real server reads the task back: files, errors
        // and the step limit are filled in.
        let last = emu.get(&format!("/v1/runs/{rid}")).await.json();
        assert_eq!(last["downloaded_files"], json!([]), "{prompt}");
        assert_eq!(last["run_request"]["max_steps"], 10, "{prompt}");
        assert!(last["errors"].is_array(), "{prompt}");
        cancelling_is_refused(&emu, &rid, status, prompt).await;
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

/// A failure has its reason and error code; a pause stays until cancelled.
async fn the_outcome_matches_its_tag(emu: &Emu, last: &Value, rid: &str, status: &str) {
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
}

/// Cancelling a finished task is refused as a status transition.
async fn cancelling_is_refused(emu: &Emu, rid: &str, status: &str, prompt: &str) {
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
