//! Session lifecycles: open (create, then wait until ready) and close, for
//! `openBrowserSession` and `withBrowserSession`. A session this client created
//! is closed again when waiting for it fails, so it never keeps billing.

use crate::api::{sessions, spec};
use crate::config::{CallOptions, Config};
use crate::error::Error;
use crate::json::Value;
use crate::plan::{self, Plan};
use crate::transport::Env;
use crate::validate::{local, object, Field, Ty};
use crate::wait::{self, Target, WaitSpec, DEFAULT_SESSION_WAIT_MS};

/// Options of `openBrowserSession` / `withBrowserSession`: request options plus
/// `waitUntilReady` (default true), `timeout` (seconds to wait for readiness) and
/// `pollIntervalMs`.
pub const OPEN_OPTIONS: &[Field] = &[
    local("waitUntilReady", Ty::Bool),
    local("timeout", Ty::Num(0.0, 86_400.0)),
    local("pollIntervalMs", Ty::Num(0.0, 86_400_000.0)),
    local(
        "timeoutInSeconds",
        Ty::Num(0.0, crate::config::MAX_TIMEOUT_SECONDS),
    ),
    local("maxRetries", Ty::Int(0.0, crate::config::MAX_RETRIES_LIMIT)),
    local("abortSignal", Ty::Signal),
    local("headers", Ty::StrMap),
];

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
pub fn open_plan(request: Option<&Value>, options: Option<&Value>) -> Result<Open, Error> {
    let create = sessions::create(request)?;
    object("options", options, OPEN_OPTIONS)?;
    let ready = options
        .and_then(|o| o.field("waitUntilReady"))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let call_options = match options {
        Some(Value::Object(m)) => {
            let kept: Vec<(String, Value)> = m
                .iter()
                .filter(|(k, _)| {
                    matches!(
                        k.as_str(),
                        "timeoutInSeconds" | "maxRetries" | "abortSignal" | "headers"
                    )
                })
                .cloned()
                .collect();
            CallOptions::from_value(Some(&Value::Object(kept)))?
        }
        _ => CallOptions::default(),
    };
    Ok(Open {
        create,
        wait: ready.then(|| spec(Target::Session, None, options, DEFAULT_SESSION_WAIT_MS)),
        options: call_options,
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
    let id = Value::parse(&created).and_then(|v| {
        v.field("browser_session_id")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
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

/// Closes a session (idempotent; retried like any idempotent call).
pub async fn close<E: Env>(
    env: &E,
    cfg: &Config,
    options: &CallOptions,
    id: &str,
) -> Result<String, Error> {
    let plan = sessions::close(Some(&Value::String(id.to_string())))?;
    plan::run(env, cfg, options, &plan).await
}
