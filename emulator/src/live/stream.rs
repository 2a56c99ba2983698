//! The live-view WebSockets, with the real server's protocol, auth and close
//! behaviour:
//!
//! - `/v1/stream/browser_sessions/{id}?apikey=…`: JSON text messages, each a
//!   base64 image with the viewport size and URL; a status-only message then a
//!   dropped connection (no close frame) when the session is unknown or ends.
//! - `/v1/stream/cdp_input/browser_session/{id}?client_id=…&apikey=…`:
//!   `{"kind":"ready"}`, then input events once `take-control` arrived.
//!
//! Sessions backed by a real Chromium stream its screencast (JPEG) and take
//! input; the others stream PNG frames drawn from the emulator's state.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::frames;
use super::input::cdp_input;
use super::socket::{
    close_with, gone, interval, phase, send_status, send_text, wait_running, Phase, Ws,
    CHECK_EVERY, PING_EVERY,
};
use crate::app::http::query_param;
use crate::app::store::is_terminal;
use crate::app::{App, Req, Resp};
use crate::browser::{Browser, Frame};
use crate::util::percent_decode;

const DRAWN_REFRESH: Duration = Duration::from_secs(5);

enum Route {
    Screencast(String),
    CdpInput(String),
}

fn route(path: &str) -> Option<Route> {
    let p = path.strip_suffix('/').unwrap_or(path);
    if let Some(id) = p.strip_prefix("/v1/stream/browser_sessions/") {
        if !id.is_empty() && !id.contains('/') {
            return Some(Route::Screencast(percent_decode(id)));
        }
    }
    if let Some(id) = p.strip_prefix("/v1/stream/cdp_input/browser_session/") {
        if !id.is_empty() && !id.contains('/') {
            return Some(Route::CdpInput(percent_decode(id)));
        }
    }
    None
}

/// Whether a request asks for a WebSocket.
pub fn is_upgrade(headers: &hyper::HeaderMap) -> bool {
    let has = |name: &str, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .map(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
                .unwrap_or(false)
        })
    };
    has("upgrade", "websocket") && has("connection", "upgrade")
}

/// Answers a WebSocket handshake: 101 and a task serving the socket, or 403
/// for a route that has no socket (as Starlette does), or 400 for a broken
/// handshake.
pub fn upgrade(app: &App, req: &Req, on_upgrade: OnUpgrade) -> Resp {
    let Some(r) = route(&req.path) else {
        return Resp::text(403, "text/plain; charset=utf-8", "");
    };
    let key = match req.header("sec-websocket-key") {
        Some(k) if req.header("sec-websocket-version") == Some("13") => k.to_string(),
        _ => return Resp::text(400, "text/plain; charset=utf-8", "Bad WebSocket handshake"),
    };
    let Some(app) = app.arc() else {
        return Resp::detail(503, "Server is shutting down");
    };
    let query = req.query.clone();
    tokio::spawn(async move {
        let Ok(io) = on_upgrade.await else { return };
        let cfg = WebSocketConfig::default()
            .max_message_size(Some(1 << 20))
            .max_frame_size(Some(1 << 20));
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(io), Role::Server, Some(cfg)).await;
        match r {
            Route::Screencast(id) => screencast(app, ws, id, query).await,
            Route::CdpInput(id) => cdp_input(app, ws, id, query).await,
        }
    });
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    Resp {
        status: 101,
        headers: vec![
            ("upgrade".into(), "websocket".into()),
            ("connection".into(), "Upgrade".into()),
            ("sec-websocket-accept".into(), accept),
        ],
        body: bytes::Bytes::new(),
    }
}
async fn screencast(app: Arc<App>, mut ws: Ws, id: String, query: Option<String>) {
    let apikey = query_param(query.as_deref(), "apikey").filter(|k| !k.is_empty());
    let token = query_param(query.as_deref(), "token").filter(|k| !k.is_empty());
    match (apikey, token) {
        (None, None) => {
            let _ = send_text(&mut ws, "No valid credential provided".into()).await;
            return close_with(ws, 1000, "").await;
        }
        (Some(k), _) if k == app.cfg.api_key => {}
        _ => {
            // The real server drops the connection without a close frame.
            let _ = send_text(&mut ws, "Invalid credential provided".into()).await;
            return;
        }
    }
    match wait_running(&app, &mut ws, &id).await {
        Ok(()) => {}
        Err(None) => return,
        Err(Some(Phase::NotFound)) => return send_status(&mut ws, &id, "not_found").await,
        Err(Some(Phase::Ended(s))) => return send_status(&mut ws, &id, s).await,
        Err(Some(_)) => return send_status(&mut ws, &id, "timeout").await,
    }
    match app.browsers.get(&id) {
        Some(b) if b.is_alive() => stream_browser(&app, ws, &id, b).await,
        // No browser, or it died: the view is drawn rather than left dead.
        _ => stream_drawn(&app, ws, &id).await,
    }
}

