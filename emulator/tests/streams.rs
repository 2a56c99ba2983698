//! The live-view sockets over real WebSockets on 127.0.0.1, without a real
//! browser (drawn PNG frames): auth and close behaviour of both sockets,
//! frames, the end-of-session status message, and the input socket.

mod common;

use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use common::{emu, wait_for, Emu};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One thing a client can see next on a socket.
#[derive(Debug, PartialEq)]
enum Ev {
    Text(String),
    Close(u16, String),
    /// The TCP connection ended without a close frame.
    Dropped,
    Timeout,
}

fn ws_url(e: &Emu, path: &str) -> String {
    format!("{}{path}", e.base.replacen("http://", "ws://", 1))
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

#[tokio::test]
async fn screencast_auth_failures_follow_the_real_server() {
    let e = emu().await;
    let id = e.running_session().await;

    // No credential: a text message, then a clean close 1000.
    let mut ws = connect(&screencast(&e, &id, None)).await;
    assert_eq!(
        next(&mut ws, T).await,
        Ev::Text("No valid credential provided".into())
    );
    assert_eq!(next(&mut ws, T).await, Ev::Close(1000, String::new()));

    // An x-api-key header is ignored: still no credential.
    let mut req = screencast(&e, &id, None)
        .into_client_request()
        .expect("request");
    req.headers_mut()
        .insert("x-api-key", e.key.parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("connect");
    assert_eq!(
        next(&mut ws, T).await,
        Ev::Text("No valid credential provided".into())
    );
    assert_eq!(next(&mut ws, T).await, Ev::Close(1000, String::new()));

    // A wrong key, or the key as a token: a text message, then the
    // connection drops without a close frame.
    for q in [
        "apikey=wrong",
        &format!("token={}", e.key),
        "token=Bearer%20x",
    ] {
        let url = ws_url(&e, &format!("/v1/stream/browser_sessions/{id}?{q}"));
        let mut ws = connect(&url).await;
        assert_eq!(
            next(&mut ws, T).await,
            Ev::Text("Invalid credential provided".into()),
            "{q}"
        );
        assert_eq!(next(&mut ws, T).await, Ev::Dropped, "{q}");
    }
}

#[tokio::test]
async fn screencast_unknown_and_ended_sessions_send_a_status_then_drop() {
    let e = emu().await;
    let mut ws = connect(&screencast(&e, "pbs_000000000000000000", Some(&e.key))).await;
    assert_eq!(
        next_json(&mut ws, T).await,
        json!({"browser_session_id": "pbs_000000000000000000", "status": "not_found"})
    );
    assert_eq!(next(&mut ws, T).await, Ev::Dropped);

    let id = e.running_session().await;
    e.post(&format!("/v1/browser_sessions/{id}/close"), "{}")
        .await;
    let mut ws = connect(&screencast(&e, &id, Some(&e.key))).await;
    assert_eq!(
        next_json(&mut ws, T).await,
        json!({"browser_session_id": id, "status": "completed"})
    );
    assert_eq!(next(&mut ws, T).await, Ev::Dropped);
}

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

#[tokio::test]
async fn drawn_frames_follow_the_session_and_end_with_a_status() {
    let e = emu().await;
    // Connect while the session is still starting: the socket waits.
    let s = e.create_session("{}").await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    let started = Instant::now();
    let mut ws = connect(&screencast(&e, &id, Some(&e.key))).await;
    let first = next_json(&mut ws, T).await;
    assert_png_frame(&first, &id);
    assert_eq!(first["url"], "about:blank");
    assert!(started.elapsed() < Duration::from_secs(2));

    // A run changes what is drawn: a new frame with the run's page comes at once.
    let run = e
        .run_task(&format!(
            r#"{{"prompt": "Look around [steps=4]", "url": "https://shop.example.test/cart", "browser_session_id": "{id}"}}"#
        ))
        .await;
    let mut urls = Vec::new();
    let until = Instant::now() + T;
    while Instant::now() < until {
        let v = next_json(&mut ws, T).await;
        assert_png_frame(&v, &id);
        urls.push(v["url"].as_str().unwrap_or("").to_string());
        if urls.last().map(String::as_str) == Some("https://shop.example.test/cart") {
            break;
        }
    }
    assert_eq!(
        urls.last().map(String::as_str),
        Some("https://shop.example.test/cart"),
        "{urls:?}"
    );
    let rid = run["run_id"].as_str().expect("run id");
    e.follow_run(rid, T).await;

    // Closing the session: one status-only message, then the connection drops.
    let closed_at = Instant::now();
    e.post(&format!("/v1/browser_sessions/{id}/close"), "{}")
        .await;
    assert_eq!(
        next_status(&mut ws, T).await,
        json!({"browser_session_id": id, "status": "completed"})
    );
    assert_eq!(next(&mut ws, T).await, Ev::Dropped);
    assert!(
        closed_at.elapsed() < Duration::from_secs(2),
        "{:?}",
        closed_at.elapsed()
    );
}

#[tokio::test]
async fn several_viewers_and_expiry() {
    let e = emu().await;
    // timeout 5 emulated minutes = 0.5 s of real time here.
    let s = e.create_session(r#"{"timeout": 5}"#).await;
    let id = s["browser_session_id"].as_str().expect("id").to_string();
    let mut a = connect(&screencast(&e, &id, Some(&e.key))).await;
    let mut b = connect(&screencast(&e, &id, Some(&e.key))).await;
    assert_png_frame(&next_json(&mut a, T).await, &id);
    assert_png_frame(&next_json(&mut b, T).await, &id);
    for ws in [&mut a, &mut b] {
        assert_eq!(next_status(ws, T).await["status"], "completed");
        assert_eq!(next(ws, T).await, Ev::Dropped);
    }
}

#[tokio::test]
async fn input_socket_auth_and_not_found_close_codes() {
    let e = emu().await;
    let id = e.running_session().await;
    let cases = [
        format!("/v1/stream/cdp_input/browser_session/{id}?client_id=c"),
        format!("/v1/stream/cdp_input/browser_session/{id}?client_id=c&apikey=wrong"),
        format!("/v1/stream/cdp_input/browser_session/{id}?apikey={}", e.key),
        format!(
            "/v1/stream/cdp_input/browser_session/{id}?client_id=&apikey={}",
            e.key
        ),
    ];
    for path in &cases {
        let mut ws = connect(&ws_url(&e, path)).await;
        assert_eq!(
            next(&mut ws, T).await,
            Ev::Close(1002, String::new()),
            "{path}"
        );
    }
    let mut ws = connect(&input(&e, "pbs_000000000000000000", &e.key)).await;
    assert_eq!(
        next(&mut ws, T).await,
        Ev::Close(4404, "browser_session_not_found".into())
    );
    let ended = e.running_session().await;
    e.post(&format!("/v1/browser_sessions/{ended}/close"), "{}")
        .await;
    let mut ws = connect(&input(&e, &ended, &e.key)).await;
    assert_eq!(
        next(&mut ws, T).await,
        Ev::Close(4404, "browser_session_finalized".into())
    );
}

async fn current_url(e: &Emu, id: &str) -> String {
    let v = e.get(&format!("/browser-session/{id}/state")).await.json();
    v["current_url"].as_str().unwrap_or("").to_string()
}

async fn send(ws: &mut Client, v: Value) {
    ws.send(Message::text(v.to_string())).await.expect("send");
}

#[tokio::test]
async fn input_socket_takes_events_only_after_take_control() {
    let e = emu().await;
    let id = e.running_session().await;
    let mut ws = connect(&input(&e, &id, &e.key)).await;
    assert_eq!(next_json(&mut ws, T).await, json!({"kind": "ready"}));

    // Before take-control everything is dropped silently.
    send(
        &mut ws,
        json!({"kind": "navigateEvent", "url": "not a url at all"}),
    )
    .await;
    send(
        &mut ws,
        json!({"kind": "navigateEvent", "url": "https://before.example.test/"}),
    )
    .await;
    assert_eq!(next(&mut ws, Duration::from_millis(300)).await, Ev::Timeout);
    assert_eq!(current_url(&e, &id).await, "about:blank");

    // Garbage is ignored and the socket stays open.
    ws.send(Message::text("{not json")).await.expect("send");
    send(&mut ws, json!({"kind": "take-control"})).await;
    send(
        &mut ws,
        json!({"kind": "mouseEvent", "eventType": "mousePressed", "x": "left", "y": 1}),
    )
    .await;
    send(&mut ws, json!({"kind": "somethingElse"})).await;

    for bad in [
        "not a url at all",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ] {
        send(&mut ws, json!({"kind": "navigateEvent", "url": bad})).await;
        assert_eq!(
            next_json(&mut ws, T).await,
            json!({"kind": "navigate-error", "reason": "invalid_url"}),
            "{bad}"
        );
    }
    // `type` works like `kind`; a bare host gets https://.
    send(
        &mut ws,
        json!({"type": "navigateEvent", "url": "docs.example.test/start"}),
    )
    .await;
    wait_for(T, || async {
        current_url(&e, &id).await == "https://docs.example.test/start"
    })
    .await;

    // The screencast shows the new URL.
    let mut view = connect(&screencast(&e, &id, Some(&e.key))).await;
    assert_eq!(
        next_json(&mut view, T).await["url"],
        "https://docs.example.test/start"
    );

    // cede-control: dropped again.
    send(&mut ws, json!({"kind": "cede-control"})).await;
    send(
        &mut ws,
        json!({"kind": "navigateEvent", "url": "https://after.example.test/"}),
    )
    .await;
    assert_eq!(next(&mut ws, Duration::from_millis(300)).await, Ev::Timeout);
    assert_eq!(
        current_url(&e, &id).await,
        "https://docs.example.test/start"
    );

    // The session ends: the input socket closes with 4404.
    e.post(&format!("/v1/browser_sessions/{id}/close"), "{}")
        .await;
    assert_eq!(
        next(&mut ws, T).await,
        Ev::Close(4404, "browser_session_finalized".into())
    );
}

#[tokio::test]
async fn handshakes_log_and_faults() {
    let e = emu().await;
    let id = e.running_session().await;

    // The legacy prefix and unknown socket routes are refused at the handshake.
    for path in [
        format!("/api/v1/stream/browser_sessions/{id}?apikey={}", e.key),
        format!(
            "/v1/stream/vnc/browser_session/{id}?client_id=c&apikey={}",
            e.key
        ),
    ] {
        match tokio_tungstenite::connect_async(ws_url(&e, &path)).await {
            Err(WsError::Http(r)) => assert_eq!(r.status().as_u16(), 403, "{path}"),
            other => panic!("{path}: expected HTTP 403, got {:?}", other.map(|x| x.1)),
        }
    }
    // A plain GET of a socket route is an ordinary 404.
    let r = e
        .get(&format!(
            "/v1/stream/browser_sessions/{id}?apikey={}",
            e.key
        ))
        .await;
    assert_eq!(r.status, 404);

    // The request log never holds the key.
    let mut ws = connect(&screencast(&e, &id, Some(&e.key))).await;
    next_json(&mut ws, T).await;
    let log = e.requests().await;
    let entry = log
        .iter()
        .rev()
        .find(|r| r["path"] == format!("/v1/stream/browser_sessions/{id}"))
        .expect("logged");
    assert_eq!(entry["query"], "apikey=REDACTED");
    assert_eq!(entry["api_key"], "valid");
    assert!(!serde_json::to_string(&log)
        .unwrap_or_default()
        .contains(&e.key));

    // Faults apply to handshakes like to any request.
    e.fault(r#"{"path_prefix": "/v1/stream/", "status": 503, "body": "down"}"#)
        .await;
    match tokio_tungstenite::connect_async(screencast(&e, &id, Some(&e.key))).await {
        Err(WsError::Http(r)) => assert_eq!(r.status().as_u16(), 503),
        other => panic!("expected HTTP 503, got {:?}", other.map(|x| x.1)),
    }
    e.fault(r#"{"path_prefix": "/v1/stream/", "reset": true}"#)
        .await;
    assert!(
        tokio_tungstenite::connect_async(screencast(&e, &id, Some(&e.key)))
            .await
            .is_err()
    );
    // And the next one works again.
    let mut ws = connect(&screencast(&e, &id, Some(&e.key))).await;
    assert_png_frame(&next_json(&mut ws, T).await, &id);
}
