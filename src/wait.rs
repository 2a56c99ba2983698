//! Polling until a browser session is ready or a run reaches a terminal status.
//!
//! Adaptive by default: the first poll is immediate, then 250 ms, 500 ms and every
//! second for the first half minute, so a short run's end is noticed within about a
//! second; after that the interval grows by half each time up to 5 s, so long runs
//! are not hammered. An explicit `pollIntervalMs` is used as given.

use crate::client::{send, Call, Expect};
use crate::codec;
use crate::config::{CallOptions, Config};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::views::Polled;
use crate::transport::Env;

/// The pause after the first, immediate poll.
pub const FIRST_INTERVAL_MS: f64 = 250.0;
/// The interval cap while the wait is young.
pub const FAST_INTERVAL_MS: f64 = 1000.0;
/// How long the wait stays in the fast phase.
pub const FAST_PHASE_MS: f64 = 30_000.0;
/// The longest pause between polls once the wait is old.
pub const MAX_INTERVAL_MS: f64 = 5000.0;

/// The adaptive interval after `current`, once the wait has lasted `waited_ms`.
pub fn next_interval(current: f64, waited_ms: f64) -> f64 {
    if waited_ms < FAST_PHASE_MS {
        (current * 2.0).min(FAST_INTERVAL_MS)
    } else {
        (current * 1.5).min(MAX_INTERVAL_MS)
    }
}
/// Default wait for a run (as in the official SDKs).
pub const DEFAULT_RUN_WAIT_MS: f64 = 1_800_000.0;
/// Default wait for a browser session to start.
pub const DEFAULT_SESSION_WAIT_MS: f64 = 300_000.0;

/// Run statuses after which a run will not change any more.
pub const RUN_TERMINAL: &[&str] = &["completed", "failed", "terminated", "canceled", "timed_out"];
/// Browser session statuses that mean the session ended before it was ready.
pub const SESSION_ENDED: &[&str] = &["completed", "failed", "timeout"];

/// What a wait polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A browser session, until it is running.
    Session,
    /// A run, until its status is terminal.
    Run,
}

/// A wait to perform: what to poll, for how long, and how often.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitSpec {
    /// Whether to wait for a browser session or a run.
    pub target: Target,
    /// The id to poll; `None` takes it from the object the preceding call returned.
    pub id: Option<String>,
    /// How long to poll before giving up, in milliseconds.
    pub timeout_ms: f64,
    /// A fixed poll interval (`pollIntervalMs`); `None` polls adaptively.
    pub poll_ms: Option<f64>,
}

enum State {
    Pending,
    Done,
    Ended(String),
}

fn state(target: Target, v: &Polled) -> State {
    let status = v.status.0.as_deref().unwrap_or("");
    match target {
        Target::Run => {
            let workflow = v
                .run_id
                .0
                .as_deref()
                .is_some_and(|id| id.starts_with("wr_"))
                || v.run_type.0.as_deref() == Some("workflow_run");
            if RUN_TERMINAL.contains(&status) && !(workflow && v.retry_pending.0) {
                State::Done
            } else {
                State::Pending
            }
        }
        Target::Session => {
            let ended = SESSION_ENDED.contains(&status) || v.completed_at.0;
            if ended {
                State::Ended(if status.is_empty() { "ended" } else { status }.to_string())
            } else if v.started_at.0 || status == "running" {
                State::Done
            } else {
                State::Pending
            }
        }
    }
}

fn id_of(target: Target, v: &Polled) -> Option<String> {
    match target {
        Target::Run => v.run_id.0.clone(),
        Target::Session => v.browser_session_id.0.clone(),
    }
}

fn describe(target: Target, id: &str) -> String {
    match target {
        Target::Run => format!("run {id} to finish"),
        Target::Session => format!("browser session {id} to start"),
    }
}

/// The request that polls the session or run `id`. Its body is checked by the
/// wait itself, where a wrong shape is reported as such.
fn poll_call(target: Target, id: &str) -> Call {
    let op = match target {
        Target::Run => Op::GetRun,
        Target::Session => Op::GetBrowserSession,
    };
    Call {
        expect: Expect::Anything,
        ..Call::of(op, id, None)
    }
}

/// The wait ran out of time; `last` is the last object seen.
fn wait_timeout(spec: &WaitSpec, id: Option<&str>, last: Option<String>) -> Error {
    Error::WaitTimeout {
        what: describe(spec.target, id.unwrap_or("?")),
        timeout_ms: spec.timeout_ms,
        last_seen: last,
    }
}

/// The browser session ended before it was ready.
fn session_ended(id: Option<String>, status: String, last_seen: String) -> Error {
    Error::SessionEnded {
        id: id.unwrap_or_default(),
        status,
        last_seen,
    }
}

/// Polls until done. `first` is an object already in hand (from a create call).
pub async fn wait<E: Env>(
    env: &E,
    cfg: &Config,
    opts: &CallOptions,
    spec: &WaitSpec,
    first: Option<String>,
) -> Result<String, Error> {
    let started = env.now_ms();
    let deadline = started + spec.timeout_ms;
    let mut pending = first;
    let mut id = spec.id.clone();
    let mut last: Option<String> = None;
    let mut last_status: Option<String> = None;
    let mut interval = spec.poll_ms.unwrap_or(FIRST_INTERVAL_MS);
    loop {
        let text = match pending.take() {
            Some(t) => t,
            None => {
                let Some(current) = id.as_deref() else {
                    return Err(Error::InvalidResponse {
                        status: 200,
                        body: last.unwrap_or_default(),
                    });
                };
                let call = poll_call(spec.target, current);
                match send(env, cfg, opts, &call, Some(deadline)).await {
                    Ok(resp) => resp.body,
                    Err(Error::AttemptTimeout { .. }) if env.now_ms() >= deadline - 1.0 => {
                        return Err(wait_timeout(spec, id.as_deref(), last));
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        let Some(v) = codec::from_text::<Polled>(&text) else {
            return Err(Error::InvalidResponse {
                status: 200,
                body: text,
            });
        };
        if id.is_none() {
            id = id_of(spec.target, &v);
        }
        let status = v.status.0.clone();
        if status != last_status {
            env.on_status(&text)?;
            last_status = status;
        }
        match state(spec.target, &v) {
            State::Done => return Ok(text),
            State::Ended(status) => return Err(session_ended(id, status, text)),
            State::Pending => {}
        }
        last = Some(text);
        let remaining = deadline - env.now_ms();
        if remaining <= 0.0 {
            return Err(wait_timeout(spec, id.as_deref(), last));
        }
        env.sleep(interval.min(remaining)).await?;
        if env.now_ms() >= deadline {
            return Err(wait_timeout(spec, id.as_deref(), last));
        }
        if spec.poll_ms.is_none() {
            interval = next_interval(interval, env.now_ms() - started);
        }
    }
}
