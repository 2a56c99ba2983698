//! Runs: creation, lifecycle, outcome tags, occupancy, cancel, errors.

#[path = "../common/mod.rs"]
mod common;

use serde_json::json;

mod lifecycle;
mod outcomes;
mod session_occupancy;
mod validation;
mod workflows;

/// The run-task response observed on the real 1.0.56 server (real-server.md).
const REAL_RUN: &str = r#"{"run_id":"tsk_600840587220373212","status":"created","output":null,"downloaded_files":null,"recording_url":null,"recording_archived":false,"screenshot_urls":null,"failure_reason":null,"created_at":"2026-11-25T03:21:00.000001","modified_at":"2026-11-25T03:21:00.000001","queued_at":null,"started_at":null,"finished_at":null,"app_url":"http://localhost:8080/runs/tsk_600840587220373212","browser_session_id":null,"browser_profile_id":null,"max_screenshot_scrolls":null,"script_run":null,"errors":null,"step_count":null,"run_type":"task_v1","run_request":{"prompt":"Read the heading of the page","url":"http://127.0.0.1:8765/","engine":"skyvern-1.0","title":null,"proxy_location":"RESIDENTIAL","data_extraction_schema":null,"error_code_mapping":null,"max_steps":null,"webhook_url":null,"totp_identifier":null,"totp_url":null,"browser_session_id":"pbs_600840454076387034","browser_profile_id":null,"start_fresh_browser":false,"model":null,"extra_http_headers":null,"cdp_connect_headers":null,"publish_workflow":false,"include_action_history_in_verification":false,"max_screenshot_scrolls":null,"browser_address":null,"run_with":null,"file_ids":null}}"#;

fn task(prompt: &str, session: &str) -> String {
    json!({"prompt": prompt, "url": "http://127.0.0.1:8765/", "browser_session_id": session})
        .to_string()
}
