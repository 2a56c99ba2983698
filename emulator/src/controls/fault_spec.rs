//! The body of `POST /_emulator/faults`, read into a queued fault.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::app::test_controls::Fault;

/// Fields a fault body may have.
const KNOWN: [&str; 10] = [
    "method",
    "path",
    "path_prefix",
    "times",
    "status",
    "headers",
    "body",
    "delay_ms",
    "hang",
    "reset",
];

/// The fault a body describes, or the reason it is refused (a 400's detail).
pub fn read_fault(body: &[u8]) -> Result<Fault, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("fault body is not JSON: {e}"))?;
    let Some(o) = v.as_object() else {
        return Err("fault body must be a JSON object".into());
    };
    if let Some(k) = o.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!("unknown fault field '{k}'"));
    }
    let status = match opt_u64(o, "status")? {
        Some(s) if (100..=599).contains(&s) => Some(s as u16),
        Some(_) => return Err("'status' must be between 100 and 599".into()),
        None => None,
    };
    let times = opt_u64(o, "times")?.unwrap_or(1);
    if times == 0 {
        return Err("'times' must be at least 1".into());
    }
    let headers = headers(o)?;
    Ok(Fault {
        id: 0,
        method: opt_str(o, "method")?.map(|m| m.to_ascii_uppercase()),
        path: opt_str(o, "path")?,
        path_prefix: opt_str(o, "path_prefix")?,
        remaining: times,
        status,
        headers,
        body: opt_str(o, "body")?.unwrap_or_default(),
        delay: Duration::from_millis(opt_u64(o, "delay_ms")?.unwrap_or(0)),
        hang: opt_bool(o, "hang")?,
        reset: opt_bool(o, "reset")?,
    })
}

/// `headers`: an object of valid HTTP header names and string values.
fn headers(o: &Map<String, Value>) -> Result<Vec<(String, String)>, String> {
    let mut headers = Vec::new();
    match o.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (n, v) in h {
                let Some(v) = v.as_str() else {
                    return Err(format!("header '{n}' must be a string"));
                };
                if hyper::header::HeaderName::from_bytes(n.as_bytes()).is_err()
                    || hyper::header::HeaderValue::from_str(v).is_err()
                {
                    return Err(format!("header '{n}' is not a valid HTTP header"));
                }
                headers.push((n.to_ascii_lowercase(), v.to_string()));
            }
        }
        Some(_) => return Err("'headers' must be an object of strings".into()),
    }
    Ok(headers)
}

fn opt_str(o: &Map<String, Value>, k: &str) -> Result<Option<String>, String> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("'{k}' must be a string")),
    }
}

fn opt_u64(o: &Map<String, Value>, k: &str) -> Result<Option<u64>, String> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("'{k}' must be a non-negative integer")),
    }
}

fn opt_bool(o: &Map<String, Value>, k: &str) -> Result<bool, String> {
    match o.get(k) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(format!("'{k}' must be a boolean")),
    }
}
