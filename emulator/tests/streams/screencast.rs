//! The screencast socket: auth failures, unknown and ended sessions, drawn frames, several viewers.

use super::{assert_png_frame, connect, next, next_json, next_status, screencast, ws_url, Ev, T};

use std::time::{Duration, Instant};

use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::emu;

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
