//! Host tests of the whole core over a scripted environment with a fake clock.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::api::{profiles, runs, sessions};
use crate::client::build;
use crate::config::{CallOptions, Config};
use crate::error::{Error, ErrorKind};
use crate::plan::{self, Plan};
use crate::request::{HttpRequest, HttpResponse, Method};
use crate::session;
use crate::transport::{Env, SendError};
use serde_json::Value;

/// Drives a future whose awaits all complete at once (the scripted env never pends).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("future did not complete");
}

type Reply = Result<HttpResponse, SendError>;

#[derive(Default)]
struct Script {
    now: Cell<f64>,
    replies: RefCell<VecDeque<Reply>>,
    sent: RefCell<Vec<(HttpRequest, f64, f64)>>,
    sleeps: RefCell<Vec<f64>>,
    statuses: RefCell<Vec<String>>,
    /// Abort once this many sleeps have happened.
    abort_after_sleeps: Option<usize>,
    /// Each request takes this long (fake ms).
    latency: f64,
    callback_fails: bool,
}

impl Script {
    fn new(replies: Vec<Reply>) -> Script {
        Script {
            now: Cell::new(1_700_000_000_000.0),
            replies: RefCell::new(replies.into()),
            latency: 10.0,
            ..Script::default()
        }
    }
    fn sent(&self) -> usize {
        self.sent.borrow().len()
    }
    fn request(&self, i: usize) -> HttpRequest {
        self.sent.borrow()[i].0.clone()
    }
}

fn ok(body: &str) -> Reply {
    status(200, body)
}
fn status(status: u16, body: &str) -> Reply {
    Ok(HttpResponse {
        status,
        retry_after: None,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
        ..HttpResponse::default()
    })
}
fn with_retry_after(s: u16, ra: &str) -> Reply {
    Ok(HttpResponse {
        status: s,
        retry_after: Some(ra.into()),
        headers: vec![("retry-after".into(), ra.into())],
        body: r#"{"detail":"busy"}"#.into(),
        ..HttpResponse::default()
    })
}

impl Env for Script {
    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: f64,
    ) -> Result<HttpResponse, SendError> {
        self.sent
            .borrow_mut()
            .push((request.clone(), timeout_ms, self.now.get()));
        let reply = self
            .replies
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(SendError::Network("script exhausted".into())));
        match reply {
            Err(SendError::Timeout) => self.now.set(self.now.get() + timeout_ms),
            _ => self.now.set(self.now.get() + self.latency.min(timeout_ms)),
        }
        reply
    }
    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        self.sleeps.borrow_mut().push(ms);
        if self
            .abort_after_sleeps
            .is_some_and(|n| self.sleeps.borrow().len() >= n)
        {
            return Err(Error::Aborted);
        }
        self.now.set(self.now.get() + ms);
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn aborted(&self) -> bool {
        self.abort_after_sleeps
            .is_some_and(|n| self.sleeps.borrow().len() >= n)
    }
    fn on_status(&self, body: &str) -> Result<(), Error> {
        self.statuses.borrow_mut().push(body.to_string());
        if self.callback_fails {
            Err(Error::Callback)
        } else {
            Ok(())
        }
    }
}

