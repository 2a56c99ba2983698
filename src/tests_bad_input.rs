//! Hostile input, method by method: every case must fail validation with an
//! error that names the field, before a request exists (so nothing is sent).

use crate::api::{profiles, runs, sessions};
use crate::config::{CallOptions, Config};
use crate::error::Error;
use crate::plan::Plan;
use crate::session;
use serde_json::{json, Value};

fn v(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => panic!("bad fixture {text}"),
    }
}

fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn s(text: &str) -> Value {
    Value::String(text.into())
}

const SID: &str = "pbs_1";

/// One case: a label, what the method returned, and the field the message must start with.
type Case = (String, Result<(), Error>, &'static str);

fn plan(r: Result<Plan, Error>) -> Result<(), Error> {
    r.map(|_| ())
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    let mut add = |label: &str, r: Result<(), Error>, field: &'static str| {
        out.push((label.to_string(), r, field));
    };

    // createBrowserSession: out-of-range and wrong-typed `timeout`.
    for (label, t) in [
        ("3", json!(3.0)),
        ("0", json!(0.0)),
        ("-1", json!(-1.0)),
        ("60.5", json!(60.5)),
        ("\"abc\"", s("abc")),
        ("\"60\"", s("60")),
        ("true", json!(true)),
        ("[]", json!([])),
    ] {
        let r = plan(sessions::create(Some(&obj(vec![("timeout", t)]))));
        add(
            &format!("createBrowserSession timeout {label}"),
            r,
            "request.timeout",
        );
    }
    let create = |members: Vec<(&str, Value)>| plan(sessions::create(Some(&obj(members))));
    add(
        "createBrowserSession proxy_location number",
        create(vec![("proxy_location", json!(5.0))]),
        "request.proxy_location",
    );
    add(
        "createBrowserSession proxy_location geo without country",
        create(vec![("proxy_location", v(r#"{"city":"Paris"}"#))]),
        "request.proxy_location.country",
    );
    add(
        "createBrowserSession extensions object",
        create(vec![("extensions", v(r#"{"a":"ad-blocker"}"#))]),
        "request.extensions",
    );
    add(
        "createBrowserSession extensions with a number",
        create(vec![("extensions", v(r#"["ad-blocker",1]"#))]),
        "request.extensions[1]",
    );
    add(
        "createBrowserSession browser_settings array",
        create(vec![("browser_settings", v("[1]"))]),
        "request.browser_settings",
    );
    add(
        "createBrowserSession generate_browser_profile string",
        create(vec![("generate_browser_profile", s("yes"))]),
        "request.generate_browser_profile",
    );
    add(
        "createBrowserSession unknown field",
        create(vec![("timeOut", json!(10.0))]),
        "request.timeOut",
    );
    add(
        "createBrowserSession request string",
        plan(sessions::create(Some(&s("x")))),
        "request",
    );
    add(
        "createBrowserSession request array",
        plan(sessions::create(Some(&v("[]")))),
        "request",
    );

    // Ids, for every method that takes one.
    let long = "a".repeat(10 * 1024);
    let bad_ids: Vec<(String, Option<Value>)> = vec![
        ("empty".into(), Some(s(""))),
        ("whitespace".into(), Some(s(" \t "))),
        ("slash".into(), Some(s("pbs_1/close"))),
        ("question mark".into(), Some(s("pbs_1?x=1"))),
        ("hash".into(), Some(s("pbs_1#x"))),
        ("percent".into(), Some(s("pbs_1%2F"))),
        ("dot dot".into(), Some(s(".."))),
        ("dot dot slash".into(), Some(s("../credentials"))),
        ("non-ASCII".into(), Some(s("pbs_é"))),
        ("10 KB".into(), Some(Value::String(long))),
        ("null".into(), Some(json!(null))),
        ("undefined".into(), None),
        ("missing".into(), None),
        ("number".into(), Some(json!(5.0))),
        ("object".into(), Some(v(r#"{"id":"pbs_1"}"#))),
    ];
    for (label, id) in &bad_ids {
        let id = id.as_ref();
        add(
            &format!("getBrowserSession id {label}"),
            plan(sessions::get(id)),
            "browserSessionId",
        );
        add(
            &format!("closeBrowserSession id {label}"),
            plan(sessions::close(id)),
            "browserSessionId",
        );
        add(&format!("getRun id {label}"), plan(runs::get(id)), "runId");
        add(
            &format!("cancelRun id {label}"),
            plan(runs::cancel(id)),
            "runId",
        );
        add(
            &format!("getBrowserProfile id {label}"),
            plan(profiles::get(id)),
            "profileId",
        );
        add(
            &format!("deleteBrowserProfile id {label}"),
            plan(profiles::delete(id)),
            "profileId",
        );
        add(
            &format!("waitForRun id {label}"),
            plan(runs::wait(id, None)),
            "runId",
        );
        add(
            &format!("waitForBrowserSession id {label}"),
            plan(sessions::wait(id, None)),
            "browserSessionId",
        );
        add(
            &format!("updateBrowserSession id {label}"),
            plan(sessions::update(
                id,
                Some(&v(r#"{"generate_browser_profile":true}"#)),
            )),
            "browserSessionId",
        );
        add(
            &format!("extendBrowserSession id {label}"),
            plan(sessions::extend(
                id,
                Some(&v(r#"{"additional_minutes":5}"#)),
            )),
            "browserSessionId",
        );
    }

    // update / extend bodies.
    let sid = s(SID);
    add(
        "updateBrowserSession missing generate_browser_profile",
        plan(sessions::update(Some(&sid), Some(&v("{}")))),
        "request.generate_browser_profile",
    );
    add(
        "updateBrowserSession null generate_browser_profile",
        plan(sessions::update(
            Some(&sid),
            Some(&v(r#"{"generate_browser_profile":null}"#)),
        )),
        "request.generate_browser_profile",
    );
    add(
        "updateBrowserSession request undefined",
        plan(sessions::update(Some(&sid), None)),
        "request.generate_browser_profile",
    );
    for (label, m) in [
        ("0", json!(0.0)),
        ("-1", json!(-1.0)),
        ("2.5", json!(2.5)),
        ("\"5\"", s("5")),
    ] {
        add(
            &format!("extendBrowserSession additional_minutes {label}"),
            plan(sessions::extend(
                Some(&sid),
                Some(&obj(vec![("additional_minutes", m)])),
            )),
            "request.additional_minutes",
        );
    }

    // runTask.
    let task = |members: Vec<(&str, Value)>| {
        let mut all = vec![("prompt", s("Find the price"))];
        all.extend(members);
        plan(runs::run_task(Some(&obj(all))))
    };
    add(
        "runTask missing prompt",
        plan(runs::run_task(Some(&v("{}")))),
        "request.prompt",
    );
    add(
        "runTask request undefined",
        plan(runs::run_task(None)),
        "request.prompt",
    );
    add(
        "runTask request null",
        plan(runs::run_task(Some(&json!(null)))),
        "request.prompt",
    );
    add(
        "runTask prompt null",
        plan(runs::run_task(Some(&v(r#"{"prompt":null}"#)))),
        "request.prompt",
    );
    add(
        "runTask prompt number",
        plan(runs::run_task(Some(&v(r#"{"prompt":42}"#)))),
        "request.prompt",
    );
    add(
        "runTask prompt whitespace",
        plan(runs::run_task(Some(&v(r#"{"prompt":"  "}"#)))),
        "request.prompt",
    );
    for (label, t) in [
        ("3 is fine but 0", json!(0.0)),
        ("-1", json!(-1.0)),
        ("1e9", json!(1e9)),
        ("\"abc\"", s("abc")),
    ] {
        add(
            &format!("runTask timeout {label}"),
            task(vec![("timeout", t)]),
            "request.timeout",
        );
    }
    add(
        "runTask max_steps string",
        task(vec![("max_steps", s("10"))]),
        "request.max_steps",
    );
    add(
        "runTask max_steps 0.5",
        task(vec![("max_steps", json!(0.5))]),
        "request.max_steps",
    );
    add(
        "runTask url number",
        task(vec![("url", json!(1.0))]),
        "request.url",
    );
    add(
        "runTask extra_http_headers array",
        task(vec![("extra_http_headers", v(r#"["a"]"#))]),
        "request.extra_http_headers",
    );
    add(
        "runTask extra_http_headers number value",
        task(vec![("extra_http_headers", v(r#"{"x-a":1}"#))]),
        "request.extra_http_headers.x-a",
    );
    add(
        "runTask file_ids object",
        task(vec![("file_ids", v(r#"{"0":"f"}"#))]),
        "request.file_ids",
    );
    add(
        "runTask waitForCompletion string",
        task(vec![("waitForCompletion", s("true"))]),
        "request.waitForCompletion",
    );
    add(
        "runTask unknown field",
        task(vec![("wait_for_completion", json!(true))]),
        "request.wait_for_completion",
    );

    // runWorkflow.
    add(
        "runWorkflow missing workflow_id and agent_id",
        plan(runs::run_workflow(Some(&v(r#"{"parameters":{}}"#)))),
        "request.workflow_id",
    );
    add(
        "runWorkflow parameters array",
        plan(runs::run_workflow(Some(&v(
            r#"{"workflow_id":"wpid_1","parameters":[]}"#,
        )))),
        "request.parameters",
    );
    add(
        "runWorkflow max_elapsed_time_minutes 1e9",
        plan(runs::run_workflow(Some(&v(
            r#"{"workflow_id":"wpid_1","max_elapsed_time_minutes":1000000000}"#,
        )))),
        "request.max_elapsed_time_minutes",
    );

    // Wait options.
    let rid = s("tsk_1");
    for (label, o) in [
        ("timeout 0", obj(vec![("timeout", json!(0.0))])),
        ("timeout -1", obj(vec![("timeout", json!(-1.0))])),
        ("timeout 1e9", obj(vec![("timeout", json!(1e9))])),
        ("timeout string", obj(vec![("timeout", s("30"))])),
        (
            "pollIntervalMs -5",
            obj(vec![("pollIntervalMs", json!(-5.0))]),
        ),
        (
            "unknown poll_interval",
            obj(vec![("poll_interval", json!(1.0))]),
        ),
    ] {
        let field: &'static str = match label.split(' ').next() {
            Some("timeout") => "options.timeout",
            Some("pollIntervalMs") => "options.pollIntervalMs",
            Some("onStatus") => "options.onStatus",
            Some("abortSignal") => "options.abortSignal",
            _ => "options.poll_interval",
        };
        add(
            &format!("waitForRun {label}"),
            plan(runs::wait(Some(&rid), Some(&o))),
            field,
        );
        add(
            &format!("waitForBrowserSession {label}"),
            plan(sessions::wait(Some(&sid), Some(&o))),
            field,
        );
    }
    add(
        "waitForRun options string",
        plan(runs::wait(Some(&rid), Some(&s("fast")))),
        "options",
    );

    // createBrowserProfile.
    add(
        "createBrowserProfile missing name",
        plan(profiles::create(Some(&v("{}")))),
        "request.name",
    );
    add(
        "createBrowserProfile name number",
        plan(profiles::create(Some(&v(r#"{"name":1}"#)))),
        "request.name",
    );
    add(
        "createBrowserProfile request undefined",
        plan(profiles::create(None)),
        "request.name",
    );

    // openBrowserSession / withBrowserSession options.
    for (label, o, field) in [
        (
            "waitUntilReady string",
            v(r#"{"waitUntilReady":"yes"}"#),
            "options.waitUntilReady",
        ),
        ("timeout 0", v(r#"{"timeout":0}"#), "options.timeout"),
        ("unknown field", v(r#"{"wait":true}"#), "options.wait"),
        (
            "maxRetries 1.5",
            v(r#"{"maxRetries":1.5}"#),
            "options.maxRetries",
        ),
    ] {
        add(
            &format!("openBrowserSession {label}"),
            session::open_plan(None, Some(&o)).map(|_| ()),
            field,
        );
    }

    // Request options (every method's last argument).
    for (label, o, field) in [
        (
            "timeoutInSeconds 0",
            v(r#"{"timeoutInSeconds":0}"#),
            "requestOptions.timeoutInSeconds",
        ),
        (
            "timeoutInSeconds -1",
            v(r#"{"timeoutInSeconds":-1}"#),
            "requestOptions.timeoutInSeconds",
        ),
        (
            "timeoutInSeconds 1e9",
            v(r#"{"timeoutInSeconds":1000000000}"#),
            "requestOptions.timeoutInSeconds",
        ),
        (
            "timeoutInSeconds string",
            v(r#"{"timeoutInSeconds":"5"}"#),
            "requestOptions.timeoutInSeconds",
        ),
        (
            "maxRetries -1",
            v(r#"{"maxRetries":-1}"#),
            "requestOptions.maxRetries",
        ),
        (
            "maxRetries 1e9",
            v(r#"{"maxRetries":1000000000}"#),
            "requestOptions.maxRetries",
        ),
        (
            "headers array",
            v(r#"{"headers":["x"]}"#),
            "requestOptions.headers",
        ),
        (
            "headers number value",
            v(r#"{"headers":{"x-a":1}}"#),
            "requestOptions.headers.x-a",
        ),
        (
            "headers with a line break",
            v(r#"{"headers":{"x-a":"1\r\nx-api-key: k"}}"#),
            "requestOptions.headers.x-a",
        ),
        (
            "headers x-api-key",
            v(r#"{"headers":{"X-Api-Key":"k"}}"#),
            "requestOptions.headers.X-Api-Key",
        ),
        (
            "unknown timeout",
            v(r#"{"timeout":5}"#),
            "requestOptions.timeout",
        ),
        ("a string", s("fast"), "requestOptions"),
    ] {
        add(
            &format!("requestOptions {label}"),
            CallOptions::from_value(Some(&o)).map(|_| ()),
            field,
        );
    }

    // The constructor.
    for (label, o, field) in [
        ("apiKey number", v(r#"{"apiKey":123}"#), "options.apiKey"),
        ("apiKey empty", v(r#"{"apiKey":" "}"#), "options.apiKey"),
        (
            "apiKey with a line break",
            v(r#"{"apiKey":"k\nx"}"#),
            "options.apiKey",
        ),
        (
            "baseUrl number",
            v(r#"{"baseUrl":8000}"#),
            "options.baseUrl",
        ),
        (
            "baseUrl without scheme",
            v(r#"{"baseUrl":"localhost:8000"}"#),
            "options.baseUrl",
        ),
        (
            "baseUrl with credentials",
            v(r#"{"baseUrl":"http://u:p@host"}"#),
            "options.baseUrl",
        ),
        (
            "environment unknown",
            v(r#"{"environment":"prod"}"#),
            "options.environment",
        ),
        (
            "timeoutInSeconds 60.5e9",
            v(r#"{"timeoutInSeconds":60500000000}"#),
            "options.timeoutInSeconds",
        ),
        (
            "maxRetries string",
            v(r#"{"maxRetries":"2"}"#),
            "options.maxRetries",
        ),
        (
            "dangerouslyAllowBrowser string",
            v(r#"{"dangerouslyAllowBrowser":"true"}"#),
            "options.dangerouslyAllowBrowser",
        ),
        (
            "unknown api_key",
            v(r#"{"api_key":"k"}"#),
            "options.api_key",
        ),
        ("a number", json!(5.0), "options"),
    ] {
        add(
            &format!("new SkyvernClient {label}"),
            Config::from_options(Some(&o), false).map(|_| ()),
            field,
        );
    }
    out
}

#[test]
fn every_bad_input_names_its_field_before_any_request() {
    let all = cases();
    assert!(all.len() >= 40, "only {} cases", all.len());
    eprintln!("bad input: {} cases", all.len());
    let mut failures = Vec::new();
    for (label, result, field) in &all {
        match result {
            Ok(()) => failures.push(format!("{label}: accepted")),
            Err(e @ Error::InvalidArgument { .. }) => {
                let m = e.message();
                let named = m.starts_with(field)
                    && m[field.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| matches!(c, ':' | '.' | '['));
                if !named {
                    failures.push(format!("{label}: `{m}` does not name {field}"));
                }
                if m.len() > 400 {
                    failures.push(format!("{label}: message of {} bytes", m.len()));
                }
            }
            Err(other) => failures.push(format!("{label}: {other:?}")),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn valid_neighbours_of_the_bad_inputs_are_accepted() {
    // The table above is only meaningful if the closest good input passes.
    assert!(sessions::create(Some(&v(r#"{"timeout":5}"#))).is_ok());
    assert!(sessions::create(Some(&v(r#"{"timeout":1000000000}"#))).is_ok());
    assert!(sessions::get(Some(&s("pbs_600838307902101396"))).is_ok());
    assert!(runs::get(Some(&s("tsk_v2_1"))).is_ok());
    assert!(runs::run_task(Some(&v(r#"{"prompt":"p","timeout":60.5}"#))).is_ok());
    assert!(runs::wait(Some(&s("wr_1")), Some(&v(r#"{"timeout":86400}"#))).is_ok());
    assert!(CallOptions::from_value(Some(&v(r#"{"timeoutInSeconds":0.3}"#))).is_ok());
    assert!(Config::from_options(Some(&v(r#"{"apiKey":"k"}"#)), false).is_ok());
}

#[test]
fn the_api_key_never_shows_in_debug_or_messages() {
    let sentinel = "sk-SENTINEL-host-7f3a";
    let text = format!(r#"{{"apiKey":"{sentinel}","baseUrl":"http://127.0.0.1:9"}}"#);
    let cfg = match Config::from_options(Some(&v(&text)), false) {
        Ok(c) => c,
        Err(e) => panic!("{e:?}"),
    };
    let call = match sessions::get(Some(&s("pbs_1"))) {
        Ok(Plan { call: Some(c), .. }) => c,
        other => panic!("{other:?}"),
    };
    let request = crate::client::build(&cfg, &CallOptions::default(), &call);
    assert!(request.headers.iter().any(|(_, v)| v == sentinel));
    for shown in [
        format!("{cfg:?}"),
        format!("{cfg:#?}"),
        format!("{request:?}"),
        format!("{request:#?}"),
        request.url.clone(),
    ] {
        assert!(!shown.contains(sentinel), "{shown}");
    }
    // Rejected keys are not echoed either.
    for bad in [
        format!(r#"{{"apiKey":"{sentinel}\n"}}"#),
        format!(r#"{{"apiKey":"{sentinel}","headers":{{"x-api-key":"{sentinel}"}}}}"#),
        format!(r#"{{"apiKey":"{sentinel}","timeoutInSeconds":-1}}"#),
    ] {
        let e = Config::from_options(Some(&v(&bad)), false).unwrap_err();
        assert!(!e.message().contains(sentinel), "{}", e.message());
        assert!(!format!("{e:?}").contains(sentinel));
    }
    let e = Config::from_options(Some(&v(&text)), true).unwrap_err();
    assert!(!e.message().contains(sentinel));
}
