//! The client's errors, and the mapping from an HTTP response to an error.

mod response;

pub use response::{from_response, reason_phrase};

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
        /// The response's headers, as far as the runtime may read them.
        headers: Vec<(String, String)>,
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

    /// The response's headers (an API error's, as far as the runtime may read them).
    pub fn headers(&self) -> &[(String, String)] {
        match self {
            Error::Api { headers, .. } => headers,
            _ => &[],
        }
    }

    /// The same error with the response's headers attached (API errors only).
    pub fn with_headers(mut self, from: &[(String, String)]) -> Error {
        if let Error::Api { headers, .. } = &mut self {
            headers.extend_from_slice(from);
        }
        self
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

    /// A stable code for programs to branch on (`error.code` in JavaScript);
    /// messages may change, codes do not.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::BrowserApiKey => "browser_api_key",
            Error::Api { status, .. } => match ErrorKind::for_status(*status) {
                ErrorKind::BadRequest => "bad_request",
                ErrorKind::Forbidden => "forbidden",
                ErrorKind::NotFound => "not_found",
                ErrorKind::Conflict => "conflict",
                ErrorKind::Gone => "gone",
                ErrorKind::UnprocessableEntity => "unprocessable_entity",
                ErrorKind::TooManyRequests => "too_many_requests",
                ErrorKind::InternalServer => "server_error",
                _ => "http_error",
            },
            Error::InvalidResponse { .. } => "invalid_response",
            Error::UnexpectedResponse { .. } => "unexpected_response",
            Error::AttemptTimeout { .. } => "attempt_timeout",
            Error::WaitTimeout { .. } => "wait_timeout",
            Error::SessionEnded { .. } => "session_ended",
            Error::Connection { .. } => "connection_error",
            Error::Aborted => "aborted",
            Error::Callback => "callback_threw",
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
    match tenths % 10 {
        0 => format!("{} s", tenths / 10),
        t => format!("{}.{t} s", tenths / 10),
    }
}

#[cfg(test)]
mod tests;
