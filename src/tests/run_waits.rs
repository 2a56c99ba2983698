//! Waiting for a run: the polling schedule, terminal states, deadlines and abort.

use super::{ok, run, status, v, Reply, Script};
use crate::api::runs;
use crate::error::{Error, ErrorKind};
use crate::request::Method;
use crate::transport::SendError;

fn run_obj(status: &str) -> Reply {
    ok(&format!(r#"{{"run_id":"tsk_1","status":"{status}"}}"#))
}

#[test]
fn polling_is_quick_for_half_a_minute_then_backs_off_to_five_seconds() {
    use crate::wait::next_interval;
    let mut waited = 0.0;
    let mut interval = 250.0;
    let mut schedule = vec![interval];
    while waited < 60_000.0 {
        waited += interval;
        interval = next_interval(interval, waited);
        schedule.push(interval);
    }
    assert_eq!(&schedule[..4], &[250.0, 500.0, 1000.0, 1000.0]);
    assert!(schedule.iter().all(|i| *i <= 5000.0));
    let fast: Vec<_> = schedule.iter().take_while(|i| **i <= 1000.0).collect();
    assert!(
        fast.len() >= 28,
        "about a second apart for the first 30 s: {schedule:?}"
    );
    assert_eq!(schedule.last(), Some(&5000.0), "{schedule:?}");
}

#[test]
fn run_wait_polls_adaptively_until_terminal() {
    let env = Script::new(vec![
        run_obj("created"),
        run_obj("queued"),
        run_obj("running"),
        run_obj("running"),
        run_obj("paused"),
        run_obj("running"),
        run_obj("running"),
        run_obj("running"),
        run_obj("completed"),
    ]);
    let plan = runs::wait(Some(&v(r#""tsk_1""#)), None).unwrap();
    let body = run(&env, &plan).unwrap();
    assert!(body.contains("completed"));
    assert_eq!(env.sent(), 9);
    assert_eq!(
        *env.sleeps.borrow(),
        vec![250.0, 500.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0]
    );
    let statuses: Vec<String> = env
        .statuses
        .borrow()
        .iter()
        .map(|s| v(s).get("status").unwrap().as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        statuses,
        [
            "created",
            "queued",
            "running",
            "paused",
            "running",
            "completed"
        ]
    );
    assert!(env.request(0).url.ends_with("/v1/runs/tsk_1"));
}

#[test]
fn every_terminal_status_ends_the_wait() {
    for s in ["completed", "failed", "terminated", "canceled", "timed_out"] {
        let env = Script::new(vec![run_obj(s)]);
        run(&env, &runs::wait(Some(&v(r#""tsk_1""#)), None).unwrap()).unwrap();
        assert_eq!(env.sent(), 1);
    }
}

#[test]
fn workflow_waits_while_a_retry_is_pending() {
    let env = Script::new(vec![
        ok(r#"{"run_id":"wr_1","status":"failed","retry_pending":true}"#),
        ok(r#"{"run_id":"wr_1","status":"completed","retry_pending":false}"#),
    ]);
    run(&env, &runs::wait(Some(&v(r#""wr_1""#)), None).unwrap()).unwrap();
    assert_eq!(env.sent(), 2);
}

#[test]
fn explicit_poll_interval_is_honoured() {
    let env = Script::new(vec![
        run_obj("running"),
        run_obj("running"),
        run_obj("completed"),
    ]);
    let plan = runs::wait(
        Some(&v(r#""tsk_1""#)),
        Some(&v(r#"{"pollIntervalMs":700}"#)),
    )
    .unwrap();
    run(&env, &plan).unwrap();
    assert_eq!(*env.sleeps.borrow(), vec![700.0, 700.0]);
}

#[test]
fn wait_timeout_carries_the_last_seen_object() {
    let replies = (0..100).map(|_| run_obj("running")).collect();
    let env = Script::new(replies);
    let plan = runs::wait(Some(&v(r#""tsk_1""#)), Some(&v(r#"{"timeout":3}"#))).unwrap();
    let e = run(&env, &plan).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.last_seen().unwrap().contains("running"));
    assert!(e.message().contains("run tsk_1"), "{}", e.message());
    let total: f64 = env.sleeps.borrow().iter().sum();
    assert!(total <= 3000.0, "never sleeps past the deadline: {total}");
    // No cancel was sent.
    assert!(env
        .sent
        .borrow()
        .iter()
        .all(|(r, _, _)| r.method == Method::Get));
}

#[test]
fn a_hanging_poll_is_cut_at_the_wait_deadline() {
    let env = Script::new(vec![run_obj("running"), Err(SendError::Timeout)]);
    let plan = runs::wait(Some(&v(r#""tsk_1""#)), Some(&v(r#"{"timeout":2}"#))).unwrap();
    let e = run(&env, &plan).unwrap_err();
    assert!(matches!(e, Error::WaitTimeout { .. }), "{e:?}");
    let second_timeout = env.sent.borrow()[1].1;
    assert!(second_timeout <= 2000.0 - 250.0, "{second_timeout}");
}

#[test]
fn wait_stops_at_once_on_abort() {
    let mut env = Script::new(vec![
        run_obj("running"),
        run_obj("running"),
        run_obj("completed"),
    ]);
    env.abort_after_sleeps = Some(1);
    let e = run(&env, &runs::wait(Some(&v(r#""tsk_1""#)), None).unwrap()).unwrap_err();
    assert_eq!(e, Error::Aborted);
    assert_eq!(env.sent(), 1);
}

#[test]
fn wait_propagates_real_errors_and_callback_failures() {
    let env = Script::new(vec![status(
        404,
        r#"{"detail":"Task run not found tsk_0"}"#,
    )]);
    let e = run(&env, &runs::wait(Some(&v(r#""tsk_0""#)), None).unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let mut env = Script::new(vec![run_obj("running")]);
    env.callback_fails = true;
    let e = run(&env, &runs::wait(Some(&v(r#""tsk_1""#)), None).unwrap()).unwrap_err();
    assert_eq!(e, Error::Callback);
}

#[test]
fn run_task_with_wait_polls_the_created_run() {
    let env = Script::new(vec![
        ok(r#"{"run_id":"tsk_9","status":"created"}"#),
        run_obj("running"),
        ok(r#"{"run_id":"tsk_9","status":"completed","output":{"a":1}}"#),
    ]);
    let plan = runs::run_task(Some(&v(
        r#"{"prompt":"p","waitForCompletion":true,"timeout":60}"#,
    )))
    .unwrap();
    let body = run(&env, &plan).unwrap();
    assert!(body.contains("output"));
    assert_eq!(env.request(0).method, Method::Post);
    assert!(env.request(1).url.ends_with("/v1/runs/tsk_9"));
    assert_eq!(env.request(0).json(), Some(r#"{"prompt":"p"}"#));
    assert_eq!(*env.sleeps.borrow(), vec![250.0, 500.0]);
}
