//! Run requests: tasks and workflows, with the client-side wait options.
//!
//! Each run request (here and in `tasks.rs`) spells out the same wait options
//! (`waitForCompletion`, `timeout`, `pollIntervalMs`, `onStatus`) rather than
//! `#[serde(flatten)]`-ing a shared struct: a flattened struct hides its fields
//! from the unknown-key check (`codec::fields_of`) and makes serde-wasm-bindgen
//! read the object as a map. [`RunRequest`] gives all of them one reader.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::ProxyLocation;
use super::fields::{
    client_side, Int, Json, JsonObject, Local, NonEmpty, Positive, StrList, StrMap, MAX_SAFE,
    MIN_SAFE,
};
use super::options::{MAX_POLL_MS, MAX_WAIT_SECONDS};

/// `runTask`'s request. `waitForCompletion`, `timeout`, `pollIntervalMs` and
/// `onStatus` are the client's wait options and are not sent.
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct RunTaskRequest {
    /// What the agent should do.
    #[tsify(type = "string")]
    pub prompt: NonEmpty,
    /// The page to start on.
    #[tsify(type = "string | null")]
    pub url: Option<NonEmpty>,
    /// Run in this browser session.
    #[tsify(type = "string | null")]
    pub browser_session_id: Option<NonEmpty>,
    /// `"skyvern-1.0"`, `"skyvern-2.0"`, `"openai-cua"`, …
    #[tsify(type = "RunEngine | null")]
    pub engine: Option<NonEmpty>,
    /// A title for the run.
    #[tsify(type = "string | null")]
    pub title: Option<String>,
    /// Where the browser's traffic exits.
    #[tsify(type = "ProxyLocation | null")]
    pub proxy_location: Option<ProxyLocation>,
    /// JSON schema of the data to extract.
    #[tsify(type = "JsonValue | null")]
    pub data_extraction_schema: Option<Json>,
    /// Maps error codes to descriptions of when to use them.
    #[tsify(type = "Record<string, string> | null")]
    pub error_code_mapping: Option<StrMap>,
    /// The most steps the agent may take.
    #[tsify(type = "number | null")]
    pub max_steps: Option<Int<MIN_SAFE, MAX_SAFE>>,
    /// Called by Skyvern when the run ends.
    #[tsify(type = "string | null")]
    pub webhook_url: Option<NonEmpty>,
    /// Identifies the TOTP codes for this run.
    #[tsify(type = "string | null")]
    pub totp_identifier: Option<String>,
    /// Where Skyvern fetches TOTP codes.
    #[tsify(type = "string | null")]
    pub totp_url: Option<NonEmpty>,
    /// The model and its settings.
    #[tsify(type = "{ [key: string]: JsonValue } | null")]
    pub model: Option<JsonObject>,
    /// Headers the browser sends.
    #[tsify(type = "Record<string, string> | null")]
    pub extra_http_headers: Option<StrMap>,
    /// Headers for the CDP connection to `browser_address`.
    #[tsify(type = "Record<string, string> | null")]
    pub cdp_connect_headers: Option<StrMap>,
    /// Include the action history when verifying completion.
    #[tsify(type = "boolean | null")]
    pub include_action_history_in_verification: Option<bool>,
    /// How many times to scroll for screenshots.
    #[tsify(type = "number | null")]
    pub max_screenshot_scrolls: Option<Int<MIN_SAFE, MAX_SAFE>>,
    /// Connect to this browser (CDP address).
    #[tsify(type = "string | null")]
    pub browser_address: Option<NonEmpty>,
    /// `"agent"` or `"code"`.
    #[tsify(type = "RunWith | null")]
    pub run_with: Option<NonEmpty>,
    /// Start from a saved browser profile.
    #[tsify(type = "string | null")]
    pub browser_profile_id: Option<NonEmpty>,
    /// Start with a fresh browser.
    #[tsify(type = "boolean | null")]
    pub start_fresh_browser: Option<bool>,
    /// Save the task as a workflow.
    #[tsify(type = "boolean | null")]
    pub publish_workflow: Option<bool>,
    /// Uploaded files the task may use.
    #[tsify(type = "string[] | null")]
    pub file_ids: Option<StrList>,
    /// Sent as the `x-user-agent` header.
    #[serde(rename = "x-user-agent", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "string")]
    pub x_user_agent: Option<NonEmpty>,
    /// Resolve only when the run reaches a terminal status.
    #[serde(rename = "waitForCompletion", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "boolean")]
    pub wait_for_completion: Option<bool>,
    /// Seconds to wait with `waitForCompletion` (default 1800).
    #[serde(skip_serializing_if = "client_side")]
    #[tsify(optional, type = "number")]
    pub timeout: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Fixed poll interval while waiting.
    #[serde(rename = "pollIntervalMs", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "number")]
    pub poll_interval_ms: Option<Positive<MAX_POLL_MS>>,
    /// Called with the run whenever its status changes.
    #[serde(rename = "onStatus", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "(run: TaskRun) => void")]
    pub on_status: Option<Local>,
}

