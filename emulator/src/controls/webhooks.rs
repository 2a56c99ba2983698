//! `POST /_emulator/webhooks/tamper`: `{"tamper": "tampered_body" |
//! "stale_timestamp" | "missing_signature" | "wrong_key" | "not_json",
//! "times": 1}` spoils the next `times` webhook deliveries that way.

use serde_json::{json, Value};

use crate::app::{App, Req, Resp};
use crate::webhooks::Tamper;

pub fn add_tamper(app: &App, req: &Req) -> Resp {
    let v: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => return Resp::detail(400, &format!("tamper body is not JSON: {e}")),
    };
    if let Some(k) = v
        .as_object()
        .and_then(|o| o.keys().find(|k| *k != "tamper" && *k != "times"))
    {
        return Resp::detail(400, &format!("unknown tamper field '{k}'"));
    }
    let Some(tamper) = v["tamper"].as_str().and_then(Tamper::from_name) else {
        let names = Tamper::NAMES.join(", ");
        return Resp::detail(400, &format!("'tamper' must be one of {names}"));
    };
    let times = match &v["times"] {
        Value::Null => 1,
        t => match t.as_u64() {
            Some(n) if (1..=1000).contains(&n) => n,
            _ => return Resp::detail(400, "'times' must be an integer from 1 to 1000"),
        },
    };
    let mut c = app.controls();
    for _ in 0..times {
        c.webhook_tampers.push(tamper);
    }
    Resp::json(200, &json!({ "queued": c.webhook_tampers.len() }))
}
