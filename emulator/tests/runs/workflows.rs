//! Workflow runs.

use std::time::Duration;

use serde_json::json;

use crate::common::*;

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
