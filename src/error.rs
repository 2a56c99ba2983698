//! The client's errors, and the mapping from an HTTP response to an error.

use crate::json::Value;
use crate::text::{cat, find, int};

/// The error class a failure surfaces as in JavaScript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Base class: invalid arguments, a session that ended while waiting, unexpected statuses.
    Skyvern,
    /// HTTP 400: the server refused the request as malformed.
    BadRequest,
    /// HTTP 403: a missing or wrong API key, or an operation the key may not do.
    Forbidden,
    /// HTTP 404: no such browser session, run or profile.
    NotFound,
    /// HTTP 409: the resource is not in a state that allows the operation.
    Conflict,
    /// HTTP 410: the resource existed and is gone.
    Gone,
    /// HTTP 422: a field failed the server's validation.
    UnprocessableEntity,
    /// HTTP 429: rate limited.
    TooManyRequests,
    /// HTTP 5xx: the server failed.
    InternalServer,
    /// An attempt or a wait ran out of time.
    Timeout,
    /// No response arrived.
    Connection,
}

impl ErrorKind {
    /// The JavaScript class name.
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorKind::Skyvern => "SkyvernError",
            ErrorKind::BadRequest => "BadRequestError",
            ErrorKind::Forbidden => "ForbiddenError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::Conflict => "ConflictError",
            ErrorKind::Gone => "GoneError",
            ErrorKind::UnprocessableEntity => "UnprocessableEntityError",
            ErrorKind::TooManyRequests => "TooManyRequestsError",
            ErrorKind::InternalServer => "InternalServerError",
            ErrorKind::Timeout => "SkyvernTimeoutError",
            ErrorKind::Connection => "SkyvernConnectionError",
        }
    }

    /// The class of an error response with this HTTP status.
    pub fn for_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadRequest,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            410 => ErrorKind::Gone,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::TooManyRequests,
            s if s >= 500 => ErrorKind::InternalServer,
            _ => ErrorKind::Skyvern,
        }
    }
}

/// What the web-page guard says when an API key is given without `dangerouslyAllowBrowser`.
const BROWSER_API_KEY: &str = "It looks like you're running in a browser-like environment. \
Passing `apiKey` here would expose your secret Skyvern API key to anyone who can open this page. \
Call the Skyvern API from a server instead, or point `baseUrl` at a proxy that adds the key on the \
server side and omit `apiKey`. If you understand the risk (for example, a local tool used only by \
you), set `dangerouslyAllowBrowser: true`.";

/// Everything that can go wrong in a call. Its `Display` is the message a
/// JavaScript error carries.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// An argument or option is invalid; nothing was sent.
    #[error("{field}: {problem}")]
    InvalidArgument {
        /// The argument's path, e.g. `request.timeout`.
        field: String,
        /// What is wrong with it, e.g. `must be an integer`.
        problem: String,
    },
    /// An API key was given in a web page without `dangerouslyAllowBrowser`.
    #[error("{BROWSER_API_KEY}")]
    BrowserApiKey,
    /// The server answered with a non-success status.
    #[error("{message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The status and the server's detail, readable.
        message: String,
        /// The raw response body (JSON or text).
        body: String,
        /// Whether repeating the request may succeed.
        retryable: bool,
    },
    /// The server answered with a success status but a body that is not JSON.
    #[error("HTTP {status}: the response body is not valid JSON")]
    InvalidResponse {
        /// The HTTP status.
        status: u16,
        /// The body as it came.
        body: String,
    },
    /// The server answered with a success status but a body of the wrong shape
    /// (empty, or not the object or list the call returns).
    #[error("HTTP {status}: {problem}")]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// What shape was expected and what came.
        problem: String,
        /// The body as it came.
        body: String,
    },
    /// One attempt ran longer than its timeout.
    #[error("The request timed out after {}", seconds(*timeout_ms))]
    AttemptTimeout {
        /// The attempt's time limit.
        timeout_ms: f64,
    },
    /// A wait (for a session or a run) ran out of time; `last_seen` is the last object seen.
    #[error("Timed out after {} waiting for {what}", seconds(*timeout_ms))]
    WaitTimeout {
        /// What was awaited, e.g. `run tsk_1 to finish`.
        what: String,
        /// The wait's time limit.
        timeout_ms: f64,
        /// The last object seen (JSON text), if any.
        last_seen: Option<String>,
    },
    /// A browser session ended before it became ready.
    #[error("Browser session {id} ended with status `{status}` before it was ready")]
    SessionEnded {
        /// The browser session's id.
        id: String,
        /// The status it ended with.
        status: String,
        /// The session as last seen (JSON text).
        last_seen: String,
    },
    /// No response arrived (DNS, refused connection, reset, CORS in browsers).
    #[error(
        "Connection error: no response from the server ({detail}){}",
        if *in_browser { CORS_HINT } else { "" }
    )]
    Connection {
        /// What the runtime said, one line.
        detail: String,
        /// Whether the client runs in a web page (the message then mentions CORS).
        in_browser: bool,
    },
    /// The caller's abort signal fired.
    #[error("The request was aborted")]
    Aborted,
    /// A caller-supplied callback threw; the JavaScript layer rethrows its exception.
    #[error("A callback threw")]
    Callback,
}

