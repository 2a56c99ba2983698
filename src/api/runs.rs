//! Runs: `/v1/run/tasks`, `/v1/run/agents`, `/v1/runs/{id}`.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::envelope::{self, Extras};
use super::{body, call, id, spec, wait_plan};
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::fields::NonEmpty;
use crate::models::runs::{RunRequest, RunTaskRequest, RunWorkflowRequest};
use crate::plan::Plan;
use crate::wait::{Target, DEFAULT_RUN_WAIT_MS};

/// A run-starting call (`op`) with `r` as its body, then a wait for a terminal
/// status when the request asks for one.
pub(crate) fn run_plan<R: RunRequest + Serialize>(op: Op, r: &R) -> Result<Plan, Error> {
    let mut plan = call(op, "", body(r)?);
    if let (Some(true), timeout, poll_ms) = r.wait_options() {
        plan.wait = Some(spec(
            Target::Run,
            None,
            timeout,
            poll_ms,
            DEFAULT_RUN_WAIT_MS,
        ));
    }
    Ok(plan)
}

/// A run request read from `request` (or the `{ body }` wrapper form), with its
/// header-valued keys (`keys`) from around it or, failing that, from inside it.
pub(crate) fn read_run<R: RunRequest + DeserializeOwned>(
    request: Option<&Input>,
    keys: &[&'static str],
) -> Result<(R, &'static str, Extras), Error> {
    let (request, path, outer) = envelope::unwrap(request, keys)?;
    let mut r: R = codec::object(path, request.as_ref())?;
    let inner = Extras {
        x_user_agent: r.take_user_agent(),
        ..Extras::default()
    };
    Ok((r, path, outer.or(inner)))
}

/// The header key of `runTask`, `login` and `downloadFiles`.
pub(crate) const USER_AGENT: &[&str] = &["x-user-agent"];

/// `POST /v1/run/tasks`, optionally followed by a wait for a terminal status.
pub fn run_task(request: Option<&Input>) -> Result<Plan, Error> {
    let (r, path, extras) = read_run::<RunTaskRequest>(request, USER_AGENT)?;
    extras.apply(path, run_plan(Op::RunTask, &r)?)
}

/// `runTask` in the session `session_id` (a session handle's `runTask`): the
/// request's `browser_session_id` is filled in, and refused when it names another.
pub fn run_task_in_session(request: Option<&Input>, session_id: &str) -> Result<Plan, Error> {
    let (mut r, path, extras) = read_run::<RunTaskRequest>(request, USER_AGENT)?;
    match &r.browser_session_id {
        Some(given) if given.0 != session_id => Err(Error::invalid(
            &codec::join(path, "browser_session_id"),
            "differs from this handle's session",
        )),
        _ => {
            r.browser_session_id = Some(NonEmpty(session_id.to_string()));
            extras.apply(path, run_plan(Op::RunTask, &r)?)
        }
    }
}

/// `POST /v1/run/agents` (`workflow_id` or `agent_id` required).
pub fn run_workflow(request: Option<&Input>) -> Result<Plan, Error> {
    const KEYS: &[&str] = &["x-user-agent", "x-max-steps-override", "template"];
    let (mut r, path, extras) = read_run::<RunWorkflowRequest>(request, KEYS)?;
    if r.workflow_id.is_none() && r.agent_id.is_none() {
        return Err(Error::invalid(
            &codec::join(path, "workflow_id"),
            format!("is required (or {})", codec::join(path, "agent_id")),
        ));
    }
    let extras = extras.or(Extras {
        x_user_agent: None,
        x_max_steps_override: r.x_max_steps_override.take(),
        template: r.template.take(),
    });
    extras.apply(path, run_plan(Op::RunWorkflow, &r)?)
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
