//! Runs: `/v1/run/tasks`, `/v1/run/agents`, `/v1/runs/{id}`.

use super::envelope::{self, Extras};
use super::{body, call, id, spec, wait_plan};
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::fields::NonEmpty;
use crate::models::runs::{RunTaskRequest, RunWorkflowRequest};
use crate::plan::Plan;
use crate::wait::{Target, DEFAULT_RUN_WAIT_MS};

/// The wait options a run request carries.
pub(crate) struct RunWait {
    pub wait_for_completion: Option<bool>,
    pub timeout: Option<f64>,
    pub poll_interval_ms: Option<f64>,
}

pub(crate) fn then_wait(mut plan: Plan, w: RunWait) -> Plan {
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

/// The header key of `runTask`, `login` and `downloadFiles`.
pub(crate) const USER_AGENT: &[&str] = &["x-user-agent"];

/// `POST /v1/run/tasks`, optionally followed by a wait for a terminal status.
pub fn run_task(request: Option<&Input>) -> Result<Plan, Error> {
    let (request, path, outer) = envelope::unwrap(request, USER_AGENT)?;
    let mut r: RunTaskRequest = codec::object(path, request.as_ref())?;
    let extras = outer.or(Extras {
        x_user_agent: r.x_user_agent.take(),
        ..Extras::default()
    });
    extras.apply(path, task_plan(r)?)
}

/// `runTask` in the session `session_id` (a session handle's `runTask`): the
/// request's `browser_session_id` is filled in, and refused when it names another.
pub fn run_task_in_session(request: Option<&Input>, session_id: &str) -> Result<Plan, Error> {
    let (request, path, outer) = envelope::unwrap(request, USER_AGENT)?;
    let mut r: RunTaskRequest = codec::object(path, request.as_ref())?;
    let extras = outer.or(Extras {
        x_user_agent: r.x_user_agent.take(),
        ..Extras::default()
    });
    match &r.browser_session_id {
        Some(given) if given.0 != session_id => Err(Error::invalid(
            &codec::join(path, "browser_session_id"),
            "differs from this handle's session",
        )),
        _ => {
            r.browser_session_id = Some(NonEmpty(session_id.to_string()));
            extras.apply(path, task_plan(r)?)
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
    const KEYS: &[&str] = &["x-user-agent", "x-max-steps-override", "template"];
    let (request, path, outer) = envelope::unwrap(request, KEYS)?;
    let mut r: RunWorkflowRequest = codec::object(path, request.as_ref())?;
    if r.workflow_id.is_none() && r.agent_id.is_none() {
        return Err(Error::invalid(
            &codec::join(path, "workflow_id"),
            format!("is required (or {})", codec::join(path, "agent_id")),
        ));
    }
    let extras = outer.or(Extras {
        x_user_agent: r.x_user_agent.take(),
        x_max_steps_override: r.x_max_steps_override.take(),
        template: r.template.take(),
    });
    let plan = call(Op::RunWorkflow, "", body(&r)?);
    let plan = then_wait(
        plan,
        RunWait {
            wait_for_completion: r.wait_for_completion,
            timeout: r.timeout.map(|t| t.0),
            poll_interval_ms: r.poll_interval_ms.map(|p| p.0),
        },
    );
    extras.apply(path, plan)
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
