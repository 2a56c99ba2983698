//! Input from the live view: mouse, keys and navigation sent to the browser.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use super::socket::{
    close_with, gone, interval, phase, send_text, wait_running, Phase, Ws, CHECK_EVERY, PING_EVERY,
};
use crate::app::http::query_param;
use crate::app::App;
use crate::browser::Browser;
pub(super) async fn cdp_input(app: Arc<App>, mut ws: Ws, id: String, query: Option<String>) {
    let apikey = query_param(query.as_deref(), "apikey");
    let client_id = query_param(query.as_deref(), "client_id").filter(|c| !c.is_empty());
    if apikey.as_deref() != Some(app.cfg.api_key.as_str()) || client_id.is_none() {
        return close_with(ws, 1002, "").await;
    }
    match wait_running(&app, &mut ws, &id).await {
        Ok(()) => {}
        Err(None) => return,
        Err(Some(Phase::NotFound)) => {
            return close_with(ws, 4404, "browser_session_not_found").await
        }
        Err(Some(Phase::Ended(_))) => {
            return close_with(ws, 4404, "browser_session_finalized").await
        }
        Err(Some(_)) => return close_with(ws, 4408, "browser_not_ready").await,
    }
    let browser = app.browsers.get(&id);
    if !send_text(&mut ws, json!({"kind": "ready"}).to_string()).await {
        return;
    }
    let mut control = false;
    let mut check = interval(CHECK_EVERY);
    let mut ping = interval(PING_EVERY);
    loop {
        tokio::select! {
            _ = check.tick() => {
                match phase(&app, &id) {
                    Phase::Running | Phase::Starting => {}
                    Phase::NotFound => return close_with(ws, 4404, "browser_session_not_found").await,
                    Phase::Ended(_) => return close_with(ws, 4404, "browser_session_finalized").await,
                }
                if browser.as_ref().is_some_and(|b| !b.is_alive()) {
                    return close_with(ws, 4411, "browser_unavailable").await;
                }
            }
            _ = ping.tick() => {
                if ws.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return;
                }
            }
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    if let Some(reply) = input(&app, &id, browser.as_deref(), &mut control, &t).await {
                        if !send_text(&mut ws, reply.to_string()).await {
                            return;
                        }
                    }
                }
                m if gone(&m) => return,
                _ => {}
            },
        }
    }
}

fn num(v: &Value, k: &str) -> Option<f64> {
    v.get(k).and_then(Value::as_f64).filter(|f| f.is_finite())
}

fn int_in(v: &Value, k: &str, lo: i64, hi: i64, default: i64) -> Option<i64> {
    match v.get(k) {
        None | Some(Value::Null) => Some(default),
        Some(x) => x
            .as_f64()
            .filter(|f| f.is_finite())
            .map(|f| (f as i64).clamp(lo, hi)),
    }
}

fn short_str(v: &Value, k: &str) -> Option<String> {
    match v.get(k) {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) if s.chars().count() <= 32 => Some(s.clone()),
        _ => None,
    }
}

/// Handles one message of the input socket; returns a reply to send, if any.
/// Malformed messages and unknown kinds are ignored.
async fn input(
    app: &App,
    id: &str,
    browser: Option<&Browser>,
    control: &mut bool,
    text: &str,
) -> Option<Value> {
    let v: Value = serde_json::from_str(text).ok()?;
    let kind = v
        .get("kind")
        .or_else(|| v.get("type"))
        .and_then(Value::as_str)?
        .to_string();
    match kind.as_str() {
        "take-control" => {
            *control = true;
            return None;
        }
        "cede-control" => {
            *control = false;
            return None;
        }
        _ if !*control => return None,
        _ => {}
    }
    match kind.as_str() {
        "mouseEvent" => {
            let p = mouse_params(&v)?;
            let _ = browser?.mouse(p).await;
        }
        "keyEvent" => {
            let p = key_params(&v)?;
            let _ = browser?.key(p).await;
        }
        "wheelEvent" => {
            let p = wheel_params(&v)?;
            let _ = browser?.mouse(p).await;
        }
        "navigateEvent" => return navigate(app, id, browser, &v).await,
        "goBackEvent" => {
            let _ = browser?.history(-1).await;
        }
        "goForwardEvent" => {
            let _ = browser?.history(1).await;
        }
        "reloadEvent" => {
            let _ = browser?.reload().await;
        }
        _ => {}
    }
    None
}

/// CDP `Input.dispatchMouseEvent` parameters from a `mouseEvent`, if valid.
fn mouse_params(v: &Value) -> Option<Value> {
    let et = v.get("eventType").and_then(Value::as_str)?;
    if !matches!(et, "mousePressed" | "mouseReleased" | "mouseMoved") {
        return None;
    }
    let x = num(v, "x")?.clamp(0.0, 10_000.0);
    let y = num(v, "y")?.clamp(0.0, 10_000.0);
    let default_button = if et == "mouseMoved" { "none" } else { "left" };
    let button = match v.get("button") {
        None | Some(Value::Null) => default_button,
        Some(Value::String(b)) if matches!(b.as_str(), "left" | "middle" | "right" | "none") => {
            b.as_str()
        }
        _ => return None,
    };
    let clicks = int_in(
        v,
        "clickCount",
        0,
        3,
        if et == "mouseMoved" { 0 } else { 1 },
    )?;
    let modifiers = int_in(v, "modifiers", 0, 15, 0)?;
    Some(
        json!({"type": et, "x": x, "y": y, "button": button, "clickCount": clicks, "modifiers": modifiers}),
    )
}

