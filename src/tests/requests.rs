//! Request building: methods, paths, bodies and headers, and arguments refused before sending.

use super::{built, v};
use crate::api::{profiles, runs, sessions};
use crate::client::build;
use crate::config::{CallOptions, Config};
use crate::error::{Error, ErrorKind};
use crate::plan::Plan;
use crate::request::Method;

/// A plan, and the method, path and JSON body it must build.
type Case = (Plan, Method, &'static str, Option<&'static str>);

#[test]
fn builds_every_method() {
    let cases = session_cases()
        .into_iter()
        .chain(run_cases())
        .chain(profile_cases());
    for (plan, method, path, body) in cases {
        assert_built_as(plan, method, path, body);
    }
}

fn session_cases() -> Vec<Case> {
    vec![
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
    ]
}

fn run_cases() -> Vec<Case> {
    vec![
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
    ]
}

fn profile_cases() -> Vec<Case> {
    vec![
        (
            profiles::create(Some(&v(
                r#"{"name":"p","browser_session_id":"pbs_1","description":"d"}"#,
            )))
            .unwrap(),
            Method::Post,
            "/v1/browser_profiles",
            Some(r#"{"name":"p","browser_session_id":"pbs_1","description":"d"}"#),
        ),
        (
            profiles::list(None).unwrap(),
            Method::Get,
            "/v1/browser_profiles",
            None,
        ),
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
    ]
}

/// The request has the method, URL and body, the key once, the client header,
/// and a JSON content type only with a body.
fn assert_built_as(plan: Plan, method: Method, path: &str, body: Option<&str>) {
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
