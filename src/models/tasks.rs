//! Task shortcuts (`login`, `downloadFiles`), TOTP codes and file uploads.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::ProxyLocation;
use super::fields::{client_side, Int, Local, NonEmpty, Positive, StrMap, MAX_SAFE, MIN_SAFE};
use super::options::{MAX_POLL_MS, MAX_WAIT_SECONDS};

/// `login`'s request: signs in with a stored credential. `"x-user-agent"` is
/// sent as a header; `waitForCompletion`, `timeout`, `pollIntervalMs` and
/// `onStatus` are the client's wait options, as for `runTask`.
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct LoginRequest {
    /// Where to get the credential from: `"skyvern"`, `"bitwarden"`, `"1password"`, `"azure_vault"`.
    #[tsify(type = r#"OpenString<"skyvern" | "bitwarden" | "1password" | "azure_vault">"#)]
    pub credential_type: NonEmpty,
    /// Website URL.
    #[tsify(optional, type = "string | null")]
    pub url: Option<NonEmpty>,
    /// Login instructions (Skyvern has a default).
    #[tsify(optional, type = "string | null")]
    pub prompt: Option<String>,
    /// The Skyvern credential to use (`cred_…`).
    #[tsify(optional, type = "string | null")]
    pub credential_id: Option<NonEmpty>,
    /// Bitwarden collection id.
    #[tsify(optional, type = "string | null")]
    pub bitwarden_collection_id: Option<String>,
    /// Bitwarden item id.
    #[tsify(optional, type = "string | null")]
    pub bitwarden_item_id: Option<String>,
    /// 1Password vault id.
    #[tsify(optional, type = "string | null")]
    pub onepassword_vault_id: Option<String>,
    /// 1Password item id.
    #[tsify(optional, type = "string | null")]
    pub onepassword_item_id: Option<String>,
    /// Azure Vault name.
    #[tsify(optional, type = "string | null")]
    pub azure_vault_name: Option<String>,
    /// Azure Vault username key.
    #[tsify(optional, type = "string | null")]
    pub azure_vault_username_key: Option<String>,
    /// Azure Vault password key.
    #[tsify(optional, type = "string | null")]
    pub azure_vault_password_key: Option<String>,
    /// Azure Vault TOTP secret key.
    #[tsify(optional, type = "string | null")]
    pub azure_vault_totp_secret_key: Option<String>,
    /// Webhook URL to send status updates.
    #[tsify(optional, type = "string | null")]
    pub webhook_url: Option<NonEmpty>,
    /// Proxy location to use.
    #[tsify(optional, type = "ProxyLocation | null")]
    pub proxy_location: Option<ProxyLocation>,
    /// Identifier for TOTP if required.
    #[tsify(optional, type = "string | null")]
    pub totp_identifier: Option<String>,
    /// TOTP URL to fetch one-time passwords.
    #[tsify(optional, type = "string | null")]
    pub totp_url: Option<NonEmpty>,
    /// The browser session to use (`pbs_…`).
    #[tsify(optional, type = "string | null")]
    pub browser_session_id: Option<NonEmpty>,
    /// A browser profile to reuse for this run.
    #[tsify(optional, type = "string | null")]
    pub browser_profile_id: Option<NonEmpty>,
    /// The CDP address for the task.
    #[tsify(optional, type = "string | null")]
    pub browser_address: Option<NonEmpty>,
    /// Additional HTTP headers to include in requests.
    #[tsify(optional, type = "Record<string, string> | null")]
    pub extra_http_headers: Option<StrMap>,
    /// Headers attached only to the CDP WebSocket handshake with `browser_address`.
    #[tsify(optional, type = "Record<string, string> | null")]
    pub cdp_connect_headers: Option<StrMap>,
    /// Maximum number of times to scroll for screenshots.
    #[tsify(optional, type = "number | null")]
    pub max_screenshot_scrolling_times: Option<Int<MIN_SAFE, MAX_SAFE>>,
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
    #[tsify(optional, type = "(run: WorkflowRun) => void")]
    pub on_status: Option<Local>,
}

