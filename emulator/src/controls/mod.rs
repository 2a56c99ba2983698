//! Test controls under `/_emulator/` (only with `--test-controls`): queued
//! faults, the request log and reset.

use std::time::Duration;

use serde_json::{json, Value};

use crate::app::test_controls::Fault;
use crate::app::{App, Req, Resp};

pub fn handle(app: &App, req: &Req) -> Resp {
    let path = req.path.trim_end_matches('/');
    match (req.method.as_str(), path) {
        ("POST", "/_emulator/faults") => add_fault(app, req),
        ("GET", "/_emulator/faults") => {
            let c = app.controls();
            let list: Vec<Value> = c
                .faults
                .iter()
                .map(|f| json!({"id": f.id, "method": f.method, "path": f.path, "path_prefix": f.path_prefix, "remaining": f.remaining}))
                .collect();
            Resp::json(200, &Value::Array(list))
        }
        ("DELETE", "/_emulator/faults") => {
            app.controls().faults.clear();
            Resp::json(200, &json!({"cleared": true}))
        }
        ("GET", "/_emulator/requests") => {
            Resp::json(200, &Value::Array(app.controls().log.clone()))
        }
        ("DELETE", "/_emulator/requests") => {
            app.controls().log.clear();
            Resp::json(200, &json!({"cleared": true}))
        }
        ("POST", "/_emulator/reset") => {
            app.controls().reset();
            app.store.lock().unwrap_or_else(|e| e.into_inner()).clear();
            if let Some(app) = app.arc() {
                tokio::spawn(async move { app.browsers.close_all().await });
            }
            Resp::json(200, &json!({"reset": true}))
        }
        (_, "/_emulator/faults" | "/_emulator/requests" | "/_emulator/reset") => {
            Resp::detail(405, "Method Not Allowed")
        }
        _ => Resp::not_found(),
    }
}

fn add_fault(app: &App, req: &Req) -> Resp {
    let bad = |msg: &str| Resp::detail(400, msg);
    let v: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => return bad(&format!("fault body is not JSON: {e}")),
    };
    let Some(o) = v.as_object() else {
        return bad("fault body must be a JSON object");
    };
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
    if let Some(k) = o.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return bad(&format!("unknown fault field '{k}'"));
    }
    let opt_str = |k: &str| -> Result<Option<String>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("'{k}' must be a string")),
        }
    };
    let opt_u64 = |k: &str| -> Result<Option<u64>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| format!("'{k}' must be a non-negative integer")),
        }
    };
    let opt_bool = |k: &str| -> Result<bool, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("'{k}' must be a boolean")),
        }
    };
    let parsed = (|| -> Result<Fault, String> {
        let status = match opt_u64("status")? {
            Some(s) if (100..=599).contains(&s) => Some(s as u16),
            Some(_) => return Err("'status' must be between 100 and 599".into()),
            None => None,
        };
        let times = opt_u64("times")?.unwrap_or(1);
        if times == 0 {
            return Err("'times' must be at least 1".into());
        }
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
        let method = opt_str("method")?.map(|m| m.to_ascii_uppercase());
        Ok(Fault {
            id: 0,
            method,
            path: opt_str("path")?,
            path_prefix: opt_str("path_prefix")?,
            remaining: times,
            status,
            headers,
            body: opt_str("body")?.unwrap_or_default(),
            delay: Duration::from_millis(opt_u64("delay_ms")?.unwrap_or(0)),
            hang: opt_bool("hang")?,
            reset: opt_bool("reset")?,
        })
    })();
    let mut fault = match parsed {
        Ok(f) => f,
        Err(msg) => return bad(&msg),
    };
    let mut c = app.controls();
    c.next_fault_id += 1;
    fault.id = c.next_fault_id;
    let id = fault.id;
    c.faults.push(fault);
    Resp::json(200, &json!({ "id": id }))
}
