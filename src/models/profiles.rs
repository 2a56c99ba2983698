//! Browser profile requests.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::ProxyLocation;
use super::fields::NonEmpty;

/// `createBrowserProfile`'s request: from a session (`browser_session_id`) or a
/// workflow run (`workflow_run_id`).
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct CreateBrowserProfileRequest {
    /// The profile's name.
    #[tsify(type = "string")]
    pub name: NonEmpty,
    /// The session whose browser data becomes the profile.
    #[tsify(type = "string | null")]
    pub browser_session_id: Option<NonEmpty>,
    /// The workflow run whose browser data becomes the profile.
    #[tsify(type = "string | null")]
    pub workflow_run_id: Option<NonEmpty>,
    /// A description.
    #[tsify(type = "string | null")]
    pub description: Option<String>,
    /// Where the profile's traffic exits.
    #[tsify(type = "ProxyLocation | null")]
    pub proxy_location: Option<ProxyLocation>,
    /// Keeps the same proxy IP.
    #[tsify(type = "string | null")]
    pub proxy_session_id: Option<String>,
}

/// `updateBrowserProfile`'s request: only the fields given change.
#[skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct UpdateBrowserProfileRequest {
    /// New name for the browser profile.
    #[tsify(optional, type = "string | null")]
    pub name: Option<NonEmpty>,
    /// New description for the browser profile.
    #[tsify(optional, type = "string | null")]
    pub description: Option<String>,
    /// Proxy location for this profile's pinned proxy identity.
    #[tsify(optional, type = "ProxyLocation | null")]
    pub proxy_location: Option<ProxyLocation>,
    /// Skyvern-managed proxy sticky-session id.
    #[tsify(optional, type = "string | null")]
    pub proxy_session_id: Option<String>,
    /// Rotate the Skyvern-managed proxy sticky-session id.
    #[tsify(optional, type = "boolean | null")]
    pub rotate_proxy_session_id: Option<bool>,
}
