//! createBrowserSession, updateBrowserSession, extendBrowserSession and
//! openBrowserSession: bodies and options that must be refused.

use super::{obj, plan, s, v, SID};
use crate::api::sessions;
use crate::error::Error;
use crate::session;
use serde_json::{json, Value};

/// createBrowserSession: out-of-range and wrong-typed fields.
pub(super) fn create_session_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
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
}

/// updateBrowserSession and extendBrowserSession bodies.
pub(super) fn update_and_extend_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
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
}

/// openBrowserSession / withBrowserSession options.
pub(super) fn open_session_option_cases(
    add: &mut impl FnMut(&str, Result<(), Error>, &'static str),
) {
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
}
