//! A non-success response turned into an [`Error`]: the status decides the
//! class, the body (FastAPI detail, validation list, `{code, message}`, HTML or
//! text) a readable message.

use super::Error;
use crate::codec;
use serde_json::Value;

/// A value as compact JSON text.
fn json_text(v: &Value) -> String {
    codec::to_text(v).unwrap_or_default()
}

/// Turns a non-success response into an error. Never fails, whatever the body.
pub fn from_response(status: u16, body: &str) -> Error {
    let parsed = codec::parse_body(body);
    let mut retryable = status == 408 || status == 429 || status >= 500;
    let detail = match &parsed {
        Some(v) => {
            if let Some(Value::Object(_)) = v.get("detail") {
                if let Some(r) = v.get("detail").and_then(|d| d.get("retryable")) {
                    if let Some(b) = r.as_bool() {
                        retryable = b;
                    }
                }
            }
            json_detail(v)
        }
        None => text_detail(body),
    };
    let mut message = format!("{status} {}", reason_phrase(status));
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
        headers: Vec::new(),
    }
}

const MAX_DETAIL: usize = 500;

fn clip(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= MAX_DETAIL {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX_DETAIL).collect();
        out.push('…');
        out
    }
}

/// A readable form of a JSON error body.
fn json_detail(v: &Value) -> Option<String> {
    if let Some(d) = v.get("detail") {
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
            other => Some(clip(&json_text(other))),
        };
    }
    for key in ["error", "message"] {
        if let Some(Value::String(s)) = v.get(key) {
            return Some(clip(s));
        }
    }
    match v {
        Value::String(s) => Some(clip(s)),
        Value::Null => None,
        Value::Object(m) if m.is_empty() => None,
        other => Some(clip(&json_text(other))),
    }
}

/// One FastAPI validation entry: `body.timeout: Input should be … (got 3)`.
fn validation_item(item: &Value) -> String {
    let msg = item
        .get("msg")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| json_text(item));
    let mut loc = String::new();
    if let Some(Value::Array(parts)) = item.get("loc") {
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                loc.push('.');
            }
            match p {
                Value::String(s) => loc.push_str(s),
                other => loc.push_str(&json_text(other)),
            }
        }
    }
    let mut out = if loc.is_empty() {
        msg
    } else {
        format!("{loc}: {msg}")
    };
    if let Some(input) = item.get("input") {
        let shown = json_text(input);
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
    let code = d.get("code").and_then(Value::as_str);
    let msg = d
        .get("message")
        .or_else(|| d.get("msg"))
        .and_then(Value::as_str);
    match (code, msg) {
        (Some(c), Some(m)) => format!("{m} ({c})"),
        (Some(c), None) => c
            .chars()
            .map(|ch| if ch == '_' { ' ' } else { ch })
            .collect(),
        (None, Some(m)) => m.to_string(),
        (None, None) => json_text(d),
    }
}

/// A readable form of a non-JSON body (plain text or HTML).
fn text_detail(body: &str) -> Option<String> {
    let t = body.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("<!doctype") || lower.starts_with("<html") || lower.contains("<body") {
        let title = lower
            .find("<title>")
            .and_then(|s| {
                let rest = lower.get(s + 7..)?;
                rest.find("</title>").map(|e| (s + 7, s + 7 + e))
            })
            .and_then(|(s, e)| t.get(s..e))
            .map(str::trim)
            .filter(|s| !s.is_empty());
        return Some(match title {
            Some(title) => format!("HTML page \"{}\"", clip(title)),
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
