//! Browser-session routes against the bodies observed on the real server.

#[path = "../common/mod.rs"]
mod common;

mod auth_and_errors;
mod create_validation;
mod lifecycle;
mod patch_and_extend;

/// The create response observed on the real 1.0.56 server (real-server.md).
const REAL_CREATE: &str = r#"{"browser_session_id":"pbs_600838307902101396","organization_id":"o_600837986374021018","status":"created","runnable_type":null,"runnable_id":null,"timeout":60,"browser_address":null,"app_url":"http://localhost:8080/browser-session/pbs_600838307902101396","extensions":null,"browser_type":null,"browser_profile_id":null,"generate_browser_profile":false,"browser_settings":null,"browser_settings_receipt":null,"vnc_streaming_supported":false,"stream_transport":null,"download_path":"/app/downloads/o_600837986374021018/pbs_600838307902101396","downloaded_files":[],"recordings":[],"started_at":null,"completed_at":null,"created_by":null,"created_at":"2026-11-25T03:19:29.623708","modified_at":"2026-11-25T03:19:29.623712","deleted_at":null,"warning":null,"source":"managed","remaining_lifetime_seconds":null}"#;

const DYNAMIC: &[&str] = &[
    "browser_session_id",
    "organization_id",
    "app_url",
    "download_path",
    "created_at",
    "modified_at",
    "started_at",
    "completed_at",
    "browser_address",
];

const CAP_WARNING: &str = "Requested timeout of 241 minutes exceeds the maximum of 240 minutes (4 hours); this session was capped at 240 minutes. A running session can be extended up to 360 minutes (6 hours) with the extend endpoint. Longer browser durations are available on our enterprise plan, please contact sales@skyvern.com";