fn v(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn cfg() -> Config {
    Config::from_options(
        Some(&v(
            r#"{"apiKey":"sk-test","baseUrl":"http://127.0.0.1:9","headers":{"X-Client":"c"}}"#,
        )),
        false,
    )
    .unwrap()
}

fn run(env: &Script, plan: &Plan) -> Result<String, Error> {
    block_on(plan::run(env, &cfg(), &CallOptions::default(), plan))
}

fn built(plan: Plan) -> HttpRequest {
    let call = plan.call.expect("a call");
    build(&cfg(), &CallOptions::default(), &call)
}

// ---------------------------------------------------------------- request building

#[test]
fn builds_every_method() {
    let cases: Vec<(Plan, Method, &str, Option<&str>)> = vec![
        (
            sessions::create(Some(&v(
                r#"{"timeout":30,"proxy_location":{"country":"US","subdivision":"CA"},"extensions":["ad-blocker"],"browser_type":"msedge","browser_profile_id":"bp_1","generate_browser_profile":true,"url":"https://example.com","browser_settings":{"timezone_id":"America/New_York"},"proxy_session_id":"s1"}"#,
            )))
            .unwrap(),
            Method::Post,
            "/v1/browser_sessions",
            Some(
                r#"{"timeout":30,"proxy_location":{"country":"US","subdivision":"CA"},"proxy_session_id":"s1","extensions":["ad-blocker"],"browser_type":"msedge","browser_profile_id":"bp_1","generate_browser_profile":true,"url":"https://example.com","browser_settings":{"timezone_id":"America/New_York"}}"#,
            ),
        ),
        (sessions::create(None).unwrap(), Method::Post, "/v1/browser_sessions", Some("{}")),
        (
            sessions::get(Some(&v(r#""pbs_1""#))).unwrap(),
            Method::Get,
            "/v1/browser_sessions/pbs_1",
            None,
        ),
        (sessions::list(), Method::Get, "/v1/browser_sessions", None),
        (
            sessions::close(Some(&v(r#""pbs_1""#))).unwrap(),
            Method::Post,
            "/v1/browser_sessions/pbs_1/close",
            None,
        ),
        (
            sessions::update(Some(&v(r#""pbs_1""#)), Some(&v(r#"{"generate_browser_profile":true}"#)))
                .unwrap(),
            Method::Patch,
            "/v1/browser_sessions/pbs_1",
            Some(r#"{"generate_browser_profile":true}"#),
        ),
        (
            sessions::extend(Some(&v(r#""pbs_1""#)), Some(&v(r#"{"additional_minutes":30}"#)))
                .unwrap(),
            Method::Post,
            "/v1/browser_sessions/pbs_1/extend",
            Some(r#"{"additional_minutes":30}"#),
        ),
        (
            runs::run_task(Some(&v(
                r#"{"prompt":"Read it","url":"https://e.x","browser_session_id":"pbs_1","max_steps":3,"engine":"skyvern-2.0","data_extraction_schema":{"type":"object"},"waitForCompletion":false,"timeout":10}"#,
            )))
            .unwrap(),
            Method::Post,
            "/v1/run/tasks",
            Some(
                r#"{"prompt":"Read it","url":"https://e.x","browser_session_id":"pbs_1","engine":"skyvern-2.0","data_extraction_schema":{"type":"object"},"max_steps":3}"#,
            ),
        ),
        (
            runs::run_workflow(Some(&v(
                r#"{"workflow_id":"wpid_1","parameters":{"a":1},"browser_session_id":"pbs_1"}"#,
            )))
            .unwrap(),
            Method::Post,
            "/v1/run/agents",
            Some(r#"{"workflow_id":"wpid_1","parameters":{"a":1},"browser_session_id":"pbs_1"}"#),
        ),
        (runs::get(Some(&v(r#""tsk_1""#))).unwrap(), Method::Get, "/v1/runs/tsk_1", None),
        (
            runs::cancel(Some(&v(r#""tsk_1""#))).unwrap(),
            Method::Post,
            "/v1/runs/tsk_1/cancel",
            None,
        ),
        (
            profiles::create(Some(&v(r#"{"name":"p","browser_session_id":"pbs_1","description":"d"}"#)))
                .unwrap(),
            Method::Post,
            "/v1/browser_profiles",
            Some(r#"{"name":"p","browser_session_id":"pbs_1","description":"d"}"#),
        ),
        (profiles::list(None).unwrap(), Method::Get, "/v1/browser_profiles", None),
        (
            profiles::get(Some(&v(r#""bp_1""#))).unwrap(),
            Method::Get,
            "/v1/browser_profiles/bp_1",
            None,
        ),
        (
            profiles::delete(Some(&v(r#""bp_1""#))).unwrap(),
            Method::Delete,
            "/v1/browser_profiles/bp_1",
            None,
        ),
    ];
    for (plan, method, path, body) in cases {
        let r = built(plan);
        assert_eq!(r.method, method, "{path}");
        assert_eq!(r.url, format!("http://127.0.0.1:9{path}"));
        assert_eq!(r.json(), body, "{path}");
        assert_eq!(r.header("x-api-key"), Some("sk-test"));
        assert_eq!(r.header("x-client"), Some("c"));
        assert_eq!(r.header("user-agent"), None);
        assert_eq!(
            r.header("content-type"),
            body.map(|_| "application/json"),
            "content-type only with a body: {path}"
        );
        assert_eq!(
            r.headers.iter().filter(|(k, _)| k == "x-api-key").count(),
            1
        );
    }
}

#[test]
fn ids_that_could_change_the_route_are_refused() {
    for bad in [r#""../credentials""#, r#""a?b#c""#, r#""a%2Fb""#, r#""..""#] {
        let e = sessions::get(Some(&v(bad))).unwrap_err();
        assert!(
            e.message().starts_with("browserSessionId: must be an id"),
            "{bad}"
        );
        assert!(runs::cancel(Some(&v(bad))).is_err(), "{bad}");
    }
    let r = built(runs::cancel(Some(&v(r#""tsk_v2_1-a.b""#))).unwrap());
    assert_eq!(r.url, "http://127.0.0.1:9/v1/runs/tsk_v2_1-a.b/cancel");
}

#[test]
fn request_headers_override_client_headers_and_no_key_without_api_key() {
    let c = Config::from_options(
        Some(&v(r#"{"baseUrl":"http://p","headers":{"a":"1","b":"2"}}"#)),
        false,
    )
    .unwrap();
    let o = CallOptions::from_value(Some(&v(
        r#"{"headers":{"B":"3","content-type":"text/plain"}}"#,
    )))
    .unwrap();
    let call = sessions::list().call.unwrap();
    let r = build(&c, &o, &call);
    assert_eq!(r.header("a"), Some("1"));
    assert_eq!(r.header("b"), Some("3"));
    assert_eq!(r.header("content-type"), None);
    assert_eq!(r.header("x-api-key"), None);
}

#[test]
fn invalid_arguments_name_the_field_and_send_nothing() {
    for (result, field) in [
        (runs::run_task(Some(&v(r#"{}"#))), "request.prompt"),
        (runs::run_task(None), "request.prompt"),
        (
            runs::run_task(Some(&v(r#"{"prompt":"x","max_steps":0.5}"#))),
            "request.max_steps",
        ),
        (
            runs::run_task(Some(&v(r#"{"prompt":"x","promt":"y"}"#))),
            "request.promt",
        ),
        (
            sessions::create(Some(&v(r#"{"timeout":3}"#))),
            "request.timeout",
        ),
        (
            sessions::create(Some(&v(r#"{"timeout":"abc"}"#))),
            "request.timeout",
        ),
        (
            sessions::create(Some(&v(r#"{"timeout":60.5}"#))),
            "request.timeout",
        ),
        (
            sessions::create(Some(&v(r#"{"extensions":"ad-blocker"}"#))),
            "request.extensions",
        ),
        (sessions::get(Some(&v(r#""""#))), "browserSessionId"),
        (sessions::get(None), "browserSessionId"),
        (sessions::get(Some(&v("5"))), "browserSessionId"),
        (
            sessions::update(Some(&v(r#""p""#)), Some(&v("{}"))),
            "request.generate_browser_profile",
        ),
        (
            sessions::extend(Some(&v(r#""p""#)), Some(&v(r#"{"additional_minutes":0}"#))),
            "request.additional_minutes",
        ),
        (
            runs::run_workflow(Some(&v(r#"{"parameters":{}}"#))),
            "request.workflow_id",
        ),
        (runs::get(Some(&v(r#""""#))), "runId"),
        (
            runs::wait(Some(&v(r#""r""#)), Some(&v(r#"{"timeout":"x"}"#))),
            "options.timeout",
        ),
        (
            profiles::create(Some(&v(r#"{"description":"d"}"#))),
            "request.name",
        ),
        (profiles::delete(Some(&v("null"))), "profileId"),
    ] {
        let e = result.unwrap_err();
        assert!(matches!(e, Error::InvalidArgument { .. }));
        assert!(e.message().starts_with(field), "{field}: {}", e.message());
        assert_eq!(e.kind(), ErrorKind::Skyvern);
    }
}

// ---------------------------------------------------------------- responses and errors

#[test]
fn success_bodies_are_returned_verbatim() {
    let body = r#"{"browser_session_id":"pbs_1","status":"created","future_field":{"x":1}}"#;
    let env = Script::new(vec![ok(body)]);
    let plan = sessions::get(Some(&v(r#""pbs_1""#))).unwrap();
    assert_eq!(run(&env, &plan).unwrap(), body);
    let env = Script::new(vec![status(204, "")]);
    assert_eq!(
        run(&env, &profiles::delete(Some(&v(r#""bp_1""#))).unwrap()).unwrap(),
        ""
    );
    let env = Script::new(vec![status(
        202,
        r#"{"browser_session_id":"p","warning":"unconfirmed"}"#,
    )]);
    let plan =
        sessions::extend(Some(&v(r#""p""#)), Some(&v(r#"{"additional_minutes":5}"#))).unwrap();
    assert!(run(&env, &plan).unwrap().contains("unconfirmed"));
    assert_eq!(env.sent(), 1);
}

#[test]
fn real_server_error_bodies_map_to_classes() {
    for (code, body, kind) in [
        (
            403,
            r#"{"detail":"Invalid credentials"}"#,
            ErrorKind::Forbidden,
        ),
        (
            404,
            r#"{"detail":"Browser session pbs_0 not found"}"#,
            ErrorKind::NotFound,
        ),
        (
            409,
            r#"{"detail":"Browser session ended"}"#,
            ErrorKind::Conflict,
        ),
        (
            410,
            r#"{"detail":"Browser session pbs_1 is no longer usable (status: completed)."}"#,
            ErrorKind::Gone,
        ),
        (
            422,
            r#"{"detail":[{"type":"greater_than_equal","loc":["body","timeout"],"msg":"Input should be greater than or equal to 5","input":4,"ctx":{"ge":5}}]}"#,
            ErrorKind::UnprocessableEntity,
        ),
        (400, r#"{"detail":"bad proxy"}"#, ErrorKind::BadRequest),
        (
            405,
            r#"{"detail":"Method Not Allowed"}"#,
            ErrorKind::Skyvern,
        ),
    ] {
        let env = Script::new(vec![status(code, body)]);
        let e = run(&env, &sessions::get(Some(&v(r#""pbs_0""#))).unwrap()).unwrap_err();
        assert_eq!(e.kind(), kind, "{code}");
        assert_eq!(e.status(), Some(code));
        assert_eq!(e.body(), Some(body));
        assert!(!e.message().contains("sk-test"));
        assert_eq!(env.sent(), 1, "{code} is not retried");
    }
}

// ---------------------------------------------------------------- retries

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

// ---------------------------------------------------------------- polling

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
