//! A browser session and its lifecycle.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;

use super::Timing;
pub const TIMEOUT_WARNING: &str = "Requested timeout of {N} minutes exceeds the maximum of 240 minutes (4 hours); this session was capped at 240 minutes. A running session can be extended up to 360 minutes (6 hours) with the extend endpoint. Longer browser durations are available on our enterprise plan, please contact sales@skyvern.com";

pub struct Session {
    pub id: String,
    pub created: Instant,
    pub modified: Instant,
    pub timeout: Option<i64>,
    /// When the browser is (or will be) ready.
    pub start_at: Instant,
    pub completed: Option<Instant>,
    pub expired: bool,
    pub address: String,
    pub closed_suffix: String,
    pub url: Option<String>,
    pub extensions: Value,
    pub browser_type: Value,
    pub browser_profile_id: Option<String>,
    pub generate_browser_profile: bool,
    pub browser_settings: Value,
    pub warning: Option<String>,
    pub runnable: Option<(String, String)>,
    /// A real browser is starting for this session; `start_at` is set once
    /// it is up (or it failed and the session falls back to drawn frames).
    pub browser_pending: bool,
    /// The last URL a live-view user navigated to (sessions without a real
    /// browser), and when.
    pub nav: Option<(Instant, String)>,
    /// A real Chromium was started for this session.
    pub real_browser: bool,
    /// The browser's user data saved when the session ended (its profile archive).
    pub archive: Archive,
}

/// A session's profile archive: the cookies and local storage its real
/// browser left when it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Archive {
    None,
    /// The browser is shutting down and writing it.
    Saving,
    Saved(PathBuf),
    /// Already made into a profile (an archive is saved as a profile once).
    Taken,
}

impl Session {
    pub fn started(&self, now: Instant) -> bool {
        now >= self.start_at && self.completed.is_none_or(|c| c >= self.start_at)
    }

    /// Minutes the session may live, counted from `start_at` (null counts as 60).
    pub fn budget_minutes(&self) -> i64 {
        self.timeout.unwrap_or(60)
    }

    pub fn deadline(&self, t: &Timing) -> Instant {
        self.start_at + t.minutes(self.budget_minutes())
    }

    pub fn status(&self, now: Instant) -> &'static str {
        if self.completed.is_some() {
            "completed"
        } else if now >= self.start_at {
            "running"
        } else {
            "created"
        }
    }

    /// Whether the session's browser data is kept when it ends, as on the
    /// real server: it asked for a profile, or it started from one.
    pub fn exports_profile(&self) -> bool {
        self.generate_browser_profile || self.browser_profile_id.is_some()
    }

    pub fn is_live(&self) -> bool {
        self.completed.is_none()
    }
}