/// `downloadFiles`' request: navigates and downloads. `"x-user-agent"` is sent
/// as a header; the wait options are as for `runTask`.
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct DownloadFilesRequest {
    /// Instructions for navigating to and downloading the file.
    #[tsify(type = "string")]
    pub navigation_goal: NonEmpty,
    /// Website URL.
    #[tsify(optional, type = "string | null")]
    pub url: Option<NonEmpty>,
    /// Suffix or complete file name for the downloaded file.
    #[tsify(optional, type = "string | null")]
    pub download_suffix: Option<String>,
    /// Seconds the download may take.
    #[tsify(optional, type = "number | null")]
    pub download_timeout: Option<Positive<MAX_WAIT_SECONDS>>,
    /// Maximum number of steps to execute.
    #[tsify(optional, type = "number | null")]
    pub max_steps_per_run: Option<Int<MIN_SAFE, MAX_SAFE>>,
    /// Webhook URL to send status updates.
    #[tsify(optional, type = "string | null")]
    pub webhook_url: Option<NonEmpty>,
    /// Proxy location to use.
    #[tsify(optional, type = "ProxyLocation | null")]
    pub proxy_location: Option<ProxyLocation>,
    /// Identifier for TOTP if required.
    #[tsify(optional, type = "string | null")]
    pub totp_identifier: Option<String>,
    /// TOTP URL to fetch one-time passwords.
    #[tsify(optional, type = "string | null")]
    pub totp_url: Option<NonEmpty>,
    /// The browser session to use (`pbs_…`).
    #[tsify(optional, type = "string | null")]
    pub browser_session_id: Option<NonEmpty>,
    /// A browser profile to reuse for this run.
    #[tsify(optional, type = "string | null")]
    pub browser_profile_id: Option<NonEmpty>,
    /// The CDP address for the task.
    #[tsify(optional, type = "string | null")]
    pub browser_address: Option<NonEmpty>,
    /// Additional HTTP headers to include in requests.
    #[tsify(optional, type = "Record<string, string> | null")]
    pub extra_http_headers: Option<StrMap>,
    /// Headers attached only to the CDP WebSocket handshake with `browser_address`.
    #[tsify(optional, type = "Record<string, string> | null")]
    pub cdp_connect_headers: Option<StrMap>,
    /// Maximum number of times to scroll for screenshots.
    #[tsify(optional, type = "number | null")]
    pub max_screenshot_scrolling_times: Option<Int<MIN_SAFE, MAX_SAFE>>,
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
    #[tsify(optional, type = "(run: WorkflowRun) => void")]
    pub on_status: Option<Local>,
}

/// `sendTotpCode`'s request (`TOTPCodeCreate`).
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct TotpCodeCreate {
    /// Whose code this is: an email address, a phone number or a user id.
    #[tsify(type = "string")]
    pub totp_identifier: NonEmpty,
    /// The code, or the email or SMS text holding it (Skyvern extracts the code).
    #[tsify(type = "string")]
    pub content: NonEmpty,
    /// The task the code is for.
    #[tsify(optional, type = "string | null")]
    pub task_id: Option<NonEmpty>,
    /// The workflow the code is for (`wpid_…`).
    #[tsify(optional, type = "string | null")]
    pub workflow_id: Option<NonEmpty>,
    /// The workflow run the code is for (`wr_…`).
    #[tsify(optional, type = "string | null")]
    pub workflow_run_id: Option<NonEmpty>,
    /// Where the code came from: `"email"`, `"sms"`, `"app"`, …
    #[tsify(optional, type = "string | null")]
    pub source: Option<String>,
    /// When the code expires (ISO 8601).
    #[tsify(optional, type = "string | null")]
    pub expired_at: Option<NonEmpty>,
    /// Deprecated: Skyvern detects the kind from `content`.
    #[tsify(optional, type = r#"OpenString<"totp" | "magic_link"> | null"#)]
    pub r#type: Option<NonEmpty>,
}

/// `uploadFile`'s request. `file` is a `Blob` or `File`, an `ArrayBuffer` or a
/// `Uint8Array` (a Node `Buffer`), or `{ data, filename?, contentType? }` with
/// one of those as `data`; checked by the JavaScript layer.
#[derive(Clone, Debug, PartialEq, Deserialize, tsify::Tsify)]
pub struct UploadFileRequest {
    /// The file, sent as the `file` part of a `multipart/form-data` body.
    #[tsify(type = "Uploadable")]
    pub file: Local,
    /// The part's file name (default: a `File`'s name, else `"file"`).
    #[tsify(optional, type = "string")]
    pub filename: Option<NonEmpty>,
    /// The part's content type (default: a `Blob`'s type, else `application/octet-stream`).
    #[serde(rename = "contentType")]
    #[tsify(optional, type = "string")]
    pub content_type: Option<NonEmpty>,
}
