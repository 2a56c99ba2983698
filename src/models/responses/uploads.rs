//! Answers of the run-side helpers: bulk cancel, webhook replay, uploads, TOTP codes.
#![allow(dead_code)]

use tsify::Tsify;

use super::ServerFields;

/// `bulkCancelRuns`' answer.
#[derive(Tsify)]
pub struct BulkCancelRunsResponse {
    /// Runs that were cancelled.
    cancelled: Vec<String>,
    /// Runs that could not be cancelled (unknown, or already finished).
    failed: Vec<String>,
    #[serde(flatten)]
    more: ServerFields,
}

/// `retryRunWebhook`'s answer: what was sent and what the receiver said.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct RunWebhookReplayResponse {
    run_id: String,
    run_type: String,
    #[serde(default)]
    default_webhook_url: Option<String>,
    #[serde(default)]
    target_webhook_url: Option<String>,
    /// The JSON sent.
    payload: String,
    #[tsify(type = "Record<string, string>")]
    headers: (),
    #[serde(default)]
    status_code: Option<f64>,
    #[serde(default)]
    latency_ms: Option<f64>,
    #[serde(default)]
    response_body: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(flatten)]
    more: ServerFields,
}

/// `uploadFile`'s answer.
#[derive(Tsify)]
pub struct UploadFileResponse {
    /// Where the file was stored.
    s3_uri: String,
    /// A URL to read the file (give it to a run as a `file_ids` entry or a URL).
    presigned_url: String,
    #[serde(flatten)]
    more: ServerFields,
}

/// A TOTP code Skyvern received (`sendTotpCode`).
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct TotpCode {
    totp_code_id: String,
    totp_identifier: String,
    /// The code Skyvern extracted from `content`.
    code: String,
    content: String,
    organization_id: String,
    #[serde(default)]
    task_id: Option<String>,
    #[serde(default)]
    workflow_id: Option<String>,
    #[serde(default)]
    workflow_run_id: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    expired_at: Option<String>,
    created_at: String,
    modified_at: String,
    #[serde(flatten)]
    more: ServerFields,
}
