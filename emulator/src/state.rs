//! In-memory sessions, runs and profiles, and how they change over time.
//!
//! Times are planned when something is created (when a browser will be
//! ready, when each run step begins) and read back against the current
//! instant, so every answer is consistent with the emulator's clock.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::util::{self, Clock};

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

    pub fn is_live(&self) -> bool {
        self.completed.is_none()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Completed,
    Failed,
    Terminated,
    TimedOut,
    Paused,
    /// The session was held by this other run.
    Occupied(String),
}

impl Outcome {
    fn status(&self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Failed | Outcome::Occupied(_) => "failed",
            Outcome::Terminated => "terminated",
            Outcome::TimedOut => "timed_out",
            Outcome::Paused => "paused",
        }
    }
}

/// The real server's `MAX_STEPS_PER_RUN`: a task's step limit when the
/// request does not set `max_steps`.
pub const DEFAULT_MAX_STEPS: u32 = 10;

pub fn is_terminal(status: &str) -> bool {
    matches!(
        status,
        "completed" | "failed" | "terminated" | "canceled" | "timed_out"
    )
}

/// Where the scripted agent of a run backed by a real browser is.
#[derive(Clone, Debug)]
pub enum Agent {
    /// Still working: the run cannot complete before it reports.
    Pending,
    /// Read the page at `at`.
    Done { at: Instant, output: Value },
}

/// A status forced on a run (cancel, or its session ending).
#[derive(Clone, Debug)]
pub struct Forced {
    pub status: &'static str,
    pub at: Instant,
    pub reason: Option<String>,
}

pub struct Run {
    pub id: String,
    pub run_type: String,
    pub workflow: bool,
    pub created: Instant,
    pub session_id: Option<String>,
    pub queued_at: Instant,
    pub start_at: Instant,
    pub interval: Duration,
    pub steps: u32,
    pub outcome: Outcome,
    pub forced: Option<Forced>,
    pub request: Value,
    pub prompt: String,
    pub url: Option<String>,
    /// Set when a real browser runs this task (only for runs meant to
    /// complete; other outcomes only navigate).
    pub agent: Option<Agent>,
}

/// A run as seen at one instant.
#[derive(Clone, Debug)]
pub struct RunView {
    pub status: &'static str,
    pub step_count: Option<u32>,
    pub queued: Option<Instant>,
    pub started: Option<Instant>,
    pub finished: Option<Instant>,
    pub modified: Instant,
    pub failure_reason: Option<String>,
}

impl Run {
    /// When the planned steps are over.
    pub fn steps_end(&self) -> Instant {
        self.start_at + self.interval * self.steps
    }

    fn end_at(&self) -> Instant {
        let planned = self.steps_end();
        match &self.agent {
            None => planned,
            Some(Agent::Pending) => far_future(planned),
            Some(Agent::Done { at, .. }) => planned.max(*at),
        }
    }

    fn natural(&self, now: Instant) -> RunView {
        let mut v = RunView {
            status: "created",
            step_count: None,
            queued: None,
            started: None,
            finished: None,
            modified: self.created,
            failure_reason: None,
        };
        if now < self.queued_at {
            return v;
        }
        v.status = "queued";
        v.queued = Some(self.queued_at);
        v.modified = self.queued_at;
        if now < self.start_at {
            return v;
        }
        if let Outcome::Occupied(holder) = &self.outcome {
            v.status = "failed";
            v.finished = Some(self.start_at);
            v.modified = self.start_at;
            v.failure_reason = Some(occupied_reason(
                self.session_id.as_deref().unwrap_or(""),
                holder,
            ));
            return v;
        }
        v.started = Some(self.start_at);
        let end = self.end_at();
        if now < end {
            let done =
                now.duration_since(self.start_at).as_micros() / self.interval.as_micros().max(1);
            let k = (done as u32 + 1).min(self.steps);
            v.status = "running";
            v.step_count = Some(k);
            v.modified = self.start_at + self.interval * (k - 1);
            return v;
        }
        v.status = self.outcome.status();
        v.step_count = Some(self.steps);
        v.modified = end;
        if self.outcome != Outcome::Paused {
            v.finished = Some(end);
        }
        v.failure_reason = match self.outcome {
            Outcome::Failed => Some(FAIL_REASON.to_string()),
            Outcome::Terminated => Some(TERMINATE_REASON.to_string()),
            Outcome::TimedOut => Some(TIMED_OUT_REASON.to_string()),
            _ => None,
        };
        v
    }

