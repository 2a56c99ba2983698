//! The live-view pages behind `app_url`: `/browser-session/{id}` and
//! `/runs/{id}`, their JSON state (polled by the page, no key needed), and
//! the step screenshots listed in `screenshot_urls`.

use std::time::Instant;

use serde_json::{json, Value};

mod font;
pub mod frames;
mod input;
mod socket;
pub mod stream;
use crate::app::store::{is_terminal, Run, Store};
use crate::app::{App, Req, Resp};
use crate::util::percent_decode;

const PAGE: &str = include_str!("live.html");

pub fn handle(app: &App, req: &Req) -> Option<Resp> {
    let path = req.path.strip_suffix('/').unwrap_or(&req.path);
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let kind = match segs.first() {
        Some(&"browser-session") => "session",
        Some(&"runs") => "run",
        _ => return None,
    };
    if segs.len() < 2 || segs[1].is_empty() {
        return None;
    }
    if req.method != "GET" && req.method != "HEAD" {
        return Some(Resp::detail(405, "Method Not Allowed").header("allow", "GET, HEAD"));
    }
    let id = percent_decode(segs[1]);
    let resp = match (kind, &segs[2..]) {
        (_, []) => Resp::text(200, "text/html; charset=utf-8", page(kind, &id)),
        (_, ["state"]) => {
            let (store, now) = app.store();
            let v = if kind == "session" {
                session_state(app, &store, &id, now)
            } else {
                run_state(app, &store, &id, now)
            };
            Resp::json(200, &v)
        }
        ("run", ["screenshots", file]) => {
            let n = file
                .strip_suffix(".svg")
                .and_then(|n| n.parse::<u32>().ok());
            let (store, _) = app.store();
            match (store.run(&id), n) {
                (Some(r), Some(n)) if n >= 1 && n <= r.steps => {
                    Resp::text(200, "image/svg+xml", screenshot(r, n))
                }
                _ => Resp::not_found(),
            }
        }
        _ => Resp::not_found(),
    };
    Some(resp.header("cache-control", "no-store"))
}

fn page(kind: &str, id: &str) -> String {
    let safe_id: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    PAGE.replace("__KIND__", kind).replace("__ID__", &safe_id)
}

fn run_json(app: &App, r: &Run, now: Instant) -> Value {
    let v = r.view(now);
    let done = v.step_count.unwrap_or(0);
    let steps: Vec<Value> = (1..=done)
        .map(|k| {
            let state = if k < done || is_terminal(v.status) || v.status == "paused" {
                "done"
            } else {
                "active"
            };
            json!({
                "n": k,
                "label": r.step_label(k),
                "state": state,
                "at": app.clock.iso(r.start_at + r.interval * (k - 1)),
                "screenshot": format!("{}/runs/{}/screenshots/{k}.svg", app.base_url, r.id),
            })
        })
        .collect();
    json!({
        "id": r.id,
        "run_type": r.run_type,
        "status": v.status,
        "prompt": r.prompt.trim(),
        "url": r.url,
        "step_count": v.step_count,
        "steps": steps,
        "output": if v.status == "completed" { r.output() } else { Value::Null },
        "failure_reason": v.failure_reason,
        "session_id": r.session_id,
        "created_at": app.clock.iso(r.created),
        "finished_at": v.finished.map(|t| app.clock.iso(t)),
    })
}

fn session_state(app: &App, store: &Store, id: &str, now: Instant) -> Value {
    let Some(s) = store.session(id) else {
        return json!({"kind": "session", "id": id, "found": false});
    };
    let runs: Vec<&Run> = store.session_runs(id).collect();
    let current = store.current_run(id, now);
    let remaining = if s.completed.is_none() && now >= s.start_at {
        let left = s.deadline(&app.timing).saturating_duration_since(now);
        Some((left.as_secs_f64() * 60_000.0 / app.timing.minute_ms as f64).round() as u64)
    } else {
        None
    };
    json!({
        "kind": "session",
        "id": s.id,
        "found": true,
        "status": s.status(now),
        "ended": s.completed.is_some(),
        "ended_reason": if s.completed.is_none() { Value::Null } else if s.expired { json!("expired") } else { json!("closed") },
        "created_at": app.clock.iso(s.created),
        "started_at": if now >= s.start_at && s.completed.is_none_or(|c| c >= s.start_at) { json!(app.clock.iso(s.start_at)) } else { Value::Null },
        "completed_at": s.completed.map(|t| app.clock.iso(t)),
        "timeout": s.timeout,
        "remaining_seconds": remaining,
        "current_url": store.current_url(id, now),
        "run": current.map(|r| run_json(app, r, now)),
        "runs": runs.iter().rev().take(20).map(|r| json!({"id": r.id, "status": r.view(now).status, "prompt": r.prompt.trim()})).collect::<Vec<_>>(),
    })
}

fn run_state(app: &App, store: &Store, id: &str, now: Instant) -> Value {
    let Some(r) = store.run(id) else {
        return json!({"kind": "run", "id": id, "found": false});
    };
    let status = r.view(now).status;
    json!({
        "kind": "run",
        "id": r.id,
        "found": true,
        "status": status,
        "ended": is_terminal(status),
        "current_url": r.url.clone().unwrap_or_else(|| "about:blank".into()),
        "run": run_json(app, r, now),
        "runs": [],
    })
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A drawing of the emulated page at step `n` (also the run's screenshot artifacts).
pub fn step_picture(r: &Run, n: u32) -> String {
    screenshot(r, n)
}

/// A drawing of the emulated page at step `n`.
fn screenshot(r: &Run, n: u32) -> String {
    let url = r.url.clone().unwrap_or_else(|| "about:blank".into());
    let title = r.output()["title"].as_str().unwrap_or("").to_string();
    let label = r.step_label(n);
    let hue = (r.id.bytes().map(u32::from).sum::<u32>() * 37) % 360;
    let bars: String = (0..6)
        .map(|i| {
            let w = 260 + ((i * 97 + n * 53) % 380);
            format!(
                "<rect x=\"60\" y=\"{}\" width=\"{w}\" height=\"14\" rx=\"7\" fill=\"#d8dde6\"/>",
                250 + i * 32
            )
        })
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="960" height="600" viewBox="0 0 960 600">
<rect width="960" height="600" fill="#f5f7fb"/>
<rect x="0" y="0" width="960" height="150" fill="hsl({hue},55%,45%)"/>
<text x="60" y="40" font-family="monospace" font-size="13" fill="rgba(255,255,255,.75)">{url}</text>
<text x="60" y="105" font-family="sans-serif" font-size="34" font-weight="bold" fill="#fff">{title}</text>
<text x="60" y="215" font-family="sans-serif" font-size="18" fill="#445">Step {n} of {steps}: {label}</text>
{bars}
<rect x="60" y="470" width="180" height="44" rx="8" fill="hsl({hue},55%,45%)"/>
<text x="150" y="498" text-anchor="middle" font-family="sans-serif" font-size="16" fill="#fff">Continue</text>
<text x="900" y="580" text-anchor="end" font-family="monospace" font-size="12" fill="#99a">{id} · emulated</text>
</svg>"##,
        url = xml_escape(&clip(&url, 95)),
        title = xml_escape(&clip(&title, 44)),
        label = xml_escape(&clip(&label, 70)),
        steps = r.steps,
        id = xml_escape(&r.id),
    )
}
