//! Runs: `/v1/run/tasks`, `/v1/run/agents`, `/v1/runs/{id}`.

use super::{call, spec, wait_plan};
use crate::endpoints::Op;
use crate::error::Error;
use crate::json::Value;
use crate::plan::Plan;
use crate::validate::{f, id, local, object, required, Field, Ty};
use crate::wait::{Target, DEFAULT_RUN_WAIT_MS};

const ANY_INT: f64 = 9.007_199_254_740_991e15;
const MAX_WAIT_SECONDS: f64 = 86_400.0;

/// The fields accepted when running a task.
pub const TASK_FIELDS: &[Field] = &[
    required("prompt", Ty::NonEmpty),
    f("url", Ty::NonEmpty),
    f("browser_session_id", Ty::NonEmpty),
    f("engine", Ty::NonEmpty),
    f("title", Ty::Str),
    f("proxy_location", Ty::Proxy),
    f("data_extraction_schema", Ty::Json),
    f("error_code_mapping", Ty::StrMap),
    f("max_steps", Ty::Int(1.0, ANY_INT)),
    f("webhook_url", Ty::NonEmpty),
    f("totp_identifier", Ty::Str),
    f("totp_url", Ty::NonEmpty),
    f("model", Ty::Object),
    f("extra_http_headers", Ty::StrMap),
    f("cdp_connect_headers", Ty::StrMap),
    f("include_action_history_in_verification", Ty::Bool),
    f("max_screenshot_scrolls", Ty::Int(0.0, ANY_INT)),
    f("browser_address", Ty::NonEmpty),
    f("run_with", Ty::NonEmpty),
    f("browser_profile_id", Ty::NonEmpty),
    f("start_fresh_browser", Ty::Bool),
    f("publish_workflow", Ty::Bool),
    f("file_ids", Ty::StrList),
    local("waitForCompletion", Ty::Bool),
    local("timeout", Ty::Num(0.0, MAX_WAIT_SECONDS)),
    local("pollIntervalMs", Ty::Num(0.0, MAX_WAIT_SECONDS * 1000.0)),
    local("onStatus", Ty::Func),
];

/// The fields accepted when running a workflow.
pub const WORKFLOW_FIELDS: &[Field] = &[
    f("workflow_id", Ty::NonEmpty),
    f("agent_id", Ty::NonEmpty),
    f("parameters", Ty::Object),
    f("title", Ty::Str),
    f("proxy_location", Ty::Proxy),
    f("webhook_url", Ty::NonEmpty),
    f("totp_url", Ty::NonEmpty),
    f("totp_identifier", Ty::Str),
    f("browser_session_id", Ty::NonEmpty),
    f("browser_profile_id", Ty::NonEmpty),
    f("max_screenshot_scrolls", Ty::Int(0.0, ANY_INT)),
    f("max_elapsed_time_minutes", Ty::Int(1.0, 480.0)),
    f("extra_http_headers", Ty::StrMap),
    f("cdp_connect_headers", Ty::StrMap),
    f("browser_address", Ty::NonEmpty),
    f("ai_fallback", Ty::Bool),
    f("run_with", Ty::NonEmpty),
    f("run_metadata", Ty::StrMap),
    f("reuse_browser_session", Ty::Bool),
    f("start_fresh_browser", Ty::Bool),
    f("browser_type", Ty::NonEmpty),
    f("file_ids", Ty::StrList),
    local("waitForCompletion", Ty::Bool),
    local("timeout", Ty::Num(0.0, MAX_WAIT_SECONDS)),
    local("pollIntervalMs", Ty::Num(0.0, MAX_WAIT_SECONDS * 1000.0)),
    local("onStatus", Ty::Func),
];

fn then_wait(mut plan: Plan, request: Option<&Value>) -> Plan {
    let wait = request
        .and_then(|r| r.field("waitForCompletion"))
        .and_then(Value::as_bool)
        == Some(true);
    if wait {
        plan.wait = Some(spec(Target::Run, None, request, DEFAULT_RUN_WAIT_MS));
    }
    plan
}

/// `POST /v1/run/tasks`, optionally followed by a wait for a terminal status.
pub fn run_task(request: Option<&Value>) -> Result<Plan, Error> {
    let body = object("request", request, TASK_FIELDS)?;
    let plan = call(Op::RunTask, "", Some(body));
    Ok(then_wait(plan, request))
}

/// `POST /v1/run/agents` (`workflow_id` or `agent_id` required).
pub fn run_workflow(request: Option<&Value>) -> Result<Plan, Error> {
    let body = object("request", request, WORKFLOW_FIELDS)?;
    if body.field("workflow_id").is_none() && body.field("agent_id").is_none() {
        return Err(Error::invalid(
            "request.workflow_id",
            "is required (or request.agent_id)",
        ));
    }
    let plan = call(Op::RunWorkflow, "", Some(body));
    Ok(then_wait(plan, request))
}

/// `GET /v1/runs/{id}`.
pub fn get(run_id: Option<&Value>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    Ok(call(Op::GetRun, &id, None))
}

/// `POST /v1/runs/{id}/cancel` (idempotent).
pub fn cancel(run_id: Option<&Value>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    Ok(call(Op::CancelRun, &id, None))
}

/// Polls `GET /v1/runs/{id}` until the status is terminal.
pub fn wait(run_id: Option<&Value>, options: Option<&Value>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    wait_plan(Target::Run, id, options, DEFAULT_RUN_WAIT_MS)
}
