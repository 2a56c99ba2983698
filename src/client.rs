//! Sends a call: builds the request, runs attempts, applies the retry rule.

use crate::codec;
use crate::config::{CallOptions, Config};
pub use crate::endpoints::Expect;
use crate::endpoints::Op;
use crate::error::{self, Error};
use crate::models::views::{Shape, ShapeOf};
use crate::request::{query_string, Body, HttpRequest, HttpResponse, Method};
use crate::retry::{delay_ms, should_retry, Retry};
use crate::transport::{Env, SendError};

/// One API call as plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The HTTP method.
    pub method: Method,
    /// Path with encoded segments, e.g. `/v1/browser_sessions/pbs_1`.
    pub path: String,
    /// Query parameters, not yet encoded; a list is its key repeated.
    pub query: Vec<(String, String)>,
    /// Headers the request itself carries (`x-user-agent`), lower-case names.
    pub headers: Vec<(String, String)>,
    /// The body, when the call sends one.
    pub body: Option<Body>,
    /// Read the successful response as bytes (artifact content).
    pub binary: bool,
    /// Whether a failed attempt may be repeated.
    pub retry: Retry,
    /// What the body of a successful response must be.
    pub expect: Expect,
}

impl Call {
    /// The call of `op` (its row in the endpoint table) on the resource `id`, with
    /// no query or extra headers.
    pub fn of(op: Op, id: &str, body: Option<Body>) -> Call {
        let endpoint = op.endpoint();
        Call {
            method: endpoint.method,
            path: endpoint.path_with(id),
            query: Vec::new(),
            headers: Vec::new(),
            body,
            retry: endpoint.retry,
            expect: endpoint.expect,
            binary: false,
        }
    }
}

/// Checks a successful response body against what the call expects.
pub fn check_body(expect: Expect, status: u16, body: &str) -> Result<(), Error> {
    if expect == Expect::Anything {
        return Ok(());
    }
    let unexpected = |problem: String| {
        Err(Error::UnexpectedResponse {
            status,
            problem,
            body: body.to_string(),
        })
    };
    if body.trim().is_empty() {
        return unexpected("the response body is empty".into());
    }
    let key = match expect {
        Expect::Object(key) => Some(key),
        _ => None,
    };
    // The member asked for is read without building the rest; a body that is
    // not an object is read again for its kind.
    let shape = codec::from_text_seed(body, ShapeOf { key })
        .or_else(|| codec::from_text_seed(body, ShapeOf { key: None }));
    let Some(shape) = shape else {
        return Err(Error::InvalidResponse {
            status,
            body: body.to_string(),
        });
    };
    let ok = match (expect, shape) {
        (Expect::List, Shape::Array) => true,
        (Expect::NullOrObject, Shape::Null) => true,
        (Expect::AnyObject | Expect::NullOrObject, Shape::Object(_)) => true,
        (Expect::Object(_), Shape::Object(found)) => found,
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let wanted = match expect {
        Expect::List => "a JSON array".to_string(),
        Expect::NullOrObject => "a JSON object or null".to_string(),
        Expect::Object(key) => format!("a JSON object with a string `{}`", key.join("")),
        _ => "a JSON object".to_string(),
    };
    let got = match shape {
        Shape::Object(_) => "an object without it",
        Shape::Null => "null",
        Shape::Array => "an array",
        Shape::Scalar(kind) => kind,
    };
    unexpected(format!("expected {wanted} (got {got})"))
}

/// Builds the HTTP request for `call`. The API key is added here and nowhere else:
/// the call's own key (`requestOptions.apiKey`) or the client's.
pub fn build(cfg: &Config, opts: &CallOptions, call: &Call) -> HttpRequest {
    let mut headers: Vec<(String, String)> = cfg.headers.clone();
    for (k, v) in call.headers.iter().chain(&opts.headers) {
        headers.retain(|(name, _)| name != k);
        headers.push((k.clone(), v.clone()));
    }
    // A JSON body is typed here; a file's `FormData` sets its own type and boundary.
    headers.retain(|(name, _)| name != "content-type");
    let body = match (&call.body, &opts.extra_body) {
        (Some(Body::Json(text)), Some(extra)) => Some(Body::Json(
            codec::merge_object(text, extra).unwrap_or_else(|| text.clone()),
        )),
        (None, Some(extra)) if call.method != Method::Get => codec::to_text(extra).map(Body::Json),
        (body, _) => body.clone(),
    };
    if let Some(Body::Json(_)) = body {
        headers.push(("content-type".into(), "application/json".into()));
    }
    if let Some(key) = opts.api_key.as_ref().or(cfg.api_key.as_ref()) {
        headers.push(("x-api-key".into(), key.expose().to_string()));
    }
    // `requestOptions.queryParams` wins over the method's own parameter of the same name.
    let mut query: Vec<(String, String)> = call
        .query
        .iter()
        .filter(|(k, _)| !opts.query.iter().any(|(o, _)| o == k))
        .cloned()
        .collect();
    query.extend(opts.query.iter().cloned());
    HttpRequest {
        method: call.method,
        url: format!("{}{}{}", cfg.base_url, call.path, query_string(&query)),
        headers,
        body,
        binary: call.binary,
    }
}

/// Sends `call` with retries; resolves with the first 2xx response.
/// `deadline` (Unix ms) bounds every attempt and every backoff.
pub async fn send<E: Env>(
    env: &E,
    cfg: &Config,
    opts: &CallOptions,
    call: &Call,
    deadline: Option<f64>,
) -> Result<HttpResponse, Error> {
    let max_retries = opts.max_retries.unwrap_or(cfg.max_retries);
    let timeout = opts.timeout_ms.unwrap_or(cfg.timeout_ms);
    let request = build(cfg, opts, call);
    let mut attempt = 0;
    loop {
        if env.aborted() {
            return Err(Error::Aborted);
        }
        let mut limit = timeout;
        if let Some(d) = deadline {
            limit = limit.min(d - env.now_ms());
            if limit <= 0.0 {
                return Err(Error::AttemptTimeout { timeout_ms: 0.0 });
            }
        }
        let (err, retry_after) = match env.send(&request, limit).await {
            Ok(resp) if (200..300).contains(&resp.status) => return Ok(resp),
            Ok(resp) => (
                error::from_response(resp.status, &resp.body).with_headers(&resp.headers),
                resp.retry_after,
            ),
            Err(SendError::Aborted) => return Err(Error::Aborted),
            Err(SendError::Timeout) => (Error::AttemptTimeout { timeout_ms: limit }, None),
            Err(SendError::Network(detail)) => (
                Error::Connection {
                    detail,
                    in_browser: cfg.in_browser,
                },
                None,
            ),
        };
        if attempt >= max_retries || !should_retry(call.retry, &err, retry_after.as_deref()) {
            return Err(err);
        }
        let delay = delay_ms(attempt, retry_after.as_deref(), env.random(), env.now_ms());
        if deadline.is_some_and(|d| env.now_ms() + delay >= d) {
            return Err(err);
        }
        env.sleep(delay).await?;
        attempt += 1;
    }
}
