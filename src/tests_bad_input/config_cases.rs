//! Request options and client options that must be refused.

use super::{s, v};
use crate::config::{CallOptions, Config};
use crate::error::Error;
use serde_json::json;

/// Request options (every method's last argument).
pub(super) fn request_option_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
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
}

/// The constructor.
pub(super) fn constructor_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
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
}
