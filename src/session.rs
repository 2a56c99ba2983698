//! Session lifecycles: open (create, then wait until ready) and close, for
//! `openBrowserSession` and `withBrowserSession`. A session this client created
//! is closed again when waiting for it fails, so it never keeps billing.

use crate::api::{sessions, spec};
use crate::codec::{self, Input};
use crate::config::{headers, CallOptions, Config};
use crate::error::Error;
use crate::models::options::OpenBrowserSessionOptions;
use crate::models::views::Polled;
use crate::plan::{self, Plan};
use crate::transport::Env;
use crate::wait::{self, Target, WaitSpec, DEFAULT_SESSION_WAIT_MS};

/// A validated open: the create plan, the readiness wait, and the call options.
#[derive(Clone, Debug, PartialEq)]
pub struct Open {
    /// The request that creates the browser session.
    pub create: Plan,
    /// The wait until the session is ready, unless waiting was turned off.
    pub wait: Option<WaitSpec>,
    /// Timeouts, retries, abort signal and extra headers for the calls.
    pub options: CallOptions,
}

/// Validates `openBrowserSession(request, options)`.
pub fn open_plan(request: Option<&Input>, options: Option<&Input>) -> Result<Open, Error> {
    let create = sessions::create(request)?;
    let o: OpenBrowserSessionOptions = codec::object("options", options)?;
    let wait = o.wait_until_ready.unwrap_or(true).then(|| {
        spec(
            Target::Session,
            None,
            o.timeout.map(|t| t.0),
            o.poll_interval_ms.map(|p| p.0),
            DEFAULT_SESSION_WAIT_MS,
        )
    });
    Ok(Open {
        create,
        wait,
        options: CallOptions {
            timeout_ms: o.timeout_in_seconds.map(|s| s.0 * 1000.0),
            max_retries: o.max_retries.map(|n| n.0 as u32),
            headers: headers("options.headers", o.headers)?,
            ..CallOptions::default()
        },
    })
}

/// Creates a session and waits until it is ready. If the wait fails (timeout,
/// abort, the session ended), the session is closed through `cleanup` (an
/// environment that ignores the caller's abort signal) before the error is returned.
pub async fn open<E: Env, C: Env>(
    env: &E,
    cleanup: &C,
    cfg: &Config,
    open: &Open,
) -> Result<String, Error> {
    let created = plan::run(env, cfg, &open.options, &open.create).await?;
    let Some(spec) = &open.wait else {
        return Ok(created);
    };
    let id = id_of(&created);
    match wait::wait(env, cfg, &open.options, spec, Some(created)).await {
        Ok(ready) => Ok(ready),
        Err(e) => {
            if let Some(id) = id {
                let _ = close(cleanup, cfg, &open.options, &id).await;
            }
            Err(e)
        }
    }
}

/// The `browser_session_id` of a session's JSON text.
pub fn id_of(text: &str) -> Option<String> {
    codec::from_text::<Polled>(text)?.browser_session_id.0
}

/// Closes a session (idempotent; retried like any idempotent call).
pub async fn close<E: Env>(
    env: &E,
    cfg: &Config,
    options: &CallOptions,
    id: &str,
) -> Result<String, Error> {
    plan::run(env, cfg, options, &sessions::close_id(id)).await
}
