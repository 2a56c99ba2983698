//! Browser session requests.

use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

use super::common::ProxyLocation;
use super::fields::{Int, JsonObject, NonEmpty, StrList, MAX_SAFE};

/// `createBrowserSession`'s request.
#[skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct CreateBrowserSessionRequest {
    /// Minutes, at least 5 (default 60; the server caps it at 240 with a `warning`).
    /// `null` is sent as `null` (the spec allows it); leave the field out for the default.
    #[tsify(type = "number | null")]
    #[serde(
        default,
        deserialize_with = "serde_with::rust::double_option::deserialize"
    )]
    #[allow(clippy::option_option)]
    pub timeout: Option<Option<Int<5, MAX_SAFE>>>,
    /// Where the browser's traffic exits.
    #[tsify(type = "ProxyLocation | null")]
    pub proxy_location: Option<ProxyLocation>,
    /// Keeps the same proxy IP across sessions.
    #[tsify(type = "string | null")]
    pub proxy_session_id: Option<String>,
    /// Browser extensions: `"ad-blocker"`, `"captcha-solver"`.
    #[tsify(type = "Extension[] | null")]
    pub extensions: Option<StrList>,
    /// `"msedge"`, `"chrome"` or `"stealth-chromium"`.
    #[tsify(type = "PersistentBrowserType | null")]
    pub browser_type: Option<NonEmpty>,
    /// Start from a saved browser profile (cookies, storage).
    #[tsify(type = "string | null")]
    pub browser_profile_id: Option<NonEmpty>,
    /// Save a browser profile when the session closes.
    #[tsify(type = "boolean | null")]
    pub generate_browser_profile: Option<bool>,
    /// The page the browser opens first.
    #[tsify(type = "string | null")]
    pub url: Option<NonEmpty>,
    /// Browser settings such as `timezone_id`.
    #[tsify(type = "BrowserSettings | null")]
    pub browser_settings: Option<JsonObject>,
    /// Whether the session needs the live view.
    #[tsify(type = "boolean | null")]
    pub needs_live_view: Option<bool>,
}

/// `updateBrowserSession`'s request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct UpdateBrowserSessionRequest {
    /// Save a browser profile when the session closes.
    #[tsify(type = "boolean")]
    pub generate_browser_profile: bool,
}

/// `extendBrowserSession`'s request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, tsify::Tsify)]
pub struct ExtendBrowserSessionRequest {
    /// Minutes to add (the server caps the total with a `warning`).
    #[tsify(type = "number")]
    pub additional_minutes: Int<1, MAX_SAFE>,
}
