//! Browser profiles: `/v1/browser_profiles`.

use super::call;
use crate::endpoints::Op;
use crate::error::Error;
use crate::json::Value;
use crate::plan::Plan;
use crate::validate::{f, id, object, required, Field, Ty};

/// The fields accepted when creating a browser profile.
pub const CREATE_FIELDS: &[Field] = &[
    required("name", Ty::NonEmpty),
    f("browser_session_id", Ty::NonEmpty),
    f("workflow_run_id", Ty::NonEmpty),
    f("description", Ty::Str),
    f("proxy_location", Ty::Proxy),
    f("proxy_session_id", Ty::Str),
];

/// `POST /v1/browser_profiles`.
pub fn create(request: Option<&Value>) -> Result<Plan, Error> {
    let body = object("request", request, CREATE_FIELDS)?;
    Ok(call(Op::CreateBrowserProfile, "", Some(body)))
}

/// `GET /v1/browser_profiles`.
pub fn list() -> Plan {
    call(Op::GetBrowserProfiles, "", None)
}

/// `GET /v1/browser_profiles/{id}`.
pub fn get(profile_id: Option<&Value>) -> Result<Plan, Error> {
    let id = id("profileId", profile_id)?;
    Ok(call(Op::GetBrowserProfile, &id, None))
}

/// `DELETE /v1/browser_profiles/{id}` (204, no body).
pub fn delete(profile_id: Option<&Value>) -> Result<Plan, Error> {
    let id = id("profileId", profile_id)?;
    Ok(call(Op::DeleteBrowserProfile, &id, None))
}
