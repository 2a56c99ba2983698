//! Test controls under `/_emulator/` (only with `--test-controls`): queued
//! faults, the request log and reset.

use std::time::Duration;

use bytes::Bytes;
use serde_json::{json, Map, Value};

use crate::server::{App, Req, Resp};

pub struct Fault {
    id: u64,
    method: Option<String>,
    path: Option<String>,
    path_prefix: Option<String>,
    remaining: u64,
    status: Option<u16>,
    headers: Vec<(String, String)>,
    body: String,
    delay: Duration,
    hang: bool,
    reset: bool,
}

/// What a matched fault does to a request.
pub enum FaultAction {
    Reset,
    Hang,
    Delay(Duration),
    Respond(Duration, Resp),
}

#[derive(Default)]
pub struct Controls {
    faults: Vec<Fault>,
    next_fault_id: u64,
    log: Vec<Value>,
    seq: u64,
}

impl Controls {
    pub fn record(&mut self, req: &Req, key: &str) {
        self.seq += 1;
        let mut headers = Map::new();
        for (n, v) in &req.headers {
            if n == "x-api-key" {
                continue;
            }
            match headers.get_mut(n) {
                Some(Value::String(prev)) => {
                    prev.push_str(", ");
                    prev.push_str(v);
                }
                _ => {
                    headers.insert(n.clone(), Value::String(v.clone()));
                }
            }
        }
        // Stream sockets take the key from the query: it is judged from
        // there and never stored.
        let stream = crate::stream::is_stream_path(&req.path);
        let given = if stream {
            crate::stream::query_param(req.query.as_deref(), "apikey")
        } else {
            req.header("x-api-key").map(str::to_string)
        };
        let api_key = match given.as_deref() {
            None => "missing",
            Some("") => "empty",
            Some(k) if k == key => "valid",
            Some(_) => "wrong",
        };
        let query = match (&req.query, stream) {
            (Some(q), true) => Some(
                q.split('&')
                    .map(|kv| match kv.split_once('=') {
                        Some((k, _)) if k == "apikey" || k == "token" => format!("{k}=REDACTED"),
                        _ => kv.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("&"),
            ),
            (q, _) => q.clone(),
        };
        let body = if req.body.is_empty() {
            Value::Null
        } else {
            Value::String(String::from_utf8_lossy(&req.body).into_owned())
        };
        self.log.push(json!({
            "seq": self.seq,
            "method": req.method,
            "path": req.path,
            "query": query,
            "headers": headers,
            "api_key": api_key,
            "body": body,
        }));
    }

    /// Consumes one use of the first queued fault matching `req`. A CORS
    /// preflight only matches a fault whose `method` is `OPTIONS`.
    pub fn take_fault(&mut self, req: &Req, preflight: bool) -> Option<FaultAction> {
        let idx = self.faults.iter().position(|f| {
            let method_ok = match &f.method {
                Some(m) => m.eq_ignore_ascii_case(&req.method),
                None => !preflight,
            };
            method_ok
                && f.path.as_ref().is_none_or(|p| *p == req.path)
                && f.path_prefix
                    .as_ref()
                    .is_none_or(|p| req.path.starts_with(p.as_str()))
        })?;
        let f = &mut self.faults[idx];
        f.remaining -= 1;
        let action = if f.reset {
            FaultAction::Reset
        } else if f.hang {
            FaultAction::Hang
        } else if let Some(status) = f.status {
            let mut resp = Resp {
                status,
                headers: Vec::new(),
                body: Bytes::from(f.body.clone()),
            };
            resp.headers = f.headers.clone();
            FaultAction::Respond(f.delay, resp)
        } else {
            FaultAction::Delay(f.delay)
        };
        if f.remaining == 0 {
            self.faults.remove(idx);
        }
        Some(action)
    }

    pub fn reset(&mut self) {
        self.faults.clear();
        self.log.clear();
        self.seq = 0;
    }
}

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