/// `runWorkflow`'s request (`workflow_id` or `agent_id` is required), with the
/// same wait options as `runTask`.
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct RunWorkflowRequest {
    /// The workflow's permanent id (`wpid_…`).
    #[tsify(type = "string | null")]
    pub workflow_id: Option<NonEmpty>,
    /// The same as `workflow_id`.
    #[tsify(type = "string | null")]
    pub agent_id: Option<NonEmpty>,
    /// The workflow's parameters.
    #[tsify(type = "{ [key: string]: JsonValue } | null")]
    pub parameters: Option<JsonObject>,
    /// A title for the run.
    #[tsify(type = "string | null")]
    pub title: Option<String>,
    /// Where the browser's traffic exits.
    #[tsify(type = "ProxyLocation | null")]
    pub proxy_location: Option<ProxyLocation>,
    /// Called by Skyvern when the run ends.
    #[tsify(type = "string | null")]
    pub webhook_url: Option<NonEmpty>,
    /// Where Skyvern fetches TOTP codes.
    #[tsify(type = "string | null")]
    pub totp_url: Option<NonEmpty>,
    /// Identifies the TOTP codes for this run.
    #[tsify(type = "string | null")]
    pub totp_identifier: Option<String>,
    /// Run in this browser session.
    #[tsify(type = "string | null")]
    pub browser_session_id: Option<NonEmpty>,
    /// Start from a saved browser profile.
    #[tsify(type = "string | null")]
    pub browser_profile_id: Option<NonEmpty>,
    /// How many times to scroll for screenshots.
    #[tsify(type = "number | null")]
    pub max_screenshot_scrolls: Option<Int<MIN_SAFE, MAX_SAFE>>,
    /// Minutes the run may take, 1 to 480.
    #[tsify(type = "number | null")]
    pub max_elapsed_time_minutes: Option<Int<1, 480>>,
    /// Headers the browser sends.
    #[tsify(type = "Record<string, string> | null")]
    pub extra_http_headers: Option<StrMap>,
    /// Headers for the CDP connection to `browser_address`.
    #[tsify(type = "Record<string, string> | null")]
    pub cdp_connect_headers: Option<StrMap>,
    /// Connect to this browser (CDP address).
    #[tsify(type = "string | null")]
    pub browser_address: Option<NonEmpty>,
    /// Fall back to the AI agent when generated code fails.
    #[tsify(type = "boolean | null")]
    pub ai_fallback: Option<bool>,
    /// `"agent"` or `"code"`.
    #[tsify(type = "RunWith | null")]
    pub run_with: Option<NonEmpty>,
    /// Labels stored with the run.
    #[tsify(type = "Record<string, string> | null")]
    pub run_metadata: Option<StrMap>,
    /// Keep the workflow's browser session.
    #[tsify(type = "boolean | null")]
    pub reuse_browser_session: Option<bool>,
    /// Start with a fresh browser.
    #[tsify(type = "boolean | null")]
    pub start_fresh_browser: Option<bool>,
    /// `"msedge"`, `"chrome"` or `"stealth-chromium"`.
    #[tsify(type = "PersistentBrowserType | null")]
    pub browser_type: Option<NonEmpty>,
    /// Uploaded files the workflow may use.
    #[tsify(type = "string[] | null")]
    pub file_ids: Option<StrList>,
    /// Sent as the `x-user-agent` header.
    #[serde(rename = "x-user-agent", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "string")]
    pub x_user_agent: Option<NonEmpty>,
    /// Sent as the `x-max-steps-override` header: the most steps the run may take.
    #[serde(rename = "x-max-steps-override", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "number")]
    pub x_max_steps_override: Option<Int<MIN_SAFE, MAX_SAFE>>,
    /// Sent as the `?template=` query parameter: run the workflow as a template.
    #[serde(skip_serializing_if = "client_side")]
    #[tsify(optional, type = "boolean")]
    pub template: Option<bool>,
    /// Resolve only when the run reaches a terminal status.
    #[serde(rename = "waitForCompletion", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "boolean")]
    pub wait_for_completion: Option<bool>,
    /// Seconds to wait with `waitForCompletion` (default 1800).
    #[serde(skip_serializing_if = "client_side")]
    #[tsify(optional, type = "number")]
    pub timeout: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Fixed poll interval while waiting.
    #[serde(rename = "pollIntervalMs", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "number")]
    pub poll_interval_ms: Option<Positive<MAX_POLL_MS>>,
    /// Called with the run whenever its status changes.
    #[serde(rename = "onStatus", skip_serializing_if = "client_side")]
    #[tsify(optional, type = "(run: WorkflowRun) => void")]
    pub on_status: Option<Local>,
}

/// What every run-starting request carries besides its body: the client's wait
/// options and the header-valued `x-user-agent`.
pub trait RunRequest {
    /// `waitForCompletion`, `timeout` (seconds) and `pollIntervalMs`.
    fn wait_options(&self) -> (Option<bool>, Option<f64>, Option<f64>);
    /// Takes `x-user-agent` out of the request (it is sent as a header).
    fn take_user_agent(&mut self) -> Option<NonEmpty>;
}

macro_rules! run_request {
    ($($model:ty),*) => {$(
        impl RunRequest for $model {
            fn wait_options(&self) -> (Option<bool>, Option<f64>, Option<f64>) {
                let timeout = self.timeout.map(|t| t.0);
                (self.wait_for_completion, timeout, self.poll_interval_ms.map(|p| p.0))
            }
            fn take_user_agent(&mut self) -> Option<NonEmpty> {
                self.x_user_agent.take()
            }
        }
    )*};
}

run_request!(
    RunTaskRequest,
    RunWorkflowRequest,
    super::tasks::LoginRequest,
    super::tasks::DownloadFilesRequest
);
