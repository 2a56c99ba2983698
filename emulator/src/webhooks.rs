//! Run webhooks, sent as Skyvern 1.0.56 sends them: when a run with a
//! `webhook_url` reaches a terminal status, its JSON (compact, as `GET
//! /v1/runs/{id}` returns it without `run_request`, plus `task_id` or
//! `workflow_run_id`) is POSTed
//! there with `x-skyvern-signature` (lowercase hex HMAC-SHA-256 of the body,
//! keyed with the emulator's API key) and `x-skyvern-timestamp` (Unix
//! seconds). Test controls can spoil the next deliveries ([`Tamper`]).

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::api::render;
use crate::app::store::is_terminal;
use crate::app::App;

/// How often a watched run is looked at until it ends.
const WATCH_EVERY: Duration = Duration::from_millis(5);
/// How long a receiver may take to answer.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries kept for `GET /_emulator/webhooks`.
const LOG_CAP: usize = 1000;

/// A spoiled delivery, so tests can prove a receiver refuses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tamper {
    /// Signed, then one byte added to the body (still JSON).
    Body,
    /// Signed correctly, timestamped an hour ago.
    StaleTimestamp,
    /// No `x-skyvern-signature` header.
    MissingSignature,
    /// Signed with another key.
    WrongKey,
    /// A body that is not JSON, signed correctly.
    NotJson,
}

impl Tamper {
    pub const NAMES: [&'static str; 5] = [
        "tampered_body",
        "stale_timestamp",
        "missing_signature",
        "wrong_key",
        "not_json",
    ];

    pub fn from_name(name: &str) -> Option<Tamper> {
        let all = [
            Tamper::Body,
            Tamper::StaleTimestamp,
            Tamper::MissingSignature,
            Tamper::WrongKey,
            Tamper::NotJson,
        ];
        Self::NAMES.iter().position(|n| *n == name).map(|i| all[i])
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// The lowercase hex HMAC-SHA-256 of `body` under `key`.
pub fn sign(key: &str, body: &[u8]) -> String {
    match <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body);
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length.
        Err(_) => String::new(),
    }
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn unix_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// One delivery, ready to send.
pub struct Delivery {
    pub run_id: String,
    pub run_type: String,
    pub default_url: Option<String>,
    pub url: String,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub tamper: Option<Tamper>,
}

/// The delivery of run `id` to `url` (its own `webhook_url` when `None`);
/// `None` when the run is unknown, an error (a 400's detail) when it has not
/// ended or has nowhere to go. The next queued [`Tamper`] applies.
pub fn prepare(app: &App, id: &str, url: Option<String>) -> Option<Result<Delivery, String>> {
    let (store, now) = app.store();
    let run = store.run(id)?;
    let mut body = render(app, &store, now).run(run);
    drop(store);
    // As the real server: a replay needs a finished run, whatever the URL.
    let status = body
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !is_terminal(status) {
        return Some(Err(format!(
            "Run {id} has not reached a terminal state (status={status})."
        )));
    }
    let default_url = body
        .pointer("/run_request/webhook_url")
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(url) = url.or_else(|| default_url.clone()) else {
        return Some(Err("No webhook URL configured for the run.".into()));
    };
    let run_type = body["run_type"].as_str().unwrap_or_default().to_string();
    if let Some(m) = body.as_object_mut() {
        let key = if run_type == "workflow_run" {
            "workflow_run_id"
        } else {
            "task_id"
        };
        m.insert(key.into(), json!(id));
        // The real server sends the run without its request (`exclude={"run_request"}`).
        m.remove("run_request");
    }
    let tamper = app.controls().take_webhook_tamper();
    let mut payload = serde_json::to_vec(&body).unwrap_or_default();
    if tamper == Some(Tamper::NotJson) {
        payload = b"not json".to_vec();
    }
    let key = if tamper == Some(Tamper::WrongKey) {
        "sk-not-the-key"
    } else {
        app.cfg.api_key.as_str()
    };
    let signature = sign(key, &payload);
    if tamper == Some(Tamper::Body) {
        payload.insert(1, b' ');
    }
    let stamp = match tamper {
        Some(Tamper::StaleTimestamp) => unix_seconds().saturating_sub(3600),
        _ => unix_seconds(),
    };
    let mut headers = vec![("x-skyvern-timestamp".to_string(), stamp.to_string())];
    if tamper != Some(Tamper::MissingSignature) {
        headers.push(("x-skyvern-signature".to_string(), signature));
    }
    // Spelled as the real server's replay answer reports it.
    headers.push(("Content-Type".to_string(), "application/json".to_string()));
    Some(Ok(Delivery {
        run_id: id.to_string(),
        run_type,
        default_url,
        url,
        payload,
        headers,
        tamper,
    }))
}

/// What the receiver answered.
pub struct Outcome {
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub body: Option<String>,
    pub error: Option<String>,
}

fn client() -> Option<&'static reqwest::Client> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(SEND_TIMEOUT)
                .build()
                .ok()
        })
        .as_ref()
}

/// Sends `d` and records it for `GET /_emulator/webhooks`.
pub async fn send(app: &App, d: &Delivery) -> Outcome {
    let sent_at_ms = unix_ms();
    let started = Instant::now();
    let result = match client() {
        Some(c) => {
            let mut rb = c.post(&d.url).body(d.payload.clone());
            for (n, v) in &d.headers {
                rb = rb.header(n.as_str(), v.as_str());
            }
            rb.header("user-agent", "skyvern-emulator").send().await
        }
        None => return failed(started, "no HTTP client".into()),
    };
    let outcome = match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            Outcome {
                status: Some(status),
                latency_ms: started.elapsed().as_millis() as u64,
                body: Some(text.chars().take(2048).collect()),
                error: None,
            }
        }
        Err(e) => failed(started, e.without_url().to_string()),
    };
    record(app, d, sent_at_ms, &outcome);
    outcome
}

fn failed(started: Instant, error: String) -> Outcome {
    Outcome {
        status: None,
        latency_ms: started.elapsed().as_millis() as u64,
        body: None,
        error: Some(error),
    }
}

fn record(app: &App, d: &Delivery, sent_at_ms: f64, o: &Outcome) {
    let mut c = app.controls();
    if c.webhooks.len() >= LOG_CAP {
        c.webhooks.remove(0);
    }
    c.webhooks.push(json!({
        "run_id": d.run_id,
        "url": d.url,
        "sent_at_ms": sent_at_ms,
        "tamper": d.tamper.map(Tamper::name),
        "status_code": o.status,
        "latency_ms": o.latency_ms,
        "error": o.error,
    }));
}

/// Sends run `id`'s webhook to its `webhook_url` once the run has ended (or
/// forgets it when the run is gone, after a reset).
pub fn watch(app: &App, id: String) {
    let Some(app): Option<Arc<App>> = app.arc() else {
        return;
    };
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            let ended = {
                let (store, now) = app.store();
                store.run(&id).map(|r| is_terminal(r.view(now).status))
            };
            match ended {
                None => return,
                Some(true) => break,
                Some(false) => {}
            }
        }
        if let Some(Ok(d)) = prepare(&app, &id, None) {
            send(&app, &d).await;
        }
    });
}
