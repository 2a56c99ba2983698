//! What the API answers, as TypeScript types. The client does not read these
//! bodies into Rust: the caller gets the object the JS engine parsed (the few
//! fields the client itself reads are in `views.rs`). These structs are the one
//! place the response types are written, beside the requests; tsify writes their
//! `.d.ts`. Each extends [`ServerFields`], so a field a newer server adds reaches
//! the caller typed as `unknown`. Value types with room for future values
//! (`RunStatus`, `OpenString<…>`) are in `src/js/types.d.ts`.
#![allow(dead_code)]

use std::collections::HashMap;

use tsify::Tsify;

pub mod artifacts;
pub mod uploads;

/// Fields added by newer servers.
#[derive(Tsify)]
#[tsify(type = "{ [key: string]: unknown }")]
pub struct ServerFields(HashMap<String, ()>);

/// A file the server stored: a download or a recording.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct FileInfo {
    url: String,
    #[serde(default)]
    checksum: Option<String>,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    file_size: Option<f64>,
    #[serde(default)]
    modified_at: Option<String>,
    #[serde(default)]
    artifact_id: Option<String>,
    #[serde(flatten)]
    more: ServerFields,
}

/// A browser session (`createBrowserSession`, `getBrowserSession`, …).
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct BrowserSession {
    browser_session_id: String,
    organization_id: String,
    #[tsify(type = "BrowserSessionStatus | null")]
    status: Option<String>,
    #[serde(default)]
    runnable_type: Option<String>,
    #[serde(default)]
    runnable_id: Option<String>,
    #[serde(default)]
    timeout: Option<f64>,
    #[serde(default)]
    browser_address: Option<String>,
    #[serde(default)]
    app_url: Option<String>,
    #[serde(default)]
    #[tsify(type = "Extension[] | null")]
    extensions: Option<Vec<String>>,
    #[serde(default)]
    #[tsify(type = "PersistentBrowserType | null")]
    browser_type: Option<String>,
    #[serde(default)]
    browser_profile_id: Option<String>,
    #[serde(default)]
    generate_browser_profile: bool,
    #[serde(default)]
    #[tsify(type = "BrowserSettings | null")]
    browser_settings: Option<()>,
    #[serde(default)]
    vnc_streaming_supported: bool,
    #[serde(default)]
    #[tsify(type = "OpenString<\"vnc\" | \"cdp\"> | null")]
    stream_transport: Option<String>,
    #[serde(default)]
    download_path: Option<String>,
    #[serde(default)]
    downloaded_files: Option<Vec<FileInfo>>,
    #[serde(default)]
    recordings: Option<Vec<FileInfo>>,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    completed_at: Option<String>,
    created_at: String,
    modified_at: String,
    #[serde(default)]
    deleted_at: Option<String>,
    /// Set when the server adjusted the request (e.g. capped the timeout) or could not confirm an extension.
    #[serde(default)]
    warning: Option<String>,
    #[serde(default)]
    #[tsify(type = "OpenString<\"managed\" | \"external\"> | null")]
    source: Option<String>,
    #[serde(default)]
    remaining_lifetime_seconds: Option<f64>,
    #[serde(flatten)]
    more: ServerFields,
}

/// `closeBrowserSession`'s answer.
#[derive(Tsify)]
pub struct CloseBrowserSessionResponse {
    #[serde(default)]
    #[tsify(optional)]
    message: Option<String>,
    #[serde(flatten)]
    more: ServerFields,
}

/// What every run has, a task's or a workflow's.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct RunBase {
    run_id: String,
    #[tsify(type = "RunType")]
    run_type: String,
    #[tsify(type = "RunStatus")]
    status: String,
    #[serde(default)]
    #[tsify(optional, type = "JsonValue")]
    output: Option<()>,
    #[serde(default)]
    downloaded_files: Option<Vec<FileInfo>>,
    #[serde(default)]
    recording_url: Option<String>,
    #[serde(default)]
    recording_archived: bool,
    #[serde(default)]
    screenshot_urls: Option<Vec<String>>,
    #[serde(default)]
    failure_reason: Option<String>,
    created_at: String,
    modified_at: String,
    #[serde(default)]
    queued_at: Option<String>,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    finished_at: Option<String>,
    #[serde(default)]
    app_url: Option<String>,
    #[serde(default)]
    browser_session_id: Option<String>,
    #[serde(default)]
    browser_profile_id: Option<String>,
    #[serde(default)]
    max_screenshot_scrolls: Option<f64>,
    #[serde(default)]
    #[tsify(
        type = "{ ai_fallback_triggered: boolean; script_id?: string | null; script_revision_id?: string | null } | null"
    )]
    script_run: Option<()>,
    #[serde(default)]
    #[tsify(type = "{ [key: string]: JsonValue }[] | null")]
    errors: Option<()>,
    #[serde(default)]
    step_count: Option<f64>,
    #[serde(default)]
    #[tsify(type = "{ [key: string]: JsonValue } | null")]
    run_request: Option<()>,
    #[serde(flatten)]
    more: ServerFields,
}

/// A task run (`runTask`, `getRun`).
#[derive(Tsify)]
pub struct TaskRun {
    #[serde(flatten)]
    base: RunBase,
}

/// A workflow run (`runWorkflow`, `login`, `downloadFiles`, `getRun`).
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct WorkflowRun {
    #[serde(default)]
    attempt: f64,
    #[serde(default)]
    retry_pending: bool,
    #[serde(default)]
    next_attempt_at: Option<String>,
    #[serde(default)]
    #[tsify(type = "RunWith | null")]
    run_with: Option<String>,
    #[serde(default)]
    ai_fallback: Option<bool>,
    #[serde(default)]
    script_id: Option<String>,
    #[serde(flatten)]
    base: RunBase,
}

/// A saved browser profile.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct BrowserProfile {
    browser_profile_id: String,
    organization_id: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    source_browser_type: Option<String>,
    #[serde(default)]
    #[tsify(type = "ProxyLocation | { [key: string]: JsonValue } | null")]
    proxy_location: Option<()>,
    #[serde(default)]
    proxy_session_id: Option<String>,
    #[serde(default)]
    is_managed: bool,
    created_at: String,
    modified_at: String,
    #[serde(default)]
    deleted_at: Option<String>,
    #[serde(flatten)]
    more: ServerFields,
}
