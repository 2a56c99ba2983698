//! One file per resource: each method's arguments read into their model, then
//! into a [`Plan`].

pub mod profiles;
pub mod runs;
pub mod sessions;

use serde::Serialize;

use crate::client::Call;
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::common::Id;
use crate::models::options::WaitOptions;
use crate::plan::Plan;
use crate::wait::{Target, WaitSpec};

/// The call of `op` (its row in the endpoint table) on the resource `id`.
pub(crate) fn call(op: Op, id: &str, body: Option<String>) -> Plan {
    let endpoint = op.endpoint();
    Plan::call(Call {
        method: endpoint.method,
        path: endpoint.path_with(id),
        body,
        retry: endpoint.retry,
        expect: endpoint.expect,
    })
}

/// A model as the JSON body of a request.
pub(crate) fn body<T: Serialize>(model: &T) -> Result<Option<String>, Error> {
    match codec::to_text(model) {
        Some(text) => Ok(Some(text)),
        None => Err(Error::invalid("request", "cannot be sent as JSON")),
    }
}

/// A resource id argument (`browserSessionId`, `runId`, `profileId`).
pub(crate) fn id(path: &str, v: Option<&Input>) -> Result<String, Error> {
    codec::value::<Id>(path, v).map(|id| id.0)
}

/// `waitForRun` / `waitForBrowserSession` options.
pub(crate) fn wait_plan(
    target: Target,
    id: String,
    options: Option<&Input>,
    default_ms: f64,
) -> Result<Plan, Error> {
    let o: WaitOptions = codec::object("options", options)?;
    Ok(Plan {
        call: None,
        wait: Some(spec(
            target,
            Some(id),
            o.timeout.map(|t| t.0),
            o.poll_interval_ms.map(|p| p.0),
            default_ms,
        )),
    })
}

/// A wait for `target` with the caller's timeout (seconds) and poll interval (ms).
pub(crate) fn spec(
    target: Target,
    id: Option<String>,
    timeout_seconds: Option<f64>,
    poll_ms: Option<f64>,
    default_ms: f64,
) -> WaitSpec {
    WaitSpec {
        target,
        id,
        timeout_ms: timeout_seconds.map_or(default_ms, |s| s * 1000.0),
        poll_ms,
    }
}
