//! The fault matrix: operations, hostile answers, and what the client must do with each.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Op {
    Read,
    Close,
    Cancel,
    CreateSession,
    RunTask,
}

impl Op {
    pub(crate) fn creates(self) -> bool {
        matches!(self, Op::CreateSession | Op::RunTask)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Case {
    TooManyRetryAfterSeconds,
    TooManyRetryAfterDate,
    S500,
    S502,
    S503RetryAfter,
    S503,
    S504,
    Reset,
    Hang,
    MalformedJson,
    HtmlErrorPage,
    Empty200,
    WrongShape200,
    Huge200,
    HugeError,
}

pub(crate) const CASES: [Case; 15] = [
    Case::TooManyRetryAfterSeconds,
    Case::TooManyRetryAfterDate,
    Case::S500,
    Case::S502,
    Case::S503RetryAfter,
    Case::S503,
    Case::S504,
    Case::Reset,
    Case::Hang,
    Case::MalformedJson,
    Case::HtmlErrorPage,
    Case::Empty200,
    Case::WrongShape200,
    Case::Huge200,
    Case::HugeError,
];

/// 10 MB (the emulator accepts fault definitions up to 10 MiB).
pub(crate) const TEN_MB: usize = 10_000_000;
pub(crate) const HANG_TIMEOUT_S: f64 = 0.3;

/// An HTTP date `secs` from now (`toUTCString` writes IMF-fixdate).
fn http_date(secs: f64) -> String {
    js_sys::Date::new(&JsValue::from_f64(js_sys::Date::now() + secs * 1000.0))
        .to_utc_string()
        .into()
}

/// A successful 10 MB body of the right shape for the operation.
fn huge_success(op: Op, target: &str) -> String {
    let pad = "x".repeat(TEN_MB);
    match op {
        Op::Read => {
            format!(r#"{{"browser_session_id":"{target}","status":"running","padding":"{pad}"}}"#)
        }
        Op::CreateSession => {
            format!(r#"{{"browser_session_id":"pbs_huge","status":"created","padding":"{pad}"}}"#)
        }
        Op::RunTask => format!(r#"{{"run_id":"tsk_huge","status":"created","padding":"{pad}"}}"#),
        Op::Close => format!(r#"{{"message":"Browser session closed","padding":"{pad}"}}"#),
        Op::Cancel => format!(r#"{{"padding":"{pad}"}}"#),
    }
}

/// What the client must do with one fault.
pub(crate) struct Expect {
    /// Requests the emulator must log (1 + retries).
    pub(crate) requests: usize,
    /// `None`: the call resolves.
    pub(crate) class: Option<&'static str>,
    pub(crate) status: Option<u16>,
    pub(crate) message: &'static str,
}

/// The fault (without `method`/`path`/`times`) and the expected outcome.
pub(crate) fn plan(op: Op, case: Case, target: &str) -> (String, Expect) {
    let idem = !op.creates();
    let ise = "InternalServerError";
    match case {
        Case::TooManyRetryAfterSeconds => (
            r#""status":429,"headers":{"retry-after":"2"},"body":"{\"detail\":\"Rate limit exceeded\"}""#.into(),
            too_many_requests(),
        ),
        Case::TooManyRetryAfterDate => (
            format!(
                r#""status":429,"headers":{{"retry-after":"{}"}},"body":"{{\"detail\":\"Rate limit exceeded\"}}""#,
                http_date(1.0)
            ),
            too_many_requests(),
        ),
        Case::S500 => (
            r#""status":500,"body":"{\"error\":\"Unexpected error: RuntimeError\"}""#.into(),
            retried(idem, ise, Some(500), "500 Internal Server Error: Unexpected error: RuntimeError"),
        ),
        Case::S502 => (
            r#""status":502,"body":"""#.into(),
            retried(idem, ise, Some(502), "502 Bad Gateway (empty response body)"),
        ),
        Case::S503RetryAfter => busy_with_retry_after(idem),
        Case::S503 => (
            r#""status":503,"body":"{\"error\":\"Database temporarily unavailable\"}""#.into(),
            retried(idem, ise, Some(503), "503 Service Unavailable: Database temporarily unavailable"),
        ),
        Case::S504 => (
            r#""status":504,"body":"{\"detail\":\"Browser session failed to start\"}""#.into(),
            retried(idem, ise, Some(504), "504 Gateway Timeout: Browser session failed to start"),
        ),
        Case::Reset => (
            r#""reset":true"#.into(),
            retried(idem, "SkyvernConnectionError", None, "Connection error: no response from the server"),
        ),
        Case::Hang => (
            r#""hang":true"#.into(),
            once("SkyvernTimeoutError", None, "The request timed out after 0.3 s"),
        ),
        Case::MalformedJson => (
            r#""status":200,"body":"{\"browser_session_id\":\"pbs_1\",\"status\":""#.into(),
            once("SkyvernError", Some(200), "HTTP 200: the response body is not valid JSON"),
        ),
        Case::HtmlErrorPage => (
            html_error_page(),
            retried(idem, ise, Some(502), "502 Bad Gateway: HTML page \"502 Bad Gateway\""),
        ),
        Case::Empty200 => (
            r#""status":200,"body":"""#.into(),
            once("SkyvernError", Some(200), "HTTP 200: the response body is empty"),
        ),
        Case::WrongShape200 => (
            r#""status":200,"body":"[{\"browser_session_id\":\"pbs_1\",\"run_id\":\"tsk_1\"}]""#
                .into(),
            once("SkyvernError", Some(200), "HTTP 200: expected a JSON object"),
        ),
        Case::Huge200 => (
            format!(r#""status":200,"body":{}"#, quote(&huge_success(op, target))),
            resolves(),
        ),
        Case::HugeError => (
            format!(
                r#""status":500,"body":{}"#,
                quote(&format!("Internal error {}", "y".repeat(TEN_MB)))
            ),
            retried(idem, ise, Some(500), "500 Internal Server Error: Internal error yyyy"),
        ),
    }
}

/// An error after a retry when the call may be repeated (`idem`), else after one request.
fn retried(idem: bool, class: &'static str, status: Option<u16>, message: &'static str) -> Expect {
    Expect {
        requests: if idem { 2 } else { 1 },
        class: Some(class),
        status,
        message,
    }
}

/// An error after one request.
fn once(class: &'static str, status: Option<u16>, message: &'static str) -> Expect {
    Expect {
        requests: 1,
        class: Some(class),
        status,
        message,
    }
}

/// The call resolves after one request.
fn resolves() -> Expect {
    Expect {
        requests: 1,
        class: None,
        status: None,
        message: "",
    }
}

/// 429 says nothing was done: every class retries it.
fn too_many_requests() -> Expect {
    Expect {
        requests: 2,
        class: Some("TooManyRequestsError"),
        status: Some(429),
        message: "429 Too Many Requests: Rate limit exceeded",
    }
}

/// A 503 whose Retry-After says nothing was created. A page cannot read
/// Retry-After cross-origin (no expose-headers), so there a create cannot know
/// that nothing was created: sent once.
fn busy_with_retry_after(idem: bool) -> (String, Expect) {
    let create_retries = !in_page();
    (
        r#""status":503,"headers":{"retry-after":"1"},"body":"{\"detail\":\"The server is busy. No run was created; retry this request.\"}""#.into(),
        Expect {
            requests: if idem || create_retries { 2 } else { 1 },
            class: Some("InternalServerError"),
            status: Some(503),
            message: "503 Service Unavailable: The server is busy. No run was created; retry this request.",
        },
    )
}

/// nginx's 502 page.
fn html_error_page() -> String {
    format!(
        r#""status":502,"headers":{{"content-type":"text/html"}},"body":{}"#,
        quote("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
    )
}
