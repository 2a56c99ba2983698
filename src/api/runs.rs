//! Runs: `/v1/run/tasks`, `/v1/run/agents`, `/v1/runs/{id}`.

use super::{body, call, id, spec, wait_plan};
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::fields::NonEmpty;
use crate::models::runs::{RunTaskRequest, RunWorkflowRequest};
use crate::plan::Plan;
use crate::wait::{Target, DEFAULT_RUN_WAIT_MS};

/// The wait options a run request carries.
struct RunWait {
    wait_for_completion: Option<bool>,
    timeout: Option<f64>,
    poll_interval_ms: Option<f64>,
}

fn then_wait(mut plan: Plan, w: RunWait) -> Plan {
    if w.wait_for_completion == Some(true) {
        plan.wait = Some(spec(
            Target::Run,
            None,
            w.timeout,
            w.poll_interval_ms,
            DEFAULT_RUN_WAIT_MS,
        ));
    }
    plan
}

/// `POST /v1/run/tasks`, optionally followed by a wait for a terminal status.
pub fn run_task(request: Option<&Input>) -> Result<Plan, Error> {
    task_plan(codec::object("request", request)?)
}

/// `runTask` in the session `session_id` (a session handle's `runTask`): the
/// request's `browser_session_id` is filled in, and refused when it names another.
pub fn run_task_in_session(request: Option<&Input>, session_id: &str) -> Result<Plan, Error> {
    let mut r: RunTaskRequest = codec::object("request", request)?;
    match &r.browser_session_id {
        Some(given) if given.0 != session_id => Err(Error::invalid(
            "request.browser_session_id",
            "differs from this handle's session",
        )),
        _ => {
            r.browser_session_id = Some(NonEmpty(session_id.to_string()));
            task_plan(r)
        }
    }
}

fn task_plan(r: RunTaskRequest) -> Result<Plan, Error> {
    let plan = call(Op::RunTask, "", body(&r)?);
    Ok(then_wait(
        plan,
        RunWait {
            wait_for_completion: r.wait_for_completion,
            timeout: r.timeout.map(|t| t.0),
            poll_interval_ms: r.poll_interval_ms.map(|p| p.0),
        },
    ))
}

/// `POST /v1/run/agents` (`workflow_id` or `agent_id` required).
pub fn run_workflow(request: Option<&Input>) -> Result<Plan, Error> {
    let r: RunWorkflowRequest = codec::object("request", request)?;
    if r.workflow_id.is_none() && r.agent_id.is_none() {
        return Err(Error::invalid(
            "request.workflow_id",
            "is required (or request.agent_id)",
        ));
    }
    let plan = call(Op::RunWorkflow, "", body(&r)?);
    Ok(then_wait(
        plan,
        RunWait {
            wait_for_completion: r.wait_for_completion,
            timeout: r.timeout.map(|t| t.0),
            poll_interval_ms: r.poll_interval_ms.map(|p| p.0),
        },
    ))
}

/// `GET /v1/runs/{id}`.
pub fn get(run_id: Option<&Input>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    Ok(call(Op::GetRun, &id, None))
}

/// `POST /v1/runs/{id}/cancel` (idempotent).
pub fn cancel(run_id: Option<&Input>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    Ok(call(Op::CancelRun, &id, None))
}

/// Polls `GET /v1/runs/{id}` until the status is terminal.
pub fn wait(run_id: Option<&Input>, options: Option<&Input>) -> Result<Plan, Error> {
    let id = id("runId", run_id)?;
    wait_plan(Target::Run, id, options, DEFAULT_RUN_WAIT_MS)
}
