//! Run requests: tasks and workflows, with the client-side wait options.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::ProxyLocation;
use super::fields::{Int, Json, JsonObject, Local, NonEmpty, Positive, StrList, StrMap, MAX_SAFE};
use super::options::{MAX_POLL_MS, MAX_WAIT_SECONDS};

/// `runTask`'s request. `waitForCompletion`, `timeout`, `pollIntervalMs` and
/// `onStatus` are the client's wait options and are not sent.
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunTaskRequest {
    /// What the agent should do.
    pub prompt: NonEmpty,
    /// The page to start on.
    pub url: Option<NonEmpty>,
    /// Run in this browser session.
    pub browser_session_id: Option<NonEmpty>,
    /// `"skyvern-1.0"`, `"skyvern-2.0"`, `"openai-cua"`, …
    pub engine: Option<NonEmpty>,
    /// A title for the run.
    pub title: Option<String>,
    /// Where the browser's traffic exits.
    pub proxy_location: Option<ProxyLocation>,
    /// JSON schema of the data to extract.
    pub data_extraction_schema: Option<Json>,
    /// Maps error codes to descriptions of when to use them.
    pub error_code_mapping: Option<StrMap>,
    /// The most steps the agent may take.
    pub max_steps: Option<Int<1, MAX_SAFE>>,
    /// Called by Skyvern when the run ends.
    pub webhook_url: Option<NonEmpty>,
    /// Identifies the TOTP codes for this run.
    pub totp_identifier: Option<String>,
    /// Where Skyvern fetches TOTP codes.
    pub totp_url: Option<NonEmpty>,
    /// The model and its settings.
    pub model: Option<JsonObject>,
    /// Headers the browser sends.
    pub extra_http_headers: Option<StrMap>,
    /// Headers for the CDP connection to `browser_address`.
    pub cdp_connect_headers: Option<StrMap>,
    /// Include the action history when verifying completion.
    pub include_action_history_in_verification: Option<bool>,
    /// How many times to scroll for screenshots.
    pub max_screenshot_scrolls: Option<Int<0, MAX_SAFE>>,
    /// Connect to this browser (CDP address).
    pub browser_address: Option<NonEmpty>,
    /// `"agent"` or `"code"`.
    pub run_with: Option<NonEmpty>,
    /// Start from a saved browser profile.
    pub browser_profile_id: Option<NonEmpty>,
    /// Start with a fresh browser.
    pub start_fresh_browser: Option<bool>,
    /// Save the task as a workflow.
    pub publish_workflow: Option<bool>,
    /// Uploaded files the task may use.
    pub file_ids: Option<StrList>,
    /// Resolve only when the run reaches a terminal status.
    #[serde(rename = "waitForCompletion", skip_serializing)]
    pub wait_for_completion: Option<bool>,
    /// Seconds to wait with `waitForCompletion` (default 1800).
    #[serde(skip_serializing)]
    pub timeout: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Fixed poll interval while waiting.
    #[serde(rename = "pollIntervalMs", skip_serializing)]
    pub poll_interval_ms: Option<Positive<MAX_POLL_MS>>,
    /// Called with the run whenever its status changes.
    #[serde(rename = "onStatus", skip_serializing)]
    pub on_status: Option<Local>,
}

/// `runWorkflow`'s request (`workflow_id` or `agent_id` is required), with the
/// same wait options as `runTask`.
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunWorkflowRequest {
    /// The workflow's permanent id (`wpid_…`).
    pub workflow_id: Option<NonEmpty>,
    /// The same as `workflow_id`.
    pub agent_id: Option<NonEmpty>,
    /// The workflow's parameters.
    pub parameters: Option<JsonObject>,
    /// A title for the run.
    pub title: Option<String>,
    /// Where the browser's traffic exits.
    pub proxy_location: Option<ProxyLocation>,
    /// Called by Skyvern when the run ends.
    pub webhook_url: Option<NonEmpty>,
    /// Where Skyvern fetches TOTP codes.
    pub totp_url: Option<NonEmpty>,
    /// Identifies the TOTP codes for this run.
    pub totp_identifier: Option<String>,
    /// Run in this browser session.
    pub browser_session_id: Option<NonEmpty>,
    /// Start from a saved browser profile.
    pub browser_profile_id: Option<NonEmpty>,
    /// How many times to scroll for screenshots.
    pub max_screenshot_scrolls: Option<Int<0, MAX_SAFE>>,
    /// Minutes the run may take, 1 to 480.
    pub max_elapsed_time_minutes: Option<Int<1, 480>>,
    /// Headers the browser sends.
    pub extra_http_headers: Option<StrMap>,
    /// Headers for the CDP connection to `browser_address`.
    pub cdp_connect_headers: Option<StrMap>,
    /// Connect to this browser (CDP address).
    pub browser_address: Option<NonEmpty>,
    /// Fall back to the AI agent when generated code fails.
    pub ai_fallback: Option<bool>,
    /// `"agent"` or `"code"`.
    pub run_with: Option<NonEmpty>,
    /// Labels stored with the run.
    pub run_metadata: Option<StrMap>,
    /// Keep the workflow's browser session.
    pub reuse_browser_session: Option<bool>,
    /// Start with a fresh browser.
    pub start_fresh_browser: Option<bool>,
    /// `"msedge"`, `"chrome"` or `"stealth-chromium"`.
    pub browser_type: Option<NonEmpty>,
    /// Uploaded files the workflow may use.
    pub file_ids: Option<StrList>,
    /// Resolve only when the run reaches a terminal status.
    #[serde(rename = "waitForCompletion", skip_serializing)]
    pub wait_for_completion: Option<bool>,
    /// Seconds to wait with `waitForCompletion` (default 1800).
    #[serde(skip_serializing)]
    pub timeout: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Fixed poll interval while waiting.
    #[serde(rename = "pollIntervalMs", skip_serializing)]
    pub poll_interval_ms: Option<Positive<MAX_POLL_MS>>,
    /// Called with the run whenever its status changes.
    #[serde(rename = "onStatus", skip_serializing)]
    pub on_status: Option<Local>,
}
