//! What the test controls hold: queued faults and the request log.

use std::time::Duration;

use bytes::Bytes;
use serde_json::{json, Map, Value};

use super::http::{is_stream_path, query_param, Req, Resp};
pub struct Fault {
    pub(crate) id: u64,
    pub(crate) method: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) path_prefix: Option<String>,
    pub(crate) remaining: u64,
    pub(crate) status: Option<u16>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
    pub(crate) delay: Duration,
    pub(crate) hang: bool,
    pub(crate) reset: bool,
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
    pub(crate) faults: Vec<Fault>,
    pub(crate) next_fault_id: u64,
    pub(crate) log: Vec<Value>,
    pub(crate) seq: u64,
    /// Spoilers for the next webhook deliveries, first first.
    pub(crate) webhook_tampers: Vec<crate::webhooks::Tamper>,
    /// Webhook deliveries, oldest first.
    pub(crate) webhooks: Vec<Value>,
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
        let stream = is_stream_path(&req.path);
        let given = if stream {
            query_param(req.query.as_deref(), "apikey")
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

    /// The spoiler for the next webhook delivery, if one is queued.
    pub fn take_webhook_tamper(&mut self) -> Option<crate::webhooks::Tamper> {
        (!self.webhook_tampers.is_empty()).then(|| self.webhook_tampers.remove(0))
    }

    pub fn reset(&mut self) {
        self.webhook_tampers.clear();
        self.webhooks.clear();
        self.faults.clear();
        self.log.clear();
        self.seq = 0;
    }
}
