//! Running one case of the matrix against the emulator and checking the outcome.

use super::*;
use crate::fault_plans::{plan, Expect, HANG_TIMEOUT_S, TEN_MB};

fn method_and_path(op: Op, target: &str) -> (&'static str, String) {
    match op {
        Op::Read => ("GET", format!("/v1/browser_sessions/{target}")),
        Op::Close => ("POST", format!("/v1/browser_sessions/{target}/close")),
        Op::Cancel => ("POST", format!("/v1/runs/{target}/cancel")),
        Op::CreateSession => ("POST", "/v1/browser_sessions".into()),
        Op::RunTask => ("POST", "/v1/run/tasks".into()),
    }
}

fn call(c: &SkyvernClient, op: Op, target: &str, options: Option<JsValue>) -> Promise {
    let t = JsValue::from_str(target);
    match op {
        Op::Read => c.get_browser_session(t, options),
        Op::Close => c.close_browser_session(t, options),
        Op::Cancel => c.cancel_run(t, options),
        Op::CreateSession => c.create_browser_session(Some(js(r#"{"timeout":5}"#)), options),
        Op::RunTask => c.run_task(js(r#"{"prompt":"fault matrix [steps=1]"}"#), options),
    }
}

/// Runs one case end to end; `Err` describes what went wrong.
pub(crate) async fn run_case(
    c: Rc<SkyvernClient>,
    op: Op,
    case: Case,
    target: String,
) -> Result<(), String> {
    let what = format!("{op:?}/{case:?}");
    let id = unique("fault");
    let (method, path) = method_and_path(op, &target);
    let (fault, expect) = plan(op, case, &target);
    let spec = format!(
        r#"{{"method":"{method}","path":"{path}","times":{},{fault}}}"#,
        expect.requests
    );
    let added = emulator("POST", "/_emulator/faults", Some(spec)).await?;
    ensure!(
        get(&added, "id").as_f64().is_some(),
        "{what}: fault refused: {added:?}"
    );

    let timeout = (case == Case::Hang).then_some(HANG_TIMEOUT_S);
    let started = js_sys::Date::now();
    let outcome = JsFuture::from(call(&c, op, &target, opts(&id, timeout))).await;
    let elapsed = js_sys::Date::now() - started;
    if case == Case::Reset && in_page() {
        return check_reset_in_a_page(&c, op, &outcome, &expect, &id, &what).await;
    }
    check_outcome(&outcome, &expect, case, &what)?;
    check_retry_after_wait(case, elapsed, &what)?;
    if case == Case::Hang {
        ensure!(elapsed < 2500.0, "{what}: timeout took {elapsed} ms");
        wait_for_the_hung_request(&id).await?;
    }
    let log = logged(&id).await?;
    let hits = log.iter().filter(|r| s(r, "path") == path).count();
    ensure!(
        hits == expect.requests && log.len() == expect.requests,
        "{what}: {hits} requests to {path} ({} in all), wanted {}",
        log.len(),
        expect.requests
    );
    the_same_client_still_works(&c, op, &target, &what).await
}

/// Chromium itself resends a request whose reused keep-alive connection
/// was reset before any response (it takes it for a stale socket), so in
/// a page the create may arrive twice although the client sent it once.
/// The client cannot prevent this; see docs/reliability.md.
async fn check_reset_in_a_page(
    c: &SkyvernClient,
    op: Op,
    outcome: &Result<JsValue, JsValue>,
    expect: &Expect,
    id: &str,
    what: &str,
) -> Result<(), String> {
    let log = logged(id).await?;
    // Creates: the client's one send became two; idempotent calls: the
    // client's retry (and the browser's resends) got through.
    let most = if op.creates() { 2 } else { 4 };
    match outcome {
        Ok(v) => {
            ensure!(
                (2..=most).contains(&log.len()),
                "{what}: resolved after {} requests",
                log.len()
            );
            let sid = s(v, "browser_session_id");
            if !sid.is_empty() {
                let _ =
                    JsFuture::from(c.close_browser_session(JsValue::from_str(&sid), None)).await;
            }
        }
        Err(e) => {
            ensure!(
                s(e, "name") == "SkyvernConnectionError",
                "{what}: {}",
                s(e, "name")
            );
            ensure!(
                (expect.requests..=2 * expect.requests).contains(&log.len()),
                "{what}: {} requests",
                log.len()
            );
        }
    }
    Ok(())
}

/// The call resolved or rejected as the plan expects.
fn check_outcome(
    outcome: &Result<JsValue, JsValue>,
    expect: &Expect,
    case: Case,
    what: &str,
) -> Result<(), String> {
    match (outcome, expect.class) {
        (Ok(v), None) => {
            let padding = s(v, "padding");
            ensure!(
                padding.len() == TEN_MB,
                "{what}: padding of {} bytes",
                padding.len()
            );
        }
        (Ok(v), Some(class)) => {
            let shown = JSON::stringify(v)
                .ok()
                .and_then(|j| j.as_string())
                .unwrap_or_else(|| "undefined".into());
            return Err(format!(
                "{what}: resolved ({} bytes: {}) instead of rejecting with {class}",
                shown.len(),
                shown.chars().take(120).collect::<String>()
            ));
        }
        (Err(e), None) => {
            return Err(format!(
                "{what}: rejected: {} {}",
                s(e, "name"),
                s(e, "message")
            ))
        }
        (Err(e), Some(class)) => check_error(e, class, expect, case, what)?,
    }
    Ok(())
}

/// The rejection is an `Error` of the expected class, status and message,
/// short, with a retryable flag (and the whole body of a huge error).
fn check_error(
    e: &JsValue,
    class: &str,
    expect: &Expect,
    case: Case,
    what: &str,
) -> Result<(), String> {
    ensure!(
        e.is_instance_of::<js_sys::Error>(),
        "{what}: not an Error: {e:?}"
    );
    let name = s(e, "name");
    let message = s(e, "message");
    ensure!(
        name == class,
        "{what}: {name} ({message}) instead of {class}"
    );
    let status = get(e, "statusCode").as_f64().map(|n| n as u16);
    ensure!(
        status == expect.status,
        "{what}: statusCode {status:?}, wanted {:?}",
        expect.status
    );
    ensure!(
        message.starts_with(expect.message),
        "{what}: message {:?} does not start with {:?}",
        message.chars().take(200).collect::<String>(),
        expect.message
    );
    ensure!(
        message.len() < 1000,
        "{what}: message of {} bytes",
        message.len()
    );
    ensure!(
        get(e, "retryable").as_bool().is_some(),
        "{what}: no retryable flag"
    );
    if case == Case::HugeError {
        let body = get(e, "body").as_string().unwrap_or_default();
        ensure!(body.len() > TEN_MB, "{what}: body of {} bytes", body.len());
    }
    if case == Case::Reset && in_page() {
        ensure!(
            message.contains("CORS"),
            "{what}: no CORS hint in a page: {message}"
        );
    }
    Ok(())
}

/// Retry-After: Node reads it (2 s); a cross-origin page cannot and backs off ~1 s.
fn check_retry_after_wait(case: Case, elapsed: f64, what: &str) -> Result<(), String> {
    if case == Case::TooManyRetryAfterSeconds {
        if in_page() {
            // The page cannot read the header: it backs off (~1 s) instead.
            ensure!(
                elapsed >= 800.0,
                "{what}: no backoff ({elapsed} ms) in a page"
            );
        } else {
            ensure!(
                elapsed >= 1900.0,
                "{what}: Retry-After 2 s not honoured ({elapsed} ms)"
            );
        }
    }
    Ok(())
}

/// The emulator logs a hung request once the client has gone; a retry
/// would show up a little later.
async fn wait_for_the_hung_request(id: &str) -> Result<(), String> {
    for _ in 0..30 {
        if !logged(id).await?.is_empty() {
            break;
        }
        sleep(100).await;
    }
    sleep(300).await;
    Ok(())
}

/// The same client still works (nothing poisoned, no panic).
async fn the_same_client_still_works(
    c: &SkyvernClient,
    op: Op,
    target: &str,
    what: &str,
) -> Result<(), String> {
    let after = unique("after");
    let v = JsFuture::from(call(c, op, target, opts(&after, None)))
        .await
        .map_err(|e| {
            format!(
                "{what}: the next call failed: {} {}",
                s(&e, "name"),
                s(&e, "message")
            )
        })?;
    match op {
        Op::Read => ensure!(s(&v, "browser_session_id") == target, "{what}: next read"),
        Op::Close => ensure!(s(&v, "message").contains("closed"), "{what}: next close"),
        Op::Cancel => {}
        Op::CreateSession => {
            let sid = s(&v, "browser_session_id");
            ensure!(sid.starts_with("pbs_"), "{what}: next create");
            let _ = JsFuture::from(c.close_browser_session(JsValue::from_str(&sid), None)).await;
        }
        Op::RunTask => ensure!(s(&v, "run_id").starts_with("tsk_"), "{what}: next run"),
    }
    let again = logged(&after).await?;
    ensure!(
        again.len() == 1,
        "{what}: the next call sent {} requests",
        again.len()
    );
    Ok(())
}
