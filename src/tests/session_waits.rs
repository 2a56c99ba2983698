//! Waiting for a browser session, and opening one that is closed again when the wait fails.

use super::{block_on, cfg, ok, run, v, Reply, Script};
use crate::api::sessions;
use crate::error::{Error, ErrorKind};
use crate::request::Method;
use crate::session;

fn session_obj(status: &str, started: bool) -> Reply {
    let started = if started {
        r#""2026-11-25T03:27:52""#
    } else {
        "null"
    };
    ok(&format!(
        r#"{{"browser_session_id":"pbs_1","status":"{status}","started_at":{started},"completed_at":null}}"#
    ))
}

#[test]
fn session_wait_until_running() {
    let env = Script::new(vec![
        session_obj("created", false),
        session_obj("running", true),
    ]);
    let plan = sessions::wait(Some(&v(r#""pbs_1""#)), None).unwrap();
    assert!(run(&env, &plan).unwrap().contains("running"));
    let env = Script::new(vec![
        session_obj("created", false),
        session_obj("failed", false),
    ]);
    let e = run(&env, &plan).unwrap_err();
    assert!(matches!(e, Error::SessionEnded { .. }));
    assert!(e.message().contains("failed"));
    assert!(e.body().unwrap().contains("pbs_1"));
}

#[test]
fn open_closes_the_session_when_the_wait_fails() {
    let open = session::open_plan(None, Some(&v(r#"{"timeout":1}"#))).unwrap();
    let env = Script::new((0..10).map(|_| session_obj("created", false)).collect());
    let cleanup = Script::new(vec![ok(r#"{"message":"Browser session closed"}"#)]);
    let e = block_on(session::open(&env, &cleanup, &cfg(), &open)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(cleanup.sent(), 1);
    assert!(cleanup
        .request(0)
        .url
        .ends_with("/v1/browser_sessions/pbs_1/close"));
    assert_eq!(env.request(0).method, Method::Post);
    assert_eq!(
        env.sent
            .borrow()
            .iter()
            .filter(|(r, _, _)| r.method == Method::Post)
            .count(),
        1
    );

    // Ready: nothing is closed; the create response counts as the first poll.
    let env = Script::new(vec![
        session_obj("created", false),
        session_obj("running", true),
    ]);
    let cleanup = Script::new(vec![]);
    let body = block_on(session::open(&env, &cleanup, &cfg(), &open)).unwrap();
    assert!(body.contains("running"));
    assert_eq!(cleanup.sent(), 0);

    let no_wait = session::open_plan(
        None,
        Some(&v(r#"{"waitUntilReady":false,"headers":{"x-t":"1"}}"#)),
    )
    .unwrap();
    assert!(no_wait.wait.is_none());
    assert_eq!(
        no_wait.options.headers,
        vec![("x-t".to_string(), "1".to_string())]
    );
    assert!(session::open_plan(None, Some(&v(r#"{"bogus":1}"#))).is_err());
}