    pub fn view(&self, now: Instant) -> RunView {
        match &self.forced {
            Some(f) if now >= f.at => {
                let mut v = self.natural(f.at);
                if is_terminal(v.status) && v.finished.is_some_and(|t| t <= f.at) {
                    return v;
                }
                v.status = f.status;
                v.finished = Some(f.at);
                v.modified = f.at;
                v.failure_reason = f.reason.clone();
                v
            }
            _ => self.natural(now),
        }
    }

    /// Whether this run holds its session at `now` (not yet terminal).
    pub fn holds(&self, now: Instant) -> bool {
        !matches!(self.outcome, Outcome::Occupied(_)) && !is_terminal(self.view(now).status)
    }

    /// Human-readable label of step `k` (1-based).
    pub fn step_label(&self, k: u32) -> String {
        let url = self.url.as_deref().unwrap_or("the start page");
        if k == 1 {
            return format!("Navigate to {url}");
        }
        if k == self.steps {
            return match self.outcome {
                Outcome::Failed => "Retry: no valid action could be generated".into(),
                Outcome::Terminated => "Decide the goal cannot be reached: terminate".into(),
                Outcome::TimedOut => "Keep working until the time limit".into(),
                Outcome::Paused => "Pause and wait for a human".into(),
                _ => "Extract the requested information and complete".into(),
            };
        }
        if k == 2 {
            return "Read the page and plan the next actions".into();
        }
        format!("Act on the page (action {})", k - 2)
    }

    pub fn output(&self) -> Value {
        if let Some(Agent::Done { output, .. }) = &self.agent {
            let mut o = output.clone();
            if let Some(m) = o.as_object_mut() {
                m.insert("prompt".into(), json!(self.prompt));
            }
            return o;
        }
        let host = self
            .url
            .as_deref()
            .and_then(|u| u.split("://").nth(1))
            .map(|r| r.split(['/', '?', '#']).next().unwrap_or(r).to_string())
            .unwrap_or_else(|| "about:blank".into());
        json!({
            "title": format!("Emulated page at {host}"),
            "heading": format!("Welcome to {host}"),
            "url": self.url,
            "prompt": self.prompt,
        })
    }
}

/// An instant far enough ahead to mean "not yet" for anything planned.
pub fn far_future(from: Instant) -> Instant {
    from + Duration::from_secs(10 * 365 * 86_400)
}

pub const FAIL_REASON: &str = "Max retries per step (3) exceeded. Possible failure reasons: The task failed because all 3 retry attempts failed to generate actions. (emulated failure requested with [fail])";
pub const TERMINATE_REASON: &str = "The agent decided the goal cannot be achieved on this page and terminated the run. (emulated outcome requested with [terminate])";
pub const TIMED_OUT_REASON: &str =
    "The run exceeded its maximum allowed time. (emulated outcome requested with [timed_out])";

pub fn occupied_reason(session: &str, holder: &str) -> String {
    format!(
        "Browser session {session} is already occupied by {holder}. Wait for that run to finish or cancel it, then retry."
    )
}

pub fn session_closed_reason(session: &str) -> String {
    format!("Browser session {session} was closed while the run was in progress.")
}

/// How a run should go, read from tags in its prompt.
#[derive(Debug, PartialEq)]
pub struct Plan {
    pub outcome: Outcome,
    pub steps: u32,
    pub duration: Option<Duration>,
}

/// `[fail]`, `[terminate]`, `[timed_out]`, `[pause]`, `[steps=N]`,
/// `[duration=2s]` / `[duration=500ms]`, case-insensitive.
pub fn plan_from_prompt(prompt: &str) -> Plan {
    let lower = prompt.to_ascii_lowercase();
    let mut plan = Plan {
        outcome: Outcome::Completed,
        steps: 3,
        duration: None,
    };
    let mut rest = lower.as_str();
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let tag = after[..close].trim();
        rest = &after[close + 1..];
        match tag {
            "fail" | "failed" => plan.outcome = Outcome::Failed,
            "terminate" | "terminated" => plan.outcome = Outcome::Terminated,
            "timed_out" | "timeout" => plan.outcome = Outcome::TimedOut,
            "pause" | "paused" => plan.outcome = Outcome::Paused,
            _ => {
                if let Some(n) = tag.strip_prefix("steps=") {
                    if let Ok(n) = n.trim().parse::<u32>() {
                        plan.steps = n.clamp(1, 1000);
                    }
                } else if let Some(d) = tag.strip_prefix("duration=") {
                    plan.duration = parse_duration(d.trim());
                }
            }
        }
    }
    plan
}

fn parse_duration(s: &str) -> Option<Duration> {
    if let Some(ms) = s.strip_suffix("ms") {
        return ms.trim().parse::<u64>().ok().map(Duration::from_millis);
    }
    if let Some(sec) = s.strip_suffix('s') {
        return sec
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && *f >= 0.0 && *f < 86_400.0)
            .map(Duration::from_secs_f64);
    }
    None
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

