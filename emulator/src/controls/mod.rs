//! Test controls under `/_emulator/` (only with `--test-controls`): queued
//! faults, the request log, webhook deliveries and reset.

mod fault_spec;
mod webhooks;

use serde_json::{json, Value};

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
        ("POST", "/_emulator/webhooks/tamper") => webhooks::add_tamper(app, req),
        ("GET", "/_emulator/webhooks") => {
            Resp::json(200, &Value::Array(app.controls().webhooks.clone()))
        }
        ("DELETE", "/_emulator/webhooks") => {
            let mut c = app.controls();
            c.webhooks.clear();
            c.webhook_tampers.clear();
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
        (
            _,
            "/_emulator/faults"
            | "/_emulator/requests"
            | "/_emulator/reset"
            | "/_emulator/webhooks"
            | "/_emulator/webhooks/tamper",
        ) => Resp::detail(405, "Method Not Allowed"),
        _ => Resp::not_found(),
    }
}

fn add_fault(app: &App, req: &Req) -> Resp {
    let mut fault = match fault_spec::read_fault(&req.body) {
        Ok(f) => f,
        Err(msg) => return Resp::detail(400, &msg),
    };
    let mut c = app.controls();
    c.next_fault_id += 1;
    fault.id = c.next_fault_id;
    let id = fault.id;
    c.faults.push(fault);
    Resp::json(200, &json!({ "id": id }))
}
