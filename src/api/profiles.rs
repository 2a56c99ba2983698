//! Browser profiles: `/v1/browser_profiles`.

use super::{body, call, id};
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::profiles::CreateBrowserProfileRequest;
use crate::plan::Plan;

/// `POST /v1/browser_profiles`.
pub fn create(request: Option<&Input>) -> Result<Plan, Error> {
    let request: CreateBrowserProfileRequest = codec::object("request", request)?;
    Ok(call(Op::CreateBrowserProfile, "", body(&request)?))
}

/// `GET /v1/browser_profiles`.
pub fn list() -> Plan {
    call(Op::GetBrowserProfiles, "", None)
}

/// `GET /v1/browser_profiles/{id}`.
pub fn get(profile_id: Option<&Input>) -> Result<Plan, Error> {
    let id = id("profileId", profile_id)?;
    Ok(call(Op::GetBrowserProfile, &id, None))
}

/// `DELETE /v1/browser_profiles/{id}` (204, no body).
pub fn delete(profile_id: Option<&Input>) -> Result<Plan, Error> {
    let id = id("profileId", profile_id)?;
    Ok(call(Op::DeleteBrowserProfile, &id, None))
}