/// Added to a connection error in a web page.
const CORS_HINT: &str = ". In a browser this is often CORS: the server must allow this page's \
origin, or call Skyvern through your own proxy (set `baseUrl` to it)";

impl Error {
    /// An invalid argument at `field`.
    pub fn invalid(field: &str, problem: impl Into<String>) -> Error {
        Error::InvalidArgument {
            field: field.to_string(),
            problem: problem.into(),
        }
    }

    /// The JavaScript class this error surfaces as.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api { status, .. } => ErrorKind::for_status(*status),
            Error::AttemptTimeout { .. } | Error::WaitTimeout { .. } => ErrorKind::Timeout,
            Error::Connection { .. } => ErrorKind::Connection,
            _ => ErrorKind::Skyvern,
        }
    }

    /// The HTTP status, when a response came.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::InvalidResponse { status, .. }
            | Error::UnexpectedResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether repeating the request may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            Error::Api { retryable, .. } => *retryable,
            Error::Connection { .. } | Error::AttemptTimeout { .. } => true,
            _ => false,
        }
    }

    /// The raw body to expose as `error.body` (parsed as JSON by the JavaScript layer when possible).
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. }
            | Error::InvalidResponse { body, .. }
            | Error::UnexpectedResponse { body, .. } => Some(body),
            Error::SessionEnded { last_seen, .. } => Some(last_seen),
            _ => None,
        }
    }

    /// The last object a timed-out wait saw (JSON text).
    pub fn last_seen(&self) -> Option<&str> {
        match self {
            Error::WaitTimeout { last_seen, .. } => last_seen.as_deref(),
            _ => None,
        }
    }

    /// The message of the JavaScript error.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

fn seconds(ms: f64) -> String {
    let tenths = (ms.max(0.0) / 100.0).round() as u64;
    let mut out = int((tenths / 10) as i64);
    if tenths % 10 != 0 {
        out.push('.');
        out.push(char::from(b'0' + (tenths % 10) as u8));
    }
    out.push_str(" s");
    out
}

/// Turns a non-success response into an error. Never fails, whatever the body.
pub fn from_response(status: u16, body: &str) -> Error {
    let parsed = Value::parse(body);
    let mut retryable = status == 408 || status == 429 || status >= 500;
    let detail = match &parsed {
        Some(v) => {
            if let Some(Value::Object(_)) = v.field("detail") {
                if let Some(r) = v.field("detail").and_then(|d| d.field("retryable")) {
                    if let Some(b) = r.as_bool() {
                        retryable = b;
                    }
                }
            }
            json_detail(v)
        }
        None => text_detail(body),
    };
    let mut message = cat(&[&int(i64::from(status)), " ", reason_phrase(status)]);
    match detail {
        Some(d) => {
            message.push_str(": ");
            message.push_str(&d);
        }
        None if body.trim().is_empty() => message.push_str(" (empty response body)"),
        None => {}
    }
    Error::Api {
        status,
        message,
        body: body.to_string(),
        retryable,
    }
}

const MAX_DETAIL: usize = 500;

fn clip(s: &str) -> String {
    let s = s.trim();
    if crate::text::char_count(s) <= MAX_DETAIL {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX_DETAIL).collect();
        out.push('…');
        out
    }
}

