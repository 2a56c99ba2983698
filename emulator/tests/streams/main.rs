//! The live-view sockets over real WebSockets on 127.0.0.1, without a real
//! browser (drawn PNG frames): auth and close behaviour of both sockets,
//! frames, the end-of-session status message, and the input socket.

#[path = "../common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::common::sockets::{ws_url, Client};
use crate::common::Emu;

mod handshakes;
mod input;
mod screencast;

/// One thing a client can see next on a socket.
#[derive(Debug, PartialEq)]
enum Ev {
    Text(String),
    Close(u16, String),
    /// The TCP connection ended without a close frame.
    Dropped,
    Timeout,
}

async fn connect(url: &str) -> Client {
    let (ws, resp) = tokio_tungstenite::connect_async(url)
        .await
        .unwrap_or_else(|err| panic!("connect {url}: {err}"));
    assert_eq!(resp.status().as_u16(), 101);
    ws
}

/// The next text, close frame or drop, skipping pings.
async fn next(ws: &mut Client, limit: Duration) -> Ev {
    let until = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(until, ws.next()).await {
            Err(_) => return Ev::Timeout,
            Ok(None) => return Ev::Dropped,
            Ok(Some(Ok(Message::Text(t)))) => return Ev::Text(t.to_string()),
            Ok(Some(Ok(Message::Close(f)))) => {
                return match f {
                    Some(f) => Ev::Close(u16::from(f.code), f.reason.to_string()),
                    None => Ev::Close(1005, String::new()),
                }
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(WsError::Protocol(_)))) | Ok(Some(Err(WsError::Io(_)))) => {
                return Ev::Dropped
            }
            Ok(Some(Err(e))) => panic!("unexpected socket error: {e}"),
        }
    }
}

async fn next_json(ws: &mut Client, limit: Duration) -> Value {
    match next(ws, limit).await {
        Ev::Text(t) => serde_json::from_str(&t).unwrap_or_else(|e| panic!("not JSON ({e}): {t}")),
        other => panic!("expected a message, got {other:?}"),
    }
}

/// Skips frames until a message without `screenshot` (a status) arrives.
async fn next_status(ws: &mut Client, limit: Duration) -> Value {
    let until = Instant::now() + limit;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        let v = next_json(ws, left).await;
        if v.get("screenshot").is_none() {
            return v;
        }
    }
}

fn screencast(e: &Emu, id: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => ws_url(e, &format!("/v1/stream/browser_sessions/{id}?apikey={k}")),
        None => ws_url(e, &format!("/v1/stream/browser_sessions/{id}")),
    }
}

fn input(e: &Emu, id: &str, key: &str) -> String {
    ws_url(
        e,
        &format!("/v1/stream/cdp_input/browser_session/{id}?client_id=c-1&apikey={key}"),
    )
}

const T: Duration = Duration::from_secs(5);

fn assert_png_frame(v: &Value, id: &str) -> Vec<u8> {
    assert_eq!(v["browser_session_id"], id);
    assert_eq!(v["status"], "running");
    assert_eq!(v["format"], "png");
    assert_eq!(v["viewport_width"], 1280);
    assert_eq!(v["viewport_height"], 720);
    assert!(v["url"].is_string());
    let png = base64::engine::general_purpose::STANDARD
        .decode(v["screenshot"].as_str().unwrap_or(""))
        .expect("base64");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    png
}
