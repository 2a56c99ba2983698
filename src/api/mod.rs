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
    local("webhooks", Ty::Source),
];

/// The safety-net poll interval of a wait that also listens for the run's webhook.
pub const PUSH_POLL_MS: f64 = 30_000.0;

/// `waitForRun` / `waitForBrowserSession` options.
pub(crate) fn wait_plan(
    target: Target,
    id: String,
    options: Option<&Value>,
    default_ms: f64,
) -> Result<Plan, Error> {
    object("options", options, WAIT_OPTIONS)?;
    let webhooks = options.and_then(|o| o.field("webhooks"));
    if target == Target::Session && webhooks.is_some_and(|w| !matches!(w, Value::Undefined)) {
        return Err(Error::invalid("options.webhooks", "is for waitForRun only"));
    }
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
        // With webhooks the JavaScript layer resolves on the run's event; polling is the safety net.
        poll_ms: num("pollIntervalMs").or_else(|| {
            o.and_then(|o| o.field("webhooks"))
                .filter(|w| matches!(w, Value::Object(_) | Value::Function))
                .map(|_| PUSH_POLL_MS)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(webhooks: Value, poll: Option<f64>) -> Value {
        let mut members = vec![("webhooks".to_string(), webhooks)];
        if let Some(ms) = poll {
            members.push(("pollIntervalMs".to_string(), Value::Number(ms)));
        }
        Value::Object(members)
    }

    fn poll_ms(target: Target, o: &Value) -> Result<Option<f64>, Error> {
        let plan = wait_plan(target, "tsk_1".into(), Some(o), 1000.0)?;
        Ok(plan.wait.and_then(|w| w.poll_ms))
    }

    #[test]
    fn webhooks_slow_the_run_poll_to_a_safety_net() {
        for source in [Value::Function, Value::Object(Vec::new())] {
            assert_eq!(
                poll_ms(Target::Run, &options(source.clone(), None)),
                Ok(Some(PUSH_POLL_MS))
            );
            // An explicit interval wins.
            assert_eq!(
                poll_ms(Target::Run, &options(source, Some(700.0))),
                Ok(Some(700.0))
            );
        }
        assert_eq!(
            poll_ms(Target::Run, &options(Value::Undefined, None)),
            Ok(None)
        );
    }

    #[test]
    fn webhooks_must_be_a_source_and_are_for_runs_only() {
        let Err(e) = poll_ms(Target::Run, &options(Value::String("x".into()), None)) else {
            panic!("a string was accepted");
        };
        assert!(e.message().contains("options.webhooks"), "{}", e.message());
        let Err(e) = poll_ms(Target::Session, &options(Value::Function, None)) else {
            panic!("a session wait took webhooks");
        };
        assert!(e.message().contains("waitForRun"), "{}", e.message());
    }
}
