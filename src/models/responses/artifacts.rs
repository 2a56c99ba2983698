//! What a run leaves: artifacts, its timeline, the runs list.
#![allow(dead_code)]

use tsify::Tsify;

use super::ServerFields;

/// One artifact of a run: a screenshot, recording, log, … (`getRunArtifacts`).
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct Artifact {
    artifact_id: String,
    #[tsify(type = "ArtifactType")]
    artifact_type: String,
    uri: String,
    organization_id: String,
    created_at: String,
    modified_at: String,
    /// A URL to download the content (when the server signs one); else use `getArtifactContent`.
    #[serde(default)]
    signed_url: Option<String>,
    #[serde(default)]
    checksum: Option<String>,
    #[serde(default)]
    file_size: Option<f64>,
    #[serde(default)]
    task_id: Option<String>,
    #[serde(default)]
    step_id: Option<String>,
    #[serde(default)]
    workflow_run_id: Option<String>,
    #[serde(default)]
    workflow_run_block_id: Option<String>,
    #[serde(default)]
    run_id: Option<String>,
    #[serde(default)]
    browser_session_id: Option<String>,
    #[serde(default)]
    archived: bool,
    #[serde(flatten)]
    more: ServerFields,
}

/// One entry of a run's timeline: a block (with its actions) or a thought, and its children.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct RunTimelineEntry {
    #[serde(rename = "type")]
    #[tsify(type = "OpenString<\"thought\" | \"block\">")]
    kind: String,
    #[serde(default)]
    #[tsify(
        type = "{ workflow_run_block_id: string; block_type: string; label?: string | null; status?: string | null; [key: string]: unknown } | null"
    )]
    block: Option<()>,
    #[serde(default)]
    #[tsify(
        type = "{ thought_id: string; thought?: string | null; [key: string]: unknown } | null"
    )]
    thought: Option<()>,
    #[serde(default)]
    #[tsify(optional)]
    children: Option<Vec<RunTimelineEntry>>,
    created_at: String,
    modified_at: String,
    #[serde(flatten)]
    more: ServerFields,
}

/// One run in `getRunsV2`'s list.
#[derive(Tsify)]
#[tsify(missing_as_null)]
pub struct RunListItem {
    task_run_id: String,
    run_id: String,
    #[tsify(type = "RunType")]
    task_run_type: String,
    #[tsify(type = "RunStatus")]
    status: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    finished_at: Option<String>,
    created_at: String,
    #[serde(default)]
    workflow_permanent_id: Option<String>,
    #[serde(flatten)]
    more: ServerFields,
}
