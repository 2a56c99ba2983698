//! Browser sessions: `/v1/browser_sessions`.

use super::{call, wait_plan};
use crate::endpoints::Op;
use crate::error::Error;
use crate::json::Value;
use crate::plan::Plan;
use crate::validate::{f, id, object, required, Field, Ty};
use crate::wait::{Target, DEFAULT_SESSION_WAIT_MS};

const ANY_INT: f64 = 9.007_199_254_740_991e15;

/// The fields accepted when creating a browser session.
pub const CREATE_FIELDS: &[Field] = &[
    f("timeout", Ty::Int(5.0, ANY_INT)),
    f("proxy_location", Ty::Proxy),
    f("proxy_session_id", Ty::Str),
    f("extensions", Ty::StrList),
    f("browser_type", Ty::NonEmpty),
    f("browser_profile_id", Ty::NonEmpty),
    f("generate_browser_profile", Ty::Bool),
    f("url", Ty::NonEmpty),
    f("browser_settings", Ty::Object),
    f("needs_live_view", Ty::Bool),
];

/// `POST /v1/browser_sessions`.
pub fn create(request: Option<&Value>) -> Result<Plan, Error> {
    let body = object("request", request, CREATE_FIELDS)?;
    Ok(call(Op::CreateBrowserSession, "", Some(body)))
}

/// `GET /v1/browser_sessions/{id}`.
pub fn get(session_id: Option<&Value>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    Ok(call(Op::GetBrowserSession, &id, None))
}

/// `GET /v1/browser_sessions` (active sessions).
pub fn list() -> Plan {
    call(Op::GetBrowserSessions, "", None)
}

/// `POST /v1/browser_sessions/{id}/close` (idempotent).
pub fn close(session_id: Option<&Value>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    Ok(call(Op::CloseBrowserSession, &id, None))
}

const UPDATE_FIELDS: &[Field] = &[required("generate_browser_profile", Ty::Bool)];

/// `PATCH /v1/browser_sessions/{id}`.
pub fn update(session_id: Option<&Value>, request: Option<&Value>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    let body = object("request", request, UPDATE_FIELDS)?;
    Ok(call(Op::UpdateBrowserSession, &id, Some(body)))
}

const EXTEND_FIELDS: &[Field] = &[required("additional_minutes", Ty::Int(1.0, ANY_INT))];

/// `POST /v1/browser_sessions/{id}/extend`. A 202 (extension not confirmed) is a success.
pub fn extend(session_id: Option<&Value>, request: Option<&Value>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    let body = object("request", request, EXTEND_FIELDS)?;
    Ok(call(Op::ExtendBrowserSession, &id, Some(body)))
}

/// Polls `GET /v1/browser_sessions/{id}` until the session is running.
pub fn wait(session_id: Option<&Value>, options: Option<&Value>) -> Result<Plan, Error> {
    let id = id("browserSessionId", session_id)?;
    wait_plan(Target::Session, id, options, DEFAULT_SESSION_WAIT_MS)
}
