//! Retries: backoff, `Retry-After`, creates that must not repeat, timeouts and abort.

use super::{block_on, cfg, ok, run, status, v, with_retry_after, Script};
use crate::api::{profiles, runs, sessions};
use crate::config::CallOptions;
use crate::error::{Error, ErrorKind};
use crate::plan;
use crate::transport::SendError;

#[test]
fn idempotent_calls_retry_with_backoff() {
    let env = Script::new(vec![
        status(503, r#"{"error":"Database temporarily unavailable"}"#),
        Err(SendError::Network("reset".into())),
        ok("[]"),
    ]);
    assert_eq!(run(&env, &sessions::list()).unwrap(), "[]");
    assert_eq!(env.sent(), 3);
    assert_eq!(*env.sleeps.borrow(), vec![1000.0, 2000.0]);
    assert_eq!(
        env.request(0),
        env.request(2),
        "the same request on every attempt"
    );
}

#[test]
fn retries_stop_at_max_retries() {
    let env = Script::new(vec![
        status(500, ""),
        status(502, ""),
        status(504, "<html>"),
    ]);
    let e = run(&env, &runs::get(Some(&v(r#""tsk_1""#))).unwrap()).unwrap_err();
    assert_eq!(e.status(), Some(504));
    assert_eq!(env.sent(), 3);
    let env = Script::new(vec![status(500, ""), ok("{}")]);
    let o = CallOptions::from_value(Some(&v(r#"{"maxRetries":0}"#))).unwrap();
    let plan = runs::get(Some(&v(r#""tsk_1""#))).unwrap();
    assert!(block_on(plan::run(&env, &cfg(), &o, &plan)).is_err());
    assert_eq!(env.sent(), 1);
}

#[test]
fn retry_after_is_honoured() {
    let env = Script::new(vec![with_retry_after(503, "3"), ok("{}")]);
    run(&env, &runs::cancel(Some(&v(r#""tsk_1""#))).unwrap()).unwrap();
    assert_eq!(*env.sleeps.borrow(), vec![3000.0]);
    let env = Script::new(vec![
        with_retry_after(429, "Tue, 14 Nov 2023 22:13:25 GMT"),
        ok("[]"),
    ]);
    run(&env, &sessions::list()).unwrap();
    // 1_700_000_000_000 is 22:13:20; the date is 5 s later, measured after the 10 ms attempt.
    assert_eq!(*env.sleeps.borrow(), vec![4990.0]);
    let env = Script::new(vec![with_retry_after(429, "86400"), ok("[]")]);
    run(&env, &sessions::list()).unwrap();
    assert_eq!(*env.sleeps.borrow(), vec![60_000.0]);
}

#[test]
fn creates_are_never_repeated_unless_nothing_was_created() {
    let creates = || {
        vec![
            sessions::create(None).unwrap(),
            runs::run_task(Some(&v(r#"{"prompt":"p"}"#))).unwrap(),
            runs::run_workflow(Some(&v(r#"{"workflow_id":"w"}"#))).unwrap(),
            profiles::create(Some(&v(r#"{"name":"n"}"#))).unwrap(),
            sessions::extend(Some(&v(r#""p""#)), Some(&v(r#"{"additional_minutes":5}"#))).unwrap(),
        ]
    };
    for plan in creates() {
        for reply in [
            Err(SendError::Timeout),
            Err(SendError::Network("reset".into())),
            status(500, r#"{"error":"Unexpected error: X"}"#),
            status(502, ""),
            status(503, r#"{"detail":"busy"}"#),
            status(504, ""),
            status(408, ""),
        ] {
            let env = Script::new(vec![reply, ok("{}"), ok("{}")]);
            assert!(run(&env, &plan).is_err());
            assert_eq!(env.sent(), 1, "{:?}", plan.call);
        }
        let env = Script::new(vec![
            with_retry_after(503, "5"),
            status(429, ""),
            ok(r#"{"run_id":"x","browser_session_id":"p","browser_profile_id":"b"}"#),
        ]);
        assert!(run(&env, &plan).is_ok());
        assert_eq!(env.sent(), 3);
        assert_eq!(*env.sleeps.borrow(), vec![5000.0, 2000.0]);
    }
}

#[test]
fn timeouts_are_not_retried_and_use_the_configured_limit() {
    let env = Script::new(vec![Err(SendError::Timeout), ok("{}")]);
    let o = CallOptions::from_value(Some(&v(r#"{"timeoutInSeconds":1.5}"#))).unwrap();
    let plan = sessions::list();
    let e = block_on(plan::run(&env, &cfg(), &o, &plan)).unwrap_err();
    assert_eq!(e, Error::AttemptTimeout { timeout_ms: 1500.0 });
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(env.sent(), 1);
    assert_eq!(env.sent.borrow()[0].1, 1500.0);
}

#[test]
fn abort_is_final() {
    let env = Script::new(vec![Err(SendError::Aborted), ok("{}")]);
    assert_eq!(run(&env, &sessions::list()).unwrap_err(), Error::Aborted);
    assert_eq!(env.sent(), 1);
    let mut env = Script::new(vec![status(503, ""), ok("{}")]);
    env.abort_after_sleeps = Some(1);
    assert_eq!(run(&env, &sessions::list()).unwrap_err(), Error::Aborted);
    assert_eq!(env.sent(), 1);
}

#[test]
fn connection_errors_mention_cors_in_browsers() {
    let env = Script::new(vec![Err(SendError::Network("Failed to fetch".into()))]);
    let mut c = cfg();
    c.in_browser = true;
    c.max_retries = 0;
    let e = block_on(plan::run(
        &env,
        &c,
        &CallOptions::default(),
        &sessions::list(),
    ))
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection);
    assert!(e.message().contains("CORS"));
    assert!(e.message().contains("baseUrl"));
    assert!(e.retryable());
}
