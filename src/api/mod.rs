//! One file per resource: each method's arguments read into their model, then
//! into a [`Plan`].

mod envelope;
pub mod listing;
pub mod profiles;
pub mod runs;
pub mod sessions;
pub mod tasks;

use serde::Serialize;

use crate::client::Call;
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::common::Id;
use crate::models::options::WaitOptions;
use crate::plan::Plan;
use crate::request::Body;
use crate::wait::{Target, WaitSpec};

/// The call of `op` (its row in the endpoint table) on the resource `id`.
pub(crate) fn call(op: Op, id: &str, body: Option<Body>) -> Plan {
    Plan::call(Call::of(op, id, body))
}

/// A model as the JSON body of a request.
pub(crate) fn body<T: Serialize>(model: &T) -> Result<Option<Body>, Error> {
    match codec::to_text(model) {
        Some(text) => Ok(Some(Body::Json(text))),
        None => Err(Error::invalid("request", "cannot be sent as JSON")),
    }
}

/// A resource id argument (`browserSessionId`, `runId`, `profileId`).
pub(crate) fn id(path: &str, v: Option<&Input>) -> Result<String, Error> {
    codec::value::<Id>(path, v).map(|id| id.0)
}

/// The safety-net poll interval of a wait that also listens for the run's webhook.
pub const PUSH_POLL_MS: f64 = 30_000.0;

/// `waitForRun` / `waitForBrowserSession` options.
pub(crate) fn wait_plan(
    target: Target,
    id: String,
    options: Option<&Input>,
    default_ms: f64,
) -> Result<Plan, Error> {
    let o: WaitOptions = codec::object("options", options)?;
    if target == Target::Session && o.webhooks.is_some() {
        return Err(Error::invalid("options.webhooks", "is for waitForRun only"));
    }
    // With webhooks the JavaScript layer resolves on the run's event; polling is the safety net.
    let poll_ms = o.poll_interval_ms.map(|p| p.0);
    let poll_ms = poll_ms.or(o.webhooks.map(|_| PUSH_POLL_MS));
    Ok(Plan {
        call: None,
        wait: Some(spec(
            target,
            Some(id),
            o.timeout.map(|t| t.0),
            poll_ms,
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn poll_ms(target: Target, o: &str) -> Result<Option<f64>, Error> {
        let input: Input =
            serde_json::from_str(o).map_err(|_| Error::invalid("test", "bad JSON"))?;
        let plan = wait_plan(target, "tsk_1".into(), Some(&input), 1000.0)?;
        Ok(plan.wait.and_then(|w| w.poll_ms))
    }

    #[test]
    fn webhooks_slow_the_run_poll_to_a_safety_net() {
        // The JavaScript layer checks the source itself; here it is any value.
        assert_eq!(
            poll_ms(Target::Run, r#"{"webhooks":{}}"#),
            Ok(Some(PUSH_POLL_MS))
        );
        // An explicit interval wins.
        assert_eq!(
            poll_ms(Target::Run, r#"{"webhooks":{},"pollIntervalMs":700}"#),
            Ok(Some(700.0))
        );
        assert_eq!(poll_ms(Target::Run, r#"{}"#), Ok(None));
    }

    #[test]
    fn webhooks_are_for_run_waits_only() {
        let Err(e) = poll_ms(Target::Session, r#"{"webhooks":{}}"#) else {
            panic!("a session wait took webhooks");
        };
        assert!(e.message().contains("options.webhooks"), "{}", e.message());
        assert!(e.message().contains("waitForRun"), "{}", e.message());
    }
}
