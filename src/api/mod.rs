//! One file per resource: validation of each method's arguments into a [`Plan`].

pub mod profiles;
pub mod runs;
pub mod sessions;

use crate::client::Call;
use crate::endpoints::Op;
use crate::error::Error;
use crate::json::Value;
use crate::plan::Plan;
use crate::validate::{local, object, Ty};
use crate::wait::{Target, WaitSpec};

/// The call of `op` (its row in the endpoint table) on the resource `id`.
pub(crate) fn call(op: Op, id: &str, body: Option<Value>) -> Plan {
    let endpoint = op.endpoint();
    Plan::call(Call {
        method: endpoint.method,
        path: endpoint.path_with(id),
        body: body.map(|b| b.to_json()),
        retry: endpoint.retry,
        expect: endpoint.expect,
    })
}

/// Upper bound for wait timeouts (seconds) and poll intervals (ms): one day.
const MAX_WAIT_SECONDS: f64 = 86_400.0;

const WAIT_OPTIONS: &[crate::validate::Field] = &[
    local("timeout", Ty::Num(0.0, MAX_WAIT_SECONDS)),
    local("pollIntervalMs", Ty::Num(0.0, MAX_WAIT_SECONDS * 1000.0)),
    local("onStatus", Ty::Func),
    local("abortSignal", Ty::Signal),
];

/// `waitForRun` / `waitForBrowserSession` options.
pub(crate) fn wait_plan(
    target: Target,
    id: String,
    options: Option<&Value>,
    default_ms: f64,
) -> Result<Plan, Error> {
    object("options", options, WAIT_OPTIONS)?;
    Ok(Plan {
        call: None,
        wait: Some(spec(target, Some(id), options, default_ms)),
    })
}

pub(crate) fn spec(
    target: Target,
    id: Option<String>,
    o: Option<&Value>,
    default_ms: f64,
) -> WaitSpec {
    let num = |k: &str| o.and_then(|o| o.field(k)).and_then(Value::as_f64);
    WaitSpec {
        target,
        id,
        timeout_ms: num("timeout").map_or(default_ms, |s| s * 1000.0),
        poll_ms: num("pollIntervalMs"),
    }
}
