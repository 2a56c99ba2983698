//! Lists and run records: `/v1/runs`, a run's timeline and artifacts, artifact
//! content, bulk cancel and webhook replays.

use super::{body, call, id};
use crate::client::Call;
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::common::Id;
use crate::models::lists::{
    BulkCancelRunsRequest, GetRunArtifactsRequest, GetRunsV2Request, RetryRunWebhookRequest,
};
use crate::models::query::Query;
use crate::plan::Plan;

/// `plan` with these query parameters on its call.
pub(crate) fn with_query(mut plan: Plan, query: Query) -> Plan {
    if let Some(c) = plan.call.as_mut() {
        c.query = query.0;
    }
    plan
}

/// `GET /v1/runs?page=…&status=…` (`getRunsV2`, `getRuns`).
pub fn get_runs(request: Option<&Input>) -> Result<Plan, Error> {
    let r: GetRunsV2Request = codec::object("request", request)?;
    let mut q = Query::default();
    q.one("page", r.page.map(|n| n.0))
        .one("page_size", r.page_size.map(|n| n.0))
        .many("status", r.status.as_ref())
        .one("search_key", r.search_key.map(|s| s.0))
        .many("run_type", r.run_type.as_ref());
    Ok(with_query(call(Op::GetRuns, "", None), q))
}

/// `POST /v1/runs/cancel`.
pub fn bulk_cancel(request: Option<&Input>) -> Result<Plan, Error> {
    let r: BulkCancelRunsRequest = codec::object("request", request)?;
    for (i, run_id) in r.run_ids.0.iter().enumerate() {
        let path = format!("request.run_ids[{i}]");
        codec::value::<Id>(&path, Some(&Input::from(run_id.as_str())))?;
    }
    Ok(call(Op::BulkCancelRuns, "", body(&r)?))
}

/// `GET /v1/runs/{id}/timeline`.
pub fn timeline(run_id: Option<&Input>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    Ok(call(Op::GetRunTimeline, &id, None))
}

/// `GET /v1/runs/{id}/artifacts?artifact_type=…`.
pub fn artifacts(run_id: Option<&Input>, request: Option<&Input>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    let r: GetRunArtifactsRequest = codec::object("request", request)?;
    let mut q = Query::default();
    q.many("artifact_type", r.artifact_type.as_ref());
    Ok(with_query(call(Op::GetRunArtifacts, &id, None), q))
}

/// `GET /v1/artifacts/{id}/content`, its body read as bytes.
pub fn artifact_content(artifact_id: Option<&Input>) -> Result<Plan, Error> {
    let id = id("artifactId", artifact_id)?;
    let mut c = Call::of(Op::GetArtifactContent, &id, None);
    c.binary = true;
    Ok(Plan::call(c))
}

/// `POST /v1/runs/{id}/retry_webhook` (to the run's `webhook_url`, or the one given).
pub fn retry_webhook(run_id: Option<&Input>, request: Option<&Input>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    let r: RetryRunWebhookRequest = codec::object("request", request)?;
    Ok(call(Op::RetryRunWebhook, &id, body(&r)?))
}
