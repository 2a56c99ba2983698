//! What a JavaScript method does, as plain data: a call, a wait, or a call
//! followed by a wait on the object it returned; and running it.

use crate::client::{check_body, send, Call};
use crate::config::{CallOptions, Config};
use crate::error::Error;
use crate::request::HttpResponse;
use crate::transport::Env;
use crate::wait::{self, WaitSpec};

/// What a JavaScript method does: a call, a wait, or a call followed by a wait
/// on the object it returned.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The API call to make first, if any.
    pub call: Option<Call>,
    /// The wait to perform after the call, if any.
    pub wait: Option<WaitSpec>,
}

impl Plan {
    /// A plan that makes one call and does not wait.
    pub fn call(call: Call) -> Plan {
        Plan {
            call: Some(call),
            wait: None,
        }
    }
}

/// A per-call API key is refused where the client's would be (a web page
/// without `dangerouslyAllowBrowser: true`).
fn check_key(cfg: &Config, opts: &CallOptions) -> Result<(), Error> {
    if opts.api_key.is_some() && !cfg.key_allowed {
        return Err(Error::BrowserApiKey);
    }
    Ok(())
}

/// Sends one call and resolves with the response itself (a body read as bytes
/// when the call asked for them).
pub async fn fetch<E: Env>(
    env: &E,
    cfg: &Config,
    opts: &CallOptions,
    call: &Call,
) -> Result<HttpResponse, Error> {
    check_key(cfg, opts)?;
    send(env, cfg, opts, call, None).await
}

/// Runs a plan; resolves with the final JSON text.
pub async fn run<E: Env>(
    env: &E,
    cfg: &Config,
    opts: &CallOptions,
    plan: &Plan,
) -> Result<String, Error> {
    check_key(cfg, opts)?;
    let mut first = None;
    if let Some(call) = &plan.call {
        let resp = send(env, cfg, opts, call, None).await?;
        check_body(call.expect, resp.status, &resp.body)?;
        if plan.wait.is_none() {
            return Ok(resp.body);
        }
        first = Some(resp.body);
    }
    match &plan.wait {
        Some(spec) => wait::wait(env, cfg, opts, spec, first).await,
        None => Ok(String::new()),
    }
}
