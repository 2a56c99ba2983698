//! A run: its planned steps, its outcome and what it shows at each instant.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

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

    pub(super) fn natural(&self, now: Instant) -> RunView {
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
