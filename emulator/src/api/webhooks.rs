//! `POST /v1/runs/{id}/retry_webhook`: sends a run's webhook again, to its own
//! `webhook_url` or the one in the body, and reports the delivery as the real
//! server's `RunWebhookReplayResponse`.

use serde_json::{json, Map, Value};

use super::object_or_resp;
use super::validate::Body;
use crate::app::{App, Resp};
use crate::webhooks::{prepare, send};

pub(super) async fn retry_webhook(app: &App, id: &str, body: Body) -> Resp {
    let obj = match object_or_resp(body, false) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let url = match obj.get("webhook_url") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::String(_)) => None,
        Some(other) => {
            let err = json!([{
                "type": "string_type", "loc": ["body", "webhook_url"],
                "msg": "Input should be a valid string", "input": other,
            }]);
            return Resp::json(422, &json!({ "detail": err }));
        }
    };
    let delivery = match prepare(app, id, url) {
        None => return Resp::detail(404, &format!("Run {id} not found")),
        Some(Err(msg)) => return Resp::detail(400, &msg),
        Some(Ok(d)) => d,
    };
    let outcome = send(app, &delivery).await;
    let headers: Map<String, Value> = delivery
        .headers
        .iter()
        .map(|(n, v)| (n.clone(), json!(v)))
        .collect();
    Resp::json(
        200,
        &json!({
            "run_id": delivery.run_id,
            "run_type": delivery.run_type,
            "default_webhook_url": delivery.default_url,
            "target_webhook_url": delivery.url,
            "payload": String::from_utf8_lossy(&delivery.payload),
            "headers": headers,
            "status_code": outcome.status,
            "latency_ms": outcome.latency_ms,
            "response_body": outcome.body,
            "error": outcome.error,
        }),
    )
}
