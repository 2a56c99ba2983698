//! Browser session requests.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::ProxyLocation;
use super::fields::{Int, JsonObject, NonEmpty, StrList, MAX_SAFE};

/// `createBrowserSession`'s request.
#[skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateBrowserSessionRequest {
    /// Minutes, at least 5 (default 60; the server caps it at 240 with a `warning`).
    pub timeout: Option<Int<5, MAX_SAFE>>,
    /// Where the browser's traffic exits.
    pub proxy_location: Option<ProxyLocation>,
    /// Keeps the same proxy IP across sessions.
    pub proxy_session_id: Option<String>,
    /// Browser extensions: `"ad-blocker"`, `"captcha-solver"`.
    pub extensions: Option<StrList>,
    /// `"msedge"`, `"chrome"` or `"stealth-chromium"`.
    pub browser_type: Option<NonEmpty>,
    /// Start from a saved browser profile (cookies, storage).
    pub browser_profile_id: Option<NonEmpty>,
    /// Save a browser profile when the session closes.
    pub generate_browser_profile: Option<bool>,
    /// The page the browser opens first.
    pub url: Option<NonEmpty>,
    /// Browser settings such as `timezone_id`.
    pub browser_settings: Option<JsonObject>,
    /// Whether the session needs the live view.
    pub needs_live_view: Option<bool>,
}

/// `updateBrowserSession`'s request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UpdateBrowserSessionRequest {
    /// Save a browser profile when the session closes.
    pub generate_browser_profile: bool,
}

/// `extendBrowserSession`'s request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExtendBrowserSessionRequest {
    /// Minutes to add (the server caps the total with a `warning`).
    pub additional_minutes: Int<1, MAX_SAFE>,
}
