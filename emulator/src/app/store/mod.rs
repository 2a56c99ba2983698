//! In-memory sessions, runs and profiles, and how they change over time.
//!
//! Times are planned when something is created (when a browser will be
//! ready, when each run step begins) and read back against the current
//! instant, so every answer is consistent with the emulator's clock.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util;

mod render;
mod run;
mod session;

pub use render::Render;
pub use run::{
    far_future, is_terminal, plan_from_prompt, session_closed_reason, Agent, Forced, Outcome, Run,
    DEFAULT_MAX_STEPS,
};
pub use session::{Archive, Session, TIMEOUT_WARNING};
/// Real-time knobs of the emulated lifecycle.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Real milliseconds one emulated minute lasts.
    pub minute_ms: u64,
    pub start_delay_ms: u64,
    pub step_ms: u64,
}

impl Timing {
    pub fn minutes(&self, m: i64) -> Duration {
        Duration::from_millis((m.max(0) as u64).saturating_mul(self.minute_ms))
    }
    pub fn seconds(&self, s: u64) -> Duration {
        Duration::from_micros(s.saturating_mul(self.minute_ms).saturating_mul(1000) / 60)
    }
}

pub struct Profile {
    pub id: String,
    pub name: String,
    pub description: Value,
    pub source_browser_type: Value,
    pub proxy_location: Value,
    pub proxy_session_id: Value,
    pub created: Instant,
    pub modified: Instant,
    pub deleted: Option<Instant>,
    /// The user data (cookies, local storage) new sessions from this profile start with.
    pub data: Option<std::path::PathBuf>,
}

/// Everything the emulator remembers.
pub struct Store {
    pub org_id: String,
    pub sessions: Vec<Session>,
    pub runs: Vec<Run>,
    pub profiles: Vec<Profile>,
    next_cdp_port: u16,
}

impl Store {
    pub fn new() -> Self {
        Store {
            org_id: util::new_id("o_"),
            sessions: Vec::new(),
            runs: Vec::new(),
            profiles: Vec::new(),
            next_cdp_port: 0,
        }
    }

    pub fn clear(&mut self) {
        let saved = self.sessions.iter().filter_map(|s| match &s.archive {
            Archive::Saved(p) => Some(p),
            _ => None,
        });
        for p in saved.chain(self.profiles.iter().filter_map(|p| p.data.as_ref())) {
            crate::browser::remove_user_data(p);
        }
        self.sessions.clear();
        self.runs.clear();
        self.profiles.clear();
        self.next_cdp_port = 0;
    }

    pub fn next_cdp_address(&mut self) -> String {
        let port = 9223 + (self.next_cdp_port % 100);
        self.next_cdp_port = self.next_cdp_port.wrapping_add(1);
        format!("ws://127.0.0.1:{port}/devtools/browser/{}", util::uuid_v4())
    }

    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// The run session `id` is busy with at `now`: its latest unfinished run,
    /// else its last run.
    pub fn current_run<'a>(&'a self, id: &'a str, now: Instant) -> Option<&'a Run> {
        self.session_runs(id)
            .rev()
            .find(|r| !is_terminal(r.view(now).status))
            .or_else(|| self.session_runs(id).next_back())
    }

    /// The runs in session `id`, oldest first.
    pub fn session_runs<'a>(
        &'a self,
        id: &'a str,
    ) -> impl DoubleEndedIterator<Item = &'a Run> + 'a {
        self.runs
            .iter()
            .filter(move |r| r.session_id.as_deref() == Some(id))
    }

    /// The saved user data sessions started from profile `id` begin with.
    pub fn profile_data(&self, id: &str) -> Option<std::path::PathBuf> {
        self.profiles
            .iter()
            .find(|p| p.id == id && p.deleted.is_none())
            .and_then(|p| p.data.clone())
    }

    pub fn session_mut(&mut self, id: &str) -> Option<&mut Session> {
        self.sessions.iter_mut().find(|s| s.id == id)
    }

    pub fn run(&self, id: &str) -> Option<&Run> {
        self.runs.iter().find(|r| r.id == id)
    }

    /// Applies expiry up to `now`, and stops runs whose session ended.
    pub fn advance(&mut self, now: Instant, t: &Timing) {
        let mut ended: Vec<(String, Instant)> = Vec::new();
        for s in &mut self.sessions {
            if s.completed.is_none() && now >= s.start_at {
                let deadline = s.deadline(t);
                if now >= deadline {
                    s.completed = Some(deadline);
                    s.modified = deadline;
                    s.expired = true;
                    ended.push((s.id.clone(), deadline));
                }
            }
        }
        for (sid, at) in ended {
            self.stop_runs_of(&sid, at);
        }
    }

    /// Marks every run still going in session `sid` at `at` as failed.
    pub fn stop_runs_of(&mut self, sid: &str, at: Instant) {
        for r in &mut self.runs {
            if r.session_id.as_deref() == Some(sid)
                && r.forced.is_none()
                && !is_terminal(r.natural(at).status)
            {
                r.forced = Some(Forced {
                    status: "failed",
                    at,
                    reason: Some(session_closed_reason(sid)),
                });
            }
        }
    }

    /// The run currently holding session `sid`, if any.
    pub fn holder_of(&self, sid: &str, now: Instant) -> Option<&Run> {
        let s = self.session(sid)?;
        let (_, rid) = s.runnable.as_ref()?;
        self.run(rid).filter(|r| r.holds(now))
    }

    /// What the session's browser shows now: the page of its latest run that
    /// has begun or the URL a live-view user went to, whichever came last,
    /// else the start URL.
    pub fn current_url(&self, sid: &str, now: Instant) -> String {
        let from_run = self
            .runs
            .iter()
            .rev()
            .filter(|r| r.session_id.as_deref() == Some(sid))
            .filter_map(|r| Some((r.view(now).started?, r.url.clone()?)))
            .next();
        let session = self.session(sid);
        let nav = session.and_then(|s| s.nav.clone());
        let latest = match (from_run, nav) {
            (Some(r), Some(n)) => Some(if n.0 >= r.0 { n.1 } else { r.1 }),
            (r, n) => r.or(n).map(|x| x.1),
        };
        latest
            .or_else(|| session.and_then(|s| s.url.clone()))
            .unwrap_or_else(|| "about:blank".into())
    }
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}
