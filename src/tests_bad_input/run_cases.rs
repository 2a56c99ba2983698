//! runTask, runWorkflow and the wait options: requests that must be refused.

use super::{obj, plan, s, v, SID};
use crate::api::{runs, sessions};
use crate::error::Error;
use serde_json::{json, Value};

/// runTask without a usable prompt.
pub(super) fn run_task_prompt_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
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
}

/// runTask fields with the wrong type or range, and unknown fields.
pub(super) fn run_task_field_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
    let task = |members: Vec<(&str, Value)>| {
        let mut all = vec![("prompt", s("Find the price"))];
        all.extend(members);
        plan(runs::run_task(Some(&obj(all))))
    };
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
}

/// runWorkflow.
pub(super) fn run_workflow_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
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
}

/// waitForRun and waitForBrowserSession options.
pub(super) fn wait_option_cases(add: &mut impl FnMut(&str, Result<(), Error>, &'static str)) {
    let sid = s(SID);
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
}
