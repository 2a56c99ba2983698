//! Browser profiles: `/v1/browser_profiles`.

use super::{body, call, id};
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::lists::ListBrowserProfilesRequest;
use crate::models::profiles::{CreateBrowserProfileRequest, UpdateBrowserProfileRequest};
use crate::models::query::Query;
use crate::plan::Plan;

/// `POST /v1/browser_profiles`.
pub fn create(request: Option<&Input>) -> Result<Plan, Error> {
    let request: CreateBrowserProfileRequest = codec::object("request", request)?;
    Ok(call(Op::CreateBrowserProfile, "", body(&request)?))
}

/// `GET /v1/browser_profiles?page=…` (`listBrowserProfiles`, `getBrowserProfiles`).
pub fn list(request: Option<&Input>) -> Result<Plan, Error> {
    let r: ListBrowserProfilesRequest = codec::object("request", request)?;
    let mut q = Query::default();
    q.one("page", r.page.map(|n| n.0))
        .one("page_size", r.page_size.map(|n| n.0))
        .one("include_deleted", r.include_deleted)
        .one("search_key", r.search_key)
        .one("managed", r.managed);
    Ok(super::listing::with_query(
        call(Op::ListBrowserProfiles, "", None),
        q,
    ))
}

/// `PATCH /v1/browser_profiles/{id}`.
pub fn update(profile_id: Option<&Input>, request: Option<&Input>) -> Result<Plan, Error> {
    let id = id("profileId", profile_id)?;
    let request: UpdateBrowserProfileRequest = codec::object("request", request)?;
    Ok(call(Op::UpdateBrowserProfile, &id, body(&request)?))
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