/// A readable form of a JSON error body.
fn json_detail(v: &Value) -> Option<String> {
    if let Some(d) = v.field("detail") {
        return match d {
            Value::String(s) => Some(clip(s)),
            Value::Array(items) => {
                let mut joined = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        joined.push_str("; ");
                    }
                    joined.push_str(&validation_item(item));
                }
                Some(clip(&joined))
            }
            Value::Object(_) => Some(clip(&code_object(d))),
            Value::Null => None,
            other => Some(clip(&other.to_json())),
        };
    }
    for key in ["error", "message"] {
        if let Some(Value::String(s)) = v.field(key) {
            return Some(clip(s));
        }
    }
    match v {
        Value::String(s) => Some(clip(s)),
        Value::Null => None,
        Value::Object(m) if m.is_empty() => None,
        other => Some(clip(&other.to_json())),
    }
}

/// One FastAPI validation entry: `body.timeout: Input should be … (got 3)`.
fn validation_item(item: &Value) -> String {
    let msg = item
        .field("msg")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| item.to_json());
    let mut loc = String::new();
    if let Some(Value::Array(parts)) = item.field("loc") {
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                loc.push('.');
            }
            match p {
                Value::String(s) => loc.push_str(s),
                other => loc.push_str(&other.to_json()),
            }
        }
    }
    let mut out = if loc.is_empty() {
        msg
    } else {
        cat(&[&loc, ": ", &msg])
    };
    if let Some(input) = item.field("input") {
        let shown = input.to_json();
        if shown.len() <= 80 && !matches!(input, Value::Object(_)) {
            out.push_str(" (got ");
            out.push_str(&shown);
            out.push(')');
        }
    }
    out
}

/// A `{code, message?, …}` detail object.
fn code_object(d: &Value) -> String {
    let code = d.field("code").and_then(Value::as_str);
    let msg = d
        .field("message")
        .or_else(|| d.field("msg"))
        .and_then(Value::as_str);
    match (code, msg) {
        (Some(c), Some(m)) => cat(&[m, " (", c, ")"]),
        (Some(c), None) => c
            .chars()
            .map(|ch| if ch == '_' { ' ' } else { ch })
            .collect(),
        (None, Some(m)) => m.to_string(),
        (None, None) => d.to_json(),
    }
}

/// A readable form of a non-JSON body (plain text or HTML).
fn text_detail(body: &str) -> Option<String> {
    let t = body.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("<!doctype")
        || lower.starts_with("<html")
        || find(&lower, "<body").is_some()
    {
        let title = find(&lower, "<title>")
            .and_then(|s| {
                let rest = lower.get(s + 7..)?;
                find(rest, "</title>").map(|e| (s + 7, s + 7 + e))
            })
            .and_then(|(s, e)| t.get(s..e))
            .map(str::trim)
            .filter(|s| !s.is_empty());
        return Some(match title {
            Some(title) => cat(&["HTML page \"", &clip(title), "\""]),
            None => "HTML page".to_string(),
        });
    }
    Some(clip(t))
}

