//! Browser sessions: `/v1/browser_sessions`.

use super::{body, call, id, wait_plan};
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::sessions::{
    CreateBrowserSessionRequest, ExtendBrowserSessionRequest, UpdateBrowserSessionRequest,
};
use crate::plan::Plan;
use crate::wait::{Target, DEFAULT_SESSION_WAIT_MS};

/// `POST /v1/browser_sessions`.
pub fn create(request: Option<&Input>) -> Result<Plan, Error> {
    let request: CreateBrowserSessionRequest = codec::object("request", request)?;
    Ok(call(Op::CreateBrowserSession, "", body(&request)?))
}

/// `GET /v1/browser_sessions/{id}`.
pub fn get(session_id: Option<&Input>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    Ok(get_id(&id))
}

/// `GET /v1/browser_sessions/{id}` for an id already checked.
pub fn get_id(id: &str) -> Plan {
    call(Op::GetBrowserSession, id, None)
}

/// `GET /v1/browser_sessions` (active sessions).
pub fn list() -> Plan {
    call(Op::GetBrowserSessions, "", None)
}

/// `POST /v1/browser_sessions/{id}/close` (idempotent).
pub fn close(session_id: Option<&Input>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    Ok(close_id(&id))
}

/// `POST /v1/browser_sessions/{id}/close` for an id already checked.
pub fn close_id(id: &str) -> Plan {
    call(Op::CloseBrowserSession, id, None)
}

/// `PATCH /v1/browser_sessions/{id}`.
pub fn update(session_id: Option<&Input>, request: Option<&Input>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    let request: UpdateBrowserSessionRequest = codec::object("request", request)?;
    Ok(call(Op::UpdateBrowserSession, &id, body(&request)?))
}

/// `POST /v1/browser_sessions/{id}/extend`. A 202 (extension not confirmed) is a success.
pub fn extend(session_id: Option<&Input>, request: Option<&Input>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    let request: ExtendBrowserSessionRequest = codec::object("request", request)?;
    Ok(call(Op::ExtendBrowserSession, &id, body(&request)?))
}

/// Polls `GET /v1/browser_sessions/{id}` until the session is running.
pub fn wait(session_id: Option<&Input>, options: Option<&Input>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    wait_plan(Target::Session, id, options, DEFAULT_SESSION_WAIT_MS)
}
