//! Messages name the exact member at fault, however deep.

use crate::api::runs;
use crate::api::sessions;

fn message_of(r: Result<crate::plan::Plan, crate::error::Error>) -> String {
    match r {
        Ok(plan) => format!("accepted: {plan:?}"),
        Err(e) => e.message(),
    }
}

fn task(extra: &str) -> String {
    let text = format!(r#"{{"prompt":"p",{extra}}}"#);
    match serde_json::from_str(&text) {
        Ok(v) => message_of(runs::run_task(Some(&v))),
        Err(e) => format!("bad fixture {text}: {e}"),
    }
}

fn session(request: &str) -> String {
    match serde_json::from_str(request) {
        Ok(v) => message_of(sessions::create(Some(&v))),
        Err(e) => format!("bad fixture {request}: {e}"),
    }
}

#[test]
fn nested_members_are_named() {
    assert_eq!(
        task(r#""extra_http_headers":{"x-a":"1","x-b":2}"#),
        "request.extra_http_headers.x-b: must be a string (got 2)"
    );
    assert_eq!(
        task(r#""file_ids":["f1",3]"#),
        "request.file_ids[1]: must be a string (got 3)"
    );
    assert!(
        task(r#""max_steps":"many""#).starts_with("request.max_steps: must be an integer"),
        "{}",
        task(r#""max_steps":"many""#)
    );
    assert_eq!(
        session(r#"{"proxy_location":{"city":"Paris"}}"#),
        "request.proxy_location.country: is required"
    );
    assert_eq!(
        session(r#"{"proxy_location":{"country":"US","town":"x"}}"#),
        "request.proxy_location.town: is not a known field"
    );
    assert_eq!(
        session(r#"{"timeout":10,"extensions":["ad-blocker",{}]}"#),
        "request.extensions[1]: must be a string (got an object)"
    );
}

#[test]
fn a_missing_field_is_named_when_other_members_are_fine() {
    assert_eq!(
        message_of(runs::run_task(Some(
            &serde_json::json!({"url": "https://x"})
        ))),
        "request.prompt: is required"
    );
}

#[test]
fn unknown_keys_suggest_the_field_meant() {
    assert_eq!(
        task(r#""browserSessionId":"pbs_1""#),
        "request.browserSessionId: is not a known field; did you mean `browser_session_id`?"
    );
}

#[test]
fn a_nullable_timeout_sends_null_and_an_absent_one_nothing() {
    let body = |request: &str| match serde_json::from_str(request) {
        Ok(v) => match sessions::create(Some(&v)) {
            Ok(plan) => plan.call.map(|c| format!("{:?}", c.body)),
            Err(e) => Some(e.message()),
        },
        Err(e) => Some(format!("bad fixture {request}: {e}")),
    };
    let null = body(r#"{"timeout":null}"#).unwrap_or_default();
    assert!(null.contains(r#"{\"timeout\":null}"#), "{null}");
    let absent = body(r#"{"url":"https://example.com"}"#).unwrap_or_default();
    assert!(!absent.contains("timeout"), "{absent}");
    let given = body(r#"{"timeout":30}"#).unwrap_or_default();
    assert!(given.contains(r#"{\"timeout\":30}"#), "{given}");
}
