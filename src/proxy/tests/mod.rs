//! Host tests of every proxy rule.

use super::*;
use serde_json::Value;

mod body_limits;
mod config_options;
mod cors;
mod decisions;
mod header_filters;
mod live_tickets;
mod routing;

const SECRET: &str = "a-ticket-secret-of-at-least-32-bytes!";
const OWN: &str = "https://proxy.example";
const APP: &str = "https://app.example";
const NOW_MS: f64 = 1_800_000_000_000.0;
const S1: &str = "pbs_600850236505758830";

fn cfg(json: &str) -> ProxyConfig {
    let v = serde_json::from_str::<Value>(json).unwrap();
    ProxyConfig::from_options(Some(&v)).unwrap()
}

fn cfg_err(json: &str) -> String {
    let v = serde_json::from_str::<Value>(json).unwrap();
    ProxyConfig::from_options(Some(&v)).unwrap_err().message()
}

fn base() -> ProxyConfig {
    cfg(&format!(
        r#"{{"apiKey":"sk-test","upstream":"http://127.0.0.1:9/","pathPrefix":"/api/skyvern/","allowedOrigins":["{APP}"],"ticketSecret":"{SECRET}","maxBodyBytes":100}}"#
    ))
}

fn req<'a>(method: &'a str, path: &'a str) -> Incoming<'a> {
    Incoming {
        method,
        path,
        own_origin: OWN,
        now_ms: NOW_MS,
        client_id: "generated-client",
        ..Incoming::default()
    }
}

fn status(d: &Decision) -> u16 {
    match d {
        Decision::Answer { status, .. } => *status,
        Decision::Preflight { .. } => 204,
        Decision::Forward(_) => 0,
    }
}

fn forward(d: Decision) -> Forward {
    match d {
        Decision::Forward(f) => f,
        other => panic!("expected a forward, got {other:?}"),
    }
}