/// Renders JSON bodies.
pub struct Render<'a> {
    pub clock: &'a Clock,
    pub base_url: &'a str,
    pub org_id: &'a str,
    pub now: Instant,
}

impl Render<'_> {
    fn ts(&self, t: Instant) -> Value {
        Value::String(self.clock.iso(t))
    }

    fn ts_opt(&self, t: Option<Instant>) -> Value {
        t.map(|t| self.ts(t)).unwrap_or(Value::Null)
    }

    /// BrowserSessionResponse. `single`: the single-session GET, the only
    /// place `stream_transport` is filled in.
    pub fn session(&self, s: &Session, single: bool) -> Value {
        let now = self.now;
        let started = s.started(now);
        let address = if started {
            if s.completed.is_some() {
                Value::String(format!("{}::closed::{}", s.address, s.closed_suffix))
            } else {
                Value::String(s.address.clone())
            }
        } else {
            Value::Null
        };
        let modified = if started && s.start_at > s.modified && s.completed.is_none() {
            s.start_at
        } else {
            s.modified
        };
        let (rt, rid) = match &s.runnable {
            Some((t, i)) => (json!(t), json!(i)),
            None => (Value::Null, Value::Null),
        };
        let mut m = Map::new();
        m.insert("browser_session_id".into(), json!(s.id));
        m.insert("organization_id".into(), json!(self.org_id));
        m.insert("status".into(), json!(s.status(now)));
        m.insert("runnable_type".into(), rt);
        m.insert("runnable_id".into(), rid);
        m.insert("timeout".into(), json!(s.timeout));
        m.insert("browser_address".into(), address);
        m.insert(
            "app_url".into(),
            json!(format!("{}/browser-session/{}", self.base_url, s.id)),
        );
        m.insert("extensions".into(), s.extensions.clone());
        m.insert("browser_type".into(), s.browser_type.clone());
        m.insert("browser_profile_id".into(), json!(s.browser_profile_id));
        m.insert(
            "generate_browser_profile".into(),
            json!(s.generate_browser_profile),
        );
        m.insert("browser_settings".into(), s.browser_settings.clone());
        m.insert("browser_settings_receipt".into(), Value::Null);
        m.insert("vnc_streaming_supported".into(), json!(started));
        m.insert(
            "stream_transport".into(),
            if single { json!("cdp") } else { Value::Null },
        );
        m.insert(
            "download_path".into(),
            json!(format!("/app/downloads/{}/{}", self.org_id, s.id)),
        );
        m.insert("downloaded_files".into(), json!([]));
        m.insert("recordings".into(), json!([]));
        m.insert(
            "started_at".into(),
            if started {
                self.ts(s.start_at)
            } else {
                Value::Null
            },
        );
        m.insert("completed_at".into(), self.ts_opt(s.completed));
        m.insert("created_by".into(), Value::Null);
        m.insert("created_at".into(), self.ts(s.created));
        m.insert(
            "modified_at".into(),
            self.ts(modified.max(s.created + Duration::from_micros(4))),
        );
        m.insert("deleted_at".into(), Value::Null);
        m.insert("warning".into(), json!(s.warning));
        m.insert("source".into(), json!("managed"));
        m.insert("remaining_lifetime_seconds".into(), Value::Null);
        Value::Object(m)
    }

    /// TaskRunResponse / WorkflowRunResponse.
    pub fn run(&self, r: &Run) -> Value {
        let v = r.view(self.now);
        let terminal = is_terminal(v.status);
        let steps = v.step_count.unwrap_or(0);
        let show_result = terminal || v.status == "paused";
        let screenshots = if show_result && steps > 0 {
            json!((1..=steps)
                .rev()
                .map(|k| format!("{}/runs/{}/screenshots/{k}.svg", self.base_url, r.id))
                .collect::<Vec<_>>())
        } else {
            Value::Null
        };
        let output = if v.status == "completed" {
            r.output()
        } else {
            Value::Null
        };
        // Once a task's first step exists the real server reads its task row
        // back: `errors` (the row's list), `downloaded_files` (the storage
        // listing) and `max_steps` (the limit the step runner set, 10 unless
        // the request gave one) are filled in. Workflow runs are not observed.
        // An occupied session fails the task in its first step.
        let begun = v.started.is_some()
            || (matches!(r.outcome, Outcome::Occupied(_)) && v.finished.is_some());
        let task_read_back = !r.workflow && begun;
        let errors = match (&r.outcome, v.status) {
            (Outcome::Failed, "failed") if r.forced.is_none() => json!([{
                "error_code": "REACH_MAX_RETRIES",
                "reasoning": "The agent has reached the maximum number of retries. It might be an issue with the agent. Please reach out to the Skyvern team if you encounter this issue.",
                "error_type": "SYSTEM_DEFINED_ERROR",
            }]),
            _ if task_read_back => json!([]),
            _ => Value::Null,
        };
        let mut request = r.request.clone();
        if let Some(o) = request.as_object_mut() {
            if terminal && o.contains_key("browser_session_id") {
                // The real server drops the session id from the echo once a run ends.
                o.insert("browser_session_id".into(), Value::Null);
            }
            if task_read_back && o.get("max_steps").is_some_and(Value::is_null) {
                o.insert("max_steps".into(), json!(DEFAULT_MAX_STEPS));
            }
        }
        let mut m = Map::new();
        m.insert("run_id".into(), json!(r.id));
        m.insert("status".into(), json!(v.status));
        m.insert("output".into(), output);
        m.insert(
            "downloaded_files".into(),
            if task_read_back {
                json!([])
            } else {
                Value::Null
            },
        );
        m.insert("recording_url".into(), Value::Null);
        m.insert("recording_archived".into(), json!(false));
        m.insert("screenshot_urls".into(), screenshots);
        m.insert("failure_reason".into(), json!(v.failure_reason));
        m.insert("created_at".into(), self.ts(r.created));
        m.insert(
            "modified_at".into(),
            self.ts(v.modified.max(r.created + Duration::from_micros(3))),
        );
        m.insert("queued_at".into(), self.ts_opt(v.queued));
        m.insert("started_at".into(), self.ts_opt(v.started));
        m.insert("finished_at".into(), self.ts_opt(v.finished));
        m.insert(
            "app_url".into(),
            json!(format!("{}/runs/{}", self.base_url, r.id)),
        );
        m.insert("browser_session_id".into(), Value::Null);
        m.insert("browser_profile_id".into(), Value::Null);
        m.insert(
            "max_screenshot_scrolls".into(),
            r.request
                .get("max_screenshot_scrolls")
                .cloned()
                .unwrap_or(Value::Null),
        );
        m.insert("script_run".into(), Value::Null);
        m.insert("errors".into(), errors);
        m.insert("step_count".into(), json!(v.step_count));
        m.insert("run_type".into(), json!(r.run_type));
        if r.workflow {
            m.insert("attempt".into(), json!(1));
            m.insert("retry_pending".into(), json!(false));
            m.insert("next_attempt_at".into(), Value::Null);
            m.insert("attempts".into(), Value::Null);
            m.insert(
                "run_with".into(),
                r.request
                    .get("run_with")
                    .filter(|v| !v.is_null())
                    .cloned()
                    .unwrap_or(json!("agent")),
            );
            m.insert(
                "ai_fallback".into(),
                r.request.get("ai_fallback").cloned().unwrap_or(Value::Null),
            );
            m.insert("script_id".into(), Value::Null);
            m.insert("browser_seed_source".into(), Value::Null);
            m.insert("browser_settings_receipt".into(), Value::Null);
        }
        m.insert("run_request".into(), request);
        Value::Object(m)
    }

    pub fn profile(&self, p: &Profile) -> Value {
        json!({
            "browser_profile_id": p.id,
            "organization_id": self.org_id,
            "name": p.name,
            "description": p.description,
            "source_browser_type": p.source_browser_type,
            "proxy_location": p.proxy_location,
            "proxy_session_id": p.proxy_session_id,
            "is_managed": false,
            "workflow_permanent_id": null,
            "browser_profile_key_digest": null,
            "created_at": self.ts(p.created),
            "modified_at": self.ts(p.modified),
            "deleted_at": self.ts_opt(p.deleted),
            "last_verified_login_at": null,
            "linked_credential_name": null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_tags() {
        assert_eq!(plan_from_prompt("hello").outcome, Outcome::Completed);
        assert_eq!(plan_from_prompt("x [FAIL] y").outcome, Outcome::Failed);
        assert_eq!(plan_from_prompt("[Terminate]").outcome, Outcome::Terminated);
        assert_eq!(plan_from_prompt("[timed_out]").outcome, Outcome::TimedOut);
        assert_eq!(plan_from_prompt("[pause]").outcome, Outcome::Paused);
        assert_eq!(plan_from_prompt("[steps=5]").steps, 5);
        assert_eq!(
            plan_from_prompt("[duration=2s]").duration,
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            plan_from_prompt("[duration=500ms] [steps=2]").duration,
            Some(Duration::from_millis(500))
        );
    }
}
