//! Browser profiles: `/v1/browser_profiles`.

use super::call;
use crate::client::{Expect, Plan};
use crate::error::Error;
use crate::json::Value;
use crate::request::{encode_segment, Method};
use crate::retry::Retry;
use crate::validate::{f, id, object, required, Field, Ty};

pub const CREATE_FIELDS: &[Field] = &[
    required("name", Ty::NonEmpty),
    f("browser_session_id", Ty::NonEmpty),
    f("workflow_run_id", Ty::NonEmpty),
    f("description", Ty::Str),
    f("proxy_location", Ty::Proxy),
    f("proxy_session_id", Ty::Str),
];

fn path(id: &str) -> String {
    crate::text::cat(&["/v1/browser_profiles/", &encode_segment(id)])
}

/// `POST /v1/browser_profiles`.
pub fn create(request: Option<&Value>) -> Result<Plan, Error> {
    let body = object("request", request, CREATE_FIELDS)?;
    Ok(call(
        Method::Post,
        "/v1/browser_profiles".into(),
        Some(body),
        Retry::Create,
        Expect::Object("browser_profile_id"),
    ))
}

/// `GET /v1/browser_profiles`.
pub fn list() -> Plan {
    call(
        Method::Get,
        "/v1/browser_profiles".into(),
        None,
        Retry::Idempotent,
        Expect::List,
    )
}

/// `GET /v1/browser_profiles/{id}`.
pub fn get(profile_id: Option<&Value>) -> Result<Plan, Error> {
    let id = id("profileId", profile_id)?;
    Ok(call(
        Method::Get,
        path(&id),
        None,
        Retry::Idempotent,
        Expect::Object("browser_profile_id"),
    ))
}

/// `DELETE /v1/browser_profiles/{id}` (204, no body).
pub fn delete(profile_id: Option<&Value>) -> Result<Plan, Error> {
    let id = id("profileId", profile_id)?;
    Ok(call(
        Method::Delete,
        path(&id),
        None,
        Retry::Idempotent,
        Expect::Anything,
    ))
}
