//! Browser profile requests.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::ProxyLocation;
use super::fields::NonEmpty;

/// `createBrowserProfile`'s request: from a session (`browser_session_id`) or a
/// workflow run (`workflow_run_id`).
#[skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreateBrowserProfileRequest {
    /// The profile's name.
    pub name: NonEmpty,
    /// The session whose browser data becomes the profile.
    pub browser_session_id: Option<NonEmpty>,
    /// The workflow run whose browser data becomes the profile.
    pub workflow_run_id: Option<NonEmpty>,
    /// A description.
    pub description: Option<String>,
    /// Where the profile's traffic exits.
    pub proxy_location: Option<ProxyLocation>,
    /// Keeps the same proxy IP.
    pub proxy_session_id: Option<String>,
}