/// The standard reason phrase of an HTTP status (`Error` for an unusual one).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(status: u16, body: &str) -> (ErrorKind, String, bool) {
        let e = from_response(status, body);
        (e.kind(), e.message(), e.retryable())
    }

    #[test]
    fn string_details() {
        for (status, detail, kind) in [
            (403, "Invalid credentials", ErrorKind::Forbidden),
            (403, "Could not validate credentials", ErrorKind::Forbidden),
            (403, "Auth token is expired", ErrorKind::Forbidden),
            (403, "Invalid authentication method", ErrorKind::Forbidden),
            (404, "Organization not found", ErrorKind::NotFound),
            (404, "Browser session pbs_000000000000000000 not found", ErrorKind::NotFound),
            (404, "Task run not found tsk_000000000000000000", ErrorKind::NotFound),
            (405, "Method Not Allowed", ErrorKind::Skyvern),
            (409, "Browser session has ended", ErrorKind::Conflict),
            (
                410,
                "Browser session pbs_1 is no longer usable (status: completed). Create a new browser session and retry.",
                ErrorKind::Gone,
            ),
            (400, "proxy_session_id requires RESIDENTIAL_ISP", ErrorKind::BadRequest),
            (429, "Rate limit exceeded", ErrorKind::TooManyRequests),
            (
                503,
                "The server is busy dispatching other runs. No run was created; retry this request.",
                ErrorKind::InternalServer,
            ),
            (504, "Browser session failed to start", ErrorKind::InternalServer),
            (422, "body.timeout: Input should be greater than or equal to 5", ErrorKind::UnprocessableEntity),
        ] {
            let body = format!("{{\"detail\":{}}}", Value::String(detail.into()).to_json());
            let (k, m, _) = msg(status, &body);
            assert_eq!(k, kind, "{status}");
            assert!(m.contains(detail), "{m}");
            assert!(m.starts_with(&status.to_string()), "{m}");
            assert_eq!(from_response(status, &body).body(), Some(body.as_str()));
        }
    }

    #[test]
    fn validation_lists() {
        let body = r#"{"detail":[{"type":"greater_than_equal","loc":["body","timeout"],"msg":"Input should be greater than or equal to 5","input":3,"ctx":{"ge":5}}]}"#;
        let (k, m, r) = msg(422, body);
        assert_eq!(k, ErrorKind::UnprocessableEntity);
        assert_eq!(
            m,
            "422 Unprocessable Entity: body.timeout: Input should be greater than or equal to 5 (got 3)"
        );
        assert!(!r);
        let body = r#"{"detail":[{"type":"json_invalid","loc":["body",14],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting ',' delimiter"}},{"type":"int_parsing","loc":["body","timeout"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#;
        let (_, m, _) = msg(422, body);
        assert!(m.contains("body.14: JSON decode error"), "{m}");
        assert!(
            m.contains("; body.timeout: Input should be a valid integer"),
            "{m}"
        );
        assert!(m.contains("(got \"abc\")"), "{m}");
        let body = r#"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[]}]}"#;
        assert!(msg(422, body)
            .1
            .contains("body: Input should be a valid dictionary"));
    }

    #[test]
    fn code_objects_and_error_keys() {
        let (k, m, r) = msg(
            503,
            r#"{"detail":{"code":"downloaded_files_unavailable","retryable":true}}"#,
        );
        assert_eq!(k, ErrorKind::InternalServer);
        assert!(m.contains("downloaded files unavailable"), "{m}");
        assert!(r);
        let (_, _, r) = msg(503, r#"{"detail":{"code":"x","retryable":false}}"#);
        assert!(!r);
        let (_, m, _) = msg(400, r#"{"detail":{"code":"c1","message":"Readable"}}"#);
        assert!(m.contains("Readable (c1)"));
        let (k, m, r) = msg(500, r#"{"error":"Unexpected error: ValueError"}"#);
        assert_eq!(k, ErrorKind::InternalServer);
        assert!(m.contains("Unexpected error: ValueError"));
        assert!(r);
        let (_, m, _) = msg(503, r#"{"error":"Database temporarily unavailable"}"#);
        assert!(m.contains("Database temporarily unavailable"));
    }

    #[test]
    fn html_empty_and_text_bodies() {
        let (k, m, r) = msg(
            502,
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        );
        assert_eq!(k, ErrorKind::InternalServer);
        assert!(m.contains("HTML page \"502 Bad Gateway\""), "{m}");
        assert!(r);
        let (_, m, _) = msg(500, "");
        assert_eq!(m, "500 Internal Server Error (empty response body)");
        let (_, m, _) = msg(404, "   ");
        assert!(m.contains("empty"));
        let (k, m, _) = msg(418, "I'm a teapot");
        assert_eq!(k, ErrorKind::Skyvern);
        assert!(m.contains("I'm a teapot"));
        let long = "x".repeat(5000);
        assert!(msg(500, &long).1.len() < 700);
        let (_, m, _) = msg(400, r#"{"detail":null}"#);
        assert_eq!(m, "400 Bad Request");
        let (_, m, _) = msg(400, r#"[1,2]"#);
        assert!(m.contains("[1,2]"));
        let (_, m, _) = msg(400, r#"{"detail":5}"#);
        assert!(m.contains(": 5"));
    }

    #[test]
    fn statuses_map_to_classes() {
        assert_eq!(ErrorKind::for_status(408), ErrorKind::Skyvern);
        assert!(from_response(408, "").retryable());
        assert!(!from_response(400, "").retryable());
        assert!(!from_response(409, "").retryable());
        assert_eq!(ErrorKind::for_status(599), ErrorKind::InternalServer);
        assert_eq!(ErrorKind::Gone.class_name(), "GoneError");
    }
}