/// CDP `Input.dispatchKeyEvent` parameters from a `keyEvent`, if valid.
fn key_params(v: &Value) -> Option<Value> {
    let et = v.get("eventType").and_then(Value::as_str)?;
    if !matches!(et, "keyDown" | "keyUp" | "rawKeyDown") {
        return None;
    }
    let key = short_str(v, "key")?;
    let code = short_str(v, "code")?;
    let vk = int_in(v, "windowsVirtualKeyCode", 0, 254, 0)?;
    let modifiers = int_in(v, "modifiers", 0, 15, 0)?;
    let mut p = json!({"type": et, "key": key, "code": code, "windowsVirtualKeyCode": vk, "nativeVirtualKeyCode": vk, "modifiers": modifiers});
    if et == "keyDown" {
        if let Some(t) = v.get("text").and_then(Value::as_str) {
            let mut cs = t.chars();
            if let (Some(c), None) = (cs.next(), cs.next()) {
                if !c.is_control() {
                    p["text"] = json!(t);
                    p["unmodifiedText"] = json!(t);
                }
            }
        }
    }
    Some(p)
}

/// CDP `mouseWheel` parameters from a `wheelEvent`, if valid.
fn wheel_params(v: &Value) -> Option<Value> {
    let x = num(v, "x")?.clamp(0.0, 10_000.0);
    let y = num(v, "y")?.clamp(0.0, 10_000.0);
    let dx = num(v, "deltaX").unwrap_or(0.0).clamp(-10_000.0, 10_000.0);
    let dy = num(v, "deltaY").unwrap_or(0.0).clamp(-10_000.0, 10_000.0);
    let modifiers = int_in(v, "modifiers", 0, 15, 0)?;
    Some(
        json!({"type": "mouseWheel", "x": x, "y": y, "deltaX": dx, "deltaY": dy, "modifiers": modifiers}),
    )
}

/// Goes where a `navigateEvent` says: the real browser, or the drawn URL of
/// a session without one. `Some` is the error message for the viewer.
async fn navigate(app: &App, id: &str, browser: Option<&Browser>, v: &Value) -> Option<Value> {
    let raw = v.get("url").and_then(Value::as_str).unwrap_or("");
    let Some(url) = normalize_url(raw) else {
        return Some(json!({"kind": "navigate-error", "reason": "invalid_url"}));
    };
    match browser {
        Some(b) => {
            if b.navigate(&url).await.is_err() {
                let _ = b.navigate("about:blank").await;
                return Some(json!({"kind": "navigate-error", "reason": "failed"}));
            }
        }
        None => {
            let (mut store, now) = app.store();
            if let Some(s) = store.session_mut(id) {
                s.nav = Some((now, url));
            }
        }
    }
    None
}

/// The URL a `navigateEvent` goes to: http(s) only (a bare host gets
/// `https://`), at most 2083 characters; `None` is `invalid_url`.
pub fn normalize_url(raw: &str) -> Option<String> {
    let u = raw.trim();
    if u.is_empty() || u.len() > 2083 || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let full = match u.split_once("://") {
        Some((scheme, _)) => {
            if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
                return None;
            }
            u.to_string()
        }
        None => {
            // `about:blank`, `file:…`, `javascript:…` have a scheme but no `//`;
            // `host:8080/…` does not count as one.
            if let Some((before, after)) = u.split_once(':') {
                let schemey = before
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && before
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                    && !after.starts_with(|c: char| c.is_ascii_digit());
                if schemey && !before.contains('.') {
                    return None;
                }
            }
            format!("https://{u}")
        }
    };
    let rest = full.split_once("://").map(|x| x.1).unwrap_or("");
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '_'))
    {
        return None;
    }
    Some(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            normalize_url("example.com").as_deref(),
            Some("https://example.com")
        );
        assert_eq!(
            normalize_url("http://127.0.0.1:8765/a").as_deref(),
            Some("http://127.0.0.1:8765/a")
        );
        assert_eq!(
            normalize_url("localhost:3000/x").as_deref(),
            Some("https://localhost:3000/x")
        );
        assert_eq!(normalize_url("file:///etc/passwd"), None);
        assert_eq!(normalize_url("not a url at all"), None);
        assert_eq!(normalize_url("javascript:alert(1)"), None);
        assert_eq!(normalize_url(""), None);
        assert_eq!(
            normalize_url(&format!("https://a.com/{}", "x".repeat(2100))),
            None
        );
    }
}