fn frame_message(id: &str, status: &str, format: &str, f: &Frame) -> String {
    json!({
        "browser_session_id": id,
        "status": status,
        "screenshot": f.data,
        "format": format,
        "viewport_width": f.viewport_width,
        "viewport_height": f.viewport_height,
        "url": f.url,
    })
    .to_string()
}

async fn stream_browser(app: &App, mut ws: Ws, id: &str, b: Arc<Browser>) {
    let (mut viewer, prime) = b.watch().await;
    if let Some(f) = prime {
        if !send_text(&mut ws, frame_message(id, "running", "jpeg", &f)).await {
            return;
        }
    }
    let mut check = interval(CHECK_EVERY);
    let mut ping = interval(PING_EVERY);
    loop {
        tokio::select! {
            r = viewer.rx.recv() => match r {
                Ok(f) => {
                    if !send_text(&mut ws, frame_message(id, "running", "jpeg", &f)).await {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            _ = check.tick() => {
                match phase(app, id) {
                    Phase::Running | Phase::Starting => {}
                    Phase::NotFound => return send_status(&mut ws, id, "not_found").await,
                    Phase::Ended(s) => return send_status(&mut ws, id, s).await,
                }
                if !b.is_alive() {
                    return;
                }
            }
            _ = ping.tick() => {
                if ws.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return;
                }
            }
            m = ws.next() => if gone(&m) { return },
        }
    }
}

/// What a drawn frame of session `id` shows now, with the session's status.
fn drawn_model(app: &App, id: &str) -> Option<frames::Model> {
    let (store, now) = app.store();
    let s = store.session(id)?;
    let current = store.current_run(id, now);
    let run = current.map(|r| {
        let v = r.view(now);
        let done = v.step_count.unwrap_or(0);
        let finished = is_terminal(v.status) || v.status == "paused";
        let result = match v.status {
            "completed" => Some(format!("Output: {}", r.output())),
            "paused" => Some("Paused: waiting for a human.".to_string()),
            _ => v.failure_reason.clone(),
        };
        frames::RunModel {
            id: r.id.clone(),
            status: v.status.to_string(),
            prompt: r.prompt.trim().to_string(),
            steps: (1..=done)
                .map(|k| (r.step_label(k), k < done || finished))
                .collect(),
            result,
        }
    });
    Some(frames::Model {
        session_id: s.id.clone(),
        status: s.status(now).to_string(),
        url: store.current_url(id, now),
        run,
    })
}

async fn stream_drawn(app: &App, mut ws: Ws, id: &str) {
    let mut last: Option<frames::Model> = None;
    let mut sent_at = Instant::now();
    let mut tick = tokio::time::interval(CHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut ping = interval(PING_EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let Some(model) = drawn_model(app, id) else {
                    return send_status(&mut ws, id, "not_found").await;
                };
                if model.status != "running" {
                    return send_status(&mut ws, id, &model.status).await;
                }
                if last.as_ref() == Some(&model) && sent_at.elapsed() < DRAWN_REFRESH {
                    continue;
                }
                let m = model.clone();
                let Ok(Ok(png)) = tokio::task::spawn_blocking(move || frames::render(&m)).await
                else {
                    continue;
                };
                let f = Frame {
                    data: base64::engine::general_purpose::STANDARD.encode(png),
                    viewport_width: frames::WIDTH as u32,
                    viewport_height: frames::HEIGHT as u32,
                    url: model.url.clone(),
                };
                if !send_text(&mut ws, frame_message(id, &model.status, "png", &f)).await {
                    return;
                }
                last = Some(model);
                sent_at = Instant::now();
            }
            _ = ping.tick() => {
                if ws.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return;
                }
            }
            m = ws.next() => if gone(&m) { return },
        }
    }
}
